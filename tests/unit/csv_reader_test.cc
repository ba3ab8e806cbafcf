#include "io/csv_reader.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(CsvReader, ReadsRfc4180QuotingLineEndingsAndLineNumbers) {
  const CsvDocument document = parse_csv(
      "\xEF\xBB\xBF"
      "a,b,c\r\n"
      "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
      "\n"
      "2,\"two\nlines\",\n"
      "3,,last",
      "t.csv");
  EXPECT_EQ(document.header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(document.records.size(), 3u);
  EXPECT_EQ(document.records[0].fields, (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
  EXPECT_EQ(document.records[0].line, 2u);
  EXPECT_EQ(document.records[1].fields, (std::vector<std::string>{"2", "two\nlines", ""}));
  EXPECT_EQ(document.records[1].line, 4u);
  EXPECT_EQ(document.records[2].fields, (std::vector<std::string>{"3", "", "last"}));
  EXPECT_EQ(document.records[2].line, 6u);
  EXPECT_EQ(document.location(document.records[2]), "t.csv:6");
  EXPECT_EQ(document.column("c"), 2);
  EXPECT_EQ(document.column("d"), -1);
}

TEST(CsvReader, MalformedFilesNameTheLine) {
  EXPECT_THROW_MESSAGE(parse_csv("a,b\n1,2\n3\n", "t.csv"), InputError,
                       "t.csv:3: expected 2 fields as in the header, found 1");
  EXPECT_THROW_MESSAGE(parse_csv("a,b\n1,\"open\n2,3\n", "t.csv"), InputError,
                       "t.csv:2: a quoted field is never closed");
  EXPECT_THROW_MESSAGE(parse_csv("a,b\n1,\"x\"y\n", "t.csv"), InputError,
                       "t.csv:2: field 2: unexpected text after a closing quote");
  EXPECT_THROW_MESSAGE(parse_csv("a,b\n1,x\"y\n", "t.csv"), InputError, "t.csv:2: field 2: a quote inside an unquoted");
  EXPECT_THROW_MESSAGE(parse_csv("a,,c\n", "t.csv"), InputError, "t.csv:1: column 2 has no name");
  EXPECT_THROW_MESSAGE(parse_csv("a,b,a\n", "t.csv"), InputError, "t.csv:1: column 'a' appears twice");
  EXPECT_THROW_MESSAGE(parse_csv("", "t.csv"), InputError, "t.csv: the file is empty (expected a header line)");
  EXPECT_THROW_MESSAGE(read_csv("/nonexistent/answers.csv"), InputError, "/nonexistent/answers.csv");
}

// issue 15: 100 MB of commas in one line became 7.8 GB of empty fields; a record is refused as soon as it outgrows
// the limit, whether its length comes from unquoted fields, quoted ones, or quoted line breaks.
TEST(CsvReader, RecordsLongerThanTheLimitAreRefused) {
  EXPECT_THROW_MESSAGE(parse_csv("a,b\n" + std::string(100 << 20, ',') + "\n", "t.csv"), InputError,
                       "t.csv:2: a record longer than 1048576 bytes (the limit of CSV lines; is this a CSV file?)");
  EXPECT_THROW_MESSAGE(parse_csv("a,b\n1,\"" + std::string(20, '\n') + "\"\n", "t.csv", 16), InputError,
                       "t.csv:2: a record longer than 16 bytes");
  EXPECT_THROW_MESSAGE(parse_csv("a,b\n1," + std::string(17, 'x') + "\n", "t.csv", 16), InputError,
                       "t.csv:2: a record longer than 16 bytes");
  EXPECT_EQ(parse_csv("a,b\n1," + std::string(14, 'x') + "\n", "t.csv", 16).records.size(), 1u);
}

}  // namespace
}  // namespace depthstyle
