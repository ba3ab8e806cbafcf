#include "report/finished_run.h"

#include "core/atomic_file.h"
#include "core/error.h"

namespace depthstyle {

nlohmann::json read_json_file(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path)) throw InputError(concat(path.string(), ": file not found"));
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& error) {
    throw InputError(concat(path.string(), ": not valid JSON: ", error.what()));
  }
}

FinishedRun read_finished_run(const std::filesystem::path& dir, const std::string& experiment,
                              const std::vector<std::string>& required_files) {
  if (!std::filesystem::is_directory(dir)) throw InputError(concat(dir.string(), ": no such run folder"));
  const std::filesystem::path manifest_path = dir / "manifest.json";
  if (!std::filesystem::is_regular_file(manifest_path)) {
    throw InputError(concat(dir.string(), ": not a run folder (no manifest.json)"));
  }
  FinishedRun run{dir, read_json_file(manifest_path), "", ""};
  run.experiment = run.manifest.value("experiment", std::string());
  run.name = run.manifest.value("name", std::string());
  const std::string status = run.manifest.value("status", std::string("unknown"));
  if (status != "succeeded") {
    std::string error;
    const nlohmann::json& attempts = run.manifest.value("attempts", nlohmann::json::array());
    if (!attempts.empty()) error = attempts.back().value("error", std::string());
    throw InputError(concat(dir.string(), ": the run is unfinished (status '", status, "'",
                            error.empty() ? "" : ": " + error, "); finish it first: depthstyle run ",
                            run.manifest.value("config_source", std::string("CONFIG")), " --set name=", run.name,
                            " --set output_dir=", dir.parent_path().parent_path().string(), " --resume"));
  }
  if (!experiment.empty() && run.experiment != experiment) {
    throw InputError(concat(dir.string(), ": a run of experiment '", run.experiment, "', expected '", experiment,
                            "'"));
  }
  for (const std::string& file : required_files) {
    if (!std::filesystem::exists(dir / file)) {
      throw InputError(concat(dir.string(), ": ", file, " is missing (the run's results are incomplete)"));
    }
  }
  return run;
}

}  // namespace depthstyle
