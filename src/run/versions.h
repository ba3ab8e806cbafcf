// Versions of the libraries this binary was built against, for run manifests and `depthstyle version`.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace depthstyle {

// (library, version) pairs in a fixed order: libtorch, opencv, boost, sqlite, yaml-cpp, zlib, compiler.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace depthstyle
