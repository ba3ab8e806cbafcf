// `depthstyle run CONFIG`: config -> runner -> run folder. Selects the runner by the config's `experiment:` key,
// reads and checks every key, opens (or resumes) the run folder, runs, and records the outcome in the manifest.
// Which folder: run/run_folder.h (a config started again gets a new, timestamped one).
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "run/experiment.h"

namespace depthstyle {

struct RunRequest {
  std::filesystem::path config_path;
  std::vector<std::string> overrides;  // "key.path=value"
  std::optional<int> threads;          // --threads, same as --set threads=N
  bool resume = false;
  bool print_config = false;           // print the resolved config and stop
  // Print the run folder this request would use (with a shard, the shard's) and stop, after checking the config: how
  // a cluster script learns where the shard folders and their merge go (scripts/slurm/diw_eval_array.sh).
  bool print_run_folder = false;
  // "k/N" (--shard): run slice k of N. Same as --set shard=k/N, and the run folder becomes <name>.shard-k-of-N so the
  // shards of one config never share a folder. Only experiments that declare a `shard` key accept it.
  std::string shard;
  std::vector<std::string> command_line;
};

struct RunOutcome {
  std::filesystem::path run_dir;  // empty with print_config; the folder it would use with print_run_folder
  std::filesystem::path report;   // the main human-readable output, if the runner wrote one
};

// Errors propagate as exceptions after the manifest has recorded them.
RunOutcome run_experiment(const RunRequest& request, const std::vector<ExperimentKind>& kinds,
                                     std::ostream& out);

// The schema of `kind` with the common keys bound to `common`, e.g. for documentation.
Schema experiment_schema(const std::string& kind_name, CommonOptions& common, Experiment& experiment,
                         const std::vector<std::string>& kind_names);

}  // namespace depthstyle
