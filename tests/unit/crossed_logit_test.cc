// stats/crossed_logit.h without R: bad input, conventions that follow from the model (symmetries, dropped levels,
// the chi-bar-square p-value). The comparisons with lme4 are in crossed_logit_r_test.cc.
#include "stats/crossed_logit.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// respondents x pairs, one answer per cell, chose_proposed = vote(r, q), side alternating.
template <typename Vote>
std::vector<CrossedVote> full_design(int respondents, int pairs, const Vote& vote) {
  std::vector<CrossedVote> votes;
  for (int r = 0; r < respondents; ++r) {
    for (int q = 0; q < pairs; ++q) votes.push_back({r, q, vote(r, q) ? 1 : 0, (r + q) % 2});
  }
  return votes;
}

bool pattern(int r, int q) { return (r * 7 + q * 3 + (r * q) % 5) % 9 < 5 + (r % 3 == 0); }

TEST(CrossedLogit, BadInputIsAUsageError) {
  EXPECT_THROW_MESSAGE(fit_crossed_logit({}), UsageError, "no answers");
  EXPECT_THROW_MESSAGE(fit_crossed_logit(full_design(1, 10, pattern)), UsageError, "1 respondent(s)");
  EXPECT_THROW_MESSAGE(fit_crossed_logit(full_design(10, 1, pattern)), UsageError, "on 1 pair(s)");
  EXPECT_THROW_MESSAGE(fit_crossed_logit(full_design(5, 5, [](int, int) { return true; })), UsageError,
                       "all 25 answers choose");
  EXPECT_THROW_MESSAGE(fit_crossed_logit(full_design(5, 5, [](int, int) { return false; })), UsageError,
                       "all 25 answers reject");
  std::vector<CrossedVote> votes = full_design(5, 5, pattern);
  votes[3].pair = -1;
  EXPECT_THROW_MESSAGE(fit_crossed_logit(votes), UsageError, "answer 3");
  votes = full_design(5, 5, pattern);
  votes[4].chose_proposed = 2;
  EXPECT_THROW_MESSAGE(fit_crossed_logit(votes), UsageError, "answer 4");
  votes = full_design(5, 5, pattern);
  votes[2].proposed_side = -1;
  CrossedLogitOptions position;
  position.position_effect = true;
  EXPECT_THROW_MESSAGE(fit_crossed_logit(votes, position), UsageError, "proposed_side -1");
  for (CrossedVote& vote : votes) vote.proposed_side = 0;
  EXPECT_THROW_MESSAGE(fit_crossed_logit(votes, position), UsageError, "one side only");
  CrossedLogitOptions bad_confidence;
  bad_confidence.confidence = 1;
  EXPECT_THROW_MESSAGE(fit_crossed_logit(full_design(5, 5, pattern), bad_confidence), UsageError, "confidence");
}

TEST(CrossedLogit, FlippingEveryVoteNegatesTheLogOddsAndKeepsTheRest) {
  const std::vector<CrossedVote> votes = full_design(12, 10, pattern);
  std::vector<CrossedVote> flipped = votes;
  for (CrossedVote& vote : flipped) vote.chose_proposed = 1 - vote.chose_proposed;
  const CrossedLogitFit fit = fit_crossed_logit(votes), other = fit_crossed_logit(flipped);
  EXPECT_NEAR(fit.intercept.estimate, -other.intercept.estimate, 1e-6);
  EXPECT_NEAR(fit.intercept.standard_error, other.intercept.standard_error, 1e-6);
  EXPECT_NEAR(fit.intercept.profile_interval.lower, -other.intercept.profile_interval.upper, 1e-6);
  EXPECT_NEAR(fit.respondent_sd, other.respondent_sd, 1e-6);
  EXPECT_NEAR(fit.pair_sd, other.pair_sd, 1e-6);
  EXPECT_NEAR(fit.deviance, other.deviance, 1e-8);
  EXPECT_NEAR(fit.preference, 1 - other.preference, 1e-6);
}

TEST(CrossedLogit, UnusedIndicesAreDroppedAndRespondentsAndPairsAreInterchangeable) {
  const std::vector<CrossedVote> votes = full_design(12, 10, pattern);
  std::vector<CrossedVote> sparse = votes, transposed = votes;
  for (CrossedVote& vote : sparse) {
    vote.respondent = 3 * vote.respondent + 7;
    vote.pair = 2 * vote.pair;
  }
  for (CrossedVote& vote : transposed) std::swap(vote.respondent, vote.pair);
  const CrossedLogitFit fit = fit_crossed_logit(votes), renumbered = fit_crossed_logit(sparse),
                        swapped = fit_crossed_logit(transposed);
  EXPECT_EQ(renumbered.respondents, 12);
  EXPECT_EQ(renumbered.pairs, 10);
  EXPECT_NEAR(fit.deviance, renumbered.deviance, 1e-9);
  EXPECT_NEAR(fit.deviance, swapped.deviance, 1e-8);
  EXPECT_NEAR(fit.respondent_sd, swapped.pair_sd, 1e-6);
  EXPECT_NEAR(fit.intercept.estimate, swapped.intercept.estimate, 1e-6);
}

TEST(CrossedLogit, IndependentBalancedVotesGiveASingularFitNotAnError) {
  // Every respondent and every pair has the same proportion (a Latin-square pattern): no variance at all.
  const std::vector<CrossedVote> votes = full_design(10, 10, [](int r, int q) { return (r + q) % 10 < 6; });
  const CrossedLogitFit fit = fit_crossed_logit(votes);
  EXPECT_TRUE(fit.singular);
  EXPECT_EQ(fit.respondent_sd, 0);
  EXPECT_EQ(fit.pair_sd, 0);
  EXPECT_NEAR(fit.intercept.estimate, std::log(0.6 / 0.4), 1e-6);
  EXPECT_NEAR(fit.deviance, fit.plain_deviance, 1e-9);
  EXPECT_EQ(fit.clustering_test.p_value, 1);
  EXPECT_NEAR(fit.design_effect, 1, 1e-4);
  EXPECT_NEAR(fit.intercept.standard_error, 1 / std::sqrt(100 * 0.6 * 0.4), 1e-5);
}

TEST(CrossedLogit, ChiBarSquarePValue) {
  EXPECT_EQ(two_variance_boundary_p_value(0), 1);
  EXPECT_EQ(two_variance_boundary_p_value(-1), 1);
  // 0.5 P(chi2_1 > 3.841459) + 0.25 P(chi2_2 > 3.841459) = 0.5 x 0.05 + 0.25 exp(-1.9207295)
  EXPECT_NEAR(two_variance_boundary_p_value(3.841458820694124), 0.025 + 0.25 * std::exp(-3.841458820694124 / 2),
              1e-12);
}

}  // namespace
}  // namespace depthstyle
