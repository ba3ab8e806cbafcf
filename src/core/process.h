// Running external programs (apt-get, dpkg, git) without a shell, so arguments need no quoting.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace depthstyle {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number if the child was killed by a signal
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (searched in PATH) in `working_directory` (empty = current) and waits for it.
// Throws Error if the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& working_directory = {});

}  // namespace depthstyle
