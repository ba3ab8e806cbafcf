// ScratchFolder: named as documented, removed with its contents, and the folders of its purpose left by processes that
// are gone removed by the next one, while live processes' folders and other names are kept.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "core/scratch_folder.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// The pid of a child that has exited and been reaped: a process that is gone.
pid_t gone_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  EXPECT_GT(child, 0);
  int status = 0;
  EXPECT_EQ(::waitpid(child, &status, 0), child);
  return child;
}

TEST(ScratchFolder, IsNamedForItsPurposeAndProcessAndRemovedWithItsContents) {
  testing::TempDir root;
  std::filesystem::path first_path;
  {
    const ScratchFolder first("unit-test", root.path());
    const ScratchFolder second("unit-test", root.path());
    first_path = first.path();
    const std::string prefix = "depthstyle-unit-test-" + std::to_string(::getpid()) + "-";
    EXPECT_EQ(first.path().parent_path(), root.path());
    EXPECT_EQ(first.path().filename().string().rfind(prefix, 0), 0u) << first.path();
    EXPECT_EQ(second.path().filename().string().rfind(prefix, 0), 0u) << second.path();
    EXPECT_NE(first.path(), second.path());
    EXPECT_TRUE(std::filesystem::is_directory(first.path()));
    testing::write_text(first / "nested/file.txt", "scratch");
  }
  EXPECT_FALSE(std::filesystem::exists(first_path));
  EXPECT_TRUE(std::filesystem::is_empty(root.path()));
}

TEST(ScratchFolder, RemovesTheFoldersOfItsPurposeWhoseProcessIsGone) {
  testing::TempDir root;
  const std::string gone = std::to_string(gone_pid());
  const std::string alive = std::to_string(::getppid());
  const auto make = [&](const std::string& name) {
    testing::write_text(root / (name + "/inside.txt"), "left behind");
    return root / name;
  };
  const auto abandoned = make("depthstyle-unit-test-" + gone + "-0");
  const auto abandoned_later = make("depthstyle-unit-test-" + gone + "-17");
  const std::vector<std::filesystem::path> kept = {
      make("depthstyle-unit-test-" + alive + "-0"),          // its process runs
      make("depthstyle-unit-test-1-0"),                      // init runs (or may not be signalled: EPERM)
      make("depthstyle-other-" + gone + "-0"),               // another purpose
      make("depthstyle-unit-test-extra-" + gone + "-0"),     // another purpose that starts with this one
      make("depthstyle-unit-test-" + gone),                  // not a scratch folder's name
      make("depthstyle-unit-test-" + gone + "-0-copy"),      // nor this
      make("unit-test-" + gone + "-0"),                      // nor this
  };
  {
    const ScratchFolder folder("unit-test", root.path());
    EXPECT_FALSE(std::filesystem::exists(abandoned));
    EXPECT_FALSE(std::filesystem::exists(abandoned_later));
    for (const auto& path : kept) EXPECT_TRUE(std::filesystem::exists(path / "inside.txt")) << path;
  }
  EXPECT_EQ(remove_abandoned_scratch_folders("unit-test", root.path()), 0);
  for (const auto& path : kept) EXPECT_TRUE(std::filesystem::exists(path / "inside.txt")) << path;
  make("depthstyle-unit-test-" + gone + "-3");
  EXPECT_EQ(remove_abandoned_scratch_folders("unit-test", root.path()), 1);
}

TEST(ScratchFolder, ReplacesAFolderOfTheSameNameLeftByAnEarlierProcessWithItsPid) {
  testing::TempDir root;
  // Serials count up within a process: the folder after `probe` takes the next one.
  std::string probe_name;
  { probe_name = ScratchFolder("reused", root.path()).path().filename().string(); }
  const std::string serial = probe_name.substr(probe_name.rfind('-') + 1);
  const std::string next = probe_name.substr(0, probe_name.rfind('-') + 1) + std::to_string(std::stol(serial) + 1);
  testing::write_text(root / (next + "/stale.txt"), "from an earlier process with this pid");
  const ScratchFolder folder("reused", root.path());
  EXPECT_EQ(folder.path(), root / next);
  EXPECT_TRUE(std::filesystem::is_empty(folder.path())) << folder.path();
}

TEST(ScratchFolderDeathTest, RefusesAPurposeThatIsNotAName) {
  testing::TempDir root;
  EXPECT_DEATH(ScratchFolder("../escape", root.path()), "assertion failed: is_purpose");
  EXPECT_DEATH(ScratchFolder("", root.path()), "assertion failed: is_purpose");
}

}  // namespace
}  // namespace depthstyle
