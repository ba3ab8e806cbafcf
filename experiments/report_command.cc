// `depthstyle report FOLDER... -o DIR`: the reproduction report (paper/reproduction_report.h) from finished runs
// and study folders, reading only their stored results. A paper run folder stands for all of its steps.
#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "paper/reproduction_report.h"

namespace depthstyle {

int run_report_command(int argc, char** argv) {
  const ReproductionReportOptions defaults;
  CommandLine command_line(
      "depthstyle report",
      "Writes the report of the whole reproduction, DIR/report.html (one self-contained page: pictures embedded, no "
      "request outside the page) and DIR/report.md, from finished run folders (diw_eval: Table 1; style_grid: the "
      "figure sheets; study_analysis: Table 2 from the paper's counts; paper: all of its steps), and study folders "
      "(survey create: the design, and Table 2 of their answers). Never runs a model; refuses a folder that is "
      "absent, unfinished or missing a result, naming it and what is missing.");
  command_line.positional("folders", -1, "run folders and study folders");
  command_line.options()
      ("output,o", boost::program_options::value<std::string>(), "folder for report.html and report.md")
      ("title", boost::program_options::value<std::string>()->default_value(defaults.title), "the page's title")
      ("figure-max-side", boost::program_options::value<int>()->default_value(defaults.figure_max_side),
       "longer side of the embedded pictures, px (the linked files keep their size)");
  if (!command_line.parse(argc, argv)) return 0;
  if (!command_line.has("output")) throw UsageError("depthstyle report: --output DIR is required");
  if (!command_line.has("folders")) throw UsageError("depthstyle report: give the run folders to report on");
  ReproductionReportOptions options;
  options.title = command_line.get<std::string>("title");
  options.figure_max_side = command_line.get<int>("figure-max-side");
  if (options.figure_max_side < 64) throw UsageError("depthstyle report: --figure-max-side must be at least 64");
  std::vector<std::filesystem::path> folders;
  for (const std::string& folder : command_line.get<std::vector<std::string>>("folders")) folders.push_back(folder);
  const std::filesystem::path report =
      write_reproduction_report(classify_report_sources(folders), command_line.get<std::string>("output"), options);
  std::printf("report: %s\n", report.c_str());
  return 0;
}

}  // namespace depthstyle
