/* kernels/kern/kern_attn.c — causal attention of one head, blocked and exact: 64 queries at a time
 * against tiles of keys with an online softmax (running maximum and sum per query, flash-attention
 * style), so no row of scores longer than a tile is ever stored. The per-tile step has AVX-512, AVX2
 * and portable versions (kern_avx512.c, kern_avx2.c, here), chosen with the other kernels. */
#include <math.h>
#include <string.h>
#include "kern.h"
#include "kern_avx2.h"
#include "kern_attn_band.h"

/* Blocks of QB queries swept together: each key tile is loaded once for all of them and stays in L1
 * between their tile steps (at long contexts the keys and values of one head no longer fit in L2). */
#define ATTN_GROUP 4

/* Scratch layout (floats, each part a multiple of 16 so every part stays 64-byte aligned): per block
 * of the group, Qt [hd][QB] scaled, transposed queries · Ot [hd][QB] unnormalised outputs, transposed
 * · m, l [QB] running max and running sum; then, shared, St [KB][QB] one tile of scores / weights ·
 * alpha [QB] rescale · band [KB + QB] one tile's weights by distance, for the weight histogram. */
size_t kern_attn_scratch(int hd)
{
    return (size_t)ATTN_GROUP * (2 * (size_t)hd * KERN_ATTN_QB + 2 * KERN_ATTN_QB)
           + (size_t)KERN_ATTN_KB * KERN_ATTN_QB + KERN_ATTN_QB + KERN_ATTN_KB + KERN_ATTN_QB;
}

/* The portable tile step (the reference for the vector versions; see kern_avx2.h for the contract). */
void kern_attn_tile_portable(const float *Qt, int hd, const float *K, const float *V, int ldkv, int nkeys,
                             int off, float *St, float *m, float *l, float *alpha, float *Ot)
{
    const int QB = KERN_ATTN_QB;
    for (int j = 0; j < nkeys; j++) {
        float *s = St + (size_t)j * QB;
        for (int i = 0; i < QB; i++) s[i] = 0.0f;
        for (int d = 0; d < hd; d++) {
            float k = K[(size_t)j * ldkv + d];
            const float *q = Qt + (size_t)d * QB;
            for (int i = 0; i < QB; i++) s[i] += k * q[i];
        }
        for (int i = 0; i < QB; i++)
            if (j - i > off) s[i] = -INFINITY;
    }
    for (int i = 0; i < QB; i++) {
        float mx = m[i];
        for (int j = 0; j < nkeys; j++) mx = St[(size_t)j * QB + i] > mx ? St[(size_t)j * QB + i] : mx;
        float a = expf(m[i] - mx), sum = 0.0f;
        for (int j = 0; j < nkeys; j++) {
            float p = expf(St[(size_t)j * QB + i] - mx);
            St[(size_t)j * QB + i] = p;
            sum += p;
        }
        l[i] = l[i] * a + sum;
        m[i] = mx;
        alpha[i] = a;
    }
    if (!V) return;                             /* weights only */
    for (int d = 0; d < hd; d++) {
        float *o = Ot + (size_t)d * QB;
        for (int i = 0; i < QB; i++) o[i] *= alpha[i];
        for (int j = 0; j < nkeys; j++) {
            float v = V[(size_t)j * ldkv + d];
            const float *p = St + (size_t)j * QB;
            for (int i = 0; i < QB; i++) o[i] += v * p[i];
        }
    }
}

void kern_attn_band_portable(const float *St, int nkeys, float *band) { kern_attn_band_body(St, nkeys, band); }

/* One block of the group: its queries, outputs and running softmax state in the scratch. */
typedef struct attn_block {
    float *Qt, *Ot, *m, *l;
    int pos0, nr;                               /* position of its first query; queries in use */
} attn_block;

/* One sweep over the key tiles for the group's blocks, each tile loaded once for all of them.
 * V != NULL: the attention pass (outputs accumulated in Ot). V == NULL: the weight histogram's pass
 * (the tile step recomputes the exponentials and leaves the outputs alone) with each query's running
 * maximum already fixed at m + log l from the first pass, so the tile's exp(s − m − log l) are the
 * normalised weights (pass 1 found m as the maximum of these very scores, so no weight exceeds 1;
 * padding queries get +inf there, hence weight 0), each tile summed into w_hist by distance. */
static void sweep(kern_attn_tile_fn tile, attn_block *b, int nb, int hd, const float *K, const float *V, int ldkv,
                  float *St, float *alpha, float *band, double *w_hist)
{
    const int QB = KERN_ATTN_QB, KB = KERN_ATTN_KB;
    kern_attn_band_fn sum_band = V ? NULL : kern_attn_band_active();
    int nk_all = b[nb - 1].pos0 + b[nb - 1].nr;   /* the last block sees the most keys */
    for (int k0 = 0; k0 < nk_all; k0 += KB) {
        for (int g = 0; g < nb; g++) {
            int nk = b[g].pos0 + b[g].nr;           /* keys [0, nk): tiles past the block's last query are skipped */
            if (k0 >= nk) continue;
            int nkeys = nk - k0 < KB ? nk - k0 : KB;
            /* key k0 + j is masked for query i when k0 + j > pos0 + i, i.e. j − i > off */
            int off = b[g].pos0 - k0;
            if (off >= nkeys) off = nkeys;          /* no mask inside this tile */
            tile(b[g].Qt, hd, K + (size_t)k0 * ldkv, V ? V + (size_t)k0 * ldkv : NULL, ldkv, nkeys, off, St, b[g].m,
                 b[g].l, alpha, V ? b[g].Ot : NULL);
            if (V) continue;
            /* weight of (query i, key j) sits at distance pos0 + i − k0 − j = base + (i − j + KB − 1) */
            memset(band, 0, (size_t)(KB + QB) * sizeof(float));
            sum_band(St, nkeys, band);
            /* distances 0 … pos0 + nr − 1 − k0 hold weight; padding queries' band entries are 0 but would
             * index past the histogram's q_pos0 + nq entries, so the range stops at the last query */
            int base = b[g].pos0 - k0 - (KB - 1), t_end = b[g].pos0 + b[g].nr - base;
            if (t_end > KB + QB - 1) t_end = KB + QB - 1;
            for (int t = base < 0 ? -base : 0; t < t_end; t++) w_hist[base + t] += band[t];
        }
    }
}

void kern_attn_causal(const float *Q, int ldq, const float *K, const float *V, int ldkv, float *O, int ldo,
                      int nq, int q_pos0, int hd, float scale, float *scratch, double *w_hist)
{
    const int QB = KERN_ATTN_QB, KB = KERN_ATTN_KB;
    attn_block b[ATTN_GROUP];
    float *p = scratch;
    for (int g = 0; g < ATTN_GROUP; g++) {
        b[g].Qt = p; p += (size_t)hd * QB;
        b[g].Ot = p; p += (size_t)hd * QB;
        b[g].m = p;  p += QB;
        b[g].l = p;  p += QB;
    }
    float *St = p, *alpha = St + (size_t)KB * QB, *band = alpha + QB;
    kern_attn_tile_fn tile = kern_attn_tile_active();
    for (int r00 = 0; r00 < nq; r00 += ATTN_GROUP * QB) {
        int nb = 0;
        for (int r0 = r00; r0 < nq && nb < ATTN_GROUP; r0 += QB, nb++) {
            attn_block *k = &b[nb];
            k->nr = nq - r0 < QB ? nq - r0 : QB;
            k->pos0 = q_pos0 + r0;
            /* queries past nr are zero: they see finite scores and their outputs are never read */
            for (int d = 0; d < hd; d++) {
                float *qt = k->Qt + (size_t)d * QB;
                for (int i = 0; i < k->nr; i++) qt[i] = scale * Q[(size_t)(r0 + i) * ldq + d];
                for (int i = k->nr; i < QB; i++) qt[i] = 0.0f;
            }
            memset(k->Ot, 0, (size_t)hd * QB * sizeof(float));
            /* every query sees key 0 in the first tile, so its running maximum is finite from there on */
            for (int i = 0; i < QB; i++) { k->m[i] = -INFINITY; k->l[i] = 0.0f; }
        }
        sweep(tile, b, nb, hd, K, V, ldkv, St, alpha, band, NULL);
        for (int g = 0; g < nb; g++) {
            int r0 = r00 + g * QB;
            for (int i = 0; i < b[g].nr; i++) {
                float inv_l = 1.0f / b[g].l[i];
                float *o = O + (size_t)(r0 + i) * ldo;
                for (int d = 0; d < hd; d++) o[d] = b[g].Ot[(size_t)d * QB + i] * inv_l;
            }
        }
        if (!w_hist) continue;
        for (int g = 0; g < nb; g++)
            for (int i = 0; i < QB; i++) b[g].m[i] = i < b[g].nr ? b[g].m[i] + logf(b[g].l[i]) : INFINITY;
        sweep(tile, b, nb, hd, K, NULL, ldkv, St, alpha, band, w_hist);
    }
}
