#include "stats/study_analysis.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"
#include "stats/multiple_testing.h"

namespace depthstyle {
namespace {

// Dense indices for names in order of first appearance.
class NameIndex {
 public:
  std::size_t add(const std::string& name) {
    const auto [where, inserted] = index_.emplace(name, names_.size());
    if (inserted) names_.push_back(name);
    return where->second;
  }
  std::size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }
  std::size_t at(const std::string& name) const { return index_.at(name); }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> names_;
};

double median(std::vector<double> values) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

std::string percent_text(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", 100 * fraction);
  return text;
}

// Quality controls and exclusion of each respondent, in order of appearance.
std::vector<RespondentSummary> summarize_respondents(const Study& study, const StudyAnalysisOptions& options,
                                                     NameIndex& respondents) {
  // The originals of swapped repeats: per respondent with repeats, (trial id, its answer) of each original.
  std::unordered_map<std::string, std::vector<std::pair<std::string, const StudyAnswer*>>> originals;
  for (const StudyAnswer& answer : study.answers) {
    respondents.add(answer.respondent);
    if (answer.is_repeat()) originals[answer.respondent].emplace_back(answer.repeat_of, nullptr);
  }
  for (const StudyAnswer& answer : study.answers) {
    const auto list = originals.find(answer.respondent);
    if (list == originals.end()) continue;
    for (auto& [trial, original] : list->second) {
      if (trial == answer.trial) original = &answer;
    }
  }
  const auto original_of = [&](const StudyAnswer& repeat) {
    for (const auto& [trial, original] : originals.at(repeat.respondent)) {
      if (trial == repeat.repeat_of) return original;
    }
    DEPTHSTYLE_ASSERT(false);  // check_study guarantees every repeat's original
  };
  std::vector<RespondentSummary> summaries(respondents.size());
  std::vector<std::vector<double>> times(respondents.size());
  for (std::size_t i = 0; i < respondents.size(); ++i) summaries[i].respondent = respondents.names()[i];
  for (const StudyAnswer& answer : study.answers) {
    const std::size_t index = respondents.at(answer.respondent);
    RespondentSummary& summary = summaries[index];
    if (answer.response_ms >= 0) times[index].push_back(static_cast<double>(answer.response_ms));
    if (answer.is_sentinel()) {
      ++summary.sentinels;
      summary.sentinel_failures += answer.chosen_method != answer.sentinel_expected;
    }
    if (answer.is_repeat()) {
      ++summary.repeats;
      summary.consistent_repeats +=
          original_of(answer)->chosen_method == answer.chosen_method;
    }
  }
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    RespondentSummary& summary = summaries[i];
    summary.median_response_ms = median(times[i]);
    std::vector<std::string> reasons;
    if (options.max_sentinel_failures >= 0 && summary.sentinel_failures > options.max_sentinel_failures) {
      reasons.push_back(concat(summary.sentinel_failures, " sentinel failures > ", options.max_sentinel_failures));
    }
    if (options.min_repeat_consistency > 0 && summary.repeats > 0) {
      const double consistency = static_cast<double>(summary.consistent_repeats) / summary.repeats;
      if (consistency < options.min_repeat_consistency) {
        reasons.push_back(concat("repeat consistency ", percent_text(consistency), " < ",
                                 percent_text(options.min_repeat_consistency)));
      }
    }
    if (options.min_median_response_ms > 0 && summary.median_response_ms >= 0 &&
        summary.median_response_ms < static_cast<double>(options.min_median_response_ms)) {
      reasons.push_back(concat("median response ", format_number(summary.median_response_ms), " ms < ",
                               options.min_median_response_ms, " ms"));
    }
    summary.exclusion = join(reasons, "; ");
  }
  return summaries;
}

void fill_table2(StudyAnalysis& analysis) {
  const StudyAnalysisOptions& options = analysis.options;
  analysis.test =
      binomial_test(analysis.votes, analysis.responses, {options.p0, options.alternative, options.confidence});
  analysis.two_sided =
      binomial_test(analysis.votes, analysis.responses, {options.p0, Alternative::kTwoSided, options.confidence});
  analysis.null_standard_error = null_standard_error(options.p0, analysis.responses);
}

std::string rounded(double value, double unit) { return format_number(std::round(value / unit) * unit); }

// The exact binomial planning (independent answers), the clustering warning and the model's power by simulation.
void fill_planning(StudyAnalysis& analysis) {
  const StudyAnalysisOptions& options = analysis.options;
  const PowerOptions power{options.p0, options.power_effect, options.power_alpha, options.power_target,
                           options.alternative};
  analysis.sample_size = minimum_sample_size(power);
  analysis.power_at_responses = binomial_test_power(analysis.responses, power);
  const std::string plan = concat("an effect of ", format_number(options.power_effect), " (",
                                  to_string(options.alternative), ", alpha ", format_number(options.power_alpha),
                                  ", power ", format_number(options.power_target), ")");
  const std::int64_t needed = analysis.sample_size.exact;
  if (needed == 0) {
    analysis.warnings.push_back(concat("no n up to 1000000 detects ", plan));
  } else if (analysis.responses < needed) {
    analysis.warnings.push_back(concat("n = ", analysis.responses, " responses is below the ", needed,
                                       " independent responses needed to detect ", plan, "; the power is only ",
                                       rounded(analysis.power_at_responses, 1e-3)));
  }
  if (analysis.clustered) {
    const CrossedLogitFit& model = *analysis.model;
    const double worth = static_cast<double>(analysis.responses) / std::max(1.0, model.design_effect);
    const LikelihoodRatioTest& clustering = model.clustering_test;
    std::string warning =
        concat("the ", analysis.responses, " responses are clustered (likelihood-ratio test of the respondent and pair "
               "variances p = ", format_p_value(clustering.p_value, std::log(clustering.p_value)),
               "; model design effect ", rounded(model.design_effect, 0.01), "): they are worth about ",
               std::llround(worth), " independent ones");
    if (needed > 0 && analysis.responses >= needed && worth < static_cast<double>(needed)) {
      warning += concat(", fewer than the ", needed, " needed to detect ", plan);
    }
    analysis.warnings.push_back(warning);
  }
  if (analysis.model && options.planning_simulations > 0 && options.p0 == 0.5) {
    const CrossedPowerOptions simulation = planning_power_options(options, *analysis.model);
    try {
      check_crossed_power_options(simulation);
    } catch (const UsageError& error) {
      // A small or nearly separated study can fit an implausible SD; its analysis stands, its planning cannot.
      analysis.warnings.push_back(concat("no planning by simulation from this study's fit: ", error.what()));
      return;
    }
    analysis.planning_power = crossed_power_grid(default_power_respondents(static_cast<int>(analysis.respondents)),
                                                 default_power_pairs(static_cast<int>(analysis.items)), simulation);
  }
}

bool compares(const StudyAnswer& answer, const std::string& first, const std::string& second) {
  return (answer.left_method == first && answer.right_method == second) ||
         (answer.left_method == second && answer.right_method == first);
}

// Quality controls, exclusions and their warnings; returns the main answers: neither sentinel nor repeat, from
// included respondents. `respondents` indexes every respondent in order of appearance.
std::vector<const StudyAnswer*> apply_exclusions(const Study& study, StudyAnalysis& analysis, NameIndex& respondents) {
  const StudyAnalysisOptions& options = analysis.options;
  analysis.respondent_summaries = summarize_respondents(study, options, respondents);
  std::int64_t sentinel_failers = 0;
  for (const RespondentSummary& summary : analysis.respondent_summaries) {
    analysis.excluded_respondents += !summary.exclusion.empty();
    sentinel_failers += summary.sentinel_failures > 0;
  }
  if (analysis.excluded_respondents > 0) {
    analysis.warnings.push_back(concat(analysis.excluded_respondents, " of ", respondents.size(),
                                       " respondents were excluded by the quality rules (see the respondents table)"));
  }
  if (sentinel_failers > 0 && options.max_sentinel_failures < 0) {
    analysis.warnings.push_back(concat(sentinel_failers, " respondents failed at least one sentinel trial, and no "
                                       "exclusion rule is set (max_sentinel_failures = -1)"));
  }
  std::vector<const StudyAnswer*> main_answers;
  for (const StudyAnswer& answer : study.answers) {
    if (answer.is_sentinel() || answer.is_repeat()) continue;
    if (!analysis.respondent_summaries[respondents.at(answer.respondent)].exclusion.empty()) continue;
    main_answers.push_back(&answer);
  }
  return main_answers;
}

// Every pair of methods, in order of appearance with the earlier-appearing method first, Holm-adjusted; the wins of
// each method and, for more than two methods, Bradley-Terry scores.
void summarize_method_pairs(const std::vector<const StudyAnswer*>& main_answers, StudyAnalysis& analysis) {
  NameIndex methods;
  for (const StudyAnswer* answer : main_answers) {
    methods.add(answer->left_method);
    methods.add(answer->right_method);
  }
  analysis.methods = methods.names();
  std::map<std::pair<std::size_t, std::size_t>, MethodPairSummary> pairs;
  std::vector<std::pair<std::size_t, std::size_t>> pair_order;
  std::vector<std::vector<double>> wins(methods.size(), std::vector<double>(methods.size(), 0));
  for (const StudyAnswer* answer : main_answers) {
    const std::size_t left = methods.at(answer->left_method), right = methods.at(answer->right_method);
    const std::pair<std::size_t, std::size_t> key = {std::min(left, right), std::max(left, right)};
    auto [where, inserted] = pairs.try_emplace(key);
    if (inserted) {
      pair_order.push_back(key);
      where->second.first = methods.names()[key.first];
      where->second.second = methods.names()[key.second];
    }
    ++where->second.responses;
    const std::size_t chosen = methods.at(answer->chosen_method);
    where->second.first_votes += chosen == key.first;
    wins[chosen][chosen == left ? right : left] += 1;
  }
  std::vector<double> pair_p_values;
  for (const auto& key : pair_order) {
    MethodPairSummary& pair = pairs.at(key);
    pair.p_two_sided = binomial_test(pair.first_votes, pair.responses, {0.5, Alternative::kTwoSided, 0.95}).p_value;
    pair_p_values.push_back(pair.p_two_sided);
  }
  const std::vector<double> adjusted = holm_adjusted_p_values(pair_p_values);
  for (std::size_t i = 0; i < pair_order.size(); ++i) {
    pairs.at(pair_order[i]).p_holm = adjusted[i];
    analysis.method_pairs.push_back(pairs.at(pair_order[i]));
  }
  for (std::size_t i = 0; i < methods.size(); ++i) {
    MethodScore score{methods.names()[i], 0, 0};
    for (std::size_t j = 0; j < methods.size(); ++j) {
      score.wins += static_cast<std::int64_t>(wins[i][j]);
      score.comparisons += static_cast<std::int64_t>(wins[i][j] + wins[j][i]);
    }
    analysis.method_scores.push_back(score);
  }
  if (methods.size() > 2) {
    analysis.bradley_terry = fit_bradley_terry(wins, methods.names());
    if (!analysis.bradley_terry->estimable) analysis.warnings.push_back(analysis.bradley_terry->problem);
  }
}

// The answers comparing the proposed method with the baseline, as the bootstrap's cells and the model's answers
// (respondents and items indexed densely in order of appearance among these answers).
struct Table2Answers {
  ClusteredVotes cells;
  std::vector<CrossedVote> votes;
};

// Counts Table 2's responses and votes, the per-item and per-respondent counts, and collects their answers.
Table2Answers count_table2(const std::vector<const StudyAnswer*>& main_answers, const NameIndex& respondents,
                           StudyAnalysis& analysis) {
  const StudyAnalysisOptions& options = analysis.options;
  NameIndex items, table_respondents;
  Table2Answers answers;
  std::unordered_map<std::uint64_t, std::size_t> cell_of;  // (respondent << 32 | item) -> index in answers.cells
  for (const StudyAnswer* answer : main_answers) {
    if (!compares(*answer, options.proposed, options.baseline)) continue;
    const bool vote = answer->chosen_method == options.proposed;
    const std::size_t item = items.add(answer->item);
    const std::size_t respondent = table_respondents.add(answer->respondent);
    if (item == analysis.item_summaries.size()) analysis.item_summaries.push_back({answer->item, 0, 0, 1});
    ++analysis.item_summaries[item].responses;
    analysis.item_summaries[item].votes += vote;
    RespondentSummary& summary = analysis.respondent_summaries[respondents.at(answer->respondent)];
    ++summary.responses;
    summary.votes += vote;
    const auto [where, inserted] =
        cell_of.emplace(static_cast<std::uint64_t>(respondent) << 32 | item, answers.cells.cells.size());
    if (inserted) answers.cells.cells.push_back({static_cast<int>(respondent), static_cast<int>(item), 0, 0});
    answers.cells.cells[where->second].votes += vote;
    answers.cells.cells[where->second].responses += 1;
    answers.votes.push_back({static_cast<int>(respondent), static_cast<int>(item), vote ? 1 : 0,
                             answer->left_method == options.proposed ? 0 : 1});
    ++analysis.responses;
    analysis.votes += vote;
  }
  analysis.items = static_cast<std::int64_t>(items.size());
  analysis.respondents = static_cast<std::int64_t>(table_respondents.size());
  answers.cells.respondents = static_cast<int>(table_respondents.size());
  answers.cells.items = static_cast<int>(items.size());
  return answers;
}

// The sign test over included respondents with responses.
void fill_respondent_view(StudyAnalysis& analysis) {
  std::int64_t prefer_proposed = 0, prefer_baseline = 0, undecided = 0;
  for (const RespondentSummary& summary : analysis.respondent_summaries) {
    if (!summary.exclusion.empty() || summary.responses == 0) continue;
    const std::int64_t against = summary.responses - summary.votes;
    if (summary.votes > against) ++prefer_proposed;
    else if (summary.votes < against) ++prefer_baseline;
    else ++undecided;
  }
  analysis.respondent_sign_test =
      sign_test(prefer_proposed, prefer_baseline, analysis.options.alternative, undecided);
}

// The crossed model with profile intervals, and whether the data show clustering. A study the model cannot fit
// (fewer than two respondents or pairs, every vote the same) keeps Table 2 and says why in model_problem.
void fill_model(const std::vector<CrossedVote>& votes, StudyAnalysis& analysis) {
  CrossedLogitOptions options;
  options.confidence = analysis.options.confidence;
  try {
    analysis.model = fit_crossed_logit(votes, options);
  } catch (const Error& error) {
    analysis.model_problem = error.what();
    analysis.warnings.push_back(concat("the crossed random-effects model was not fitted: ", error.what()));
    return;
  }
  analysis.model_p_value = model_preference_p_value(*analysis.model, analysis.options.alternative);
  analysis.clustered = analysis.model->clustering_test.p_value < analysis.options.clustering_alpha;
}

void fill_bootstrap(const ClusteredVotes& cells, StudyAnalysis& analysis) {
  const StudyAnalysisOptions& options = analysis.options;
  if (options.bootstrap_replicates == 0) return;
  ClusterBootstrapOptions bootstrap;
  bootstrap.replicates = options.bootstrap_replicates;
  bootstrap.respondent_seed = options.respondent_seed;
  bootstrap.item_seed = options.item_seed;
  bootstrap.confidence = options.confidence;
  analysis.bootstrap = cluster_bootstrap_proportion(cells, bootstrap);
  if (analysis.test.standard_error > 0) {
    const double ratio = analysis.bootstrap->standard_error / analysis.test.standard_error;
    analysis.bootstrap_design_effect = ratio * ratio;
  }
}

}  // namespace

void check_study_analysis_options(const StudyAnalysisOptions& options) {
  if (options.proposed.empty() || options.baseline.empty() || options.proposed == options.baseline) {
    throw UsageError(concat("study analysis: proposed ('", options.proposed, "') and baseline ('", options.baseline,
                            "') must name two different methods"));
  }
  const auto inside = [](double value) { return value > 0 && value < 1; };
  if (!inside(options.p0)) throw UsageError(concat("study analysis: p0 = ", options.p0, " must lie in (0, 1)"));
  if (!inside(options.confidence)) {
    throw UsageError(concat("study analysis: confidence = ", options.confidence, " must lie in (0, 1)"));
  }
  if (options.bootstrap_replicates == 1 || options.bootstrap_replicates < 0) {
    throw UsageError(concat("study analysis: bootstrap replicates = ", options.bootstrap_replicates,
                            " (expected 0 for none, or >= 2)"));
  }
  if (!(options.min_repeat_consistency >= 0 && options.min_repeat_consistency <= 1)) {
    throw UsageError(concat("study analysis: minimum repeat consistency = ", options.min_repeat_consistency,
                            " must lie in [0, 1]"));
  }
  check_power_options({options.p0, options.power_effect, options.power_alpha, options.power_target,
                       options.alternative});
  if (!inside(options.clustering_alpha)) {
    throw UsageError(concat("study analysis: clustering alpha = ", options.clustering_alpha, " must lie in (0, 1)"));
  }
  if (options.planning_simulations < 0 || options.planning_simulations > 1000000) {
    throw UsageError(concat("study analysis: planning simulations = ", options.planning_simulations,
                            " (expected 0 for none, up to 1000000)"));
  }
}

CrossedPowerOptions planning_power_options(const StudyAnalysisOptions& options, const CrossedLogitFit& pilot) {
  CrossedPowerOptions simulation;
  simulation.effect = options.power_effect;
  simulation.respondent_sd = pilot.respondent_sd;
  simulation.pair_sd = pilot.pair_sd;
  simulation.alpha = options.power_alpha;
  simulation.alternative = options.alternative;
  simulation.simulations = options.planning_simulations;
  simulation.seed = options.planning_seed;
  return simulation;
}

VoteCounts parse_vote_counts(const std::string& text) {
  const std::size_t slash = text.find('/');
  VoteCounts counts{-1, -1};
  if (slash != std::string::npos) {
    const char* end = text.data() + text.size();
    const auto first = std::from_chars(text.data(), text.data() + slash, counts.votes);
    const auto second = std::from_chars(text.data() + slash + 1, end, counts.responses);
    if (first.ec == std::errc() && first.ptr == text.data() + slash && second.ec == std::errc() &&
        second.ptr == end && counts.votes >= 0 && counts.responses >= 1 && counts.votes <= counts.responses) {
      return counts;
    }
  }
  throw UsageError(concat("'", text, "': expected VOTES/RESPONSES with 0 <= VOTES <= RESPONSES, e.g. 207/360"));
}

StudyAnalysis analyze_counts(std::int64_t votes, std::int64_t responses, std::int64_t items, std::int64_t respondents,
                             const StudyAnalysisOptions& options) {
  check_study_analysis_options(options);
  if (items < 0 || respondents < 0) {
    throw UsageError(concat("study analysis: image pairs (", items, ") and respondents (", respondents,
                            ") must be >= 0 (0 = unknown)"));
  }
  StudyAnalysis analysis;
  analysis.options = options;
  analysis.from_counts = true;
  analysis.source = concat(votes, "/", responses);
  analysis.votes = votes;
  analysis.responses = responses;
  analysis.items = items;
  analysis.respondents = respondents;
  fill_table2(analysis);
  fill_planning(analysis);
  return analysis;
}

StudyAnalysis analyze_study(const Study& study, const StudyAnalysisOptions& options) {
  check_study_analysis_options(options);
  check_study(study);
  StudyAnalysis analysis;
  analysis.options = options;
  analysis.source = study.source;
  NameIndex respondents;
  const std::vector<const StudyAnswer*> main_answers = apply_exclusions(study, analysis, respondents);
  summarize_method_pairs(main_answers, analysis);
  const Table2Answers table2 = count_table2(main_answers, respondents, analysis);
  if (analysis.responses == 0) {
    std::vector<std::string> compared;
    for (const MethodPairSummary& pair : analysis.method_pairs) compared.push_back(pair.first + " vs " + pair.second);
    throw UsageError(concat(study.source, ": no ", analysis.excluded_respondents > 0 ? "included " : "",
                            "answer compares the proposed method '", options.proposed, "' with the baseline '",
                            options.baseline, "'", did_you_mean(options.proposed, analysis.methods),
                            "; compared pairs: ", compared.empty() ? "none" : join(compared, ", ")));
  }
  fill_table2(analysis);
  for (ItemSummary& item : analysis.item_summaries) {
    item.p_two_sided = binomial_test(item.votes, item.responses, {options.p0, Alternative::kTwoSided, 0.95}).p_value;
  }
  fill_respondent_view(analysis);
  fill_model(table2.votes, analysis);
  fill_bootstrap(table2.cells, analysis);
  fill_planning(analysis);
  return analysis;
}

}  // namespace depthstyle
