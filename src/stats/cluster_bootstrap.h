// A proportion whose responses are clustered twice: every respondent answers many items and every item is answered
// by many respondents, so the responses are not independent and the binomial standard error is too small.
//
// The estimate resamples both kinds of cluster at once (the "pigeonhole" bootstrap, Owen 2007): each replicate draws
// the respondents with replacement and, independently, the items with replacement, and weights every
// (respondent, item) cell by (times its respondent was drawn) x (times its item was drawn). The replicate proportion
// is sum(weight x votes) / sum(weight x responses). Either kind of resampling can be switched off.
//
// Randomness: each kind of cluster draws from its own generator (std::mt19937_64, whose output sequence the C++
// standard fixes) with its own seed, and indices are drawn by rejection (no implementation-defined distribution), so
// results are identical on every platform for the same seeds; changing the item seed leaves the respondent draws
// alone. The percentile interval uses linear interpolation between order statistics (R's quantile type 7).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "core/seeds.h"  // uniform_index: the same draws on every standard library
#include "stats/binomial.h"

namespace depthstyle {

// Responses aggregated per (respondent, item) cell; indices are 0-based and dense.
struct ClusteredVotes {
  struct Cell {
    int respondent = 0;
    int item = 0;
    double votes = 0;      // responses in favour of the method of interest
    double responses = 0;  // all responses of the cell
  };
  int respondents = 0;
  int items = 0;
  std::vector<Cell> cells;
};

struct ClusterBootstrapOptions {
  int replicates = 2000;
  std::uint64_t respondent_seed = 1;
  std::uint64_t item_seed = 2;
  double confidence = 0.95;
  bool resample_respondents = true;
  bool resample_items = true;
};

struct ClusterBootstrapEstimate {
  double estimate = 0;          // the proportion of the data as observed
  double standard_error = 0;    // standard deviation of the replicate proportions
  ProportionInterval interval;  // percentile interval at options.confidence
  int replicates = 0;           // replicates that had at least one response
  // Replicates whose drawn cells held no response (skipped); possible only when cells are missing.
  int empty_replicates = 0;
};

// Throws UsageError for an empty study, a cell index out of range, negative counts or bad options.
ClusterBootstrapEstimate cluster_bootstrap_proportion(const ClusteredVotes& votes,
                                                      const ClusterBootstrapOptions& options);

// Quantile of sorted values by linear interpolation between order statistics (R's type 7, numpy's default).
double quantile_of_sorted(const std::vector<double>& sorted, double probability);

}  // namespace depthstyle
