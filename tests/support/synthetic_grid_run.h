// A style_grid run folder with synthetic pictures, in the real format (manifest.json, results.json with the
// columns grid/style_grid_report.h lists, PNG images under images/): the input of `survey create` for the survey's
// tests and benchmark, which need no stylization. Every picture differs (a colour gradient with a one-pixel
// checker pattern in blue, so a sentinel's blur is visible), and the run says it did not use the paper's networks
// unless asked to.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace depthstyle {

struct SyntheticGridRun {
  int contents = 2;  // contents c0, c1, ...
  int styles = 3;    // styles s0, s1, ...
  std::vector<std::string> methods = {"adain", "da-adain"};
  std::vector<double> betas = {20};  // one da-adain row per beta for each content/style pair
  int width = 40;                    // pixels of every picture
  int height = 30;
  bool reproduces_paper = false;     // manifest backbone.reproduces_paper
};

// Writes the run into `run` (created) and returns it.
std::filesystem::path write_synthetic_grid_run(const std::filesystem::path& run, const SyntheticGridRun& grid = {});

}  // namespace depthstyle
