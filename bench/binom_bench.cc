// Measures what `depthstyle stats binom K N` computes (exact test, Clopper-Pearson, Wilson and Jeffreys intervals)
// at n = 10^7, against R's binom.test algorithm for the two-sided p-value measured in the same run: R evaluates the
// mass function at every outcome of the other half of the support (n/2 evaluations) to find the outcomes no more
// likely than the observed one, where depthstyle bisects on the unimodal mass function (O(log n) evaluations).
// Both find the same p-value; the benchmark checks that they agree.
//
//   build/bench/binom_bench [--n 10000000] [--repeats 21]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "core/error.h"
#include "stats/binomial.h"

namespace {

using depthstyle::Alternative;

template <typename Work>
double median_milliseconds(int repeats, const Work& work) {
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// R's binom.test, two-sided branch for x > n p: y = #{i <= floor(m) : dbinom(i) <= d (1 + 1e-7)}, then
// p = pbinom(y - 1) + pbinom(x - 1, lower.tail = FALSE).
double r_two_sided_p(std::int64_t k, std::int64_t n, double p) {
  const double threshold = depthstyle::binomial_log_pmf(k, n, p) + std::log1p(1e-7);
  const std::int64_t mode_side = static_cast<std::int64_t>(std::floor(static_cast<double>(n) * p));
  std::int64_t count = 0;
  for (std::int64_t i = 0; i <= mode_side; ++i) count += depthstyle::binomial_log_pmf(i, n, p) <= threshold;
  const double lower = count > 0 ? std::exp(depthstyle::binomial_log_lower_tail(count - 1, n, p)) : 0.0;
  return std::min(1.0, lower + std::exp(depthstyle::binomial_log_upper_tail(k, n, p)));
}

int run(int argc, char** argv) {
  std::int64_t n = 10'000'000;
  int repeats = 21;
  depthstyle::BenchOptions options(
      "binom_bench: stats binom's test and intervals at large n vs R's two-sided algorithm");
  options.value("n", n, "trials")
      .value("repeats", repeats, "timings of depthstyle's computation; the median is reported");
  options.parse(argc, argv);
  if (n < 1 || repeats < 1) throw depthstyle::UsageError("need --n >= 1 and --repeats >= 1");
  // Three standard deviations above the mean: p ~ 0.003, the regime of Table 2.
  const std::int64_t k = n / 2 + static_cast<std::int64_t>(3 * std::sqrt(static_cast<double>(n)) / 2);
  double p_fast = 0, p_r = 0;
  const double fast_ms = median_milliseconds(repeats, [&] {
    const depthstyle::BinomialTest test = depthstyle::binomial_test(k, n, {0.5, Alternative::kTwoSided, 0.95});
    depthstyle::wilson_interval(k, n, 0.95);
    depthstyle::jeffreys_interval(k, n, 0.95);
    p_fast = test.p_value;
  });
  const double r_ms = median_milliseconds(std::max(1, repeats / 7), [&] { p_r = r_two_sided_p(k, n, 0.5); });
  std::printf("stats binom at k = %lld, n = %lld, two-sided (median of %d runs; baseline %d runs)\n",
              static_cast<long long>(k), static_cast<long long>(n), repeats, std::max(1, repeats / 7));
  std::printf("  depthstyle: test + Clopper-Pearson + Wilson + Jeffreys  %10.3f ms   p = %.17g\n", fast_ms, p_fast);
  std::printf("  R's algorithm: two-sided p alone (pmf at n/2 outcomes)  %10.3f ms   p = %.17g\n", r_ms, p_r);
  std::printf("  speed-up                                                %10.0fx\n", r_ms / fast_ms);
  std::printf("  relative difference of the p-values                     %10.2g\n", std::fabs(p_fast - p_r) / p_r);
  std::printf("  goal < 10 ms: %s\n", fast_ms < 10 ? "met" : "NOT met");
  return std::fabs(p_fast - p_r) <= 1e-12 * p_r ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) { return depthstyle::run_benchmark(argc, argv, run); }
