#include "core/input_files.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/batch_outcome.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "x";
}

std::vector<std::string> names_relative_to(const std::vector<fs::path>& files, const fs::path& root) {
  std::vector<std::string> names;
  for (const fs::path& file : files) names.push_back(file.lexically_relative(root).generic_string());
  return names;
}

class InputFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path();
    for (const char* name : {"photos/b.jpg", "photos/a.PNG", "photos/notes.txt", "photos/deep/c.jpeg", "one.bmp"}) {
      touch(root_ / name);
    }
  }
  std::string at(const std::string& name) const { return (root_ / name).string(); }
  testing::TempDir dir_;
  fs::path root_;
  const InputSelection images_{{".png", ".jpg", ".jpeg"}, false};
};

TEST_F(InputFilesTest, FolderGivesItsImagesSortedAndExplicitFilesAreKeptWhateverTheirExtension) {
  const InputFiles inputs = select_input_files({at("photos"), at("one.bmp")}, images_);
  EXPECT_EQ(names_relative_to(inputs.files, root_),
            (std::vector<std::string>{"photos/a.PNG", "photos/b.jpg", "one.bmp"}));
  EXPECT_TRUE(inputs.problems.empty());
}

TEST_F(InputFilesTest, RecursiveDescendsIntoSubFolders) {
  InputSelection recursive = images_;
  recursive.recursive = true;
  const InputFiles inputs = select_input_files({at("photos")}, recursive);
  EXPECT_EQ(names_relative_to(inputs.files, root_),
            (std::vector<std::string>{"photos/a.PNG", "photos/b.jpg", "photos/deep/c.jpeg"}));
}

// As after a shell's expansion: a folder the pattern matches is expanded as if it had been named.
TEST_F(InputFilesTest, GlobMatchesFilesOnceKeepsOnlyWantedExtensionsAndExpandsMatchedFolders) {
  const InputFiles inputs = select_input_files({at("photos/*"), at("photos/b.jpg")}, images_);
  EXPECT_EQ(names_relative_to(inputs.files, root_),
            (std::vector<std::string>{"photos/a.PNG", "photos/b.jpg", "photos/deep/c.jpeg"}));
  EXPECT_TRUE(inputs.problems.empty());
}

TEST_F(InputFilesTest, EveryArgumentThatGivesNothingIsAProblemNamingIt) {
  fs::create_directories(root_ / "empty");
  const InputFiles inputs = select_input_files({at("missing.jpg"), at("nothing*.png"), at("empty")}, images_);
  EXPECT_TRUE(inputs.files.empty());
  ASSERT_EQ(inputs.problems.size(), 3u);
  EXPECT_EQ(inputs.problems[0], at("missing.jpg") + ": no such file or folder");
  EXPECT_EQ(inputs.problems[1], at("nothing*.png") + ": the pattern matches no file ending in .png .jpg .jpeg");
  EXPECT_EQ(inputs.problems[2], at("empty") + ": the folder holds no file ending in .png .jpg .jpeg (sub-folders are "
                                              "not searched without --recursive)");
}

TEST(BatchOutcome, SummaryCountsAndListsFailuresAndExitCodeIsOneOnlyWhenSomethingFailed) {
  BatchOutcome clean("depth");
  clean.written();
  clean.skipped();
  std::ostringstream clean_text;
  EXPECT_EQ(clean.finish(clean_text), 0);
  EXPECT_EQ(clean_text.str(), "depth: 1 written, 1 skipped (output exists; --overwrite replaces it), 0 failed\n");

  BatchOutcome broken("stylize");
  broken.written();
  broken.failed("a.jpg x s.jpg", "a.jpg: cannot decode");
  broken.failed("", "x*: the pattern matches nothing");
  std::ostringstream broken_text;
  EXPECT_EQ(broken.finish(broken_text), 1);
  EXPECT_EQ(broken_text.str(),
            "stylize: 1 written, 2 failed:\n  a.jpg x s.jpg: a.jpg: cannot decode\n  x*: the pattern matches nothing\n");
}

}  // namespace
}  // namespace depthstyle
