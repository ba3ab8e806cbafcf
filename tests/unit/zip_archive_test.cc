#include "io/zip_archive.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "test_support.h"

namespace depthstyle {
namespace {

TEST(Zip, WriterOutputReadsBackEntryByEntry) {
  testing::TempDir dir;
  ZipWriter writer(dir / "a.zip");
  writer.add("first.txt", "hello");
  writer.add("folder/second.bin", std::string("\0\1\2\3", 4));
  writer.add("empty", "");
  writer.finish();
  ZipReader reader(dir / "a.zip");
  ASSERT_EQ(reader.entries().size(), 3u);
  EXPECT_EQ(reader.read(*reader.find("first.txt")), "hello");
  EXPECT_EQ(reader.read(*reader.find("folder/second.bin")), std::string("\0\1\2\3", 4));
  EXPECT_EQ(reader.read(*reader.find("empty")), "");
  EXPECT_EQ(reader.find("missing"), nullptr);
}

TEST(Zip, UnfinishedWriterLeavesNoFile) {
  testing::TempDir dir;
  {
    ZipWriter writer(dir / "a.zip");
    writer.add("x", "y");
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "a.zip"));
}

TEST(Zip, DamageIsDetected) {
  testing::TempDir dir;
  ZipWriter writer(dir / "a.zip");
  writer.add("data", std::string(1000, 'd'));
  writer.finish();
  const std::string bytes = read_file(dir / "a.zip");

  std::string flipped = bytes;
  flipped[30 + 4 + 500] ^= 1;  // inside the entry's data (local header 30 bytes + name)
  write_file_atomically(dir / "flipped.zip", flipped);
  ZipReader reader(dir / "flipped.zip");
  EXPECT_THROW_MESSAGE(reader.read(reader.entries()[0]), InputError, "flipped.zip: CRC mismatch in entry 'data'");

  write_file_atomically(dir / "cut.zip", bytes.substr(0, 600));
  EXPECT_THROW_MESSAGE(ZipReader(dir / "cut.zip"), InputError, "cut.zip: not a ZIP archive, or truncated");
  write_file_atomically(dir / "text.zip", std::string(100, 't'));
  EXPECT_THROW_MESSAGE(ZipReader(dir / "text.zip"), InputError, "text.zip: not a ZIP archive");
  write_file_atomically(dir / "tiny.zip", "PK");
  EXPECT_THROW_MESSAGE(ZipReader(dir / "tiny.zip"), InputError, "not a ZIP archive (only 2 bytes)");
}

}  // namespace
}  // namespace depthstyle
