// Running external programs (apt-get, dpkg, git; servers and browser drivers in tests) without a shell, so arguments
// need no quoting.
#pragma once

#include <filesystem>
#include <optional>
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

// A program running in the background (a server under test, a browser driver), its stdout and stderr going to
// `output` (a file, truncated). The destructor kills (SIGKILL) and reaps it if it is still running.
class ChildProcess {
 public:
  // Throws Error if the program cannot be started or `output` cannot be created.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output,
               const std::filesystem::path& working_directory = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  // Sends `signal_number` (SIGTERM, SIGKILL, ...) unless the child has been reaped already.
  void send_signal(int signal_number);
  // Waits for the child to end: its exit code, or 128 + the signal that killed it.
  int wait();
  // The exit code if it has ended (reaping it), nothing while it runs.
  std::optional<int> poll();

 private:
  int pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace depthstyle
