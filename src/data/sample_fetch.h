// `depthstyle data fetch-samples`: extracts the sample catalog's files from their Debian packages with
// `apt-get download` + `dpkg -x` (nothing is installed) into <cache>/samples/, and writes
// <cache>/samples/manifest.json with the provenance (package, version, path, .deb checksum) and sha256 of each
// file. The downloaded .deb files stay in <cache>/debs/ so a damaged sample is restored without downloading.
#pragma once

#include <filesystem>
#include <string>

namespace depthstyle {

// <cache>: $DEPTHSTYLE_CACHE if set, else datasets/cache in the source tree of a binary run from its build tree, else
// (an installed binary) the user cache folder, $XDG_CACHE_HOME/depthstyle or ~/.cache/depthstyle (core/user_cache.h).
std::filesystem::path default_cache_dir();
std::filesystem::path samples_dir(const std::filesystem::path& cache_dir);

struct FetchReport {
  bool already_complete = false;  // nothing was done: every file was present with its recorded sha256
  int files_written = 0;
  int packages_downloaded = 0;
};

FetchReport fetch_samples(const std::filesystem::path& cache_dir);

// The path of a sample in the cache; throws InputError naming the file and `depthstyle data fetch-samples` when the
// cache lacks it.
std::filesystem::path sample_path(const std::filesystem::path& cache_dir, const std::string& file_name);

}  // namespace depthstyle
