/* test_cli_commands.c -- fit, project, compare, backtest and export-data
 * from the command line: the same bytes for 1 and 2 threads and from a
 * saved fit, the JSON keys of the contracts, a golden fit, usage errors,
 * and (with --slow) fit --influence against fits of the ledger without a
 * report.
 * Set ATT_UPDATE_GOLDEN=1 to rewrite the golden file after a deliberate
 * change. */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "att_test.h"
#define CLI_RUN_NAME "cli_commands"
#include "cli_run.h"
#include "fixture.h"

/* The fit from the command line: the same bytes for 1 and 2 threads, a
 * golden JSON for a fixed seed, and a saved fit.  Few draws keep it fast,
 * so the verdict is "failed" (ESS < 100): --force prints it, exit 1. */
static void
test_fit_command(void **state)
{
    const char *one = ATT_BINARY_DIR "/tests/fit1.json", *two = ATT_BINARY_DIR "/tests/fit2.json";
    const char *saved = ATT_BINARY_DIR "/tests/fit_saved.json";
    const char *a1[] = {"fit",       "--chains", "2",        "--warmup", "80",       "--draws",
                        "40",        "--seed",   "3",        "--force",  "--format", "json",
                        "--threads", "1",        "--output", one,        NULL};
    const char *a2[] = {"fit",      "--chains", "2",          "--warmup", "80",   "--draws",   "40",
                        "--seed",   "3",        "--force",    "--format", "json", "--threads", "2",
                        "--output", two,        "--save-fit", saved,      NULL};
    const char *nof[] = {"fit",     "--chains", "2",      "--warmup", "80",
                         "--draws", "40",       "--seed", "3",        NULL};
    char *x, *y, *z;

    (void)state;
    expect(a1, 1, NULL);
    expect(a2, 1, NULL);
    x = fixture_read_file(one);
    y = fixture_read_file(two);
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y); /* threads never change a result */
    assert_non_null(strstr(x, "\"verdict\": \"failed\""));
    cli_check_golden(x, "fit_small.json", one);
    z = fixture_read_file(saved);
    assert_non_null(z);
    assert_non_null(strstr(z, "\"format\":\"attrition-fit\""));
    free(x);
    free(y);
    free(z);
    /* Without --force a failed fit prints nothing and says why. */
    expect(nof, 1, "the fit failed its convergence checks");
    x = fixture_read_file(OUT);
    assert_string_equal(x, "");
    free(x);
}

/* The verdict on a golden's difference: two seeds of one model are
 * Monte Carlo noise; another anchor is a real change. */
static void
test_golden_verdict(void **state)
{
    const char *p1 = ATT_BINARY_DIR "/tests/verdict1.json",
               *p2 = ATT_BINARY_DIR "/tests/verdict2.json";
    const char *p3 = ATT_BINARY_DIR "/tests/verdict3.json";
    const char *a1[] = {"fit",      "--chains", "2",        "--warmup", "200",
                        "--draws",  "200",      "--seed",   "3",        "--force",
                        "--format", "json",     "--output", p1,         NULL};
    const char *a2[] = {"fit",      "--chains", "2",        "--warmup", "200",
                        "--draws",  "200",      "--seed",   "4",        "--force",
                        "--format", "json",     "--output", p2,         NULL};
    const char *a3[] = {"fit",      "--chains",      "2",        "--warmup", "200",      "--draws",
                        "200",      "--seed",        "4",        "--force",  "--format", "json",
                        "--anchor", "ua_gov:losses", "--output", p3,         NULL};
    char msg[512], *x, *y, *z;

    (void)state;
    (void)run(OUT, a1);
    (void)run(OUT, a2);
    (void)run(OUT, a3);
    x = fixture_read_file(p1);
    y = fixture_read_file(p2);
    z = fixture_read_file(p3);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(z);
    if (!cli_fit_verdict(y, x, msg, sizeof msg))
        fail_msg("two seeds of one model: %s", msg);
    assert_non_null(strstr(msg, "Monte Carlo noise"));
    if (cli_fit_verdict(z, x, msg, sizeof msg))
        fail_msg("Kyiv's loss figures pinned against the consensus: %s", msg);
    assert_non_null(strstr(msg, "a real change"));
    free(x);
    free(y);
    free(z);
}

/* Lines of text that do not start with '#': a CSV's data without its header. */
static char *
data_lines(const char *text)
{
    char *out = malloc(strlen(text) + 1), *o = out;
    const char *line = text;

    assert_non_null(out);
    while (*line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        if (line[0] != '#') {
            memcpy(o, line, len);
            o += len;
        }
        line += len;
    }
    *o = '\0';
    return out;
}

/* A fit that fails its convergence checks (10 draws: ESS under 100) is
 * not saved by --save-fit, from the projection as from fit. */
static void
test_failed_fit_not_saved(void **state)
{
    const char *fit = ATT_BINARY_DIR "/tests/failed_fit.json";
    const char *proj[] = {"--scenario", "none",       "--warmup", "10", "--draws",
                          "10",         "--save-fit", fit,        NULL};
    const char *alone[] = {"fit",     "--scenario", "baseline",   "--warmup", "10",
                           "--draws", "10",         "--save-fit", fit,        NULL};

    (void)state;
    remove(fit);
    expect(proj, 1, "failed its convergence checks");
    assert_null(fixture_read_file(fit));
    expect(alone, 1, "failed its convergence checks");
    assert_null(fixture_read_file(fit));
}

/* The projection from the command line: the same bytes for 1 and 2
 * threads and from the saved fit loaded back; the JSON keys of the
 * contract; --quantiles; several scenarios; a fit of other inputs
 * refused. */
static void
test_project_command(void **state)
{
    const char *a = ATT_BINARY_DIR "/tests/proj1.csv", *b = ATT_BINARY_DIR "/tests/proj2.csv";
    const char *c = ATT_BINARY_DIR "/tests/proj3.csv", *fit = ATT_BINARY_DIR "/tests/proj_fit.json";
    const char *j = ATT_BINARY_DIR "/tests/proj.json";
    const char *one[] = {"--scenario", "reinforce30k", "--chains", "2",   "--warmup",   "200",
                         "--draws",    "200",          "--paths",  "500", "--threads",  "1",
                         "--format",   "csv",          "--output", a,     "--save-fit", fit,
                         NULL};
    const char *two[] = {"project", "--scenario", "reinforce30k", "--chains", "2",   "--warmup",
                         "200",     "--draws",    "200",          "--paths",  "500", "--threads",
                         "2",       "--format",   "csv",          "--output", b,     NULL};
    const char *loaded[] = {"--scenario", "reinforce30k", "--fit",    fit, "--paths", "500",
                            "--format",   "csv",          "--output", c,   NULL};
    const char *json[] = {
        "--scenario", "builders6k",  "--fit",       fit,        "--paths", "300", "--format",
        "json",       "--quantiles", "2.5,50,97.5", "--output", j,         NULL};
    const char *several[] = {
        "--scenario", "reinforce30k,none,builders6k", "--fit", fit, "--paths", "300", NULL};
    const char *other[] = {"--scenario", "reinforce30k",  "--fit", fit,
                           "--anchor",   "us_gov:losses", NULL};
    const char *ascii[] = {"--scenario", "none", "--fit", fit, "--paths", "300", "--ascii", NULL};
    char *x, *y, *z, *dx, *dz;

    (void)state;
    expect(one, 0, NULL);
    expect(two, 0, NULL);
    x = fixture_read_file(a);
    y = fixture_read_file(b);
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y); /* threads never change a result */
    expect(loaded, 0, NULL);
    z = fixture_read_file(c);
    assert_non_null(z);
    assert_non_null(strstr(z, "# fit: "));
    dx = data_lines(x);
    dz = data_lines(z);
    assert_string_equal(dx, dz); /* the saved fit projects the same numbers */
    assert_non_null(strstr(dx, "strength_q05,strength_q25,strength_q50"));
    free(dx);
    free(dz);
    free(x);
    free(y);
    free(z);

    expect(json, 0, NULL);
    x = fixture_read_file(j);
    assert_non_null(x);
    assert_non_null(strstr(x, "\"q02_5\""));
    assert_non_null(strstr(x, "\"q97_5\""));
    assert_null(strstr(x, "\"q05\""));
    assert_non_null(strstr(x, "\"probability_by_date\""));
    assert_non_null(strstr(x, "\"p_at_start\""));
    assert_non_null(strstr(x, "\"q50_date\""));
    assert_non_null(strstr(x, "\"casualties\""));
    assert_non_null(strstr(x, "\"wounded_return\": false"));
    assert_null(strstr(x, "threads"));
    assert_null(strstr(x, "nan"));
    free(x);

    expect(several, 0, NULL);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "3 scenarios side by side"));
    assert_non_null(strstr(x, "P(half_lost) by the end"));
    free(x);
    expect(ascii, 0, NULL);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "# median"));
    assert_null(strstr(x, "\u2588"));
    free(x);
    expect(other, 65, "proj_fit.json: ");
}

/* A later file's rows are read with the ledger's: one may name a ledger
 * row in repeat_of, and an error in it names the later file and its own
 * line.  Its header is its own.  The CSV quotes ids. */
static void
test_later_file_rows(void **state)
{
    const char *later = ATT_BINARY_DIR "/tests/later_rows.csv";
    const char *hdr = "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,"
                      "value,low,high,quote,doc,repeat_of,note\n";
    const char *args[] = {"compare",  "--origin", "2025-02-13", "--later", later,
                          "--chains", "1",        "--warmup",   "100",     "--draws",
                          "100",      "--force",  "--format",   "csv",     NULL};
    FILE *f;
    char *x;
    int rc;

    (void)state;
    f = fopen(later, "w");
    assert_non_null(f);
    /* Its own header (optional columns in another order than the
     * ledger's) and CRLF line ends, as a spreadsheet saves them. */
    fprintf(f, "%s",
            "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,"
            "high,quote,doc,note,repeat_of\r\n"
            "again_1,2025-09-01,2024-12-21,2024-12-31,Someone,us_gov,casualties,approx,1000,,,"
            "q,d,,us_1000_20241231\r\n");
    fclose(f);
    rc = run(OUT, args);
    assert_true(rc == 0 || rc == 1); /* 1: a small fit's verdict, printed with --force */
    x = fixture_read_file(OUT);      /* ids as quoted CSV fields */
    assert_non_null(x);
    assert_non_null(strstr(x, ",\"us_1200_20250428\","));
    free(x);
    f = fopen(later, "w");
    assert_non_null(f);
    fprintf(
        f, "%s%s%s", hdr,
        "new_1,2025-09-01,2025-08-31,2025-08-31,Someone,media,casualties,approx,6000,,,q,d,,\n",
        "new_1,2025-09-02,2025-09-01,2025-09-01,Someone,media,casualties,approx,6100,,,q,d,,\n");
    fclose(f);
    expect(args, 65, "later_rows.csv:3");
}

/* What an origin changes in the scenario is said in the table, the CSV
 * and the JSON: reinforce30k at 2025-01-31, inside the lull. */
static void
test_compare_origin_changes(void **state)
{
    const char *fitfile = ATT_BINARY_DIR "/tests/changes_fit.json";
    const char *json[] = {"compare",  "--scenario", "reinforce30k", "--origin", "2025-01-31",
                          "--chains", "1",          "--warmup",     "100",      "--draws",
                          "100",      "--force",    "--format",     "json",     "--save-fit",
                          fitfile,    NULL};
    /* The earlier origins the ensemble learns from are fitted afresh, with
     * the settings given. */
    const char *csv[] = {"compare", "--scenario", "reinforce30k", "--origin", "2025-01-31",
                         "--fit",   fitfile,      "--chains",     "1",        "--warmup",
                         "100",     "--draws",    "100",          "--force",  "--format",
                         "csv",     NULL};
    const char *text[] = {"compare", "--scenario", "reinforce30k", "--origin", "2025-01-31",
                          "--fit",   fitfile,      "--chains",     "1",        "--warmup",
                          "100",     "--draws",    "100",          "--force",  NULL};
    char *x;
    int rc;

    (void)state;
    rc = run(OUT, json);
    assert_true(rc == 0 || rc == 1);
    x = fixture_read_file(OUT);
    assert_non_null(x);
    {
        json_error_t je;
        json_t *doc = json_loads(x, 0, &je), *ch, *co;
        assert_non_null(doc);
        ch = json_object_get(doc, "changes");
        assert_int_equal(json_array_size(json_object_get(ch, "phases_dropped")), 2);
        assert_string_equal(
            json_string_value(json_array_get(json_object_get(ch, "phases_dropped"), 1)), "low");
        assert_int_equal(json_array_size(json_object_get(ch, "arrivals_dropped")), 0);
        assert_string_equal(json_string_value(json_object_get(ch, "open_phase")), "lull");
        assert_string_equal(json_string_value(json_object_get(ch, "scheduled_end")), "2025-02-05");
        co = json_object_get(ch, "cohorts");
        assert_int_equal(json_array_size(co), 4); /* the contingent and three waves */
        assert_string_equal(json_string_value(json_object_get(json_array_get(co, 0), "hazard")),
                            "lull's hazard (the last phase left)");
        assert_string_equal(
            json_string_value(json_object_get(json_array_get(co, 3), "named_phase_dropped")),
            "active2");
        assert_string_equal(json_string_value(json_object_get(json_array_get(co, 3), "cohort")),
                            "w3");
        json_decref(doc);
    }
    free(x);
    rc = run(OUT, csv);
    assert_true(rc == 0 || rc == 1);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "# section: origin_changes\norigin,phases_dropped,arrivals_dropped,"
                              "departures_dropped,open_phase,scheduled_end,cohort,hazard,"
                              "named_phase_dropped\n2025-01-31,\"active2, low\",\"\",\"\",lull,"
                              "2025-02-05,contingent,\"lull's hazard (the last phase left)\","
                              "active2\n2025-01-31,\"active2, low\",\"\",\"\",lull,2025-02-05,"
                              "w1,\"the contingent's\",active2\n"));
    free(x);
    rc = run(OUT, text);
    assert_true(rc == 0 || rc == 1);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "phases dropped (they start after the origin): active2, low\n"
                              "lull, scheduled to end 2025-02-05, runs open-ended from the origin\n"
                              "after the origin the contingent carries lull's hazard (the last "
                              "phase left), in place of the scenario's active2's, which starts "
                              "after the origin\nwave w1 carries the contingent's, in place of "
                              "the scenario's active2's"));
    free(x);
}

/* fit --scenario a,b ranks variants of one ledger by PSIS-LOO: each
 * variant's elpd_loo is its own fit's, the best comes first with a
 * difference of 0, and the others' differences are theirs minus the
 * best's; variants of other ledgers are refused. */
static void
test_fit_rank_variants(void **state)
{
    const char *ini = ATT_BINARY_DIR "/tests/rank_variant.ini";
    const char *rank_json = ATT_BINARY_DIR "/tests/rank.json";
    const char *one_json = ATT_BINARY_DIR "/tests/rank_one.json";
    char scen[600];
    const char *rank[] = {"fit",  "--scenario", scen,      "--chains", "1",       "--warmup",
                          "100",  "--draws",    "200",     "--force",  "--quiet", "--format",
                          "json", "--output",   rank_json, NULL};
    const char *one[] = {"fit",  "--scenario", ini,      "--chains", "1",       "--warmup",
                         "100",  "--draws",    "200",    "--force",  "--quiet", "--format",
                         "json", "--output",   one_json, NULL};
    const char *other[] = {"fit",      "--scenario", "baseline,avdiivka", "--chains", "1",
                           "--warmup", "100",        "--draws",           "200",      "--force",
                           "--quiet",  NULL};
    const char *infl[] = {"fit", "--scenario", "baseline,avdiivka", "--influence", NULL};
    FILE *f = fopen(ini, "w");
    json_error_t je;
    json_t *a, *b, *v;
    double e0, e1, own;
    int rc;

    (void)state;
    assert_non_null(f);
    fprintf(f,
            "include = %s/params/baseline.ini\n[priors]\nsigma_median = 0.4\n"
            "sigma_log_sd = 0.3\n",
            ATT_SOURCE_DIR);
    assert_int_equal(fclose(f), 0);
    snprintf(scen, sizeof scen, "baseline,%s", ini);
    rc = run(OUT, rank);
    assert_true(rc == 0 || rc == 1);
    rc = run(OUT, one);
    assert_true(rc == 0 || rc == 1);
    a = json_load_file(rank_json, 0, &je);
    b = json_load_file(one_json, 0, &je);
    assert_non_null(a);
    assert_non_null(b);
    v = json_object_get(a, "variants");
    assert_int_equal(json_array_size(v), 2);
    assert_int_equal(json_integer_value(json_object_get(a, "reports")), 13);
    e0 = json_real_value(json_object_get(json_array_get(v, 0), "elpd_loo"));
    e1 = json_real_value(json_object_get(json_array_get(v, 1), "elpd_loo"));
    assert_true(e0 >= e1);
    assert_true(json_real_value(json_object_get(json_array_get(v, 0), "elpd_diff")) == 0.0);
    att_assert_close(json_real_value(json_object_get(json_array_get(v, 1), "elpd_diff")), e1 - e0,
                     1e-5, 1e-5);
    assert_true(json_real_value(json_object_get(json_array_get(v, 1), "se_diff")) > 0.0);
    /* The variant's own fit, same settings: the same elpd_loo. */
    own = json_real_value(json_object_get(json_object_get(b, "loo"), "elpd_loo"));
    {
        size_t i;
        bool found = false;
        for (i = 0; i < 2; i++)
            if (strcmp(json_string_value(json_object_get(json_array_get(v, i), "scenario")), ini) ==
                0) {
                att_assert_close(json_real_value(json_object_get(json_array_get(v, i), "elpd_loo")),
                                 own, 1e-12, 0.0);
                found = true;
            }
        assert_true(found);
    }
    json_decref(a);
    json_decref(b);
    expect(other, 65, "expected variants of one ledger, using the same reports");
    expect(infl, 64, "take one scenario");
}

/* The count of lines of text that contain needle. */
static size_t
count_lines_with(const char *text, const char *needle)
{
    size_t n = 0;
    const char *p = text;

    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p = strchr(p, '\n');
        if (p == NULL)
            break;
    }
    return n;
}

/* --hub writes hubverse tables: compare's model output holds every
 * forecaster that scored a report at the WIS's 23 levels, the same
 * quantiles as the JSON; the oracle output the later point figures; the
 * projection's model output each series at each date and level. */
static void
test_hub_tables(void **state)
{
    const char *prefix = ATT_BINARY_DIR "/tests/hub";
    const char *json = ATT_BINARY_DIR "/tests/hub_compare.json";
    const char *cmp[] = {"compare", "--origin", "2025-02-13", "--chains", "1",       "--warmup",
                         "100",     "--draws",  "200",        "--force",  "--quiet", "--format",
                         "json",    "--output", json,         "--hub",    prefix,    NULL};
    const char *proj[] = {"--scenario", "reinforce30k", "--chains", "1",       "--warmup",
                          "100",        "--draws",      "200",      "--paths", "400",
                          "--force",    "--quiet",      "--hub",    prefix,    NULL};
    char *mo, *oo, *js, row[256];
    size_t i, nscored = 0;
    json_error_t je;
    json_t *doc, *reps;
    int rc;

    (void)state;
    rc = run(OUT, cmp);
    assert_true(rc == 0 || rc == 1);
    mo = fixture_read_file(ATT_BINARY_DIR "/tests/hub-model-output.csv");
    oo = fixture_read_file(ATT_BINARY_DIR "/tests/hub-oracle-output.csv");
    js = fixture_read_file(json);
    assert_non_null(mo);
    assert_non_null(oo);
    assert_non_null(js);
    assert_true(strncmp(mo,
                        "model_id,origin_date,report_id,target,horizon,target_end_date,"
                        "output_type,output_type_id,value\n",
                        90) == 0);
    doc = json_loads(js, 0, &je);
    assert_non_null(doc);
    reps = json_object_get(doc, "reports");
    for (i = 0; i < json_array_size(reps); i++) {
        json_t *r = json_array_get(reps, i), *b = json_object_get(r, "baselines");
        const char *id = json_string_value(json_object_get(r, "id"));
        const char *names[3] = {"persistence", "rate_forward", "linear"};
        size_t k;
        nscored += 2; /* the model and the ensemble score every listed report */
        for (k = 0; k < 3; k++)
            nscored += json_object_get(json_object_get(b, names[k]), "q50") != NULL;
        /* The ensemble's median row carries the JSON's. */
        snprintf(row, sizeof row, "attrition-ensemble,2025-02-13,\"%s\",", id);
        assert_int_equal(count_lines_with(mo, row), 23);
        {
            const char *p = strstr(mo, row), *med;
            double q50 = json_real_value(json_object_get(json_object_get(r, "ensemble"), "q50"));
            med = strstr(p, ",quantile,0.5,");
            assert_non_null(med);
            att_assert_close(strtod(med + strlen(",quantile,0.5,"), NULL), q50, 1e-6, 0.0);
        }
        /* The model's median row carries the JSON's q50. */
        snprintf(row, sizeof row, "attrition-model,2025-02-13,\"%s\",", id);
        assert_int_equal(count_lines_with(mo, row), 23);
        {
            const char *p = strstr(mo, row), *med;
            double q50 = json_real_value(json_object_get(r, "q50"));
            med = strstr(p, ",quantile,0.5,");
            assert_non_null(med);
            att_assert_close(strtod(med + strlen(",quantile,0.5,"), NULL), q50, 1e-6, 0.0);
        }
    }
    assert_true(nscored > 0);
    assert_int_equal(count_lines_with(mo, ",quantile,"), 23 * nscored);
    /* The oracle: the later point figures, not the repeats or bounds. */
    assert_non_null(strstr(oo, "report_id,target,target_end_date,output_type,output_type_id,"
                               "oracle_value\n"));
    assert_non_null(strstr(oo, "\"us_1200_20250428\",\"casualties\",2025-04-28,quantile,,1200\n"));
    assert_null(strstr(oo, "ua_4000_20250428")); /* a repeat */
    json_decref(doc);
    free(mo);
    free(oo);
    free(js);
    /* The projection: 3 series x dates x 5 levels, origin the day before
     * the start. */
    rc = run(OUT, proj);
    assert_true(rc == 0 || rc == 1);
    mo = fixture_read_file(ATT_BINARY_DIR "/tests/hub-model-output.csv");
    assert_non_null(mo);
    assert_true(strncmp(mo,
                        "model_id,origin_date,target,horizon,target_end_date,output_type,"
                        "output_type_id,value\n",
                        80) == 0);
    assert_non_null(strstr(mo, "attrition-reinforce30k,2025-06-30,\"strength\",1,2025-07-01,"
                               "quantile,0.05,"));
    assert_int_equal(count_lines_with(mo, ",quantile,") % 15, 0);
    assert_int_equal(count_lines_with(mo, "\"killed\","), count_lines_with(mo, "\"strength\","));
    free(mo);
}

/* compare and backtest from the command line: the JSON keys of the
 * contract, a later file's report scored, usage errors. */
static void
test_compare_command(void **state)
{
    const char *later = ATT_BINARY_DIR "/tests/later.csv", *j = ATT_BINARY_DIR "/tests/cmp.json";
    const char *fitfile = ATT_BINARY_DIR "/tests/cmp_fit.json";
    const char *cmp[] = {"compare",  "--origin",   "2025-02-13", "--later", later,
                         "--chains", "2",          "--warmup",   "150",     "--draws",
                         "150",      "--force",    "--format",   "json",    "--output",
                         j,          "--save-fit", fitfile,      NULL};
    const char *svg = ATT_BINARY_DIR "/tests/backtest.svg";
    const char *bt[] = {"backtest", "--chains", "1",    "--warmup", "100", "--draws", "100",
                        "--force",  "--format", "json", "--plot",   svg,   NULL};
    const char *load[] = {"compare", "--origin", "2025-02-13", "--later",  later, "--fit",
                          fitfile,   "--chains", "2",          "--warmup", "150", "--draws",
                          "150",     "--force",  "--format",   "json",     NULL};
    const char *btsave[] = {"backtest", "--save-fit", fitfile, NULL};
    const char *noorigin[] = {"compare", NULL};
    const char *badorigin[] = {"compare", "--origin", "2025-02-30", NULL};
    char *x, *y;
    FILE *f;
    int rc, saved_rc;

    (void)state;
    f = fopen(later, "w");
    assert_non_null(f);
    fputs("id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,"
          "high,quote,doc,repeat_of,note\n"
          "later_1,2025-09-01,2025-08-31,2025-08-31,Someone,media,casualties,approx,6000,,,"
          "q,d,,\n",
          f);
    fclose(f);
    remove(fitfile);          /* saved below, not left from an earlier run */
    saved_rc = run(OUT, cmp); /* 1: a small fit's verdict, printed with --force */
    assert_true(saved_rc == 0 || saved_rc == 1);
    x = fixture_read_file(j);
    assert_non_null(x);
    assert_non_null(strstr(x, "\"origin\": \"2025-02-13\""));
    assert_non_null(strstr(x, "\"id\": \"later_1\""));
    assert_non_null(strstr(x, "\"horizon_days\": 199"));
    assert_non_null(strstr(x, "\"pit\""));
    assert_non_null(strstr(x, "\"in90\""));
    assert_non_null(strstr(x, "\"log_score\""));
    assert_non_null(strstr(x, "\"revision\""));
    assert_non_null(strstr(x, "\"relative_wis\""));
    assert_non_null(strstr(x, "\"mean_log_score_censored\""));
    assert_non_null(strstr(x, "\"not_scorable\""));
    assert_non_null(strstr(x, "\"ensemble\": {"));
    assert_non_null(strstr(x, "\"ensemble_weights\""));
    assert_non_null(strstr(x, "\"fitted\": true")); /* 9 reports by 2025-02-13 */
    assert_null(strstr(x, "nan"));
    free(x);
    rc = run(OUT, bt);
    assert_true(rc == 0 || rc == 1);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "\"origins\""));
    assert_non_null(strstr(x, "\"summary_by_horizon\""));
    assert_non_null(strstr(x, "\"91-365\""));
    assert_non_null(strstr(x, "\"skill\""));
    assert_non_null(strstr(x, "\"resamples\": 2000"));
    assert_non_null(strstr(x, "\"relative_wis\": {"));
    assert_null(strstr(x, "nan"));
    free(x);
    x = fixture_read_file(svg);
    assert_non_null(x);
    assert_non_null(strstr(x, "<svg"));
    free(x);
    /* The fit at the origin, saved by the first run and loaded back,
     * scores the same. */
    x = fixture_read_file(j);
    assert_int_equal(run(OUT, load), saved_rc);
    y = fixture_read_file(OUT);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(strstr(x, "\"reports\""));
    assert_string_equal(strstr(x, "\"reports\""), strstr(y, "\"reports\""));
    /* and it was loaded, not fitted again: a loaded fit has no warm-up */
    assert_non_null(strstr(x, "\"warmup\": 150,"));
    assert_non_null(strstr(y, "\"warmup\": 0,"));
    free(x);
    free(y);
    expect(btsave, 64, "--save-fit does not apply to 'backtest'");
    expect(noorigin, 64, "expected --origin DATE");
    expect(badorigin, 64, "--origin: expected a date");
}

static void
test_export_data(void **state)
{
    const char *args[] = {"export-data", "--origin", "2025-01-10", NULL};
    const char *bad[] = {"export-data", "--origin", "2025-13-10", NULL};
    char *x;

    (void)state;
    expect(args, 0, NULL);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "\"cutoff\":\"2025-01-10\""));
    assert_null(strstr(x, "h_lull")); /* the lull starts later */
    free(x);
    expect(bad, 64, "--origin: expected a date");
}

/* The value of field (q50, mcse_q50, ...) of parameter name in a fit's
 * JSON, or NaN. */
static double
fit_value(const char *json, const char *name, const char *field)
{
    char key[64], fkey[32];
    const char *at;

    snprintf(key, sizeof key, "\"name\": \"%s\"", name);
    snprintf(fkey, sizeof fkey, "\"%s\": ", field);
    at = strstr(json, key);
    at = at != NULL ? strstr(at, fkey) : NULL;
    return at != NULL ? strtod(at + strlen(fkey), NULL) : (double)NAN;
}

static double
fit_q50(const char *json, const char *name)
{
    return fit_value(json, name, "q50");
}

/* A copy of the shipped ledger without the row whose id is skip (or with
 * only that row and the header, when only is true), at path. */
static void
ledger_edit(const char *path, const char *skip, bool only)
{
    char *text = fixture_read_file(ATT_SOURCE_DIR "/data/reports.csv"), *line, *next;
    FILE *f = fopen(path, "w");
    size_t n = strlen(skip);
    int first = 1;

    assert_non_null(text);
    assert_non_null(f);
    for (line = text; *line != '\0'; line = next, first = 0) {
        bool match = strncmp(line, skip, n) == 0 && line[n] == ',';
        next = strchr(line, '\n');
        next = next != NULL ? next + 1 : line + strlen(line);
        if (first || match == only)
            fwrite(line, 1, (size_t)(next - line), f);
    }
    assert_int_equal(fclose(f), 0);
    free(text);
}

/* A fit whose posterior's scales run far below 1 (fail_ridge: sigma near
 * 0.02) starts its warm-up from the mode's curvature, and says so in its
 * header and JSON (docs/model.md, section 5.7); the shipped baseline's
 * does not (its JSON: the golden fit_small.json, laplace_chains 0). */
static void
test_fit_first_metric(void **state)
{
    const char *json = ATT_BINARY_DIR "/tests/first_metric.json";
    const char *text[] = {"fit",      "--scenario", "tests/fixtures/fail_ridge.ini",
                          "--chains", "1",          "--warmup",
                          "60",       "--draws",    "40",
                          "--force",  NULL};
    const char *js[] = {"fit",      "--scenario", "tests/fixtures/fail_ridge.ini",
                        "--chains", "1",          "--warmup",
                        "60",       "--draws",    "40",
                        "--force",  "--format",   "json",
                        "--output", json,         NULL};
    char *x;
    int rc;

    (void)state;
    rc = run(OUT, text);
    assert_true(rc == 0 || rc == 1); /* a short fit's verdict, printed with --force */
    x = fixture_read_file(OUT);
    assert_non_null(x);
    assert_non_null(strstr(x, "metric      diagonal; warm-up from the mode's curvature in 1 of 1 "
                              "chains (docs/model.md, section 5.7)\n"));
    free(x);
    rc = run(OUT, js);
    assert_true(rc == 0 || rc == 1);
    x = fixture_read_file(json);
    assert_non_null(x);
    assert_non_null(strstr(x, "\"laplace_chains\": 1,"));
    free(x);
}

/* fit --influence: a row refitted (its Pareto k above 0.5) is the change
 * of a hazard's median when its report is left out, which must be what a
 * fit of the ledger without that report gives (same seed and settings),
 * within 4 combined Monte Carlo standard errors: the refit starts warm
 * from the full fit (docs/model.md, section 5.8), the other fit cold;
 * with a single report there is nothing to refit, and its row says so.
 * (The rows from PSIS weights are checked against refits in the slow
 * test_cases.) */
static void
test_fit_influence(void **state)
{
    const char *without = ATT_BINARY_DIR "/tests/influence_without.csv";
    const char *single = ATT_BINARY_DIR "/tests/influence_single.csv";
    const char *full_json = ATT_BINARY_DIR "/tests/influence_full.json";
    const char *skip_json = ATT_BINARY_DIR "/tests/influence_skip.json";
    const char *iout = ATT_BINARY_DIR "/tests/influence_stdout.txt";
    const char *ierr = ATT_BINARY_DIR "/tests/influence_stderr.txt";
    const char *skip = "isw_rate_92_20250131"; /* its k above 0.5 here: refitted */
    const char *infl[] = {"fit", "--chains", "4", "--warmup", "250",         "--draws",
                          "250", "--seed",   "3", "--force",  "--influence", NULL};
    const char *full[] = {"fit",      "--chains", "4",        "--warmup", "250",
                          "--draws",  "250",      "--seed",   "3",        "--force",
                          "--format", "json",     "--output", full_json,  NULL};
    const char *part[] = {"fit",      "--chains", "4",        "--warmup", "250",      "--draws",
                          "250",      "--seed",   "3",        "--force",  "--format", "json",
                          "--ledger", without,    "--output", skip_json,  NULL};
    const char *one[] = {"fit",    "--chains", "2",       "--warmup", "80",   "--draws",     "40",
                         "--seed", "3",        "--force", "--ledger", single, "--influence", NULL};
    char *text, *a, *b, *row;
    double printed, want, mcse;

    (void)state;
    ledger_edit(without, skip, false);
    ledger_edit(single, skip, true);
    cli_expect(iout, ierr, infl, 0, NULL);
    text = fixture_read_file(iout);
    assert_non_null(text);
    row = strstr(text, "influence: change in each hazard's median");
    assert_non_null(row);
    row = strstr(row, "\nisw_rate_92_20250131 "); /* the influence table's row */
    assert_non_null(row);
    assert_non_null(strstr(row, "  refit\n"));
    assert_true(strstr(row, "  refit\n") < strchr(row + 1, '\n') + 1);
    printed = strtod(row + 1 + strlen(skip), NULL); /* h_active1, per 1,000 per day */
    cli_expect(iout, ierr, full, 0, NULL);
    cli_expect(iout, ierr, part, 0, NULL);
    a = fixture_read_file(full_json);
    b = fixture_read_file(skip_json);
    assert_non_null(a);
    assert_non_null(b);
    want = 1000.0 * (fit_q50(b, "h_active1") - fit_q50(a, "h_active1"));
    mcse = 1000.0 * sqrt(2.0) * fit_value(b, "h_active1", "mcse_q50");
    printf("influence: printed %.3f, the cold fit's %.3f, MCSE %.3f\n", printed, want, mcse);
    assert_true(isfinite(want) && isfinite(mcse));
    assert_true(fabs(want) > 5.0 * mcse); /* the report matters: the check can fail */
    att_assert_close(printed, want, 0.0, 4.0 * mcse + 0.0006); /* printed to 3 decimals */
    free(text);
    free(a);
    free(b);
    /* One report: the fit runs, its influence row is "n/a", not an error. */
    cli_expect(iout, ierr, one, 1, NULL);
    text = fixture_read_file(iout);
    assert_non_null(text);
    row = strstr(text, "influence: change in each hazard's median");
    assert_non_null(row);
    row = strstr(row, "\nisw_rate_92_20250131 ");
    assert_non_null(row);
    assert_non_null(strstr(row, "n/a"));
    assert_null(strstr(text, "nan"));
    free(text);
}

/* The column of `want` in the first line of text that contains it (and,
 * when after is not NULL, starts after it); fails the test if there is
 * none, so that two columns never compare equal by both being missing. */
static long
column_of(const char *text, const char *after, const char *want)
{
    const char *p = after != NULL ? strstr(text, after) : text, *line;

    if (p == NULL || (p = strstr(p, want)) == NULL)
        fail_msg("no \"%s\" after \"%s\" in the output", want, after ? after : "");
    for (line = p; line > text && line[-1] != '\n'; line--)
        ;
    return (long)(p - line);
}

/* Names longer than the tables' defaults widen their columns, and scenario
 * files side by side are headed by their names, not their paths. */
static void
test_long_names(void **state)
{
    const char *ini = ATT_BINARY_DIR "/tests/long_names.ini";
    const char *csv = ATT_BINARY_DIR "/tests/long_names.csv";
    const char *check[] = {"check", "--scenario", ini, NULL};
    /* Tiny fits: only the tables' layout is checked. */
    const char *fit[] = {"fit", "--scenario", ini,  "--chains", "1",       "--warmup",
                         "20",  "--draws",    "20", "--force",  "--quiet", NULL};
    const char *side[] = {"project",  "--scenario", "params/builders6k.ini,none",
                          "--chains", "1",          "--warmup",
                          "20",       "--draws",    "20",
                          "--paths",  "20",         "--force",
                          "--quiet",  NULL};
    FILE *fh = fopen(ini, "w");
    char *text;

    (void)state;
    assert_non_null(fh);
    fputs("[model]\nledger = long_names.csv\n"
          "[phase quiet_before_combat]\nstart = 2024-10-01\nend = 2024-12-06\nhazard = 0\n"
          "[phase first_active_phase_long]\nstart = 2024-12-06\nhazard_median = 0.006\n"
          "hazard_log_sd = 1\n"
          "[arrival the_first_contingent]\ndate = 2024-10-16\ncount_low = 9000\n"
          "count_high = 13000\n"
          "[class ua_gov]\ntau_losses = 0.7\ntau_force = 0.3\n"
          "[class us_gov]\ntau_losses = 0.5\ntau_force = 0.3\n"
          "[class a_class_with_a_long_name]\ntau_losses = 0.5\ntau_force = 0.3\n",
          fh);
    assert_int_equal(fclose(fh), 0);
    fh = fopen(csv, "w");
    assert_non_null(fh);
    fputs(ALL_HDR "c1,2024-12-31,2024-12-21,2024-12-31,W,us_gov,casualties,approx,1000,,,q,d,\n"
                  "c2,2024-12-31,2024-12-21,2024-12-31,Z,ua_gov,casualties,approx,3000,,,q,d,\n"
                  "a_report_with_an_id_longer_than_thirty,2025-01-10,2025-01-10,2025-01-10,Z,"
                  "a_class_with_a_long_name,killed,at_least,600,,,q,d,\n"
                  "d1,2025-01-05,2025-01-05,2025-01-05,U,us_gov,deployed,range,,10000,12000,q,d,\n",
          fh);
    assert_int_equal(fclose(fh), 0);

    assert_int_equal(run(OUT, check), 0);
    text = fixture_read_file(OUT);
    assert_non_null(text);
    /* The start column lines up under its head, past the longest name. */
    assert_int_equal(column_of(text, "\nphases ", "start"),
                     column_of(text, "first_active_phase_long", "2024-12-06"));
    assert_int_equal(column_of(text, "\nclasses ", "tau loss"),
                     column_of(text, "           a_class_with_a_long_name", "0.5"));
    free(text);

    assert_int_equal(run(OUT, fit), 1); /* few draws: the verdict fails, --force prints */
    text = fixture_read_file(OUT);
    assert_non_null(text);
    /* Name columns as wide as the longest name, and one space. */
    assert_int_equal(column_of(text, "\nphase ", "casualties per 1,000"),
                     (long)strlen("first_active_phase_long") + 1);
    assert_int_equal(column_of(text, "\nreport ", "kind"),
                     column_of(text, "\na_report_with_an_id_longer_than_thirty ", "killed"));
    assert_int_equal(column_of(text, "\nparameter ", "q05"),
                     (long)strlen("b_a_class_with_a_long_name_losses") + 1 + 10 - 3);
    free(text);

    assert_int_equal(run(OUT, side), 1);
    text = fixture_read_file(OUT);
    assert_non_null(text);
    assert_non_null(strstr(text, "  builders6k"));
    assert_null(strstr(text, " params/builders6k.ini   ")); /* the head, not the list above */
    free(text);
}

/* A force by groups (bench/synthetic/force30.ini): check lists the groups,
 * departures and returns; the fit's tables, CSV and JSON give each
 * group's multiplier, strength and losses (fixed values exactly), and the
 * reports' groups. */
static void
test_groups_in_tables(void **state)
{
    const char *ini = ATT_SOURCE_DIR "/bench/synthetic/force30.ini";
    const char *check[] = {"check", "--scenario", ini, NULL};
    const char *saved = ATT_BINARY_DIR "/tests/groups_fit.json";
    const char *fit[] = {"fit",      "--scenario", ini,       "--chains", "1",
                         "--warmup", "30",         "--draws", "30",       "--force",
                         "--quiet",  "--save-fit", saved,     NULL};
    const char *csv[] = {"fit",      "--scenario", ini,       "--chains", "1",
                         "--warmup", "30",         "--draws", "30",       "--force",
                         "--quiet",  "--format",   "csv",     NULL};
    const char *json[] = {"fit",      "--scenario", ini,       "--chains", "1",
                          "--warmup", "30",         "--draws", "30",       "--force",
                          "--quiet",  "--format",   "json",    NULL};
    char *text;

    (void)state;
    assert_int_equal(run(OUT, check), 0);
    text = fixture_read_file(OUT);
    assert_non_null(strstr(text, "3 groups, 7 departures"));
    assert_non_null(strstr(text, "inf          1 (the reference group)"));
    assert_non_null(strstr(text, "eng          0.3; engineers"));
    assert_non_null(strstr(text, "a share ~ Beta(2, 18) of the group; group inf"));
    assert_non_null(strstr(text, "a share ~ Beta(3, 7) of the non-fatal casualties returns 20"));
    free(text);

    remove(saved);                      /* saved below, not left from an earlier run */
    assert_int_equal(run(OUT, fit), 1); /* few draws: the verdict fails, --force prints */
    text = fixture_read_file(OUT);
    assert_non_null(strstr(text, "groups at 24:00 of 2025-06-10"));
    /* The reference group's multiplier is 1 and eng's fixed 0.3; eng's
     * one arrival is a fixed 700: exact in every draw. */
    assert_non_null(strstr(text, "\ninf          1 (1-1) "));
    assert_non_null(strstr(text, "\neng          0.3 (0.3-0.3) "));
    assert_non_null(strstr(text, "700 (700-700)"));
    assert_non_null(strstr(text, ">=59 [art+eng]"));
    /* The reported column is as wide as its longest figure (a12's), and
     * one space. */
    assert_int_equal(column_of(text, "\nreport ", "model q50"),
                     column_of(text, "\na12 ", "[art+inf]") + (long)strlen("[art+inf] "));
    free(text);

    assert_int_equal(run(OUT, csv), 1);
    text = fixture_read_file(OUT);
    assert_non_null(strstr(text, "# section: groups (at 24:00 of 2025-06-10)\n"
                                 "group,quantity,q05,q50,q95\ninf,hazard_multiplier,1,1,1\n"));
    assert_non_null(strstr(text, "\neng,deployed,700,700,700\n"));
    free(text);

    assert_int_equal(run(OUT, json), 1);
    text = fixture_read_file(OUT);
    assert_non_null(strstr(text, "\"groups_asof\": \"2025-06-10\""));
    assert_non_null(strstr(text, "\"group\": \"eng\""));
    free(text);

    /* The projection (of the fit above, saved): each group's bands in the
     * table, CSV and JSON; the returns said in the header. */
    {
        const char *proj[] = {"project", "--scenario", ini,       "--fit", saved, "--paths",
                              "200",     "--force",    "--quiet", NULL,    NULL,  NULL};
        assert_int_equal(run(OUT, proj), 1);
        text = fixture_read_file(OUT);
        assert_non_null(strstr(text, "loaded from " ATT_BINARY_DIR "/tests/groups_fit.json"));
        assert_non_null(strstr(text, "\ngroup inf\ndate "));
        assert_non_null(strstr(text, "\ngroup eng\ndate "));
        assert_non_null(strstr(text, "wave art1 (art):"));
        assert_non_null(strstr(text, "a\n            share of the wounded returns to duty") ||
                        strstr(text, "a share of the wounded returns to duty"));
        assert_non_null(strstr(text, "the infantry's strength below 5,000 [inf_half]"));
        /* The chart marks the figures about some groups in lower case (the
         * line is there only when one was drawn). */
        assert_non_null(strstr(text, "\n           d, s: the same about some groups only\n"));
        free(text);
        proj[9] = "--format";
        proj[10] = "csv";
        assert_int_equal(run(OUT, proj), 1);
        text = fixture_read_file(OUT);
        assert_non_null(strstr(text, "\n# section: groups\ngroup,date,strength_q05,"));
        assert_non_null(strstr(text, "\nart,2025-06-11,"));
        free(text);
        proj[10] = "json";
        assert_int_equal(run(OUT, proj), 1);
        text = fixture_read_file(OUT);
        assert_non_null(strstr(text, "\"wounded_return\": true"));
        assert_non_null(strstr(text, "\"groups\": {"));
        assert_non_null(strstr(text, "\"art\": {"));
        free(text);
    }
}

/* `fit --origin DATE` is the fit `compare --origin DATE` makes: the same
 * saved draws, byte for byte; its header names the origin; an origin
 * before the first phase with a hazard is refused as compare skips it. */
static void
test_fit_at_origin(void **state)
{
    const char *a = ATT_BINARY_DIR "/tests/origin_cmp_fit.json";
    const char *b = ATT_BINARY_DIR "/tests/origin_fit_fit.json";
    const char *cmp[] = {"compare", "--origin", "2025-02-28", "--chains",   "2", "--warmup", "200",
                         "--draws", "200",      "--quiet",    "--save-fit", a,   NULL};
    const char *fit[] = {"fit",     "--origin", "2025-02-28", "--chains",   "2", "--warmup", "200",
                         "--draws", "200",      "--quiet",    "--save-fit", b,   NULL};
    const char *early[] = {"fit", "--origin", "2024-11-01", NULL};
    char *x, *y, *out;

    (void)state;
    remove(a);
    remove(b);
    assert_int_equal(run(OUT, cmp), 0);
    assert_int_equal(run(OUT, fit), 0);
    out = fixture_read_file(OUT);
    assert_non_null(strstr(out, "\norigin      2025-02-28: only what was stated by then"));
    free(out);
    x = fixture_read_file(a);
    y = fixture_read_file(b);
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y);
    free(x);
    free(y);
    expect(early, 64, "expected a date on or after the first phase with a hazard (2024-12-06)");
}

/* The statistical check (test_fit_influence, several fits) runs with
 * --slow (ctest's test_cli_commands_slow, label slow), the rest without;
 * the two use different files, so they can run at once. */
int
main(int argc, char **argv)
{
    const struct CMUnitTest slow[] = {
        cmocka_unit_test(test_fit_influence),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_command),       cmocka_unit_test(test_golden_verdict),
        cmocka_unit_test(test_project_command),   cmocka_unit_test(test_failed_fit_not_saved),
        cmocka_unit_test(test_compare_command),   cmocka_unit_test(test_compare_origin_changes),
        cmocka_unit_test(test_later_file_rows),   cmocka_unit_test(test_export_data),
        cmocka_unit_test(test_fit_first_metric),  cmocka_unit_test(test_long_names),
        cmocka_unit_test(test_groups_in_tables),  cmocka_unit_test(test_fit_at_origin),
        cmocka_unit_test(test_fit_rank_variants), cmocka_unit_test(test_hub_tables),
    };

    gsl_set_error_handler_off();
    if (argc > 1 && strcmp(argv[1], "--slow") == 0)
        return cmocka_run_group_tests_name("cli_commands_slow", slow, NULL, NULL);
    return cmocka_run_group_tests_name("cli_commands", tests, NULL, NULL);
}
