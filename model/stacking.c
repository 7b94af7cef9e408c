/* stacking.c -- stacking weights of a linear pool (att_stacking.h).
 *
 * In softmax coordinates (w_k = exp(a_k) / sum_j exp(a_j), a_0 = 0) the
 * mean log score of the pool and its gradient are sums of log-sum-exps,
 * which GSL's BFGS climbs from equal weights.  A forecaster that could
 * score no report gets weight 0 (nothing says what it is worth).
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_multimin.h>

#include <attrition/att_stacking.h>

#include "emath.h"
#include "internal.h"

#define STACK_ITER 500  /* BFGS iterations at most */
#define STACK_GTOL 1e-9 /* gradient norm at which it stops */

typedef struct {
    const double *logp;
    const bool *avail;
    size_t n, K, used; /* reports, forecasters, reports some forecaster scores */
} stack_ctx;

/* Minus the mean log score at a = (0, x) and its gradient in g (K - 1
 * values; may be NULL). */
static double
stack_eval(const stack_ctx *c, const gsl_vector *x, gsl_vector *g)
{
    double f = 0.0, a[64], r[64];
    size_t i, k, K = c->K;

    a[0] = 0.0;
    for (k = 1; k < K; k++)
        a[k] = gsl_vector_get(x, k - 1);
    if (g != NULL)
        gsl_vector_set_zero(g);
    for (i = 0; i < c->n; i++) {
        const double *lp = c->logp + i * K;
        const bool *av = c->avail + i * K;
        double m1 = -HUGE_VAL, m2 = -HUGE_VAL, s1 = 0.0, s2 = 0.0;
        for (k = 0; k < K; k++)
            if (av[k]) {
                m1 = fmax(m1, a[k] + lp[k]);
                m2 = fmax(m2, a[k]);
            }
        if (m2 == -HUGE_VAL || m1 == -HUGE_VAL)
            continue; /* nobody scores it, or nobody gives it any density */
        for (k = 0; k < K; k++)
            if (av[k]) {
                r[k] = att_exp(a[k] + lp[k] - m1);
                s1 += r[k];
                s2 += att_exp(a[k] - m2);
            }
        f -= (m1 + att_log(s1)) - (m2 + att_log(s2));
        for (k = 1; g != NULL && k < K; k++)
            if (av[k])
                gsl_vector_set(g, k - 1,
                               gsl_vector_get(g, k - 1) -
                                   (r[k] / s1 - att_exp(a[k] - m2) / s2) / (double)c->used);
    }
    return f / (double)c->used;
}

static double
stack_f(const gsl_vector *x, void *p)
{
    return stack_eval(p, x, NULL);
}

static void
stack_df(const gsl_vector *x, void *p, gsl_vector *g)
{
    (void)stack_eval(p, x, g);
}

static void
stack_fdf(const gsl_vector *x, void *p, double *f, gsl_vector *g)
{
    *f = stack_eval(p, x, g);
}

bool
att_stacking_renormalise(const double *w, const bool *avail, size_t K, double *out)
{
    double s = 0.0;
    size_t k;

    for (k = 0; k < K; k++)
        s += avail[k] ? w[k] : 0.0;
    for (k = 0; k < K; k++)
        out[k] = avail[k] && s > 0.0 ? w[k] / s : 0.0;
    return s > 0.0;
}

att_status
att_stacking_weights(const double *logp,
                     const bool *avail,
                     size_t n,
                     size_t K,
                     double *w,
                     bool *fitted,
                     att_error *err)
{
    stack_ctx c = {logp, avail, n, K, 0};
    gsl_multimin_function_fdf fn;
    gsl_multimin_fdfminimizer *mz = NULL;
    gsl_vector *x = NULL;
    bool seen[64] = {false};
    double total = 0.0, amax = 0.0;
    size_t i, k;
    int it, status = GSL_CONTINUE;

    if (K == 0 || K > 64)
        return ATT_FAIL(err, ATT_EINVAL, "expected 1 to 64 forecasters, found %zu", K);
    for (i = 0; i < n; i++) {
        bool any = false;
        for (k = 0; k < K; k++)
            if (avail[i * K + k]) {
                any = true;
                seen[k] = true;
            }
        c.used += any;
    }
    *fitted = c.used >= ATT_STACKING_MIN_REPORTS && K > 1;
    for (k = 0; k < K; k++)
        w[k] = 1.0 / (double)K;
    if (!*fitted)
        return ATT_OK;
    fn.n = K - 1;
    fn.f = stack_f;
    fn.df = stack_df;
    fn.fdf = stack_fdf;
    fn.params = &c;
    x = gsl_vector_calloc(K - 1);
    mz = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, K - 1);
    if (x == NULL || mz == NULL) {
        gsl_vector_free(x);
        gsl_multimin_fdfminimizer_free(mz);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory for the stacking weights");
    }
    gsl_multimin_fdfminimizer_set(mz, &fn, x, 0.1, 0.1);
    for (it = 0; it < STACK_ITER && status == GSL_CONTINUE; it++) {
        if (gsl_multimin_fdfminimizer_iterate(mz) != GSL_SUCCESS)
            break; /* no further progress along the line: as good as it gets */
        status = gsl_multimin_test_gradient(mz->gradient, STACK_GTOL);
    }
    /* softmax(0, x), the never-available at 0, renormalised. */
    for (k = 1; k < K; k++)
        amax = fmax(amax, gsl_vector_get(mz->x, k - 1));
    for (k = 0; k < K; k++) {
        double a = k == 0 ? 0.0 : gsl_vector_get(mz->x, k - 1);
        w[k] = seen[k] ? att_exp(a - amax) : 0.0;
        total += w[k];
    }
    for (k = 0; k < K; k++)
        w[k] /= total;
    gsl_vector_free(x);
    gsl_multimin_fdfminimizer_free(mz);
    return ATT_OK;
}
