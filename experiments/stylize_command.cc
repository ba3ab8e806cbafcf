// `depthstyle stylize CONTENT STYLE... -o OUTPUT`: one stylization from the command line (style/stylize_job.h).
#include <iostream>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "tensor/runtime.h"
#include "core/text.h"
#include "style/image_sizing.h"
#include "style/stylize_job.h"

namespace po = boost::program_options;

namespace depthstyle {
namespace {

std::vector<double> parse_weights(const std::string& text) {
  std::vector<double> weights;
  for (const std::string& part : split(text, ',')) {
    try {
      std::size_t used = 0;
      weights.push_back(std::stod(trim(part), &used));
      if (used != trim(part).size()) throw std::invalid_argument(part);
    } catch (const std::exception&) {
      throw UsageError(concat("stylize: --style-weights: '", part, "' is not a number (expected e.g. 1,1 or 0.7,0.3)"));
    }
  }
  return weights;
}

}  // namespace

int run_stylize_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle stylize",
      "Stylizes one content image with one style image (or a group of them) and writes the result.\n\n"
      "Two conventions meet here. --content-weight is the PAPER's alpha (eq. 4): the weight of the CONTENT\n"
      "features, 0 = full stylization. The reference PyTorch port's --alpha is the weight of the STYLISED\n"
      "features: port alpha = 1 - content-weight (the port's default alpha 1 is content-weight 0).\n"
      "da-adain (eq. 5) replaces the uniform weight by the strength map of Algorithm 1 (--beta, --eps), computed\n"
      "from the content's depth: a precomputed map (--depth-map, --depth-meaning) or a depth estimator.\n\n"
      "Style modes: single (one style), interpolate (several, --style-weights), mask (two: white area of --mask\n"
      "gets the first), near_far (two: near gets the first, far the second, mixed by the strength map; method adain).\n"
      "The pyramid backbone is a weight-free stand-in; the paper's results need the VGG backbone and its weights.");
  command_line.positional("content", 1, "content image");
  command_line.positional("style", -1, "style image(s)");
  const SingleStylization defaults;
  command_line.options()
      ("output,o", po::value<std::string>(), "output image, .png (keeps the content's alpha) or .jpg")
      ("method", po::value<std::string>()->default_value(to_string(defaults.setting.method)), "adain (paper eq. 4) or da-adain (eq. 5)")
      ("content-weight", number_option(defaults.setting.content_weight),
       "adain: the paper's alpha, weight of the CONTENT features in [0,1] (port alpha = 1 - this)")
      ("beta", number_option(defaults.setting.strength.beta), "Algorithm 1 prominence beta >= 0 (da-adain, near_far)")
      ("eps", number_option(defaults.setting.strength.eps), "Algorithm 1 offset eps in [0,1]: strength capped at 1 - eps")
      ("depth-map", po::value<std::string>(), "precomputed depth of the content: .pfm, .png, .npy, .npz")
      ("depth-zero-unknown", "a stored 0 in --depth-map marks an unknown pixel (Middlebury disparity)")
      ("depth-npz-key", po::value<std::string>()->default_value(""), "array of an .npz depth map (default: its only one)")
      ("depth-png-scale", number_option(1), "PNG depth value = stored integer / scale")
      ("content-size", po::value<int>()->default_value(defaults.content_sizing.smaller_side),
       concat("smaller side of the content in px (0 = keep, at most ", kMaxSmallerSide, ")").c_str())
      ("style-size", po::value<int>()->default_value(defaults.style_sizing.smaller_side),
       concat("smaller side of the style(s) in px (0 = keep, at most ", kMaxSmallerSide, ")").c_str())
      ("crop", "centre-crop content and style(s) to squares after resizing")
      ("preserve-color", "give the style(s) the content's colour mean and covariance first")
      ("style-mode", po::value<std::string>(), "single, interpolate, mask or near_far (default: single for one "
                                               "style, interpolate for several)")
      ("style-weights", po::value<std::string>(), "interpolation weights, e.g. 1,1 (normalised to sum 1)")
      ("mask", po::value<std::string>(), "mask image for style mode mask: white = foreground = first style")
      ("backbone", po::value<std::string>()->default_value(defaults.backbone.type),
       "feature extractor: pyramid (weight-free stand-in)")
      ("pyramid-levels", po::value<int>()->default_value(defaults.backbone.pyramid_levels),
       "pyramid: band-pass levels")
      ("encoder", po::value<std::string>()->default_value(""), "vgg: vgg_normalised.pth")
      ("decoder", po::value<std::string>()->default_value(""), "vgg: decoder.pth")
      ("precision", po::value<std::string>()->default_value(defaults.backbone.precision), "vgg: fp32 or bf16")
      ("save-maps", "also write OUTPUT_proximity.png and OUTPUT_strength.png")
      ("record", po::value<std::string>(), "write a JSON record of inputs (sha256), parameters and timings")
      ("jpeg-quality", po::value<int>()->default_value(defaults.jpeg_quality), "JPEG quality 0..100")
      ("threads", po::value<int>()->default_value(0),
       concat("LibTorch threads (0 = all cores, at most ", kMaxThreadCount, ")").c_str());
  add_depth_estimator_options(command_line,
                              "what --depth-map (or the estimator's model) gives: depth (bigger = farther) or "
                              "proximity / disparity / inverse_depth (bigger = nearer)");
  if (!command_line.parse(argc, argv)) return 0;
  if (!command_line.has("output")) {
    throw UsageError(concat("depthstyle stylize: --output is required\n", command_line.usage()));
  }
  // The ranges configs have (style/image_sizing.h, core/runtime.h), checked before any image is read.
  check_smaller_side(command_line.get<int>("content-size"), "stylize: --content-size");
  check_smaller_side(command_line.get<int>("style-size"), "stylize: --style-size");
  set_thread_count(command_line.get<int>("threads"), "stylize: --threads");

  SingleStylization request;
  request.content = command_line.get<std::string>("content");
  for (const std::string& style : command_line.get<std::vector<std::string>>("style")) request.styles.push_back(style);
  request.output = command_line.get<std::string>("output");
  request.setting.method = style_method_from_string(command_line.get<std::string>("method"));
  request.setting.content_weight = command_line.get<double>("content-weight");
  request.setting.strength = {command_line.get<double>("beta"), command_line.get<double>("eps")};
  request.mode = command_line.has("style-mode")
                     ? style_mix_mode_from_string(command_line.get<std::string>("style-mode"))
                     : (request.styles.size() > 1 ? StyleMixMode::kInterpolate : StyleMixMode::kSingle);
  if (command_line.has("style-weights")) request.weights = parse_weights(command_line.get<std::string>("style-weights"));
  if (request.mode == StyleMixMode::kInterpolate && request.weights.empty()) {
    request.weights.assign(request.styles.size(), 1.0);
  }
  if (command_line.has("mask")) request.mask = command_line.get<std::string>("mask");
  request.content_sizing = {command_line.get<int>("content-size"), command_line.has("crop")};
  request.style_sizing = {command_line.get<int>("style-size"), command_line.has("crop")};
  request.preserve_color = command_line.has("preserve-color");

  if (command_line.has("depth-map")) {
    if (!command_line.has("depth-meaning")) {
      throw UsageError("stylize: --depth-map needs --depth-meaning (depth, or proximity/disparity/inverse_depth)");
    }
    DepthMapFile map;
    map.path = command_line.get<std::string>("depth-map");
    map.meaning = depth_meaning_from_string(command_line.get<std::string>("depth-meaning"));
    map.zero_is_unknown = command_line.has("depth-zero-unknown");
    map.read.npz_key = command_line.get<std::string>("depth-npz-key");
    map.read.png_scale = command_line.get<double>("depth-png-scale");
    request.depth_map = map;
  } else if (command_line.has("depth-zero-unknown")) {
    throw UsageError("stylize: --depth-zero-unknown describes --depth-map, which is missing");
  }
  if (command_line.has("depth-estimator")) {
    request.depth_estimator = depth_estimator_config(command_line);
  } else if (command_line.has("depth-meaning") && !command_line.has("depth-map")) {
    throw UsageError("stylize: --depth-meaning describes --depth-map or --depth-estimator, and neither is given");
  }
  request.backbone.type = command_line.get<std::string>("backbone");
  request.backbone.pyramid_levels = command_line.get<int>("pyramid-levels");
  request.backbone.encoder = command_line.get<std::string>("encoder");
  request.backbone.decoder = command_line.get<std::string>("decoder");
  request.backbone.precision = command_line.get<std::string>("precision");
  request.save_maps = command_line.has("save-maps");
  if (command_line.has("record")) request.record = command_line.get<std::string>("record");
  request.jpeg_quality = command_line.get<int>("jpeg-quality");

  const SingleStylizationResult result = run_single_stylization(request);
  std::cout << "backbone: " << result.record["backbone_label"].get<std::string>() << "\n";
  for (const std::filesystem::path& path : result.written) std::cout << "wrote " << path.string() << "\n";
  return 0;
}

}  // namespace depthstyle
