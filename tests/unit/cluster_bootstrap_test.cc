#include "stats/cluster_bootstrap.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// respondents x items, one response per cell, votes given by `vote(r, i)`.
template <typename Vote>
ClusteredVotes full_design(int respondents, int items, const Vote& vote) {
  ClusteredVotes votes;
  votes.respondents = respondents;
  votes.items = items;
  for (int r = 0; r < respondents; ++r) {
    for (int i = 0; i < items; ++i) votes.cells.push_back({r, i, vote(r, i) ? 1.0 : 0.0, 1.0});
  }
  return votes;
}

TEST(ClusterBootstrap, SameSeedsSameResultAndEachSeedOwnsItsDraws) {
  const ClusteredVotes votes = full_design(18, 20, [](int r, int i) { return (r * 7 + i * 3) % 5 < 3; });
  ClusterBootstrapOptions options;
  options.replicates = 500;
  const ClusterBootstrapEstimate first = cluster_bootstrap_proportion(votes, options);
  const ClusterBootstrapEstimate again = cluster_bootstrap_proportion(votes, options);
  EXPECT_EQ(first.standard_error, again.standard_error);
  EXPECT_EQ(first.interval.lower, again.interval.lower);
  EXPECT_EQ(first.interval.upper, again.interval.upper);
  EXPECT_DOUBLE_EQ(first.estimate, 216.0 / 360);

  ClusterBootstrapOptions other_items = options;
  other_items.item_seed = 99;
  EXPECT_NE(cluster_bootstrap_proportion(votes, other_items).standard_error, first.standard_error);

  // With items not resampled, the item seed cannot matter.
  ClusterBootstrapOptions respondents_only = options;
  respondents_only.resample_items = false;
  ClusterBootstrapOptions respondents_only_other_seed = respondents_only;
  respondents_only_other_seed.item_seed = 12345;
  EXPECT_EQ(cluster_bootstrap_proportion(votes, respondents_only).standard_error,
            cluster_bootstrap_proportion(votes, respondents_only_other_seed).standard_error);
}

TEST(ClusterBootstrap, RespondentClustersGiveTheStandardErrorOfRespondentMeans) {
  // 200 respondents who always (100) or never (100) prefer the method, 10 items each: the responses carry only 200
  // independent opinions, so the standard error is sqrt(0.25 / 200) = 0.0354, not sqrt(0.25 / 2000) = 0.0112.
  const ClusteredVotes votes = full_design(200, 10, [](int r, int) { return r % 2 == 0; });
  ClusterBootstrapOptions options;
  options.replicates = 4000;
  options.resample_items = false;
  const ClusterBootstrapEstimate estimate = cluster_bootstrap_proportion(votes, options);
  EXPECT_DOUBLE_EQ(estimate.estimate, 0.5);
  EXPECT_NEAR(estimate.standard_error, std::sqrt(0.25 / 200), 0.05 * std::sqrt(0.25 / 200));
  EXPECT_NEAR(estimate.interval.lower, 0.5 - 1.96 * std::sqrt(0.25 / 200), 0.01);
  EXPECT_NEAR(estimate.interval.upper, 0.5 + 1.96 * std::sqrt(0.25 / 200), 0.01);
  // Items all alike: resampling only items changes nothing.
  options.resample_items = true;
  options.resample_respondents = false;
  const ClusterBootstrapEstimate items_only = cluster_bootstrap_proportion(votes, options);
  EXPECT_EQ(items_only.standard_error, 0.0);
  EXPECT_EQ(items_only.interval.lower, 0.5);
  EXPECT_EQ(items_only.interval.upper, 0.5);
}

TEST(ClusterBootstrap, UniformIndexAndQuantiles) {
  std::mt19937_64 generator(7);
  std::vector<int> counts(3, 0);
  for (int i = 0; i < 30000; ++i) ++counts[uniform_index(generator, 3)];
  for (const int count : counts) EXPECT_NEAR(count, 10000, 300);
  EXPECT_EQ(uniform_index(generator, 1), 0u);
  // R: quantile(1:4, c(0, 0.25, 0.5, 1)) = 1, 1.75, 2.5, 4.
  const std::vector<double> sorted = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(quantile_of_sorted(sorted, 0), 1);
  EXPECT_DOUBLE_EQ(quantile_of_sorted(sorted, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(quantile_of_sorted(sorted, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile_of_sorted(sorted, 1), 4);
}

TEST(ClusterBootstrap, BadInputIsNamed) {
  ClusteredVotes votes = full_design(2, 2, [](int, int) { return true; });
  votes.cells[3].item = 5;
  EXPECT_THROW_MESSAGE(cluster_bootstrap_proportion(votes, {}), UsageError,
                       "cell 3 (respondent 1, item 5, votes 1, responses 1) is out of range");
  EXPECT_THROW_MESSAGE(cluster_bootstrap_proportion(ClusteredVotes{}, {}), UsageError, "the study has no responses");
  ClusterBootstrapOptions one;
  one.replicates = 1;
  EXPECT_THROW_MESSAGE(cluster_bootstrap_proportion(full_design(2, 2, [](int, int) { return true; }), one),
                       UsageError, "replicates = 1, expected >= 2");
}

}  // namespace
}  // namespace depthstyle
