// Exact binomial inference: tails, the exact test, and intervals for a proportion.
//
// Conventions (those of R's binom.test and SciPy's binomtest; docs/reference.md#binomial-conventions):
//   X ~ Binomial(n, p); k successes out of n trials, 0 <= k <= n, 1 <= n <= 2^53; p in [0, 1].
//   alternative "greater": p = P(X >= k);  "less": p = P(X <= k);
//   "two-sided" ("minlike"): the sum of P(X = i) over every i with P(X = i) <= P(X = k) * (1 + 1e-7), and exactly 1
//   when k = n p0. The relative tolerance 1e-7 makes outcomes whose probabilities differ only by rounding count alike.
//   Clopper-Pearson interval: [BetaQuantile(a/2; k, n-k+1), BetaQuantile(1-a/2; k+1, n-k)], lower = 0 when k = 0,
//   upper = 1 when k = n; for a one-sided alternative the interval is one-sided at the full a = 1 - confidence
//   ("greater" -> [lower, 1], "less" -> [0, upper]).
//
// Accuracy: tails come from Boost.Math's regularized incomplete beta function (no summation, no cancellation), so
// they keep ~1e-15 relative accuracy at any n; where a tail underflows a double (< 1e-280) it is computed in log
// space from the probability mass function. Every p-value is therefore also available as a natural logarithm that
// never underflows. The two-sided p-value finds the other tail's boundary by bisection on the (unimodal) mass
// function, so it costs O(log n) evaluations even at n = 10^8.
#pragma once

#include <cstdint>
#include <string>

namespace depthstyle {

// 2^53: the most trials (and, for McNemar, discordant pairs b + c) a test accepts; beyond it int64 counts are no
// longer exact doubles.
constexpr std::int64_t kMaxTrials = std::int64_t{1} << 53;

enum class Alternative { kTwoSided, kGreater, kLess };

// "two-sided", "greater", "less".
std::string to_string(Alternative alternative);
// Also accepts R's "two.sided" and "two_sided"; throws UsageError naming the choices otherwise.
Alternative alternative_from_string(const std::string& text);

// log P(X = k), natural log, by Loader's saddle-point expansion (the algorithm of R's dbinom), so that masses far
// below the double range still compare correctly. Its error is a few units in the last place of the log's own
// magnitude (1e-15 relative to P near the mode; ~4e-9 absolute in the log where log P ~ -3e7 at n = 10^8).
// -inf when k is impossible (k < 0, k > n, or p in {0, 1} and k not at the matching end).
double binomial_log_pmf(std::int64_t k, std::int64_t n, double p);

// Natural logs of the tails P(X >= k) and P(X <= k); 0 for a certain event, -inf for an impossible one.
double binomial_log_upper_tail(std::int64_t k, std::int64_t n, double p);
double binomial_log_lower_tail(std::int64_t k, std::int64_t n, double p);
// log of the two-sided ("minlike") p-value described above.
double binomial_log_two_sided_p(std::int64_t k, std::int64_t n, double p);

struct ProportionInterval {
  double lower = 0;
  double upper = 1;
};

// `confidence` in (0, 1), e.g. 0.95. One-sided alternatives give one-sided intervals at the full 1 - confidence.
ProportionInterval clopper_pearson_interval(std::int64_t k, std::int64_t n, double confidence,
                                            Alternative alternative = Alternative::kTwoSided);
// Wilson score interval without continuity correction (Wilson 1927; statsmodels' method "wilson").
ProportionInterval wilson_interval(std::int64_t k, std::int64_t n, double confidence,
                                   Alternative alternative = Alternative::kTwoSided);
// Jeffreys interval: quantiles of Beta(k + 1/2, n - k + 1/2), with lower = 0 when k = 0 and upper = 1 when k = n
// (Brown, Cai and DasGupta 2001, who recommend it; statsmodels does not make these two adjustments).
ProportionInterval jeffreys_interval(std::int64_t k, std::int64_t n, double confidence,
                                     Alternative alternative = Alternative::kTwoSided);

// Standard error of the sample proportion k/n: sqrt(phat (1 - phat) / n). The paper's "std. deviation" of Table 2.
double proportion_standard_error(std::int64_t k, std::int64_t n);
// Standard error under the null hypothesis: sqrt(p0 (1 - p0) / n) (= sqrt(0.25 / n) at p0 = 0.5).
double null_standard_error(double p0, std::int64_t n);

struct BinomialTestOptions {
  // Success probability under the null hypothesis, in [0, 1].
  double p0 = 0.5;
  Alternative alternative = Alternative::kTwoSided;
  // Confidence level of the Clopper-Pearson interval, in (0, 1).
  double confidence = 0.95;
};

struct BinomialTest {
  std::int64_t successes = 0;
  std::int64_t trials = 0;
  BinomialTestOptions options;
  // The p-value for options.alternative. p_value underflows to 0 below ~1e-308; log_p_value (natural log) does not.
  double p_value = 1;
  double log_p_value = 0;
  double estimate = 0;           // successes / trials
  double standard_error = 0;     // proportion_standard_error
  ProportionInterval interval;   // Clopper-Pearson, sided as options.alternative
};

// Throws UsageError when n < 1, k outside [0, n], p0 outside [0, 1] or confidence outside (0, 1).
BinomialTest binomial_test(std::int64_t successes, std::int64_t trials, const BinomialTestOptions& options = {});

// A p-value for people: "0.0026" style with `digits` significant digits, and "1.2e-15" / "10^-4342.9" when it is
// too small for fixed notation or for a double.
std::string format_p_value(double p_value, double log_p_value, int digits = 2);

}  // namespace depthstyle
