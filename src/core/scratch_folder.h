// A folder for one process's temporary files (tests, benchmarks, fuzz targets), removed with its contents when the
// object goes away, also when an exception unwinds through its owner.
//
// Named <root>/depthstyle-<purpose>-<pid>-<serial> (serial counts the process's scratch folders from 0). A process
// killed by a signal or a timeout cannot remove its folder, so every new ScratchFolder first removes the folders of
// its purpose under its root whose process is gone (kill(pid, 0) answers ESRCH): a killed benchmark's gigabytes of
// synthetic images go with the next run of it. Processes in another PID namespace that share the root would look gone;
// the project's processes share /tmp only with each other.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace depthstyle {

class ScratchFolder {
 public:
  // `purpose`: letters, digits, '_' and '-', e.g. "test" or "diw-scoring-bench" (DEPTHSTYLE_ASSERT). `root` must
  // exist. Throws std::filesystem::filesystem_error if the folder cannot be made.
  explicit ScratchFolder(std::string_view purpose,
                         const std::filesystem::path& root = std::filesystem::temp_directory_path());
  ~ScratchFolder();
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Removes <root>/depthstyle-<purpose>-<pid>-<serial> for every pid whose process is gone; returns how many. Called by
// ScratchFolder's constructor; errors (a folder another process removes at the same time) are ignored.
int remove_abandoned_scratch_folders(std::string_view purpose, const std::filesystem::path& root);

}  // namespace depthstyle
