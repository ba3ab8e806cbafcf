#include "diw/diw_merge.h"

#include <map>
#include <memory>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "diw/prediction_store.h"

namespace depthstyle {
namespace {

struct ShardStore {
  std::filesystem::path path;
  std::unique_ptr<PredictionStore> store;
  DiwStoreIdentity identity;
};

// "key: A vs B" for each top-level setting that differs.
std::vector<std::string> differing_settings(const nlohmann::json& a, const nlohmann::json& b) {
  std::set<std::string> keys;
  for (const auto& [key, value] : a.items()) keys.insert(key);
  for (const auto& [key, value] : b.items()) keys.insert(key);
  std::vector<std::string> differences;
  for (const std::string& key : keys) {
    const nlohmann::json left = a.contains(key) ? a[key] : nlohmann::json("(absent)");
    const nlohmann::json right = b.contains(key) ? b[key] : nlohmann::json("(absent)");
    if (left != right) differences.push_back(concat(key, ": ", left.dump(), " vs ", right.dump()));
  }
  return differences;
}

void check_same_evaluation(const ShardStore& first, const ShardStore& other) {
  const std::string pair = concat(first.path.string(), " and ", other.path.string());
  if (first.identity.dataset_sha256 != other.identity.dataset_sha256) {
    throw UsageError(concat("cannot merge ", pair, ": they evaluated different DIW files (sha256 ",
                            first.identity.dataset_sha256, " vs ", other.identity.dataset_sha256, ")"));
  }
  if (first.identity.shard.count != other.identity.shard.count) {
    throw UsageError(concat("cannot merge ", pair, ": they split the file differently (shard ",
                            first.identity.shard.to_string(), " vs ", other.identity.shard.to_string(), ")"));
  }
  const std::vector<std::string> differences = differing_settings(first.identity.settings, other.identity.settings);
  if (!differences.empty()) {
    throw UsageError(concat("cannot merge ", pair, ": their configs differ in ", join(differences, "; ")));
  }
}

std::vector<ShardStore> open_finished_shards(const std::vector<std::filesystem::path>& shards) {
  SqliteOpenOptions read_only;
  read_only.read_only = true;
  std::vector<ShardStore> stores;
  for (const std::filesystem::path& path : shards) {
    ShardStore& shard = stores.emplace_back();
    shard.path = path;
    shard.store = std::make_unique<PredictionStore>(path, read_only);
    shard.identity = read_store_identity(*shard.store);
    if (shard.store->info("completed") != std::optional<std::string>("1")) {
      throw UsageError(concat(path.string(), ": shard ", shard.identity.shard.to_string(),
                              " did not finish; continue it with `depthstyle run CONFIG --shard ",
                              shard.identity.shard.to_string(), " --resume` before merging"));
    }
    check_same_evaluation(stores.front(), shard);
  }
  return stores;
}

// Exactly one store per shard 1..N, by shard index.
std::map<int, const ShardStore*> one_store_per_shard(const std::vector<ShardStore>& stores) {
  const int count = stores.front().identity.shard.count;
  std::map<int, const ShardStore*> by_index;
  for (const ShardStore& shard : stores) {
    const auto [found, inserted] = by_index.emplace(shard.identity.shard.index, &shard);
    if (!inserted) {
      throw UsageError(concat("overlapping shards: ", shard.identity.shard.to_string(), " is given twice (",
                              found->second->path.string(), " and ", shard.path.string(), ")"));
    }
  }
  std::vector<std::string> missing;
  for (int index = 1; index <= count; ++index) {
    if (!by_index.count(index)) missing.push_back(DiwShard{index, count}.to_string());
  }
  if (!missing.empty()) {
    throw UsageError(concat("missing shards: ", join(missing, ", "), "; a merge needs one store for each of 1/",
                            count, " .. ", count, "/", count));
  }
  return by_index;
}

using EntriesByLine = std::map<int, std::pair<const ShardStore*, StoredEntry>>;

// Entries: every line in exactly one shard, all of the file's entries present.
EntriesByLine entries_of_every_line(const std::map<int, const ShardStore*>& by_index) {
  EntriesByLine entries;
  for (const auto& [index, shard] : by_index) {
    for (StoredEntry& stored : shard->store->entries()) {
      const int line = stored.entry.line;
      const auto [found, inserted] = entries.emplace(line, std::make_pair(shard, std::move(stored)));
      if (!inserted) {
        throw UsageError(concat("overlapping shards: ", found->second.first->path.string(), " and ",
                                shard->path.string(), " both hold the entry at line ", line));
      }
    }
  }
  const ShardStore& first = *by_index.begin()->second;
  if (entries.size() != first.identity.dataset_entries) {
    throw UsageError(concat("the shards hold ", entries.size(), " entries, the DIW file has ",
                            first.identity.dataset_entries));
  }
  return entries;
}

struct MergedEstimator {
  StoredEstimator estimator;
  const ShardStore* described_by = nullptr;
  std::vector<std::pair<const ShardStore*, StoredEstimator>> per_shard;
};

// Adds one shard's estimator to its merge; the model must be the same in every shard that describes it.
void add_shard_estimator(MergedEstimator& merged, const ShardStore* shard, const StoredEstimator& other,
                         std::size_t position, const ShardStore& first) {
  if (other.name != merged.estimator.name) {
    throw UsageError(concat("cannot merge ", first.path.string(), " and ", shard->path.string(), ": estimator ",
                            position + 1, " is '", merged.estimator.name, "' in one and '", other.name,
                            "' in the other"));
  }
  if (!other.description.is_null()) {
    if (merged.described_by == nullptr) {
      merged.estimator.description = other.description;
      merged.described_by = shard;
    } else if (other.description != merged.estimator.description) {
      throw UsageError(concat("estimator '", other.name, "' is not the same model in every shard: ",
                              merged.described_by->path.string(), " ran ", merged.estimator.description.dump(), ", ",
                              shard->path.string(), " ran ", other.description.dump()));
    }
  }
  merged.per_shard.emplace_back(shard, other);
}

// A status every shard agrees on is kept as it is (a model whose weights are missing everywhere reads exactly as in a
// single run); otherwise the first shard where it did not finish gives the status, its reason prefixed with the shard.
void merge_status(MergedEstimator& merged) {
  const StoredEstimator& reference = merged.per_shard.front().second;
  bool agree = true;
  for (const auto& [shard, estimator] : merged.per_shard) {
    agree = agree && estimator.status == reference.status && estimator.detail == reference.detail;
  }
  merged.estimator.status = reference.status;
  merged.estimator.detail = reference.detail;
  if (agree) return;
  for (const auto& [shard, estimator] : merged.per_shard) {
    if (estimator.status == EstimatorStatus::kOk) continue;
    merged.estimator.status = estimator.status;
    merged.estimator.detail = concat("shard ", shard->identity.shard.to_string(), ": ", estimator.detail);
    return;
  }
}

// Estimators: the same models, in the same order, in every shard.
std::vector<MergedEstimator> merge_estimators(const std::map<int, const ShardStore*>& by_index) {
  const ShardStore& first = *by_index.begin()->second;
  std::vector<MergedEstimator> estimators;
  for (const auto& [index, shard] : by_index) {
    const std::vector<StoredEstimator> listed = shard->store->estimators();
    if (estimators.empty()) {
      for (const StoredEstimator& estimator : listed) estimators.push_back({estimator, nullptr, {}});
    }
    if (listed.size() != estimators.size()) {
      throw UsageError(concat("cannot merge ", first.path.string(), " and ", shard->path.string(),
                              ": they list different estimators"));
    }
    for (std::size_t i = 0; i < listed.size(); ++i) add_shard_estimator(estimators[i], shard, listed[i], i, first);
  }
  for (MergedEstimator& merged : estimators) merge_status(merged);
  return estimators;
}

// Writes the merged store at `path` (a new file) in one transaction; returns the number of predictions copied.
std::int64_t write_merged_store(const std::filesystem::path& path, const std::map<int, const ShardStore*>& by_index,
                                const EntriesByLine& entries, const std::vector<MergedEstimator>& estimators) {
  const ShardStore& first = *by_index.begin()->second;
  PredictionStore merged(path);
  SqliteTransaction transaction(merged.database());
  merged.set_info("dataset_sha256", first.identity.dataset_sha256);
  merged.set_info("dataset_entries", std::to_string(first.identity.dataset_entries));
  merged.set_info("shard", DiwShard{}.to_string());
  merged.set_info("settings", first.identity.settings.dump());
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& [index, shard] : by_index) sources.push_back(shard->path.string());
  merged.set_info("merged_from", sources.dump());
  std::map<std::string, std::vector<DiwEntry>> by_reason;
  for (const auto& [line, source] : entries) by_reason[source.second.skipped].push_back(source.second.entry);
  for (const auto& [reason, list] : by_reason) merged.add_entries(list, reason);

  std::map<std::string, std::int64_t> id_of;
  for (const MergedEstimator& estimator : estimators) {
    const StoredEstimator& stored = estimator.estimator;
    const std::int64_t id = merged.register_estimator(stored.name, stored.position, stored.config);
    if (!stored.description.is_null()) merged.set_estimator_description(id, stored.description);
    merged.set_estimator_status(id, stored.status, stored.detail);
    id_of[stored.name] = id;
  }
  std::int64_t predictions = 0;
  for (const auto& [index, shard] : by_index) {
    for (const StoredEstimator& estimator : shard->store->estimators()) {
      for (const StoredPrediction& prediction : shard->store->predictions(estimator.id)) {
        merged.add_prediction(id_of.at(estimator.name), prediction);
        ++predictions;
      }
    }
  }
  merged.set_info("completed", "1");
  transaction.commit();
  return predictions;
}

}  // namespace

DiwMergeSummary merge_prediction_stores(const std::vector<std::filesystem::path>& shards,
                                        const std::filesystem::path& output) {
  if (shards.empty()) throw UsageError("diw merge: no shard stores given");
  if (std::filesystem::exists(output)) {
    throw UsageError(concat(output.string(), " already exists; the merge writes a new store"));
  }
  const std::vector<ShardStore> stores = open_finished_shards(shards);
  const std::map<int, const ShardStore*> by_index = one_store_per_shard(stores);
  const EntriesByLine entries = entries_of_every_line(by_index);
  const std::vector<MergedEstimator> estimators = merge_estimators(by_index);

  // Write everything into a new store beside the output and publish it by renaming.
  std::filesystem::path partial = output;
  partial += ".partial";
  // Left over by a merge that was killed: remove it with its journal files, which a new database must not replay.
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(partial.string() + suffix);
  DiwMergeSummary summary;
  summary.shards = stores.front().identity.shard.count;
  summary.entries = static_cast<std::int64_t>(entries.size());
  summary.predictions = write_merged_store(partial, by_index, entries, estimators);
  std::filesystem::rename(partial, output);
  return summary;
}

}  // namespace depthstyle
