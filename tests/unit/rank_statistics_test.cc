// Midranks, Spearman's rank correlation and the t interval of a mean against values computed by hand (derivations in
// the comments) and against R's documented output.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "stats/mean_interval.h"
#include "stats/ranks.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(Midranks, TiedValuesShareTheMeanOfTheirRanks) {
  const Ranking ranking = midranks({20, 10, 30, 20, 20, -5});
  // Sorted: -5 (1), 10 (2), 20 20 20 (3, 4, 5 -> 4), 30 (6).
  EXPECT_EQ(ranking.ranks, (std::vector<double>{4, 2, 6, 4, 4, 1}));
  EXPECT_EQ(ranking.tie_sum, 27.0 - 3);
  EXPECT_EQ(midranks({3, 1, 2}).tie_sum, 0.0);
  EXPECT_TRUE(midranks({}).ranks.empty());
  EXPECT_THROW_MESSAGE(midranks({1, NAN}), UsageError, "ranks: value 1 is NaN");
}

TEST(Spearman, WithoutTiesItIsOneMinusSixSumOfSquaredRankDifferences) {
  // Rank differences -1, 1, -1, 1, 0: rho = 1 - 6 * 4 / (5 * 24) = 0.8.
  EXPECT_DOUBLE_EQ(spearman_correlation({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}), 0.8);
  // Any increasing transform keeps the order; reversing it flips the sign.
  EXPECT_DOUBLE_EQ(spearman_correlation({0.1, 7, 3, 2}, {std::exp(0.1), std::exp(7.0), std::exp(3.0), std::exp(2.0)}),
                   1.0);
  EXPECT_DOUBLE_EQ(spearman_correlation({0.1, 7, 3, 2}, {-0.1, -7, -3, -2}), -1.0);
}

TEST(Spearman, TiesArePearsonOnMidranks) {
  // y = 5, 6, 7, 8, 7 -> ranks 1, 2, 3.5, 5, 3.5. Centred on 3: x -2 -1 0 1 2, y -2 -1 0.5 2 0.5.
  // sum xy = 4 + 1 + 0 + 2 + 1 = 8, sum xx = 10, sum yy = 9.5: rho = 8 / sqrt(95) (R: 0.8207827).
  const double rho = spearman_correlation({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7});
  EXPECT_DOUBLE_EQ(rho, 8 / std::sqrt(95.0));
  EXPECT_NEAR(rho, 0.8207827, 5e-8);
}

TEST(Spearman, ConstantsAndTinySamplesHaveNoCorrelation) {
  EXPECT_TRUE(std::isnan(spearman_correlation({1, 2, 3}, {4, 4, 4})));
  EXPECT_TRUE(std::isnan(spearman_correlation({7}, {1})));
  EXPECT_TRUE(std::isnan(spearman_correlation({}, {})));
  EXPECT_THROW_MESSAGE(spearman_correlation({1, 2}, {1}), UsageError, "different lengths (2 and 1)");
  EXPECT_THROW_MESSAGE(spearman_correlation({1, 2}, {1, NAN}), UsageError, "value 1 is NaN");
  // The last step on its own: the midranks of {10, 20, 20, 30} against 1..4 (sum of products 4.5, of squares 4.5
  // and 5): 4.5 / sqrt(22.5).
  EXPECT_DOUBLE_EQ(correlation_of_midranks({1, 2.5, 2.5, 4}, {1, 2, 3, 4}), 4.5 / std::sqrt(22.5));
  EXPECT_TRUE(std::isnan(correlation_of_midranks({1.5, 1.5}, {1, 2})));
  EXPECT_THROW_MESSAGE(correlation_of_midranks({1, 2}, {1}), UsageError, "rankings have different lengths (2 and 1)");
}

TEST(MeanInterval, MatchesRsTTest) {
  // R: t.test(1:5)$conf.int = 1.036757 4.963243; s = sqrt(2.5), t(4, 0.975) = 2.776445.
  const MeanEstimate estimate = mean_with_t_interval({1, 2, 3, 4, 5}, 0.95);
  EXPECT_EQ(estimate.n, 5);
  EXPECT_DOUBLE_EQ(estimate.mean, 3);
  EXPECT_DOUBLE_EQ(estimate.standard_deviation, std::sqrt(2.5));
  EXPECT_DOUBLE_EQ(estimate.standard_error, std::sqrt(0.5));
  EXPECT_NEAR(estimate.lower, 1.036757, 5e-7);
  EXPECT_NEAR(estimate.upper, 4.963243, 5e-7);
  // 90%, n = 3: the t quantile with 2 degrees of freedom has a closed form, t(2, p) = (2p - 1) / sqrt(2p (1 - p)),
  // so t(2, 0.95) = 0.9 / sqrt(0.095); s = sqrt(0.07 / 3) (deviations -1/6, 2/15, 1/30).
  const MeanEstimate ninety = mean_with_t_interval({0.2, 0.5, 0.4}, 0.9);
  const double half_width = 0.9 / std::sqrt(0.095) * std::sqrt(0.07 / 3) / std::sqrt(3.0);
  EXPECT_NEAR(ninety.lower, 0.55 / 1.5 - half_width, 1e-14);
  EXPECT_NEAR(ninety.upper, 0.55 / 1.5 + half_width, 1e-14);
}

TEST(MeanInterval, SmallSamplesAndBadInput) {
  const MeanEstimate one = mean_with_t_interval({0.25}, 0.95);
  EXPECT_EQ(one.mean, 0.25);
  EXPECT_TRUE(std::isnan(one.standard_deviation) && std::isnan(one.lower) && std::isnan(one.upper));
  EXPECT_TRUE(std::isnan(mean_with_t_interval({}, 0.95).mean));
  const MeanEstimate constant = mean_with_t_interval({2, 2, 2}, 0.95);
  EXPECT_EQ(constant.lower, 2);
  EXPECT_EQ(constant.upper, 2);
  EXPECT_THROW_MESSAGE(mean_with_t_interval({1, NAN}, 0.95), UsageError, "mean interval: value 1 is NaN");
  EXPECT_THROW_MESSAGE(mean_with_t_interval({1, 2}, 1), UsageError, "confidence = 1, expected a value in (0, 1)");
}

}  // namespace
}  // namespace depthstyle
