#include "paper/paper_job.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "config/config_document.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/text.h"
#include "data/sample_fetch.h"
#include "diw/middlebury_set.h"
#include "paper/reproduction_report.h"
#include "run/run_experiment.h"
#include "survey/study_create.h"
#include "survey/study_database.h"
#include "survey/study_options.h"

namespace depthstyle {
namespace {

const std::vector<std::string> kStepKinds = {"run", "study", "diw_middlebury_set"};
// The paper keys a step may test with only_if or use as "{key}" in an override.
const std::vector<std::string> kPaperValueKeys = {"diw.csv", "diw.weights_dir"};

bool is_safe_name(const std::string& name) {
  return !name.empty() && name[0] != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// The names inside "{...}" in `text`, in order.
std::vector<std::string> placeholders_of(const std::string& text) {
  std::vector<std::string> names;
  for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    const std::size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    const std::string name = text.substr(open + 1, close - open - 1);
    // YAML flow maps ("{name: x, type: y}") are not placeholders: those hold spaces, commas or colons-with-space.
    if (name.find_first_of(" ,") == std::string::npos && !name.empty()) names.push_back(name);
  }
  return names;
}

std::string substitute(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    const std::string token = "{" + name + "}";
    for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + value.size())) {
      text.replace(at, token.size(), value);
    }
  }
  return text;
}

// Rethrows the exception being handled with `prefix` before its message, keeping its type (and so the exit code).
[[noreturn]] void rethrow_with_prefix(const std::string& prefix) {
  try {
    throw;
  } catch (const Interrupted&) {
    throw;
  } catch (const ConfigError& error) {
    throw ConfigError(prefix + error.what());
  } catch (const UsageError& error) {
    throw UsageError(prefix + error.what());
  } catch (const InputError& error) {
    throw InputError(prefix + error.what());
  } catch (const std::exception& error) {
    throw Error(prefix + error.what());
  }
}

class PaperJob {
 public:
  PaperJob(const PaperOptions& options, RunContext& context, const std::vector<ExperimentKind>& kinds)
      : options_(options), context_(context), kinds_(kinds), root_(context.record.dir() / "steps") {
    values_ = {{"diw.csv", options.diw_csv}, {"diw.weights_dir", options.diw_weights_dir}};
  }

  void run() {
    RunRecord& record = context_.record;
    const std::size_t count = options_.steps.size();
    ReproductionSources sources;
    sources.other_runs.push_back(record.dir());
    std::vector<std::filesystem::path> results;  // folders of the finished run and study steps
    ProgressBar progress("paper steps", count);
    for (std::size_t index = 0; index < count; ++index) {
      throw_if_interrupted();
      const PaperStep& step = options_.steps[index];
      const nlohmann::json entry = run_or_skip(index);
      steps_.push_back(entry);
      if (entry.at("status") == "not run") {
        sources.not_run.push_back(concat("step '", step.name, "': ", entry.at("reason").get<std::string>()));
      } else if (step.kind == "run" || step.kind == "study") {
        results.push_back(record.dir() / entry.at("folder").get<std::string>());
      }
      progress.advance();
    }
    progress.finish();
    write_steps(count, {});

    for (const std::filesystem::path& folder : results) add_report_source(folder, sources);
    ReproductionReportOptions report;
    report.figure_max_side = options_.figure_max_side;
    context_.report = write_reproduction_report(sources, record.dir(), report);
  }

 private:
  static std::string unit_of(const PaperStep& step) { return "step=" + step.name; }

  // Runs step `index` unless it finished earlier or its only_if key is empty; returns its steps.json entry. A failure
  // is recorded in steps.json and rethrown with the step's name in front.
  nlohmann::json run_or_skip(std::size_t index) {
    RunRecord& record = context_.record;
    const PaperStep& step = options_.steps[index];
    const std::string position = concat("step ", index + 1, "/", options_.steps.size(), " '", step.name, "'");
    nlohmann::json entry = {{"name", step.name}, {"kind", step.kind}, {"config", step.config}};
    try {
      const std::vector<std::string> overrides = step_overrides(step);
      const std::filesystem::path folder = folder_of(step, overrides);
      values_["step:" + step.name] = folder.string();
      entry["folder"] = folder.lexically_relative(record.dir()).generic_string();
      if (!step.only_if.empty() && values_.at(step.only_if).empty()) {
        log_info(position, ": not run, ", step.only_if, " is not given");
        entry["status"] = "not run";
        entry["reason"] = concat(step.only_if, " is not given");
        return entry;
      }
      if (record.is_done(unit_of(step))) {
        log_info(position, ": finished earlier, skipped");
      } else {
        log_info(position, " (", step.kind, "): ", folder.string());
        write_steps(index, entry);
        run_step(step, overrides, folder);
        set_log_file(record.dir() / "log.txt");  // the step's run record took the log over
      }
      entry["status"] = "succeeded";
      record.complete_unit(unit_of(step), entry);
      return entry;
    } catch (...) {
      set_log_file(record.dir() / "log.txt");
      entry["status"] = "failed";
      try {
        throw;
      } catch (const std::exception& error) {
        entry["reason"] = error.what();
      }
      write_steps(index, entry);
      rethrow_with_prefix(concat("step '", step.name, "'", step.config.empty() ? "" : " (" + step.config + ")", ": "));
    }
  }

  std::vector<std::string> step_overrides(const PaperStep& step) const {
    std::vector<std::string> overrides;
    for (const std::string& assignment : step.overrides) overrides.push_back(substitute(assignment, values_));
    if (step.kind != "run" || experiment_of(step, overrides) != "style_grid") return overrides;
    overrides.insert(overrides.end(), options_.grid_overrides.begin(), options_.grid_overrides.end());
    if (!options_.backbone_encoder.empty()) {
      overrides.push_back("backbone.type=vgg");
      overrides.push_back("backbone.encoder=" + options_.backbone_encoder);
      overrides.push_back("backbone.decoder=" + options_.backbone_decoder);
    }
    return overrides;
  }

  static std::string experiment_of(const PaperStep& step, const std::vector<std::string>& overrides) {
    ConfigDocument document = ConfigDocument::from_file(step.config);
    for (const std::string& assignment : overrides) document.apply_override(assignment);
    const YAML::Node node = document.root()["experiment"];
    if (!node || !node.IsScalar()) {
      throw ConfigError(concat(step.config, ": a 'run' step needs a config with an 'experiment' key"));
    }
    return node.Scalar();
  }

  std::filesystem::path folder_of(const PaperStep& step, const std::vector<std::string>& overrides) const {
    if (step.kind == "run") return RunRecord::folder_of(root_, experiment_of(step, overrides), step.name);
    if (step.kind == "study") return root_ / "study" / step.name;
    return root_ / "data" / step.name;
  }

  void run_step(const PaperStep& step, const std::vector<std::string>& overrides,
                const std::filesystem::path& folder) const {
    if (step.kind == "run") {
      run_run_step(step, overrides, folder);
    } else if (step.kind == "study") {
      run_study_step(step, overrides, folder);
    } else {
      run_middlebury_step(step, overrides, folder);
    }
  }

  void run_run_step(const PaperStep& step, std::vector<std::string> overrides,
                    const std::filesystem::path& folder) const {
    const std::filesystem::path manifest = folder / "manifest.json";
    overrides.push_back("output_dir=" + root_.string());
    overrides.push_back("name=" + step.name);
    RunRequest request;
    request.config_path = step.config;
    request.overrides = overrides;
    request.threads = context_.common.threads;
    request.resume = std::filesystem::exists(manifest);
    request.command_line = {"depthstyle", "run", step.config, "(step '" + step.name + "' of the paper run " +
                                                                  context_.record.dir().string() + ")"};
    std::ostringstream unused;  // run_experiment prints only with print_config / print_run_folder
    run_experiment(request, kinds_, unused);
  }

  static void run_study_step(const PaperStep& step, const std::vector<std::string>& overrides,
                             const std::filesystem::path& folder) {
    // A study folder appears complete or not at all (core/staged_folder.h).
    if (std::filesystem::is_regular_file(folder / kStudyDatabaseName)) return;
    ConfigDocument document = ConfigDocument::from_file(step.config);
    for (const std::string& assignment : overrides) document.apply_override(assignment);
    document.apply_override("output_dir=" + folder.parent_path().string());
    document.apply_override("name=" + step.name);
    const StudyConfig config = read_study_config(document, step.name);
    const StudyCreateSummary summary = create_study(config.options, config.resolved_yaml);
    log_info("study ", summary.folder.string(), ": ", summary.pairs, " pairs, ", summary.sentinels, " sentinels, ",
             summary.trials_per_respondent, " trials per respondent");
  }

  static void run_middlebury_step(const PaperStep& step, const std::vector<std::string>& overrides,
                                  const std::filesystem::path& folder) {
    ConfigDocument document = ConfigDocument::from_string("{}", concat("step '", step.name, "'"));
    for (const std::string& assignment : overrides) document.apply_override(assignment);
    MiddleburyDiwOptions options;
    Schema schema(concat("step '", step.name, "' (diw_middlebury_set)"));
    schema.add("pairs_per_image", &options.pairs_per_image, "point pairs drawn on each photo").range(1, 10000000);
    schema.add("seed", &options.seed, "seed of the pair draws").at_least(0);
    schema.add("min_ratio", &options.min_ratio, "minimum ratio of the two points' disparities").range(1, 100);
    schema.read(document);
    const MiddleburyDiwSummary summary = make_diw_middlebury(default_cache_dir(), folder, options);
    log_info("Middlebury DIW set ", summary.csv.string(), ": ", summary.entries, " pairs",
             summary.already_present ? " (already there)" : "");
  }

  // steps.json: the steps done so far, the one at `index` as `current` ("running" unless it has a status), the rest
  // pending.
  void write_steps(std::size_t index, const nlohmann::json& current) const {
    nlohmann::json list = nlohmann::json::array();
    for (const nlohmann::json& step : steps_) list.push_back(step);
    for (std::size_t i = steps_.size(); i < options_.steps.size(); ++i) {
      if (i == index && !current.is_null()) {
        nlohmann::json step = current;
        if (!step.contains("status")) step["status"] = "running";
        list.push_back(step);
      } else {
        list.push_back({{"name", options_.steps[i].name}, {"kind", options_.steps[i].kind}, {"status", "pending"}});
      }
    }
    write_file_atomically(context_.record.dir() / "steps.json", nlohmann::json{{"steps", list}}.dump(2) + "\n");
  }

  const PaperOptions& options_;
  RunContext& context_;
  const std::vector<ExperimentKind>& kinds_;
  std::filesystem::path root_;
  std::map<std::string, std::string> values_;
  std::vector<nlohmann::json> steps_;
};

}  // namespace

void declare_paper(Schema& schema, PaperOptions& options) {
  schema.add("diw.csv", &options.diw_csv, "the real DIW test set's CSV ('' = no real DIW evaluation; "
                                          "datasets/README.md says how to lay it out)");
  schema.add("diw.weights_dir", &options.diw_weights_dir,
             "folder of the depth models' files, laid out as configs/table1.yaml says ('' = models not run)");
  schema.add("backbone.encoder", &options.backbone_encoder,
             "the paper's VGG encoder (vgg_normalised.pth) for every figure and stimulus ('' = the weight-free "
             "pyramid stand-in)");
  schema.add("backbone.decoder", &options.backbone_decoder, "the paper's AdaIN decoder (decoder.pth), with "
                                                            "backbone.encoder");
  schema.add("grids.set", &options.grid_overrides,
             "overrides for every style_grid step, after its own (e.g. smaller grid.content_sizes for a quick run)");
  schema.add("report.figure_max_side", &options.figure_max_side,
             "longer side of the pictures embedded in the report page, px (linked files keep their size)")
      .range(64, 8192);
  schema.add_list<PaperStep>(
      "steps", &options.steps,
      [](Schema& step_schema, PaperStep& step) {
        step_schema.add("name", &step.name, "folder name of the step's output and its unit for --resume")
            .required()
            .non_empty();
        step_schema.add("kind", &step.kind, "run (depthstyle run CONFIG), study (survey create CONFIG) or "
                                            "diw_middlebury_set (data make-diw-middlebury)")
            .one_of(kStepKinds);
        step_schema.add("config", &step.config, "the step's YAML config (run, study)");
        step_schema.add("set", &step.overrides, "overrides as --set key=value; {step:NAME} = an earlier step's "
                                                "folder, {diw.csv} / {diw.weights_dir} = the paper's keys");
        step_schema.add("only_if", &step.only_if, "run only when this paper key is non-empty ('' = always)");
      },
      "the steps of the job, in order")
      .required();
}

void check_paper(const PaperOptions& options) {
  std::vector<std::string> problems;
  if (options.backbone_encoder.empty() != options.backbone_decoder.empty()) {
    problems.push_back("'backbone.encoder' and 'backbone.decoder': give both (the paper's networks) or neither "
                       "(the weight-free stand-in)");
  }
  if (options.steps.empty()) problems.push_back("'steps': list at least one step");
  for (const std::string& assignment : options.grid_overrides) {
    if (assignment.find('=') == std::string::npos) {
      problems.push_back(concat("'grids.set': '", assignment, "' is not key.path=value"));
    }
  }
  std::set<std::string> earlier;
  for (std::size_t i = 0; i < options.steps.size(); ++i) {
    const PaperStep& step = options.steps[i];
    const std::string key = concat("'steps[", i, "]' (", step.name, ")");
    if (!is_safe_name(step.name)) {
      problems.push_back(concat(key, ": 'name' cannot name a folder; use letters, digits, '-', '_' and '.'"));
    }
    if (earlier.count(step.name)) problems.push_back(concat(key, ": the name is used by an earlier step"));
    if (step.kind == "diw_middlebury_set") {
      if (!step.config.empty()) problems.push_back(concat(key, ": a diw_middlebury_set step takes no 'config'"));
    } else if (step.config.empty()) {
      problems.push_back(concat(key, ": 'config' is required for a ", step.kind, " step"));
    } else if (!std::filesystem::is_regular_file(step.config)) {
      problems.push_back(concat(key, ": 'config': ", step.config, " does not exist"));
    }
    if (!step.only_if.empty() &&
        std::find(kPaperValueKeys.begin(), kPaperValueKeys.end(), step.only_if) == kPaperValueKeys.end()) {
      problems.push_back(concat(key, ": 'only_if': '", step.only_if, "' is not one of ", join(kPaperValueKeys, ", "),
                                did_you_mean(step.only_if, kPaperValueKeys)));
    }
    for (const std::string& assignment : step.overrides) {
      if (assignment.find('=') == std::string::npos) {
        problems.push_back(concat(key, ": 'set': '", assignment, "' is not key.path=value"));
      }
      for (const std::string& name : placeholders_of(assignment)) {
        const bool known_key = std::find(kPaperValueKeys.begin(), kPaperValueKeys.end(), name) != kPaperValueKeys.end();
        const bool earlier_step = starts_with(name, "step:") && earlier.count(name.substr(5));
        if (!known_key && !earlier_step) {
          problems.push_back(concat(key, ": 'set': '{", name, "}' in '", assignment, "' is neither an earlier step ",
                                    "({step:NAME}) nor one of {", join(kPaperValueKeys, "}, {"), "}"));
        }
      }
    }
    earlier.insert(step.name);
  }
  if (!problems.empty()) throw ConfigError("experiment 'paper':\n  " + join(problems, "\n  "));
}

void run_paper(const PaperOptions& options, RunContext& context, const std::vector<ExperimentKind>& kinds) {
  PaperJob(options, context, kinds).run();
}

}  // namespace depthstyle
