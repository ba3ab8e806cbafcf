// The subcommand table of the depthstyle binary. Each command parses its own options, checks them, calls into the
// library and returns an exit code; errors propagate as exceptions to main().
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace depthstyle {

struct Command {
  std::string name;
  std::string summary;
  // argv[0] is the command's own name.
  std::function<int(int argc, char** argv)> run;
};

const std::vector<Command>& command_table();

// Dispatches "<command> <verb> ..." over `verbs` (for commands with sub-verbs, like `data fetch-samples`).
int run_verb_command(const std::string& command, int argc, char** argv, const std::vector<Command>& verbs);

int run_version_command(int argc, char** argv);
int run_weights_command(int argc, char** argv);
int run_data_command(int argc, char** argv);
int run_run_command(int argc, char** argv);
int run_diw_command(int argc, char** argv);
int run_stylize_command(int argc, char** argv);
int run_depth_command(int argc, char** argv);
int run_stats_command(int argc, char** argv);
int run_analyze_command(int argc, char** argv);
int run_survey_command(int argc, char** argv);
int run_report_command(int argc, char** argv);

}  // namespace depthstyle
