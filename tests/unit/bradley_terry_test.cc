#include "stats/bradley_terry.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(BradleyTerry, TwoMethodsGiveTheObservedShare) {
  const BradleyTerryFit fit = fit_bradley_terry({{0, 6}, {4, 0}}, {"a", "b"});
  ASSERT_TRUE(fit.estimable) << fit.problem;
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.strengths[0], 0.6, 1e-12);
  EXPECT_NEAR(fit.strengths[1], 0.4, 1e-12);
  EXPECT_NEAR(fit.log_strengths[0], 0.5 * std::log(1.5), 1e-12);
  EXPECT_NEAR(fit.log_strengths[0] + fit.log_strengths[1], 0.0, 1e-15);
}

TEST(BradleyTerry, ACycleOfEqualRecordsGivesEqualStrengths) {
  const BradleyTerryFit fit = fit_bradley_terry({{0, 2, 1}, {1, 0, 2}, {2, 1, 0}}, {"a", "b", "c"});
  ASSERT_TRUE(fit.estimable);
  for (const double strength : fit.strengths) EXPECT_NEAR(strength, 1.0 / 3, 1e-12);
}

// The maximum likelihood estimate solves W_i = sum_j N_ij pi_i / (pi_i + pi_j) for every method i.
TEST(BradleyTerry, FitSolvesTheLikelihoodEquations) {
  const std::vector<std::vector<double>> wins = {{0, 12, 9, 15}, {8, 0, 7, 11}, {11, 13, 0, 14}, {5, 9, 6, 0}};
  const BradleyTerryFit fit = fit_bradley_terry(wins, {"adain", "da-adain", "wct", "gatys"});
  ASSERT_TRUE(fit.estimable);
  EXPECT_TRUE(fit.converged);
  double total = 0;
  for (std::size_t i = 0; i < wins.size(); ++i) {
    double observed = 0, expected = 0;
    for (std::size_t j = 0; j < wins.size(); ++j) {
      if (j == i) continue;
      observed += wins[i][j];
      expected += (wins[i][j] + wins[j][i]) * fit.strengths[i] / (fit.strengths[i] + fit.strengths[j]);
    }
    EXPECT_NEAR(expected, observed, 1e-9) << i;
    total += fit.strengths[i];
  }
  EXPECT_NEAR(total, 1.0, 1e-15);
  // wct has the best record, gatys the worst.
  EXPECT_GT(fit.strengths[2], fit.strengths[0]);
  EXPECT_LT(fit.strengths[3], fit.strengths[1]);
}

TEST(BradleyTerry, SaysWhyTheEstimateDoesNotExist) {
  // Nobody ever beat a: its strength would be infinite.
  const BradleyTerryFit unbeaten = fit_bradley_terry({{0, 3, 2}, {0, 0, 1}, {0, 2, 0}}, {"a", "b", "c"});
  EXPECT_FALSE(unbeaten.estimable);
  EXPECT_EQ(unbeaten.problem,
            "the Bradley-Terry strengths do not exist: b, c never won against a (directly or through a chain of wins)");
  // c never won: its strength would be 0.
  const BradleyTerryFit never_won = fit_bradley_terry({{0, 3, 2}, {1, 0, 1}, {0, 0, 0}}, {"a", "b", "c"});
  EXPECT_FALSE(never_won.estimable);
  EXPECT_NE(never_won.problem.find("c never won against a, b"), std::string::npos)
      << never_won.problem;
  EXPECT_THROW_MESSAGE(fit_bradley_terry({{0, 1}, {1, 1}}, {"a", "b"}), UsageError,
                       "wins[1][1] = 1 (expected >= 0, and 0 on the diagonal)");
  EXPECT_THROW_MESSAGE(fit_bradley_terry({{0, 1}, {1, 0}}, {"a"}), UsageError, "got 2 rows and 1 names");
}

}  // namespace
}  // namespace depthstyle
