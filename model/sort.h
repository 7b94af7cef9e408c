/* sort.h -- doubles sorted ascending by their bits (private).
 *
 * The projection's bands and the diagnostics' ranks sort thousands of
 * draws per date or parameter; GSL's gsl_sort is a heapsort, whose
 * scattered reads made it the largest single cost of the main job's
 * summaries.  A least-significant-digit radix sort on the IEEE-754 bits,
 * mapped so that their unsigned order is the numbers' order, gives the
 * same sorted values in linear time.
 */
#ifndef ATTRITION_SORT_H
#define ATTRITION_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Sorts x[0 .. n) ascending (-0 before +0; no NaN expected: they would
 * sort by their bits, after +infinity or before -infinity).  The same
 * values, in the same order, as gsl_sort but for the order of -0 and +0.
 * Short arrays by insertion, in the same order; falls back to gsl_sort
 * when scratch memory cannot be had. */
ATT_INTERNAL void att_sort(double *x, size_t n);

/* order[0 .. n) = the indices of x in ascending order of x, equal values
 * in the order of their indices (stable; -0 before +0), by the same radix
 * passes: gsl_sort_index's order but for ties, which gsl_sort_index
 * leaves in no set order.  Falls back to gsl_sort_index when scratch
 * memory cannot be had. */
ATT_INTERNAL void att_sort_index(size_t *order, const double *x, size_t n);

/* x[0 .. n) = the counts v[0 .. n) ascending, as doubles: what att_sort
 * makes of them converted, by a radix sort of their 32 bits, whose passes
 * on bytes every count shares are skipped (two below 65,536). */
ATT_INTERNAL void att_sort_counts(const uint32_t *v, size_t n, double *x);

#endif /* ATTRITION_SORT_H */
