#include "grid/style_grid_report.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <map>
#include <set>

#include "core/atomic_file.h"
#include "core/build_info.h"
#include "core/error.h"
#include "core/text.h"
#include "io/image.h"
#include "report/figure_sheet.h"
#include "report/report.h"

namespace depthstyle {

namespace {

// A picture of the run folder as a panel, shrunk to `height` at once (a sheet of study stimuli holds dozens of
// 1000 px pictures); a grey placeholder with the reason if it is missing.
FigurePanel picture_panel(const std::filesystem::path& dir, const std::string& path, std::vector<std::string> caption,
                          int height) {
  FigurePanel panel;
  panel.caption = std::move(caption);
  if (path.empty() || !std::filesystem::exists(dir / path)) {
    panel.caption.push_back("(missing)");
    return panel;
  }
  const cv::Mat image = load_image(dir / path).rgb;
  if (image.rows <= height) {
    panel.image = image;
  } else {
    const int width = std::max(1, static_cast<int>(std::lround(image.cols * static_cast<double>(height) / image.rows)));
    cv::resize(image, panel.image, {width, height}, 0, 0, cv::INTER_AREA);
  }
  return panel;
}

FigurePanel output_panel(const std::filesystem::path& dir, const GridRecord& row, std::vector<std::string> caption,
                         int height) {
  if (row.ok()) return picture_panel(dir, row.output, std::move(caption), height);
  caption.push_back("FAILED:");
  const std::string error = row.error;
  caption.push_back(error.size() > 40 ? error.substr(0, 37) + "..." : error);
  return {cv::Mat(), caption};
}

std::string content_picture(const GridRecord& row) {
  return concat("inputs/content=", row.content, ",content_size=", row.content_size, ".png");
}

std::vector<std::string> style_pictures(const StyleGridOptions& options, const GridRecord& row) {
  std::vector<std::string> pictures;
  for (const StyleGridStyle& style : options.styles) {
    if (style.name != row.style) continue;
    for (std::size_t i = 0; i < style.images.size(); ++i) {
      pictures.push_back(concat("inputs/style=", style.name, ",style_size=", row.style_size, ",image=",
                                i + 1, ".png"));
    }
  }
  return pictures;
}

class SheetWriter {
 public:
  SheetWriter(const StyleGridOptions& options, const std::vector<GridRecord>& rows, const nlohmann::json& backbone,
              const CommonOptions& common, const std::filesystem::path& dir)
      : options_(options), rows_(rows), dir_(dir) {
    title_ = options.figures.title.empty() ? common.name : options.figures.title;
    notes_.push_back("backbone: " + backbone.value("label", std::string("?")));
    notes_.push_back("AdaIN = paper eq. 4 (content weight = the paper's alpha); DA-AdaIN = eq. 5 with the strength "
                     "map of Algorithm 1 (beta, eps)");
    std::set<std::string> depths;
    for (const GridRecord& row : rows) {
      if (!row.setting.depth.empty()) depths.insert(row.setting.depth);
    }
    name_depth_ = depths.size() > 1;
    if (!depths.empty()) {
      std::vector<std::string> described;
      for (const std::string& depth : depths) {
        described.push_back(depth == "map" ? "map = each content's precomputed depth map" : depth + " = estimator");
      }
      notes_.push_back("depth: " + join(described, "; "));
    }
    notes_.push_back(concat("run ", common.name, ", tool revision ", build_info().git_revision.substr(0, 12),
                            build_info().git_dirty ? " (modified)" : ""));
  }

  // Fig. 3: contents (first size) with their proximity maps, styles (first size).
  std::pair<std::string, std::string> inputs_sheet() {
    FigureSheet sheet{title_ + ": inputs", notes_, {}};
    FigureRow contents{"content", {}};
    std::map<std::string, FigureRow> proximity_rows;
    std::set<std::string> seen_contents;
    for (const GridRecord& row : rows_) {
      if (row.content_size != rows_.front().content_size) continue;
      const std::string content = row.content;
      if (!seen_contents.insert(content).second) continue;
      contents.panels.push_back(panel(content_picture(row), {content}));
    }
    std::set<std::string> seen_maps;
    for (const GridRecord& row : rows_) {
      const std::string map = row.proximity_map;
      if (map.empty() || row.content_size != rows_.front().content_size) continue;
      if (!seen_maps.insert(map).second) continue;
      FigureRow& target = proximity_rows["proximity (" + row.setting.depth + ")"];
      target.panels.push_back(panel(map, {row.content}));
    }
    sheet.rows.push_back(contents);
    for (auto& [label, row] : proximity_rows) {
      row.label = label;
      sheet.rows.push_back(row);
    }
    FigureRow styles{"style", {}};
    std::set<std::string> seen_styles;
    for (const GridRecord& row : rows_) {
      if (row.style_size != rows_.front().style_size) continue;
      if (!seen_styles.insert(row.style).second) continue;
      for (const std::string& picture : style_pictures(options_, row)) {
        styles.panels.push_back(panel(picture, {row.style}));
      }
    }
    sheet.rows.push_back(styles);
    return write(sheet, "figures/inputs.png", "Inputs (Fig. 3): contents, their proximity maps, styles");
  }

  // Fig. 4 / 5: one sheet per content/style pair and sizes, a column per cell.
  std::vector<std::pair<std::string, std::string>> sweep_sheets() {
    std::vector<std::pair<std::string, std::string>> written;
    std::vector<std::string> groups;
    std::map<std::string, std::vector<const GridRecord*>> members;
    for (const GridRecord& row : rows_) {
      if (members[grid_pair_key(row)].empty()) groups.push_back(grid_pair_key(row));
      members[grid_pair_key(row)].push_back(&row);
    }
    for (const std::string& group : groups) {
      const GridRecord& first = *members[group].front();
      FigureSheet sheet{concat(title_, ": ", first.content, " x ", first.style), notes_, {}};
      FigureRow inputs{"inputs", {panel(content_picture(first), {"content " + first.content,
                                                                               concat(first.content_size, " px")})}};
      for (const std::string& picture : style_pictures(options_, first)) {
        inputs.panels.push_back(panel(picture, {"style " + first.style,
                                                              concat(first.style_size, " px")}));
      }
      std::set<std::string> maps;
      FigureRow outputs{"output", {}}, strengths{"strength", {}};
      for (const GridRecord* row : members[group]) {
        const std::string map = row->proximity_map;
        if (!map.empty() && maps.insert(map).second) {
          inputs.panels.push_back(panel(map, {"proximity (" + row->setting.depth + ")"}));
        }
        outputs.panels.push_back(output(*row, caption_lines(*row)));
        const std::string strength = row->strength_map;
        strengths.panels.push_back(strength.empty() ? FigurePanel{} : panel(strength, {}));
      }
      sheet.rows = {inputs, outputs, strengths};
      written.push_back(write(sheet, "figures/sweep," + group + ".png",
                              concat("Sweep: ", first.content, " x ", first.style)));
    }
    return written;
  }

  // Fig. 6: a column per content/style pair; a row per setting, then the maps.
  std::pair<std::string, std::string> compare_sheet() {
    std::vector<std::string> groups, settings, strength_settings;
    std::map<std::string, std::map<std::string, const GridRecord*>> cell;  // group -> setting -> row
    for (const GridRecord& row : rows_) {
      const std::string group = grid_pair_key(row), setting = grid_setting_label(row, name_depth_);
      if (cell[group].empty()) groups.push_back(group);
      if (std::find(settings.begin(), settings.end(), setting) == settings.end()) settings.push_back(setting);
      cell[group][setting] = &row;
    }
    FigureSheet sheet{options_.figures.title.empty() ? title_ + ": comparison" : title_, notes_, {}};
    FigureRow contents{"content", {}}, styles{"style", {}};
    for (const std::string& group : groups) {
      const GridRecord& first = *cell[group].begin()->second;
      contents.panels.push_back(panel(content_picture(first), {first.content}));
      const std::vector<std::string> pictures = style_pictures(options_, first);
      styles.panels.push_back(panel(pictures.empty() ? "" : pictures.front(), {first.style}));
    }
    sheet.rows = {contents, styles};
    std::vector<FigureRow> map_rows;
    for (const std::string& setting : settings) {
      // one line per part of the label: "DA-AdaIN\nbeta 20\neps 0.15"
      std::string label = setting;
      for (std::size_t at = label.find(", "); at != std::string::npos; at = label.find(", ")) label.replace(at, 2, "\n");
      FigureRow outputs{label, {}}, proximity{"proximity", {}}, strength{"strength map\n" + label, {}};
      bool has_strength = false;
      for (const std::string& group : groups) {
        const auto found = cell[group].find(setting);
        if (found == cell[group].end()) {
          outputs.panels.emplace_back();
          proximity.panels.emplace_back();
          strength.panels.emplace_back();
          continue;
        }
        outputs.panels.push_back(output(*found->second, {}));
        const std::string map = found->second->strength_map;
        has_strength = has_strength || !map.empty();
        proximity.panels.push_back(map.empty() ? FigurePanel{}
                                               : panel(found->second->proximity_map, {}));
        strength.panels.push_back(map.empty() ? FigurePanel{} : panel(map, {}));
      }
      sheet.rows.push_back(outputs);
      if (has_strength) {
        if (map_rows.empty()) map_rows.push_back(proximity);
        map_rows.push_back(strength);
      }
    }
    for (FigureRow& row : map_rows) sheet.rows.push_back(std::move(row));
    return write(sheet, "figures/compare.png", "Comparison (Fig. 6): a column per content/style pair");
  }

 private:
  FigurePanel panel(const std::string& path, std::vector<std::string> caption) const {
    return picture_panel(dir_, path, std::move(caption), options_.figures.panel_height);
  }
  FigurePanel output(const GridRecord& row, std::vector<std::string> caption) const {
    return output_panel(dir_, row, std::move(caption), options_.figures.panel_height);
  }

  std::vector<std::string> caption_lines(const GridRecord& row) const {
    const std::string label = grid_setting_label(row, name_depth_);
    // "DA-AdaIN, beta 20, eps 0.15" -> two lines, so columns stay narrow
    const std::size_t comma = label.find(", ");
    if (comma == std::string::npos) return {label};
    return {label.substr(0, comma), label.substr(comma + 2)};
  }

  std::pair<std::string, std::string> write(const FigureSheet& sheet, const std::string& path,
                                            const std::string& caption) {
    save_image(dir_ / path, draw_figure_sheet(sheet, options_.figures.panel_height));
    return {path, caption};
  }

  const StyleGridOptions& options_;
  const std::vector<GridRecord>& rows_;
  std::filesystem::path dir_;
  std::string title_;
  std::vector<std::string> notes_;
  bool name_depth_ = false;
};

}  // namespace

ResultTable write_style_grid_results(const StyleGridOptions& options, const std::vector<GridRecord>& records,
                                     const std::filesystem::path& dir) {
  ResultTable table = grid_record_table(options.scores.enabled);
  for (const GridRecord& record : records) add_grid_record_row(table, record);
  write_file_atomically(dir / "results.csv", table.to_csv());
  write_file_atomically(dir / "results.json", table.to_json().dump(2) + "\n");
  return table;
}

std::vector<std::pair<std::string, std::string>> write_style_grid_figures(const StyleGridOptions& options,
                                                                          const std::vector<GridRecord>& records,
                                                                          const nlohmann::json& backbone,
                                                                          const CommonOptions& common,
                                                                          const std::filesystem::path& dir) {
  if (options.figures.layout == "none" || records.empty()) return {};
  SheetWriter sheets(options, records, backbone, common, dir);
  std::vector<std::pair<std::string, std::string>> figures = {sheets.inputs_sheet()};
  if (options.figures.layout == "sweep") {
    for (auto& sheet : sheets.sweep_sheets()) figures.push_back(std::move(sheet));
  } else {
    figures.push_back(sheets.compare_sheet());
  }
  return figures;
}

std::filesystem::path write_style_grid_report(const StyleGridOptions& options, const std::vector<GridRecord>& records,
                                              const nlohmann::json& backbone, const CommonOptions& common,
                                              const RunRecord& record) {
  const std::filesystem::path& dir = record.dir();
  const ResultTable table = write_style_grid_results(options, records, dir);
  std::size_t failed = 0;
  for (const GridRecord& cell : records) failed += cell.ok() ? 0 : 1;

  const std::string report_title = options.figures.title.empty() ? "Style grid " + common.name : options.figures.title;
  Report report(report_title);
  if (!backbone.value("reproduces_paper", false)) {
    report.add_paragraph("These pictures were made with the " + backbone.value("label", std::string("?")) +
                         ". It shows what the strength map does, but it is not the paper's method: only the VGG "
                         "backbone with the published AdaIN weights reproduces the paper's figures.");
  }
  report.add_facts({{"backbone", backbone.value("label", std::string("?"))},
                    {"cells", concat(records.size() - failed, " ok, ", failed, " failed")},
                    {"methods", join(options.methods, ", ")},
                    {"content weight", "the paper's alpha (weight of the CONTENT features); the reference port's "
                                       "alpha = 1 - content weight"},
                    {"strength map", "Algorithm 1: beta = prominence, eps = offset (strength capped at 1 - eps)"}});
  if (failed > 0) report.add_paragraph(concat(failed, " cell(s) failed; their rows carry the error."));
  const std::vector<std::pair<std::string, std::string>> figures =
      write_style_grid_figures(options, records, backbone, common, dir);
  nlohmann::json figure_list = nlohmann::json::array();
  if (!figures.empty()) {
    report.add_heading("Figures");
    for (const auto& [path, caption] : figures) {
      report.add_figure(path, caption);
      figure_list.push_back({{"file", path}, {"caption", caption}});
    }
  }
  write_file_atomically(dir / "figures.json", nlohmann::json{{"title", report_title}, {"backbone", backbone},
                                                             {"figures", figure_list}}.dump(2) + "\n");
  report.add_heading("Cells");
  report.add_table(table);
  return report.write(dir, "report");
}

}  // namespace depthstyle
