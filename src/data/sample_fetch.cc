#include "data/sample_fetch.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "core/process.h"
#include "core/sha256.h"
#include "core/text.h"
#include "core/user_cache.h"
#include "data/sample_catalog.h"

namespace depthstyle {
namespace {

constexpr const char* kManifestName = "manifest.json";

std::filesystem::path debs_dir(const std::filesystem::path& cache_dir) { return cache_dir / "debs"; }

// The manifest as file_name -> entry; empty if absent or unreadable (then everything is fetched again).
std::map<std::string, nlohmann::json> read_manifest(const std::filesystem::path& path) {
  std::map<std::string, nlohmann::json> entries;
  if (!std::filesystem::exists(path)) return entries;
  try {
    const nlohmann::json document = nlohmann::json::parse(read_file(path));
    for (const nlohmann::json& entry : document.at("files")) {
      entries[entry.at("file").get<std::string>()] = entry;
    }
  } catch (const nlohmann::json::exception& error) {
    log_warning(path.string(), ": unreadable manifest (", error.what(), "); fetching every sample again");
    entries.clear();
  }
  return entries;
}

bool is_intact(const std::filesystem::path& dir, const std::map<std::string, nlohmann::json>& manifest,
               const SampleFile& sample) {
  const auto entry = manifest.find(sample.file_name);
  const std::filesystem::path path = dir / sample.file_name;
  return entry != manifest.end() && std::filesystem::exists(path) &&
         entry->second.value("sha256", "") == sha256_hex_of_file(path);
}

std::filesystem::path find_cached_deb(const std::filesystem::path& dir, const std::string& package) {
  if (!std::filesystem::exists(dir)) return {};
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (starts_with(name, package + "_") && entry.path().extension() == ".deb") return entry.path();
  }
  return {};
}

std::filesystem::path download_deb(const std::filesystem::path& dir, const std::string& package) {
  std::filesystem::create_directories(dir);
  log_info("downloading Debian package ", package, " (apt-get download)");
  const ProcessResult result = run_process({"apt-get", "download", package}, dir);
  const std::filesystem::path deb = find_cached_deb(dir, package);
  if (result.exit_code != 0 || deb.empty()) {
    throw Error(concat("apt-get download ", package, " failed (exit code ", result.exit_code, "):\n",
                       trim(result.output), "\nIf the package is unknown, refresh the package lists: scripts/setup ",
                       "runs 'apt-get update'."));
  }
  return deb;
}

std::string deb_field(const std::filesystem::path& deb, const std::string& field) {
  const ProcessResult result = run_process({"dpkg-deb", "--field", deb.string(), field});
  if (result.exit_code != 0) throw InputError(concat(deb.string(), ": not a readable Debian package: ", result.output));
  return trim(result.output);
}

// Holds an exclusive lock on the cache so two concurrent fetches do not interleave.
class CacheLock {
 public:
  explicit CacheLock(const std::filesystem::path& cache_dir) {
    std::filesystem::create_directories(cache_dir);
    fd_ = ::open((cache_dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) throw Error(concat(cache_dir.string(), ": cannot lock the cache"));
  }
  ~CacheLock() { ::close(fd_); }

 private:
  int fd_ = -1;
};

}  // namespace

std::filesystem::path default_cache_dir() {
  if (const char* cache = std::getenv("DEPTHSTYLE_CACHE"); cache && *cache) return cache;
  // A binary run from its build tree keeps the samples beside its sources; an installed one (anywhere else, e.g.
  // after `cmake --install`) cannot count on that tree and uses the per-user cache.
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path build_dir = std::filesystem::weakly_canonical(DEPTHSTYLE_BUILD_DIR, error);
  const bool in_build_tree = !executable.empty() && !build_dir.empty() &&
                             starts_with(executable.string(), (build_dir / "").string());
  if (!in_build_tree && !user_cache_dir().empty()) return user_cache_dir();
  return std::filesystem::path(DEPTHSTYLE_SOURCE_DIR) / "datasets" / "cache";
}

std::filesystem::path samples_dir(const std::filesystem::path& cache_dir) { return cache_dir / "samples"; }

std::filesystem::path sample_path(const std::filesystem::path& cache_dir, const std::string& file_name) {
  const std::filesystem::path path = samples_dir(cache_dir) / file_name;
  if (!std::filesystem::exists(path)) {
    throw InputError(concat(path.string(), ": sample file missing; run 'depthstyle data fetch-samples'",
                            find_sample(file_name) ? "" : concat(" ('", file_name, "' is not in the catalog)")));
  }
  return path;
}

FetchReport fetch_samples(const std::filesystem::path& cache_dir) {
  CacheLock lock(cache_dir);
  const std::filesystem::path dir = samples_dir(cache_dir);
  std::map<std::string, nlohmann::json> manifest = read_manifest(dir / kManifestName);

  std::map<std::string, std::vector<const SampleFile*>> missing_by_package;
  for (const SampleFile& sample : sample_catalog()) {
    if (!is_intact(dir, manifest, sample)) missing_by_package[sample.package].push_back(&sample);
  }
  FetchReport report;
  if (missing_by_package.empty()) {
    report.already_complete = true;
    return report;
  }

  std::filesystem::create_directories(dir);
  for (const auto& [package, samples] : missing_by_package) {
    std::filesystem::path deb = find_cached_deb(debs_dir(cache_dir), package);
    if (deb.empty()) {
      deb = download_deb(debs_dir(cache_dir), package);
      ++report.packages_downloaded;
    } else {
      log_info("using cached ", deb.filename().string());
    }
    const std::string version = deb_field(deb, "Version");
    const std::string deb_sha256 = sha256_hex_of_file(deb);

    const std::filesystem::path extract_dir = cache_dir / concat(".extract-", package, "-", getpid());
    std::filesystem::remove_all(extract_dir);
    const ProcessResult extracted = run_process({"dpkg", "-x", deb.string(), extract_dir.string()});
    if (extracted.exit_code != 0) {
      std::filesystem::remove_all(extract_dir);
      throw InputError(concat(deb.string(), ": dpkg -x failed: ", trim(extracted.output),
                              "\nDelete the file to download it again."));
    }
    for (const SampleFile* sample : samples) {
      const std::filesystem::path source = extract_dir / sample->package_path;
      if (!std::filesystem::exists(source)) {
        std::filesystem::remove_all(extract_dir);
        throw InputError(concat(deb.string(), ": has no file ", sample->package_path, " (package version ",
                                version, "); the sample catalog needs updating"));
      }
      const std::string bytes = read_file(source);
      write_file_atomically(dir / sample->file_name, bytes);
      manifest[sample->file_name] = {{"file", sample->file_name},
                                     {"role", to_string(sample->role)},
                                     {"description", sample->description},
                                     {"package", package},
                                     {"package_version", version},
                                     {"package_path", sample->package_path},
                                     {"deb", deb.filename().string()},
                                     {"deb_sha256", deb_sha256},
                                     {"sha256", sha256_hex(bytes)},
                                     {"bytes", bytes.size()},
                                     {"extracted_at", utc_timestamp()}};
      ++report.files_written;
    }
    std::filesystem::remove_all(extract_dir);
  }

  nlohmann::json files = nlohmann::json::array();
  for (const SampleFile& sample : sample_catalog()) files.push_back(manifest.at(sample.file_name));
  const nlohmann::json document = {
      {"description", "Sample images and ground truth extracted from Debian packages by depthstyle data "
                      "fetch-samples (apt-get download + dpkg -x)."},
      {"files", files}};
  write_file_atomically(dir / kManifestName, document.dump(2) + "\n");
  return report;
}

}  // namespace depthstyle
