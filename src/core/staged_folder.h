// A folder of many files published at once: files are written into <final>.partial/ without a sync per file (tens
// of thousands of synced files take minutes), and publish() syncs the file system once and renames the folder into
// place. A reader therefore sees no folder or the complete one; a killed writer leaves only the .partial folder,
// which the next StagedFolder for the same path removes.
#pragma once

#include <filesystem>
#include <string_view>

namespace depthstyle {

class StagedFolder {
 public:
  // Throws UsageError if `final_path` already exists.
  explicit StagedFolder(std::filesystem::path final_path);
  // Removes the staging folder unless it was published.
  ~StagedFolder();
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;

  // Where the files go until publish().
  const std::filesystem::path& staging() const { return staging_; }
  // Writes `bytes` to staging()/relative, creating folders. Throws Error naming the file if writing fails.
  void write(const std::filesystem::path& relative, std::string_view bytes);
  void copy(const std::filesystem::path& source, const std::filesystem::path& relative);
  void publish();

 private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  bool published_ = false;
};

}  // namespace depthstyle
