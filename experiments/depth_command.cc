// `depthstyle depth INPUT... -o DIR`: depth maps of many images with one estimator (depth_export/depth_export.h).
#include <iostream>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "core/input_files.h"
#include "core/progress.h"
#include "depth_export/depth_export.h"
#include "io/image.h"
#include "style/default_models.h"
#include "tensor/runtime.h"

namespace po = boost::program_options;

namespace depthstyle {

namespace {

const char* const kDepthCommandDescription =
    "Estimates the depth of every input image with one depth estimator (built once) and writes, per image with\n"
    "file stem S, into the output folder:\n"
    "  S.pfm / S.npy / S.png  the map at the size the estimator returns (the image's, unless a preprocessing\n"
    "                         sets output_size: model):\n"
    "                           pfm    float32 values as returned, NaN = unknown; byte-for-byte what MiDaS's\n"
    "                                  write_pfm writes (little-endian, scale -1, bottom row first)\n"
    "                           npy    the same float32 values as a NumPy array\n"
    "                           png16  16-bit PNG: values normalised min..max to 0..65535 as MiDaS's\n"
    "                                  write_depth(bits=2) (truncated; non-finite values count as 0)\n"
    "  S_preview.png          with --preview: the map as proximity (bigger = nearer) normalised min..max in\n"
    "                         OpenCV's turbo colour map: red = near, blue = far, grey = unknown\n"
    "  S.json                 the sidecar: the estimator (model, weight files and sha256, meaning, preprocessing),\n"
    "                         the input (path, sha256, size), the map (file, format, size, meaning: depth =\n"
    "                         bigger is farther or proximity = bigger is nearer, value range; png16: the values\n"
    "                         0 and 65535 stand for), the seconds taken\n"
    "Inputs are image files, folders (their .png .jpg .jpeg .bmp .tif .tiff .webp .ppm .pgm files; sub-folders\n"
    "with --recursive) and glob patterns. An image whose outputs all exist is skipped unless --overwrite; two\n"
    "inputs with the same stem, and images that cannot be read, are listed as failures and the rest go on.\n"
    "Exit code 1 if anything failed. Files inside the output folder (earlier outputs) are never inputs.\n"
    "Without --depth-estimator: the best depth model in the weights folder (depthstyle weights list), else the\n"
    "weight-free vertical; the first line says which. Estimators and their weight files: docs/depth-models.md.";

void declare_depth_options(CommandLine& command_line) {
  command_line.positional("input", -1, "image files, folders or glob patterns");
  const DepthExportOptions defaults;
  command_line.options()
      ("output,o", po::value<std::string>(), "output folder (created if missing)")
      ("format", po::value<std::string>()->default_value(to_string(defaults.format)),
       concat("map file format: ", join(depth_export_format_names(), ", "), " (see above)").c_str())
      ("preview", "also write S_preview.png, a colour picture of the map")
      ("overwrite", "replace existing outputs instead of skipping their images")
      ("recursive,r", "take the images of sub-folders of folder inputs too")
      ("threads", po::value<int>()->default_value(0),
       concat("LibTorch threads (0 = all cores, at most ", kMaxThreadCount, ")").c_str())
      ("quiet,q", "no progress bar");
  add_depth_estimator_options(command_line, "what a torchscript or onnx model gives: depth (bigger = farther) or "
                                            "proximity / disparity / inverse_depth (bigger = nearer); default: "
                                            "its preset's");
  declare_weights_dir_option(command_line);
}

}  // namespace

int run_depth_command(int argc, char** argv) {
  CommandLine command_line("depthstyle depth", kDepthCommandDescription);
  declare_depth_options(command_line);
  if (!command_line.parse(argc, argv)) return 0;
  const WeightsFolder weights_folder = apply_weights_dir_option(command_line);
  const auto require = [&](const std::string& name, const std::string& what) {
    if (!command_line.has(name)) {
      throw UsageError(concat("depthstyle depth: ", what, " is required\n", command_line.usage(),
                              "  (--help for details)"));
    }
  };
  require("input", "an INPUT (image file, folder or glob pattern)");
  require("output", "--output (the folder of the maps)");

  DepthExportOptions options;
  options.output_dir = command_line.get<std::string>("output");
  try {
    options.format = depth_export_format_from_string(command_line.get<std::string>("format"));
  } catch (const UsageError& error) {
    throw UsageError(concat("depthstyle depth: --format: ", error.what()));
  }
  options.preview = command_line.has("preview");
  options.overwrite = command_line.has("overwrite");
  set_thread_count(command_line.get<int>("threads"), "depth: --threads");
  if (command_line.has("quiet")) set_progress_quiet(true);

  // Built before any image is looked at, so a wrong model file stops the command before it writes anything.
  // Without --depth-estimator: the best depth model in the weights folder, as stylize chooses it.
  DepthEstimatorConfig estimator_config;
  if (command_line.has("depth-estimator")) {
    estimator_config = depth_estimator_config(command_line);
  } else {
    const DefaultModels defaults = choose_default_models(weights_folder);
    estimator_config = defaults.depth;
    std::cout << "using depth: " << estimator_config.name << " (default: " << defaults.depth_detail
              << "; --depth-estimator chooses another); weights folder: " << describe(weights_folder) << "\n";
  }
  const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(estimator_config);

  InputSelection selection;
  selection.extensions = image_file_extensions();
  selection.recursive = command_line.has("recursive");
  const InputFiles selected = select_input_files(command_line.get<std::vector<std::string>>("input"), selection);
  std::size_t ignored = 0;
  const std::vector<std::filesystem::path> inputs = files_outside(selected.files, options.output_dir, ignored);
  if (ignored > 0) {
    std::cout << "depth: ignored " << ignored << " file(s) inside the output folder " << options.output_dir.string()
              << "\n";
  }
  BatchOutcome outcome = export_depth_maps(*estimator, inputs, options);
  for (const std::string& problem : selected.problems) outcome.failed("", problem);
  return outcome.finish(std::cout);
}

}  // namespace depthstyle
