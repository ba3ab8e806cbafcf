#include "paper/reproduction_report.h"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <memory>

#include "core/error.h"
#include "core/text.h"
#include "diw/middlebury_set.h"
#include "diw/paper_table1.h"
#include "diw/synthetic_set.h"
#include "report/embedded_image.h"
#include "report/finished_run.h"
#include "report/report.h"
#include "survey/study_report.h"
#include "stats/study_analysis.h"
#include "survey/study_database.h"
#include "survey/study_design.h"
#include "survey/study_answers.h"

namespace depthstyle {
namespace {

// The DIW test set's size (docs/reference.md#diw-format): a DIW-format file of another size is a subset or another set.
constexpr std::int64_t kDiwTestEntries = 73983;
constexpr const char* kDiwTestCsv = "DIW_test.csv";

// The DIW test set as datasets/README.md lays it out, known by its file name and size (its checksum cannot be
// known here: the set cannot be downloaded on these machines).
bool is_diw_test_set(const nlohmann::json& diw) {
  return std::filesystem::path(diw.value("csv", std::string())).filename() == kDiwTestCsv &&
         diw.value("entries", std::int64_t{0}) == kDiwTestEntries;
}

// A link from the report's folder to `target`.
std::string link_to(const std::filesystem::path& target, const std::filesystem::path& out_dir) {
  return std::filesystem::relative(target, std::filesystem::absolute(out_dir)).generic_string();
}

bool is_study_folder(const std::filesystem::path& folder) {
  return std::filesystem::is_regular_file(folder / kStudyDatabaseName);
}

// The files each kind of run must hold for the report (the runner writes them last, before it succeeds).
std::vector<std::string> required_files_of(const std::string& experiment) {
  if (experiment == "diw_eval") return {"results.json", "config.yaml", "report.html", "table1.svg"};
  if (experiment == "style_grid") return {"results.json", "figures.json", "report.html"};
  if (experiment == "study_analysis") return {"analysis.json", "config.yaml", "report.html"};
  if (experiment == "paper") return {"steps.json"};
  return {};
}

FinishedRun read_run(const std::filesystem::path& dir, const std::string& experiment) {
  return read_finished_run(dir, experiment, required_files_of(experiment));
}

std::string diw_data_description(const nlohmann::json& diw) {
  const std::filesystem::path csv = diw.value("csv", std::string());
  const std::int64_t entries = diw.value("entries", std::int64_t{0});
  const std::string shard = diw.value("shard", std::string("1/1"));
  const std::string slice = shard == "1/1" ? "" : concat(" (shard ", shard, " only)");
  if (csv.filename() == kMiddleburyDiwCsv) {
    return concat("Data: the Middlebury stand-in, NOT the DIW test set: ", entries, " point pairs", slice,
                  " on the two real photos of the sample data that have real ground truth (aloe and motorcycle), "
                  "ordered by the Middlebury stereo benchmark's measured disparity. The paper's numbers are on the "
                  "DIW test set (73,983 web photos, one human-annotated pair each); they are shown for reference, not "
                  "as a like-for-like comparison.");
  }
  if (csv.filename() == kSyntheticDiwCsv) {
    return concat("Data: a synthetic DIW-format set (", csv.string(), ", ", entries, " pairs", slice,
                  ", generated scenes with exact depth), NOT the DIW test set.");
  }
  if (is_diw_test_set(diw)) {
    return concat("Data: the DIW test set (", csv.string(), ", ", entries, " images with one human-annotated point "
                  "pair each)", slice, ", the paper's data.");
  }
  return concat("Data: a DIW-format set (", csv.string(), ", ", entries, " entries", slice,
                "); not the DIW test set (DIW_test.csv, 73,983 entries), so the numbers are not the paper's.");
}

std::string diw_data_short(const nlohmann::json& diw) {
  const std::filesystem::path csv = diw.value("csv", std::string());
  if (csv.filename() == kMiddleburyDiwCsv) return "Middlebury stand-in (real photos, real ground truth)";
  if (csv.filename() == kSyntheticDiwCsv) return "synthetic stand-in";
  if (is_diw_test_set(diw)) return "DIW test set";
  return "DIW-format subset";
}

bool is_not_run(const nlohmann::json& row) { return starts_with(row.value("status", std::string()), "not run"); }

struct Table1Sources {
  // (the paper's row, the result row of the estimator that reproduces it on the DIW test set)
  std::vector<std::pair<std::string, nlohmann::json>> reproduced;
};

YAML::Node read_run_config(const FinishedRun& run) {
  try {
    return YAML::LoadFile((run.dir / "config.yaml").string());
  } catch (const YAML::Exception& error) {
    throw InputError(concat((run.dir / "config.yaml").string(), ": unreadable: ", error.what()));
  }
}

std::string yaml_text(const YAML::Node& root, const std::string& section, const std::string& key) {
  const YAML::Node node = root[section][key];
  return node && node.IsScalar() ? node.Scalar() : "";
}

void add_diw_run(Report& report, const FinishedRun& run, const std::filesystem::path& out_dir,
                 const ReproductionReportOptions& options, std::vector<std::string>& stand_ins,
                 Table1Sources& table1) {
  const nlohmann::json diw = run.manifest.value("diw", nlohmann::json::object());
  const nlohmann::json rows = read_json_file(run.dir / "results.json");
  report.add_heading(concat("Table 1 on ", diw_data_short(diw), ": ", run.name));
  report.add_paragraph(diw_data_description(diw));
  ResultTable table({{"model", "Model"},
                     {"status", "Status"},
                     {"pairs", "n", ColumnKind::kInteger},
                     {"accuracy", "Accuracy", ColumnKind::kNumber, 3},
                     {"accuracy_low", "95% CI low", ColumnKind::kNumber, 3},
                     {"accuracy_high", "95% CI high", ColumnKind::kNumber, 3},
                     {"paper_model", "Paper row"},
                     {"paper_accuracy", "Paper (DIW test)", ColumnKind::kNumber, 2},
                     {"mcnemar_p", "McNemar p vs best", ColumnKind::kPValue, 2}});
  std::vector<std::string> ran, not_run;
  for (const nlohmann::json& row : rows) {
    table.add_json_row(row, ResultTable::kMissingFieldsAreEmpty);
    const std::string model = row.value("model", std::string());
    if (is_not_run(row)) {
      not_run.push_back(concat(model, " (", row.value("status", std::string()), ")"));
    } else {
      ran.push_back(model);
    }
    const bool real_diw = is_diw_test_set(diw) && diw.value("shard", "1/1") == "1/1";
    if (real_diw && row.value("paper_model", nlohmann::json()).is_string() && !is_not_run(row)) {
      table1.reproduced.push_back({row.at("paper_model").get<std::string>(), row});
    }
  }
  report.add_table(table);
  const bool ties_separate = yaml_text(read_run_config(run), "diw", "ties") == "separate";
  report.add_paragraph(concat("Accuracy = share of point pairs ordered as the truth (",
                              ties_separate ? "over the decided pairs: ties are left out of n (diw.ties: separate), "
                                              "unlike the official DIW test script"
                                            : "ties count as wrong, as in the official DIW test script",
                              "); the interval is the exact two-sided 95% Clopper-Pearson interval over n pairs; "
                              "McNemar compares each estimator with the best one on the pairs both predicted."));
  report.add_embedded_figure(embedded_image_uri(run.dir / "table1.svg", options.figure_max_side),
                             link_to(run.dir / "table1.svg", out_dir),
                             "Accuracy with 95% intervals; the paper's numbers as diamonds where it has the row");
  stand_ins.push_back(concat("Table 1 (", run.name, "): ", diw_data_short(diw), "; estimators run: ",
                             ran.empty() ? "none" : join(ran, ", "),
                             not_run.empty() ? "" : "; not run: " + join(not_run, ", ")));
}

void add_paper_table1(Report& report, const Table1Sources& table1) {
  report.add_heading("The paper's Table 1 beside this reproduction");
  ResultTable table({{"paper_row", "Paper row"},
                     {"paper_accuracy", "Paper accuracy (DIW test, n = 73,983)", ColumnKind::kNumber, 2},
                     {"model", "Reproduced by"},
                     {"pairs", "n", ColumnKind::kInteger},
                     {"accuracy", "Accuracy", ColumnKind::kNumber, 3},
                     {"accuracy_low", "95% CI low", ColumnKind::kNumber, 3},
                     {"accuracy_high", "95% CI high", ColumnKind::kNumber, 3},
                     {"difference", "Difference", ColumnKind::kNumber, 3}});
  std::size_t reproduced = 0;
  for (const PaperTable1Row& paper : paper_table1()) {
    const nlohmann::json* ours = nullptr;
    for (const auto& [row_name, row] : table1.reproduced) {
      if (row_name == paper.model) ours = &row;
    }
    if (ours == nullptr) {
      table.add_row({paper.model, paper.accuracy, std::string("not run on the DIW test set"), {}, {}, {}, {}, {}});
      continue;
    }
    ++reproduced;
    nlohmann::json row = *ours;
    row["paper_row"] = paper.model;
    row["paper_accuracy"] = paper.accuracy;
    table.add_json_row(row, ResultTable::kMissingFieldsAreEmpty);
  }
  report.add_table(table);
  if (reproduced == 0) {
    report.add_paragraph("No row of the paper's Table 1 was reproduced here: that needs the DIW test set and the "
                         "model files (configs/paper.yaml: diw.csv and diw.weights_dir).");
  }
}

void add_grid_run(Report& report, const FinishedRun& run, const std::filesystem::path& out_dir,
                  const ReproductionReportOptions& options, std::vector<std::string>& stand_ins) {
  const nlohmann::json figures = read_json_file(run.dir / "figures.json");
  const nlohmann::json& backbone = figures.at("backbone");
  const std::string label = backbone.value("label", std::string("an unnamed backbone"));
  const bool paper = backbone.value("reproduces_paper", false);
  report.add_heading(figures.value("title", run.name));
  if (paper) {
    report.add_paragraph(concat("Backbone: ", label, ", the paper's networks (the VGG-19 encoder and the AdaIN "
                                "decoder of the public AdaIN port)."));
  } else {
    report.add_paragraph(concat("Backbone: ", label, ". This weight-free stand-in shows what the strength map does "
                                "(where the style is applied more or less strongly), but it is NOT the paper's "
                                "method. The paper's figures need backbone.type: vgg with vgg_normalised.pth and "
                                "decoder.pth (configs/paper.yaml: backbone.encoder and backbone.decoder)."));
  }
  stand_ins.push_back(concat("Figures (", run.name, "): ", label));
  for (const nlohmann::json& figure : figures.at("figures")) {
    const std::filesystem::path file = run.dir / figure.at("file").get<std::string>();
    report.add_embedded_figure(embedded_image_uri(file, options.figure_max_side), link_to(file, out_dir),
                               figure.at("caption").get<std::string>());
  }
}

// Table 2's columns (survey/study_report.h's table2 keys), with a first column naming where the row comes from.
ResultTable table2_comparison() {
  return ResultTable({{"source", "Source"},
                      {"image_pairs", "Image pairs", ColumnKind::kInteger},
                      {"respondents", "Respondents", ColumnKind::kInteger},
                      {"responses", "Responses (n)", ColumnKind::kInteger},
                      {"votes", "Votes for DA-AdaIN", ColumnKind::kInteger},
                      {"proportion", "Proportion", ColumnKind::kPercent, 1},
                      {"std_deviation", "Std. deviation", ColumnKind::kPercent, 1},
                      {"p_value", "p-value", ColumnKind::kSignificant, 2},
                      {"alternative", "Alternative"},
                      {"interval_lower", "95% CI lower", ColumnKind::kPercent, 1},
                      {"interval_upper", "95% CI upper", ColumnKind::kPercent, 1},
                      {"p_two_sided", "p-value (two-sided)", ColumnKind::kSignificant, 2}});
}

void add_table2_run(const FinishedRun& run, ResultTable& table) {
  const nlohmann::json analysis = read_json_file(run.dir / "analysis.json");
  const nlohmann::json& rows = analysis.at("tables").at("table2");
  if (rows.empty()) throw InputError(concat((run.dir / "analysis.json").string(), ": Table 2 has no row"));
  const YAML::Node config = read_run_config(run);
  const std::string proportion = yaml_text(config, "paper", "proportion");
  if (!proportion.empty()) {
    // The paper prints no interval and no two-sided p; its p is the one-sided exact test (docs/reference.md#table-2),
    // the counts are the study's.
    nlohmann::json printed = {{"source", "Paper, as printed"},
                              {"proportion", proportion},
                              {"std_deviation", yaml_text(config, "paper", "std_deviation")},
                              {"p_value", yaml_text(config, "paper", "p_value")},
                              {"alternative", "greater"}};
    for (const char* count : {"image_pairs", "respondents", "responses", "votes"}) printed[count] = rows[0].at(count);
    table.add_json_row(printed, ResultTable::kMissingFieldsAreEmpty);
  }
  nlohmann::json row = rows[0];
  row["source"] = concat("The paper's counts, recomputed (", run.name, ")");
  table.add_json_row(row, ResultTable::kMissingFieldsAreEmpty);
}

struct StudyFacts {
  std::vector<std::pair<std::string, std::string>> design;
  std::string stimuli_backbone;
  bool stimuli_reproduce_paper = false;
  std::int64_t answers = 0;
  std::int64_t respondents = 0;
};

StudyFacts read_study_facts(SqliteDatabase& database, const std::filesystem::path& path) {
  StudyFacts facts;
  SqliteStatement study = database.prepare(
      "SELECT name, design, source_run, source_manifest, tool_revision, created_at FROM studies");
  SqliteRows rows = study.query();
  if (!rows.next()) throw InputError(concat(path.string(), ": the study database holds no study"));
  const std::string name = rows.text(0);
  const StudyDesign design = study_design_from_json(nlohmann::json::parse(rows.text(1)), path.string());
  const std::string source_run = rows.text(2);
  nlohmann::json source_manifest = nlohmann::json::parse(rows.text(3), nullptr, false);
  const std::string revision = rows.text(4), created = rows.text(5);
  const nlohmann::json backbone =
      source_manifest.is_object() ? source_manifest.value("backbone", nlohmann::json::object()) : nlohmann::json();
  facts.stimuli_backbone = backbone.is_object() ? backbone.value("label", std::string("unknown")) : "unknown";
  facts.stimuli_reproduce_paper = backbone.is_object() && backbone.value("reproduces_paper", false);
  const auto count = [&](const std::string& sql) {
    SqliteStatement statement = database.prepare(sql);
    SqliteRows result = statement.query();
    result.next();
    return result.integer(0);
  };
  facts.answers = count("SELECT count(*) FROM answers");
  facts.respondents = count("SELECT count(*) FROM respondents");
  const std::int64_t main_pairs = count("SELECT count(*) FROM comparisons WHERE kind = 'main'");
  const std::int64_t sentinels = count("SELECT count(*) FROM comparisons WHERE kind = 'sentinel'");
  facts.design = {
      {"study", name},
      {"image pairs (AdaIN vs DA-AdaIN)", std::to_string(main_pairs)},
      {"sentinel pairs (a degraded copy vs the image; expected answer: the image)", std::to_string(sentinels)},
      {"swapped repeats per respondent", concat(design.repeat_count, ", at least ", design.repeat_min_gap,
                                                " trials after the original")},
      {"trials per respondent", std::to_string(design.main_count + design.sentinel_count + design.repeat_count)},
      {"planned respondents", std::to_string(design.planned_respondents)},
      {"respondents invited or imported", std::to_string(facts.respondents)},
      {"answers recorded", std::to_string(facts.answers)},
      {"seeds (order, sides, repeats)", concat(design.order_seed, ", ", design.sides_seed, ", ", design.repeats_seed)},
      {"stimuli from", source_run},
      {"stimuli backbone", facts.stimuli_backbone},
      {"created", concat(created, " by revision ", revision)}};
  return facts;
}

void add_study(Report& report, const std::filesystem::path& folder, const std::filesystem::path& out_dir,
               std::vector<std::string>& stand_ins, ResultTable& table2) {
  const std::filesystem::path path = study_database_path(folder);
  const std::unique_ptr<SqliteDatabase> database = open_study_database(path);
  const StudyFacts facts = read_study_facts(*database, path);
  report.add_heading(concat("User study design: ", folder.filename().string()));
  report.add_facts(facts.design);
  report.add_links({{"the study's create config", link_to(folder / "config.yaml", out_dir)},
                    {"its database (answers: depthstyle survey invite / serve / import)", link_to(path, out_dir)}});
  if (!facts.stimuli_reproduce_paper) {
    report.add_paragraph(concat("The stimuli were made with the backbone '", facts.stimuli_backbone, "', so answers "
                                "to this study would rate that stand-in, not the paper's networks."));
  }
  stand_ins.push_back(concat("Study (", folder.filename().string(), "): stimuli made with ", facts.stimuli_backbone,
                             "; ", facts.answers,
                             " answers from ", facts.respondents, " respondents",
                             facts.answers == 0 ? " (none collected yet: Table 2 is the paper's only)" : ""));
  if (facts.answers == 0) return;
  report.add_paragraph(concat("Its row in Table 2 below counts the answers as `depthstyle analyze --db ",
                              folder.string(), "` does with its defaults: sentinel and swapped-repeat trials are not "
                              "counted, no respondent is excluded. That command gives the whole analysis (per "
                              "respondent and pair, quality controls, the clustered bootstrap)."));
  const StudyAnalysis analysis = analyze_study(read_study_answers(*database), StudyAnalysisOptions{});
  nlohmann::json row = study_tables(analysis).at(0).table.to_json().at(0);
  row["source"] = concat("This study's answers (", folder.filename().string(), ")");
  table2.add_json_row(row, ResultTable::kMissingFieldsAreEmpty);
}

std::string libraries_text(const nlohmann::json& libraries) {
  std::vector<std::string> parts;
  for (const auto& [name, version] : libraries.items()) {
    parts.push_back(concat(name, " ", version.is_string() ? version.get<std::string>() : version.dump()));
  }
  return join(parts, ", ");
}

void add_provenance(Report& report, const std::filesystem::path& dir, const std::filesystem::path& out_dir) {
  const nlohmann::json manifest = read_json_file(dir / "manifest.json");
  const nlohmann::json tool = manifest.value("tool", nlohmann::json::object());
  const nlohmann::json attempts = manifest.value("attempts", nlohmann::json::array());
  const std::string status = manifest.value("status", std::string("?"));
  const auto time_of = [&](const nlohmann::json& attempt, const char* key) {
    return attempt.is_object() && attempt.value(key, nlohmann::json()).is_string() ? attempt.at(key).get<std::string>()
                                                                                   : std::string("-");
  };
  const std::string revision = tool.value("git_revision", std::string("unknown"));
  report.add_paragraph(concat(manifest.value("experiment", std::string("?")), " run '",
                              manifest.value("name", std::string("?")), "' (", dir.string(), ")"));
  report.add_facts({{"status", status == "running" ? "running (this report is one of its steps)" : status},
                    {"attempts", std::to_string(attempts.size())},
                    {"tool revision", revision + (tool.value("git_dirty", false) ? " (with uncommitted changes)" : "")},
                    {"config", manifest.value("config_source", std::string("?"))},
                    {"overrides", join(manifest.value("overrides", std::vector<std::string>{}), " ")},
                    {"seed", manifest.value("seed", nlohmann::json(0)).dump()},
                    {"started", attempts.empty() ? "-" : time_of(attempts.front(), "start_time")},
                    {"ended", attempts.empty() ? "-" : time_of(attempts.back(), "end_time")},
                    {"host", manifest.value("host", std::string("?"))},
                    {"libraries", libraries_text(manifest.value("libraries", nlohmann::json::object()))}});
  std::vector<std::pair<std::string, std::string>> links;
  for (const char* file : {"config.yaml", "source_config.yaml", "manifest.json", "log.txt", "report.html"}) {
    if (std::filesystem::exists(dir / file)) links.push_back({file, link_to(dir / file, out_dir)});
  }
  report.add_links(links);
}

}  // namespace

void add_report_source(const std::filesystem::path& folder, ReproductionSources& sources) {
  if (is_study_folder(folder)) {
    sources.studies.push_back(folder);
    return;
  }
  const FinishedRun run = read_finished_run(folder, "", {});
  read_run(folder, run.experiment);  // the files of its kind
  if (run.experiment == "diw_eval") {
    sources.diw_runs.push_back(folder);
  } else if (run.experiment == "style_grid") {
    sources.grid_runs.push_back(folder);
  } else if (run.experiment == "study_analysis") {
    sources.table2_runs.push_back(folder);
  } else if (run.experiment == "paper") {
    sources.other_runs.push_back(folder);
    const nlohmann::json steps = read_json_file(folder / "steps.json");
    for (const nlohmann::json& step : steps.at("steps")) {
      const std::string name = step.at("name").get<std::string>();
      if (step.at("status") != "succeeded") {
        sources.not_run.push_back(concat("step '", name, "': ", step.value("reason", std::string("not run"))));
      } else if (step.at("kind") == "run" || step.at("kind") == "study") {
        add_report_source(folder / step.at("folder").get<std::string>(), sources);
      }
    }
  } else {
    sources.other_runs.push_back(folder);
  }
}

ReproductionSources classify_report_sources(const std::vector<std::filesystem::path>& folders) {
  ReproductionSources sources;
  for (const std::filesystem::path& folder : folders) add_report_source(folder, sources);
  return sources;
}

std::filesystem::path write_reproduction_report(const ReproductionSources& sources,
                                                const std::filesystem::path& out_dir,
                                                const ReproductionReportOptions& options) {
  // Refuse before anything is written: every run finished, every file there.
  std::vector<FinishedRun> diw_runs, grid_runs, table2_runs;
  for (const auto& dir : sources.diw_runs) diw_runs.push_back(read_run(dir, "diw_eval"));
  for (const auto& dir : sources.grid_runs) grid_runs.push_back(read_run(dir, "style_grid"));
  for (const auto& dir : sources.table2_runs) table2_runs.push_back(read_run(dir, "study_analysis"));
  for (const auto& dir : sources.studies) study_database_path(dir);
  std::filesystem::create_directories(out_dir);

  Report body(options.title);
  std::vector<std::string> stand_ins;
  Table1Sources table1;
  for (const FinishedRun& run : diw_runs) add_diw_run(body, run, out_dir, options, stand_ins, table1);
  add_paper_table1(body, table1);
  for (const FinishedRun& run : grid_runs) add_grid_run(body, run, out_dir, options, stand_ins);

  ResultTable table2 = table2_comparison();
  for (const FinishedRun& run : table2_runs) add_table2_run(run, table2);
  for (const auto& folder : sources.studies) add_study(body, folder, out_dir, stand_ins, table2);
  body.add_heading("Table 2: DA-AdaIN vs AdaIN, pairwise preference");
  if (table2.row_count() > 0) {
    body.add_table(table2);
    body.add_paragraph("Exact binomial test of the votes for DA-AdaIN against p0 = 1/2 with the alternative named "
                       "(greater: P(X >= votes), the paper's), and two-sided; the std. deviation is sqrt(p (1 - p) / "
                       "n) with the observed p, as the paper's; the interval is the two-sided 95% Clopper-Pearson "
                       "interval of the proportion.");
  } else {
    body.add_paragraph("No Table 2: no study_analysis run and no study answers were given.");
  }

  body.add_heading("Provenance");
  body.add_paragraph("Every number above is read from these runs' stored results; each run's record holds its "
                     "resolved config, the tool's git revision and the library versions.");
  std::vector<std::filesystem::path> runs = sources.other_runs;
  for (const auto* group : {&sources.diw_runs, &sources.grid_runs, &sources.table2_runs}) {
    runs.insert(runs.end(), group->begin(), group->end());
  }
  for (const auto& dir : runs) add_provenance(body, dir, out_dir);

  // The stand-ins first, as the reader needs them before any number.
  Report report(options.title);
  report.add_heading("What ran on stand-ins");
  report.add_paragraph("This page gathers stored results only. Parts that did not run on the paper's data or "
                       "networks say so here and again in their section.");
  for (const std::string& line : sources.not_run) stand_ins.push_back("Not run: " + line);
  report.add_list(stand_ins);
  report.append(body);
  return report.write(out_dir, "report");
}

}  // namespace depthstyle
