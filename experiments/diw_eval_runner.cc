// experiment: diw_eval — relative-depth accuracy of depth estimators on a DIW-format set (Table 1 of the paper):
// predictions at the annotated points go to <run>/predictions.sqlite (resumable, shardable, re-scorable), the Table 1
// report to <run>/report.{md,html} with results.{csv,json} and table1.svg.
#include <nlohmann/json.hpp>

#include <set>

#include "config/yaml_json.h"
#include "core/log.h"
#include "core/text.h"
#include "depth/depth_estimator.h"
#include "depth/model_location.h"
#include "diw/diw_predict.h"
#include "diw/diw_report.h"
#include "diw/paper_table1.h"
#include "diw/prediction_store.h"
#include "experiment_table.h"
#include "weights/weight_catalog.h"

namespace depthstyle {
namespace {

// One `report.paper_rows` entry: which of the paper's Table 1 rows an estimator reproduces.
struct PaperRowChoice {
  std::string estimator;
  std::string row;
};

struct DiwEvalOptions {
  // DIW-format CSV: DIW_test.csv, or a set derived by `depthstyle data make-diw-*`.
  std::string csv;
  // Folder relative image paths are resolved against; empty = the CSV's folder.
  std::string image_root;
  // error: a missing image stops the run naming its line; skip: the entry is left out and counted.
  std::string missing_images = "error";
  // Folder relative estimator `path`s are resolved against; empty = the working directory. Lets one config name
  // its weight files the same way on every machine (--set weights_dir=...). A path that is a catalog model's name
  // (weights/weight_catalog.h) is found in the weights folder instead (run --weights-dir).
  std::string weights_dir;
  // wrong: a tie (equal values at both points) is an error, as in the official script; separate: accuracy over
  // decided pairs, ties reported on their own.
  std::string ties = "wrong";
  // "k/N": evaluate slice k of N (see diw/diw_dataset.h, shard_of); `depthstyle run --shard k/N` sets it and names
  // the run folder <name>.shard-k-of-N; `depthstyle diw merge` combines the N stores.
  std::string shard = "1/1";
  // Threads decoding images ahead of inference.
  int decode_workers = 1;
  // Seconds between commits of finished predictions (what a killed process can lose at most).
  double commit_seconds = 2;
  std::vector<DepthEstimatorConfig> estimators;
  std::vector<PaperRowChoice> paper_rows;
};

nlohmann::json estimator_json(const DepthEstimatorConfig& config) {
  DepthEstimatorConfig copy = config;
  Schema schema("depth estimator");
  declare_depth_estimator(schema, copy);
  return json_from_yaml(schema.to_node());
}

class DiwEval : public Experiment {
 public:
  void declare(Schema& schema) override {
    schema.add("diw.csv", &options_.csv, "DIW-format CSV (image path line, then y_A,x_A,y_B,x_B,ord,width,height)")
        .required()
        .non_empty();
    schema.add("diw.image_root", &options_.image_root, "folder relative image paths are resolved against "
                                                       "(empty = the CSV's folder)")
        .runtime_only();
    schema.add("diw.missing_images", &options_.missing_images,
               "a missing image: error (stop, naming its line) or skip (leave the entry out, counted)")
        .one_of({"error", "skip"});
    schema.add("diw.weights_dir", &options_.weights_dir, "folder relative estimator paths are resolved against "
                                                         "(empty = the working directory; a model's catalog name "
                                                         "is found in the weights folder instead)")
        .runtime_only();
    schema.add("diw.ties", &options_.ties, "ties: wrong (the official rule) or separate (accuracy over decided "
                                           "pairs, ties counted on their own)")
        .one_of({"wrong", "separate"});
    schema.add("diw.decode_workers", &options_.decode_workers, "threads decoding images ahead of inference")
        .range(0, 64)
        .runtime_only();
    schema.add("diw.commit_seconds", &options_.commit_seconds,
               "seconds between commits of finished predictions (the most a killed run loses)")
        .range(0.01, 3600)
        .runtime_only();
    schema.add("shard", &options_.shard, "evaluate slice k of N ('k/N'; depthstyle run --shard k/N also names the "
                                         "run folder); depthstyle diw merge combines the slices")
        .non_empty();
    schema.add_list<DepthEstimatorConfig>("depth_estimators", &options_.estimators, declare_depth_estimator,
                                          "the estimators to evaluate, in report order")
        .required();
    schema.add_list<PaperRowChoice>(
        "report.paper_rows", &options_.paper_rows,
        [](Schema& row_schema, PaperRowChoice& choice) {
          row_schema.add("estimator", &choice.estimator, "name of a depth_estimators entry").required().non_empty();
          row_schema.add("row", &choice.row, "the paper's Table 1 row it reproduces")
              .one_of(paper_table1_models())
              .required();
        },
        "which of the paper's Table 1 rows each estimator reproduces (its number is shown beside ours)");
  }

  void check() const override {
    try {
      parse_diw_shard(options_.shard);
    } catch (const UsageError& error) {
      throw ConfigError(concat("'shard': ", error.what()));
    }
    if (options_.estimators.empty()) throw ConfigError("'depth_estimators': list at least one estimator");
    std::set<std::string> names;
    std::vector<std::string> name_list;
    for (std::size_t i = 0; i < options_.estimators.size(); ++i) {
      try {
        check_depth_estimator_config(options_.estimators[i]);
      } catch (const UsageError& error) {
        throw ConfigError(concat("'depth_estimators[", i, "]': ", error.what()));
      }
    }
    for (const DepthEstimatorConfig& estimator : options_.estimators) {
      if (!names.insert(estimator.name).second) {
        throw ConfigError(concat("'depth_estimators': the name '", estimator.name, "' is used twice; names label ",
                                 "results and must be unique"));
      }
      name_list.push_back(estimator.name);
    }
    std::set<std::string> mapped;
    for (const PaperRowChoice& choice : options_.paper_rows) {
      if (!names.count(choice.estimator)) {
        throw ConfigError(concat("'report.paper_rows': '", choice.estimator, "' is not a depth_estimators name",
                                 did_you_mean(choice.estimator, name_list)));
      }
      if (!mapped.insert(choice.estimator).second) {
        throw ConfigError(concat("'report.paper_rows': '", choice.estimator, "' is mapped twice"));
      }
    }
  }

  void run(RunContext& context) override {
    RunRecord& record = context.record;
    const DiwShard shard = parse_diw_shard(options_.shard);
    DiwReadOptions read;
    read.image_root = options_.image_root;
    read.missing_images = options_.missing_images == "skip" ? MissingImagePolicy::kSkip : MissingImagePolicy::kError;
    const DiwDataset dataset = read_diw_dataset(options_.csv, read);
    const DiwDataset slice = shard_of(dataset, shard);
    log_info("DIW set ", options_.csv, ": ", dataset.entry_count(), " entries (", dataset.skipped.size(),
             " with missing images); shard ", shard.to_string(), ": ", slice.entry_count(), " entries");

    PredictionStore store(record.dir() / "predictions.sqlite");
    DiwStoreIdentity identity;
    identity.dataset_sha256 = dataset.csv_sha256;
    identity.dataset_entries = dataset.entry_count();
    identity.shard = shard;
    identity.settings = settings(context.common.seed);
    prepare_prediction_store(store, slice, identity);

    std::vector<DiwEstimatorPlan> plans;
    for (const DepthEstimatorConfig& configured : options_.estimators) {
      // A model named by the catalog is in the weights folder (not diw.weights_dir); absent, it is reported as
      // "not run: weights missing at <its expected path>" like any missing file.
      const DepthEstimatorConfig config = with_model_location(configured, options_.weights_dir);
      DiwEstimatorPlan& plan = plans.emplace_back();
      plan.name = config.name;
      plan.config = estimator_json(configured);
      plan.model_path = estimator_model_path(config);
      // A seed of -1 (random baselines) becomes the run's seed.
      plan.build = [config, seed = static_cast<std::uint64_t>(context.common.seed)] {
        return make_depth_estimator(config, seed);
      };
    }
    DiwPredictOptions predict;
    predict.decode_workers = options_.decode_workers;
    predict.commit_interval_seconds = options_.commit_seconds;
    predict.progress_label = shard.is_whole() ? "DIW images" : concat("DIW images, shard ", shard.to_string());
    const DiwPredictSummary summary = predict_diw_entries(dataset, slice.entries, plans, store, predict);
    store.set_info("completed", "1");
    log_info("predicted ", summary.predictions_added, " pairs on ", summary.images_processed, " of ",
             summary.images, " images");

    context.report = write_store_report(store, record.dir(), std::nullopt, {{"DIW file", options_.csv}});
    nlohmann::json statuses = nlohmann::json::object();
    for (const StoredEstimator& estimator : store.estimators()) statuses[estimator.name] = to_string(estimator.status);
    record.set_manifest_field("diw", {{"csv", options_.csv},
                                      {"csv_sha256", dataset.csv_sha256},
                                      {"shard", shard.to_string()},
                                      {"entries", slice.entry_count()},
                                      {"skipped", slice.skipped.size()},
                                      {"estimators", statuses}});
  }

 private:
  // Every setting that changes the store's contents or the report, without machine-local paths: shards of one
  // evaluation must agree on it, and `depthstyle diw merge/report` read the report settings from it.
  nlohmann::json settings(std::int64_t seed) const {
    nlohmann::json estimators = nlohmann::json::array();
    for (const DepthEstimatorConfig& estimator : options_.estimators) estimators.push_back(estimator_json(estimator));
    nlohmann::json rows = nlohmann::json::array();
    for (const PaperRowChoice& choice : options_.paper_rows) {
      rows.push_back({{"estimator", choice.estimator}, {"row", choice.row}});
    }
    return {{"seed", seed},
            {"missing_images", options_.missing_images},
            {"ties", options_.ties},
            {"depth_estimators", estimators},
            {"paper_rows", rows}};
  }

  DiwEvalOptions options_;
};

}  // namespace

std::unique_ptr<Experiment> make_diw_eval() { return std::make_unique<DiwEval>(); }

}  // namespace depthstyle
