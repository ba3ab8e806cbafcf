#include "core/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "core/error.h"
#include "core/text.h"

extern char** environ;

namespace depthstyle {
namespace {

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// Starts argv[0] (searched in PATH) with stdout and stderr on `output_fd`, stdin on /dev/null. Returns its pid, or
// the errno of the failed spawn as a negative number.
pid_t spawn_with_output(const std::vector<std::string>& argv, int output_fd,
                        const std::filesystem::path& working_directory) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, output_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output_fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (!working_directory.empty()) posix_spawn_file_actions_addchdir_np(&actions, working_directory.c_str());
  std::vector<char*> arguments;
  for (const std::string& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  pid_t pid = 0;
  const int spawn_error = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, arguments.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawn_error == 0 ? pid : -spawn_error;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& working_directory) {
  DEPTHSTYLE_ASSERT(!argv.empty());
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw Error(concat("cannot create a pipe: ", std::strerror(errno)));

  const pid_t pid = spawn_with_output(argv, pipe_fds[1], working_directory);
  close(pipe_fds[1]);
  if (pid < 0) {
    close(pipe_fds[0]);
    throw Error(concat("cannot run '", join(argv, " "), "': ", std::strerror(-pid)));
  }

  ProcessResult result;
  char buffer[4096];
  while (true) {
    const ssize_t count = read(pipe_fds[0], buffer, sizeof buffer);
    if (count > 0) {
      result.output.append(buffer, static_cast<std::size_t>(count));
    } else if (count == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = exit_code_of(status);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output,
                           const std::filesystem::path& working_directory) {
  DEPTHSTYLE_ASSERT(!argv.empty());
  const int output_fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (output_fd < 0) throw Error(concat(output.string(), ": cannot create: ", std::strerror(errno)));
  const pid_t pid = spawn_with_output(argv, output_fd, working_directory);
  close(output_fd);
  if (pid < 0) throw Error(concat("cannot run '", join(argv, " "), "': ", std::strerror(-pid)));
  pid_ = pid;
}

ChildProcess::~ChildProcess() {
  if (exit_code_) return;
  ::kill(pid_, SIGKILL);
  wait();
}

void ChildProcess::send_signal(int signal_number) {
  if (!exit_code_) ::kill(pid_, signal_number);
}

int ChildProcess::wait() {
  if (exit_code_) return *exit_code_;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = exit_code_of(status);
  return *exit_code_;
}

std::optional<int> ChildProcess::poll() {
  if (exit_code_) return exit_code_;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) exit_code_ = exit_code_of(status);
  return exit_code_;
}

}  // namespace depthstyle
