// A finished run folder (run/run_record.h) as reports read it: its manifest and the files its runner wrote.
// Reports refuse anything else, naming the folder and what is missing, so a report never mixes finished results with
// the partial results of a run that is still going, failed or was interrupted.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace depthstyle {

struct FinishedRun {
  std::filesystem::path dir;
  nlohmann::json manifest;
  std::string experiment;  // the manifest's "experiment" (which runner made it)
  std::string name;        // the manifest's "name"
};

// Throws InputError, each message starting with the folder: it does not exist; it holds no manifest.json (not a run
// folder); its status is not "succeeded" (with the status, the last error, and the command that resumes it); it was
// made by another experiment than `experiment` (unless empty); one of `required_files` (relative to it) is missing.
FinishedRun read_finished_run(const std::filesystem::path& dir, const std::string& experiment,
                              const std::vector<std::string>& required_files);

// A JSON file; throws InputError naming it when it is missing or malformed.
nlohmann::json read_json_file(const std::filesystem::path& path);

}  // namespace depthstyle
