#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "data/sample_fetch.h"
#include "diw/middlebury_set.h"
#include "diw/synthetic_set.h"

namespace depthstyle {
namespace {

int fetch_samples_command(int argc, char** argv) {
  CommandLine command_line("depthstyle data fetch-samples",
                           "Extracts the sample images and ground-truth disparity from the Debian packages opencv-doc "
                           "and python3-skimage (apt-get download + dpkg -x, no install) into the cache, with a "
                           "manifest of provenance and sha256. A second call is a no-op.");
  command_line.options()("cache", boost::program_options::value<std::string>(),
                         "cache folder (default: $DEPTHSTYLE_CACHE, else datasets/cache of the source tree; for an "
                         "installed binary ~/.cache/depthstyle)");
  if (!command_line.parse(argc, argv)) return 0;
  const std::filesystem::path cache =
      command_line.has("cache") ? std::filesystem::path(command_line.get<std::string>("cache")) : default_cache_dir();
  const FetchReport report = fetch_samples(cache);
  if (report.already_complete) {
    std::printf("samples up to date in %s\n", samples_dir(cache).c_str());
  } else {
    std::printf("%d sample files written to %s (%d packages downloaded)\n", report.files_written,
                samples_dir(cache).c_str(), report.packages_downloaded);
  }
  return 0;
}

namespace po = boost::program_options;

int make_diw_middlebury_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle data make-diw-middlebury",
      "Writes a DIW-format set on the real Middlebury photos with real ground-truth disparity (aloe, motorcycle; "
      "from the sample data): point pairs drawn with a seed among known pixels whose disparities differ by at least "
      "--min-ratio, one pair per entry, plus the ground truth as PFM maps beside the images. The same options give "
      "the same files; a second call with the same options is a no-op.");
  const MiddleburyDiwOptions defaults;
  command_line.options()
      ("cache", po::value<std::string>(), "cache folder holding samples/ (default: $DEPTHSTYLE_CACHE, else "
                                          "datasets/cache of the source tree; installed: ~/.cache/depthstyle)")
      ("output,o", po::value<std::string>(), "output folder (default: <cache>/diw_middlebury)")
      ("pairs", po::value<int>()->default_value(defaults.pairs_per_image), "pairs per photo")
      ("seed", po::value<std::int64_t>()->default_value(defaults.seed), "seed of the pair sampling")
      ("min-ratio", number_option(defaults.min_ratio),
       "keep a pair only if one disparity is at least this many times the other (> 1)");
  if (!command_line.parse(argc, argv)) return 0;
  const std::filesystem::path cache =
      command_line.has("cache") ? std::filesystem::path(command_line.get<std::string>("cache")) : default_cache_dir();
  const std::filesystem::path output = command_line.has("output")
                                           ? std::filesystem::path(command_line.get<std::string>("output"))
                                           : cache / "diw_middlebury";
  MiddleburyDiwOptions options;
  options.pairs_per_image = command_line.get<int>("pairs");
  options.seed = command_line.get<std::int64_t>("seed");
  options.min_ratio = command_line.get<double>("min-ratio");
  const MiddleburyDiwSummary summary = make_diw_middlebury(cache, output, options);
  std::printf("%s %s (%d entries)\n", summary.already_present ? "up to date:" : "written:", summary.csv.c_str(),
              summary.entries);
  return 0;
}


int make_diw_synthetic_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle data make-diw-synthetic",
      "Writes a DIW-format set of rendered scenes with exactly known depth (textured ground, wall and boxes), one "
      "pair per image, with each scene's depth map as PFM at --map-size (so scoring resizes it like a network's "
      "output): for scale tests and benchmarks, e.g. --count 73983 (the size of the DIW test set).");
  const SyntheticDiwOptions defaults;
  const std::string default_size = width_x_height_text({defaults.scene.width, defaults.scene.height});
  const std::string default_map_size = width_x_height_text({defaults.map_width, defaults.map_height});
  command_line.options()
      ("output,o", po::value<std::string>(), "output folder (must not exist)")
      ("count", po::value<int>()->default_value(defaults.count), "number of images (= entries)")
      ("size", po::value<std::string>()->default_value(default_size), "image size WIDTHxHEIGHT")
      ("map-size", po::value<std::string>()->default_value(default_map_size),
       "stored depth map size (0x0 = image size)")
      ("seed", po::value<std::int64_t>()->default_value(defaults.seed), "seed of scenes and pairs")
      ("min-ratio", number_option(defaults.min_ratio), "one point at least this many times farther (> 1)");
  if (!command_line.parse(argc, argv)) return 0;
  if (!command_line.has("output")) throw UsageError("depthstyle data make-diw-synthetic: --output DIR is required");
  SyntheticDiwOptions options;
  options.count = command_line.get<int>("count");
  const WidthHeight scene = parse_width_x_height("--size", command_line.get<std::string>("size"));
  const WidthHeight map = parse_width_x_height("--map-size", command_line.get<std::string>("map-size"));
  options.scene.width = scene.width;
  options.scene.height = scene.height;
  options.map_width = map.width;
  options.map_height = map.height;
  options.seed = command_line.get<std::int64_t>("seed");
  options.min_ratio = command_line.get<double>("min-ratio");
  const SyntheticDiwSummary summary = make_diw_synthetic(command_line.get<std::string>("output"), options);
  std::printf("written: %s (%d entries)\n", summary.csv.c_str(), summary.entries);
  return 0;
}

}  // namespace

int run_data_command(int argc, char** argv) {
  return run_verb_command("depthstyle data", argc, argv,
                          {{"fetch-samples", "extract the sample images and ground truth from Debian packages",
                            fetch_samples_command},
                           {"make-diw-middlebury", "DIW-format pairs on the Middlebury photos with real ground truth",
                            make_diw_middlebury_command},
                           {"make-diw-synthetic", "DIW-format sets of rendered scenes with known depth, any size",
                            make_diw_synthetic_command}});
}

}  // namespace depthstyle
