// depthstyle stats end to end: the printed numbers and conventions, JSON output, and usage errors (exit code 2).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace depthstyle {
namespace {

using testing::run_cli;

TEST(StatsCli, BinomPrintsTable2NumbersWithTheirConventions) {
  const ProcessResult result = run_cli({"stats", "binom", "207", "360", "--alternative", "greater"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output,
            "exact binomial test: k = 207 successes in n = 360 trials, null proportion p0 = 0.5\n"
            "  alternative     greater (true proportion > 0.5: p = P(X >= 207))\n"
            "  p-value         0.002572775667312971 (0.0026)\n"
            "  proportion      0.575 (57.5%)\n"
            "  standard error  0.0260542 (2.6%) = sqrt(phat (1 - phat) / n); under the null sqrt(p0 (1 - p0) / n) = "
            "0.0263523 (2.6%)\n"
            "  95% interval (one-sided, on the alternative's side)\n"
            "    Clopper-Pearson (exact)  [0.5304109362458768, 1]\n"
            "    Wilson score             [0.5317417340413707, 1]  (no continuity correction)\n"
            "    Jeffreys                 [0.5318096039905722, 1]  (Beta(k + 1/2, n - k + 1/2) quantiles)\n");
}

TEST(StatsCli, BinomJsonCarriesFullPrecisionAndTheLogPValue) {
  const ProcessResult result = run_cli({"stats", "binom", "50500007", "100000000", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json out = nlohmann::json::parse(result.output);
  EXPECT_EQ(out["alternative"], "two-sided");
  EXPECT_EQ(out["p_value"].get<double>(), 0.0);
  EXPECT_NEAR(out["log_p_value"].get<double>(), -5005.044416, 1e-5);
  EXPECT_EQ(out["clopper_pearson"].size(), 2u);
}

TEST(StatsCli, BadArgumentsAreUsageErrors) {
  const ProcessResult not_a_count = run_cli({"stats", "binom", "2.5", "10"});
  EXPECT_EQ(not_a_count.exit_code, 2);
  EXPECT_NE(not_a_count.output.find("depthstyle stats binom: K = '2.5' is not a whole number >= 0"),
            std::string::npos) << not_a_count.output;
  const ProcessResult too_many = run_cli({"stats", "binom", "11", "10"});
  EXPECT_EQ(too_many.exit_code, 2);
  EXPECT_NE(too_many.output.find("successes k = 11 must be in [0, n = 10]"), std::string::npos) << too_many.output;
  const ProcessResult side = run_cli({"stats", "binom", "1", "10", "--alternative", "bigger"});
  EXPECT_EQ(side.exit_code, 2);
  EXPECT_NE(side.output.find("expected one of two-sided, greater, less"), std::string::npos) << side.output;
}

TEST(StatsCli, EveryVerbHasHelp) {
  for (const char* verb : {"binom", "mcnemar", "power"}) {
    const ProcessResult result = run_cli({"stats", verb, "--help"});
    EXPECT_EQ(result.exit_code, 0) << verb << ": " << result.output;
    EXPECT_NE(result.output.find(std::string("usage: depthstyle stats ") + verb), std::string::npos) << result.output;
  }
}

TEST(StatsCli, McNemarAndPower) {
  const ProcessResult mcnemar = run_cli({"stats", "mcnemar", "7", "1"});
  ASSERT_EQ(mcnemar.exit_code, 0) << mcnemar.output;
  EXPECT_NE(mcnemar.output.find("p-value (exact, two-sided)  0.0703125"), std::string::npos) << mcnemar.output;
  const ProcessResult power = run_cli({"stats", "power", "--effect", "0.6"});
  ASSERT_EQ(power.exit_code, 0) << power.output;
  EXPECT_NE(power.output.find("minimum n (exact)           158 (power 0.8057"), std::string::npos) << power.output;
}

}  // namespace
}  // namespace depthstyle
