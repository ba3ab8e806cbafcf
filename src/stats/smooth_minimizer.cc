#include "stats/smooth_minimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace depthstyle {
namespace {

// f at x moved by `delta_i` along free coordinate i and `delta_j` along free coordinate j (i may equal j).
double shifted(const SmoothObjective& objective, std::vector<double> x, int i, double delta_i, int j, double delta_j) {
  x[static_cast<std::size_t>(i)] += delta_i;
  x[static_cast<std::size_t>(j)] += delta_j;
  return objective(x);
}

// The Newton step -(H + damping I)^-1 g, raising the damping until the matrix is positive definite.
std::vector<double> damped_newton_step(const DifferenceDerivatives& derivatives) {
  const std::size_t k = derivatives.gradient.size();
  double largest_diagonal = 0;
  for (std::size_t i = 0; i < k; ++i) largest_diagonal = std::max(largest_diagonal, std::fabs(derivatives.hessian[i * k + i]));
  double damping = 0;
  for (int attempt = 0; attempt < 40; ++attempt) {
    std::vector<double> matrix = derivatives.hessian;
    for (std::size_t i = 0; i < k; ++i) matrix[i * k + i] += damping;
    std::vector<double> step = derivatives.gradient;
    for (double& value : step) value = -value;
    if (solve_positive_definite(matrix, step)) return step;
    damping = damping == 0 ? 1e-6 * (1 + largest_diagonal) : damping * 10;
  }
  std::vector<double> steepest = derivatives.gradient;  // unreachable for finite derivatives
  for (double& value : steepest) value = -value / (1 + largest_diagonal);
  return steepest;
}

}  // namespace

bool solve_positive_definite(std::vector<double> matrix, std::vector<double>& rhs_then_solution) {
  const std::size_t k = rhs_then_solution.size();
  for (std::size_t j = 0; j < k; ++j) {  // lower Cholesky factor, in place
    double diagonal = matrix[j * k + j];
    for (std::size_t m = 0; m < j; ++m) diagonal -= matrix[j * k + m] * matrix[j * k + m];
    if (!(diagonal > 0)) return false;
    matrix[j * k + j] = std::sqrt(diagonal);
    for (std::size_t i = j + 1; i < k; ++i) {
      double value = matrix[i * k + j];
      for (std::size_t m = 0; m < j; ++m) value -= matrix[i * k + m] * matrix[j * k + m];
      matrix[i * k + j] = value / matrix[j * k + j];
    }
  }
  std::vector<double>& x = rhs_then_solution;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t m = 0; m < i; ++m) x[i] -= matrix[i * k + m] * x[m];
    x[i] /= matrix[i * k + i];
  }
  for (std::size_t i = k; i-- > 0;) {
    for (std::size_t m = i + 1; m < k; ++m) x[i] -= matrix[m * k + i] * x[m];
    x[i] /= matrix[i * k + i];
  }
  return true;
}

DifferenceDerivatives difference_derivatives(const SmoothObjective& objective, const std::vector<double>& x,
                                             const std::vector<int>& free, double step, bool accurate) {
  const std::size_t k = free.size();
  DifferenceDerivatives result;
  result.value = objective(x);
  result.gradient.assign(k, 0);
  result.hessian.assign(k * k, 0);
  std::vector<double> plus(k), minus(k);
  for (std::size_t a = 0; a < k; ++a) {
    plus[a] = shifted(objective, x, free[a], step, free[a], 0);
    minus[a] = shifted(objective, x, free[a], -step, free[a], 0);
    result.gradient[a] = (plus[a] - minus[a]) / (2 * step);
    result.hessian[a * k + a] = (plus[a] - 2 * result.value + minus[a]) / (step * step);
  }
  for (std::size_t a = 0; a < k; ++a) {
    for (std::size_t b = a + 1; b < k; ++b) {
      double mixed = 0;
      if (accurate) {
        mixed = (shifted(objective, x, free[a], step, free[b], step) -
                 shifted(objective, x, free[a], step, free[b], -step) -
                 shifted(objective, x, free[a], -step, free[b], step) +
                 shifted(objective, x, free[a], -step, free[b], -step)) / (4 * step * step);
      } else {
        mixed = (shifted(objective, x, free[a], step, free[b], step) - plus[a] - plus[b] + result.value) /
                (step * step);
      }
      result.hessian[a * k + b] = result.hessian[b * k + a] = mixed;
    }
  }
  return result;
}

SmoothMinimum minimize_smooth(const SmoothObjective& objective, const std::vector<double>& start,
                              const std::vector<int>& free, const SmoothMinimizerOptions& options) {
  SmoothMinimum result;
  result.x = start;
  if (free.empty()) {
    result.value = objective(start);
    result.converged = true;
    return result;
  }
  std::vector<double> trial;
  for (; result.iterations < options.max_iterations; ++result.iterations) {
    const DifferenceDerivatives derivatives =
        difference_derivatives(objective, result.x, free, options.difference_step, false);
    result.value = derivatives.value;
    const std::vector<double> step = damped_newton_step(derivatives);
    double slope = 0;
    for (std::size_t a = 0; a < free.size(); ++a) slope += derivatives.gradient[a] * step[a];
    const bool small = -slope < options.decrement_tolerance + options.relative_decrement_tolerance * std::fabs(result.value);
    double scale = 1;
    bool moved = false;
    for (int halving = 0; halving < 50 && !moved; ++halving, scale /= 2) {
      trial = result.x;
      for (std::size_t a = 0; a < free.size(); ++a) trial[static_cast<std::size_t>(free[a])] += scale * step[a];
      const double value = objective(trial);
      if (value <= result.value + 1e-4 * scale * std::min(slope, 0.0)) {
        moved = true;
        result.x = trial;
        result.value = value;
      }
      if (small) break;  // the final, tiny step: take it only if it does not go up
    }
    if (small || !moved) {
      result.converged = small;
      break;
    }
  }
  return result;
}

double profile_crossing(const std::function<double(double)>& excess, double center, int direction,
                        double first_step, double target, double lower_limit) {
  const auto distance = [&](double x) { return std::sqrt(std::max(excess(x), 0.0)) - target; };
  double inside = center, inside_distance = -target;
  double outside = std::max(center + direction * first_step, lower_limit);
  double outside_distance = distance(outside);
  for (int expansion = 0; outside_distance < 0; ++expansion) {
    if (outside == lower_limit) return lower_limit;
    if (expansion == 60) return std::numeric_limits<double>::quiet_NaN();
    const double width = outside - inside;
    const double slope = (outside_distance - inside_distance) / width;
    double next = outside + 2 * width;  // grow the step when the profile is flat
    if (slope * width > 0) next = outside + std::min(-outside_distance / slope * 1.1, 4 * width);
    inside = outside;
    inside_distance = outside_distance;
    outside = std::max(next, lower_limit);
    outside_distance = distance(outside);
  }
  // Illinois regula falsi on the bracket [inside (< 0), outside (>= 0)].
  int kept_side = 0;
  for (int iteration = 0; iteration < 100; ++iteration) {
    if (std::fabs(outside_distance) < 1e-9 || std::fabs(outside - inside) < 1e-12 * (1 + std::fabs(outside))) break;
    const double x = outside - outside_distance * (outside - inside) / (outside_distance - inside_distance);
    const double value = distance(x);
    if (value < 0) {
      inside = x;
      inside_distance = value;
      if (kept_side == -1) outside_distance /= 2;
      kept_side = -1;
    } else {
      outside = x;
      outside_distance = value;
      if (kept_side == 1) inside_distance /= 2;
      kept_side = 1;
    }
    if (std::fabs(value) < 1e-9) return x;
  }
  return std::fabs(outside_distance) <= std::fabs(inside_distance) ? outside : inside;
}

}  // namespace depthstyle
