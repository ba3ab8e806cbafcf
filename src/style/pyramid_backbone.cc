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

// Binomial [1 4 6 4 1]/16 in both directions, one copy per channel (depthwise: 3x1x5x5).
at::Tensor binomial_kernel() {
  const at::Tensor taps = at::tensor({1.0f, 4.0f, 6.0f, 4.0f, 1.0f}) / 16;
  return at::outer(taps, taps).view({1, 1, 5, 5}).repeat({3, 1, 1, 1}).contiguous();
}

class PyramidBackbone : public Backbone {
 public:
  explicit PyramidBackbone(int levels)
      : levels_(levels),
        to_opponent_((opponent_colour_matrix() * kFeatureScale).to(at::kFloat).view({3, 3, 1, 1})),
        from_opponent_((opponent_colour_matrix().t() / kFeatureScale).to(at::kFloat).contiguous().view({3, 3, 1, 1})),
        blur_(binomial_kernel()),
        upsample_blur_(binomial_kernel() * 4) {}

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
            {"filter", "binomial 5x5 ([1 4 6 4 1]/16), reflection-padded down, edge-replicated up"}};
  }

 private:
  at::Tensor down(const at::Tensor& image) const {
    return at::conv2d(at::reflection_pad2d(image, {2, 2, 2, 2}), blur_, /*bias=*/{}, /*stride=*/at::IntArrayRef{2, 2},
                      /*padding=*/at::IntArrayRef{0, 0}, /*dilation=*/at::IntArrayRef{1, 1}, /*groups=*/3);
  }

  // Coarse sample j sits at fine position 2j. After edge replication by one sample, the transposed convolution puts
  // it at output index 2j + 4, so the fine image is the window starting at 4.
  at::Tensor up(const at::Tensor& coarse, int64_t height, int64_t width) const {
    const at::Tensor spread =
        at::conv_transpose2d(at::replication_pad2d(coarse, {1, 1, 1, 1}), upsample_blur_, /*bias=*/{},
                             /*stride=*/at::IntArrayRef{2, 2}, /*padding=*/at::IntArrayRef{0, 0},
                             /*output_padding=*/at::IntArrayRef{0, 0}, /*groups=*/3);
    return spread.narrow(2, 4, height).narrow(3, 4, width);
  }

  int levels_;
  at::Tensor to_opponent_;
  at::Tensor from_opponent_;
  at::Tensor blur_;
  at::Tensor upsample_blur_;
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
