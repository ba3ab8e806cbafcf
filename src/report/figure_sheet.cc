#include "report/figure_sheet.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
const cv::Scalar kInk(20, 20, 20);
const cv::Scalar kMutedInk(90, 90, 90);
const cv::Scalar kPaper(255, 255, 255);
const cv::Scalar kPlaceholder(225, 225, 225);

struct TextStyle {
  double scale;
  int thickness;
  int line_height;
};

TextStyle text_style(double scale, int thickness) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize("Hg", kFont, scale, thickness, &baseline);
  return {scale, thickness, size.height + baseline + static_cast<int>(6 * scale)};
}

int text_width(const std::string& text, const TextStyle& style) {
  int baseline = 0;
  return cv::getTextSize(text, kFont, style.scale, style.thickness, &baseline).width;
}

// Draws `lines` from `top`, one per line; returns the y below the last line.
int draw_lines(cv::Mat& canvas, const std::vector<std::string>& lines, cv::Point top_left, const TextStyle& style,
               const cv::Scalar& colour) {
  int y = top_left.y;
  for (const std::string& line : lines) {
    y += style.line_height;
    cv::putText(canvas, line, {top_left.x, y - style.line_height / 4}, kFont, style.scale, colour, style.thickness,
                cv::LINE_AA);
  }
  return y;
}

cv::Mat scaled_panel(const cv::Mat& image, int height) {
  DEPTHSTYLE_ASSERT(image.type() == CV_32FC3);
  const int width = std::max(1, static_cast<int>(std::lround(image.cols * static_cast<double>(height) / image.rows)));
  cv::Mat scaled, bytes, bgr;
  cv::resize(image, scaled, {width, height}, 0, 0, height < image.rows ? cv::INTER_AREA : cv::INTER_NEAREST);
  scaled.convertTo(bytes, CV_8UC3, 255.0);
  cv::cvtColor(bytes, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

}  // namespace

cv::Mat draw_figure_sheet(const FigureSheet& sheet, int panel_height) {
  DEPTHSTYLE_ASSERT(panel_height >= 32);
  const double unit = panel_height / 220.0;
  const TextStyle title = text_style(std::max(0.6, 0.85 * unit), 2);
  const TextStyle note = text_style(std::max(0.4, 0.5 * unit), 1);
  const TextStyle caption = text_style(std::max(0.4, 0.47 * unit), 1);
  const int gap = std::max(6, static_cast<int>(10 * unit));

  // Pictures at their final size, and the layout of the table they form.
  std::size_t columns = 0;
  std::size_t caption_lines = 0;
  int label_width = 0;
  std::vector<std::vector<cv::Mat>> pictures(sheet.rows.size());
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    columns = std::max(columns, sheet.rows[r].panels.size());
    if (!sheet.rows[r].label.empty()) {
      for (const std::string& line : split(sheet.rows[r].label, '\n')) {
        label_width = std::max(label_width, text_width(line, note) + gap);
      }
    }
    for (const FigurePanel& panel : sheet.rows[r].panels) {
      pictures[r].push_back(panel.image.empty() ? cv::Mat() : scaled_panel(panel.image, panel_height));
      caption_lines = std::max(caption_lines, panel.caption.size());
    }
  }
  std::vector<int> column_width(columns, 0);
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    for (std::size_t c = 0; c < pictures[r].size(); ++c) {
      const bool blank = pictures[r][c].empty() && sheet.rows[r].panels[c].caption.empty();
      int width = blank ? 0 : pictures[r][c].empty() ? panel_height : pictures[r][c].cols;  // placeholders are square
      for (const std::string& line : sheet.rows[r].panels[c].caption) width = std::max(width, text_width(line, caption));
      column_width[c] = std::max(column_width[c], width);
    }
  }
  const int row_height = panel_height + static_cast<int>(caption_lines) * caption.line_height + gap;
  int table_width = label_width + gap;
  for (const int width : column_width) table_width += width + gap;
  int header_width = text_width(sheet.title, title);
  for (const std::string& line : sheet.notes) header_width = std::max(header_width, text_width(line, note));
  const int width = std::max(table_width, header_width + 2 * gap);
  const int header_height = gap + title.line_height + static_cast<int>(sheet.notes.size()) * note.line_height + gap;
  const int height = header_height + static_cast<int>(sheet.rows.size()) * row_height + gap;

  cv::Mat canvas(height, width, CV_8UC3, kPaper);
  int y = draw_lines(canvas, {sheet.title}, {gap, gap}, title, kInk);
  draw_lines(canvas, sheet.notes, {gap, y}, note, kMutedInk);
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    const int top = header_height + static_cast<int>(r) * row_height;
    if (!sheet.rows[r].label.empty()) {
      const std::vector<std::string> lines = split(sheet.rows[r].label, '\n');
      const int label_height = static_cast<int>(lines.size()) * note.line_height;
      draw_lines(canvas, lines, {gap, top + (panel_height - label_height) / 2}, note, kInk);
    }
    int x = gap + label_width;
    for (std::size_t c = 0; c < sheet.rows[r].panels.size(); ++c) {
      const cv::Mat& picture = pictures[r][c];
      if (picture.empty() && !sheet.rows[r].panels[c].caption.empty()) {
        cv::rectangle(canvas, cv::Rect(x, top, panel_height, panel_height), kPlaceholder, cv::FILLED);
      } else if (!picture.empty()) {
        picture.copyTo(canvas(cv::Rect(x, top, picture.cols, picture.rows)));
      }
      draw_lines(canvas, sheet.rows[r].panels[c].caption, {x, top + panel_height}, caption, kInk);
      x += column_width[c] + gap;
    }
  }
  cv::Mat rgb, out;
  cv::cvtColor(canvas, rgb, cv::COLOR_BGR2RGB);
  rgb.convertTo(out, CV_32FC3, 1.0 / 255);
  return out;
}

}  // namespace depthstyle
