// The subcommand table of the depthstyle binary. Each command parses its own options, checks them, calls into the
// library and returns an exit code; errors propagate as exceptions to main().
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace depthstyle {

struct Command {
  std::string name;
  std::string summary;
  // argv[0] is the command's own name.
  std::function<int(int argc, char** argv)> run;
};

const std::vector<Command>& command_table();

int run_version_command(int argc, char** argv);

}  // namespace depthstyle
