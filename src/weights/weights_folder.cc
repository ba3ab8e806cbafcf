#include "weights/weights_folder.h"

#include <cstdlib>
#include <mutex>

#include "core/error.h"
#include "core/user_cache.h"

namespace depthstyle {
namespace {

std::mutex option_mutex;
std::string& process_option() {
  static std::string option;
  return option;
}

}  // namespace

WeightsFolder resolve_weights_folder(const std::string& option) {
  if (!option.empty()) return {option, WeightsFolderRule::kOption};
  if (const char* variable = std::getenv(kWeightsFolderVariable); variable && *variable) {
    return {variable, WeightsFolderRule::kEnvironment};
  }
  const std::filesystem::path cache = user_cache_dir();
  if (!cache.empty()) return {cache / "weights", WeightsFolderRule::kUserCache};
  return {};
}

std::string describe(const WeightsFolder& folder) {
  switch (folder.rule) {
    case WeightsFolderRule::kOption:
      return concat(folder.path.string(), " (--weights-dir)");
    case WeightsFolderRule::kEnvironment:
      return concat(folder.path.string(), " ($", kWeightsFolderVariable, ")");
    case WeightsFolderRule::kUserCache:
      return concat(folder.path.string(), " (the user cache, $XDG_CACHE_HOME/depthstyle/weights or ",
                    "~/.cache/depthstyle/weights; --weights-dir or $", kWeightsFolderVariable, " choose another)");
    case WeightsFolderRule::kNone:
      break;
  }
  return concat("no weights folder (no --weights-dir, $", kWeightsFolderVariable,
                ", $XDG_CACHE_HOME or $HOME): set one of them");
}

void set_weights_dir_option(const std::string& option) {
  const std::lock_guard lock(option_mutex);
  process_option() = option;
}

WeightsFolder current_weights_folder() {
  std::string option;
  {
    const std::lock_guard lock(option_mutex);
    option = process_option();
  }
  return resolve_weights_folder(option);
}

}  // namespace depthstyle
