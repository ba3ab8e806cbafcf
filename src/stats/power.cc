#include "stats/power.h"

#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <limits>

#include "core/error.h"

namespace depthstyle {

void check_power_options(const PowerOptions& options) {
  const auto inside = [](double value) { return value > 0 && value < 1; };
  if (!inside(options.p0) || !inside(options.effect) || !inside(options.alpha) || !inside(options.power)) {
    throw UsageError(concat("power: p0 = ", options.p0, ", effect = ", options.effect, ", alpha = ", options.alpha,
                            ", power = ", options.power, ": each must lie in (0, 1)"));
  }
  if (options.effect == options.p0 ||
      (options.alternative == Alternative::kGreater && options.effect < options.p0) ||
      (options.alternative == Alternative::kLess && options.effect > options.p0)) {
    throw UsageError(concat("power: the effect ", options.effect, " is not on the ", to_string(options.alternative),
                            " side of p0 = ", options.p0));
  }
}

namespace {

// Binary search over [low, high] for the boundary of a region where `inside` holds at one end; `inside` is monotone.
// Returns the first index where `inside` holds (searching upwards) or the last (searching downwards).
template <typename Predicate>
std::int64_t first_inside(std::int64_t low, std::int64_t high, const Predicate& inside) {
  while (low < high) {
    const std::int64_t middle = low + (high - low) / 2;
    if (inside(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

template <typename Predicate>
std::int64_t last_inside(std::int64_t low, std::int64_t high, const Predicate& inside) {
  while (low < high) {
    const std::int64_t middle = low + (high - low + 1) / 2;
    if (inside(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

}  // namespace

double binomial_test_power(std::int64_t n, const PowerOptions& options) {
  check_power_options(options);
  if (n < 1) throw UsageError(concat("power: n = ", n, ", expected >= 1"));
  const double log_alpha = std::log(options.alpha);
  const double p0 = options.p0, p1 = options.effect;
  // The rejection region is {k >= upper} and/or {k <= lower}; each p-value is monotone on its side of the mean.
  double log_power = -std::numeric_limits<double>::infinity();
  const auto add = [&](double log_probability) {
    const double high = std::max(log_power, log_probability), low = std::min(log_power, log_probability);
    log_power = low == -std::numeric_limits<double>::infinity() ? high : high + std::log1p(std::exp(low - high));
  };
  if (options.alternative == Alternative::kGreater) {
    const auto rejects = [&](std::int64_t k) { return binomial_log_upper_tail(k, n, p0) <= log_alpha; };
    if (rejects(n)) add(binomial_log_upper_tail(first_inside(0, n, rejects), n, p1));
  } else if (options.alternative == Alternative::kLess) {
    const auto rejects = [&](std::int64_t k) { return binomial_log_lower_tail(k, n, p0) <= log_alpha; };
    if (rejects(0)) add(binomial_log_lower_tail(last_inside(0, n, rejects), n, p1));
  } else {
    const auto rejects = [&](std::int64_t k) { return binomial_log_two_sided_p(k, n, p0) <= log_alpha; };
    const double mean = static_cast<double>(n) * p0;
    const std::int64_t below = static_cast<std::int64_t>(std::ceil(mean)) - 1;  // last k < mean
    const std::int64_t above = static_cast<std::int64_t>(std::floor(mean)) + 1;  // first k > mean
    if (below >= 0 && rejects(0)) add(binomial_log_lower_tail(last_inside(0, below, rejects), n, p1));
    if (above <= n && rejects(n)) add(binomial_log_upper_tail(first_inside(above, n, rejects), n, p1));
  }
  return std::exp(log_power);
}

SampleSize minimum_sample_size(const PowerOptions& options, std::int64_t search_limit) {
  check_power_options(options);
  const boost::math::normal_distribution<double> normal;
  const double tail = options.alternative == Alternative::kTwoSided ? options.alpha / 2 : options.alpha;
  const double z_alpha = boost::math::quantile(boost::math::complement(normal, tail));
  const double z_beta = boost::math::quantile(normal, options.power);
  const double p0 = options.p0, p1 = options.effect;
  const double root = (z_alpha * std::sqrt(p0 * (1 - p0)) + z_beta * std::sqrt(p1 * (1 - p1))) / (p1 - p0);
  SampleSize size;
  size.normal_approximation = root * root;
  for (std::int64_t n = 1; n <= search_limit; ++n) {
    if (binomial_test_power(n, options) >= options.power) {
      size.exact = n;
      break;
    }
  }
  return size;
}

}  // namespace depthstyle
