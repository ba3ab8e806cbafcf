// StagedFolder: nothing appears until publish(), an unpublished folder leaves no trace, a stale .partial is replaced,
// and an existing destination is refused.
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/staged_folder.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(StagedFolder, PublishesEverythingAtOnce) {
  testing::TempDir dir;
  testing::write_text(dir / "source.txt", "copied");
  testing::write_text(dir / "set.partial/stale.txt", "left by a killed writer");
  {
    StagedFolder folder(dir / "set");
    EXPECT_FALSE(std::filesystem::exists(dir / "set.partial/stale.txt"));
    folder.write("a/b.txt", "bytes");
    folder.copy(dir / "source.txt", "c.txt");
    EXPECT_FALSE(std::filesystem::exists(dir / "set"));
    folder.publish();
  }
  EXPECT_EQ(read_file(dir / "set/a/b.txt"), "bytes");
  EXPECT_EQ(read_file(dir / "set/c.txt"), "copied");
  EXPECT_FALSE(std::filesystem::exists(dir / "set.partial"));
  EXPECT_THROW_MESSAGE(StagedFolder(dir / "set"), UsageError, (dir / "set").string() + " already exists");
}

TEST(StagedFolder, AnUnpublishedFolderLeavesNothing) {
  testing::TempDir dir;
  {
    StagedFolder folder(dir / "set");
    folder.write("x.txt", "x");
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "set"));
  EXPECT_FALSE(std::filesystem::exists(dir / "set.partial"));
}

}  // namespace
}  // namespace depthstyle
