// depthstyle stats: single statistical tests from the command line (binom, mcnemar, power). The numbers come from
// src/stats; this file only parses arguments and prints them with their conventions named.
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "survey/study_report.h"
#include "stats/binomial.h"
#include "stats/crossed_power.h"
#include "stats/paired_tests.h"
#include "stats/power.h"
#include "stats/study_analysis.h"
#include "survey/answers_csv.h"
#include "survey/study_database.h"
#include "survey/study_answers.h"

namespace depthstyle {
namespace {

std::int64_t parse_count(const std::string& command, const std::string& name, const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    throw UsageError(concat(command, ": ", name, " = '", excerpt(text), "' is not a whole number >= 0"));
  }
  return value;
}

// "57.5%" as the paper prints proportions; small values keep two significant digits ("0.016%").
std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, 100 * fraction >= 0.1 ? "%.1f%%" : "%.2g%%", 100 * fraction);
  return text;
}

std::string interval_text(const ProportionInterval& interval) {
  return concat("[", format_number(interval.lower), ", ", format_number(interval.upper), "]");
}

// "P(X >= 207)" etc.: what the p-value of each alternative sums.
std::string p_value_meaning(Alternative alternative, std::int64_t k, double p0) {
  switch (alternative) {
    case Alternative::kGreater: return concat("true proportion > ", p0, ": p = P(X >= ", k, ")");
    case Alternative::kLess: return concat("true proportion < ", p0, ": p = P(X <= ", k, ")");
    case Alternative::kTwoSided:
      return concat("true proportion != ", p0, ": p sums P(X = i) over every i no more likely than ", k,
                    ", relative tolerance 1e-7");
  }
  return "";
}

int binom_command(int argc, char** argv) {
  const std::string name = "depthstyle stats binom";
  CommandLine command_line(name,
                           "Exact binomial test of K successes in N trials, with the Clopper-Pearson interval (sided "
                           "as the alternative), Wilson and Jeffreys intervals, the proportion and its standard "
                           "error. Conventions are R's binom.test and SciPy's binomtest.");
  command_line.positional("k", 1, "successes (e.g. votes for the proposed method)");
  command_line.positional("n", 1, "trials (e.g. responses)");
  const BinomialTestOptions defaults;
  command_line.options()
      ("p0", number_option(defaults.p0), "success probability under the null, in [0, 1]")
      ("alternative", boost::program_options::value<std::string>()->default_value(to_string(defaults.alternative)),
       "two-sided, greater or less")
      ("conf", number_option(defaults.confidence), "confidence level of the intervals, in (0, 1)")
      ("json", "print one JSON object instead of text");
  if (!command_line.parse(argc, argv)) return 0;
  const std::int64_t k = parse_count(name, "K", command_line.get<std::string>("k"));
  const std::int64_t n = parse_count(name, "N", command_line.get<std::string>("n"));
  BinomialTestOptions options;
  options.p0 = command_line.get<double>("p0");
  options.alternative = alternative_from_string(command_line.get<std::string>("alternative"));
  options.confidence = command_line.get<double>("conf");
  const BinomialTest test = binomial_test(k, n, options);
  const ProportionInterval wilson = wilson_interval(k, n, options.confidence, options.alternative);
  const ProportionInterval jeffreys = jeffreys_interval(k, n, options.confidence, options.alternative);
  const double null_error = null_standard_error(options.p0, n);
  const std::string sides =
      options.alternative == Alternative::kTwoSided ? "two-sided" : "one-sided, on the alternative's side";

  if (command_line.has("json")) {
    const auto pair = [](const ProportionInterval& interval) { return nlohmann::json{interval.lower, interval.upper}; };
    const nlohmann::json out = {{"k", k},
                                {"n", n},
                                {"p0", options.p0},
                                {"alternative", to_string(options.alternative)},
                                {"confidence", options.confidence},
                                {"p_value", test.p_value},
                                {"log_p_value", test.log_p_value},
                                {"proportion", test.estimate},
                                {"standard_error", test.standard_error},
                                {"null_standard_error", null_error},
                                {"clopper_pearson", pair(test.interval)},
                                {"wilson", pair(wilson)},
                                {"jeffreys", pair(jeffreys)}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  const int level = static_cast<int>(std::lround(options.confidence * 1000));
  const std::string level_text = level % 10 == 0 ? concat(level / 10, "%") : concat(level / 10.0, "%");
  std::printf("exact binomial test: k = %lld successes in n = %lld trials, null proportion p0 = %s\n",
              static_cast<long long>(k), static_cast<long long>(n), format_number(options.p0).c_str());
  std::printf("  alternative     %s (%s)\n", to_string(options.alternative).c_str(),
              p_value_meaning(options.alternative, k, options.p0).c_str());
  std::printf("  p-value         %s (%s)\n", format_number(test.p_value).c_str(),
              format_p_value(test.p_value, test.log_p_value).c_str());
  if (test.p_value < 1e-300) std::printf("  log p-value     %.17g (natural log)\n", test.log_p_value);
  std::printf("  proportion      %s (%s)\n", format_number(test.estimate).c_str(), percent(test.estimate).c_str());
  std::printf("  standard error  %.6g (%s) = sqrt(phat (1 - phat) / n); under the null sqrt(p0 (1 - p0) / n) = %.6g"
              " (%s)\n",
              test.standard_error, percent(test.standard_error).c_str(), null_error, percent(null_error).c_str());
  std::printf("  %s interval (%s)\n", level_text.c_str(), sides.c_str());
  std::printf("    Clopper-Pearson (exact)  %s\n", interval_text(test.interval).c_str());
  std::printf("    Wilson score             %s  (no continuity correction)\n", interval_text(wilson).c_str());
  std::printf("    Jeffreys                 %s  (Beta(k + 1/2, n - k + 1/2) quantiles)\n",
              interval_text(jeffreys).c_str());
  return 0;
}

int mcnemar_command(int argc, char** argv) {
  const std::string name = "depthstyle stats mcnemar";
  CommandLine command_line(name,
                           "McNemar's exact test for paired binary outcomes (e.g. two depth estimators on the same "
                           "DIW pairs): B = items only the first method got right, C = items only the second got "
                           "right. Two-sided binomial test of B out of B + C at 1/2, plus the mid-p value "
                           "(Fagerland et al. 2013).");
  command_line.positional("b", 1, "discordant items in favour of the first method");
  command_line.positional("c", 1, "discordant items in favour of the second method");
  if (!command_line.parse(argc, argv)) return 0;
  const std::int64_t b = parse_count(name, "B", command_line.get<std::string>("b"));
  const std::int64_t c = parse_count(name, "C", command_line.get<std::string>("c"));
  const McNemarTest test = mcnemar_exact_test(b, c);
  std::printf("McNemar exact test: b = %lld, c = %lld discordant items (concordant items carry no information)\n",
              static_cast<long long>(b), static_cast<long long>(c));
  std::printf("  p-value (exact, two-sided)  %s (%s)\n", format_number(test.p_value).c_str(),
              format_p_value(test.p_value, test.log_p_value).c_str());
  std::printf("  mid-p value                 %s\n", format_number(test.mid_p_value).c_str());
  return 0;
}

// "10,20,40" -> {10, 20, 40}; each a whole number >= 2.
std::vector<int> parse_design_counts(const std::string& option, const std::string& text) {
  std::vector<int> counts;
  for (const std::string& field : split(text, ',')) {
    int value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size() || value < 2 || value > 100000) {
      throw UsageError(concat("depthstyle stats power: --", option, " '", excerpt(text),
                              "': expected whole numbers from 2 to 100000 separated by commas, e.g. 10,20,40"));
    }
    counts.push_back(value);
  }
  return counts;
}

// The pilot study of --from-study: a study folder or study.sqlite, else an answers CSV.
Study read_pilot_study(const std::string& path) {
  const std::filesystem::path pilot(path);
  if (std::filesystem::is_directory(pilot) || pilot.extension() == ".sqlite") {
    return read_study_answers(*open_study_database(study_database_path(path)));
  }
  return read_study_answers_csv(path);
}

void print_exact_power(const PowerOptions& options, std::optional<std::int64_t> n) {
  const SampleSize size = minimum_sample_size(options);
  std::printf("exact binomial test, %s, alpha = %s, p0 = %s, true proportion %s, target power %s\n",
              to_string(options.alternative).c_str(), format_number(options.alpha).c_str(),
              format_number(options.p0).c_str(), format_number(options.effect).c_str(),
              format_number(options.power).c_str());
  if (size.exact > 0) {
    std::printf("  minimum n (exact)           %lld (power %.4f; exact power is a saw-tooth in n)\n",
                static_cast<long long>(size.exact), binomial_test_power(size.exact, options));
  } else {
    std::printf("  minimum n (exact)           more than 1000000\n");
  }
  std::printf("  normal approximation        %.1f\n", size.normal_approximation);
  if (n) {
    std::printf("  power at n = %lld%*s%.4f\n", static_cast<long long>(*n),
                std::max(1, 15 - static_cast<int>(std::to_string(*n).size())), "", binomial_test_power(*n, options));
  }
  std::printf("  (independent responses assumed: answers clustered by respondent and item need more)\n");
}

void declare_power_options(CommandLine& command_line) {
  const PowerOptions defaults;
  const CrossedPowerOptions simulation_defaults;
  const StudyAnalysisOptions analysis_defaults;
  command_line.options()
      ("effect", boost::program_options::value<double>()->required(), "true proportion to detect, e.g. 0.6")
      ("p0", number_option(defaults.p0), "null proportion")
      ("alpha", number_option(defaults.alpha), "significance level")
      ("power", number_option(defaults.power), "target power")
      ("alternative", boost::program_options::value<std::string>()->default_value(to_string(defaults.alternative)),
       "two-sided, greater or less")
      ("n", boost::program_options::value<std::int64_t>(), "also print the power at n")
      ("from-study", boost::program_options::value<std::string>(),
       "pilot study (answers CSV, study folder or study.sqlite): simulate with its fitted respondent and pair SDs")
      ("proposed", boost::program_options::value<std::string>()->default_value(analysis_defaults.proposed),
       "with --from-study: the proposed method")
      ("baseline", boost::program_options::value<std::string>()->default_value(analysis_defaults.baseline),
       "with --from-study: the baseline method")
      ("respondent-sd", boost::program_options::value<double>(),
       "simulate with this respondent SD (logit scale) instead of a pilot's")
      ("pair-sd", boost::program_options::value<double>(), "simulate with this pair SD (logit scale)")
      ("respondents", boost::program_options::value<std::string>(),
       "respondents of each simulated design, e.g. 10,20,40 (default with --from-study: the pilot's R, 2R, 4R)")
      ("pairs", boost::program_options::value<std::string>(),
       "pairs each respondent answers, e.g. 10,20 (default with --from-study: the pilot's P)")
      ("simulations", boost::program_options::value<int>()->default_value(simulation_defaults.simulations),
       "simulated studies per design")
      ("seed", boost::program_options::value<std::int64_t>()->default_value(simulation_defaults.seed),
       "base seed of the simulations");
}

// What `stats power` simulates: the model's variance components (a pilot's fit or given SDs) over a grid of designs.
struct PowerSimulationPlan {
  CrossedPowerOptions simulation;
  std::vector<int> respondents, pairs;
  std::string pilot_text;  // "pilot PATH: R respondents x P pairs, ..."; empty without --from-study
};

PowerSimulationPlan plan_power_simulation(const CommandLine& command_line, const PowerOptions& options,
                                          const std::string& name) {
  if (options.p0 != 0.5) throw UsageError(name + ": the model tests no preference: --p0 must be 0.5 with a simulation");
  PowerSimulationPlan plan;
  plan.simulation.effect = options.effect;
  plan.simulation.alpha = options.alpha;
  plan.simulation.alternative = options.alternative;
  plan.simulation.simulations = command_line.get<int>("simulations");
  plan.simulation.seed = command_line.get<std::int64_t>("seed");
  if (command_line.has("from-study")) {
    StudyAnalysisOptions analysis_options;
    analysis_options.proposed = command_line.get<std::string>("proposed");
    analysis_options.baseline = command_line.get<std::string>("baseline");
    analysis_options.bootstrap_replicates = 0;
    analysis_options.planning_simulations = 0;
    const std::string path = command_line.get<std::string>("from-study");
    const StudyAnalysis pilot = analyze_study(read_pilot_study(path), analysis_options);
    if (!pilot.model) throw UsageError(concat(name, ": ", path, ": no model fit of the pilot: ", pilot.model_problem));
    plan.simulation.respondent_sd = pilot.model->respondent_sd;
    plan.simulation.pair_sd = pilot.model->pair_sd;
    plan.respondents = default_power_respondents(static_cast<int>(pilot.respondents));
    plan.pairs = default_power_pairs(static_cast<int>(pilot.items));
    plan.pilot_text = concat("pilot ", path, ": ", pilot.respondents, " respondents x ", pilot.items, " pairs, ",
                             pilot.responses, " answers; preference ", format_number(pilot.model->preference));
  } else {
    if (!command_line.has("respondent-sd") || !command_line.has("pair-sd") || !command_line.has("respondents") ||
        !command_line.has("pairs")) {
      throw UsageError(name + ": without --from-study give all of --respondent-sd, --pair-sd, --respondents and "
                       "--pairs");
    }
    plan.simulation.respondent_sd = command_line.get<double>("respondent-sd");
    plan.simulation.pair_sd = command_line.get<double>("pair-sd");
  }
  if (command_line.has("respondents")) {
    plan.respondents = parse_design_counts("respondents", command_line.get<std::string>("respondents"));
  }
  if (command_line.has("pairs")) plan.pairs = parse_design_counts("pairs", command_line.get<std::string>("pairs"));
  return plan;
}

int power_command(int argc, char** argv) {
  const std::string name = "depthstyle stats power";
  CommandLine command_line(
      name,
      "Smallest number of independent responses for which the exact binomial test reaches the target power against "
      "a true proportion EFFECT, and the power at --n. With --from-study (a pilot study's answers CSV, study folder "
      "or study.sqlite) or --respondent-sd/--pair-sd: the power of the crossed random-effects model's test of no "
      "preference by simulation, for every design of --respondents x --pairs (the model's effect is the preference "
      "of a typical respondent on a typical pair; see docs/statistics.md#planning-by-simulation).");
  declare_power_options(command_line);
  if (!command_line.parse(argc, argv)) return 0;
  PowerOptions options;
  options.effect = command_line.get<double>("effect");
  options.p0 = command_line.get<double>("p0");
  options.alpha = command_line.get<double>("alpha");
  options.power = command_line.get<double>("power");
  options.alternative = alternative_from_string(command_line.get<std::string>("alternative"));
  check_power_options(options);
  std::optional<std::int64_t> n;
  if (command_line.has("n")) n = command_line.get<std::int64_t>("n");
  const bool from_study = command_line.has("from-study");
  const bool given_sds = command_line.has("respondent-sd") || command_line.has("pair-sd");
  if (from_study && given_sds) throw UsageError(name + ": give --from-study or --respondent-sd/--pair-sd, not both");
  if (!from_study && !given_sds) {
    if (command_line.has("respondents") || command_line.has("pairs")) {
      throw UsageError(name + ": --respondents/--pairs plan a simulation: give --from-study or --respondent-sd and "
                       "--pair-sd too");
    }
    print_exact_power(options, n);
    return 0;
  }
  const PowerSimulationPlan plan = plan_power_simulation(command_line, options, name);
  print_exact_power(options, n);
  const NamedTable table =
      power_simulation_table(crossed_power_grid(plan.respondents, plan.pairs, plan.simulation), plan.simulation);
  std::printf("\n%s\n", table.title.c_str());
  if (!plan.pilot_text.empty()) std::printf("%s\n", plan.pilot_text.c_str());
  std::printf("%d simulated studies per design (every respondent answers every pair once); Monte Carlo standard "
              "error = sqrt(power (1 - power) / %d)\n\n%s",
              plan.simulation.simulations, plan.simulation.simulations, table.table.to_markdown().c_str());
  return 0;
}

}  // namespace

int run_stats_command(int argc, char** argv) {
  return run_verb_command("depthstyle stats", argc, argv,
                          {{"binom", "exact binomial test and intervals: binom K N [--p0] [--alternative] [--conf]",
                            binom_command},
                           {"mcnemar", "McNemar's exact test on discordant counts: mcnemar B C", mcnemar_command},
                           {"power",
                            "exact power and minimum n: power --effect 0.6 [--alpha] [--power]; the model's power by "
                            "simulation with --from-study DB_OR_CSV",
                            power_command}});
}

}  // namespace depthstyle
