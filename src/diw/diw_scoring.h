// Scoring a depth prediction on DIW pairs exactly as the official test script does (princeton-vl/relative_depth,
// src/experiment/test_model_on_DIW.lua, `_evaluate_correctness`):
//   1. the prediction is resized to the original width x height with torch/image's bilinear image.scale
//      (torch_image_scale.h), in double precision;
//   2. z_A and z_B are read at the 1-based (y, x) of the annotation;
//   3. the pair is correct iff (z_A - z_B) * ord > 0 with ord = +1 for '>' (A farther) and -1 for '<', for a DEPTH map.
//      Here the map's meaning comes from the DepthPrediction (farther_order), so a proximity map (inverse depth,
//      disparity) is scored with the sign flipped and no caller chooses the sign.
// A tie (z_A == z_B) is wrong, as in the official script; so is a NaN at either point ("unknown"). Both are counted
// separately so a report can show them. Accuracy = correct / pairs; WHDR (weighted human disagreement rate, with DIW's
// unit weights) = 1 - accuracy.
#pragma once

#include <cstdint>

#include "depth/depth_prediction.h"
#include "diw/diw_dataset.h"

namespace depthstyle {

// The prediction's values at the pair's two points after the official resize to pair.width x pair.height.
struct DiwPointValues {
  double a = 0;
  double b = 0;
};

// Throws InputError if the prediction is empty or not CV_32FC1.
DiwPointValues read_pair_values(const cv::Mat& prediction, const DiwPair& pair);

enum class DiwOutcome {
  kCorrect,
  kWrong,    // the predicted order is the opposite of the annotation
  kTie,      // z_A == z_B: wrong in the official accuracy
  kUnknown,  // NaN at A or B: wrong in the official accuracy
};

DiwOutcome score_pair(DiwRelation relation, DepthMeaning meaning, DiwPointValues values);

// How ties (and unknown values) enter accuracy and WHDR.
enum class TiePolicy {
  kWrong,     // the official rule: over all pairs, a tie is an error
  kSeparate,  // over the decided pairs only; ties and unknowns are reported as their own share
};

struct DiwScore {
  std::int64_t pairs = 0;
  std::int64_t correct = 0;
  std::int64_t wrong = 0;
  std::int64_t ties = 0;
  std::int64_t unknown = 0;
  // Per relation, as the official script prints them ("Greater_than" / "Less_than correct ratio").
  std::int64_t farther_pairs = 0;    // ord '>'
  std::int64_t farther_correct = 0;
  std::int64_t nearer_pairs = 0;     // ord '<'
  std::int64_t nearer_correct = 0;

  void add(DiwRelation relation, DiwOutcome outcome);
  // The pairs the accuracy is taken over under `policy`.
  std::int64_t counted(TiePolicy policy) const { return policy == TiePolicy::kWrong ? pairs : correct + wrong; }
  // NaN when no pair counts.
  double accuracy(TiePolicy policy) const;
  double whdr(TiePolicy policy) const { return 1 - accuracy(policy); }
};

}  // namespace depthstyle
