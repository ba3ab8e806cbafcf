#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "data/sample_fetch.h"

namespace depthstyle {
namespace {

int fetch_samples_command(int argc, char** argv) {
  CommandLine command_line("depthstyle data fetch-samples",
                           "Extracts the sample images and ground-truth disparity from the Debian packages opencv-doc "
                           "and python3-skimage (apt-get download + dpkg -x, no install) into the cache, with a "
                           "manifest of provenance and sha256. A second call is a no-op.");
  command_line.options()("cache", boost::program_options::value<std::string>(),
                         "cache folder (default: $DEPTHSTYLE_CACHE, else datasets/cache of the source tree)");
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

}  // namespace

int run_data_command(int argc, char** argv) {
  return run_verb_command("depthstyle data", argc, argv,
                          {{"fetch-samples", "extract the sample images and ground truth from Debian packages",
                            fetch_samples_command}});
}

}  // namespace depthstyle
