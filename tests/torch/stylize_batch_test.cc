// `depthstyle stylize` over files, folders, globs and videos, through the real binary (output names, skip and
// --overwrite, a corrupt file among good ones, a name collision, the default models line, the -o form, videos' size,
// frame rate and frames), and the library beneath it: the default model choice, the reuse of encodings across a
// batch, atomic video outputs, and the temporal smoothing of the strength map on a clip whose depth estimate jumps.
// Clips are made and read back with OpenCV's own VideoWriter/VideoCapture, not with the module under test.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "io/image.h"
#include "style/pyramid_backbone.h"
#include "style/strength_map.h"
#include "stylize/model_choice.h"
#include "stylize/stylize_batch.h"
#include "stylize/stylize_session.h"
#include "stylize/temporal_smoothing.h"
#include "stylize/video_io.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::contains;
using testing::run_cli;

// A picture with structure at every scale: a diagonal colour ramp with seeded noise. RGB float in [0,1].
cv::Mat test_picture(cv::Size size, int seed) {
  cv::Mat rgb(size, CV_32FC3);
  cv::RNG rng(seed);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const float ramp = static_cast<float>(x + y) / static_cast<float>(size.width + size.height);
      rgb.at<cv::Vec3f>(y, x) = cv::Vec3f(ramp, 1 - ramp, 0.5f) * 0.7f +
                                cv::Vec3f(rng.uniform(0.f, 0.3f), rng.uniform(0.f, 0.3f), rng.uniform(0.f, 0.3f));
    }
  }
  return rgb;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Frame i: a dark picture with a bright vertical bar whose left edge is at bar_x(i), so every frame is told apart
// by where its bar is. 8-bit BGR, as cv::VideoWriter takes it.
// The bar moves by more than its width, so a frame lost or out of place puts the brightest column outside the
// expected window.
constexpr int kBarWidth = 4;
int bar_x(int frame) { return 4 + 8 * frame; }
cv::Mat bar_frame(cv::Size size, int frame) {
  cv::Mat bgr(size, CV_8UC3, cv::Scalar(40, 60, 50));
  bgr(cv::Rect(bar_x(frame), 0, kBarWidth, size.height)).setTo(cv::Scalar(230, 230, 230));
  return bgr;
}

// `frames` frames of `size`; frame i is bar_frame(size, bar_of(i)).
void write_clip(const fs::path& path, const char* fourcc, double fps, cv::Size size, int frames,
                const std::function<int(int)>& bar_of = [](int frame) { return frame; }) {
  cv::VideoWriter writer(path.string(), cv::CAP_FFMPEG,
                         cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]), fps, size);
  ASSERT_TRUE(writer.isOpened()) << path;
  for (int i = 0; i < frames; ++i) writer.write(bar_frame(size, bar_of(i)));
}

struct Clip {
  std::vector<cv::Mat> frames;  // 8-bit BGR
  double fps = 0;
  cv::Size size;
};

Clip read_clip(const fs::path& path) {
  cv::VideoCapture capture(path.string(), cv::CAP_FFMPEG);
  Clip clip;
  if (!capture.isOpened()) return clip;
  clip.fps = capture.get(cv::CAP_PROP_FPS);
  clip.size = cv::Size(static_cast<int>(capture.get(cv::CAP_PROP_FRAME_WIDTH)),
                       static_cast<int>(capture.get(cv::CAP_PROP_FRAME_HEIGHT)));
  cv::Mat frame;
  while (capture.read(frame)) clip.frames.push_back(frame.clone());
  return clip;
}

// The column whose mean brightness is largest: where the bar of a frame is.
int brightest_column(const cv::Mat& bgr) {
  cv::Mat gray, columns;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::reduce(gray, columns, 0, cv::REDUCE_AVG, CV_64F);
  cv::Point best;
  cv::minMaxLoc(columns, nullptr, nullptr, nullptr, &best);
  return best.x;
}

class StylizeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    save_image(dir_ / "photos/a.png", test_picture({40, 32}, 1));
    save_image(dir_ / "photos/b.jpg", test_picture({36, 36}, 2));
    save_image(dir_ / "styles/ink.png", test_picture({24, 24}, 3));
    save_image(dir_ / "styles/sun.png", test_picture({30, 20}, 4));
  }
  // Small sizes and a pyramid that fits them: the whole test takes seconds.
  ProcessResult run(std::vector<std::string> arguments) {
    for (const char* option : {"--content-size", "0", "--style-size", "24", "--pyramid-levels", "3"}) {
      arguments.emplace_back(option);
    }
    return run_cli(arguments, dir_.path());
  }
  testing::TempDir dir_;
};

TEST_F(StylizeCli, TheOneLinerWritesThePortsNameWithTheDefaultModels) {
  const ProcessResult result = run_cli({"stylize", "photos/a.png", "styles/ink.png"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "using depth: vertical (default: weight-free: lower in the image = nearer; no "
                                      "depth model in the weights folder)"))
      << result.output;
  EXPECT_TRUE(contains(result.output, "backbone: pyramid (default: weight-free stand-in, not the paper's networks"))
      << result.output;
  // The tests' environment names a weights folder that does not exist (tests/CMakeLists.txt).
  EXPECT_TRUE(contains(result.output, "; weights folder: ")) << result.output;
  EXPECT_TRUE(contains(result.output, "stylize: 1 written, 0 failed")) << result.output;
  EXPECT_EQ(names_in(dir_ / "output"), std::vector<std::string>{"a_stylized_ink.png"});
  // The port's content size: smaller side 512.
  EXPECT_EQ(load_image(dir_ / "output/a_stylized_ink.png").rgb.size(), cv::Size(640, 512));

  // The same models named explicitly, through the one-picture -o form: the same bytes.
  const ProcessResult explicit_models = run_cli({"stylize", "photos/a.png", "styles/ink.png", "-o", "explicit.png",
                                                 "--depth-estimator", "vertical", "--backbone", "pyramid"},
                                                dir_.path());
  ASSERT_EQ(explicit_models.exit_code, 0) << explicit_models.output;
  EXPECT_TRUE(contains(explicit_models.output,
                       "using depth: vertical (--depth-estimator), backbone: pyramid (--backbone)"))
      << explicit_models.output;
  EXPECT_EQ(read_file(dir_ / "explicit.png"), read_file(dir_ / "output/a_stylized_ink.png"));
}

TEST_F(StylizeCli, FoldersAndGlobsWriteEveryCombinationSkipWhatExistsAndListTheCorruptFile) {
  testing::write_text(dir_ / "photos/broken.jpg", "not a picture");
  // The pattern reaches depthstyle unexpanded (no shell), as when it is quoted.
  const ProcessResult first = run({"stylize", "photos", "--style", "styles/*.png"});
  EXPECT_EQ(first.exit_code, 1) << first.output;
  EXPECT_TRUE(contains(first.output, "stylize: 3 content(s) x 2 style(s) = 6 output(s) in output, 6 to write"))
      << first.output;
  EXPECT_TRUE(contains(first.output, "stylize: 4 written, 2 failed:")) << first.output;
  EXPECT_TRUE(contains(first.output, "  photos/broken.jpg x styles/ink.png: photos/broken.jpg")) << first.output;
  EXPECT_TRUE(contains(first.output, "  photos/broken.jpg x styles/sun.png: photos/broken.jpg")) << first.output;
  // Each content keeps its format: a PNG stays PNG, a JPEG stays JPEG.
  const std::vector<std::string> expected = {"a_stylized_ink.png", "a_stylized_sun.png", "b_stylized_ink.jpg",
                                             "b_stylized_sun.jpg"};
  ASSERT_EQ(names_in(dir_ / "output"), expected);
  EXPECT_EQ(load_image(dir_ / "output/a_stylized_sun.png").rgb.size(), cv::Size(40, 32));
  EXPECT_EQ(load_image(dir_ / "output/b_stylized_ink.jpg").rgb.size(), cv::Size(36, 36));
  const std::string first_bytes = read_file(dir_ / "output/a_stylized_ink.png");

  // A second run skips what exists, leaving it untouched.
  testing::write_text(dir_ / "output/a_stylized_ink.png", "stands for an older output");
  const ProcessResult again = run({"stylize", "photos", "--style", "styles/*.png"});
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_TRUE(contains(again.output, "0 written, 4 skipped (output exists; --overwrite replaces it), 2 failed"))
      << again.output;
  EXPECT_EQ(read_file(dir_ / "output/a_stylized_ink.png"), "stands for an older output");

  // --overwrite writes them again, the same bytes as the first time.
  const ProcessResult overwritten = run({"stylize", "photos", "--style", "styles/*.png", "--overwrite"});
  EXPECT_TRUE(contains(overwritten.output, "4 written, 2 failed")) << overwritten.output;
  EXPECT_EQ(read_file(dir_ / "output/a_stylized_ink.png"), first_bytes);

  // --ext chooses the format of every image output; without the corrupt file nothing fails.
  fs::remove(dir_ / "photos/broken.jpg");
  const ProcessResult jpeg = run({"stylize", "photos/a.png", "--style", "styles/sun.png", "--ext", "jpg",
                                  "--output-dir", "as_jpeg"});
  EXPECT_EQ(jpeg.exit_code, 0) << jpeg.output;
  EXPECT_EQ(names_in(dir_ / "as_jpeg"), std::vector<std::string>{"a_stylized_sun.jpg"});
}

TEST_F(StylizeCli, TwoContentsWithOneStemFailAndTheOthersAreWritten) {
  save_image(dir_ / "more/a.png", test_picture({32, 32}, 5));
  const ProcessResult result = run({"stylize", "photos/a.png", "more/a.png", "photos/b.jpg", "--style",
                                    "styles/ink.png"});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, "1 written, 2 failed")) << result.output;
  EXPECT_TRUE(contains(result.output, "photos/a.png x styles/ink.png: output/a_stylized_ink.png would be written by 2 "
                                      "pairs (photos/a.png x styles/ink.png; more/a.png x styles/ink.png)"))
      << result.output;
  EXPECT_EQ(names_in(dir_ / "output"), std::vector<std::string>{"b_stylized_ink.jpg"});
}

TEST_F(StylizeCli, AmbiguousCommandLinesSayWhatToType) {
  ProcessResult result = run({"stylize", "photos/a.png", "styles/ink.png", "styles/sun.png"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "3 inputs and neither --style nor -o: which are the styles? For every "
                                      "combination type depthstyle stylize CONTENT... --style STYLE...; to mix several "
                                      "styles into one picture, depthstyle stylize CONTENT STYLE1 STYLE2 -o OUT.png"))
      << result.output;
  result = run({"stylize", "photos/a.png"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "stylize: needs a content and a style")) << result.output;
  result = run({"stylize", "--style", "styles/ink.png", "photos/a.png"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "no content given: the contents come before --style")) << result.output;
  result = run({"stylize", "photos", "--style", "styles/ink.png", "-o", "x.png"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "-o x.png names one output, but the inputs give 2 content(s) x 1 style(s)"))
      << result.output;
  result = run({"stylize", "photos/a.png", "styles/ink.png", "--style-mode", "single"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "--style-mode belongs to the one-picture form")) << result.output;
  EXPECT_FALSE(fs::exists(dir_ / "output"));

  // The one-picture form keeps its groups.
  result = run({"stylize", "photos/a.png", "styles/ink.png", "styles/sun.png", "-o", "mix.png", "--method", "adain",
                "--style-weights", "1,3"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "using depth: none (the method needs no depth)")) << result.output;
  EXPECT_EQ(load_image(dir_ / "mix.png").rgb.size(), cv::Size(40, 32));
}

TEST_F(StylizeCli, AVideoKeepsItsSizeFrameRateAndEveryFrame) {
  const cv::Size size(96, 48);
  constexpr int kFrames = 10;
  fs::create_directories(dir_ / "clips");
  write_clip(dir_ / "clips/walk.mp4", "avc1", 25, size, kFrames);
  write_clip(dir_ / "clips/pan.avi", "MJPG", 30000.0 / 1001, size, kFrames);
  testing::write_text(dir_ / "clips/broken.mkv", "not a video");
  const ProcessResult result = run({"stylize", "clips", "--style", "styles/ink.png"});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, "2 written, 1 failed:")) << result.output;
  EXPECT_TRUE(contains(result.output, "clips/broken.mkv x styles/ink.png: clips/broken.mkv: cannot open the video"))
      << result.output;
  EXPECT_EQ(names_in(dir_ / "output"), (std::vector<std::string>{"pan_stylized_ink.avi", "walk_stylized_ink.mp4"}));

  for (const char* name : {"walk", "pan"}) {
    const Clip input = read_clip(dir_ / "clips" / (std::string(name) + (name[0] == 'w' ? ".mp4" : ".avi")));
    const Clip output =
        read_clip(dir_ / "output" / (std::string(name) + "_stylized_ink" + (name[0] == 'w' ? ".mp4" : ".avi")));
    ASSERT_EQ(input.frames.size(), static_cast<std::size_t>(kFrames)) << name;
    ASSERT_EQ(output.frames.size(), input.frames.size()) << name;
    EXPECT_EQ(output.size, size) << name;
    EXPECT_NEAR(output.fps, input.fps, 1e-3) << name;
    for (int i = 0; i < kFrames; ++i) {
      // Every frame in its place: the bar of input frame i is where output frame i is brightest.
      const int column = brightest_column(output.frames[i]);
      EXPECT_GE(column, bar_x(i) - 1) << name << " frame " << i;
      EXPECT_LE(column, bar_x(i) + kBarWidth) << name << " frame " << i;
      // ... and it is stylized, not copied.
      EXPECT_GT(cv::norm(output.frames[i], input.frames[i], cv::NORM_L1) / output.frames[i].total(), 10.0) << name;
    }
  }

  // -o names the output of one video and one style; the batch-only leftovers of an interrupted write are absent.
  const ProcessResult one = run({"stylize", "clips/walk.mp4", "styles/sun.png", "-o", "one.mp4"});
  ASSERT_EQ(one.exit_code, 0) << one.output;
  EXPECT_EQ(read_clip(dir_ / "one.mp4").frames.size(), static_cast<std::size_t>(kFrames));
}

// Requests that cannot work are refused before any file is read or written.
TEST(StylizeBatchPlan, RefusesRequestsThatCannotWorkBeforeAnyWork) {
  testing::TempDir dir;
  save_image(dir / "a.png", test_picture({32, 32}, 1));
  save_image(dir / "b.png", test_picture({32, 32}, 2));
  testing::write_text(dir / "clip.mp4", "a video by its name");
  StylizeBatchRequest request;
  request.contents = {(dir / "a.png").string()};
  request.styles = {(dir / "b.png").string()};
  request.output_dir = dir / "out";
  request.depth_estimator = choose_stylize_models({}).depth_estimator;
  EXPECT_EQ(plan_stylize_batch(request).units.front().output, dir / "out/a_stylized_b.png");

  // A second run over a folder that holds the output folder does not take its own outputs for contents.
  save_image(dir / "out/a_stylized_b.png", test_picture({32, 32}, 3));
  StylizeBatchRequest rerun = request;
  rerun.contents = {dir.path().string()};
  rerun.recursive = true;
  const StylizePlan plan = plan_stylize_batch(rerun);
  EXPECT_EQ(plan.outputs_left_out, 1u);
  ASSERT_EQ(plan.content_count, 3u);  // a.png, b.png and clip.mp4, not out/a_stylized_b.png
  EXPECT_EQ(plan.units[0].content, dir / "a.png");
  EXPECT_TRUE(plan.units[2].video);
  fs::remove_all(dir / "out");

  StylizeBatchRequest bad = request;
  bad.extension = "gif";
  EXPECT_THROW_MESSAGE(plan_stylize_batch(bad), UsageError, "--ext 'gif': image outputs are png, jpg or jpeg");
  bad = request;
  bad.extension = ".JPEG";
  EXPECT_EQ(plan_stylize_batch(bad).units.front().output, dir / "out/a_stylized_b.jpeg");
  bad = request;
  bad.depth_estimator.reset();
  EXPECT_THROW_MESSAGE(plan_stylize_batch(bad), UsageError, "da-adain needs the content's depth");
  bad = request;
  bad.depth_estimator.reset();
  bad.depth_map = DepthMapFile{dir / "d.png", DepthMeaning::kDepth, false, {}};
  bad.contents.push_back((dir / "b.png").string());
  EXPECT_THROW_MESSAGE(plan_stylize_batch(bad), UsageError, "--depth-map is the depth of one content image");
  bad = request;
  bad.contents = {(dir / "clip.mp4").string()};
  bad.settings.content_sizing.crop = true;
  EXPECT_THROW_MESSAGE(plan_stylize_batch(bad), UsageError, "--crop squares images, but a video keeps its frame size");
  bad = request;
  bad.settings.temporal_smoothing = 1;
  EXPECT_THROW_MESSAGE(plan_stylize_batch(bad), UsageError, "--temporal-smoothing: the weight of the previous frames");
  bad = request;
  bad.contents.push_back((dir / "b.png").string());
  bad.output = dir / "one.png";
  EXPECT_THROW_MESSAGE(plan_stylize_batch(bad), UsageError, "names one output, but the inputs give 2 content(s)");
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(StylizeModelChoice, DefaultsAreWeightFreeAndExplicitChoicesWin) {
  const StylizeModels defaults = choose_stylize_models({});
  ASSERT_TRUE(defaults.depth_estimator.has_value());
  EXPECT_EQ(defaults.depth_estimator->type, "vertical");
  EXPECT_EQ(defaults.backbone.type, "pyramid");
  EXPECT_TRUE(contains(defaults.description, "using depth: vertical (default: weight-free")) << defaults.description;

  StylizeModelRequest request;
  request.depth_estimator = DepthEstimatorConfig{};
  request.depth_estimator->type = request.depth_estimator->name = "dark_channel";
  request.backbone.type = "pyramid";
  request.backbone.pyramid_levels = 3;
  const StylizeModels chosen = choose_stylize_models(request);
  EXPECT_EQ(chosen.depth_estimator->type, "dark_channel");
  EXPECT_EQ(chosen.backbone.pyramid_levels, 3);
  EXPECT_EQ(chosen.description, "using depth: dark_channel (--depth-estimator), backbone: pyramid (--backbone)");

  request = {};
  request.depth_map = "d.png";
  EXPECT_FALSE(choose_stylize_models(request).depth_estimator.has_value());
  request = {};
  request.needs_depth = false;
  EXPECT_FALSE(choose_stylize_models(request).depth_estimator.has_value());
}

// Counts the encoder passes of a pyramid backbone.
// The defaults come from the weights folder: the best depth model present and VGG when both its files are there;
// what the command line names still wins. Presence is all the choice reads (style/default_models.h), so empty files do.
TEST(StylizeModelChoice, TheWeightsFolderGivesTheDefaultsAndTheLineNamesIt) {
  testing::TempDir dir;
  for (const char* name : {"adain/vgg_normalised.pth", "adain/decoder.pth", "midas/midas_v21_small_256.pt"}) {
    fs::create_directories((dir / name).parent_path());
    write_file_atomically(dir / name, "");
  }
  StylizeModelRequest request;
  request.backbone.type = "";  // not given, as the command leaves it without --backbone
  request.weights_folder = {dir.path(), WeightsFolderRule::kOption};
  const StylizeModels chosen = choose_stylize_models(request);
  ASSERT_TRUE(chosen.depth_estimator.has_value());
  EXPECT_EQ(chosen.depth_estimator->name, "midas_v21_small");
  EXPECT_EQ(chosen.depth_estimator->type, "midas");
  EXPECT_EQ(chosen.depth_estimator->version, "v21_small");
  EXPECT_EQ(chosen.depth_estimator->path, (dir / "midas/midas_v21_small_256.pt").string());
  EXPECT_EQ(chosen.backbone.type, "vgg");
  EXPECT_EQ(chosen.backbone.encoder, (dir / "adain/vgg_normalised.pth").string());
  EXPECT_EQ(chosen.backbone.decoder, (dir / "adain/decoder.pth").string());
  EXPECT_TRUE(starts_with(chosen.description, "using depth: midas_v21_small (default: MiDaS v2.1 small"))
      << chosen.description;
  EXPECT_TRUE(contains(chosen.description, concat("backbone: vgg (default: the paper's networks: ",
                                                  (dir / "adain/vgg_normalised.pth").string())))
      << chosen.description;
  EXPECT_TRUE(contains(chosen.description, concat("; weights folder: ", dir.path().string(), " (--weights-dir)")))
      << chosen.description;

  request.backbone.type = "pyramid";
  request.depth_estimator = DepthEstimatorConfig{};
  request.depth_estimator->type = request.depth_estimator->name = "vertical";
  const StylizeModels named = choose_stylize_models(request);
  EXPECT_EQ(named.backbone.type, "pyramid");
  EXPECT_EQ(named.depth_estimator->type, "vertical");
}

class CountingBackbone : public Backbone {
 public:
  explicit CountingBackbone(int& encodes) : inner_(make_pyramid_backbone({3})), encodes_(encodes) {}
  std::string name() const override { return inner_->name(); }
  std::string label() const override { return inner_->label(); }
  bool reproduces_paper() const override { return false; }
  Features encode(const at::Tensor& image) override {
    ++encodes_;
    return inner_->encode(image);
  }
  Features encode_with_taps(const at::Tensor& image, std::vector<at::Tensor>& taps) override {
    ++encodes_;
    return inner_->encode_with_taps(image, taps);
  }
  TapLayout tap_layout() const override { return inner_->tap_layout(); }
  at::Tensor decode(const Features& features) override { return inner_->decode(features); }
  nlohmann::json describe() const override { return inner_->describe(); }

 private:
  std::unique_ptr<Backbone> inner_;
  int& encodes_;
};

TEST(StylizeSession, EncodesEachStyleOncePerBatchAndEachContentOnceForAllItsStyles) {
  testing::TempDir dir;
  for (int i = 0; i < 2; ++i) save_image(dir / ("c" + std::to_string(i) + ".png"), test_picture({40, 32}, i));
  for (int i = 0; i < 3; ++i) save_image(dir / ("s" + std::to_string(i) + ".png"), test_picture({24, 24}, 10 + i));
  testing::write_text(dir / "bad.png", "not a picture");
  int encodes = 0;
  StylizeSettings settings;
  settings.setting.method = StyleMethod::kAdain;
  settings.content_sizing.smaller_side = 0;
  settings.style_sizing.smaller_side = 24;
  StylizeSession session(settings, std::make_unique<CountingBackbone>(encodes), nullptr, std::nullopt);
  for (int c = 0; c < 2; ++c) {
    for (int s = 0; s < 3; ++s) {
      session.stylize_image(dir / ("c" + std::to_string(c) + ".png"), dir / ("s" + std::to_string(s) + ".png"),
                            dir / ("out" + std::to_string(c) + std::to_string(s) + ".png"));
    }
    // A bad style fails each time with the same error and is read once.
    EXPECT_THROW_MESSAGE(session.stylize_image(dir / ("c" + std::to_string(c) + ".png"), dir / "bad.png",
                                               dir / "never.png"),
                         InputError, "bad.png");
  }
  EXPECT_EQ(encodes, 2 + 3) << "2 contents and 3 styles, each encoded once for the 6 pairs";
  EXPECT_FALSE(fs::exists(dir / "never.png"));
}

TEST(StylizeVideoWriter, AnUnfinishedVideoLeavesNoFileAndAFinishedOneAppearsWhole) {
  testing::TempDir dir;
  const cv::Mat frame = test_picture({32, 24}, 7);
  {
    VideoWriter writer(dir / "out/v.mp4", frame.size(), 25);
    writer.write(frame);
    writer.write(frame);
  }  // destroyed without commit, as when a unit fails or the batch is interrupted
  EXPECT_TRUE(names_in(dir / "out").empty());
  {
    VideoWriter writer(dir / "out/v.mp4", frame.size(), 25);
    for (int i = 0; i < 3; ++i) writer.write(frame);
    writer.commit();
  }
  EXPECT_EQ(names_in(dir / "out"), std::vector<std::string>{"v.mp4"});
  EXPECT_EQ(read_clip(dir / "out/v.mp4").frames.size(), 3u);
  EXPECT_THROW_MESSAGE(VideoWriter(dir / "v.gif", frame.size(), 25), UsageError, "cannot write a video as '.gif'");
}

cv::Mat constant_map(cv::Size size, float value) { return cv::Mat(size, CV_32FC1, cv::Scalar(value)); }

TEST(TemporalSmoothing, IsAnExponentialMovingAverageThatRestartsWhenTheLayoutChanges) {
  CentredProximitySmoother smoother(0.5);
  EXPECT_EQ(smoother.smooth({constant_map({4, 3}, 0)})[0].at<float>(0, 0), 0.0f);
  EXPECT_EQ(smoother.smooth({constant_map({4, 3}, 1)})[0].at<float>(2, 3), 0.5f);
  EXPECT_EQ(smoother.smooth({constant_map({4, 3}, 0)})[0].at<float>(1, 1), 0.25f);
  EXPECT_EQ(smoother.smooth({constant_map({5, 3}, 0.75f)})[0].at<float>(0, 0), 0.75f);  // another size: afresh
  CentredProximitySmoother off(0);
  off.smooth({constant_map({4, 3}, 0)});
  EXPECT_EQ(off.smooth({constant_map({4, 3}, 1)})[0].at<float>(0, 0), 1.0f);
  EXPECT_THROW_MESSAGE(CentredProximitySmoother(1), UsageError, "must be in [0, 0.99] (0 = off), got 1");
}

// Proximity that jumps between two layouts from one frame to the next, as a per-frame estimator can: the lower rows
// nearer (frame 0, 2, ...), or a near blob in the upper left on top of it (frames 1, 3, ...).
class JumpingEstimator : public DepthEstimator {
 public:
  static cv::Mat map_of_frame(cv::Size size, int frame) {
    cv::Mat proximity(size, CV_32FC1);
    for (int y = 0; y < size.height; ++y) proximity.row(y).setTo(static_cast<float>(y) / size.height);
    if (frame % 2 == 1) proximity(cv::Rect(0, 0, size.width / 2, size.height / 2)).setTo(1.5f);
    return proximity;
  }
  DepthPrediction estimate(const DepthQuery& query) override {
    return {map_of_frame(query.size, frames_++), DepthMeaning::kProximity};
  }
  nlohmann::json describe() const override { return {{"type", "jumping"}}; }

 private:
  int frames_ = 0;
};

// Mean |P_t - P_{t-1}| over the frames' finest strength maps.
double mean_frame_to_frame_change(const std::vector<cv::Mat>& strength) {
  double total = 0;
  for (std::size_t t = 1; t < strength.size(); ++t) total += cv::norm(strength[t], strength[t - 1], cv::NORM_L1);
  return total / static_cast<double>((strength.size() - 1) * strength.front().total());
}

TEST(TemporalSmoothing, CalmsTheStrengthMapOfAJumpingDepthEstimate) {
  testing::TempDir dir;
  const cv::Size size(64, 48);
  constexpr int kFrames = 10;
  // A still scene: whatever changes from frame to frame comes from the depth estimate.
  write_clip(dir / "still.mp4", "avc1", 25, size, kFrames, [](int) { return 3; });
  cv::Size finest;
  const auto strengths_with = [&](double smoothing) {
    StylizeSettings settings;  // da-adain, beta 20, eps 0.15
    settings.content_sizing.smaller_side = 0;
    settings.style_sizing.smaller_side = 24;
    settings.temporal_smoothing = smoothing;
    save_image(dir / "style.png", test_picture({24, 24}, 9));
    StylizeSession session(settings, make_pyramid_backbone({3}), std::make_unique<JumpingEstimator>(), std::nullopt);
    std::vector<cv::Mat> strength;
    const std::size_t frames = session.stylize_video(dir / "still.mp4", dir / "style.png",
                                                     dir / ("out" + format_number(smoothing) + ".mp4"),
                                                     [&](const Rendering& rendering) {
                                                       strength.push_back(rendering.strength.front().clone());
                                                     });
    EXPECT_EQ(frames, static_cast<std::size_t>(kFrames));
    finest = strength.front().size();
    return strength;
  };
  const std::vector<cv::Mat> raw = strengths_with(0);
  const std::vector<cv::Mat> smoothed = strengths_with(kDefaultTemporalSmoothing);
  ASSERT_EQ(raw.size(), static_cast<std::size_t>(kFrames));
  ASSERT_EQ(smoothed.size(), static_cast<std::size_t>(kFrames));

  // Off, each frame's strength map is Algorithm 1 of that frame's own estimate.
  const StrengthMapParams params;
  for (int t = 0; t < kFrames; ++t) {
    const cv::Mat expected =
        strength_from_centred_proximity(centred_proximity(JumpingEstimator::map_of_frame(size, t), finest), params);
    EXPECT_LE(cv::norm(raw[t], expected, cv::NORM_INF), 1e-6) << "frame " << t;
  }
  // The first frame has no past: smoothing starts from it.
  EXPECT_LE(cv::norm(smoothed[0], raw[0], cv::NORM_INF), 1e-6);
  // On, the frame-to-frame change of P falls well below the raw one (measured: see the message).
  const double raw_change = mean_frame_to_frame_change(raw);
  const double smoothed_change = mean_frame_to_frame_change(smoothed);
  std::cout << "mean |P_t - P_t-1|: raw " << raw_change << ", smoothed " << smoothed_change << "\n";
  EXPECT_GT(raw_change, 0.05);
  EXPECT_LT(smoothed_change, 0.4 * raw_change) << "raw " << raw_change << ", smoothed " << smoothed_change;
}

}  // namespace
}  // namespace depthstyle
