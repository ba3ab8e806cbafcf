#include "style/stylize_job.h"

#include <chrono>

#include "core/atomic_file.h"
#include "core/build_info.h"
#include "core/error.h"
#include "core/sha256.h"
#include "core/text.h"
#include "io/image.h"
#include "report/depth_preview.h"
#include "report/style_previews.h"
#include "style/pair_stylization.h"

namespace depthstyle {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json file_entry(const std::filesystem::path& path) {
  return {{"path", path.string()}, {"sha256", sha256_hex_of_file(path)}};
}

void check_request(const SingleStylization& request) {
  if (request.styles.empty()) throw UsageError("stylize: at least one style image is needed");
  if (request.mode == StyleMixMode::kMask && request.mask.empty()) {
    throw UsageError("stylize: style mode mask needs --mask FILE");
  }
  check_style_group(request.mode, request.weights, request.styles.size(), !request.mask.empty());
  check_blend_setting(request.setting, request.mode);
  if (request.depth_map && request.depth_estimator) {
    throw UsageError("stylize: give either a depth map or a depth estimator, not both");
  }
  if (needs_strength_map(request.setting, request.mode) && !request.depth_map && !request.depth_estimator) {
    throw UsageError(concat("stylize: ", request.mode == StyleMixMode::kNearFar ? "style mode near_far" : "da-adain",
                            " needs the content's depth: --depth-map FILE --depth-meaning M, or --depth-estimator "
                            "TYPE"));
  }
  const std::vector<std::string> problems = backbone_config_problems(request.backbone, "backbone");
  if (!problems.empty()) throw UsageError(join(problems, "\n"));
  if (request.output.empty()) throw UsageError("stylize: --output is required");
  const std::string extension = lowercase_extension(request.output);
  if (extension != ".png" && extension != ".jpg" && extension != ".jpeg") {
    throw UsageError(concat("stylize: ", request.output.string(), ": the output must be .png, .jpg or .jpeg"));
  }
}

std::filesystem::path sibling(const std::filesystem::path& output, const std::string& suffix) {
  return output.parent_path() / (output.stem().string() + suffix);
}

// The run's record (--record): inputs with their hashes, the setting, the depth source, the backbone, timings in
// seconds and the files written.
nlohmann::json stylization_record(const SingleStylization& request, const SizedImage& content,
                                  const Backbone& backbone, const nlohmann::json& depth_record,
                                  const nlohmann::json& seconds, const std::vector<std::filesystem::path>& written) {
  nlohmann::json styles_record = nlohmann::json::array();
  for (const std::filesystem::path& path : request.styles) styles_record.push_back(file_entry(path));
  const BlendSetting& setting = request.setting;
  return {
      {"content", file_entry(request.content)},
      {"content_pixels", {content.rgb.cols, content.rgb.rows}},
      {"styles", styles_record},
      {"style_mode", to_string(request.mode)},
      {"style_weights", request.weights},
      {"mask", request.mask.empty() ? nlohmann::json(nullptr) : file_entry(request.mask)},
      {"method", to_string(setting.method)},
      {"content_weight", setting.method == StyleMethod::kAdain ? nlohmann::json(setting.content_weight) : nullptr},
      {"port_alpha", setting.method == StyleMethod::kAdain ? nlohmann::json(1 - setting.content_weight) : nullptr},
      {"beta", needs_strength_map(setting, request.mode) ? nlohmann::json(setting.strength.beta) : nullptr},
      {"eps", needs_strength_map(setting, request.mode) ? nlohmann::json(setting.strength.eps) : nullptr},
      {"content_size", request.content_sizing.smaller_side},
      {"style_size", request.style_sizing.smaller_side},
      {"crop", request.content_sizing.crop},
      {"preserve_color", request.preserve_color},
      {"depth", depth_record},
      {"backbone", backbone.describe()},
      {"backbone_label", backbone.label()},
      {"reproduces_paper", backbone.reproduces_paper()},
      {"seconds", seconds},
      {"tool_revision", build_info().git_revision},
      {"tool_dirty", build_info().git_dirty},
      {"outputs", [&] {
         nlohmann::json paths = nlohmann::json::array();
         for (const auto& path : written) paths.push_back(path.string());
         return paths;
       }()},
  };
}

}  // namespace

SingleStylizationResult run_single_stylization(const SingleStylization& request) {
  check_request(request);
  const auto start = std::chrono::steady_clock::now();
  const std::unique_ptr<Backbone> backbone = make_backbone(request.backbone);

  const Image content_image = load_image(request.content);
  const SizedImage content = size_image(content_image, request.content_sizing);
  std::vector<cv::Mat> styles;
  for (const std::filesystem::path& path : request.styles) {
    styles.push_back(prepare_style_image(load_image(path), request.style_sizing, content.rgb, request.preserve_color,
                                         path.string()));
  }
  StyleMix mix{request.mode, request.weights, {}};
  if (request.mode == StyleMixMode::kMask) mix.mask = load_mask_for(request.mask, content);
  const double load_seconds = seconds_since(start);

  const auto depth_start = std::chrono::steady_clock::now();
  nlohmann::json depth_record = nullptr;
  cv::Mat proximity;
  if (request.depth_map) {
    proximity = proximity_of_sized_content(read_depth_map_file(*request.depth_map), content);
    depth_record = describe_depth_map_file(*request.depth_map);
  } else if (request.depth_estimator) {
    const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(*request.depth_estimator);
    proximity = proximity_of_sized_content(estimate_depth(*estimator, request.content, content_image), content);
    depth_record = estimator->describe();
  }
  const double depth_seconds = seconds_since(depth_start);

  const auto stylize_start = std::chrono::steady_clock::now();
  const Rendering rendering = stylize(*backbone, {content.rgb, styles, mix, proximity}, {request.setting}).front();
  const double stylize_seconds = seconds_since(stylize_start);

  SingleStylizationResult result;
  save_stylized_image(request.output, rendering.image, content, request.jpeg_quality);
  result.written.push_back(request.output);
  if (request.save_maps && !proximity.empty()) {
    result.written.push_back(sibling(request.output, "_proximity.png"));
    save_image(result.written.back(), colorize_depth(proximity));
  }
  if (request.save_maps && !rendering.strength.empty()) {
    result.written.push_back(sibling(request.output, "_strength.png"));
    save_image(result.written.back(), strength_preview(rendering.strength.front(), content.rgb.size()));
  }

  result.record = stylization_record(request, content, *backbone, depth_record,
                                     {{"load", load_seconds}, {"depth", depth_seconds}, {"stylize", stylize_seconds}},
                                     result.written);
  if (!request.record.empty()) {
    write_file_atomically(request.record, result.record.dump(2) + "\n");
    result.written.push_back(request.record);
  }
  return result;
}

}  // namespace depthstyle
