#include "scores/grid_scores.h"

#include <ATen/ATen.h>

#include <chrono>
#include <cmath>

#include "config/schema.h"
#include "core/error.h"
#include "core/log.h"
#include "core/seeds.h"
#include "core/text.h"
#include "depth/resampling.h"
#include "io/image.h"
#include "tensor/tensor_image.h"
#include "style/depth_source.h"

namespace depthstyle {
namespace {

nlohmann::json number_or_null(double value) { return std::isnan(value) ? nlohmann::json(nullptr) : nlohmann::json(value); }

// 1x1xhxw float32 masks from a CV_8UC1 region.
at::Tensor mask_tensor(const cv::Mat& region) {
  cv::Mat as_float;
  region.convertTo(as_float, CV_32F);
  return tensor_from_image(as_float);
}

cv::Size size_of(const at::Tensor& tap) {
  return {static_cast<int>(tap.size(3)), static_cast<int>(tap.size(2))};
}

}  // namespace

void declare_grid_scores(Schema& schema, GridScoreOptions& options, bool with_enabled_key) {
  if (with_enabled_key) {
    schema.add("scores.enabled", &options.enabled,
               "score every output: depth preservation, content and style distances, near/far splits");
  }
  schema.add_mapping<DepthEstimatorConfig>(
      "scores.depth_estimator", &options.depth_estimator, declare_depth_estimator,
      "depth estimator run on each content and each output (any type of depth_estimators; default the "
      "weight-free dark-channel cue)");
  schema.add("scores.depth_pairs", &options.depth_pairs, "point pairs per content and size for the ordinal agreement")
      .range(1, 1000000);
  schema.add("scores.depth_min_rank_gap", &options.depth_min_rank_gap,
             "a pair's content depths must be this far apart in depth order (fraction of the pixels between them)")
      .range(0.001, 0.999);
  schema.add("scores.spearman_side", &options.spearman_side,
             "smaller side of the grid the Spearman correlation is taken on, px (0 = the image's size)")
      .range(0, 16384);
  schema.add("scores.vgg_encoder", &options.vgg_encoder,
             "vgg_normalised.pth: VGG taps for the content/style distances whatever the backbone ('' = the "
             "backbone's encoder; the pyramid's levels are a labelled stand-in)");
  schema.add("scores.side", &options.side,
             "smaller side at which output, content and style are compared, px, each shrunk by area averaging, "
             "never enlarged (0 = each at its own size; 256 = the AdaIN losses' training crops, and the output's "
             "encoder pass costs (256 / its side)^2 of the full-size one)")
      .range(0, 16384);
  schema.add("scores.seed", &options.seed, "seed of the pair sampling (-1 = derived from the run's seed)")
      .at_least(-1);
}

std::vector<std::string> grid_score_problems(const GridScoreOptions& options, const BackboneConfig& backbone) {
  std::vector<std::string> problems;
  try {
    check_depth_estimator_config(options.depth_estimator);
  } catch (const UsageError& error) {
    problems.push_back(concat("scores.depth_estimator: ", error.what()));
  }
  if (!options.vgg_encoder.empty() && backbone.type == "vgg") {
    problems.push_back("scores.vgg_encoder: the vgg backbone's own encoder already gives the VGG taps; leave it empty");
  }
  return problems;
}

GridScorer::GridScorer(const GridScoreOptions& options, Backbone& backbone, std::int64_t run_seed)
    : options_(options),
      network_(backbone, options.vgg_encoder, Precision::kFloat32),
      estimator_(make_depth_estimator(options.depth_estimator, static_cast<std::uint64_t>(run_seed))),
      pair_seed_(resolve_seed(options.seed, run_seed, "scores.depth_pairs")) {}

nlohmann::json GridScorer::describe() const {
  return {{"network", network_.describe()},
          {"depth_estimator", {{"name", options_.depth_estimator.name}, {"description", estimator_->describe()}}},
          {"depth_pairs", options_.depth_pairs},
          {"depth_min_rank_gap", options_.depth_min_rank_gap},
          {"spearman_side", options_.spearman_side},
          {"side", options_.side},
          {"resampling", to_string(Interpolation::kArea)},
          {"pair_seed", pair_seed_}};
}

cv::Size GridScorer::scoring_size(cv::Size image_size) const {
  return spearman_grid_size(image_size, options_.side);  // the same rule: smaller side, never enlarged
}

GridScorer::Content GridScorer::prepare_content(const std::string& name, int content_size, const cv::Mat& full_rgb,
                                                const std::string& picture, const std::vector<at::Tensor>& full_taps,
                                                const std::map<std::string, cv::Mat>& proximity) {
  Content content;
  content.size = scoring_size(full_rgb.size());
  const bool shrunk = content.size != full_rgb.size();
  const cv::Mat rgb = shrunk ? resample(full_rgb, content.size, Interpolation::kArea) : full_rgb;
  const std::vector<at::Tensor> taps = shrunk ? network_.taps(tensor_from_image(rgb)) : full_taps;
  content.taps = content_taps(taps, network_.layout());
  content.depth = estimate_depth(*estimator_, picture, Image{rgb, cv::Mat()});
  std::mt19937_64 random(derive_seed(static_cast<std::int64_t>(pair_seed_), concat(name, ",content_size=", content_size)));
  content.pairs = sample_content_depth_pairs(content.depth, rgb.size(),
                                             {options_.depth_pairs, options_.depth_min_rank_gap, 0}, random);
  if (static_cast<int>(content.pairs.size()) < options_.depth_pairs) {
    log_warning("scores: content ", name, " at ", content_size, " px: found ", content.pairs.size(), " of ",
                options_.depth_pairs, " point pairs whose depths (", options_.depth_estimator.name,
                ") differ by a rank gap of ", format_number(options_.depth_min_rank_gap),
                content.pairs.empty() ? "; its depth agreement stays empty" : "");
  }
  content.grid_size = spearman_grid_size(rgb.size(), options_.spearman_side);
  for (const auto& [source, map] : proximity) {
    Regions& regions = content.regions[source];
    regions.image = split_near_far(map, rgb.size());
    regions.grid = split_near_far(map, content.grid_size);
    for (const at::Tensor& tap : taps) {
      const RegionMasks masks = split_near_far(map, size_of(tap));
      regions.taps.near.push_back(mask_tensor(masks.near));
      regions.taps.far.push_back(mask_tensor(masks.far));
    }
  }
  return content;
}

StyleStatistics GridScorer::style_statistics_of(const cv::Mat& rgb, const std::vector<at::Tensor>& taps) {
  const cv::Size size = scoring_size(rgb.size());
  if (size == rgb.size()) return style_statistics(taps, network_.layout());
  return style_statistics(network_.taps(tensor_from_image(resample(rgb, size, Interpolation::kArea))),
                          network_.layout());
}

nlohmann::json GridScorer::score(const cv::Mat& full_output, const std::string& picture, const Content& content,
                                 const StyleStatistics* style, const std::string& regions_depth) {
  const auto start = std::chrono::steady_clock::now();
  if (scoring_size(full_output.size()) != content.size) {
    throw Error(concat("scores: output ", picture, " is ", full_output.cols, "x", full_output.rows,
                       " px, which is not scored at the content's scoring size ", content.size.width, "x",
                       content.size.height));
  }
  const cv::Mat output = content.size == full_output.size()
                             ? full_output
                             : resample(full_output, content.size, Interpolation::kArea);
  const Regions* regions = regions_depth.empty() ? nullptr : &content.regions.at(regions_depth);
  const FeatureDistances distances = feature_distances(network_.taps(tensor_from_image(output)), network_.layout(),
                                                       content.taps, style, regions ? &regions->taps : nullptr);
  const DepthPrediction depth = estimate_depth(*estimator_, picture, Image{output, cv::Mat()});
  const DepthAgreement agreement = depth_agreement(content.depth, depth, content.pairs, content.grid_size,
                                                   regions ? &regions->image : nullptr,
                                                   regions ? &regions->grid : nullptr);
  const auto accuracy = [](const DiwScore& score) { return number_or_null(score.accuracy(TiePolicy::kWrong)); };
  nlohmann::json fields = {
      {"score_network", network_.label()},
      {"score_depth", options_.depth_estimator.name},
      {"regions_depth", regions_depth.empty() ? nlohmann::json(nullptr) : nlohmann::json(regions_depth)},
      {"depth_agreement", accuracy(agreement.pairs)},
      {"depth_pairs", agreement.pairs.pairs},
      {"depth_ties", agreement.pairs.ties + agreement.pairs.unknown},
      {"depth_agreement_near", regions ? accuracy(agreement.pairs_near) : nlohmann::json(nullptr)},
      {"depth_pairs_near", regions ? nlohmann::json(agreement.pairs_near.pairs) : nlohmann::json(nullptr)},
      {"depth_agreement_far", regions ? accuracy(agreement.pairs_far) : nlohmann::json(nullptr)},
      {"depth_pairs_far", regions ? nlohmann::json(agreement.pairs_far.pairs) : nlohmann::json(nullptr)},
      {"depth_spearman", number_or_null(agreement.spearman)},
      {"depth_spearman_near", number_or_null(agreement.spearman_near)},
      {"depth_spearman_far", number_or_null(agreement.spearman_far)},
      {"content_distance", number_or_null(distances.content)},
      {"content_distance_near", number_or_null(distances.content_near)},
      {"content_distance_far", number_or_null(distances.content_far)},
      {"style_distance", number_or_null(distances.style)},
      {"style_distance_near", number_or_null(distances.style_near)},
      {"style_distance_far", number_or_null(distances.style_far)}};
  fields["seconds_scores"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return fields;
}

}  // namespace depthstyle
