// The weights folder: the one place where depthstyle looks for the published weight files it knows by name
// (weights/weight_catalog.h). Chosen by the first rule that gives a folder:
//   1. the command's --weights-dir option;
//   2. the environment variable DEPTHSTYLE_WEIGHTS (an empty value counts as unset);
//   3. the user cache (core/user_cache.h): $XDG_CACHE_HOME/depthstyle/weights, else ~/.cache/depthstyle/weights.
// None gives a folder only when neither XDG_CACHE_HOME (absolute) nor HOME is set. Nothing here creates the folder
// or requires it to exist: a missing folder simply holds no model. docs/weights.md describes the layout inside it.
#pragma once

#include <filesystem>
#include <string>

namespace depthstyle {

enum class WeightsFolderRule { kOption, kEnvironment, kUserCache, kNone };

struct WeightsFolder {
  std::filesystem::path path;  // empty for kNone
  WeightsFolderRule rule = WeightsFolderRule::kNone;
};

// The name of the environment variable of rule 2.
inline constexpr const char* kWeightsFolderVariable = "DEPTHSTYLE_WEIGHTS";

// The folder by the rules above; `option` is the --weights-dir value ("" = not given).
WeightsFolder resolve_weights_folder(const std::string& option);

// "/data/weights (--weights-dir)", "/home/u/.cache/depthstyle/weights (the user cache: ...)" or the sentence that
// says no rule gave a folder and how to set one.
std::string describe(const WeightsFolder& folder);

// The --weights-dir of this process's command, for code far from the command line (a depth estimator named in a
// config of `depthstyle run --weights-dir D`). Set once by the command that parses the option; "" = not given.
void set_weights_dir_option(const std::string& option);
// resolve_weights_folder(the option set above).
WeightsFolder current_weights_folder();

}  // namespace depthstyle
