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

}  // namespace

DiwPredictSummary predict_diw_entries(const DiwDataset& dataset, const std::vector<DiwEntry>& entries,
                                      const std::vector<DiwEstimatorPlan>& plans, PredictionStore& store,
                                      const DiwPredictOptions& options) {
  const std::vector<ImageGroup> groups = group_by_image(entries);
  DiwPredictSummary summary;
  summary.images = groups.size();
  int max_line = 0;
  for (const DiwEntry& entry : entries) max_line = std::max(max_line, entry.line);

  // Register every estimator (in config order) and find what each still lacks.
  std::vector<ActiveEstimator> active(plans.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    ActiveEstimator& estimator = active[i];
    estimator.plan = &plans[i];
    estimator.id = store.register_estimator(plans[i].name, static_cast<int>(i), plans[i].config);
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
    const DiwEstimatorPlan& plan = plans[i];
    if (!plan.model_path.empty() && !std::filesystem::exists(plan.model_path)) {
      const std::string detail = concat("not run: weights missing at ", plan.model_path.string());
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

  // The images with work left, and which of them must be decoded.
  std::vector<const ImageGroup*> work;
  std::vector<bool> decode;
  for (const ImageGroup& group : groups) {
    bool needed = false, pixels = false;
    for (const ActiveEstimator& estimator : active) {
      if (!estimator.needs(group)) continue;
      needed = true;
      pixels = pixels || estimator.estimator->needs_pixels();
    }
    if (!needed) continue;
    work.push_back(&group);
    decode.push_back(pixels);
  }
  summary.images_processed = work.size();

  OrderedPrefetch<cv::Mat> images(work.size(), options.decode_workers, options.lookahead, [&](std::size_t i) {
    if (!decode[i]) return cv::Mat();
    const DiwEntry& entry = *work[i]->entries.front();
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
  });

  PendingPredictions pending(store, options.commit_interval_seconds);
  ProgressBar progress(options.progress_label, work.size());
  try {
    for (const ImageGroup* group : work) {
      throw_if_interrupted();
      const DiwEntry& first = *group->entries.front();
      DepthQuery query;
      // The path as the CSV gives it (relative to the image root): the key of precomputed maps and of the random
      // baseline's noise, the same on every machine whatever the image root.
      query.image_path = std::filesystem::path(first.image).lexically_normal();
      query.size = cv::Size(first.pair.width, first.pair.height);
      query.rgb = images.next();
      for (ActiveEstimator& estimator : active) {
        if (!estimator.needs(*group)) continue;
        try {
          const DepthPrediction prediction = estimator.estimator->estimate(query);
          for (const DiwEntry* entry : group->entries) {
            if (estimator.has(entry->line)) continue;
            const DiwPointValues values = read_pair_values(prediction.values, entry->pair);
            pending.add(estimator.id, {entry->line, values.a, values.b, prediction.meaning});
            estimator.predicted[entry->line] = true;
          }
        } catch (const Interrupted&) {
          throw;
        } catch (const std::exception& error) {
          // Earlier predictions of this estimator stay; a resumed run retries the rest.
          estimator.failed = true;
          const std::string detail = concat("failed on ", entry_label(dataset, first), ": ", error.what());
          store.set_estimator_status(estimator.id, EstimatorStatus::kFailed, detail);
          log_warning("estimator '", estimator.plan->name, "' ", detail);
        }
      }
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
