// Reading and writing ZIP archives: PyTorch's checkpoint format (stored entries, possibly ZIP64) and NumPy's .npz
// (stored or deflated). Every entry's CRC-32 is verified on read, so a corrupt archive fails loudly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace depthstyle {

struct ZipEntry {
  std::string name;
  std::uint16_t method = 0;  // 0 = stored, 8 = deflate
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0;  // uncompressed
  std::uint64_t local_header_offset = 0;
};

class ZipReader {
 public:
  // Reads the central directory; throws InputError naming the file if it is not a readable ZIP archive.
  explicit ZipReader(std::filesystem::path path);

  const std::filesystem::path& path() const { return path_; }
  const std::vector<ZipEntry>& entries() const { return entries_; }
  // nullptr if there is no entry of that name.
  const ZipEntry* find(std::string_view name) const;

  std::string read(const ZipEntry& entry);
  // Reads the entry's uncompressed bytes into `destination`, which must hold entry.size bytes.
  void read_into(const ZipEntry& entry, void* destination);

 private:
  // Where the central directory is, as the end records give it.
  struct DirectoryLocation {
    std::uint64_t entry_count = 0;
    std::uint64_t size = 0;    // bytes
    std::uint64_t offset = 0;  // from the start of the file
  };
  DirectoryLocation locate_central_directory();
  void read_central_directory(const DirectoryLocation& location);
  std::uint64_t data_offset(const ZipEntry& entry);
  [[noreturn]] void fail(const std::string& what) const;

  std::filesystem::path path_;
  std::ifstream file_;
  std::uint64_t file_size_ = 0;
  std::vector<ZipEntry> entries_;
};

// Writes an archive of stored (uncompressed) entries through an AtomicFile; finish() publishes it.
class ZipWriter {
 public:
  explicit ZipWriter(std::filesystem::path path);
  ~ZipWriter();
  void add(const std::string& name, std::string_view bytes);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthstyle
