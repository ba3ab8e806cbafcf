#include "support/synthetic_grid_run.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/atomic_file.h"
#include "core/error.h"  // concat
#include "core/text.h"

namespace depthstyle {
namespace {

cv::Mat synthetic_picture(int width, int height, int seed) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<unsigned char>((x * 6 + seed * 37) % 256),
                                            static_cast<unsigned char>((y * 8 + seed * 11) % 256),
                                            static_cast<unsigned char>(((x + y) % 2) * 120 + seed % 100));
    }
  }
  return image;
}

}  // namespace

std::filesystem::path write_synthetic_grid_run(const std::filesystem::path& run, const SyntheticGridRun& grid) {
  std::filesystem::create_directories(run / "images");
  nlohmann::json rows = nlohmann::json::array();
  int seed = 0;
  for (int c = 0; c < grid.contents; ++c) {
    for (int s = 0; s < grid.styles; ++s) {
      for (const std::string& method : grid.methods) {
        const std::vector<double> betas = method == "da-adain" ? grid.betas : std::vector<double>{-1};
        for (const double beta : betas) {
          const std::string content = concat("c", c), style = concat("s", s);
          nlohmann::json row = {{"content", content},   {"style", style},        {"style_mode", "single"},
                                {"method", method},     {"content_size", 256},   {"style_size", 128},
                                {"status", "ok"},       {"error", nullptr},      {"backbone", "synthetic"},
                                {"content_weight", nullptr}, {"depth", nullptr}, {"beta", nullptr},
                                {"eps", nullptr},       {"content_sha256", std::string(64, 'a')},
                                {"style_sha256", std::string(64, 'b')}};
          std::string setting;
          if (method == "da-adain") {
            row["depth"] = "map", row["beta"] = beta, row["eps"] = 0.15;
            setting = concat("depth=map,beta=", format_number(beta), ",eps=0.15");
          } else {
            row["content_weight"] = 0.0;
            setting = "content_weight=0";
          }
          const std::string key = concat("content=", content, ",style=", style, ",method=", method, ",", setting,
                                         ",content_size=256,style_size=128");
          row["key"] = key;
          row["output"] = "images/" + key + ".png";
          std::vector<unsigned char> png;
          cv::imencode(".png", synthetic_picture(grid.width, grid.height, ++seed), png);
          write_file_atomically(run / row["output"].get<std::string>(),
                                std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
          rows.push_back(row);
        }
      }
    }
  }
  write_file_atomically(run / "results.json", rows.dump(2));
  const nlohmann::json manifest = {
      {"experiment", "style_grid"},
      {"status", "succeeded"},
      {"backbone",
       {{"label", grid.reproduces_paper ? "VGG-19 encoder + AdaIN decoder" : "synthetic pictures (no stylization)"},
        {"reproduces_paper", grid.reproduces_paper}}}};
  write_file_atomically(run / "manifest.json", manifest.dump(2));
  return run;
}

}  // namespace depthstyle
