#include "stats/binomial.h"

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>

#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.h"

namespace depthstyle {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// R's and SciPy's relative tolerance for "as likely as the observed outcome".
constexpr double kMinlikeRelativeTolerance = 1e-7;
// Below this a tail from the incomplete beta function has lost relative precision (or underflowed): sum it in log
// space instead.
constexpr double kSmallestDirectTail = 1e-280;

// log(n!) - log(sqrt(2 pi n) (n/e)^n), the error of Stirling's formula (Loader 2000).
double stirling_error(double n) {
  constexpr double kLogSqrt2Pi = 0.918938533204672741780329736406;
  if (n <= 15) return std::lgamma(n + 1) - (n + 0.5) * std::log(n) + n - kLogSqrt2Pi;
  constexpr double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
  const double nn = n * n;
  if (n > 500) return (s0 - s1 / nn) / n;
  if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
  if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
  return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

// x log(x / mean) + mean - x without cancellation when x is close to mean (Loader 2000).
double deviance_term(double x, double mean) {
  if (std::fabs(x - mean) < 0.1 * (x + mean)) {
    double v = (x - mean) / (x + mean);
    double sum = (x - mean) * v;
    double term = 2 * x * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      term *= v;
      const double next = sum + term / (2 * j + 1);
      if (next == sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * std::log(x / mean) + mean - x;
}

double log_sum_exp(double a, double b) {
  if (a == -kInfinity) return b;
  if (b == -kInfinity) return a;
  const double high = std::max(a, b);
  return high + std::log1p(std::exp(std::min(a, b) - high));
}

// log of sum_{j in tail} P(X = j) / P(X = k), stepping away from the mean from k (step +1 upwards, -1 downwards).
// Only called far in a tail, where successive ratios are < 1 and shrink, so the sum converges quickly.
double log_far_tail_ratio_sum(std::int64_t k, std::int64_t n, double p, int step) {
  const double odds = p / (1 - p);
  double term = 1, sum = 1;
  for (std::int64_t j = k; step > 0 ? j < n : j > 0; j += step) {
    term *= step > 0 ? static_cast<double>(n - j) / static_cast<double>(j + 1) * odds
                     : static_cast<double>(j) / static_cast<double>(n - j + 1) / odds;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return std::log(sum);
}

void check_counts(std::int64_t k, std::int64_t n, const char* what) {
  if (n < 1 || n > kMaxTrials) {
    throw UsageError(concat(what, ": the number of trials n = ", n, " must be in [1, 2^53]"));
  }
  if (k < 0 || k > n) throw UsageError(concat(what, ": successes k = ", k, " must be in [0, n = ", n, "]"));
}

void check_probability(double p, const char* what) {
  if (!(p >= 0 && p <= 1)) throw UsageError(concat(what, ": the null proportion p0 = ", p, " must be in [0, 1]"));
}

void check_confidence(double confidence, const char* what) {
  if (!(confidence > 0 && confidence < 1)) {
    throw UsageError(concat(what, ": the confidence level ", confidence, " must be in (0, 1), e.g. 0.95"));
  }
}

// The tail probability each end of an interval leaves out.
double interval_tail(double confidence, Alternative alternative) {
  const double alpha = 1 - confidence;
  return alternative == Alternative::kTwoSided ? alpha / 2 : alpha;
}

}  // namespace

std::string to_string(Alternative alternative) {
  switch (alternative) {
    case Alternative::kTwoSided: return "two-sided";
    case Alternative::kGreater: return "greater";
    case Alternative::kLess: return "less";
  }
  return "?";
}

Alternative alternative_from_string(const std::string& text) {
  if (text == "two-sided" || text == "two.sided" || text == "two_sided") return Alternative::kTwoSided;
  if (text == "greater") return Alternative::kGreater;
  if (text == "less") return Alternative::kLess;
  throw UsageError(concat("unknown alternative '", text, "': expected one of two-sided, greater, less"));
}

double binomial_log_pmf(std::int64_t k, std::int64_t n, double p) {
  if (k < 0 || k > n) return -kInfinity;
  const double q = 1 - p;
  if (p == 0) return k == 0 ? 0 : -kInfinity;
  if (q == 0) return k == n ? 0 : -kInfinity;
  const double dn = static_cast<double>(n), dk = static_cast<double>(k);
  if (k == 0) return dn * std::log1p(-p);
  if (k == n) return dn * std::log(p);
  constexpr double kLog2Pi = 1.837877066409345483560659472811;
  const double log_scale = stirling_error(dn) - stirling_error(dk) - stirling_error(dn - dk) -
                           deviance_term(dk, dn * p) - deviance_term(dn - dk, dn * q);
  const double log_width = kLog2Pi + std::log(dk) + std::log1p(-dk / dn);
  return log_scale - 0.5 * log_width;
}

double binomial_log_upper_tail(std::int64_t k, std::int64_t n, double p) {
  if (k <= 0) return 0;
  if (k > n) return -kInfinity;
  if (p == 0) return -kInfinity;
  if (p == 1) return 0;
  const boost::math::binomial_distribution<double> distribution(static_cast<double>(n), p);
  const double tail = boost::math::cdf(boost::math::complement(distribution, static_cast<double>(k - 1)));
  if (tail >= kSmallestDirectTail) return std::log(tail);
  return binomial_log_pmf(k, n, p) + log_far_tail_ratio_sum(k, n, p, +1);
}

double binomial_log_lower_tail(std::int64_t k, std::int64_t n, double p) {
  if (k >= n) return 0;
  if (k < 0) return -kInfinity;
  if (p == 0) return 0;
  if (p == 1) return -kInfinity;
  const boost::math::binomial_distribution<double> distribution(static_cast<double>(n), p);
  const double tail = boost::math::cdf(distribution, static_cast<double>(k));
  if (tail >= kSmallestDirectTail) return std::log(tail);
  return binomial_log_pmf(k, n, p) + log_far_tail_ratio_sum(k, n, p, -1);
}

double binomial_log_two_sided_p(std::int64_t k, std::int64_t n, double p) {
  const double mean = static_cast<double>(n) * p;
  if (static_cast<double>(k) == mean) return 0;
  const double log_observed = binomial_log_pmf(k, n, p);
  // Only the point mass at 0 (p = 0) or n (p = 1) has probability, and k is not there.
  if (log_observed == -kInfinity) return -kInfinity;
  const double threshold = log_observed + std::log1p(kMinlikeRelativeTolerance);
  const auto as_likely = [&](std::int64_t i) { return binomial_log_pmf(i, n, p) <= threshold; };
  double log_p;
  if (static_cast<double>(k) < mean) {
    // The mass function does not increase on [ceil(mean), n]: find the first i there that is at most as likely.
    std::int64_t low = static_cast<std::int64_t>(std::ceil(mean)), high = n;
    if (!as_likely(high)) {
      log_p = binomial_log_lower_tail(k, n, p);
    } else {
      while (low < high) {
        const std::int64_t middle = low + (high - low) / 2;
        if (as_likely(middle)) high = middle;
        else low = middle + 1;
      }
      // Every outcome counts when the other tail starts right after k.
      log_p = low == k + 1 ? 0 : log_sum_exp(binomial_log_lower_tail(k, n, p), binomial_log_upper_tail(low, n, p));
    }
  } else {
    // The mass function does not decrease on [0, floor(mean)]: find the last i there that is at most as likely.
    std::int64_t low = 0, high = static_cast<std::int64_t>(std::floor(mean));
    if (!as_likely(low)) {
      log_p = binomial_log_upper_tail(k, n, p);
    } else {
      while (low < high) {
        const std::int64_t middle = low + (high - low + 1) / 2;
        if (as_likely(middle)) low = middle;
        else high = middle - 1;
      }
      log_p = low == k - 1 ? 0 : log_sum_exp(binomial_log_lower_tail(low, n, p), binomial_log_upper_tail(k, n, p));
    }
  }
  return std::min(log_p, 0.0);
}

ProportionInterval clopper_pearson_interval(std::int64_t k, std::int64_t n, double confidence,
                                            Alternative alternative) {
  check_counts(k, n, "Clopper-Pearson interval");
  check_confidence(confidence, "Clopper-Pearson interval");
  const double tail = interval_tail(confidence, alternative);
  const double dk = static_cast<double>(k), dn = static_cast<double>(n);
  ProportionInterval interval;
  if (alternative != Alternative::kLess && k > 0) interval.lower = boost::math::ibeta_inv(dk, dn - dk + 1, tail);
  if (alternative != Alternative::kGreater && k < n) interval.upper = boost::math::ibetac_inv(dk + 1, dn - dk, tail);
  return interval;
}

ProportionInterval wilson_interval(std::int64_t k, std::int64_t n, double confidence, Alternative alternative) {
  check_counts(k, n, "Wilson interval");
  check_confidence(confidence, "Wilson interval");
  const double z = boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(),
                                                                 interval_tail(confidence, alternative)));
  const double dn = static_cast<double>(n), estimate = static_cast<double>(k) / dn;
  const double z2 = z * z, denominator = 1 + z2 / dn;
  const double center = (estimate + z2 / (2 * dn)) / denominator;
  const double half_width = z * std::sqrt(estimate * (1 - estimate) / dn + z2 / (4 * dn * dn)) / denominator;
  // The ends are exactly 0 at k = 0 and 1 at k = n; rounding would leave them a hair inside.
  ProportionInterval interval;
  if (alternative != Alternative::kLess && k > 0) interval.lower = std::max(0.0, center - half_width);
  if (alternative != Alternative::kGreater && k < n) interval.upper = std::min(1.0, center + half_width);
  return interval;
}

ProportionInterval jeffreys_interval(std::int64_t k, std::int64_t n, double confidence, Alternative alternative) {
  check_counts(k, n, "Jeffreys interval");
  check_confidence(confidence, "Jeffreys interval");
  const double tail = interval_tail(confidence, alternative);
  const double a = static_cast<double>(k) + 0.5, b = static_cast<double>(n - k) + 0.5;
  ProportionInterval interval;
  if (alternative != Alternative::kLess && k > 0) interval.lower = boost::math::ibeta_inv(a, b, tail);
  if (alternative != Alternative::kGreater && k < n) interval.upper = boost::math::ibetac_inv(a, b, tail);
  return interval;
}

double proportion_standard_error(std::int64_t k, std::int64_t n) {
  check_counts(k, n, "standard error of a proportion");
  const double estimate = static_cast<double>(k) / static_cast<double>(n);
  return std::sqrt(estimate * (1 - estimate) / static_cast<double>(n));
}

double null_standard_error(double p0, std::int64_t n) {
  check_counts(0, n, "standard error under the null");
  check_probability(p0, "standard error under the null");
  return std::sqrt(p0 * (1 - p0) / static_cast<double>(n));
}

BinomialTest binomial_test(std::int64_t successes, std::int64_t trials, const BinomialTestOptions& options) {
  check_counts(successes, trials, "binomial test");
  check_probability(options.p0, "binomial test");
  check_confidence(options.confidence, "binomial test");
  BinomialTest test;
  test.successes = successes;
  test.trials = trials;
  test.options = options;
  switch (options.alternative) {
    case Alternative::kGreater: test.log_p_value = binomial_log_upper_tail(successes, trials, options.p0); break;
    case Alternative::kLess: test.log_p_value = binomial_log_lower_tail(successes, trials, options.p0); break;
    case Alternative::kTwoSided: test.log_p_value = binomial_log_two_sided_p(successes, trials, options.p0); break;
  }
  test.p_value = std::exp(test.log_p_value);
  test.estimate = static_cast<double>(successes) / static_cast<double>(trials);
  test.standard_error = proportion_standard_error(successes, trials);
  test.interval = clopper_pearson_interval(successes, trials, options.confidence, options.alternative);
  return test;
}

std::string format_p_value(double p_value, double log_p_value, int digits) {
  char text[64];
  if (p_value >= std::numeric_limits<double>::min() || log_p_value == -kInfinity) {
    std::snprintf(text, sizeof text, "%.*g", digits, p_value);
  } else {
    std::snprintf(text, sizeof text, "10^%.1f", log_p_value / std::log(10.0));
  }
  return text;
}

}  // namespace depthstyle
