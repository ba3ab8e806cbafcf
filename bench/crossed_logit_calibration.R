# lme4 on the studies crossed_logit_calibration_bench exports (--export DIR): the same figures as the bench, from
#   glmer(chose_proposed ~ 1 + (1 | respondent) + (1 | pair), family = binomial)   (Laplace, lme4's defaults)
# against glm(chose_proposed ~ 1, family = binomial): clustering test significant at 0.05 (likelihood ratio, p from the
# chi-bar-square mixture 0.5 chi2_1 + 0.25 chi2_2, as stats/crossed_logit.h), design effect (SE of the intercept
# squared over the glm's; vcov() as lme4 returns it), coverage of the true intercept logit(0.575) by the Wald interval.
#   Rscript bench/crossed_logit_calibration.R DIR
suppressPackageStartupMessages(library(lme4))
dir <- commandArgs(trailingOnly = TRUE)[1]
truth <- qlogis(0.575)
z <- qnorm(0.975)
for (file in sort(list.files(dir, pattern = "\\.csv$", full.names = TRUE))) {
  answers <- read.csv(file)
  started <- proc.time()[["elapsed"]]
  rows <- lapply(split(answers, answers$study), function(study) {
    study$respondent <- factor(study$respondent)
    study$pair <- factor(study$pair)
    fit <- tryCatch(suppressMessages(suppressWarnings(
      glmer(chose_proposed ~ 1 + (1 | respondent) + (1 | pair), data = study, family = binomial))),
      error = function(e) NULL)
    if (is.null(fit)) return(c(NA, NA, NA))
    plain <- glm(chose_proposed ~ 1, data = study, family = binomial)
    statistic <- max(0, as.numeric(2 * logLik(fit) - 2 * logLik(plain)))
    p <- if (statistic > 0) 0.5 * pchisq(statistic, 1, lower.tail = FALSE) +
      0.25 * pchisq(statistic, 2, lower.tail = FALSE) else 1
    se <- sqrt(vcov(fit)[1, 1])
    estimate <- fixef(fit)[[1]]
    c(p < 0.05, se^2 / vcov(plain)[1, 1], abs(estimate - truth) <= z * se)
  })
  results <- do.call(rbind, rows)
  fitted <- results[!is.na(results[, 1]), , drop = FALSE]
  n <- nrow(fitted)
  mc <- function(p) 100 * sqrt(p * (1 - p) / n)
  warned <- mean(fitted[, 1]); covered <- mean(fitted[, 3])
  cat(sprintf("%s: lme4 on %d studies (failed %d): clustering significant %.1f%% (MC SE %.1f), design effect mean %.2f median %.2f, Wald coverage %.1f%% (MC SE %.1f), %.0f s\n",
              sub("\\.csv$", "", basename(file)), nrow(results), nrow(results) - n, 100 * warned, mc(warned),
              mean(fitted[, 2]), median(fitted[, 2]), 100 * covered, mc(covered),
              proc.time()[["elapsed"]] - started))
}
