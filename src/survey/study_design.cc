#include "survey/study_design.h"

#include <algorithm>
#include <random>
#include <string>

#include "core/error.h"
#include "core/seeds.h"

namespace depthstyle {
namespace {

std::mt19937_64 respondent_stream(std::uint64_t seed, std::size_t respondent) {
  return std::mt19937_64(derive_seed(static_cast<std::int64_t>(seed), concat("respondent=", respondent)));
}

template <typename T>
void shuffle(std::vector<T>& items, std::mt19937_64& generator) {
  // Fisher-Yates with core/seeds.h draws (std::shuffle's algorithm differs between standard libraries).
  for (std::size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[uniform_index(generator, i)]);
  }
}

}  // namespace

void check_study_design(const StudyDesign& design) {
  if (design.main_count == 0) throw ConfigError("the study has no comparison ('pairs.count' and the grid)");
  if (design.repeat_count > 0 && design.repeat_count + design.repeat_min_gap > design.main_count) {
    throw ConfigError(concat("'repeats.count' (", design.repeat_count, ") + 'repeats.min_gap' (", design.repeat_min_gap,
                             ") must not exceed the number of pairs (", design.main_count,
                             "): each repeat needs its original at least min_gap trials before the end"));
  }
  if (design.sentinel_count > design.main_count) {
    throw ConfigError(concat("'sentinels.count' (", design.sentinel_count, ") must not exceed the number of pairs (",
                             design.main_count, "): each sentinel degrades an image of a different pair"));
  }
}

nlohmann::json study_design_to_json(const StudyDesign& design) {
  // Seeds as decimal strings: JSON readers elsewhere may keep numbers as doubles (53-bit).
  return {{"planned_respondents", design.planned_respondents},
          {"main_count", design.main_count},
          {"sentinel_count", design.sentinel_count},
          {"repeat_count", design.repeat_count},
          {"repeat_min_gap", design.repeat_min_gap},
          {"order_seed", std::to_string(design.order_seed)},
          {"sides_seed", std::to_string(design.sides_seed)},
          {"repeats_seed", std::to_string(design.repeats_seed)}};
}

StudyDesign study_design_from_json(const nlohmann::json& json, const std::string& source) {
  const auto count = [&](const char* key) -> std::size_t {
    const auto field = json.find(key);
    if (field == json.end() || !field->is_number_unsigned()) {
      throw InputError(concat(source, ": design field '", key, "' missing or not a count"));
    }
    return field->get<std::size_t>();
  };
  const auto seed = [&](const char* key) -> std::uint64_t {
    const auto field = json.find(key);
    if (field == json.end() || !field->is_string()) {
      throw InputError(concat(source, ": design field '", key, "' missing or not a decimal string"));
    }
    try {
      std::size_t used = 0;
      const std::uint64_t value = std::stoull(field->get<std::string>(), &used);
      if (used == field->get<std::string>().size()) return value;
    } catch (const std::exception&) {
    }
    throw InputError(concat(source, ": design field '", key, "' is not a decimal seed"));
  };
  StudyDesign design;
  design.planned_respondents = count("planned_respondents");
  design.main_count = count("main_count");
  design.sentinel_count = count("sentinel_count");
  design.repeat_count = count("repeat_count");
  design.repeat_min_gap = count("repeat_min_gap");
  design.order_seed = seed("order_seed");
  design.sides_seed = seed("sides_seed");
  design.repeats_seed = seed("repeats_seed");
  return design;
}

std::vector<PlannedTrial> plan_trials(const StudyDesign& design, std::size_t respondent) {
  check_study_design(design);
  std::mt19937_64 order = respondent_stream(design.order_seed, respondent);
  std::mt19937_64 sides = respondent_stream(design.sides_seed, respondent);
  std::mt19937_64 repeats = respondent_stream(design.repeats_seed, respondent);

  std::vector<PlannedTrial> plan(design.main_count + design.sentinel_count);
  for (std::size_t i = 0; i < plan.size(); ++i) plan[i].comparison = i;
  shuffle(plan, order);
  for (PlannedTrial& trial : plan) trial.first_on_left = uniform_index(sides, 2) == 0;

  // Originals: main trials early enough that min_gap trials can follow them (check_study_design guarantees
  // enough of them: at most min_gap main trials fall in the last min_gap places).
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i + design.repeat_min_gap < plan.size(); ++i) {
    if (plan[i].comparison < design.main_count) candidates.push_back(i);
  }
  DEPTHSTYLE_ASSERT(candidates.size() >= design.repeat_count);
  // A partial Fisher-Yates draw of repeat_count originals, in the order drawn.
  for (std::size_t k = 0; k < design.repeat_count; ++k) {
    std::swap(candidates[k], candidates[k + uniform_index(repeats, candidates.size() - k)]);
  }
  // Plan entries are identified by their original index while repeats are inserted (positions shift).
  std::vector<std::size_t> identity(plan.size());
  for (std::size_t i = 0; i < identity.size(); ++i) identity[i] = i;
  for (std::size_t k = 0; k < design.repeat_count; ++k) {
    const std::size_t original = candidates[k];
    const std::size_t at = static_cast<std::size_t>(
        std::find(identity.begin(), identity.end(), original) - identity.begin());
    // Insert at index j: j - at - 1 trials lie between, so j ranges over [at + 1 + gap, size]. Inserting
    // anywhere never brings another original and its repeat closer.
    const std::size_t lowest = at + 1 + design.repeat_min_gap;
    DEPTHSTYLE_ASSERT(lowest <= plan.size());
    const std::size_t j = lowest + uniform_index(repeats, plan.size() - lowest + 1);
    PlannedTrial repeat;
    repeat.comparison = plan[at].comparison;
    repeat.first_on_left = !plan[at].first_on_left;
    repeat.repeat_of = original;  // an identity for now, an index below
    plan.insert(plan.begin() + static_cast<std::ptrdiff_t>(j), repeat);
    identity.insert(identity.begin() + static_cast<std::ptrdiff_t>(j), identity.size());
  }
  for (PlannedTrial& trial : plan) {
    if (!trial.repeat_of) continue;
    trial.repeat_of = static_cast<std::size_t>(
        std::find(identity.begin(), identity.end(), *trial.repeat_of) - identity.begin());
  }
  return plan;
}

std::vector<std::size_t> choose_subset(std::size_t candidates, std::size_t count, std::uint64_t seed) {
  std::vector<std::size_t> indices(candidates);
  for (std::size_t i = 0; i < candidates; ++i) indices[i] = i;
  if (count == 0 || count >= candidates) return indices;
  std::mt19937_64 generator(seed);
  for (std::size_t k = 0; k < count; ++k) std::swap(indices[k], indices[k + uniform_index(generator, candidates - k)]);
  indices.resize(count);
  std::sort(indices.begin(), indices.end());
  return indices;
}

}  // namespace depthstyle
