#include "diw/prediction_store.h"

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {

const SqliteSchema kPredictionStoreSchema{
    "DIW prediction store",
    0x44495750,  // "DIWP"
    {R"sql(
CREATE TABLE store_info (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE entries (
  line INTEGER PRIMARY KEY,
  image TEXT NOT NULL,
  y_a INTEGER NOT NULL,
  x_a INTEGER NOT NULL,
  y_b INTEGER NOT NULL,
  x_b INTEGER NOT NULL,
  relation TEXT NOT NULL CHECK (relation IN ('>', '<')),
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  skipped TEXT
);
CREATE TABLE estimators (
  estimator_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  position INTEGER NOT NULL,
  config TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'ok', 'weights_missing', 'failed')),
  detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE predictions (
  estimator_id INTEGER NOT NULL REFERENCES estimators (estimator_id),
  line INTEGER NOT NULL REFERENCES entries (line),
  value_a REAL,
  value_b REAL,
  meaning TEXT NOT NULL CHECK (meaning IN ('depth', 'proximity')),
  PRIMARY KEY (estimator_id, line)
) WITHOUT ROWID;
)sql"}};

std::string to_string(EstimatorStatus status) {
  switch (status) {
    case EstimatorStatus::kPending: return "pending";
    case EstimatorStatus::kOk: return "ok";
    case EstimatorStatus::kWeightsMissing: return "weights_missing";
    case EstimatorStatus::kFailed: return "failed";
  }
  return "failed";
}

EstimatorStatus estimator_status_from_string(const std::string& text) {
  for (EstimatorStatus status : {EstimatorStatus::kPending, EstimatorStatus::kOk, EstimatorStatus::kWeightsMissing,
                                 EstimatorStatus::kFailed}) {
    if (to_string(status) == text) return status;
  }
  throw InputError(concat("unknown estimator status '", text, "' in a prediction store"));
}

PredictionStore::PredictionStore(const std::filesystem::path& path, const SqliteOpenOptions& options)
    : database_(path, options) {
  if (options.read_only) {
    const int version = schema_version(database_);
    if (version != static_cast<int>(kPredictionStoreSchema.migrations.size())) {
      throw SqliteError(concat(path.string(), ": not a ", kPredictionStoreSchema.name, " of this build (schema ",
                               "version ", version, ")"),
                        0);
    }
  } else {
    migrate(database_, kPredictionStoreSchema);
  }
}

void PredictionStore::set_info(const std::string& key, const std::string& value) {
  database_.execute("INSERT INTO store_info (key, value) VALUES (?1, ?2) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    key, value);
}

std::optional<std::string> PredictionStore::info(const std::string& key) {
  SqliteStatement select = database_.prepare("SELECT value FROM store_info WHERE key = ?1");
  SqliteRows rows = select.query(key);
  if (!rows.next()) return std::nullopt;
  return rows.text(0);
}

std::string PredictionStore::required_info(const std::string& key) {
  std::optional<std::string> value = info(key);
  if (!value) throw InputError(concat(path().string(), ": the store lacks '", key, "' (not written by diw_eval?)"));
  return *value;
}

void PredictionStore::add_entries(const std::vector<DiwEntry>& entries, const std::string& skipped) {
  SqliteStatement insert = database_.prepare(
      "INSERT INTO entries (line, image, y_a, x_a, y_b, x_b, relation, width, height, skipped) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  for (const DiwEntry& entry : entries) {
    const DiwPair& pair = entry.pair;
    insert.execute(entry.line, entry.image, pair.y_a, pair.x_a, pair.y_b, pair.x_b,
                   std::string(1, to_symbol(pair.relation)), pair.width, pair.height,
                   skipped.empty() ? std::optional<std::string>() : std::optional<std::string>(skipped));
  }
}

std::vector<StoredEntry> PredictionStore::entries() {
  SqliteStatement select = database_.prepare(
      "SELECT line, image, y_a, x_a, y_b, x_b, relation, width, height, skipped FROM entries ORDER BY line");
  std::vector<StoredEntry> entries;
  for (SqliteRows rows = select.query(); rows.next();) {
    StoredEntry& stored = entries.emplace_back();
    DiwEntry& entry = stored.entry;
    entry.line = static_cast<int>(rows.integer(0));
    entry.image = rows.text(1);
    entry.pair.y_a = static_cast<int>(rows.integer(2));
    entry.pair.x_a = static_cast<int>(rows.integer(3));
    entry.pair.y_b = static_cast<int>(rows.integer(4));
    entry.pair.x_b = static_cast<int>(rows.integer(5));
    entry.pair.relation = rows.text(6) == ">" ? DiwRelation::kAFarther : DiwRelation::kANearer;
    entry.pair.width = static_cast<int>(rows.integer(7));
    entry.pair.height = static_cast<int>(rows.integer(8));
    stored.skipped = rows.text(9);
  }
  return entries;
}

std::int64_t PredictionStore::entry_count() {
  SqliteStatement select = database_.prepare("SELECT count(*) FROM entries");
  SqliteRows rows = select.query();
  return rows.next() ? rows.integer(0) : 0;
}

std::int64_t PredictionStore::register_estimator(const std::string& name, int position,
                                                 const nlohmann::json& config) {
  {
    SqliteStatement select = database_.prepare("SELECT estimator_id FROM estimators WHERE name = ?1");
    SqliteRows rows = select.query(name);
    if (rows.next()) return rows.integer(0);
  }
  database_.execute("INSERT INTO estimators (name, position, config, status) VALUES (?1, ?2, ?3, 'pending')", name,
                    position, config.dump());
  return database_.last_insert_rowid();
}

void PredictionStore::set_estimator_status(std::int64_t id, EstimatorStatus status, const std::string& detail) {
  database_.execute("UPDATE estimators SET status = ?1, detail = ?2 WHERE estimator_id = ?3", to_string(status),
                    detail, id);
}

void PredictionStore::set_estimator_description(std::int64_t id, const nlohmann::json& description) {
  database_.execute("UPDATE estimators SET description = ?1 WHERE estimator_id = ?2", description.dump(), id);
}

std::vector<StoredEstimator> PredictionStore::estimators() {
  SqliteStatement select = database_.prepare(
      "SELECT estimator_id, name, position, config, description, status, detail FROM estimators ORDER BY position");
  std::vector<StoredEstimator> estimators;
  for (SqliteRows rows = select.query(); rows.next();) {
    StoredEstimator& estimator = estimators.emplace_back();
    estimator.id = rows.integer(0);
    estimator.name = rows.text(1);
    estimator.position = static_cast<int>(rows.integer(2));
    try {
      estimator.config = nlohmann::json::parse(rows.text(3));
      if (!rows.is_null(4)) estimator.description = nlohmann::json::parse(rows.text(4));
    } catch (const nlohmann::json::exception& error) {
      throw InputError(concat(path().string(), ": estimator '", estimator.name, "' has unreadable JSON: ",
                              error.what()));
    }
    estimator.status = estimator_status_from_string(rows.text(5));
    estimator.detail = rows.text(6);
  }
  return estimators;
}

std::vector<int> PredictionStore::predicted_lines(std::int64_t estimator) {
  SqliteStatement select = database_.prepare("SELECT line FROM predictions WHERE estimator_id = ?1 ORDER BY line");
  std::vector<int> lines;
  for (SqliteRows rows = select.query(estimator); rows.next();) lines.push_back(static_cast<int>(rows.integer(0)));
  return lines;
}

void PredictionStore::add_prediction(std::int64_t estimator, const StoredPrediction& prediction) {
  if (!insert_prediction_) {
    insert_prediction_ = database_.prepare(
        "INSERT INTO predictions (estimator_id, line, value_a, value_b, meaning) VALUES (?1, ?2, ?3, ?4, ?5)");
  }
  insert_prediction_->execute(estimator, prediction.line, prediction.value_a, prediction.value_b,
                              to_string(prediction.meaning));
}

std::vector<StoredPrediction> PredictionStore::predictions(std::int64_t estimator) {
  SqliteStatement select = database_.prepare(
      "SELECT line, value_a, value_b, meaning FROM predictions WHERE estimator_id = ?1 ORDER BY line");
  std::vector<StoredPrediction> predictions;
  for (SqliteRows rows = select.query(estimator); rows.next();) {
    StoredPrediction& prediction = predictions.emplace_back();
    prediction.line = static_cast<int>(rows.integer(0));
    prediction.value_a = rows.real(1);
    prediction.value_b = rows.real(2);
    prediction.meaning = rows.text(3) == "depth" ? DepthMeaning::kDepth : DepthMeaning::kProximity;
  }
  return predictions;
}

void prepare_prediction_store(PredictionStore& store, const DiwDataset& slice, const DiwStoreIdentity& identity) {
  if (store.info("dataset_sha256")) {
    const DiwStoreIdentity stored = read_store_identity(store);
    std::vector<std::string> differences;
    if (stored.dataset_sha256 != identity.dataset_sha256) {
      differences.push_back(concat("the DIW file's sha256 was ", stored.dataset_sha256, ", now ",
                                   identity.dataset_sha256, " (the file changed)"));
    }
    if (stored.shard.to_string() != identity.shard.to_string()) {
      differences.push_back(concat("shard was ", stored.shard.to_string(), ", now ", identity.shard.to_string()));
    }
    if (stored.settings != identity.settings) {
      differences.push_back(concat("settings were ", stored.settings.dump(), ", now ", identity.settings.dump()));
    }
    if (!differences.empty()) {
      throw UsageError(concat(store.path().string(), ": this prediction store was started for another evaluation: ",
                              join(differences, "; "), ". Start a new run (--set name=<other>)."));
    }
    return;
  }
  SqliteTransaction transaction(store.database());
  store.set_info("dataset_sha256", identity.dataset_sha256);
  store.set_info("dataset_entries", std::to_string(identity.dataset_entries));
  store.set_info("shard", identity.shard.to_string());
  store.set_info("settings", identity.settings.dump());
  store.add_entries(slice.entries);
  store.add_entries(slice.skipped, "image missing");
  transaction.commit();
}

DiwStoreIdentity read_store_identity(PredictionStore& store) {
  DiwStoreIdentity identity;
  identity.dataset_sha256 = store.required_info("dataset_sha256");
  const std::string entries = store.required_info("dataset_entries");
  try {
    identity.dataset_entries = static_cast<std::size_t>(std::stoull(entries));
    identity.shard = parse_diw_shard(store.required_info("shard"));
    identity.settings = nlohmann::json::parse(store.required_info("settings"));
  } catch (const std::exception& error) {
    throw InputError(concat(store.path().string(), ": unreadable store identity: ", error.what()));
  }
  return identity;
}

}  // namespace depthstyle
