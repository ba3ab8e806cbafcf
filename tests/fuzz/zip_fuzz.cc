// io/zip_archive.h: the central directory, ZIP64 fields, local headers, stored and deflated entries and their
// CRC-32, on any file. Every entry is read whole; a successful read must give the size the directory states.
#include "fuzz/fuzz_support.h"
#include "io/zip_archive.h"

using namespace depthstyle;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path path = fuzz::scratch_file("archive.zip", fuzz::as_text(data, size));
  fuzz::expect_clean_refusal([&] {
    ZipReader archive(path);
    for (const ZipEntry& entry : archive.entries()) {
      const std::string bytes = archive.read(entry);
      DEPTHSTYLE_ASSERT(bytes.size() == entry.size);
      DEPTHSTYLE_ASSERT(archive.find(entry.name) != nullptr);
    }
  });
  return 0;
}
