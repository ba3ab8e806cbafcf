// depthstyle stats: single statistical tests from the command line (binom, mcnemar, power). The numbers come from
// src/stats; this file only parses arguments and prints them with their conventions named.
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "stats/binomial.h"
#include "stats/paired_tests.h"
#include "stats/power.h"

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

int power_command(int argc, char** argv) {
  const std::string name = "depthstyle stats power";
  CommandLine command_line(name,
                           "Smallest number of independent responses for which the exact binomial test reaches the "
                           "target power against a true proportion EFFECT, and the power at --n.");
  const PowerOptions defaults;
  command_line.options()
      ("effect", boost::program_options::value<double>()->required(), "true proportion to detect, e.g. 0.6")
      ("p0", number_option(defaults.p0), "null proportion")
      ("alpha", number_option(defaults.alpha), "significance level")
      ("power", number_option(defaults.power), "target power")
      ("alternative", boost::program_options::value<std::string>()->default_value(to_string(defaults.alternative)),
       "two-sided, greater or less")
      ("n", boost::program_options::value<std::int64_t>(), "also print the power at n");
  if (!command_line.parse(argc, argv)) return 0;
  PowerOptions options;
  options.effect = command_line.get<double>("effect");
  options.p0 = command_line.get<double>("p0");
  options.alpha = command_line.get<double>("alpha");
  options.power = command_line.get<double>("power");
  options.alternative = alternative_from_string(command_line.get<std::string>("alternative"));
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
  if (command_line.has("n")) {
    const std::int64_t n = command_line.get<std::int64_t>("n");
    std::printf("  power at n = %lld%*s%.4f\n", static_cast<long long>(n),
                std::max(1, 15 - static_cast<int>(std::to_string(n).size())), "",
                binomial_test_power(n, options));
  }
  std::printf("  (independent responses assumed: answers clustered by respondent and item need more)\n");
  return 0;
}

}  // namespace

int run_stats_command(int argc, char** argv) {
  return run_verb_command("depthstyle stats", argc, argv,
                          {{"binom", "exact binomial test and intervals: binom K N [--p0] [--alternative] [--conf]",
                            binom_command},
                           {"mcnemar", "McNemar's exact test on discordant counts: mcnemar B C", mcnemar_command},
                           {"power", "exact power and minimum n: power --effect 0.6 [--alpha] [--power]",
                            power_command}});
}

}  // namespace depthstyle
