// The analysis of a pairwise user study (Table 2 of the paper and what a careful reader asks next).
//
// Which answers count: the "main" answers are those that are neither sentinel nor repeat trials, from respondents
// not excluded by the rules below. Table 2 counts the main answers whose two methods are options.proposed and
// options.baseline; a vote is an answer that chose the proposed method.
//
// Table 2's numbers: proportion = votes / responses; "std. deviation" = sqrt(p (1 - p) / n) with p the observed
// proportion (the paper's 2.6%; sqrt(p0 (1 - p0) / n) is reported beside it); p-value = exact binomial test at p0
// with options.alternative (the paper's 0.0026 is one-sided "greater"); the two-sided p and the Clopper-Pearson
// interval are reported too.
//
// Beyond the pooled test (answers from one person are not independent): the crossed random-effects logistic model
// (stats/crossed_logit.h: respondents and pairs as random effects, profile intervals, the likelihood-ratio test of no
// preference), the recommended headline for new studies; a per-respondent view (who preferred which method, and a
// sign test over respondents, ties dropped), a two-way cluster bootstrap over respondents and items
// (stats/cluster_bootstrap.h, conservative: see docs/statistics.md#clustering), a per-item table, quality controls per
// respondent (sentinel failures, consistency of swapped repeats, median response time) with exclusion rules that are
// always reported, all method pairs with Holm-adjusted p-values and Bradley-Terry scores when more than two methods
// were compared, the exact minimum n for the configured effect size and the model's power by simulation.
//
// Clustering is claimed (warning "the responses are clustered") only when the model's likelihood-ratio test of the
// two random-effect variances against the plain binomial model (chi-bar-square p, crossed_logit.h) is significant at
// options.clustering_alpha; the design effect it quotes is the model's (squared SE ratio of the intercept to the
// plain binomial's), never the bootstrap's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stats/binomial.h"
#include "stats/bradley_terry.h"
#include "stats/cluster_bootstrap.h"
#include "stats/crossed_logit.h"
#include "stats/crossed_power.h"
#include "stats/paired_tests.h"
#include "stats/power.h"
#include "stats/study.h"

namespace depthstyle {

struct StudyAnalysisOptions {
  // The method whose votes Table 2 counts (the paper: DA-AdaIN), and the method it competes with (AdaIN).
  std::string proposed = "da-adain";
  std::string baseline = "adain";
  // Alternative of Table 2's p-value (the paper's 0.0026 is "greater"); the two-sided p is always reported too.
  Alternative alternative = Alternative::kGreater;
  // Null proportion of the votes, in (0, 1).
  double p0 = 0.5;
  // Confidence level of every interval, in (0, 1).
  double confidence = 0.95;

  // Exclusion rules, per respondent. Excluded respondents are listed with the reason; nothing is dropped silently.
  // Exclude respondents who failed more sentinel trials than this; -1 = no rule.
  int max_sentinel_failures = -1;
  // Exclude respondents whose share of swapped repeats answered consistently is below this, in [0, 1]; 0 = no rule.
  double min_repeat_consistency = 0;
  // Exclude respondents whose median response time is below this many milliseconds; 0 = no rule.
  std::int64_t min_median_response_ms = 0;

  // Two-way cluster bootstrap (respondents x items): replicates (0 = no bootstrap, else >= 2) and one seed per kind
  // of cluster.
  int bootstrap_replicates = 2000;
  std::uint64_t respondent_seed = 1;
  std::uint64_t item_seed = 2;

  // The crossed random-effects model: significance level of its test of the two variances (the clustering warning),
  // in (0, 1).
  double clustering_alpha = 0.05;

  // Planning: the true proportion of votes the study should detect, its significance level and target power.
  double power_effect = 0.6;
  double power_alpha = 0.05;
  double power_target = 0.8;
  // Planning by simulation with the model's variance components (stats/crossed_power.h, grid
  // default_power_respondents x default_power_pairs of this study's counts): studies per design (0 = none) and the
  // base seed. Needs p0 = 1/2 (the model tests no preference). Cost: ~3 s of CPU for 18 x 20 (3 designs x 100 fits).
  int planning_simulations = 100;
  std::int64_t planning_seed = 0;
};

// Throws UsageError naming the offending option.
void check_study_analysis_options(const StudyAnalysisOptions& options);

struct RespondentSummary {
  std::string respondent;
  std::int64_t responses = 0;        // main answers comparing proposed and baseline
  std::int64_t votes = 0;            // ... that chose the proposed method
  std::int64_t sentinels = 0;
  std::int64_t sentinel_failures = 0;
  std::int64_t repeats = 0;
  std::int64_t consistent_repeats = 0;
  double median_response_ms = -1;  // over every answered trial; -1 when no response time was recorded
  std::string exclusion;                 // why the respondent was excluded; "" = included
};

struct ItemSummary {
  std::string item;
  std::int64_t responses = 0;
  std::int64_t votes = 0;
  double p_two_sided = 1;  // exact binomial at p0, unadjusted
};

struct MethodPairSummary {
  std::string first;
  std::string second;
  std::int64_t responses = 0;
  std::int64_t first_votes = 0;
  double p_two_sided = 1;  // exact binomial at 1/2
  double p_holm = 1;       // Holm-adjusted over all method pairs
};

struct MethodScore {
  std::string method;
  std::int64_t wins = 0;
  std::int64_t comparisons = 0;
};

struct StudyAnalysis {
  StudyAnalysisOptions options;
  std::string source;
  // Only the Table 2 counts were given (no answers): the per-respondent and clustered parts are absent.
  bool from_counts = false;

  // Table 2. items and respondents are 0 when unknown (counts given without them).
  std::int64_t items = 0;
  std::int64_t respondents = 0;
  std::int64_t responses = 0;
  std::int64_t votes = 0;
  BinomialTest test;       // at options.alternative
  BinomialTest two_sided;  // the same counts, two-sided
  double null_standard_error = 0;

  std::vector<RespondentSummary> respondent_summaries;  // every respondent, included or not, in order of appearance
  std::int64_t excluded_respondents = 0;
  // Over included respondents with at least one response: positive = preferred the proposed method.
  SignTest respondent_sign_test;

  std::vector<ItemSummary> item_summaries;  // in order of appearance

  // The crossed random-effects model of the Table 2 answers (with profile intervals); absent from counts, or when it
  // cannot be fitted (model_problem says why: e.g. one respondent, or every vote the same).
  std::optional<CrossedLogitFit> model;
  std::string model_problem;
  double model_p_value = 1;  // its test of no preference at options.alternative (crossed_power.h's convention)
  // The model's clustering test is significant at options.clustering_alpha.
  bool clustered = false;

  std::optional<ClusterBootstrapEstimate> bootstrap;
  // (bootstrap standard error / binomial standard error)^2, conservative (it overstates the variance of a crossed
  // design, Owen 2007): reported beside the model's, used for nothing. 0 when not computed.
  double bootstrap_design_effect = 0;

  std::vector<std::string> methods;  // in order of appearance
  std::vector<MethodPairSummary> method_pairs;
  std::vector<MethodScore> method_scores;
  std::optional<BradleyTerryFit> bradley_terry;  // when more than two methods

  SampleSize sample_size;
  double power_at_responses = 0;
  // Power of the model's test by simulation with the model's variance components (empty when not computed).
  std::vector<CrossedPowerDesign> planning_power;

  // Things a reader must not miss (small n, exclusions, a non-estimable Bradley-Terry fit, ...).
  std::vector<std::string> warnings;
};

struct VoteCounts {
  std::int64_t votes = 0;
  std::int64_t responses = 0;
};
// "207/360" -> {207, 360}; throws UsageError "'<text>': expected VOTES/RESPONSES ..." unless 0 <= votes <= responses
// and responses >= 1.
VoteCounts parse_vote_counts(const std::string& text);

// The planning simulation's options: effect, alpha and alternative of the planning, the pilot's SDs, the analysis's
// simulations and seed.
CrossedPowerOptions planning_power_options(const StudyAnalysisOptions& options, const CrossedLogitFit& pilot);

// Throws UsageError when the study has no answer comparing the two configured methods (naming the methods it has).
StudyAnalysis analyze_study(const Study& study, const StudyAnalysisOptions& options);
// Table 2 from its counts alone; items and respondents may be 0 (unknown).
StudyAnalysis analyze_counts(std::int64_t votes, std::int64_t responses, std::int64_t items, std::int64_t respondents,
                             const StudyAnalysisOptions& options);

}  // namespace depthstyle
