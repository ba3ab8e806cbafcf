#include "depth/preprocessing.h"

#include <algorithm>
#include <cmath>

#include "config/schema.h"
#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

const std::vector<std::string> kResizeNames = {"none", "keep_aspect", "ignore_aspect"};
const std::vector<std::string> kTargetNames = {"longer", "shorter", "box"};
const std::vector<std::string> kRoundingNames = {"up", "down", "nearest", "upper_bound", "lower_bound", "minimal"};
const std::vector<std::string> kChannelNames = {"rgb", "bgr"};
const std::vector<std::string> kOutputSizeNames = {"input", "model"};

template <typename Enum>
const std::string& name_of(const std::vector<std::string>& names, Enum value) {
  return names[static_cast<std::size_t>(value)];
}

// `value` is one of `names` (the schema checked it); "" keeps `current`.
template <typename Enum>
void override_choice(const std::vector<std::string>& names, const std::string& value, Enum& current) {
  if (value.empty()) return;
  const auto found = std::find(names.begin(), names.end(), value);
  DEPTHSTYLE_ASSERT(found != names.end());
  current = static_cast<Enum>(found - names.begin());
}

const std::vector<double> kImageNetMean = {0.485, 0.456, 0.406};
const std::vector<double> kImageNetStd = {0.229, 0.224, 0.225};

PreprocessingSpec midas_v1() {
  PreprocessingSpec spec;
  spec.resize = ResizeMode::kKeepAspect;
  spec.target = ResizeTarget::kLonger;
  spec.size = 384;
  spec.multiple_of = 32;
  spec.rounding = SizeRounding::kUp;
  spec.interpolation = Interpolation::kArea;
  spec.output_interpolation = Interpolation::kCubic;
  return spec;
}

PreprocessingSpec midas_v2(int side) {
  PreprocessingSpec spec;
  spec.resize = ResizeMode::kKeepAspect;
  spec.target = ResizeTarget::kBox;
  spec.width = spec.height = side;
  spec.multiple_of = 32;
  spec.rounding = SizeRounding::kUpperBound;
  spec.interpolation = Interpolation::kCubic;
  spec.mean = kImageNetMean;
  spec.std = kImageNetStd;
  spec.output_interpolation = Interpolation::kCubic;
  return spec;
}

PreprocessingSpec midas_onnx(int side) {
  PreprocessingSpec spec;
  spec.resize = ResizeMode::kIgnoreAspect;
  spec.target = ResizeTarget::kBox;
  spec.width = spec.height = side;
  spec.multiple_of = 32;
  spec.rounding = SizeRounding::kUpperBound;
  spec.interpolation = Interpolation::kCubic;
  spec.output_interpolation = Interpolation::kCubic;
  return spec;
}

// generation 1 or 2: they differ in the map's resize back only.
PreprocessingSpec depth_anything(int generation) {
  PreprocessingSpec spec;
  spec.resize = ResizeMode::kKeepAspect;
  spec.target = ResizeTarget::kBox;
  spec.width = spec.height = 518;
  spec.multiple_of = 14;
  spec.rounding = SizeRounding::kLowerBound;
  spec.interpolation = Interpolation::kCubic;
  spec.mean = kImageNetMean;
  spec.std = kImageNetStd;
  spec.output_interpolation = generation == 1 ? Interpolation::kLinear : Interpolation::kLinearAlignCorners;
  return spec;
}

// MiDaS v3.1 run.py's DPT presets differ in the box side only (dpt_large_384, dpt_beit_large_512).
PreprocessingSpec dpt(int side) {
  PreprocessingSpec spec;
  spec.resize = ResizeMode::kKeepAspect;
  spec.target = ResizeTarget::kBox;
  spec.width = spec.height = side;
  spec.multiple_of = 32;
  spec.rounding = SizeRounding::kMinimal;
  spec.interpolation = Interpolation::kCubic;
  spec.mean = {0.5};
  spec.std = {0.5};
  spec.output_interpolation = Interpolation::kCubic;
  return spec;
}

PreprocessingSpec monodepth2() {
  PreprocessingSpec spec;
  spec.resize = ResizeMode::kIgnoreAspect;
  spec.target = ResizeTarget::kBox;  // width x height from the model's encoder.pth
  spec.interpolation = Interpolation::kLanczos;
  spec.output_interpolation = Interpolation::kLinear;
  return spec;
}

struct Preset {
  std::string name;
  PreprocessingSpec spec;
};

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {
      {"midas_v1", midas_v1()},
      {"midas_v2", midas_v2(384)},
      {"midas_v21_large", midas_v2(384)},
      {"midas_v21_small", midas_v2(256)},
      {"midas_v21_small_onnx", midas_onnx(256)},
      {"midas_v2_large_onnx", midas_onnx(384)},
      {"monodepth2", monodepth2()},
      {"dpt_large_384", dpt(384)},
      {"dpt_beit_large_512", dpt(512)},
      {"depth_anything_v2", depth_anything(2)},
      {"depth_anything_v1", depth_anything(1)},
  };
  return all;
}

// One side after rounding to a multiple; `bound` is the box side for upper_bound / lower_bound.
int round_side(double scaled, int multiple, SizeRounding rounding, int bound) {
  const double units = scaled / multiple;
  const auto times = [multiple](double count) { return static_cast<int>(count) * multiple; };
  switch (rounding) {
    case SizeRounding::kUp:
      return times(std::ceil(units));
    case SizeRounding::kDown:
      return times(std::floor(units));
    case SizeRounding::kNearest:
    case SizeRounding::kMinimal:  // the scale was chosen before (feed_size)
      return times(std::nearbyint(units));  // the default rounding mode: ties to even, as np.round
    case SizeRounding::kUpperBound: {
      const int nearest = times(std::nearbyint(units));
      return nearest > bound ? times(std::floor(units)) : nearest;
    }
    case SizeRounding::kLowerBound: {
      const int nearest = times(std::nearbyint(units));
      return nearest < bound ? times(std::ceil(units)) : nearest;
    }
  }
  DEPTHSTYLE_ASSERT(false);
}

std::string format_values(const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (double value : values) parts.push_back(format_number(value));
  return "[" + join(parts, ", ") + "]";
}

}  // namespace

const std::vector<std::string>& preprocessing_preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const Preset& preset : presets()) list.push_back(preset.name);
    return list;
  }();
  return names;
}

PreprocessingSpec preprocessing_preset(const std::string& name) {
  for (const Preset& preset : presets()) {
    if (preset.name == name) return preset.spec;
  }
  throw UsageError(concat("unknown preprocessing preset '", name, "'", did_you_mean(name, preprocessing_preset_names()),
                          "; expected one of ", join(preprocessing_preset_names(), ", ")));
}

cv::Size feed_size(const PreprocessingSpec& spec, cv::Size image_size, std::string_view source) {
  const double width = image_size.width;
  const double height = image_size.height;
  double scaled_width = width;
  double scaled_height = height;
  if (spec.target == ResizeTarget::kBox && spec.resize != ResizeMode::kNone && (spec.width <= 0 || spec.height <= 0)) {
    throw UsageError(
        "the preprocessing box (preprocessing.width x preprocessing.height) is not set; presets such as "
        "monodepth2 take it from the model");
  }
  if (spec.resize == ResizeMode::kKeepAspect && spec.target != ResizeTarget::kBox) {
    const double reference = spec.target == ResizeTarget::kLonger ? std::max(width, height) : std::min(width, height);
    const double scale = reference / spec.size;
    scaled_width = width / scale;
    scaled_height = height / scale;
  } else if (spec.resize == ResizeMode::kKeepAspect) {
    // MiDaS' resize_method picks the scale and the rounding together: lower_bound covers the box, the others fit
    // inside it.
    const double scale_width = spec.width / width;
    const double scale_height = spec.height / height;
    double scale = spec.rounding == SizeRounding::kLowerBound ? std::max(scale_width, scale_height)
                                                              : std::min(scale_width, scale_height);
    if (spec.rounding == SizeRounding::kMinimal) {  // "scale as least as possible": width's only if strictly nearer
      scale = std::abs(1.0 - scale_width) < std::abs(1.0 - scale_height) ? scale_width : scale_height;
    }
    scaled_width = scale * width;
    scaled_height = scale * height;
  } else if (spec.resize == ResizeMode::kIgnoreAspect) {
    scaled_width = spec.width;
    scaled_height = spec.height;
  }
  const cv::Size size(round_side(scaled_width, spec.multiple_of, spec.rounding, spec.width),
                      round_side(scaled_height, spec.multiple_of, spec.rounding, spec.height));
  if (size.width <= 0 || size.height <= 0) {
    throw InputError(concat(source, ": an image of ", image_size.width, "x", image_size.height,
                            " gives an empty feed size of ", size.width, "x", size.height, " (resize ",
                            name_of(kResizeNames, spec.resize), ", multiples of ", spec.multiple_of, ", rounding ",
                            name_of(kRoundingNames, spec.rounding), ")"));
  }
  return size;
}

cv::Mat prepare_input(const PreprocessingSpec& spec, const cv::Mat& rgb, std::string_view source) {
  DEPTHSTYLE_ASSERT(rgb.type() == CV_32FC3);
  const cv::Size size = feed_size(spec, rgb.size(), source);
  cv::Mat resized = resample(rgb, size, spec.interpolation);
  const auto channel_value = [](const std::vector<double>& values, int channel) {
    return values.size() == 1 ? values[0] : values[static_cast<std::size_t>(channel)];
  };
  // x * scale then (x - mean) / std, folded into one multiply-add per channel.
  double gain[3];
  double offset[3];
  for (int c = 0; c < 3; ++c) {
    gain[c] = spec.value_scale / channel_value(spec.std, c);
    offset[c] = -channel_value(spec.mean, c) / channel_value(spec.std, c);
  }
  const bool swap = spec.channels == ChannelOrder::kBgr;
  cv::Mat out(size, CV_32FC3);
  for (int row = 0; row < size.height; ++row) {
    const float* in = resized.ptr<float>(row);
    float* result = out.ptr<float>(row);
    for (int col = 0; col < size.width; ++col) {
      for (int c = 0; c < 3; ++c) {
        const float value = in[col * 3 + (swap ? 2 - c : c)];
        result[col * 3 + c] = static_cast<float>(value * gain[c] + offset[c]);
      }
    }
  }
  return out;
}

DepthPrediction finish_output(const PreprocessingSpec& spec, const cv::Mat& model_map, cv::Size image_size) {
  DEPTHSTYLE_ASSERT(model_map.type() == CV_32FC1);
  if (spec.output_size == OutputSize::kModel) return {model_map, spec.meaning};
  return {resample(model_map, image_size, spec.output_interpolation), spec.meaning};
}

nlohmann::json describe(const PreprocessingSpec& spec) {
  return {
      {"resize", name_of(kResizeNames, spec.resize)},
      {"target", name_of(kTargetNames, spec.target)},
      {"size", spec.size},
      {"width", spec.width},
      {"height", spec.height},
      {"multiple_of", spec.multiple_of},
      {"rounding", name_of(kRoundingNames, spec.rounding)},
      {"interpolation", to_string(spec.interpolation)},
      {"value_scale", spec.value_scale},
      {"mean", spec.mean},
      {"std", spec.std},
      {"channels", name_of(kChannelNames, spec.channels)},
      {"meaning", to_string(spec.meaning)},
      {"output_size", name_of(kOutputSizeNames, spec.output_size)},
      {"output_interpolation", to_string(spec.output_interpolation)},
  };
}

std::vector<std::string> PreprocessingSettings::keys_set() const {
  std::vector<std::string> keys;
  const auto note = [&keys](bool set, const char* key) {
    if (set) keys.push_back(key);
  };
  note(!resize.empty(), "resize");
  note(!target.empty(), "target");
  note(size != 0, "size");
  note(width != 0, "width");
  note(height != 0, "height");
  note(multiple_of != 0, "multiple_of");
  note(!rounding.empty(), "rounding");
  note(!interpolation.empty(), "interpolation");
  note(value_scale != 0, "value_scale");
  note(!mean.empty(), "mean");
  note(!std.empty(), "std");
  note(!channels.empty(), "channels");
  note(!output_size.empty(), "output_size");
  note(!output_interpolation.empty(), "output_interpolation");
  return keys;
}

void declare_preprocessing(Schema& schema, PreprocessingSettings& settings, const std::string& prefix) {
  const std::string from_preset = " ('' or 0 = the preset's)";
  schema
      .add(prefix + "resize", &settings.resize,
           "none (image size), keep_aspect (one scale), ignore_aspect (exactly width x height)" + from_preset)
      .one_of(kResizeNames);
  schema
      .add(prefix + "target", &settings.target,
           "what reaches the target: the longer or shorter side (to size) or the box width x height" + from_preset)
      .one_of(kTargetNames);
  schema.add(prefix + "size", &settings.size, "pixels of the longer/shorter side" + from_preset).at_least(0);
  schema.add(prefix + "width", &settings.width, "box width, pixels" + from_preset).at_least(0);
  schema.add(prefix + "height", &settings.height, "box height, pixels" + from_preset).at_least(0);
  schema.add(prefix + "multiple_of", &settings.multiple_of, "each side a multiple of this (1 = any)" + from_preset)
      .at_least(0);
  schema
      .add(prefix + "rounding", &settings.rounding,
           "to the multiple: up, down, nearest, or MiDaS' upper_bound/lower_bound/minimal against the box" + from_preset)
      .one_of(kRoundingNames);
  schema
      .add(prefix + "interpolation", &settings.interpolation,
           "input resize; lanczos = Pillow's (monodepth2), the others OpenCV's" + from_preset)
      .one_of(interpolation_names());
  schema
      .add(prefix + "value_scale", &settings.value_scale, "RGB [0,1] times this (255 for 0..255 models)" + from_preset)
      .at_least(0);
  schema.add(prefix + "mean", &settings.mean,
             "subtracted after scaling; 1 or 3 values, model channel order" + from_preset);
  schema.add(prefix + "std", &settings.std,
             "divides after the mean; 1 or 3 values > 0, model channel order" + from_preset);
  schema.add(prefix + "channels", &settings.channels, "channel order the model takes" + from_preset)
      .one_of(kChannelNames);
  schema
      .add(prefix + "output_size", &settings.output_size,
           "input: resize the map to the image's size; model: leave it at the model's" + from_preset)
      .one_of(kOutputSizeNames);
  schema
      .add(prefix + "output_interpolation", &settings.output_interpolation,
           "resize of the output map back to the image" + from_preset)
      .one_of(interpolation_names());
}

PreprocessingSpec resolve_preprocessing(const std::string& preset, const PreprocessingSettings& settings,
                                        const std::string& meaning, const std::string& context) {
  PreprocessingSpec spec;
  try {
    if (!preset.empty()) spec = preprocessing_preset(preset);
    if (!meaning.empty()) spec.meaning = depth_meaning_from_string(meaning);
  } catch (const UsageError& error) {
    throw UsageError(concat(context, ": ", error.what()));
  }
  override_choice(kResizeNames, settings.resize, spec.resize);
  override_choice(kTargetNames, settings.target, spec.target);
  if (settings.size != 0) spec.size = settings.size;
  if (settings.width != 0) spec.width = settings.width;
  if (settings.height != 0) spec.height = settings.height;
  if (settings.multiple_of != 0) spec.multiple_of = settings.multiple_of;
  override_choice(kRoundingNames, settings.rounding, spec.rounding);
  if (!settings.interpolation.empty()) spec.interpolation = interpolation_from_string(settings.interpolation);
  if (settings.value_scale != 0) spec.value_scale = settings.value_scale;
  if (!settings.mean.empty()) spec.mean = settings.mean;
  if (!settings.std.empty()) spec.std = settings.std;
  override_choice(kChannelNames, settings.channels, spec.channels);
  override_choice(kOutputSizeNames, settings.output_size, spec.output_size);
  if (!settings.output_interpolation.empty()) {
    spec.output_interpolation = interpolation_from_string(settings.output_interpolation);
  }

  const auto fail = [&context](const std::string& message) { throw UsageError(concat(context, ": ", message)); };
  const bool box = spec.target == ResizeTarget::kBox;
  if (spec.resize == ResizeMode::kKeepAspect && !box && spec.size <= 0) {
    fail(concat("preprocessing.size must be set (> 0) to bring the ", name_of(kTargetNames, spec.target),
                " side to it"));
  }
  if (spec.resize == ResizeMode::kIgnoreAspect && !box) {
    fail(concat("preprocessing.resize ignore_aspect needs preprocessing.target box (width x height), not ",
                name_of(kTargetNames, spec.target)));
  }
  if ((spec.rounding == SizeRounding::kUpperBound || spec.rounding == SizeRounding::kLowerBound ||
       spec.rounding == SizeRounding::kMinimal) &&
      (spec.resize == ResizeMode::kNone || !box)) {
    fail(concat("preprocessing.rounding ", name_of(kRoundingNames, spec.rounding),
                " compares each side with the box: it needs preprocessing.target box and a resize"));
  }
  for (const auto& [key, values] : {std::pair{"mean", &spec.mean}, std::pair{"std", &spec.std}}) {
    if (values->size() != 1 && values->size() != 3) {
      fail(
          concat("preprocessing.", key, " must have 1 or 3 values, got ", values->size(), " ", format_values(*values)));
    }
  }
  for (double value : spec.std) {
    if (!(value > 0)) fail(concat("preprocessing.std values must be > 0, got ", format_values(spec.std)));
  }
  return spec;
}

}  // namespace depthstyle
