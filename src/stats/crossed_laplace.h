// The Laplace approximation of the deviance of a logistic model with two crossed random intercepts (the engine of
// stats/crossed_logit.h, which documents the model and the conventions).
//
// Data are binomial cells: a (respondent, pair, fixed-effect row) combination with its number of answers (trials)
// and of answers for the proposed method (successes); Bernoulli answers aggregate into cells without changing the
// deviance (no binomial coefficient is added: it is 0 for 0/1 answers).
//
// deviance(phi), phi = (theta_respondent, theta_pair, beta_0, ..., beta_(p-1)):
//   min over u of [ -2 log p(y | eta(u)) + |u|^2 ] + log det(H),  eta = X beta + Z Lambda(theta) u,
//   H = Lambda' Z' W Z Lambda + I at the conditional mode, W = trials x mu (1 - mu).
// The conditional mode is found by Newton iterations with step halving (penalized iteratively reweighted least
// squares), warm-started from the previous evaluation's mode, until the largest Newton step is below 1e-10; steps
// are checked (and halved) only outside the region of quadratic convergence.
// H = [[A, B], [B', C]] with A, C diagonal: the factor with more levels ("outer") is eliminated, leaving the dense
// Schur complement C - B' A^-1 B on the factor with fewer levels ("inner"), which is Cholesky-factored.
// Cost per Newton iteration: O(cells + sum over outer levels of (its inner levels) x (inner level count) +
// inner^3 / 6); memory O(cells + inner^2).
#pragma once

#include <vector>

namespace depthstyle {

struct BinomialCell {
  int respondent = 0;           // 0-based, < respondents
  int pair = 0;                 // 0-based, < pairs
  std::vector<double> columns;  // the fixed-effect row x (size p, the same for every cell)
  double successes = 0;
  double trials = 0;            // > 0
};

class CrossedLaplaceDeviance {
 public:
  // Indices must be in range and every level used (the caller checks); asserts otherwise.
  CrossedLaplaceDeviance(const std::vector<BinomialCell>& cells, int respondents, int pairs);

  int fixed_effects() const { return fixed_effects_; }
  // phi as above, size 2 + fixed_effects(); negative thetas give the deviance of |theta|.
  double operator()(const std::vector<double>& phi);
  int evaluations() const { return evaluations_; }

 private:
  double binomial_deviance(const std::vector<double>& fixed_eta) const;
  double penalized_deviance(const std::vector<double>& fixed_eta, double theta_outer, double theta_inner,
                            const std::vector<double>& modes, bool with_deviance);
  double factor_and_step(double theta_outer, double theta_inner, std::vector<double>& step, double& decrement);
  static constexpr int kOuterGroup = 4;
  void factor_schur_complement();
  void subtract_outer_group(int first, int end, std::vector<double>& dense_rows, std::vector<char>& touched);
  void solve(const std::vector<double>& rhs, std::vector<double>& solution) const;

  int fixed_effects_ = 0;
  int outer_levels_ = 0;
  int inner_levels_ = 0;
  bool respondent_is_outer_ = true;
  // Cells sorted by (outer, inner); blocks are the distinct (outer, inner) pairs among them.
  std::vector<int> cell_outer_, cell_inner_, cell_block_;
  std::vector<double> cell_columns_;  // row-major, cells x fixed_effects
  std::vector<double> cell_successes_, cell_trials_;
  std::vector<int> block_inner_;
  std::vector<int> outer_first_block_;  // size outer_levels + 1
  // Per-evaluation state.
  std::vector<double> modes_;             // u: outer levels then inner levels (warm start)
  std::vector<double> eta_, residual_, weight_;  // per cell: eta; trials mu - successes; trials mu (1 - mu)
  std::vector<double> outer_diagonal_, inner_diagonal_, block_value_, schur_;
  double log_det_ = 0;
  int evaluations_ = 0;
};

}  // namespace depthstyle
