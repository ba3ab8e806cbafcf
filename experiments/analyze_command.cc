// depthstyle analyze: the analysis of a pairwise user study from its long answers CSV (survey/answers_csv.h), or
// Table 2 from its counts alone (--counts 207/360). Prints the Markdown report; --out also writes the CSV/JSON tables
// and the HTML page. The analysis lives in stats/study_analysis.h, the tables in survey/study_report.h.
#include <iostream>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "core/seeds.h"
#include "survey/answers_csv.h"
#include "survey/study_report.h"
#include "stats/study_analysis.h"
#include "survey/study_database.h"
#include "survey/study_answers.h"

namespace po = boost::program_options;

namespace depthstyle {
namespace {

// The options of `depthstyle analyze`, with StudyAnalysisOptions' defaults.
void declare_analyze_options(CommandLine& command_line) {
  const StudyAnalysisOptions defaults;
  command_line.positional("answers", -1, "the answers CSV (omit with --db or --counts)");
  command_line.options()
      ("db", po::value<std::string>(), "a study database (the folder of 'survey create' or its study.sqlite) "
                                        "instead of an answers CSV")
      ("counts", po::value<std::string>(), "Table 2 from its counts alone: VOTES/RESPONSES, e.g. 207/360")
      ("pairs", po::value<std::int64_t>()->default_value(0), "with --counts: image pairs (0 = unknown)")
      ("respondents", po::value<std::int64_t>()->default_value(0), "with --counts: respondents (0 = unknown)")
      ("proposed", po::value<std::string>()->default_value(defaults.proposed), "the method whose votes are counted")
      ("baseline", po::value<std::string>()->default_value(defaults.baseline), "the method it is compared with")
      ("alternative", po::value<std::string>()->default_value(to_string(defaults.alternative)),
       "alternative of Table 2's p-value: greater (the paper's), less or two-sided")
      ("p0", number_option(defaults.p0), "null proportion of the votes")
      ("conf", number_option(defaults.confidence), "confidence level of the intervals")
      ("max-sentinel-failures", po::value<int>()->default_value(defaults.max_sentinel_failures),
       "exclude respondents who failed more sentinel trials (-1 = no rule)")
      ("min-repeat-consistency", number_option(defaults.min_repeat_consistency),
       "exclude respondents answering a smaller share of swapped repeats consistently (0 = no rule)")
      ("min-median-response-ms", po::value<std::int64_t>()->default_value(defaults.min_median_response_ms),
       "exclude respondents whose median response time is shorter (0 = no rule)")
      ("bootstrap", po::value<int>()->default_value(defaults.bootstrap_replicates),
       "cluster bootstrap replicates (0 = none)")
      ("seed", po::value<std::int64_t>()->default_value(0), "base seed the bootstrap seeds derive from")
      ("respondent-seed", po::value<std::int64_t>()->default_value(-1),
       "seed of the respondent draws (-1 = derived from --seed)")
      ("item-seed", po::value<std::int64_t>()->default_value(-1), "seed of the item draws (-1 = derived from --seed)")
      ("clustering-alpha", number_option(defaults.clustering_alpha),
       "significance level of the model's test of the respondent and pair variances (the clustering warning)")
      ("planning-simulations", po::value<int>()->default_value(defaults.planning_simulations),
       "planning: simulated studies per design for the model's power (0 = none)")
      ("planning-seed", po::value<std::int64_t>()->default_value(-1),
       "seed of the planning simulations (-1 = derived from --seed)")
      ("effect", number_option(defaults.power_effect),
       "planning: true proportion of votes the study should detect")
      ("alpha", number_option(defaults.power_alpha), "planning: significance level")
      ("power", number_option(defaults.power_target), "planning: target power")
      ("out", po::value<std::string>(), "also write every table (CSV), analysis.json and report.md/.html here");
}

StudyAnalysisOptions analysis_options_from(const CommandLine& command_line) {
  StudyAnalysisOptions options;
  options.proposed = command_line.get<std::string>("proposed");
  options.baseline = command_line.get<std::string>("baseline");
  options.alternative = alternative_from_string(command_line.get<std::string>("alternative"));
  options.p0 = command_line.get<double>("p0");
  options.confidence = command_line.get<double>("conf");
  options.max_sentinel_failures = command_line.get<int>("max-sentinel-failures");
  options.min_repeat_consistency = command_line.get<double>("min-repeat-consistency");
  options.min_median_response_ms = command_line.get<std::int64_t>("min-median-response-ms");
  options.bootstrap_replicates = command_line.get<int>("bootstrap");
  const std::int64_t seed = command_line.get<std::int64_t>("seed");
  options.respondent_seed = resolve_seed(command_line.get<std::int64_t>("respondent-seed"), seed,
                                         "bootstrap.respondents");
  options.item_seed = resolve_seed(command_line.get<std::int64_t>("item-seed"), seed, "bootstrap.items");
  options.clustering_alpha = command_line.get<double>("clustering-alpha");
  options.planning_simulations = command_line.get<int>("planning-simulations");
  options.planning_seed =
      static_cast<std::int64_t>(resolve_seed(command_line.get<std::int64_t>("planning-seed"), seed, "planning"));
  options.power_effect = command_line.get<double>("effect");
  options.power_alpha = command_line.get<double>("alpha");
  options.power_target = command_line.get<double>("power");
  return options;
}

// The analysis of the one input given: Table 2's counts (--counts), a study database (--db) or an answers CSV.
StudyAnalysis analyze_given_input(const CommandLine& command_line, const StudyAnalysisOptions& options) {
  const std::vector<std::string> answers =
      command_line.has("answers") ? command_line.get<std::vector<std::string>>("answers") : std::vector<std::string>{};
  if (command_line.has("counts") + command_line.has("db") + !answers.empty() > 1) {
    throw UsageError("depthstyle analyze: give one of an answers CSV, --db or --counts");
  }
  if (command_line.has("counts")) {
    VoteCounts counts;
    try {
      counts = parse_vote_counts(command_line.get<std::string>("counts"));
    } catch (const UsageError& error) {
      throw UsageError(concat("depthstyle analyze: --counts ", error.what()));
    }
    return analyze_counts(counts.votes, counts.responses, command_line.get<std::int64_t>("pairs"),
                          command_line.get<std::int64_t>("respondents"), options);
  }
  if (command_line.has("db")) {
    const std::unique_ptr<SqliteDatabase> database =
        open_study_database(study_database_path(command_line.get<std::string>("db")));
    return analyze_study(read_study_answers(*database), options);
  }
  if (answers.size() != 1) {
    throw UsageError(concat("depthstyle analyze: expected one answers CSV (or --counts), got ", answers.size(), "\n",
                            command_line.usage()));
  }
  return analyze_study(read_study_answers_csv(answers[0]), options);
}

}  // namespace

int run_analyze_command(int argc, char** argv) {
  CommandLine command_line(
      "depthstyle analyze",
      "Analyses a pairwise user study: Table 2 as the paper lays it out (image pairs, respondents, responses, votes "
      "for the proposed method, proportion, std. deviation, p-value) with the conventions that produce each number, "
      "the crossed random-effects model of respondents and pairs (the recommended headline: preference, profile "
      "interval, likelihood-ratio tests of no preference and of clustering, design effect), "
      "the two-sided p and interval, a per-respondent view with a sign test, a two-way cluster bootstrap, per-pair "
      "and per-respondent tables with quality controls, Holm-adjusted method pairs and Bradley-Terry scores. "
      "ANSWERS is the long CSV of `survey export` (columns respondent, trial, pair, left_method, right_method, "
      "chosen_method, response_ms, time, and optionally sentinel_expected, repeat_of); --db reads the same answers "
      "straight from a study database. With --counts only Table 2 "
      "and the planning are computed.");
  declare_analyze_options(command_line);
  if (!command_line.parse(argc, argv)) return 0;
  const StudyAnalysis analysis = analyze_given_input(command_line, analysis_options_from(command_line));
  const std::vector<NamedTable> tables = study_tables(analysis);
  std::cout << study_report(analysis, tables).to_markdown();
  if (command_line.has("out")) {
    const std::filesystem::path report = write_study_outputs(analysis, command_line.get<std::string>("out"));
    std::cout << "\nreport: " << report.string() << "\n";
  }
  return 0;
}

}  // namespace depthstyle
