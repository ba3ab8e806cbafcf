#include "fuzz/fuzz_support.h"

#include <unistd.h>

#include <fstream>

namespace depthstyle::fuzz {

namespace {

struct ScratchFolder {
  std::filesystem::path path;
  ScratchFolder() {
    const std::filesystem::path shm = "/dev/shm";
    const std::filesystem::path root = std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
    path = root / ("depthstyle-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

const std::filesystem::path& scratch_folder() {
  static const ScratchFolder folder;
  return folder.path;
}

std::filesystem::path scratch_file(const std::string& name, std::string_view bytes) {
  const std::filesystem::path path = scratch_folder() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("fuzz: cannot write " + path.string());  // the harness, not the input: crash
  return path;
}

}  // namespace depthstyle::fuzz
