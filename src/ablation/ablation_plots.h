// The plots of an ablation summary (ablation/ablation_summary.h), as SVG files (report/svg_line_chart.h):
//   plots/<score>_vs_<beta|eps>[_<group>].svg          a score (whole image) against beta, one line per eps (or
//                                                     against eps, one line per beta), the DA-AdaIN means with
//                                                     their intervals as bands; every AdaIN reference setting as a
//                                                     horizontal line with its band
//   plots/<score>_near_far_vs_<beta|eps>[_<group>].svg the same for the near (solid) and far (dashed) halves
//   plots/tradeoff[_<group>].svg                      depth agreement against style distance, one point per setting
//                                                     (mean; whisker: the agreement's interval)
// <score> is depth_agreement, depth_spearman, content_distance or style_distance. A sweep plot exists when the
// DA-AdaIN settings take at least two values of its axis. Settings that differ in depth source, sizes or style mode
// form separate groups (numbered in order of appearance, suffix _<n>, only when there are several); the caption says
// which.
#pragma once

#include <string>
#include <vector>

#include "ablation/ablation_summary.h"

namespace depthstyle {

struct AblationPlot {
  std::string path;     // relative to the run folder, "plots/....svg"
  std::string caption;
  std::string svg;
};

std::vector<AblationPlot> ablation_plots(const AblationSummary& summary);

}  // namespace depthstyle
