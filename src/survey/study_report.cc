#include "survey/study_report.h"

#include <cmath>
#include <cstdio>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

Cell count_or_unknown(std::int64_t value) { return value > 0 ? Cell{value} : Cell{}; }

std::string confidence_text(double confidence) {
  return format_number(std::round(confidence * 1000) / 10) + "%";
}

// "one-sided, greater" / "two-sided".
std::string alternative_text(Alternative alternative) {
  return alternative == Alternative::kTwoSided ? "two-sided" : "one-sided, " + to_string(alternative);
}

NamedTable table2(const StudyAnalysis& analysis) {
  const StudyAnalysisOptions& options = analysis.options;
  const std::string level = confidence_text(options.confidence);
  ResultTable table({{"image_pairs", "Image pairs", ColumnKind::kInteger},
                     {"respondents", "Respondents", ColumnKind::kInteger},
                     {"responses", "Responses", ColumnKind::kInteger},
                     {"votes", "Votes for " + options.proposed, ColumnKind::kInteger},
                     {"proportion", "Proportion", ColumnKind::kPercent, 1},
                     {"std_deviation", "Std. deviation", ColumnKind::kPercent, 1},
                     {"p_value", "p-value (" + alternative_text(options.alternative) + ")", ColumnKind::kSignificant,
                      2},
                     {"alternative", "Alternative"},
                     {"interval_lower", level + " CI lower (Clopper-Pearson, two-sided)", ColumnKind::kPercent, 1},
                     {"interval_upper", level + " CI upper", ColumnKind::kPercent, 1},
                     {"p_two_sided", "p-value (two-sided)", ColumnKind::kSignificant, 2}});
  table.add_row({count_or_unknown(analysis.items), count_or_unknown(analysis.respondents), analysis.responses,
                 analysis.votes, analysis.test.estimate, analysis.test.standard_error, analysis.test.p_value,
                 to_string(options.alternative), analysis.two_sided.interval.lower, analysis.two_sided.interval.upper,
                 analysis.two_sided.p_value});
  return {"table2", concat("Table 2: ", options.proposed, " vs ", options.baseline), std::move(table)};
}

NamedTable conventions(const StudyAnalysis& analysis, const PaperTable2& paper) {
  const bool with_paper = !paper.proportion.empty() || !paper.std_deviation.empty() || !paper.p_value.empty();
  std::vector<Column> columns = {{"quantity", "Quantity"},
                                 {"convention", "Convention"},
                                 {"value", "Value", ColumnKind::kSignificant, 6},
                                 {"printed", "Printed as in the paper"}};
  if (with_paper) {
    columns.push_back({"paper", "Paper"});
    columns.push_back({"matches", "Matches"});
  }
  ResultTable table(columns);
  const std::string n = std::to_string(analysis.responses), k = std::to_string(analysis.votes);
  const std::string p0 = format_number(analysis.options.p0);
  const auto add = [&](const std::string& quantity, const std::string& convention, double value,
                       const std::string& printed, const std::string& paper_value) {
    std::vector<Cell> row = {quantity, convention, value, printed};
    if (with_paper) {
      row.push_back(paper_value.empty() ? Cell{} : Cell{paper_value});
      row.push_back(paper_value.empty() ? Cell{} : Cell{std::string(printed == paper_value ? "yes" : "no")});
    }
    table.add_row(std::move(row));
  };
  const BinomialTest& test = analysis.test;
  add("proportion", concat("votes / responses = ", k, " / ", n), test.estimate, paper_percent(test.estimate),
      paper.proportion);
  add("std. deviation", "sqrt(p (1 - p) / n), p = observed proportion", test.standard_error,
      paper_percent(test.standard_error), paper.std_deviation);
  add("std. deviation", concat("sqrt(p0 (1 - p0) / n), p0 = ", p0, " (under the null)"), analysis.null_standard_error,
      paper_percent(analysis.null_standard_error), paper.std_deviation);
  const BinomialTest greater = binomial_test(analysis.votes, analysis.responses,
                                             {analysis.options.p0, Alternative::kGreater, analysis.options.confidence});
  const BinomialTest less = binomial_test(analysis.votes, analysis.responses,
                                          {analysis.options.p0, Alternative::kLess, analysis.options.confidence});
  add("p-value", concat("exact binomial, one-sided greater: P(X >= ", k, " | n = ", n, ", p0 = ", p0, ")"),
      greater.p_value, paper_p_value(greater.p_value), paper.p_value);
  add("p-value", concat("exact binomial, one-sided less: P(X <= ", k, " | n = ", n, ", p0 = ", p0, ")"), less.p_value,
      paper_p_value(less.p_value), paper.p_value);
  add("p-value", "exact binomial, two-sided (minlike, as R and SciPy)", analysis.two_sided.p_value,
      paper_p_value(analysis.two_sided.p_value), paper.p_value);
  return {"conventions", "Which conventions give the printed numbers", std::move(table)};
}

NamedTable respondents(const StudyAnalysis& analysis) {
  const StudyAnalysisOptions& options = analysis.options;
  ResultTable table({{"respondent", "Respondent"},
                     {"responses", "Responses", ColumnKind::kInteger},
                     {"votes", "Votes for " + options.proposed, ColumnKind::kInteger},
                     {"preferred", "Preferred"},
                     {"sentinels", "Sentinels", ColumnKind::kInteger},
                     {"sentinel_failures", "Sentinel failures", ColumnKind::kInteger},
                     {"repeats", "Repeats", ColumnKind::kInteger},
                     {"consistent_repeats", "Consistent repeats", ColumnKind::kInteger},
                     {"median_response_ms", "Median response, ms", ColumnKind::kNumber, 0},
                     {"status", "Status"}});
  for (const RespondentSummary& summary : analysis.respondent_summaries) {
    const std::int64_t against = summary.responses - summary.votes;
    const std::string preferred = summary.responses == 0          ? ""
                                  : summary.votes > against ? options.proposed
                                  : summary.votes < against ? options.baseline
                                                            : "tie";
    table.add_row({summary.respondent, summary.responses, summary.votes,
                   preferred.empty() ? Cell{} : Cell{preferred}, summary.sentinels, summary.sentinel_failures,
                   summary.repeats, summary.consistent_repeats,
                   summary.median_response_ms < 0 ? Cell{} : Cell{summary.median_response_ms},
                   summary.exclusion.empty() ? std::string("included") : "excluded: " + summary.exclusion});
  }
  return {"respondents", "Respondents: preferences and quality controls", std::move(table)};
}

NamedTable respondent_view(const StudyAnalysis& analysis) {
  const StudyAnalysisOptions& options = analysis.options;
  const SignTest& sign = analysis.respondent_sign_test;
  ResultTable table({{"respondents", "Respondents (included, with responses)", ColumnKind::kInteger},
                     {"preferred_proposed", "Preferred " + options.proposed, ColumnKind::kInteger},
                     {"preferred_baseline", "Preferred " + options.baseline, ColumnKind::kInteger},
                     {"ties", "Ties (dropped)", ColumnKind::kInteger},
                     {"p_value", "Sign test p-value (" + alternative_text(options.alternative) + ")",
                      ColumnKind::kSignificant, 2},
                     {"alternative", "Alternative"}});
  table.add_row({sign.positive + sign.negative + sign.zeros, sign.positive, sign.negative, sign.zeros, sign.p_value,
                 to_string(options.alternative)});
  return {"respondent_view", "Per respondent: who preferred which method", std::move(table)};
}

NamedTable items(const StudyAnalysis& analysis) {
  ResultTable table({{"pair", "Image pair"},
                     {"responses", "Responses", ColumnKind::kInteger},
                     {"votes", "Votes for " + analysis.options.proposed, ColumnKind::kInteger},
                     {"proportion", "Proportion", ColumnKind::kPercent, 1},
                     {"p_two_sided", "p-value (two-sided, unadjusted)", ColumnKind::kSignificant, 2}});
  for (const ItemSummary& item : analysis.item_summaries) {
    table.add_row({item.item, item.responses, item.votes,
                   static_cast<double>(item.votes) / static_cast<double>(item.responses), item.p_two_sided});
  }
  return {"items", "Per image pair", std::move(table)};
}

// The model as the recommended headline, one row per number with a sentence on what it means.
NamedTable model(const StudyAnalysis& analysis) {
  const StudyAnalysisOptions& options = analysis.options;
  const CrossedLogitFit& fit = *analysis.model;
  const std::string level = confidence_text(options.confidence);
  ResultTable table({{"quantity", "Quantity"},
                     {"estimate", "Estimate", ColumnKind::kSignificant, 4},
                     {"standard_error", "Std. error", ColumnKind::kSignificant, 3},
                     {"interval_lower", level + " CI lower", ColumnKind::kSignificant, 4},
                     {"interval_upper", level + " CI upper", ColumnKind::kSignificant, 4},
                     {"meaning", "What it means"}});
  const auto at_zero = [](double sd) {
    return sd == 0 ? std::string(" Estimated as exactly 0 (a singular fit).") : std::string();
  };
  const double worth = static_cast<double>(analysis.responses) / std::max(1.0, fit.design_effect);
  table.add_row({"preference", fit.preference, Cell{}, fit.preference_interval.lower, fit.preference_interval.upper,
                 concat("The probability that a typical respondent prefers ", options.proposed, " over ",
                        options.baseline, " on a typical image pair (random effects at 0), with its profile-likelihood "
                        "interval.")});
  table.add_row({"log-odds (intercept)", fit.intercept.estimate, fit.intercept.standard_error,
                 fit.intercept.wald_interval.lower, fit.intercept.wald_interval.upper,
                 "The same preference as log(p / (1 - p)); its standard error allows for answers shared by "
                 "respondents and pairs (Wald interval)."});
  table.add_row({concat("p-value, no preference (", alternative_text(options.alternative), ")"),
                 analysis.model_p_value, Cell{}, Cell{}, Cell{},
                 concat("Likelihood-ratio test of preference 1/2 within the model (statistic ",
                        format_number(std::round(fit.intercept.test.statistic * 1000) / 1000),
                        "); unlike Table 2's binomial p it does not treat the ", analysis.responses,
                        " answers as independent.")});
  table.add_row({"respondent SD", fit.respondent_sd, Cell{}, fit.respondent_sd_profile_interval.lower,
                 fit.respondent_sd_profile_interval.upper,
                 "How much respondents differ in their preference: standard deviation of their effects on the "
                 "log-odds scale (0 = all alike)." + at_zero(fit.respondent_sd)});
  table.add_row({"pair SD", fit.pair_sd, Cell{}, fit.pair_sd_profile_interval.lower, fit.pair_sd_profile_interval.upper,
                 "How much image pairs differ in the preference they draw, on the same scale." +
                     at_zero(fit.pair_sd)});
  table.add_row({"clustering p-value", fit.clustering_test.p_value, Cell{}, Cell{}, Cell{},
                 concat("Likelihood-ratio test of both SDs against 0 (statistic ",
                        format_number(std::round(fit.clustering_test.statistic * 1000) / 1000),
                        ", chi-bar-square p); below ", format_number(options.clustering_alpha),
                        " the answers count as clustered: ", analysis.clustered ? "yes." : "no.")});
  table.add_row({"design effect", fit.design_effect, Cell{}, Cell{}, Cell{},
                 concat("Squared ratio of the intercept's standard error to the plain binomial model's: the ",
                        analysis.responses, " answers are worth about ", std::llround(worth),
                        " independent ones.")});
  return {"model", "Recommended headline for new studies: crossed random-effects model (respondents and pairs)",
          std::move(table)};
}

NamedTable clustered(const StudyAnalysis& analysis) {
  const ClusterBootstrapEstimate& bootstrap = *analysis.bootstrap;
  const std::string level = confidence_text(analysis.options.confidence);
  ResultTable table({{"estimate", "Proportion", ColumnKind::kPercent, 1},
                     {"binomial_standard_error", "Binomial std. error", ColumnKind::kPercent, 2},
                     {"bootstrap_standard_error", "Cluster bootstrap std. error", ColumnKind::kPercent, 2},
                     {"interval_lower", level + " percentile CI lower", ColumnKind::kPercent, 1},
                     {"interval_upper", level + " percentile CI upper", ColumnKind::kPercent, 1},
                     {"model_design_effect", "Design effect (model, used)", ColumnKind::kNumber, 2},
                     {"bootstrap_design_effect", "Design effect (bootstrap, conservative)", ColumnKind::kNumber, 2},
                     {"replicates", "Replicates", ColumnKind::kInteger},
                     {"respondent_seed", "Respondent seed", ColumnKind::kInteger},
                     {"item_seed", "Item seed", ColumnKind::kInteger}});
  // Seeds are < 2^63 (core/seeds.h), so they fit the integer cells.
  // Cells pushed one by one: conditional cells in a braced list trip GCC 12's -Wmaybe-uninitialized.
  std::vector<Cell> row = {bootstrap.estimate, analysis.test.standard_error, bootstrap.standard_error,
                           bootstrap.interval.lower, bootstrap.interval.upper};
  row.push_back(analysis.model ? Cell{analysis.model->design_effect} : Cell{});
  row.push_back(analysis.bootstrap_design_effect > 0 ? Cell{analysis.bootstrap_design_effect} : Cell{});
  row.push_back(std::int64_t{bootstrap.replicates});
  row.push_back(static_cast<std::int64_t>(analysis.options.respondent_seed));
  row.push_back(static_cast<std::int64_t>(analysis.options.item_seed));
  table.add_row(std::move(row));
  return {"clustered",
          "Clustered by respondent and image pair: two-way cluster bootstrap (conservative) beside the model",
          std::move(table)};
}

NamedTable method_pairs(const StudyAnalysis& analysis) {
  ResultTable table({{"first", "Method"},
                     {"second", "Against"},
                     {"responses", "Responses", ColumnKind::kInteger},
                     {"first_votes", "Votes for the first", ColumnKind::kInteger},
                     {"proportion", "Proportion", ColumnKind::kPercent, 1},
                     {"p_two_sided", "p-value (two-sided)", ColumnKind::kSignificant, 2},
                     {"p_holm", "Holm-adjusted p-value", ColumnKind::kSignificant, 2}});
  for (const MethodPairSummary& pair : analysis.method_pairs) {
    table.add_row({pair.first, pair.second, pair.responses, pair.first_votes,
                   static_cast<double>(pair.first_votes) / static_cast<double>(pair.responses), pair.p_two_sided,
                   pair.p_holm});
  }
  return {"method_pairs", "Every pair of methods (Holm correction over the pairs)", std::move(table)};
}

NamedTable bradley_terry(const StudyAnalysis& analysis) {
  ResultTable table({{"method", "Method"},
                     {"wins", "Times preferred", ColumnKind::kInteger},
                     {"comparisons", "Comparisons", ColumnKind::kInteger},
                     {"strength", "Strength (sums to 1)", ColumnKind::kNumber, 4},
                     {"score", "Score (log strength, centred)", ColumnKind::kNumber, 3}});
  const BradleyTerryFit& fit = *analysis.bradley_terry;
  for (std::size_t i = 0; i < analysis.method_scores.size(); ++i) {
    const MethodScore& score = analysis.method_scores[i];
    table.add_row({score.method, score.wins, score.comparisons, fit.strengths[i], fit.log_strengths[i]});
  }
  return {"bradley_terry", "Bradley-Terry scores", std::move(table)};
}

NamedTable planning(const StudyAnalysis& analysis) {
  const StudyAnalysisOptions& options = analysis.options;
  ResultTable table({{"effect", "Effect (true proportion)", ColumnKind::kPercent, 1},
                     {"alpha", "Alpha", ColumnKind::kSignificant, 3},
                     {"target_power", "Target power", ColumnKind::kSignificant, 3},
                     {"alternative", "Alternative"},
                     {"minimum_n", "Minimum n (exact)", ColumnKind::kInteger},
                     {"normal_n", "Minimum n (normal approx.)", ColumnKind::kNumber, 1},
                     {"responses", "Responses", ColumnKind::kInteger},
                     {"power", "Power at the responses", ColumnKind::kNumber, 3}});
  table.add_row({options.power_effect, options.power_alpha, options.power_target, to_string(options.alternative),
                 analysis.sample_size.exact > 0 ? Cell{analysis.sample_size.exact} : Cell{},
                 analysis.sample_size.normal_approximation, analysis.responses, analysis.power_at_responses});
  return {"planning", "Planning: responses needed for the configured effect", std::move(table)};
}

}  // namespace

NamedTable power_simulation_table(const std::vector<CrossedPowerDesign>& designs, const CrossedPowerOptions& options) {
  ResultTable table({{"respondents", "Respondents", ColumnKind::kInteger},
                     {"pairs", "Pairs", ColumnKind::kInteger},
                     {"responses", "Responses", ColumnKind::kInteger},
                     {"power", "Power", ColumnKind::kNumber, 3},
                     {"monte_carlo_error", "Monte Carlo std. error", ColumnKind::kNumber, 3},
                     {"simulations", "Simulations", ColumnKind::kInteger},
                     {"degenerate", "All answers alike (binomial test)", ColumnKind::kInteger},
                     {"failed", "Failed fits (not rejected)", ColumnKind::kInteger}});
  for (const CrossedPowerDesign& design : designs) {
    table.add_row({std::int64_t{design.respondents}, std::int64_t{design.pairs},
                   std::int64_t{design.respondents} * design.pairs, design.power, design.monte_carlo_error,
                   std::int64_t{design.simulations}, std::int64_t{design.degenerate}, std::int64_t{design.failed}});
  }
  const std::string title =
      concat("Planning by simulation: power of the model's test of no preference (", to_string(options.alternative),
             ", alpha ", format_number(options.alpha), ") against a preference of ", format_number(options.effect),
             ", respondent SD ", format_number(std::round(options.respondent_sd * 1000) / 1000), ", pair SD ",
             format_number(std::round(options.pair_sd * 1000) / 1000), ", seed ", options.seed);
  return {"planning_power", title, std::move(table)};
}

std::string paper_percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100 * fraction);
  return text;
}

std::string paper_p_value(double p_value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2g", p_value);
  return text;
}

std::vector<NamedTable> study_tables(const StudyAnalysis& analysis, const PaperTable2& paper) {
  std::vector<NamedTable> tables;
  tables.push_back(table2(analysis));
  if (analysis.model) tables.push_back(model(analysis));
  tables.push_back(conventions(analysis, paper));
  if (!analysis.from_counts) {
    tables.push_back(respondent_view(analysis));
    if (analysis.bootstrap) tables.push_back(clustered(analysis));
    tables.push_back(items(analysis));
    tables.push_back(respondents(analysis));
    tables.push_back(method_pairs(analysis));
    if (analysis.bradley_terry && analysis.bradley_terry->estimable) tables.push_back(bradley_terry(analysis));
  }
  tables.push_back(planning(analysis));
  if (!analysis.planning_power.empty()) {
    tables.push_back(
        power_simulation_table(analysis.planning_power, planning_power_options(analysis.options, *analysis.model)));
  }
  return tables;
}

nlohmann::json study_analysis_json(const StudyAnalysis& analysis, const std::vector<NamedTable>& tables) {
  const StudyAnalysisOptions& options = analysis.options;
  nlohmann::json out;
  out["source"] = analysis.source;
  out["options"] = {{"proposed", options.proposed},
                    {"baseline", options.baseline},
                    {"alternative", to_string(options.alternative)},
                    {"p0", options.p0},
                    {"confidence", options.confidence},
                    {"max_sentinel_failures", options.max_sentinel_failures},
                    {"min_repeat_consistency", options.min_repeat_consistency},
                    {"min_median_response_ms", options.min_median_response_ms},
                    {"bootstrap_replicates", options.bootstrap_replicates},
                    {"respondent_seed", options.respondent_seed},
                    {"item_seed", options.item_seed},
                    {"power_effect", options.power_effect},
                    {"power_alpha", options.power_alpha},
                    {"power_target", options.power_target},
                    {"clustering_alpha", options.clustering_alpha},
                    {"planning_simulations", options.planning_simulations},
                    {"planning_seed", options.planning_seed}};
  out["warnings"] = analysis.warnings;
  out["log_p_value"] = analysis.test.log_p_value;
  nlohmann::json& rows = out["tables"];
  for (const NamedTable& table : tables) rows[table.name] = table.table.to_json();
  return out;
}

Report study_report(const StudyAnalysis& analysis, const std::vector<NamedTable>& tables) {
  const StudyAnalysisOptions& options = analysis.options;
  Report report("User study analysis");
  std::vector<std::pair<std::string, std::string>> facts = {
      {"source", analysis.source},
      {"compared", concat(options.proposed, " (proposed) vs ", options.baseline, " (baseline)")},
      {"test", concat("exact binomial test of the votes for ", options.proposed, " at p0 = ",
                      format_number(options.p0), ", ", alternative_text(options.alternative))}};
  if (!analysis.from_counts) {
    facts.push_back({"counted answers", "neither sentinel nor repeat trials, from included respondents"});
    facts.push_back({"exclusion rules",
                     concat("max sentinel failures ",
                            options.max_sentinel_failures < 0 ? std::string("none")
                                                              : std::to_string(options.max_sentinel_failures),
                            "; min repeat consistency ",
                            options.min_repeat_consistency > 0 ? format_number(options.min_repeat_consistency)
                                                               : std::string("none"),
                            "; min median response ",
                            options.min_median_response_ms > 0 ? concat(options.min_median_response_ms, " ms")
                                                               : std::string("none"),
                            " (", analysis.excluded_respondents, " excluded)")});
  }
  report.add_facts(facts);
  if (!analysis.warnings.empty()) {
    report.add_heading("Warnings");
    for (const std::string& warning : analysis.warnings) report.add_paragraph("Warning: " + warning + ".");
  }
  for (const NamedTable& table : tables) {
    report.add_heading(table.title);
    report.add_table(table.table);
  }
  std::string conventions =
      "Conventions: proportion = votes / responses; std. deviation = sqrt(p (1 - p) / n) with p the observed "
      "proportion; p-values are exact binomial tests (two-sided = sum of the probabilities of every outcome no more "
      "likely than the observed one, relative tolerance 1e-7, as R's binom.test and SciPy's binomtest); intervals "
      "are Clopper-Pearson; the minimum n assumes independent responses.";
  if (analysis.model) {
    conventions += concat(" The model is lme4's glmer(chose_proposed ~ 1 + (1 | respondent) + (1 | pair), family = "
                          "binomial) (Laplace); the answers count as clustered only when its likelihood-ratio test of "
                          "the two variances is significant at ", format_number(options.clustering_alpha),
                          ", and every design effect quoted in warnings is the model's.");
  }
  if (analysis.bootstrap) {
    conventions += " The cluster bootstrap resamples respondents and image pairs independently (Owen's pigeonhole "
                   "bootstrap), each with its own seed; its design effect (squared ratio of its standard error to the "
                   "binomial one) overstates the variance of a crossed design and is shown for comparison only.";
  }
  report.add_paragraph(conventions);
  return report;
}

std::filesystem::path write_study_outputs(const StudyAnalysis& analysis, const std::filesystem::path& dir,
                                          const PaperTable2& paper) {
  const std::vector<NamedTable> tables = study_tables(analysis, paper);
  for (const NamedTable& table : tables) write_file_atomically(dir / (table.name + ".csv"), table.table.to_csv());
  write_file_atomically(dir / "analysis.json", study_analysis_json(analysis, tables).dump(2) + "\n");
  return study_report(analysis, tables).write(dir, "report");
}

}  // namespace depthstyle
