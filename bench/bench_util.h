/* bench_util.h -- what bench_project and bench_peers share: a median, the
 * per-path draws CSV the numpy peer reads, and the "no pooling" variant. */
#ifndef ATTRITION_BENCH_UTIL_H
#define ATTRITION_BENCH_UTIL_H

#include <stddef.h>

#include <attrition/att_fit.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>
#include <attrition/att_project.h>

/* Median of x[0..n), x sorted in place. */
double bench_median(double *x, size_t n);

/* The FNV-1a hash h carried over n bytes at p. */
unsigned long long bench_fnv(unsigned long long h, const void *p, size_t n);

/* numpy's loop inputs for path i = draw i x draws / paths (project.c's
 * mapping) and ours' values at the last date of r, as CSV at path.
 * Returns 0, or 73 after saying on stderr (prog: ...) what failed. */
int bench_write_draws(const char *prog,
                      const att_params *p,
                      const att_posterior *post,
                      const att_fit_result *fit,
                      const att_projection *r,
                      const char *path);

/* Moves each wave's hazard multiplier by 1e-12 (w + 1), so that no two
 * cohorts share a binomial: numpy's four-cohort loop, like for like. */
void bench_unpool(att_params *p);

#endif /* ATTRITION_BENCH_UTIL_H */
