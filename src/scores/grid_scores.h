// Quantitative scores of every output of a style grid (grid/style_grid_run.h), stored in the grid's result rows and
// computed with the cell, so a resumed run never recomputes them:
//
//   depth_agreement, depth_pairs, depth_ties   ordinal agreement of the depth estimator's prediction for the output
//                                              with its prediction for the content, on seeded pairs of points whose
//                                              content depths are clearly ordered (scores/depth_agreement.h; ties and
//                                              unknown values count as disagreement, as in Table 1's scoring)
//   depth_spearman                             Spearman correlation of the two predictions on a common grid
//   content_distance                           mean squared difference of the content taps (VGG: relu4_1)
//   style_distance                             the AdaIN style loss against the style image (scores/feature_scores.h;
//                                              single-image styles only, else empty)
//   ..._near, ..._far                          the same over the near / far half of the content by the proximity of
//                                              `regions_depth` (scores/depth_regions.h): the cell's own depth source
//                                              for DA-AdaIN, the content's first depth source for AdaIN cells (so
//                                              AdaIN has near/far scores to compare with); empty without a source
//   score_network, score_depth                 which taps (and whether they are a stand-in for VGG) and which depth
//                                              estimator produced the numbers
//
// What is compared: the output as saved (read back from images/<key>.<ext>, so the numbers are those of the file
// anyone can re-score); the content's depth from its saved picture (inputs/content=...png, same quantisation);
// the content's and the style's taps from the encodings the stylization used (float pixels, no extra pass when the
// score network is the backbone's). The depth estimator sees each image under its path relative to the run folder
// (images/<key>.png, inputs/content=<c>,content_size=<n>.png): the key of the random baseline and of precomputed maps
// (a `file` estimator over a folder with maps at images/<key>.npy etc.). Pairs are drawn once per content and size,
// from a seed derived from `scores.seed` (default: the run's), so every cell of a content is scored on the same
// pairs.
//
// Scoring size (`scores.side`): with side s > 0, every image is compared at its own size shrunk so that its smaller
// side is s (never enlarged: an image whose smaller side is at most s is compared as it is), by pixel-area averaging
// (depth/resampling.h `area`, cv::INTER_AREA; the other side rounded to the nearest pixel as for the Spearman grid):
// the output, the content (so both meet at the same size) and the style (on its own, like the AdaIN training crops,
// where content and style were both 256 px). Everything is then scored at that size: the taps of the content/style
// distances, the depth estimator's two predictions, the point pairs, the Spearman grid (spearman_side of the shrunk
// image) and the near/far regions. The content's taps, depth and pairs at that size are computed once per content
// and size (prepare_content), the style's statistics once per style and size (style_statistics_of): only the
// output is shrunk and encoded per cell, which is what s buys: the output's encoder pass costs about (s / side)^2 of
// the full-size pass. s = 0, or s at least the output's smaller side, scores at the output's own size: no resampling,
// the same numbers as before the option existed. The AdaIN losses were trained on 256 px crops, so 256 keeps the
// distances on the scale of the trained network (and of images of that size); larger outputs are then judged at that
// scale, not on their finest texture.
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "depth/depth_estimator.h"
#include "diw/diw_dataset.h"
#include "report/result_table.h"
#include "scores/depth_agreement.h"
#include "scores/depth_regions.h"
#include "scores/feature_scores.h"
#include "scores/score_declarations.h"
#include "scores/score_network.h"
#include "style/backbone_factory.h"

namespace depthstyle {

class Schema;

struct GridScoreOptions {
  // Score every output (experiment style_grid; an ablation always scores and has no such key).
  bool enabled = false;
  // The estimator run on each sized content and each output; any registry type (depth/depth_estimator.h).
  DepthEstimatorConfig depth_estimator = default_score_depth_estimator();
  // Point pairs per content and size.
  int depth_pairs = 1000;
  // Pairs need content depths this far apart in depth order (a fraction of the known pixels), in (0, 1).
  double depth_min_rank_gap = 0.2;
  // Smaller side of the Spearman grid, px (0 = the image's size; never larger than the image).
  int spearman_side = 128;
  // vgg_normalised.pth to score with VGG taps although the backbone is another ("" = the backbone's encoder).
  std::string vgg_encoder;
  // Seed of the pair sampling; -1 = derived from the run's seed.
  std::int64_t seed = -1;
  // Smaller side at which output, content and style are compared, px (0 = each at its own size; never enlarged).
  int side = 0;
};

// Binds the keys under "scores." (`with_enabled_key`: also scores.enabled).
void declare_grid_scores(Schema& schema, GridScoreOptions& options, bool with_enabled_key);
// Problems that need several keys, each naming its key; empty if the options can run.
std::vector<std::string> grid_score_problems(const GridScoreOptions& options, const BackboneConfig& backbone);


class GridScorer {
 public:
  // Builds the score network and the depth estimator (InputError for unreadable files).
  GridScorer(const GridScoreOptions& options, Backbone& backbone, std::int64_t run_seed);

  ScoreNetwork& network() { return network_; }
  // For the manifest: score network, depth estimator, pairs, seeds.
  nlohmann::json describe() const;

  // Near and far halves of the content at every size a score reads them.
  struct Regions {
    TapRegions taps;
    RegionMasks image;
    RegionMasks grid;
  };
  // The size an image of `image_size` is scored at (scores.side).
  cv::Size scoring_size(cv::Size image_size) const;

  // What every output of one content at one size is compared with, at the scoring size.
  struct Content {
    cv::Size size;  // the scoring size (the content's own size without scores.side)
    ContentTaps taps;
    DepthPrediction depth;
    std::vector<DiwPair> pairs;
    cv::Size grid_size;
    std::map<std::string, Regions> regions;  // by depth source
  };

  // `rgb`: the sized content as saved at `picture` (relative to the run folder; CV_32FC3); `taps`: all score taps of
  // the sized content (used when the scoring size is the content's; else the shrunk content is encoded once here and
  // `taps` may be empty); `proximity`: per depth source, the sized content's proximity (bigger = nearer, NaN unknown).
  Content prepare_content(const std::string& name, int content_size, const cv::Mat& rgb, const std::string& picture,
                          const std::vector<at::Tensor>& taps, const std::map<std::string, cv::Mat>& proximity);

  // The style statistics the style distance compares with, of a style image `rgb` (CV_32FC3) whose score taps are
  // `taps`: from those taps when the scoring size is the image's, else from one pass over the shrunk image (`taps` may
  // then be empty).
  StyleStatistics style_statistics_of(const cv::Mat& rgb, const std::vector<at::Tensor>& taps);

  // The score fields of an output's row (keys of grid_score_columns). `output`: the saved output read back (CV_32FC3,
  // the content's size; shrunk to the scoring size here; Error for another size); `picture` its path relative to the
  // run folder; `style` null for style groups of several images; `regions_depth` "" for no near/far split.
  nlohmann::json score(const cv::Mat& output, const std::string& picture, const Content& content,
                       const StyleStatistics* style, const std::string& regions_depth);

 private:
  GridScoreOptions options_;
  ScoreNetwork network_;
  std::unique_ptr<DepthEstimator> estimator_;
  std::uint64_t pair_seed_ = 0;
};

}  // namespace depthstyle
