// Measures `depthstyle analyze` on a synthetic study of 100,000 answers (500 respondents x 198 image pairs, plus one
// sentinel and one swapped repeat per respondent; preferences with respondent and item effects): reading the CSV,
// the whole analysis with a 2,000-replicate two-way cluster bootstrap, and writing every table and the report.
// Baseline, measured in the same run: the bootstrap alone as a straightforward implementation writes it, building
// each replicate's resampled list of answers and counting the votes in it (timed on a tenth of the replicates and
// scaled, since each replicate costs the same). Wall and CPU time are both printed: on a shared machine the wall
// time includes waiting for a core.
//
//   build/bench/study_analysis_bench [--respondents 500] [--pairs 198] [--replicates 2000]

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "core/atomic_file.h"
#include "core/scratch_folder.h"
#include "survey/answers_csv.h"
#include "survey/study_report.h"
#include "stats/cluster_bootstrap.h"
#include "stats/study_analysis.h"

namespace {

// Wall and CPU seconds of one phase: on a shared machine the wall time includes waiting for a core, so both are shown.
struct Clock {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  std::clock_t cpu = std::clock();
};
struct Elapsed {
  double wall = 0, cpu = 0;
};
Elapsed since(const Clock& start) {
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start.wall).count(),
          static_cast<double>(std::clock() - start.cpu) / CLOCKS_PER_SEC};
}

std::string synthetic_answers_csv(int respondents, int pairs) {
  std::mt19937_64 generator(2020);
  std::normal_distribution<double> respondent_effect(0.0, 0.6), item_effect(0.0, 0.4);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> items(static_cast<std::size_t>(pairs));
  for (double& effect : items) effect = item_effect(generator);
  std::string csv = depthstyle::study_answers_csv_header() + "\n";
  const auto row = [&](int r, int trial, const std::string& pair, const char* left, const char* right,
                       const char* chosen, const char* sentinel, const std::string& repeat_of) {
    csv += "r" + std::to_string(r) + ",t" + std::to_string(trial) + "," + pair + "," + left + "," + right + "," +
           chosen + "," + std::to_string(800 + static_cast<int>(uniform(generator) * 4000)) +
           ",2026-11-20T10:00:00Z," + sentinel + "," + repeat_of + "\n";
  };
  for (int r = 0; r < respondents; ++r) {
    const double bias = 0.3 + respondent_effect(generator);
    bool first_choice_proposed = false, first_proposed_left = false;
    for (int i = 0; i < pairs; ++i) {
      const bool proposed_left = uniform(generator) < 0.5;
      const bool proposed = uniform(generator) < 1 / (1 + std::exp(-(bias + items[static_cast<std::size_t>(i)])));
      if (i == 0) first_choice_proposed = proposed, first_proposed_left = proposed_left;
      row(r, i, "p" + std::to_string(i), proposed_left ? "da-adain" : "adain", proposed_left ? "adain" : "da-adain",
          proposed ? "da-adain" : "adain", "", "");
    }
    row(r, pairs, "sentinel", "degraded", "da-adain", uniform(generator) < 0.97 ? "da-adain" : "degraded", "da-adain",
        "");
    const bool same = uniform(generator) < 0.85;
    row(r, pairs + 1, "p0", first_proposed_left ? "adain" : "da-adain", first_proposed_left ? "da-adain" : "adain",
        (first_choice_proposed == same) ? "da-adain" : "adain", "", "t0");
  }
  return csv;
}

// The straightforward bootstrap: materialise each replicate's answers (every drawn respondent's answers to every
// drawn item, as often as both were drawn) and count the votes by comparing method names.
double naive_bootstrap_standard_error(const depthstyle::Study& study, const std::string& proposed, int replicates) {
  std::unordered_map<std::string, std::vector<const depthstyle::StudyAnswer*>> by_respondent;
  std::unordered_map<std::string, int> item_index;
  std::vector<std::string> respondents;
  for (const depthstyle::StudyAnswer& answer : study.answers) {
    if (answer.is_sentinel() || answer.is_repeat()) continue;
    if (by_respondent[answer.respondent].empty()) respondents.push_back(answer.respondent);
    by_respondent[answer.respondent].push_back(&answer);
    item_index.emplace(answer.item, static_cast<int>(item_index.size()));
  }
  std::mt19937_64 respondent_generator(1), item_generator(2);
  std::vector<double> proportions;
  for (int replicate = 0; replicate < replicates; ++replicate) {
    std::vector<int> item_draws(item_index.size(), 0);
    for (std::size_t i = 0; i < item_draws.size(); ++i) {
      ++item_draws[depthstyle::uniform_index(item_generator, item_draws.size())];
    }
    std::vector<const depthstyle::StudyAnswer*> resampled;
    for (std::size_t i = 0; i < respondents.size(); ++i) {
      const std::string& respondent = respondents[depthstyle::uniform_index(respondent_generator, respondents.size())];
      for (const depthstyle::StudyAnswer* answer : by_respondent[respondent]) {
        for (int copy = 0; copy < item_draws[static_cast<std::size_t>(item_index[answer->item])]; ++copy) {
          resampled.push_back(answer);
        }
      }
    }
    std::size_t votes = 0;
    for (const depthstyle::StudyAnswer* answer : resampled) votes += answer->chosen_method == proposed;
    proportions.push_back(static_cast<double>(votes) / static_cast<double>(resampled.size()));
  }
  double mean = 0, squares = 0;
  for (const double value : proportions) mean += value / static_cast<double>(proportions.size());
  for (const double value : proportions) squares += (value - mean) * (value - mean);
  return std::sqrt(squares / static_cast<double>(proportions.size() - 1));
}

int run(int argc, char** argv) {
  int respondents = 500, pairs = 198, replicates = 2000;
  depthstyle::BenchOptions command_line("study_analysis_bench: `analyze` on a synthetic study vs a "
                                        "materialised-resample bootstrap");
  command_line.value("respondents", respondents, "respondents of the synthetic study")
      .value("pairs", pairs, "image pairs each respondent answers")
      .value("replicates", replicates, "replicates of the two-way cluster bootstrap");
  command_line.parse(argc, argv);
  if (respondents < 2 || pairs < 2 || replicates < 10) {
    throw depthstyle::UsageError("need --respondents >= 2, --pairs >= 2 and --replicates >= 10");
  }
  const depthstyle::ScratchFolder scratch("study-analysis-bench");
  const std::filesystem::path& dir = scratch.path();
  depthstyle::write_file_atomically(dir / "answers.csv", synthetic_answers_csv(respondents, pairs));

  depthstyle::StudyAnalysisOptions options;
  options.bootstrap_replicates = replicates;
  options.max_sentinel_failures = 0;
  options.min_repeat_consistency = 1;
  Clock start;
  const depthstyle::Study study = depthstyle::read_study_answers_csv(dir / "answers.csv");
  const Elapsed read = since(start);
  start = Clock();
  const depthstyle::StudyAnalysis analysis = depthstyle::analyze_study(study, options);
  const Elapsed analyze = since(start);
  start = Clock();
  depthstyle::write_study_outputs(analysis, dir / "out");
  const Elapsed write = since(start);
  const Elapsed total{read.wall + analyze.wall + write.wall, read.cpu + analyze.cpu + write.cpu};

  // The baseline costs the same per replicate every time, so a tenth of the replicates, scaled, keeps the run short.
  const int baseline_replicates = std::max(2, replicates / 10);
  const double scale = static_cast<double>(replicates) / baseline_replicates;
  start = Clock();
  const double naive_error = naive_bootstrap_standard_error(study, options.proposed, baseline_replicates);
  Elapsed naive = since(start);
  naive.wall *= scale;
  naive.cpu *= scale;

  std::printf("study analysis: %zu answers (%d respondents x %d pairs + sentinel + repeat each), %d bootstrap "
              "replicates\n",
              study.answers.size(), respondents, pairs, replicates);
  std::printf("                                                 wall s    CPU s\n");
  std::printf("  read and validate the CSV                     %8.3f %8.3f\n", read.wall, read.cpu);
  std::printf("  analysis (Table 2, bootstrap, BT, planning)   %8.3f %8.3f   (%lld responses counted, bootstrap SE "
              "%.5f)\n",
              analyze.wall, analyze.cpu, static_cast<long long>(analysis.responses),
              analysis.bootstrap->standard_error);
  std::printf("  write the tables, analysis.json, report       %8.3f %8.3f\n", write.wall, write.cpu);
  std::printf("  total                                         %8.3f %8.3f   goal < 1 s: %s\n", total.wall, total.cpu,
              total.wall < 1 ? "met" : total.cpu < 1 ? "met in CPU time (the wall time waited for a busy core)"
                                                     : "NOT met");
  std::printf("  baseline: materialised-resample bootstrap     %8.3f %8.3f   (%d replicates timed, x%.0f; SE %.5f, "
              "no exclusions)\n",
              naive.wall, naive.cpu, baseline_replicates, scale, naive_error);
  std::printf("  whole analysis vs the baseline bootstrap alone: %.1fx faster (CPU)\n", naive.cpu / total.cpu);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return depthstyle::run_benchmark(argc, argv, run); }
