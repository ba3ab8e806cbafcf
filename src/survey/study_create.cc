#include "survey/study_create.h"

#include <random>

#include "core/atomic_file.h"
#include "core/build_info.h"
#include "core/error.h"
#include "core/secure_random.h"
#include "core/seeds.h"
#include "core/sha256.h"
#include "core/staged_folder.h"
#include "io/image.h"
#include "survey/grid_stimuli.h"
#include "survey/sentinel_image.h"
#include "survey/study_database.h"
#include "survey/study_design.h"
#include "survey/study_schema.h"
#include "survey/web_copy.h"

namespace depthstyle {
namespace {

// Adds image bytes to the staged study folder and the stimuli table; returns the stimulus id.
class StimulusWriter {
 public:
  StimulusWriter(StagedFolder& folder, SqliteDatabase& database, const WebCopyOptions& web)
      : folder_(folder),
        insert_(database.prepare("INSERT INTO stimuli (public_id, method_id, file, sha256, media_type, width, height, "
                                 "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")),
        insert_web_(database.prepare("INSERT INTO web_stimuli (stimulus_id, file, sha256, media_type, width, height) "
                                     "VALUES (?1, ?2, ?3, 'image/jpeg', ?4, ?5)")),
        database_(database),
        web_(web) {}

  std::int64_t add(const std::string& bytes, std::int64_t method_id, const nlohmann::json& source,
                   const std::string& origin) {
    std::string media_type, extension;
    if (bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
      media_type = "image/png", extension = ".png";
    } else if (bytes.compare(0, 3, "\xFF\xD8\xFF") == 0) {
      media_type = "image/jpeg", extension = ".jpg";
    } else {
      throw InputError(concat(origin, ": not a PNG or JPEG file (a survey page can show only those)"));
    }
    const cv::Mat decoded = decode_image_as_stored(bytes, origin);
    if (decoded.empty()) throw InputError(concat(origin, ": the image cannot be decoded (truncated or corrupt?)"));
    const std::string sha256 = sha256_hex(bytes);
    const std::string file = "stimuli/" + sha256 + extension;
    write_once(file, bytes);
    insert_.execute(secure_random_hex(16), method_id, file, sha256, media_type, decoded.cols, decoded.rows,
                    source.dump());
    const std::int64_t id = database_.last_insert_rowid();
    const WebCopy web = make_web_copy(decoded, web_);
    const std::string web_sha256 = sha256_hex(web.bytes);
    const std::string web_file = "stimuli/web/" + web_sha256 + ".jpg";
    write_once(web_file, web.bytes);
    insert_web_.execute(id, web_file, web_sha256, web.width, web.height);
    return id;
  }

 private:
  // Files are named by their content: a picture shown twice (a sentinel's good side) is stored once.
  void write_once(const std::string& file, const std::string& bytes) {
    if (!std::filesystem::exists(folder_.staging() / file)) folder_.write(file, bytes);
  }

  StagedFolder& folder_;
  SqliteStatement insert_;
  SqliteStatement insert_web_;
  SqliteDatabase& database_;
  WebCopyOptions web_;
};

// The rows that every study table refers to: the study itself and its two methods.
struct StudyRows {
  std::int64_t baseline_id = 0, proposed_id = 0;
};
StudyRows insert_study_and_methods(SqliteDatabase& database, const StudyOptions& options, const StudyDesign& design,
                                   const GridStimuliSet& grid, const std::string& resolved_config) {
  database.execute(
      "INSERT INTO studies (id, name, title, question, instructions, thanks, design, config, source_run, "
      "source_manifest, tool_revision, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      options.name, options.page.title, options.page.question, options.page.instructions, options.page.thanks,
      study_design_to_json(design).dump(), resolved_config,
      std::filesystem::absolute(options.stimuli.grid_run).lexically_normal().string(), grid.manifest.dump(),
      build_info().git_revision + (build_info().git_dirty ? "-dirty" : ""), utc_timestamp_ms());
  SqliteStatement add_method = database.prepare("INSERT INTO methods (name, role) VALUES (?1, ?2)");
  StudyRows rows;
  add_method.execute(options.stimuli.baseline, "baseline");
  rows.baseline_id = database.last_insert_rowid();
  add_method.execute(options.stimuli.proposed, "proposed");
  rows.proposed_id = database.last_insert_rowid();
  return rows;
}

SqliteStatement prepare_add_comparison(SqliteDatabase& database) {
  return database.prepare(
      "INSERT INTO comparisons (name, kind, first_stimulus, second_stimulus, expected_stimulus) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
}

// A main comparison as stored: its two stimuli, baseline first.
struct ShownPair {
  std::string name;
  const GridStimulus* stimulus[2];
  std::int64_t id[2];
};

// The chosen grid pairs as main comparisons, their images as stimuli.
std::vector<ShownPair> add_main_comparisons(SqliteDatabase& database, StimulusWriter& stimuli, const StudyRows& rows,
                                            const GridStimuliSet& grid, const std::vector<std::size_t>& chosen) {
  SqliteStatement add_comparison = prepare_add_comparison(database);
  std::vector<ShownPair> shown;
  for (const std::size_t index : chosen) {
    const GridComparison& comparison = grid.comparisons[index];
    ShownPair pair{comparison.name, {&comparison.baseline, &comparison.proposed}, {0, 0}};
    for (int side = 0; side < 2; ++side) {
      const GridStimulus& stimulus = *pair.stimulus[side];
      pair.id[side] = stimuli.add(read_file(stimulus.file), side == 0 ? rows.baseline_id : rows.proposed_id,
                                  {{"grid_row", to_json(stimulus.record)}, {"grid_file", stimulus.file.string()}},
                                  stimulus.file.string());
    }
    add_comparison.execute(pair.name, "main", pair.id[0], pair.id[1], nullptr);
    shown.push_back(pair);
  }
  return shown;
}

// Sentinel comparisons: one image of a shown pair against a degraded copy of it, the good image expected.
void add_sentinel_comparisons(SqliteDatabase& database, StimulusWriter& stimuli, const StudyOptions& options,
                              std::size_t sentinel_count, const std::vector<ShownPair>& shown) {
  SqliteStatement add_method = database.prepare("INSERT INTO methods (name, role) VALUES (?1, ?2)");
  add_method.execute("degraded", "degraded");
  const std::int64_t degraded_id = database.last_insert_rowid();
  SqliteStatement add_comparison = prepare_add_comparison(database);
  const std::uint64_t sentinel_seed = resolve_seed(options.sentinels_seed, options.seed, "sentinels");
  // Which pairs lend an image, which of its two images, and each image's noise: one stream per use.
  const std::vector<std::size_t> sources =
      choose_subset(shown.size(), sentinel_count, derive_seed(static_cast<std::int64_t>(sentinel_seed), "pairs"));
  std::mt19937_64 sides(derive_seed(static_cast<std::int64_t>(sentinel_seed), "sides"));
  for (std::size_t k = 0; k < sources.size(); ++k) {
    const ShownPair& pair = shown[sources[k]];
    const int side = static_cast<int>(uniform_index(sides, 2));
    const GridStimulus& good = *pair.stimulus[side];
    const std::uint64_t noise_seed = derive_seed(static_cast<std::int64_t>(sentinel_seed), concat("noise=", k));
    const cv::Mat degraded = degrade_for_sentinel(load_image(good.file).rgb, options.sentinel_blur,
                                                  options.sentinel_noise, noise_seed);
    const nlohmann::json source = {{"degraded_from", good.file.string()},
                                   {"blur_sd_px", options.sentinel_blur * std::min(degraded.rows, degraded.cols)},
                                   {"noise_sd", options.sentinel_noise},
                                   {"noise_seed", std::to_string(noise_seed)}};
    const std::int64_t degraded_stimulus =
        stimuli.add(encode_image("sentinel.png", degraded), degraded_id, source, good.file.string());
    add_comparison.execute(concat("sentinel:", pair.name, ",method=", good.method), "sentinel", pair.id[side],
                           degraded_stimulus, pair.id[side]);
  }
}

// The grid pairs the study shows (indexes into grid.comparisons): all, or options.pairs drawn with the pairs seed.
std::vector<std::size_t> choose_study_pairs(const StudyOptions& options, const GridStimuliSet& grid) {
  if (options.pairs > 0 && static_cast<std::size_t>(options.pairs) > grid.comparisons.size()) {
    throw ConfigError(concat("'pairs.count' is ", options.pairs, " but ", options.stimuli.grid_run, " has only ",
                             grid.comparisons.size(), " ", options.stimuli.baseline, "/", options.stimuli.proposed,
                             " pairs"));
  }
  return choose_subset(grid.comparisons.size(), static_cast<std::size_t>(options.pairs),
                       resolve_seed(options.pairs_seed, options.seed, "pairs"));
}

StudyDesign study_design_of(const StudyOptions& options, std::size_t main_count) {
  StudyDesign design;
  design.planned_respondents = static_cast<std::size_t>(options.respondents);
  design.main_count = main_count;
  design.sentinel_count = static_cast<std::size_t>(options.sentinels);
  design.repeat_count = static_cast<std::size_t>(options.repeats);
  design.repeat_min_gap = static_cast<std::size_t>(options.repeat_min_gap);
  design.order_seed = resolve_seed(options.order_seed, options.seed, "order");
  design.sides_seed = resolve_seed(options.sides_seed, options.seed, "sides");
  design.repeats_seed = resolve_seed(options.repeats_seed, options.seed, "repeats");
  check_study_design(design);
  return design;
}

}  // namespace

StudyCreateSummary create_study(const StudyOptions& options, const std::string& resolved_config) {
  check_study_options(options);
  const GridStimuliSet grid = read_grid_stimuli(options.stimuli);
  const std::vector<std::size_t> chosen = choose_study_pairs(options, grid);
  const StudyDesign design = study_design_of(options, chosen.size());

  StudyCreateSummary summary;
  summary.folder = std::filesystem::path(options.output_dir) / options.name;
  summary.candidate_pairs = grid.comparisons.size();
  summary.pairs = design.main_count;
  summary.sentinels = design.sentinel_count;
  summary.trials_per_respondent = design.main_count + design.sentinel_count + design.repeat_count;
  summary.reproduces_paper = grid.reproduces_paper;
  summary.backbone_label = grid.backbone_label;

  StagedFolder folder(summary.folder);
  folder.write("config.yaml", resolved_config);
  {
    SqliteOpenOptions open;
    open.owner_only = true;  // it will hold completion codes
    SqliteDatabase database(folder.staging() / kStudyDatabaseName, open);
    migrate(database, study_schema());
    SqliteTransaction transaction(database);
    const StudyRows rows = insert_study_and_methods(database, options, design, grid, resolved_config);
    StimulusWriter stimuli(folder, database, options.web);
    const std::vector<ShownPair> shown = add_main_comparisons(database, stimuli, rows, grid, chosen);
    if (design.sentinel_count > 0) add_sentinel_comparisons(database, stimuli, options, design.sentinel_count, shown);
    transaction.commit();
  }
  folder.publish();
  return summary;
}

}  // namespace depthstyle
