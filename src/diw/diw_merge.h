// Combining the prediction stores of shards 1/N .. N/N of one DIW evaluation into one store, which then scores and
// reports exactly as a single run over the whole file would.
//
// Refused, each with a message naming the stores: a store that is not a finished diw_eval store (resume it first);
// stores of different evaluations (DIW file, settings, shard count); the same shard twice (overlap); a shard that is
// missing; entries claimed by two shards; an estimator whose model (its description, with the weights' sha256) differs
// between shards. An estimator that did not run in some shard keeps that shard's reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace depthstyle {

struct DiwMergeSummary {
  int shards = 0;
  std::int64_t entries = 0;
  std::int64_t predictions = 0;
};

// `shards`: prediction store files. `output` must not exist; it appears only when the merge succeeded.
DiwMergeSummary merge_prediction_stores(const std::vector<std::filesystem::path>& shards,
                                        const std::filesystem::path& output);

}  // namespace depthstyle
