# loo_check.R -- attrition's PSIS-LOO against R's loo package (Debian's
# r-cran-loo, 2.5), on the same log-likelihood matrix:
#
#   Rscript loo_check.R LOGLIK.csv FIT.json
#
# LOGLIK.csv is `attrition fit --loglik` (chain, draw, then one column per
# used report); FIT.json the same fit's `--format json`, whose "loo" holds
# ours.  Prints loo's estimates as it prints them, then the largest
# difference of each quantity (relative, at least 1 in the denominator),
# and "loo_max_rel_diff=X".  r_eff =
# 1 on both sides (docs/model.md, section 6.2).
suppressPackageStartupMessages({
  library(loo)
  library(jsonlite)
})
a <- commandArgs(trailingOnly = TRUE)
ll <- as.matrix(read.csv(a[1], check.names = FALSE)[, -(1:2), drop = FALSE])
ours <- fromJSON(a[2])$loo
l <- suppressWarnings(loo(ll, r_eff = rep(1, ncol(ll))))
print(l)
r <- ours$reports
stopifnot(identical(as.character(r$id), colnames(ll)))
k_ours <- ifelse(is.na(r$pareto_k), Inf, r$pareto_k)
# Differences relative to the value (at least 1): the JSON keeps 6
# significant digits.
rel <- function(a, b) max(abs(a - b) / pmax(1, abs(a)))
d <- c(
  elpd_loo = rel(l$estimates["elpd_loo", "Estimate"], ours$elpd_loo),
  se = rel(l$estimates["elpd_loo", "SE"], ours$se),
  p_loo = rel(l$estimates["p_loo", "Estimate"], ours$p_loo),
  elpd_i = rel(l$pointwise[, "elpd_loo"], r$elpd_loo),
  p_loo_i = rel(l$pointwise[, "p_loo"], r$p_loo),
  pareto_k = rel(l$diagnostics$pareto_k, k_ours)
)
print(signif(d, 3))
cat(sprintf("k_above_0.7 loo=%d ours=%d\n", sum(l$diagnostics$pareto_k > 0.7), ours$k_above))
cat(sprintf("loo_max_rel_diff=%.3g\n", max(d)))
