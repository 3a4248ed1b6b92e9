/* kernels/kern/kern_avx2.c — AVX2+FMA vector kernels: dot, 4-row matvec, exp (range reduction + degree-6
 * polynomial; NaN in, NaN out), softmax, SiLU gate, axpy and adjacent-pair RoPE. Compiled with -mavx2 -mfma and
 * called only after the run-time CPU check in kern.c. */
#include <immintrin.h>
#include <math.h>
#include "kern_avx2.h"
#include "kern_attn_band.h"

static inline float hsum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

float kern_dot_avx2(const float *a, const float *b, int n)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float s = hsum(_mm256_add_ps(s0, s1));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

void kern_matvec_avx2(const float *W, int ldw, const float *x, float *y, int rows, int cols)
{
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *w0 = W + (size_t)r * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        int c = 0;
        for (; c + 8 <= cols; c += 8) {
            __m256 xv = _mm256_loadu_ps(x + c);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + c), xv, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + c), xv, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + c), xv, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + c), xv, a3);
        }
        float s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
        for (; c < cols; c++) {
            s0 += w0[c] * x[c]; s1 += w1[c] * x[c]; s2 += w2[c] * x[c]; s3 += w3[c] * x[c];
        }
        y[r] = s0; y[r + 1] = s1; y[r + 2] = s2; y[r + 3] = s3;
    }
    for (; r < rows; r++) y[r] = kern_dot_avx2(W + (size_t)r * ldw, x, cols);
}

/* y = xᵀA: for up to 64 columns the whole y stays in 8 registers while the rows stream by. */
void kern_matvec_t_avx2(const float *A, int lda, const float *x, float *y, int rows, int cols)
{
    for (int c0 = 0; c0 < cols; c0 += 64) {
        int w = cols - c0 < 64 ? cols - c0 : 64;
        int nv = w / 8;
        __m256 acc[8];
        for (int v = 0; v < 8; v++) acc[v] = _mm256_setzero_ps();
        float tail[8] = { 0 };
        for (int r = 0; r < rows; r++) {
            const float *a = A + (size_t)r * lda + c0;
            __m256 xr = _mm256_set1_ps(x[r]);
            switch (nv) {    /* unrolled by fall-through */
            case 8: acc[7] = _mm256_fmadd_ps(xr, _mm256_loadu_ps(a + 56), acc[7]); /* fall through */
            case 7: acc[6] = _mm256_fmadd_ps(xr, _mm256_loadu_ps(a + 48), acc[6]); /* fall through */
            case 6: acc[5] = _mm256_fmadd_ps(xr, _mm256_loadu_ps(a + 40), acc[5]); /* fall through */
            case 5: acc[4] = _mm256_fmadd_ps(xr, _mm256_loadu_ps(a + 32), acc[4]); /* fall through */
            case 4: acc[3] = _mm256_fmadd_ps(xr, _mm256_loadu_ps(a + 24), acc[3]); /* fall through */
            case 3: acc[2] = _mm256_fmadd_ps(xr, _mm256_loadu_ps(a + 16), acc[2]); /* fall through */
            case 2: acc[1] = _mm256_fmadd_ps(xr, _mm256_loadu_ps(a + 8), acc[1]); /* fall through */
            case 1: acc[0] = _mm256_fmadd_ps(xr, _mm256_loadu_ps(a), acc[0]); /* fall through */
            default: break;
            }
            for (int c = nv * 8; c < w; c++) tail[c - nv * 8] += x[r] * a[c];
        }
        for (int v = 0; v < nv; v++) _mm256_storeu_ps(y + c0 + 8 * v, acc[v]);
        for (int c = nv * 8; c < w; c++) y[c0 + c] = tail[c - nv * 8];
    }
}

/* exp(x) for 8 lanes: n = round(x·log2 e), r = x − n·ln 2 (two-part ln 2), e^r by a degree-6
 * polynomial, times 2^n built in the exponent field. Lanes below −87.3 give 0, above 88.38 +inf,
 * NaN stays NaN (as expf: a NaN score must not turn into a probability of 0). */
static inline __m256 exp8(__m256 x)
{
    const __m256 x_in = x;
    const __m256 hi = _mm256_set1_ps(88.3762626647949f), lo = _mm256_set1_ps(-87.3365447504f);
    __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    /* 2^n: n in [−126, 127] after the clamp */
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    __m256 res = _mm256_andnot_ps(under, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
    res = _mm256_blendv_ps(res, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(x_in, hi, _CMP_GT_OQ));
    return _mm256_blendv_ps(res, x_in, _mm256_cmp_ps(x_in, x_in, _CMP_UNORD_Q));
}

static inline float exp1(float x)
{
    float v[8] = { x, 0, 0, 0, 0, 0, 0, 0 };
    _mm256_storeu_ps(v, exp8(_mm256_loadu_ps(v)));
    return v[0];
}

void kern_exp_avx2(float *x, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, exp8(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) x[i] = exp1(x[i]);
}

void kern_softmax_avx2(float *x, int n)
{
    if (n <= 0) return;
    float m = x[0];
    int i = 0;
    __m256 mv = _mm256_set1_ps(x[0]);
    for (; i + 8 <= n; i += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(x + i));
    float t[8];
    _mm256_storeu_ps(t, mv);
    for (int j = 0; j < 8; j++) m = t[j] > m ? t[j] : m;
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    __m256 sv = _mm256_setzero_ps();
    mv = _mm256_set1_ps(m);
    i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv));
        _mm256_storeu_ps(x + i, e);
        sv = _mm256_add_ps(sv, e);
    }
    float s = hsum(sv);
    for (; i < n; i++) { x[i] = exp1(x[i] - m); s += x[i]; }
    __m256 inv = _mm256_set1_ps(1.0f / s);
    i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inv));
    for (; i < n; i++) x[i] *= 1.0f / s;
}

void kern_silu_mul_avx2(const float *g, const float *u, float *out, int n)
{
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gv = _mm256_loadu_ps(g + i);
        __m256 e = exp8(_mm256_sub_ps(zero, gv));           /* e^−g */
        __m256 sg = _mm256_div_ps(gv, _mm256_add_ps(one, e));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(sg, _mm256_loadu_ps(u + i)));
    }
    for (; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

void kern_axpy_avx2(float a, const float *x, float *y, int n)
{
    __m256 av = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * x[i];
}

void kern_rope_avx2(float *x, const float *cs, const float *sn, int n_pairs)
{
    int i = 0;
    for (; i + 4 <= n_pairs; i += 4) {
        __m128 c4 = _mm_loadu_ps(cs + i), s4 = _mm_loadu_ps(sn + i);
        __m256 c = _mm256_set_m128(_mm_unpackhi_ps(c4, c4), _mm_unpacklo_ps(c4, c4));
        __m256 s = _mm256_set_m128(_mm_unpackhi_ps(s4, s4), _mm_unpacklo_ps(s4, s4));
        __m256 v = _mm256_loadu_ps(x + 2 * i);
        __m256 sw = _mm256_permute_ps(v, 0xB1);               /* (x1, x0, x3, x2, …) */
        _mm256_storeu_ps(x + 2 * i, _mm256_fmaddsub_ps(v, c, _mm256_mul_ps(sw, s)));
    }
    for (; i < n_pairs; i++) {
        float x0 = x[2 * i], x1 = x[2 * i + 1];
        x[2 * i] = x0 * cs[i] - x1 * sn[i];
        x[2 * i + 1] = x0 * sn[i] + x1 * cs[i];
    }
}

/* 12 independent FMA chains of 8 lanes, `iters` rounds: 192·iters flops (the machine's FMA peak). */
float kern_fma_loop_avx2(long iters)
{
    __m256 a[12], m = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    /* unrolled so the 12 chains live in registers: a stack array would put a store and a reload
     * (store-forwarding latency) into every chain and halve the measured peak */
#pragma GCC unroll 12
    for (int k = 0; k < 12; k++) a[k] = _mm256_set1_ps((float)k);
    for (long i = 0; i < iters; i++) {
#pragma GCC unroll 12
        for (int k = 0; k < 12; k++) a[k] = _mm256_fmadd_ps(a[k], m, b);
    }
#pragma GCC unroll 12
    for (int k = 1; k < 12; k++) a[0] = _mm256_add_ps(a[0], a[k]);
    return hsum(a[0]);
}

/* One tile of blocked causal attention (contract in kern_avx2.h). The 64 queries are taken 16 at a
 * time (2 vectors): scores 6 keys × 16 queries and weights × values 6 value columns × 16 queries in
 * 12 registers each; the online softmax is lane-wise over 8 vectors. */
void kern_attn_tile_avx2(const float *Qt, int hd, const float *K, const float *V, int ldkv, int nkeys,
                         int off, float *St, float *m, float *l, float *alpha, float *Ot)
{
    enum { QB = KERN_ATTN_QB, R = 6 };
    for (int c = 0; c < QB; c += 16) {
        int j = 0;
        for (; j + R <= nkeys; j += R) {
            const float *k = K + (size_t)j * ldkv;
            __m256 a[R][2];
#pragma GCC unroll 8
            for (int r = 0; r < R; r++) a[r][0] = a[r][1] = _mm256_setzero_ps();
            for (int d = 0; d < hd; d++) {
                const float *q = Qt + (size_t)d * QB + c;
                __m256 q0 = _mm256_load_ps(q), q1 = _mm256_load_ps(q + 8);
#pragma GCC unroll 8
                for (int r = 0; r < R; r++) {
                    __m256 kb = _mm256_broadcast_ss(k + (size_t)r * ldkv + d);
                    a[r][0] = _mm256_fmadd_ps(kb, q0, a[r][0]);
                    a[r][1] = _mm256_fmadd_ps(kb, q1, a[r][1]);
                }
            }
#pragma GCC unroll 8
            for (int r = 0; r < R; r++) {
                _mm256_store_ps(St + (size_t)(j + r) * QB + c, a[r][0]);
                _mm256_store_ps(St + (size_t)(j + r) * QB + c + 8, a[r][1]);
            }
        }
        for (; j < nkeys; j++) {
            const float *k = K + (size_t)j * ldkv;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0;
            for (int d = 0; d < hd; d++) {
                const float *q = Qt + (size_t)d * QB + c;
                __m256 kb = _mm256_broadcast_ss(k + d);
                a0 = _mm256_fmadd_ps(kb, _mm256_load_ps(q), a0);
                a1 = _mm256_fmadd_ps(kb, _mm256_load_ps(q + 8), a1);
            }
            _mm256_store_ps(St + (size_t)j * QB + c, a0);
            _mm256_store_ps(St + (size_t)j * QB + c + 8, a1);
        }
    }
    /* causal mask: key j is out for query i < j − off */
    for (int j = off + 1 > 0 ? off + 1 : 0; j < nkeys; j++) {
        int c = j - off < QB ? j - off : QB;
        for (int i = 0; i < c; i++) St[(size_t)j * QB + i] = -INFINITY;
    }
    /* online softmax, lane-wise over the queries */
    for (int v = 0; v < QB; v += 8) {
        __m256 mo = _mm256_load_ps(m + v), mx = mo;
        for (int j = 0; j < nkeys; j++) mx = _mm256_max_ps(_mm256_load_ps(St + (size_t)j * QB + v), mx);
        __m256 sum = _mm256_setzero_ps();
        for (int j = 0; j < nkeys; j++) {
            float *s = St + (size_t)j * QB + v;
            __m256 p = exp8(_mm256_sub_ps(_mm256_load_ps(s), mx));
            _mm256_store_ps(s, p);
            sum = _mm256_add_ps(sum, p);
        }
        __m256 al = exp8(_mm256_sub_ps(mo, mx));
        _mm256_store_ps(l + v, _mm256_fmadd_ps(_mm256_load_ps(l + v), al, sum));
        _mm256_store_ps(m + v, mx);
        _mm256_store_ps(alpha + v, al);
    }
    if (!V) return;                             /* weights only */
    /* Ot[d][:] = Ot[d][:]·alpha + Σ_j V[j][d]·St[j][:] */
    for (int c = 0; c < QB; c += 16) {
        const __m256 al0 = _mm256_load_ps(alpha + c), al1 = _mm256_load_ps(alpha + c + 8);
        int d = 0;
        for (; d + R <= hd; d += R) {
            __m256 a[R][2];
#pragma GCC unroll 8
            for (int r = 0; r < R; r++) {
                const float *o = Ot + (size_t)(d + r) * QB + c;
                a[r][0] = _mm256_mul_ps(_mm256_load_ps(o), al0);
                a[r][1] = _mm256_mul_ps(_mm256_load_ps(o + 8), al1);
            }
            for (int j = 0; j < nkeys; j++) {
                const float *p = St + (size_t)j * QB + c, *vr = V + (size_t)j * ldkv + d;
                __m256 p0 = _mm256_load_ps(p), p1 = _mm256_load_ps(p + 8);
#pragma GCC unroll 8
                for (int r = 0; r < R; r++) {
                    __m256 vb = _mm256_broadcast_ss(vr + r);
                    a[r][0] = _mm256_fmadd_ps(vb, p0, a[r][0]);
                    a[r][1] = _mm256_fmadd_ps(vb, p1, a[r][1]);
                }
            }
#pragma GCC unroll 8
            for (int r = 0; r < R; r++) {
                _mm256_store_ps(Ot + (size_t)(d + r) * QB + c, a[r][0]);
                _mm256_store_ps(Ot + (size_t)(d + r) * QB + c + 8, a[r][1]);
            }
        }
        for (; d < hd; d++) {
            float *o = Ot + (size_t)d * QB + c;
            __m256 a0 = _mm256_mul_ps(_mm256_load_ps(o), al0), a1 = _mm256_mul_ps(_mm256_load_ps(o + 8), al1);
            for (int j = 0; j < nkeys; j++) {
                const float *p = St + (size_t)j * QB + c;
                __m256 vb = _mm256_broadcast_ss(V + (size_t)j * ldkv + d);
                a0 = _mm256_fmadd_ps(vb, _mm256_load_ps(p), a0);
                a1 = _mm256_fmadd_ps(vb, _mm256_load_ps(p + 8), a1);
            }
            _mm256_store_ps(o, a0);
            _mm256_store_ps(o + 8, a1);
        }
    }
}

void kern_attn_band_avx2(const float *St, int nkeys, float *band) { kern_attn_band_body(St, nkeys, band); }
