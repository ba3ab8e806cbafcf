// How a depth network's input is made from an image and how its output is brought back: a declared spec, named
// presets that reproduce the public reference code, and the YAML keys that fill or override them.
//
// The steps, in order (input: RGB float32 in [0,1], HxWx3, see io/image.h):
//   1. resize to the feed size (feed_size() below) with `interpolation` (see depth/resampling.h);
//   2. x = x * value_scale;
//   3. reorder channels to `channels` (rgb or bgr);
//   4. x = (x - mean[c]) / std[c], mean and std given in the MODEL's channel order (one value = every channel);
//   -> HxWx3 float32, turned into 1x3xHxW (NCHW) by the estimator.
// Output: the model's single map (depth or proximity, `meaning`), either resized back to the image's size with
// `output_interpolation` or left at the model's size (callers resize it as they need, e.g. DIW to the original size).
//
// Feed size. `resize`:
//   none           the image's own size;
//   keep_aspect    one scale for both sides: `target` longer/shorter brings that side to `size`, computed as MiDaS
//                  v1's utils.resize_image does, scale = side_ref / size then side / scale; `target` box fits the
//                  image inside width x height, computed as MiDaS' transforms.Resize does (keep_aspect_ratio=True):
//                  scale = min(width / w, height / h) then scale * side (with rounding lower_bound it covers the
//                  box instead, scale = max(...), as MiDaS' resize_method="lower_bound" does; with rounding minimal
//                  it is the one of width / w and height / h nearer 1, height's on a tie, as "minimal" does);
//   ignore_aspect  exactly width x height (`target` must be box).
// The two formulas can differ in the last bit, which matters when a side lands on a multiple: 1388x347 with the
// longer side 384 gives 347 / (1388 / 384) = 96 (rounded up: 96) but (384 / 1388) * 347 = 96.00000000000001 (128).
// Then each side x is rounded to a multiple m of `multiple_of` (1 = no constraint) by `rounding`:
//   up           ceil(x / m) * m                                       (MiDaS v1)
//   down         floor(x / m) * m
//   nearest      round(x / m) * m, ties to even (numpy's np.round)
//   upper_bound  nearest, but floor if that exceeds the box side        (MiDaS v2/v2.1 "upper_bound"; target box)
//   lower_bound  nearest, but ceil if that falls below the box side     (MiDaS "lower_bound"; target box)
//   minimal      nearest, after the scale nearer 1 (see above)           (MiDaS "minimal"; target box)
// A side that rounds to 0 is an error naming the image (e.g. a 2000x30 strip with longer side 384 and multiples of 32).
//
// Presets (preprocessing_preset()), each from the public code it reproduces:
//   midas_v1              MiDaS v1 (2019) run.py + utils.py: cv2 BGR->RGB / 255; resize_image: keep aspect, longer
//                         side 384, sides rounded up to multiples of 32, cv2.INTER_AREA; no mean/std; output
//                         (inverse depth) resized to the input size with cv2.INTER_CUBIC (utils.resize_depth).
//   midas_v2              MiDaS v2 run.py: transforms.Resize(384, 384, keep_aspect_ratio=True,
//                         ensure_multiple_of=32, resize_method="upper_bound", cv2.INTER_CUBIC); NormalizeImage with
//                         ImageNet mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225); output resized with
//                         interpolate(mode="bicubic", align_corners=False) (= cubic here).
//   midas_v21_large       MiDaS v2.1 run.py, model_type "large": the same transform as midas_v2.
//   midas_v21_small       MiDaS v2.1 run.py, model_type "small" (v3.1: midas/model_loader.py "midas_v21_small_256"):
//                         the same transform at 256: Resize(256, 256, keep_aspect_ratio=True, ensure_multiple_of=32,
//                         resize_method="upper_bound", cv2.INTER_CUBIC), ImageNet mean/std, output resized with
//                         interpolate(mode="bicubic", align_corners=False) (= cubic here). A 741x500 image is fed at
//                         256x160.
//   midas_v21_small_onnx  MiDaS v2.1 run_onnx.py, model_type "small" (model-small.onnx): Resize(256, 256,
//                         keep_aspect_ratio=False, ensure_multiple_of=32, "upper_bound", cv2.INTER_CUBIC) = exactly
//                         256x256; RGB in [0,1], no mean/std (inside the graph); output resized with cv2.INTER_CUBIC.
//   midas_v2_large_onnx   the same for the large export (model-f46da743.onnx): 384x384.
//   monodepth2            monodepth2 test_simple.py: PIL convert("RGB"), resize to (feed_width, feed_height) from
//                         encoder.pth ignoring aspect with pil.LANCZOS, ToTensor ([0,1]); the (x - 0.45) / 0.225 is
//                         inside the encoder, so no mean/std here; output: sigmoid disparity resized with
//                         interpolate(mode="bilinear", align_corners=False) (= linear here). The feed size comes from
//                         the model: native models fill it in; a TorchScript/ONNX export needs preprocessing.width
//                         and .height in its entry.
//   dpt_large_384         MiDaS v3.1 run.py, model_type "dpt_large_384" (midas/model_loader.py): Resize(384, 384,
//                         keep_aspect_ratio=True, ensure_multiple_of=32, resize_method="minimal", cv2.INTER_CUBIC);
//                         NormalizeImage mean = std = (0.5, 0.5, 0.5); output resized with interpolate(mode="bicubic",
//                         align_corners=False) (= cubic here). A 741x500 image is fed at 576x384 (384 / 500 is nearer 1
//                         than 384 / 741).
//   dpt_beit_large_512    MiDaS v3.1 run.py, model_type "dpt_beit_large_512": the same at 512 x 512 (a 741x500 image
//                         is fed at 768x512).
//   depth_anything_v2     Depth Anything V2 dpt.py image2tensor / infer_image (input_size 518): cv2 BGR->RGB / 255;
//                         Resize(518, 518, keep_aspect_ratio=True, ensure_multiple_of=14, resize_method="lower_bound",
//                         cv2.INTER_CUBIC): the shorter side becomes >= 518, sides multiples of 14 (a 741x500 image
//                         is fed at 770x518); ImageNet mean/std; output resized to the input's size with
//                         interpolate(mode="bilinear", align_corners=True) (= linear_align_corners here).
//   depth_anything_v1     Depth Anything V1 run.py: the same Resize, NormalizeImage and PrepareForNet (its
//                         util/transform.py differs from V2's in formatting and unused functions only); the map
//                         resized back with interpolate(mode="bilinear", align_corners=False) (= linear here).
// Every preset's output meaning is proximity (MiDaS: relative inverse depth; monodepth2: disparity; Depth Anything:
// relative inverse depth).
// The reference code resizes float64 arrays (cv2 on img / 255.0); here they are float32, so feeds differ from it by
// float rounding (~1e-7 relative), never by a rule.
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "depth/depth_prediction.h"
#include "depth/resampling.h"

namespace depthstyle {

class Schema;

enum class ResizeMode { kNone, kKeepAspect, kIgnoreAspect };
enum class ResizeTarget { kLonger, kShorter, kBox };
enum class SizeRounding { kUp, kDown, kNearest, kUpperBound, kLowerBound, kMinimal };
enum class ChannelOrder { kRgb, kBgr };
enum class OutputSize { kInput, kModel };

struct PreprocessingSpec {
  ResizeMode resize = ResizeMode::kNone;
  ResizeTarget target = ResizeTarget::kLonger;
  int size = 0;   // target of the longer/shorter side, pixels
  int width = 0;  // box, pixels; 0 = not known yet (monodepth2: from the model)
  int height = 0;
  int multiple_of = 1;  // >= 1
  SizeRounding rounding = SizeRounding::kNearest;
  Interpolation interpolation = Interpolation::kCubic;
  double value_scale = 1.0;          // [0,1] input times this
  std::vector<double> mean = {0.0};  // 1 or 3 values, model channel order
  std::vector<double> std = {1.0};   // 1 or 3 values, each > 0
  ChannelOrder channels = ChannelOrder::kRgb;
  DepthMeaning meaning = DepthMeaning::kProximity;
  OutputSize output_size = OutputSize::kInput;
  Interpolation output_interpolation = Interpolation::kCubic;
};

const std::vector<std::string>& preprocessing_preset_names();
// Throws UsageError naming the preset and listing the known ones.
PreprocessingSpec preprocessing_preset(const std::string& name);

// The feed size for an image of `image_size`. Throws InputError starting with `source` (the image) when a side
// would be 0, and UsageError when the spec's box is still unknown (width or height 0).
cv::Size feed_size(const PreprocessingSpec& spec, cv::Size image_size, std::string_view source);

// Steps 1-4: CV_32FC3 RGB [0,1] -> CV_32FC3 at the feed size, normalised, in the model's channel order.
cv::Mat prepare_input(const PreprocessingSpec& spec, const cv::Mat& rgb, std::string_view source);

// The model's map (CV_32FC1, at the model's resolution) -> the prediction, resized to `image_size` or left as is.
DepthPrediction finish_output(const PreprocessingSpec& spec, const cv::Mat& model_map, cv::Size image_size);

// Every field, by its YAML key, for run manifests.
nlohmann::json describe(const PreprocessingSpec& spec);

// The YAML keys of an estimator entry that fill a spec. Empty / zero values mean "take the preset's" (or the default
// above when there is no preset), so an entry names a preset and overrides only what differs.
struct PreprocessingSettings {
  std::string resize;  // none | keep_aspect | ignore_aspect
  std::string target;  // longer | shorter | box
  int size = 0;
  int width = 0;
  int height = 0;
  int multiple_of = 0;
  std::string rounding;       // up | down | nearest | upper_bound | lower_bound | minimal
  std::string interpolation;  // nearest | linear | cubic | area | lanczos
  double value_scale = 0;
  std::vector<double> mean;
  std::vector<double> std;
  std::string channels;     // rgb | bgr
  std::string output_size;  // input | model
  std::string output_interpolation;

  // The keys (relative to the settings' prefix) set away from "take the preset's", in declaration order.
  std::vector<std::string> keys_set() const;
};

// Declares the keys under `prefix` (e.g. "preprocessing.").
void declare_preprocessing(Schema& schema, PreprocessingSettings& settings, const std::string& prefix);

// The preset (or the defaults when `preset` is empty), then every setting that is set, then `meaning` if not empty.
// Checks the result and throws UsageError starting with `context` (e.g. "depth estimator 'midas'") naming the key.
PreprocessingSpec resolve_preprocessing(const std::string& preset, const PreprocessingSettings& settings,
                                        const std::string& meaning, const std::string& context);

}  // namespace depthstyle
