#include <iostream>

#include "cli_options.h"
#include "commands.h"
#include "core/log.h"
#include "core/progress.h"
#include "experiment_table.h"
#include "run/run_experiment.h"
#include "weights/weights_folder.h"

namespace po = boost::program_options;

namespace depthstyle {

int run_run_command(int argc, char** argv) {
  std::string kinds;
  for (const ExperimentKind& kind : experiment_table()) kinds += "\n  " + kind.name + ": " + kind.summary;
  CommandLine command_line(
      "depthstyle run",
      "Runs the experiment a YAML config describes (its 'experiment:' key selects the runner) into "
      "<output_dir>/<experiment>/<name>/ with the resolved config, a manifest and a log. When that folder holds a run "
      "already, a new run goes to <name>-<UTC time> (said on stderr).\n\nexperiments:" + kinds);
  command_line.positional("config", 1, "YAML config file");
  command_line.options()
      ("set", po::value<std::vector<std::string>>()->composing(), "override a key: --set key.path=value (repeatable)")
      ("resume", "continue a stopped run, skipping finished work (the config must be unchanged); without --set "
                 "name=, the latest unfinished run of this config")
      ("threads", po::value<int>(), "LibTorch threads (0 = all cores; same as --set threads=N)")
      ("shard", po::value<std::string>(), "run slice k of N (k/N) of an experiment that can be split (diw_eval); "
                                          "the run folder gets the suffix .shard-k-of-N")
      ("print-config", "print the resolved config with every key's help and stop")
      ("print-run-folder", "check the config, print the run folder this command would use (with --shard: the "
                           "shard's) and stop")
      ("quiet,q", "no progress bars");
  declare_weights_dir_option(command_line);
  if (!command_line.parse(argc, argv)) return 0;
  if (command_line.has("quiet")) set_progress_quiet(true);
  apply_weights_dir_option(command_line);

  RunRequest request;
  request.config_path = command_line.get<std::string>("config");
  if (command_line.has("set")) request.overrides = command_line.get<std::vector<std::string>>("set");
  if (command_line.has("threads")) request.threads = command_line.get<int>("threads");
  if (command_line.has("shard")) request.shard = command_line.get<std::string>("shard");
  request.resume = command_line.has("resume");
  request.print_config = command_line.has("print-config");
  request.print_run_folder = command_line.has("print-run-folder");
  request.command_line = {"depthstyle"};
  request.command_line.insert(request.command_line.end(), argv, argv + argc);
  const RunOutcome outcome = run_experiment(request, experiment_table(), std::cout);
  if (request.print_config || request.print_run_folder) return 0;
  std::cout << "run folder: " << outcome.run_dir.string() << "\n";
  if (!outcome.report.empty()) std::cout << "report: " << outcome.report.string() << "\n";
  return 0;
}

}  // namespace depthstyle
