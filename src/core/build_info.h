// What built this binary: recorded in every run manifest and printed by `depthstyle version`.
#pragma once

#include <string>

namespace depthstyle {

struct BuildInfo {
  std::string version;       // the project's version (CMake's PROJECT_VERSION), e.g. "0.1.0"
  std::string git_revision;  // "unknown" outside a git checkout
  bool git_dirty;            // tracked files differed from the revision when the binary was built
  std::string compiler;
  std::string build_type;
};

const BuildInfo& build_info();

// "depthstyle 0.1.0 (git <revision>[, dirty])": what `depthstyle --version` prints.
std::string version_line();

}  // namespace depthstyle
