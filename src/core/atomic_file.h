// Atomic file output: data goes to a temporary file in the destination's directory, is flushed to disk, and is then
// renamed over the destination. A reader (or a resumed run) therefore sees either the previous file or the complete
// new one, never a torn one, even if the process is killed mid-write.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace depthstyle {

// Creates missing parent directories of `path`.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Streams into a temporary file; commit() publishes it under the final name. Destroying an uncommitted AtomicFile
// (e.g. during stack unwinding) removes the temporary file and leaves any existing destination untouched.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return stream_; }
  void write(std::string_view bytes) { stream_.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); }
  void commit();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  std::ofstream stream_;
  bool committed_ = false;
};

// Removes the temporary files AtomicFile leaves behind when a process is killed mid-write (SIGKILL skips every
// destructor), anywhere under `dir`. Only for a folder no other process is writing to (a locked run folder).
// Returns how many were removed.
std::size_t remove_stale_temporary_files(const std::filesystem::path& dir);

// Throws InputError naming the path if it is a directory, a device or a socket ("is a directory", "not a regular
// file"): what read_file and the other readers of whole files refuse before opening it.
void check_readable_file(const std::filesystem::path& path);

// Reads a whole file; throws InputError naming the file if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace depthstyle
