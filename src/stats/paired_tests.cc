#include "stats/paired_tests.h"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "stats/ranks.h"

namespace depthstyle {
namespace {

void check_differences(const std::vector<double>& differences, const char* what) {
  for (std::size_t i = 0; i < differences.size(); ++i) {
    if (std::isnan(differences[i])) throw UsageError(concat(what, ": difference ", i, " is NaN"));
  }
}

double exact_tail(const std::vector<double>& counts, double statistic, Alternative side, int n) {
  const double total = std::ldexp(1.0, n);
  const std::size_t v = static_cast<std::size_t>(statistic);
  double sum = 0;
  if (side == Alternative::kGreater) {
    for (std::size_t i = v; i < counts.size(); ++i) sum += counts[i];
  } else {
    for (std::size_t i = 0; i <= v && i < counts.size(); ++i) sum += counts[i];
  }
  return sum / total;
}

}  // namespace

McNemarTest mcnemar_exact_test(std::int64_t first_only, std::int64_t second_only) {
  if (first_only < 0 || second_only < 0) {
    throw UsageError(concat("McNemar test: discordant counts must be >= 0, got ", first_only, " and ", second_only));
  }
  // The binomial test's bound on n, checked before b + c is formed: 2^62 + 2^62 overflowed int64 and gave p = 0.
  if (first_only > kMaxTrials || second_only > kMaxTrials - first_only) {
    throw UsageError(concat("McNemar test: b + c = ", first_only, " + ", second_only,
                            " discordant items is more than 2^53 (", kMaxTrials, "), beyond which counts are not "
                            "exact doubles"));
  }
  McNemarTest test;
  test.first_only = first_only;
  test.second_only = second_only;
  const std::int64_t discordant = first_only + second_only;
  if (discordant == 0) return test;
  test.log_p_value = binomial_log_two_sided_p(first_only, discordant, 0.5);
  test.p_value = std::exp(test.log_p_value);
  // 2 P(X <= m) - P(X = m) = P(X <= m) (2 - P(X = m) / P(X <= m)), in logs so that it cannot underflow.
  const std::int64_t smaller = std::min(first_only, second_only);
  const double log_lower = binomial_log_lower_tail(smaller, discordant, 0.5);
  const double log_mid = log_lower + std::log(2 - std::exp(binomial_log_pmf(smaller, discordant, 0.5) - log_lower));
  test.mid_p_value = std::min(1.0, std::exp(log_mid));
  return test;
}

McNemarTest mcnemar_exact_test(const std::vector<bool>& first_correct, const std::vector<bool>& second_correct) {
  if (first_correct.size() != second_correct.size()) {
    throw UsageError(concat("McNemar test: the two methods were scored on different numbers of items (",
                            first_correct.size(), " and ", second_correct.size(), ")"));
  }
  std::int64_t first_only = 0, second_only = 0;
  for (std::size_t i = 0; i < first_correct.size(); ++i) {
    first_only += first_correct[i] && !second_correct[i];
    second_only += !first_correct[i] && second_correct[i];
  }
  return mcnemar_exact_test(first_only, second_only);
}

SignTest sign_test(std::int64_t positive, std::int64_t negative, Alternative alternative, std::int64_t zeros) {
  if (positive < 0 || negative < 0 || zeros < 0) {
    throw UsageError(concat("sign test: counts must be >= 0, got ", positive, " positive, ", negative,
                            " negative, ", zeros, " zero"));
  }
  SignTest test;
  test.positive = positive;
  test.negative = negative;
  test.zeros = zeros;
  test.alternative = alternative;
  if (positive + negative == 0) return test;
  const BinomialTest binomial = binomial_test(positive, positive + negative, {0.5, alternative, 0.95});
  test.p_value = binomial.p_value;
  test.log_p_value = binomial.log_p_value;
  return test;
}

SignTest sign_test(const std::vector<double>& differences, Alternative alternative) {
  check_differences(differences, "sign test");
  std::int64_t positive = 0, negative = 0, zeros = 0;
  for (const double difference : differences) {
    if (difference > 0) ++positive;
    else if (difference < 0) ++negative;
    else ++zeros;
  }
  return sign_test(positive, negative, alternative, zeros);
}

std::vector<double> wilcoxon_signed_rank_counts(int n) {
  DEPTHSTYLE_ASSERT(n >= 0 && n <= kWilcoxonExactLimit);
  // counts over subsets of the ranks {1..i}, built one rank at a time (each rank is either positive or not).
  std::vector<double> counts(static_cast<std::size_t>(n) * (n + 1) / 2 + 1, 0.0);
  counts[0] = 1;
  std::size_t highest = 0;
  for (int rank = 1; rank <= n; ++rank) {
    highest += static_cast<std::size_t>(rank);
    for (std::size_t v = highest; v >= static_cast<std::size_t>(rank); --v) counts[v] += counts[v - rank];
  }
  return counts;
}

WilcoxonSignedRankTest wilcoxon_signed_rank_test(const std::vector<double>& differences, Alternative alternative) {
  check_differences(differences, "Wilcoxon signed-rank test");
  WilcoxonSignedRankTest test;
  test.alternative = alternative;
  std::vector<double> nonzero;
  for (const double difference : differences) {
    if (difference != 0) nonzero.push_back(difference);
  }
  test.zeros = static_cast<std::int64_t>(differences.size() - nonzero.size());
  test.nonzero = static_cast<std::int64_t>(nonzero.size());
  const std::size_t n = nonzero.size();
  if (n == 0) return test;

  // Midranks of the absolute differences; tie groups feed the variance correction sum(t^3 - t).
  std::vector<double> absolute(n);
  for (std::size_t i = 0; i < n; ++i) absolute[i] = std::fabs(nonzero[i]);
  const Ranking ranking = midranks(absolute);
  for (std::size_t i = 0; i < n; ++i) {
    if (nonzero[i] > 0) test.statistic += ranking.ranks[i];
  }
  const double tie_sum = ranking.tie_sum;
  test.ties = tie_sum > 0;

  const double dn = static_cast<double>(n);
  if (!test.ties && test.nonzero <= kWilcoxonExactLimit) {
    test.exact = true;
    const std::vector<double> counts = wilcoxon_signed_rank_counts(static_cast<int>(n));
    const double upper = exact_tail(counts, test.statistic, Alternative::kGreater, static_cast<int>(n));
    const double lower = exact_tail(counts, test.statistic, Alternative::kLess, static_cast<int>(n));
    switch (alternative) {
      case Alternative::kGreater: test.p_value = upper; break;
      case Alternative::kLess: test.p_value = lower; break;
      case Alternative::kTwoSided: test.p_value = std::min(1.0, 2 * std::min(upper, lower)); break;
    }
    return test;
  }

  const double centred = test.statistic - dn * (dn + 1) / 4;
  const double sigma = std::sqrt(dn * (dn + 1) * (2 * dn + 1) / 24 - tie_sum / 48);
  double correction = 0.5;
  if (alternative == Alternative::kLess) correction = -0.5;
  if (alternative == Alternative::kTwoSided) correction = centred > 0 ? 0.5 : centred < 0 ? -0.5 : 0.0;
  test.z = (centred - correction) / sigma;
  const boost::math::normal_distribution<double> normal;
  const double upper = boost::math::cdf(boost::math::complement(normal, test.z));
  const double lower = boost::math::cdf(normal, test.z);
  switch (alternative) {
    case Alternative::kGreater: test.p_value = upper; break;
    case Alternative::kLess: test.p_value = lower; break;
    case Alternative::kTwoSided: test.p_value = std::min(1.0, 2 * std::min(upper, lower)); break;
  }
  return test;
}

}  // namespace depthstyle
