#include <cmath>

#include "core/error.h"
#include "depth/preprocessing.h"
#include "depth/resampling.h"
#include "io/depth_map.h"
#include "io/image.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::fixture_path;

struct FeedSizeCase {
  const char* preset;
  cv::Size image;
  cv::Size expected;
  const char* why;
};

// Derived by hand from the reference code quoted in depth/preprocessing.h (and cross-checked against it in numpy).
const FeedSizeCase kPresetFeedSizes[] = {
    // midas_v1: longer side 384; other side h / (w / 384), rounded UP to 32.
    {"midas_v1", {500, 333}, {384, 256}, "333 / 1.302 = 255.7 -> 8 x 32"},
    {"midas_v1", {1282, 1110}, {384, 352}, "1110 / 3.339 = 332.5 -> 11 x 32 (up)"},
    {"midas_v1", {640, 480}, {384, 288}, "480 / 1.667 = 288 exactly -> 9 x 32"},
    {"midas_v1", {1388, 347}, {384, 96}, "347 / (1388 / 384) = 96 exactly -> 3 x 32"},
    {"midas_v1", {333, 500}, {256, 384}, "portrait: the height is the longer side"},
    {"midas_v1", {100, 50}, {384, 192}, "enlarging"},
    {"midas_v1", {741, 500}, {384, 288}, "500 / 1.930 = 259.1 -> 9 x 32 (up)"},
    {"midas_v1", {768, 160}, {384, 96}, "160 / 2 = 80 -> 3 x 32 (up)"},
    {"midas_v1", {2000, 30}, {384, 32}, "30 / 5.208 = 5.76 -> 1 x 32"},
    // midas_v2 / v2.1 large: fit in 384 x 384, (384 / w) * h rounded to the NEAREST 32 (ties to even), floor above 384.
    {"midas_v2", {500, 333}, {384, 256}, "0.768 * 333 = 255.7 -> 8 x 32"},
    {"midas_v2", {1282, 1110}, {384, 320}, "332.5 -> 10 x 32 (nearest, where v1 gives 352)"},
    {"midas_v2", {1388, 347}, {384, 96}, "96.00000000000001 -> 3 x 32"},
    {"midas_v2", {741, 500}, {384, 256}, "259.1 -> 8 x 32 (nearest)"},
    {"midas_v2", {768, 160}, {384, 64}, "80 / 32 = 2.5 -> 2 (tie to even)"},
    {"midas_v2", {768, 224}, {384, 128}, "112 / 32 = 3.5 -> 4 (tie to even)"},
    {"midas_v2", {333, 500}, {256, 384}, "portrait"},
    {"midas_v21_large", {1282, 1110}, {384, 320}, "the same transform as v2"},
    {"midas_v21_large", {640, 480}, {384, 288}, "288 exactly"},
    // ONNX exports: exactly the box, aspect ignored.
    {"midas_v21_small_onnx", {500, 333}, {256, 256}, "ignore aspect"},
    {"midas_v21_small_onnx", {2000, 30}, {256, 256}, "ignore aspect"},
    {"midas_v2_large_onnx", {1282, 1110}, {384, 384}, "ignore aspect"},
    {"midas_v2_large_onnx", {100, 50}, {384, 384}, "ignore aspect, enlarging"},
};

TEST(DepthPreprocessing, PresetFeedSizesFollowTheReferenceRules) {
  for (const FeedSizeCase& test : kPresetFeedSizes) {
    const PreprocessingSpec spec = preprocessing_preset(test.preset);
    EXPECT_EQ(feed_size(spec, test.image, "image"), test.expected)
        << test.preset << " " << test.image << ": " << test.why;
  }
}

TEST(DepthPreprocessing, Monodepth2TakesTheFeedSizeFromTheModel) {
  PreprocessingSpec spec = preprocessing_preset("monodepth2");
  EXPECT_EQ(spec.interpolation, Interpolation::kLanczos);
  EXPECT_EQ(spec.output_interpolation, Interpolation::kLinear);
  EXPECT_THROW_MESSAGE(feed_size(spec, {500, 333}, "image"), UsageError, "preprocessing box");
  spec.width = 640;
  spec.height = 192;
  EXPECT_EQ(feed_size(spec, {500, 333}, "image"), cv::Size(640, 192));
  EXPECT_EQ(feed_size(spec, {1242, 375}, "image"), cv::Size(640, 192));
  spec.width = 1024;
  spec.height = 320;
  EXPECT_EQ(feed_size(spec, {100, 300}, "image"), cv::Size(1024, 320));
}

TEST(DepthPreprocessing, EveryPresetDeclaresProximityAndItsNormalisation) {
  for (const std::string& name : preprocessing_preset_names()) {
    EXPECT_EQ(preprocessing_preset(name).meaning, DepthMeaning::kProximity) << name;
  }
  EXPECT_EQ(preprocessing_preset("midas_v1").mean, std::vector<double>{0.0});
  EXPECT_EQ(preprocessing_preset("midas_v1").interpolation, Interpolation::kArea);
  EXPECT_EQ(preprocessing_preset("midas_v2").mean, (std::vector<double>{0.485, 0.456, 0.406}));
  EXPECT_EQ(preprocessing_preset("midas_v21_large").std, (std::vector<double>{0.229, 0.224, 0.225}));
  EXPECT_EQ(preprocessing_preset("midas_v21_small_onnx").std, std::vector<double>{1.0});
  EXPECT_EQ(preprocessing_preset("monodepth2").value_scale, 1.0);
}

PreprocessingSpec spec_from(const PreprocessingSettings& settings, const std::string& preset = "") {
  return resolve_preprocessing(preset, settings, "", "depth estimator 'test'");
}

TEST(DepthPreprocessing, GenericRulesRoundEachSideAsDeclared) {
  PreprocessingSettings shorter;
  shorter.resize = "keep_aspect";
  shorter.target = "shorter";
  shorter.size = 512;
  EXPECT_EQ(feed_size(spec_from(shorter), {776, 512}, "image"), cv::Size(776, 512));
  EXPECT_EQ(feed_size(spec_from(shorter), {1000, 500}, "image"), cv::Size(1024, 512));
  EXPECT_EQ(feed_size(spec_from(shorter), {333, 500}, "image"), cv::Size(512, 769)) << "500 / (333 / 512) = 768.77";

  PreprocessingSettings down;
  down.resize = "keep_aspect";
  down.size = 300;
  down.multiple_of = 32;
  down.rounding = "down";
  EXPECT_EQ(feed_size(spec_from(down), {500, 333}, "image"), cv::Size(288, 192)) << "300 -> 9, 199.8 -> 6";

  PreprocessingSettings none;
  none.multiple_of = 32;
  none.rounding = "up";
  EXPECT_EQ(feed_size(spec_from(none), {500, 333}, "image"), cv::Size(512, 352));
  EXPECT_EQ(feed_size(spec_from({}), {500, 333}, "image"), cv::Size(500, 333));

  PreprocessingSettings box;
  box.resize = "keep_aspect";
  box.target = "box";
  box.width = box.height = 120;
  box.multiple_of = 32;
  box.rounding = "upper_bound";
  EXPECT_EQ(feed_size(spec_from(box), {120, 60}, "image"), cv::Size(96, 64)) << "120 -> 128 > 120 -> floor 96";
  box.rounding = "lower_bound";
  EXPECT_EQ(feed_size(spec_from(box), {120, 60}, "image"), cv::Size(256, 128)) << "covers the box: scale 2";
  box.rounding = "minimal";
  EXPECT_EQ(feed_size(spec_from(box), {120, 60}, "image"), cv::Size(128, 64)) << "scale 1 (width's), nearest";
  EXPECT_EQ(feed_size(spec_from(box), {200, 100}, "image"), cv::Size(256, 128)) << "1.2 nearer 1 than 0.6: 240x120";
  EXPECT_EQ(feed_size(spec_from(box), {100, 200}, "image"), cv::Size(128, 256)) << "the width's 1.2";
  EXPECT_EQ(feed_size(spec_from(box), {240, 80}, "image"), cv::Size(352, 128)) << "a tie (0.5, 1.5): the height's";
  const PreprocessingSpec dpt = preprocessing_preset("dpt_large_384");  // MiDaS v3.1 run.py's Resize, "minimal"
  EXPECT_EQ(feed_size(dpt, {741, 500}, "image"), cv::Size(576, 384)) << "384 / 500, then 569.1 -> 576";
  EXPECT_EQ(feed_size(dpt, {500, 741}, "image"), cv::Size(384, 576));
  EXPECT_EQ(feed_size(dpt, {1024, 1024}, "image"), cv::Size(384, 384));
  box.rounding = "nearest";
  box.resize = "ignore_aspect";
  box.width = 100;
  box.height = 50;
  EXPECT_EQ(feed_size(spec_from(box), {7, 900}, "image"), cv::Size(96, 64));
}

TEST(DepthPreprocessing, AnEmptyFeedSizeNamesTheImage) {
  EXPECT_THROW_MESSAGE(feed_size(preprocessing_preset("midas_v2"), {2000, 30}, "strip.jpg"), InputError,
                       "strip.jpg: an image of 2000x30 gives an empty feed size of 384x0");
}

TEST(DepthPreprocessing, SettingsOverrideSingleFieldsOfThePreset) {
  PreprocessingSettings settings;
  settings.output_size = "model";
  settings.interpolation = "linear";
  const PreprocessingSpec spec = resolve_preprocessing("midas_v2", settings, "depth", "depth estimator 'test'");
  EXPECT_EQ(spec.output_size, OutputSize::kModel);
  EXPECT_EQ(spec.interpolation, Interpolation::kLinear);
  EXPECT_EQ(spec.meaning, DepthMeaning::kDepth);
  EXPECT_EQ(spec.mean, (std::vector<double>{0.485, 0.456, 0.406}));
  EXPECT_EQ(spec.rounding, SizeRounding::kUpperBound);
  EXPECT_EQ(settings.keys_set(), (std::vector<std::string>{"interpolation", "output_size"}));
  EXPECT_EQ(describe(spec)["rounding"], "upper_bound");
  EXPECT_EQ(describe(spec)["output_size"], "model");
}

TEST(DepthPreprocessing, InconsistentSettingsAreRejectedNamingTheEntryAndKey) {
  const std::string entry = "depth estimator 'test': ";
  PreprocessingSettings settings;
  settings.resize = "ignore_aspect";
  settings.target = "longer";
  EXPECT_THROW_MESSAGE(spec_from(settings), UsageError,
                       entry + "preprocessing.resize ignore_aspect needs preprocessing.target box");
  settings = {};
  settings.resize = "keep_aspect";
  EXPECT_THROW_MESSAGE(spec_from(settings), UsageError, entry + "preprocessing.size must be set (> 0)");
  settings.size = 384;
  settings.rounding = "upper_bound";
  EXPECT_THROW_MESSAGE(spec_from(settings), UsageError, entry + "preprocessing.rounding upper_bound compares");
  settings = {};
  settings.mean = {0.1, 0.2};
  EXPECT_THROW_MESSAGE(spec_from(settings), UsageError,
                       entry + "preprocessing.mean must have 1 or 3 values, got 2 [0.1, 0.2]");
  settings = {};
  settings.std = {1, 0, 1};
  EXPECT_THROW_MESSAGE(spec_from(settings), UsageError, entry + "preprocessing.std values must be > 0");
  EXPECT_THROW_MESSAGE(spec_from({}, "midas_v3"), UsageError,
                       entry + "unknown preprocessing preset 'midas_v3' (did you mean 'midas_v1'?)");
  EXPECT_THROW_MESSAGE(resolve_preprocessing("", {}, "near", "depth estimator 'test'"), UsageError,
                       entry + "unknown depth meaning 'near'");
}

TEST(DepthPreprocessing, InputIsScaledReorderedAndNormalisedInTheModelsChannelOrder) {
  PreprocessingSettings settings;
  settings.value_scale = 255;
  settings.channels = "bgr";
  settings.mean = {100, 110, 120};  // B, G, R
  settings.std = {50};
  const cv::Mat rgb(1, 2, CV_32FC3, cv::Scalar(0.2f, 0.4f, 0.6f));
  const cv::Mat prepared = prepare_input(spec_from(settings), rgb, "image");
  ASSERT_EQ(prepared.size(), cv::Size(2, 1));
  const cv::Vec3f pixel = prepared.at<cv::Vec3f>(0, 1);
  EXPECT_FLOAT_EQ(pixel[0], (0.6f * 255 - 100) / 50);  // B
  EXPECT_FLOAT_EQ(pixel[1], (0.4f * 255 - 110) / 50);  // G
  EXPECT_FLOAT_EQ(pixel[2], (0.2f * 255 - 120) / 50);  // R
}

TEST(DepthPreprocessing, OutputIsResizedBackOrLeftAtTheModelsSize) {
  const cv::Mat map = (cv::Mat_<float>(2, 2) << 1, 2, 3, 4);
  PreprocessingSettings settings;
  settings.output_interpolation = "nearest";
  DepthPrediction back = finish_output(spec_from(settings), map, {4, 4});
  ASSERT_EQ(back.values.size(), cv::Size(4, 4));
  EXPECT_EQ(back.values.at<float>(3, 3), 4.0f);
  EXPECT_EQ(back.meaning, DepthMeaning::kProximity);
  settings.output_size = "model";
  EXPECT_EQ(finish_output(spec_from(settings), map, {4, 4}).values.size(), cv::Size(2, 2));
}

cv::Mat lanczos_reference(int width, int height) {
  const cv::Mat flat = read_depth_map(fixture_path(concat("depth/lanczos_", width, "x", height, ".npy")));
  return flat.reshape(3, height);
}

TEST(DepthResampling, LanczosIsPillowsBitForBit) {
  const cv::Mat image = load_image(fixture_path("depth/input.png")).rgb;
  for (const cv::Size size : {cv::Size(20, 15), cv::Size(45, 37), cv::Size(32, 11), cv::Size(13, 24)}) {
    const cv::Mat ours = resample(image, size, Interpolation::kLanczos);
    cv::Mat ours_bytes;
    ours.convertTo(ours_bytes, CV_8U, 255.0);  // k / 255 in float32 times 255 is k within 2e-5: round it
    ours_bytes.convertTo(ours_bytes, CV_32F);
    EXPECT_EQ(cv::norm(ours_bytes, lanczos_reference(size.width, size.height), cv::NORM_INF), 0.0) << size;
  }
}

TEST(DepthResampling, InterpolationNamesRoundTripAndUnknownOnesSuggest) {
  for (const std::string& name : interpolation_names()) EXPECT_EQ(to_string(interpolation_from_string(name)), name);
  EXPECT_THROW_MESSAGE(interpolation_from_string("bicubic"), UsageError,
                       "unknown interpolation 'bicubic' (did you mean 'cubic'?)");
}

}  // namespace
}  // namespace depthstyle
