/* fuzz_savefit.c -- libFuzzer harness for the saved-fit loader: the file is
 * parsed and validated against the shipped baseline's posterior, and only
 * then its digest is checked (the real digest, so that valid-looking fits
 * reach every check). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_export.h>
#include <attrition/att_savefit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static att_params *fuzz_p;
static att_ledger *fuzz_l;
static att_posterior *fuzz_post;
static char fuzz_digest[ATT_DIGEST_HEX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    att_error err;
    const char *cls[16];
    char *json = NULL;
    size_t i;

    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
    if (att_params_load(ATT_SOURCE_DIR "/params/baseline.ini", &fuzz_p, &err) != ATT_OK)
        abort();
    for (i = 0; i < fuzz_p->nclass && i < 16; i++)
        cls[i] = fuzz_p->classes[i].name;
    if (att_ledger_load(fuzz_p->ledger, cls, fuzz_p->nclass, &fuzz_l, &err) != ATT_OK)
        abort();
    fuzz_post = att_posterior_alloc(fuzz_p, fuzz_l, INT32_MAX, &err);
    if (fuzz_post == NULL ||
        att_export_inputs(fuzz_p, fuzz_l, fuzz_post, INT32_MAX, &json, fuzz_digest, &err) != ATT_OK)
        abort();
    att_export_free(json);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    att_fit_result fit;
    unsigned long seed = 0;
    att_error err;

    if (att_savefit_parse("fuzz.json", (const char *)data, size, fuzz_post, fuzz_digest, &fit,
                          &seed, &err) != ATT_OK) {
        if (fit.theta != NULL || err.code == ATT_OK || err.msg[0] == '\0')
            abort();
        return 0;
    }
    if (fit.dim != att_posterior_dim(fuzz_post) || fit.chains == 0 || fit.value == NULL)
        abort();
    att_fit_result_free(&fit);
    return 0;
}
