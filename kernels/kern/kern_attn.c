/* kernels/kern/kern_attn.c — causal attention of one head, blocked and exact: 64 queries at a time
 * against tiles of keys with an online softmax (running maximum and sum per query, flash-attention
 * style), so no row of scores longer than a tile is ever stored. The per-tile step has AVX-512, AVX2
 * and portable versions (kern_avx512.c, kern_avx2.c, here), chosen with the other kernels. */
#include <math.h>
#include <string.h>
#include "kern.h"
#include "kern_avx2.h"
#include "kern_attn_band.h"

/* Scratch layout (floats, each part a multiple of 16 so every part stays 64-byte aligned):
 * Qt [hd][QB] scaled, transposed queries · Ot [hd][QB] unnormalised outputs, transposed ·
 * St [KB][QB] one tile of scores / weights · m, l, alpha [QB] running max, running sum, rescale ·
 * band [KB + QB] one tile's weights by distance, for the weight histogram. */
size_t kern_attn_scratch(int hd)
{
    return (size_t)2 * hd * KERN_ATTN_QB + (size_t)KERN_ATTN_KB * KERN_ATTN_QB + 3 * KERN_ATTN_QB
           + KERN_ATTN_KB + KERN_ATTN_QB;
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

/* The weight histogram of one block: a second sweep over the key tiles (the tile step with V = NULL
 * recomputes the exponentials and leaves the outputs alone) with each query's running maximum fixed
 * at m + log l from the first sweep, so the tile's exp(s − m − log l) are the normalised weights
 * (pass 1 found m as the maximum of these very scores, so no weight exceeds 1); padding queries get
 * +inf there, hence weight 0. Each tile's weights go to the histogram by distance. */
static void block_hist(kern_attn_tile_fn tile, const float *Qt, int hd, const float *K, int ldkv, int pos0,
                       int nr, float *St, float *m, float *l, float *alpha, float *band, double *w_hist)
{
    const int QB = KERN_ATTN_QB, KB = KERN_ATTN_KB;
    kern_attn_band_fn sum_band = kern_attn_band_active();
    for (int i = 0; i < QB; i++) m[i] = i < nr ? m[i] + logf(l[i]) : INFINITY;
    int nk = pos0 + nr;
    for (int k0 = 0; k0 < nk; k0 += KB) {
        int nkeys = nk - k0 < KB ? nk - k0 : KB;
        int off = pos0 - k0;
        if (off >= nkeys) off = nkeys;
        tile(Qt, hd, K + (size_t)k0 * ldkv, NULL, ldkv, nkeys, off, St, m, l, alpha, NULL);
        /* weight of (query i, key j) sits at distance pos0 + i − k0 − j = base + (i − j + KB − 1) */
        memset(band, 0, (size_t)(KB + QB) * sizeof(float));
        sum_band(St, nkeys, band);
        int base = pos0 - k0 - (KB - 1);
        for (int t = base < 0 ? -base : 0; t < KB + QB - 1; t++) w_hist[base + t] += band[t];
    }
}

void kern_attn_causal(const float *Q, int ldq, const float *K, const float *V, int ldkv, float *O, int ldo,
                      int nq, int q_pos0, int hd, float scale, float *scratch, double *w_hist)
{
    const int QB = KERN_ATTN_QB, KB = KERN_ATTN_KB;
    float *Qt = scratch, *Ot = Qt + (size_t)hd * QB, *St = Ot + (size_t)hd * QB;
    float *m = St + (size_t)KB * QB, *l = m + QB, *alpha = l + QB, *band = alpha + QB;
    kern_attn_tile_fn tile = kern_attn_tile_active();
    for (int r0 = 0; r0 < nq; r0 += QB) {
        int nr = nq - r0 < QB ? nq - r0 : QB;
        int pos0 = q_pos0 + r0;                 /* position of the block's first query */
        /* queries past nr are zero: they see finite scores and their outputs are never read */
        for (int d = 0; d < hd; d++) {
            float *qt = Qt + (size_t)d * QB;
            for (int i = 0; i < nr; i++) qt[i] = scale * Q[(size_t)(r0 + i) * ldq + d];
            for (int i = nr; i < QB; i++) qt[i] = 0.0f;
        }
        memset(Ot, 0, (size_t)hd * QB * sizeof(float));
        for (int i = 0; i < QB; i++) { m[i] = -INFINITY; l[i] = 0.0f; }
        /* keys [0, pos0 + nr): tiles past the last query's position are never visited; every query sees
         * key 0 in the first tile, so its running maximum is finite from there on */
        int nk = pos0 + nr;
        for (int k0 = 0; k0 < nk; k0 += KB) {
            int nkeys = nk - k0 < KB ? nk - k0 : KB;
            /* key k0 + j is masked for query i when k0 + j > pos0 + i, i.e. j − i > off */
            int off = pos0 - k0;
            if (off >= nkeys) off = nkeys;      /* no mask inside this tile */
            tile(Qt, hd, K + (size_t)k0 * ldkv, V + (size_t)k0 * ldkv, ldkv, nkeys, off, St, m, l, alpha, Ot);
        }
        for (int i = 0; i < nr; i++) {
            float inv_l = 1.0f / l[i];
            float *o = O + (size_t)(r0 + i) * ldo;
            for (int d = 0; d < hd; d++) o[d] = Ot[(size_t)d * QB + i] * inv_l;
        }
        if (w_hist) block_hist(tile, Qt, hd, K, ldkv, pos0, nr, St, m, l, alpha, band, w_hist);
    }
}
