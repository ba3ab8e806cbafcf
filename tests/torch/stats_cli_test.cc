// depthstyle stats end to end: the printed numbers and conventions, JSON output, and usage errors (exit code 2).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "support/test_support.h"

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
  const ProcessResult analyze = run_cli({"analyze", "--help"});
  EXPECT_EQ(analyze.exit_code, 0) << analyze.output;
  EXPECT_NE(analyze.output.find("usage: depthstyle analyze ANSWERS... [options]"), std::string::npos) << analyze.output;
}

TEST(StatsCli, McNemarAndPower) {
  const ProcessResult mcnemar = run_cli({"stats", "mcnemar", "7", "1"});
  ASSERT_EQ(mcnemar.exit_code, 0) << mcnemar.output;
  EXPECT_NE(mcnemar.output.find("p-value (exact, two-sided)  0.0703125"), std::string::npos) << mcnemar.output;
  const ProcessResult power = run_cli({"stats", "power", "--effect", "0.6"});
  ASSERT_EQ(power.exit_code, 0) << power.output;
  EXPECT_NE(power.output.find("minimum n (exact)           158 (power 0.8057"), std::string::npos) << power.output;
}

TEST(AnalyzeCli, CountsPrintTable2AsThePaperDoes) {
  const ProcessResult result = run_cli({"analyze", "--counts", "207/360", "--pairs", "20", "--respondents", "18"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("| 20 | 18 | 360 | 207 | 57.5% | 2.6% | 0.0026 | greater | 52.2% | 62.7% | 0.0051 |"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("| p-value | exact binomial, one-sided greater: P(X \\>= 207 \\| n = 360, p0 = 0.5) | "
                               "0.00257278 | 0.0026 |"),
            std::string::npos)
      << result.output;
}

TEST(AnalyzeCli, AnswersCsvGivesTheSameTablesAsTheLibrary) {
  testing::TempDir dir;
  const ProcessResult result = run_cli(
      {"analyze", testing::fixture_path("stats/study_small/answers.csv").string(), "--max-sentinel-failures", "0",
       "--min-repeat-consistency", "0.5", "--min-median-response-ms", "500", "--bootstrap", "200", "--seed", "7",
       "--out", dir.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("report: " + (dir.path() / "report.html").string()), std::string::npos);
  for (const char* file : {"table2.csv", "respondents.csv", "clustered.csv", "bradley_terry.csv", "items.csv"}) {
    EXPECT_EQ(read_file(dir / file), read_file(testing::fixture_path("stats/study_small/expected") / file)) << file;
  }
}

TEST(AnalyzeCli, BadInputAndMissingArgumentsAreReported) {
  const ProcessResult none = run_cli({"analyze"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.output.find("expected one answers CSV (or --counts), got 0"), std::string::npos) << none.output;
  const ProcessResult counts = run_cli({"analyze", "--counts", "207:360"});
  EXPECT_EQ(counts.exit_code, 2);
  EXPECT_NE(counts.output.find("--counts '207:360': expected VOTES/RESPONSES"), std::string::npos) << counts.output;
  testing::TempDir dir;
  testing::write_text(dir / "bad.csv", "respondent,trial,pair,left_method,right_method,chosen_method,response_ms,time\n"
                                       "r1,t1,p1,adain,da-adain,da-adain,fast,\n");
  const ProcessResult bad = run_cli({"analyze", (dir / "bad.csv").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("bad.csv:2: column 'response_ms' (7): expected whole milliseconds >= 0 or nothing, "
                            "found 'fast'"),
            std::string::npos)
      << bad.output;
}

TEST(AnalyzeCli, Table2PaperConfigRunsAndMatchesThePaper) {
  testing::TempDir dir;
  const ProcessResult result =
      run_cli({"run", (std::filesystem::path(DEPTHSTYLE_SOURCE_DIR) / "configs/table2_paper.yaml").string()},
              dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::filesystem::path run = dir / "runs/study_analysis/table2_paper";
  EXPECT_EQ(read_file(run / "table2.csv"),
            "image_pairs,respondents,responses,votes,proportion,std_deviation,p_value,alternative,interval_lower,"
            "interval_upper,p_two_sided\n"
            "20,18,360,207,0.575,0.026054163668105805,0.002572775667312971,greater,0.5221043285915754,"
            "0.6266518936847902,0.005145551334625943\n");
  const std::string conventions = read_file(run / "conventions.csv");
  EXPECT_NE(conventions.find("0.002572775667312971,0.0026,0.0026,yes"), std::string::npos) << conventions;
  EXPECT_NE(conventions.find("0.005145551334625943,0.0051,0.0026,no"), std::string::npos) << conventions;
  EXPECT_NE(result.output.find("| 20 | 18 | 360 | 207 | 57.5% | 2.6% | 0.0026 |"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace depthstyle
