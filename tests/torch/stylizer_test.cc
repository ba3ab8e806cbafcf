// The weight-free pyramid backbone, AdaIN targets and their multi-style variants, and the eq. 4/5 blend, on
// constructed inputs and on the real sample images.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "core/error.h"
#include "tensor/tensor_image.h"
#include "style/adain.h"
#include "style/backbone_factory.h"
#include "style/pyramid_backbone.h"
#include "style/pair_stylization.h"
#include "style/render.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

double max_abs_difference(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

// max |got - want| relative to the larger of 1 and max |want| (features are in 0..255 units).
double relative_difference(const at::Tensor& got, const at::Tensor& want) {
  return max_abs_difference(got, want) / std::max(1.0, want.abs().max().item<double>());
}

cv::Mat sample_rgb(const std::string& file, int smaller_side) {
  const std::filesystem::path path = testing::sample_cache_dir() / "samples" / file;
  EXPECT_TRUE(std::filesystem::exists(path)) << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
  return size_image(load_image(path), {smaller_side, false}).rgb;
}

std::unique_ptr<Backbone> pyramid(int levels) { return make_pyramid_backbone({levels}); }

TEST(PyramidBackbone, DecodeInvertsEncodeAtOddSizes) {
  at::manual_seed(3);
  for (const auto& [height, width, levels] : std::vector<std::tuple<int, int, int>>{
           {67, 53, 3}, {64, 64, 5}, {130, 97, 5}, {8, 9, 2}, {1111, 1282, 6}}) {
    const at::Tensor image = at::rand({1, 3, height, width});
    const std::unique_ptr<Backbone> backbone = pyramid(levels);
    const Features features = backbone->encode(image);
    ASSERT_EQ(features.levels.size(), static_cast<std::size_t>(levels) + 1);
    int64_t level_height = height, level_width = width;
    for (const at::Tensor& level : features.levels) {
      EXPECT_EQ(level.sizes(), at::IntArrayRef({1, 3, level_height, level_width})) << height << "x" << width;
      level_height = (level_height + 1) / 2;
      level_width = (level_width + 1) / 2;
    }
    EXPECT_LE(max_abs_difference(backbone->decode(features), image), 1e-5) << height << "x" << width;
  }
}

TEST(PyramidBackbone, DecodeInvertsEncodeOnARealPhoto) {
  const at::Tensor image = tensor_from_image(sample_rgb("aloeL.jpg", 0));
  const std::unique_ptr<Backbone> backbone = pyramid(5);
  EXPECT_LE(max_abs_difference(backbone->decode(backbone->encode(image)), image), 1e-5);
}

TEST(PyramidBackbone, BandsCarryNoColourMeanAndTheResidualCarriesTheImageMean) {
  const at::Tensor image = tensor_from_image(sample_rgb("motorcycle_left.png", 256));
  const Features features = pyramid(4)->encode(image);
  for (std::size_t level = 0; level + 1 < features.levels.size(); ++level) {
    EXPECT_LT(features.levels[level].mean({2, 3}).abs().max().item<double>(), 0.5) << "band " << level;
  }
  // luminance channel of the residual = sqrt(3) * mean grey, in 0..255 units, up to what the edges of the bands
  // keep (1.5% on this image)
  const double luminance = features.levels.back()[0][0].mean().item<double>();
  const double expected = std::sqrt(3.0) * 255 * image.mean().item<double>();
  EXPECT_NEAR(luminance, expected, 0.02 * expected);
}

TEST(PyramidBackbone, RejectsImagesTooSmallForItsLevels) {
  const std::unique_ptr<Backbone> backbone = pyramid(5);
  EXPECT_EQ(pyramid_minimum_side(5), 64);
  EXPECT_THROW_MESSAGE(backbone->encode(at::rand({1, 3, 63, 200})), UsageError,
                       "pyramid backbone: an image of 200x63 px is too small for 5 levels; its smaller side must be "
                       "at least 64 px");
  EXPECT_THROW_MESSAGE(make_pyramid_backbone({11}), UsageError, "levels must be in [1, 10], got 11");
  EXPECT_FALSE(backbone->reproduces_paper());
  EXPECT_NE(backbone->label().find("stand-in"), std::string::npos);
}

TEST(BackboneFactory, RejectsKeysTheTypeDoesNotUse) {
  BackboneConfig config;
  config.encoder = "vgg_normalised.pth";
  config.precision = "bf16";
  EXPECT_THROW_MESSAGE(make_backbone(config), UsageError,
                       "backbone.encoder: not used by backbone type 'pyramid' (it reads: pyramid_levels)\n"
                       "backbone.precision: not used by backbone type 'pyramid'");
  config = {};
  config.type = "vgg19";
  EXPECT_THROW_MESSAGE(make_backbone(config), UsageError, "backbone.type: unknown backbone 'vgg19'");
  config = {};
  config.pyramid_levels = 3;
  EXPECT_EQ(make_backbone(config)->describe()["levels"], 3);
}

struct PairFixture {
  std::unique_ptr<Backbone> backbone = make_pyramid_backbone({4});
  cv::Mat content = sample_rgb("aloeL.jpg", 96);
  cv::Mat style = sample_rgb("starry_night.jpg", 80);
  cv::Mat texture = sample_rgb("brick.png", 72);
  // nearer towards the bottom of the picture
  cv::Mat proximity;
  PairFixture() {
    proximity = cv::Mat(content.size(), CV_32FC1);
    for (int row = 0; row < proximity.rows; ++row) proximity.row(row).setTo(static_cast<float>(row));
  }
  Features encode(const cv::Mat& image) const { return backbone->encode(tensor_from_image(image)); }
};

TEST(StyleTargets, AdainGivesEveryLevelTheStyleStatistics) {
  PairFixture pair;
  const Features content = pair.encode(pair.content);
  const Features style = pair.encode(pair.style);
  const StyleTargets targets = prepare_style_targets(content, {&style}, {});
  ASSERT_EQ(targets.features.size(), 1u);
  for (std::size_t level = 0; level < content.levels.size(); ++level) {
    const ChannelStats want = channel_stats(style.levels[level]);
    const ChannelStats got = channel_stats(targets.features[0].levels[level]);
    EXPECT_LE(relative_difference(got.mean, want.mean), 1e-5) << "level " << level;
    // Exactly: var(t) = s_s^2 v_c / (v_c + eps) with v_c the content's unbiased variance, and channel_stats adds
    // eps once more. With features in 0..255 units the epsilon is negligible, so also std(t) ~ std(s).
    const at::Tensor content_variance = channel_stats(content.levels[level], 0).std.square();
    const at::Tensor exact_std =
        (want.std.square() * content_variance / (content_variance + kAdainEpsilon) + kAdainEpsilon).sqrt();
    EXPECT_LE(relative_difference(got.std, exact_std), 1e-5) << "level " << level;
    EXPECT_LE(relative_difference(got.std, want.std), 1e-4) << "level " << level;
  }
}

TEST(Stylizer, StrengthZeroIsPlainAdainAndStrengthOneIsReconstruction) {
  PairFixture pair;
  StylizationInput input{pair.content, {pair.style}, {}, pair.proximity};
  BlendSetting adain{StyleMethod::kAdain, 0, {}};
  BlendSetting zero_strength{StyleMethod::kDepthAware, 0, {20, 1}};  // eps = 1 caps P at 0
  BlendSetting keep_content{StyleMethod::kAdain, 1, {}};
  const std::vector<Rendering> out = stylize(*pair.backbone, input, {adain, zero_strength, keep_content});
  EXPECT_TRUE(at::equal(out[0].image, out[1].image)) << "eq. 5 with P = 0 must be eq. 4 with alpha = 0";
  for (const cv::Mat& level : out[1].strength) EXPECT_EQ(cv::countNonZero(level), 0);
  EXPECT_LE(max_abs_difference(out[2].image, tensor_from_image(pair.content)), 1e-5);

  // eq. 5 with P = 1 at every level decodes f(c) itself.
  const Features content = pair.encode(pair.content);
  const Features style = pair.encode(pair.style);
  const StyleTargets targets = prepare_style_targets(content, {&style}, {});
  Features blended;
  for (std::size_t level = 0; level < content.levels.size(); ++level) {
    const at::Tensor ones = at::ones({1, 1, content.levels[level].size(2), content.levels[level].size(3)});
    blended.levels.push_back(blend_content_and_stylized(content.levels[level], targets.features[0].levels[level], ones));
  }
  EXPECT_LE(max_abs_difference(pair.backbone->decode(blended), tensor_from_image(pair.content)), 1e-5);
}

TEST(Stylizer, DepthAwareKeepsNearContentAndStylizesFarContent) {
  PairFixture pair;
  StylizationInput input{pair.content, {pair.style}, {}, pair.proximity};
  const at::Tensor content = tensor_from_image(pair.content);
  const std::vector<Rendering> out = stylize(*pair.backbone, input,
                                             {{StyleMethod::kAdain, 0, {}}, {StyleMethod::kDepthAware, 0, {20, 0}}});
  const int64_t rows = content.size(2);
  const auto change = [&](const at::Tensor& image, int64_t first_row, int64_t row_count) {
    return (image - content).narrow(2, first_row, row_count).abs().mean().item<double>();
  };
  // bottom quarter (near): DA-AdaIN stays much closer to the content than AdaIN; top quarter (far): about as far
  EXPECT_LT(change(out[1].image, rows * 3 / 4, rows / 4), 0.3 * change(out[0].image, rows * 3 / 4, rows / 4));
  EXPECT_GT(change(out[1].image, 0, rows / 4), 0.7 * change(out[0].image, 0, rows / 4));
  ASSERT_EQ(out[1].strength.size(), 5u);
  EXPECT_EQ(out[1].strength[0].size(), pair.content.size());
  // 111x96 px (1282x1110 scaled to a smaller side of 96) -> 56x48 -> 28x24 -> 14x12 -> 7x6
  EXPECT_EQ(out[1].strength[4].size(), cv::Size(7, 6));
  EXPECT_THROW_MESSAGE(stylize(*pair.backbone, {pair.content, {pair.style}, {}, {}}, {{StyleMethod::kDepthAware, 0, {}}}),
                       UsageError, "the strength map needs a depth source");
}

TEST(StyleMix, InterpolationWeightsOneZeroEqualTheSingleStyle) {
  PairFixture pair;
  const BlendSetting setting{StyleMethod::kAdain, 0.25, {}};
  const at::Tensor single = stylize(*pair.backbone, {pair.content, {pair.style}, {}, {}}, {setting})[0].image;
  const at::Tensor other = stylize(*pair.backbone, {pair.content, {pair.texture}, {}, {}}, {setting})[0].image;
  const auto interpolated = [&](std::vector<double> weights) {
    const StyleMix mix{StyleMixMode::kInterpolate, std::move(weights), {}};
    return stylize(*pair.backbone, {pair.content, {pair.style, pair.texture}, mix, {}}, {setting})[0].image;
  };
  EXPECT_TRUE(at::equal(interpolated({1, 0}), single));
  EXPECT_TRUE(at::equal(interpolated({0, 3}), other));
  // weights are normalised, as in the reference tools
  EXPECT_TRUE(at::equal(interpolated({2, 2}), interpolated({0.5, 0.5})));
  EXPECT_GT(max_abs_difference(interpolated({1, 1}), single), 0.01);
}

TEST(StyleMix, MaskGivesEachRegionItsStyleStatistics) {
  PairFixture pair;
  const Features content = pair.encode(pair.content);
  const Features style = pair.encode(pair.style);
  const Features texture = pair.encode(pair.texture);
  cv::Mat mask = cv::Mat::zeros(pair.content.size(), CV_32FC1);
  const int split = 48;  // a multiple of 2^levels keeps the boundary on cell edges at every level
  mask.colRange(0, split).setTo(1.0f);
  const StyleTargets targets = prepare_style_targets(content, {&style, &texture}, {StyleMixMode::kMask, {}, mask});
  const at::Tensor target = targets.features[0].levels[0];
  const ChannelStats left = channel_stats(target.narrow(3, 0, split));
  const ChannelStats right = channel_stats(target.narrow(3, split, target.size(3) - split));
  EXPECT_LE(relative_difference(left.mean, channel_stats(style.levels[0]).mean), 1e-5);
  EXPECT_LE(relative_difference(left.std, channel_stats(style.levels[0]).std), 1e-4);
  EXPECT_LE(relative_difference(right.mean, channel_stats(texture.levels[0]).mean), 1e-5);
  EXPECT_LE(relative_difference(right.std, channel_stats(texture.levels[0]).std), 1e-4);

  // an all-foreground mask is the single foreground style
  const StyleTargets all = prepare_style_targets(content, {&style, &texture},
                                                 {StyleMixMode::kMask, {}, cv::Mat::ones(mask.size(), CV_32FC1)});
  const StyleTargets single = prepare_style_targets(content, {&style}, {});
  for (std::size_t level = 0; level < content.levels.size(); ++level) {
    EXPECT_LE(relative_difference(all.features[0].levels[level], single.features[0].levels[level]), 1e-5);
  }
}

TEST(StyleMix, NearFarFollowsTheStrengthMap) {
  PairFixture pair;
  const StyleMix near_far{StyleMixMode::kNearFar, {}, {}};
  const StylizationInput input{pair.content, {pair.style, pair.texture}, near_far, pair.proximity};
  const BlendSetting only_far{StyleMethod::kAdain, 0, {20, 1}};  // P capped at 0: all far style
  const BlendSetting halves{StyleMethod::kAdain, 0, {0, 0}};     // beta 0: P = 0.5
  const std::vector<Rendering> out = stylize(*pair.backbone, input, {only_far, halves});
  const at::Tensor far = stylize(*pair.backbone, {pair.content, {pair.texture}, {}, {}}, {only_far})[0].image;
  EXPECT_TRUE(at::equal(out[0].image, far));

  const Features content = pair.encode(pair.content);
  const Features style = pair.encode(pair.style);
  const Features texture = pair.encode(pair.texture);
  const StyleTargets targets = prepare_style_targets(content, {&style, &texture}, near_far);
  const at::Tensor half = at::full({1, 1, content.levels[1].size(2), content.levels[1].size(3)}, 0.5);
  const at::Tensor mixed = mix_targets(targets, 1, half);
  EXPECT_LE(relative_difference(mixed, 0.5 * (targets.features[0].levels[1] + targets.features[1].levels[1])), 1e-6);

  EXPECT_THROW_MESSAGE(stylize(*pair.backbone, input, {{StyleMethod::kDepthAware, 0, {}}}), UsageError,
                       "style mode near_far mixes its two styles with the strength map; combine it with method adain");
}

TEST(StyleMix, RejectsInconsistentStyleGroups) {
  EXPECT_THROW_MESSAGE(check_style_mix({StyleMixMode::kInterpolate, {1}, {}}, 2), UsageError,
                       "style mode interpolate needs one weight per style image: 2 images, 1 weights");
  EXPECT_THROW_MESSAGE(check_style_mix({StyleMixMode::kInterpolate, {0, 0}, {}}, 2), UsageError,
                       "style interpolation weights must not all be 0");
  EXPECT_THROW_MESSAGE(check_style_mix({StyleMixMode::kInterpolate, {1, -1}, {}}, 2), UsageError,
                       "must be finite and >= 0, got -1");
  EXPECT_THROW_MESSAGE(check_style_mix({StyleMixMode::kMask, {}, {}}, 2), UsageError, "style mode mask needs a mask");
  EXPECT_THROW_MESSAGE(check_style_mix({StyleMixMode::kNearFar, {}, {}}, 3), UsageError,
                       "style mode near_far takes 2 style images (near, far), got 3");
  EXPECT_THROW_MESSAGE(check_style_mix({StyleMixMode::kSingle, {1}, {}}, 1), UsageError,
                       "style weights are only used by style mode interpolate, not single");
}

TEST(Stylizer, PreservedColourFollowsTheContent) {
  PairFixture pair;
  const Image style_image = load_image(testing::sample_cache_dir() / "samples/starry_night.jpg");
  const cv::Mat matched = prepare_style_image(style_image, {80, false}, pair.content, true, "starry_night.jpg");
  const BlendSetting setting{StyleMethod::kAdain, 0, {}};
  const at::Tensor plain = stylize(*pair.backbone, {pair.content, {pair.style}, {}, {}}, {setting})[0].image;
  const at::Tensor preserved = stylize(*pair.backbone, {pair.content, {matched}, {}, {}}, {setting})[0].image;
  const at::Tensor content_mean = tensor_from_image(pair.content).mean({2, 3});
  const at::Tensor style_mean = tensor_from_image(pair.style).mean({2, 3});
  // The output's colour mean follows whichever image supplied the statistics (clamping moves it a little).
  EXPECT_LT(max_abs_difference(preserved.mean({2, 3}), content_mean), 0.03);
  EXPECT_LT(max_abs_difference(plain.mean({2, 3}), style_mean), 0.03);
  EXPECT_GT(max_abs_difference(content_mean, style_mean), 0.1) << "the test needs images of different colours";
}

}  // namespace
}  // namespace depthstyle
