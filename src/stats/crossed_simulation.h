// Simulated pairwise studies under the crossed random-effects logistic model of stats/crossed_logit.h, for power by
// simulation (stats/crossed_power.h), the calibration benchmark and the tests against lme4.
//
// Model (logit scale, natural log): logit P(chose the proposed method) = intercept + position x (side - 1/2)
// + a_respondent + c_pair, a ~ N(0, respondent_sd^2), c ~ N(0, pair_sd^2). Every (respondent, pair) cell is answered
// once with probability cell_probability, the side of the proposed image is a fair coin.
//
// Draws (fixed, so that a seed gives the same study on every platform; docs/conventions.md#one-seed-per-source): one
// std::mt19937_64 seeded with `seed`; uniforms in (0, 1) from its top 53 bits plus one half; normals by Box-Muller
// (two uniforms each); first the respondent effects, then the pair effects, then per cell in respondent-major order
// three uniforms: answered?, side, vote. Changing this order changes every simulated study and the tests' data sets.
#pragma once

#include <cstdint>
#include <vector>

#include "stats/crossed_logit.h"

namespace depthstyle {

struct SimulatedCrossedStudy {
  int respondents = 18;
  int pairs = 20;
  double intercept = 0;         // log-odds of preferring the proposed method for a typical respondent and pair
  double respondent_sd = 0;     // >= 0, logit scale
  double pair_sd = 0;           // >= 0, logit scale
  double position = 0;          // log odds ratio of the proposed image shown on the right
  double cell_probability = 1;  // chance that a (respondent, pair) cell was answered, in (0, 1]
  std::uint64_t seed = 1;
};

// Throws UsageError for fewer than one respondent or pair, a negative SD or a cell probability outside (0, 1].
std::vector<CrossedVote> simulate_crossed_study(const SimulatedCrossedStudy& study);

// logit(p) = log(p / (1 - p)), p in (0, 1).
double logit(double probability);

}  // namespace depthstyle
