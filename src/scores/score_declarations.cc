#include "scores/score_declarations.h"

namespace depthstyle {

DepthEstimatorConfig default_score_depth_estimator() {
  DepthEstimatorConfig config;
  config.name = "dark_channel";
  config.type = "dark_channel";
  return config;
}

std::vector<Column> grid_score_columns() {
  return {{"score_network", "Score network"},
          {"score_depth", "Score depth estimator"},
          {"regions_depth", "Near/far from"},
          {"depth_agreement", "Depth agreement", ColumnKind::kNumber, 3},
          {"depth_pairs", "Pairs", ColumnKind::kInteger},
          {"depth_ties", "Ties/unknown", ColumnKind::kInteger},
          {"depth_agreement_near", "Agreement near", ColumnKind::kNumber, 3},
          {"depth_pairs_near", "Pairs near", ColumnKind::kInteger},
          {"depth_agreement_far", "Agreement far", ColumnKind::kNumber, 3},
          {"depth_pairs_far", "Pairs far", ColumnKind::kInteger},
          {"depth_spearman", "Depth Spearman", ColumnKind::kNumber, 3},
          {"depth_spearman_near", "Spearman near", ColumnKind::kNumber, 3},
          {"depth_spearman_far", "Spearman far", ColumnKind::kNumber, 3},
          {"content_distance", "Content distance", ColumnKind::kSignificant, 4},
          {"content_distance_near", "Content near", ColumnKind::kSignificant, 4},
          {"content_distance_far", "Content far", ColumnKind::kSignificant, 4},
          {"style_distance", "Style distance", ColumnKind::kSignificant, 4},
          {"style_distance_near", "Style near", ColumnKind::kSignificant, 4},
          {"style_distance_far", "Style far", ColumnKind::kSignificant, 4},
          {"seconds_scores", "Scores s", ColumnKind::kNumber, 3}};
}

}  // namespace depthstyle
