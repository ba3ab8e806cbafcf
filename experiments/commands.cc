#include "commands.h"

namespace depthstyle {

const std::vector<Command>& command_table() {
  static const std::vector<Command> table = {
      {"version", "print the tool revision and library versions", run_version_command},
  };
  return table;
}

}  // namespace depthstyle
