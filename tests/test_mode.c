/* test_mode.c -- the posterior mode against an independent derivative-free
 * optimiser (Nelder-Mead, gsl_multimin nmsimplex2) and a closed form, and
 * the Laplace covariance against second differences of the density. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>

#include <attrition/att_mode.h>

#include "att_test.h"
#include "fixture.h"

/* More point reports under the pinned class than free model parameters,
 * so that sigma is identified: with every point report able to sit exactly
 * on the model (each with a free bias of its own), the joint density
 * grows without bound as sigma -> 0 and has no mode (docs/model.md). */
#define MODE_ROWS                                                                  \
    ALL_ROWS                                                                       \
    "p1,2025-01-20,2025-01-20,2025-01-20,W,us_gov,casualties,approx,1800,,,q,d,\n" \
    "p2,2025-02-20,2025-02-20,2025-02-20,W,us_gov,casualties,approx,2600,,,q,d,\n" \
    "p3,2025-03-20,2025-03-20,2025-03-20,W,us_gov,casualties,approx,3900,,,q,d,\n" \
    "p4,2025-04-20,2025-04-20,2025-04-20,W,us_gov,casualties,approx,4200,,,q,d,\n" \
    "p5,2025-01-01,2025-01-01,2025-01-01,W,us_gov,casualties,approx,1300,,,q,d,\n" \
    "p6,2025-03-01,2025-03-01,2025-03-01,W,us_gov,casualties,approx,2900,,,q,d,\n"

typedef struct {
    fixture *f;
    double theta[64];
} nm_ctx;

static double
nm_f(const gsl_vector *x, void *params)
{
    nm_ctx *c = params;
    double lp;
    size_t i;

    for (i = 0; i < x->size; i++)
        c->theta[i] = gsl_vector_get(x, i);
    lp = att_posterior_logp(c->f->post, c->f->w, c->theta, NULL);
    return isfinite(lp) ? -lp : GSL_DBL_MAX;
}

/* Nelder-Mead from the BFGS2 mode's neighbourhood, restarted until it no
 * longer moves: an independent estimate of the same maximum. */
static void
nelder_mead(fixture *f, const double *start, double *out)
{
    size_t n = att_posterior_dim(f->post), i;
    nm_ctx c;
    gsl_multimin_function fn = {nm_f, n, &c};
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
    gsl_vector *x = gsl_vector_alloc(n), *step = gsl_vector_alloc(n);
    int round, it;

    c.f = f;
    for (i = 0; i < n; i++)
        gsl_vector_set(x, i, start[i] + 0.3);
    for (round = 0; round < 6; round++) {
        gsl_vector_set_all(step, round == 0 ? 0.5 : 0.05);
        gsl_multimin_fminimizer_set(m, &fn, x, step);
        for (it = 0; it < 20000; it++) {
            if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS)
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-10) == GSL_SUCCESS)
                break;
        }
        gsl_vector_memcpy(x, m->x);
    }
    for (i = 0; i < n; i++)
        out[i] = gsl_vector_get(x, i);
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(step);
}

static void
test_mode_against_nelder_mead(void **state)
{
    att_mode_params mp = att_mode_default_params();
    att_mode_result r;
    att_error err;
    double nm[64];
    fixture f;
    size_t i;

    (void)state;
    fixture_load(&f, ALL_PARAMS, ALL_HDR MODE_ROWS);
    if (att_mode_find(f.post, &mp, &r, &err) != ATT_OK)
        fail_msg("%s", err.msg);
    assert_true(r.converged >= 1);
    nelder_mead(&f, r.theta, nm);
    for (i = 0; i < r.dim; i++)
        att_assert_close(r.theta[i], nm[i], 0, 2e-5);
    att_mode_result_free(&r);
    fixture_free(&f);
}

static void
test_kappa_mode_in_closed_form(void **state)
{
    /* No killed or wounded report: kappa's posterior is its Beta(3, 7)
     * prior; on the logit scale (Jacobian included) the density is
     * kappa^3 (1 - kappa)^7, whose mode is kappa = 3 / 10. */
    att_mode_params mp = att_mode_default_params();
    att_mode_result r;
    att_error err;
    fixture f;

    (void)state;
    fixture_load(&f, ALL_PARAMS,
                 ALL_HDR "c1,2024-12-31,2024-12-21,2024-12-31,W,us_gov,casualties,approx,1000,,,"
                         "q,d,\n"
                         "p1,2025-01-20,2025-01-20,2025-01-20,W,us_gov,casualties,approx,1800,,,"
                         "q,d,\n"
                         "p2,2025-02-20,2025-02-20,2025-02-20,W,us_gov,casualties,approx,2600,,,"
                         "q,d,\n"
                         "p3,2025-03-20,2025-03-20,2025-03-20,W,us_gov,casualties,approx,3900,,,"
                         "q,d,\n"
                         "p5,2025-01-01,2025-01-01,2025-01-01,W,us_gov,casualties,approx,1300,,,"
                         "q,d,\n");
    if (att_mode_find(f.post, &mp, &r, &err) != ATT_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(att_posterior_param(f.post, 2)->name, "kappa");
    att_assert_close(r.theta[2], log(3.0 / 7.0), 0, 1e-6);
    /* Its Laplace variance is 1 / (a + b) kappa (1 - kappa) = 1 / 2.1. */
    att_assert_close(r.cov[2 * r.dim + 2], 1.0 / 2.1, 1e-6, 0);
    att_mode_result_free(&r);
    fixture_free(&f);
}

static void
test_laplace_against_second_differences(void **state)
{
    att_mode_params mp = att_mode_default_params();
    att_mode_result r;
    att_error err;
    fixture f;
    size_t n, i, j;
    double h = 2e-4, theta[64]; /* truncation O(h^2) and rounding O(eps / h^2) both small */
    gsl_matrix *H;

    (void)state;
    fixture_load_shipped(&f, "baseline");
    if (att_mode_find(f.post, &mp, &r, &err) != ATT_OK)
        fail_msg("%s", err.msg);
    n = r.dim;
    H = gsl_matrix_alloc(n, n);
    /* Minus the Hessian from function values only (no gradient). */
    memcpy(theta, r.theta, n * sizeof *theta);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            double fpp, fpm, fmp, fmm;
            theta[i] += h, theta[j] += h;
            fpp = att_posterior_logp(f.post, f.w, theta, NULL);
            theta[j] -= 2 * h;
            fpm = att_posterior_logp(f.post, f.w, theta, NULL);
            theta[i] -= 2 * h;
            fmm = att_posterior_logp(f.post, f.w, theta, NULL);
            theta[j] += 2 * h;
            fmp = att_posterior_logp(f.post, f.w, theta, NULL);
            theta[i] += h, theta[j] -= h;
            gsl_matrix_set(H, i, j, -(fpp - fpm - fmp + fmm) / (4 * h * h));
        }
    assert_int_equal(gsl_linalg_cholesky_decomp1(H), GSL_SUCCESS);
    assert_int_equal(gsl_linalg_cholesky_invert(H), GSL_SUCCESS);
    for (i = 0; i < n; i++)
        att_assert_close(r.sd[i], sqrt(gsl_matrix_get(H, i, i)), 1e-4, 0);
    assert_true(r.agree >= 2); /* several starts found the same mode */
    gsl_matrix_free(H);
    att_mode_result_free(&r);
    fixture_free(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_against_nelder_mead),
        cmocka_unit_test(test_kappa_mode_in_closed_form),
        cmocka_unit_test(test_laplace_against_second_differences),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("mode", tests, NULL, NULL);
}
