#include "stats/mean_interval.h"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>

#include "core/error.h"

namespace depthstyle {

MeanEstimate mean_with_t_interval(const std::vector<double>& values, double confidence) {
  if (!(confidence > 0 && confidence < 1)) {
    throw UsageError(concat("mean interval: confidence = ", confidence, ", expected a value in (0, 1)"));
  }
  MeanEstimate estimate;
  estimate.n = static_cast<std::int64_t>(values.size());
  double sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) throw UsageError(concat("mean interval: value ", i, " is NaN"));
    sum += values[i];
  }
  if (values.empty()) return estimate;
  const double n = static_cast<double>(values.size());
  estimate.mean = sum / n;
  if (values.size() < 2) return estimate;
  double squares = 0;
  for (const double value : values) squares += (value - estimate.mean) * (value - estimate.mean);
  estimate.standard_deviation = std::sqrt(squares / (n - 1));
  estimate.standard_error = estimate.standard_deviation / std::sqrt(n);
  const boost::math::students_t_distribution<double> t(n - 1);
  const double half_width = boost::math::quantile(t, (1 + confidence) / 2) * estimate.standard_error;
  estimate.lower = estimate.mean - half_width;
  estimate.upper = estimate.mean + half_width;
  return estimate;
}

}  // namespace depthstyle
