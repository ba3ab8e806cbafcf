// Figure sheets like the paper's figures: a title, lines of notes (backbone, depth source, sizes), then a table of
// labelled pictures, drawn with OpenCV into one image. Columns are as wide as their widest picture, so outputs and
// their strength maps line up; every picture is scaled to the same height.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace depthstyle {

struct FigurePanel {
  cv::Mat image;                     // RGB float32 in [0,1] (CV_32FC3); empty = a grey placeholder with the
                                     // caption, or nothing at all if the caption is empty too
  std::vector<std::string> caption;  // lines under the picture
};

struct FigureRow {
  std::string label;  // at the left of the row, '\n' between lines; may be empty
  std::vector<FigurePanel> panels;
};

struct FigureSheet {
  std::string title;
  std::vector<std::string> notes;  // lines under the title
  std::vector<FigureRow> rows;
};

// RGB float32 in [0,1] (CV_32FC3), the layout io/image.h saves. `panel_height` in px (>= 32); text scales with it.
cv::Mat draw_figure_sheet(const FigureSheet& sheet, int panel_height);

}  // namespace depthstyle
