// Bradley-Terry scores for paired-comparison studies with more than two methods: P(i preferred over j) =
// pi_i / (pi_i + pi_j). Fitted by maximum likelihood with Hunter's (2004) MM algorithm,
//   pi_i <- W_i / sum_{j != i} N_ij / (pi_i + pi_j),   then rescaled so that sum_i pi_i = 1,
// where W_i is the number of times i was preferred and N_ij the number of comparisons of i with j.
//
// The maximum likelihood estimate exists only when the "was preferred over" graph is strongly connected (Zermelo
// 1929, Ford 1957): for every split of the methods into two groups, some method of each group was preferred at least
// once over some method of the other. Otherwise some strength is 0 or infinite; the fit then reports why instead of
// returning numbers.
#pragma once

#include <string>
#include <vector>

namespace depthstyle {

struct BradleyTerryOptions {
  // Stop when no log-strength changes by more than this between two iterations.
  double tolerance = 1e-12;
  int max_iterations = 100000;
};

struct BradleyTerryFit {
  bool estimable = false;
  // Why the estimate does not exist (names the methods), when !estimable.
  std::string problem;
  std::vector<double> strengths;      // pi_i, summing to 1
  std::vector<double> log_strengths;  // log pi_i, centred to mean 0 (the usual "score")
  int iterations = 0;
  bool converged = false;
};

// wins[i][j] = number of times method i was preferred over method j (square, zero diagonal, entries >= 0).
// `names` label the methods in `problem`. Throws UsageError for a malformed matrix.
BradleyTerryFit fit_bradley_terry(const std::vector<std::vector<double>>& wins, const std::vector<std::string>& names,
                                  const BradleyTerryOptions& options = {});

}  // namespace depthstyle
