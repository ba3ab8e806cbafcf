#include "stylize/stylize_batch.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <system_error>

#include "core/error.h"
#include "core/input_files.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "core/text.h"
#include "io/image_files.h"
#include "stylize/video_io.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;

bool is_image_output_extension(const std::string& extension) {
  return extension == ".png" || extension == ".jpg" || extension == ".jpeg";
}

std::string unit_name(const StylizeUnit& unit) { return concat(unit.content.string(), " x ", unit.style.string()); }

void check_request(const StylizeBatchRequest& request) {
  stylized_output_extension("content.png", request.extension);  // throws for a bad --ext
  check_smaller_side(request.settings.content_sizing.smaller_side, "stylize: --content-size");
  check_smaller_side(request.settings.style_sizing.smaller_side, "stylize: --style-size");
  check_blend_setting(request.settings.setting, StyleMixMode::kSingle);
  check_temporal_smoothing(request.settings.temporal_smoothing, "stylize: --temporal-smoothing");
  if (request.depth_map && request.depth_estimator) {
    throw UsageError("stylize: give either a depth map or a depth estimator, not both");
  }
  if (needs_strength_map(request.settings.setting, StyleMixMode::kSingle) && !request.depth_map &&
      !request.depth_estimator) {
    throw UsageError("stylize: da-adain needs the content's depth: --depth-map FILE --depth-meaning M, or "
                     "--depth-estimator TYPE");
  }
  if (request.depth_estimator) check_depth_estimator_config(*request.depth_estimator);
  const std::vector<std::string> problems = backbone_config_problems(request.backbone, "backbone");
  if (!problems.empty()) throw UsageError(join(problems, "\n"));
}

// The explicit -o FILE form: one content, one style.
void check_single_output(const StylizePlan& plan, const fs::path& output) {
  if (plan.content_count != 1 || plan.style_count != 1) {
    throw UsageError(concat("stylize: -o ", output.string(), " names one output, but the inputs give ",
                            plan.content_count, " content(s) x ", plan.style_count,
                            " style(s); leave out -o to write every combination into --output-dir"));
  }
  const StylizeUnit& unit = plan.units.front();
  const std::string extension = lowercase_extension(output);
  if (unit.video ? !is_video_file(output) : !is_image_output_extension(extension)) {
    throw UsageError(concat("stylize: -o ", output.string(), ": the output of ", unit.content.string(), " must end in ",
                            unit.video ? join(video_file_extensions(), ", ") : ".png, .jpg or .jpeg"));
  }
}

// Fails every unit whose output another unit would write too, naming them all.
void mark_collisions(std::vector<StylizeUnit>& units) {
  std::map<fs::path, std::vector<std::size_t>> by_output;
  for (std::size_t i = 0; i < units.size(); ++i) by_output[units[i].output.lexically_normal()].push_back(i);
  for (const auto& [output, indices] : by_output) {
    if (indices.size() < 2) continue;
    std::vector<std::string> names;
    for (std::size_t index : indices) names.push_back(unit_name(units[index]));
    for (std::size_t index : indices) {
      units[index].problem =
          concat(output.string(), " would be written by ", indices.size(), " pairs (", join(names, "; "),
                 "): contents or styles share a file name stem; rename one, or stylize them into separate "
                 "--output-dir folders");
    }
  }
}

// True if `file` lies inside `folder` (both may be relative or not yet exist).
bool is_inside(const fs::path& file, const fs::path& folder) {
  std::error_code error;
  const fs::path inner = fs::weakly_canonical(fs::absolute(file, error), error);
  const fs::path outer = fs::weakly_canonical(fs::absolute(folder, error), error);
  if (error) return false;
  const auto [outer_end, inner_at] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return outer_end == outer.end() && inner_at != inner.end();
}

// Progress steps of a video: its frames as its header states them (at least 1; a video that cannot be opened
// fails when its unit runs).
std::size_t video_steps(const fs::path& video) {
  try {
    return std::max<std::size_t>(1, probe_video(video).frame_count);
  } catch (const Error&) {
    return 1;
  }
}

// The models, loaded once for the whole batch.
StylizeSession open_session(const StylizeBatchRequest& request) {
  std::unique_ptr<DepthEstimator> estimator;
  if (needs_strength_map(request.settings.setting, StyleMixMode::kSingle) && request.depth_estimator) {
    estimator = make_depth_estimator(*request.depth_estimator);
  }
  return StylizeSession(request.settings, make_backbone(request.backbone), std::move(estimator), request.depth_map);
}

}  // namespace

std::string stylized_file_name(const fs::path& content, const fs::path& style, const std::string& extension) {
  return concat(content.stem().string(), "_stylized_", style.stem().string(), extension);
}

std::string stylized_output_extension(const fs::path& content, const std::string& requested) {
  if (is_video_file(content)) return lowercase_extension(content);
  if (!requested.empty()) {
    std::string extension = requested[0] == '.' ? requested : "." + requested;
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!is_image_output_extension(extension)) {
      throw UsageError(concat("stylize: --ext '", requested, "': image outputs are png, jpg or jpeg"));
    }
    return extension;
  }
  const std::string own = lowercase_extension(content);
  return is_image_output_extension(own) ? own : ".png";
}

StylizePlan plan_stylize_batch(const StylizeBatchRequest& request) {
  check_request(request);
  InputSelection content_selection{image_file_extensions(), request.recursive};
  const std::vector<std::string>& videos = video_file_extensions();
  content_selection.extensions.insert(content_selection.extensions.end(), videos.begin(), videos.end());
  InputFiles contents = select_input_files(request.contents, content_selection);
  const InputFiles styles = select_input_files(request.styles, {image_file_extensions(), request.recursive});

  StylizePlan plan;
  if (request.output.empty()) {
    const auto outputs = std::remove_if(contents.files.begin(), contents.files.end(),
                                        [&](const fs::path& file) { return is_inside(file, request.output_dir); });
    plan.outputs_left_out = static_cast<std::size_t>(contents.files.end() - outputs);
    contents.files.erase(outputs, contents.files.end());
  }
  plan.content_count = contents.files.size();
  plan.style_count = styles.files.size();
  plan.input_problems = contents.problems;
  plan.input_problems.insert(plan.input_problems.end(), styles.problems.begin(), styles.problems.end());
  const bool any_video = std::any_of(contents.files.begin(), contents.files.end(), is_video_file);
  if (request.depth_map && (contents.files.size() > 1 || any_video)) {
    throw UsageError("stylize: --depth-map is the depth of one content image; for several contents or a video use "
                     "--depth-estimator TYPE");
  }
  if (request.settings.content_sizing.crop && any_video) {
    throw UsageError("stylize: --crop squares images, but a video keeps its frame size; leave out --crop or the "
                     "video(s)");
  }
  for (const fs::path& content : contents.files) {
    for (const fs::path& style : styles.files) {
      StylizeUnit unit{content, style, {}, is_video_file(content), {}};
      unit.output = request.output.empty()
                        ? request.output_dir /
                              stylized_file_name(content, style, stylized_output_extension(content, request.extension))
                        : request.output;
      plan.units.push_back(std::move(unit));
    }
  }
  if (!request.output.empty() && plan.input_problems.empty()) check_single_output(plan, request.output);
  mark_collisions(plan.units);
  return plan;
}

BatchOutcome run_stylize_batch(const StylizeBatchRequest& request, std::ostream& out) {
  const StylizePlan plan = plan_stylize_batch(request);
  BatchOutcome outcome("stylize");
  for (const std::string& problem : plan.input_problems) outcome.failed("", problem);
  std::vector<const StylizeUnit*> work;
  for (const StylizeUnit& unit : plan.units) {
    std::error_code error;
    if (!unit.problem.empty()) {
      outcome.failed(unit_name(unit), unit.problem);
    } else if (request.output.empty() && !request.overwrite && fs::exists(unit.output, error)) {
      outcome.skipped();
    } else {
      work.push_back(&unit);
    }
  }
  out << "stylize: " << plan.content_count << " content(s) x " << plan.style_count << " style(s) = "
      << plan.units.size() << " output(s)"
      << (request.output.empty() ? concat(" in ", request.output_dir.string()) : std::string())
      << ", " << work.size() << " to write";
  if (plan.outputs_left_out > 0) {
    out << " (" << plan.outputs_left_out << " file(s) inside " << request.output_dir.string()
        << " left out: they are outputs, not contents)";
  }
  out << "\n";
  if (work.empty()) return outcome;

  // The progress counts images and video frames, so its ETA holds for a batch that mixes them.
  std::vector<std::size_t> steps;
  for (const StylizeUnit* unit : work) steps.push_back(unit->video ? video_steps(unit->content) : 1);
  StylizeSession session = open_session(request);
  ProgressBar progress("stylize", std::accumulate(steps.begin(), steps.end(), std::size_t{0}));
  for (std::size_t i = 0; i < work.size(); ++i) {
    throw_if_interrupted();
    const StylizeUnit& unit = *work[i];
    std::size_t advanced = 0;
    try {
      if (unit.video) {
        session.stylize_video(unit.content, unit.style, unit.output, [&](const Rendering&) {
          if (advanced < steps[i]) {
            progress.advance();
            ++advanced;
          }
        });
      } else {
        session.stylize_image(unit.content, unit.style, unit.output);
      }
      outcome.written();
    } catch (const Interrupted&) {
      throw;
    } catch (const std::exception& error) {
      outcome.failed(unit_name(unit), error.what());
    }
    progress.advance(steps[i] - std::min(advanced, steps[i]));
  }
  progress.finish();
  return outcome;
}

}  // namespace depthstyle
