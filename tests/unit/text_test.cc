#include "core/text.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(Text, SplitKeepsEmptyParts) {
  EXPECT_EQ(split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string>{""}));
}

TEST(Text, EditDistanceCountsInsertDeleteSubstituteSwap) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("beta", "beta"), 0u);
  EXPECT_EQ(edit_distance("", "eps"), 3u);
  EXPECT_EQ(edit_distance("adian", "adain"), 1u);  // adjacent swap counts once
}

TEST(Text, DidYouMeanSuggestsOnlyPlausibleTypos) {
  const std::vector<std::string> keys = {"beta", "eps", "threads", "content_size"};
  EXPECT_EQ(did_you_mean("betta", keys), " (did you mean 'beta'?)");
  EXPECT_EQ(did_you_mean("thread", keys), " (did you mean 'threads'?)");
  EXPECT_EQ(did_you_mean("contnet_size", keys), " (did you mean 'content_size'?)");
  EXPECT_EQ(did_you_mean("resolution", keys), "");
}

TEST(Text, DidYouMeanSkipsWordsOfAnotherLength) {
  // A 10 MB "key" must not build edit_distance's 10 MB x 12 table.
  EXPECT_EQ(did_you_mean(std::string(10 << 20, 'x'), {"content_size"}), "");
}

TEST(Text, ExcerptQuotesAtMostTheLimit) {
  EXPECT_EQ(excerpt("short"), "short");
  EXPECT_EQ(excerpt(std::string(200, 'a')), std::string(200, 'a'));
  EXPECT_EQ(excerpt(std::string(100 << 20, ',')), std::string(200, ',') + "... (104857600 bytes in all)");
  EXPECT_EQ(excerpt("abcdef", 3), "abc... (6 bytes in all)");
  // Never half a UTF-8 character: "é" is two bytes, the cut at 2 would split the second one.
  EXPECT_EQ(excerpt("a\xC3\xA9\xC3\xA9", 2), "a... (5 bytes in all)");
}

TEST(Text, FormatsNumbersShortestRoundTrip) {
  EXPECT_EQ(format_number(0.15), "0.15");
  EXPECT_EQ(format_number(20), "20");
  EXPECT_EQ(format_number(1e-5), "1e-05");
}

TEST(Text, FormatsDurations) {
  EXPECT_EQ(format_duration(1.54), "1.5 s");
  EXPECT_EQ(format_duration(123), "2 min 03 s");
  EXPECT_EQ(format_duration(3720), "1 h 02 min");
}

TEST(Text, ParsesWidthXHeightStrictly) {
  const WidthHeight size = parse_width_x_height("--size", "640x192");
  EXPECT_EQ(size.width, 640);
  EXPECT_EQ(size.height, 192);
  EXPECT_EQ(parse_width_x_height("--map-size", "0x0").width, 0);
  EXPECT_EQ(width_x_height_text({3000, 2000}), "3000x2000");
  // Each of these was read as some size by std::stoi-based parsing ("64x48abc" as 64x48, "64.5x48" as 64x48).
  for (const char* wrong : {"640", "640x", "x192", "640x192x3", "64x48abc", "64.5x48", "-1x5", "640 x 192", "", "axb",
                            "99999999999x1"}) {
    EXPECT_THROW_MESSAGE(parse_width_x_height("--size", wrong), UsageError,
                         std::string("--size '") + wrong + "': expected WIDTHxHEIGHT, two whole numbers, e.g. 640x192");
  }
}

}  // namespace
}  // namespace depthstyle
