/* test_model.c -- the forward model against hand computation and against
 * an independent numerical integration of dN/dt = -h(t) N, dC/dt = h(t) N
 * with GSL's gsl_odeiv2 (Runge-Kutta-Prince-Dormand 8(9)) on randomised
 * phases and arrivals: the closed form per cohort, and the force by group
 * day by day (force.c) with departures, and with returns against an
 * independent day-by-day computation. */
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
    att_model_values v = {&h, &n, 0.3, NULL, NULL, 0.0};
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
    att_model_values v = {h, n, 0.25, NULL, NULL, 0.0};
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
    att_model_values v = {&h, n, 0.3, NULL, NULL, 0.0};
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
        v.ratio = NULL;
        v.depart = NULL;
        v.rho = 0.0;
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

/* ---- the force by group, with departures and returns (force.c) ---- */

#define FORCE_GMAX 3

/* A random force: phases, 1-3 groups, arrivals and departures of each, as
 * a parameter file, and the values the model reads. */
typedef struct {
    att_params *p;
    double h[8], n[12], r[FORCE_GMAX], dep[8];
    int32_t base;
} force_case;

static void
force_case_make(gsl_rng *r, force_case *fc, bool returns, double rho_ratio_one)
{
    char text[8192], d0[ATT_DATE_BUFSIZE], d1[ATT_DATE_BUFSIZE];
    size_t nph = 1 + gsl_rng_uniform_int(r, 4), ng = 1 + gsl_rng_uniform_int(r, FORCE_GMAX);
    size_t narr = ng + gsl_rng_uniform_int(r, 4), ndep = gsl_rng_uniform_int(r, 4), k, used = 0;
    int32_t start;

    fc->base = start = att_date_from_ymd(2024, 10, 1);
    for (k = 0; k < nph; k++) {
        int32_t len = 5 + (int32_t)gsl_rng_uniform_int(r, 60);
        fc->h[k] = gsl_rng_uniform(r) < 0.2 ? 0.0 : exp(log(1e-4) + gsl_rng_uniform(r) * 5.3);
        used += (size_t)snprintf(
            text + used, sizeof text - used, "[phase p%zu]\nstart = %s\nend = %s\nhazard = 0\n", k,
            att_date_format(start, d0), k + 1 == nph ? "open" : att_date_format(start + len, d1));
        start += len;
    }
    for (k = 0; k < ng; k++) {
        fc->r[k] = k == 0 || rho_ratio_one > 0.0 ? 1.0 : exp(gsl_rng_uniform(r) * 2.0 - 1.0);
        used += (size_t)snprintf(text + used, sizeof text - used, "[group g%zu]\n%s", k,
                                 k == 0 ? "" : "hazard_ratio = 1\n");
    }
    /* Every group has an arrival on the first day, so that any departure
     * comes after one of its group. */
    for (k = 0; k < narr; k++) {
        double n = 100.0 + floor(gsl_rng_uniform(r) * 12000.0);
        int32_t d = k < ng ? fc->base : fc->base + (int32_t)gsl_rng_uniform_int(r, 200);
        used +=
            (size_t)snprintf(text + used, sizeof text - used,
                             "[arrival a%zu]\ndate = %s\ncount = %g\ngroup = g%zu\n", k,
                             att_date_format(d, d0), n, k < ng ? k : gsl_rng_uniform_int(r, ng));
    }
    for (k = 0; k < ndep; k++) {
        bool share = gsl_rng_uniform(r) < 0.5;
        used += (size_t)snprintf(
            text + used, sizeof text - used, "[departure d%zu]\ndate = %s\n%s = %g\ngroup = g%zu\n",
            k, att_date_format(fc->base + 1 + (int32_t)gsl_rng_uniform_int(r, 250), d0),
            share ? "share" : "count", share ? 0.5 : 100.0, gsl_rng_uniform_int(r, ng));
    }
    (void)snprintf(text + used, sizeof text - used,
                   "[class c]\ntau_losses = 1\ntau_force = 1\n[model]\n%s%s",
                   ng > 1 ? "reference_group = g0\n" : "",
                   returns ? "return_share = 0.5\nreturn_delay = 1\n" : "");
    fc->p = params_from_text(text);
    if (returns)
        fc->p->return_delay = 1 + (long)gsl_rng_uniform_int(r, 60);
    for (k = 0; k < fc->p->narrival; k++)
        fc->n[k] = fc->p->arrivals[k].count;
    /* Shares in (0, 0.6), counts from 0 to far more than a group has. */
    for (k = 0; k < fc->p->ndeparture; k++)
        fc->dep[k] = fc->p->departures[k].by_share ? 0.6 * gsl_rng_uniform_pos(r)
                                                   : floor(gsl_rng_uniform(r) * 15000.0);
}

/* The values fc's model reads, with kappa 0.3 and return share rho. */
static att_model_values
force_values(const force_case *fc, double rho)
{
    att_model_values v;

    v.hazard = fc->h;
    v.count = fc->n;
    v.kappa = 0.3;
    v.ratio = fc->r;
    v.depart = fc->dep;
    v.rho = rho;
    return v;
}

typedef struct {
    const att_params *p;
    const double *h, *r;
    double origin;
} force_ode_ctx;

/* dN_g/dt = -h(t) r_g N_g, dC_g/dt = h(t) r_g N_g. */
static int
force_ode_rhs(double t, const double y[], double dydt[], void *params)
{
    const force_ode_ctx *c = params;
    double h = 0.0;
    size_t k, g, ng = att_params_group_count(c->p);

    t += c->origin;
    for (k = 0; k < c->p->nphase; k++) {
        const att_phase *ph = &c->p->phases[k];
        if (t >= ph->start && (ph->end == ATT_DAY_OPEN || t < ph->end))
            h = c->h[k];
    }
    for (g = 0; g < ng; g++) {
        dydt[2 * g] = -h * c->r[g] * y[2 * g];
        dydt[2 * g + 1] = h * c->r[g] * y[2 * g];
    }
    return GSL_SUCCESS;
}

/* N_g and C_g at 00:00 of day `until` by integrating day by day with
 * gsl_odeiv2, arrivals and departures applied at 00:00 as events. */
static void
force_ode(const force_case *fc, int32_t until, double *y)
{
    const att_params *p = fc->p;
    force_ode_ctx c = {p, fc->h, fc->r, (double)fc->base};
    size_t ng = att_params_group_count(p), j;
    gsl_odeiv2_system sys = {force_ode_rhs, NULL, 2 * ng, &c};
    gsl_odeiv2_driver *d =
        gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-13, 1e-13);
    int32_t day;

    memset(y, 0, 2 * ng * sizeof *y);
    for (day = fc->base; day < until; day++) {
        double t = (double)(day - fc->base);
        for (j = 0; j < p->narrival; j++)
            if (p->arrivals[j].date == day)
                y[2 * p->arrivals[j].group] += fc->n[j];
        for (j = 0; j < p->ndeparture; j++)
            if (p->departures[j].date == day) {
                double *N = &y[2 * p->departures[j].group];
                *N -= p->departures[j].by_share ? fc->dep[j] * *N : fmin(fc->dep[j], *N);
            }
        gsl_odeiv2_driver_reset(d);
        if (gsl_odeiv2_driver_apply(d, &t, t + 1.0, y) != GSL_SUCCESS)
            fail_msg("odeiv2 failed on day %ld (case %d)", (long)day, rep_no);
    }
    gsl_odeiv2_driver_free(d);
}

/* Groups with their own hazards, arrivals and departures (counts capped
 * at the group's strength, shares of it) against gsl_odeiv2, group by
 * group and for random sets of groups, to 1e-8 relative. */
static void
test_force_against_odeiv2(void **state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rep;

    (void)state;
    gsl_rng_set(r, ODE_SEED + 1);
    for (rep = 0; rep < 100; rep++) {
        force_case fc;
        double y[2 * FORCE_GMAX], D[FORCE_GMAX] = {0};
        int32_t t;
        size_t g, ng, j;
        uint32_t set;
        att_model_values v;
        att_state s[3];
        force_case_make(r, &fc, false, 0.0);
        ng = att_params_group_count(fc.p);
        v = force_values(&fc, 0.0);
        rep_no = rep;
        t = fc.base + 1 + (int32_t)gsl_rng_uniform_int(r, 320);
        force_ode(&fc, t, y);
        for (j = 0; j < fc.p->narrival; j++)
            if (fc.p->arrivals[j].date < t)
                D[fc.p->arrivals[j].group] += fc.n[j];
        set = (uint32_t)(1 + gsl_rng_uniform_int(r, (1ul << ng) - 1));
        for (g = 0; g <= ng; g++) {
            double N = 0.0, C = 0.0, Dg = 0.0;
            uint32_t want = g < ng ? 1u << g : set;
            size_t i;
            for (i = 0; i < ng; i++)
                if (want >> i & 1u) {
                    N += y[2 * i];
                    C += y[2 * i + 1];
                    Dg += D[i];
                }
            /* Three days from t - 1, so that the one pass gives each. */
            att_model_states(fc.p, &v, t - 1, 3, want, s);
            att_assert_close(s[1].strength, N, 1e-8, 1e-7);
            att_assert_close(s[1].casualties, C, 1e-8, 1e-7);
            att_assert_close(s[1].deployed, Dg, 0.0, 0.0);
            att_assert_close(s[1].killed, 0.3 * s[1].casualties, 1e-15, 0.0);
        }
        /* Every group at once (att_model_group_states), the same. */
        {
            att_state rows[3 * FORCE_GMAX];
            att_model_group_states(fc.p, &v, t - 1, 3, rows);
            for (g = 0; g < ng; g++) {
                att_assert_close(rows[ng + g].strength, y[2 * g], 1e-8, 1e-7);
                att_assert_close(rows[ng + g].casualties, y[2 * g + 1], 1e-8, 1e-7);
                att_assert_close(rows[ng + g].deployed, D[g], 0.0, 0.0);
            }
        }
        /* The whole force through att_model_state. */
        s[0] = att_model_state(fc.p, &v, (double)t);
        att_model_states(fc.p, &v, t, 1, 0u, &s[1]);
        att_assert_close(s[0].strength, s[1].strength, 0.0, 0.0);
        att_params_free(fc.p);
    }
    gsl_rng_free(r);
}

/* Returns, independently: every day's casualties of every group kept in
 * full, survival by exp rather than expm1, events in the order docs/model.md
 * states (arrivals and returns, then departures, then the day's losses). */
static void
force_by_days(const force_case *fc, double rho, double kappa, int32_t until, double *N, double *C)
{
    const att_params *p = fc->p;
    size_t ng = att_params_group_count(p), g, j;
    long delay = p->return_delay;
    int32_t day, ndays = until - fc->base;
    double *lost = calloc((size_t)(ndays > 0 ? ndays : 1) * ng, sizeof *lost);

    assert_non_null(lost);
    for (g = 0; g < ng; g++)
        N[g] = C[g] = 0.0;
    for (day = fc->base; day < until; day++) {
        int32_t u = day - fc->base;
        double h = 0.0;
        for (j = 0; j < p->nphase; j++)
            if (day >= p->phases[j].start &&
                (p->phases[j].end == ATT_DAY_OPEN || day < p->phases[j].end))
                h = fc->h[j];
        for (j = 0; j < p->narrival; j++)
            if (p->arrivals[j].date == day)
                N[p->arrivals[j].group] += fc->n[j];
        for (g = 0; g < ng; g++)
            if (u >= delay)
                N[g] += rho * (1.0 - kappa) * lost[(size_t)(u - delay) * ng + g];
        for (j = 0; j < p->ndeparture; j++)
            if (p->departures[j].date == day) {
                double *x = &N[p->departures[j].group];
                *x -= p->departures[j].by_share ? fc->dep[j] * *x : fmin(fc->dep[j], *x);
            }
        for (g = 0; g < ng; g++) {
            double keep = N[g] * exp(-h * fc->r[g]);
            lost[(size_t)u * ng + g] = N[g] - keep;
            C[g] += N[g] - keep;
            N[g] = keep;
        }
    }
    free(lost);
}

/* Return to duty against the independent day-by-day computation; and
 * with rho = 0, one group of ratio 1 and no departures, the first
 * version's closed form per cohort. */
static void
test_returns_day_by_day(void **state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rep;

    (void)state;
    gsl_rng_set(r, ODE_SEED + 2);
    for (rep = 0; rep < 100; rep++) {
        force_case fc;
        double N[FORCE_GMAX] = {0}, C[FORCE_GMAX] = {0}, rho = gsl_rng_uniform(r), Nt = 0.0,
               Ct = 0.0;
        int32_t t;
        size_t g, ng;
        att_model_values v;
        att_state s;
        force_case_make(r, &fc, true, 0.0);
        ng = att_params_group_count(fc.p);
        v = force_values(&fc, rho);
        t = fc.base + 1 + (int32_t)gsl_rng_uniform_int(r, 320);
        force_by_days(&fc, rho, 0.3, t, N, C);
        for (g = 0; g < ng; g++) {
            att_model_states(fc.p, &v, t, 1, 1u << g, &s);
            att_assert_close(s.strength, N[g], 1e-11, 1e-9);
            att_assert_close(s.casualties, C[g], 1e-11, 1e-9);
            Nt += N[g];
            Ct += C[g];
        }
        s = att_model_state(fc.p, &v, (double)t);
        att_assert_close(s.strength, Nt, 1e-11, 1e-9);
        /* C counts casualty events: a returned soldier can be hit again. */
        att_assert_close(s.casualties, Ct, 1e-11, 1e-9);
        att_params_free(fc.p);
    }
    gsl_rng_free(r);
}

/* rho = 0 with return to duty switched on (so stepped day by day), one
 * group, no departures: the first version's closed form to rounding. */
static void
test_returns_at_zero_is_closed_form(void **state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rep;

    (void)state;
    gsl_rng_set(r, ODE_SEED + 3);
    for (rep = 0; rep < 100; rep++) {
        force_case fc;
        att_model_values v;
        att_state a, b;
        int32_t t;
        long delay;
        do {
            force_case_make(r, &fc, true, 1.0);
            if (att_params_group_count(fc.p) == 1 && fc.p->ndeparture == 0)
                break;
            att_params_free(fc.p);
        } while (1);
        v = force_values(&fc, 0.0);
        t = fc.base + 1 + (int32_t)gsl_rng_uniform_int(r, 320);
        a = att_model_state(fc.p, &v, (double)t); /* day by day */
        delay = fc.p->return_delay;
        fc.p->return_delay = 0; /* now the first version's model */
        assert_false(att_params_extended(fc.p));
        b = att_model_state(fc.p, &v, (double)t);
        fc.p->return_delay = delay;
        att_assert_close(a.strength, b.strength, 1e-12, 1e-9);
        att_assert_close(a.casualties, b.casualties, 1e-12, 1e-9);
        att_assert_close(a.deployed, b.deployed, 0.0, 0.0);
        att_params_free(fc.p);
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
        cmocka_unit_test(test_force_against_odeiv2),
        cmocka_unit_test(test_returns_day_by_day),
        cmocka_unit_test(test_returns_at_zero_is_closed_form),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
