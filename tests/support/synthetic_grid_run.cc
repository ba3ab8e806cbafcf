#include "support/synthetic_grid_run.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/atomic_file.h"
#include "core/error.h"  // concat
#include "core/text.h"
#include "grid/grid_record.h"

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
  ResultTable results = grid_record_table(false);
  int seed = 0;
  for (int c = 0; c < grid.contents; ++c) {
    for (int s = 0; s < grid.styles; ++s) {
      for (const std::string& method : grid.methods) {
        GridRecord record;
        record.content = concat("c", c);
        record.style = concat("s", s);
        record.setting.method = style_method_from_string(method);
        record.content_size = 256;
        record.style_size = 128;
        record.backbone = "synthetic";
        record.content_sha256 = std::string(64, 'a');
        record.style_sha256 = std::string(64, 'b');
        const bool depth_aware = record.setting.method == StyleMethod::kDepthAware;
        for (const double beta : depth_aware ? grid.betas : std::vector<double>{-1}) {
          if (depth_aware) {
            record.setting.uses_strength = true;
            record.setting.depth = "map", record.setting.beta = beta, record.setting.eps = 0.15;
          } else {
            record.setting.uses_content_weight = true;
          }
          record.key = grid_cell_key(record.content, record.style, record.setting, record.content_size,
                                     record.style_size);
          record.output = "images/" + record.key + ".png";
          std::vector<unsigned char> png;
          cv::imencode(".png", synthetic_picture(grid.width, grid.height, ++seed), png);
          write_file_atomically(run / record.output,
                                std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
          add_grid_record_row(results, record);
        }
      }
    }
  }
  write_file_atomically(run / "results.json", results.to_json().dump(2));
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
