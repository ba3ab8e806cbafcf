// The study analysis on a small hand-made study (tests/fixtures/stats/study_small/answers.csv: 6 respondents, three
// methods, sentinels and swapped repeats, one careless respondent) against numbers derived by hand from the file,
// and every output file against its golden copy (expected/). Set DEPTHSTYLE_UPDATE_GOLDEN=1 to rewrite the golden
// files after a deliberate change, then review the diff.
#include "stats/study_analysis.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/atomic_file.h"
#include "core/error.h"
#include "survey/answers_csv.h"
#include "survey/study_report.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// The options the golden files were written with (also: depthstyle analyze answers.csv --max-sentinel-failures 0
// --min-repeat-consistency 0.5 --min-median-response-ms 500 --bootstrap 200 --seed 7).
StudyAnalysisOptions small_study_options() {
  StudyAnalysisOptions options;
  options.max_sentinel_failures = 0;
  options.min_repeat_consistency = 0.5;
  options.min_median_response_ms = 500;
  options.bootstrap_replicates = 200;
  options.respondent_seed = 5433361506119552918u;  // derive_seed(7, "bootstrap.respondents")
  options.item_seed = 9139887989000903305u;        // derive_seed(7, "bootstrap.items")
  return options;
}

// Named by its file name only, so the golden files do not depend on where the checkout lives.
Study small_study() {
  return parse_study_answers_csv(read_file(testing::fixture_path("stats/study_small/answers.csv")), "answers.csv");
}

TEST(StudyAnalysis, SmallStudyNumbersDerivedByHand) {
  const StudyAnalysis analysis = analyze_study(small_study(), small_study_options());
  // r6 failed the sentinel, flipped on the repeat and answered in ~300 ms: excluded by all three rules.
  ASSERT_EQ(analysis.respondent_summaries.size(), 6u);
  EXPECT_EQ(analysis.excluded_respondents, 1);
  EXPECT_EQ(analysis.respondent_summaries[5].exclusion,
            "1 sentinel failures > 0; repeat consistency 0% < 50%; median response 300 ms < 500 ms");
  EXPECT_EQ(analysis.respondent_summaries[3].median_response_ms, 2400);  // r4: 6 recorded times, one missing
  // Table 2 over p1..p3 and r1..r5: 3 + 2 + 2 + 2 + 1 = 10 votes of 15; P(X >= 10 | 15) = 4944 / 32768.
  EXPECT_EQ(analysis.items, 3);
  EXPECT_EQ(analysis.respondents, 5);
  EXPECT_EQ(analysis.responses, 15);
  EXPECT_EQ(analysis.votes, 10);
  EXPECT_DOUBLE_EQ(analysis.test.p_value, 4944.0 / 32768);
  EXPECT_DOUBLE_EQ(analysis.two_sided.p_value, 2 * 4944.0 / 32768);
  // Four respondents preferred da-adain, one adain: sign test P(X >= 4 | 5) = 6/32.
  EXPECT_EQ(analysis.respondent_sign_test.positive, 4);
  EXPECT_EQ(analysis.respondent_sign_test.negative, 1);
  EXPECT_DOUBLE_EQ(analysis.respondent_sign_test.p_value, 6.0 / 32);
  ASSERT_EQ(analysis.item_summaries.size(), 3u);
  EXPECT_EQ(analysis.item_summaries[2].votes, 4);
  // Three methods: three pairs, Holm triples the smallest p; Bradley-Terry from the 5 + 10 + 3 + 2 + 2 + 3 wins.
  ASSERT_EQ(analysis.method_pairs.size(), 3u);
  EXPECT_EQ(analysis.method_pairs[0].first, "adain");
  EXPECT_EQ(analysis.method_pairs[0].first_votes, 5);
  EXPECT_DOUBLE_EQ(analysis.method_pairs[0].p_holm, 3 * analysis.method_pairs[0].p_two_sided);
  ASSERT_TRUE(analysis.bradley_terry && analysis.bradley_terry->estimable);
  EXPECT_EQ(analysis.methods, (std::vector<std::string>{"adain", "da-adain", "wct"}));
  ASSERT_TRUE(analysis.bootstrap);
  EXPECT_EQ(analysis.bootstrap->replicates, 200);
  EXPECT_GT(analysis.design_effect, 0.0);
  // 15 responses cannot detect a 60% preference.
  ASSERT_EQ(analysis.warnings.size(), 2u);
  EXPECT_NE(analysis.warnings[1].find("n = 15 responses is below the 158 independent responses needed"),
            std::string::npos);
}

TEST(StudyAnalysis, OutputFilesMatchTheGoldenCopies) {
  const StudyAnalysis analysis = analyze_study(small_study(), small_study_options());
  testing::TempDir dir;
  write_study_outputs(analysis, dir.path());
  const std::filesystem::path golden = testing::fixture_path("stats/study_small/expected");
  const bool update = std::getenv("DEPTHSTYLE_UPDATE_GOLDEN") != nullptr;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    ++files;
    if (update) {
      write_file_atomically(golden / name, read_file(entry.path()));
      continue;
    }
    ASSERT_TRUE(std::filesystem::exists(golden / name)) << "no golden copy of " << name;
    EXPECT_EQ(read_file(entry.path()), read_file(golden / name)) << name << " differs from its golden copy";
  }
  // table2, conventions, respondent_view, clustered, items, respondents, method_pairs, bradley_terry, planning,
  // analysis.json, report.md, report.html.
  EXPECT_EQ(files, 12u);
}

TEST(StudyAnalysis, BootstrapIsDeterministicUnderFixedSeeds) {
  const Study study = small_study();
  StudyAnalysisOptions options = small_study_options();
  const StudyAnalysis first = analyze_study(study, options);
  const StudyAnalysis again = analyze_study(study, options);
  EXPECT_EQ(first.bootstrap->standard_error, again.bootstrap->standard_error);
  EXPECT_EQ(first.bootstrap->interval.lower, again.bootstrap->interval.lower);
  options.item_seed += 1;
  EXPECT_NE(analyze_study(study, options).bootstrap->standard_error, first.bootstrap->standard_error);
}

TEST(StudyAnalysis, PaperCountsPrintAsThePaperDoes) {
  StudyAnalysisOptions options;
  const StudyAnalysis analysis = analyze_counts(207, 360, 20, 18, options);
  const std::vector<NamedTable> tables = study_tables(analysis, {"57.5%", "2.6%", "0.0026"});
  ASSERT_EQ(tables[0].name, "table2");
  const std::string markdown = tables[0].table.to_markdown();
  EXPECT_NE(markdown.find("| 20 | 18 | 360 | 207 | 57.5% | 2.6% | 0.0026 | greater | 52.2% | 62.7% | 0.0051 |"),
            std::string::npos)
      << markdown;
  const std::string conventions = tables[1].table.to_csv();
  EXPECT_NE(conventions.find("sqrt(p (1 - p) / n), p = observed proportion\",0.026054163668105805,2.6%,2.6%,yes"),
            std::string::npos)
      << conventions;
  EXPECT_NE(conventions.find("P(X >= 207 | n = 360, p0 = 0.5)\",0.002572775667312971,0.0026,0.0026,yes"),
            std::string::npos)
      << conventions;
  EXPECT_NE(conventions.find("two-sided (minlike, as R and SciPy)\",0.005145551334625943,0.0051,0.0026,no"),
            std::string::npos)
      << conventions;
  EXPECT_TRUE(analysis.warnings.empty());
  EXPECT_EQ(paper_p_value(0.0025727756673129707), "0.0026");
  EXPECT_EQ(paper_percent(0.026054), "2.6%");
}

TEST(StudyAnalysis, MisconfiguredAnalysesAreUsageErrors) {
  StudyAnalysisOptions options = small_study_options();
  options.proposed = "da_adain";
  EXPECT_THROW_MESSAGE(analyze_study(small_study(), options), UsageError,
                       "no included answer compares the proposed method 'da_adain' with the baseline 'adain' "
                       "(did you mean 'da-adain'?); compared pairs: adain vs da-adain, da-adain vs wct, adain vs wct");
  options = StudyAnalysisOptions{};
  options.bootstrap_replicates = 1;
  EXPECT_THROW_MESSAGE(analyze_counts(1, 2, 0, 0, options), UsageError, "bootstrap replicates = 1");
  options = StudyAnalysisOptions{};
  options.alternative = Alternative::kLess;
  EXPECT_THROW_MESSAGE(analyze_counts(1, 2, 0, 0, options), UsageError,
                       "the effect 0.6 is not on the less side of p0 = 0.5");
  EXPECT_THROW_MESSAGE(parse_vote_counts("207-360"), UsageError,
                       "'207-360': expected VOTES/RESPONSES with 0 <= VOTES <= RESPONSES, e.g. 207/360");
  EXPECT_THROW_MESSAGE(parse_vote_counts("361/360"), UsageError, "expected VOTES/RESPONSES");
  EXPECT_EQ(parse_vote_counts("207/360").votes, 207);
}

}  // namespace
}  // namespace depthstyle
