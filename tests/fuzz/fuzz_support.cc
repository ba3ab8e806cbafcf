#include "fuzz/fuzz_support.h"

#include <fstream>

#include "core/scratch_folder.h"

namespace depthstyle::fuzz {

const std::filesystem::path& scratch_folder() {
  // In /dev/shm where the machine has it (see scratch_file).
  static const ScratchFolder folder("fuzz", std::filesystem::is_directory("/dev/shm")
                                                ? std::filesystem::path("/dev/shm")
                                                : std::filesystem::temp_directory_path());
  return folder.path();
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
