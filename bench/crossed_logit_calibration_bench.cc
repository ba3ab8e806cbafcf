// Calibration of the study analysis's clustered statistics (issue 16's Tests section): for each scenario, 1,000
// seeded studies simulated from the crossed random-effects logistic model (stats/crossed_simulation.h), each fitted by
// stats/crossed_logit.h as the analysis fits it. Per scenario: the share of studies whose clustering test is
// significant at 0.05 (= the share that `analyze` would warn "the responses are clustered"), the model design effect
// (mean, median), and the coverage of the true intercept by the 95% Wald and profile intervals, each with its Monte
// Carlo standard error sqrt(p (1 - p) / n). Results go into docs/statistics.md#calibration.
//
//   build/bench/crossed_logit_calibration_bench [--studies 1000] [--seed 16] [--no-profiles]
//                                               [--export DIR --export-studies 100]
// --export writes the first studies of each scenario to DIR/<scenario>.csv (study,respondent,pair,chose_proposed) and
// prints this bench's figures on exactly those studies, for bench/crossed_logit_calibration.R (lme4 on the same data).
// Study k of a scenario is drawn with the k-th output of a SplitMix64 stream seeded derive_seed(seed, scenario name).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "bench_timing.h"
#include "core/seeds.h"
#include "stats/crossed_logit.h"
#include "stats/crossed_simulation.h"

namespace depthstyle {
namespace {

struct Scenario {
  const char* name;
  int respondents;
  int pairs;
  double respondent_sd;
  double pair_sd;
};

// The scenarios; every one at preference 0.575 (the paper's observed proportion) for a typical respondent.
const Scenario kScenarios[] = {{"independent_18x20", 18, 20, 0, 0},
                               {"respondent_sd_1.0_18x20", 18, 20, 1.0, 0},
                               {"respondent_and_pair_sd_0.5_18x20", 18, 20, 0.5, 0.5},
                               {"independent_100x50", 100, 50, 0, 0}};

struct Tally {
  int studies = 0;
  int failed = 0;
  int clustered = 0;
  int wald_covered = 0;
  int profile_covered = 0;
  int profiled = 0;
  std::vector<double> design_effects;
  double cpu_seconds = 0;
};

double share(int count, int total) { return total > 0 ? static_cast<double>(count) / total : std::nan(""); }
double monte_carlo_error(double p, int n) { return std::sqrt(p * (1 - p) / n); }

void print_tally(const char* label, const Tally& tally) {
  std::vector<double> effects = tally.design_effects;
  std::sort(effects.begin(), effects.end());
  double mean = 0;
  for (const double effect : effects) mean += effect;
  mean /= std::max<std::size_t>(1, effects.size());
  const double median = effects.empty() ? std::nan("")
                        : effects.size() % 2 == 1 ? effects[effects.size() / 2]
                                                  : (effects[effects.size() / 2 - 1] + effects[effects.size() / 2]) / 2;
  const int fitted = tally.studies - tally.failed;
  const double clustered = share(tally.clustered, fitted), wald = share(tally.wald_covered, fitted);
  const double profile = share(tally.profile_covered, tally.profiled);
  std::printf("  %-22s studies %4d (failed %d)  clustering warned %5.1f%% (MC SE %.1f)  design effect mean %.2f "
              "median %.2f  Wald coverage %5.1f%% (MC SE %.1f)",
              label, tally.studies, tally.failed, 100 * clustered, 100 * monte_carlo_error(clustered, fitted), mean,
              median, 100 * wald, 100 * monte_carlo_error(wald, fitted));
  if (tally.profiled > 0) {
    std::printf("  profile coverage %5.1f%% (MC SE %.1f)", 100 * profile,
                100 * monte_carlo_error(profile, tally.profiled));
  }
  std::printf("  cpu %.1f s\n", tally.cpu_seconds);
}

void add_study(const std::vector<CrossedVote>& votes, double intercept, bool profiles, Tally& tally) {
  CrossedLogitOptions options;
  options.profile_intervals = profiles;
  ++tally.studies;
  const double start = cpu_seconds();
  try {
    const CrossedLogitFit fit = fit_crossed_logit(votes, options);
    tally.clustered += fit.clustering_test.p_value < 0.05;
    tally.design_effects.push_back(fit.design_effect);
    const Interval& wald = fit.intercept.wald_interval;
    tally.wald_covered += wald.lower <= intercept && intercept <= wald.upper;
    if (profiles) {
      ++tally.profiled;
      tally.profile_covered +=
          fit.intercept.profile_interval.lower <= intercept && intercept <= fit.intercept.profile_interval.upper;
    }
  } catch (const std::exception&) {
    ++tally.failed;  // e.g. every answer the same: no finite intercept
  }
  tally.cpu_seconds += cpu_seconds() - start;
}

int run(int argc, char** argv) {
  int studies = 1000, export_studies = 100;
  std::int64_t seed = 16;
  bool no_profiles = false;
  std::string export_dir;
  BenchOptions options("crossed_logit_calibration_bench: calibration of the study analysis's clustered statistics");
  options.value("studies", studies, "simulated studies per scenario")
      .value("seed", seed, "the simulation's seed (each scenario's stream is derived from it)")
      .flag("no-profiles", no_profiles, "skip the profile intervals (faster; their coverage is not reported)")
      .value("export", export_dir, "write the first --export-studies studies of each scenario to DIR/<scenario>.csv")
      .value("export-studies", export_studies, "studies per scenario that --export writes");
  options.parse(argc, argv);
  if (studies < 1 || export_studies < 1) throw UsageError("need --studies >= 1 and --export-studies >= 1");
  const bool profiles = !no_profiles;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each scenario's lines as soon as they are known, also into a file
  std::printf("crossed_logit calibration: %d studies per scenario, seed %lld, alpha 0.05, 95%% intervals, preference "
              "0.575; load average before: %s\n",
              studies, static_cast<long long>(seed), load_average().c_str());
  const double intercept = logit(0.575);
  for (const Scenario& scenario : kScenarios) {
    std::printf("%s: %d respondents x %d pairs, respondent SD %.1f, pair SD %.1f (logit scale)\n", scenario.name,
                scenario.respondents, scenario.pairs, scenario.respondent_sd, scenario.pair_sd);
    std::uint64_t stream = derive_seed(seed, scenario.name);
    std::ofstream csv;
    if (!export_dir.empty()) {
      std::filesystem::create_directories(export_dir);
      csv.open(std::filesystem::path(export_dir) / (std::string(scenario.name) + ".csv"));
      csv << "study,respondent,pair,chose_proposed\n";
    }
    Tally all, exported;
    for (int k = 0; k < studies; ++k) {
      SimulatedCrossedStudy study{scenario.respondents, scenario.pairs, intercept, scenario.respondent_sd,
                                  scenario.pair_sd, 0, 1, splitmix64_next(stream)};
      const std::vector<CrossedVote> votes = simulate_crossed_study(study);
      add_study(votes, intercept, profiles, all);
      if (csv.is_open() && k < export_studies) {
        add_study(votes, intercept, false, exported);
        for (const CrossedVote& vote : votes) {
          csv << k << ',' << vote.respondent << ',' << vote.pair << ',' << vote.chose_proposed << '\n';
        }
      }
    }
    print_tally("all studies", all);
    if (csv.is_open()) print_tally("the exported studies", exported);
  }
  std::printf("load average after: %s\n", load_average().c_str());
  return 0;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
