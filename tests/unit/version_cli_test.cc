// `depthstyle --version` and `depthstyle version`: the project version (CMake's PROJECT_VERSION) with the git revision.
#include <gtest/gtest.h>

#include <regex>

#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::run_cli;

const std::string kVersionLine =
    std::string("depthstyle ") + DEPTHSTYLE_PROJECT_VERSION + R"( \(git ([0-9a-f]{40}|unknown)(, dirty)?\))";

TEST(VersionCli, DashDashVersionPrintsTheVersionLine) {
  const ProcessResult result = run_cli({"--version"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(std::regex_match(result.output, std::regex(kVersionLine + "\n"))) << result.output;
}

TEST(VersionCli, VersionCommandStartsWithTheSameLine) {
  const ProcessResult result = run_cli({"version"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(std::regex_search(result.output, std::regex("^" + kVersionLine + "\n  build +[A-Za-z]+\n")))
      << result.output;
  EXPECT_NE(result.output.find("  libtorch "), std::string::npos) << result.output;
}

}  // namespace
}  // namespace depthstyle
