// `depthstyle stylize`: the batch form over files, folders, globs and videos (stylize/stylize_batch.h) and the
// one-picture group form `CONTENT STYLE... -o FILE` (style/stylize_job.h); the models it uses when the command line
// does not say are chosen in one place (stylize/model_choice.h).
#include <iostream>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "core/text.h"
#include "style/image_sizing.h"
#include "style/stylize_job.h"
#include "stylize/model_choice.h"
#include "stylize/stylize_batch.h"
#include "stylize/video_io.h"
#include "tensor/runtime.h"

namespace po = boost::program_options;

namespace depthstyle {
namespace {

// The video extensions come from the one list of them (stylize/video_io.h).
std::string description() {
  return concat(
    "Stylizes content images and videos with style images.\n\n"
    "  depthstyle stylize CONTENT STYLE                 one pair -> output/{content}_stylized_{style}.{ext}\n"
    "  depthstyle stylize CONTENT... --style STYLE...   every content x style combination -> --output-dir\n"
    "  depthstyle stylize CONTENT STYLE... -o FILE      one picture from one style or a group of styles\n"
    "                                                   (--style-mode interpolate, mask, near_far; --save-maps,\n"
    "                                                   --record)\n"
    "The first two take files, folders and glob patterns for contents and styles, and videos among the contents\n"
    "(", join(video_file_extensions(), " "), ").\n"
    "An output that exists is skipped (--overwrite replaces it); a pair that fails (a corrupt file, two outputs\n"
    "with the same name) is listed at the end and the others go on (exit code 1).\n"
    "An output keeps its content's format unless --ext says otherwise: a PNG stays lossless and keeps its alpha, a\n"
    "JPEG stays a JPEG, other formats become PNG (the AdaIN port always writes .jpg: --ext jpg). A video keeps its\n"
    "container, frame size, frame rate and every frame; its strength map is smoothed over time\n"
    "(--temporal-smoothing) so that DA-AdaIN does not flicker with a jumpy depth estimate.\n\n"
    "Defaults: method da-adain, with a default depth estimator and backbone, printed in one line (\"using depth:\n"
    "..., backbone: ...\"); --depth-map, --depth-estimator and --backbone override them.\n\n"
    "Two conventions meet here. --content-weight is the PAPER's alpha (eq. 4): the weight of the CONTENT\n"
    "features, 0 = full stylization. The reference PyTorch port's --alpha is the weight of the STYLISED\n"
    "features: port alpha = 1 - content-weight (the port's default alpha 1 is content-weight 0).\n"
    "da-adain (eq. 5) replaces the uniform weight by the strength map of Algorithm 1 (--beta, --eps), computed\n"
    "from the content's depth: a precomputed map (--depth-map, --depth-meaning) or a depth estimator.\n\n"
    "Style modes of the -o form: single (one style), interpolate (several, --style-weights), mask (two: white\n"
    "area of --mask gets the first), near_far (two: near gets the first, far the second, mixed by the strength\n"
    "map; method adain).\n"
    "The pyramid backbone is a weight-free stand-in; the paper's results need the VGG backbone and its weights.");
}

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

void declare_options(CommandLine& command_line) {
  const SingleStylization defaults;
  const StylizeBatchRequest batch_defaults;
  command_line.positional("inputs", -1, "contents (then, without --style, the style or styles)");
  command_line.options()
      ("style", po::value<std::vector<std::string>>()->multitoken(),
       "style images, folders or glob patterns: every content is stylized with every style (put it after the "
       "contents)")
      ("output,o", po::value<std::string>(), "one output file: .png (keeps the content's alpha) or .jpg; a video's "
                                              "in its container")
      ("output-dir", po::value<std::string>(),
       concat("folder of the outputs {content}_stylized_{style}.{ext} (default: ", batch_defaults.output_dir.string(),
              ")").c_str())
      ("ext", po::value<std::string>(), "format of image outputs: png, jpg or jpeg (default: the content's own; "
                                        "other formats become png)")
      ("overwrite", "replace outputs that exist (default: skip them)")
      ("recursive", "also take the files in sub-folders of folder arguments")
      ("method", po::value<std::string>()->default_value(to_string(defaults.setting.method)), "adain (paper eq. 4) or da-adain (eq. 5)")
      ("content-weight", number_option(defaults.setting.content_weight),
       "adain: the paper's alpha, weight of the CONTENT features in [0,1] (port alpha = 1 - this)")
      ("beta", number_option(defaults.setting.strength.beta), "Algorithm 1 prominence beta >= 0 (da-adain, near_far)")
      ("eps", number_option(defaults.setting.strength.eps), "Algorithm 1 offset eps in [0,1]: strength capped at 1 - eps")
      ("temporal-smoothing", number_option(batch_defaults.settings.temporal_smoothing),
       concat("videos: weight of the previous frames in the moving average of the strength map's proximity, in [0, ",
              format_number(kMaxTemporalSmoothing), "] (0 = off)").c_str())
      ("depth-map", po::value<std::string>(), "precomputed depth of the (one) content: .pfm, .png, .npy, .npz")
      ("depth-zero-unknown", "a stored 0 in --depth-map marks an unknown pixel (Middlebury disparity)")
      ("depth-npz-key", po::value<std::string>()->default_value(""), "array of an .npz depth map (default: its only one)")
      ("depth-png-scale", number_option(1), "PNG depth value = stored integer / scale")
      ("content-size", po::value<int>()->default_value(defaults.content_sizing.smaller_side),
       concat("smaller side of the content in px (0 = keep, at most ", kMaxSmallerSide, "); a video is stylized at "
              "this size and resized back to its own").c_str())
      ("style-size", po::value<int>()->default_value(defaults.style_sizing.smaller_side),
       concat("smaller side of the style(s) in px (0 = keep, at most ", kMaxSmallerSide, ")").c_str())
      ("crop", "centre-crop content and style(s) to squares after resizing (not for videos)")
      ("preserve-color", "give the style(s) the content's colour mean and covariance first")
      ("style-mode", po::value<std::string>(), "-o form: single, interpolate, mask or near_far (default: single for "
                                               "one style, interpolate for several)")
      ("style-weights", po::value<std::string>(), "-o form: interpolation weights, e.g. 1,1 (normalised to sum 1)")
      ("mask", po::value<std::string>(), "-o form: mask image for style mode mask: white = foreground = first style")
      ("backbone", po::value<std::string>(), "feature extractor: pyramid (weight-free stand-in) or vgg (default: "
                                             "printed in the 'using' line)")
      ("pyramid-levels", po::value<int>()->default_value(defaults.backbone.pyramid_levels),
       "pyramid: band-pass levels")
      ("encoder", po::value<std::string>()->default_value(""), "vgg: vgg_normalised.pth")
      ("decoder", po::value<std::string>()->default_value(""), "vgg: decoder.pth")
      ("precision", po::value<std::string>()->default_value(defaults.backbone.precision), "vgg: fp32 or bf16")
      ("save-maps", "-o form: also write OUTPUT_proximity.png and OUTPUT_strength.png")
      ("record", po::value<std::string>(), "-o form: write a JSON record of inputs (sha256), parameters and timings")
      ("jpeg-quality", po::value<int>()->default_value(defaults.jpeg_quality), "JPEG quality 0..100")
      ("quiet", "no progress bar")
      ("threads", po::value<int>()->default_value(0),
       concat("LibTorch threads (0 = all cores, at most ", kMaxThreadCount, ")").c_str());
  add_depth_estimator_options(command_line,
                              "what --depth-map (or the estimator's model) gives: depth (bigger = farther) or "
                              "proximity / disparity / inverse_depth (bigger = nearer)");
}

// --depth-map and --depth-estimator with their options; at most one of them is set.
void read_depth_source(const CommandLine& command_line, std::optional<DepthMapFile>& map,
                       std::optional<DepthEstimatorConfig>& estimator) {
  if (command_line.has("depth-map")) {
    if (!command_line.has("depth-meaning")) {
      throw UsageError("stylize: --depth-map needs --depth-meaning (depth, or proximity/disparity/inverse_depth)");
    }
    DepthMapFile file;
    file.path = command_line.get<std::string>("depth-map");
    file.meaning = depth_meaning_from_string(command_line.get<std::string>("depth-meaning"));
    file.zero_is_unknown = command_line.has("depth-zero-unknown");
    file.read.npz_key = command_line.get<std::string>("depth-npz-key");
    file.read.png_scale = command_line.get<double>("depth-png-scale");
    map = file;
  } else if (command_line.has("depth-zero-unknown")) {
    throw UsageError("stylize: --depth-zero-unknown describes --depth-map, which is missing");
  }
  if (command_line.has("depth-estimator")) {
    estimator = depth_estimator_config(command_line);
  } else if (command_line.has("depth-meaning") && !command_line.has("depth-map")) {
    throw UsageError("stylize: --depth-meaning describes --depth-map or --depth-estimator, and neither is given");
  }
  if (map && estimator) throw UsageError("stylize: give either --depth-map or --depth-estimator, not both");
}

BackboneConfig read_backbone(const CommandLine& command_line) {
  BackboneConfig backbone;
  backbone.type = command_line.has("backbone") ? command_line.get<std::string>("backbone") : "";
  backbone.pyramid_levels = command_line.get<int>("pyramid-levels");
  backbone.encoder = command_line.get<std::string>("encoder");
  backbone.decoder = command_line.get<std::string>("decoder");
  backbone.precision = command_line.get<std::string>("precision");
  return backbone;
}

BlendSetting read_setting(const CommandLine& command_line) {
  BlendSetting setting;
  setting.method = style_method_from_string(command_line.get<std::string>("method"));
  setting.content_weight = command_line.get<double>("content-weight");
  setting.strength = {command_line.get<double>("beta"), command_line.get<double>("eps")};
  return setting;
}

// The models the command line names, completed with the defaults (stylize/model_choice.h), printed in one line.
StylizeModels choose_models(const CommandLine& command_line, bool needs_depth,
                            const std::optional<DepthMapFile>& map,
                            const std::optional<DepthEstimatorConfig>& estimator) {
  StylizeModelRequest request;
  request.needs_depth = needs_depth;
  if (map) request.depth_map = map->path.string();
  request.depth_estimator = estimator;
  request.backbone = read_backbone(command_line);
  request.weights_folder = current_weights_folder();
  StylizeModels models = choose_stylize_models(request);
  std::cout << models.description << "\n";
  return models;
}

// Throws UsageError if an option of one form is given with the other.
void check_form_options(const CommandLine& command_line, bool group_form) {
  const std::vector<std::string> group_only = {"style-mode", "style-weights", "mask", "save-maps", "record"};
  const std::vector<std::string> batch_only = {"output-dir", "ext", "overwrite", "recursive"};
  for (const std::string& option : group_form ? batch_only : group_only) {
    if (!command_line.has(option)) continue;
    throw UsageError(group_form
                         ? concat("stylize: --", option, " belongs to the batch forms (without -o): -o FILE writes "
                                  "exactly that file")
                         : concat("stylize: --", option, " belongs to the one-picture form: depthstyle stylize "
                                  "CONTENT STYLE... -o FILE --", option, " ..."));
  }
}

int run_group_form(const CommandLine& command_line, const std::vector<std::string>& inputs) {
  check_form_options(command_line, true);
  SingleStylization request;
  request.content = inputs.front();
  for (std::size_t i = 1; i < inputs.size(); ++i) request.styles.push_back(inputs[i]);
  request.output = command_line.get<std::string>("output");
  request.setting = read_setting(command_line);
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
  read_depth_source(command_line, request.depth_map, request.depth_estimator);
  // Mistakes of the group itself (wrong style count for the mode, ...) are reported before the models line.
  check_style_group(request.mode, request.weights, request.styles.size(), !request.mask.empty());
  const StylizeModels models = choose_models(command_line, needs_strength_map(request.setting, request.mode),
                                             request.depth_map, request.depth_estimator);
  if (!request.depth_map) request.depth_estimator = models.depth_estimator;
  request.backbone = models.backbone;
  request.save_maps = command_line.has("save-maps");
  if (command_line.has("record")) request.record = command_line.get<std::string>("record");
  request.jpeg_quality = command_line.get<int>("jpeg-quality");

  const SingleStylizationResult result = run_single_stylization(request);
  std::cout << "backbone: " << result.record["backbone_label"].get<std::string>() << "\n";
  for (const std::filesystem::path& path : result.written) std::cout << "wrote " << path.string() << "\n";
  return 0;
}

int run_batch_form(const CommandLine& command_line, std::vector<std::string> contents,
                   std::vector<std::string> styles) {
  if (command_line.has("output") && command_line.has("output-dir")) {
    throw UsageError("stylize: -o FILE names the one output; --output-dir is for writing every combination");
  }
  StylizeBatchRequest request;
  request.contents = std::move(contents);
  request.styles = std::move(styles);
  request.recursive = command_line.has("recursive");
  if (command_line.has("output-dir")) request.output_dir = command_line.get<std::string>("output-dir");
  if (command_line.has("ext")) request.extension = command_line.get<std::string>("ext");
  request.overwrite = command_line.has("overwrite");
  if (command_line.has("output")) request.output = command_line.get<std::string>("output");
  request.settings.setting = read_setting(command_line);
  request.settings.content_sizing = {command_line.get<int>("content-size"), command_line.has("crop")};
  request.settings.style_sizing = {command_line.get<int>("style-size"), command_line.has("crop")};
  request.settings.preserve_color = command_line.has("preserve-color");
  request.settings.jpeg_quality = command_line.get<int>("jpeg-quality");
  request.settings.temporal_smoothing = command_line.get<double>("temporal-smoothing");
  read_depth_source(command_line, request.depth_map, request.depth_estimator);
  const StylizeModels models = choose_models(command_line, needs_strength_map(request.settings.setting,
                                                                              StyleMixMode::kSingle),
                                             request.depth_map, request.depth_estimator);
  if (!request.depth_map) request.depth_estimator = models.depth_estimator;
  request.backbone = models.backbone;
  install_interrupt_handlers();
  return run_stylize_batch(request, std::cout).finish(std::cout);
}

}  // namespace

int run_stylize_command(int argc, char** argv) {
  CommandLine command_line("depthstyle stylize", description());
  declare_options(command_line);
  declare_weights_dir_option(command_line);
  if (!command_line.parse(argc, argv)) return 0;
  apply_weights_dir_option(command_line);
  // The ranges configs have (style/image_sizing.h, tensor/runtime.h), checked before any image is read.
  check_smaller_side(command_line.get<int>("content-size"), "stylize: --content-size");
  check_smaller_side(command_line.get<int>("style-size"), "stylize: --style-size");
  set_thread_count(command_line.get<int>("threads"), "stylize: --threads");
  if (command_line.has("quiet")) set_progress_quiet(true);

  const std::vector<std::string> inputs =
      command_line.has("inputs") ? command_line.get<std::vector<std::string>>("inputs") : std::vector<std::string>{};
  if (command_line.has("style")) {
    if (inputs.empty()) {
      throw UsageError("stylize: no content given: the contents come before --style (depthstyle stylize CONTENT... "
                       "--style STYLE...)");
    }
    check_form_options(command_line, false);
    return run_batch_form(command_line, inputs, command_line.get<std::vector<std::string>>("style"));
  }
  if (inputs.size() < 2) {
    throw UsageError(concat("stylize: needs a content and a style: depthstyle stylize CONTENT STYLE, or CONTENT... "
                            "--style STYLE...\n", command_line.usage()));
  }
  if (command_line.has("output")) {
    // A video with one style goes through the batch machinery, which streams frames; -o is then its output.
    if (inputs.size() == 2 && is_video_file(inputs.front())) {
      check_form_options(command_line, false);
      return run_batch_form(command_line, {inputs[0]}, {inputs[1]});
    }
    return run_group_form(command_line, inputs);
  }
  if (inputs.size() > 2) {
    throw UsageError(concat("stylize: ", inputs.size(), " inputs and neither --style nor -o: which are the styles? "
                            "For every combination type depthstyle stylize CONTENT... --style STYLE...; to mix "
                            "several styles into one picture, depthstyle stylize CONTENT STYLE1 STYLE2 -o OUT.png"));
  }
  check_form_options(command_line, false);
  return run_batch_form(command_line, {inputs[0]}, {inputs[1]});
}

}  // namespace depthstyle
