// Minimizing a smooth function of a few parameters (up to ~10) whose evaluations are costly and accurate to about
// 1e-12 relative, with derivatives taken by finite differences; and finding where a likelihood profile crosses a
// cut-off. Used by the crossed random-effects model (stats/crossed_logit.h) on its Laplace deviance.
#pragma once

#include <functional>
#include <vector>

namespace depthstyle {

using SmoothObjective = std::function<double(const std::vector<double>&)>;

struct DifferenceDerivatives {
  double value = 0;
  std::vector<double> gradient;  // over the free coordinates, in their order
  std::vector<double> hessian;   // free x free, row-major, symmetric
};

// Derivatives over the coordinates listed in `free` at x, by central differences of width `step`: the gradient and
// the Hessian's diagonal from f(x +- step e_i); off the diagonal, with `accurate`, the four-point formula
// (f(++) - f(+-) - f(-+) + f(--)) / (4 step^2) (error O(step^2), 2 k (k - 1) more evaluations for k free), else the
// one-sided (f(x + e_i + e_j) - f(x + e_i) - f(x + e_j) + f(x)) / step^2 (error O(step), k (k - 1) / 2 more).
DifferenceDerivatives difference_derivatives(const SmoothObjective& objective, const std::vector<double>& x,
                                             const std::vector<int>& free, double step, bool accurate);

struct SmoothMinimum {
  std::vector<double> x;  // all coordinates; those not free are as given
  double value = 0;
  bool converged = false;  // the Newton decrement fell below the tolerance (and that last step was taken)
  int iterations = 0;
};

struct SmoothMinimizerOptions {
  double difference_step = 1e-4;
  // Converged when the Newton decrement g' H^-1 g (about twice the distance of the value to the minimum) is below
  // decrement_tolerance + relative_decrement_tolerance |f|; that last Newton step is then taken (if f does not go
  // up), which leaves the minimizer within ~(H^-1 decrement) squared of the minimum, Newton converging
  // quadratically. The relative part is the floor set by rounding: sums of 10^5 terms are exact to ~1e-14.
  double decrement_tolerance = 1e-6;
  double relative_decrement_tolerance = 1e-12;
  int max_iterations = 100;
};

// Damped Newton with finite-difference Hessians (Levenberg damping while the Hessian is not positive definite, and
// backtracking on the Armijo condition), over the coordinates in `free` starting from `start`.
SmoothMinimum minimize_smooth(const SmoothObjective& objective, const std::vector<double>& start,
                              const std::vector<int>& free, const SmoothMinimizerOptions& options = {});

// Solves a symmetric positive definite system (row-major matrix) by Cholesky; false when it is not positive definite.
bool solve_positive_definite(std::vector<double> matrix, std::vector<double>& rhs_then_solution);

// Where a profile crosses its cut-off on one side: the x with sqrt(excess(x)) = target, searched from `center`
// (where excess is 0) in `direction` (+1 or -1), `first_step` being the first distance tried (e.g. a standard
// error). x never goes below `lower_limit` (use -infinity for none): when excess(lower_limit) is still below
// target^2, lower_limit is returned. Returns NaN when no crossing is found within 60 expansions of the step.
// Accurate to ~1e-8 in the signed root deviance sqrt(excess).
double profile_crossing(const std::function<double(double)>& excess, double center, int direction,
                        double first_step, double target, double lower_limit);

}  // namespace depthstyle
