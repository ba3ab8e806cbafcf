// What built this binary: recorded in every run manifest and printed by `depthstyle version`.
#pragma once

#include <string>

namespace depthstyle {

struct BuildInfo {
  std::string git_revision;  // "unknown" outside a git checkout
  bool git_dirty;            // tracked files differed from the revision when the binary was built
  std::string compiler;
  std::string build_type;
};

const BuildInfo& build_info();

}  // namespace depthstyle
