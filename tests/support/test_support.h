// Shared test helpers: temporary folders, fixture paths, running the CLI, and checking error types and messages.
#pragma once

#include <gtest/gtest.h>

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/process.h"
#include "core/scratch_folder.h"

namespace depthstyle::testing {

// A fresh folder under the system temp dir, removed with its contents when the object goes away; a test killed by
// ctest's timeout leaves its folder to the next TempDir's clean-up (core/scratch_folder.h).
class TempDir : public ScratchFolder {
 public:
  TempDir() : ScratchFolder("test") {}
};

std::filesystem::path fixture_path(const std::string& name);
std::filesystem::path sample_cache_dir();

// Runs the depthstyle binary with `arguments` in `working_directory`.
ProcessResult run_cli(const std::vector<std::string>& arguments, const std::filesystem::path& working_directory = {});

void write_text(const std::filesystem::path& path, const std::string& text);

// Starts the depthstyle binary without waiting for it (its output goes to /dev/null), e.g. to kill it mid-run.
pid_t spawn_cli(const std::vector<std::string>& arguments, const std::filesystem::path& working_directory);

// Lines in a text file (0 if it does not exist), e.g. the finished units of a run.
std::size_t line_count(const std::filesystem::path& path);

bool contains(const std::string& text, const std::string& part);

// The CPU this test runs on and the features that numeric bounds depend on (docs/testing.md), from /proc/cpuinfo:
// "Intel(R) Xeon(R) Processor, 2 threads: avx2 yes, fma yes, avx512f yes, avx512_bf16 yes, amx_bf16 yes".
std::string cpu_features();

// Every regular file under `folders` of `dir` (paths relative to `dir`), with its bytes; a missing folder is skipped.
std::map<std::string, std::string> files_under(const std::filesystem::path& dir, const std::vector<std::string>& folders);

}  // namespace depthstyle::testing

// Expects `statement` to throw exactly `error_type` (or a subclass) whose message contains `substring`.
#define EXPECT_THROW_MESSAGE(statement, error_type, substring)                                      \
  do {                                                                                              \
    try {                                                                                           \
      statement;                                                                                    \
      ADD_FAILURE() << "expected " #error_type " containing \"" << (substring) << "\", got nothing"; \
    } catch (const error_type& error_) {                                                            \
      EXPECT_NE(std::string(error_.what()).find(substring), std::string::npos)                      \
          << "message: " << error_.what() << "\nexpected to contain: " << (substring);              \
    }                                                                                               \
  } while (false)
