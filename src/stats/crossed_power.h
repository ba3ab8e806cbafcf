// Power of the crossed random-effects model's test of "no preference" (stats/crossed_logit.h), by simulation: for
// each design of R respondents x P pairs (every respondent answers every pair once), `simulations` studies are drawn
// from the model with the given preference and variance components (stats/crossed_simulation.h), each is fitted
// (without profile intervals) and tested at alpha; the power is the share of studies the test rejects.
//
// Conventions:
//   - effect: the preference plogis(intercept) the study should detect: the probability that a typical respondent
//     (random effects 0) prefers the proposed method on a typical pair (what CrossedLogitFit::preference reports).
//     The test is against 1/2 (intercept 0).
//   - the test: the likelihood-ratio test of the intercept against 0; one-sided alternatives use the signed root,
//     p = P(Z > s sqrt(statistic)) with s the sign of the estimate on the alternative's side
//     (model_preference_p_value), so a one-sided p is half the two-sided one when the estimate lies on that side.
//   - a simulated study whose answers are all the same has no finite fit; it is decided by the exact binomial test of
//     its votes at 1/2 (counted in `degenerate`). A fit that fails otherwise counts as not rejecting (`failed`).
//   - Monte Carlo standard error of a power p from n simulations: sqrt(p (1 - p) / n).
//   - seeds (docs/conventions.md#one-seed-per-source): the design R x P draws from derive_seed(seed, "power.RxP"),
//     one SplitMix64 stream whose k-th output seeds study k; a design's result does not depend on the rest of the grid.
#pragma once

#include <cstdint>
#include <vector>

#include "stats/binomial.h"
#include "stats/crossed_logit.h"

namespace depthstyle {

struct CrossedPowerOptions {
  double effect = 0.6;           // in (0, 1), on the alternative's side of 1/2
  double respondent_sd = 0;      // >= 0, logit scale (a pilot's CrossedLogitFit::respondent_sd)
  double pair_sd = 0;            // >= 0, logit scale
  double alpha = 0.05;           // in (0, 1)
  Alternative alternative = Alternative::kGreater;
  int simulations = 200;         // per design, >= 1
  std::int64_t seed = 0;         // base seed
};

struct CrossedPowerDesign {
  int respondents = 0;
  int pairs = 0;
  int simulations = 0;
  int rejections = 0;
  int degenerate = 0;  // all answers the same: decided by the exact binomial test
  int failed = 0;      // fits that failed: counted as not rejecting
  double power = 0;              // rejections / simulations
  double monte_carlo_error = 0;  // sqrt(power (1 - power) / simulations)
};

// Throws UsageError naming the option that is out of range.
void check_crossed_power_options(const CrossedPowerOptions& options);

// p of the model's test of "no preference" at `alternative` (see above).
double model_preference_p_value(const CrossedLogitFit& fit, Alternative alternative);

// Every design respondents[i] x pairs[j], respondent-major. Throws UsageError for bad options, an empty list or a
// count below 2.
std::vector<CrossedPowerDesign> crossed_power_grid(const std::vector<int>& respondents, const std::vector<int>& pairs,
                                                   const CrossedPowerOptions& options);

// The grid a pilot study of R respondents x P pairs is planned on: respondents R, 2R, 4R; pairs P (how many pairs one
// respondent answers is usually fixed by the study's length; more respondents is the usual lever).
std::vector<int> default_power_respondents(int pilot_respondents);
std::vector<int> default_power_pairs(int pilot_pairs);

}  // namespace depthstyle
