// Times the crossed random-effects logistic model (stats/crossed_logit.h) on simulated studies: the paper-sized one
// (18 respondents x 20 pairs = 360 answers; goal < 20 ms, so that power by simulation's 1,000 fits take seconds) and
// a large one (500 respondents x 198 pairs + 2 repeated answers per respondent = 100,000 answers; goal < 2 s).
// Each is timed without profile intervals (estimates, standard errors, the three likelihood-ratio tests, design
// effect: what a power simulation needs) and with them (the full report). Wall and CPU seconds, medians.
//
//   build/bench/crossed_logit_bench [--repeats-small 51] [--repeats-large 3]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "bench_timing.h"
#include "stats/crossed_logit.h"

namespace depthstyle {
namespace {

double uniform(std::mt19937_64& generator) { return (static_cast<double>(generator() >> 11) + 0.5) * 0x1p-53; }
double normal(std::mt19937_64& generator) {
  return std::sqrt(-2 * std::log(uniform(generator))) * std::cos(2 * M_PI * uniform(generator));
}

// Intercept 0.3, respondent SD 0.8, pair SD 0.4 on the logit scale; every respondent answers every pair once and
// `repeats` random pairs a second time.
std::vector<CrossedVote> simulate(int respondents, int pairs, int repeats, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::vector<double> respondent_effect(static_cast<std::size_t>(respondents)), pair_effect(static_cast<std::size_t>(pairs));
  for (double& effect : respondent_effect) effect = 0.8 * normal(generator);
  for (double& effect : pair_effect) effect = 0.4 * normal(generator);
  std::vector<CrossedVote> votes;
  const auto answer = [&](int r, int q) {
    const double eta = 0.3 + respondent_effect[static_cast<std::size_t>(r)] + pair_effect[static_cast<std::size_t>(q)];
    votes.push_back({r, q, uniform(generator) < 1 / (1 + std::exp(-eta)) ? 1 : 0, uniform(generator) < 0.5 ? 1 : 0});
  };
  for (int r = 0; r < respondents; ++r) {
    for (int q = 0; q < pairs; ++q) answer(r, q);
    for (int k = 0; k < repeats; ++k) answer(r, static_cast<int>(uniform(generator) * pairs));
  }
  return votes;
}

void time_fits(const char* label, const std::vector<CrossedVote>& votes, bool profiles, int repeats, double goal_ms) {
  CrossedLogitOptions options;
  options.profile_intervals = profiles;
  std::vector<double> wall, cpu;
  CrossedLogitFit fit;
  for (int i = 0; i < repeats; ++i) {
    const double wall_start = wall_seconds(), cpu_start = cpu_seconds();
    fit = fit_crossed_logit(votes, options);
    wall.push_back(1e3 * (wall_seconds() - wall_start));
    cpu.push_back(1e3 * (cpu_seconds() - cpu_start));
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  std::printf("%-34s %7zu answers  wall %9.2f ms  cpu %9.2f ms  (median of %d; goal < %.0f ms; %d deviances)\n", label,
              votes.size(), wall[wall.size() / 2], cpu[cpu.size() / 2], repeats, goal_ms, fit.deviance_evaluations);
  std::printf("    intercept %.4f (SE %.4f), SDs %.3f / %.3f, deviance %.4f, design effect %.2f\n",
              fit.intercept.estimate, fit.intercept.standard_error, fit.respondent_sd, fit.pair_sd, fit.deviance,
              fit.design_effect);
}

int run(int argc, char** argv) {
  int repeats_small = 51, repeats_large = 3;
  BenchOptions options(
      "crossed_logit_bench: the crossed random-effects logit fit on a 360- and a 100,000-answer study");
  options.value("repeats-small", repeats_small, "fits of the 360-answer study; medians are reported")
      .value("repeats-large", repeats_large, "fits of the 100,000-answer study");
  options.parse(argc, argv);
  if (repeats_small < 1 || repeats_large < 1) throw UsageError("need --repeats-small >= 1 and --repeats-large >= 1");
  std::printf("load average before: %s\n", load_average().c_str());
  const std::vector<CrossedVote> small = simulate(18, 20, 0, 1);
  const std::vector<CrossedVote> large = simulate(500, 198, 2, 2);
  time_fits("18 x 20, no profiles", small, false, repeats_small, 20);
  time_fits("18 x 20, with profile intervals", small, true, repeats_small, 20);
  time_fits("500 x 198, no profiles", large, false, repeats_large, 2000);
  time_fits("500 x 198, with profile intervals", large, true, repeats_large, 2000);
  std::printf("load average after: %s\n", load_average().c_str());
  return 0;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
