#include "run/versions.h"

#include <sqlite3.h>
#include <torch/version.h>
#include <zlib.h>

#include <boost/version.hpp>
#include <opencv2/core/version.hpp>

#include "core/build_info.h"
#include "core/error.h"

namespace depthstyle {

std::vector<std::pair<std::string, std::string>> library_versions() {
  return {
      {"libtorch", TORCH_VERSION},
      {"opencv", CV_VERSION},
      {"boost", concat(BOOST_VERSION / 100000, ".", BOOST_VERSION / 100 % 1000, ".", BOOST_VERSION % 100)},
      {"sqlite", sqlite3_libversion()},
      {"yaml-cpp", DEPTHSTYLE_YAML_CPP_VERSION},
      {"zlib", zlibVersion()},
      {"compiler", build_info().compiler},
  };
}

}  // namespace depthstyle
