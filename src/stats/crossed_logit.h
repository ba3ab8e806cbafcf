// A crossed random-effects logistic model for pairwise votes: every respondent answers many pairs and every pair is
// answered by many respondents. It is the model of
//   lme4::glmer(chose_proposed ~ 1 + (1 | respondent) + (1 | pair), family = binomial)   (nAGQ = 1, Laplace)
// and, with `position_effect`, of
//   lme4::glmer(chose_proposed ~ 1 + side + (1 | respondent) + (1 | pair), family = binomial)
// with side = -1/2 when the proposed image was shown on the left and +1/2 on the right.
//
// Model: logit P(answer i chose the proposed method) = intercept [+ position x side_i] + a_respondent(i) + c_pair(i),
// a ~ N(0, respondent_variance), c ~ N(0, pair_variance), all independent.
//
// Units and conventions:
//   - intercept, position and their intervals are log-odds (natural log). With side coded +-1/2 the intercept is the
//     log-odds of preferring the proposed method half-way between the two sides, and `position` is the log odds
//     ratio of choosing the proposed method when it is on the right versus on the left.
//   - preference = plogis(intercept) = 1 / (1 + exp(-intercept)): the probability that a typical respondent (random
//     effects 0) prefers the proposed method on a typical pair. It is not the population-average proportion, which
//     is closer to 1/2 when the variances are large.
//   - variances and standard deviations are those of the random effects on the logit scale.
//   - deviance = -2 log L, with L the Laplace approximation of the marginal likelihood (lme4's -2 * logLik(fit); not
//     lme4's deviance(fit), which for GLMMs is a different quantity). Bernoulli answers: no saturated-model term.
//
// How it is fitted (the quantities lme4 computes, by code written here; see crossed_logit.cc):
//   Parameters phi = (theta_respondent, theta_pair, beta...), theta = the standard deviations. For given phi the
//   spherical random effects u (a = theta u) have their conditional mode found by penalized iteratively reweighted
//   least squares (Newton on -2 log p(y | u) + |u|^2); the Laplace deviance is that minimum plus log det(H) with
//   H = Lambda' Z' W Z Lambda + I at the mode. H is a 2 x 2 block matrix with diagonal blocks, solved by the Schur
//   complement on the factor with fewer levels, so 500 respondents x 198 pairs costs one 198 x 198 Cholesky.
//   The deviance depends on theta only through theta^2, so it is minimized over theta in R (unconstrained, then
//   |theta| is reported): a variance at the boundary zero is a regular stationary point, not an active constraint.
//   Minimization: damped Newton with finite-difference Hessians, then the Hessian at the optimum by central
//   differences (step 1e-3; lme4's deriv12 uses 1e-4, see crossed_logit.cc).
//   - standard_error: lme4's default for GLMMs: sqrt of 2 x the fixed-effect block of the inverse Hessian of the
//     deviance in (theta, beta). Wald interval: estimate -+ z_(1-a/2) SE (lme4's confint(method = "Wald")).
//   - profile interval: the values b where the deviance minimized with the parameter held at b exceeds the minimum
//     by qchisq(confidence, 1), found by root finding. lme4's confint(method = "profile") interpolates a spline
//     through profile points instead and is off from those roots by up to ~1.5e-3 (tests/unit/crossed_logit_r_test.cc
//     checks both). Standard deviations are profiled the same way (lme4's .sig01/.sig02); a lower bound is 0
//     when the profile at 0 stays below the cut-off.
//   - singular: a standard deviation below 1e-4 (lme4's isSingular tolerance); such a standard deviation is set to
//     exactly 0 and the fit is valid (the model reduces to fewer random effects), as lme4 reports it.
//   - no_preference_test: likelihood ratio of the model against the same model refitted with intercept = 0
//     (lme4's anova(fit0, fit)): chi-square with 1 degree of freedom. position_test likewise drops the side effect.
//   - clustering_test: likelihood ratio of the model against the plain logistic regression (both variances 0,
//     glm(..., family = binomial)); both variances are at their boundary under the null, so p comes from the
//     chi-bar-square mixture 0.25 chi2_0 + 0.5 chi2_1 + 0.25 chi2_2 (Self and Liang 1987):
//     p = 0.5 P(chi2_1 > x) + 0.25 P(chi2_2 > x) for x > 0, and 1 for x = 0.
//   - design_effect = standard_error^2 / plain_standard_error^2, where plain_standard_error is the intercept's
//     standard error in the plain logistic regression with the same fixed effects: how many times more answers the
//     clustered study needs than independent ones for the same precision of the intercept.
#pragma once

#include <vector>

namespace depthstyle {

// One answer; respondent and pair are 0-based dense indices.
struct CrossedVote {
  int respondent = 0;
  int pair = 0;
  int chose_proposed = 0;  // 1 = the proposed method was chosen, 0 = the other one
  int proposed_side = -1;  // 0 = proposed shown on the left, 1 = on the right, -1 = not recorded
};

struct CrossedLogitOptions {
  double confidence = 0.95;         // of every interval, in (0, 1)
  bool position_effect = false;     // fit the side effect (every answer needs proposed_side 0 or 1)
  bool profile_intervals = true;    // profile-likelihood intervals (the costly part of a fit)
};

struct LikelihoodRatioTest {
  double statistic = 0;  // deviance of the restricted model minus that of the full model (>= 0)
  double p_value = 1;
};

struct Interval {
  double lower = 0;
  double upper = 0;
};

struct FixedEffect {
  double estimate = 0;        // log-odds
  double standard_error = 0;  // Hessian-based, as lme4's vcov
  double z = 0;               // estimate / standard_error (lme4's summary "z value")
  double wald_p_value = 1;    // 2 P(Z > |z|) (lme4's summary "Pr(>|z|)")
  Interval wald_interval;
  Interval profile_interval;  // NaN bounds when options.profile_intervals is false
  LikelihoodRatioTest test;   // against the model refitted with this effect = 0
};

struct CrossedLogitFit {
  int answers = 0;
  int respondents = 0;
  int pairs = 0;
  FixedEffect intercept;  // intercept.test is the test of "no preference"
  bool has_position = false;
  FixedEffect position;   // only when has_position
  double preference = 0.5;          // plogis(intercept)
  Interval preference_interval;     // plogis of the profile interval (of the Wald one without profiles)
  double respondent_variance = 0;
  double pair_variance = 0;
  double respondent_sd = 0;
  double pair_sd = 0;
  Interval respondent_sd_profile_interval;  // NaN bounds when options.profile_intervals is false
  Interval pair_sd_profile_interval;
  bool singular = false;            // a standard deviation at the boundary 0 (< 1e-4)
  double deviance = 0;              // -2 log L (Laplace)
  double plain_deviance = 0;        // -2 log L of the plain logistic regression with the same fixed effects
  double plain_standard_error = 0;  // the intercept's standard error in that regression
  LikelihoodRatioTest clustering_test;  // the two variances against 0, chi-bar-square p
  double design_effect = 1;
  int deviance_evaluations = 0;     // Laplace deviances computed for this fit (all refits included)
};

// Throws UsageError for: no answers, an index out of range, chose_proposed not 0/1, fewer than 2 respondents or
// 2 pairs, every answer the same (the intercept is infinite), options.confidence outside (0, 1), and with
// position_effect a side not 0/1 or every answer on the same side. respondent/pair indices need not all be used
// (unused ones are dropped).
CrossedLogitFit fit_crossed_logit(const std::vector<CrossedVote>& votes, const CrossedLogitOptions& options = {});

// The chi-bar-square p-value above: 0.5 P(chi2_1 > x) + 0.25 P(chi2_2 > x) for x > 0; 1 for x <= 0.
double two_variance_boundary_p_value(double statistic);

}  // namespace depthstyle
