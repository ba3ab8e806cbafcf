// Text formatting shared by the SVG writers (svg_bar_chart.h, svg_line_chart.h): numbers with a fixed count of
// decimals, so a chart depends only on its input and compares byte for byte.
#pragma once

#include <string>

namespace depthstyle {

// printf("%.*f"): "0.500" for (0.5, 3).
std::string svg_fixed(double value, int decimals);
// Pixel coordinates with one decimal: enough for the eye, stable as text.
std::string svg_px(double value);

// Average glyph width of the 12 px sans-serif labels, for layout.
constexpr int kSvgCharWidth = 7;

}  // namespace depthstyle
