// The DIW CSV reader: the format as specified (alternating lines, 1-based, y first, '>' = A farther) and one clear
// error, with its line number, for every malformed case.
#include <gtest/gtest.h>

#include "core/error.h"
#include "diw/diw_dataset.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(DiwCsv, ReadsAlternatingLinesOneBasedYFirst) {
  const std::vector<DiwEntry> entries =
      parse_diw_csv("./DIW_test/a.thumb\n118,70,257,291,>,500,333\n./DIW_test/b.thumb\n1,1,333,500,<,500,333\n",
                    "DIW_test.csv");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].image, "./DIW_test/a.thumb");
  EXPECT_EQ(entries[0].line, 1);
  EXPECT_EQ(entries[0].pair.y_a, 118);
  EXPECT_EQ(entries[0].pair.x_a, 70);
  EXPECT_EQ(entries[0].pair.y_b, 257);
  EXPECT_EQ(entries[0].pair.x_b, 291);
  EXPECT_EQ(entries[0].pair.relation, DiwRelation::kAFarther);
  EXPECT_EQ(entries[0].pair.width, 500);
  EXPECT_EQ(entries[0].pair.height, 333);
  EXPECT_EQ(entries[1].line, 3);
  EXPECT_EQ(entries[1].pair.relation, DiwRelation::kANearer);
  // The corners of the image are valid points (1-based, inclusive).
  EXPECT_EQ(entries[1].pair.y_b, 333);
  EXPECT_EQ(entries[1].pair.x_b, 500);
}

TEST(DiwCsv, ToleratesBomCrlfBlanksAroundFieldsAndTrailingEmptyLines) {
  const std::vector<DiwEntry> entries =
      parse_diw_csv("\xEF\xBB\xBFimg/a.png\r\n 2, 3 ,4,5, < ,10,20\r\n\r\n\n", "x.csv");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].image, "img/a.png");
  EXPECT_EQ(entries[0].pair.x_a, 3);
  EXPECT_EQ(entries[0].pair.relation, DiwRelation::kANearer);
}

TEST(DiwCsv, FormatRoundTrips) {
  const std::string text = "./a.png\n1,2,3,4,>,10,20\n./a.png\n5,6,7,8,<,10,20\n";
  EXPECT_EQ(format_diw_csv(parse_diw_csv(text, "x.csv")), text);
}

// Found by fuzzing (tests/fuzz/corpus/diw_csv/bom_after_blanks.csv): blanks, then a byte-order mark, make a first
// path that starts with the mark; written at the start of a file, the reader took it for the file's own mark.
TEST(DiwCsv, AFirstPathStartingWithAByteOrderMarkRoundTrips) {
  const std::vector<DiwEntry> entries = parse_diw_csv("  \xEF\xBB\xBF./x.jpg\r\n2,3,4,5,<,10,10\r\n", "x.csv");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].image, "\xEF\xBB\xBF./x.jpg");
  const std::vector<DiwEntry> again = parse_diw_csv(format_diw_csv(entries), "formatted.csv");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].image, entries[0].image);
  EXPECT_EQ(format_diw_csv(again), format_diw_csv(entries));
}

struct MalformedCase {
  std::string text;
  std::string message;
};

TEST(DiwCsv, EveryMalformedLineIsAnErrorNamingFileAndLine) {
  const std::string good = "a.png\n1,1,2,2,>,10,10\n";
  const std::vector<MalformedCase> cases = {
      {"", "x.csv: no entries (the file is empty)"},
      {good + "b.png\n", "x.csv:3: the file ends after the image path 'b.png'; expected an annotation line "
                         "y_A,x_A,y_B,x_B,ord,width,height after it"},
      {good + "b.png\n1,1,2,2,>,10\n",
       "x.csv:4: expected 7 comma-separated fields y_A,x_A,y_B,x_B,ord,width,height, found 6: '1,1,2,2,>,10'"},
      {good + "b.png\n1,1,2,2,>,10,10,3\n", "x.csv:4: expected 7 comma-separated fields"},
      {good + "b.png\n1,x,2,2,>,10,10\n", "x.csv:4: x_A 'x' is not an integer (y_A,x_A,y_B,x_B,ord,width,height)"},
      {good + "b.png\n1,1,2.5,2,>,10,10\n", "x.csv:4: y_B '2.5' is not an integer"},
      {good + "b.png\n1,1,2,2,>,10,\n", "x.csv:4: height '' is not an integer"},
      {good + "b.png\n1,1,2,2,?,10,10\n", "x.csv:4: unknown relation '?'; expected '>' (A farther) or '<' (A nearer)"},
      {good + "b.png\n1,1,2,2,>>,10,10\n", "x.csv:4: unknown relation '>>'"},
      {good + "b.png\n1,1,2,2,=,10,10\n", "x.csv:4: relation '=' (equal depth) does not occur in DIW"},
      {good + "b.png\n1,1,2,2,<,0,10\n", "x.csv:4: image size 0x10 (width x height) is not positive"},
      // y first: y=11 exceeds the height 10 although it would fit the width 20.
      {good + "b.png\n11,1,2,2,<,20,10\n", "x.csv:4: point A (y=11, x=1) lies outside the 20x10 image (1-based, "
                                           "y first: 1 <= y <= 10, 1 <= x <= 20)"},
      {good + "b.png\n1,1,0,2,<,20,10\n", "x.csv:4: point B (y=0, x=2) lies outside the 20x10 image"},
      {good + "b.png\n1,1,2,21,<,20,10\n", "x.csv:4: point B (y=2, x=21) lies outside"},
      {good + "b.png\n3,4,3,4,<,20,10\n", "x.csv:4: points A and B are the same pixel (y=3, x=4)"},
      {good + "\n1,1,2,2,>,10,10\n", "x.csv:3: empty line; expected an image path"},
      {good + "1,1,2,2,>,10,10\nb.png\n", "x.csv:3: expected an image path, found an annotation line "
                                          "'1,1,2,2,>,10,10' (lines alternate"},
  };
  for (const MalformedCase& test : cases) {
    SCOPED_TRACE(test.text);
    EXPECT_THROW_MESSAGE(parse_diw_csv(test.text, "x.csv"), InputError, test.message);
  }
}

TEST(DiwDataset, ResolvesImagesAgainstTheCsvFolderAndHashesTheFile) {
  testing::TempDir dir;
  testing::write_text(dir / "set/DIW_test/a.thumb", "not decoded by the reader");
  const std::string text = "./DIW_test/a.thumb\n1,1,2,2,>,10,10\n";
  testing::write_text(dir / "set/DIW_test.csv", text);
  const DiwDataset dataset = read_diw_dataset(dir / "set/DIW_test.csv");
  ASSERT_EQ(dataset.entries.size(), 1u);
  EXPECT_EQ(dataset.image_path(dataset.entries[0]), dir / "set/DIW_test/a.thumb");
  // sha256 of the exact bytes (sha256sum of the same bytes).
  EXPECT_EQ(dataset.csv_sha256, "fb3fc56840c174a66385fe3e83267b26ed6b49e5efcdf2caa602da817c25853b");

  DiwReadOptions options;
  options.image_root = dir / "elsewhere";
  testing::write_text(dir / "elsewhere/DIW_test/a.thumb", "x");
  EXPECT_EQ(read_diw_dataset(dir / "set/DIW_test.csv", options).image_path(dataset.entries[0]),
            dir / "elsewhere/DIW_test/a.thumb");
}

TEST(DiwDataset, MissingImageIsAnErrorWithItsLineOrIsSkippedAndCounted) {
  testing::TempDir dir;
  testing::write_text(dir / "a.png", "x");
  testing::write_text(dir / "set.csv", "a.png\n1,1,2,2,>,10,10\nmissing.png\n1,1,2,2,<,10,10\na.png\n"
                                       "3,3,2,2,<,10,10\n");
  EXPECT_THROW_MESSAGE(read_diw_dataset(dir / "set.csv"), InputError,
                       (dir / "set.csv").string() + ":3: image 'missing.png' not found at " +
                           (dir / "missing.png").string());
  DiwReadOptions options;
  options.missing_images = MissingImagePolicy::kSkip;
  const DiwDataset dataset = read_diw_dataset(dir / "set.csv", options);
  ASSERT_EQ(dataset.entries.size(), 2u);
  ASSERT_EQ(dataset.skipped.size(), 1u);
  EXPECT_EQ(dataset.skipped[0].line, 3);
  EXPECT_EQ(dataset.entries[1].line, 5);
  EXPECT_EQ(dataset.entry_count(), 3u);
}

TEST(DiwDataset, UnreadableCsvNamesTheFile) {
  EXPECT_THROW_MESSAGE(read_diw_dataset("/nonexistent/DIW_test.csv"), InputError, "/nonexistent/DIW_test.csv");
}

}  // namespace
}  // namespace depthstyle
