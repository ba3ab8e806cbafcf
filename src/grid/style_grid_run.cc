#include "grid/style_grid_run.h"

#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/sha256.h"
#include "core/text.h"
#include "grid/grid_record.h"
#include "grid/style_grid_cells.h"
#include "grid/style_grid_report.h"
#include "io/image.h"
#include "tensor/tensor_image.h"
#include "report/depth_preview.h"
#include "report/style_previews.h"
#include "style/color_preservation.h"
#include "style/depth_source.h"
#include "style/pair_stylization.h"

namespace depthstyle {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One content image as read from disk, with its depth from every source the grid needs.
struct ContentInput {
  std::filesystem::path path;
  std::string sha256;
  Image image;
  std::map<std::string, DepthPrediction> depth;  // by depth source name
};

// One content at one size: its features and, per depth source, the proximity and Algorithm 1 steps 3-5 per level.
struct SizedContent {
  SizedImage sized;
  Features features;
  std::map<std::string, std::string> proximity_picture;  // by depth source, relative to the run folder
  std::map<std::string, std::vector<cv::Mat>> centred;  // by depth source
  cv::Mat mask;
  std::optional<GridScorer::Content> scoring;  // with scores
  std::string regions_depth;                   // near/far split of the AdaIN cells' scores: the first depth source
};

// One style group at one size.
struct SizedStyles {
  std::vector<Features> features;
  std::vector<std::string> sha256;
  std::optional<StyleStatistics> score_statistics;  // with scores, for a single style image
};

class StyleGridRun {
 public:
  StyleGridRun(StyleGridOptions options, RunContext& context)
      : options_(std::move(options)),
        context_(context),
        record_(context.record),
        dir_(record_.dir()),
        cells_(grid_cells(options_)),
        depth_cache_(dir_ / "depth") {}

  StyleGridResults run() {
    backbone_ = make_backbone(options_.backbone);
    nlohmann::json backbone = backbone_->describe();
    backbone["label"] = backbone_->label();
    backbone["reproduces_paper"] = backbone_->reproduces_paper();
    record_.set_manifest_field("backbone", backbone);
    nlohmann::json estimators = nlohmann::json::object();
    for (const DepthEstimatorConfig& config : options_.depth_estimators) {
      estimators_[config.name] = make_depth_estimator(config, static_cast<std::uint64_t>(context_.common.seed));
      estimators[config.name] = estimators_[config.name]->describe();
    }
    record_.set_manifest_field("depth_estimators", estimators);
    nlohmann::json not_run = nlohmann::json::object();
    for (const auto& [name, reason] : options_.depth_estimators_not_run) {
      log_warning("depth estimator '", name, "': ", reason);
      not_run[name] = reason;
    }
    record_.set_manifest_field("depth_estimators_not_run", not_run);
    record_.set_manifest_field("depth_sources", depth_sources());
    if (options_.scores.enabled) {
      scorer_ = std::make_unique<GridScorer>(options_.scores, *backbone_, context_.common.seed);
      record_.set_manifest_field("scores", scorer_->describe());
      if (scorer_->network().stand_in()) log_warning("scores: content and style distances on ", scorer_->network().label());
    }
    if (!backbone_->reproduces_paper()) log_warning("backbone: ", backbone_->label());
    log_info("style grid: ", cells_.size(), " cells, ", count_done(0, cells_.size()), " already done");

    ProgressBar progress("cells", cells_.size());
    progress_ = &progress;
    for_each_group(0, cells_.size(), [](const GridCell& cell) { return cell.content; },
                   [&](std::size_t begin, std::size_t end) { run_content(begin, end); });
    progress.finish();

    std::vector<GridRecord> records;
    for (const GridCell& cell : cells_) {
      records.push_back(record_.is_done(cell.key)
                            ? grid_record_from_json(record_.unit_result(cell.key), "the run record's unit " + cell.key)
                            : failed_records_.at(cell.key));
    }
    if (!failed_records_.empty()) {
      log_warning(failed_records_.size(), " of ", cells_.size(), " cells failed; see results.csv");
    }
    return {std::move(records), std::move(backbone), scorer_ ? scorer_->describe() : nlohmann::json()};
  }

 private:
  // Calls `work(begin, end)` for every run of consecutive cells in [begin, end) with the same `group` value,
  // skipping runs whose cells are all done.
  template <typename Group, typename Work>
  void for_each_group(std::size_t begin, std::size_t end, Group group, Work work) {
    while (begin < end) {
      std::size_t stop = begin + 1;
      while (stop < end && group(cells_[stop]) == group(cells_[begin])) ++stop;
      if (count_done(begin, stop) == stop - begin) {
        progress_->advance(stop - begin);
      } else {
        throw_if_interrupted();
        work(begin, stop);
      }
      begin = stop;
    }
  }

  std::size_t count_done(std::size_t begin, std::size_t end) const {
    std::size_t done = 0;
    for (std::size_t i = begin; i < end; ++i) done += record_.is_done(cells_[i].key) ? 1 : 0;
    return done;
  }

  // Runs `step`; if it throws (other than an interruption), every unfinished cell in [begin, end) fails with the
  // error, and false is returned.
  template <typename Step>
  bool or_fail_cells(std::size_t begin, std::size_t end, Step step) {
    try {
      step();
      return true;
    } catch (const Interrupted&) {
      throw;
    } catch (const std::exception& error) {
      for (std::size_t i = begin; i < end; ++i) {
        if (record_.is_done(cells_[i].key)) continue;
        fail_cell(cells_[i], error.what());
        progress_->advance();
      }
      return false;
    }
  }

  void run_content(std::size_t begin, std::size_t end) {
    const StyleGridContent& entry = options_.contents[cells_[begin].content];
    ContentInput content;
    if (!or_fail_cells(begin, end, [&] { content = load_content(entry, begin, end); })) return;
    for_each_group(begin, end, [](const GridCell& cell) { return cell.content_size; },
                   [&](std::size_t size_begin, std::size_t size_end) {
                     SizedContent sized;
                     const auto start = std::chrono::steady_clock::now();
                     if (!or_fail_cells(size_begin, size_end,
                                        [&] { sized = size_content(entry, content, cells_[size_begin].content_size); })) {
                       return;
                     }
                     const double content_seconds = seconds_since(start);
                     for_each_group(size_begin, size_end,
                                    [](const GridCell& cell) { return std::pair(cell.style, cell.style_size); },
                                    [&](std::size_t pair_begin, std::size_t pair_end) {
                                      run_pair(content, sized, content_seconds, pair_begin, pair_end);
                                    });
                   });
  }

  // The depth map file of a content as the grid reads it.
  static DepthMapFile depth_map_file(const StyleGridContent& entry) {
    DepthMapFile file;
    file.path = resolve_input_path(entry.depth_map);
    file.meaning = depth_meaning_from_string(entry.depth_meaning);
    file.zero_is_unknown = entry.depth_zero_unknown;
    file.read = {entry.depth_npz_key, entry.depth_png_scale};
    return file;
  }

  // Where each content's depth comes from, for the manifest: complete at every attempt, also for contents a
  // resumed run no longer touches. A map that cannot be read is recorded with its error (its cells fail later).
  nlohmann::json depth_sources() const {
    nlohmann::json sources = nlohmann::json::object();
    for (const StyleGridContent& entry : options_.contents) {
      nlohmann::json content = nlohmann::json::object();
      if (!entry.depth_map.empty()) {
        try {
          content["map"] = describe_depth_map_file(depth_map_file(entry));
        } catch (const Error& error) {
          content["map"] = {{"error", error.what()}};
        }
      }
      for (const DepthEstimatorConfig& estimator : options_.depth_estimators) {
        content[estimator.name] = {{"estimator", estimator.name},
                                   {"cache", concat("depth/", entry.name, ".", estimator.name, ".npy")}};
      }
      sources[entry.name] = content;
    }
    return sources;
  }

  ContentInput load_content(const StyleGridContent& entry, std::size_t begin, std::size_t end) {
    ContentInput content;
    content.path = resolve_input_path(entry.image);
    content.sha256 = sha256_hex_of_file(content.path);
    content.image = load_image(content.path);
    std::set<std::string> sources;
    for (std::size_t i = begin; i < end; ++i) {
      if (cells_[i].setting.uses_strength) sources.insert(cells_[i].setting.depth);
    }
    if (scorer_) {  // every source: the AdaIN cells' near/far split comes from the first one
      for (const std::string& source : depth_source_names(options_, entry)) sources.insert(source);
    }
    for (const std::string& source : sources) {
      if (source == "map") {
        content.depth[source] = read_depth_map_file(depth_map_file(entry));
        continue;
      }
      DepthEstimator& estimator = *estimators_.at(source);
      const nlohmann::json made_by = {{"estimator", estimator.describe()}, {"content_sha256", content.sha256}};
      bool reused = false;
      content.depth[source] = depth_cache_.get_or_compute(
          entry.name, source, made_by, [&] { return estimate_depth(estimator, content.path, content.image); }, &reused);
      if (reused) log_info("content ", entry.name, ": depth from ", source, " reused from depth/");
    }
    log_info("content ", entry.name, ": ", content.image.rgb.cols, "x", content.image.rgb.rows, " px",
             sources.empty() ? std::string() : ", depth from " + join({sources.begin(), sources.end()}, ", "));
    return content;
  }

  SizedContent size_content(const StyleGridContent& entry, const ContentInput& content, int content_size) {
    SizedContent sized;
    sized.sized = size_image(content.image, {content_size, options_.crop});
    const std::string picture = concat("inputs/content=", entry.name, ",content_size=", content_size, ".png");
    save_image(dir_ / picture, sized.sized.rgb);
    // The score taps come with this pass when the content is scored at this size; else prepare_content encodes the
    // shrunk content (scores.side).
    std::vector<at::Tensor> taps;
    sized.features = scored_at_own_size(sized.sized.rgb)
                         ? scorer_->network().encode(tensor_from_image(sized.sized.rgb), taps)
                         : backbone_->encode(tensor_from_image(sized.sized.rgb));
    std::map<std::string, cv::Mat> proximities;
    for (const auto& [source, depth] : content.depth) {
      const cv::Mat proximity = proximity_of_sized_content(depth, sized.sized);
      const std::string picture =
          concat("maps/content=", entry.name, ",depth=", source, ",content_size=", content_size, ".proximity.png");
      save_image(dir_ / picture, colorize_depth(proximity));
      sized.proximity_picture[source] = picture;
      sized.centred[source] = centred_proximity_levels(proximity, sized.features);
      proximities[source] = proximity;
    }
    if (scorer_) {
      // The estimator sees the content as saved, as it sees the outputs.
      sized.scoring = scorer_->prepare_content(entry.name, content_size, load_image(dir_ / picture).rgb, picture, taps,
                                               proximities);
      const std::vector<std::string> sources = depth_source_names(options_, entry);
      if (!sources.empty()) sized.regions_depth = sources.front();
    }
    if (!entry.mask.empty()) sized.mask = load_mask_for(resolve_input_path(entry.mask), sized.sized);
    return sized;
  }

  bool scored_at_own_size(const cv::Mat& rgb) const {
    return scorer_ && scorer_->scoring_size(rgb.size()) == rgb.size();
  }

  // The style group at `style_size`, shared by every content unless colours are matched to each content.
  const SizedStyles& styles_for(std::size_t style_index, int style_size, const SizedContent& content) {
    const std::pair<std::size_t, int> key(style_index, style_size);
    if (!options_.preserve_color) {
      const auto cached = style_cache_.find(key);
      if (cached != style_cache_.end()) return cached->second;
    }
    const StyleGridStyle& entry = options_.styles[style_index];
    SizedStyles styles;
    for (std::size_t i = 0; i < entry.images.size(); ++i) {
      const std::filesystem::path path = resolve_input_path(entry.images[i]);
      styles.sha256.push_back(sha256_hex_of_file(path));
      cv::Mat rgb = size_image(load_image(path), {style_size, options_.crop}).rgb;
      save_image(dir_ / concat("inputs/style=", entry.name, ",style_size=", style_size, ",image=", i + 1, ".png"), rgb);
      if (options_.preserve_color) rgb = match_color_statistics(rgb, content.sized.rgb, path.string(), "content");
      std::vector<at::Tensor> taps;
      const bool scored = scorer_ && entry.images.size() == 1;
      styles.features.push_back(scored && scored_at_own_size(rgb)
                                    ? scorer_->network().encode(tensor_from_image(rgb), taps)
                                    : backbone_->encode(tensor_from_image(rgb)));
      if (scored) styles.score_statistics = scorer_->style_statistics_of(rgb, taps);
    }
    style_cache_[key] = std::move(styles);
    return style_cache_[key];
  }

  void run_pair(const ContentInput& content, const SizedContent& sized, double content_seconds, std::size_t begin,
                std::size_t end) {
    const GridCell& first = cells_[begin];
    const StyleGridStyle& style = options_.styles[first.style];
    const auto start = std::chrono::steady_clock::now();
    const SizedStyles* styles = nullptr;
    StyleTargets targets;
    const bool prepared = or_fail_cells(begin, end, [&] {
      styles = &styles_for(first.style, first.style_size, sized);
      std::vector<const Features*> pointers;
      for (const Features& features : styles->features) pointers.push_back(&features);
      StyleMix mix{style_mix_mode_from_string(style.mode), style.weights, sized.mask};
      targets = prepare_style_targets(sized.features, pointers, mix);
    });
    if (!prepared) return;
    // What the cells of this pair share: the content's encoding (and depth steps 3-5) and the pair's own work.
    const double pair_seconds = content_seconds + seconds_since(start);
    for (std::size_t i = begin; i < end; ++i) {
      const GridCell& cell = cells_[i];
      if (record_.is_done(cell.key)) {
        progress_->advance();
        continue;
      }
      throw_if_interrupted();
      or_fail_cells(i, i + 1, [&] {
        record_.complete_unit(cell.key, render_cell(cell, content, sized, *styles, targets, pair_seconds));
        progress_->advance();
      });
    }
  }

  nlohmann::json render_cell(const GridCell& cell, const ContentInput& content, const SizedContent& sized,
                             const SizedStyles& styles, const StyleTargets& targets, double pair_seconds) {
    const auto start = std::chrono::steady_clock::now();
    const GridSetting& setting = cell.setting;
    const BlendSetting blend{setting.method, setting.content_weight, {setting.beta, setting.eps}};
    static const std::vector<cv::Mat> kNoDepth;
    const Rendering rendering =
        render_stylization(*backbone_, sized.features, targets, blend,
                           setting.uses_strength ? sized.centred.at(setting.depth) : kNoDepth, sized.sized.rgb.size());
    GridRecord record = cell_record(cell, content.sha256, join(styles.sha256, "+"));
    record.output = concat("images/", cell.key, ".", options_.output.format);
    save_stylized_image(dir_ / record.output, rendering.image, sized.sized, options_.output.jpeg_quality);
    record.width = sized.sized.rgb.cols;
    record.height = sized.sized.rgb.rows;
    if (setting.uses_strength) record.proximity_map = sized.proximity_picture.at(setting.depth);
    if (options_.output.save_strength_maps && !rendering.strength.empty()) {
      record.strength_map = concat("maps/", cell.key, ".strength.png");
      save_image(dir_ / record.strength_map, strength_preview(rendering.strength.front(), sized.sized.rgb.size()));
    }
    record.seconds_pair = pair_seconds;
    record.seconds_cell = seconds_since(start);
    if (scorer_) {
      const std::string& regions = setting.uses_strength ? setting.depth : sized.regions_depth;
      record.scores = scorer_->score(load_image(dir_ / record.output).rgb, record.output, *sized.scoring,
                                     styles.score_statistics ? &*styles.score_statistics : nullptr, regions);
    }
    return to_json(record);
  }

  // What every record of a cell holds, whether it succeeds or fails.
  GridRecord cell_record(const GridCell& cell, const std::string& content_sha256, const std::string& style_sha256) {
    const StyleGridStyle& style = options_.styles[cell.style];
    GridRecord record;
    record.key = cell.key;
    record.content = options_.contents[cell.content].name;
    record.style = style.name;
    record.style_mode = style_mix_mode_from_string(style.mode);
    record.setting = cell.setting;
    record.content_size = cell.content_size;
    record.style_size = cell.style_size;
    record.backbone = options_.backbone.type;
    record.content_sha256 = content_sha256;
    record.style_sha256 = style_sha256;
    return record;
  }

  void fail_cell(const GridCell& cell, const std::string& error) {
    GridRecord record = cell_record(cell, "", "");
    record.status = CellStatus::kFailed;
    record.error = error;
    failed_records_[cell.key] = std::move(record);
    log_warning(cell.key, ": ", error);
  }

  StyleGridOptions options_;
  RunContext& context_;
  RunRecord& record_;
  std::filesystem::path dir_;
  std::vector<GridCell> cells_;
  DepthMapCache depth_cache_;
  std::unique_ptr<Backbone> backbone_;
  std::map<std::string, std::unique_ptr<DepthEstimator>> estimators_;
  std::unique_ptr<GridScorer> scorer_;  // with scores
  std::map<std::pair<std::size_t, int>, SizedStyles> style_cache_;
  std::map<std::string, GridRecord> failed_records_;
  ProgressBar* progress_ = nullptr;
};

}  // namespace

StyleGridResults run_style_grid_cells(StyleGridOptions options, RunContext& context) {
  return StyleGridRun(std::move(options), context).run();
}

void run_style_grid(StyleGridOptions options, RunContext& context) {
  const StyleGridResults results = run_style_grid_cells(options, context);
  context.report =
      write_style_grid_report(options, results.records, results.backbone, context.common, context.record);
}

}  // namespace depthstyle
