#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "core/build_info.h"
#include "run/versions.h"

namespace depthstyle {

int run_version_command(int argc, char** argv) {
  CommandLine command_line("depthstyle version",
                           "Prints the tool's version and git revision, its build type and the versions of its "
                           "libraries. 'depthstyle --version' prints the first line only.");
  if (!command_line.parse(argc, argv)) return 0;
  std::printf("%s\n  %-10s %s\n", version_line().c_str(), "build", build_info().build_type.c_str());
  for (const auto& [library, version] : library_versions()) {
    std::printf("  %-10s %s\n", library.c_str(), version.c_str());
  }
  return 0;
}

}  // namespace depthstyle
