// The design of a pairwise study, as pure seeded functions (no files, no database): which of the grid's pairs are
// used, and every respondent's sequence of trials.
//
// Comparison indices of a sequence: 0 .. main_count-1 are the main comparisons (in the study's order), then
// main_count .. main_count+sentinel_count-1 the sentinels. A respondent sees every main comparison and every
// sentinel once, in a shuffled order, each with a fair coin for which stimulus is on the left; then
// repeat_count main trials are shown a second time with the sides swapped, each at least repeat_min_gap other
// trials after its original (so never adjacent to it).
//
// Randomness: one seed per source. Respondent i's streams are derive_seed(order_seed,
// "respondent=<i>") for the order, the same from sides_seed for the sides and from repeats_seed for the repeats,
// each an std::mt19937_64 drawn with core/seeds.h's uniform_index: the same plan on every platform, and a
// respondent's plan does not depend on how many others there are. The rule: docs/conventions.md#one-seed-per-source.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace depthstyle {

struct StudyDesign {
  // Planned respondents: the default count of `survey invite` (not a limit).
  std::size_t planned_respondents = 0;
  std::size_t main_count = 0;
  std::size_t sentinel_count = 0;
  std::size_t repeat_count = 0;
  std::size_t repeat_min_gap = 2;
  std::uint64_t order_seed = 0;
  std::uint64_t sides_seed = 0;
  std::uint64_t repeats_seed = 0;
};

// Throws ConfigError when the counts cannot be arranged: no main comparison, or too few main trials to repeat
// repeat_count of them with repeat_min_gap trials after each original (repeat_count + repeat_min_gap must not
// exceed main_count).
void check_study_design(const StudyDesign& design);

nlohmann::json study_design_to_json(const StudyDesign& design);
// Throws InputError naming `source` when a field is missing or of the wrong type.
StudyDesign study_design_from_json(const nlohmann::json& json, const std::string& source);

struct PlannedTrial {
  std::size_t comparison = 0;  // see the header comment
  bool first_on_left = true;   // the comparison's first stimulus (baseline, or a sentinel's good image) on the left
  std::optional<std::size_t> repeat_of;  // a repeat: index in the plan of its original
};

// Respondent `respondent`'s trials in display order (main_count + sentinel_count + repeat_count of them).
std::vector<PlannedTrial> plan_trials(const StudyDesign& design, std::size_t respondent);

// `count` distinct indices of [0, candidates) drawn uniformly with `seed`, in increasing order (count 0 or count
// >= candidates: all of them).
std::vector<std::size_t> choose_subset(std::size_t candidates, std::size_t count, std::uint64_t seed);

}  // namespace depthstyle
