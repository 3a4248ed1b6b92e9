/* kernels/kern/kern_attn_band.h — the diagonal sums of one attention tile, written once in plain C
 * and compiled by each kernel file with its own instruction set (the loops are fixed-size adds of
 * 16 floats, which the compiler turns into that set's vectors).
 *
 * Contract: St [KB][QB] (rows j < nkeys used), band [KB + QB − 1]:
 *   band[i − j + KB − 1] += St[j][i]   for every j < nkeys, i < QB.
 * Rows j = c + 16k of the same c = j mod 16 land 16 apart, so the 4 × 4 row pieces of one c are
 * summed by their offset u − k first (aligned adds), and only 7 pieces per c touch the band. */
#ifndef KERN_ATTN_BAND_H
#define KERN_ATTN_BAND_H

#include "kern_avx2.h"

static inline void kern_attn_band_body(const float *St, int nkeys, float *band)
{
    _Static_assert(KERN_ATTN_QB == 64 && KERN_ATTN_KB == 64, "the grouping assumes 64 × 64 tiles");
    for (int c = 0; c < 16 && c < nkeys; c++) {
        float t[7][16] = { { 0 } };
        for (int k = 0; k < 4 && c + 16 * k < nkeys; k++) {
            const float *row = St + (size_t)(c + 16 * k) * KERN_ATTN_QB;
            for (int u = 0; u < 4; u++)
                for (int x = 0; x < 16; x++) t[u - k + 3][x] += row[16 * u + x];
        }
        /* row j = c + 16k, element i = 16u + x sits at 16(u − k + 3) + x + 15 − c */
        float *b = band + 15 - c;
        for (int d = 0; d < 7; d++)
            for (int x = 0; x < 16; x++) b[16 * d + x] += t[d][x];
    }
}

#endif
