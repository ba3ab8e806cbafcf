// The DIW prediction store: one SQLite file per run (or shard) holding, for every (estimator, DIW entry), the
// prediction's values at the two points after the official resize and the map's meaning. So a killed run resumes
// where it stopped, re-scoring (other tie rules, reports) needs no inference, and shards merge by copying rows.
//
// Tables (schema version 1):
//   store_info   key -> value: dataset_sha256, entry_count (entries in the whole file), shard ("k/N"),
//                settings (JSON of every setting that changes results), completed ("1" once every estimator ran over
//                every entry of the shard)
//   entries      the shard's DIW entries: line (1-based line of the image path in the CSV; the key), image, the
//                1-based y-first points, relation '>' / '<', original width and height, skipped (NULL, or why the
//                entry was left out, e.g. "image missing")
//   estimators   name (unique), position in the config, config (JSON), description (JSON of describe(), with weight
//                checksums; once per estimator), status: pending | ok | weights_missing | failed, and its detail
//   predictions  (estimator, line) -> value_a, value_b (REAL, double; NULL = NaN) and meaning 'depth' | 'proximity'
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "depth/depth_prediction.h"
#include "diw/diw_dataset.h"

namespace depthstyle {

extern const SqliteSchema kPredictionStoreSchema;

enum class EstimatorStatus {
  kPending,         // registered, not (yet) run to the end
  kOk,              // ran over every entry
  kWeightsMissing,  // not run: its model file is absent (detail: the path)
  kFailed,          // not run, or stopped: the detail says why
};

std::string to_string(EstimatorStatus status);
EstimatorStatus estimator_status_from_string(const std::string& text);

struct StoredEntry {
  DiwEntry entry;
  std::string skipped;  // "" = evaluated
};

struct StoredEstimator {
  std::int64_t id = 0;
  std::string name;
  int position = 0;
  nlohmann::json config;
  nlohmann::json description;  // null until the estimator was built
  EstimatorStatus status = EstimatorStatus::kPending;
  std::string detail;
};

struct StoredPrediction {
  int line = 0;  // the entry
  double value_a = 0;
  double value_b = 0;
  DepthMeaning meaning = DepthMeaning::kDepth;
};

class PredictionStore {
 public:
  // Opens (creating unless read_only) and migrates the store. Throws SqliteError naming the file.
  explicit PredictionStore(const std::filesystem::path& path, const SqliteOpenOptions& options = {});

  const std::filesystem::path& path() const { return database_.path(); }
  SqliteDatabase& database() { return database_; }

  void set_info(const std::string& key, const std::string& value);
  std::optional<std::string> info(const std::string& key);
  // The value, or an InputError naming the store and the key.
  std::string required_info(const std::string& key);

  // Adds entries; `skipped` marks them all as left out for that reason. Call inside a SqliteTransaction (with the
  // store_info that describes them, so a store never holds half a set).
  void add_entries(const std::vector<DiwEntry>& entries, const std::string& skipped = "");
  std::vector<StoredEntry> entries();
  std::int64_t entry_count();

  // The estimator's id; registers it (status pending) if new. An existing one keeps its status and description.
  std::int64_t register_estimator(const std::string& name, int position, const nlohmann::json& config);
  void set_estimator_status(std::int64_t id, EstimatorStatus status, const std::string& detail);
  void set_estimator_description(std::int64_t id, const nlohmann::json& description);
  // In config order.
  std::vector<StoredEstimator> estimators();

  // Lines that already have a prediction of `estimator`.
  std::vector<int> predicted_lines(std::int64_t estimator);
  // Inserts rows; call inside a SqliteTransaction for speed. A second prediction for the same (estimator, line) is
  // an error (it would mean two runs wrote one store).
  void add_prediction(std::int64_t estimator, const StoredPrediction& prediction);
  // Ordered by line.
  std::vector<StoredPrediction> predictions(std::int64_t estimator);

 private:
  SqliteDatabase database_;
  std::optional<SqliteStatement> insert_prediction_;
};

// What a store was started for; shards of one evaluation share everything but the shard.
struct DiwStoreIdentity {
  std::string dataset_sha256;
  std::size_t dataset_entries = 0;  // entries in the whole file, all shards together
  DiwShard shard;
  // JSON of every setting that changes results (not paths that differ between machines); shards must agree on it.
  nlohmann::json settings;
};

// A new store records `identity` and the slice's entries (evaluated and skipped) in one transaction. An existing one
// (a resumed run) must have been started with the same identity: otherwise a UsageError says what differs.
void prepare_prediction_store(PredictionStore& store, const DiwDataset& slice, const DiwStoreIdentity& identity);

// The identity a store was started with; InputError if it lacks one.
DiwStoreIdentity read_store_identity(PredictionStore& store);

}  // namespace depthstyle
