// Tests on paired data: McNemar's exact test (paired binary outcomes, e.g. two depth estimators scored on the same
// DIW point pairs), the sign test and the Wilcoxon signed-rank test (paired measurements, e.g. one score per image
// for two ablation settings).
//
// Conventions:
//   McNemar: only the discordant pairs count. With b = pairs only the first method gets right and c = pairs only the
//     second gets right, the exact test is the two-sided binomial test of b out of b + c at p = 1/2 (= R's
//     binom.test(b, b + c) and statsmodels' mcnemar(exact=True)); p = 1 when b + c = 0. The mid-p value is
//     min(1, 2 P(X <= min(b, c)) - P(X = min(b, c))) (Fagerland, Lydersen and Laake 2013).
//   Sign test: zero differences are dropped (Dixon and Mood 1946), then the binomial test of the positive count out
//     of the nonzero count at p = 1/2. "greater" means the differences tend to be positive.
//   Wilcoxon signed-rank: zero differences are dropped (Wilcoxon's convention; R's default and SciPy's "wilcox"),
//     absolute differences are ranked with midranks for ties, and the statistic V is the sum of the ranks of the
//     positive differences (R's V). With at most kWilcoxonExactLimit nonzero differences and no ties the p-value
//     comes from the exact null distribution of V; otherwise from the normal approximation with the tie correction
//     of the variance and a continuity correction of 1/2 towards the mean (R's wilcox.test with exact = NULL,
//     correct = TRUE, whose cut-over is n < 50; SciPy's is n <= 50, and ours is SciPy's).
#pragma once

#include <cstdint>
#include <vector>

#include "stats/binomial.h"

namespace depthstyle {

struct McNemarTest {
  std::int64_t first_only = 0;   // b: discordant pairs in favour of the first method
  std::int64_t second_only = 0;  // c: discordant pairs in favour of the second method
  double p_value = 1;            // exact, two-sided
  double log_p_value = 0;        // natural log of p_value; does not underflow
  double mid_p_value = 1;        // Fagerland et al. 2013
};

// Throws UsageError for negative counts.
McNemarTest mcnemar_exact_test(std::int64_t first_only, std::int64_t second_only);
// From per-item outcomes of the two methods (true = correct); throws UsageError if the lengths differ.
McNemarTest mcnemar_exact_test(const std::vector<bool>& first_correct, const std::vector<bool>& second_correct);

struct SignTest {
  std::int64_t positive = 0;
  std::int64_t negative = 0;
  std::int64_t zeros = 0;  // dropped
  Alternative alternative = Alternative::kTwoSided;
  double p_value = 1;
  double log_p_value = 0;
};

SignTest sign_test(std::int64_t positive, std::int64_t negative, Alternative alternative,
                   std::int64_t zeros = 0);
// Throws UsageError for a NaN difference (its index is named).
SignTest sign_test(const std::vector<double>& differences, Alternative alternative);

// Largest number of nonzero differences for which the exact distribution is used (when there are no ties).
constexpr std::int64_t kWilcoxonExactLimit = 50;

struct WilcoxonSignedRankTest {
  std::int64_t nonzero = 0;  // differences that were ranked
  std::int64_t zeros = 0;    // dropped
  bool ties = false;         // some absolute differences were equal (midranks were used)
  bool exact = false;        // the exact null distribution gave p_value
  Alternative alternative = Alternative::kTwoSided;
  double statistic = 0;      // V, the sum of the ranks of the positive differences
  double z = 0;              // standardised V with both corrections (0 when exact)
  double p_value = 1;
};

// p = 1 when every difference is zero. Throws UsageError for a NaN difference (its index is named).
WilcoxonSignedRankTest wilcoxon_signed_rank_test(const std::vector<double>& differences, Alternative alternative);

// The exact null distribution of V for n nonzero, untied differences: counts[v] = number of the 2^n sign patterns
// with V = v, v = 0 .. n(n+1)/2. Exact in doubles for n <= kWilcoxonExactLimit (counts < 2^53).
std::vector<double> wilcoxon_signed_rank_counts(int n);

}  // namespace depthstyle
