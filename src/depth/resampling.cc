#include "depth/resampling.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

// Pillow's fixed point: 32-bit accumulators, 8-bit samples, 2 bits of headroom.
constexpr int kPillowPrecisionBits = 32 - 8 - 2;
constexpr double kPillowLanczosSupport = 3.0;

double pillow_sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= M_PI;
  return std::sin(x) / x;
}

double pillow_lanczos(double x) {
  return (-kPillowLanczosSupport <= x && x < kPillowLanczosSupport) ? pillow_sinc(x) * pillow_sinc(x / 3.0) : 0.0;
}

// The taps of one output position: the first source index and the fixed-point weights.
struct PillowTaps {
  int first = 0;
  std::vector<int> weights;
};

// precompute_coeffs + normalize_coeffs_8bpc for the whole input range (Pillow's box = [0, in_size)).
std::vector<PillowTaps> pillow_lanczos_taps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = kPillowLanczosSupport * filter_scale;
  std::vector<PillowTaps> taps(static_cast<std::size_t>(out_size));
  for (int out = 0; out < out_size; ++out) {
    const double center = (out + 0.5) * scale;
    // Pillow rounds with a cast that truncates toward zero; both bounds are then clamped to the image.
    const int first = std::max(static_cast<int>(center - support + 0.5), 0);
    const int end = std::min(static_cast<int>(center + support + 0.5), in_size);
    std::vector<double> weights;
    double total = 0.0;
    for (int x = first; x < end; ++x) {
      const double weight = pillow_lanczos((x - center + 0.5) / filter_scale);
      weights.push_back(weight);
      total += weight;
    }
    PillowTaps& tap = taps[static_cast<std::size_t>(out)];
    tap.first = first;
    for (double weight : weights) {
      if (total != 0.0) weight /= total;
      const double fixed = weight * (1 << kPillowPrecisionBits);
      tap.weights.push_back(static_cast<int>(weight < 0 ? fixed - 0.5 : fixed + 0.5));
    }
  }
  return taps;
}

std::uint8_t pillow_clip8(std::int32_t accumulator) {
  return static_cast<std::uint8_t>(std::clamp(accumulator >> kPillowPrecisionBits, 0, 255));
}

// Pillow's sums in 32-bit integers are exact whatever the order, so the loops below are arranged for speed (all
// channels of a pixel together along rows; whole rows at a time down columns, which vectorises) and the rows split
// between OpenMP's threads (LibTorch's pool, whose count set_thread_count sets; OpenMP directly, so that binaries
// without tensors need not load LibTorch): the results are Pillow's to the bit. 512x384 -> 640x192 took 4.8 ms before,
// 1.4 ms so on 2 threads (1024x320: 8.2 and 2.2 ms).
constexpr int kMaxChannels = 4;

// One row of the horizontal pass for images of kChannels channels (a compile-time count keeps the sums in registers).
template <int kChannels>
void pillow_horizontal_row(const std::vector<PillowTaps>& taps, const std::uint8_t* in, std::uint8_t* result) {
  for (std::size_t x = 0; x < taps.size(); ++x) {
    const PillowTaps& tap = taps[x];
    std::int32_t sums[kChannels];
    std::fill(sums, sums + kChannels, 1 << (kPillowPrecisionBits - 1));
    const std::uint8_t* pixel = in + tap.first * kChannels;
    for (const int weight : tap.weights) {
      for (int c = 0; c < kChannels; ++c) sums[c] += static_cast<std::int32_t>(pixel[c]) * weight;
      pixel += kChannels;
    }
    for (int c = 0; c < kChannels; ++c) result[x * kChannels + c] = pillow_clip8(sums[c]);
  }
}

// `image` is CV_8UC(n), n <= 4; one pass along rows (horizontal) or columns (vertical).
cv::Mat pillow_resample_horizontal(const cv::Mat& image, int out_width) {
  const std::vector<PillowTaps> taps = pillow_lanczos_taps(image.cols, out_width);
  const int channels = image.channels();
  DEPTHSTYLE_ASSERT(channels >= 1 && channels <= kMaxChannels);
  using RowFunction = void (*)(const std::vector<PillowTaps>&, const std::uint8_t*, std::uint8_t*);
  constexpr RowFunction kRows[kMaxChannels] = {pillow_horizontal_row<1>, pillow_horizontal_row<2>,
                                               pillow_horizontal_row<3>, pillow_horizontal_row<4>};
  cv::Mat out(image.rows, out_width, image.type());
#pragma omp parallel for schedule(static)
  for (int row = 0; row < image.rows; ++row) {
    kRows[channels - 1](taps, image.ptr<std::uint8_t>(row), out.ptr<std::uint8_t>(row));
  }
  return out;
}

// sums[j] += row[j] * weight: 32-bit multiplies, which x86-64's baseline (SSE2) lacks in vector form; the AVX2 clone
// runs 8 at a time.
__attribute__((target_clones("avx2", "default"))) void accumulate_weighted_row(const std::uint8_t* row,
                                                                               std::int32_t weight,
                                                                               std::int32_t* sums, int count) {
  for (int j = 0; j < count; ++j) sums[j] += row[j] * weight;
}

cv::Mat pillow_resample_vertical(const cv::Mat& image, int out_height) {
  const std::vector<PillowTaps> taps = pillow_lanczos_taps(image.rows, out_height);
  const int values_per_row = image.cols * image.channels();
  cv::Mat out(out_height, image.cols, image.type());
#pragma omp parallel
  {
    std::vector<std::int32_t> sums(static_cast<std::size_t>(values_per_row));
#pragma omp for schedule(static)
    for (int y = 0; y < out_height; ++y) {
      const PillowTaps& tap = taps[static_cast<std::size_t>(y)];
      std::fill(sums.begin(), sums.end(), 1 << (kPillowPrecisionBits - 1));
      for (std::size_t i = 0; i < tap.weights.size(); ++i) {
        accumulate_weighted_row(image.ptr<std::uint8_t>(tap.first + static_cast<int>(i)), tap.weights[i],
                                sums.data(), values_per_row);
      }
      std::uint8_t* result = out.ptr<std::uint8_t>(y);
      for (int j = 0; j < values_per_row; ++j) result[j] = pillow_clip8(sums[static_cast<std::size_t>(j)]);
    }
  }
  return out;
}

cv::Mat pillow_lanczos_resize(const cv::Mat& image, cv::Size size) {
  cv::Mat bytes;
  image.convertTo(bytes, CV_8U, 255.0);  // saturating, round to nearest: the 8-bit values a decoded file held
  if (size.width != bytes.cols) bytes = pillow_resample_horizontal(bytes, size.width);
  if (size.height != bytes.rows) bytes = pillow_resample_vertical(bytes, size.height);
  cv::Mat out;
  bytes.convertTo(out, CV_32F, 1.0 / 255.0);
  return out;
}

// One axis of align_corners=True bilinear sampling: output index -> the two source indices and the second's weight,
// computed as PyTorch's upsample_bilinear2d does (scale (in - 1) / (out - 1) in float32, source = scale * x).
struct LinearTaps {
  std::vector<int> first, second;
  std::vector<float> weight;
};
LinearTaps align_corners_taps(int in, int out) {
  LinearTaps taps;
  const float scale = out > 1 ? static_cast<float>(in - 1) / static_cast<float>(out - 1) : 0.0f;
  for (int x = 0; x < out; ++x) {
    const float source = scale * static_cast<float>(x);
    const int first = static_cast<int>(source);
    taps.first.push_back(first);
    taps.second.push_back(first < in - 1 ? first + 1 : first);
    taps.weight.push_back(source - static_cast<float>(first));
  }
  return taps;
}

cv::Mat bilinear_align_corners_resize(const cv::Mat& image, cv::Size size) {
  const LinearTaps rows = align_corners_taps(image.rows, size.height);
  const LinearTaps columns = align_corners_taps(image.cols, size.width);
  const int channels = image.channels();
  cv::Mat out(size, image.type());
  for (int y = 0; y < size.height; ++y) {
    const float* top = image.ptr<float>(rows.first[y]);
    const float* bottom = image.ptr<float>(rows.second[y]);
    const float row_weight = rows.weight[y];
    float* result = out.ptr<float>(y);
    for (int x = 0; x < size.width; ++x) {
      const int left = columns.first[x] * channels, right = columns.second[x] * channels;
      const float column_weight = columns.weight[x];
      for (int c = 0; c < channels; ++c) {
        // PyTorch's order: (1 - h) ((1 - w) tl + w tr) + h ((1 - w) bl + w br)
        const float upper = (1.0f - column_weight) * top[left + c] + column_weight * top[right + c];
        const float lower = (1.0f - column_weight) * bottom[left + c] + column_weight * bottom[right + c];
        result[x * channels + c] = (1.0f - row_weight) * upper + row_weight * lower;
      }
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& interpolation_names() {
  static const std::vector<std::string> names = {"nearest", "linear", "cubic", "area", "lanczos",
                                                 "linear_align_corners"};
  return names;
}

std::string to_string(Interpolation interpolation) {
  return interpolation_names()[static_cast<std::size_t>(interpolation)];
}

Interpolation interpolation_from_string(const std::string& name) {
  const std::vector<std::string>& names = interpolation_names();
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) {
    throw UsageError(concat("unknown interpolation '", name, "'", did_you_mean(name, names), "; expected one of ",
                            join(names, ", ")));
  }
  return static_cast<Interpolation>(found - names.begin());
}

cv::Mat resample(const cv::Mat& image, cv::Size size, Interpolation interpolation) {
  DEPTHSTYLE_ASSERT(image.depth() == CV_32F && size.width > 0 && size.height > 0);
  if (image.size() == size) return image.clone();
  if (interpolation == Interpolation::kLanczos) return pillow_lanczos_resize(image, size);
  if (interpolation == Interpolation::kLinearAlignCorners) return bilinear_align_corners_resize(image, size);
  static const int kOpenCvFlags[] = {cv::INTER_NEAREST, cv::INTER_LINEAR, cv::INTER_CUBIC, cv::INTER_AREA};
  cv::Mat out;
  cv::resize(image, out, size, 0, 0, kOpenCvFlags[static_cast<int>(interpolation)]);
  return out;
}

}  // namespace depthstyle
