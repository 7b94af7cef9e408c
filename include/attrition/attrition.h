/* attrition.h -- the whole public API of libattrition in one include. */
#ifndef ATTRITION_ATTRITION_H
#define ATTRITION_ATTRITION_H

#include <attrition/att_advice.h>
#include <attrition/att_common.h>
#include <attrition/att_compare.h>
#include <attrition/att_date.h>
#include <attrition/att_diagnostics.h>
#include <attrition/att_digest.h>
#include <attrition/att_export.h>
#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_loo.h>
#include <attrition/att_mixture.h>
#include <attrition/att_model.h>
#include <attrition/att_output.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>
#include <attrition/att_project.h>
#include <attrition/att_rng.h>
#include <attrition/att_run.h>
#include <attrition/att_savefit.h>
#include <attrition/att_skill.h>
#include <attrition/att_stacking.h>
#include <attrition/att_summary.h>
#include <attrition/att_version.h>
#include <attrition/att_wis.h>

#endif /* ATTRITION_ATTRITION_H */
