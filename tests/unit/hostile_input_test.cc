// Issue 15's reproductions through the depthstyle binary that belong to no single module: out-of-range numbers on the
// command line, non-finite config values, and directories or devices where a file is expected. Each must be a clear
// error naming the file or option (exit 1 or 2), not a crash, a runaway or a message from the C++ library.
// (Checkpoints: weights_cli_test.cc; images: image_test.cc; DIW CSV lines and signals: diw_cli_test.cc.)
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "io/csv_reader.h"
#include "io/image.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::contains;
using testing::run_cli;

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override { save_image(dir_ / "image.png", cv::Mat(32, 32, CV_32FC3, cv::Scalar(0.2, 0.5, 0.8))); }

  // Runs the CLI in the test's folder and expects `exit_code` and every one of `parts` in its output.
  void expect_error(const std::vector<std::string>& arguments, int exit_code, const std::vector<std::string>& parts) {
    const ProcessResult result = run_cli(arguments, dir_.path());
    EXPECT_EQ(result.exit_code, exit_code) << result.output;
    for (const std::string& part : parts) EXPECT_TRUE(contains(result.output, part)) << result.output;
  }

  testing::TempDir dir_;
};

// `--threads 100000` ran for minutes at load 48; configs already capped `threads` at 1024.
TEST_F(HostileInput, ThreadsAndSizesAreRangeCheckedOnTheCommandLine) {
  expect_error({"stylize", "image.png", "image.png", "-o", "out.png", "--threads", "100000"}, 2,
               {"stylize: --threads 100000 is out of range: expected 0 (all cores) to 1024"});
  expect_error({"stylize", "image.png", "image.png", "-o", "out.png", "--content-size", "100000"}, 2,
               {"stylize: --content-size: the smaller side 100000 is out of range: expected 0 (keep) to 16384 px"});
  expect_error({"stylize", "image.png", "image.png", "-o", "out.png", "--style-size", "-1"}, 2,
               {"stylize: --style-size: the smaller side -1 is out of range"});
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out.png"));
  testing::write_text(dir_ / "overview.yaml", "experiment: samples_overview\n");
  expect_error({"run", "overview.yaml", "--threads", "100000", "--print-config"}, 2,
               {"'threads': 100000 is out of range: expected an integer in [0, 1024]"});
}

// 2^62 + 2^62 overflowed int64 and printed p = 0; binom already had its 2^53 check.
TEST_F(HostileInput, McNemarCountsAreCheckedLikeBinom) {
  expect_error({"stats", "mcnemar", "4611686018427387904", "4611686018427387904"}, 2,
               {"McNemar test: b + c = 4611686018427387904 + 4611686018427387904 discordant items is more than 2^53"});
}

// `beta: .inf` passed the config check, then every cell failed and the run exited 0.
TEST_F(HostileInput, NonFiniteConfigNumbersAreRefused) {
  testing::write_text(dir_ / "grid.yaml",
                      "experiment: style_grid\ncontents:\n  - image: image.png\nstyles:\n  - images: image.png\n"
                      "grid:\n  betas: [20, .inf]\n");
  expect_error({"run", "grid.yaml", "--print-config"}, 2,
               {"grid.yaml:7:",
                "'grid.betas[1]': inf is not a finite number: expected a non-empty list of numbers >= 0"});
}

// A directory gave "basic_filebuf::underflow error" and /dev/zero std::bad_alloc, neither naming the file.
TEST_F(HostileInput, DirectoriesAndDevicesAreNamedWhereFilesAreExpected) {
  std::filesystem::create_directories(dir_ / "folder");
  const std::string folder = (dir_ / "folder").string();
  for (const std::vector<std::string>& arguments :
       std::vector<std::vector<std::string>>{{"run", folder},
                                             {"analyze", folder},
                                             {"stylize", folder, "image.png", "-o", "out.png", "--method", "adain"}}) {
    expect_error(arguments, 1, {"error: " + folder + ": is a directory, expected a file"});
  }
  for (const std::vector<std::string>& arguments :
       std::vector<std::vector<std::string>>{{"run", "/dev/zero"},
                                             {"analyze", "/dev/zero"},
                                             {"stylize", "image.png", "/dev/zero", "-o", "out.png", "--method", "adain"}}) {
    expect_error(arguments, 1, {"error: /dev/zero: not a regular file (a device or socket)"});
  }
  // The readers themselves, for callers other than the CLI.
  EXPECT_THROW_MESSAGE(read_csv(dir_ / "folder"), InputError, "folder: is a directory");
  EXPECT_THROW_MESSAGE(load_image("/dev/zero"), InputError, "/dev/zero: not a regular file");
}

}  // namespace
}  // namespace depthstyle
