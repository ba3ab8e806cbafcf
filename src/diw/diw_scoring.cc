#include "diw/diw_scoring.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "diw/torch_image_scale.h"

namespace depthstyle {

DiwPointValues read_pair_values(const cv::Mat& prediction, const DiwPair& pair) {
  if (prediction.empty() || prediction.type() != CV_32FC1) {
    throw InputError(concat("a depth prediction must be a non-empty single-channel float32 map, got ",
                            prediction.empty() ? std::string("an empty map") : concat("OpenCV type ", prediction.type())));
  }
  const cv::Size original(pair.width, pair.height);
  return {torch_image_scale_at(prediction, original, pair.y_a - 1, pair.x_a - 1),
          torch_image_scale_at(prediction, original, pair.y_b - 1, pair.x_b - 1)};
}

DiwOutcome score_pair(DiwRelation relation, DepthMeaning meaning, DiwPointValues values) {
  if (std::isnan(values.a) || std::isnan(values.b)) return DiwOutcome::kUnknown;
  const int order = farther_order(meaning, values.a, values.b);
  if (order == 0) return DiwOutcome::kTie;
  const int annotated = relation == DiwRelation::kAFarther ? 1 : -1;
  return order == annotated ? DiwOutcome::kCorrect : DiwOutcome::kWrong;
}

void DiwScore::add(DiwRelation relation, DiwOutcome outcome) {
  ++pairs;
  const bool is_correct = outcome == DiwOutcome::kCorrect;
  switch (outcome) {
    case DiwOutcome::kCorrect: ++correct; break;
    case DiwOutcome::kWrong: ++wrong; break;
    case DiwOutcome::kTie: ++ties; break;
    case DiwOutcome::kUnknown: ++unknown; break;
  }
  if (relation == DiwRelation::kAFarther) {
    ++farther_pairs;
    farther_correct += is_correct;
  } else {
    ++nearer_pairs;
    nearer_correct += is_correct;
  }
}

double DiwScore::accuracy(TiePolicy policy) const {
  const std::int64_t total = counted(policy);
  if (total == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(correct) / static_cast<double>(total);
}

}  // namespace depthstyle
