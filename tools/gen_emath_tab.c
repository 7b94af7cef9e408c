/* gen_emath_tab.c -- writes model/emath_tab.h and model/emath_tab.c, the
 * constants and tables of the elementary functions (model/emath.c), from
 * GNU MPFR at 512 bits.  Run as
 *
 *     gen_emath_tab h > model/emath_tab.h
 *     gen_emath_tab c > model/emath_tab.c
 *
 * tests/test_emath_tab.c runs it and checks that the committed files are
 * what it writes, so a table can only change through this program.  With
 * "report" it prints each table's approximation error instead.
 *
 * Every double is written as a C99 hexadecimal literal, so that the
 * compiler reads back exactly the bits computed here.  The tables:
 *   exp: 2^(j/64), j = 0..63, as a pair (hi, lo) with hi + lo to 2^-106
 *        (Tang 1989);
 *   log: log(j/128), j = 96..192, as a pair whose hi part is a multiple of
 *        2^-43, so that k log2_hi + hi is exact for |k| < 2^11 (Tang 1990),
 *        and 128/j rounded;
 *   erfcx: erfcx(u) = exp(u^2) erfc(u) on 224 intervals covering [0, 32),
 *        each a polynomial in h = u - centre from Chebyshev interpolation
 *        at EMATH_ERFCX_DEG + 1 nodes, its constant term as a pair.
 * References: P. T. P. Tang, "Table-driven implementation of the
 * exponential function in IEEE floating-point arithmetic", ACM TOMS 15(2)
 * 144-157 (1989), and "... of the logarithm function", ACM TOMS 16(4)
 * 378-400 (1990). */
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREC      512
#define EXP_N     64
#define LOG_N     128
#define LOG_FIRST 96  /* j/128 from 0.75 ... */
#define LOG_LAST  192 /* ... to 1.5 */
#define ERFCX_DEG 8
#define ERFCX_NI  224

/* x rounded to a multiple of 2^-bits (to nearest). */
static double
round_to_grid(const mpfr_t x, int bits)
{
    mpfr_t t;
    double d;

    mpfr_init2(t, PREC);
    mpfr_mul_2si(t, x, bits, MPFR_RNDN);
    mpfr_rint(t, t, MPFR_RNDN);
    mpfr_div_2si(t, t, bits, MPFR_RNDN);
    d = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return d;
}

/* x rounded to `bits` significant bits. */
static double
round_sig(const mpfr_t x, int bits)
{
    mpfr_t t;
    double d;

    mpfr_init2(t, (mpfr_prec_t)bits);
    mpfr_set(t, x, MPFR_RNDN);
    d = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return d;
}

/* hi = RN(x), lo = RN(x - hi). */
static void
split2(const mpfr_t x, double *hi, double *lo)
{
    mpfr_t t;

    mpfr_init2(t, PREC);
    *hi = mpfr_get_d(x, MPFR_RNDN);
    mpfr_sub_d(t, x, *hi, MPFR_RNDN);
    *lo = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
}

/* x - a, rounded. */
static double
rest(const mpfr_t x, double a)
{
    mpfr_t t;
    double d;

    mpfr_init2(t, PREC);
    mpfr_sub_d(t, x, a, MPFR_RNDN);
    d = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return d;
}

static void
print_define(const char *name, double v, const char *what)
{
    if (v < 0.0)
        printf("#define %-22s (%a) /* %s */\n", name, v, what);
    else
        printf("#define %-22s %a /* %s */\n", name, v, what);
}

/* erfcx(u) = exp(u^2) erfc(u). */
static void
erfcx(mpfr_t out, const mpfr_t u)
{
    mpfr_t t;

    mpfr_init2(t, PREC);
    mpfr_sqr(t, u, MPFR_RNDN);
    mpfr_exp(t, t, MPFR_RNDN);
    mpfr_erfc(out, u, MPFR_RNDN);
    mpfr_mul(out, out, t, MPFR_RNDN);
    mpfr_clear(t);
}

/* Interval i of the erfcx table: its centre and half-width.  Intervals
 * 0-31 are [i/64, (i+1)/64); 32-223 split each binade [2^e, 2^(e+1)),
 * e = -1..4, into 32nds (emath_kernel.h finds them, and their centres,
 * from u's exponent and top mantissa bits). */
static void
erfcx_interval(int i, double *centre, double *half)
{
    if (i < 32) {
        *centre = (i + 0.5) / 64.0;
        *half = 1.0 / 128.0;
    } else {
        int e = (i - 32) / 32 - 1, m = (i - 32) % 32;
        double b = e < 0 ? 0.5 : (double)(1 << e);
        *centre = b * (1.0 + (m + 0.5) / 32.0);
        *half = b / 64.0;
    }
}

/* Monomial coefficients (in h) of the Chebyshev interpolant of erfcx on
 * [c - w, c + w] at deg + 1 nodes, into coef[0..deg] (initialised). */
static void
erfcx_fit(double c, double w, int deg, mpfr_t *coef)
{
    int n = deg + 1, i, k, j;
    mpfr_t pi, t, f, u, tk, tk1, tk2, b;
    mpfr_t *fv = malloc((size_t)n * sizeof *fv), *tv = malloc((size_t)n * sizeof *tv);
    mpfr_t *cheb = malloc((size_t)n * sizeof *cheb);
    /* T_k as monomials in t: rows of n coefficients. */
    mpfr_t *tm = malloc((size_t)n * (size_t)n * sizeof *tm);

    mpfr_inits2(PREC, pi, t, f, u, tk, tk1, tk2, b, (mpfr_ptr)0);
    mpfr_const_pi(pi, MPFR_RNDN);
    for (i = 0; i < n; i++) {
        mpfr_inits2(PREC, fv[i], tv[i], cheb[i], (mpfr_ptr)0);
        /* t_i = cos(pi (i + 1/2) / n) */
        mpfr_set_d(t, i + 0.5, MPFR_RNDN);
        mpfr_mul(t, t, pi, MPFR_RNDN);
        mpfr_div_si(t, t, n, MPFR_RNDN);
        mpfr_cos(tv[i], t, MPFR_RNDN);
        mpfr_mul_d(u, tv[i], w, MPFR_RNDN);
        mpfr_add_d(u, u, c, MPFR_RNDN);
        erfcx(fv[i], u);
    }
    for (k = 0; k < n; k++) {
        mpfr_set_ui(cheb[k], 0, MPFR_RNDN);
        for (i = 0; i < n; i++) {
            /* T_k(t_i) = cos(k acos t_i) = cos(k pi (i + 1/2) / n) */
            mpfr_set_d(t, (double)k * (i + 0.5), MPFR_RNDN);
            mpfr_mul(t, t, pi, MPFR_RNDN);
            mpfr_div_si(t, t, n, MPFR_RNDN);
            mpfr_cos(t, t, MPFR_RNDN);
            mpfr_mul(t, t, fv[i], MPFR_RNDN);
            mpfr_add(cheb[k], cheb[k], t, MPFR_RNDN);
        }
        mpfr_mul_ui(cheb[k], cheb[k], k == 0 ? 1 : 2, MPFR_RNDN);
        mpfr_div_si(cheb[k], cheb[k], n, MPFR_RNDN);
    }
    for (i = 0; i < n * n; i++)
        mpfr_init2(tm[i], PREC), mpfr_set_ui(tm[i], 0, MPFR_RNDN);
    mpfr_set_ui(tm[0], 1, MPFR_RNDN); /* T_0 = 1 */
    if (n > 1)
        mpfr_set_ui(tm[n + 1], 1, MPFR_RNDN); /* T_1 = t */
    for (k = 2; k < n; k++)
        for (j = 0; j < n; j++) {
            /* T_k = 2 t T_{k-1} - T_{k-2} */
            if (j > 0)
                mpfr_mul_2ui(tm[k * n + j], tm[(k - 1) * n + j - 1], 1, MPFR_RNDN);
            mpfr_sub(tm[k * n + j], tm[k * n + j], tm[(k - 2) * n + j], MPFR_RNDN);
        }
    for (j = 0; j < n; j++) {
        mpfr_set_ui(coef[j], 0, MPFR_RNDN);
        for (k = 0; k < n; k++) {
            mpfr_mul(t, cheb[k], tm[k * n + j], MPFR_RNDN);
            mpfr_add(coef[j], coef[j], t, MPFR_RNDN);
        }
        /* t = h / w: the coefficient of h^j is that of t^j over w^j */
        mpfr_set_d(b, w, MPFR_RNDN);
        mpfr_pow_si(b, b, j, MPFR_RNDN);
        mpfr_div(coef[j], coef[j], b, MPFR_RNDN);
    }
    for (i = 0; i < n * n; i++)
        mpfr_clear(tm[i]);
    for (i = 0; i < n; i++)
        mpfr_clears(fv[i], tv[i], cheb[i], (mpfr_ptr)0);
    mpfr_clears(pi, t, f, u, tk, tk1, tk2, b, (mpfr_ptr)0);
    free(tm);
    free(cheb);
    free(tv);
    free(fv);
}

/* The erfcx table's rows: a0 hi, a0 lo, a1 .. aDEG.  With report,
 * the largest relative error of the rounded polynomial (exact arithmetic)
 * on a grid of each interval, a little beyond its ends. */
static void
erfcx_table(double *row, int report)
{
    mpfr_t coef[ERFCX_DEG + 1], v, g, u, t;
    int i, k, s;
    double worst_all = 0.0;

    for (k = 0; k <= ERFCX_DEG; k++)
        mpfr_init2(coef[k], PREC);
    mpfr_inits2(PREC, v, g, u, t, (mpfr_ptr)0);
    for (i = 0; i < ERFCX_NI; i++) {
        double c, w, *r = row + i * (ERFCX_DEG + 2) - 1, worst = 0.0;
        erfcx_interval(i, &c, &w);
        erfcx_fit(c, w, ERFCX_DEG, coef);
        split2(coef[0], &r[1], &r[2]); /* r[1..]: the row, as before without its centre */
        for (k = 1; k <= ERFCX_DEG; k++)
            r[k + 2] = mpfr_get_d(coef[k], MPFR_RNDN);
        if (!report)
            continue;
        for (s = -110; s <= 110; s++) {
            double h = w * s / 100.0, e;
            /* the rounded polynomial at h, exactly */
            mpfr_set_d(v, r[ERFCX_DEG + 2], MPFR_RNDN);
            for (k = ERFCX_DEG - 1; k >= 1; k--) {
                mpfr_mul_d(v, v, h, MPFR_RNDN);
                mpfr_add_d(v, v, r[k + 2], MPFR_RNDN);
            }
            mpfr_mul_d(v, v, h, MPFR_RNDN);
            mpfr_add_d(v, v, r[2], MPFR_RNDN);
            mpfr_add_d(v, v, r[1], MPFR_RNDN);
            mpfr_set_d(u, c, MPFR_RNDN);
            mpfr_add_d(u, u, h, MPFR_RNDN);
            erfcx(g, u);
            mpfr_sub(t, v, g, MPFR_RNDN);
            mpfr_div(t, t, g, MPFR_RNDN);
            e = mpfr_get_d(t, MPFR_RNDN);
            e = e < 0 ? -e : e;
            if (e > worst)
                worst = e;
        }
        printf("erfcx interval %2d [%g, %g]: max rel error %.3g (2^%.1f)\n", i, c - w, c + w, worst,
               worst > 0 ? __builtin_log2(worst) : -999.0);
        if (worst > worst_all)
            worst_all = worst;
    }
    if (report)
        printf("erfcx: worst %.3g\n", worst_all);
    for (k = 0; k <= ERFCX_DEG; k++)
        mpfr_clear(coef[k]);
    mpfr_clears(v, g, u, t, (mpfr_ptr)0);
}

static void
write_header(void)
{
    mpfr_t ln2, x, y, pi;
    double a, b, c;

    mpfr_inits2(PREC, ln2, x, y, pi, (mpfr_ptr)0);
    mpfr_const_log2(ln2, MPFR_RNDN);
    mpfr_const_pi(pi, MPFR_RNDN);
    printf("/* emath_tab.h -- constants and tables of model/emath.c (private).\n"
           " * Written by tools/gen_emath_tab.c from GNU MPFR; do not edit: change the\n"
           " * generator and run it again (tests/test_emath_tab.c checks the two agree). */\n"
           "/* clang-format off */\n"
           "#ifndef ATTRITION_EMATH_TAB_H\n#define ATTRITION_EMATH_TAB_H\n\n"
           "#include \"internal.h\"\n\n");
    printf("/* exp: x = (64 k + j) ln2 / 64 + r (Tang 1989) */\n");
    printf("#define EMATH_EXP_BITS 6\n");
    mpfr_ui_div(x, EXP_N, ln2, MPFR_RNDN);
    print_define("EMATH_EXP_INVLN2N", mpfr_get_d(x, MPFR_RNDN), "64 / ln 2");
    /* ln2 / 64 in three parts, the first two of 36 significant bits, so
     * that k times each is exact for |k| < 2^17 */
    mpfr_div_ui(x, ln2, EXP_N, MPFR_RNDN);
    a = round_sig(x, 36);
    mpfr_sub_d(y, x, a, MPFR_RNDN);
    b = round_sig(y, 36);
    mpfr_sub_d(y, y, b, MPFR_RNDN);
    c = mpfr_get_d(y, MPFR_RNDN);
    print_define("EMATH_EXP_L1", a, "ln 2 / 64, first 36 bits");
    print_define("EMATH_EXP_L2", b, "the next 36 bits");
    print_define("EMATH_EXP_L3", c, "the rest");
    printf("\n/* log: x = 2^k (j / 128) (1 + v) (Tang 1990) */\n");
    a = round_to_grid(ln2, 43);
    print_define("EMATH_LN2_HI", a, "ln 2 as a multiple of 2^-43");
    print_define("EMATH_LN2_LO", rest(ln2, a), "ln 2 - EMATH_LN2_HI");
    printf("#define EMATH_LOG_FIRST        %d /* the table starts at %d / 128 */\n", LOG_FIRST,
           LOG_FIRST);
    printf("\n/* other constants as pairs (hi, lo) */\n");
    split2(ln2, &a, &b);
    print_define("EMATH_LN2_DD_HI", a, "ln 2");
    print_define("EMATH_LN2_DD_LO", b, "ln 2 - hi");
    mpfr_sqrt(x, pi, MPFR_RNDN);
    split2(x, &a, &b);
    print_define("EMATH_SQRTPI_HI", a, "sqrt(pi)");
    print_define("EMATH_SQRTPI_LO", b, "sqrt(pi) - hi");
    mpfr_set_ui(x, 2, MPFR_RNDN);
    mpfr_rec_sqrt(x, x, MPFR_RNDN);
    split2(x, &a, &b);
    print_define("EMATH_SQRT1_2", a, "1 / sqrt(2)");
    print_define("EMATH_SQRT1_2_LO", b, "1 / sqrt(2) - EMATH_SQRT1_2");
    mpfr_sqrt(x, pi, MPFR_RNDN);
    mpfr_log(x, x, MPFR_RNDN);
    split2(x, &a, &b);
    print_define("EMATH_LOG_SQRTPI_HI", a, "log sqrt(pi)");
    print_define("EMATH_LOG_SQRTPI_LO", b, "log sqrt(pi) - hi");
    mpfr_mul_ui(x, pi, 2, MPFR_RNDN);
    mpfr_sqrt(x, x, MPFR_RNDN);
    mpfr_log(x, x, MPFR_RNDN);
    split2(x, &a, &b);
    print_define("EMATH_LOG_SQRT2PI_HI", a, "log sqrt(2 pi)");
    print_define("EMATH_LOG_SQRT2PI_LO", b, "log sqrt(2 pi) - hi");
    mpfr_mul_ui(x, pi, 2, MPFR_RNDN);
    mpfr_rec_sqrt(x, x, MPFR_RNDN);
    split2(x, &a, &b);
    print_define("EMATH_INV_SQRT2PI_HI", a, "1 / sqrt(2 pi)");
    print_define("EMATH_INV_SQRT2PI_LO", b, "1 / sqrt(2 pi) - hi");
    printf("\n/* erfcx(u) = exp(u^2) erfc(u): %d intervals of [0, 32), each a row of\n"
           " * EMATH_ERFCX_ROW doubles: a0 hi, a0 lo, a1, ..., a%d in h = u - centre */\n",
           ERFCX_NI, ERFCX_DEG);
    printf("#define EMATH_ERFCX_DEG %d\n#define EMATH_ERFCX_NI  %d\n", ERFCX_DEG, ERFCX_NI);
    printf("#define EMATH_ERFCX_ROW (EMATH_ERFCX_DEG + 2)\n\n");
    printf("ATT_INTERNAL extern const double att_emath_exp_tab[2 * %d];\n", EXP_N);
    printf("ATT_INTERNAL extern const double att_emath_log_tab[3 * %d];\n",
           LOG_LAST - LOG_FIRST + 1);
    printf("ATT_INTERNAL extern const double att_emath_erfcx_tab[EMATH_ERFCX_NI * "
           "EMATH_ERFCX_ROW];\n");
    printf("\n#endif /* ATTRITION_EMATH_TAB_H */\n");
    mpfr_clears(ln2, x, y, pi, (mpfr_ptr)0);
}

static void
write_tables(void)
{
    mpfr_t x, ln2;
    double row[ERFCX_NI * (ERFCX_DEG + 2)], a, b;
    int j, i, k;

    mpfr_inits2(PREC, x, ln2, (mpfr_ptr)0);
    mpfr_const_log2(ln2, MPFR_RNDN);
    printf("/* emath_tab.c -- tables of model/emath.c, written by tools/gen_emath_tab.c\n"
           " * from GNU MPFR; do not edit (see emath_tab.h). */\n"
           "/* clang-format off */\n"
           "#include \"emath_tab.h\"\n\n");
    printf("/* 2^(j/64), j = 0..63: hi, lo */\nconst double att_emath_exp_tab[2 * %d] = {\n",
           EXP_N);
    for (j = 0; j < EXP_N; j++) {
        mpfr_set_si(x, j, MPFR_RNDN);
        mpfr_div_ui(x, x, EXP_N, MPFR_RNDN);
        mpfr_exp2(x, x, MPFR_RNDN);
        split2(x, &a, &b);
        printf("    %a, %a,\n", a, b);
    }
    printf("};\n\n/* log(j/128), j = %d..%d: hi (a multiple of 2^-43), lo, and 128/j rounded */\n"
           "const double att_emath_log_tab[3 * %d] = {\n",
           LOG_FIRST, LOG_LAST, LOG_LAST - LOG_FIRST + 1);
    for (j = LOG_FIRST; j <= LOG_LAST; j++) {
        mpfr_set_si(x, j, MPFR_RNDN);
        mpfr_div_ui(x, x, LOG_N, MPFR_RNDN);
        mpfr_log(x, x, MPFR_RNDN);
        a = round_to_grid(x, 43);
        printf("    %a, %a, %a,\n", a, rest(x, a), (double)LOG_N / j);
    }
    printf("};\n\n/* erfcx: per interval, a0 hi, a0 lo, a1, ..., a%d */\n"
           "const double att_emath_erfcx_tab[EMATH_ERFCX_NI * EMATH_ERFCX_ROW] = {\n",
           ERFCX_DEG);
    erfcx_table(row, 0);
    for (i = 0; i < ERFCX_NI; i++) {
        printf("   ");
        for (k = 0; k < ERFCX_DEG + 2; k++)
            printf(" %a,", row[i * (ERFCX_DEG + 2) + k]);
        printf("\n");
    }
    printf("};\n");
    mpfr_clears(x, ln2, (mpfr_ptr)0);
}

int
main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "h") == 0)
        write_header();
    else if (argc == 2 && strcmp(argv[1], "c") == 0)
        write_tables();
    else if (argc == 2 && strcmp(argv[1], "report") == 0) {
        static double row[ERFCX_NI * (ERFCX_DEG + 2)];
        erfcx_table(row, 1);
    } else {
        fprintf(stderr, "usage: gen_emath_tab h|c|report\n");
        return 64;
    }
    mpfr_free_cache();
    return 0;
}
