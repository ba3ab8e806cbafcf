#include "run/run_experiment.h"

#include <algorithm>
#include <functional>
#include <map>

#include "config/config_document.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "run/run_folder.h"
#include "tensor/runtime.h"
#include "core/text.h"

namespace depthstyle {
namespace {

const ExperimentKind& select_kind(const ConfigDocument& document, const std::vector<ExperimentKind>& kinds,
                                  std::vector<std::string>& names) {
  for (const ExperimentKind& kind : kinds) names.push_back(kind.name);
  const YAML::Node node = document.root()["experiment"];
  if (!node || !node.IsScalar()) {
    throw ConfigError(concat(document.source_name(), ": missing required key 'experiment' (which runner to use; ",
                             "one of ", join(names, ", "), ")"));
  }
  for (const ExperimentKind& kind : kinds) {
    if (kind.name == node.Scalar()) return kind;
  }
  throw ConfigError(concat(document.location("experiment", node), ": 'experiment': '", node.Scalar(),
                           "' is not one of ", join(names, ", "), did_you_mean(node.Scalar(), names)));
}

void check_run_name(const std::string& name) {
  const bool safe = !name.empty() && name[0] != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!safe) {
    throw ConfigError(concat("'name': '", name, "' cannot name a run folder; use letters, digits, '-', '_' and '.'"));
  }
}

// "key: value" for every leaf of a YAML tree, for listing what differs between two configs.
std::map<std::string, std::string> leaves_of(const YAML::Node& node, const std::string& prefix = "") {
  std::map<std::string, std::string> leaves;
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = prefix.empty() ? entry.first.Scalar() : prefix + "." + entry.first.Scalar();
      leaves.merge(leaves_of(entry.second, key));
    }
  } else {
    YAML::Emitter text;
    text << YAML::Flow << node;
    leaves[prefix] = text.c_str();
  }
  return leaves;
}

// --resume continues the same experiment: any key that changes results must be as it was.
void check_resume_matches(const std::filesystem::path& stored_config, const ExperimentKind& kind,
                          const Schema& current, const std::vector<std::string>& names) {
  if (!std::filesystem::exists(stored_config)) return;  // RunRecord reports the missing run
  CommonOptions stored_common;
  std::unique_ptr<Experiment> stored_experiment = kind.create();
  Schema stored = experiment_schema(kind.name, stored_common, *stored_experiment, names);
  stored.read(ConfigDocument::from_file(stored_config));
  const auto before = leaves_of(stored.to_node(/*include_runtime_only=*/false));
  const auto now = leaves_of(current.to_node(/*include_runtime_only=*/false));
  std::vector<std::string> changes;
  for (const auto& [key, value] : now) {
    const auto old = before.find(key);
    if (old == before.end() || old->second != value) {
      changes.push_back(concat(key, ": ", old == before.end() ? "(absent)" : old->second, " -> ", value));
    }
  }
  if (!changes.empty()) {
    throw UsageError(concat("--resume: the config differs from the one ", stored_config.string(),
                            " was started with:\n  ", join(changes, "\n  "),
                            "\nresume with the same config, or start a new run with --set name=<other>"));
  }
}

bool names_the_run(const RunRequest& request) {
  return std::any_of(request.overrides.begin(), request.overrides.end(),
                     [](const std::string& assignment) { return starts_with(trim(assignment), "name="); });
}

// The run folder's name: the config's, unless a run of that name exists (a new run then gets a timestamped one, and
// --resume without --set name= picks the latest unfinished one, run/run_folder.h). Shards keep their fixed names, which the cluster
// scripts derive and merge.
std::string choose_run_name(const RunRequest& request, const std::filesystem::path& experiment_dir,
                            const std::string& name) {
  if (!request.shard.empty()) return name;
  if (request.resume) {
    if (names_the_run(request)) return name;
    // No run at all: RunRecord says there is nothing to resume.
    return run_to_resume(experiment_dir, name).value_or(name);
  }
  if (!std::filesystem::exists(experiment_dir / name / "manifest.json")) return name;
  const bool claim = !request.print_run_folder;
  const std::string fresh = new_run_name(experiment_dir, name, claim);
  if (claim) {
    log_info("run folder ", (experiment_dir / name).string(), " exists; starting a new run in ",
             (experiment_dir / fresh).string(), " (--resume continues the latest unfinished run instead)");
  }
  return fresh;
}

}  // namespace

Schema experiment_schema(const std::string& kind_name, CommonOptions& common, Experiment& experiment,
                         const std::vector<std::string>& kind_names) {
  Schema schema(concat("experiment '", kind_name, "'"));
  schema.add("experiment", &common.experiment, "which runner to use").one_of(kind_names).required();
  schema.add("name", &common.name, "run folder name under output_dir/experiment (default: the config file's name)")
      .non_empty();
  schema.add("output_dir", &common.output_dir, "root folder of run folders").non_empty();
  schema.add("seed", &common.seed, "base seed; each source of randomness derives its own from it").at_least(0);
  schema.add("threads", &common.threads, "LibTorch intra-op threads, 0 = all cores (results depend on it only "
                                         "through summation order)")
      .range(0, kMaxThreadCount)
      .runtime_only();
  experiment.declare(schema);
  return schema;
}

RunOutcome run_experiment(const RunRequest& request, const std::vector<ExperimentKind>& kinds,
                                     std::ostream& out) {
  ConfigDocument document = ConfigDocument::from_file(request.config_path);
  for (const std::string& assignment : request.overrides) document.apply_override(assignment);
  if (request.threads) document.apply_override(concat("threads=", *request.threads));
  if (!request.shard.empty()) document.apply_override(concat("shard=", request.shard));

  std::vector<std::string> names;
  const ExperimentKind& kind = select_kind(document, kinds, names);
  CommonOptions common;
  common.name = request.config_path.stem().string();
  std::unique_ptr<Experiment> experiment = kind.create();
  Schema schema = experiment_schema(kind.name, common, *experiment, names);
  if (!request.shard.empty() && schema.find("shard") == nullptr) {
    throw UsageError(concat("--shard: experiment '", kind.name, "' cannot be split into shards"));
  }
  schema.read(document);
  experiment->check();
  if (!request.shard.empty()) {
    // The runner's check() has accepted "k/N".
    const std::vector<std::string> parts = split(request.shard, '/');
    common.name += concat(".shard-", trim(parts.at(0)), "-of-", trim(parts.at(1)));
  }
  check_run_name(common.name);

  if (request.print_config) {
    out << schema.to_yaml(/*with_help=*/true);
    return {};
  }
  common.name = choose_run_name(request, std::filesystem::path(common.output_dir) / kind.name, common.name);
  const std::filesystem::path run_dir = RunRecord::folder_of(common.output_dir, kind.name, common.name);
  if (request.print_run_folder) {
    out << run_dir.string() << "\n";
    return {run_dir, {}};
  }
  if (request.resume) check_resume_matches(run_dir / "config.yaml", kind, schema, names);

  RunStart start;
  start.output_root = common.output_dir;
  start.experiment = kind.name;
  start.name = common.name;
  start.resolved_config = concat("# Resolved config of this run: every key, with defaults filled in.\n",
                                 schema.to_yaml(/*with_help=*/true));
  start.source_name = document.source_name();
  start.source_text = document.source_text();
  start.overrides = document.overrides();
  start.command_line = request.command_line;
  start.threads = set_thread_count(common.threads);
  start.seed = common.seed;
  start.resume = request.resume;

  RunRecord record(start);
  install_interrupt_handlers();
  RunContext context{record, common, {}};
  try {
    experiment->run(context);
  } catch (const Interrupted& error) {
    record.finish("interrupted", error.what());
    throw;
  } catch (const std::exception& error) {
    record.finish("failed", error.what());
    throw;
  }
  if (!context.report.empty()) record.set_manifest_field("report", context.report.lexically_relative(record.dir()));
  record.finish("succeeded");
  return {record.dir(), context.report};
}

}  // namespace depthstyle
