// Scores read from a PredictionStore, without inference: each estimator's accuracy and WHDR over the stored pairs
// (diw_scoring.h states the rule), with its 95% interval and an exact McNemar test against the best estimator on the
// pairs both predicted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "diw/diw_scoring.h"
#include "diw/prediction_store.h"

namespace depthstyle {

struct DiwModelResult {
  std::string name;
  std::string type;  // the estimator entry's `type`
  EstimatorStatus status = EstimatorStatus::kPending;
  std::string detail;  // why it did not run, or where it failed
  DiwScore score;      // over the entries it has predictions for
  // Evaluated entries (not skipped) in the store; score.pairs < expected_pairs means predictions are missing.
  std::int64_t expected_pairs = 0;
  bool complete() const { return status == EstimatorStatus::kOk && score.pairs == expected_pairs; }

  // 95% Clopper-Pearson interval of the accuracy (under the tie policy; stats/binomial.h); NaN when no pair counts.
  double interval_low = 0;
  double interval_high = 0;
  // Exact McNemar test against the best model (stats/paired_tests.h: two-sided binomial test of the discordant
  // pairs at p = 1/2), on the pairs both predicted; "correct" is the official rule (a tie is not correct). NaN p-value
  // for the best model itself and for models sharing no pair with it.
  std::int64_t shared_pairs = 0;
  std::int64_t only_best_correct = 0;
  std::int64_t only_this_correct = 0;
  double mcnemar_p = 0;
};

struct DiwResults {
  TiePolicy ties = TiePolicy::kWrong;
  std::int64_t entries = 0;  // in the store (evaluated + skipped)
  std::int64_t skipped = 0;  // left out (missing images)
  std::vector<DiwModelResult> models;  // in config order
  // Index into models of the best complete model (highest accuracy, the first on a tie); -1 if none is complete.
  int best = -1;
};

// Scores every estimator in the store under `ties`, picks the best and runs the tests.
DiwResults score_prediction_store(PredictionStore& store, TiePolicy ties);

std::string to_string(TiePolicy policy);  // "wrong" or "separate"
// Throws UsageError for anything else.
TiePolicy tie_policy_from_string(const std::string& text);

}  // namespace depthstyle
