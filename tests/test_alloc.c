/* test_alloc.c -- every allocation the library makes can fail.
 *
 * The allocation funnel (model/mem.c) is wrapped at link time
 * (-Wl,--wrap): the n-th allocation fails, for every n reached by loading
 * the scenario and the ledger (libcsv's buffers included), building the
 * posterior, a tiny fit (1 chain, 20 iterations), its summaries, the
 * canonical export and a saved fit.  Each step must return ATT_ENOMEM (or
 * succeed, when n is past its last allocation), and nothing it took may
 * stay allocated: the wrapper counts live blocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_export.h>
#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>
#include <attrition/att_project.h>
#include <attrition/att_savefit.h>
#include <attrition/att_summary.h>

#include "att_test.h"

void *__real_att_mem_alloc(size_t size);
void *__real_att_mem_calloc(size_t count, size_t size);
void *__real_att_mem_realloc(void *ptr, size_t size);
void __real_att_mem_free(void *ptr);
char *__real_att_mem_strdup(const char *s);
void *__wrap_att_mem_alloc(size_t size);
void *__wrap_att_mem_calloc(size_t count, size_t size);
void *__wrap_att_mem_realloc(void *ptr, size_t size);
void __wrap_att_mem_free(void *ptr);
char *__wrap_att_mem_strdup(const char *s);

/* The test is single-threaded (threads = 1 in the fit). */
static long fail_at = -1; /* the allocation to fail, counting from 1; -1: none */
static long count_allocs;
static long live; /* blocks allocated and not yet freed */

static bool
alloc_should_fail(void)
{
    return ++count_allocs == fail_at;
}

void *
__wrap_att_mem_alloc(size_t size)
{
    void *p;
    if (alloc_should_fail())
        return NULL;
    p = __real_att_mem_alloc(size);
    live += p != NULL;
    return p;
}

void *
__wrap_att_mem_calloc(size_t count, size_t size)
{
    void *p;
    if (alloc_should_fail())
        return NULL;
    p = __real_att_mem_calloc(count, size);
    live += p != NULL;
    return p;
}

void *
__wrap_att_mem_realloc(void *ptr, size_t size)
{
    void *p;
    if (alloc_should_fail())
        return NULL;
    p = __real_att_mem_realloc(ptr, size);
    live += p != NULL && ptr == NULL;
    return p;
}

void
__wrap_att_mem_free(void *ptr)
{
    live -= ptr != NULL;
    __real_att_mem_free(ptr);
}

char *
__wrap_att_mem_strdup(const char *s)
{
    char *p;
    if (alloc_should_fail())
        return NULL;
    p = __real_att_mem_strdup(s);
    live += p != NULL;
    return p;
}

/* One pass over every step; returns the first failing status (ATT_OK if
 * none failed). */
static att_status
run_all(void)
{
    att_params *p = NULL;
    att_ledger *l = NULL;
    att_posterior *post = NULL;
    att_fit_result fit;
    att_summary *sum = NULL;
    att_fit_params fp = att_fit_default_params();
    att_project_params pp = att_project_default_params();
    att_projection proj, twin;
    double diff;
    att_error err;
    const char *cls[16];
    char *json = NULL, digest[ATT_DIGEST_HEX];
    att_status st;
    size_t i;
    FILE *devnull;

    memset(&fit, 0, sizeof fit);
    memset(&proj, 0, sizeof proj);
    memset(&twin, 0, sizeof twin);
    st = att_params_load(ATT_SOURCE_DIR "/params/reinforce30k.ini", &p, &err);
    if (st != ATT_OK)
        goto done;
    for (i = 0; i < p->nclass && i < 16; i++)
        cls[i] = p->classes[i].name;
    st = att_ledger_load(p->ledger, cls, p->nclass, &l, &err);
    if (st != ATT_OK)
        goto done;
    post = att_posterior_alloc(p, l, INT32_MAX, &err);
    if (post == NULL) {
        st = err.code;
        goto done;
    }
    fp.chains = 1;
    fp.warmup = 10;
    fp.draws = 10;
    fp.max_depth = 2; /* trees of at most 3 steps: allocations, not gradients, are tested */
    fp.threads = 1;
    st = att_fit_run(post, &fp, &fit, &err);
    if (st != ATT_OK)
        goto done;
    st = att_summary_compute(p, l, post, &fit, &sum, &err);
    if (st != ATT_OK)
        goto done;
    st = att_export_inputs(p, l, post, INT32_MAX, &json, digest, &err);
    if (st != ATT_OK)
        goto done;
    devnull = fopen("/dev/null", "w");
    st = att_savefit_write(devnull, post, &fit, digest, 1, &err);
    fclose(devnull);
    if (st != ATT_OK)
        goto done;
    /* A small projection and its twin without waves. */
    pp.paths = 20;
    pp.threads = 1;
    st = att_project_run(p, post, &fit, &pp, &proj, &err);
    if (st != ATT_OK)
        goto done;
    pp.without_waves = true;
    st = att_project_run(p, post, &fit, &pp, &twin, &err);
    if (st != ATT_OK)
        goto done;
    st = att_projection_paired(&proj, &twin, ATT_SERIES_STRENGTH, 50.0, &diff, &err);
done:
    att_projection_free(&proj);
    att_projection_free(&twin);
    att_export_free(json);
    att_summary_free(sum);
    att_fit_result_free(&fit);
    att_posterior_free(post);
    att_ledger_free(l);
    att_params_free(p);
    return st;
}

static void
test_every_allocation_can_fail(void **state)
{
    long total, n, absorbed = 0;

    (void)state;
    fail_at = -1;
    count_allocs = live = 0;
    assert_int_equal(run_all(), ATT_OK);
    total = count_allocs;
    assert_int_equal(live, 0);
    assert_true(total > 100);
    for (n = 1; n <= total; n++) {
        att_status st;
        fail_at = n;
        count_allocs = live = 0;
        st = run_all();
        absorbed += st == ATT_OK;
        if (st != ATT_ENOMEM && st != ATT_OK)
            fail_msg("allocation %ld of %ld failed: status %d, expected ATT_ENOMEM (%d)", n, total,
                     (int)st, (int)ATT_ENOMEM);
        if (live != 0)
            fail_msg("allocation %ld of %ld failed: %ld blocks left allocated", n, total, live);
    }
    print_message("%ld allocations, each failed once: ATT_ENOMEM (%ld absorbed by libcsv's "
                  "retry) and nothing left allocated\n",
                  total, absorbed);
    assert_true(absorbed < total / 10);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_can_fail),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("alloc", tests, NULL, NULL);
}
