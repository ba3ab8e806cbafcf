#include "diw/paper_table1.h"

namespace depthstyle {

const std::vector<PaperTable1Row>& paper_table1() {
  static const std::vector<PaperTable1Row> rows = {
      {"MiDaS", 0.87},
      {"monodepth2 mono+stereo_1024x320", 0.69},
      {"monodepth2 mono+stereo_640x192", 0.70},
      {"monodepth2 mono+stereo_no_pt_640x192", 0.65},
      {"monodepth2 mono_1024x320", 0.70},
      {"monodepth2 mono_640x192", 0.71},
      {"monodepth2 mono_no_pt_640x192", 0.65},
      {"monodepth2 stereo_1024x320", 0.67},
      {"monodepth2 stereo_640x192", 0.66},
      {"monodepth2 stereo_no_pt_640x192", 0.62},
  };
  return rows;
}

std::vector<std::string> paper_table1_models() {
  std::vector<std::string> models;
  for (const PaperTable1Row& row : paper_table1()) models.push_back(row.model);
  return models;
}

const PaperTable1Row* find_paper_table1_row(const std::string& model) {
  for (const PaperTable1Row& row : paper_table1()) {
    if (row.model == model) return &row;
  }
  return nullptr;
}

}  // namespace depthstyle
