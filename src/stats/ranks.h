// Ranks with ties, and the rank statistics built on them: Spearman's rank correlation (here) and the Wilcoxon
// signed-rank test (paired_tests.h).
//
// Conventions:
//   midranks   1-based ranks in ascending order; tied values share the mean of the ranks they occupy
//              ({10, 20, 20, 30} -> {1, 2.5, 2.5, 4}), as R's rank(ties.method = "average") and SciPy's rankdata.
//   Spearman   Pearson's correlation of the midranks of x and of y: R's cor(x, y, method = "spearman") and SciPy's
//              spearmanr, with or without ties (without ties it equals 1 - 6 sum d^2 / (n (n^2 - 1))). Undefined
//              (NaN) when n < 2 or when all values of x, or all of y, are equal: a constant has no order.
#pragma once

#include <vector>

namespace depthstyle {

struct Ranking {
  std::vector<double> ranks;  // midranks, in the order of the values given
  // Sum over groups of tied values of t^3 - t (t = the group's size): 0 without ties. Tie corrections of rank tests'
  // variances are built from it.
  double tie_sum = 0;
};

// Throws UsageError for a NaN value (its index is named): NaN has no place in an order.
Ranking midranks(const std::vector<double>& values);

// Throws UsageError for lengths that differ or a NaN value.
double spearman_correlation(const std::vector<double>& x, const std::vector<double>& y);

// Its last step, for callers that rank the values themselves (e.g. subsets of one big sample ranked from a single
// sort): Pearson's correlation of the midranks of n values each (both with the mean (n + 1) / 2), NaN when n < 2 or
// either is constant. Throws UsageError for lengths that differ.
double correlation_of_midranks(const std::vector<double>& rank_x, const std::vector<double>& rank_y);

}  // namespace depthstyle
