#include "diw/diw_results.h"

#include <limits>
#include <unordered_map>

#include "core/error.h"
#include "stats/binomial.h"
#include "stats/paired_tests.h"

namespace depthstyle {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// Per entry (aligned with the store's evaluated entries): 1 correct, 0 not correct, -1 no prediction.
using Correctness = std::vector<std::int8_t>;

void add_statistics(DiwResults& results, const std::vector<Correctness>& correctness) {
  for (DiwModelResult& model : results.models) {
    model.interval_low = kNan;
    model.interval_high = kNan;
    model.mcnemar_p = kNan;
    const std::int64_t counted = model.score.counted(results.ties);
    if (counted > 0) {
      const ProportionInterval interval = clopper_pearson_interval(model.score.correct, counted, 0.95);
      model.interval_low = interval.lower;
      model.interval_high = interval.upper;
    }
  }
  if (results.best < 0) return;
  const Correctness& best = correctness[static_cast<std::size_t>(results.best)];
  for (std::size_t m = 0; m < results.models.size(); ++m) {
    DiwModelResult& model = results.models[m];
    if (static_cast<int>(m) == results.best) continue;
    for (std::size_t i = 0; i < best.size(); ++i) {
      if (best[i] < 0 || correctness[m][i] < 0) continue;
      ++model.shared_pairs;
      model.only_best_correct += best[i] == 1 && correctness[m][i] == 0;
      model.only_this_correct += best[i] == 0 && correctness[m][i] == 1;
    }
    if (model.shared_pairs > 0) {
      model.mcnemar_p = mcnemar_exact_test(model.only_best_correct, model.only_this_correct).p_value;
    }
  }
}

}  // namespace

std::string to_string(TiePolicy policy) { return policy == TiePolicy::kWrong ? "wrong" : "separate"; }

TiePolicy tie_policy_from_string(const std::string& text) {
  if (text == "wrong") return TiePolicy::kWrong;
  if (text == "separate") return TiePolicy::kSeparate;
  throw UsageError(concat("unknown tie policy '", text, "'; expected wrong (the official rule) or separate"));
}

DiwResults score_prediction_store(PredictionStore& store, TiePolicy ties) {
  DiwResults results;
  results.ties = ties;
  const std::vector<StoredEntry> entries = store.entries();
  std::unordered_map<int, std::size_t> position_of_line;  // among evaluated entries
  std::vector<const DiwEntry*> evaluated;
  for (const StoredEntry& stored : entries) {
    ++results.entries;
    if (!stored.skipped.empty()) {
      ++results.skipped;
      continue;
    }
    position_of_line.emplace(stored.entry.line, evaluated.size());
    evaluated.push_back(&stored.entry);
  }

  std::vector<Correctness> correctness;
  for (const StoredEstimator& estimator : store.estimators()) {
    DiwModelResult& model = results.models.emplace_back();
    model.name = estimator.name;
    model.type = estimator.config.value("type", "");
    model.status = estimator.status;
    model.detail = estimator.detail;
    model.expected_pairs = static_cast<std::int64_t>(evaluated.size());
    Correctness& correct = correctness.emplace_back(evaluated.size(), std::int8_t{-1});
    for (const StoredPrediction& prediction : store.predictions(estimator.id)) {
      const auto found = position_of_line.find(prediction.line);
      if (found == position_of_line.end()) continue;  // a skipped entry cannot have one; ignore defensively
      const DiwEntry& entry = *evaluated[found->second];
      const DiwOutcome outcome =
          score_pair(entry.pair.relation, prediction.meaning, {prediction.value_a, prediction.value_b});
      model.score.add(entry.pair.relation, outcome);
      correct[found->second] = outcome == DiwOutcome::kCorrect ? 1 : 0;
    }
  }

  double best_accuracy = -1;
  for (std::size_t m = 0; m < results.models.size(); ++m) {
    const DiwModelResult& model = results.models[m];
    if (!model.complete()) continue;
    const double accuracy = model.score.accuracy(ties);
    if (accuracy > best_accuracy) {
      best_accuracy = accuracy;
      results.best = static_cast<int>(m);
    }
  }
  add_statistics(results, correctness);
  return results;
}

}  // namespace depthstyle
