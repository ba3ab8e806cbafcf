// Image loading and saving: channel layouts, bit depths, EXIF orientation (JPEGs built here with a spliced-in EXIF
// block), truncated JPEGs of every layout, saving options, resizing, and every kind of bad file.
#include "io/image.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

#include "core/atomic_file.h"
#include "core/base64.h"
#include "core/error.h"
#include "io/exif.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

std::string encode(const cv::Mat& image, const std::string& extension) {
  std::vector<unsigned char> bytes;
  EXPECT_TRUE(cv::imencode(extension, image, bytes));
  return std::string(bytes.begin(), bytes.end());
}

// An APP1 segment holding a TIFF header and one IFD0 entry: orientation; `trailer` follows the IFD inside the
// segment, as a camera's thumbnail does.
std::string exif_segment(int orientation, bool big_endian, const std::string& trailer = "") {
  const auto u16 = [&](int value) {
    return big_endian ? std::string{static_cast<char>(value >> 8), static_cast<char>(value & 0xff)}
                      : std::string{static_cast<char>(value & 0xff), static_cast<char>(value >> 8)};
  };
  const auto u32 = [&](int value) { return big_endian ? u16(0) + u16(value) : u16(value) + u16(0); };
  const std::string tiff = std::string(big_endian ? "MM" : "II") + u16(42) + u32(8) + u16(1) + u16(0x0112) +
                           u16(3) + u32(1) + u16(orientation) + u16(0) + u32(0);
  const std::string payload = std::string("Exif\0\0", 6) + tiff + trailer;
  const int length = static_cast<int>(payload.size()) + 2;
  return std::string("\xFF\xE1", 2) + static_cast<char>(length >> 8) + static_cast<char>(length & 0xff) + payload;
}

// A 32x16 JPEG, black but for a white 8x8 block in the stored top-left corner, with the given EXIF orientation.
std::string marked_jpeg(int orientation, bool big_endian = false) {
  cv::Mat stored(16, 32, CV_8UC3, cv::Scalar::all(0));
  stored(cv::Rect(0, 0, 8, 8)).setTo(cv::Scalar::all(255));
  const std::string jpeg = encode(stored, ".jpg");
  return jpeg.substr(0, 2) + exif_segment(orientation, big_endian) + jpeg.substr(2);
}

// A noisy photo-sized JPEG (so that its compressed data is long), encoded with the given OpenCV parameters.
std::string noisy_jpeg(const std::vector<int>& parameters = {}) {
  cv::Mat noise(96, 128, CV_8UC3);
  cv::randu(noise, 0, 256);
  std::vector<unsigned char> bytes;
  EXPECT_TRUE(cv::imencode(".jpg", noise, bytes, parameters));
  return std::string(bytes.begin(), bytes.end());
}

struct OrientationCase {
  int orientation;
  cv::Size displayed_size;
  cv::Point marked_corner;  // where the stored top-left block is displayed (its top-left pixel)
};

class ExifOrientation : public ::testing::TestWithParam<OrientationCase> {};

TEST_P(ExifOrientation, IsAppliedOnLoad) {
  const OrientationCase& expected = GetParam();
  testing::TempDir dir;
  for (const bool big_endian : {false, true}) {
    write_file_atomically(dir / "photo.jpg", marked_jpeg(expected.orientation, big_endian));
    EXPECT_EQ(jpeg_exif_orientation(read_file(dir / "photo.jpg")), expected.orientation);
    const Image image = load_image(dir / "photo.jpg");
    ASSERT_EQ(image.rgb.size(), expected.displayed_size);
    const cv::Rect block(expected.marked_corner.x, expected.marked_corner.y, 8, 8);
    EXPECT_GT(cv::mean(image.rgb(block))[0], 0.9) << "orientation " << expected.orientation;
    EXPECT_LT(cv::mean(image.rgb)[0], 0.2);  // the rest stays black
  }
}

INSTANTIATE_TEST_SUITE_P(AllEight, ExifOrientation,
                         ::testing::Values(OrientationCase{1, {32, 16}, {0, 0}}, OrientationCase{2, {32, 16}, {24, 0}},
                                           OrientationCase{3, {32, 16}, {24, 8}}, OrientationCase{4, {32, 16}, {0, 8}},
                                           OrientationCase{5, {16, 32}, {0, 0}}, OrientationCase{6, {16, 32}, {8, 0}},
                                           OrientationCase{7, {16, 32}, {8, 24}},
                                           OrientationCase{8, {16, 32}, {0, 24}}),
                         [](const auto& info) { return "orientation_" + std::to_string(info.param.orientation); });

TEST(Exif, AbsentOrMalformedMeansUpright) {
  cv::Mat image(4, 4, CV_8UC3, cv::Scalar::all(0));
  EXPECT_EQ(jpeg_exif_orientation(encode(image, ".jpg")), 1);
  EXPECT_EQ(jpeg_exif_orientation(encode(image, ".png")), 1);
  std::string broken = marked_jpeg(6);
  broken[2 + 4 + 6] = 'X';  // spoil the TIFF byte-order mark
  EXPECT_EQ(jpeg_exif_orientation(broken), 1);
}

TEST(Image, ColourPngLoadsAsRgbInUnitRange) {
  testing::TempDir dir;
  cv::Mat bgr(2, 3, CV_8UC3, cv::Scalar(10, 20, 255));  // OpenCV order: blue 10, green 20, red 255
  write_file_atomically(dir / "c.png", encode(bgr, ".png"));
  const Image image = load_image(dir / "c.png");
  ASSERT_EQ(image.rgb.type(), CV_32FC3);
  EXPECT_TRUE(image.alpha.empty());
  const cv::Vec3f pixel = image.rgb.at<cv::Vec3f>(1, 2);
  EXPECT_FLOAT_EQ(pixel[0], 1.0f);
  EXPECT_FLOAT_EQ(pixel[1], 20.0f / 255);
  EXPECT_FLOAT_EQ(pixel[2], 10.0f / 255);
}

TEST(Image, GrayscaleBecomesThreeEqualChannels) {
  testing::TempDir dir;
  write_file_atomically(dir / "g.png", encode(cv::Mat(2, 2, CV_8UC1, cv::Scalar(51)), ".png"));
  const cv::Vec3f pixel = load_image(dir / "g.png").rgb.at<cv::Vec3f>(0, 0);
  EXPECT_FLOAT_EQ(pixel[0], 0.2f);
  EXPECT_FLOAT_EQ(pixel[1], 0.2f);
  EXPECT_FLOAT_EQ(pixel[2], 0.2f);
}

TEST(Image, SixteenBitKeepsItsPrecision) {
  testing::TempDir dir;
  write_file_atomically(dir / "w.png", encode(cv::Mat(1, 1, CV_16UC3, cv::Scalar::all(257)), ".png"));
  EXPECT_FLOAT_EQ(load_image(dir / "w.png").rgb.at<cv::Vec3f>(0, 0)[0], 257.0f / 65535);
}

TEST(Image, AlphaIsReturnedAndCompositedOverWhite) {
  testing::TempDir dir;
  cv::Mat bgra(1, 2, CV_8UC4);
  bgra.at<cv::Vec4b>(0, 0) = {0, 0, 0, 0};      // transparent black
  bgra.at<cv::Vec4b>(0, 1) = {0, 0, 255, 102};  // red at 40% opacity
  write_file_atomically(dir / "a.png", encode(bgra, ".png"));
  const Image image = load_image(dir / "a.png");
  ASSERT_EQ(image.alpha.type(), CV_32FC1);
  EXPECT_FLOAT_EQ(image.alpha.at<float>(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(image.alpha.at<float>(0, 1), 0.4f);
  EXPECT_EQ(image.rgb.at<cv::Vec3f>(0, 0), cv::Vec3f(1, 1, 1));
  const cv::Vec3f red = image.rgb.at<cv::Vec3f>(0, 1);
  EXPECT_NEAR(red[0], 1.0f, 1e-6);
  EXPECT_NEAR(red[1], 0.6f, 1e-6);
  EXPECT_NEAR(red[2], 0.6f, 1e-6);
}

TEST(Image, BadFilesAreNamedWithWhatWasWrong) {
  testing::TempDir dir;
  EXPECT_THROW_MESSAGE(load_image(dir / "absent.png"), InputError, "absent.png: cannot open");
  write_file_atomically(dir / "empty.jpg", "");
  EXPECT_THROW_MESSAGE(load_image(dir / "empty.jpg"), InputError, "empty.jpg: empty file, expected an image");
  write_file_atomically(dir / "text.png", "just some text\n");
  EXPECT_THROW_MESSAGE(load_image(dir / "text.png"), InputError, "text.png: not an image OpenCV can decode");
  const std::string jpeg = marked_jpeg(1);
  write_file_atomically(dir / "cut.jpg", jpeg.substr(0, jpeg.size() * 2 / 3));
  EXPECT_THROW_MESSAGE(load_image(dir / "cut.jpg"), InputError, "cut.jpg: truncated or corrupt JPEG");
  const std::string png = encode(cv::Mat(64, 64, CV_8UC3, cv::Scalar(1, 2, 3)), ".png");
  write_file_atomically(dir / "cut.png", png.substr(0, png.size() / 2));
  EXPECT_THROW_MESSAGE(load_image(dir / "cut.png"), InputError, "cut.png: not an image OpenCV can decode");
  std::string corrupt_png = png;
  corrupt_png[corrupt_png.find("IDAT") + 10] ^= 0x55;  // the chunk's CRC no longer matches
  write_file_atomically(dir / "corrupt.png", corrupt_png);
  EXPECT_THROW_MESSAGE(load_image(dir / "corrupt.png"), InputError, "corrupt.png: not an image OpenCV can decode");
  write_file_atomically(dir / "header_only.jpg", std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF", 11));
  EXPECT_THROW_MESSAGE(load_image(dir / "header_only.jpg"), InputError, "header_only.jpg: truncated or corrupt JPEG");
}

// A DICOM file (the "DICM" tag after its 128-byte preamble) went to OpenCV's DICOM decoder, whose GDCM library aborted
// the whole process on a malformed one (found by fuzzing: tests/fuzz, the 132-byte file below). Refused by name.
TEST(Image, DicomFilesAreRefusedBeforeTheirDecoderCanAbort) {
  testing::TempDir dir;
  std::string dicom(128, '\0');
  dicom += "DICM";
  dicom += std::string("\x02\x00\x00\x00\xFF\xFF\xFF\xFF", 8);
  write_file_atomically(dir / "scan.dcm", dicom);
  EXPECT_THROW_MESSAGE(load_image(dir / "scan.dcm"), InputError,
                       "scan.dcm: a DICOM file (medical imaging), which depthstyle does not read");
  EXPECT_THROW_MESSAGE(decode_image_as_stored(dicom, "bytes"), InputError, "bytes: a DICOM file");
  const std::string fuzzed = base64_decode(
      "/wT/2P/hACJFeGlmAAC3AQEBABQBAAEAAAwAPwMAAAAAAAAAAAAAAAAAACwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPv///8AAAEIAQER/yxESUNN");
  write_file_atomically(dir / "fuzzed.img", fuzzed);
  EXPECT_THROW_MESSAGE(load_image(dir / "fuzzed.img"), InputError, "fuzzed.img: a DICOM file");
}

// libjpeg decodes a cut-off JPEG with only a warning; each of these must still be refused.
TEST(Image, TruncatedJpegsAreRefusedWhateverTheirLayout) {
  testing::TempDir dir;
  const std::string thumbnail = encode(cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(128)), ".jpg");
  const std::string baseline = noisy_jpeg();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"baseline", baseline},
      {"progressive", noisy_jpeg({cv::IMWRITE_JPEG_PROGRESSIVE, 1})},
      {"restart_markers", noisy_jpeg({cv::IMWRITE_JPEG_RST_INTERVAL, 2})},
      // The thumbnail's own end-of-image marker must not pass for the photo's.
      {"exif_thumbnail", baseline.substr(0, 2) + exif_segment(1, false, thumbnail) + baseline.substr(2)},
  };
  for (const auto& [name, jpeg] : cases) {
    write_file_atomically(dir / (name + ".jpg"), jpeg);
    EXPECT_EQ(load_image(dir / (name + ".jpg")).rgb.size(), cv::Size(128, 96)) << name;
    write_file_atomically(dir / (name + "_cut.jpg"), jpeg.substr(0, jpeg.size() * 3 / 4));
    EXPECT_THROW_MESSAGE(load_image(dir / (name + "_cut.jpg")), InputError,
                         name + "_cut.jpg: truncated or corrupt JPEG (its segments do not run to an end-of-image");
  }
}

TEST(Image, BytesAfterTheJpegEndAreIgnored) {
  testing::TempDir dir;
  write_file_atomically(dir / "padded.jpg", noisy_jpeg() + std::string(100, '\0') + "appended data");
  EXPECT_EQ(load_image(dir / "padded.jpg").rgb.size(), cv::Size(128, 96));
}

TEST(Image, FloatFilesAreClippedToTheUnitRange) {
  testing::TempDir dir;
  write_file_atomically(dir / "hdr.pfm", encode(cv::Mat(2, 2, CV_32FC3, cv::Scalar(-1.0, 0.25, 4.0)), ".pfm"));
  const Image image = load_image(dir / "hdr.pfm");
  EXPECT_EQ(image.rgb.at<cv::Vec3f>(1, 1), cv::Vec3f(1.0f, 0.25f, 0.0f));  // stored B,G,R = -1, 0.25, 4
}

// PFM is read by io/pfm.h, not OpenCV; valid files must come out as OpenCV 4.6's decoder gives them (B,G,R order,
// divided by the scale's magnitude), in either byte order.
TEST(Image, PfmDecodesAsOpenCvDecodesIt) {
  const auto opencv = [](const std::string& bytes) {
    return cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data())),
                        cv::IMREAD_UNCHANGED);
  };
  const float values[6] = {1.0f, -2.5f, 3.0f, 0.25f, 1e-3f, 7.0f};
  const std::string little(reinterpret_cast<const char*>(values), sizeof values);
  std::string big = little;
  for (std::size_t i = 0; i < big.size(); i += 4) std::reverse(big.begin() + i, big.begin() + i + 4);
  for (const std::string& bytes : {"PF\n2 1\n-2.0\n" + little, "PF\n1 2\n4\n" + big, "Pf\n3 2\n-1.000000\n" + little,
                                   "Pf\n2 3\n+0.5\n" + big}) {
    const cv::Mat expected = opencv(bytes);
    ASSERT_FALSE(expected.empty()) << bytes.substr(0, 12);
    const cv::Mat ours = decode_image_as_stored(bytes, "x.pfm");
    ASSERT_EQ(ours.type(), expected.type()) << bytes.substr(0, 12);
    ASSERT_EQ(ours.size(), expected.size()) << bytes.substr(0, 12);
    EXPECT_EQ(cv::norm(ours, expected, cv::NORM_INF), 0) << bytes.substr(0, 12);
  }
}

// OpenCV 4.6 decodes PFM bytes from a temporary file and leaves it behind when the header's size is then refused
// (0 wide, over 2^20 on a side); the fuzz runs left thousands in /tmp. Such files are refused here, by name, and
// OpenCV's temporary folder stays empty.
TEST(Image, MalformedPfmIsRefusedWithoutLeavingTemporaryFiles) {
  testing::TempDir dir;
  testing::TempDir opencv_temp;
  setenv("OPENCV_TEMP_PATH", opencv_temp.path().c_str(), 1);
  const auto file = [&](const std::string& name, const std::string& bytes) {
    write_file_atomically(dir / name, bytes);
    return dir / name;
  };
  EXPECT_THROW_MESSAGE(load_image(file("zero.pfm", "Pf\n0 1\n-1.0\n" + std::string(4, '\0'))), InputError,
                       "zero.pfm: PFM size 0x1 is not positive");
  EXPECT_THROW_MESSAGE(load_image(file("wide.pfm", "Pf\n2000000 1\n-1.0\n")), InputError,
                       "wide.pfm: truncated PFM data: 2000000x1 needs 8000000 bytes, 0 present");
  EXPECT_THROW_MESSAGE(load_image(file("junk.pfm", std::string("Pf\n\n\n\x03\0\0\0\n", 10))), InputError,
                       "junk.pfm: malformed PFM header; expected 'Pf', width, height and scale");
  EXPECT_THROW_MESSAGE(load_image(file("colour.pfm", "PF\n2 2\n-1\n" + std::string(47, '\0'))), InputError,
                       "colour.pfm: truncated PFM data: 2x2x3 needs 48 bytes, 47 present");
  EXPECT_THROW_MESSAGE(load_image(file("huge.pfm", "PF\n2147483647 2147483647\n-1\n")), InputError,
                       "huge.pfm: 2147483647 x 2147483647 = 4611686014132420609 pixels is more than the limit");
  unsetenv("OPENCV_TEMP_PATH");
  EXPECT_TRUE(std::filesystem::is_empty(opencv_temp.path()));
}

TEST(Image, SavesPngExactlyAndJpegClosely) {
  testing::TempDir dir;
  cv::Mat rgb(8, 8, CV_32FC3);
  cv::randu(rgb, -0.2, 1.2);  // out-of-range values are clamped
  save_image(dir / "out.png", rgb);
  const cv::Mat clamped = cv::min(cv::max(rgb, 0.0), 1.0);
  const Image png = load_image(dir / "out.png");
  EXPECT_LE(cv::norm(png.rgb, clamped, cv::NORM_INF), 0.5 / 255 + 1e-6);

  ImageSaveOptions wide;
  wide.png_16bit = true;
  save_image(dir / "wide.png", rgb, wide);
  EXPECT_LE(cv::norm(load_image(dir / "wide.png").rgb, clamped, cv::NORM_INF), 0.5 / 65535 + 1e-7);

  const cv::Mat smooth(8, 8, CV_32FC3, cv::Scalar(0.25, 0.5, 0.75));
  save_image(dir / "out.jpg", smooth);
  EXPECT_LE(cv::norm(load_image(dir / "out.jpg").rgb, smooth, cv::NORM_INF), 3.0 / 255);
}

TEST(Image, SavesAlphaInPng) {
  testing::TempDir dir;
  ImageSaveOptions options;
  options.alpha = cv::Mat(1, 1, CV_32FC1, cv::Scalar(0.4));
  save_image(dir / "a.png", cv::Mat(1, 1, CV_32FC3, cv::Scalar(1, 0, 0)), options);
  const Image image = load_image(dir / "a.png");
  EXPECT_NEAR(image.alpha.at<float>(0, 0), 0.4f, 0.5 / 255);
  EXPECT_NEAR(image.rgb.at<cv::Vec3f>(0, 0)[1], 0.6f, 0.5 / 255);  // red at 40% over white
}

TEST(Image, SavesGrayWithAndWithoutAlpha) {
  testing::TempDir dir;
  const float level = 51.0f / 255;  // an exact 8-bit step
  const cv::Mat gray(2, 3, CV_32FC1, cv::Scalar(level));
  save_image(dir / "g.png", gray);
  EXPECT_LT(cv::norm(load_image(dir / "g.png").rgb.at<cv::Vec3f>(1, 2) - cv::Vec3f::all(level)), 1e-6);
  ImageSaveOptions options;
  options.alpha = cv::Mat(2, 3, CV_32FC1, cv::Scalar(1.0));
  save_image(dir / "ga.png", gray, options);
  const Image image = load_image(dir / "ga.png");
  ASSERT_FALSE(image.alpha.empty());
  EXPECT_LT(cv::norm(image.rgb.at<cv::Vec3f>(1, 2) - cv::Vec3f::all(level)), 1e-6);
}

TEST(Image, JpegQualityTradesSizeForFidelity) {
  testing::TempDir dir;
  cv::Mat rgb(64, 64, CV_32FC3);
  cv::randu(rgb, 0.0, 1.0);
  ImageSaveOptions low;
  low.jpeg_quality = 10;
  save_image(dir / "low.jpg", rgb, low);
  save_image(dir / "default.jpg", rgb);
  EXPECT_LT(std::filesystem::file_size(dir / "low.jpg") * 2, std::filesystem::file_size(dir / "default.jpg"));
  EXPECT_GT(cv::norm(load_image(dir / "low.jpg").rgb, rgb, cv::NORM_L2),
            cv::norm(load_image(dir / "default.jpg").rgb, rgb, cv::NORM_L2));
  low.jpeg_quality = 101;
  EXPECT_THROW_MESSAGE(save_image(dir / "bad.jpg", rgb, low), UsageError,
                       "bad.jpg: JPEG quality must be in 0..100, got 101");
}

TEST(Image, RefusesUnknownExtensionsAndJpegAlpha) {
  testing::TempDir dir;
  const cv::Mat rgb(2, 2, CV_32FC3, cv::Scalar::all(0.5));
  EXPECT_THROW_MESSAGE(save_image(dir / "out.bmp", rgb), UsageError,
                       "out.bmp: cannot save an image as '.bmp'; use .png, .jpg or .jpeg");
  EXPECT_THROW_MESSAGE(save_image(dir / "out", rgb), UsageError, "out: cannot save an image as ''");
  ImageSaveOptions options;
  options.png_16bit = true;
  EXPECT_THROW_MESSAGE(save_image(dir / "out.jpg", rgb, options), UsageError, "JPEG holds neither 16-bit");
  EXPECT_FALSE(std::filesystem::exists(dir / "out.jpg"));
}

TEST(Image, ResizesBySmallerSideKeepingAspect) {
  const cv::Mat image(300, 500, CV_32FC3, cv::Scalar::all(0.5));
  EXPECT_EQ(resize_to_smaller_side(image, 150).size(), cv::Size(250, 150));
  EXPECT_EQ(resize_to_smaller_side(image, 600).size(), cv::Size(1000, 600));
  EXPECT_EQ(resize_to_smaller_side(image, 0).size(), cv::Size(500, 300));
  const cv::Mat enlarged = resize_to_smaller_side(image, 600);
  EXPECT_NEAR(cv::mean(enlarged)[0], 0.5, 1e-6);
  EXPECT_THROW(resize_to_smaller_side(image, -1), UsageError);
}

TEST(Image, CropsTheCentre) {
  cv::Mat image(4, 6, CV_32FC1, cv::Scalar(0));
  image.at<float>(1, 2) = 1;
  const cv::Mat crop = center_crop(image, 2, 2);
  EXPECT_EQ(crop.size(), cv::Size(2, 2));
  EXPECT_EQ(crop.at<float>(0, 0), 1);
  EXPECT_THROW_MESSAGE(center_crop(image, 7, 2), UsageError, "center crop 7x2 does not fit an image of 6x4");
}

// A PNG chunk: length, type, data, CRC-32 of type and data.
std::string png_chunk(const std::string& type, const std::string& data) {
  const auto u32 = [](std::uint32_t value) {
    return std::string{static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
                       static_cast<char>(value)};
  };
  const std::string body = type + data;
  return u32(static_cast<std::uint32_t>(data.size())) + body +
         u32(static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
}

// A valid black 8-bit grayscale PNG of any size, small on disk: its rows are compressed one at a time, so a 20000 x
// 20000 image (400 MB of pixels) needs ~400 KB and no more memory than one row.
std::string black_png(std::uint32_t width, std::uint32_t height) {
  std::string header = png_chunk("IHDR", std::string{static_cast<char>(width >> 24), static_cast<char>(width >> 16),
                                                     static_cast<char>(width >> 8), static_cast<char>(width),
                                                     static_cast<char>(height >> 24), static_cast<char>(height >> 16),
                                                     static_cast<char>(height >> 8), static_cast<char>(height),
                                                     8, 0, 0, 0, 0});
  z_stream stream{};
  EXPECT_EQ(deflateInit(&stream, Z_BEST_COMPRESSION), Z_OK);
  std::string row(width + 1, '\0');  // filter byte 0, then the pixels
  std::string compressed, buffer(1 << 16, '\0');
  for (std::uint32_t y = 0; y <= height; ++y) {
    const bool last = y == height;
    stream.next_in = reinterpret_cast<Bytef*>(row.data());
    stream.avail_in = last ? 0 : static_cast<uInt>(row.size());
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
      stream.avail_out = static_cast<uInt>(buffer.size());
      deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
      compressed.append(buffer.data(), buffer.size() - stream.avail_out);
    } while (stream.avail_out == 0);
  }
  deflateEnd(&stream);
  return std::string("\x89PNG\r\n\x1a\n", 8) + header + png_chunk("IDAT", compressed) + png_chunk("IEND", "");
}

// issue 15: a 20000 x 20000 PNG was decoded whole (10.7 GB to stylize, 12.7 GB as a DIW image). Its header is
// enough to refuse it, before any pixel is decoded.
TEST(ImagePixelLimit, HugeImagesAreRefusedFromTheirHeader) {
  testing::TempDir dir;
  const std::string bomb = black_png(20000, 20000);
  EXPECT_LT(bomb.size(), 1u << 20);
  write_file_atomically(dir / "bomb.png", bomb);
  EXPECT_THROW_MESSAGE(load_image(dir / "bomb.png"), InputError,
                       "bomb.png: 20000 x 20000 = 400000000 pixels is more than the limit of 268435456 pixels per "
                       "image (set DEPTHSTYLE_MAX_IMAGE_PIXELS to change it)");
  EXPECT_EQ(max_image_pixels(), kDefaultMaxImagePixels);
  // The same generator at a size within the limit gives an image that loads.
  write_file_atomically(dir / "small.png", black_png(7, 5));
  EXPECT_EQ(load_image(dir / "small.png").rgb.size(), cv::Size(7, 5));

  // A JPEG states its size in the start-of-frame segment: 65000 x 65000, one component.
  const std::string frame("\xFF\xC0\x00\x0B\x08\xFD\xE8\xFD\xE8\x01\x01\x11\x00", 13);
  write_file_atomically(dir / "bomb.jpg", std::string("\xFF\xD8", 2) + frame + std::string("\xFF\xD9", 2));
  EXPECT_THROW_MESSAGE(load_image(dir / "bomb.jpg"), InputError, "bomb.jpg: 65000 x 65000 = 4225000000 pixels");
  // Enlarging a thin image is held to the same limit.
  EXPECT_THROW_MESSAGE(resize_to_smaller_side(cv::Mat(1, 1000, CV_32FC3), 16384), UsageError,
                       "resizing a 1000 x 1 image to smaller side 16384 gives 16384000 x 16384 pixels, more than the "
                       "limit of 268435456 pixels per image");
}

// Found by fuzzing (tests/fuzz/corpus/image/png_sides_overflow.png): sides of 3263299585 pixels gave a product
// beyond the signed 64-bit range, which wrapped to a negative count that passed the check.
TEST(ImagePixelLimit, SidesWhoseProductOverflowsSigned64BitsAreRefused) {
  testing::TempDir dir;
  const std::string header("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\xc2\x82\x00\x01\xc2\x82\x00\x01", 24);
  write_file_atomically(dir / "huge.png", header);
  EXPECT_THROW_MESSAGE(load_image(dir / "huge.png"), InputError,
                       "huge.png: 3263299585 x 3263299585 = 10649124181461172225 pixels is more than the limit");
}

TEST(ImagePixelLimit, StylizeNamesTheFileAndTheLimit) {
  testing::TempDir dir;
  write_file_atomically(dir / "bomb.png", black_png(20000, 20000));
  save_image(dir / "style.png", cv::Mat(64, 64, CV_32FC3, cv::Scalar(0.2, 0.5, 0.8)));
  const ProcessResult result =
      testing::run_cli({"stylize", "bomb.png", "style.png", "-o", "out.png", "--method", "adain"}, dir.path());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(testing::contains(result.output, "bomb.png: 20000 x 20000 = 400000000 pixels is more than the limit"))
      << result.output;
  // The environment variable replaces the default.
  const ProcessResult lowered = run_process({"env", "DEPTHSTYLE_MAX_IMAGE_PIXELS=100", DEPTHSTYLE_CLI_PATH, "stylize",
                                             "style.png", "style.png", "-o", "out.png", "--method", "adain"},
                                            dir.path());
  EXPECT_EQ(lowered.exit_code, 1) << lowered.output;
  EXPECT_TRUE(testing::contains(lowered.output, "style.png: 64 x 64 = 4096 pixels is more than the limit of 100 "))
      << lowered.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out.png"));
}

TEST(Image, LoadsRealSamplePhotos) {
  const std::filesystem::path samples = testing::sample_cache_dir() / "samples";
  ASSERT_TRUE(std::filesystem::exists(samples / "aloeL.jpg")) << "run 'build/depthstyle data fetch-samples' first";
  EXPECT_EQ(load_image(samples / "aloeL.jpg").rgb.size(), cv::Size(1282, 1110));
  EXPECT_EQ(load_image(samples / "motorcycle_left.png").rgb.size(), cv::Size(741, 500));
}

}  // namespace
}  // namespace depthstyle
