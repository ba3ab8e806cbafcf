#include "stats/crossed_simulation.h"

#include <cmath>
#include <random>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

double open_uniform(std::mt19937_64& generator) {
  return (static_cast<double>(generator() >> 11) + 0.5) * 0x1p-53;
}

double standard_normal(std::mt19937_64& generator) {
  const double radius = std::sqrt(-2 * std::log(open_uniform(generator)));
  return radius * std::cos(2 * M_PI * open_uniform(generator));
}

}  // namespace

double logit(double probability) { return std::log(probability / (1 - probability)); }

std::vector<CrossedVote> simulate_crossed_study(const SimulatedCrossedStudy& study) {
  if (study.respondents < 1 || study.pairs < 1 || !(study.respondent_sd >= 0) || !(study.pair_sd >= 0) ||
      !(study.cell_probability > 0 && study.cell_probability <= 1) || !std::isfinite(study.intercept)) {
    throw UsageError(concat("simulated study: respondents = ", study.respondents, ", pairs = ", study.pairs,
                            ", SDs ", study.respondent_sd, " / ", study.pair_sd, ", cell probability ",
                            study.cell_probability, ", intercept ", study.intercept,
                            ": expected >= 1 respondent and pair, SDs >= 0, a probability in (0, 1] and a finite "
                            "intercept"));
  }
  std::mt19937_64 generator(study.seed);
  std::vector<double> respondent_effect(static_cast<std::size_t>(study.respondents));
  std::vector<double> pair_effect(static_cast<std::size_t>(study.pairs));
  for (double& effect : respondent_effect) effect = study.respondent_sd * standard_normal(generator);
  for (double& effect : pair_effect) effect = study.pair_sd * standard_normal(generator);
  std::vector<CrossedVote> votes;
  votes.reserve(static_cast<std::size_t>(study.respondents) * static_cast<std::size_t>(study.pairs));
  for (int r = 0; r < study.respondents; ++r) {
    for (int q = 0; q < study.pairs; ++q) {
      const bool answered = open_uniform(generator) < study.cell_probability;
      const int side = open_uniform(generator) < 0.5 ? 1 : 0;
      const double eta = study.intercept + study.position * (side - 0.5) +
                         respondent_effect[static_cast<std::size_t>(r)] + pair_effect[static_cast<std::size_t>(q)];
      const int chose = open_uniform(generator) < 1 / (1 + std::exp(-eta)) ? 1 : 0;
      if (answered) votes.push_back({r, q, chose, side});
    }
  }
  return votes;
}

}  // namespace depthstyle
