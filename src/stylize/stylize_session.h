// The models of one `depthstyle stylize` batch, loaded once, and the work they share between pairs
// (docs/conventions.md#expensive-work-outermost):
//
//   once per batch     the backbone and the depth estimator (their weight files are read once)
//   once per style     its image, sized, and f(s) = backbone.encode(style); kept for the whole batch (with
//                      preserve_color the style takes each content's colours, so it is prepared per content)
//   once per content   its image, sized, f(c), its depth and Algorithm 1 steps 3-5; kept while the next pairs have
//                      the same content (a batch runs content by content)
//   per pair           AdaIN, the strength map's steps 6-7, the blend and the decoder (style/render.h)
// A video is a content whose frames each go through the per-content and per-pair steps, with the strength map
// smoothed over time (stylize/temporal_smoothing.h).
//
// Conventions: the blend setting's content_weight is the PAPER's alpha (style/render.h); images are RGB float in
// [0,1] (io/image.h); an output image is PNG or JPEG by its extension, written atomically, keeping the content's
// alpha in a PNG (style/pair_stylization.h save_stylized_image); an output video has the input's frame size and
// frame rate: frames are stylized at content_sizing and resized back (area when shrinking, bilinear when
// enlarging), as the public AdaIN port's test_video.py does.
#pragma once

#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "depth/depth_estimator.h"
#include "io/image.h"
#include "style/backbone.h"
#include "style/depth_source.h"
#include "style/image_sizing.h"
#include "style/render.h"
#include "stylize/temporal_smoothing.h"

namespace depthstyle {

struct StylizeSettings {
  BlendSetting setting;  // method (default da-adain), content weight, beta and eps
  ImageSizing content_sizing;
  ImageSizing style_sizing;
  bool preserve_color = false;
  int jpeg_quality = ImageSaveOptions{}.jpeg_quality;
  double temporal_smoothing = kDefaultTemporalSmoothing;
};

class StylizeSession {
 public:
  // `estimator`: required when the setting needs depth and `depth_map` is not given (then null). `depth_map`: the
  // precomputed depth of the batch's single content image.
  StylizeSession(StylizeSettings settings, std::unique_ptr<Backbone> backbone,
                 std::unique_ptr<DepthEstimator> estimator, std::optional<DepthMapFile> depth_map);
  ~StylizeSession();

  // One content image with one style, written to `output`. Throws (InputError naming the file for a bad input);
  // the same bad content or style throws the same error again without being read again.
  void stylize_image(const std::filesystem::path& content, const std::filesystem::path& style,
                     const std::filesystem::path& output);

  // One video with one style, frame by frame into `output` (stylize/video_io.h). `on_frame` runs after each frame is
  // written, with that frame's rendering (its strength map per level when the setting has one). Returns the number
  // of frames written; a video of which no frame decodes is an InputError and writes nothing.
  using FrameObserver = std::function<void(const Rendering&)>;
  std::size_t stylize_video(const std::filesystem::path& content, const std::filesystem::path& style,
                            const std::filesystem::path& output, const FrameObserver& on_frame = {});

 private:
  struct EncodedContent;
  struct EncodedStyle;

  // The sized content, its features and (when the setting needs depth) its centred proximity levels; `path` is
  // where the image came from (the estimator's key, and what errors name).
  EncodedContent encode_content(const Image& image, const std::filesystem::path& path);
  const EncodedContent& cached_content(const std::filesystem::path& content);
  // f(s) of a style for this content (`sized_content`: RGB of the sized content, for preserve_color).
  const Features& style_features(const std::filesystem::path& style, const cv::Mat& sized_content);
  Rendering render(const EncodedContent& content, const std::vector<cv::Mat>& centred,
                   const std::filesystem::path& style);

  StylizeSettings settings_;
  std::unique_ptr<Backbone> backbone_;
  std::unique_ptr<DepthEstimator> estimator_;
  std::optional<DepthMapFile> depth_map_;
  bool needs_depth_;
  std::unique_ptr<EncodedContent> content_;  // the last content image
  std::map<std::filesystem::path, std::unique_ptr<EncodedStyle>> styles_;
  Features color_matched_style_;  // preserve_color: the style matched to the current content
};

}  // namespace depthstyle
