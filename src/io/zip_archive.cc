#include "io/zip_archive.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr std::uint32_t kEndOfCentralDirectorySignature = 0x06054b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint16_t kZip64ExtraFieldId = 0x0001;
constexpr std::size_t kEndRecordSize = 22;
constexpr std::size_t kMaxCommentSize = 0xffff;
// Deflate codes at most 258 bytes in 2 bits, so no entry inflates to more than 1032 times its compressed size.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

// Little-endian field reader over a byte buffer, with bounds checked against the buffer.
class FieldReader {
 public:
  FieldReader(const std::string& bytes, std::size_t offset) : bytes_(bytes), offset_(offset) {}
  bool has(std::size_t count) const { return offset_ + count <= bytes_.size(); }
  std::uint64_t read(int width) {
    DEPTHSTYLE_ASSERT(has(static_cast<std::size_t>(width)));
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i) {
      value |= std::uint64_t{static_cast<unsigned char>(bytes_[offset_ + i])} << (8 * i);
    }
    offset_ += static_cast<std::size_t>(width);
    return value;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(read(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(read(4)); }
  std::uint64_t u64() { return read(8); }
  std::string text(std::size_t count) {
    std::string out = bytes_.substr(offset_, count);
    offset_ += count;
    return out;
  }
  void skip(std::size_t count) { offset_ += count; }
  std::size_t offset() const { return offset_; }

 private:
  const std::string& bytes_;
  std::size_t offset_;
};

void put(std::string& out, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

std::uint32_t crc32_of(const void* data, std::uint64_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* bytes = static_cast<const Bytef*>(data);
  while (size > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::uint64_t>(size, std::numeric_limits<uInt>::max()));
    crc = crc32(crc, bytes, chunk);
    bytes += chunk;
    size -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

// The ZIP64 extra field of a central directory entry, which holds the sizes and offset its 32-bit fields mark as
// 0xffffffff. `fields` is at the start of the entry's extra block, which ends at `extra_end`.
void read_zip64_sizes(FieldReader& fields, std::size_t extra_end, ZipEntry& entry) {
  while (fields.offset() + 4 <= extra_end) {
    const std::uint16_t id = fields.u16();
    const std::uint16_t size = fields.u16();
    // A field may not claim more than the extra block holds: reading past it would leave the directory buffer.
    const std::size_t field_end = std::min<std::size_t>(fields.offset() + size, extra_end);
    if (id == kZip64ExtraFieldId) {
      if (entry.size == 0xffffffff && fields.offset() + 8 <= field_end) entry.size = fields.u64();
      if (entry.compressed_size == 0xffffffff && fields.offset() + 8 <= field_end) {
        entry.compressed_size = fields.u64();
      }
      if (entry.local_header_offset == 0xffffffff && fields.offset() + 8 <= field_end) {
        entry.local_header_offset = fields.u64();
      }
    }
    fields.skip(field_end - fields.offset());
  }
}

}  // namespace

ZipReader::ZipReader(std::filesystem::path path) : path_(std::move(path)), file_(path_, std::ios::binary) {
  if (!file_) throw InputError(concat(path_.string(), ": cannot open for reading"));
  file_.seekg(0, std::ios::end);
  file_size_ = static_cast<std::uint64_t>(file_.tellg());
  if (file_size_ < kEndRecordSize) fail(concat("not a ZIP archive (only ", file_size_, " bytes)"));
  read_central_directory(locate_central_directory());
}

// The end-of-central-directory record, searched backwards through the largest comment it may follow, and the
// ZIP64 end record it may point to.
ZipReader::DirectoryLocation ZipReader::locate_central_directory() {
  const std::uint64_t tail_size = std::min<std::uint64_t>(file_size_, kEndRecordSize + kMaxCommentSize);
  std::string tail(tail_size, '\0');
  file_.seekg(static_cast<std::streamoff>(file_size_ - tail_size));
  file_.read(tail.data(), static_cast<std::streamsize>(tail_size));

  std::size_t end_record = std::string::npos;
  for (std::size_t i = tail_size - kEndRecordSize + 1; i-- > 0;) {
    if (FieldReader(tail, i).u32() == kEndOfCentralDirectorySignature) {
      end_record = i;
      break;
    }
  }
  if (end_record == std::string::npos) fail("not a ZIP archive, or truncated (no end-of-central-directory record)");

  FieldReader end(tail, end_record + 4);
  end.skip(2 + 2 + 2);
  DirectoryLocation location;
  location.entry_count = end.u16();
  location.size = end.u32();
  location.offset = end.u32();

  if (end_record >= 20 && FieldReader(tail, end_record - 20).u32() == kZip64LocatorSignature) {
    FieldReader locator(tail, end_record - 20 + 8);
    const std::uint64_t zip64_end_offset = locator.u64();
    if (zip64_end_offset + 56 > file_size_) fail("truncated (ZIP64 end record lies past the end of the file)");
    std::string record(56, '\0');
    file_.seekg(static_cast<std::streamoff>(zip64_end_offset));
    file_.read(record.data(), 56);
    FieldReader zip64(record, 0);
    if (zip64.u32() != kZip64EndSignature) fail("corrupt ZIP64 end-of-central-directory record");
    zip64.skip(8 + 2 + 2 + 4 + 4 + 8);
    location.entry_count = zip64.u64();
    location.size = zip64.u64();
    location.offset = zip64.u64();
  }
  if (location.size > file_size_ || location.offset > file_size_ - location.size) {
    fail(concat("truncated: the central directory should end at byte ", location.offset + location.size,
                " but the file has ", file_size_, " bytes"));
  }
  return location;
}

void ZipReader::read_central_directory(const DirectoryLocation& location) {
  std::string directory(location.size, '\0');
  file_.seekg(static_cast<std::streamoff>(location.offset));
  file_.read(directory.data(), static_cast<std::streamsize>(location.size));
  FieldReader fields(directory, 0);
  for (std::uint64_t index = 0; index < location.entry_count; ++index) {
    if (!fields.has(46) || fields.u32() != kCentralHeaderSignature) {
      fail(concat("corrupt central directory at entry ", index));
    }
    ZipEntry entry;
    fields.skip(2 + 2);
    const std::uint16_t flags = fields.u16();
    entry.method = fields.u16();
    fields.skip(2 + 2);
    entry.crc32 = fields.u32();
    entry.compressed_size = fields.u32();
    entry.size = fields.u32();
    const std::uint16_t name_size = fields.u16();
    const std::uint16_t extra_size = fields.u16();
    const std::uint16_t comment_size = fields.u16();
    fields.skip(2 + 2 + 4);
    entry.local_header_offset = fields.u32();
    if (!fields.has(std::size_t{name_size} + extra_size + comment_size)) fail("corrupt central directory");
    entry.name = fields.text(name_size);
    if (flags & 0x1) fail(concat("entry '", excerpt(entry.name), "' is encrypted"));
    const std::size_t extra_end = fields.offset() + extra_size;
    read_zip64_sizes(fields, extra_end, entry);
    fields.skip(extra_end - fields.offset() + comment_size);
    entries_.push_back(std::move(entry));
  }
}

void ZipReader::fail(const std::string& what) const { throw InputError(concat(path_.string(), ": ", what)); }

const ZipEntry* ZipReader::find(std::string_view name) const {
  for (const ZipEntry& entry : entries_) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::uint64_t ZipReader::data_offset(const ZipEntry& entry) {
  std::string header(30, '\0');
  file_.clear();
  file_.seekg(static_cast<std::streamoff>(entry.local_header_offset));
  file_.read(header.data(), 30);
  if (file_.gcount() != 30 || FieldReader(header, 0).u32() != kLocalHeaderSignature) {
    fail(concat("corrupt local header of entry '", excerpt(entry.name), "'"));
  }
  FieldReader fields(header, 26);
  const std::uint64_t name_size = fields.u16();
  const std::uint64_t extra_size = fields.u16();
  const std::uint64_t offset = entry.local_header_offset + 30 + name_size + extra_size;
  if (offset > file_size_ || entry.compressed_size > file_size_ - offset) {  // not offset + size: ZIP64 sizes overflow
    fail(concat("truncated: entry '", excerpt(entry.name), "' needs bytes up to ", offset + entry.compressed_size,
                " but the file has ", file_size_));
  }
  // Checked here, before read() allocates entry.size bytes, so that a forged size cannot become a huge allocation
  // (an unsupported method with a forged size was refused only after it: found by fuzzing, tests/fuzz).
  if (entry.method != 0 && entry.method != 8) {
    fail(concat("entry '", excerpt(entry.name), "' uses compression method ", entry.method,
                "; only stored (0) and deflate (8) are supported"));
  }
  if (entry.method == 0 && entry.compressed_size != entry.size) {
    fail(concat("entry '", excerpt(entry.name), "' has inconsistent sizes"));
  }
  if (entry.method == 8 && entry.size / kMaxDeflateRatio > entry.compressed_size) {
    fail(concat("entry '", excerpt(entry.name), "' declares ", entry.size, " bytes, more than its ",
                entry.compressed_size, " deflated bytes can hold"));
  }
  return offset;
}

void ZipReader::read_into(const ZipEntry& entry, void* destination) {
  const std::uint64_t offset = data_offset(entry);
  file_.seekg(static_cast<std::streamoff>(offset));
  if (entry.method == 0) {
    file_.read(static_cast<char*>(destination), static_cast<std::streamsize>(entry.size));
    if (static_cast<std::uint64_t>(file_.gcount()) != entry.size) {
      fail(concat("short read of '", excerpt(entry.name), "'"));
    }
  } else {  // deflate: data_offset() refused every other method
    std::string compressed(entry.compressed_size, '\0');
    file_.read(compressed.data(), static_cast<std::streamsize>(compressed.size()));
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) fail("zlib initialisation failed");
    stream.next_in = reinterpret_cast<Bytef*>(compressed.data());
    stream.avail_in = static_cast<uInt>(compressed.size());
    stream.next_out = static_cast<Bytef*>(destination);
    stream.avail_out = static_cast<uInt>(entry.size);
    const int status = inflate(&stream, Z_FINISH);
    const std::uint64_t produced = stream.total_out;
    inflateEnd(&stream);
    if (status != Z_STREAM_END || produced != entry.size) {
      fail(concat("entry '", excerpt(entry.name), "' does not inflate to its declared ", entry.size, " bytes"));
    }
  }
  if (crc32_of(destination, entry.size) != entry.crc32) {
    fail(concat("CRC mismatch in entry '", excerpt(entry.name), "'"));
  }
}

std::string ZipReader::read(const ZipEntry& entry) {
  data_offset(entry);  // checks the declared sizes before they are allocated
  std::string bytes(entry.size, '\0');
  read_into(entry, bytes.data());
  return bytes;
}

struct ZipWriter::Impl {
  explicit Impl(std::filesystem::path path) : file(std::move(path)) {}
  AtomicFile file;
  std::string central_directory;
  std::uint64_t offset = 0;
  std::uint16_t count = 0;
};

ZipWriter::ZipWriter(std::filesystem::path path) : impl_(std::make_unique<Impl>(std::move(path))) {}
ZipWriter::~ZipWriter() = default;

void ZipWriter::add(const std::string& name, std::string_view bytes) {
  if (impl_->offset + bytes.size() >= 0xffffffffULL || impl_->count == 0xffff) {
    throw Error(concat(impl_->file.path().string(), ": archive too large for this writer (no ZIP64 support)"));
  }
  const std::uint32_t crc = crc32_of(bytes.data(), bytes.size());
  std::string header;
  put(header, kLocalHeaderSignature, 4);
  put(header, 20, 2);  // version needed
  put(header, 0, 2);   // flags
  put(header, 0, 2);   // stored
  put(header, 0, 2);   // time
  put(header, 0x21, 2);  // date: 1980-01-01
  put(header, crc, 4);
  put(header, bytes.size(), 4);
  put(header, bytes.size(), 4);
  put(header, name.size(), 2);
  put(header, 0, 2);
  header += name;

  std::string& central = impl_->central_directory;
  put(central, kCentralHeaderSignature, 4);
  put(central, 20, 2);
  central.append(header, 4, 26);  // same fields as the local header from "version needed" to "extra length"
  put(central, 0, 2);             // comment length
  put(central, 0, 2);             // disk
  put(central, 0, 2);             // internal attributes
  put(central, 0, 4);             // external attributes
  put(central, impl_->offset, 4);
  central += name;

  impl_->file.write(header);
  impl_->file.write(bytes);
  impl_->offset += header.size() + bytes.size();
  ++impl_->count;
}

void ZipWriter::finish() {
  std::string end;
  put(end, kEndOfCentralDirectorySignature, 4);
  put(end, 0, 2);
  put(end, 0, 2);
  put(end, impl_->count, 2);
  put(end, impl_->count, 2);
  put(end, impl_->central_directory.size(), 4);
  put(end, impl_->offset, 4);
  put(end, 0, 2);
  impl_->file.write(impl_->central_directory);
  impl_->file.write(end);
  impl_->file.commit();
}

}  // namespace depthstyle
