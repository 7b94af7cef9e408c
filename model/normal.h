/* normal.h -- log-CDFs of the standard normal that do not underflow, and
 * their derivatives (private).  Censored terms use log-CDFs that do
 * not underflow; upper-tail differences are computed from
 * the complements.  docs/model.md, equations (8)-(9). */
#ifndef ATTRITION_NORMAL_H
#define ATTRITION_NORMAL_H

#include "internal.h"
#include "vmath.h"

/* log Phi(z), accurate to a few ulps for every finite z (-inf at -inf). */
ATT_INTERNAL double att_log_ndtr(double z);

/* log Q(z) = log(1 - Phi(z)) = att_log_ndtr(-z). */
ATT_INTERNAL double att_log_ndtr_upper(double z);

/* d/dz log Phi(z) = phi(z) / Phi(z) (the inverse Mills ratio at -z). */
ATT_INTERNAL double att_dlog_ndtr(double z);

/* att_log_ndtr(z), with att_dlog_ndtr(z) into *out_d at the cost of an
 * exp (the log-CDF is shared). */
ATT_INTERNAL double att_log_ndtr_d(double z, double *out_d);

/* log(Phi(b) - Phi(a)) for a < b, from whichever tail keeps it accurate;
 * *out_da, *out_db get its derivatives with respect to a and b. */
ATT_INTERNAL double att_log_ndtr_diff(double a, double b, double *out_da, double *out_db);

/* How att_log_ndtr_diff(a, b) takes its value (att_log_ndtr_diff_args):
 * by its midpoint (a range narrower than 1e-3), from two log Q's (a and b
 * in one tail: a >= 0 or b <= 0), or from the smaller tails Phi(a) =
 * Q(|a|) and Q(b) (a and b straddling 0; also a NaN where neither of those
 * holds). */
#define ATT_NDTR_NARROW   0
#define ATT_NDTR_TAIL     1
#define ATT_NDTR_STRADDLE 2

/* Which of those att_log_ndtr_diff(a, b) takes, and what it takes over
 * arrays into out_z[0..2): for ATT_NDTR_TAIL the two log Q's arguments,
 * for ATT_NDTR_STRADDLE a and b (att_vlog_ndtr_diff_straddle's); for
 * ATT_NDTR_NARROW nothing is written. */
ATT_INTERNAL int att_log_ndtr_diff_args(double a, double b, double *out_z);

/* att_log_ndtr_diff, but for a pair in one tail or straddling 0 with
 * what the arrays took (lq not NULL): lq[0] the value and mills[0..2) the
 * derivatives, from att_vlog_ndtr_diff_tail or _straddle; the same bits.
 * A narrow pair, or with lq NULL any pair, is taken here. */
ATT_INTERNAL double att_log_ndtr_diff_q(
    double a, double b, const double *lq, const double *mills, double *out_da, double *out_db);

/* att_log_ndtr_diff at n pairs in one tail over arrays (vmath.h, path s),
 * with its bits.  On entry lq[2i], lq[2i + 1] are the i-th pair's two log
 * Q's and d[2i], d[2i + 1] their inverse Mills ratios (att_vlog_normal_q_mills
 * at att_log_ndtr_diff_args's arguments), up[i] nonzero where a >= 0 (the
 * upper tail); on return r[i] is its value and d[2i], d[2i + 1] its
 * derivatives with respect to a and b.  scratch: 4n. */
ATT_INTERNAL void att_vlog_ndtr_diff_tail(att_simd s,
                                          size_t n,
                                          const double *lq,
                                          double *d,
                                          const unsigned char *up,
                                          double *r,
                                          double *scratch);

/* att_log_ndtr_diff at n straddling pairs over arrays (vmath.h, path s),
 * with its bits: ab[2i], ab[2i + 1] the i-th pair's a and b, then its
 * derivatives with respect to them; r[i] its value.  tail and pdf are
 * scratch of 2n each. */
ATT_INTERNAL void
att_vlog_ndtr_diff_straddle(att_simd s, size_t n, double *ab, double *r, double *tail, double *pdf);

/* log(1 - exp(x)) for x < 0, accurate near 0 and far from it. */
ATT_INTERNAL double att_log1mexp(double x);

#endif /* ATTRITION_NORMAL_H */
