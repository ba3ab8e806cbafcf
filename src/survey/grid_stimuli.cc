#include "survey/grid_stimuli.h"

#include <map>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "grid/style_grid_report.h"

namespace depthstyle {
namespace {

bool has_number(const nlohmann::json& row, const char* key) {
  const auto field = row.find(key);
  return field != row.end() && field->is_number();
}

nlohmann::json read_json(const std::filesystem::path& path, const std::string& hint) {
  if (!std::filesystem::exists(path)) throw InputError(concat(path.string(), ": not found; ", hint));
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& error) {
    throw InputError(concat(path.string(), ": not valid JSON: ", error.what()));
  }
}

// Whether a row passes the stimuli.* filters (a filter only applies to rows that have the field).
bool passes(const nlohmann::json& row, const StudyStimuliOptions& options) {
  const auto number_matches = [&](const char* key, double wanted) {
    return wanted < 0 || !has_number(row, key) || row.at(key).get<double>() == wanted;
  };
  if (!number_matches("content_weight", options.content_weight)) return false;
  if (!number_matches("beta", options.beta)) return false;
  if (!number_matches("eps", options.eps)) return false;
  const std::string depth = style_grid_row_text(row, "depth");
  return options.depth.empty() || depth.empty() || depth == options.depth;
}

// "beta=20,eps=0.15" / "content_weight=0": what tells a method's rows of one pair apart.
std::string setting_of(const nlohmann::json& row) {
  std::vector<std::string> parts;
  for (const char* key : {"content_weight", "depth", "beta", "eps"}) {
    const std::string value = style_grid_row_text(row, key);
    if (!value.empty()) parts.push_back(concat(key, "=", value));
  }
  return parts.empty() ? "(no setting)" : join(parts, ",");
}

}  // namespace

GridStimuliSet read_grid_stimuli(const StudyStimuliOptions& options) {
  const std::filesystem::path run = options.grid_run;
  const std::string hint =
      "'stimuli.grid_run' must be a finished style_grid run folder (run configs/study_stimuli.yaml)";
  if (!std::filesystem::is_directory(run)) {
    throw InputError(concat(run.string(), ": no such folder; ", hint));
  }
  GridStimuliSet set;
  set.manifest = read_json(run / "manifest.json", hint);
  if (set.manifest.value("experiment", "") != "style_grid") {
    throw InputError(concat((run / "manifest.json").string(), ": experiment '", set.manifest.value("experiment", ""),
                            "', expected 'style_grid'; ", hint));
  }
  if (set.manifest.value("status", "") != "succeeded") {
    throw InputError(concat((run / "manifest.json").string(), ": the run's status is '",
                            set.manifest.value("status", ""), "'; finish it first (depthstyle run CONFIG --resume)"));
  }
  const nlohmann::json backbone = set.manifest.value("backbone", nlohmann::json::object());
  set.reproduces_paper = backbone.value("reproduces_paper", false);
  set.backbone_label = backbone.value("label", std::string("unknown backbone"));

  const std::filesystem::path results_path = run / "results.json";
  const nlohmann::json rows = read_json(results_path, hint);
  if (!rows.is_array()) throw InputError(concat(results_path.string(), ": expected a JSON array of result rows"));

  // Per pair (in first-appearance order), the rows of each of the two methods that pass the filters.
  std::vector<std::string> pair_order;
  std::map<std::string, std::map<std::string, std::vector<const nlohmann::json*>>> by_pair;
  std::map<std::string, std::vector<std::string>> filtered_out;  // pair -> settings the filters removed
  std::set<std::string> methods_seen;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const nlohmann::json& row = rows[i];
    const std::string where = concat(results_path.string(), " row ", i + 1);
    for (const char* key : {"key", "content", "style", "method", "content_size", "style_size", "output", "status"}) {
      if (!row.is_object() || !row.contains(key)) {
        throw InputError(concat(where, ": missing field '", key, "'; is this a style_grid results.json?"));
      }
    }
    const auto field = [&row](const char* key) { return style_grid_row_text(row, key); };
    const std::string method = field("method");
    methods_seen.insert(method);
    if (method != options.baseline && method != options.proposed) continue;
    const std::string pair = concat("content=", field("content"), ",style=", field("style"),
                                    ",content_size=", field("content_size"), ",style_size=", field("style_size"));
    if (!by_pair.count(pair)) pair_order.push_back(pair);
    auto& methods = by_pair[pair];
    methods[method];
    if (!passes(row, options)) {
      filtered_out[pair].push_back(concat(method, " ", setting_of(row)));
      continue;
    }
    if (field("status") != "ok") {
      throw InputError(concat(where, ": cell '", field("key"), "' failed (", field("error"),
                              "); finish the grid (depthstyle run CONFIG --resume) or filter it out with stimuli.*"));
    }
    methods[method].push_back(&row);
  }
  for (const std::string& method : {options.baseline, options.proposed}) {
    if (!methods_seen.count(method)) {
      std::vector<std::string> seen(methods_seen.begin(), methods_seen.end());
      throw ConfigError(concat("'stimuli.", method == options.baseline ? "baseline" : "proposed", "': method '",
                               method, "' has no image in ", results_path.string(), " (methods there: ",
                               join(seen, ", "), ")", did_you_mean(method, seen)));
    }
  }

  for (const std::string& pair : pair_order) {
    const auto& methods = by_pair.at(pair);
    GridComparison comparison;
    comparison.name = pair;
    for (const std::string& method : {options.baseline, options.proposed}) {
      const auto found = methods.find(method);
      const std::size_t count = found == methods.end() ? 0 : found->second.size();
      if (count == 1) {
        const nlohmann::json& row = *found->second.front();
        GridStimulus stimulus{method, run / style_grid_row_text(row, "output"), row};
        if (!std::filesystem::is_regular_file(stimulus.file)) {
          throw InputError(concat(stimulus.file.string(), ": image of cell '", style_grid_row_text(row, "key"),
                                  "' is missing from the grid run"));
        }
        (method == options.baseline ? comparison.baseline : comparison.proposed) = std::move(stimulus);
        continue;
      }
      if (count == 0) {
        const auto removed = filtered_out.find(pair);
        throw ConfigError(concat(
            pair, ": no ", method, " image passes the filters stimuli.content_weight/depth/beta/eps",
            removed == filtered_out.end() ? std::string(" (the grid has none)")
                                          : concat(" (the grid has: ", join(removed->second, "; "), ")")));
      }
      std::vector<std::string> settings;
      for (const nlohmann::json* row : found->second) settings.push_back(setting_of(*row));
      throw ConfigError(concat(pair, ": ", count, " ", method, " images (", join(settings, "; "),
                               "); choose one with stimuli.content_weight / stimuli.depth / stimuli.beta / "
                               "stimuli.eps"));
    }
    set.comparisons.push_back(std::move(comparison));
  }
  if (set.comparisons.empty()) {
    throw ConfigError(concat(results_path.string(), ": no ", options.baseline, "/", options.proposed, " pair"));
  }
  return set;
}

}  // namespace depthstyle
