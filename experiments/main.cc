// depthstyle: one binary, one function per subcommand. main() only dispatches and is the single place that turns
// an exception into a message and an exit code: 0 success, 1 runtime failure, 2 usage or config error.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"
#include "core/build_info.h"
#include "core/error.h"
#include "tensor/runtime.h"
#include "core/text.h"

namespace {

using depthstyle::Command;

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: depthstyle <command> [options]\n\ncommands:\n");
  for (const Command& command : depthstyle::command_table()) {
    std::fprintf(out, "  %-16s %s\n", command.name.c_str(), command.summary.c_str());
  }
  std::fprintf(out, "\n'depthstyle <command> --help' describes a command's options; 'depthstyle --version' prints the "
                   "version.\n");
}

}  // namespace

int main(int argc, char** argv) {
  depthstyle::tune_malloc_for_large_tensors();
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("%s\n", depthstyle::version_line().c_str());
    return 0;
  }
  const std::string name = argv[1];
  std::vector<std::string> names;
  for (const Command& command : depthstyle::command_table()) {
    names.push_back(command.name);
    if (command.name != name) continue;
    try {
      return command.run(argc - 1, argv + 1);
    } catch (const depthstyle::UsageError& error) {
      std::fprintf(stderr, "error: %s\n", error.what());
      return 2;
    } catch (const depthstyle::Interrupted& error) {
      std::fprintf(stderr, "interrupted: %s\n", error.what());
      return 130;
    } catch (const std::exception& error) {
      std::fprintf(stderr, "error: %s\n", error.what());
      return 1;
    }
  }
  std::fprintf(stderr, "error: unknown command '%s'%s\n\n", name.c_str(), depthstyle::did_you_mean(name, names).c_str());
  print_usage(stderr);
  return 2;
}
