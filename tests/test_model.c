/* test_model.c -- the closed-form forward model against hand
 * computation and against an independent numerical integration of
 * dN/dt = -h(t) N, dC/dt = h(t) N with GSL's gsl_odeiv2 (Runge-Kutta-Prince-
 * Dormand 8(9)) on randomised phases and arrivals. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_rng.h>

#include <attrition/att_date.h>
#include <attrition/att_model.h>
#include <attrition/att_params.h>

#include "att_test.h"
#include "fixture.h"

#define ODE_SEED 20241206UL /* printed on failure through the case number */

static att_params *
params_from_text(const char *text)
{
    att_params *p = NULL;
    att_error err;
    char msg[1200];

    if (att_params_load_with("test.ini", fixture_reader, (void *)(uintptr_t)text, &p, &err) !=
        ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    return p;
}

static void
test_one_cohort_by_hand(void **state)
{
    att_params *p = params_from_text("[phase a]\nstart = 2025-01-01\nhazard = 0.0137\n"
                                     "[arrival x]\ndate = 2025-01-01\ncount = 1000\n"
                                     "[class c]\ntau_losses = 1\ntau_force = 1\n");
    double h = 0.0137, n = 1000;
    att_model_values v = {&h, &n, 0.3};
    int32_t d0 = att_date_from_ymd(2025, 1, 1);
    att_state s = att_model_state(p, &v, (double)d0 + 10.0);

    (void)state;
    /* 1000 exp(-0.137) and 1000 (1 - exp(-0.137)), computed in Python 3. */
    att_assert_close(s.strength, 871.97022613210936, 1e-15, 0);
    att_assert_close(s.casualties, 128.02977386789061, 1e-14, 0);
    att_assert_close(s.killed, 0.3 * 128.02977386789061, 1e-14, 0);
    att_assert_close(s.deployed, 1000, 0, 0);
    /* As-of day d means 24:00 of d: day d0 + 9 is t = d0 + 10. */
    att_assert_close(
        att_model_quantity(p, &v, ATT_KIND_STRENGTH, ATT_MEASURE_CUMULATIVE, 0, d0 + 9), s.strength,
        0, 0);
    /* Rate over days d0..d0+9 is C(d0 + 10) / 10. */
    att_assert_close(att_model_quantity(p, &v, ATT_KIND_RATE, ATT_MEASURE_CUMULATIVE, d0, d0 + 9),
                     s.casualties / 10.0, 1e-15, 0);
    att_assert_close(
        att_model_quantity(p, &v, ATT_KIND_WOUNDED, ATT_MEASURE_CUMULATIVE, d0, d0 + 9),
        0.7 * s.casualties, 1e-15, 0);
    att_assert_close(
        att_model_quantity(p, &v, ATT_KIND_FRACTION, ATT_MEASURE_CUMULATIVE, d0, d0 + 9),
        s.casualties / 1000.0, 1e-15, 0);
    /* Losses over days d0+10..d0+19: 1000 (exp(-0.137) - exp(-0.274)),
     * computed in Python 3; per day, a tenth; killed, 0.3 of it. */
    att_assert_close(
        att_model_quantity(p, &v, ATT_KIND_CASUALTIES, ATT_MEASURE_PERIOD, d0 + 10, d0 + 19),
        111.63815087122731, 1e-13, 0);
    att_assert_close(
        att_model_quantity(p, &v, ATT_KIND_CASUALTIES, ATT_MEASURE_DAILY, d0 + 10, d0 + 19),
        11.163815087122731, 1e-13, 0);
    att_assert_close(
        att_model_quantity(p, &v, ATT_KIND_KILLED, ATT_MEASURE_PERIOD, d0 + 10, d0 + 19),
        0.3 * 111.63815087122731, 1e-13, 0);
    att_assert_close(
        att_model_quantity(p, &v, ATT_KIND_WOUNDED, ATT_MEASURE_DAILY, d0 + 10, d0 + 19),
        0.7 * 11.163815087122731, 1e-13, 0);
    /* Before the arrival: nothing deployed, nothing lost. */
    att_assert_close(
        att_model_quantity(p, &v, ATT_KIND_FRACTION, ATT_MEASURE_CUMULATIVE, 0, d0 - 1), 0, 0, 0);
    att_assert_close(
        att_model_quantity(p, &v, ATT_KIND_DEPLOYED, ATT_MEASURE_CUMULATIVE, 0, d0 - 1), 0, 0, 0);
    att_params_free(p);
}

static void
test_two_phases_two_cohorts_by_hand(void **state)
{
    att_params *p = params_from_text("[phase a]\nstart = 2025-01-01\nend = 2025-01-11\n"
                                     "hazard = 0.02\n[phase b]\nstart = 2025-01-11\nhazard = 0\n"
                                     "[arrival x]\ndate = 2025-01-01\ncount = 500\n"
                                     "[arrival y]\ndate = 2025-01-06\ncount = 300\n"
                                     "[class c]\ntau_losses = 1\ntau_force = 1\n");
    double h[2] = {0.02, 0.001}, n[2] = {500, 300};
    att_model_values v = {h, n, 0.25};
    double t = (double)att_date_from_ymd(2025, 1, 1) + 20.0;
    att_state s = att_model_state(p, &v, t);

    (void)state;
    /* H_x = 0.02*10 + 0.001*10, H_y = 0.02*5 + 0.001*10 (Python 3). */
    att_assert_close(s.strength, 674.04236357405205, 1e-15, 0);
    att_assert_close(s.casualties, 125.95763642594795, 1e-14, 0);
    att_assert_close(s.deployed + 0.0, 800, 0, 0);
    att_params_free(p);
}

static void
test_zero_hazard_keeps_everyone(void **state)
{
    att_params *p = params_from_text("[phase a]\nstart = 2025-01-01\nhazard = 0\n"
                                     "[arrival x]\ndate = 2025-01-03\ncount = 1234\n"
                                     "[arrival y]\ndate = 2025-02-03\ncount = 99\n"
                                     "[class c]\ntau_losses = 1\ntau_force = 1\n");
    double h = 0.0, n[2] = {1234, 99};
    att_model_values v = {&h, n, 0.3};
    att_state s = att_model_state(p, &v, (double)att_date_from_ymd(2025, 6, 1));

    (void)state;
    assert_true(s.strength == 1333.0 && s.casualties == 0.0 && s.deployed == 1333.0);
    att_params_free(p);
}

/* ---- the independent integration ----------------------------------------- */

/* Time runs from origin (day numbers are ~20000: near them a double has
 * only ~1e-12 of relative room, too little for the step control). */
typedef struct {
    const att_params *p;
    const double *h;
    double origin;
} ode_ctx;

static int
ode_rhs(double t, const double y[], double dydt[], void *params)
{
    const ode_ctx *c = params;
    double h = 0.0;
    size_t k;

    t += c->origin;
    for (k = 0; k < c->p->nphase; k++) {
        const att_phase *ph = &c->p->phases[k];
        if (t >= ph->start && (ph->end == ATT_DAY_OPEN || t < ph->end))
            h = c->h[k];
    }
    dydt[0] = -h * y[0];
    dydt[1] = h * y[0];
    return GSL_SUCCESS;
}

static int
dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* N and C at t_end by integrating between breakpoints (phase boundaries and
 * arrivals), adding each arrival to N as it comes. */
static int rep_no;

static void
ode_solve(const att_params *p, const double *h, const double *n, double t_end, double *N, double *C)
{
    ode_ctx c = {p, h, 0.0};
    gsl_odeiv2_system sys = {ode_rhs, NULL, 2, &c};
    double brk[64], y[2] = {0.0, 0.0}, t;
    size_t nb = 0, i, j, k;

    for (k = 0; k < p->nphase; k++) {
        brk[nb++] = p->phases[k].start;
        if (p->phases[k].end != ATT_DAY_OPEN)
            brk[nb++] = p->phases[k].end;
    }
    for (j = 0; j < p->narrival; j++)
        brk[nb++] = p->arrivals[j].date;
    brk[nb++] = t_end;
    qsort(brk, nb, sizeof brk[0], dbl_cmp);
    c.origin = brk[0];
    for (i = 0; i < nb; i++)
        brk[i] -= c.origin;
    t_end -= c.origin;
    t = brk[0];
    for (i = 0; i < nb && brk[i] <= t_end; i++) {
        gsl_odeiv2_driver *d;
        if (brk[i] > t) {
            d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-2, 1e-12, 1e-12);
            {
                int st = gsl_odeiv2_driver_apply(d, &t, brk[i], y);
                if (st != GSL_SUCCESS)
                    fail_msg("odeiv2: %s at t=%.17g to %.17g (case %d)", gsl_strerror(st), t,
                             brk[i], rep_no);
            }
            gsl_odeiv2_driver_free(d);
        }
        /* Arrivals join at 00:00 of their day, after an as-of time equal to it. */
        for (j = 0; j < p->narrival && brk[i] < t_end; j++)
            if ((double)p->arrivals[j].date - c.origin == brk[i] &&
                (i == 0 || brk[i - 1] != brk[i]))
                y[0] += n[j];
    }
    *N = y[0];
    *C = y[1];
}

static void
test_closed_form_against_odeiv2(void **state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rep;

    (void)state;
    gsl_rng_set(r, ODE_SEED);
    for (rep = 0; rep < 200; rep++) {
        char text[4096], d0[ATT_DATE_BUFSIZE], d1[ATT_DATE_BUFSIZE];
        size_t nph = 1 + gsl_rng_uniform_int(r, 5), narr = 1 + gsl_rng_uniform_int(r, 4), k;
        int32_t base = att_date_from_ymd(2024, 10, 1), start = base;
        double h[8], n[8], t, Nref, Cref;
        size_t used = 0;
        att_params *p;
        att_model_values v;
        att_state s;
        for (k = 0; k < nph; k++) {
            int32_t len = 5 + (int32_t)gsl_rng_uniform_int(r, 60);
            h[k] = gsl_rng_uniform(r) < 0.2 ? 0.0 : exp(log(1e-4) + gsl_rng_uniform(r) * 5.3);
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "[phase p%zu]\nstart = %s\nend = %s\nhazard = 0\n", k,
                                     att_date_format(start, d0),
                                     k + 1 == nph ? "open" : att_date_format(start + len, d1));
            start += len;
        }
        for (k = 0; k < narr; k++) {
            n[k] = 100.0 + floor(gsl_rng_uniform(r) * 12000.0);
            used += (size_t)snprintf(
                text + used, sizeof text - used, "[arrival a%zu]\ndate = %s\ncount = %g\n", k,
                att_date_format(base + (int32_t)gsl_rng_uniform_int(r, 200), d0), n[k]);
        }
        snprintf(text + used, sizeof text - used, "[class c]\ntau_losses = 1\ntau_force = 1\n");
        p = params_from_text(text);
        v.hazard = h;
        v.count = n;
        for (k = 0; k < narr; k++) /* arrivals are sorted by date on load */
            n[k] = p->arrivals[k].count;
        v.kappa = 0.3;
        t = (double)base + 1.0 + floor(gsl_rng_uniform(r) * 320.0);
        s = att_model_state(p, &v, t);
        rep_no = rep;
        ode_solve(p, h, n, t, &Nref, &Cref);
        if (Nref > 0)
            att_assert_close(s.strength, Nref, 1e-8, 1e-9);
        if (Cref > 1e-6)
            att_assert_close(s.casualties, Cref, 1e-8, 1e-9);
        att_assert_close(s.deployed, s.strength + s.casualties, 1e-14, 1e-9);
        att_params_free(p);
    }
    gsl_rng_free(r);
}

/* The quantity of kind k with measure m from given states. */
static double
model_sqm(att_kind k, att_measure m, const att_state *s, const att_state *s0, double ndays)
{
    att_model_kind mk = att_model_kind_get(k, m);

    return att_model_state_quantity(&mk, s, s0, ndays);
}

static double
model_sq(att_kind k, const att_state *s, const att_state *s0, double ndays)
{
    return model_sqm(k, ATT_MEASURE_CUMULATIVE, s, s0, ndays);
}

/* Each kind's row of the table read from given states (equation (5)), and
 * a loss figure's measures: the change over the period, per day. */
static void
test_state_quantity_by_kind(void **state)
{
    const att_state s0 = {1000.0, 850.0, 150.0, 45.0, 105.0};
    const att_state s = {1000.0, 800.0, 200.0, 60.0, 140.0};
    const att_state none = {0.0, 0.0, 0.0, 0.0, 0.0};

    (void)state;
    assert_true(model_sq(ATT_KIND_CASUALTIES, &s, &s0, 10.0) == 200.0);
    assert_true(model_sq(ATT_KIND_KILLED, &s, &s0, 10.0) == 60.0);
    assert_true(model_sq(ATT_KIND_WOUNDED, &s, &s0, 10.0) == 140.0);
    assert_true(model_sq(ATT_KIND_RATE, &s, &s0, 10.0) == 5.0);
    assert_true(model_sq(ATT_KIND_FRACTION, &s, &s0, 10.0) == 0.2);
    assert_true(model_sq(ATT_KIND_FRACTION, &none, &none, 1.0) == 0.0);
    assert_true(model_sq(ATT_KIND_STRENGTH, &s, &s0, 10.0) == 800.0);
    assert_true(model_sq(ATT_KIND_DEPLOYED, &s, &s0, 10.0) == 1000.0);
    assert_true(model_sqm(ATT_KIND_CASUALTIES, ATT_MEASURE_PERIOD, &s, &s0, 10.0) == 50.0);
    assert_true(model_sqm(ATT_KIND_CASUALTIES, ATT_MEASURE_DAILY, &s, &s0, 10.0) == 5.0);
    assert_true(model_sqm(ATT_KIND_KILLED, ATT_MEASURE_PERIOD, &s, &s0, 10.0) == 15.0);
    assert_true(model_sqm(ATT_KIND_KILLED, ATT_MEASURE_DAILY, &s, &s0, 10.0) == 1.5);
    assert_true(model_sqm(ATT_KIND_WOUNDED, ATT_MEASURE_PERIOD, &s, &s0, 10.0) == 35.0);
    assert_true(model_sqm(ATT_KIND_WOUNDED, ATT_MEASURE_DAILY, &s, &s0, 10.0) == 3.5);
    /* A rate is casualties with the daily measure, exactly. */
    assert_true(model_sqm(ATT_KIND_CASUALTIES, ATT_MEASURE_DAILY, &s, &s0, 10.0) ==
                model_sq(ATT_KIND_RATE, &s, &s0, 10.0));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_cohort_by_hand),
        cmocka_unit_test(test_state_quantity_by_kind),
        cmocka_unit_test(test_two_phases_two_cohorts_by_hand),
        cmocka_unit_test(test_zero_hazard_keeps_everyone),
        cmocka_unit_test(test_closed_form_against_odeiv2),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
