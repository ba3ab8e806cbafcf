// Temporal smoothing of DA-AdaIN's strength map over the frames of a video.
//
// A depth estimator run frame by frame jumps: noise, and relative-depth models (MiDaS) that fix scale and shift per
// frame. Through Algorithm 1's steep sigmoid (beta 20) a small jump of a cell's proximity around the mean becomes a
// large jump of P, and the picture flickers between "kept" and "stylised". What is smoothed is Algorithm 1's centred
// proximity (steps 3-5, per feature level, style/strength_map.h), with an exponential moving average:
//
//   s_0 = c_0,   s_t = w s_{t-1} + (1 - w) c_t        w = --temporal-smoothing in [0, kMaxTemporalSmoothing]
//
// - after steps 3-5, because they normalise each frame to [0, 1] and centre it: a per-frame scale or shift of the
//   estimate cancels before frames are averaged;
// - before steps 6-7, so beta and eps keep their meaning on the smoothed map;
// - not the output frames: averaging pictures ghosts everything that moves (two half-transparent copies), while the
//   strength map is a smooth weight at feature resolution whose short lag does not blur the picture; every output
//   frame stays the stylization of its own content frame.
// Default w = 0.8: for frame-to-frame noise that is independent between frames the EMA's variance is
// (1 - w) / (1 + w) = 1/9 of the noise's (a third of its spread), and after a scene cut the old depth's weight falls
// below 10% within 11 frames (0.8^11 = 0.086; 0.37 s at 30 fps). w = 0 turns smoothing off (s_t = c_t).
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace depthstyle {

constexpr double kDefaultTemporalSmoothing = 0.8;
// w = 1 would keep the first frame's map forever.
constexpr double kMaxTemporalSmoothing = 0.99;

// Throws UsageError naming `what` (e.g. "stylize: --temporal-smoothing") unless 0 <= w <= kMaxTemporalSmoothing.
void check_temporal_smoothing(double weight, const std::string& what);

class CentredProximitySmoother {
 public:
  explicit CentredProximitySmoother(double weight);
  // Takes one frame's centred proximity levels (CV_32FC1 each, finest first) and returns the smoothed ones (valid
  // until the next call). The first frame, or one whose level sizes differ from the last, starts afresh.
  const std::vector<cv::Mat>& smooth(const std::vector<cv::Mat>& centred);

 private:
  double weight_;
  std::vector<cv::Mat> smoothed_;
};

}  // namespace depthstyle
