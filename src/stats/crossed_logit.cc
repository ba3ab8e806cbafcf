#include "stats/crossed_logit.h"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "core/error.h"
#include "stats/crossed_laplace.h"
#include "stats/smooth_minimizer.h"

namespace depthstyle {
namespace {

// Positions in the parameter vector phi of CrossedLaplaceDeviance.
constexpr int kRespondentSd = 0;
constexpr int kPairSd = 1;
constexpr int kIntercept = 2;
constexpr int kPosition = 3;
// lme4's isSingular tolerance on theta.
constexpr double kSingularTolerance = 1e-4;
// Central-difference step of the Hessian behind the standard errors. lme4's deriv12 uses 1e-4; at 1e-4 the rounding
// of the deviance's sum (~1e-14 relative) already costs ~1e-6 relative in a standard error, at 1e-3 the truncation
// error is below that.
constexpr double kHessianStep = 1e-3;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct PreparedVotes {
  std::vector<BinomialCell> cells;
  int respondents = 0;
  int pairs = 0;
};

// Renumbers the levels that occur 0.. in order of their index, so unused indices drop out.
std::vector<int> dense_levels(const std::vector<int>& used, int& count) {
  std::vector<int> renumbered(used.size(), -1);
  count = 0;
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (used[i]) renumbered[i] = count++;
  }
  return renumbered;
}

void check_votes(const std::vector<CrossedVote>& votes, const CrossedLogitOptions& options) {
  if (votes.empty()) throw UsageError("crossed logistic model: there are no answers");
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw UsageError(concat("crossed logistic model: confidence = ", options.confidence, ", expected a value in (0, 1)"));
  }
  int proposed = 0, right = 0;
  for (std::size_t i = 0; i < votes.size(); ++i) {
    const CrossedVote& vote = votes[i];
    if (vote.respondent < 0 || vote.pair < 0 || (vote.chose_proposed != 0 && vote.chose_proposed != 1)) {
      throw UsageError(concat("crossed logistic model: answer ", i, " (respondent ", vote.respondent, ", pair ",
                              vote.pair, ", chose_proposed ", vote.chose_proposed,
                              ") has a negative index or an answer other than 0/1"));
    }
    if (options.position_effect && vote.proposed_side != 0 && vote.proposed_side != 1) {
      throw UsageError(concat("crossed logistic model: answer ", i, " has proposed_side ", vote.proposed_side,
                              "; the position effect needs 0 (left) or 1 (right) on every answer"));
    }
    proposed += vote.chose_proposed;
    right += vote.proposed_side == 1;
  }
  const int count = static_cast<int>(votes.size());
  if (proposed == 0 || proposed == count) {
    throw UsageError(concat("crossed logistic model: all ", count, " answers ",
                            proposed == 0 ? "reject" : "choose",
                            " the proposed method; the log-odds are infinite and the model cannot be fitted"));
  }
  if (options.position_effect && (right == 0 || right == count)) {
    throw UsageError("crossed logistic model: the proposed method was shown on one side only; the position effect "
                     "cannot be estimated");
  }
}

// Validated votes as binomial cells over dense levels; fixed-effect row (1[, side -1/2 or +1/2]).
PreparedVotes prepare_votes(const std::vector<CrossedVote>& votes, const CrossedLogitOptions& options) {
  check_votes(votes, options);
  int max_respondent = 0, max_pair = 0;
  for (const CrossedVote& vote : votes) {
    max_respondent = std::max(max_respondent, vote.respondent);
    max_pair = std::max(max_pair, vote.pair);
  }
  std::vector<int> respondent_used(static_cast<std::size_t>(max_respondent) + 1, 0);
  std::vector<int> pair_used(static_cast<std::size_t>(max_pair) + 1, 0);
  for (const CrossedVote& vote : votes) {
    respondent_used[static_cast<std::size_t>(vote.respondent)] = 1;
    pair_used[static_cast<std::size_t>(vote.pair)] = 1;
  }
  PreparedVotes prepared;
  const std::vector<int> respondent_level = dense_levels(respondent_used, prepared.respondents);
  const std::vector<int> pair_level = dense_levels(pair_used, prepared.pairs);
  if (prepared.respondents < 2 || prepared.pairs < 2) {
    throw UsageError(concat("crossed logistic model: the answers come from ", prepared.respondents,
                            " respondent(s) on ", prepared.pairs,
                            " pair(s); the two variances need at least 2 of each"));
  }
  std::map<std::tuple<int, int, int>, std::size_t> cell_of;
  for (const CrossedVote& vote : votes) {
    const int side = options.position_effect ? vote.proposed_side : 0;
    const auto key = std::make_tuple(respondent_level[static_cast<std::size_t>(vote.respondent)],
                                     pair_level[static_cast<std::size_t>(vote.pair)], side);
    auto found = cell_of.find(key);
    if (found == cell_of.end()) {
      BinomialCell cell;
      cell.respondent = std::get<0>(key);
      cell.pair = std::get<1>(key);
      cell.columns = {1.0};
      if (options.position_effect) cell.columns.push_back(side == 1 ? 0.5 : -0.5);
      found = cell_of.emplace(key, prepared.cells.size()).first;
      prepared.cells.push_back(cell);
    }
    BinomialCell& cell = prepared.cells[found->second];
    cell.successes += vote.chose_proposed;
    cell.trials += 1;
  }
  return prepared;
}

std::vector<int> all_but(std::vector<int> free, int removed) {
  free.erase(std::remove(free.begin(), free.end(), removed), free.end());
  return free;
}

double chi_square_1_upper_tail(double statistic) {
  return statistic > 0 ? std::erfc(std::sqrt(statistic / 2)) : 1.0;
}

// The fitting state shared by the steps below: the deviance, the free parameters of the full model, its optimum.
struct Fitter {
  CrossedLaplaceDeviance deviance;
  SmoothObjective objective;
  std::vector<int> free;
  std::vector<double> optimum;
  double minimum = 0;
  std::vector<double> standard_errors;  // per parameter of phi (NaN where not free)

  Fitter(const PreparedVotes& prepared, bool position)
      : deviance(prepared.cells, prepared.respondents, prepared.pairs),
        objective([this](const std::vector<double>& phi) { return deviance(phi); }),
        free{kRespondentSd, kPairSd, kIntercept} {
    if (position) free.push_back(kPosition);
  }

  // Minimizes with one parameter held at `value`. A free standard deviation starts at >= 0.01: at exactly 0 the
  // deviance is stationary in it (even function), and Newton would never leave.
  SmoothMinimum refit(std::vector<double> start, int fixed_parameter, double value) {
    for (int sd : {kRespondentSd, kPairSd}) {
      double& start_sd = start[static_cast<std::size_t>(sd)];
      if (sd != fixed_parameter) start_sd = std::max(std::fabs(start_sd), 0.01);
    }
    start[static_cast<std::size_t>(fixed_parameter)] = value;
    return minimize_smooth(objective, start, all_but(free, fixed_parameter));
  }
};

// Minimizes over everything; a standard deviation below the singular tolerance is set to exactly 0 (held there
// while the rest is polished), as lme4 reports a boundary fit.
void fit_full_model(Fitter& fitter, const std::vector<double>& start) {
  SmoothMinimum best = minimize_smooth(fitter.objective, start, fitter.free);
  best.x[kRespondentSd] = std::fabs(best.x[kRespondentSd]);
  best.x[kPairSd] = std::fabs(best.x[kPairSd]);
  std::vector<int> still_free = fitter.free;
  for (int sd : {kRespondentSd, kPairSd}) {
    if (best.x[static_cast<std::size_t>(sd)] < kSingularTolerance) {
      best.x[static_cast<std::size_t>(sd)] = 0;
      still_free = all_but(still_free, sd);
    }
  }
  if (still_free.size() != fitter.free.size()) best = minimize_smooth(fitter.objective, best.x, still_free);
  fitter.optimum = best.x;
  fitter.minimum = best.value;
}

// Standard errors from the inverse of the central-difference Hessian of the deviance over all free parameters
// (lme4's vcov for GLMMs: 2 H^-1). The same differences give a central gradient, and one more Newton step from them
// polishes the optimum when it lowers the deviance (the Hessian barely moves over such a step). If the Hessian is not
// positive definite (a flat profile of a standard deviation), the fixed effects fall back to the Hessian of their
// own block (the variances held at the optimum).
std::vector<double> standard_errors(Fitter& fitter, const std::vector<int>& free) {
  const DifferenceDerivatives derivatives =
      difference_derivatives(fitter.objective, fitter.optimum, free, kHessianStep, true);
  const std::size_t k = free.size();
  std::vector<double> step = derivatives.gradient;
  for (double& value : step) value = -value;
  if (solve_positive_definite(derivatives.hessian, step)) {
    std::vector<double> polished = fitter.optimum;
    for (std::size_t a = 0; a < k; ++a) polished[static_cast<std::size_t>(free[a])] += step[a];
    const double value = fitter.objective(polished);
    if (value < fitter.minimum) {
      fitter.optimum = polished;
      fitter.minimum = value;
    }
  }
  std::vector<double> errors(fitter.optimum.size(), kNaN);
  for (std::size_t a = 0; a < k; ++a) {
    std::vector<double> column(k, 0.0);
    column[a] = 1;
    if (!solve_positive_definite(derivatives.hessian, column) || !(column[a] > 0)) {
      if (free.front() == kRespondentSd) return standard_errors(fitter, all_but(all_but(free, kRespondentSd), kPairSd));
      throw Error("crossed logistic model: the deviance's Hessian in the fixed effects is not positive definite");
    }
    errors[static_cast<std::size_t>(free[a])] = std::sqrt(2 * column[a]);
  }
  return errors;
}

// Fills everything of a fixed effect but its profile interval.
FixedEffect fixed_effect(Fitter& fitter, int parameter, double z_quantile) {
  FixedEffect effect;
  effect.estimate = fitter.optimum[static_cast<std::size_t>(parameter)];
  effect.standard_error = fitter.standard_errors[static_cast<std::size_t>(parameter)];
  effect.z = effect.estimate / effect.standard_error;
  effect.wald_p_value = std::erfc(std::fabs(effect.z) / std::sqrt(2.0));
  effect.wald_interval = {effect.estimate - z_quantile * effect.standard_error,
                          effect.estimate + z_quantile * effect.standard_error};
  const SmoothMinimum restricted = fitter.refit(fitter.optimum, parameter, 0.0);
  effect.test.statistic = std::max(0.0, restricted.value - fitter.minimum);
  effect.test.p_value = chi_square_1_upper_tail(effect.test.statistic);
  effect.profile_interval = {kNaN, kNaN};
  return effect;
}

// The profile-likelihood interval of one parameter (standard deviations stay >= 0).
Interval profile_interval(Fitter& fitter, int parameter, double z_quantile) {
  const std::size_t index = static_cast<std::size_t>(parameter);
  const bool is_sd = parameter == kRespondentSd || parameter == kPairSd;
  std::vector<double> warm = fitter.optimum;
  const auto excess = [&](double value) {
    const SmoothMinimum restricted = fitter.refit(warm, parameter, value);
    warm = restricted.x;
    return restricted.value - fitter.minimum;
  };
  const double center = fitter.optimum[index];
  double step = z_quantile * fitter.standard_errors[index];
  if (!(step > 1e-3)) step = std::max(0.1, center / 2);  // NaN or tiny: a flat or boundary profile
  const double lower_limit = is_sd ? 0.0 : -std::numeric_limits<double>::infinity();
  Interval interval;
  interval.lower = center <= lower_limit ? lower_limit
                                         : profile_crossing(excess, center, -1, step, z_quantile, lower_limit);
  warm = fitter.optimum;
  interval.upper = profile_crossing(excess, center, +1, step, z_quantile, lower_limit);
  return interval;
}

double plogis(double log_odds) { return 1 / (1 + std::exp(-log_odds)); }

}  // namespace

double two_variance_boundary_p_value(double statistic) {
  if (!(statistic > 0)) return 1.0;
  return 0.5 * chi_square_1_upper_tail(statistic) + 0.25 * std::exp(-statistic / 2);
}

CrossedLogitFit fit_crossed_logit(const std::vector<CrossedVote>& votes, const CrossedLogitOptions& options) {
  const PreparedVotes prepared = prepare_votes(votes, options);
  Fitter fitter(prepared, options.position_effect);
  const double z_quantile =
      boost::math::quantile(boost::math::normal_distribution<double>(), (1 + options.confidence) / 2);
  CrossedLogitFit fit;
  fit.answers = static_cast<int>(votes.size());
  fit.respondents = prepared.respondents;
  fit.pairs = prepared.pairs;
  fit.has_position = options.position_effect;

  // The plain logistic regression (both standard deviations 0): the start, the clustering test's null, the
  // design effect's reference.
  std::vector<double> start(fitter.free.size(), 0.0);
  const std::vector<int> fixed_only = all_but(all_but(fitter.free, kRespondentSd), kPairSd);
  const SmoothMinimum plain = minimize_smooth(fitter.objective, start, fixed_only);
  fitter.optimum = plain.x;
  fitter.minimum = plain.value;
  fit.plain_standard_error = standard_errors(fitter, fixed_only)[kIntercept];
  fit.plain_deviance = fitter.minimum;

  std::vector<double> full_start = fitter.optimum;
  full_start[kRespondentSd] = full_start[kPairSd] = 1;  // lme4's starting theta
  fit_full_model(fitter, full_start);
  fitter.standard_errors = standard_errors(fitter, fitter.free);
  fit.deviance = fitter.minimum;
  fit.respondent_sd = fitter.optimum[kRespondentSd];
  fit.pair_sd = fitter.optimum[kPairSd];
  fit.respondent_variance = fit.respondent_sd * fit.respondent_sd;
  fit.pair_variance = fit.pair_sd * fit.pair_sd;
  fit.singular = fit.respondent_sd == 0 || fit.pair_sd == 0;
  fit.clustering_test.statistic = std::max(0.0, fit.plain_deviance - fit.deviance);
  fit.clustering_test.p_value = two_variance_boundary_p_value(fit.clustering_test.statistic);

  fit.intercept = fixed_effect(fitter, kIntercept, z_quantile);
  if (options.position_effect) fit.position = fixed_effect(fitter, kPosition, z_quantile);
  fit.design_effect = std::pow(fit.intercept.standard_error / fit.plain_standard_error, 2);
  fit.preference = plogis(fit.intercept.estimate);
  fit.respondent_sd_profile_interval = fit.pair_sd_profile_interval = {kNaN, kNaN};
  Interval preference_log_odds = fit.intercept.wald_interval;
  if (options.profile_intervals) {
    fit.intercept.profile_interval = preference_log_odds = profile_interval(fitter, kIntercept, z_quantile);
    if (options.position_effect) fit.position.profile_interval = profile_interval(fitter, kPosition, z_quantile);
    fit.respondent_sd_profile_interval = profile_interval(fitter, kRespondentSd, z_quantile);
    fit.pair_sd_profile_interval = profile_interval(fitter, kPairSd, z_quantile);
  }
  fit.preference_interval = {plogis(preference_log_odds.lower), plogis(preference_log_odds.upper)};
  fit.deviance_evaluations = fitter.deviance.evaluations();
  return fit;
}

}  // namespace depthstyle
