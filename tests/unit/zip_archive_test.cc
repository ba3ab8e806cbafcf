// ZipReader and ZipWriter: round trips, deflated entries (compressed here with zlib, and NumPy's own .npz), and
// damaged archives (truncated, flipped bytes, forged headers), which must all fail with an InputError naming the
// file, never crash.
#include "io/zip_archive.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// `width` little-endian bytes of `value`; bytes past its 8th are zero (shifting a 64-bit value by 64 or more is
// undefined: UBSan's report from scripts/sanitize, for the 10 zero bytes written at once below).
void put(std::string& out, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out += static_cast<char>(i < 8 ? (value >> (8 * i)) & 0xff : 0);
}

// Raw deflate (no zlib header), as ZIP stores it.
std::string deflate_raw(const std::string& bytes) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// One entry of a hand-built archive; the defaults describe a valid stored entry.
struct RawEntry {
  std::string name = "data";
  std::string content = "hello, zip";  // the uncompressed bytes, for the CRC and size
  std::uint16_t method = 0;
  std::uint16_t flags = 0;
  std::string stored;                   // the bytes in the file; empty = `content` (method 0) or its deflation
  std::string central_extra;            // extra field of the central directory entry
  bool sizes_in_zip64_extra = false;    // 0xffffffff in the 32-bit size fields
};

// A single-entry archive laid out as ZIP's specification says, so that each field can be forged.
std::string raw_archive(const RawEntry& entry) {
  const std::string stored =
      !entry.stored.empty() ? entry.stored : entry.method == 8 ? deflate_raw(entry.content) : entry.content;
  const auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(entry.content.data()), static_cast<uInt>(entry.content.size())));
  const std::uint64_t compressed_field = entry.sizes_in_zip64_extra ? 0xffffffff : stored.size();
  const std::uint64_t size_field = entry.sizes_in_zip64_extra ? 0xffffffff : entry.content.size();

  std::string local;
  put(local, 0x04034b50, 4);
  put(local, 20, 2);
  put(local, entry.flags, 2);
  put(local, entry.method, 2);
  put(local, 0, 4);  // time, date
  put(local, crc, 4);
  put(local, compressed_field, 4);
  put(local, size_field, 4);
  put(local, entry.name.size(), 2);
  put(local, 0, 2);
  local += entry.name + stored;

  std::string central;
  put(central, 0x02014b50, 4);
  put(central, 20, 2);
  put(central, 20, 2);
  put(central, entry.flags, 2);
  put(central, entry.method, 2);
  put(central, 0, 4);
  put(central, crc, 4);
  put(central, compressed_field, 4);
  put(central, size_field, 4);
  put(central, entry.name.size(), 2);
  put(central, entry.central_extra.size(), 2);
  put(central, 0, 2 + 2 + 2 + 4);  // comment length, disk, internal and external attributes
  put(central, 0, 4);              // local header offset
  central += entry.name + entry.central_extra;

  std::string end;
  put(end, 0x06054b50, 4);
  put(end, 0, 4);
  put(end, 1, 2);
  put(end, 1, 2);
  put(end, central.size(), 4);
  put(end, local.size(), 4);
  put(end, 0, 2);
  return local + central + end;
}

std::string zip64_sizes_extra(std::uint64_t size, std::uint64_t compressed_size) {
  std::string extra;
  put(extra, 0x0001, 2);
  put(extra, 16, 2);
  put(extra, size, 8);
  put(extra, compressed_size, 8);
  return extra;
}

// Reads every entry; InputError is the only acceptable failure.
void read_everything(const std::filesystem::path& path) {
  ZipReader reader(path);
  for (const ZipEntry& entry : reader.entries()) reader.read(entry);
}

TEST(Zip, WriterOutputReadsBackEntryByEntry) {
  testing::TempDir dir;
  ZipWriter writer(dir / "a.zip");
  writer.add("first.txt", "hello");
  writer.add("folder/second.bin", std::string("\0\1\2\3", 4));
  writer.add("empty", "");
  writer.finish();
  ZipReader reader(dir / "a.zip");
  ASSERT_EQ(reader.entries().size(), 3u);
  EXPECT_EQ(reader.entries()[0].method, 0);
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

TEST(Zip, ReadsDeflatedEntries) {
  testing::TempDir dir;
  RawEntry entry;
  entry.method = 8;
  entry.content = std::string(5000, 'z') + "tail";
  testing::write_text(dir / "deflated.zip", raw_archive(entry));
  ZipReader reader(dir / "deflated.zip");
  ASSERT_EQ(reader.entries().size(), 1u);
  EXPECT_EQ(reader.entries()[0].method, 8);
  EXPECT_LT(reader.entries()[0].compressed_size, 100u);
  EXPECT_EQ(reader.read(reader.entries()[0]), entry.content);
}

TEST(Zip, ReadsNumpysCompressedArchive) {
  ZipReader reader(testing::fixture_path("io/single_compressed.npz"));
  ASSERT_EQ(reader.entries().size(), 1u);
  const ZipEntry& entry = reader.entries()[0];
  EXPECT_EQ(entry.name, "arr_0.npy");
  EXPECT_EQ(entry.method, 8);
  EXPECT_EQ(reader.read(entry).substr(0, 6), "\x93NUMPY");
}

TEST(Zip, ReadsSizesFromTheZip64ExtraField) {
  testing::TempDir dir;
  RawEntry entry;
  entry.sizes_in_zip64_extra = true;
  entry.central_extra = zip64_sizes_extra(entry.content.size(), entry.content.size());
  testing::write_text(dir / "zip64.zip", raw_archive(entry));
  ZipReader reader(dir / "zip64.zip");
  EXPECT_EQ(reader.read(reader.entries()[0]), entry.content);
}

TEST(Zip, FlippedDataByteIsACrcMismatch) {
  testing::TempDir dir;
  ZipWriter writer(dir / "a.zip");
  writer.add("data", std::string(1000, 'd'));
  writer.finish();
  std::string flipped = read_file(dir / "a.zip");
  flipped[30 + 4 + 500] ^= 1;  // inside the entry's data (local header 30 bytes + name)
  testing::write_text(dir / "flipped.zip", flipped);
  ZipReader reader(dir / "flipped.zip");
  EXPECT_THROW_MESSAGE(reader.read(reader.entries()[0]), InputError, "flipped.zip: CRC mismatch in entry 'data'");
}

TEST(Zip, NotAZipOrTruncated) {
  testing::TempDir dir;
  ZipWriter writer(dir / "a.zip");
  writer.add("data", std::string(1000, 'd'));
  writer.finish();
  const std::string bytes = read_file(dir / "a.zip");
  testing::write_text(dir / "cut.zip", bytes.substr(0, 600));
  EXPECT_THROW_MESSAGE(ZipReader(dir / "cut.zip"), InputError, "cut.zip: not a ZIP archive, or truncated");
  testing::write_text(dir / "text.zip", std::string(100, 't'));
  EXPECT_THROW_MESSAGE(ZipReader(dir / "text.zip"), InputError, "text.zip: not a ZIP archive");
  testing::write_text(dir / "tiny.zip", "PK");
  EXPECT_THROW_MESSAGE(ZipReader(dir / "tiny.zip"), InputError, "tiny.zip: not a ZIP archive (only 2 bytes)");
  EXPECT_THROW_MESSAGE(ZipReader(dir / "absent.zip"), InputError, "absent.zip: cannot open");
}

TEST(Zip, ForgedHeadersAreInputErrors) {
  testing::TempDir dir;
  const auto expect_error = [&](const RawEntry& entry, const std::string& message) {
    testing::write_text(dir / "forged.zip", raw_archive(entry));
    EXPECT_THROW_MESSAGE(read_everything(dir / "forged.zip"), InputError, "forged.zip: " + message);
  };
  RawEntry bzip2;
  bzip2.method = 12;
  expect_error(bzip2, "entry 'data' uses compression method 12; only stored (0) and deflate (8) are supported");
  RawEntry encrypted;
  encrypted.flags = 1;
  expect_error(encrypted, "entry 'data' is encrypted");
  RawEntry garbage;
  garbage.method = 8;
  garbage.stored = "\xff\xff\xff\xff not deflate";
  expect_error(garbage, "entry 'data' does not inflate to its declared 10 bytes");
  RawEntry oversized;
  oversized.sizes_in_zip64_extra = true;
  oversized.central_extra = zip64_sizes_extra(1ULL << 62, 1ULL << 62);
  expect_error(oversized, "truncated: entry 'data' needs bytes");
  // An extra field claiming more bytes than the extra block holds: the reader must stay inside the directory.
  RawEntry overrun;
  overrun.sizes_in_zip64_extra = true;
  overrun.central_extra = zip64_sizes_extra(10, 10).substr(0, 12);
  expect_error(overrun, "truncated: entry 'data' needs bytes");
  RawEntry bomb;
  bomb.method = 8;
  bomb.sizes_in_zip64_extra = true;
  bomb.stored = deflate_raw(bomb.content);
  bomb.central_extra = zip64_sizes_extra(1ULL << 62, bomb.stored.size());
  expect_error(bomb, "entry 'data' declares 4611686018427387904 bytes, more than its");
}

// Found by fuzzing (tests/fuzz/corpus/zip/unknown_method_huge_size.zip): an unsupported method was refused only
// after read() had allocated the declared size, so 2 GiB of a 216-byte file were allocated first (and 2^62 bytes
// threw std::length_error instead of an InputError).
TEST(Zip, AnUnsupportedMethodIsRefusedBeforeItsSizeIsAllocated) {
  testing::TempDir dir;
  RawEntry huge;
  huge.method = 38912;
  huge.stored = "x";
  huge.sizes_in_zip64_extra = true;
  huge.central_extra = zip64_sizes_extra(1ULL << 62, 1);
  testing::write_text(dir / "forged.zip", raw_archive(huge));
  EXPECT_THROW_MESSAGE(read_everything(dir / "forged.zip"), InputError,
                       "forged.zip: entry 'data' uses compression method 38912; only stored (0) and deflate (8) are "
                       "supported");
}

// Every prefix of an archive, and every single-byte change, is either read or refused with an InputError.
TEST(Zip, EveryTruncationAndByteFlipIsAnInputErrorOrHarmless) {
  testing::TempDir dir;
  RawEntry entry;
  entry.method = 8;
  entry.content = "some text that deflates, some text that deflates";
  const std::string bytes = raw_archive(entry);
  const auto read_or_refuse = [&](const std::string& damaged, const std::string& what) {
    testing::write_text(dir / "damaged.zip", damaged);
    try {
      read_everything(dir / "damaged.zip");
    } catch (const InputError& error) {
      EXPECT_NE(std::string(error.what()).find("damaged.zip: "), std::string::npos) << error.what();
    } catch (const std::exception& error) {
      ADD_FAILURE() << what << ": " << error.what();
    }
  };
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    read_or_refuse(bytes.substr(0, length), concat("truncated to ", length, " bytes"));
  }
  for (std::size_t position = 0; position < bytes.size(); ++position) {
    std::string flipped = bytes;
    flipped[position] = static_cast<char>(~flipped[position]);
    read_or_refuse(flipped, concat("byte ", position, " inverted"));
  }
}

}  // namespace
}  // namespace depthstyle
