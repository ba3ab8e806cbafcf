#include "core/file_hash_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "core/sha256.h"
#include "core/user_cache.h"

namespace depthstyle {
namespace {

constexpr const char* kHeader = "depthstyle file hashes v1";

using Entries = std::map<std::string, std::pair<FileStamp, std::string>>;

bool same_version(const FileStamp& a, const FileStamp& b) { return a.size == b.size && a.mtime_ns == b.mtime_ns; }

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// One line "<sha256>\t<size>\t<mtime ns>\t<absolute path>" (the path may itself hold tabs: it is the rest).
std::optional<std::pair<FileStamp, std::string>> parse_entry(std::string_view line) {
  std::string_view fields[3];
  for (std::string_view& field : fields) {
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return std::nullopt;
    field = line.substr(0, tab);
    line.remove_prefix(tab + 1);
  }
  const auto size = parse_number<std::uintmax_t>(fields[1]);
  const auto mtime_ns = parse_number<std::int64_t>(fields[2]);
  if (!is_sha256_hex(fields[0]) || !size || !mtime_ns || line.empty() || line[0] != '/') return std::nullopt;
  return std::make_pair(FileStamp{std::string(line), *size, *mtime_ns}, std::string(fields[0]));
}

// The entries of a cache file; none when it is absent, unreadable or anywhere not in the format (a torn or foreign
// file is rebuilt rather than trusted in part).
Entries read_entries(const std::filesystem::path& cache_file) {
  std::ifstream in(cache_file, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line) || line != kHeader) return {};
  Entries entries;
  while (std::getline(in, line)) {
    const auto entry = parse_entry(line);
    if (!entry) return {};
    entries[entry->first.absolute_path] = *entry;
  }
  return in.bad() ? Entries{} : entries;
}

std::string format_entries(const Entries& entries) {
  std::ostringstream text;
  text << kHeader << "\n";
  for (const auto& [path, entry] : entries) {
    text << entry.second << "\t" << entry.first.size << "\t" << entry.first.mtime_ns << "\t" << path << "\n";
  }
  return text.str();
}

// Entries of files that are gone or have changed can never match again: dropping them keeps the file small.
void drop_stale(Entries& entries) {
  for (auto entry = entries.begin(); entry != entries.end();) {
    std::optional<FileStamp> now;
    try {
      now = file_stamp(entry->first);
    } catch (const InputError&) {
    }
    entry = now && same_version(*now, entry->second.first) ? std::next(entry) : entries.erase(entry);
  }
}

// An exclusive flock on <cache file>.lock for as long as the object lives.
class CacheLock {
 public:
  explicit CacheLock(const std::filesystem::path& cache_file) {
    const std::filesystem::path path = cache_file.string() + ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(concat(path.string(), ": cannot open the lock file (", std::strerror(errno), ")"));
    if (::flock(fd_, LOCK_EX) != 0) {
      const int error = errno;
      ::close(fd_);
      throw Error(concat(path.string(), ": cannot lock (", std::strerror(error), ")"));
    }
  }
  ~CacheLock() { ::close(fd_); }
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

FileStamp file_stamp(const std::filesystem::path& path) {
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::canonical(path, error);
  struct stat status {};
  if (error || ::stat(absolute.c_str(), &status) != 0) {
    throw InputError(concat(path.string(), ": cannot open for reading (",
                            error ? error.message() : std::strerror(errno), ")"));
  }
  return {absolute.string(), static_cast<std::uintmax_t>(status.st_size),
          static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1000000000 + status.st_mtim.tv_nsec};
}

std::filesystem::path default_hash_cache_file() {
  if (const char* file = std::getenv("DEPTHSTYLE_HASH_CACHE"); file && *file) return file;
  const std::filesystem::path folder = user_cache_dir();
  return folder.empty() ? folder : folder / "file_hashes.tsv";
}

FileHashCache::FileHashCache(std::filesystem::path cache_file) : cache_file_(std::move(cache_file)) {}

std::string FileHashCache::sha256_of(const std::filesystem::path& path) {
  const FileStamp stamp = file_stamp(path);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    load_once();
    const auto found = entries_.find(stamp.absolute_path);
    if (found != entries_.end() && same_version(found->second.first, stamp)) return found->second.second;
  }
  // Hashing runs outside the lock, so that threads hash different files at once.
  const std::string sha256 = sha256_hex_of_file(path);
  std::lock_guard<std::mutex> lock(mutex_);
  ++files_hashed_;
  // A file that changed while it was read gets no entry: its digest belongs to neither version for sure.
  if (same_version(file_stamp(path), stamp)) store(stamp, sha256);
  return sha256;
}

std::size_t FileHashCache::files_hashed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return files_hashed_;
}

void FileHashCache::load_once() {
  if (loaded_ || cache_file_.empty()) return;
  loaded_ = true;
  entries_ = read_entries(cache_file_);
}

void FileHashCache::store(const FileStamp& stamp, const std::string& sha256) {
  entries_[stamp.absolute_path] = {stamp, sha256};
  if (cache_file_.empty() || stamp.absolute_path.find('\n') != std::string::npos) return;
  try {
    if (cache_file_.has_parent_path()) std::filesystem::create_directories(cache_file_.parent_path());
    CacheLock lock(cache_file_);
    // Merge with what other processes wrote since this one read the file.
    Entries merged = read_entries(cache_file_);
    merged[stamp.absolute_path] = {stamp, sha256};
    drop_stale(merged);
    write_file_atomically(cache_file_, format_entries(merged));
    entries_ = std::move(merged);
  } catch (const std::exception& error) {
    log_warning("hash cache ", cache_file_.string(), " not updated: ", error.what());
  }
}

std::string cached_sha256_hex_of_file(const std::filesystem::path& path) {
  static FileHashCache cache(default_hash_cache_file());
  return cache.sha256_of(path);
}

}  // namespace depthstyle
