#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "core/error.h"

namespace depthstyle {
namespace {

std::filesystem::path unique_temp_path(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  static const unsigned process_salt = std::random_device{}();
  return path.parent_path() /
         concat(".", path.filename().string(), ".tmp.", getpid(), ".", process_salt, ".", counter++);
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

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(concat(path.string(), ": cannot open for reading (", std::strerror(errno), ")"));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(concat(path.string(), ": read error"));
  return bytes;
}

}  // namespace depthstyle
