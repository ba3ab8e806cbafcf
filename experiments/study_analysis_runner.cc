// experiment: study_analysis — the analysis of a pairwise user study (Table 2 and beyond) as a run, so its numbers
// are stored with the config, the tool's git revision and the input's checksum, where `depthstyle report` finds them.
// Input: an answers CSV (input.answers) or the published counts alone (input.counts, e.g. configs/table2_paper.yaml).
// One unit of work: the analysis, whose tables land in the run folder (survey/study_report.h lists the files).
#include "core/log.h"
#include "core/seeds.h"
#include "core/sha256.h"
#include "experiment_table.h"
#include "survey/answers_csv.h"
#include "survey/study_report.h"
#include "stats/study_analysis.h"

namespace depthstyle {
namespace {

struct StudyAnalysisRunOptions {
  // The long answers CSV of `survey export`; "" when input.counts is given.
  std::string answers;
  // Table 2 from its counts alone, "VOTES/RESPONSES" (e.g. "207/360"); "" when input.answers is given.
  std::string counts;
  // With input.counts: the numbers of image pairs and respondents, for Table 2 (0 = unknown).
  std::int64_t pairs = 0;
  std::int64_t respondents = 0;
  // Alternative of Table 2's p-value: greater, less or two-sided.
  std::string alternative = "greater";
  // Bootstrap seeds; -1 = derived from the run's seed.
  std::int64_t respondent_seed = -1;
  std::int64_t item_seed = -1;
  // Seed of the planning simulations; -1 = derived from the run's seed.
  std::int64_t planning_seed = -1;
  // The paper's printed numbers, to set beside ours ("" = none).
  PaperTable2 paper;
};

class StudyAnalysisExperiment : public Experiment {
 public:
  void declare(Schema& schema) override {
    schema.add("input.answers", &run_.answers, "answers CSV (survey export format); '' with input.counts");
    schema.add("input.counts", &run_.counts, "Table 2 from counts alone, VOTES/RESPONSES, e.g. 207/360");
    schema.add("input.pairs", &run_.pairs, "with input.counts: image pairs (0 = unknown)").at_least(0);
    schema.add("input.respondents", &run_.respondents, "with input.counts: respondents (0 = unknown)").at_least(0);
    schema.add("methods.proposed", &options_.proposed, "the method whose votes are counted").non_empty();
    schema.add("methods.baseline", &options_.baseline, "the method it is compared with").non_empty();
    schema.add("test.alternative", &run_.alternative, "alternative of Table 2's p-value (the paper's: greater)")
        .one_of({"greater", "less", "two-sided"});
    schema.add("test.p0", &options_.p0, "null proportion of the votes").range(1e-9, 1 - 1e-9);
    schema.add("test.confidence", &options_.confidence, "confidence level of every interval").range(0.5, 0.999999);
    schema.add("exclude.max_sentinel_failures", &options_.max_sentinel_failures,
               "exclude respondents who failed more sentinel trials (-1 = no rule)")
        .at_least(-1);
    schema.add("exclude.min_repeat_consistency", &options_.min_repeat_consistency,
               "exclude respondents answering a smaller share of swapped repeats consistently (0 = no rule)")
        .range(0, 1);
    schema.add("exclude.min_median_response_ms", &options_.min_median_response_ms,
               "exclude respondents whose median response time is shorter, ms (0 = no rule)")
        .at_least(0);
    schema.add("bootstrap.replicates", &options_.bootstrap_replicates, "cluster bootstrap replicates (0 = none)")
        .range(0, 1000000);
    schema.add("bootstrap.respondent_seed", &run_.respondent_seed, "seed of the respondent draws (-1 = derived)")
        .at_least(-1);
    schema.add("bootstrap.item_seed", &run_.item_seed, "seed of the item draws (-1 = derived)").at_least(-1);
    schema.add("model.clustering_alpha", &options_.clustering_alpha,
               "significance level of the model's test of the respondent and pair variances (clustering warning)")
        .range(1e-9, 0.5);
    schema.add("power.simulations", &options_.planning_simulations,
               "simulated studies per design for the model's power (0 = none)")
        .range(0, 1000000);
    schema.add("power.seed", &run_.planning_seed, "seed of the planning simulations (-1 = derived)").at_least(-1);
    schema.add("power.effect", &options_.power_effect, "true proportion of votes the study should detect")
        .range(1e-9, 1 - 1e-9);
    schema.add("power.alpha", &options_.power_alpha, "significance level of the planning").range(1e-9, 0.5);
    schema.add("power.target", &options_.power_target, "target power of the planning").range(0.01, 1 - 1e-9);
    schema.add("paper.proportion", &run_.paper.proportion, "the paper's printed proportion, e.g. 57.5% ('' = none)");
    schema.add("paper.std_deviation", &run_.paper.std_deviation, "the paper's printed std. deviation, e.g. 2.6%");
    schema.add("paper.p_value", &run_.paper.p_value, "the paper's printed p-value, e.g. 0.0026");
  }

  void check() const override {
    if (run_.answers.empty() == run_.counts.empty()) {
      throw ConfigError("experiment 'study_analysis': give exactly one of input.answers and input.counts");
    }
    if (!run_.counts.empty()) parse_counts();
    StudyAnalysisOptions options = options_;
    options.alternative = alternative_from_string(run_.alternative);
    check_study_analysis_options(options);
  }

  void run(RunContext& context) override {
    StudyAnalysisOptions options = options_;
    options.alternative = alternative_from_string(run_.alternative);
    options.respondent_seed = resolve_seed(run_.respondent_seed, context.common.seed, "bootstrap.respondents");
    options.item_seed = resolve_seed(run_.item_seed, context.common.seed, "bootstrap.items");
    options.planning_seed =
        static_cast<std::int64_t>(resolve_seed(run_.planning_seed, context.common.seed, "planning"));
    RunRecord& record = context.record;
    if (!record.is_done("analysis")) {
      StudyAnalysis analysis;
      if (!run_.answers.empty()) {
        record.set_manifest_field("answers_sha256", sha256_hex_of_file(run_.answers));
        analysis = analyze_study(read_study_answers_csv(run_.answers), options);
      } else {
        const VoteCounts counts = parse_counts();
        analysis = analyze_counts(counts.votes, counts.responses, run_.pairs, run_.respondents, options);
      }
      write_study_outputs(analysis, record.dir(), run_.paper);
      for (const std::string& warning : analysis.warnings) log_warning(warning);
      const std::vector<NamedTable> tables = study_tables(analysis, run_.paper);
      log_info(tables[0].table.to_markdown(), "\n", tables[1].table.to_markdown());
      record.complete_unit("analysis", {{"responses", analysis.responses},
                                        {"votes", analysis.votes},
                                        {"p_value", analysis.test.p_value},
                                        {"p_two_sided", analysis.two_sided.p_value},
                                        {"warnings", analysis.warnings}});
    }
    context.report = record.dir() / "report.html";
  }

 private:
  VoteCounts parse_counts() const {
    try {
      return parse_vote_counts(run_.counts);
    } catch (const UsageError& error) {
      throw ConfigError(concat("experiment 'study_analysis': input.counts = ", error.what()));
    }
  }

  StudyAnalysisOptions options_;
  StudyAnalysisRunOptions run_;
};

}  // namespace

std::unique_ptr<Experiment> make_study_analysis() { return std::make_unique<StudyAnalysisExperiment>(); }

}  // namespace depthstyle
