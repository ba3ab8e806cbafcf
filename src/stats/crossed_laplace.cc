#include "stats/crossed_laplace.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "core/error.h"

namespace depthstyle {
namespace {

constexpr int kMaxNewtonIterations = 200;
constexpr int kMaxStepHalvings = 40;
// The conditional mode is accepted when the largest Newton step is below this (spherical units): the log
// determinant, evaluated at the mode, is then exact to ~1e-10, smooth enough for finite-difference Hessians.
constexpr double kModeTolerance = 1e-10;
constexpr double kTrustedDecrement = 1e-2;

// -2 log p(successes | eta) of one cell, computed without overflow: softplus(x) = log(1 + e^x).
inline double cell_deviance(double eta, double successes, double trials, double& mu) {
  const double e = std::exp(-std::fabs(eta));
  const double log1p_e = std::log1p(e);
  mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
  const double softplus_eta = std::max(eta, 0.0) + log1p_e;
  const double softplus_minus_eta = std::max(-eta, 0.0) + log1p_e;
  return 2 * (successes * softplus_minus_eta + (trials - successes) * softplus_eta);
}

// The two inner loops of a large fit, written with GCC/Clang vector types of 2 doubles (SSE2, in every x86-64; other
// targets lower them to what they have) because -O2 does not vectorize loops whose length is not a multiple of the
// vector width. Unaligned loads and stores go through memcpy.
typedef double Vector2 __attribute__((vector_size(16)));

inline Vector2 load(const double* source) {
  Vector2 value;
  std::memcpy(&value, source, sizeof value);
  return value;
}
inline void store(double* target, Vector2 value) { std::memcpy(target, &value, sizeof value); }

// target[j] -= sum over k < 4 of factors[k] rows[k][j], for j in [begin, end).
void subtract_combination(const double* factors, double* const* rows, std::size_t begin, std::size_t end,
                          double* target) {
  const Vector2 c0 = {factors[0], factors[0]}, c1 = {factors[1], factors[1]};
  const Vector2 c2 = {factors[2], factors[2]}, c3 = {factors[3], factors[3]};
  std::size_t j = begin;
  for (; j + 2 <= end; j += 2) {
    const Vector2 sum = c0 * load(rows[0] + j) + c1 * load(rows[1] + j) + c2 * load(rows[2] + j) +
                        c3 * load(rows[3] + j);
    store(target + j, load(target + j) - sum);
  }
  for (; j < end; ++j) {
    target[j] -= factors[0] * rows[0][j] + factors[1] * rows[1][j] + factors[2] * rows[2][j] + factors[3] * rows[3][j];
  }
}

// target[j] -= factor source[j], for j in [begin, end).
void subtract_multiple(double factor, const double* source, std::size_t begin, std::size_t end, double* target) {
  const Vector2 c = {factor, factor};
  std::size_t j = begin;
  for (; j + 2 <= end; j += 2) store(target + j, load(target + j) - c * load(source + j));
  for (; j < end; ++j) target[j] -= factor * source[j];
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

// -2 log p(y | u) + |u|^2 at the modes given (NaN without `with_deviance`, which saves a log1p per cell); leaves
// eta, residual and weight of every cell for those modes.
double CrossedLaplaceDeviance::penalized_deviance(const std::vector<double>& fixed_eta, double theta_outer,
                                                  double theta_inner, const std::vector<double>& modes,
                                                  bool with_deviance) {
  const double* outer_modes = modes.data();
  const double* inner_modes = modes.data() + outer_levels_;
  double deviance = 0;
  for (std::size_t c = 0; c < fixed_eta.size(); ++c) {
    const double eta = fixed_eta[c] + theta_outer * outer_modes[cell_outer_[c]] +
                       theta_inner * inner_modes[cell_inner_[c]];
    double mu = 0;
    if (with_deviance) {
      deviance += cell_deviance(eta, cell_successes_[c], cell_trials_[c], mu);
    } else {
      const double e = std::exp(-std::fabs(eta));
      mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
    eta_[c] = eta;
    residual_[c] = cell_trials_[c] * mu - cell_successes_[c];
    weight_[c] = cell_trials_[c] * mu * (1 - mu);
  }
  if (!with_deviance) return std::numeric_limits<double>::quiet_NaN();
  for (double mode : modes) deviance += mode * mode;
  return deviance;
}

// Builds H at the current cell weights, factors it (log_det_), and sets step = -H^-1 g, g = half the gradient of the
// penalized deviance at modes_; decrement = g' H^-1 g (about the distance of the penalized deviance to its minimum).
// Returns the largest |step|.
double CrossedLaplaceDeviance::factor_and_step(double theta_outer, double theta_inner, std::vector<double>& step,
                                               double& decrement) {
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
  decrement = 0;
  for (std::size_t k = 0; k < step.size(); ++k) {
    largest = std::max(largest, std::fabs(step[k]));
    decrement += gradient[k] * step[k];
  }
  return largest;
}

// Subtracts B_r' A_r^-1 B_r from the Schur complement's upper triangle for the outer levels [first, end) (at most
// kOuterGroup of them): each row of the triangle is updated once per group, with one multiply-add per level, which
// keeps the loads and stores of the triangle (the bottleneck) kOuterGroup times fewer than level by level.
void CrossedLaplaceDeviance::subtract_outer_group(int first, int end, std::vector<double>& dense_rows,
                                                  std::vector<char>& touched) {
  const std::size_t inner_count = static_cast<std::size_t>(inner_levels_);
  double* rows[kOuterGroup];
  double scale[kOuterGroup];
  for (int k = 0; k < kOuterGroup; ++k) {
    rows[k] = dense_rows.data() + static_cast<std::size_t>(k) * inner_count;
    const int outer = first + k;
    scale[k] = outer < end ? 1 / outer_diagonal_[static_cast<std::size_t>(outer)] : 0;
    if (outer >= end) continue;
    for (int b = outer_first_block_[static_cast<std::size_t>(outer)];
         b < outer_first_block_[static_cast<std::size_t>(outer) + 1]; ++b) {
      rows[k][block_inner_[b]] = block_value_[b];
      touched[static_cast<std::size_t>(block_inner_[b])] = 1;
    }
  }
  for (std::size_t q1 = 0; q1 < inner_count; ++q1) {
    if (!touched[q1]) continue;
    touched[q1] = 0;
    double factors[kOuterGroup];
    for (int k = 0; k < kOuterGroup; ++k) factors[k] = rows[k][q1] * scale[k];
    subtract_combination(factors, rows, q1, inner_count, schur_.data() + q1 * inner_count);
  }
  for (int k = 0; k < kOuterGroup && first + k < end; ++k) {
    const int outer = first + k;
    for (int b = outer_first_block_[static_cast<std::size_t>(outer)];
         b < outer_first_block_[static_cast<std::size_t>(outer) + 1]; ++b) {
      rows[k][block_inner_[b]] = 0;
    }
  }
}

// schur_ = upper Cholesky factor U (row-major, U'U = C - B' A^-1 B); log_det_ = log det H.
void CrossedLaplaceDeviance::factor_schur_complement() {
  const std::size_t inner_count = static_cast<std::size_t>(inner_levels_);
  std::fill(schur_.begin(), schur_.end(), 0.0);
  for (std::size_t q = 0; q < inner_count; ++q) schur_[q * inner_count + q] = inner_diagonal_[q];
  std::vector<double> dense_rows(kOuterGroup * inner_count, 0.0);
  std::vector<char> touched(inner_count, 0);
  double log_det = 0;
  for (int outer = 0; outer < outer_levels_; ++outer) log_det += std::log(outer_diagonal_[static_cast<std::size_t>(outer)]);
  for (int first = 0; first < outer_levels_; first += kOuterGroup) {
    subtract_outer_group(first, std::min(first + kOuterGroup, outer_levels_), dense_rows, touched);
  }
  for (std::size_t k = 0; k < inner_count; ++k) {
    double* __restrict row_k = schur_.data() + k * inner_count;
    DEPTHSTYLE_ASSERT(row_k[k] > 0);
    const double pivot = std::sqrt(row_k[k]);
    log_det += 2 * std::log(pivot);
    row_k[k] = pivot;
    for (std::size_t j = k + 1; j < inner_count; ++j) row_k[j] /= pivot;
    for (std::size_t i = k + 1; i < inner_count; ++i) {
      subtract_multiple(row_k[i], row_k, i, inner_count, schur_.data() + i * inner_count);
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

  // Full Newton steps are taken unchecked inside the region of quadratic convergence (decrement below
  // kTrustedDecrement, the usual case from a warm start), which saves computing the deviance; larger steps halve
  // until the penalized deviance does not increase.
  double current = penalized_deviance(fixed_eta, theta_outer, theta_inner, modes_, false);
  std::vector<double> step, trial(modes_.size());
  for (int iteration = 0; iteration < kMaxNewtonIterations; ++iteration) {
    double decrement = 0;
    if (factor_and_step(theta_outer, theta_inner, step, decrement) < kModeTolerance) break;
    if (decrement < kTrustedDecrement) {
      for (std::size_t k = 0; k < modes_.size(); ++k) modes_[k] += step[k];
      current = penalized_deviance(fixed_eta, theta_outer, theta_inner, modes_, false);
      continue;
    }
    if (std::isnan(current)) current = penalized_deviance(fixed_eta, theta_outer, theta_inner, modes_, true);
    const double slack = 1e-13 * (1 + std::fabs(current));  // rounding of the sum near the mode
    double scale = 1;
    bool accepted = false;
    for (int halving = 0; halving <= kMaxStepHalvings && !accepted; ++halving, scale /= 2) {
      for (std::size_t k = 0; k < trial.size(); ++k) trial[k] = modes_[k] + scale * step[k];
      const double value = penalized_deviance(fixed_eta, theta_outer, theta_inner, trial, true);
      if (value <= current + slack) {
        accepted = true;
        current = value;
        modes_.swap(trial);
      }
    }
    if (!accepted) break;  // no progress at double precision: modes_ (and its factor) are the mode
  }
  if (std::isnan(current)) current = penalized_deviance(fixed_eta, theta_outer, theta_inner, modes_, true);
  return current + log_det_;
}

}  // namespace depthstyle
