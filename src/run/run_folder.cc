#include "run/run_folder.h"

#include <algorithm>
#include <regex>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

constexpr const char* kManifestFile = "manifest.json";

// "20261206T002600Z": the start time in a folder name (no ':' so that every file system accepts it).
// Escapes a run name (letters, digits, '-', '_', '.') for use inside a regular expression.
std::string regex_escaped(const std::string& text) {
  std::string escaped;
  for (const char c : text) escaped += c == '.' ? std::string("\\.") : std::string(1, c);
  return escaped;
}

bool succeeded(const std::filesystem::path& run_dir) {
  try {
    return nlohmann::json::parse(read_file(run_dir / kManifestFile)).value("status", "") == "succeeded";
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string new_run_name(const std::filesystem::path& experiment_dir, const std::string& name, bool claim) {
  const std::string stamped = concat(name, "-", utc_timestamp(TimestampFormat::kBasic));
  if (claim) std::filesystem::create_directories(experiment_dir);
  for (int attempt = 1;; ++attempt) {
    const std::string candidate = attempt == 1 ? stamped : concat(stamped, "-", attempt);
    const std::filesystem::path folder = experiment_dir / candidate;
    if (claim ? std::filesystem::create_directory(folder) : !std::filesystem::exists(folder)) return candidate;
  }
}

std::optional<std::string> run_to_resume(const std::filesystem::path& experiment_dir, const std::string& name) {
  if (!std::filesystem::is_directory(experiment_dir)) return std::nullopt;
  // The same-second counter has at most 9 digits (an int holds it): a longer one is no folder new_run_name made.
  const std::regex later_run(regex_escaped(name) + "-([0-9]{8}T[0-9]{6}Z)(?:-([0-9]{1,9}))?");
  // (start time, same-second counter, name); the first run of the config has no time in its name and is the oldest.
  std::vector<std::tuple<std::string, int, std::string>> runs;
  for (const auto& entry : std::filesystem::directory_iterator(experiment_dir)) {
    const std::string folder = entry.path().filename().string();
    std::smatch match;
    if (!std::filesystem::exists(entry.path() / kManifestFile)) continue;
    if (folder == name) {
      runs.emplace_back("", 0, folder);
    } else if (std::regex_match(folder, match, later_run)) {
      runs.emplace_back(match[1].str(), match[2].matched ? std::stoi(match[2].str()) : 1, folder);
    }
  }
  std::sort(runs.begin(), runs.end());
  for (auto run = runs.rbegin(); run != runs.rend(); ++run) {
    if (!succeeded(experiment_dir / std::get<2>(*run))) return std::get<2>(*run);
  }
  if (runs.empty()) return std::nullopt;
  return std::get<2>(runs.back());
}

}  // namespace depthstyle
