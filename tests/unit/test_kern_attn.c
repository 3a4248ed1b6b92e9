/* tests/unit/test_kern_attn.c — the blocked causal attention (kern_attn_causal) on every kernel path
 * this CPU runs against the plain loop in double (scores, softmax over the visible keys, weighted
 * sum): query counts and offsets across the 64-query and 64-key tile edges, head sizes that are and
 * are not multiples of the vector width, row strides, a GQA layout, RoPE'd queries and keys with
 * large scores, and NaN in a key reaching exactly the queries that see it; with each, the weight
 * histogram by distance against the same loop's weights. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "isa_each.h"
#include "kern.h"
#include "kern_rope.h"

static uint64_t rng = 0x243f6a8885a308d3ull;
static float frand(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (float)((rng >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f;
}
static void fill(float *x, size_t n, float s) { for (size_t i = 0; i < n; i++) x[i] = frand() * s; }

/* out[r][d] for r < nq: the textbook loop in double; hist[Δ] (may be NULL) += each weight at its
 * distance p0 + r − j */
static void ref_attn(const float *Q, int ldq, const float *K, const float *V, int ldkv, int nq, int p0, int hd,
                     double scale, double *out, double *hist)
{
    double *s = malloc(sizeof(double) * (size_t)(p0 + nq));
    for (int r = 0; r < nq; r++) {
        int nk = p0 + r + 1;
        double mx = -INFINITY;
        for (int j = 0; j < nk; j++) {
            double a = 0;
            for (int d = 0; d < hd; d++) a += (double)Q[(size_t)r * ldq + d] * K[(size_t)j * ldkv + d];
            s[j] = a * scale;
            mx = s[j] > mx ? s[j] : mx;
        }
        double sum = 0;
        for (int j = 0; j < nk; j++) { s[j] = exp(s[j] - mx); sum += s[j]; }
        if (hist) for (int j = 0; j < nk; j++) hist[p0 + r - j] += s[j] / sum;
        for (int d = 0; d < hd; d++) {
            double o = 0;
            for (int j = 0; j < nk; j++) o += s[j] * V[(size_t)j * ldkv + d];
            out[(size_t)r * hd + d] = o / sum;
        }
    }
    free(s);
}

/* worst |fast − ref| over the outputs and over the weight histogram (relative to max(1, |ref|)); the
 * output row stride ldo > hd and the gap must stay untouched; the histogram sums to nq */
static double run(const float *Q, int ldq, const float *K, const float *V, int ldkv, int nq, int p0, int hd,
                  float scale)
{
    int ldo = hd + 3;
    float *O = malloc(sizeof(float) * (size_t)nq * ldo);
    for (size_t i = 0; i < (size_t)nq * ldo; i++) O[i] = 12345.0f;
    double *ref = malloc(sizeof(double) * (size_t)nq * hd);
    float *scr = aligned_alloc(64, (kern_attn_scratch(hd) * sizeof(float) + 63) / 64 * 64);
    double *hist = calloc((size_t)(p0 + nq), sizeof(double)), *href = calloc((size_t)(p0 + nq), sizeof(double));
    kern_attn_causal(Q, ldq, K, V, ldkv, O, ldo, nq, p0, hd, scale, scr, hist);
    ref_attn(Q, ldq, K, V, ldkv, nq, p0, hd, scale, ref, href);
    double worst = 0, total = 0;
    for (int t = 0; t < p0 + nq; t++) {
        double e = fabs(hist[t] - href[t]) / (fabs(href[t]) > 1 ? fabs(href[t]) : 1);
        if (!(e <= worst)) worst = e;
        total += hist[t];
    }
    CHECK_NEAR(total, nq, 1e-4 * nq);
    free(hist); free(href);
    int gap_ok = 1;
    for (int r = 0; r < nq; r++) {
        for (int d = 0; d < hd; d++) {
            double e = fabs(O[(size_t)r * ldo + d] - ref[(size_t)r * hd + d]);
            if (!(e <= worst)) worst = e;        /* a NaN makes it NaN */
        }
        for (int d = hd; d < ldo; d++) gap_ok &= O[(size_t)r * ldo + d] == 12345.0f;
    }
    CHECK(gap_ok);
    free(O); free(ref); free(scr);
    return worst;
}

static void test_shapes(void)
{
    const int hds[] = { 64, 32, 12, 70, 2 };
    const int nqs[] = { 1, 5, 16, 63, 64, 65, 130, 200 };
    const int p0s[] = { 0, 7, 64, 100 };
    enum { MAXT = 300, LD = 75 };
    float *Q = malloc(sizeof(float) * MAXT * LD), *K = malloc(sizeof(float) * MAXT * LD);
    float *V = malloc(sizeof(float) * MAXT * LD);
    fill(Q, (size_t)MAXT * LD, 1); fill(K, (size_t)MAXT * LD, 1); fill(V, (size_t)MAXT * LD, 1);
    double worst = 0;
    for (size_t a = 0; a < sizeof hds / sizeof *hds; a++)
        for (size_t b = 0; b < sizeof nqs / sizeof *nqs; b++)
            for (size_t c = 0; c < sizeof p0s / sizeof *p0s; c++) {
                int hd = hds[a], nq = nqs[b], p0 = p0s[c];
                /* scores of a few units: softmax neither flat nor one-hot */
                double e = run(Q + (size_t)p0 * LD, LD, K, V, LD, nq, p0, hd, 3.0f / sqrtf((float)hd));
                CHECK(e < 2e-6);
                if (!(e < 2e-6)) printf("  hd %d nq %d p0 %d: error %.3g\n", hd, nq, p0, e);
                worst = e > worst ? e : worst;
            }
    printf("  shapes: worst |error| %.3g\n", worst);
    free(Q); free(K); free(V);
}

/* 4 query heads over 2 kv heads in fused rows [q0 q1 q2 q3 | k0 k1 | v0 v1], head_dim 64; query head h
 * reads kv head h / 2, each with the strides of the fused row. */
static void test_gqa(void)
{
    enum { T = 150, HD = 64, NH = 4, NKV = 2, LD = (NH + 2 * NKV) * HD };
    float *row = malloc(sizeof(float) * T * LD);
    fill(row, (size_t)T * LD, 1);
    double worst = 0;
    for (int h = 0; h < NH; h++) {
        const float *Q = row + h * HD, *K = row + NH * HD + (h / 2) * HD, *V = row + (NH + NKV) * HD + (h / 2) * HD;
        /* the last 90 rows as one call after 60 cached (ldq = ldkv = the fused row) */
        double e = run(Q + (size_t)60 * LD, LD, K, V, LD, T - 60, 60, HD, 0.125f);
        worst = e > worst ? e : worst;
    }
    CHECK(worst < 2e-6);
    printf("  gqa: worst |error| %.3g\n", worst);
    free(row);
}

/* Queries and keys rotated by RoPE (cos/sin rows from a ropecore table, YaRN 8× so the magnitude is
 * > 1), at positions up to 600, with |q|, |k| large enough that scores span tens of units. */
static void test_rope(void)
{
    enum { T = 600, HD = 64 };
    rope_params p;
    rope_params_init(&p);
    p.method = ROPE_YARN;
    p.factor = 8;
    rope_table t;
    CHECK_INT(rope_table_compute(&p, &t, NULL), 0);
    float *cs = malloc(sizeof(float) * T * t.n_pairs), *sn = malloc(sizeof(float) * T * t.n_pairs);
    kern_rope_cossin(&t, KERN_ANGLES_F64, 0, T, cs, sn);
    float *Q = malloc(sizeof(float) * T * HD), *K = malloc(sizeof(float) * T * HD), *V = malloc(sizeof(float) * T * HD);
    fill(Q, (size_t)T * HD, 2.5f); fill(K, (size_t)T * HD, 2.5f); fill(V, (size_t)T * HD, 1);
    for (int i = 0; i < T; i++) {
        kern_rope(Q + (size_t)i * HD, cs + (size_t)i * t.n_pairs, sn + (size_t)i * t.n_pairs, t.n_pairs);
        kern_rope(K + (size_t)i * HD, cs + (size_t)i * t.n_pairs, sn + (size_t)i * t.n_pairs, t.n_pairs);
    }
    double e = run(Q, HD, K, V, HD, T, 0, HD, 0.125f);
    CHECK(e < 1e-5);
    double e2 = run(Q + (size_t)333 * HD, HD, K, V, HD, T - 333, 333, HD, 0.125f);
    CHECK(e2 < 1e-5);
    printf("  rope: worst |error| %.3g, %.3g\n", e, e2);
    free(cs); free(sn); free(Q); free(K); free(V);
}

/* NaN in key 70: queries at positions < 70 are finite (the key is masked for them), the others NaN */
static void test_nan(void)
{
    enum { T = 140, HD = 16 };
    float *Q = malloc(sizeof(float) * T * HD), *K = malloc(sizeof(float) * T * HD), *V = malloc(sizeof(float) * T * HD);
    fill(Q, (size_t)T * HD, 1); fill(K, (size_t)T * HD, 1); fill(V, (size_t)T * HD, 1);
    K[70 * HD + 5] = NAN;
    float *O = malloc(sizeof(float) * T * HD);
    float *scr = aligned_alloc(64, (kern_attn_scratch(HD) * sizeof(float) + 63) / 64 * 64);
    kern_attn_causal(Q, HD, K, V, HD, O, HD, T, 0, HD, 0.25f, scr, NULL);
    int finite_before = 1, nan_after = 1;
    for (int r = 0; r < T; r++)
        for (int d = 0; d < HD; d++) {
            if (r < 70) finite_before &= isfinite(O[r * HD + d]) != 0;
            else nan_after &= isnan(O[r * HD + d]) != 0;
        }
    CHECK(finite_before);
    CHECK(nan_after);
    free(Q); free(K); free(V); free(O); free(scr);
}

static void run_all(void)
{
    test_shapes();
    test_gqa();
    test_rope();
    test_nan();
}

int main(void)
{
    isa_each(run_all);
    return check_done("test_kern_attn");
}
