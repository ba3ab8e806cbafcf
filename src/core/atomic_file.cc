#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <random>

#include "core/error.h"

namespace depthstyle {
namespace {

constexpr const char* kTempMarker = ".tmp.";

// ".<name>.tmp.<pid>.<salt>.<counter>"
std::filesystem::path unique_temp_path(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  static const unsigned process_salt = std::random_device{}();
  return path.parent_path() /
         concat(".", path.filename().string(), kTempMarker, getpid(), ".", process_salt, ".", counter++);
}

bool is_temp_name(const std::string& name) {
  const std::size_t marker = name.rfind(kTempMarker);
  if (name.empty() || name[0] != '.' || marker == std::string::npos) return false;
  const std::string suffix = name.substr(marker + std::string(kTempMarker).size());  // <pid>.<salt>.<counter>
  int dots = 0;
  for (char c : suffix) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 2;
}

// fsync by path: std::ofstream exposes no descriptor, so reopen the file (or directory) read-only.
void sync_to_disk(const std::filesystem::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::filesystem::path directory_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  std::error_code ignored;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ignored);
  temp_path_ = unique_temp_path(path_);
  stream_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!stream_) {
    throw Error(concat(path_.string(), ": cannot create a temporary file for writing (", std::strerror(errno), ")"));
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  stream_.close();
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

void AtomicFile::commit() {
  DEPTHSTYLE_ASSERT(!committed_);
  stream_.flush();
  const bool write_failed = !stream_;
  stream_.close();
  if (write_failed || stream_.fail()) {
    throw Error(concat(path_.string(), ": writing failed (disk full?); the previous file, if any, is unchanged"));
  }
  sync_to_disk(temp_path_, /*directory=*/false);
  std::error_code error;
  std::filesystem::rename(temp_path_, path_, error);
  if (error) throw Error(concat(path_.string(), ": cannot move the finished file into place: ", error.message()));
  committed_ = true;
  sync_to_disk(directory_of(path_), /*directory=*/true);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFile file(path);
  file.write(bytes);
  file.commit();
}

std::size_t remove_stale_temporary_files(const std::filesystem::path& dir) {
  std::size_t removed = 0;
  std::error_code error;
  for (auto entry = std::filesystem::recursive_directory_iterator(dir, error);
       !error && entry != std::filesystem::recursive_directory_iterator(); entry.increment(error)) {
    if (entry->is_regular_file() && is_temp_name(entry->path().filename().string())) {
      std::error_code ignored;
      if (std::filesystem::remove(entry->path(), ignored)) ++removed;
    }
  }
  return removed;
}

void check_readable_file(const std::filesystem::path& path) {
  // A directory opens, then fails the first read with "basic_filebuf::underflow error", and /dev/zero never ends
  // (std::bad_alloc): say what the path is instead. Pipes stay readable (e.g. <(...) from a shell).
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::directory) {
    throw InputError(concat(path.string(), ": is a directory, expected a file"));
  }
  if (status.type() == std::filesystem::file_type::character || status.type() == std::filesystem::file_type::block ||
      status.type() == std::filesystem::file_type::socket) {
    throw InputError(concat(path.string(), ": not a regular file (a device or socket)"));
  }
}

std::string read_file(const std::filesystem::path& path) {
  check_readable_file(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(concat(path.string(), ": cannot open for reading (", std::strerror(errno), ")"));
  try {
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw InputError(concat(path.string(), ": read error"));
    return bytes;
  } catch (const std::ios_base::failure& failure) {
    throw InputError(concat(path.string(), ": read error (", failure.what(), ")"));
  } catch (const std::bad_alloc&) {
    throw InputError(concat(path.string(), ": too large to read into memory"));
  }
}

}  // namespace depthstyle
