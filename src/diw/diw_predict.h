// Running depth estimators over DIW entries into a PredictionStore: the expensive half of the evaluation (scoring
// reads only the store, diw_results.h).
//
// Order of work: images outer, estimators inner, so each image is decoded once for every estimator that needs its
// pixels, and not at all when none does (baselines, precomputed maps). Entries that share an image (same path and
// original size, e.g. the Middlebury sets with many pairs per photo) are predicted once. Decoding runs on worker
// threads ahead of inference (core/ordered_prefetch.h); inference, scoring and the store stay on the calling thread.
//
// Resuming: only (estimator, entry) pairs the store lacks are computed, and an estimator with nothing left to do is
// not even built. Predictions are committed every `commit_interval_seconds` and when the work stops, so a killed
// process loses at most that much work and an interrupted one (SIGINT/SIGTERM) loses nothing.
//
// A failed estimator is a result, not a crash: a missing model file ("not run: weights missing at PATH"), a model
// that cannot be loaded, or an estimate() that throws on some image marks that estimator failed, with the reason,
// and the others go on. An image that cannot be decoded, or whose size differs from the annotation's, stops the run
// with an error naming the CSV line (the official script takes the original size from the decoded image; for DIW
// the two agree, and a disagreement means the wrong file).
//
// Estimators see DepthQuery::image_path = the image's path as the CSV writes it, made normal ("./DIW_test/a.thumb"
// -> "DIW_test/a.thumb"): relative to the image root, so precomputed maps are found by it (a `file` estimator needs
// no images_root) and seeded baselines give the same values on every machine.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "depth/depth_estimator.h"
#include "diw/diw_dataset.h"
#include "diw/prediction_store.h"

namespace depthstyle {

struct DiwEstimatorPlan {
  // Label in results (unique) and the entry as configured (stored for provenance).
  std::string name;
  nlohmann::json config;
  // The model file or folder the estimator reads; empty for weight-free ones. If it does not exist the estimator is
  // not built and is recorded as "not run: weights missing at PATH".
  std::filesystem::path model_path;
  // Builds the estimator; called only when the store lacks some of its predictions. An Error (InputError: unreadable
  // model file) is recorded as a failed estimator; a UsageError (bad settings) propagates.
  std::function<std::unique_ptr<DepthEstimator>()> build;
};

struct DiwPredictOptions {
  // Threads decoding images ahead of inference; 0 = decode on the inference thread.
  int decode_workers = 1;
  // Images decoded ahead of inference at most (memory bound).
  std::size_t lookahead = 8;
  // Seconds between commits of finished predictions.
  double commit_interval_seconds = 2;
  // Label of the progress bar.
  std::string progress_label = "DIW images";
};

struct DiwPredictSummary {
  std::size_t images = 0;           // distinct images among the entries
  std::size_t images_processed = 0; // images with work left at the start
  std::size_t predictions_added = 0;
};

// Predicts, for every plan and every entry in `entries` (a subset of dataset.entries: the shard's), the values at
// the pair's points, and records them with each estimator's status and description in `store`. Entries must already
// be in the store (PredictionStore::add_entries).
DiwPredictSummary predict_diw_entries(const DiwDataset& dataset, const std::vector<DiwEntry>& entries,
                                      const std::vector<DiwEstimatorPlan>& plans, PredictionStore& store,
                                      const DiwPredictOptions& options = {});

}  // namespace depthstyle
