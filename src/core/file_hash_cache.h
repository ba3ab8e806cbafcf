// SHA-256 of large files (model weights) computed once per machine: a cache of digests keyed by a file's absolute
// path, size (bytes) and modification time (ns since the Unix epoch). A file whose size or modification time changed
// is hashed again; a file rewritten in place with the same size within the same nanosecond of mtime is not noticed
// (the cost of not reading 1 GB per process).
//
// The cache file: $DEPTHSTYLE_HASH_CACHE if set, else file_hashes.tsv in the user cache folder (core/user_cache.h:
// $XDG_CACHE_HOME/depthstyle or ~/.cache/depthstyle); without any of these nothing is cached. Its text format:
//   depthstyle file hashes v1
//   <sha256 hex>\t<size bytes>\t<mtime ns>\t<absolute path>
// It is rewritten atomically (core/atomic_file.h) under an exclusive lock (<cache file>.lock), merging what other
// processes added meanwhile, so two processes writing at once lose no entry. A cache file that cannot be read or
// parsed is ignored and rebuilt; a cache that cannot be written is skipped with a warning: the cache is never
// why a run fails.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

namespace depthstyle {

// What identifies one version of a file for the cache.
struct FileStamp {
  std::string absolute_path;
  std::uintmax_t size = 0;     // bytes
  std::int64_t mtime_ns = 0;  // modification time, ns since the Unix epoch
};

// Throws InputError naming the file if it cannot be examined (missing, unreadable folder).
FileStamp file_stamp(const std::filesystem::path& path);

// The cache file's place from the environment (see above); empty = no cache.
std::filesystem::path default_hash_cache_file();

class FileHashCache {
 public:
  // `cache_file` empty = cache nothing (every call hashes).
  explicit FileHashCache(std::filesystem::path cache_file);

  // The file's SHA-256 (lower-case hex), from the cache when its stamp is unchanged. Thread-safe. Throws InputError
  // naming the file if it cannot be read.
  std::string sha256_of(const std::filesystem::path& path);

  // Files this object actually read and hashed (cache misses).
  std::size_t files_hashed() const;

 private:
  void load_once();
  void store(const FileStamp& stamp, const std::string& sha256);

  std::filesystem::path cache_file_;
  mutable std::mutex mutex_;
  bool loaded_ = false;
  std::map<std::string, std::pair<FileStamp, std::string>> entries_;  // by absolute path
  std::size_t files_hashed_ = 0;
};

// sha256_hex_of_file through the process-wide cache at default_hash_cache_file(): for weight files, whose
// digests every run manifest records.
std::string cached_sha256_hex_of_file(const std::filesystem::path& path);

}  // namespace depthstyle
