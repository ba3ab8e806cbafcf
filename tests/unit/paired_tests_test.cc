// McNemar, sign and Wilcoxon signed-rank tests against values computed by hand (the derivations are in the
// comments: counts of outcomes over 2^n) and against R's documented example.
#include "stats/paired_tests.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(McNemar, ExactAndMidPFromDiscordantCountsOnly) {
  // b = 7, c = 1: n = 8; P(X <= 1) = (1 + 8) / 256, so p = 18/256 and mid-p = 2 * 9/256 - 8/256 = 10/256.
  const McNemarTest test = mcnemar_exact_test(7, 1);
  EXPECT_DOUBLE_EQ(test.p_value, 18.0 / 256);
  EXPECT_NEAR(test.mid_p_value, 10.0 / 256, 1e-13);  // computed in logs, so not to the last bit
  EXPECT_DOUBLE_EQ(mcnemar_exact_test(1, 7).p_value, 18.0 / 256);
  // Equal discordant counts: nothing to see; no discordant pairs at all: p = 1 by definition.
  EXPECT_EQ(mcnemar_exact_test(5, 5).p_value, 1.0);
  EXPECT_EQ(mcnemar_exact_test(5, 5).mid_p_value, 1.0);
  EXPECT_EQ(mcnemar_exact_test(0, 0).p_value, 1.0);
  // b = 3, c = 0: p = 2/8, mid-p = 2 * 1/8 - 1/8.
  EXPECT_DOUBLE_EQ(mcnemar_exact_test(3, 0).p_value, 0.25);
  EXPECT_NEAR(mcnemar_exact_test(3, 0).mid_p_value, 0.125, 1e-14);
}

TEST(McNemar, PerItemOutcomesCountOnlyDisagreements) {
  // Items: both right x3, first only x2, second only x0, both wrong x4.
  const std::vector<bool> first = {true, true, true, true, true, false, false, false, false};
  const std::vector<bool> second = {true, true, true, false, false, false, false, false, false};
  const McNemarTest test = mcnemar_exact_test(first, second);
  EXPECT_EQ(test.first_only, 2);
  EXPECT_EQ(test.second_only, 0);
  EXPECT_DOUBLE_EQ(test.p_value, 0.5);
  EXPECT_THROW_MESSAGE(mcnemar_exact_test(first, std::vector<bool>(3)), UsageError,
                       "scored on different numbers of items (9 and 3)");
  EXPECT_THROW_MESSAGE(mcnemar_exact_test(-1, 2), UsageError, "discordant counts must be >= 0, got -1 and 2");
}

// issue 15: b = c = 2^62 overflowed b + c and gave p = 0. The bound is the binomial test's, n <= 2^53.
TEST(McNemar, CountsBeyondTwoToThe53AreRefusedBeforeTheirSumOverflows) {
  const std::int64_t half = std::int64_t{1} << 62;
  EXPECT_THROW_MESSAGE(mcnemar_exact_test(half, half), UsageError, "b + c = 4611686018427387904 + "
                       "4611686018427387904 discordant items is more than 2^53");
  EXPECT_THROW(mcnemar_exact_test(kMaxTrials, 1), UsageError);
  EXPECT_THROW(mcnemar_exact_test(std::numeric_limits<std::int64_t>::max(), 0), UsageError);
  EXPECT_EQ(mcnemar_exact_test(kMaxTrials / 2, kMaxTrials / 2).p_value, 1.0);
}

TEST(McNemar, DiwSizedCountsStayFiniteInLogSpace) {
  // 73,983 DIW pairs; two estimators 0.87 and 0.65 apart give tens of thousands of discordant pairs.
  const McNemarTest test = mcnemar_exact_test(20000, 4000);
  EXPECT_EQ(test.p_value, 0.0);  // far below the double range
  EXPECT_NEAR(test.log_p_value, std::log(2.0) + binomial_log_lower_tail(4000, 24000, 0.5), 1e-9);
  EXPECT_LT(test.log_p_value, -5000);
  EXPECT_GE(test.mid_p_value, 0.0);
}

TEST(SignTest, DropsZerosAndTestsThePositiveCount) {
  // 8 positive, 2 negative, 3 zero: P(X >= 8 | 10, 1/2) = (45 + 10 + 1) / 1024.
  const std::vector<double> differences = {1, 2, 0.5, 3, 0, 1, 4, -1, 2, 0, 7, -0.25, 0};
  const SignTest greater = sign_test(differences, Alternative::kGreater);
  EXPECT_EQ(greater.positive, 8);
  EXPECT_EQ(greater.negative, 2);
  EXPECT_EQ(greater.zeros, 3);
  EXPECT_DOUBLE_EQ(greater.p_value, 56.0 / 1024);
  EXPECT_DOUBLE_EQ(sign_test(differences, Alternative::kTwoSided).p_value, 112.0 / 1024);
  EXPECT_DOUBLE_EQ(sign_test(differences, Alternative::kLess).p_value, 1013.0 / 1024);
  EXPECT_EQ(sign_test(std::vector<double>{0, 0}, Alternative::kGreater).p_value, 1.0);
  EXPECT_THROW_MESSAGE(sign_test(std::vector<double>{1, NAN}, Alternative::kGreater), UsageError,
                       "sign test: difference 1 is NaN");
}

TEST(Wilcoxon, ExactDistributionCountsSubsetsOfRanks) {
  // Subsets of {1, 2, 3} by sum: 0, 1, 2, 3 ({3}, {1, 2}), 4, 5, 6.
  EXPECT_EQ(wilcoxon_signed_rank_counts(3), (std::vector<double>{1, 1, 1, 2, 1, 1, 1}));
  for (const int n : {1, 10, 50}) {
    const std::vector<double> counts = wilcoxon_signed_rank_counts(n);
    EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), 0.0), std::ldexp(1.0, n)) << n;
    for (std::size_t v = 0; v < counts.size(); ++v) EXPECT_EQ(counts[v], counts[counts.size() - 1 - v]);
  }
}

TEST(Wilcoxon, ExactPValuesByHand) {
  // |d| ranks: 0.5 -> 1, 1 -> 2, 1.5 -> 3, 2 -> 4, 3 -> 5, 4 -> 6; V = 3 + 4 + 5 + 6 = 18 of 21.
  // P(V >= 18) = P(V <= 3) = #{}, {1}, {2}, {3}, {1,2} / 64 = 5/64; P(V <= 18) = 1 - P(V >= 19) = 1 - 3/64.
  const std::vector<double> differences = {1.5, -0.5, 2, 3, -1, 4};
  const WilcoxonSignedRankTest greater = wilcoxon_signed_rank_test(differences, Alternative::kGreater);
  EXPECT_TRUE(greater.exact);
  EXPECT_FALSE(greater.ties);
  EXPECT_EQ(greater.statistic, 18);
  EXPECT_DOUBLE_EQ(greater.p_value, 5.0 / 64);
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank_test(differences, Alternative::kTwoSided).p_value, 10.0 / 64);
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank_test(differences, Alternative::kLess).p_value, 61.0 / 64);
  // Zeros are dropped, not ranked.
  std::vector<double> with_zeros = differences;
  with_zeros.insert(with_zeros.begin() + 2, {0.0, 0.0});
  const WilcoxonSignedRankTest dropped = wilcoxon_signed_rank_test(with_zeros, Alternative::kGreater);
  EXPECT_EQ(dropped.zeros, 2);
  EXPECT_EQ(dropped.nonzero, 6);
  EXPECT_DOUBLE_EQ(dropped.p_value, 5.0 / 64);
}

TEST(Wilcoxon, MatchesRsDocumentedExample) {
  // R's ?wilcox.test (Hollander and Wolfe, depression scale before and after): V = 40, p-value = 0.01953.
  // Exactly: the positive ranks are all but {2, 3}; P(V >= 40) = #subsets of {1..9} with sum <= 5 / 512 = 10/512.
  const std::vector<double> x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  std::vector<double> differences;
  for (std::size_t i = 0; i < x.size(); ++i) differences.push_back(x[i] - y[i]);
  const WilcoxonSignedRankTest test = wilcoxon_signed_rank_test(differences, Alternative::kGreater);
  EXPECT_EQ(test.statistic, 40);
  EXPECT_DOUBLE_EQ(test.p_value, 10.0 / 512);
  EXPECT_NEAR(test.p_value, 0.01953, 5e-6);
}

TEST(Wilcoxon, TiesUseTheNormalApproximationWithBothCorrections) {
  // |d| = 1, 1, 2, 3, 3, 3, 4, 5 -> midranks 1.5, 1.5, 3, 5, 5, 5, 7, 8; V = 1.5 + 1.5 + 5 + 5 + 5 + 8 = 26.
  // mean 8 * 9 / 4 = 18; variance 8 * 9 * 17 / 24 - ((2^3 - 2) + (3^3 - 3)) / 48 = 51 - 30/48 = 50.375.
  // Two-sided: z = (26 - 18 - 0.5) / sqrt(50.375), p = erfc(z / sqrt(2)).
  const std::vector<double> differences = {1, 1, -2, 3, 3, 3, -4, 5};
  const WilcoxonSignedRankTest test = wilcoxon_signed_rank_test(differences, Alternative::kTwoSided);
  EXPECT_FALSE(test.exact);
  EXPECT_TRUE(test.ties);
  EXPECT_EQ(test.statistic, 26);
  const double z = 7.5 / std::sqrt(50.375);
  EXPECT_NEAR(test.z, z, 1e-14);
  EXPECT_NEAR(test.p_value, std::erfc(z / std::sqrt(2.0)), 1e-14);
  // One-sided "less": the correction is -1/2, z = (26 - 18 + 0.5) / sd, p = Phi(z).
  const WilcoxonSignedRankTest less = wilcoxon_signed_rank_test(differences, Alternative::kLess);
  EXPECT_NEAR(less.p_value, 0.5 * std::erfc(-(8.5 / std::sqrt(50.375)) / std::sqrt(2.0)), 1e-14);
}

TEST(Wilcoxon, BeyondTheExactLimitTheApproximationTakesOver) {
  // 51 untied differences 1..51, the 10 smallest negative: V = 51 * 52 / 2 - 55 = 1271.
  std::vector<double> differences;
  for (int i = 1; i <= 51; ++i) differences.push_back(i <= 10 ? -i : i);
  const WilcoxonSignedRankTest test = wilcoxon_signed_rank_test(differences, Alternative::kGreater);
  EXPECT_FALSE(test.exact);
  EXPECT_EQ(test.statistic, 1271);
  const double sd = std::sqrt(51.0 * 52 * 103 / 24);
  EXPECT_NEAR(test.p_value, 0.5 * std::erfc((1271 - 51.0 * 52 / 4 - 0.5) / sd / std::sqrt(2.0)), 1e-15);
  // At the limit (50 differences) the exact test is used, and it agrees with the approximation to ~1e-3.
  differences.pop_back();
  const WilcoxonSignedRankTest at_limit = wilcoxon_signed_rank_test(differences, Alternative::kGreater);
  EXPECT_TRUE(at_limit.exact);
  const double sd50 = std::sqrt(50.0 * 51 * 101 / 24);
  EXPECT_NEAR(at_limit.p_value,
              0.5 * std::erfc((at_limit.statistic - 50.0 * 51 / 4 - 0.5) / sd50 / std::sqrt(2.0)), 1e-3);
}

TEST(Wilcoxon, DegenerateAndBadInput) {
  const WilcoxonSignedRankTest zeros = wilcoxon_signed_rank_test({0, 0, 0}, Alternative::kTwoSided);
  EXPECT_EQ(zeros.p_value, 1.0);
  EXPECT_EQ(zeros.nonzero, 0);
  EXPECT_EQ(zeros.zeros, 3);
  // One difference: V is 1 or 0, each with probability 1/2.
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank_test({2.0}, Alternative::kGreater).p_value, 0.5);
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank_test({2.0}, Alternative::kTwoSided).p_value, 1.0);
  EXPECT_THROW_MESSAGE(wilcoxon_signed_rank_test({1, 2, NAN}, Alternative::kGreater), UsageError,
                       "Wilcoxon signed-rank test: difference 2 is NaN");
}

}  // namespace
}  // namespace depthstyle
