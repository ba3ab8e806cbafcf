#include "core/error.h"

#include <cstdio>
#include <cstdlib>

namespace depthstyle {

void assertion_failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "internal error: %s:%d: assertion failed: %s\n", file, line, condition);
  std::abort();
}

}  // namespace depthstyle
