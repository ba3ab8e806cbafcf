#include "style/pyramid_backbone.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"

namespace depthstyle {
namespace {

constexpr int kMaxLevels = 10;

// Features are in 0..255 units, as VGG's preprocessing makes them: AdaIN adds 1e-5 to every variance, which in
// [0,1] units would be a sizeable share of a fine band's variance (~1e-4) and weaken the transfer.
constexpr double kFeatureScale = 255;

// Rows: luminance, red-green, yellow-blue; orthonormal, so the inverse is the transpose.
at::Tensor opponent_colour_matrix() {
  const double l = 1 / std::sqrt(3.0), a = 1 / std::sqrt(2.0), b = 1 / std::sqrt(6.0);
  return at::tensor({l, l, l, a, -a, 0.0, b, b, -2 * b}, at::kDouble).view({3, 3});
}

// The binomial filter [1 4 6 4 1]/16 is separable, so both resamplings run one dimension (2 = rows, 3 = columns) at
// a time, as weighted sums of strided slices: a few passes over memory, much cheaper than depthwise (transposed)
// convolutions, which LibTorch runs through slow generic kernels.

// Blur and keep every second sample: out[i] = (p[2i] + 4 p[2i+1] + 6 p[2i+2] + 4 p[2i+3] + p[2i+4]) / 16 with p the
// input reflected by 2 samples at both ends; ceil(n/2) samples.
at::Tensor down_along(const at::Tensor& x, int64_t dim) {
  const int64_t count = (x.size(dim) + 1) / 2;
  const at::Tensor padded = dim == 3 ? at::reflection_pad2d(x, {2, 2, 0, 0}) : at::reflection_pad2d(x, {0, 0, 2, 2});
  const auto tap = [&](int64_t offset) { return padded.slice(dim, offset, offset + 2 * count - 1, 2); };
  at::Tensor sum = tap(0) + tap(4);  // accumulated in place: one full-size temporary instead of five
  return sum.add_(tap(1), 4).add_(tap(3), 4).add_(tap(2), 6).mul_(1.0 / 16);
}

// Zero insertion followed by the same blur (x2 per dimension), with the coarse samples replicated at both ends:
// coarse sample j sits at fine position 2j, so fine[2j] = (c[j-1] + 6 c[j] + c[j+1]) / 8 and
// fine[2j+1] = (c[j] + c[j+1]) / 2; `size` fine samples (2m - 1 or 2m for m coarse ones).
at::Tensor up_along(const at::Tensor& coarse, int64_t dim, int64_t size) {
  const int64_t count = coarse.size(dim);
  const at::Tensor padded =
      at::cat({coarse.narrow(dim, 0, 1), coarse, coarse.narrow(dim, count - 1, 1)}, dim);  // replicated ends
  const auto tap = [&](int64_t offset) { return padded.narrow(dim, offset, count); };
  at::Tensor even = tap(0) + tap(2);
  even.add_(tap(1), 6).mul_(1.0 / 8);
  at::Tensor odd = tap(1) + tap(2);
  odd.mul_(0.5);
  return at::stack({even, odd}, dim + 1).flatten(dim, dim + 1).narrow(dim, 0, size);
}

class PyramidBackbone : public Backbone {
 public:
  explicit PyramidBackbone(int levels)
      : levels_(levels),
        to_opponent_((opponent_colour_matrix() * kFeatureScale).to(at::kFloat).view({3, 3, 1, 1})),
        from_opponent_((opponent_colour_matrix().t() / kFeatureScale).to(at::kFloat).contiguous().view({3, 3, 1, 1})) {}

  std::string name() const override { return "pyramid"; }
  std::string label() const override {
    return "weight-free Laplacian pyramid (stand-in, not the paper's VGG networks)";
  }
  bool reproduces_paper() const override { return false; }

  Features encode(const at::Tensor& image) override {
    if (image.dim() != 4 || image.size(0) != 1 || image.size(1) != 3) {
      throw Error(concat("pyramid backbone: expected a 1x3xHxW image, got ", image.sizes()));
    }
    const int64_t smaller = std::min(image.size(2), image.size(3));
    if (smaller < pyramid_minimum_side(levels_)) {
      throw UsageError(concat("pyramid backbone: an image of ", image.size(3), "x", image.size(2),
                              " px is too small for ", levels_, " levels; its smaller side must be at least ",
                              pyramid_minimum_side(levels_), " px (lower backbone.pyramid_levels or enlarge the image)"));
    }
    at::NoGradGuard no_grad;
    Features features;
    at::Tensor current = at::conv2d(image.to(at::kFloat), to_opponent_);
    for (int level = 0; level < levels_; ++level) {
      at::Tensor coarser = down(current);
      features.levels.push_back(current - up(coarser, current.size(2), current.size(3)));
      current = std::move(coarser);
    }
    features.levels.push_back(std::move(current));
    return features;
  }

  Features encode_with_taps(const at::Tensor& image, std::vector<at::Tensor>& taps) override {
    Features features = encode(image);
    taps = features.levels;
    return features;
  }

  TapLayout tap_layout() const override {
    TapLayout layout;
    for (int level = 0; level <= levels_; ++level) {
      layout.names.push_back(level < levels_ ? concat("band_", level) : std::string("residual"));
      layout.content.push_back(static_cast<std::size_t>(level));
      layout.style.push_back(static_cast<std::size_t>(level));
    }
    return layout;
  }

  at::Tensor decode(const Features& features) override {
    if (features.levels.size() != static_cast<std::size_t>(levels_) + 1) {
      throw Error(concat("pyramid backbone: expected ", levels_ + 1, " feature levels, got ", features.levels.size()));
    }
    at::NoGradGuard no_grad;
    at::Tensor current = features.levels.back();
    for (int level = levels_ - 1; level >= 0; --level) {
      const at::Tensor& band = features.levels[level];
      current = band + up(current, band.size(2), band.size(3));
    }
    return at::conv2d(current, from_opponent_);
  }

  nlohmann::json describe() const override {
    return {{"type", "pyramid"},
            {"label", label()},
            {"reproduces_paper", false},
            {"levels", levels_},
            {"colour_transform", "orthonormal opponent: (1,1,1)/sqrt3, (1,-1,0)/sqrt2, (1,1,-2)/sqrt6, x255"},
            {"filter", "binomial [1 4 6 4 1]/16 per dimension; down: reflected ends, up: replicated ends"}};
  }

 private:
  static at::Tensor down(const at::Tensor& image) { return down_along(down_along(image, 3), 2); }
  static at::Tensor up(const at::Tensor& coarse, int64_t height, int64_t width) {
    return up_along(up_along(coarse, 3, width), 2, height);
  }

  int levels_;
  at::Tensor to_opponent_;
  at::Tensor from_opponent_;
};

}  // namespace

int pyramid_minimum_side(int levels) { return 1 << (levels + 1); }

std::unique_ptr<Backbone> make_pyramid_backbone(const PyramidBackboneConfig& config) {
  if (config.levels < 1 || config.levels > kMaxLevels) {
    throw UsageError(concat("pyramid backbone: levels must be in [1, ", kMaxLevels, "], got ", config.levels));
  }
  return std::make_unique<PyramidBackbone>(config.levels);
}

}  // namespace depthstyle
