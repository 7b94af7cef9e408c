/* emath_tab.h -- constants and tables of model/emath.c (private).
 * Written by tools/gen_emath_tab.c from GNU MPFR; do not edit: change the
 * generator and run it again (tests/test_emath_tab.c checks the two agree). */
/* clang-format off */
#ifndef ATTRITION_EMATH_TAB_H
#define ATTRITION_EMATH_TAB_H

#include "internal.h"

/* exp: x = (64 k + j) ln2 / 64 + r (Tang 1989) */
#define EMATH_EXP_BITS 6
#define EMATH_EXP_INVLN2N      0x1.71547652b82fep+6 /* 64 / ln 2 */
#define EMATH_EXP_L1           0x1.62e42fefap-7 /* ln 2 / 64, first 36 bits */
#define EMATH_EXP_L2           0x1.cf79abc9ep-46 /* the next 36 bits */
#define EMATH_EXP_L3           0x1.d9cc01f97b57ap-85 /* the rest */

/* log: x = 2^k (j / 128) (1 + v) (Tang 1990) */
#define EMATH_LN2_HI           0x1.62e42fefa38p-1 /* ln 2 as a multiple of 2^-43 */
#define EMATH_LN2_LO           0x1.ef35793c7673p-45 /* ln 2 - EMATH_LN2_HI */
#define EMATH_LOG_FIRST        96 /* the table starts at 96 / 128 */

/* other constants as pairs (hi, lo) */
#define EMATH_LN2_DD_HI        0x1.62e42fefa39efp-1 /* ln 2 */
#define EMATH_LN2_DD_LO        0x1.abc9e3b39803fp-56 /* ln 2 - hi */
#define EMATH_SQRTPI_HI        0x1.c5bf891b4ef6bp+0 /* sqrt(pi) */
#define EMATH_SQRTPI_LO        (-0x1.618f13eb7ca89p-54) /* sqrt(pi) - hi */
#define EMATH_SQRT1_2          0x1.6a09e667f3bcdp-1 /* 1 / sqrt(2) */
#define EMATH_SQRT1_2_LO       (-0x1.bdd3413b26456p-55) /* 1 / sqrt(2) - EMATH_SQRT1_2 */
#define EMATH_LOG_SQRTPI_HI    0x1.250d048e7a1bdp-1 /* log sqrt(pi) */
#define EMATH_LOG_SQRTPI_LO    0x1.7abf2ad8d5088p-58 /* log sqrt(pi) - hi */
#define EMATH_LOG_SQRT2PI_HI   0x1.d67f1c864beb5p-1 /* log sqrt(2 pi) */
#define EMATH_LOG_SQRT2PI_LO   (-0x1.65b5a1b7ff5dfp-55) /* log sqrt(2 pi) - hi */
#define EMATH_INV_SQRT2PI_HI   0x1.9884533d43651p-2 /* 1 / sqrt(2 pi) */
#define EMATH_INV_SQRT2PI_LO   (-0x1.cbc0d30ebfd15p-56) /* 1 / sqrt(2 pi) - hi */

/* erfcx(u) = exp(u^2) erfc(u): 224 intervals of [0, 32), each a row of
 * EMATH_ERFCX_ROW doubles: a0 hi, a0 lo, a1, ..., a8 in h = u - centre */
#define EMATH_ERFCX_DEG 8
#define EMATH_ERFCX_NI  224
#define EMATH_ERFCX_ROW (EMATH_ERFCX_DEG + 2)

ATT_INTERNAL extern const double att_emath_exp_tab[2 * 64];
ATT_INTERNAL extern const double att_emath_log_tab[3 * 97];
ATT_INTERNAL extern const double att_emath_erfcx_tab[EMATH_ERFCX_NI * EMATH_ERFCX_ROW];

#endif /* ATTRITION_EMATH_TAB_H */
