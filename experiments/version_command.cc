#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "core/build_info.h"
#include "run/versions.h"

namespace depthstyle {

int run_version_command(int argc, char** argv) {
  CommandLine command_line("depthstyle version", "Prints the tool's git revision and the versions of its libraries.");
  if (!command_line.parse(argc, argv)) return 0;
  const BuildInfo& build = build_info();
  std::printf("depthstyle %s%s (%s build)\n", build.git_revision.c_str(), build.git_dirty ? " (dirty)" : "",
              build.build_type.c_str());
  for (const auto& [library, version] : library_versions()) {
    std::printf("  %-10s %s\n", library.c_str(), version.c_str());
  }
  return 0;
}

}  // namespace depthstyle
