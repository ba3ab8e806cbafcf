#include "stylize/stylize_session.h"

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/text.h"
#include "style/pair_stylization.h"
#include "style/style_mix.h"
#include "stylize/video_io.h"
#include "tensor/tensor_image.h"

namespace depthstyle {

struct StylizeSession::EncodedContent {
  std::filesystem::path path;
  SizedImage sized;
  Features features;
  std::vector<cv::Mat> centred;  // Algorithm 1 steps 3-5 per level; empty when the setting needs no depth
  std::exception_ptr error;      // set when the content could not be prepared
};

struct StylizeSession::EncodedStyle {
  cv::Mat sized;       // RGB in [0,1] at style_sizing
  Features features;   // f(sized); not kept with preserve_color (each content changes the style's colours)
  std::exception_ptr error;
};

namespace {

// The stylized frame brought back to the video's frame size (area when shrinking, bilinear when enlarging: the
// convention of io/image.h resize_to_smaller_side).
cv::Mat resized_to(const cv::Mat& image, cv::Size size) {
  if (image.size() == size) return image;
  const bool shrinking = image.cols > size.width || image.rows > size.height;
  cv::Mat resized;
  cv::resize(image, resized, size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return resized;
}

}  // namespace

StylizeSession::StylizeSession(StylizeSettings settings, std::unique_ptr<Backbone> backbone,
                               std::unique_ptr<DepthEstimator> estimator, std::optional<DepthMapFile> depth_map)
    : settings_(std::move(settings)),
      backbone_(std::move(backbone)),
      estimator_(std::move(estimator)),
      depth_map_(std::move(depth_map)),
      needs_depth_(needs_strength_map(settings_.setting, StyleMixMode::kSingle)) {
  check_blend_setting(settings_.setting, StyleMixMode::kSingle);
  check_temporal_smoothing(settings_.temporal_smoothing, "temporal smoothing");
  DEPTHSTYLE_ASSERT(backbone_ != nullptr);
  if (needs_depth_ && !estimator_ && !depth_map_) {
    throw UsageError(concat(to_string(settings_.setting.method), " needs the content's depth: a depth map or a depth "
                                                                 "estimator"));
  }
}

StylizeSession::~StylizeSession() = default;

StylizeSession::EncodedContent StylizeSession::encode_content(const Image& image, const std::filesystem::path& path) {
  EncodedContent content;
  content.path = path;
  content.sized = size_image(image, settings_.content_sizing);
  content.features = backbone_->encode(tensor_from_image(content.sized.rgb));
  if (needs_depth_) {
    const DepthPrediction depth =
        depth_map_ ? read_depth_map_file(*depth_map_) : estimate_depth(*estimator_, path, image);
    content.centred =
        centred_proximity_levels(proximity_of_sized_content(depth, content.sized), content.features);
  }
  return content;
}

const StylizeSession::EncodedContent& StylizeSession::cached_content(const std::filesystem::path& path) {
  if (content_ && content_->path == path) {
    if (content_->error) std::rethrow_exception(content_->error);
    return *content_;
  }
  content_.reset();
  try {
    content_ = std::make_unique<EncodedContent>(encode_content(load_image(path), path));
  } catch (const Interrupted&) {
    throw;
  } catch (...) {
    content_ = std::make_unique<EncodedContent>();
    content_->path = path;
    content_->error = std::current_exception();
    throw;
  }
  return *content_;
}

const Features& StylizeSession::style_features(const std::filesystem::path& path, const cv::Mat& sized_content) {
  std::unique_ptr<EncodedStyle>& style = styles_[path];
  if (!style) {
    style = std::make_unique<EncodedStyle>();
    try {
      style->sized = size_image(load_image(path), settings_.style_sizing).rgb;
      if (!settings_.preserve_color) style->features = backbone_->encode(tensor_from_image(style->sized));
    } catch (const Interrupted&) {
      styles_.erase(path);
      throw;
    } catch (...) {
      style->error = std::current_exception();
    }
  }
  if (style->error) std::rethrow_exception(style->error);
  if (!settings_.preserve_color) return style->features;
  // Already sized: prepare_style_image only matches the colours (smaller side 0 keeps the size).
  const cv::Mat matched = prepare_style_image({style->sized, {}}, {0, false}, sized_content, true, path.string());
  color_matched_style_ = backbone_->encode(tensor_from_image(matched));
  return color_matched_style_;
}

Rendering StylizeSession::render(const EncodedContent& content, const std::vector<cv::Mat>& centred,
                                 const std::filesystem::path& style) {
  const Features& style_features_of_pair = style_features(style, content.sized.rgb);
  const StyleTargets targets = prepare_style_targets(content.features, {&style_features_of_pair}, StyleMix{});
  return render_stylization(*backbone_, content.features, targets, settings_.setting, centred,
                            content.sized.rgb.size());
}

void StylizeSession::stylize_image(const std::filesystem::path& content, const std::filesystem::path& style,
                                   const std::filesystem::path& output) {
  const EncodedContent& encoded = cached_content(content);
  const Rendering rendering = render(encoded, encoded.centred, style);
  save_stylized_image(output, rendering.image, encoded.sized, settings_.jpeg_quality);
}

std::size_t StylizeSession::stylize_video(const std::filesystem::path& content, const std::filesystem::path& style,
                                          const std::filesystem::path& output, const FrameObserver& on_frame) {
  if (depth_map_) {
    throw UsageError(concat(content.string(), ": a depth map is the depth of one picture; a video needs a depth "
                                              "estimator"));
  }
  VideoReader reader(content);
  const VideoInfo& info = reader.info();
  VideoWriter writer(output, info.size, info.fps);
  CentredProximitySmoother smoother(settings_.temporal_smoothing);
  Image frame;
  while (reader.read(frame)) {
    throw_if_interrupted();
    const EncodedContent encoded = encode_content(frame, content);
    const std::vector<cv::Mat>& centred = needs_depth_ ? smoother.smooth(encoded.centred) : encoded.centred;
    const Rendering rendering = render(encoded, centred, style);
    writer.write(resized_to(image_from_tensor(rendering.image), info.size));
    if (on_frame) on_frame(rendering);
  }
  if (writer.frames_written() == 0) {
    throw InputError(concat(content.string(), ": no frame of the video could be decoded"));
  }
  if (info.frame_count != 0 && writer.frames_written() != info.frame_count) {
    log_warning(content.string(), ": decoded ", writer.frames_written(), " frames, the container states ",
                info.frame_count, " (a damaged or variable-rate video?)");
  }
  writer.commit();
  return writer.frames_written();
}

}  // namespace depthstyle
