#include "diw/ordinal_pairs.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/seeds.h"

namespace depthstyle {

std::vector<DiwPair> sample_ordinal_pairs(const DepthPrediction& truth, const OrdinalPairOptions& options,
                                          std::mt19937_64& random) {
  const cv::Mat& map = truth.values;
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  if (options.min_ratio <= 1) throw UsageError(concat("min_ratio must be > 1, got ", options.min_ratio));
  std::vector<std::uint32_t> known;  // row * cols + col
  for (int row = 0; row < map.rows; ++row) {
    const float* values = map.ptr<float>(row);
    for (int col = 0; col < map.cols; ++col) {
      if (std::isfinite(values[col]) && values[col] > 0) known.push_back(static_cast<std::uint32_t>(row * map.cols + col));
    }
  }
  if (known.size() < 2) throw InputError(concat("the ground-truth map has ", known.size(), " known pixels; a pair needs 2"));
  const std::int64_t max_draws = options.max_draws > 0 ? options.max_draws : std::int64_t{10000} * options.count;
  const auto value_at = [&](std::uint32_t index) { return map.ptr<float>(index / map.cols)[index % map.cols]; };

  std::vector<DiwPair> pairs;
  pairs.reserve(static_cast<std::size_t>(options.count));
  for (std::int64_t draw = 0; draw < max_draws && static_cast<int>(pairs.size()) < options.count; ++draw) {
    const std::uint32_t a = known[uniform_index(random, known.size())];
    const std::uint32_t b = known[uniform_index(random, known.size())];
    if (a == b) continue;
    const float value_a = value_at(a), value_b = value_at(b);
    if (std::max(value_a, value_b) < options.min_ratio * std::min(value_a, value_b)) continue;
    DiwPair& pair = pairs.emplace_back();
    pair.y_a = static_cast<int>(a / map.cols) + 1;
    pair.x_a = static_cast<int>(a % map.cols) + 1;
    pair.y_b = static_cast<int>(b / map.cols) + 1;
    pair.x_b = static_cast<int>(b % map.cols) + 1;
    pair.relation = farther_order(truth.meaning, value_a, value_b) > 0 ? DiwRelation::kAFarther : DiwRelation::kANearer;
    pair.width = map.cols;
    pair.height = map.rows;
  }
  if (static_cast<int>(pairs.size()) < options.count) {
    throw InputError(concat("found only ", pairs.size(), " of ", options.count, " pairs whose depths differ by a ",
                            "ratio of at least ", options.min_ratio, " in ", max_draws, " draws; lower min_ratio"));
  }
  return pairs;
}

}  // namespace depthstyle
