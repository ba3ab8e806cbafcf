// The classical tests of src/stats against base R run at test time (tests/fixtures/stats/classical_tests_reference.R):
// binomial_test (p-value and Clopper-Pearson interval) vs binom.test, the exact McNemar test vs binom.test on the
// discordant pairs, the Wilcoxon signed-rank test (exact and normal approximation) vs wilcox.test, Holm vs p.adjust.
// Needs Rscript (r_reference.h); fails, never skips, without it.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>

#include "r_reference.h"
#include "stats/binomial.h"
#include "stats/multiple_testing.h"
#include "stats/paired_tests.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::near_reference;
using testing::r_value;

std::string r_alternative(Alternative alternative) {
  switch (alternative) {
    case Alternative::kGreater: return "greater";
    case Alternative::kLess: return "less";
    default: return "two.sided";
  }
}

struct BinomialCase {
  std::int64_t k, n;
  double p0;
  Alternative alternative;
  double confidence;
};

// Seeded differences: `count` values rounded to `decimals` (few decimals make ties), shifted by `shift`.
std::vector<double> differences(int count, int decimals, double shift, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::vector<double> values;
  const double scale = std::pow(10.0, decimals);
  for (int i = 0; i < count; ++i) {
    const double uniform = (static_cast<double>(generator() >> 11) + 0.5) * 0x1p-53;
    values.push_back(std::round((uniform - 0.5 + shift) * 4 * scale) / scale);
  }
  return values;
}

TEST(ClassicalTestsVersusR, BinomialMcNemarWilcoxonAndHolm) {
  const std::vector<BinomialCase> binomial_cases = {
      {207, 360, 0.5, Alternative::kTwoSided, 0.95}, {3, 40, 0.2, Alternative::kTwoSided, 0.9},
      {0, 12, 0.5, Alternative::kTwoSided, 0.95},    {12, 12, 0.5, Alternative::kTwoSided, 0.99},
      {58, 100, 0.5, Alternative::kGreater, 0.95},   {5, 30, 0.3, Alternative::kLess, 0.95},
      {500400, 1000000, 0.5, Alternative::kTwoSided, 0.95}};
  const std::vector<std::pair<std::int64_t, std::int64_t>> mcnemar_cases = {{3, 11}, {40, 25}, {0, 7}, {120, 80}};
  struct WilcoxonCase {
    std::vector<double> differences;
    Alternative alternative;
    bool exact;  // what R is asked for, and what depthstyle must choose
  };
  const std::vector<WilcoxonCase> wilcoxon_cases = {
      {differences(20, 6, 0.1, 1), Alternative::kTwoSided, true},
      {differences(15, 6, -0.2, 2), Alternative::kGreater, true},
      {differences(30, 1, 0.15, 3), Alternative::kTwoSided, false},  // ties: normal approximation
      {differences(80, 6, 0.05, 4), Alternative::kLess, false}};     // n > 50: normal approximation
  const std::vector<double> holm_input = {0.01, 0.04, 0.03, 0.005, 0.2, 0.04};

  testing::TempDir dir;
  std::ofstream cases(dir / "cases.txt");
  cases.precision(17);
  for (std::size_t i = 0; i < binomial_cases.size(); ++i) {
    const BinomialCase& c = binomial_cases[i];
    cases << "binom b" << i << ' ' << c.k << ' ' << c.n << ' ' << c.p0 << ' ' << r_alternative(c.alternative) << ' '
          << c.confidence << '\n';
  }
  for (std::size_t i = 0; i < mcnemar_cases.size(); ++i) {
    cases << "mcnemar m" << i << ' ' << mcnemar_cases[i].first << ' ' << mcnemar_cases[i].second << '\n';
  }
  for (std::size_t i = 0; i < wilcoxon_cases.size(); ++i) {
    cases << "wilcox w" << i << ' ' << (wilcoxon_cases[i].exact ? "TRUE" : "FALSE") << ' '
          << r_alternative(wilcoxon_cases[i].alternative);
    for (double d : wilcoxon_cases[i].differences) cases << ' ' << d;
    cases << '\n';
  }
  cases << "holm h";
  for (double p : holm_input) cases << ' ' << p;
  cases << '\n';
  cases.close();
  const std::map<std::string, double> r =
      testing::run_r_reference("classical_tests_reference.R", {(dir / "cases.txt").string()});
  ASSERT_FALSE(r.empty());

  for (std::size_t i = 0; i < binomial_cases.size(); ++i) {
    const BinomialCase& c = binomial_cases[i];
    const BinomialTest test = binomial_test(c.k, c.n, {c.p0, c.alternative, c.confidence});
    const std::string id = "b" + std::to_string(i);
    EXPECT_TRUE(near_reference(id + " p", test.p_value, r_value(r, id + "_p"), 1e-9, 1e-15));
    EXPECT_TRUE(near_reference(id + " lower", test.interval.lower, r_value(r, id + "_lower"), 1e-9, 1e-15));
    EXPECT_TRUE(near_reference(id + " upper", test.interval.upper, r_value(r, id + "_upper"), 1e-9, 1e-15));
  }
  for (std::size_t i = 0; i < mcnemar_cases.size(); ++i) {
    const McNemarTest test = mcnemar_exact_test(mcnemar_cases[i].first, mcnemar_cases[i].second);
    const std::string id = "m" + std::to_string(i);
    EXPECT_TRUE(near_reference(id + " McNemar p", test.p_value, r_value(r, id + "_p"), 1e-9, 1e-15));
  }
  for (std::size_t i = 0; i < wilcoxon_cases.size(); ++i) {
    const WilcoxonSignedRankTest test =
        wilcoxon_signed_rank_test(wilcoxon_cases[i].differences, wilcoxon_cases[i].alternative);
    const std::string id = "w" + std::to_string(i);
    EXPECT_EQ(test.exact, wilcoxon_cases[i].exact) << id;
    EXPECT_TRUE(near_reference(id + " V", test.statistic, r_value(r, id + "_V"), 0, 1e-9));
    EXPECT_TRUE(near_reference(id + " Wilcoxon p", test.p_value, r_value(r, id + "_p"), 1e-9, 1e-15));
  }
  const std::vector<double> holm = holm_adjusted_p_values(holm_input);
  for (std::size_t i = 0; i < holm.size(); ++i) {
    EXPECT_TRUE(near_reference("Holm " + std::to_string(i + 1), holm[i], r_value(r, "h_" + std::to_string(i + 1)),
                               1e-12));
  }
}

}  // namespace
}  // namespace depthstyle
