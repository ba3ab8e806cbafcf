// Power of the exact binomial test and the smallest number of responses that reaches a target power, for a study
// planned to detect a given preference (e.g. "the proposed method is preferred in 60% of responses").
//
// The power is exact: the rejection region is every k whose exact p-value (binomial.h conventions) is <= alpha, and
// the power is the probability of that region when the true proportion is the effect. Exact power is a saw-tooth in
// n (it can fall when n grows by one), so "minimum n" is the smallest n whose power reaches the target; the normal
// approximation n = ((z_a sqrt(p0 q0) + z_b sqrt(p1 q1)) / (p1 - p0))^2 is reported beside it. Both assume
// independent responses: answers clustered by respondent and item need more (multiply by the design effect).
#pragma once

#include <cstdint>

#include "stats/binomial.h"

namespace depthstyle {

struct PowerOptions {
  double p0 = 0.5;
  // The true proportion the study should detect, in (0, 1), != p0.
  double effect = 0.6;
  double alpha = 0.05;
  // Target power in (0, 1).
  double power = 0.8;
  Alternative alternative = Alternative::kGreater;
};

// Throws UsageError for a probability outside (0, 1), or an effect on the side the alternative does not test.
void check_power_options(const PowerOptions& options);

// Exact power of the test with n responses. Throws UsageError for bad options.
double binomial_test_power(std::int64_t n, const PowerOptions& options);

struct SampleSize {
  // Smallest n <= search_limit with power >= options.power; 0 when none was found.
  std::int64_t exact = 0;
  double normal_approximation = 0;
};

// Throws UsageError for bad options (check_power_options).
SampleSize minimum_sample_size(const PowerOptions& options, std::int64_t search_limit = 1000000);

}  // namespace depthstyle
