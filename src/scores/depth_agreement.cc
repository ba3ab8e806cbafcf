#include "scores/depth_agreement.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.h"
#include "core/seeds.h"
#include "stats/ranks.h"
#include "style/map_resize.h"

namespace depthstyle {
namespace {

// F(v) = (#values < v + #values <= v) / 2N over the sorted known values.
double mid_distribution(const std::vector<float>& sorted, double value) {
  const auto below = std::lower_bound(sorted.begin(), sorted.end(), value);
  const auto at_or_below = std::upper_bound(below, sorted.end(), value);
  const double count = static_cast<double>(below - sorted.begin()) + static_cast<double>(at_or_below - sorted.begin());
  return count / (2.0 * static_cast<double>(sorted.size()));
}

// The prediction on `size`, in the proximity direction (bigger = nearer), NaN = unknown.
cv::Mat proximity_direction_at(const DepthPrediction& prediction, cv::Size size) {
  cv::Mat map = resize_map_ignoring_unknown(prediction.values, size, CV_64F);
  if (prediction.meaning == DepthMeaning::kDepth) map = -map;
  return map;
}

// The known cells of a grid map (CV_64F, NaN = unknown) in ascending order of value, as (value, row-major index):
// each map is sorted once, and the midranks within any subset of its cells follow in one pass (ranks_within).
std::vector<std::pair<double, int>> cells_in_order(const cv::Mat& grid) {
  std::vector<std::pair<double, int>> order;
  order.reserve(grid.total());
  for (int row = 0; row < grid.rows; ++row) {
    const double* values = grid.ptr<double>(row);
    for (int col = 0; col < grid.cols; ++col) {
      if (!std::isnan(values[col])) order.emplace_back(values[col], row * grid.cols + col);
    }
  }
  std::sort(order.begin(), order.end());
  return order;
}

// Midranks (stats/ranks.h) of the values of the cells where `kept` is nonzero, among those cells only, written to
// ranks[cell]: what midranks() gives for the kept values, without sorting them again.
void ranks_within(const std::vector<std::pair<double, int>>& order, const std::vector<unsigned char>& kept,
                  std::vector<double>& ranks) {
  std::size_t rank = 0;  // kept cells before the current group of equal values
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    std::size_t group = 0;
    while (end < order.size() && order[end].first == order[start].first) group += kept[order[end++].second] ? 1 : 0;
    const double midrank = (static_cast<double>(rank + 1) + static_cast<double>(rank + group)) / 2;
    for (std::size_t i = start; i < end; ++i) {
      if (kept[order[i].second]) ranks[order[i].second] = midrank;
    }
    rank += group;
    start = end;
  }
}

// Spearman's correlation of two grid maps over the cells known in both (and inside `region`, if given), as
// spearman_correlation() on those cells' values in row-major order.
double spearman_over(const cv::Mat& content, const std::vector<std::pair<double, int>>& content_order,
                     const cv::Mat& output, const std::vector<std::pair<double, int>>& output_order,
                     const cv::Mat* region) {
  const int cells = static_cast<int>(content.total());
  std::vector<unsigned char> kept(content.total(), 0);
  for (int row = 0; row < content.rows; ++row) {
    const double* a = content.ptr<double>(row);
    const double* b = output.ptr<double>(row);
    const unsigned char* inside = region != nullptr ? region->ptr<unsigned char>(row) : nullptr;
    for (int col = 0; col < content.cols; ++col) {
      kept[row * content.cols + col] =
          !std::isnan(a[col]) && !std::isnan(b[col]) && (inside == nullptr || inside[col] != 0) ? 1 : 0;
    }
  }
  std::vector<double> content_ranks(content.total()), output_ranks(content.total());
  ranks_within(content_order, kept, content_ranks);
  ranks_within(output_order, kept, output_ranks);
  std::vector<double> x, y;
  for (int cell = 0; cell < cells; ++cell) {
    if (!kept[cell]) continue;
    x.push_back(content_ranks[cell]);
    y.push_back(output_ranks[cell]);
  }
  return correlation_of_midranks(x, y);
}

bool inside(const cv::Mat& region, int y, int x) { return region.at<unsigned char>(y - 1, x - 1) != 0; }

}  // namespace

std::vector<DiwPair> sample_content_depth_pairs(const DepthPrediction& content, cv::Size image_size,
                                                const DepthPairOptions& options, std::mt19937_64& random) {
  if (options.count < 0) throw UsageError(concat("depth pairs: count must be >= 0, got ", options.count));
  if (!(options.min_rank_gap > 0 && options.min_rank_gap < 1)) {
    throw UsageError(concat("depth pairs: min_rank_gap must be in (0, 1), got ", options.min_rank_gap));
  }
  DEPTHSTYLE_ASSERT(content.values.type() == CV_32FC1 && image_size.area() > 0);
  std::vector<float> sorted;
  sorted.reserve(content.values.total());
  for (int row = 0; row < content.values.rows; ++row) {
    const float* values = content.values.ptr<float>(row);
    for (int col = 0; col < content.values.cols; ++col) {
      if (std::isfinite(values[col])) sorted.push_back(values[col]);
    }
  }
  std::vector<DiwPair> pairs;
  if (sorted.empty() || image_size.area() < 2) return pairs;
  std::sort(sorted.begin(), sorted.end());
  const std::int64_t max_draws = options.max_draws > 0 ? options.max_draws : std::int64_t{1000} * options.count;
  const auto pixels = static_cast<std::uint64_t>(image_size.area());
  const auto width = static_cast<std::uint64_t>(image_size.width);
  for (std::int64_t draw = 0; draw < max_draws && static_cast<int>(pairs.size()) < options.count; ++draw) {
    const std::uint64_t a = uniform_index(random, pixels), b = uniform_index(random, pixels);
    if (a == b) continue;
    DiwPair pair;
    pair.y_a = static_cast<int>(a / width) + 1;
    pair.x_a = static_cast<int>(a % width) + 1;
    pair.y_b = static_cast<int>(b / width) + 1;
    pair.x_b = static_cast<int>(b % width) + 1;
    pair.width = image_size.width;
    pair.height = image_size.height;
    const DiwPointValues values = read_pair_values(content.values, pair);
    if (std::isnan(values.a) || std::isnan(values.b)) continue;
    if (std::fabs(mid_distribution(sorted, values.a) - mid_distribution(sorted, values.b)) < options.min_rank_gap) {
      continue;
    }
    const int order = farther_order(content.meaning, values.a, values.b);
    if (order == 0) continue;  // cannot happen with a positive gap; kept as the definition of a usable pair
    pair.relation = order > 0 ? DiwRelation::kAFarther : DiwRelation::kANearer;
    pairs.push_back(pair);
  }
  return pairs;
}

cv::Size spearman_grid_size(cv::Size image_size, int smaller_side) {
  const int smaller = std::min(image_size.width, image_size.height);
  if (smaller_side <= 0 || smaller_side >= smaller) return image_size;
  const double scale = static_cast<double>(smaller_side) / smaller;
  return {std::max(1, static_cast<int>(std::lround(image_size.width * scale))),
          std::max(1, static_cast<int>(std::lround(image_size.height * scale)))};
}

DepthAgreement depth_agreement(const DepthPrediction& content, const DepthPrediction& output,
                               const std::vector<DiwPair>& pairs, cv::Size grid_size,
                               const RegionMasks* image_regions, const RegionMasks* grid_regions) {
  DepthAgreement agreement;
  for (const DiwPair& pair : pairs) {
    const DiwOutcome outcome = score_pair(pair.relation, output.meaning, read_pair_values(output.values, pair));
    agreement.pairs.add(pair.relation, outcome);
    if (image_regions == nullptr) continue;
    if (inside(image_regions->near, pair.y_a, pair.x_a) && inside(image_regions->near, pair.y_b, pair.x_b)) {
      agreement.pairs_near.add(pair.relation, outcome);
    }
    if (inside(image_regions->far, pair.y_a, pair.x_a) && inside(image_regions->far, pair.y_b, pair.x_b)) {
      agreement.pairs_far.add(pair.relation, outcome);
    }
  }
  const cv::Mat content_grid = proximity_direction_at(content, grid_size);
  const cv::Mat output_grid = proximity_direction_at(output, grid_size);
  const std::vector<std::pair<double, int>> content_order = cells_in_order(content_grid);
  const std::vector<std::pair<double, int>> output_order = cells_in_order(output_grid);
  agreement.spearman = spearman_over(content_grid, content_order, output_grid, output_order, nullptr);
  if (grid_regions != nullptr) {
    agreement.spearman_near = spearman_over(content_grid, content_order, output_grid, output_order, &grid_regions->near);
    agreement.spearman_far = spearman_over(content_grid, content_order, output_grid, output_order, &grid_regions->far);
  }
  return agreement;
}

}  // namespace depthstyle
