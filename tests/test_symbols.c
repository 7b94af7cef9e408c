/* test_symbols.c -- no function of the C library or GSL whose bits may
 * depend on the processor is called by the library or the command: the
 * undefined symbols of libattrition.a and of the attrition binary
 * (nm -u) hold none of libm's transcendental functions (exp, log, pow,
 * erfc, sin, ...: glibc picks FMA, AVX2 or AVX-512 code for them at run
 * time) nor GSL's special functions, CDFs, samplers or FFTs (which call
 * them).  sqrt, floor and the like are exact and allowed. */
#include <stdio.h>
#include <string.h>

#include "att_test.h"

static const char *const banned[] = {
    "exp",  "exp2", "expm1",  "log",      "log2",   "log10", "log1p", "pow",   "cbrt",   "hypot",
    "erf",  "erfc", "lgamma", "lgamma_r", "tgamma", "sin",   "cos",   "tan",   "sincos", "asin",
    "acos", "atan", "atan2",  "sinh",     "cosh",   "tanh",  "asinh", "acosh", "atanh",  "expf",
    "logf", "powf", "exp10",  "j0",       "j1",     "y0",    "y1",    "fma",
};

static const char *const banned_prefix[] = {
    "gsl_sf_", "gsl_cdf_", "gsl_ran_", "gsl_fft_", "_ZGV",
};

static void
check(const char *path)
{
    char cmd[1200], line[512];
    FILE *p;
    int symbols = 0;

    snprintf(cmd, sizeof cmd, "nm -u --format=posix '%s' 2>/dev/null", path);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof line, p) != NULL) {
        char name[256];
        size_t i;
        char *at;
        if (sscanf(line, "%255s", name) != 1 || name[strlen(name) - 1] == ':')
            continue;
        at = strchr(name, '@'); /* exp@GLIBC_2.29 */
        if (at != NULL)
            *at = '\0';
        symbols++;
        for (i = 0; i < sizeof banned / sizeof banned[0]; i++)
            if (strcmp(name, banned[i]) == 0)
                fail_msg("%s calls %s, whose bits depend on the processor: use emath.h's", path,
                         name);
        for (i = 0; i < sizeof banned_prefix / sizeof banned_prefix[0]; i++)
            if (strncmp(name, banned_prefix[i], strlen(banned_prefix[i])) == 0)
                fail_msg(
                    "%s calls %s (GSL and libmvec compute with the C library's "
                    "functions): use the project's own (emath.h, special.h, variates.h, fft.h)",
                    path, name);
    }
    assert_int_equal(pclose(p), 0);
    assert_true(symbols > 10); /* nm read the file */
}

static void
test_library(void **state)
{
    (void)state;
    check(ATT_LIBRARY);
}

static void
test_command(void **state)
{
    (void)state;
    check(ATT_CLI);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library),
        cmocka_unit_test(test_command),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
