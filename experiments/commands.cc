#include "commands.h"

#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {

const std::vector<Command>& command_table() {
  static const std::vector<Command> table = {
      {"run", "run an experiment from a YAML config: run CONFIG.yaml [--set key=value] [--resume]", run_run_command},
      {"stylize", "stylize images and videos: stylize CONTENT... --style STYLE...", run_stylize_command},
      {"depth", "depth maps of images: depth INPUT... -o DIR --depth-estimator TYPE [--format pfm|npy|png16]",
       run_depth_command},
      {"weights", "inspect PyTorch checkpoints: weights inspect FILE", run_weights_command},
      {"data", "sample data: data fetch-samples", run_data_command},
      {"diw", "DIW evaluation: diw merge SHARD... -o DIR, diw report STORE -o DIR", run_diw_command},
      {"analyze", "analyse a user study: analyze ANSWERS.csv | --db STUDY [--out DIR], or Table 2: --counts 207/360",
       run_analyze_command},
      {"survey", "user studies: survey create|invite|serve|export|import|status", run_survey_command},
      {"stats", "statistical tests: stats binom K N, stats mcnemar B C, stats power --effect P", run_stats_command},
      {"report", "the reproduction report from finished runs: report RUN_OR_STUDY... -o DIR", run_report_command},
      {"version", "print the tool revision and library versions", run_version_command},
  };
  return table;
}

int run_verb_command(const std::string& command, int argc, char** argv, const std::vector<Command>& verbs) {
  std::vector<std::string> names;
  std::string listing;
  for (const Command& verb : verbs) {
    names.push_back(verb.name);
    listing += concat("  ", verb.name, std::string(verb.name.size() < 16 ? 16 - verb.name.size() : 1, ' '),
                      verb.summary, "\n");
  }
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    const std::string usage = concat("usage: ", command, " <verb> [options]\n\nverbs:\n", listing);
    if (argc < 2) throw UsageError(concat(command, ": missing verb\n", usage));
    std::fputs(usage.c_str(), stdout);
    return 0;
  }
  for (const Command& verb : verbs) {
    if (verb.name == argv[1]) return verb.run(argc - 1, argv + 1);
  }
  throw UsageError(concat(command, ": unknown verb '", argv[1], "'", did_you_mean(argv[1], names), "\nverbs:\n",
                          listing));
}

}  // namespace depthstyle
