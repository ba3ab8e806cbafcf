// Exact power of the binomial test; references from exact rational sums (Python fractions, see the comments).
#include "stats/power.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(Power, ExactPowerOfTheOneSidedTest) {
  // n = 20, p0 = 1/2, alpha = 0.05: P(X >= 15) = 0.0207 <= 0.05 < P(X >= 14) = 0.0577, so the test rejects for
  // k >= 15, and the power at p = 0.7 is P(X >= 15 | 20, 0.7) = 0.4163708294474814.
  PowerOptions options;
  options.effect = 0.7;
  EXPECT_NEAR(binomial_test_power(20, options), 0.4163708294474814, 1e-13);
  // The mirror image for "less".
  options.effect = 0.3;
  options.alternative = Alternative::kLess;
  EXPECT_NEAR(binomial_test_power(20, options), 0.4163708294474814, 1e-13);
}

TEST(Power, TwoSidedPowerAddsBothRejectionTails) {
  // n = 20, p0 = 1/2, alpha = 0.05 two-sided: p(k) = 2 P(X <= k) for k < 10 rejects k <= 5 (0.0414) and, mirrored,
  // k >= 15; at p = 0.7 the power is P(X <= 5 | 0.7) + P(X >= 15 | 0.7).
  PowerOptions options;
  options.effect = 0.7;
  options.alternative = Alternative::kTwoSided;
  EXPECT_NEAR(binomial_test_power(20, options),
              0.4163708294474814 + std::exp(binomial_log_lower_tail(5, 20, 0.7)), 1e-13);
}

TEST(Power, MinimumSampleSizeIsTheFirstNThatReachesTheTarget) {
  // Exact power for effect 0.6 (one-sided, alpha 0.05) first reaches 0.8 at n = 158 (0.80565); n = 157 gives 0.77869
  // and n = 156 0.79815: the saw-tooth. The normal approximation gives 152.5.
  PowerOptions options;
  const SampleSize size = minimum_sample_size(options);
  EXPECT_EQ(size.exact, 158);
  EXPECT_NEAR(binomial_test_power(158, options), 0.8056549358366879, 1e-12);
  EXPECT_NEAR(binomial_test_power(157, options), 0.7786885461539449, 1e-12);
  EXPECT_NEAR(size.normal_approximation, 152.46, 0.01);
  EXPECT_EQ(minimum_sample_size(options, 100).exact, 0);  // not found below the search limit
}

TEST(Power, EffectsOnTheUntestedSideAreUsageErrors) {
  PowerOptions options;
  options.effect = 0.4;
  EXPECT_THROW_MESSAGE(minimum_sample_size(options), UsageError,
                       "the effect 0.4 is not on the greater side of p0 = 0.5");
  options.effect = 1.2;
  EXPECT_THROW_MESSAGE(binomial_test_power(10, options), UsageError, "effect = 1.2");
}

}  // namespace
}  // namespace depthstyle
