#include "stats/crossed_laplace.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"

namespace depthstyle {
namespace {

constexpr int kMaxNewtonIterations = 200;
constexpr int kMaxStepHalvings = 40;
// The conditional mode is accepted when the largest Newton step is below this (spherical units): the log
// determinant, evaluated at the mode, is then exact to ~1e-10, smooth enough for finite-difference Hessians.
constexpr double kModeTolerance = 1e-10;

// -2 log p(successes | eta) of one cell, computed without overflow: softplus(x) = log(1 + e^x).
inline double cell_deviance(double eta, double successes, double trials, double& mu) {
  const double e = std::exp(-std::fabs(eta));
  const double log1p_e = std::log1p(e);
  mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
  const double softplus_eta = std::max(eta, 0.0) + log1p_e;
  const double softplus_minus_eta = std::max(-eta, 0.0) + log1p_e;
  return 2 * (successes * softplus_minus_eta + (trials - successes) * softplus_eta);
}

}  // namespace

CrossedLaplaceDeviance::CrossedLaplaceDeviance(const std::vector<BinomialCell>& cells, int respondents, int pairs) {
  DEPTHSTYLE_ASSERT(!cells.empty() && respondents > 0 && pairs > 0);
  fixed_effects_ = static_cast<int>(cells.front().columns.size());
  respondent_is_outer_ = respondents >= pairs;
  outer_levels_ = respondent_is_outer_ ? respondents : pairs;
  inner_levels_ = respondent_is_outer_ ? pairs : respondents;
  const auto outer_of = [&](const BinomialCell& cell) { return respondent_is_outer_ ? cell.respondent : cell.pair; };
  const auto inner_of = [&](const BinomialCell& cell) { return respondent_is_outer_ ? cell.pair : cell.respondent; };

  std::vector<std::size_t> order(cells.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const int outer_a = outer_of(cells[a]), outer_b = outer_of(cells[b]);
    return outer_a != outer_b ? outer_a < outer_b : inner_of(cells[a]) < inner_of(cells[b]);
  });
  outer_first_block_.assign(static_cast<std::size_t>(outer_levels_) + 1, 0);
  for (std::size_t index : order) {
    const BinomialCell& cell = cells[index];
    const int outer = outer_of(cell), inner = inner_of(cell);
    DEPTHSTYLE_ASSERT(outer >= 0 && outer < outer_levels_ && inner >= 0 && inner < inner_levels_);
    DEPTHSTYLE_ASSERT(static_cast<int>(cell.columns.size()) == fixed_effects_ && cell.trials > 0);
    const bool new_block = cell_outer_.empty() || cell_outer_.back() != outer || cell_inner_.back() != inner;
    if (new_block) {
      block_inner_.push_back(inner);
      ++outer_first_block_[static_cast<std::size_t>(outer) + 1];
    }
    cell_outer_.push_back(outer);
    cell_inner_.push_back(inner);
    cell_block_.push_back(static_cast<int>(block_inner_.size()) - 1);
    cell_columns_.insert(cell_columns_.end(), cell.columns.begin(), cell.columns.end());
    cell_successes_.push_back(cell.successes);
    cell_trials_.push_back(cell.trials);
  }
  for (int outer = 0; outer < outer_levels_; ++outer) {
    outer_first_block_[static_cast<std::size_t>(outer) + 1] += outer_first_block_[static_cast<std::size_t>(outer)];
  }
  const std::size_t cell_count = cell_outer_.size();
  eta_.assign(cell_count, 0);
  residual_.assign(cell_count, 0);
  weight_.assign(cell_count, 0);
  modes_.assign(static_cast<std::size_t>(outer_levels_ + inner_levels_), 0);
  outer_diagonal_.assign(static_cast<std::size_t>(outer_levels_), 1);
  inner_diagonal_.assign(static_cast<std::size_t>(inner_levels_), 1);
  block_value_.assign(block_inner_.size(), 0);
  schur_.assign(static_cast<std::size_t>(inner_levels_) * static_cast<std::size_t>(inner_levels_), 0);
}

double CrossedLaplaceDeviance::binomial_deviance(const std::vector<double>& fixed_eta) const {
  double deviance = 0, mu = 0;
  for (std::size_t c = 0; c < fixed_eta.size(); ++c) {
    deviance += cell_deviance(fixed_eta[c], cell_successes_[c], cell_trials_[c], mu);
  }
  return deviance;
}

// -2 log p(y | u) + |u|^2 at the modes given; leaves eta, residual and weight of every cell for those modes.
double CrossedLaplaceDeviance::penalized_deviance(const std::vector<double>& fixed_eta, double theta_outer,
                                                  double theta_inner, const std::vector<double>& modes) {
  const double* outer_modes = modes.data();
  const double* inner_modes = modes.data() + outer_levels_;
  double deviance = 0;
  for (std::size_t c = 0; c < fixed_eta.size(); ++c) {
    const double eta = fixed_eta[c] + theta_outer * outer_modes[cell_outer_[c]] +
                       theta_inner * inner_modes[cell_inner_[c]];
    double mu = 0;
    deviance += cell_deviance(eta, cell_successes_[c], cell_trials_[c], mu);
    eta_[c] = eta;
    residual_[c] = cell_trials_[c] * mu - cell_successes_[c];
    weight_[c] = cell_trials_[c] * mu * (1 - mu);
  }
  for (double mode : modes) deviance += mode * mode;
  return deviance;
}

// Builds H at the current cell weights, factors it (log_det_), and sets step = -H^-1 g, g = half the gradient of the
// penalized deviance at modes_. Returns the largest |step|.
double CrossedLaplaceDeviance::factor_and_step(double theta_outer, double theta_inner, std::vector<double>& step) {
  std::vector<double> gradient(modes_);  // the + u part
  std::fill(outer_diagonal_.begin(), outer_diagonal_.end(), 0.0);
  std::fill(inner_diagonal_.begin(), inner_diagonal_.end(), 0.0);
  std::fill(block_value_.begin(), block_value_.end(), 0.0);
  std::vector<double> outer_residual(outer_diagonal_.size(), 0.0), inner_residual(inner_diagonal_.size(), 0.0);
  for (std::size_t c = 0; c < cell_outer_.size(); ++c) {
    outer_diagonal_[static_cast<std::size_t>(cell_outer_[c])] += weight_[c];
    inner_diagonal_[static_cast<std::size_t>(cell_inner_[c])] += weight_[c];
    block_value_[static_cast<std::size_t>(cell_block_[c])] += weight_[c];
    outer_residual[static_cast<std::size_t>(cell_outer_[c])] += residual_[c];
    inner_residual[static_cast<std::size_t>(cell_inner_[c])] += residual_[c];
  }
  const std::size_t outer_count = outer_diagonal_.size();
  for (std::size_t r = 0; r < outer_count; ++r) {
    outer_diagonal_[r] = 1 + theta_outer * theta_outer * outer_diagonal_[r];
    gradient[r] += theta_outer * outer_residual[r];
  }
  for (std::size_t q = 0; q < inner_diagonal_.size(); ++q) {
    inner_diagonal_[q] = 1 + theta_inner * theta_inner * inner_diagonal_[q];
    gradient[outer_count + q] += theta_inner * inner_residual[q];
  }
  for (double& value : block_value_) value *= theta_outer * theta_inner;
  factor_schur_complement();
  for (double& value : gradient) value = -value;
  solve(gradient, step);
  double largest = 0;
  for (double value : step) largest = std::max(largest, std::fabs(value));
  return largest;
}

// schur_ = upper Cholesky factor U (row-major, U'U = C - B' A^-1 B); log_det_ = log det H.
void CrossedLaplaceDeviance::factor_schur_complement() {
  const std::size_t inner_count = static_cast<std::size_t>(inner_levels_);
  std::fill(schur_.begin(), schur_.end(), 0.0);
  for (std::size_t q = 0; q < inner_count; ++q) schur_[q * inner_count + q] = inner_diagonal_[q];
  std::vector<double> dense_row(inner_count, 0.0);
  double log_det = 0;
  for (int outer = 0; outer < outer_levels_; ++outer) {
    const double diagonal = outer_diagonal_[static_cast<std::size_t>(outer)];
    log_det += std::log(diagonal);
    const int first = outer_first_block_[static_cast<std::size_t>(outer)];
    const int end = outer_first_block_[static_cast<std::size_t>(outer) + 1];
    for (int b = first; b < end; ++b) dense_row[static_cast<std::size_t>(block_inner_[b])] = block_value_[b];
    const double* __restrict row_values = dense_row.data();
    for (int b = first; b < end; ++b) {
      const std::size_t q1 = static_cast<std::size_t>(block_inner_[b]);
      const double factor = block_value_[b] / diagonal;
      double* __restrict target = schur_.data() + q1 * inner_count;
      for (std::size_t q2 = q1; q2 < inner_count; ++q2) target[q2] -= factor * row_values[q2];
    }
    for (int b = first; b < end; ++b) dense_row[static_cast<std::size_t>(block_inner_[b])] = 0;
  }
  for (std::size_t k = 0; k < inner_count; ++k) {
    double* __restrict row_k = schur_.data() + k * inner_count;
    DEPTHSTYLE_ASSERT(row_k[k] > 0);
    const double pivot = std::sqrt(row_k[k]);
    log_det += 2 * std::log(pivot);
    row_k[k] = pivot;
    for (std::size_t j = k + 1; j < inner_count; ++j) row_k[j] /= pivot;
    for (std::size_t i = k + 1; i < inner_count; ++i) {
      const double factor = row_k[i];
      double* __restrict row_i = schur_.data() + i * inner_count;
      for (std::size_t j = i; j < inner_count; ++j) row_i[j] -= factor * row_k[j];
    }
  }
  log_det_ = log_det;
}

// solution = H^-1 rhs by block elimination of the outer levels and the Cholesky factor of the Schur complement.
void CrossedLaplaceDeviance::solve(const std::vector<double>& rhs, std::vector<double>& solution) const {
  const std::size_t outer_count = static_cast<std::size_t>(outer_levels_);
  const std::size_t inner_count = static_cast<std::size_t>(inner_levels_);
  std::vector<double> inner(rhs.begin() + static_cast<std::ptrdiff_t>(outer_count), rhs.end());
  for (std::size_t r = 0; r < outer_count; ++r) {
    const double scaled = rhs[r] / outer_diagonal_[r];
    for (int b = outer_first_block_[r]; b < outer_first_block_[r + 1]; ++b) {
      inner[static_cast<std::size_t>(block_inner_[b])] -= block_value_[b] * scaled;
    }
  }
  for (std::size_t k = 0; k < inner_count; ++k) {  // U' z = inner
    const double* row_k = schur_.data() + k * inner_count;
    inner[k] /= row_k[k];
    for (std::size_t i = k + 1; i < inner_count; ++i) inner[i] -= row_k[i] * inner[k];
  }
  for (std::size_t k = inner_count; k-- > 0;) {  // U x = z
    const double* row_k = schur_.data() + k * inner_count;
    double sum = inner[k];
    for (std::size_t i = k + 1; i < inner_count; ++i) sum -= row_k[i] * inner[i];
    inner[k] = sum / row_k[k];
  }
  solution.resize(rhs.size());
  for (std::size_t r = 0; r < outer_count; ++r) {
    double sum = rhs[r];
    for (int b = outer_first_block_[r]; b < outer_first_block_[r + 1]; ++b) {
      sum -= block_value_[b] * inner[static_cast<std::size_t>(block_inner_[b])];
    }
    solution[r] = sum / outer_diagonal_[r];
  }
  std::copy(inner.begin(), inner.end(), solution.begin() + static_cast<std::ptrdiff_t>(outer_count));
}

double CrossedLaplaceDeviance::operator()(const std::vector<double>& phi) {
  DEPTHSTYLE_ASSERT(static_cast<int>(phi.size()) == 2 + fixed_effects_);
  ++evaluations_;
  const double theta_respondent = std::fabs(phi[0]), theta_pair = std::fabs(phi[1]);
  const double theta_outer = respondent_is_outer_ ? theta_respondent : theta_pair;
  const double theta_inner = respondent_is_outer_ ? theta_pair : theta_respondent;
  const std::size_t cell_count = cell_outer_.size();
  const std::size_t p = static_cast<std::size_t>(fixed_effects_);
  std::vector<double> fixed_eta(cell_count, 0.0);
  for (std::size_t c = 0; c < cell_count; ++c) {
    for (std::size_t j = 0; j < p; ++j) fixed_eta[c] += cell_columns_[c * p + j] * phi[2 + j];
  }
  if (theta_outer == 0 && theta_inner == 0) return binomial_deviance(fixed_eta);

  double current = penalized_deviance(fixed_eta, theta_outer, theta_inner, modes_);
  std::vector<double> step, trial(modes_.size());
  for (int iteration = 0; iteration < kMaxNewtonIterations; ++iteration) {
    if (factor_and_step(theta_outer, theta_inner, step) < kModeTolerance) break;
    const double slack = 1e-13 * (1 + std::fabs(current));  // rounding of the sum near the mode
    double scale = 1;
    bool accepted = false;
    for (int halving = 0; halving <= kMaxStepHalvings && !accepted; ++halving, scale /= 2) {
      for (std::size_t k = 0; k < trial.size(); ++k) trial[k] = modes_[k] + scale * step[k];
      const double value = penalized_deviance(fixed_eta, theta_outer, theta_inner, trial);
      if (value <= current + slack) {
        accepted = true;
        current = value;
        modes_.swap(trial);
      }
    }
    if (!accepted) break;  // no progress at double precision: modes_ (and its factor) are the mode
  }
  return current + log_det_;
}

}  // namespace depthstyle
