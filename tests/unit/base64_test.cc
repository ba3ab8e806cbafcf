// Base64 against the test vectors of RFC 4648 section 10, all byte values round-tripping, and decoding errors.
#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(Base64, MatchesTheRfc4648TestVectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(base64_encode(bytes), text) << bytes;
    EXPECT_EQ(base64_decode(text), bytes) << text;
  }
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t length = 0; length <= bytes.size(); length += 37) {
    EXPECT_EQ(base64_decode(base64_encode(bytes.substr(0, length))), bytes.substr(0, length)) << length;
  }
  EXPECT_EQ(base64_encode("\xff\xfe\xfd"), "//79");
}

TEST(Base64, RejectsMalformedTextNamingItsSource) {
  EXPECT_THROW_MESSAGE(base64_decode("Zm9", "screenshot"), InputError,
                       "screenshot: base64 length 3 is not a multiple of 4");
  EXPECT_THROW_MESSAGE(base64_decode("Zm*v", "screenshot"), InputError,
                       "screenshot: character '*' at offset 2 is not base64");
  EXPECT_THROW_MESSAGE(base64_decode("Z=9v"), InputError, "character '=' at offset 1 is not base64");
}

}  // namespace
}  // namespace depthstyle
