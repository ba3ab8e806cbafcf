#include "diw/diw_predict.h"

#include <chrono>

#include "core/error.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/ordered_prefetch.h"
#include "core/progress.h"
#include "diw/diw_scoring.h"
#include "io/image.h"

namespace depthstyle {
namespace {

// The entries of one image (same path and original size), in file order.
struct ImageGroup {
  std::vector<const DiwEntry*> entries;
};

std::vector<ImageGroup> group_by_image(const std::vector<DiwEntry>& entries) {
  std::vector<ImageGroup> groups;
  for (const std::vector<std::size_t>& indices : diw_image_groups(entries)) {
    ImageGroup& group = groups.emplace_back();
    for (std::size_t index : indices) group.entries.push_back(&entries[index]);
  }
  return groups;
}

// One estimator during the run.
struct ActiveEstimator {
  const DiwEstimatorPlan* plan = nullptr;
  std::int64_t id = 0;
  std::unique_ptr<DepthEstimator> estimator;  // null: not running (done, missing, failed)
  std::vector<bool> predicted;                // by line
  bool failed = false;

  bool has(int line) const { return static_cast<std::size_t>(line) < predicted.size() && predicted[line]; }
  bool needs(const ImageGroup& group) const {
    if (!estimator || failed) return false;
    for (const DiwEntry* entry : group.entries) {
      if (!has(entry->line)) return true;
    }
    return false;
  }
};

class PendingPredictions {
 public:
  PendingPredictions(PredictionStore& store, double interval_seconds)
      : store_(store), interval_(interval_seconds), last_commit_(std::chrono::steady_clock::now()) {}

  void add(std::int64_t estimator, const StoredPrediction& prediction) { rows_.emplace_back(estimator, prediction); }

  void commit_if_due() {
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_commit_).count() >= interval_) commit();
  }

  void commit() {
    last_commit_ = std::chrono::steady_clock::now();
    if (rows_.empty()) return;
    SqliteTransaction transaction(store_.database());
    for (const auto& [estimator, prediction] : rows_) store_.add_prediction(estimator, prediction);
    transaction.commit();
    added_ += rows_.size();
    rows_.clear();
  }

  std::size_t added() const { return added_; }

 private:
  PredictionStore& store_;
  double interval_;
  std::chrono::steady_clock::time_point last_commit_;
  std::vector<std::pair<std::int64_t, StoredPrediction>> rows_;
  std::size_t added_ = 0;
};

std::string entry_label(const DiwDataset& dataset, const DiwEntry& entry) {
  return concat(dataset.csv_path.string(), ":", entry.line, " (", entry.image, ")");
}

// Registers every estimator (in config order) in the store and finds what each still lacks; builds those with work
// left. An estimator that cannot run (weights missing, a model that does not load) gets its status and reason in the
// store and stays inactive; a UsageError (a config mistake) stops the run.
std::vector<ActiveEstimator> start_estimators(const std::vector<DiwEntry>& entries,
                                              const std::vector<DiwEstimatorPlan>& plans, PredictionStore& store) {
  int max_line = 0;
  for (const DiwEntry& entry : entries) max_line = std::max(max_line, entry.line);
  std::vector<ActiveEstimator> active(plans.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    ActiveEstimator& estimator = active[i];
    const DiwEstimatorPlan& plan = plans[i];
    estimator.plan = &plan;
    estimator.id = store.register_estimator(plan.name, static_cast<int>(i), plan.config);
    estimator.predicted.assign(static_cast<std::size_t>(max_line) + 1, false);
    for (int line : store.predicted_lines(estimator.id)) {
      if (line <= max_line) estimator.predicted[line] = true;
    }
    bool complete = true;
    for (const DiwEntry& entry : entries) complete = complete && estimator.has(entry.line);
    if (complete) {
      store.set_estimator_status(estimator.id, EstimatorStatus::kOk, "");
      continue;
    }
    if (const std::string detail = weights_missing_reason(plan.model_path); !detail.empty()) {
      store.set_estimator_status(estimator.id, EstimatorStatus::kWeightsMissing, detail);
      log_warning("estimator '", plan.name, "': ", detail);
      continue;
    }
    try {
      estimator.estimator = plan.build();
      store.set_estimator_description(estimator.id, estimator.estimator->describe());
      store.set_estimator_status(estimator.id, EstimatorStatus::kPending, "");
    } catch (const UsageError&) {
      throw;
    } catch (const Error& error) {
      const std::string detail = concat("not run: ", error.what());
      store.set_estimator_status(estimator.id, EstimatorStatus::kFailed, detail);
      log_warning("estimator '", plan.name, "': ", detail);
    }
  }
  return active;
}

// The images with work left, and for each whether it must be decoded (some estimator needs its pixels).
struct ImageWork {
  std::vector<const ImageGroup*> groups;
  std::vector<bool> decode;
};

ImageWork images_with_work(const std::vector<ImageGroup>& groups, const std::vector<ActiveEstimator>& active) {
  ImageWork work;
  for (const ImageGroup& group : groups) {
    bool needed = false, pixels = false;
    for (const ActiveEstimator& estimator : active) {
      if (!estimator.needs(group)) continue;
      needed = true;
      pixels = pixels || estimator.estimator->needs_pixels();
    }
    if (!needed) continue;
    work.groups.push_back(&group);
    work.decode.push_back(pixels);
  }
  return work;
}

// The image of an entry, checked against the size its annotation gives.
cv::Mat load_entry_image(const DiwDataset& dataset, const DiwEntry& entry) {
  cv::Mat rgb;
  try {
    rgb = load_image(dataset.image_path(entry)).rgb;
  } catch (const InputError& error) {
    throw InputError(concat(dataset.csv_path.string(), ":", entry.line, ": ", error.what()));
  }
  if (rgb.cols != entry.pair.width || rgb.rows != entry.pair.height) {
    throw InputError(concat(dataset.csv_path.string(), ":", entry.line + 1, ": image '", entry.image, "' is ",
                            rgb.cols, "x", rgb.rows, " but the annotation gives the original size ",
                            entry.pair.width, "x", entry.pair.height, " (width x height); is it the right file?"));
  }
  return rgb;
}

// Runs every estimator that still needs this image and queues its values at the image's point pairs. An estimator
// that fails is marked failed (its earlier predictions stay; a resumed run retries the rest); the others go on.
void predict_image(const DiwDataset& dataset, const ImageGroup& group, cv::Mat rgb,
                   std::vector<ActiveEstimator>& active, PendingPredictions& pending, PredictionStore& store) {
  const DiwEntry& first = *group.entries.front();
  DepthQuery query;
  // The path as the CSV gives it (relative to the image root): the key of precomputed maps and of the random
  // baseline's noise, the same on every machine whatever the image root.
  query.image_path = std::filesystem::path(first.image).lexically_normal();
  query.size = cv::Size(first.pair.width, first.pair.height);
  query.rgb = std::move(rgb);
  for (ActiveEstimator& estimator : active) {
    if (!estimator.needs(group)) continue;
    try {
      const DepthPrediction prediction = estimator.estimator->estimate(query);
      for (const DiwEntry* entry : group.entries) {
        if (estimator.has(entry->line)) continue;
        const DiwPointValues values = read_pair_values(prediction.values, entry->pair);
        pending.add(estimator.id, {entry->line, values.a, values.b, prediction.meaning});
        estimator.predicted[entry->line] = true;
      }
    } catch (const Interrupted&) {
      throw;
    } catch (const std::exception& error) {
      estimator.failed = true;
      const std::string detail = concat("failed on ", entry_label(dataset, first), ": ", error.what());
      store.set_estimator_status(estimator.id, EstimatorStatus::kFailed, detail);
      log_warning("estimator '", estimator.plan->name, "' ", detail);
    }
  }
}

}  // namespace

DiwPredictSummary predict_diw_entries(const DiwDataset& dataset, const std::vector<DiwEntry>& entries,
                                      const std::vector<DiwEstimatorPlan>& plans, PredictionStore& store,
                                      const DiwPredictOptions& options) {
  const std::vector<ImageGroup> groups = group_by_image(entries);
  DiwPredictSummary summary;
  summary.images = groups.size();
  std::vector<ActiveEstimator> active = start_estimators(entries, plans, store);
  const ImageWork work = images_with_work(groups, active);
  summary.images_processed = work.groups.size();

  OrderedPrefetch<cv::Mat> images(work.groups.size(), options.decode_workers, options.lookahead, [&](std::size_t i) {
    return work.decode[i] ? load_entry_image(dataset, *work.groups[i]->entries.front()) : cv::Mat();
  });
  PendingPredictions pending(store, options.commit_interval_seconds);
  ProgressBar progress(options.progress_label, work.groups.size());
  try {
    for (const ImageGroup* group : work.groups) {
      throw_if_interrupted();
      predict_image(dataset, *group, images.next(), active, pending, store);
      pending.commit_if_due();
      progress.advance();
    }
  } catch (...) {
    // Keep every finished prediction for --resume, whatever stopped the run.
    pending.commit();
    throw;
  }
  pending.commit();
  progress.finish();
  for (ActiveEstimator& estimator : active) {
    if (estimator.estimator && !estimator.failed) store.set_estimator_status(estimator.id, EstimatorStatus::kOk, "");
  }
  summary.predictions_added = pending.added();
  return summary;
}

}  // namespace depthstyle
