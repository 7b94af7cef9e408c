/* laplace.c -- the posterior's mode and its curvature: a first metric.
 *
 * Stan's warm-up runs its first 100 iterations on a unit metric before
 * its first estimate of the posterior's scales.  Where those scales run
 * from 1 down to 0.01 (a ledger of 1,000 reports), those iterations take
 * steps of the smallest scale in trees of 256 to 1,024 of them: half of a
 * fit's gradients (docs/model.md, section 5.7).  The Laplace approximation
 * at the mode tells the scales for a few hundred gradients: BFGS with a
 * backtracking line search (non-finite densities only shorten the step),
 * then the Hessian by central differences of the analytic gradient.
 * Only +, -, *, / and sqrt: the same bits on every processor.  Not GSL's
 * vector_bfgs2 (stacking.c uses it): its line search interpolates on the
 * function's values, and -log p is infinite outside the support.
 */
#include "laplace.h"

#include <math.h>
#include <string.h>

#define LAPLACE_ITER     500   /* BFGS iterations at most */
#define LAPLACE_HALVINGS 60    /* a step halved this often is no step */
#define LAPLACE_ARMIJO   1e-4  /* sufficient decrease */
#define LAPLACE_FTOL     1e-10 /* stop when -log p falls less, relatively */
#define LAPLACE_FD_REL   1e-4  /* finite-difference step, in the coordinate's scale */
#define LAPLACE_CURV_MIN 1e-12 /* s'y below this times |s| |y|: no curvature seen */

static double
laplace_dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    size_t i;

    for (i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* -log p and its gradient, so that BFGS descends. */
static double
laplace_f(const nuts_target *tg, const double *x, double *g)
{
    double lp = tg->logp(tg->ctx, x, g);
    size_t i;

    for (i = 0; i < tg->dim; i++)
        g[i] = -g[i];
    return -lp;
}

/* The inverse Hessian hi (n x n) after the step s with gradient change y
 * (BFGS: hi <- (I - r s y') hi (I - r y s') + r s s', r = 1/(s'y)); the
 * first update scales hi = (s'y / y'y) I first (Nocedal and Wright 6.20).
 * false, hi kept, where s'y shows no positive curvature along s.
 * t is scratch (n). */
static bool
laplace_update(double *hi, const double *s, const double *y, double *t, size_t n, bool first)
{
    double sy = laplace_dot(s, y, n), yty, r, yhy;
    size_t i, j;

    if (!(sy > LAPLACE_CURV_MIN * sqrt(laplace_dot(s, s, n) * laplace_dot(y, y, n))))
        return false; /* curvature not positive along s: keep hi */
    if (first) {
        yty = laplace_dot(y, y, n);
        memset(hi, 0, n * n * sizeof *hi);
        for (i = 0; i < n; i++)
            hi[i * n + i] = sy / yty;
    }
    r = 1.0 / sy;
    for (i = 0; i < n; i++) /* t = hi y (hi symmetric) */
        t[i] = laplace_dot(hi + i * n, y, n);
    yhy = laplace_dot(y, t, n);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            hi[i * n + j] += (1.0 + r * yhy) * r * s[i] * s[j] - r * (t[i] * s[j] + s[i] * t[j]);
    return true;
}

/* cov = (L L')^-1 from the lower factor l: column by column, L z = e_j
 * then L' x = z.  t is scratch (n). */
static void
laplace_inverse(const double *l, double *cov, double *t, size_t n)
{
    size_t i, j, k;

    for (j = 0; j < n; j++) {
        for (i = 0; i < n; i++) {
            double s = i == j ? 1.0 : 0.0;
            for (k = 0; k < i; k++)
                s -= l[i * n + k] * t[k];
            t[i] = s / l[i * n + i];
        }
        for (i = n; i-- > 0;) {
            double s = t[i];
            for (k = i + 1; k < n; k++)
                s -= l[k * n + i] * cov[k * n + j];
            cov[i * n + j] = s / l[i * n + i];
        }
    }
    for (i = 0; i < n; i++) /* exactly symmetric */
        for (j = 0; j < i; j++)
            cov[j * n + i] = cov[i * n + j] = 0.5 * (cov[i * n + j] + cov[j * n + i]);
}

att_status
att_laplace(const nuts_target *tg,
            const double *start,
            double *mode,
            double *cov,
            bool *found,
            att_error *err)
{
    size_t n = tg->dim, i, j, it, k;
    double *block = att_mem_alloc((3 * n * n + 6 * n + 1) * sizeof *block);
    double *hi, *h, *l, *g, *gn, *d, *xn, *s, *y, f, fn = 0.0;
    bool first = true;

    *found = false;
    if (block == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    hi = block;
    h = hi + n * n;
    l = h + n * n;
    g = l + n * n;
    gn = g + n;
    d = gn + n;
    xn = d + n;
    s = xn + n;
    y = s + n;
    memcpy(mode, start, n * sizeof *mode);
    f = laplace_f(tg, mode, g);
    if (!isfinite(f) || !att_all_finite(g, n))
        goto done;
    memset(hi, 0, n * n * sizeof *hi);
    for (i = 0; i < n; i++)
        hi[i * n + i] = 1.0;
    for (it = 0; it < LAPLACE_ITER; it++) {
        double gd, t = 1.0;
        for (i = 0; i < n; i++)
            d[i] = -laplace_dot(hi + i * n, g, n);
        gd = laplace_dot(g, d, n);
        if (!(gd < 0.0)) { /* not a descent direction: start hi again */
            for (i = 0; i < n; i++)
                d[i] = -g[i];
            gd = laplace_dot(g, d, n);
            memset(hi, 0, n * n * sizeof *hi);
            for (i = 0; i < n; i++)
                hi[i * n + i] = 1.0;
            first = true;
            if (!(gd < 0.0))
                break; /* a zero gradient: at the mode */
        }
        for (k = 0; k < LAPLACE_HALVINGS; k++, t *= 0.5) {
            for (i = 0; i < n; i++)
                xn[i] = mode[i] + t * d[i];
            fn = laplace_f(tg, xn, gn);
            if (isfinite(fn) && att_all_finite(gn, n) && fn <= f + LAPLACE_ARMIJO * t * gd)
                break;
        }
        if (k == LAPLACE_HALVINGS)
            break; /* no step lowers -log p: as far as it goes */
        for (i = 0; i < n; i++) {
            s[i] = xn[i] - mode[i];
            y[i] = gn[i] - g[i];
        }
        if (laplace_update(hi, s, y, d, n, first))
            first = false;
        memcpy(mode, xn, n * sizeof *mode);
        memcpy(g, gn, n * sizeof *g);
        if (f - fn <= LAPLACE_FTOL * (1.0 + fabs(fn)))
            break; /* f is not needed again */
        f = fn;
    }
    /* The Hessian of -log p at the mode, column j from the gradients at
     * mode +- e_j, the step in coordinate j's scale as BFGS saw it. */
    for (j = 0; j < n; j++) {
        double sd = sqrt(hi[j * n + j] > 0.0 ? hi[j * n + j] : 1.0);
        double e = LAPLACE_FD_REL * (sd < 1.0 ? sd : 1.0), x0 = mode[j];
        mode[j] = x0 + e;
        fn = laplace_f(tg, mode, gn);
        mode[j] = x0 - e;
        f = laplace_f(tg, mode, d);
        mode[j] = x0;
        if (!isfinite(fn) || !isfinite(f) || !att_all_finite(gn, n) || !att_all_finite(d, n))
            goto done;
        for (i = 0; i < n; i++)
            h[i * n + j] = (gn[i] - d[i]) / (2.0 * e);
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < i; j++)
            h[i * n + j] = h[j * n + i] = 0.5 * (h[i * n + j] + h[j * n + i]);
    if (!att_nuts_cholesky(h, l, n))
        goto done;
    laplace_inverse(l, cov, d, n);
    *found = att_all_finite(cov, n * n);
done:
    att_mem_free(block);
    return ATT_OK;
}
