// The mean of a sample with its Student t confidence interval: mean +- t(n - 1, (1 + confidence) / 2) s / sqrt(n),
// s the sample standard deviation (divisor n - 1). Exact for normally distributed values, and by the central limit
// theorem approximately right for others as n grows; it treats the values as independent (R's t.test(x)$conf.int).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace depthstyle {

struct MeanEstimate {
  std::int64_t n = 0;
  // NaN when n = 0.
  double mean = std::numeric_limits<double>::quiet_NaN();
  // The rest NaN when n < 2.
  double standard_deviation = std::numeric_limits<double>::quiet_NaN();
  double standard_error = std::numeric_limits<double>::quiet_NaN();
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
};

// Throws UsageError for a NaN value (its index is named) or a confidence outside (0, 1).
MeanEstimate mean_with_t_interval(const std::vector<double>& values, double confidence);

}  // namespace depthstyle
