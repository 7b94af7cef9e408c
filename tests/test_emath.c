/* test_emath.c -- the elementary and Gaussian functions of emath.c
 * against GNU MPFR: the largest error in ulps of the exact value over
 * each function's useful range (and the overflow and underflow edges),
 * and their special values.  The bounds are emath.h's: 1 ulp everywhere
 * (1.5 where erfc's result is subnormal), less for most.
 *
 * Run as `test_emath` (ctest label fast: 400 inputs per range) or
 * `test_emath --full` (label slow: at least 10^6 inputs per function). */
#include <float.h>
#include <math.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "att_test.h"
#include "emath.h"
#include "emath_cases.h"

#define EM_PREC 128 /* bits of every reference value: the ulp of a double is 2^-52 of it */

/* Inputs per range (fast: MPFR's erfc takes up to 100 us);
 * with --full, 10^6 per function, shared by its ranges. */
#define EM_FAST_N 400L
#define EM_FULL_N 1000000L
static int em_full;

/* |y - exact| in ulps of exact: the spacing of doubles in exact's binade
 * (2^-1074 below the normal range).  y infinite where exact is finite, or
 * the reverse, is an infinite error; both 0 or both equal infinities, 0. */
static double
em_ulps(double y, const mpfr_t exact)
{
    mpfr_t d;
    double r;
    long e;

    if (mpfr_nan_p(exact))
        return isnan(y) ? 0.0 : HUGE_VAL;
    if (mpfr_inf_p(exact) || isinf(mpfr_get_d(exact, MPFR_RNDN))) /* beyond DBL_MAX: inf */
        return isinf(y) && (y > 0) == (mpfr_sgn(exact) > 0) ? 0.0 : HUGE_VAL;
    if (!isfinite(y))
        return HUGE_VAL;
    if (mpfr_zero_p(exact))
        return y == 0.0 ? 0.0 : fabs(y) / 0x1p-1074;
    mpfr_init2(d, EM_PREC);
    mpfr_sub_d(d, exact, y, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    e = mpfr_get_exp(exact) - 53; /* exact = m 2^E, m in [1/2, 1): ulp 2^(E - 53) */
    if (e < -1074)
        e = -1074;
    mpfr_mul_2si(d, d, -e, MPFR_RNDN);
    r = mpfr_get_d(d, MPFR_RNDN);
    mpfr_clear(d);
    return r;
}

/* exact as text, 20 digits (for failure messages). */
static const char *
em_text(const mpfr_t exact)
{
    static char buf[64];

    mpfr_snprintf(buf, sizeof buf, "%.20Rg", exact);
    return buf;
}

/* Whether the exact value lies below the normal range (subnormal results). */
static int
em_subnormal(const mpfr_t exact)
{
    return !mpfr_zero_p(exact) && mpfr_regular_p(exact) && mpfr_get_exp(exact) <= -1022;
}

/* ---- reference functions ---------------------------------------------------- */

typedef void (*em_ref)(mpfr_t out, double x);

static void
ref_exp(mpfr_t o, double x)
{
    mpfr_set_d(o, x, MPFR_RNDN);
    mpfr_exp(o, o, MPFR_RNDN);
}

static void
ref_log(mpfr_t o, double x)
{
    mpfr_set_d(o, x, MPFR_RNDN);
    mpfr_log(o, o, MPFR_RNDN);
}

static void
ref_log1p(mpfr_t o, double x)
{
    mpfr_set_d(o, x, MPFR_RNDN);
    mpfr_log1p(o, o, MPFR_RNDN);
}

static void
ref_expm1(mpfr_t o, double x)
{
    mpfr_set_d(o, x, MPFR_RNDN);
    mpfr_expm1(o, o, MPFR_RNDN);
}

static void
ref_erfc(mpfr_t o, double x)
{
    mpfr_set_d(o, x, MPFR_RNDN);
    mpfr_erfc(o, o, MPFR_RNDN);
}

/* Q(z) = erfc(z / sqrt 2) / 2, the division in EM_PREC bits. */
static void
ref_q(mpfr_t o, double z)
{
    mpfr_t s;

    mpfr_init2(s, EM_PREC);
    mpfr_sqrt_ui(s, 2, MPFR_RNDN);
    mpfr_set_d(o, z, MPFR_RNDN);
    mpfr_div(o, o, s, MPFR_RNDN);
    mpfr_erfc(o, o, MPFR_RNDN);
    mpfr_div_2ui(o, o, 1, MPFR_RNDN);
    mpfr_clear(s);
}

/* log Q(z); log1p(-Q(-z)) where Q(z) is near 1. */
static void
ref_log_q(mpfr_t o, double z)
{
    if (z < 0.0) {
        ref_q(o, -z);
        mpfr_neg(o, o, MPFR_RNDN);
        mpfr_log1p(o, o, MPFR_RNDN);
    } else {
        ref_q(o, z);
        mpfr_log(o, o, MPFR_RNDN);
    }
}

/* phi(z) = exp(-z^2 / 2) / sqrt(2 pi) */
static void
ref_pdf(mpfr_t o, double z)
{
    mpfr_t s;

    mpfr_init2(s, EM_PREC);
    mpfr_const_pi(s, MPFR_RNDN);
    mpfr_mul_2ui(s, s, 1, MPFR_RNDN);
    mpfr_sqrt(s, s, MPFR_RNDN);
    mpfr_set_d(o, z, MPFR_RNDN);
    mpfr_sqr(o, o, MPFR_RNDN);
    mpfr_div_2ui(o, o, 1, MPFR_RNDN);
    mpfr_neg(o, o, MPFR_RNDN);
    mpfr_exp(o, o, MPFR_RNDN);
    mpfr_div(o, o, s, MPFR_RNDN);
    mpfr_clear(s);
}

/* phi(z) / Q(z), Q near 1 taken as 1 - Q(-z). */
static void
ref_mills(mpfr_t o, double z)
{
    mpfr_t q;

    mpfr_init2(q, EM_PREC);
    ref_q(q, z);
    ref_pdf(o, z);
    mpfr_div(o, o, q, MPFR_RNDN);
    mpfr_clear(q);
}

/* Phi^-1(p): Newton in MPFR from the value under test (any start within
 * a few ulps converges). */
static void
ref_quantile(mpfr_t o, double p)
{
    mpfr_t f, d;
    int i;

    mpfr_inits2(EM_PREC, f, d, (mpfr_ptr)0);
    mpfr_set_d(o, att_normal_quantile(p), MPFR_RNDN);
    for (i = 0; i < 3; i++) {
        /* Phi(y) - p = Q(-y) - p (quadratic from a few ulps: 3 steps give 2^-400) */
        mpfr_t s;
        mpfr_init2(s, EM_PREC);
        mpfr_sqrt_ui(s, 2, MPFR_RNDN);
        mpfr_div(f, o, s, MPFR_RNDN);
        mpfr_neg(f, f, MPFR_RNDN);
        mpfr_erfc(f, f, MPFR_RNDN);
        mpfr_div_2ui(f, f, 1, MPFR_RNDN);
        mpfr_sub_d(f, f, p, MPFR_RNDN);
        mpfr_const_pi(s, MPFR_RNDN);
        mpfr_mul_2ui(s, s, 1, MPFR_RNDN);
        mpfr_sqrt(s, s, MPFR_RNDN);
        mpfr_sqr(d, o, MPFR_RNDN);
        mpfr_div_2ui(d, d, 1, MPFR_RNDN);
        mpfr_neg(d, d, MPFR_RNDN);
        mpfr_exp(d, d, MPFR_RNDN);
        mpfr_div(d, d, s, MPFR_RNDN);
        mpfr_div(f, f, d, MPFR_RNDN);
        mpfr_sub(o, o, f, MPFR_RNDN);
        mpfr_clear(s);
    }
    mpfr_clears(f, d, (mpfr_ptr)0);
}

static double
em_mills(double z)
{
    double m;

    (void)att_log_normal_q_mills(z, &m);
    return m;
}

static double
em_pdf(double z)
{
    double pdf;

    (void)att_normal_q_pdf(z, &pdf);
    return pdf;
}

/* ---- cases ------------------------------------------------------------------ */

enum { EC_UNIFORM, EC_LOG, EC_LOG_SIGNED, EC_SUBNORMAL };

typedef struct {
    const char *name;
    double (*f)(double);
    em_ref ref;
    int mode;         /* EC_* */
    double lo, hi;    /* the range; exponents for the log modes */
    double bound;     /* largest error allowed, in ulps */
    double bound_sub; /* where the exact result is subnormal */
} em_case;

static const em_case em_cases[] = {
    {"exp", att_exp, ref_exp, EC_UNIFORM, -745.2, 709.8, 1.0, 1.0},
    {"exp", att_exp, ref_exp, EC_UNIFORM, -1.0, 1.0, 1.0, 1.0},
    {"exp", att_exp, ref_exp, EC_LOG_SIGNED, -60, 0, 1.0, 1.0},
    {"exp", att_exp, ref_exp, EC_UNIFORM, -745.2, -708.3, 1.0, 1.0}, /* subnormal results */
    {"log", att_log, ref_log, EC_LOG, -1022, 1024, 1.0, 1.0},
    {"log", att_log, ref_log, EC_UNIFORM, 0.5, 2.0, 1.0, 1.0},
    {"log", att_log, ref_log, EC_UNIFORM, 0.999, 1.001, 1.0, 1.0},
    {"log", att_log, ref_log, EC_SUBNORMAL, 0, 0, 1.0, 1.0},
    {"log1p", att_log1p, ref_log1p, EC_UNIFORM, -1.0, 1.0, 1.0, 1.0},
    {"log1p", att_log1p, ref_log1p, EC_LOG_SIGNED, -1022, 0, 1.0, 1.0},
    {"log1p", att_log1p, ref_log1p, EC_LOG, 0, 1024, 1.0, 1.0},
    {"expm1", att_expm1, ref_expm1, EC_UNIFORM, -50.0, 709.7, 1.0, 1.0},
    {"expm1", att_expm1, ref_expm1, EC_UNIFORM, -1.0, 1.0, 1.0, 1.0},
    {"expm1", att_expm1, ref_expm1, EC_LOG_SIGNED, -1022, 0, 1.0, 1.0},
    {"erfc", att_erfc, ref_erfc, EC_UNIFORM, -6.0, 6.0, 1.0, 1.5},
    {"erfc", att_erfc, ref_erfc, EC_UNIFORM, 0.0, 27.3, 1.0, 1.5},
    {"erfc", att_erfc, ref_erfc, EC_LOG_SIGNED, -1022, 0, 1.0, 1.5},
    {"normal_q", att_normal_q, ref_q, EC_UNIFORM, -9.0, 38.6, 1.0, 1.5},
    {"normal_q", att_normal_q, ref_q, EC_LOG_SIGNED, -1022, 1, 1.0, 1.5},
    {"normal_pdf", em_pdf, ref_pdf, EC_UNIFORM, -38.6, 38.6, 1.0, 1.5},
    {"log_normal_q", att_log_normal_q, ref_log_q, EC_UNIFORM, -40.0, 40.0, 1.0, 1.0},
    {"log_normal_q", att_log_normal_q, ref_log_q, EC_LOG_SIGNED, -30, 14, 1.0, 1.0},
    {"log_normal_q", att_log_normal_q, ref_log_q, EC_LOG_SIGNED, -1022, -30, 1.0, 1.0},
    {"normal_mills", em_mills, ref_mills, EC_UNIFORM, -38.0, 40.0, 2.0, 2.0},
    {"normal_mills", em_mills, ref_mills, EC_LOG, 5, 15, 2.0, 2.0}, /* MPFR underflows beyond */
    {"normal_quantile", att_normal_quantile, ref_quantile, EC_UNIFORM, 0.0, 1.0, 1.0, 1.0},
    {"normal_quantile", att_normal_quantile, ref_quantile, EC_LOG, -1022, -1, 1.0, 1.0},
};

static double
em_input(ec_stream *r, const em_case *c)
{
    switch (c->mode) {
    case EC_LOG:
        return ec_log_uniform(r, (int)c->lo, (int)c->hi, 0);
    case EC_LOG_SIGNED:
        return ec_log_uniform(r, (int)c->lo, (int)c->hi, 1);
    case EC_SUBNORMAL:
        return ec_subnormal(r);
    default:
        return ec_uniform(r, c->lo, c->hi);
    }
}

static void
test_against_mpfr(void **state)
{
    size_t c;
    double *xs = malloc(EM_FULL_N * sizeof *xs);

    (void)state;
    assert_non_null(xs);
    for (c = 0; c < sizeof em_cases / sizeof em_cases[0]; c++) {
        const em_case *k = &em_cases[c];
        ec_stream r = {0x9E3779B97F4A7C15ULL + c};
        double worst = 0.0, at = 0.0, bad = 0.0, bad_x = 0.0;
        long i, n = EM_FAST_N, ranges = 0;
        size_t o;
        for (o = 0; o < sizeof em_cases / sizeof em_cases[0]; o++)
            ranges += strcmp(em_cases[o].name, k->name) == 0;
        if (em_full)
            n = (EM_FULL_N + ranges - 1) / ranges;
        for (i = 0; i < n; i++)
            xs[i] = em_input(&r, k);
            /* MPFR is thread-safe: the inputs are shared out, the largest
             * error (and the first input over its bound) gathered. */
#pragma omp parallel
        {
            double tw = 0.0, tat = 0.0, tbad = 0.0, tbx = 0.0;
            mpfr_t e;
            mpfr_init2(e, EM_PREC);
#pragma omp for schedule(static)
            for (i = 0; i < n; i++) {
                double x = xs[i], u;
                k->ref(e, x);
                u = em_ulps(k->f(x), e);
                if (u > (em_subnormal(e) ? k->bound_sub : k->bound) && tbad == 0.0)
                    tbad = u, tbx = x;
                if (u > tw)
                    tw = u, tat = x;
            }
#pragma omp critical
            {
                if (tw > worst)
                    worst = tw, at = tat;
                if (tbad > bad)
                    bad = tbad, bad_x = tbx;
            }
            mpfr_clear(e);
            mpfr_free_cache();
        }
        if (bad > 0.0) {
            mpfr_t e;
            mpfr_init2(e, EM_PREC);
            k->ref(e, bad_x);
            fail_msg("%s(%a) = %a: %.3f ulps from %s (bound %.2f)", k->name, bad_x, k->f(bad_x),
                     bad, em_text(e), em_subnormal(e) ? k->bound_sub : k->bound);
        }
        printf("%-16s %-14s [%g, %g): %ld inputs, largest error %.3f ulp at %a\n", k->name,
               k->mode == EC_UNIFORM     ? "uniform"
               : k->mode == EC_SUBNORMAL ? "subnormal"
                                         : "log-uniform",
               k->lo, k->hi, n, worst, at);
    }
    free(xs);
}

/* pow over bases and exponents, both log-uniform or uniform; results
 * beyond the double range are left to the special values. */
static void
test_pow_against_mpfr(void **state)
{
    static const struct {
        int e0, e1;
        double y0, y1;
    } ranges[] = {{-1022, 1023, -2.0, 2.0},
                  {-1, 1, -1000.0, 1000.0},
                  {-17, 17, -60.0, 60.0},
                  {-60, 60, -12.0, 12.0}};
    mpfr_t x, y, e;
    size_t c;

    (void)state;
    mpfr_inits2(EM_PREC, x, y, e, (mpfr_ptr)0);
    for (c = 0; c < sizeof ranges / sizeof ranges[0]; c++) {
        ec_stream r = {0x1234567ULL + c};
        double worst = 0.0;
        long i, n = 0, want = em_full ? EM_FULL_N / 4 : EM_FAST_N;
        for (i = 0; i < want; i++) {
            double a = ec_log_uniform(&r, ranges[c].e0, ranges[c].e1, 0);
            double b = ec_uniform(&r, ranges[c].y0, ranges[c].y1), z = att_pow(a, b), u;
            mpfr_set_d(x, a, MPFR_RNDN);
            mpfr_set_d(y, b, MPFR_RNDN);
            mpfr_pow(e, x, y, MPFR_RNDN);
            if (mpfr_get_exp(e) > 1024)
                continue; /* overflows */
            u = em_ulps(z, e);
            n++;
            if (u > 1.0)
                fail_msg("pow(%a, %a) = %a: %.3f ulps from %s", a, b, z, u, em_text(e));
            if (u > worst)
                worst = u;
        }
        printf("pow   x in [2^%d, 2^%d), y in [%g, %g): %ld inputs, largest error %.3f ulp\n",
               ranges[c].e0, ranges[c].e1, ranges[c].y0, ranges[c].y1, n, worst);
    }
    mpfr_clears(x, y, e, (mpfr_ptr)0);
}

/* The overflow and underflow edges, each side of them by a few ulps. */
static void
test_edges(void **state)
{
    static const double edges[] = {709.782712893384, -708.3964185322641, -745.1332191019411,
                                   -745.1332191019412, 0x1.62e42fefa39efp+9};
    mpfr_t e;
    size_t i;
    int s;

    (void)state;
    mpfr_init2(e, EM_PREC);
    for (i = 0; i < sizeof edges / sizeof edges[0]; i++)
        for (s = -8; s <= 8; s++) {
            double x = edges[i] + s * 0x1p-43;
            ref_exp(e, x);
            if (em_ulps(att_exp(x), e) > 1.0)
                fail_msg("exp(%a) = %a, exact %s", x, att_exp(x), em_text(e));
        }
    /* erfc and Q where they leave the subnormal range */
    for (s = 0; s < 50; s++) {
        double x = 26.5 + s * 0.02, z = 37.5 + s * 0.022;
        ref_erfc(e, x);
        if (em_ulps(att_erfc(x), e) > 1.5)
            fail_msg("erfc(%a) = %a, exact %s", x, att_erfc(x), em_text(e));
        ref_q(e, z);
        if (em_ulps(att_normal_q(z), e) > 1.5)
            fail_msg("Q(%a) = %a, exact %s", z, att_normal_q(z), em_text(e));
    }
    mpfr_clear(e);
}

static void
test_special_values(void **state)
{
    const double inf = HUGE_VAL, nan = (double)NAN, tiny = 0x1p-1074;

    (void)state;
    assert_true(att_exp(-inf) == 0.0 && att_exp(inf) == inf && isnan(att_exp(nan)));
    assert_true(att_exp(0.0) == 1.0 && att_exp(-0.0) == 1.0);
    assert_true(att_exp(709.79) == inf && att_exp(-745.14) == 0.0);
    assert_true(att_exp(-745.1332191019411) == tiny);
    assert_true(att_log(1.0) == 0.0 && att_log(0.0) == -inf && att_log(-0.0) == -inf);
    assert_true(isnan(att_log(-1.0)) && isnan(att_log(-inf)) && isnan(att_log(nan)));
    assert_true(att_log(inf) == inf);
    att_assert_close(att_log(tiny), -744.4400719213812, 1e-16, 0);
    assert_true(att_log1p(0.0) == 0.0 && att_log1p(-1.0) == -inf && isnan(att_log1p(-2.0)));
    assert_true(att_log1p(inf) == inf && isnan(att_log1p(nan)) && att_log1p(tiny) == tiny);
    assert_true(att_expm1(0.0) == 0.0 && att_expm1(-inf) == -1.0 && att_expm1(inf) == inf);
    assert_true(isnan(att_expm1(nan)) && att_expm1(tiny) == tiny && att_expm1(-40.5) == -1.0);
    assert_true(att_erfc(0.0) == 1.0 && att_erfc(-inf) == 2.0 && att_erfc(inf) == 0.0);
    assert_true(isnan(att_erfc(nan)) && att_erfc(28.0) == 0.0 && att_erfc(-28.0) == 2.0);
    assert_true(att_normal_q(0.0) == 0.5 && att_normal_q(-inf) == 1.0 && att_normal_q(inf) == 0.0);
    assert_true(isnan(att_normal_q(nan)) && att_normal_p(inf) == 1.0 && att_normal_p(-inf) == 0.0);
    assert_true(att_log_normal_q(inf) == -inf && att_log_normal_q(-inf) == 0.0);
    assert_true(isnan(att_log_normal_q(nan)));
    att_assert_close(att_log_normal_q(1e10), -5e19, 1e-15, 0); /* no underflow far out */
    assert_true(att_normal_quantile(0.0) == -inf && att_normal_quantile(1.0) == inf);
    assert_true(att_normal_quantile(0.5) == 0.0 && isnan(att_normal_quantile(-0.1)));
    assert_true(isnan(att_normal_quantile(1.1)) && isnan(att_normal_quantile(nan)));
    assert_true(att_normal_quantile(0.25) == -att_normal_quantile(0.75));
    /* pow: C99 Annex F.9.4.4, case by case */
    assert_true(att_pow(nan, 0.0) == 1.0 && att_pow(1.0, nan) == 1.0);
    assert_true(isnan(att_pow(nan, 1.0)) && isnan(att_pow(2.0, nan)));
    assert_true(att_pow(-1.0, inf) == 1.0 && att_pow(-1.0, -inf) == 1.0);
    assert_true(att_pow(0.5, inf) == 0.0 && att_pow(0.5, -inf) == inf);
    assert_true(att_pow(2.0, inf) == inf && att_pow(2.0, -inf) == 0.0);
    assert_true(att_pow(0.0, -3.0) == inf && att_pow(-0.0, -3.0) == -inf);
    assert_true(att_pow(-0.0, -2.0) == inf && att_pow(-0.0, -0.5) == inf);
    assert_true(att_pow(0.0, 3.0) == 0.0 && signbit(att_pow(-0.0, 3.0)));
    assert_true(att_pow(-0.0, 2.0) == 0.0 && !signbit(att_pow(-0.0, 2.0)));
    assert_true(att_pow(inf, 2.0) == inf && att_pow(inf, -2.0) == 0.0);
    assert_true(att_pow(-inf, 3.0) == -inf && att_pow(-inf, 2.0) == inf);
    assert_true(signbit(att_pow(-inf, -3.0)) && att_pow(-inf, -2.0) == 0.0);
    assert_true(isnan(att_pow(-2.0, 0.5)) && att_pow(-2.0, 3.0) == -8.0);
    assert_true(att_pow(-2.0, 2.0) == 4.0 && att_pow(2.0, 0.5) == sqrt(2.0));
    assert_true(att_pow(10.0, 22.0) == 1e22 && att_pow(2.0, -1074.0) == tiny);
    assert_true(att_pow(2.0, 1024.0) == inf && att_pow(0.5, 1075.0) == 0.0);
    assert_true(att_pow(-2.0, 1025.0) == -inf);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_against_mpfr),
        cmocka_unit_test(test_pow_against_mpfr),
    };

    if (argc > 1 && strcmp(argv[1], "--full") == 0)
        em_full = 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
