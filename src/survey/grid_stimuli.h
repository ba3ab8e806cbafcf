// The candidate comparisons of a study, read from a finished style_grid run folder (grid/style_grid_report.h lists
// its results.json columns): for every content/style pair and size, the baseline method's image and the proposed
// method's image. The study's "pair" name is the part of the cell keys the two share:
//   content=aloeL,style=starry_night,content_size=1000,style_size=300
// When the grid holds several settings of a method for one pair (e.g. a beta sweep), the options' filters must
// leave exactly one; anything else is an error that lists what the grid has.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "grid/grid_record.h"
#include "survey/study_options.h"

namespace depthstyle {

struct GridStimulus {
  std::string method;
  std::filesystem::path file;  // the image in the run folder
  GridRecord record;           // its results.json row (key, parameters, inputs' sha256, backbone)
};

struct GridComparison {
  std::string name;
  GridStimulus baseline;
  GridStimulus proposed;
};

struct GridStimuliSet {
  std::vector<GridComparison> comparisons;  // in the grid's row order
  nlohmann::json manifest;                  // the run's manifest.json
  // False when the images were made with a stand-in backbone (manifest backbone.reproduces_paper).
  bool reproduces_paper = false;
  std::string backbone_label;
};

// Throws InputError naming the file (results.json, manifest.json, a missing image, a failed cell) or ConfigError
// naming the stimuli.* key whose value matches nothing or leaves several images per method.
GridStimuliSet read_grid_stimuli(const StudyStimuliOptions& options);

}  // namespace depthstyle
