// What every fuzz target of tests/fuzz shares (tests/fuzz/README.md).
//
// A target feeds the fuzz input to one of the project's readers, in-process, and lets it fail only the documented
// way: core/error.h's exceptions (UsageError, ConfigError, Error, InputError) are a clean refusal of bad input and
// are caught here; any other exception (std::bad_alloc, std::out_of_range, cv::Exception, ...), a crash, an
// assertion, an ASan or UBSan report is a finding, which libFuzzer records with the input that caused it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace depthstyle::fuzz {

// Runs `read` and swallows the exceptions a reader documents for bad input.
template <typename Read>
void expect_clean_refusal(Read&& read) {
  try {
    read();
  } catch (const UsageError&) {
  } catch (const Error&) {
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A file of this process holding `bytes`, for the readers that take a path; `name` gives the extension they choose
// the format by. Kept in /dev/shm when it exists (no disk writes at tens of thousands of inputs per second) and
// overwritten by the next input.
std::filesystem::path scratch_file(const std::string& name, std::string_view bytes);

// A folder of this process, removed at exit.
const std::filesystem::path& scratch_folder();

}  // namespace depthstyle::fuzz
