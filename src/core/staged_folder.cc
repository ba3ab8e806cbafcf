#include "core/staged_folder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.h"

namespace depthstyle {

StagedFolder::StagedFolder(std::filesystem::path final_path) : final_(std::move(final_path)) {
  if (std::filesystem::exists(final_)) {
    throw UsageError(concat(final_.string(), " already exists; remove it or choose another output folder"));
  }
  staging_ = final_;
  staging_ += ".partial";
  std::filesystem::remove_all(staging_);
  std::filesystem::create_directories(staging_);
}

StagedFolder::~StagedFolder() {
  if (published_) return;
  std::error_code ignored;
  std::filesystem::remove_all(staging_, ignored);
}

void StagedFolder::write(const std::filesystem::path& relative, std::string_view bytes) {
  const std::filesystem::path path = staging_ / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw Error(concat(path.string(), ": writing failed (", std::strerror(errno), "; disk full?)"));
}

void StagedFolder::copy(const std::filesystem::path& source, const std::filesystem::path& relative) {
  const std::filesystem::path path = staging_ / relative;
  std::filesystem::create_directories(path.parent_path());
  std::error_code error;
  std::filesystem::copy_file(source, path, std::filesystem::copy_options::overwrite_existing, error);
  if (error) throw Error(concat(source.string(), ": cannot copy to ", path.string(), ": ", error.message()));
}

void StagedFolder::publish() {
  const int fd = ::open(staging_.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }
  std::error_code error;
  std::filesystem::rename(staging_, final_, error);
  if (error) throw Error(concat(final_.string(), ": cannot move the finished folder into place: ", error.message()));
  published_ = true;
}

}  // namespace depthstyle
