// Depth maps in every format: NumPy files written by numpy itself (tests/fixtures/io/make_npy_fixtures.py), round
// trips through our writers, hand-written PFM bytes, the real Middlebury ground truth, and every malformed input.
#include "io/depth_map.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// The map every NPY fixture holds: value(r, c) = 10 r + c - 5, 3x4.
cv::Mat fixture_map(double offset = 0) {
  cv::Mat map(3, 4, CV_32FC1);
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) map.at<float>(r, c) = static_cast<float>(10 * r + c - 5 + offset);
  }
  return map;
}

void expect_equal_maps(const cv::Mat& actual, const cv::Mat& expected, double tolerance = 0) {
  ASSERT_EQ(actual.type(), CV_32FC1);
  ASSERT_EQ(actual.size(), expected.size());
  for (int r = 0; r < actual.rows; ++r) {
    for (int c = 0; c < actual.cols; ++c) {
      const float a = actual.at<float>(r, c), e = expected.at<float>(r, c);
      if (std::isnan(e)) {
        EXPECT_TRUE(std::isnan(a)) << r << "," << c;
      } else if (std::isinf(e)) {
        EXPECT_EQ(a, e) << r << "," << c;
      } else {
        EXPECT_NEAR(a, e, tolerance) << "at row " << r << ", column " << c;
      }
    }
  }
}

cv::Mat map_of(int rows, int cols, std::initializer_list<float> values) {
  return cv::Mat(std::vector<float>(values), /*copyData=*/true).reshape(1, rows).clone();
}

std::filesystem::path io_fixture(const std::string& name) { return testing::fixture_path("io/" + name); }

// A version 1.0 NPY file with the given header dictionary and data bytes, for headers numpy would not write.
std::string npy_file(const std::string& header, const std::string& data) {
  const std::string text = header + "\n";
  return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(text.size() & 0xff) +
         static_cast<char>(text.size() >> 8) + text + data;
}

class NpyDtype : public ::testing::TestWithParam<std::string> {};

TEST_P(NpyDtype, ReadsWhatNumpyWrote) {
  const std::string name = GetParam();
  const bool unsigned_type = name.find("_u") != std::string::npos;
  expect_equal_maps(read_depth_map(io_fixture(name)), fixture_map(unsigned_type ? 5 : 0));
}

INSTANTIATE_TEST_SUITE_P(EveryDtypeAndByteOrder, NpyDtype,
                         ::testing::Values("map_f2_little.npy", "map_f2_big.npy", "map_f4_little.npy",
                                           "map_f4_big.npy", "map_f8_little.npy", "map_f8_big.npy",
                                           "map_i1_little.npy", "map_i2_little.npy", "map_i2_big.npy",
                                           "map_i4_little.npy", "map_i4_big.npy", "map_i8_little.npy",
                                           "map_i8_big.npy", "map_u1_little.npy", "map_u2_little.npy",
                                           "map_u2_big.npy", "map_u4_little.npy", "map_f4_fortran.npy",
                                           "map_hw1.npy", "map_1hw.npy", "map_11hw_fortran.npy",
                                           "map_f4_v2.npy", "map_f4_v3.npy"),
                         [](const auto& info) { return info.param.substr(0, info.param.size() - 4); });

TEST(DepthMap, NpyBoolBecomesZeroAndOne) {
  cv::Mat expected;
  cv::Mat(fixture_map() > 0).convertTo(expected, CV_32F, 1.0 / 255);
  expect_equal_maps(read_depth_map(io_fixture("map_bool.npy")), expected);
}

TEST(DepthMap, NpzReadsDeflatedSingleArrayAndNamedArrays) {
  expect_equal_maps(read_depth_map(io_fixture("single_compressed.npz")), fixture_map());
  DepthMapReadOptions options;
  options.npz_key = "depth";
  expect_equal_maps(read_depth_map(io_fixture("two_arrays.npz"), options), fixture_map());
  EXPECT_THROW_MESSAGE(read_depth_map(io_fixture("two_arrays.npz")), InputError,
                       "two_arrays.npz: holds 2 arrays (depth, mask); name one with npz_key");
  options.npz_key = "dpeth";
  EXPECT_THROW_MESSAGE(read_depth_map(io_fixture("two_arrays.npz"), options), InputError,
                       "no array 'dpeth' (arrays: depth, mask) (did you mean 'depth'?)");
}

TEST(DepthMap, EveryFormatRoundTrips) {
  testing::TempDir dir;
  cv::Mat map = fixture_map() * 1.37f;
  map.at<float>(0, 0) = std::numeric_limits<float>::infinity();
  map.at<float>(1, 1) = std::numeric_limits<float>::quiet_NaN();
  for (const char* name : {"map.pfm", "map.npy", "map.npz"}) {
    write_depth_map(dir / name, map);
    expect_equal_maps(read_depth_map(dir / name), map);
  }
}

TEST(DepthMap, Png16RoundTripsWithinHalfAStep) {
  testing::TempDir dir;
  const cv::Mat map = fixture_map(5) * 0.731f;  // 0 .. 20.5
  DepthMapWriteOptions write;
  write.png_scale = 256;
  write_depth_map(dir / "map.png", map, write);
  DepthMapReadOptions read;
  read.png_scale = 256;
  expect_equal_maps(read_depth_map(dir / "map.png", read), map, 0.5 / 256);
}

TEST(DepthMap, Png16ClampsAndMapsNanToZero) {
  testing::TempDir dir;
  const float inf = std::numeric_limits<float>::infinity();
  const cv::Mat map = map_of(1, 7, {-4.0f, std::numeric_limits<float>::quiet_NaN(), 1e9f, 1e10f, inf, -inf, 7.5f});
  write_depth_map(dir / "map.png", map);
  expect_equal_maps(read_depth_map(dir / "map.png"), map_of(1, 7, {0, 0, 65535, 65535, 65535, 0, 8}));
}

TEST(DepthMap, Png8ReadsRawValuesDividedByTheScale) {
  testing::TempDir dir;
  std::vector<unsigned char> png;
  ASSERT_TRUE(cv::imencode(".png", cv::Mat(2, 2, CV_8UC1, cv::Scalar(200)), png));
  write_file_atomically(dir / "disparity.png", std::string(png.begin(), png.end()));
  expect_equal_maps(read_depth_map(dir / "disparity.png"), map_of(2, 2, {200, 200, 200, 200}));
  DepthMapReadOptions options;
  options.png_scale = 4;
  expect_equal_maps(read_depth_map(dir / "disparity.png", options), map_of(2, 2, {50, 50, 50, 50}));
}

TEST(DepthMap, PngScaleMustBePositive) {
  testing::TempDir dir;
  DepthMapWriteOptions write;
  write.png_scale = 0;
  EXPECT_THROW_MESSAGE(write_depth_map(dir / "map.png", fixture_map(), write), UsageError,
                       "map.png: png_scale must be a positive number, got 0");
  EXPECT_FALSE(std::filesystem::exists(dir / "map.png"));
  write_depth_map(dir / "map.png", fixture_map(5));
  DepthMapReadOptions read;
  read.png_scale = -256;
  EXPECT_THROW_MESSAGE(read_depth_map(dir / "map.png", read), UsageError,
                       "map.png: png_scale must be a positive number, got -256");
}

TEST(DepthMap, WritingAnUnknownFormatIsAUsageError) {
  testing::TempDir dir;
  EXPECT_THROW_MESSAGE(write_depth_map(dir / "map.tiff", fixture_map()), UsageError,
                       "map.tiff: cannot write a depth map as '.tiff'; use .pfm, .png, .npy or .npz");
  EXPECT_FALSE(std::filesystem::exists(dir / "map.tiff"));
}

TEST(DepthMap, PfmStoresBottomRowFirstInEitherByteOrder) {
  testing::TempDir dir;
  // 2x2 map [[1, 2], [3, 4]] as PFM stores it: bottom row (3, 4) first. Big-endian: positive scale.
  const std::string big = std::string("Pf\n2 2\n1.0\n") + std::string("\x40\x40\x00\x00\x40\x80\x00\x00", 8) +
                          std::string("\x3f\x80\x00\x00\x40\x00\x00\x00", 8);
  write_file_atomically(dir / "big.pfm", big);
  expect_equal_maps(read_depth_map(dir / "big.pfm"), map_of(2, 2, {1, 2, 3, 4}));
  write_file_atomically(dir / "plus.pfm", "Pf\n2 2\n+1.0\n" + big.substr(big.size() - 16));
  expect_equal_maps(read_depth_map(dir / "plus.pfm"), map_of(2, 2, {1, 2, 3, 4}));
  // What we write: MiDaS's write_pfm (utils.py) bytes: scale "%f" % -1 (little-endian), bottom row first.
  write_depth_map(dir / "little.pfm", map_of(2, 2, {1, 2, 3, 4}));
  EXPECT_EQ(read_file(dir / "little.pfm"), std::string("Pf\n2 2\n-1.000000\n") +
                                               std::string("\x00\x00\x40\x40\x00\x00\x80\x40", 8) +
                                               std::string("\x00\x00\x80\x3f\x00\x00\x00\x40", 8));
}

TEST(DepthMap, MalformedFilesAreNamedWithWhatWasExpected) {
  testing::TempDir dir;
  const auto file = [&](const std::string& name, const std::string& bytes) {
    write_file_atomically(dir / name, bytes);
    return dir / name;
  };
  EXPECT_THROW_MESSAGE(read_depth_map(file("a.pfm", "P6\n2 2\n255\n")), InputError,
                       "a.pfm: not a PFM file (expected the header 'Pf' or 'PF')");
  EXPECT_THROW_MESSAGE(read_depth_map(file("b.pfm", "PF\n2 2\n-1\n")), InputError, "colour PFM (PF)");
  EXPECT_THROW_MESSAGE(read_depth_map(file("c.pfm", "Pf\ntwo 2\n-1\n")), InputError, "malformed PFM header");
  EXPECT_THROW_MESSAGE(read_depth_map(file("c2.pfm", "Pf\n2x 2\n-1\n" + std::string(16, '\0'))), InputError,
                       "c2.pfm: malformed PFM header; expected 'Pf', width, height and scale");
  EXPECT_THROW_MESSAGE(read_depth_map(file("c3.pfm", "Pf\n2 2\n")), InputError, "c3.pfm: malformed PFM header");
  EXPECT_THROW_MESSAGE(read_depth_map(file("c4.pfm", "Pf\n0 2\n-1\n")), InputError,
                       "c4.pfm: PFM size 0x2 is not positive");
  EXPECT_THROW_MESSAGE(read_depth_map(file("d.pfm", "Pf\n2 2\n0\n" + std::string(16, '\0'))), InputError,
                       "d.pfm: PFM scale is 0; expected a non-zero number (its sign is the byte order)");
  EXPECT_THROW_MESSAGE(read_depth_map(file("d2.pfm", "Pf\n2 2\nnan\n" + std::string(16, '\0'))), InputError,
                       "d2.pfm: PFM scale is nan; expected a non-zero number");
  EXPECT_THROW_MESSAGE(read_depth_map(file("d3.pfm", "Pf\n2 2\n-inf\n" + std::string(16, '\0'))), InputError,
                       "d3.pfm: PFM scale is -inf");
  EXPECT_THROW_MESSAGE(read_depth_map(file("e.pfm", "Pf\n2 2\n-1\n" + std::string(15, '\0'))), InputError,
                       "e.pfm: truncated PFM data: 2x2 needs 16 bytes, 15 present");
  // Windows line ends leave a '\n' that would shift every value by a byte.
  EXPECT_THROW_MESSAGE(read_depth_map(file("e2.pfm", "Pf\r\n2 2\r\n-1\r\n" + std::string(16, '\0'))), InputError,
                       "e2.pfm: PFM data longer than its header says: 2x2 needs 16 bytes, 17 present");
  EXPECT_THROW_MESSAGE(read_depth_map(file("f.npy", "NUMPY not really")), InputError, "f.npy: not an NPY file");
  std::string truncated = read_file(io_fixture("map_f8_little.npy"));
  truncated.resize(truncated.size() - 1);
  EXPECT_THROW_MESSAGE(read_depth_map(file("g.npy", truncated)), InputError,
                       "g.npy: truncated NPY data: 12 elements of 8 bytes expected, 95 bytes present");
  EXPECT_THROW_MESSAGE(read_depth_map(file("g2.npy", truncated.substr(0, 100))), InputError,
                       "g2.npy: truncated NPY header");
  EXPECT_THROW_MESSAGE(read_depth_map(file("g3.npy", std::string("\x93NUMPY\x02\x00\x10\x00", 10))), InputError,
                       "g3.npy: truncated NPY header");
  EXPECT_THROW_MESSAGE(read_depth_map(file("g4.npy", std::string("\x93NUMPY\x04\x00\x10\x00", 10))), InputError,
                       "g4.npy: unsupported NPY version 4; expected 1, 2 or 3");
  const std::string data(48, '\0');
  const auto npy_with_shape = [&](const std::string& shape) {
    return npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", data);
  };
  EXPECT_THROW_MESSAGE(read_depth_map(file("g5.npy", npy_with_shape("(12,)"))), InputError,
                       "g5.npy: NPY array of shape (12) is not a 2-D map");
  EXPECT_THROW_MESSAGE(read_depth_map(file("g6.npy", npy_with_shape("(0, 4)"))), InputError,
                       "g6.npy: NPY array of shape (0, 4) is not a 2-D map");
  EXPECT_THROW_MESSAGE(read_depth_map(file("g7.npy", npy_with_shape("(3, x)"))), InputError,
                       "g7.npy: NPY shape is not a tuple of integers");
  EXPECT_THROW_MESSAGE(read_depth_map(file("g8.npy", npy_with_shape("(4611686018427387904, 4)"))), InputError,
                       "g8.npy: NPY array of shape (4611686018427387904, 4) is not a 2-D map");
  EXPECT_THROW_MESSAGE(read_depth_map(file("g9.npy", npy_file("{'descr': '<f4', 'shape': (3, 4), }", data))),
                       InputError, "g9.npy: NPY header has no 'fortran_order' entry");
  EXPECT_THROW_MESSAGE(
      read_depth_map(file("g10.npy", npy_file("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (3, 4), }",
                                              data))),
      InputError, "g10.npy: NPY header has no readable 'descr' (dtype) entry");
  EXPECT_THROW_MESSAGE(read_depth_map(file("g11.npy", npy_file("{'descr': '<f4', 'fortran_order': False, }", data))),
                       InputError, "g11.npy: NPY header has no 'shape' entry");
  std::string complex_dtype = read_file(io_fixture("map_f8_little.npy"));
  complex_dtype.replace(complex_dtype.find("<f8"), 3, "<c8");
  EXPECT_THROW_MESSAGE(read_depth_map(file("h.npy", complex_dtype)), InputError, "unsupported NPY dtype '<c8'");
  // An element width of more digits than an int holds threw std::out_of_range from std::stoi (found reading the
  // reader while fuzzing it; tests/fuzz/corpus/npy/width_out_of_range.npy).
  EXPECT_THROW_MESSAGE(
      read_depth_map(file("h2.npy", npy_file("{'descr': '<f99999999999', 'fortran_order': False, 'shape': (1, 1), }",
                                             data))),
      InputError, "h2.npy: unsupported NPY dtype '<f99999999999'");
  EXPECT_THROW_MESSAGE(read_depth_map(file("i.png", "not a png")), InputError, "i.png: not a PNG image");
  EXPECT_THROW_MESSAGE(read_depth_map(file("j.npz", "PK but not a zip")), InputError, "j.npz: not a ZIP archive");
  EXPECT_THROW_MESSAGE(read_depth_map(file("k.exr", "x")), InputError,
                       "k.exr: unknown depth map format '.exr'; expected .pfm, .png, .npy or .npz");
  EXPECT_THROW_MESSAGE(read_depth_map(dir / "absent.pfm"), InputError, "absent.pfm: cannot open");
}

TEST(DepthMap, ColourPngIsNotADepthMap) {
  testing::TempDir dir;
  cv::Mat colour(2, 2, CV_8UC3, cv::Scalar(1, 2, 3));
  std::vector<unsigned char> png;
  cv::imencode(".png", colour, png);
  write_file_atomically(dir / "colour.png", std::string(png.begin(), png.end()));
  EXPECT_THROW_MESSAGE(read_depth_map(dir / "colour.png"), InputError,
                       "a depth PNG must have one 8- or 16-bit channel, this one has 3 channel(s)");
}

// Real Middlebury ground truth that scripts/test extracts from Debian packages (docs/reference.md#debian-sample-data).
TEST(DepthMap, ReadsRealMiddleburyDisparity) {
  const std::filesystem::path samples = testing::sample_cache_dir() / "samples";
  ASSERT_TRUE(std::filesystem::exists(samples / "aloeGT.png")) << "run 'build/depthstyle data fetch-samples' first";
  const cv::Mat aloe = read_depth_map(samples / "aloeGT.png");
  EXPECT_EQ(aloe.cols, 1282);
  EXPECT_EQ(aloe.rows, 1110);
  const cv::Mat motorcycle = read_depth_map(samples / "motorcycle_disp.npz");
  EXPECT_EQ(motorcycle.cols, 741);
  EXPECT_EQ(motorcycle.rows, 500);
  int unknown = 0;
  double highest = 0;
  for (float value : cv::Mat_<float>(motorcycle)) {
    if (std::isinf(value)) ++unknown;
    else highest = std::max(highest, static_cast<double>(value));
  }
  EXPECT_EQ(unknown, 27226);  // numpy: np.isinf(arr_0).sum()
  EXPECT_NEAR(highest, 59.90896, 1e-4);
}

}  // namespace
}  // namespace depthstyle
