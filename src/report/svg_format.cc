#include "report/svg_format.h"

#include <cstdio>

namespace depthstyle {

std::string svg_fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string svg_px(double value) { return svg_fixed(value, 1); }

}  // namespace depthstyle
