/* bench_util.c -- see bench_util.h. */
#include "bench_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <attrition/att_model.h>

static int
dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double
bench_median(double *x, size_t n)
{
    qsort(x, n, sizeof *x, dbl_cmp);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

unsigned long long
bench_fnv(unsigned long long h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

int
bench_write_draws(const char *prog,
                  const att_params *p,
                  const att_posterior *post,
                  const att_fit_result *fit,
                  const att_projection *r,
                  const char *path)
{
    size_t nd = fit->chains * fit->draws, i, act2 = att_params_phase_index(p, "active2");
    double *hz = malloc(p->nphase * sizeof *hz), *cnt = malloc((p->narrival + 1) * sizeof *cnt);
    FILE *f = fopen(path, "w");
    int rc = 0;

    if (hz == NULL || cnt == NULL || f == NULL || act2 == ATT_NONE) {
        fprintf(stderr, "%s: cannot write %s\n", prog, path);
        rc = 73;
        goto done;
    }
    fprintf(f, "path,draw,N0,C0,K0,kappa,h_last,h_active2,N_end,C_end,K_end\n");
    for (i = 0; i < r->paths; i++) {
        size_t d = (size_t)(((unsigned long long)i * nd) / r->paths);
        att_model_values v;
        att_state st;
        double kappa;
        att_posterior_model_values(post, fit->theta + d * fit->dim, hz, cnt, &kappa);
        v.hazard = hz;
        v.count = cnt;
        v.kappa = kappa;
        v.ratio = NULL;
        v.depart = NULL;
        v.rho = 0.0;
        st = att_model_state(p, &v, (double)p->projection.start);
        fprintf(f, "%zu,%zu,%.0f,%.0f,%.0f,%.17g,%.17g,%.17g,%.0f,%.0f,%.0f\n", i, d,
                floor(st.strength + 0.5), floor(st.casualties + 0.5), floor(st.killed + 0.5), kappa,
                hz[p->nphase - 1], hz[act2], r->end[ATT_SERIES_STRENGTH][i],
                r->end[ATT_SERIES_CASUALTIES][i], r->end[ATT_SERIES_KILLED][i]);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "%s: cannot write %s\n", prog, path);
        rc = 73;
    }
    f = NULL;
done:
    if (f != NULL)
        fclose(f);
    free(hz);
    free(cnt);
    return rc;
}

void
bench_unpool(att_params *p)
{
    size_t w;

    for (w = 0; w < p->nwave; w++)
        p->waves[w].hazard.mult_low = p->waves[w].hazard.mult_high = 1.0 + 1e-12 * (double)(w + 1);
}
