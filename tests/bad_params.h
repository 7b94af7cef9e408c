/* bad_params.h -- malformed parameter files, shared by test_params (library status, file, line,
 * key) and test_cli (exit code, message). */
#ifndef ATTRITION_BAD_PARAMS_H
#define ATTRITION_BAD_PARAMS_H

#include <attrition/att_common.h>

/* A small valid body: phase a (lines 1-4), arrival x (5-7), class c (8-10). */
#define MIN_BODY                                                                 \
    "[phase a]\nstart = 2025-01-01\nhazard_median = 0.0137\nhazard_log_sd = 1\n" \
    "[arrival x]\ndate = 2025-01-01\ncount = 100\n"                              \
    "[class c]\ntau_losses = 0.5\ntau_force = 0.3\n"

/* Two groups (lines 1-7): phase a, group inf (the reference), group art. */
#define GROUP_HEAD                                                               \
    "[phase a]\nstart = 2025-01-01\nhazard_median = 0.0137\nhazard_log_sd = 1\n" \
    "[group inf]\n[group art]\nhazard_ratio = 0.5\n"
#define GROUP_CLASS "[class c]\ntau_losses = 0.5\ntau_force = 0.3\n"

typedef struct {
    const char *name;
    const char *text;     /* main.ini */
    const char *included; /* inc.ini, or NULL */
    att_status code;
    const char *path; /* file the error names */
    long line;
    const char *field; /* substring of the field, or NULL for none */
    const char *msg;   /* substring of the message */
} bad_params_case;

#define LONG_COMMENT                                                                              \
    "; xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxx\n"

static const bad_params_case bad_params[] = {
    {"unknown key", MIN_BODY "[priors]\nkapa_a = 2\n", NULL, ATT_EPARSE, "main.ini", 12,
     "[priors] kapa_a", "did you mean \"kappa_a\""},
    {"unknown section", MIN_BODY "[phases b]\nstart = 2025-01-01\n", NULL, ATT_EPARSE, "main.ini",
     11, NULL, "did you mean [phase]"},
    {"not a number", MIN_BODY "[priors]\nsigma_median = half\n", NULL, ATT_EPARSE, "main.ini", 12,
     "sigma_median", "expected a number in (0, 10], found \"half\""},
    {"retired key", MIN_BODY "[priors]\nsigma_scale = 0.5\n", NULL, ATT_EPARSE, "main.ini", 12,
     "[priors] sigma_scale", "state sigma_median (default 0.25) and sigma_log_sd"},
    {"out of range", "[phase a]\nstart = 2025-01-01\nhazard_median = 1.5\nhazard_log_sd = 1\n",
     NULL, ATT_EPARSE, "main.ini", 3, "[phase a] hazard_median", "(0, 1)"},
    {"no such date", "[phase a]\nstart = 2025-02-30\nhazard = 0\n", NULL, ATT_EPARSE, "main.ini", 2,
     "start", "no such day in that month"},
    {"repeated key", "[phase a]\nstart = 2025-01-01\nhazard = 0\nstart = 2025-01-02\n", NULL,
     ATT_EPARSE, "main.ini", 4, "start", "first at line 2"},
    {"repeated key across a repeated section",
     "[phase a]\nstart = 2025-01-01\n[class c]\ntau_losses=1\n[phase a]\nstart = 2025-01-02\n",
     NULL, ATT_EPARSE, "main.ini", 6, "start", "repeated"},
    {"line too long keeps line numbers", "[phase a]\n" LONG_COMMENT "start = 2025-01-01\n", NULL,
     ATT_EPARSE, "main.ini", 2, NULL, "at most 198 characters"},
    {"error after a long line", "[phase a]\n; short\nbogus line\n", NULL, ATT_EPARSE, "main.ini", 3,
     NULL, "found \"bogus line\""},
    {"no closing bracket", MIN_BODY "[phase b\n", NULL, ATT_EPARSE, "main.ini", 11, NULL, "no ']'"},
    {"required key missing",
     "[phase a]\nstart = 2025-01-01\nhazard = 0\n"
     "[arrival x]\ndate = 2025-01-01\ncount = 1\n[class c]\ntau_losses=1\n",
     NULL, ATT_EPARSE, "main.ini", 7, "[class c] tau_force", "expected this key"},
    {"fixed and prior hazard",
     "[phase a]\nstart = 2025-01-01\nhazard = 0\nhazard_median = 0.1\n"
     "hazard_log_sd = 1\n",
     NULL, ATT_EPARSE, "main.ini", 1, "[phase a]", "found more than one"},
    {"prior half given", "[phase a]\nstart = 2025-01-01\nhazard_median = 0.1\n", NULL, ATT_EPARSE,
     "main.ini", 1, "hazard_log_sd", "to come with hazard_log_sd"},
    {"phases leave a gap",
     MIN_BODY "[phase a]\nend = 2025-02-01\n[phase b]\nstart = 2025-02-03\n"
              "hazard = 0\n",
     NULL, ATT_EDATA, "main.ini", 13, "start", "no gap, no overlap"},
    {"phases overlap",
     MIN_BODY "[phase a]\nend = 2025-02-01\n[phase b]\nstart = 2025-01-20\n"
              "hazard = 0\n",
     NULL, ATT_EDATA, "main.ini", 13, "start", "to start where [phase a] ends (2025-02-01)"},
    {"open phase not last", MIN_BODY "[phase b]\nstart = 2025-03-01\nhazard = 0\n", NULL, ATT_EDATA,
     "main.ini", 1, "end", "only the last phase may be open"},
    {"end before start", "[phase a]\nstart = 2025-01-05\nend = 2025-01-05\nhazard = 0\n", NULL,
     ATT_EDATA, "main.ini", 3, "end", "end after start"},
    {"arrival without count",
     "[phase a]\nstart = 2025-01-01\nhazard = 0\n[arrival x]\n"
     "date = 2025-01-01\n",
     NULL, ATT_EPARSE, "main.ini", 4, "[arrival x]", "count_median + count_log_sd; found none"},
    {"arrival range reversed",
     MIN_BODY "[arrival y]\ndate = 2025-02-01\ncount_low = 9\n"
              "count_high = 3\n",
     NULL, ATT_EDATA, "main.ini", 14, "count_high", "count_high > count_low"},
    {"arrival before the phases", MIN_BODY "[arrival y]\ndate = 2024-12-01\ncount = 3\n", NULL,
     ATT_EDATA, "main.ini", 11, "date", "on or after the first phase's start"},
    {"anchor names an unknown class", MIN_BODY "[model]\nanchor = us_gov:losses\n", NULL, ATT_EDATA,
     "main.ini", 12, "anchor", "expected a declared [class], found \"us_gov\""},
    {"anchor with a bad family", MIN_BODY "[model]\nanchor = c:bias\n", NULL, ATT_EPARSE,
     "main.ini", 12, "anchor", "losses or force"},
    {"include cycle", "include = inc.ini\n" MIN_BODY, "include = main.ini\n", ATT_EDATA, "inc.ini",
     1, "include", "include cycle"},
    {"include of a missing file", MIN_BODY "include = nowhere.ini\n", NULL, ATT_ENOENT, "main.ini",
     11, "include", "nowhere.ini"},
    {"error inside an included file", "include = inc.ini\n", MIN_BODY "[priors]\nkappa_b = -1\n",
     ATT_EPARSE, "inc.ini", 12, "kappa_b", "(0, 1000]"},
    {"share wave without total", MIN_BODY "[wave w]\ndate = 2025-03-01\nshare = 1\n", NULL,
     ATT_EDATA, "main.ini", 11, "share", "total_low and total_high"},
    {"wave after an unknown wave",
     MIN_BODY "[wave w]\nafter = w0\ngap_low = 1\ngap_high = 2\n"
              "size = 5\n",
     NULL, ATT_EDATA, "main.ini", 12, "after", "a [wave] above this one"},
    {"wave hazard phase unknown",
     MIN_BODY "[wave w]\ndate = 2025-03-01\nsize = 5\n"
              "hazard_phase = b\n",
     NULL, ATT_EDATA, "main.ini", 14, "hazard_phase", "expected the name of a [phase]"},
    {"wave with two dates",
     MIN_BODY "[wave w]\ndate = 2025-03-01\ndate_low = 2025-03-01\n"
              "date_high = 2025-03-09\nsize = 5\n",
     NULL, ATT_EPARSE, "main.ini", 11, "[wave w]", "exactly one arrival date"},
    {"quantiles without the median", MIN_BODY "[projection]\nquantiles = 5,95\n", NULL, ATT_EPARSE,
     "main.ini", 12, "quantiles", "include 50"},
    {"quantiles not ascending", MIN_BODY "[projection]\nquantiles = 50,25,75\n", NULL, ATT_EPARSE,
     "main.ini", 12, "quantiles", "ascending"},
    {"loss fraction above 1",
     MIN_BODY "[threshold t]\nquantity = loss_fraction\n"
              "direction = at_least\nvalue = 2\n",
     NULL, ATT_ERANGE, "main.ini", 14, "value", "fraction in (0, 1]"},
    {"singleton with a name", MIN_BODY "[model main]\n", NULL, ATT_EPARSE, "main.ini", 11, NULL,
     "with no name"},
    {"bad section name", MIN_BODY "[phase 2nd]\n", NULL, ATT_EPARSE, "main.ini", 11, NULL,
     "letters, digits and _"},
    {"misspelt choice", MIN_BODY "[projection]\ncount_model = binomal\n", NULL, ATT_EPARSE,
     "main.ini", 12, "count_model", "did you mean \"binomial\""},
    {"no phases", "[arrival x]\ndate = 2025-01-01\ncount = 1\n", NULL, ATT_EDATA, "main.ini", 0,
     NULL, "at least one [phase NAME]"},
    {"enabled neither true nor false", MIN_BODY "[class c]\nenabled = maybe\n", NULL, ATT_EPARSE,
     "main.ini", 12, "enabled", "one of true, false"},
    {"hazard from first wave without waves", MIN_BODY "[projection]\nhazard_from = first_wave\n",
     NULL, ATT_EDATA, "main.ini", 12, "hazard_from", "expected a [wave]"},
    {"empty include", MIN_BODY "include =\n", NULL, ATT_EPARSE, "main.ini", 11, "include",
     "expected a file name"},
    {"multiplier without phase", MIN_BODY "[projection]\nhazard_multiplier = 2\n", NULL, ATT_EPARSE,
     "main.ini", 12, "hazard_multiplier", "hazard_phase"},
    {"enabled in an unknown section", MIN_BODY "[bogus]\nenabled = false\nfoo = 1\n", NULL,
     ATT_EPARSE, "main.ini", 11, NULL, "unknown section [bogus]"},
    {"enabled in a singleton", MIN_BODY "[projection]\nenabled = false\n", NULL, ATT_EPARSE,
     "main.ini", 12, "[projection] enabled", "unknown key"},
    {"no key before =", MIN_BODY "[priors]\n= 3\n", NULL, ATT_EPARSE, "main.ini", 12, NULL,
     "expected a key before '='"},
    {"empty brackets", MIN_BODY "[]\nkappa_a = 1\n", NULL, ATT_EPARSE, "main.ini", 11, NULL,
     "a section name between the brackets"},
    {"last phase closed", "[phase a]\nstart = 2025-01-01\nend = 2025-03-01\nhazard = 0\n", NULL,
     ATT_EDATA, "main.ini", 1, "end", "to be open-ended"},
    {"empty quantile item", MIN_BODY "[projection]\nquantiles = 5,,50,95\n", NULL, ATT_EPARSE,
     "main.ini", 12, "quantiles", "empty item"},
    {"empty quantiles (found by fuzzing)", MIN_BODY "[projection]\nquantiles =\n", NULL, ATT_EPARSE,
     "main.ini", 12, "quantiles", "found nothing"},
    {"empty anchor (found by fuzzing)", MIN_BODY "[model]\nanchor =\n", NULL, ATT_EPARSE,
     "main.ini", 12, "anchor", "found nothing"},
    {"hexadecimal number", MIN_BODY "[priors]\nkappa_a = 0x10\n", NULL, ATT_EPARSE, "main.ini", 12,
     "kappa_a", "found \"0x10\""},
    {"whole number expected", MIN_BODY "[projection]\npaths = 4000.5\n", NULL, ATT_EPARSE,
     "main.ini", 12, "paths", "whole number in [1, 10000000]"},
    {"group with no group declared",
     MIN_BODY "[arrival y]\ndate = 2025-01-02\ncount = 5\ngroup = foo\n", NULL, ATT_EDATA,
     "main.ini", 14, "[arrival y] group", "no [group NAME] section is declared"},
    {"unknown group",
     GROUP_HEAD "[arrival x]\ndate = 2025-01-10\ncount = 100\ngroup = inff\n" GROUP_CLASS
                "[model]\nreference_group = inf\n",
     NULL, ATT_EDATA, "main.ini", 11, "[arrival x] group", "did you mean \"inf\""},
    {"arrival without its group",
     GROUP_HEAD "[arrival x]\ndate = 2025-01-10\ncount = 100\n" GROUP_CLASS
                "[model]\nreference_group = inf\n",
     NULL, ATT_EPARSE, "main.ini", 8, "[arrival x] group", "expected group = NAME"},
    {"missing reference_group",
     GROUP_HEAD "[arrival x]\ndate = 2025-01-10\ncount = 100\n"
                "group = inf\n" GROUP_CLASS,
     NULL, ATT_EPARSE, "main.ini", 6, "reference_group", "expected reference_group = NAME"},
    {"unknown reference_group",
     GROUP_HEAD "[arrival x]\ndate = 2025-01-10\ncount = 100\n"
                "group = inf\n" GROUP_CLASS "[model]\nreference_group = arty\n",
     NULL, ATT_EDATA, "main.ini", 16, "[model] reference_group", "did you mean \"art\""},
    {"reference group with a ratio",
     GROUP_HEAD "[arrival x]\ndate = 2025-01-10\ncount = 100\n"
                "group = inf\n" GROUP_CLASS "[model]\nreference_group = art\n",
     NULL, ATT_EDATA, "main.ini", 6, "hazard_ratio", "no hazard ratio for the reference group"},
    {"other group without a ratio",
     GROUP_HEAD "[group eng]\n[arrival x]\ndate = 2025-01-10\n"
                "count = 100\ngroup = inf\n" GROUP_CLASS "[model]\nreference_group = inf\n",
     NULL, ATT_EPARSE, "main.ini", 8, "hazard_ratio", "other than the reference group (inf)"},
    {"group with no arrival",
     GROUP_HEAD "[arrival x]\ndate = 2025-01-10\ncount = 100\n"
                "group = inf\n" GROUP_CLASS "[model]\nreference_group = inf\n",
     NULL, ATT_EDATA, "main.ini", 6, NULL, "expected an [arrival] with group = art"},
    {"ratio of 0", GROUP_HEAD "hazard_ratio_median = 0\n", NULL, ATT_EPARSE, "main.ini", 8,
     "[group art] hazard_ratio_median", "(0, 100]"},
    {"departure before any arrival", MIN_BODY "[departure d]\ndate = 2024-12-01\ncount = 5\n", NULL,
     ATT_EDATA, "main.ini", 11, "date", "on or after an arrival of its group"},
    {"departure before its group's arrival",
     GROUP_HEAD "[arrival x]\ndate = 2025-01-10\n"
                "count = 100\ngroup = inf\n" GROUP_CLASS "[model]\nreference_group = inf\n"
                "[departure d]\ndate = 2025-02-01\ncount = 5\ngroup = art\n"
                "[arrival y]\ndate = 2025-03-01\ncount = 100\ngroup = art\n",
     NULL, ATT_EDATA, "main.ini", 17, "date", "an arrival of its group art"},
    {"departure count and share",
     MIN_BODY "[departure d]\ndate = 2025-02-01\ncount = 5\n"
              "share = 0.1\n",
     NULL, ATT_EPARSE, "main.ini", 11, "[departure d]", "found both"},
    {"departure share of 1", MIN_BODY "[departure d]\ndate = 2025-02-01\nshare = 1\n", NULL,
     ATT_EPARSE, "main.ini", 13, "[departure d] share", "(0, 1)"},
    {"departure share prior half given",
     MIN_BODY "[departure d]\ndate = 2025-02-01\n"
              "share_a = 2\n",
     NULL, ATT_EPARSE, "main.ini", 11, "share_b", "to come with share_b"},
    {"departure date and range",
     MIN_BODY "[departure d]\ndate = 2025-02-01\n"
              "date_low = 2025-02-01\ndate_high = 2025-02-10\ncount = 5\n",
     NULL, ATT_EPARSE, "main.ini", 11, "[departure d]", "found more than one"},
    {"departure range backwards",
     MIN_BODY "[departure d]\ndate_low = 2025-02-10\n"
              "date_high = 2025-02-01\ncount = 5\n",
     NULL, ATT_EDATA, "main.ini", 13, "date_high", "on or after date_low"},
    {"departure without a date", MIN_BODY "[departure d]\ncount = 5\n", NULL, ATT_EPARSE,
     "main.ini", 11, "[departure d]", "expected exactly one departure date"},
    {"seventeen groups",
     MIN_BODY "[group g0]\n"
              "[group g1]\n"
              "[group g2]\n"
              "[group g3]\n"
              "[group g4]\n"
              "[group g5]\n"
              "[group g6]\n"
              "[group g7]\n"
              "[group g8]\n"
              "[group g9]\n"
              "[group g10]\n"
              "[group g11]\n"
              "[group g12]\n"
              "[group g13]\n"
              "[group g14]\n"
              "[group g15]\n"
              "[group g16]\n",
     NULL, ATT_ERANGE, "main.ini", 27, NULL, "at most 16 [group] sections"},
    {"return share without delay", MIN_BODY "[model]\nreturn_share = 0.3\n", NULL, ATT_EPARSE,
     "main.ini", 11, "return_delay", "expected return_delay"},
    {"return delay without share", MIN_BODY "[model]\nreturn_delay = 30\n", NULL, ATT_EPARSE,
     "main.ini", 12, "return_delay", "expected return_share or its prior"},
    {"return share and its prior",
     MIN_BODY "[model]\nreturn_share = 0.3\nreturn_share_a = 2\n"
              "return_share_b = 3\nreturn_delay = 30\n",
     NULL, ATT_EPARSE, "main.ini", 12, "return_share", "found both"},
    {"return delay over a year", MIN_BODY "[model]\nreturn_share = 0.3\nreturn_delay = 400\n", NULL,
     ATT_EPARSE, "main.ini", 13, "return_delay", "[1, 365]"},
    {"completeness without undercount",
     MIN_BODY "[class u]\ntau_losses = 0.5\ntau_force = 0.3\ncompleteness_a = 2\n", NULL,
     ATT_EPARSE, "main.ini", 14, "completeness_a", "expected undercount = true"},
    {"undercount without completeness", MIN_BODY "[class u]\nundercount = true\ntau_force = 0.3\n",
     NULL, ATT_EPARSE, "main.ini", 11, "completeness_a", "found neither"},
    {"undercount with half its prior",
     MIN_BODY "[class u]\nundercount = true\ntau_force = 0.3\ncompleteness_a = 2\n", NULL,
     ATT_EPARSE, "main.ini", 14, "completeness_b", "found one of them"},
    {"undercount with a losses bias",
     MIN_BODY "[class u]\nundercount = true\ntau_losses = 0.5\ntau_force = 0.3\n"
              "completeness_a = 2\ncompleteness_b = 3\n",
     NULL, ATT_EPARSE, "main.ini", 13, "tau_losses", "expected no losses bias"},
    {"anchor on an undercount class's losses",
     MIN_BODY "[model]\nanchor = u:losses\n[class u]\nundercount = true\ntau_force = 0.3\n"
              "completeness_a = 2\ncompleteness_b = 3\n",
     NULL, ATT_EDATA, "main.ini", 12, "anchor", "carry its completeness"},
    {"sigma spread with one noise", MIN_BODY "[priors]\nsigma_spread = 0.4\n", NULL, ATT_EPARSE,
     "main.ini", 12, "sigma_spread", "expected [model] noise = per_class"},
    {"unknown noise", MIN_BODY "[model]\nnoise = per_source\n", NULL, ATT_EPARSE, "main.ini", 12,
     "noise", "per_class"},
};

#endif /* ATTRITION_BAD_PARAMS_H */
