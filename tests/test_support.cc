#include "test_support.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "core/error.h"

namespace depthstyle::testing {

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() / concat("depthstyle-test-", getpid(), "-", random());
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path fixture_path(const std::string& name) {
  return std::filesystem::path(DEPTHSTYLE_TEST_FIXTURES) / name;
}

std::filesystem::path sample_cache_dir() {
  const char* cache = std::getenv("DEPTHSTYLE_CACHE");
  return cache ? std::filesystem::path(cache) : std::filesystem::path(DEPTHSTYLE_SOURCE_DIR) / "datasets/cache";
}

ProcessResult run_cli(const std::vector<std::string>& arguments, const std::filesystem::path& working_directory) {
  std::vector<std::string> argv = {DEPTHSTYLE_CLI_PATH};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return run_process(argv, working_directory);
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

}  // namespace depthstyle::testing
