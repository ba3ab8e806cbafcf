// stats/crossed_power.h: the model's power by simulation. The sided p-value convention against the fitted
// likelihood-ratio test, seeds per design, the Monte Carlo error, and with no random effects the power against the
// exact binomial test's (the same hypothesis tested on independent answers).
#include "stats/crossed_power.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "stats/crossed_simulation.h"
#include "stats/power.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(CrossedPower, OneSidedPIsTheSignedLikelihoodRoot) {
  SimulatedCrossedStudy study;
  study.intercept = 0.4;
  study.respondent_sd = 0.5;
  study.seed = 11;
  CrossedLogitOptions options;
  options.profile_intervals = false;
  const CrossedLogitFit fit = fit_crossed_logit(simulate_crossed_study(study), options);
  ASSERT_GT(fit.intercept.estimate, 0);
  const double two_sided = fit.intercept.test.p_value;
  EXPECT_DOUBLE_EQ(model_preference_p_value(fit, Alternative::kTwoSided), two_sided);
  EXPECT_NEAR(model_preference_p_value(fit, Alternative::kGreater), two_sided / 2, 1e-12);
  EXPECT_NEAR(model_preference_p_value(fit, Alternative::kLess), 1 - two_sided / 2, 1e-12);
}

TEST(CrossedPower, ADesignsResultDependsOnItsSeedOnlyAndItsErrorIsBinomial) {
  CrossedPowerOptions options;
  options.effect = 0.62;
  options.respondent_sd = 0.5;
  options.pair_sd = 0.3;
  options.simulations = 40;
  options.seed = 3;
  const std::vector<CrossedPowerDesign> grid = crossed_power_grid({6, 12}, {5}, options);
  const std::vector<CrossedPowerDesign> alone = crossed_power_grid({12}, {5}, options);
  ASSERT_EQ(grid.size(), 2u);
  EXPECT_EQ(grid[1].rejections, alone[0].rejections);
  for (const CrossedPowerDesign& design : grid) {
    EXPECT_EQ(design.simulations, 40);
    EXPECT_DOUBLE_EQ(design.power, design.rejections / 40.0);
    EXPECT_DOUBLE_EQ(design.monte_carlo_error, std::sqrt(design.power * (1 - design.power) / 40));
  }
  options.seed = 4;
  const std::vector<CrossedPowerDesign> other = crossed_power_grid({6, 12}, {5}, options);
  EXPECT_TRUE(other[0].rejections != grid[0].rejections || other[1].rejections != grid[1].rejections);
}

TEST(CrossedPower, WithoutRandomEffectsItMatchesTheExactBinomialPower) {
  // 10 x 10 independent answers, preference 0.6, one-sided at 0.05: the model's test and the exact binomial test
  // test the same hypothesis on the same kind of data; 300 simulations put the model's power within Monte Carlo
  // error (4 SE) of the exact power 0.62.
  CrossedPowerOptions options;
  options.effect = 0.6;
  options.simulations = 300;
  options.seed = 9;
  const CrossedPowerDesign design = crossed_power_grid({10}, {10}, options)[0];
  const double exact = binomial_test_power(100, {0.5, 0.6, 0.05, 0.8, Alternative::kGreater});
  EXPECT_NEAR(design.power, exact, 4 * std::sqrt(exact * (1 - exact) / 300)) << "exact " << exact;
  EXPECT_EQ(design.failed, 0);
}

TEST(CrossedPower, BadOptionsNameTheOption) {
  CrossedPowerOptions options;
  options.effect = 0.4;
  EXPECT_THROW_MESSAGE(crossed_power_grid({10}, {10}, options), UsageError,
                       "the effect 0.4 is not on the greater side of 1/2");
  options = CrossedPowerOptions{};
  options.simulations = 0;
  EXPECT_THROW_MESSAGE(crossed_power_grid({10}, {10}, options), UsageError, "simulations = 0, expected 1 to 1000000");
  options = CrossedPowerOptions{};
  options.pair_sd = -1;
  EXPECT_THROW_MESSAGE(crossed_power_grid({10}, {10}, options), UsageError, "pair SD = -1");
  EXPECT_THROW_MESSAGE(crossed_power_grid({1}, {10}, CrossedPowerOptions{}), UsageError,
                       "respondents = 1, expected >= 2");
  EXPECT_THROW_MESSAGE(crossed_power_grid({10}, {}, CrossedPowerOptions{}), UsageError,
                       "give at least one number of respondents and one of pairs");
}

}  // namespace
}  // namespace depthstyle
