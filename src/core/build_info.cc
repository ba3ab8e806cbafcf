#include "core/build_info.h"

#include "core/error.h"

namespace depthstyle {

std::string version_line() {
  const BuildInfo& build = build_info();
  return concat("depthstyle ", build.version, " (git ", build.git_revision, build.git_dirty ? ", dirty" : "", ")");
}

}  // namespace depthstyle
