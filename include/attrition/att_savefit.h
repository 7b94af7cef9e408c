/* att_savefit.h -- saved fits.
 *
 * A saved fit (`--save-fit FILE`) holds the digest of its inputs
 * (att_export_inputs), the seed, the sampler settings, the parameter names
 * and every draw (unconstrained coordinates, %.17g), chain by chain.
 * Loading parses and validates the whole file first, then checks the
 * digest against the inputs in use.
 */
#ifndef ATTRITION_ATT_SAVEFIT_H
#define ATTRITION_ATT_SAVEFIT_H

#include <stddef.h>
#include <stdio.h>

#include <attrition/att_digest.h>
#include <attrition/att_fit.h>
#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATT_SAVEFIT_FORMAT "attrition-fit"

/* Writes fit (made from inputs with this digest and seed) as a saved fit. */
ATT_NODISCARD att_status att_savefit_write(FILE *f,
                                           const att_posterior *post,
                                           const att_fit_result *fit,
                                           const char digest[ATT_DIGEST_HEX],
                                           unsigned long seed,
                                           att_error *err);

/* Reads a saved fit from text (name is used in messages), checks that its
 * parameters are post's and its digest is `digest`, and fills *out with the
 * draws, their model-unit values and diagnostics (att_fit_result_free it).
 * *out_seed gets the fit's seed.  ATT_EPARSE for a malformed file, ATT_EDATA
 * for a fit of other inputs. */
ATT_NODISCARD att_status att_savefit_parse(const char *name,
                                           const char *text,
                                           size_t len,
                                           const att_posterior *post,
                                           const char digest[ATT_DIGEST_HEX],
                                           att_fit_result *out,
                                           unsigned long *out_seed,
                                           att_error *err);

/* The same from a file. */
ATT_NODISCARD att_status att_savefit_load(const char *path,
                                          const att_posterior *post,
                                          const char digest[ATT_DIGEST_HEX],
                                          att_fit_result *out,
                                          unsigned long *out_seed,
                                          att_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_SAVEFIT_H */
