#include "survey/grid_stimuli.h"

#include <map>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "grid/grid_record.h"

namespace depthstyle {
namespace {

nlohmann::json read_json(const std::filesystem::path& path, const std::string& hint) {
  if (!std::filesystem::exists(path)) throw InputError(concat(path.string(), ": not found; ", hint));
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& error) {
    throw InputError(concat(path.string(), ": not valid JSON: ", error.what()));
  }
}

// Whether a cell passes the stimuli.* filters (a filter only applies to cells that have the parameter).
bool passes(const GridRecord& record, const StudyStimuliOptions& options) {
  const GridSetting& setting = record.setting;
  const auto number_matches = [](bool has, double value, double wanted) {
    return wanted < 0 || !has || value == wanted;
  };
  return number_matches(setting.uses_content_weight, setting.content_weight, options.content_weight) &&
         number_matches(setting.uses_strength, setting.beta, options.beta) &&
         number_matches(setting.uses_strength, setting.eps, options.eps) &&
         (options.depth.empty() || !setting.uses_strength || setting.depth == options.depth);
}

// "beta=20,eps=0.15" / "content_weight=0": what tells a method's cells of one pair apart.
std::string setting_of(const GridRecord& record) {
  const std::string parameters = grid_blend_parameters_key(record.setting);
  return parameters.empty() ? "(no setting)" : parameters;
}

constexpr const char* kGridRunHint =
    "'stimuli.grid_run' must be a finished style_grid run folder (run configs/study_stimuli.yaml)";

// The run's manifest, which must say a style_grid run that succeeded, and the backbone it names.
void read_grid_manifest(const std::filesystem::path& run, GridStimuliSet& set) {
  set.manifest = read_json(run / "manifest.json", kGridRunHint);
  if (set.manifest.value("experiment", "") != "style_grid") {
    throw InputError(concat((run / "manifest.json").string(), ": experiment '", set.manifest.value("experiment", ""),
                            "', expected 'style_grid'; ", kGridRunHint));
  }
  if (set.manifest.value("status", "") != "succeeded") {
    throw InputError(concat((run / "manifest.json").string(), ": the run's status is '",
                            set.manifest.value("status", ""), "'; finish it first (depthstyle run CONFIG --resume)"));
  }
  const nlohmann::json backbone = set.manifest.value("backbone", nlohmann::json::object());
  set.reproduces_paper = backbone.value("reproduces_paper", false);
  set.backbone_label = backbone.value("label", std::string("unknown backbone"));
}

// Per pair (in first-appearance order), the cells of each of the two methods that pass the filters.
struct CellsByPair {
  std::vector<std::string> pair_order;
  std::map<std::string, std::map<std::string, std::vector<const GridRecord*>>> by_pair;
  std::map<std::string, std::vector<std::string>> filtered_out;  // pair -> settings the filters removed
};

CellsByPair group_cells_by_pair(const std::vector<GridRecord>& records, const StudyStimuliOptions& options,
                                const std::filesystem::path& results_path) {
  CellsByPair cells;
  std::set<std::string> methods_seen;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const GridRecord& record = records[i];
    const std::string method = to_string(record.setting.method);
    methods_seen.insert(method);
    if (method != options.baseline && method != options.proposed) continue;
    const std::string pair = grid_pair_key(record);
    if (!cells.by_pair.count(pair)) cells.pair_order.push_back(pair);
    auto& methods = cells.by_pair[pair];
    methods[method];
    if (!passes(record, options)) {
      cells.filtered_out[pair].push_back(concat(method, " ", setting_of(record)));
      continue;
    }
    if (!record.ok()) {
      throw InputError(concat(results_path.string(), " row ", i + 1, ": cell '", record.key, "' failed (",
                              record.error,
                              "); finish the grid (depthstyle run CONFIG --resume) or filter it out with stimuli.*"));
    }
    methods[method].push_back(&record);
  }
  for (const std::string& method : {options.baseline, options.proposed}) {
    if (!methods_seen.count(method)) {
      std::vector<std::string> seen(methods_seen.begin(), methods_seen.end());
      throw ConfigError(concat("'stimuli.", method == options.baseline ? "baseline" : "proposed", "': method '",
                               method, "' has no image in ", results_path.string(), " (methods there: ",
                               join(seen, ", "), ")", did_you_mean(method, seen)));
    }
  }
  return cells;
}

// The one image of `method` for `pair` that passes the filters; none or several is an error naming the settings.
GridStimulus pair_stimulus(const CellsByPair& cells, const std::string& pair, const std::string& method,
                           const std::filesystem::path& run) {
  const auto& methods = cells.by_pair.at(pair);
  const auto found = methods.find(method);
  const std::size_t count = found == methods.end() ? 0 : found->second.size();
  if (count == 1) {
    const GridRecord& record = *found->second.front();
    GridStimulus stimulus{method, run / record.output, record};
    if (!std::filesystem::is_regular_file(stimulus.file)) {
      throw InputError(
          concat(stimulus.file.string(), ": image of cell '", record.key, "' is missing from the grid run"));
    }
    return stimulus;
  }
  if (count == 0) {
    const auto removed = cells.filtered_out.find(pair);
    throw ConfigError(concat(pair, ": no ", method, " image passes the filters stimuli.content_weight/depth/beta/eps",
                             removed == cells.filtered_out.end()
                                 ? std::string(" (the grid has none)")
                                 : concat(" (the grid has: ", join(removed->second, "; "), ")")));
  }
  std::vector<std::string> settings;
  for (const GridRecord* record : found->second) settings.push_back(setting_of(*record));
  throw ConfigError(concat(pair, ": ", count, " ", method, " images (", join(settings, "; "),
                           "); choose one with stimuli.content_weight / stimuli.depth / stimuli.beta / "
                           "stimuli.eps"));
}

}  // namespace

GridStimuliSet read_grid_stimuli(const StudyStimuliOptions& options) {
  const std::filesystem::path run = options.grid_run;
  if (!std::filesystem::is_directory(run)) {
    throw InputError(concat(run.string(), ": no such folder; ", kGridRunHint));
  }
  GridStimuliSet set;
  read_grid_manifest(run, set);
  const std::filesystem::path results_path = run / "results.json";
  if (!std::filesystem::exists(results_path)) {
    throw InputError(concat(results_path.string(), ": not found; ", kGridRunHint));
  }
  const std::vector<GridRecord> records = read_grid_results(results_path);
  const CellsByPair cells = group_cells_by_pair(records, options, results_path);
  for (const std::string& pair : cells.pair_order) {
    GridComparison comparison;
    comparison.name = pair;
    comparison.baseline = pair_stimulus(cells, pair, options.baseline, run);
    comparison.proposed = pair_stimulus(cells, pair, options.proposed, run);
    set.comparisons.push_back(std::move(comparison));
  }
  if (set.comparisons.empty()) {
    throw ConfigError(concat(results_path.string(), ": no ", options.baseline, "/", options.proposed, " pair"));
  }
  return set;
}

}  // namespace depthstyle
