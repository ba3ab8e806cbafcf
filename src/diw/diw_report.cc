#include "diw/diw_report.h"

#include <cmath>

#include "core/atomic_file.h"
#include "core/error.h"
#include "diw/paper_table1.h"
#include "report/report.h"
#include "report/svg_bar_chart.h"

namespace depthstyle {
namespace {

// Below this many pairs an accuracy's interval is wider than +-0.1: say so.
constexpr std::int64_t kSmallSample = 100;

const PaperTable1Row* paper_row_of(const DiwReportInfo& info, const std::string& estimator) {
  for (const auto& [name, model] : info.paper_rows) {
    if (name == estimator) return find_paper_table1_row(model);
  }
  return nullptr;
}

std::string status_text(const DiwResults& results, std::size_t index) {
  const DiwModelResult& model = results.models[index];
  if (model.status == EstimatorStatus::kOk) {
    if (model.score.pairs < model.expected_pairs) {
      return concat("incomplete: ", model.score.pairs, " of ", model.expected_pairs, " pairs predicted");
    }
    return static_cast<int>(index) == results.best ? "ok (best)" : "ok";
  }
  if (!model.detail.empty()) return model.detail;
  return model.status == EstimatorStatus::kPending ? "not finished" : to_string(model.status);
}

Cell number_or_empty(double value) { return std::isnan(value) ? Cell{} : Cell{value}; }

}  // namespace

ResultTable diw_results_table(const DiwResults& results, const DiwReportInfo& info) {
  ResultTable table({{"model", "Model"},
                     {"type", "Type"},
                     {"status", "Status"},
                     {"pairs", "n", ColumnKind::kInteger},
                     {"correct", "Correct", ColumnKind::kInteger},
                     {"accuracy", "Accuracy", ColumnKind::kNumber, 3},
                     {"accuracy_low", "95% CI low", ColumnKind::kNumber, 3},
                     {"accuracy_high", "95% CI high", ColumnKind::kNumber, 3},
                     {"whdr", "WHDR", ColumnKind::kNumber, 3},
                     {"ties", "Ties", ColumnKind::kInteger},
                     {"unknown", "Unknown (NaN)", ColumnKind::kInteger},
                     {"accuracy_farther", "Accuracy on '>' pairs", ColumnKind::kNumber, 3},
                     {"accuracy_nearer", "Accuracy on '<' pairs", ColumnKind::kNumber, 3},
                     {"paper_model", "Paper row"},
                     {"paper_accuracy", "Paper", ColumnKind::kNumber, 2},
                     {"difference", "Difference to paper", ColumnKind::kNumber, 3},
                     {"only_best_correct", "Only best correct", ColumnKind::kInteger},
                     {"only_this_correct", "Only this correct", ColumnKind::kInteger},
                     {"mcnemar_p", "McNemar p vs best", ColumnKind::kPValue, 2}});
  for (std::size_t index = 0; index < results.models.size(); ++index) {
    const DiwModelResult& model = results.models[index];
    const PaperTable1Row* paper = paper_row_of(info, model.name);
    const bool scored = model.score.pairs > 0;
    const DiwScore& score = model.score;
    const double accuracy = scored ? score.accuracy(results.ties) : std::nan("");
    const auto ratio = [](std::int64_t part, std::int64_t whole) {
      return whole > 0 ? Cell{static_cast<double>(part) / static_cast<double>(whole)} : Cell{};
    };
    const auto count = [&](std::int64_t value) { return scored ? Cell{value} : Cell{}; };
    const bool compared = scored && static_cast<int>(index) != results.best && results.best >= 0;
    table.add_row({model.name,
                   model.type,
                   status_text(results, index),
                   count(score.counted(results.ties)),
                   count(score.correct),
                   number_or_empty(accuracy),
                   number_or_empty(model.interval_low),
                   number_or_empty(model.interval_high),
                   number_or_empty(scored ? 1 - accuracy : std::nan("")),
                   count(score.ties),
                   count(score.unknown),
                   ratio(score.farther_correct, score.farther_pairs),
                   ratio(score.nearer_correct, score.nearer_pairs),
                   paper ? Cell{paper->model} : Cell{},
                   paper ? Cell{paper->accuracy} : Cell{},
                   paper && scored ? Cell{accuracy - paper->accuracy} : Cell{},
                   compared ? Cell{model.only_best_correct} : Cell{},
                   compared ? Cell{model.only_this_correct} : Cell{},
                   compared ? number_or_empty(model.mcnemar_p) : Cell{}});
  }
  return table;
}

std::filesystem::path write_diw_report(const DiwResults& results, const DiwReportInfo& info,
                                       const std::filesystem::path& dir) {
  const ResultTable table = diw_results_table(results, info);
  write_file_atomically(dir / "results.csv", table.to_csv());
  write_file_atomically(dir / "results.json", table.to_json().dump(2) + "\n");

  std::vector<SvgBar> bars;
  int not_run = 0, small = 0;
  for (std::size_t index = 0; index < results.models.size(); ++index) {
    const DiwModelResult& model = results.models[index];
    SvgBar& bar = bars.emplace_back();
    bar.label = model.name;
    if (const PaperTable1Row* paper = paper_row_of(info, model.name)) bar.reference = paper->accuracy;
    if (model.score.pairs == 0) {
      bar.note = status_text(results, index);
      ++not_run;
      continue;
    }
    bar.value = model.score.accuracy(results.ties);
    bar.low = model.interval_low;
    bar.high = model.interval_high;
    bar.note = concat("n=", model.score.counted(results.ties));
    if (model.score.counted(results.ties) < kSmallSample) ++small;
  }
  SvgBarChartOptions chart;
  chart.title = info.title;
  chart.axis_label = results.ties == TiePolicy::kWrong ? "accuracy (ties count as wrong)"
                                                       : "accuracy over decided pairs (ties left out)";
  chart.guides = {{0.5, "chance"}};
  chart.reference_label = "paper (Kitov et al. 2020, Table 1)";
  chart.interval_label = "95% Clopper-Pearson interval";
  write_file_atomically(dir / "table1.svg", svg_horizontal_bar_chart(bars, chart));

  Report report(info.title);
  report.add_paragraph(concat(
      "Each prediction is resized to the original image size with torch/image's bilinear image.scale and read at the "
      "two annotated points (1-based, y first), as the official DIW test script does (princeton-vl/relative_depth, "
      "test_model_on_DIW.lua). A pair is correct when the predicted order matches the annotation, with the sign "
      "taken from what the map means (depth: bigger = farther; proximity / disparity: bigger = nearer). ",
      results.ties == TiePolicy::kWrong
          ? "Ties count as wrong (the official rule): accuracy = correct / all pairs, WHDR = 1 - accuracy."
          : "Ties and unknown values are left out: accuracy = correct / decided pairs (the official script counts "
            "ties as wrong; n is the number of decided pairs here)."));
  report.add_paragraph(
      "95% interval: exact Clopper-Pearson. McNemar: exact two-sided binomial test (p = 0.5) on the pairs where "
      "exactly one of the model and the best model is correct, over the pairs both predicted.");
  if (not_run > 0) {
    report.add_paragraph(concat(not_run, " of ", results.models.size(),
                                " models have no results; the table says why (e.g. weights missing)."));
  }
  if (small > 0) {
    report.add_paragraph(concat("Warning: ", small, " model(s) were scored on fewer than ", kSmallSample,
                                " pairs; their intervals are wide."));
  }
  if (results.skipped > 0) {
    report.add_paragraph(concat(results.skipped, " of ", results.entries,
                                " entries were left out because their image is missing."));
  }
  report.add_table(table);
  report.add_figure("table1.svg", concat("Accuracy per model", results.best >= 0 ? " (whiskers: 95% interval)" : "",
                                         "; diamonds: the paper's Table 1"));
  report.add_heading("Provenance");
  report.add_facts(info.facts);
  return report.write(dir, "report");
}

std::filesystem::path write_store_report(PredictionStore& store, const std::filesystem::path& dir,
                                         std::optional<TiePolicy> ties,
                                         std::vector<std::pair<std::string, std::string>> facts) {
  const DiwStoreIdentity identity = read_store_identity(store);
  DiwReportInfo info;
  try {
    const TiePolicy policy = ties ? *ties : tie_policy_from_string(identity.settings.at("ties").get<std::string>());
    for (const nlohmann::json& row : identity.settings.at("paper_rows")) {
      info.paper_rows.emplace_back(row.at("estimator").get<std::string>(), row.at("row").get<std::string>());
    }
    ties = policy;
  } catch (const nlohmann::json::exception& error) {
    throw InputError(concat(store.path().string(), ": unreadable report settings: ", error.what()));
  }
  const DiwResults results = score_prediction_store(store, *ties);
  info.facts = std::move(facts);
  info.facts.push_back({"DIW file sha256", identity.dataset_sha256});
  info.facts.push_back(
      {"entries", concat(results.entries, " in this store (", results.skipped, " skipped: image missing); ",
                         identity.dataset_entries, " in the file")});
  info.facts.push_back({"shard", identity.shard.to_string()});
  info.facts.push_back({"ties", to_string(*ties)});
  info.facts.push_back({"prediction store", store.path().filename().string()});
  return write_diw_report(results, info, dir);
}

}  // namespace depthstyle
