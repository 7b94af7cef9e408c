/* attrition.h -- the whole public API of libattrition in one include. */
#ifndef ATTRITION_ATTRITION_H
#define ATTRITION_ATTRITION_H

#include <attrition/att_common.h>
#include <attrition/att_date.h>
#include <attrition/att_ledger.h>
#include <attrition/att_params.h>
#include <attrition/att_version.h>

#endif /* ATTRITION_ATTRITION_H */
