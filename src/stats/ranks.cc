#include "stats/ranks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.h"

namespace depthstyle {

Ranking midranks(const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) throw UsageError(concat("ranks: value ", i, " is NaN"));
  }
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  Ranking ranking;
  ranking.ranks.resize(n);
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start + 1;
    while (end < n && values[order[end]] == values[order[start]]) ++end;
    const double midrank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
    for (std::size_t i = start; i < end; ++i) ranking.ranks[order[i]] = midrank;
    const double size = static_cast<double>(end - start);
    ranking.tie_sum += size * size * size - size;
    start = end;
  }
  return ranking;
}

double spearman_correlation(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) {
    throw UsageError(concat("Spearman correlation: the two samples have different lengths (", x.size(), " and ",
                            y.size(), ")"));
  }
  if (x.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  return correlation_of_midranks(midranks(x).ranks, midranks(y).ranks);
}

double correlation_of_midranks(const std::vector<double>& rank_x, const std::vector<double>& rank_y) {
  if (rank_x.size() != rank_y.size()) {
    throw UsageError(concat("rank correlation: the two rankings have different lengths (", rank_x.size(), " and ",
                            rank_y.size(), ")"));
  }
  const std::size_t n = rank_x.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  // Both rank vectors have the mean (n + 1) / 2 exactly, so the centred sums need no second pass.
  const double mean = (static_cast<double>(n) + 1) / 2;
  double xy = 0, xx = 0, yy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = rank_x[i] - mean, dy = rank_y[i] - mean;
    xy += dx * dy;
    xx += dx * dx;
    yy += dy * dy;
  }
  if (xx == 0 || yy == 0) return std::numeric_limits<double>::quiet_NaN();
  return std::clamp(xy / std::sqrt(xx * yy), -1.0, 1.0);
}

}  // namespace depthstyle
