// The folder of one run, runs/<experiment>/<name>/, and everything that makes its results reproducible:
//   config.yaml         the resolved config (every key, defaults filled in, help as comments)
//   source_config.yaml  the config file as given (before --set overrides)
//   manifest.json       tool revision and dirty flag, library versions, threads, seed, host, command line,
//                       overrides, start/end time and status of every attempt (first run and each --resume)
//   log.txt             everything the run logged
//   units.done          one line per finished unit of work, so --resume skips it
//   units/<unit>.json   the result row of each finished unit, so a resumed run can report without recomputing
// Every file except the append-only log and journal is written atomically (temp file + rename).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace depthstyle {

struct RunStart {
  std::filesystem::path output_root = "runs";
  std::string experiment;
  std::string name;
  std::string resolved_config;  // YAML, stored as config.yaml
  std::string source_name;
  std::string source_text;
  std::vector<std::string> overrides;
  std::vector<std::string> command_line;
  int threads = 1;
  std::int64_t seed = 0;
  bool resume = false;
};

class RunRecord {
 public:
  // Creates the run folder, or reopens it when start.resume is set. Throws UsageError if the folder exists and
  // resume is not set, or if resume is set and there is nothing to resume; Error if another process holds it.
  explicit RunRecord(const RunStart& start);
  ~RunRecord();
  RunRecord(const RunRecord&) = delete;
  RunRecord& operator=(const RunRecord&) = delete;

  static std::filesystem::path folder_of(const std::filesystem::path& output_root, const std::string& experiment,
                                         const std::string& name);

  const std::filesystem::path& dir() const { return dir_; }
  bool resumed() const { return resumed_; }

  // Units of work are named by stable keys (e.g. "image=aloe"); a finished unit survives a killed process.
  bool is_done(const std::string& unit) const { return done_units_.count(unit) > 0; }
  void mark_done(const std::string& unit);
  std::size_t done_count() const { return done_units_.size(); }
  // Stores the unit's result (atomically), then marks the unit done.
  void complete_unit(const std::string& unit, const nlohmann::json& result);
  // The stored result of a finished unit; throws InputError if it is missing or unreadable.
  nlohmann::json unit_result(const std::string& unit) const;

  // Adds a runner-specific entry to the manifest (e.g. checksums of model files); written at once.
  void set_manifest_field(const std::string& key, nlohmann::json value);
  // Records the end of this attempt: "succeeded", "failed" (with the error) or "interrupted".
  void finish(const std::string& status, const std::string& error = "");

 private:
  void write_manifest() const;
  std::filesystem::path unit_result_path(const std::string& unit) const;
  void load_done_units();

  std::filesystem::path dir_;
  bool resumed_ = false;
  bool finished_ = false;
  int lock_fd_ = -1;
  nlohmann::json manifest_;
  std::set<std::string> done_units_;
};

}  // namespace depthstyle
