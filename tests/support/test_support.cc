#include "support/test_support.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"

namespace depthstyle::testing {

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

pid_t spawn_cli(const std::vector<std::string>& arguments, const std::filesystem::path& working_directory) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(working_directory.c_str()) != 0) _exit(126);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    std::vector<std::string> argv = {DEPTHSTYLE_CLI_PATH};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    std::vector<char*> raw;
    for (std::string& argument : argv) raw.push_back(argument.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  return pid;
}

std::size_t line_count(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string cpu_features() {
  std::string model = "unknown CPU", flags;
  std::istringstream cpuinfo(read_file("/proc/cpuinfo"));
  for (std::string line; std::getline(cpuinfo, line);) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (key == "model name" && model == "unknown CPU") model = value;
    if (key == "flags" && flags.empty()) flags = " " + value + " ";
  }
  std::string text = concat(model, ", ", std::thread::hardware_concurrency(), " threads:");
  const char* separator = " ";
  for (const char* feature : {"avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16"}) {
    text += concat(separator, feature, contains(flags, concat(" ", feature, " ")) ? " yes" : " no");
    separator = ", ";
  }
  return text;
}

std::map<std::string, std::string> files_under(const std::filesystem::path& dir, const std::vector<std::string>& folders) {
  std::map<std::string, std::string> files;
  for (const std::string& folder : folders) {
    if (!std::filesystem::exists(dir / folder)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / folder)) {
      if (entry.is_regular_file()) {
        files[std::filesystem::relative(entry.path(), dir).string()] = read_file(entry.path());
      }
    }
  }
  return files;
}

}  // namespace depthstyle::testing
