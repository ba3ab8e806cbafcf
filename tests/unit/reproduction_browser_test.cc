// The reproduction report in a real browser: configs/paper.yaml as shipped, at small figure sizes (grids.set), then
// its report.html opened in headless Chromium over WebDriver (tests/support/webdriver_session.h). The page must render with
// its title and the Table 1 and Table 2 sections, every <img> must have loaded, the console must hold no error, and
// the page may request nothing but itself and its data: URIs. A full-page screenshot is kept as a test artifact
// (<build>/tests/artifacts/reproduction_report.png), decoded and checked to be a picture, not a blank page. Without
// the browser this test FAILS saying so (scripts/setup installs it).
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "support/test_support.h"
#include "support/webdriver_session.h"

namespace depthstyle {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ReproductionReportBrowser, ThePaperReportRendersEveryImageWithNoRequestOutsideThePage) {
  ASSERT_TRUE(testing::chromium_installed()) << testing::chromium_missing_message();
  ASSERT_TRUE(std::filesystem::exists(testing::sample_cache_dir() / "samples/manifest.json"))
      << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
  testing::TempDir dir;
  const std::filesystem::path source_dir = DEPTHSTYLE_SOURCE_DIR;
  const ProcessResult paper = testing::run_cli(
      {"run", "configs/paper.yaml", "--set", "output_dir=" + (dir / "runs").string(), "--set",
       R"(grids.set=["grid.content_sizes=[96]", "grid.style_sizes=[96]", "figures.panel_height=64"])"},
      source_dir);
  ASSERT_EQ(paper.exit_code, 0) << paper.output;
  const std::filesystem::path report = dir / "runs/paper/paper/report.html";
  ASSERT_TRUE(std::filesystem::exists(report)) << paper.output;
  const std::string markdown = read_file(dir / "runs/paper/paper/report.md");
  for (const char* statement : {"## What ran on stand-ins", "Middlebury stand-in (real photos, real ground truth)",
                                "Figures (fig4): weight-free Laplacian pyramid (stand-in",
                                "Not run: step 'table1_diw': diw.csv is not given",
                                "0 answers from 0 respondents (none collected yet"}) {
    EXPECT_TRUE(contains(markdown, statement)) << statement << "\n" << markdown;
  }

  testing::WebDriverSession browser(dir.path(), 1280, 900);
  const std::string url = "file://" + std::filesystem::absolute(report).string();
  browser.open(url);
  browser.wait_until([&] { return browser.execute("return document.readyState;") == "complete"; }, "the page");
  EXPECT_EQ(browser.title(), "Reproduction of Kitov et al. (2020), Depth-Aware Arbitrary Style Transfer");
  const nlohmann::json headings =
      browser.execute("return Array.from(document.querySelectorAll('h2')).map(h => h.textContent);");
  const std::string heading_text = headings.dump();
  EXPECT_TRUE(contains(heading_text, "Table 1 on Middlebury stand-in")) << heading_text;
  EXPECT_TRUE(contains(heading_text, "The paper's Table 1 beside this reproduction")) << heading_text;
  EXPECT_TRUE(contains(heading_text, "Table 2: DA-AdaIN vs AdaIN")) << heading_text;
  EXPECT_TRUE(contains(heading_text, "Fig. 4")) << heading_text;
  EXPECT_TRUE(contains(heading_text, "Provenance")) << heading_text;
  // Table 1 on the Middlebury set, the paper's Table 1 beside it, Table 2.
  EXPECT_EQ(browser.execute("return document.querySelectorAll('table').length;").get<int>(), 3);

  const nlohmann::json images = browser.execute(
      "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.src.slice(0, 24)]);");
  // The Table 1 chart and, per grid (fig4, fig5, fig6, study stimuli), its inputs sheet and at least one more.
  EXPECT_GE(images.size(), 9u);
  for (const nlohmann::json& image : images) {
    EXPECT_TRUE(image[0].get<bool>() && image[1].get<int>() > 0) << "not loaded: " << image;
  }

  std::vector<std::string> severe;
  for (const nlohmann::json& entry : browser.browser_log()) {
    if (entry.value("level", std::string()) == "SEVERE") severe.push_back(entry.dump());
  }
  EXPECT_TRUE(severe.empty()) << nlohmann::json(severe).dump(2);
  const std::vector<std::string> requests = browser.network_requests(url);
  ASSERT_FALSE(requests.empty()) << "the performance log recorded no request, not even the page's";
  EXPECT_EQ(requests[0], url);
  std::size_t data_uris = 0;
  for (const std::string& request : requests) {
    if (request.rfind("data:", 0) == 0) ++data_uris;
    else EXPECT_EQ(request, url) << "a request outside the page";
  }
  EXPECT_GE(data_uris, images.size()) << "the pictures are the page's own data: URIs";

  const std::string png = browser.full_page_screenshot_png();
  const std::filesystem::path artifact =
      std::filesystem::path(DEPTHSTYLE_GENERATED_FIXTURES).parent_path() / "artifacts/reproduction_report.png";
  std::filesystem::create_directories(artifact.parent_path());
  write_file_atomically(artifact, png);
  const cv::Mat shot = cv::imdecode(cv::Mat(1, static_cast<int>(png.size()), CV_8U, const_cast<char*>(png.data())),
                                    cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(shot.empty()) << "the screenshot is not a PNG";
  const nlohmann::json page_height = browser.execute("return document.documentElement.scrollHeight;");
  EXPECT_EQ(shot.rows, page_height.get<int>()) << "the whole page, not only the window";
  EXPECT_GT(shot.rows, 900);
  cv::Scalar mean, deviation;
  cv::meanStdDev(shot, mean, deviation);
  EXPECT_GT(deviation[0], 10) << "a blank page (mean " << mean[0] << ")";
}

}  // namespace
}  // namespace depthstyle
