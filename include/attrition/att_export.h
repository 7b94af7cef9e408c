/* att_export.h -- the resolved fit inputs as canonical JSON, and saved fits.
 *
 * The canonical JSON (`attrition export-data`) holds exactly what the
 * likelihood and the priors use: the reports after repeats and revisions,
 * each with the times of its window's days; the phases, arrivals, classes,
 * priors, anchor, cut-off and the parameter names in order.  Keys are in a
 * fixed order and numbers are printed with 17 significant digits, so the
 * same inputs give the same bytes and the same SHA-256 (the fit digest).
 *
 * A saved fit (`--save-fit FILE`) holds that digest, the seed, the sampler
 * settings, the parameter names and every draw (unconstrained coordinates,
 * %.17g), chain by chain.  Loading parses and validates the whole file
 * first, then checks the digest against the inputs in use.
 */
#ifndef ATTRITION_ATT_EXPORT_H
#define ATTRITION_ATT_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <attrition/att_digest.h>
#include <attrition/att_fit.h>
#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATT_EXPORT_FORMAT  "attrition-fit-inputs"
#define ATT_SAVEFIT_FORMAT "attrition-fit"
#define ATT_EXPORT_VERSION 1

/* The canonical JSON of post's inputs (cutoff as given to the posterior,
 * INT32_MAX for none) into a NUL-terminated string (att_export_free it),
 * and its SHA-256 into digest (may be NULL). */
ATT_NODISCARD att_status att_export_inputs(const att_params *p,
                                           const att_ledger *l,
                                           const att_posterior *post,
                                           int32_t cutoff,
                                           char **out_json,
                                           char digest[ATT_DIGEST_HEX],
                                           att_error *err);

/* Frees att_export_inputs' string; NULL is a no-op. */
void att_export_free(char *json);

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

#endif /* ATTRITION_ATT_EXPORT_H */
