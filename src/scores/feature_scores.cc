#include "scores/feature_scores.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "nets/weight_layout.h"

namespace depthstyle {
namespace {

// The taps are big (VGG relu1_1 at 512 px: 64 x 262,144 values, often a strided view into the next conv's padded
// input), and this Torch's reductions with a double accumulator (sum(at::kDouble)) take a generic path ~30x slower
// than float ones: the statistics below read each tap in place in plain loops, all regions in the same pass.

// A 1xCxhxw float32 tensor (any strides) read row by row.
struct Plane {
  const float* data;
  std::int64_t channels, height, width, channel_stride, row_stride, column_stride;

  explicit Plane(const at::Tensor& tap)
      : data(tap.data_ptr<float>()),
        channels(tap.size(1)),
        height(tap.size(2)),
        width(tap.size(3)),
        channel_stride(tap.stride(1)),
        row_stride(tap.stride(2)),
        column_stride(tap.stride(3)) {}
  const float* row(std::int64_t channel, std::int64_t y) const {
    return data + channel * channel_stride + y * row_stride;
  }
};

// The sum of term(0) .. term(width - 1) in four running sums (so the additions do not wait on one another; the
// order is fixed, so the result does not depend on the thread count).
template <typename Term>
double row_sum(std::int64_t width, const Term& term) {
  double sums[4] = {0, 0, 0, 0};
  std::int64_t x = 0;
  for (; x + 4 <= width; x += 4) {
    sums[0] += term(x);
    sums[1] += term(x + 1);
    sums[2] += term(x + 2);
    sums[3] += term(x + 3);
  }
  for (; x < width; ++x) sums[0] += term(x);
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

// Masks as 0/1 floats, contiguous hxw; null = every position.
const float* mask_data(const at::Tensor* mask, at::Tensor& storage) {
  if (mask == nullptr) return nullptr;
  storage = mask->to(at::kFloat).contiguous();
  return storage.data_ptr<float>();
}

double positions_in(const at::Tensor& mask) { return mask.to(at::kFloat).sum().item<double>(); }

at::Tensor float_tensor(const std::vector<double>& values) {
  return at::tensor(std::vector<float>(values.begin(), values.end())).view({1, -1, 1, 1});
}

// Per channel, for each mask (null = every position): the mean and sqrt(unbiased variance + epsilon) over the
// positions where the mask is 1, from centred two-pass sums in double; all masks in the same two passes over the tap.
// Every mask must cover at least 2 positions.
std::vector<ChannelStats> channel_stats_in(const at::Tensor& features, const std::vector<const at::Tensor*>& masks,
                                           double epsilon) {
  const at::Tensor tap = features.to(at::kFloat);
  const Plane plane(tap);
  const std::size_t regions = masks.size();
  std::vector<at::Tensor> storage(regions);
  std::vector<const float*> inside(regions);
  std::vector<double> count(regions);
  for (std::size_t r = 0; r < regions; ++r) {
    inside[r] = mask_data(masks[r], storage[r]);
    count[r] = inside[r] == nullptr ? static_cast<double>(plane.height * plane.width) : positions_in(*masks[r]);
    DEPTHSTYLE_ASSERT(count[r] >= 2);
  }
  const auto channels = static_cast<std::size_t>(plane.channels);
  std::vector<double> mean(regions * channels), deviation(regions * channels);
  at::parallel_for(0, plane.channels, 1, [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> sums(regions);
    for (std::int64_t channel = begin; channel < end; ++channel) {
      std::fill(sums.begin(), sums.end(), 0.0);
      for (std::int64_t y = 0; y < plane.height; ++y) {
        const float* values = plane.row(channel, y);
        for (std::size_t r = 0; r < regions; ++r) {
          const std::int64_t step = plane.column_stride;
          if (inside[r] == nullptr) {
            sums[r] += row_sum(plane.width, [&](std::int64_t x) { return static_cast<double>(values[x * step]); });
          } else {
            const float* weights = inside[r] + y * plane.width;
            sums[r] += row_sum(plane.width, [&](std::int64_t x) {
              return static_cast<double>(values[x * step]) * weights[x];
            });
          }
        }
      }
      std::vector<double> channel_mean(regions);
      for (std::size_t r = 0; r < regions; ++r) channel_mean[r] = sums[r] / count[r];
      std::fill(sums.begin(), sums.end(), 0.0);
      for (std::int64_t y = 0; y < plane.height; ++y) {
        const float* values = plane.row(channel, y);
        for (std::size_t r = 0; r < regions; ++r) {
          const std::int64_t step = plane.column_stride;
          const double centre = channel_mean[r];
          if (inside[r] == nullptr) {
            sums[r] += row_sum(plane.width, [&](std::int64_t x) {
              const double centred = values[x * step] - centre;
              return centred * centred;
            });
          } else {
            const float* weights = inside[r] + y * plane.width;
            sums[r] += row_sum(plane.width, [&](std::int64_t x) {
              const double centred = values[x * step] - centre;
              return centred * centred * weights[x];
            });
          }
        }
      }
      for (std::size_t r = 0; r < regions; ++r) {
        const std::size_t index = r * channels + static_cast<std::size_t>(channel);
        mean[index] = channel_mean[r];
        deviation[index] = std::sqrt(sums[r] / (count[r] - 1) + epsilon);
      }
    }
  });
  std::vector<ChannelStats> stats;
  for (std::size_t r = 0; r < regions; ++r) {
    const auto first = static_cast<std::ptrdiff_t>(r * channels), last = first + static_cast<std::ptrdiff_t>(channels);
    stats.push_back({float_tensor({mean.begin() + first, mean.begin() + last}),
                     float_tensor({deviation.begin() + first, deviation.begin() + last})});
  }
  return stats;
}

// Sums of (a - b)^2 over every position and over the positions of each mask (null masks: 0), in double.
struct SquaredDifferences {
  double all = 0;
  double near = 0;
  double far = 0;
};

SquaredDifferences squared_differences(const at::Tensor& a, const at::Tensor& b, const at::Tensor* near,
                                       const at::Tensor* far) {
  const at::Tensor a_float = a.to(at::kFloat), b_float = b.to(at::kFloat);
  const Plane pa(a_float), pb(b_float);
  at::Tensor near_storage, far_storage;
  const float* near_mask = mask_data(near, near_storage);
  const float* far_mask = mask_data(far, far_storage);
  std::vector<SquaredDifferences> per_channel(static_cast<std::size_t>(pa.channels));
  at::parallel_for(0, pa.channels, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t channel = begin; channel < end; ++channel) {
      SquaredDifferences sums;
      for (std::int64_t y = 0; y < pa.height; ++y) {
        const float* first = pa.row(channel, y);
        const float* second = pb.row(channel, y);
        const auto squared = [&](std::int64_t x) {
          const double difference = static_cast<double>(first[x * pa.column_stride]) - second[x * pb.column_stride];
          return difference * difference;
        };
        sums.all += row_sum(pa.width, squared);
        for (const auto& [mask, sum] : {std::pair{near_mask, &sums.near}, std::pair{far_mask, &sums.far}}) {
          if (mask == nullptr) continue;
          const float* weights = mask + y * pa.width;
          *sum += row_sum(pa.width, [&](std::int64_t x) { return squared(x) * weights[x]; });
        }
      }
      per_channel[static_cast<std::size_t>(channel)] = sums;
    }
  });
  SquaredDifferences total;
  for (const SquaredDifferences& sums : per_channel) {
    total.all += sums.all;
    total.near += sums.near;
    total.far += sums.far;
  }
  return total;
}

// Mean over channels of the squared differences of two 1xCx1x1 statistics.
double mean_squared_difference(const at::Tensor& a, const at::Tensor& b) {
  const at::Tensor difference = a.to(at::kDouble) - b.to(at::kDouble);
  return (difference * difference).mean().item<double>();
}

double style_term(const ChannelStats& output, const ChannelStats& style) {
  return mean_squared_difference(output.mean, style.mean) + mean_squared_difference(output.std, style.std);
}

void check_taps(const std::vector<at::Tensor>& taps, const TapLayout& layout, const char* what) {
  if (taps.size() != layout.names.size()) {
    throw Error(concat("perceptual scores: the ", what, " has ", taps.size(), " taps, the layout ",
                       layout.names.size(), " (", join(layout.names, ", "), ")"));
  }
  for (std::size_t i = 0; i < taps.size(); ++i) {
    if (taps[i].dim() != 4 || taps[i].size(0) != 1) {
      throw Error(concat("perceptual scores: tap ", layout.names[i], " of the ", what, " is ", shape_text(taps[i].sizes()),
                         ", expected 1xCxhxw"));
    }
  }
}

}  // namespace

ContentTaps content_taps(const std::vector<at::Tensor>& taps, const TapLayout& layout) {
  check_taps(taps, layout, "content");
  ContentTaps content;
  for (const std::size_t index : layout.content) content.taps.push_back(taps[index]);
  return content;
}

StyleStatistics style_statistics(const std::vector<at::Tensor>& taps, const TapLayout& layout) {
  check_taps(taps, layout, "style");
  StyleStatistics style;
  for (const std::size_t index : layout.style) {
    style.taps.push_back(channel_stats_in(taps[index], {nullptr}, kAdainEpsilon).front());
  }
  return style;
}

ChannelStats masked_channel_stats(const at::Tensor& features, const at::Tensor& mask, double epsilon) {
  return channel_stats_in(features, {&mask}, epsilon).front();
}

FeatureDistances feature_distances(const std::vector<at::Tensor>& output_taps, const TapLayout& layout,
                                   const ContentTaps& content, const StyleStatistics* style,
                                   const TapRegions* regions) {
  check_taps(output_taps, layout, "output");
  DEPTHSTYLE_ASSERT(content.taps.size() == layout.content.size());
  DEPTHSTYLE_ASSERT(style == nullptr || style->taps.size() == layout.style.size());
  DEPTHSTYLE_ASSERT(regions == nullptr ||
                    (regions->near.size() == layout.names.size() && regions->far.size() == layout.names.size()));
  FeatureDistances distances;
  const auto region_of = [&](bool near, std::size_t tap) -> const at::Tensor& {
    return near ? regions->near[tap] : regions->far[tap];
  };

  distances.content = 0;
  double content_region[2] = {0, 0};  // near, far
  for (std::size_t i = 0; i < layout.content.size(); ++i) {
    const std::size_t tap = layout.content[i];
    const at::Tensor& out = output_taps[tap];
    if (out.sizes() != content.taps[i].sizes()) {
      throw Error(concat("perceptual scores: tap ", layout.names[tap], " of the output is ", shape_text(out.sizes()),
                         ", the content's ", shape_text(content.taps[i].sizes()), " (the output must have the "
                         "content's size)"));
    }
    const SquaredDifferences sums = squared_differences(out, content.taps[i], regions ? &region_of(true, tap) : nullptr,
                                                        regions ? &region_of(false, tap) : nullptr);
    distances.content += sums.all / static_cast<double>(out.numel());
    if (regions == nullptr) continue;
    for (const bool near : {true, false}) {
      const double positions = positions_in(region_of(near, tap));
      content_region[near ? 0 : 1] += positions < 2 ? FeatureDistances::kNone
                                                    : (near ? sums.near : sums.far) /
                                                          (positions * static_cast<double>(out.size(1)));
    }
  }
  if (regions != nullptr) {
    distances.content_near = content_region[0];
    distances.content_far = content_region[1];
  }
  if (style == nullptr) return distances;

  distances.style = 0;
  double style_region[2] = {0, 0};
  for (std::size_t i = 0; i < layout.style.size(); ++i) {
    const std::size_t tap = layout.style[i];
    const at::Tensor& out = output_taps[tap];
    // The whole output and each region with at least 2 positions, in one read of the tap.
    std::vector<const at::Tensor*> masks = {nullptr};
    bool has_region[2] = {false, false};
    if (regions != nullptr) {
      for (const bool near : {true, false}) {
        has_region[near ? 0 : 1] = positions_in(region_of(near, tap)) >= 2;
        if (has_region[near ? 0 : 1]) masks.push_back(&region_of(near, tap));
      }
    }
    const std::vector<ChannelStats> stats = channel_stats_in(out, masks, kAdainEpsilon);
    distances.style += style_term(stats[0], style->taps[i]);
    if (regions == nullptr) continue;
    std::size_t next = 1;
    for (const int region : {0, 1}) {
      style_region[region] += has_region[region] ? style_term(stats[next++], style->taps[i]) : FeatureDistances::kNone;
    }
  }
  if (regions != nullptr) {
    distances.style_near = style_region[0];
    distances.style_far = style_region[1];
  }
  return distances;
}

}  // namespace depthstyle
