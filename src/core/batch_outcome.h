// The tally of a batch command (stylize over folders, depth over images): each unit of work is written, skipped
// because its output exists, or failed; a failure is recorded and the batch goes on. At the end one summary:
//
//   stylize: 10 written, 2 skipped (output exists; --overwrite replaces it), 1 failed:
//     photos/broken.jpg x styles/a.jpg: photos/broken.jpg: cannot decode the image (not an image, or truncated)
//
// and the exit code: 0 when nothing failed (inputs that named nothing count as failures), else 1.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace depthstyle {

class BatchOutcome {
 public:
  explicit BatchOutcome(std::string command) : command_(std::move(command)) {}

  void written() { ++written_; }
  void skipped() { ++skipped_; }
  // `unit` names the work ("photos/a.jpg x styles/b.jpg"); `reason` is the error's message.
  void failed(const std::string& unit, const std::string& reason);

  std::size_t written_count() const { return written_; }
  std::size_t skipped_count() const { return skipped_; }
  const std::vector<std::string>& failures() const { return failures_; }

  // Prints the summary (failures one per line) and returns the exit code.
  int finish(std::ostream& out) const;

 private:
  std::string command_;
  std::size_t written_ = 0;
  std::size_t skipped_ = 0;
  std::vector<std::string> failures_;
};

}  // namespace depthstyle
