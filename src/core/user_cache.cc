#include "core/user_cache.h"

#include <cstdlib>

namespace depthstyle {

std::filesystem::path user_cache_dir() {
  // The spec ignores a relative XDG_CACHE_HOME.
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') {
    return std::filesystem::path(xdg) / "depthstyle";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "depthstyle";
  }
  return {};
}

}  // namespace depthstyle
