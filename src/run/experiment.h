// The interface every experiment runner implements (experiments/ holds the runners, this library the machinery).
// A runner owns an options struct whose defaults are its field initialisers; declare() binds it to the schema,
// check() validates combinations of keys, and run() does the work in units recorded in the run record.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/schema.h"
#include "run/run_record.h"

namespace depthstyle {

// Keys every experiment has.
struct CommonOptions {
  std::string experiment;
  // Folder name of the run under <output_dir>/<experiment>/; default: the config file's name without extension.
  std::string name;
  std::string output_dir = "runs";
  // Base seed; each source of randomness derives its own seed from it.
  std::int64_t seed = 0;
  // Intra-op threads for LibTorch; 0 = all cores. Results are identical for a fixed thread count.
  int threads = 0;
};

struct RunContext {
  RunRecord& record;
  const CommonOptions& common;
  // Set by the runner to its main human-readable output (a report page); printed last by `depthstyle run`.
  std::filesystem::path report;
};

class Experiment {
 public:
  virtual ~Experiment() = default;
  virtual void declare(Schema& schema) = 0;
  // Checks that need several keys at once; throws ConfigError.
  virtual void check() const {}
  virtual void run(RunContext& context) = 0;
};

struct ExperimentKind {
  std::string name;
  std::string summary;
  std::function<std::unique_ptr<Experiment>()> create;
};

}  // namespace depthstyle
