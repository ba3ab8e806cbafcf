#include "stats/crossed_power.h"

#include <cmath>

#include "core/error.h"
#include "core/seeds.h"
#include "core/text.h"
#include "stats/crossed_simulation.h"

namespace depthstyle {
namespace {

bool rejects(const std::vector<CrossedVote>& votes, const CrossedPowerOptions& options, CrossedPowerDesign& design) {
  std::int64_t chose = 0;
  for (const CrossedVote& vote : votes) chose += vote.chose_proposed;
  const auto answers = static_cast<std::int64_t>(votes.size());
  if (chose == 0 || chose == answers) {
    ++design.degenerate;
    return binomial_test(chose, answers, {0.5, options.alternative, 0.95}).p_value <= options.alpha;
  }
  CrossedLogitOptions fit_options;
  fit_options.profile_intervals = false;
  try {
    return model_preference_p_value(fit_crossed_logit(votes, fit_options), options.alternative) <= options.alpha;
  } catch (const Error&) {
    ++design.failed;
    return false;
  }
}

CrossedPowerDesign simulate_design(int respondents, int pairs, const CrossedPowerOptions& options) {
  CrossedPowerDesign design;
  design.respondents = respondents;
  design.pairs = pairs;
  design.simulations = options.simulations;
  std::uint64_t stream = derive_seed(options.seed, concat("power.", respondents, "x", pairs));
  SimulatedCrossedStudy study;
  study.respondents = respondents;
  study.pairs = pairs;
  study.intercept = logit(options.effect);
  study.respondent_sd = options.respondent_sd;
  study.pair_sd = options.pair_sd;
  for (int k = 0; k < options.simulations; ++k) {
    study.seed = splitmix64_next(stream);
    design.rejections += rejects(simulate_crossed_study(study), options, design);
  }
  design.power = static_cast<double>(design.rejections) / design.simulations;
  design.monte_carlo_error = std::sqrt(design.power * (1 - design.power) / design.simulations);
  return design;
}

}  // namespace

void check_crossed_power_options(const CrossedPowerOptions& options) {
  const auto inside = [](double value) { return value > 0 && value < 1; };
  if (!inside(options.effect) || !inside(options.alpha)) {
    throw UsageError(concat("power by simulation: effect = ", options.effect, ", alpha = ", options.alpha,
                            ": each must lie in (0, 1)"));
  }
  if (options.effect == 0.5 || (options.alternative == Alternative::kGreater && options.effect < 0.5) ||
      (options.alternative == Alternative::kLess && options.effect > 0.5)) {
    throw UsageError(concat("power by simulation: the effect ", options.effect, " is not on the ",
                            to_string(options.alternative), " side of 1/2 (the model tests no preference)"));
  }
  const auto plausible_sd = [](double sd) { return sd >= 0 && sd <= 10; };
  if (!plausible_sd(options.respondent_sd) || !plausible_sd(options.pair_sd)) {
    throw UsageError(concat("power by simulation: respondent SD = ", options.respondent_sd, ", pair SD = ",
                            options.pair_sd, ": each must lie in [0, 10] (logit scale)"));
  }
  if (options.simulations < 1 || options.simulations > 1000000) {
    throw UsageError(concat("power by simulation: simulations = ", options.simulations, ", expected 1 to 1000000"));
  }
}

double model_preference_p_value(const CrossedLogitFit& fit, Alternative alternative) {
  if (alternative == Alternative::kTwoSided) return fit.intercept.test.p_value;
  const double sign = (alternative == Alternative::kGreater) == (fit.intercept.estimate > 0) ? 1 : -1;
  return 0.5 * std::erfc(sign * std::sqrt(std::max(0.0, fit.intercept.test.statistic)) / std::sqrt(2.0));
}

std::vector<CrossedPowerDesign> crossed_power_grid(const std::vector<int>& respondents, const std::vector<int>& pairs,
                                                   const CrossedPowerOptions& options) {
  check_crossed_power_options(options);
  if (respondents.empty() || pairs.empty()) {
    throw UsageError("power by simulation: give at least one number of respondents and one of pairs");
  }
  for (const int count : respondents) {
    if (count < 2) throw UsageError(concat("power by simulation: respondents = ", count, ", expected >= 2"));
  }
  for (const int count : pairs) {
    if (count < 2) throw UsageError(concat("power by simulation: pairs = ", count, ", expected >= 2"));
  }
  std::vector<CrossedPowerDesign> designs;
  for (const int r : respondents) {
    for (const int p : pairs) designs.push_back(simulate_design(r, p, options));
  }
  return designs;
}

std::vector<int> default_power_respondents(int pilot_respondents) {
  return {pilot_respondents, 2 * pilot_respondents, 4 * pilot_respondents};
}

std::vector<int> default_power_pairs(int pilot_pairs) { return {pilot_pairs}; }

}  // namespace depthstyle
