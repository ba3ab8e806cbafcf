// Running programs without a shell: output and exit codes of run_process, a ChildProcess's output file, signals and
// exit code, and the error for a program that does not exist.
#include <gtest/gtest.h>

#include <csignal>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/process.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(Process, RunProcessCollectsStdoutAndStderrAndTheExitCode) {
  const ProcessResult result = run_process({"sh", "-c", "printf 'out '; printf 'err' >&2; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output, "out err");
  testing::TempDir dir;
  EXPECT_EQ(run_process({"pwd"}, dir.path()).output, std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(Process, AChildWritesToItsOutputFileAndReportsTheSignalThatEndedIt) {
  testing::TempDir dir;
  ChildProcess finished({"sh", "-c", "echo hello; echo world >&2"}, dir / "finished.txt");
  EXPECT_EQ(finished.wait(), 0);
  EXPECT_EQ(finished.poll(), 0);
  EXPECT_EQ(read_file(dir / "finished.txt"), "hello\nworld\n");

  ChildProcess sleeper({"sleep", "60"}, dir / "sleeper.txt");
  EXPECT_EQ(sleeper.poll(), std::nullopt);
  sleeper.send_signal(SIGTERM);
  EXPECT_EQ(sleeper.wait(), 128 + SIGTERM);
  sleeper.send_signal(SIGKILL);  // reaped already: nothing is sent
  EXPECT_EQ(sleeper.wait(), 128 + SIGTERM);
}

TEST(Process, AProgramThatDoesNotExistIsAClearError) {
  testing::TempDir dir;
  EXPECT_THROW_MESSAGE(run_process({"depthstyle-no-such-program", "--flag"}), Error,
                       "cannot run 'depthstyle-no-such-program --flag': No such file or directory");
  EXPECT_THROW_MESSAGE(ChildProcess({"depthstyle-no-such-program"}, dir / "out.txt"), Error,
                       "cannot run 'depthstyle-no-such-program': No such file or directory");
  EXPECT_THROW_MESSAGE(ChildProcess({"true"}, dir / "no" / "folder" / "out.txt"), Error,
                       (dir / "no" / "folder" / "out.txt").string() + ": cannot create: No such file or directory");
}

}  // namespace
}  // namespace depthstyle
