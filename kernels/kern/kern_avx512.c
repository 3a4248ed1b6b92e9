/* kernels/kern/kern_avx512.c — AVX-512F vector kernels (16 lanes, masked tails): dot, 4-row matvec,
 * xᵀA, exp (the AVX2 file's range reduction and polynomial; NaN in, NaN out), softmax, SiLU gate,
 * axpy and adjacent-pair RoPE. Compiled with -mavx512f -mavx2 -mfma; kern.c calls these only when
 * the CPU and the OS support AVX-512F. */
#include <immintrin.h>
#include <math.h>
#include "kern_avx2.h"
#include "kern_attn_band.h"

static inline __mmask16 tail_mask(int k) { return (__mmask16)((1u << k) - 1u); }   /* k < 16 */

float kern_dot_avx512(const float *a, const float *b, int n)
{
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
    }
    for (; i + 16 <= n; i += 16) s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
    if (i < n) {
        __mmask16 m = tail_mask(n - i);
        s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

void kern_matvec_avx512(const float *W, int ldw, const float *x, float *y, int rows, int cols)
{
    int r = 0, cfull = cols & ~15;
    __mmask16 mt = tail_mask(cols - cfull);
    for (; r + 4 <= rows; r += 4) {
        const float *w0 = W + (size_t)r * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
        __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
        int c = 0;
        for (; c < cfull; c += 16) {
            __m512 xv = _mm512_loadu_ps(x + c);
            a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + c), xv, a0);
            a1 = _mm512_fmadd_ps(_mm512_loadu_ps(w1 + c), xv, a1);
            a2 = _mm512_fmadd_ps(_mm512_loadu_ps(w2 + c), xv, a2);
            a3 = _mm512_fmadd_ps(_mm512_loadu_ps(w3 + c), xv, a3);
        }
        if (mt) {
            __m512 xv = _mm512_maskz_loadu_ps(mt, x + c);
            a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mt, w0 + c), xv, a0);
            a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mt, w1 + c), xv, a1);
            a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mt, w2 + c), xv, a2);
            a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mt, w3 + c), xv, a3);
        }
        y[r] = _mm512_reduce_add_ps(a0);
        y[r + 1] = _mm512_reduce_add_ps(a1);
        y[r + 2] = _mm512_reduce_add_ps(a2);
        y[r + 3] = _mm512_reduce_add_ps(a3);
    }
    for (; r < rows; r++) y[r] = kern_dot_avx512(W + (size_t)r * ldw, x, cols);
}

/* y = xᵀA: up to 128 columns of y stay in 8 registers while the rows stream by. */
void kern_matvec_t_avx512(const float *A, int lda, const float *x, float *y, int rows, int cols)
{
    for (int c0 = 0; c0 < cols; c0 += 128) {
        int w = cols - c0 < 128 ? cols - c0 : 128;
        int nv = (w + 15) / 16;                       /* vectors, the last one masked */
        __mmask16 mk[8];
        __m512 acc[8];
        for (int v = 0; v < 8; v++) {
            int k = w - 16 * v;
            mk[v] = k >= 16 ? (__mmask16)0xffff : k > 0 ? tail_mask(k) : 0;
            acc[v] = _mm512_setzero_ps();
        }
        for (int r = 0; r < rows; r++) {
            const float *a = A + (size_t)r * lda + c0;
            __m512 xr = _mm512_set1_ps(x[r]);
            switch (nv) {    /* unrolled by fall-through */
            case 8: acc[7] = _mm512_fmadd_ps(xr, _mm512_maskz_loadu_ps(mk[7], a + 112), acc[7]); /* fall through */
            case 7: acc[6] = _mm512_fmadd_ps(xr, _mm512_maskz_loadu_ps(mk[6], a + 96), acc[6]); /* fall through */
            case 6: acc[5] = _mm512_fmadd_ps(xr, _mm512_maskz_loadu_ps(mk[5], a + 80), acc[5]); /* fall through */
            case 5: acc[4] = _mm512_fmadd_ps(xr, _mm512_maskz_loadu_ps(mk[4], a + 64), acc[4]); /* fall through */
            case 4: acc[3] = _mm512_fmadd_ps(xr, _mm512_maskz_loadu_ps(mk[3], a + 48), acc[3]); /* fall through */
            case 3: acc[2] = _mm512_fmadd_ps(xr, _mm512_maskz_loadu_ps(mk[2], a + 32), acc[2]); /* fall through */
            case 2: acc[1] = _mm512_fmadd_ps(xr, _mm512_maskz_loadu_ps(mk[1], a + 16), acc[1]); /* fall through */
            case 1: acc[0] = _mm512_fmadd_ps(xr, _mm512_maskz_loadu_ps(mk[0], a), acc[0]); /* fall through */
            default: break;
            }
        }
        for (int v = 0; v < nv; v++) _mm512_mask_storeu_ps(y + c0 + 16 * v, mk[v], acc[v]);
    }
}

/* exp(x) for 16 lanes; the same reduction and coefficients as exp8 in kern_avx2.c. */
static inline __m512 exp16(__m512 x)
{
    const __m512 x_in = x;
    const __m512 hi = _mm512_set1_ps(88.3762626647949f), lo = _mm512_set1_ps(-87.3365447504f);
    __mmask16 under = _mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ);
    __mmask16 over = _mm512_cmp_ps_mask(x, hi, _CMP_GT_OQ);
    __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    x = _mm512_min_ps(_mm512_max_ps(x, lo), hi);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    __m512 res = _mm512_mul_ps(p, _mm512_castsi512_ps(e));
    res = _mm512_mask_mov_ps(res, under, _mm512_setzero_ps());
    res = _mm512_mask_mov_ps(res, over, _mm512_set1_ps(INFINITY));
    return _mm512_mask_mov_ps(res, nan, x_in);
}

void kern_exp_avx512(float *x, int n)
{
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, exp16(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(x + i, m, exp16(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

/* Like the portable loop: the maximum is taken with x[0] first, so a NaN anywhere makes every
 * output NaN (through exp of NaN, or a NaN maximum). */
void kern_softmax_avx512(float *x, int n)
{
    if (n <= 0) return;
    int i = 0;
    __m512 mv = _mm512_set1_ps(x[0]);
    for (; i + 16 <= n; i += 16) mv = _mm512_max_ps(mv, _mm512_loadu_ps(x + i));
    __mmask16 mt = tail_mask(n - i);
    if (mt) mv = _mm512_mask_max_ps(mv, mt, mv, _mm512_maskz_loadu_ps(mt, x + i));
    float m = _mm512_reduce_max_ps(mv);
    if (x[0] != x[0]) m = x[0];
    __m512 sv = _mm512_setzero_ps();
    mv = _mm512_set1_ps(m);
    for (i = 0; i + 16 <= n; i += 16) {
        __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), mv));
        _mm512_storeu_ps(x + i, e);
        sv = _mm512_add_ps(sv, e);
    }
    if (mt) {
        __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(mt, x + i), mv));
        _mm512_mask_storeu_ps(x + i, mt, e);
        sv = _mm512_mask_add_ps(sv, mt, sv, e);
    }
    __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sv));
    for (i = 0; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), inv));
    if (mt) _mm512_mask_storeu_ps(x + i, mt, _mm512_mul_ps(_mm512_maskz_loadu_ps(mt, x + i), inv));
}

void kern_silu_mul_avx512(const float *g, const float *u, float *out, int n)
{
    const __m512 one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xffff : tail_mask(n - i);
        __m512 gv = _mm512_maskz_loadu_ps(m, g + i);
        __m512 sg = _mm512_div_ps(gv, _mm512_add_ps(one, exp16(_mm512_sub_ps(zero, gv))));
        _mm512_mask_storeu_ps(out + i, m, _mm512_mul_ps(sg, _mm512_maskz_loadu_ps(m, u + i)));
    }
}

void kern_axpy_avx512(float a, const float *x, float *y, int n)
{
    __m512 av = _mm512_set1_ps(a);
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xffff : tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m, x + i),
                                                        _mm512_maskz_loadu_ps(m, y + i)));
    }
}

/* 8 pairs per step: cs, sn duplicated into (c0, c0, c1, c1, …); x' = x·c ∓ swap(x)·s. */
void kern_rope_avx512(float *x, const float *cs, const float *sn, int n_pairs)
{
    const __m512i dup = _mm512_set_epi32(7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
    const __m512 sign = _mm512_set_ps(1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1);
    for (int i = 0; i < n_pairs; i += 8) {
        int k = n_pairs - i >= 8 ? 8 : n_pairs - i;
        __mmask16 mh = (__mmask16)((1u << k) - 1u), mf = (__mmask16)((1u << (2 * k)) - 1u);
        __m512 c = _mm512_permutexvar_ps(dup, _mm512_maskz_loadu_ps(mh, cs + i));
        __m512 s = _mm512_permutexvar_ps(dup, _mm512_maskz_loadu_ps(mh, sn + i));
        __m512 v = _mm512_maskz_loadu_ps(mf, x + 2 * i);
        __m512 sw = _mm512_permute_ps(v, 0xB1);                  /* (x1, x0, x3, x2, …) */
        __m512 out = _mm512_fmadd_ps(v, c, _mm512_mul_ps(_mm512_mul_ps(sw, s), sign));
        _mm512_mask_storeu_ps(x + 2 * i, mf, out);
    }
}

/* 12 independent FMA chains of 16 lanes, `iters` rounds: 384·iters flops (the machine's FMA peak). */
float kern_fma_loop_avx512(long iters)
{
    __m512 a[12], m = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    /* unrolled so the 12 chains live in registers: a stack array would put a store and a reload
     * (store-forwarding latency) into every chain and halve the measured peak */
#pragma GCC unroll 12
    for (int k = 0; k < 12; k++) a[k] = _mm512_set1_ps((float)k);
    for (long i = 0; i < iters; i++) {
#pragma GCC unroll 12
        for (int k = 0; k < 12; k++) a[k] = _mm512_fmadd_ps(a[k], m, b);
    }
#pragma GCC unroll 12
    for (int k = 1; k < 12; k++) a[0] = _mm512_add_ps(a[0], a[k]);
    return _mm512_reduce_add_ps(a[0]);
}

/* One tile of blocked causal attention (contract in kern_avx2.h): the 64 queries are 4 vectors, so
 * the maximum, sum and rescale of the online softmax are lane-wise. Scores: 6 keys × 64 queries in
 * 24 registers, one broadcast key element against 4 query vectors per step. Weights × values: the
 * outputs transposed, 6 value columns × 64 queries in 24 registers. */
void kern_attn_tile_avx512(const float *Qt, int hd, const float *K, const float *V, int ldkv, int nkeys,
                           int off, float *St, float *m, float *l, float *alpha, float *Ot)
{
    enum { QB = KERN_ATTN_QB, R = 6 };
    int j = 0;
    for (; j + R <= nkeys; j += R) {
        const float *k = K + (size_t)j * ldkv;
        __m512 a[R][4];
#pragma GCC unroll 8
        for (int r = 0; r < R; r++)
#pragma GCC unroll 4
            for (int v = 0; v < 4; v++) a[r][v] = _mm512_setzero_ps();
        for (int d = 0; d < hd; d++) {
            const float *q = Qt + (size_t)d * QB;
            __m512 q0 = _mm512_load_ps(q), q1 = _mm512_load_ps(q + 16);
            __m512 q2 = _mm512_load_ps(q + 32), q3 = _mm512_load_ps(q + 48);
#pragma GCC unroll 8
            for (int r = 0; r < R; r++) {
                __m512 kb = _mm512_set1_ps(k[(size_t)r * ldkv + d]);
                a[r][0] = _mm512_fmadd_ps(kb, q0, a[r][0]);
                a[r][1] = _mm512_fmadd_ps(kb, q1, a[r][1]);
                a[r][2] = _mm512_fmadd_ps(kb, q2, a[r][2]);
                a[r][3] = _mm512_fmadd_ps(kb, q3, a[r][3]);
            }
        }
#pragma GCC unroll 8
        for (int r = 0; r < R; r++)
#pragma GCC unroll 4
            for (int v = 0; v < 4; v++) _mm512_store_ps(St + (size_t)(j + r) * QB + 16 * v, a[r][v]);
    }
    for (; j < nkeys; j++) {
        const float *k = K + (size_t)j * ldkv;
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int d = 0; d < hd; d++) {
            const float *q = Qt + (size_t)d * QB;
            __m512 kb = _mm512_set1_ps(k[d]);
            a0 = _mm512_fmadd_ps(kb, _mm512_load_ps(q), a0);
            a1 = _mm512_fmadd_ps(kb, _mm512_load_ps(q + 16), a1);
            a2 = _mm512_fmadd_ps(kb, _mm512_load_ps(q + 32), a2);
            a3 = _mm512_fmadd_ps(kb, _mm512_load_ps(q + 48), a3);
        }
        float *s = St + (size_t)j * QB;
        _mm512_store_ps(s, a0);
        _mm512_store_ps(s + 16, a1);
        _mm512_store_ps(s + 32, a2);
        _mm512_store_ps(s + 48, a3);
    }
    /* causal mask: key j is out for query i < j − off */
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    for (j = off + 1 > 0 ? off + 1 : 0; j < nkeys; j++)
        for (int v = 0; v < 4; v++) {
            int c = j - off - 16 * v;
            if (c <= 0) break;
            __mmask16 mk = c >= 16 ? (__mmask16)0xffff : tail_mask(c);
            float *s = St + (size_t)j * QB + 16 * v;
            _mm512_store_ps(s, _mm512_mask_mov_ps(_mm512_load_ps(s), mk, ninf));
        }
    /* online softmax, lane-wise over the queries */
    for (int v = 0; v < 4; v++) {
        __m512 mo = _mm512_load_ps(m + 16 * v), mx = mo;
        for (j = 0; j < nkeys; j++) mx = _mm512_max_ps(_mm512_load_ps(St + (size_t)j * QB + 16 * v), mx);
        __m512 sum = _mm512_setzero_ps();
        for (j = 0; j < nkeys; j++) {
            float *s = St + (size_t)j * QB + 16 * v;
            __m512 p = exp16(_mm512_sub_ps(_mm512_load_ps(s), mx));
            _mm512_store_ps(s, p);
            sum = _mm512_add_ps(sum, p);
        }
        __m512 al = exp16(_mm512_sub_ps(mo, mx));
        _mm512_store_ps(l + 16 * v, _mm512_fmadd_ps(_mm512_load_ps(l + 16 * v), al, sum));
        _mm512_store_ps(m + 16 * v, mx);
        _mm512_store_ps(alpha + 16 * v, al);
    }
    if (!V) return;                             /* weights only */
    /* Ot[d][:] = Ot[d][:]·alpha + Σ_j V[j][d]·St[j][:] */
    const __m512 al0 = _mm512_load_ps(alpha), al1 = _mm512_load_ps(alpha + 16);
    const __m512 al2 = _mm512_load_ps(alpha + 32), al3 = _mm512_load_ps(alpha + 48);
    int d = 0;
    for (; d + R <= hd; d += R) {
        __m512 a[R][4];
#pragma GCC unroll 8
        for (int r = 0; r < R; r++) {
            const float *o = Ot + (size_t)(d + r) * QB;
            a[r][0] = _mm512_mul_ps(_mm512_load_ps(o), al0);
            a[r][1] = _mm512_mul_ps(_mm512_load_ps(o + 16), al1);
            a[r][2] = _mm512_mul_ps(_mm512_load_ps(o + 32), al2);
            a[r][3] = _mm512_mul_ps(_mm512_load_ps(o + 48), al3);
        }
        for (j = 0; j < nkeys; j++) {
            const float *p = St + (size_t)j * QB, *vr = V + (size_t)j * ldkv + d;
            __m512 p0 = _mm512_load_ps(p), p1 = _mm512_load_ps(p + 16);
            __m512 p2 = _mm512_load_ps(p + 32), p3 = _mm512_load_ps(p + 48);
#pragma GCC unroll 8
            for (int r = 0; r < R; r++) {
                __m512 vb = _mm512_set1_ps(vr[r]);
                a[r][0] = _mm512_fmadd_ps(vb, p0, a[r][0]);
                a[r][1] = _mm512_fmadd_ps(vb, p1, a[r][1]);
                a[r][2] = _mm512_fmadd_ps(vb, p2, a[r][2]);
                a[r][3] = _mm512_fmadd_ps(vb, p3, a[r][3]);
            }
        }
#pragma GCC unroll 8
        for (int r = 0; r < R; r++)
#pragma GCC unroll 4
            for (int v = 0; v < 4; v++) _mm512_store_ps(Ot + (size_t)(d + r) * QB + 16 * v, a[r][v]);
    }
    for (; d < hd; d++) {
        float *o = Ot + (size_t)d * QB;
        __m512 a0 = _mm512_mul_ps(_mm512_load_ps(o), al0), a1 = _mm512_mul_ps(_mm512_load_ps(o + 16), al1);
        __m512 a2 = _mm512_mul_ps(_mm512_load_ps(o + 32), al2), a3 = _mm512_mul_ps(_mm512_load_ps(o + 48), al3);
        for (j = 0; j < nkeys; j++) {
            const float *p = St + (size_t)j * QB;
            __m512 vb = _mm512_set1_ps(V[(size_t)j * ldkv + d]);
            a0 = _mm512_fmadd_ps(vb, _mm512_load_ps(p), a0);
            a1 = _mm512_fmadd_ps(vb, _mm512_load_ps(p + 16), a1);
            a2 = _mm512_fmadd_ps(vb, _mm512_load_ps(p + 32), a2);
            a3 = _mm512_fmadd_ps(vb, _mm512_load_ps(p + 48), a3);
        }
        _mm512_store_ps(o, a0);
        _mm512_store_ps(o + 16, a1);
        _mm512_store_ps(o + 32, a2);
        _mm512_store_ps(o + 48, a3);
    }
}

/* --- C = A·Wᵀ (+ C): packed panels of 32 columns, 12 × 32 register tiles -------------------------- */
enum { GW_NR = 32, GW_MR = 12, GW_KC = 256, GW_MC = 192 };

/* Bp[k][j] = W[n0 + j][k0 + k] for k < kc, j < 32 (zero past N): one panel, k-major */
static void gw_pack(const float *W, int ldw, int n0, int nc, int k0, int kc, float *Bp)
{
    for (int j = 0; j < GW_NR; j++) {
        if (j < nc) {
            const float *w = W + (size_t)(n0 + j) * ldw + k0;
            for (int k = 0; k < kc; k++) Bp[k * GW_NR + j] = w[k];
        } else {
            for (int k = 0; k < kc; k++) Bp[k * GW_NR + j] = 0.0f;
        }
    }
}

/* R rows × 32 columns over kc: C = (acc? C : 0) + A·Bp; columns past nc are neither read nor written */
static inline __attribute__((always_inline)) void gw_tile(const int R, const float *A, int lda, const float *Bp,
                                                          int kc, float *C, int ldc, int acc, __mmask16 m0,
                                                          __mmask16 m1)
{
    __m512 c[GW_MR][2];
#pragma GCC unroll 12
    for (int r = 0; r < R; r++) c[r][0] = c[r][1] = _mm512_setzero_ps();
    for (int k = 0; k < kc; k++) {
        __m512 b0 = _mm512_load_ps(Bp + k * GW_NR), b1 = _mm512_load_ps(Bp + k * GW_NR + 16);
#pragma GCC unroll 12
        for (int r = 0; r < R; r++) {
            __m512 a = _mm512_set1_ps(A[(size_t)r * lda + k]);
            c[r][0] = _mm512_fmadd_ps(a, b0, c[r][0]);
            c[r][1] = _mm512_fmadd_ps(a, b1, c[r][1]);
        }
    }
#pragma GCC unroll 12
    for (int r = 0; r < R; r++) {
        float *cr = C + (size_t)r * ldc;
        if (acc) {
            c[r][0] = _mm512_add_ps(c[r][0], _mm512_maskz_loadu_ps(m0, cr));
            c[r][1] = _mm512_add_ps(c[r][1], _mm512_maskz_loadu_ps(m1, cr + 16));
        }
        _mm512_mask_storeu_ps(cr, m0, c[r][0]);
        _mm512_mask_storeu_ps(cr + 16, m1, c[r][1]);
    }
}

void kern_gemm_wt_avx512(int M, int N, int K, const float *A, int lda, const float *W, int ldw, int beta1,
                         float *C, int ldc)
{
    float Bp[GW_KC * GW_NR] __attribute__((aligned(64)));
    for (int k0 = 0; k0 < K; k0 += GW_KC) {
        int kc = K - k0 < GW_KC ? K - k0 : GW_KC;
        int acc = beta1 || k0 > 0;
        for (int i0 = 0; i0 < M; i0 += GW_MC) {
            int mc = M - i0 < GW_MC ? M - i0 : GW_MC;
            for (int n0 = 0; n0 < N; n0 += GW_NR) {
                int nc = N - n0 < GW_NR ? N - n0 : GW_NR;
                __mmask16 m0 = nc >= 16 ? (__mmask16)0xffff : tail_mask(nc);
                __mmask16 m1 = nc >= 32 ? (__mmask16)0xffff : nc > 16 ? tail_mask(nc - 16) : 0;
                gw_pack(W, ldw, n0, nc, k0, kc, Bp);
                const float *a = A + (size_t)i0 * lda + k0;
                float *c = C + (size_t)i0 * ldc + n0;
                int i = 0;
                for (; i + GW_MR <= mc; i += GW_MR)
                    gw_tile(GW_MR, a + (size_t)i * lda, lda, Bp, kc, c + (size_t)i * ldc, ldc, acc, m0, m1);
                for (; i + 4 <= mc; i += 4)
                    gw_tile(4, a + (size_t)i * lda, lda, Bp, kc, c + (size_t)i * ldc, ldc, acc, m0, m1);
                for (; i < mc; i++)
                    gw_tile(1, a + (size_t)i * lda, lda, Bp, kc, c + (size_t)i * ldc, ldc, acc, m0, m1);
            }
        }
    }
}

void kern_attn_band_avx512(const float *St, int nkeys, float *band) { kern_attn_band_body(St, nkeys, band); }
