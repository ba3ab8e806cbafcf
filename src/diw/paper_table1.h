// Table 1 of Kitov, Kozlov, Mishustina (2020), "Depth-Aware Arbitrary Style Transfer Using Instance Normalization":
// accuracy of relative depth on the DIW test set (73,983 images, one point pair each), as printed (two decimals).
// docs/reference.md#table-1 is the source. Rows are named as in the paper; a config maps its estimators to rows.
#pragma once

#include <string>
#include <vector>

namespace depthstyle {

struct PaperTable1Row {
  std::string model;  // "MiDaS", "monodepth2 mono_640x192", ...
  double accuracy;
};

const std::vector<PaperTable1Row>& paper_table1();
std::vector<std::string> paper_table1_models();
// nullptr if the paper has no such row.
const PaperTable1Row* find_paper_table1_row(const std::string& model);

}  // namespace depthstyle
