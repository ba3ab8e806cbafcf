#include "core/scratch_folder.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "core/error.h"

namespace depthstyle {
namespace {

bool is_purpose(std::string_view purpose) {
  if (purpose.empty()) return false;
  for (const char c : purpose) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                         c == '-';
    if (!allowed) return false;
  }
  return true;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 9 && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string folder_prefix(std::string_view purpose) { return "depthstyle-" + std::string(purpose) + "-"; }

}  // namespace

int remove_abandoned_scratch_folders(std::string_view purpose, const std::filesystem::path& root) {
  DEPTHSTYLE_ASSERT(is_purpose(purpose));
  const std::string prefix = folder_prefix(purpose);
  int removed = 0;
  std::error_code error;
  for (std::filesystem::directory_iterator entry(root, error), end; !error && entry != end; entry.increment(error)) {
    const std::string name = entry->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    // <pid>-<serial>; a purpose that is another's prefix ("test" and "test-x") leaves a name that does not parse.
    const std::string_view rest = std::string_view(name).substr(prefix.size());
    const std::size_t dash = rest.find('-');
    if (dash == std::string_view::npos || !all_digits(rest.substr(0, dash)) || !all_digits(rest.substr(dash + 1))) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::atol(std::string(rest.substr(0, dash)).c_str()));
    if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to signal (EPERM)
    std::error_code ignored;
    if (std::filesystem::remove_all(entry->path(), ignored) > 0) ++removed;
  }
  return removed;
}

ScratchFolder::ScratchFolder(std::string_view purpose, const std::filesystem::path& root) {
  static std::atomic<long> next_serial{0};
  remove_abandoned_scratch_folders(purpose, root);
  path_ = root / (folder_prefix(purpose) + std::to_string(::getpid()) + "-" + std::to_string(next_serial++));
  // A folder of this name was left by an earlier process that had the same pid (it is gone: this pid is ours).
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchFolder::~ScratchFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace depthstyle
