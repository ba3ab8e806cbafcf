// `depthstyle diw merge` and `depthstyle diw report`: the shard and re-scoring primitives of the DIW evaluation, so a
// cluster script can run `depthstyle run CONFIG --shard k/N` per task and merge the N run folders at the end.
#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "diw/diw_merge.h"
#include "diw/diw_report.h"
#include "diw/diw_results.h"
#include "diw/prediction_store.h"

namespace depthstyle {
namespace {

constexpr const char* kStoreFile = "predictions.sqlite";

// A run folder stands for the store inside it.
std::filesystem::path store_path(const std::string& argument) {
  const std::filesystem::path path(argument);
  return std::filesystem::is_directory(path) ? path / kStoreFile : path;
}

int merge_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle diw merge",
      "Combines the prediction stores of shards 1/N .. N/N of one diw_eval config (run folders of `depthstyle run "
      "CONFIG --shard k/N`, or their predictions.sqlite) into OUTPUT/predictions.sqlite and writes the Table 1 report "
      "there, exactly as one run over the whole file would. Refuses shards of different configs or DIW files, a "
      "shard given twice, a missing or unfinished shard, and models that differ between shards.");
  command_line.positional("shards", -1, "shard run folders or prediction stores");
  command_line.options()("output,o", boost::program_options::value<std::string>(),
                         "folder for the merged store and report (its store must not exist yet)");
  if (!command_line.parse(argc, argv)) return 0;
  if (!command_line.has("output")) throw UsageError("depthstyle diw merge: --output DIR is required");
  if (!command_line.has("shards")) throw UsageError("depthstyle diw merge: give the shard run folders to merge");
  std::vector<std::filesystem::path> shards;
  for (const std::string& argument : command_line.get<std::vector<std::string>>("shards")) {
    shards.push_back(store_path(argument));
  }
  const std::filesystem::path output(command_line.get<std::string>("output"));
  std::filesystem::create_directories(output);
  const DiwMergeSummary summary = merge_prediction_stores(shards, output / kStoreFile);
  PredictionStore store(output / kStoreFile);
  std::vector<std::pair<std::string, std::string>> facts;
  for (std::size_t i = 0; i < shards.size(); ++i) facts.push_back({concat("shard store ", i + 1), shards[i].string()});
  const std::filesystem::path report = write_store_report(store, output, std::nullopt, facts);
  std::printf("merged %d shards: %lld entries, %lld predictions into %s\nreport: %s\n", summary.shards,
              static_cast<long long>(summary.entries), static_cast<long long>(summary.predictions),
              (output / kStoreFile).c_str(), report.c_str());
  return 0;
}

int report_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle diw report",
      "Scores a DIW prediction store again, without inference, and writes the Table 1 report (results.csv/json, "
      "table1.svg, report.md/html) into OUTPUT: e.g. with the other tie rule.");
  command_line.positional("store", 1, "a diw_eval run folder or its predictions.sqlite");
  command_line.options()("output,o", boost::program_options::value<std::string>(), "folder for the report")(
      "ties", boost::program_options::value<std::string>(),
      "wrong (the official rule) or separate (accuracy over decided pairs); default: the run's setting");
  if (!command_line.parse(argc, argv)) return 0;
  if (!command_line.has("output")) throw UsageError("depthstyle diw report: --output DIR is required");
  std::optional<TiePolicy> ties;
  if (command_line.has("ties")) ties = tie_policy_from_string(command_line.get<std::string>("ties"));
  const std::filesystem::path path = store_path(command_line.get<std::string>("store"));
  SqliteOpenOptions read_only;
  read_only.read_only = true;
  PredictionStore store(path, read_only);
  const std::filesystem::path output(command_line.get<std::string>("output"));
  std::filesystem::create_directories(output);
  const std::filesystem::path report = write_store_report(store, output, ties, {{"scored from", path.string()}});
  std::printf("report: %s\n", report.c_str());
  return 0;
}

}  // namespace

int run_diw_command(int argc, char** argv) {
  return run_verb_command("depthstyle diw", argc, argv,
                          {{"merge", "combine the shard stores of one diw_eval config and report", merge_command},
                           {"report", "score a prediction store again and write its report", report_command}});
}

}  // namespace depthstyle
