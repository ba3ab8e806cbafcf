#include "stats/bradley_terry.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

// Methods reachable from `start` along edges i -> j where beats(i, j).
template <typename Beats>
std::vector<bool> reachable(std::size_t start, std::size_t count, const Beats& beats) {
  std::vector<bool> seen(count, false);
  std::vector<std::size_t> stack = {start};
  seen[start] = true;
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    for (std::size_t j = 0; j < count; ++j) {
      if (!seen[j] && beats(i, j)) {
        seen[j] = true;
        stack.push_back(j);
      }
    }
  }
  return seen;
}

// "" when the preference graph is strongly connected, else which group of methods never won against which other.
std::string existence_problem(const std::vector<std::vector<double>>& wins, const std::vector<std::string>& names) {
  const std::size_t count = wins.size();
  const auto members = [&](const std::vector<bool>& seen, bool wanted) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i) {
      if (seen[i] == wanted) out.push_back(names[i]);
    }
    return join(out, ", ");
  };
  const auto all = [](const std::vector<bool>& seen) {
    return std::find(seen.begin(), seen.end(), false) == seen.end();
  };
  const auto problem = [](const std::string& losers, const std::string& winners) {
    return concat("the Bradley-Terry strengths do not exist: ", losers, " never won against ", winners,
                  " (directly or through a chain of wins)");
  };
  // Methods the first one beat, directly or through others: they never won against the rest.
  const std::vector<bool> beaten = reachable(0, count, [&](std::size_t i, std::size_t j) { return wins[i][j] > 0; });
  if (!all(beaten)) return problem(members(beaten, true), members(beaten, false));
  // Methods that beat the first one, directly or through others: the rest never won against them.
  const std::vector<bool> beating = reachable(0, count, [&](std::size_t i, std::size_t j) { return wins[j][i] > 0; });
  if (!all(beating)) return problem(members(beating, false), members(beating, true));
  return "";
}

}  // namespace

BradleyTerryFit fit_bradley_terry(const std::vector<std::vector<double>>& wins, const std::vector<std::string>& names,
                                  const BradleyTerryOptions& options) {
  const std::size_t count = wins.size();
  if (count < 2 || names.size() != count) {
    throw UsageError(concat("Bradley-Terry: need a square win matrix over >= 2 methods with one name each, got ",
                            count, " rows and ", names.size(), " names"));
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (wins[i].size() != count) {
      throw UsageError(concat("Bradley-Terry: win matrix row ", i, " is not ", count, " long"));
    }
    for (std::size_t j = 0; j < count; ++j) {
      if (!(wins[i][j] >= 0) || (i == j && wins[i][j] != 0)) {
        throw UsageError(concat("Bradley-Terry: wins[", i, "][", j, "] = ", wins[i][j],
                                " (expected >= 0, and 0 on the diagonal)"));
      }
    }
  }
  BradleyTerryFit fit;
  fit.problem = existence_problem(wins, names);
  if (!fit.problem.empty()) return fit;
  fit.estimable = true;

  std::vector<double> total_wins(count, 0);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = 0; j < count; ++j) total_wins[i] += wins[i][j];
  }
  std::vector<double> strengths(count, 1.0 / static_cast<double>(count)), next(count);
  for (fit.iterations = 1; fit.iterations <= options.max_iterations; ++fit.iterations) {
    double sum = 0;
    for (std::size_t i = 0; i < count; ++i) {
      double denominator = 0;
      for (std::size_t j = 0; j < count; ++j) {
        const double comparisons = wins[i][j] + wins[j][i];
        if (j != i && comparisons > 0) denominator += comparisons / (strengths[i] + strengths[j]);
      }
      next[i] = total_wins[i] / denominator;
      sum += next[i];
    }
    double largest_change = 0;
    for (std::size_t i = 0; i < count; ++i) {
      next[i] /= sum;
      largest_change = std::max(largest_change, std::fabs(std::log(next[i] / strengths[i])));
    }
    strengths.swap(next);
    if (largest_change <= options.tolerance) {
      fit.converged = true;
      break;
    }
  }
  fit.iterations = std::min(fit.iterations, options.max_iterations);
  fit.strengths = strengths;
  double mean_log = 0;
  for (const double strength : strengths) mean_log += std::log(strength) / static_cast<double>(count);
  for (const double strength : strengths) fit.log_strengths.push_back(std::log(strength) - mean_log);
  return fit;
}

}  // namespace depthstyle
