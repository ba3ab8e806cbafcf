#include "stats/cluster_bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace depthstyle {
namespace {

// Draws `count` indices in [0, count) with replacement and returns how often each was drawn.
void draw_multiplicities(std::mt19937_64& generator, std::vector<double>& multiplicity) {
  std::fill(multiplicity.begin(), multiplicity.end(), 0.0);
  for (std::size_t draw = 0; draw < multiplicity.size(); ++draw) {
    multiplicity[uniform_index(generator, multiplicity.size())] += 1;
  }
}

// The cells grouped by respondent (structure of arrays): a replicate sums each drawn respondent's cells once,
// weighted by the item draws, and skips the respondents it did not draw (about 37% of them).
struct CellsByRespondent {
  std::vector<std::size_t> first_cell;  // respondent r's cells are [first_cell[r], first_cell[r + 1])
  std::vector<int> item;
  std::vector<double> votes, responses;

  explicit CellsByRespondent(const ClusteredVotes& clustered)
      : first_cell(static_cast<std::size_t>(clustered.respondents) + 1, 0),
        item(clustered.cells.size()),
        votes(clustered.cells.size()),
        responses(clustered.cells.size()) {
    for (const ClusteredVotes::Cell& cell : clustered.cells) {
      ++first_cell[static_cast<std::size_t>(cell.respondent) + 1];
    }
    for (std::size_t r = 0; r + 1 < first_cell.size(); ++r) first_cell[r + 1] += first_cell[r];
    std::vector<std::size_t> next = first_cell;
    for (const ClusteredVotes::Cell& cell : clustered.cells) {
      const std::size_t slot = next[static_cast<std::size_t>(cell.respondent)]++;
      item[slot] = cell.item;
      votes[slot] = cell.votes;
      responses[slot] = cell.responses;
    }
  }

  // The replicate's votes over its responses, the respondents and items weighted by how often they were drawn; NaN
  // if it drew no response.
  double proportion(const std::vector<double>& respondent_weight, const std::vector<double>& item_weight) const {
    double numerator = 0, denominator = 0;
    for (std::size_t r = 0; r + 1 < first_cell.size(); ++r) {
      if (respondent_weight[r] == 0) continue;
      double respondent_votes = 0, respondent_responses = 0;
      for (std::size_t c = first_cell[r]; c < first_cell[r + 1]; ++c) {
        const double weight = item_weight[static_cast<std::size_t>(item[c])];
        respondent_votes += weight * votes[c];
        respondent_responses += weight * responses[c];
      }
      numerator += respondent_weight[r] * respondent_votes;
      denominator += respondent_weight[r] * respondent_responses;
    }
    return denominator > 0 ? numerator / denominator : std::numeric_limits<double>::quiet_NaN();
  }
};

// Throws UsageError for an empty study, bad options or a cell outside the study's respondents and items.
void check_bootstrap_input(const ClusteredVotes& votes, const ClusterBootstrapOptions& options) {
  if (votes.respondents < 1 || votes.items < 1 || votes.cells.empty()) {
    throw UsageError("cluster bootstrap: the study has no responses");
  }
  if (options.replicates < 2) {
    throw UsageError(concat("cluster bootstrap: replicates = ", options.replicates, ", expected >= 2"));
  }
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw UsageError(concat("cluster bootstrap: confidence = ", options.confidence, ", expected a value in (0, 1)"));
  }
  for (std::size_t i = 0; i < votes.cells.size(); ++i) {
    const ClusteredVotes::Cell& cell = votes.cells[i];
    if (cell.respondent < 0 || cell.respondent >= votes.respondents || cell.item < 0 || cell.item >= votes.items ||
        !(cell.votes >= 0) || !(cell.responses >= cell.votes)) {
      throw UsageError(concat("cluster bootstrap: cell ", i, " (respondent ", cell.respondent, ", item ", cell.item,
                              ", votes ", cell.votes, ", responses ", cell.responses, ") is out of range"));
    }
  }
}

}  // namespace

double quantile_of_sorted(const std::vector<double>& sorted, double probability) {
  DEPTHSTYLE_ASSERT(!sorted.empty());
  const double position = probability * static_cast<double>(sorted.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  if (below + 1 >= sorted.size()) return sorted.back();
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

ClusterBootstrapEstimate cluster_bootstrap_proportion(const ClusteredVotes& votes,
                                                      const ClusterBootstrapOptions& options) {
  check_bootstrap_input(votes, options);
  double all_votes = 0, all_responses = 0;
  for (const ClusteredVotes::Cell& cell : votes.cells) {
    all_votes += cell.votes;
    all_responses += cell.responses;
  }
  if (all_responses == 0) throw UsageError("cluster bootstrap: the study has no responses");

  ClusterBootstrapEstimate result;
  result.estimate = all_votes / all_responses;
  const CellsByRespondent cells(votes);
  std::mt19937_64 respondent_generator(options.respondent_seed), item_generator(options.item_seed);
  std::vector<double> respondent_weight(static_cast<std::size_t>(votes.respondents), 1.0);
  std::vector<double> item_weight(static_cast<std::size_t>(votes.items), 1.0);
  std::vector<double> proportions;
  proportions.reserve(static_cast<std::size_t>(options.replicates));
  for (int replicate = 0; replicate < options.replicates; ++replicate) {
    if (options.resample_respondents) draw_multiplicities(respondent_generator, respondent_weight);
    if (options.resample_items) draw_multiplicities(item_generator, item_weight);
    const double proportion = cells.proportion(respondent_weight, item_weight);
    if (std::isnan(proportion)) ++result.empty_replicates;
    else proportions.push_back(proportion);
  }
  result.replicates = static_cast<int>(proportions.size());
  if (proportions.size() < 2) {
    throw Error(concat("cluster bootstrap: only ", proportions.size(), " of ", options.replicates,
                       " replicates drew any response; the study is too sparse to bootstrap"));
  }
  double mean = 0;
  for (const double value : proportions) mean += value;
  mean /= static_cast<double>(proportions.size());
  double sum_squares = 0;
  for (const double value : proportions) sum_squares += (value - mean) * (value - mean);
  result.standard_error = std::sqrt(sum_squares / static_cast<double>(proportions.size() - 1));
  std::sort(proportions.begin(), proportions.end());
  const double tail = (1 - options.confidence) / 2;
  result.interval = {quantile_of_sorted(proportions, tail), quantile_of_sorted(proportions, 1 - tail)};
  return result;
}

}  // namespace depthstyle
