// The ablation summary on a small fixed grid of result rows (2 contents x 3 styles, AdaIN and four DA-AdaIN
// settings, one failed cell, one AdaIN row split by another depth source): means, paired tests checked by hand, and
// every output file against its golden copy (tests/fixtures/ablation/expected; regenerate with
// DEPTHSTYLE_UPDATE_GOLDEN=1 and read the diff before committing).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>

#include "ablation/ablation_report.h"
#include "ablation/ablation_summary.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "stats/multiple_testing.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// DA-AdaIN minus AdaIN in depth agreement, per content/style pair, for each (beta, eps).
const std::map<std::pair<double, double>, std::vector<double>> kDifferences = {
    {{0, 0}, {0.01, -0.02, 0, 0, 0.03, -0.01}},
    {{0, 0.15}, {0.02, 0.01, -0.03, 0.04, 0.005, 0.015}},
    {{20, 0}, {0.05, 0.03, -0.01, 0.04, 0.02, 0.06}},
    {{20, 0.15}, {0.07, 0.02, 0.01, -0.02, 0.03, 0.09}},
};

nlohmann::json scored_row(const std::string& content, const std::string& style, double agreement) {
  nlohmann::json row = {{"content", content}, {"style", style}, {"style_mode", "single"}, {"content_size", 512},
                        {"style_size", 512}, {"status", "ok"}, {"regions_depth", "map"}};
  const std::map<std::string, double> family = {{"depth_agreement", agreement},
                                                {"depth_spearman", 0.9 * agreement - 0.1},
                                                {"content_distance", 10 - 5 * agreement},
                                                {"style_distance", 1 + agreement}};
  for (const auto& [key, value] : family) {
    row[key] = value;
    row[key + "_near"] = value + 0.01;
    row[key + "_far"] = value - 0.01;
  }
  return row;
}

std::vector<GridRecord> small_grid() {
  std::vector<nlohmann::json> rows;
  int pair = 0;
  for (const char* content : {"c1", "c2"}) {
    for (const char* style : {"s1", "s2", "s3"}) {
      const double adain = 0.5 + 0.02 * pair;
      nlohmann::json row = scored_row(content, style, adain);
      row.update({{"method", "adain"}, {"content_weight", 0.0}, {"depth", nullptr}, {"beta", nullptr}, {"eps", nullptr}});
      if (pair == 2) row["regions_depth"] = "other";  // its near/far scores cover other cells: not comparable
      rows.push_back(row);
      for (const auto& [setting, differences] : kDifferences) {
        row = scored_row(content, style, adain + differences[pair]);
        row.update({{"method", "da-adain"}, {"content_weight", nullptr}, {"depth", "map"}, {"beta", setting.first},
                    {"eps", setting.second}});
        if (setting == std::pair<double, double>{20, 0.15} && pair == 5) {
          row = {{"content", content}, {"style", style}, {"style_mode", "single"}, {"content_size", 512},
                 {"style_size", 512}, {"method", "da-adain"}, {"depth", "map"}, {"beta", 20}, {"eps", 0.15},
                 {"status", "failed"}, {"error", "decoder ran out of memory"}};
        }
        rows.push_back(row);
      }
      ++pair;
    }
  }
  std::vector<GridRecord> records;
  for (nlohmann::json& row : rows) {
    row["key"] = "cell " + std::to_string(records.size() + 1);
    records.push_back(grid_record_from_json(row, row["key"].get<std::string>()));
  }
  return records;
}

const PairedComparison& comparison_of(const AblationSummary& summary, const std::string& setting,
                                      const std::string& score) {
  for (const PairedComparison& comparison : summary.comparisons) {
    if (comparison.setting_key == setting && comparison.score == score) return comparison;
  }
  throw Error("no comparison " + setting + " " + score);
}

TEST(AblationSummary, MeansPerSettingOverTheOkPairs) {
  const AblationSummary summary = summarize_ablation(small_grid(), {});
  ASSERT_EQ(summary.settings.size(), 5u);
  EXPECT_EQ(summary.settings[0].key, "method=adain,content_weight=0,content_size=512,style_size=512");
  EXPECT_EQ(summary.settings[3].key, "method=da-adain,depth=map,beta=20,eps=0,content_size=512,style_size=512");
  const SettingSummary& da = summary.settings[3];
  EXPECT_EQ(da.cells, 6);
  EXPECT_EQ(da.contents, 2);
  EXPECT_EQ(da.styles, 3);
  // AdaIN 0.5 + 0.02 p (p = 0..5, mean 0.55) plus the differences (sum 0.19).
  const MeanEstimate& agreement = da.scores[0];
  EXPECT_EQ(agreement.n, 6);
  EXPECT_NEAR(agreement.mean, 0.55 + 0.19 / 6, 1e-14);
  std::vector<double> values;
  for (int p = 0; p < 6; ++p) values.push_back(0.5 + 0.02 * p + kDifferences.at({20, 0})[p]);
  const MeanEstimate expected = mean_with_t_interval(values, 0.95);
  EXPECT_DOUBLE_EQ(agreement.lower, expected.lower);
  EXPECT_DOUBLE_EQ(agreement.upper, expected.upper);
  // The failed cell is counted, not averaged.
  const SettingSummary& with_failure = summary.settings[4];
  EXPECT_EQ(with_failure.cells, 6);
  EXPECT_EQ(with_failure.failed, 1);
  EXPECT_EQ(with_failure.scores[0].n, 5);
  ASSERT_EQ(summary.warnings.size(), 1u);
  EXPECT_EQ(summary.warnings[0], "method=da-adain,depth=map,beta=20,eps=0.15,content_size=512,style_size=512: 1 "
                                 "failed cell(s)");
}

TEST(AblationSummary, PairedTestsByHand) {
  const AblationSummary summary = summarize_ablation(small_grid(), {});
  const std::string beta20 = "method=da-adain,depth=map,beta=20,eps=0,content_size=512,style_size=512";
  const PairedComparison& whole = comparison_of(summary, beta20, "depth_agreement");
  EXPECT_EQ(whole.reference_key, "method=adain,content_weight=0,content_size=512,style_size=512");
  EXPECT_EQ(whole.pairs, 6);
  // |d| = 0.05 0.03 0.01 0.04 0.02 0.06 -> ranks 5 3 1 4 2 6; only rank 1 is negative: V = 20. Exactly, P(V >= 20)
  // = #{subsets of 1..6 with sum <= 1} / 64 = 2/64, two-sided 4/64. Sign test: 5 of 6 positive, 2 * 7/64.
  EXPECT_EQ(whole.wilcoxon.statistic, 20);
  EXPECT_TRUE(whole.wilcoxon.exact);
  EXPECT_DOUBLE_EQ(whole.wilcoxon.p_value, 4.0 / 64);
  EXPECT_DOUBLE_EQ(whole.sign.p_value, 14.0 / 64);
  EXPECT_NEAR(whole.mean_difference, 0.19 / 6, 1e-14);
  EXPECT_NEAR(whole.median_difference, 0.035, 1e-14);
  // Near: the pair whose AdaIN row was split by another depth source is left out.
  EXPECT_EQ(comparison_of(summary, beta20, "depth_agreement_near").pairs, 5);
  // Zero differences are dropped by both tests.
  const PairedComparison& zeros =
      comparison_of(summary, "method=da-adain,depth=map,beta=0,eps=0,content_size=512,style_size=512", "depth_agreement");
  EXPECT_EQ(zeros.pairs, 6);
  EXPECT_EQ(zeros.wilcoxon.nonzero, 4);
  EXPECT_EQ(zeros.sign.zeros, 2);
  // The failed cell leaves five pairs.
  EXPECT_EQ(comparison_of(summary, "method=da-adain,depth=map,beta=20,eps=0.15,content_size=512,style_size=512",
                          "depth_agreement")
                .pairs,
            5);
  // Holm over the four comparisons of each score.
  std::vector<double> family;
  for (const PairedComparison& comparison : summary.comparisons) {
    if (comparison.score == "depth_agreement") family.push_back(comparison.wilcoxon.p_value);
  }
  ASSERT_EQ(family.size(), 4u);
  const std::vector<double> adjusted = holm_adjusted_p_values(family);
  std::size_t k = 0;
  for (const PairedComparison& comparison : summary.comparisons) {
    if (comparison.score == "depth_agreement") {
      EXPECT_DOUBLE_EQ(comparison.wilcoxon_p_holm, adjusted[k++]);
    }
  }
}

TEST(AblationSummary, ReferenceWeightsAlternativeAndBadOptions) {
  AblationSummaryOptions options;
  options.reference_content_weights = {0.5};  // no AdaIN setting has it
  const AblationSummary none = summarize_ablation(small_grid(), options);
  EXPECT_TRUE(none.comparisons.empty());
  EXPECT_NE(none.warnings.back().find("no paired comparisons"), std::string::npos);
  options = {};
  options.alternative = "greater";
  const AblationSummary greater = summarize_ablation(small_grid(), options);
  EXPECT_DOUBLE_EQ(
      comparison_of(greater, "method=da-adain,depth=map,beta=20,eps=0,content_size=512,style_size=512", "depth_agreement")
          .wilcoxon.p_value,
      2.0 / 64);
  options.alternative = "bigger";
  EXPECT_THROW_MESSAGE(summarize_ablation(small_grid(), options), UsageError, "bigger");
}

TEST(AblationSummary, OutputFilesMatchTheGoldenCopies) {
  const AblationSummary summary = summarize_ablation(small_grid(), {});
  AblationReportFacts facts;
  facts.title = "Ablation test grid";
  facts.backbone = "weight-free Laplacian pyramid (stand-in, not the paper's VGG networks)";
  facts.score_network = "pyramid band_0,band_1,residual (stand-in, not VGG)";
  facts.depth_estimator = "dark_channel (dark_channel)";
  facts.depth_pairs = 1000;
  facts.depth_min_rank_gap = 0.2;
  testing::TempDir dir;
  write_ablation_outputs(summary, facts, {}, dir.path());
  const std::filesystem::path golden = testing::fixture_path("ablation/expected");
  const bool update = std::getenv("DEPTHSTYLE_UPDATE_GOLDEN") != nullptr;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    if (!entry.is_regular_file()) continue;
    const std::filesystem::path relative = std::filesystem::relative(entry.path(), dir.path());
    ++files;
    if (update) {
      std::filesystem::create_directories((golden / relative).parent_path());
      write_file_atomically(golden / relative, read_file(entry.path()));
      continue;
    }
    ASSERT_TRUE(std::filesystem::exists(golden / relative)) << "no golden copy of " << relative;
    EXPECT_EQ(read_file(entry.path()), read_file(golden / relative)) << relative << " differs from its golden copy";
  }
  // summary, comparisons (csv, json), report (md, html); per score 4 sweeps (beta, eps; whole, near/far) + tradeoff.
  EXPECT_EQ(files, 6u + 4u * 4u + 1u);
}

// DA-AdaIN at one setting from four depth sources (the config configs/depth_sources.yaml runs), each scored on the
// same three pairs: depth agreement means 0.75 (map), 0.5 (vertical and dark_channel, a tie: values and sums exact
// in binary), and none for "broken" (every cell failed); a second group (another beta) with one source only is not
// ranked. The cells come in the sources' alphabetical order (std::map), which is the first-seen order.
std::vector<GridRecord> depth_source_grid() {
  const std::map<std::string, std::vector<double>> agreement = {
      {"map", {0.5, 0.75, 1.0}}, {"vertical", {0.25, 0.5, 0.75}}, {"dark_channel", {0.75, 0.5, 0.25}}, {"broken", {}}};
  std::vector<GridRecord> records;
  const auto add = [&](nlohmann::json row) {
    row["key"] = "cell " + std::to_string(records.size() + 1);
    records.push_back(grid_record_from_json(row, row["key"].get<std::string>()));
  };
  for (int pair = 0; pair < 3; ++pair) {
    const std::string content = pair < 2 ? "c1" : "c2", style = pair == 1 ? "s2" : "s1";
    nlohmann::json adain = scored_row(content, style, 0.4);
    adain.update({{"method", "adain"}, {"content_weight", 0.0}, {"depth", nullptr}, {"beta", nullptr}, {"eps", nullptr}});
    add(adain);
    for (const auto& [depth, values] : agreement) {
      nlohmann::json row = values.empty() ? nlohmann::json{{"content", content}, {"style", style}, {"style_mode", "single"},
                                                           {"content_size", 512}, {"style_size", 512},
                                                           {"status", "failed"}, {"error", "no weights"}}
                                          : scored_row(content, style, values[pair]);
      row.update({{"method", "da-adain"}, {"content_weight", nullptr}, {"depth", depth}, {"beta", 20}, {"eps", 0.15}});
      add(row);
    }
    nlohmann::json lone = scored_row(content, style, 0.3);
    lone.update({{"method", "da-adain"}, {"content_weight", nullptr}, {"depth", "map"}, {"beta", 5}, {"eps", 0.15}});
    add(lone);
  }
  return records;
}

TEST(AblationSummary, RanksDepthSourcesWithinSettingsThatDifferOnlyInDepth) {
  const AblationSummary summary = summarize_ablation(depth_source_grid(), {});
  const std::string group = "method=da-adain,style_mode=single,beta=20,eps=0.15,content_size=512,style_size=512";
  std::vector<const DepthSourceRank*> agreement, content;
  for (const DepthSourceRank& rank : summary.depth_source_ranks) {
    EXPECT_EQ(rank.group, group) << "the beta=5 group has one source and is not ranked";
    if (rank.score == "depth_agreement") agreement.push_back(&rank);
    if (rank.score == "content_distance") content.push_back(&rank);
  }
  // Four whole-image scores x four sources.
  EXPECT_EQ(summary.depth_source_ranks.size(), 16u);
  ASSERT_EQ(agreement.size(), 4u);
  // Higher is better; equal means share the better rank (first-seen order among them); no value ranks 0, last.
  const std::vector<std::pair<std::string, std::int64_t>> expected = {
      {"map", 1}, {"dark_channel", 2}, {"vertical", 2}, {"broken", 0}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(agreement[i]->depth, expected[i].first) << i;
    EXPECT_EQ(agreement[i]->rank, expected[i].second) << agreement[i]->depth;
  }
  EXPECT_EQ(agreement[0]->estimate.mean, 0.75);
  EXPECT_EQ(agreement[1]->estimate.mean, agreement[2]->estimate.mean);
  EXPECT_EQ(agreement[0]->estimate.n, 3);
  EXPECT_EQ(agreement[0]->setting_key,
            "method=da-adain,depth=map,beta=20,eps=0.15,content_size=512,style_size=512");
  EXPECT_EQ(agreement[3]->estimate.n, 0);
  // Content distance (10 - 5 x agreement): lower is better, so the same order.
  ASSERT_EQ(content.size(), 4u);
  EXPECT_EQ(content[0]->depth, "map");
  EXPECT_EQ(content[0]->rank, 1);
  EXPECT_EQ(content[3]->rank, 0);

  // depth_sources.csv holds every rank, and the report has the ranking section.
  testing::TempDir dir;
  AblationReportFacts facts;
  facts.title = "Depth sources";
  facts.depth_estimator = "dark_channel (dark_channel)";
  write_ablation_outputs(summary, facts, {}, dir.path());
  const std::string csv = read_file(dir / "depth_sources.csv");
  EXPECT_NE(csv.find("group,score,rank,depth,setting,n,mean,lower,upper,better\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"" + group + "\",depth_agreement,1,map,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",content_distance,,broken,"), std::string::npos) << csv;
  // report.html: its text is not Markdown-escaped.
  const std::string report = read_file(dir / "report.html");
  EXPECT_NE(report.find("Depth sources ranked</h2>"), std::string::npos) << report;
  EXPECT_NE(report.find("as dark_channel (dark_channel) sees them"), std::string::npos) << report;
}

}  // namespace
}  // namespace depthstyle
