#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

std::vector<std::string> file_names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(AtomicFile, WritesCompleteFileAndCreatesParents) {
  testing::TempDir dir;
  write_file_atomically(dir / "a/b/result.txt", "hello\n");
  EXPECT_EQ(read_file(dir / "a/b/result.txt"), "hello\n");
  EXPECT_EQ(file_names(dir / "a/b"), std::vector<std::string>{"result.txt"});
}

TEST(AtomicFile, UncommittedWriteLeavesPreviousContentAndNoTempFile) {
  testing::TempDir dir;
  write_file_atomically(dir / "result.txt", "old");
  try {
    AtomicFile file(dir / "result.txt");
    file.write("half of the new conte");
    throw Error("simulated failure in the middle of writing");
  } catch (const Error&) {
  }
  EXPECT_EQ(read_file(dir / "result.txt"), "old");
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"result.txt"});
}

TEST(AtomicFile, CommitReplacesExistingFile) {
  testing::TempDir dir;
  write_file_atomically(dir / "result.txt", "old");
  AtomicFile file(dir / "result.txt");
  file.stream() << "new " << 42;
  EXPECT_EQ(read_file(dir / "result.txt"), "old");  // not visible before commit
  file.commit();
  EXPECT_EQ(read_file(dir / "result.txt"), "new 42");
}

TEST(AtomicFile, UnwritableDestinationNamesThePath) {
  testing::TempDir dir;
  testing::write_text(dir / "blocker", "a file where a folder should be");
  EXPECT_THROW_MESSAGE(write_file_atomically(dir / "blocker/out.txt", "x"), Error, "blocker/out.txt");
}

TEST(AtomicFile, StaleTemporaryFilesOfAKilledWriterAreRemoved) {
  testing::TempDir dir;
  write_file_atomically(dir / "images/keep.png", "done");
  testing::write_text(dir / ".lock", "");
  testing::write_text(dir / "maps/a.tmp.12.34.5", "a real file named like one");
  testing::write_text(dir / "maps/.a.png.tmp.12.34.5x", "not the pattern");
  AtomicFile unfinished(dir / "images/out.png");  // as a killed process leaves it: never committed
  unfinished.write("half");
  unfinished.stream().flush();
  EXPECT_EQ(file_names(dir / "images").size(), 2u);
  EXPECT_EQ(remove_stale_temporary_files(dir.path()), 1u);
  EXPECT_EQ(file_names(dir / "images"), std::vector<std::string>{"keep.png"});
  EXPECT_EQ(file_names(dir / "maps"), (std::vector<std::string>{".a.png.tmp.12.34.5x", "a.tmp.12.34.5"}));
  EXPECT_TRUE(std::filesystem::exists(dir / ".lock"));
}

TEST(ReadFile, MissingFileIsAnInputErrorNamingIt) {
  EXPECT_THROW_MESSAGE(read_file("/nonexistent/depthstyle/file.txt"), InputError, "/nonexistent/depthstyle/file.txt");
}

// A directory failed with "basic_filebuf::underflow error" and /dev/zero with std::bad_alloc, naming nothing.
TEST(ReadFile, DirectoriesAndDevicesAreNamed) {
  testing::TempDir dir;
  EXPECT_THROW_MESSAGE(read_file(dir.path()), InputError, dir.path().string() + ": is a directory, expected a file");
  EXPECT_THROW_MESSAGE(read_file("/dev/zero"), InputError, "/dev/zero: not a regular file (a device or socket)");
}

}  // namespace
}  // namespace depthstyle
