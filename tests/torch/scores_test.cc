// The scores of a stylization (scores/): encoder taps, the AdaIN port's losses as content and style distances
// (against values PyTorch computed with the port's code, tests/fixtures/scores/losses.json), near/far regions, depth
// agreement and Spearman on constructed maps, and the grid scorer on real sample images: an output equal to the
// content keeps its depth perfectly and has content distance 0, an output equal to the style has style distance 0.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <random>

#include "core/atomic_file.h"
#include "core/error.h"
#include "depth/depth_estimator.h"
#include "depth/resampling.h"
#include "io/image.h"
#include "io/npy.h"
#include "tensor/tensor_image.h"
#include "nets/vgg_encoder.h"
#include "scores/depth_agreement.h"
#include "scores/depth_regions.h"
#include "scores/feature_scores.h"
#include "scores/grid_scores.h"
#include "scores/score_network.h"
#include "stats/ranks.h"
#include "style/depth_source.h"
#include "style/image_sizing.h"
#include "style/pyramid_backbone.h"
#include "style/pair_stylization.h"
#include "style/vgg_backbone.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// --- Taps ---

NamedTensors random_vgg_weights(std::size_t used) {
  at::manual_seed(7);
  NamedTensors weights;
  const LayerTable& layers = vgg_encoder_layers();
  for (std::size_t index = 0; index < used; ++index) {
    const Layer& layer = layers[index];
    if (layer.kind != LayerKind::kConv) continue;
    const double fan_in = static_cast<double>(layer.in_channels * layer.kernel_size * layer.kernel_size);
    weights.emplace_back(std::to_string(index) + ".weight",
                         at::randn({layer.out_channels, layer.in_channels, layer.kernel_size, layer.kernel_size}) *
                             std::sqrt(2 / fan_in));
    weights.emplace_back(std::to_string(index) + ".bias", at::randn({layer.out_channels}) * 0.01);
  }
  return weights;
}

TEST(EncoderTaps, VggTapsEqualTheStacksCutThere) {
  const NamedTensors weights = random_vgg_weights(kVggEncoderUsedLayers);
  const LayerStack encoder("VGG encoder", vgg_encoder_layers(), kVggEncoderUsedLayers, weights, Precision::kFloat32);
  const at::Tensor image = at::rand({1, 3, 37, 29});
  std::vector<at::Tensor> taps;
  const at::Tensor output = encoder.forward_with_taps(image, vgg_style_tap_modules(), taps);
  EXPECT_TRUE(at::equal(output, encoder.forward(image))) << "taps must not change the output";
  ASSERT_EQ(taps.size(), 4u);
  for (std::size_t i = 0; i < taps.size(); ++i) {
    const std::size_t module = vgg_style_tap_modules()[i];
    const LayerStack cut("cut", vgg_encoder_layers(), module + 1, weights, Precision::kFloat32);
    const at::Tensor expected = cut.forward(image);
    ASSERT_EQ(taps[i].sizes(), expected.sizes()) << vgg_style_tap_names()[i];
    EXPECT_TRUE(at::equal(taps[i], expected)) << vgg_style_tap_names()[i] << " differs from the stack cut there";
  }
  EXPECT_EQ(taps[0].size(1), 64);
  EXPECT_EQ(taps[3].size(1), 512);
  EXPECT_EQ(taps[3].size(2), 5);  // ceil(ceil(ceil(37 / 2) / 2) / 2)
}

TEST(EncoderTaps, PyramidTapsAreItsLevels) {
  const std::unique_ptr<Backbone> pyramid = make_pyramid_backbone({3});
  const at::Tensor image = at::rand({1, 3, 40, 33});
  std::vector<at::Tensor> taps;
  const Features features = pyramid->encode_with_taps(image, taps);
  ASSERT_EQ(taps.size(), 4u);
  for (std::size_t i = 0; i < taps.size(); ++i) EXPECT_TRUE(at::equal(taps[i], features.levels[i]));
  const TapLayout layout = pyramid->tap_layout();
  EXPECT_EQ(layout.names, (std::vector<std::string>{"band_0", "band_1", "band_2", "residual"}));
  EXPECT_EQ(layout.content, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(vgg_tap_layout().content, std::vector<std::size_t>{3});
}

// --- Content and style distances ---

std::vector<at::Tensor> fixture_tensors(const nlohmann::json& list) {
  std::vector<at::Tensor> tensors;
  for (const nlohmann::json& entry : list) {
    const std::vector<float> values = entry["values"].get<std::vector<float>>();
    tensors.push_back(at::tensor(values).reshape(entry["shape"].get<std::vector<std::int64_t>>()));
  }
  return tensors;
}

TapRegions regions_from_near(const std::vector<at::Tensor>& near) {
  TapRegions regions;
  for (const at::Tensor& mask : near) {
    regions.near.push_back(mask.view({1, 1, mask.size(0), mask.size(1)}));
    regions.far.push_back(1 - regions.near.back());
  }
  return regions;
}

TEST(FeatureDistances, MatchTheAdainPortsLosses) {
  const nlohmann::json fixture = nlohmann::json::parse(read_file(testing::fixture_path("scores/losses.json")));
  const std::vector<at::Tensor> output = fixture_tensors(fixture["output"]);
  const std::vector<at::Tensor> content = fixture_tensors(fixture["content"]);
  const std::vector<at::Tensor> style = fixture_tensors(fixture["style"]);
  const TapRegions regions = regions_from_near(fixture_tensors(fixture["near_masks"]));
  const TapLayout layout = vgg_tap_layout();
  const ContentTaps content_reference = content_taps(content, layout);
  const StyleStatistics style_reference = style_statistics(style, layout);
  const FeatureDistances distances = feature_distances(output, layout, content_reference, &style_reference, &regions);
  // PyTorch sums in float32; here the sums run in double: agreement to float32 rounding.
  EXPECT_NEAR(distances.content, fixture["content_loss"].get<double>(), 1e-6 * fixture["content_loss"].get<double>());
  EXPECT_NEAR(distances.style, fixture["style_loss"].get<double>(), 1e-5 * fixture["style_loss"].get<double>());
  EXPECT_NEAR(distances.content_near, fixture["content_near"].get<double>(), 1e-6);
  EXPECT_NEAR(distances.style_near, fixture["style_near"].get<double>(), 1e-5);
  EXPECT_TRUE(std::isfinite(distances.content_far) && std::isfinite(distances.style_far));
  // No style reference or regions: those distances are absent.
  const FeatureDistances bare = feature_distances(output, layout, content_reference, nullptr, nullptr);
  EXPECT_DOUBLE_EQ(bare.content, distances.content);
  EXPECT_TRUE(std::isnan(bare.style) && std::isnan(bare.content_near) && std::isnan(bare.style_far));
}

TEST(FeatureDistances, ZeroForTheContentItselfAndForTheStyleItself) {
  const nlohmann::json fixture = nlohmann::json::parse(read_file(testing::fixture_path("scores/losses.json")));
  const std::vector<at::Tensor> content = fixture_tensors(fixture["content"]);
  const std::vector<at::Tensor> style = fixture_tensors(fixture["style"]);
  const TapRegions regions = regions_from_near(fixture_tensors(fixture["near_masks"]));
  const TapLayout layout = vgg_tap_layout();
  const StyleStatistics style_reference = style_statistics(style, layout);
  const FeatureDistances same_as_content =
      feature_distances(content, layout, content_taps(content, layout), &style_reference, &regions);
  EXPECT_EQ(same_as_content.content, 0.0);
  EXPECT_EQ(same_as_content.content_near, 0.0);
  EXPECT_EQ(same_as_content.content_far, 0.0);
  EXPECT_GT(same_as_content.style, 0.0);
  // An output equal to the style (here as big as the content, so the content distance is defined too).
  const std::vector<at::Tensor> style_as_output = fixture_tensors(fixture["output"]);
  const StyleStatistics own = style_statistics(style_as_output, layout);
  EXPECT_EQ(feature_distances(style_as_output, layout, content_taps(content, layout), &own, nullptr).style, 0.0);
}

TEST(FeatureDistances, MaskedStatisticsAndBadInput) {
  const at::Tensor features = at::rand({1, 5, 6, 7}) * 4;
  const ChannelStats whole = channel_stats(features);
  const ChannelStats masked = masked_channel_stats(features, at::ones({1, 1, 6, 7}));
  EXPECT_TRUE(at::allclose(masked.mean, whole.mean, 1e-6, 1e-6));
  EXPECT_TRUE(at::allclose(masked.std, whole.std, 1e-6, 1e-6));
  // Two positions: mean and unbiased variance of those two values.
  at::Tensor mask = at::zeros({1, 1, 6, 7});
  mask[0][0][1][2] = 1;
  mask[0][0][4][5] = 1;
  const ChannelStats two = masked_channel_stats(features, mask);
  const at::Tensor a = features.select(2, 1).select(2, 2), b = features.select(2, 4).select(2, 5);
  EXPECT_TRUE(at::allclose(two.mean.flatten(), ((a + b) / 2).flatten(), 1e-6, 1e-6));
  EXPECT_TRUE(at::allclose(two.std.flatten(), ((a - b).pow(2) / 2 + 1e-5).sqrt().flatten(), 1e-5, 1e-6));

  const TapLayout layout{{"only"}, {0}, {0}};
  const std::vector<at::Tensor> taps = {features};
  TapRegions tiny{{mask.clone().zero_()}, {at::ones({1, 1, 6, 7})}};
  tiny.near[0][0][0][0][0] = 1;  // one position: too few for a variance
  const StyleStatistics style = style_statistics(taps, layout);
  const FeatureDistances distances = feature_distances(taps, layout, content_taps(taps, layout), &style, &tiny);
  EXPECT_TRUE(std::isnan(distances.content_near) && std::isnan(distances.style_near));
  EXPECT_EQ(distances.content_far, 0.0);
  EXPECT_THROW_MESSAGE(feature_distances({at::rand({1, 5, 6, 8})}, layout, content_taps(taps, layout), nullptr, nullptr),
                       Error, "tap only of the output is [1, 5, 6, 8], the content's [1, 5, 6, 7]");
  EXPECT_THROW_MESSAGE(content_taps({features, features}, layout), Error, "the content has 2 taps, the layout 1 (only)");
}

// --- Regions and depth agreement ---

cv::Mat row_of(std::vector<float> values) { return cv::Mat(values, true).reshape(1, 1); }

TEST(DepthRegions, SplitAtTheMedianOfTheKnownCells) {
  RegionMasks regions = split_near_far(row_of({1, 4, 2, 3}), {4, 1});
  EXPECT_EQ(cv::countNonZero(regions.near), 2);
  EXPECT_EQ(regions.near.at<unsigned char>(0, 1), 1);  // 4
  EXPECT_EQ(regions.near.at<unsigned char>(0, 3), 1);  // 3
  EXPECT_EQ(regions.far.at<unsigned char>(0, 0), 1);   // 1
  EXPECT_EQ(regions.far.at<unsigned char>(0, 2), 1);   // 2
  // Odd count: the median cell is in neither region; unknown cells neither.
  regions = split_near_far(row_of({5, NAN, 1, 3, 9, 7}), {6, 1});
  EXPECT_EQ(cv::countNonZero(regions.near), 2);  // 7, 9
  EXPECT_EQ(cv::countNonZero(regions.far), 2);   // 1, 3
  EXPECT_EQ(regions.near.at<unsigned char>(0, 1) + regions.far.at<unsigned char>(0, 1), 0);
  EXPECT_EQ(regions.near.at<unsigned char>(0, 0) + regions.far.at<unsigned char>(0, 0), 0);
  // A constant map has no near and far.
  regions = split_near_far(cv::Mat(3, 3, CV_32F, cv::Scalar(2)), {3, 3});
  EXPECT_EQ(cv::countNonZero(regions.near) + cv::countNonZero(regions.far), 0);
  // Shrinking averages first: a 4x4 ramp by rows becomes 2 rows, the lower one nearer.
  cv::Mat ramp(4, 4, CV_32F);
  for (int row = 0; row < 4; ++row) ramp.row(row).setTo(row);
  regions = split_near_far(ramp, {2, 2});
  EXPECT_EQ(cv::countNonZero(regions.near.row(1)), 2);
  EXPECT_EQ(cv::countNonZero(regions.far.row(0)), 2);
}

// Proximity growing to the right: x = column.
DepthPrediction horizontal_ramp(cv::Size size) {
  cv::Mat values(size, CV_32F);
  for (int col = 0; col < size.width; ++col) values.col(col).setTo(static_cast<float>(col));
  return {values, DepthMeaning::kProximity};
}

TEST(DepthAgreement, PairsAreClearlyOrderedInTheContentAndSeeded) {
  const DepthPrediction content = horizontal_ramp({32, 24});
  std::mt19937_64 random(11);
  const std::vector<DiwPair> pairs = sample_content_depth_pairs(content, {32, 24}, {300, 0.25, 0}, random);
  ASSERT_EQ(pairs.size(), 300u);
  for (const DiwPair& pair : pairs) {
    // F(col) = (col + 0.5) / 32: a rank gap of 0.25 is 8 columns.
    EXPECT_GE(std::abs(pair.x_a - pair.x_b), 8) << pair.x_a << " " << pair.x_b;
    EXPECT_EQ(pair.relation, pair.x_a < pair.x_b ? DiwRelation::kAFarther : DiwRelation::kANearer);
    EXPECT_EQ(pair.width, 32);
    EXPECT_EQ(pair.height, 24);
  }
  std::mt19937_64 again(11);
  const std::vector<DiwPair> same = sample_content_depth_pairs(content, {32, 24}, {300, 0.25, 0}, again);
  EXPECT_EQ(same.front().x_a, pairs.front().x_a);
  EXPECT_EQ(same.back().y_b, pairs.back().y_b);
  // A flat prediction has no clearly ordered pairs: none are returned, nothing is thrown.
  const DepthPrediction flat{cv::Mat(24, 32, CV_32F, cv::Scalar(3)), DepthMeaning::kDepth};
  EXPECT_TRUE(sample_content_depth_pairs(flat, {32, 24}, {10, 0.2, 500}, random).empty());
  EXPECT_THROW_MESSAGE(sample_content_depth_pairs(content, {32, 24}, {10, 0, 0}, random), UsageError,
                       "min_rank_gap must be in (0, 1), got 0");
}

TEST(DepthAgreement, SameOrderAgreesWhateverTheMeaningScaleOrResolution) {
  const cv::Size size(32, 24);
  const DepthPrediction content = horizontal_ramp(size);
  std::mt19937_64 random(3);
  const std::vector<DiwPair> pairs = sample_content_depth_pairs(content, size, {200, 0.2, 0}, random);
  const cv::Size grid = spearman_grid_size(size, 12);
  EXPECT_EQ(grid, cv::Size(16, 12));

  DepthAgreement agreement = depth_agreement(content, content, pairs, grid, nullptr, nullptr);
  EXPECT_EQ(agreement.pairs.correct, 200);
  EXPECT_DOUBLE_EQ(agreement.pairs.accuracy(TiePolicy::kWrong), 1.0);
  EXPECT_DOUBLE_EQ(agreement.spearman, 1.0);
  // The same order stated as depth (farther = bigger), at another scale and a lower resolution.
  cv::Mat depth(12, 16, CV_32F);
  for (int col = 0; col < 16; ++col) depth.col(col).setTo(100.0f - 3.0f * col);
  agreement = depth_agreement(content, {depth, DepthMeaning::kDepth}, pairs, grid, nullptr, nullptr);
  EXPECT_DOUBLE_EQ(agreement.pairs.accuracy(TiePolicy::kWrong), 1.0);
  EXPECT_DOUBLE_EQ(agreement.spearman, 1.0);
  // The reverse order disagrees everywhere; a constant map ties everywhere (ties count as wrong).
  agreement = depth_agreement(content, {depth, DepthMeaning::kProximity}, pairs, grid, nullptr, nullptr);
  EXPECT_EQ(agreement.pairs.correct, 0);
  EXPECT_DOUBLE_EQ(agreement.spearman, -1.0);
  agreement = depth_agreement(content, {cv::Mat(size, CV_32F, cv::Scalar(1)), DepthMeaning::kDepth}, pairs, grid,
                              nullptr, nullptr);
  EXPECT_EQ(agreement.pairs.ties, 200);
  EXPECT_DOUBLE_EQ(agreement.pairs.accuracy(TiePolicy::kWrong), 0.0);
  EXPECT_TRUE(std::isnan(agreement.spearman));
}

TEST(DepthAgreement, NearAndFarPairsHaveBothPointsInTheRegion) {
  const cv::Size size(32, 24);
  const DepthPrediction content = horizontal_ramp(size);
  std::mt19937_64 random(5);
  const std::vector<DiwPair> pairs = sample_content_depth_pairs(content, size, {400, 0.05, 0}, random);
  const cv::Size grid = spearman_grid_size(size, 0);
  EXPECT_EQ(grid, size);
  const RegionMasks image_regions = split_near_far(content.values, size);
  const DepthAgreement agreement = depth_agreement(content, content, pairs, grid, &image_regions, &image_regions);
  std::int64_t near = 0, far = 0;
  for (const DiwPair& pair : pairs) {
    near += pair.x_a > 16 && pair.x_b > 16;  // columns 16..31 (1-based x 17..32) are above the median 15.5
    far += pair.x_a <= 16 && pair.x_b <= 16;
  }
  EXPECT_EQ(agreement.pairs_near.pairs, near);
  EXPECT_EQ(agreement.pairs_far.pairs, far);
  EXPECT_GT(near, 50);
  EXPECT_DOUBLE_EQ(agreement.spearman_near, 1.0);
  EXPECT_DOUBLE_EQ(agreement.spearman_far, 1.0);
}

TEST(DepthAgreement, SpearmanOfSubsetsEqualsRankingTheKeptValuesAgain) {
  // Ties (values quantised to 7 levels), unknown cells in both maps and irregular regions: each map is sorted once
  // and the subsets ranked from that order; the numbers must be those of spearman_correlation on the kept values.
  const cv::Size size(23, 17);
  std::mt19937_64 random(11);
  std::uniform_int_distribution<int> level(0, 6);
  std::bernoulli_distribution unknown(0.1), in_region(0.45);
  cv::Mat content(size, CV_32F), output(size, CV_32F);
  RegionMasks regions{cv::Mat(size, CV_8UC1), cv::Mat(size, CV_8UC1)};
  for (int row = 0; row < size.height; ++row) {
    for (int col = 0; col < size.width; ++col) {
      const int c = level(random);
      content.at<float>(row, col) = unknown(random) ? NAN : static_cast<float>(c);
      output.at<float>(row, col) = unknown(random) ? NAN : static_cast<float>((c + level(random)) / 2);
      regions.near.at<unsigned char>(row, col) = in_region(random) ? 1 : 0;
      regions.far.at<unsigned char>(row, col) = in_region(random) ? 1 : 0;
    }
  }
  const auto expected = [&](const cv::Mat* region) {
    std::vector<double> x, y;
    for (int row = 0; row < size.height; ++row) {
      for (int col = 0; col < size.width; ++col) {
        const float a = content.at<float>(row, col), b = output.at<float>(row, col);
        if (std::isnan(a) || std::isnan(b) || (region != nullptr && region->at<unsigned char>(row, col) == 0)) continue;
        x.push_back(a);
        y.push_back(b);
      }
    }
    return spearman_correlation(x, y);
  };
  const DepthAgreement agreement = depth_agreement({content, DepthMeaning::kProximity},
                                                   {output, DepthMeaning::kProximity}, {}, size, &regions, &regions);
  EXPECT_GT(agreement.spearman, 0.3);
  EXPECT_EQ(agreement.spearman, expected(nullptr));
  EXPECT_EQ(agreement.spearman_near, expected(&regions.near));
  EXPECT_EQ(agreement.spearman_far, expected(&regions.far));
}

// --- The grid scorer on real images ---

cv::Mat sample_image(const std::string& file, int side) {
  const std::filesystem::path path = testing::sample_cache_dir() / "samples" / file;
  return size_image(load_image(path), {side, false}).rgb;
}

struct ScorerFixture {
  std::unique_ptr<Backbone> pyramid = make_pyramid_backbone({3});
  cv::Mat content = sample_image("aloeL.jpg", 96);
  std::map<std::string, cv::Mat> proximity;

  ScorerFixture() {
    DepthMapFile truth;
    truth.path = testing::sample_cache_dir() / "samples/aloeGT.png";
    truth.zero_is_unknown = true;
    SizedImage sized = size_image(load_image(testing::sample_cache_dir() / "samples/aloeL.jpg"), {96, false});
    proximity["map"] = proximity_of_sized_content(read_depth_map_file(truth), sized);
  }

  GridScorer::Content prepare(GridScorer& scorer) {
    std::vector<at::Tensor> taps;
    scorer.network().encode(tensor_from_image(content), taps);
    return scorer.prepare_content("aloeL", 96, content, "inputs/content=aloeL,content_size=96.png", taps, proximity);
  }
};

// The scores of an output equal to the content, 500 pairs, near/far by "map": perfect agreement, no distance.
void expect_scores_of_the_content_itself(const nlohmann::json& fields) {
  EXPECT_EQ(fields["depth_agreement"], 1.0);
  EXPECT_EQ(fields["depth_pairs"], 500);
  EXPECT_EQ(fields["depth_ties"], 0);
  EXPECT_EQ(fields["depth_agreement_near"], 1.0);
  EXPECT_EQ(fields["depth_agreement_far"], 1.0);
  EXPECT_GT(fields["depth_pairs_near"].get<int>(), 50);
  EXPECT_EQ(fields["depth_spearman"], 1.0);
  EXPECT_EQ(fields["content_distance"], 0.0);
  EXPECT_EQ(fields["content_distance_near"], 0.0);
  EXPECT_EQ(fields["content_distance_far"], 0.0);
}

TEST(GridScorer, AnOutputEqualToTheContentKeepsEverything) {
  ScorerFixture fixture;
  GridScoreOptions options;
  options.depth_pairs = 500;
  GridScorer scorer(options, *fixture.pyramid, 0);
  const GridScorer::Content content = fixture.prepare(scorer);
  EXPECT_EQ(content.pairs.size(), 500u);
  const nlohmann::json fields = scorer.score(fixture.content, "images/same.png", content, nullptr, "map");
  expect_scores_of_the_content_itself(fields);
  EXPECT_TRUE(fields["style_distance"].is_null()) << "no style statistics were given";
  EXPECT_EQ(fields["score_network"], "pyramid band_0,band_1,band_2,residual (stand-in, not VGG)");
  EXPECT_EQ(fields["score_depth"], "dark_channel");
  EXPECT_EQ(fields["regions_depth"], "map");
  // Without a region source there are no near/far scores.
  const nlohmann::json whole = scorer.score(fixture.content, "images/same.png", content, nullptr, "");
  EXPECT_TRUE(whole["depth_agreement_near"].is_null() && whole["content_distance_far"].is_null());
}

TEST(GridScorer, AnOutputEqualToTheStyleHasNoStyleDistance) {
  ScorerFixture fixture;
  GridScorer scorer(GridScoreOptions{}, *fixture.pyramid, 0);
  const GridScorer::Content content = fixture.prepare(scorer);
  cv::Mat style;
  cv::resize(sample_image("starry_night.jpg", 96), style, fixture.content.size(), 0, 0, cv::INTER_AREA);
  std::vector<at::Tensor> taps;
  scorer.network().encode(tensor_from_image(style), taps);
  const StyleStatistics statistics = style_statistics(taps, scorer.network().layout());
  const nlohmann::json same = scorer.score(style, "images/style.png", content, &statistics, "map");
  EXPECT_EQ(same["style_distance"], 0.0);
  EXPECT_GT(same["content_distance"].get<double>(), 0.0);
  EXPECT_LT(same["depth_agreement"].get<double>(), 1.0);
  const nlohmann::json other = scorer.score(fixture.content, "images/content.png", content, &statistics, "map");
  EXPECT_GT(other["style_distance"].get<double>(), 0.0);
}

TEST(GridScorer, PrecomputedMapsScoreThroughTheFileEstimator) {
  // A `file` estimator over a folder mirroring the run folder's pictures: the content's map, an output whose map
  // keeps its order (at another height and scale) and one whose map reverses it.
  ScorerFixture fixture;
  testing::TempDir dir;
  const auto ramp = [](cv::Size size, float slope) {
    cv::Mat map(size, CV_32F);
    for (int col = 0; col < size.width; ++col) map.col(col).setTo(10.0f + slope * static_cast<float>(col));
    return map;
  };
  write_file_atomically(dir / "maps/inputs/content=aloeL,content_size=96.npy", serialize_npy(ramp({111, 96}, 1)));
  write_file_atomically(dir / "maps/images/kept.npy", serialize_npy(ramp({111, 32}, 5)));
  write_file_atomically(dir / "maps/images/reversed.npy", serialize_npy(ramp({111, 48}, -0.1f)));
  GridScoreOptions options;
  options.depth_estimator = DepthEstimatorConfig();
  options.depth_estimator.name = "maps";
  options.depth_estimator.type = "file";
  options.depth_estimator.path = (dir / "maps").string();
  options.depth_estimator.meaning = "depth";
  options.depth_pairs = 300;
  GridScorer scorer(options, *fixture.pyramid, 0);
  const GridScorer::Content content = fixture.prepare(scorer);
  ASSERT_EQ(content.pairs.size(), 300u);
  const nlohmann::json kept = scorer.score(fixture.content, "images/kept.png", content, nullptr, "");
  EXPECT_EQ(kept["depth_agreement"], 1.0);
  EXPECT_DOUBLE_EQ(kept["depth_spearman"].get<double>(), 1.0);
  EXPECT_EQ(kept["score_depth"], "maps");
  const nlohmann::json reversed = scorer.score(fixture.content, "images/reversed.png", content, nullptr, "");
  EXPECT_EQ(reversed["depth_agreement"], 0.0);
  EXPECT_DOUBLE_EQ(reversed["depth_spearman"].get<double>(), -1.0);
  EXPECT_THROW_MESSAGE(scorer.score(fixture.content, "images/missing.png", content, nullptr, ""), InputError,
                       "images/missing");
}

TEST(GridScorer, TheRandomBaselineAgreesByChance) {
  ScorerFixture fixture;
  GridScoreOptions options;
  options.depth_estimator = DepthEstimatorConfig();
  options.depth_estimator.name = "chance";
  options.depth_estimator.type = "random";
  GridScorer scorer(options, *fixture.pyramid, 0);
  const GridScorer::Content content = fixture.prepare(scorer);
  // Its noise depends on the image's key: the output's differs from the content's, whatever the pixels.
  const double agreement =
      scorer.score(fixture.content, "images/x.png", content, nullptr, "")["depth_agreement"].get<double>();
  EXPECT_NEAR(agreement, 0.5, 0.07);  // 1000 pairs: sd 0.016; the value is fixed by the seeds
  EXPECT_NEAR(scorer.score(fixture.content, "images/x.png", content, nullptr, "")["depth_spearman"].get<double>(), 0,
              0.05);
}

TEST(GridScorer, AtAReducedSideTheContentItselfStillKeepsEverything) {
  // scores.side 64 on a 96x111 content: everything is compared at 64x74, and the identity cases stay exact.
  ScorerFixture fixture;
  GridScoreOptions options;
  options.depth_pairs = 500;
  options.side = 64;
  GridScorer scorer(options, *fixture.pyramid, 0);
  const GridScorer::Content content = fixture.prepare(scorer);
  ASSERT_EQ(fixture.content.size(), cv::Size(111, 96));
  EXPECT_EQ(content.size, cv::Size(74, 64));
  EXPECT_EQ(content.taps.taps.front().size(3), 74);
  EXPECT_EQ(content.pairs.size(), 500u);
  expect_scores_of_the_content_itself(scorer.score(fixture.content, "images/same.png", content, nullptr, "map"));
  // The style is shrunk on its own (smaller side 96 -> 64 px, area averaging) and encoded once more.
  const cv::Mat style = sample_image("starry_night.jpg", 96);
  std::vector<at::Tensor> taps;
  scorer.network().encode(tensor_from_image(style), taps);
  const StyleStatistics statistics = scorer.style_statistics_of(style, taps);
  const cv::Size style_size = scorer.scoring_size(style.size());
  EXPECT_EQ(std::min(style_size.width, style_size.height), 64);
  const StyleStatistics expected = style_statistics(
      scorer.network().taps(tensor_from_image(resample(style, style_size, Interpolation::kArea))),
      scorer.network().layout());
  const StyleStatistics full = style_statistics(taps, scorer.network().layout());
  ASSERT_EQ(statistics.taps.size(), expected.taps.size());
  for (std::size_t i = 0; i < expected.taps.size(); ++i) {
    EXPECT_TRUE(at::equal(statistics.taps[i].mean, expected.taps[i].mean)) << "tap " << i;
    EXPECT_TRUE(at::equal(statistics.taps[i].std, expected.taps[i].std)) << "tap " << i;
    EXPECT_FALSE(at::equal(statistics.taps[i].std, full.taps[i].std)) << "tap " << i;
  }
  // An output of another size than the content's is refused, naming it.
  EXPECT_THROW_MESSAGE(scorer.score(fixture.content(cv::Rect(0, 0, 100, 96)).clone(), "images/small.png", content,
                                    nullptr, ""),
                       Error, "images/small.png is 100x96 px");
}

TEST(GridScorer, ASideAtLeastTheOutputsIsTheOutputsOwnSize) {
  // side 96 (= the content's smaller side) and 500 (larger: never enlarged) give exactly the numbers of side 0.
  ScorerFixture fixture;
  cv::Mat output;
  cv::GaussianBlur(fixture.content, output, {5, 5}, 1.5);
  const cv::Mat style = sample_image("starry_night.jpg", 96);
  const auto fields = [&](int side) {
    GridScoreOptions options;
    options.depth_pairs = 300;
    options.side = side;
    GridScorer scorer(options, *fixture.pyramid, 0);
    const GridScorer::Content content = fixture.prepare(scorer);
    std::vector<at::Tensor> taps;
    scorer.network().encode(tensor_from_image(style), taps);
    const StyleStatistics statistics = scorer.style_statistics_of(style, taps);
    nlohmann::json row = scorer.score(output, "images/blurred.png", content, &statistics, "map");
    row.erase("seconds_scores");
    return row;
  };
  const nlohmann::json own = fields(0);
  EXPECT_GT(own["content_distance"].get<double>(), 0.0);
  EXPECT_LT(own["depth_spearman"].get<double>(), 1.0);
  EXPECT_EQ(fields(96), own);
  EXPECT_EQ(fields(500), own);
  const nlohmann::json shrunk = fields(48);
  EXPECT_NE(shrunk["content_distance"], own["content_distance"]);
  EXPECT_NE(shrunk["style_distance"], own["style_distance"]);
}

TEST(ScoreNetwork, AVggFileScoresAnotherBackbonesPictures) {
  const std::unique_ptr<Backbone> pyramid = make_pyramid_backbone({3});
  const std::filesystem::path file =
      std::filesystem::path(DEPTHSTYLE_GENERATED_FIXTURES) / "style" / "vgg_cut_at_relu4_1.pth";
  ScoreNetwork network(*pyramid, file, Precision::kFloat32);
  EXPECT_FALSE(network.stand_in());
  EXPECT_EQ(network.label(), "vgg relu1_1,relu2_1,relu3_1,relu4_1");
  const nlohmann::json description = network.describe();
  EXPECT_EQ(description["network"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(description["content_distance_taps"], nlohmann::json::array({"relu4_1"}));
  std::vector<at::Tensor> taps;
  const Features features = network.encode(at::rand({1, 3, 64, 48}), taps);
  EXPECT_EQ(features.levels.size(), 4u) << "the backbone's own features, for the stylization";
  ASSERT_EQ(taps.size(), 4u);
  EXPECT_EQ(taps[3].size(1), 512);
  EXPECT_EQ(ScoreNetwork(*pyramid, "", Precision::kFloat32).label(),
            "pyramid band_0,band_1,band_2,residual (stand-in, not VGG)");
  EXPECT_THROW_MESSAGE(ScoreNetwork(*pyramid, "missing.pth", Precision::kFloat32), InputError, "missing.pth");
}

}  // namespace
}  // namespace depthstyle
