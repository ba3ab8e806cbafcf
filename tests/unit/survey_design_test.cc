// The study design: which pairs, and every respondent's order, sides, sentinels and swapped repeats, as seeded pure
// functions. Properties over many respondents and designs, fairness by exact binomial tests, and pinned plans (a
// change of the draws would silently change every future study).
#include "survey/study_design.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/error.h"
#include "stats/binomial.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

StudyDesign design_of(std::size_t main, std::size_t sentinels, std::size_t repeats, std::size_t gap) {
  StudyDesign design;
  design.main_count = main;
  design.sentinel_count = sentinels;
  design.repeat_count = repeats;
  design.repeat_min_gap = gap;
  design.order_seed = 11;
  design.sides_seed = 22;
  design.repeats_seed = 33;
  return design;
}

TEST(SurveyDesign, EveryRespondentSeesEachComparisonOnceAndRepeatsSwappedAndApart) {
  for (const StudyDesign& design : {design_of(20, 0, 0, 2), design_of(20, 2, 2, 2), design_of(5, 1, 3, 2),
                                    design_of(3, 0, 2, 1), design_of(10, 10, 8, 2), design_of(1, 1, 0, 1)}) {
    for (std::size_t respondent = 0; respondent < 200; ++respondent) {
      const std::vector<PlannedTrial> plan = plan_trials(design, respondent);
      ASSERT_EQ(plan.size(), design.main_count + design.sentinel_count + design.repeat_count);
      std::map<std::size_t, int> shown;
      std::size_t repeats = 0;
      for (std::size_t i = 0; i < plan.size(); ++i) {
        const PlannedTrial& trial = plan[i];
        if (!trial.repeat_of) {
          ++shown[trial.comparison];
          continue;
        }
        ++repeats;
        const std::size_t original = *trial.repeat_of;
        ASSERT_LT(original, i) << "a repeat follows its original";
        EXPECT_GE(i - original - 1, design.repeat_min_gap) << "respondent " << respondent << " trial " << i;
        EXPECT_FALSE(plan[original].repeat_of.has_value());
        EXPECT_LT(plan[original].comparison, design.main_count) << "only main trials repeat";
        EXPECT_EQ(trial.comparison, plan[original].comparison);
        EXPECT_NE(trial.first_on_left, plan[original].first_on_left) << "sides swapped";
      }
      EXPECT_EQ(repeats, design.repeat_count);
      ASSERT_EQ(shown.size(), design.main_count + design.sentinel_count);
      for (const auto& [comparison, count] : shown) EXPECT_EQ(count, 1) << comparison;
    }
  }
}

TEST(SurveyDesign, SidesAndOrderAreFair) {
  // 2000 respondents x 10 trials: the first stimulus on the left half the time, and comparison 0 first in 1/10 of
  // the sequences. Exact two-sided binomial tests; a fair draw fails one with probability 1e-6.
  const StudyDesign design = design_of(10, 0, 0, 2);
  std::int64_t left = 0, trials = 0, first_is_zero = 0;
  const std::int64_t respondents = 2000;
  for (std::int64_t respondent = 0; respondent < respondents; ++respondent) {
    const std::vector<PlannedTrial> plan = plan_trials(design, static_cast<std::size_t>(respondent));
    for (const PlannedTrial& trial : plan) left += trial.first_on_left, ++trials;
    first_is_zero += plan.front().comparison == 0;
  }
  EXPECT_GT(binomial_test(left, trials).p_value, 1e-6) << left << " / " << trials;
  EXPECT_GT(binomial_test(first_is_zero, respondents, {0.1}).p_value, 1e-6) << first_is_zero;
}

TEST(SurveyDesign, PlansArePinnedAndDependOnlyOnTheRespondentIndex) {
  const StudyDesign design = design_of(6, 1, 2, 2);
  std::string text;
  for (const PlannedTrial& trial : plan_trials(design, 0)) {
    text += concat(trial.comparison, trial.first_on_left ? "L" : "R",
                   trial.repeat_of ? concat("^", *trial.repeat_of) : std::string(), " ");
  }
  EXPECT_EQ(text, "4R 5L 6L 3L 1L 5R^1 3R^3 2L 0L ");
  // The same index gives the same plan whatever else was planned; another index another plan.
  std::vector<std::string> plans;
  for (std::size_t respondent : {0, 1, 0}) {
    std::string plan;
    for (const PlannedTrial& trial : plan_trials(design, respondent)) {
      plan += concat(trial.comparison, trial.first_on_left, trial.repeat_of.value_or(99), ",");
    }
    plans.push_back(plan);
  }
  EXPECT_EQ(plans[0], plans[2]);
  EXPECT_NE(plans[0], plans[1]);
}

TEST(SurveyDesign, InfeasibleCountsAreConfigErrors) {
  EXPECT_THROW_MESSAGE(plan_trials(design_of(0, 0, 0, 2), 0), ConfigError, "the study has no comparison");
  EXPECT_THROW_MESSAGE(check_study_design(design_of(4, 0, 3, 2)), ConfigError,
                       "'repeats.count' (3) + 'repeats.min_gap' (2) must not exceed the number of pairs (4)");
  EXPECT_THROW_MESSAGE(check_study_design(design_of(2, 3, 0, 2)), ConfigError,
                       "'sentinels.count' (3) must not exceed the number of pairs (2)");
  EXPECT_NO_THROW(check_study_design(design_of(4, 0, 2, 2)));
}

TEST(SurveyDesign, SubsetsAreSortedDistinctSeededAndUniform) {
  EXPECT_EQ(choose_subset(4, 0, 1), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(choose_subset(4, 9, 1), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(choose_subset(10, 3, 5), choose_subset(10, 3, 5));
  EXPECT_EQ(choose_subset(10, 3, 5), (std::vector<std::size_t>{0, 2, 5}));
  std::int64_t hits = 0;
  const std::int64_t draws = 3000;
  for (std::int64_t seed = 0; seed < draws; ++seed) {
    const std::vector<std::size_t> subset = choose_subset(20, 5, static_cast<std::uint64_t>(seed));
    ASSERT_EQ(subset.size(), 5u);
    ASSERT_TRUE(std::is_sorted(subset.begin(), subset.end()));
    ASSERT_EQ(std::set<std::size_t>(subset.begin(), subset.end()).size(), 5u);
    hits += std::count(subset.begin(), subset.end(), 7);
  }
  // Each index is drawn with probability 5/20.
  EXPECT_GT(binomial_test(hits, draws, {0.25}).p_value, 1e-6) << hits;
}

TEST(SurveyDesign, JsonRoundTripKeepsSeedsExactly) {
  StudyDesign design = design_of(20, 2, 2, 3);
  design.planned_respondents = 18;
  design.order_seed = 0x7fffffffffffffffULL;  // beyond a double's 53 bits
  const StudyDesign back = study_design_from_json(nlohmann::json::parse(study_design_to_json(design).dump()), "x");
  EXPECT_EQ(back.planned_respondents, 18u);
  EXPECT_EQ(back.main_count, 20u);
  EXPECT_EQ(back.repeat_min_gap, 3u);
  EXPECT_EQ(back.order_seed, 0x7fffffffffffffffULL);
  EXPECT_EQ(back.repeats_seed, 33u);
  nlohmann::json broken = study_design_to_json(design);
  broken["sides_seed"] = "12a";
  EXPECT_THROW_MESSAGE(study_design_from_json(broken, "study.sqlite"), InputError,
                       "study.sqlite: design field 'sides_seed' is not a decimal seed");
  broken.erase("main_count");
  EXPECT_THROW_MESSAGE(study_design_from_json(broken, "study.sqlite"), InputError,
                       "study.sqlite: design field 'main_count' missing or not a count");
}

}  // namespace
}  // namespace depthstyle
