/* tests/unit/test_kernels.c — every tensor kernel on every path this CPU runs (AVX-512, AVX2+FMA,
 * portable) against a plain double reference loop on odd sizes, exp against libm, NaN/inf handled as
 * libm's expf and the portable softmax do, and the thread pool (splits cover exactly, many
 * back-to-back runs complete, nested sizes). */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "kern.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static float frand(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (float)((rng >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f;
}
static void fill(float *x, int n, float s) { for (int i = 0; i < n; i++) x[i] = frand() * s; }

/* NaN and infinities: exp as expf; softmax as the portable loop, i.e. a NaN or +inf anywhere in the
 * row makes every output NaN (never a finite probability); silu of NaN is NaN. */
static void test_nonfinite(void)
{
    for (int n = 1; n <= 41; n += 4) {
        for (int at = 0; at < n; at += 3) {
            float x[41];
            fill(x, n, 5);
            x[at] = NAN;
            kern_softmax(x, n);
            int nan = 0;
            for (int i = 0; i < n; i++) nan += isnan(x[i]);
            CHECK_INT(nan, n);
            fill(x, n, 5);
            x[at] = INFINITY;
            kern_softmax(x, n);
            nan = 0;
            for (int i = 0; i < n; i++) nan += isnan(x[i]);
            CHECK_INT(nan, n);
        }
    }
    float e[19];
    for (int i = 0; i < 19; i++) e[i] = (float)i - 9.0f;
    e[3] = NAN; e[17] = INFINITY; e[18] = -INFINITY;
    kern_exp(e, 19);
    CHECK(isnan(e[3]));
    CHECK(isinf(e[17]) && e[17] > 0);
    CHECK(e[18] == 0.0f);
    CHECK_REL(e[9], 1.0, 1e-7);
    float g[17], u[17], o[17];
    for (int i = 0; i < 17; i++) { g[i] = 0.5f; u[i] = 1.0f; }
    g[16] = NAN; g[5] = NAN;
    kern_silu_mul(g, u, o, 17);
    CHECK(isnan(o[16]) && isnan(o[5]));
    CHECK_NEAR(o[0], 0.5 / (1 + exp(-0.5)), 1e-6);
}

static void test_vector(const char *path)
{
    (void)path;
    enum { N = 203 };
    float a[N], b[N], y[N], z[N];
    fill(a, N, 1); fill(b, N, 1);
    for (int n = 0; n <= N; n += 29) {
        double ref = 0;
        for (int i = 0; i < n; i++) ref += (double)a[i] * b[i];
        CHECK_NEAR(kern_dot(a, b, n), ref, 1e-5 * (n + 1));
    }
    /* matvec 37×203 with ldw 211 */
    static float W[37 * 211];
    fill(W, 37 * 211, 1);
    for (int rows = 1; rows <= 37; rows += 6) {
        kern_matvec(W, 211, a, y, rows, N);
        for (int r = 0; r < rows; r++) {
            double ref = 0;
            for (int c = 0; c < N; c++) ref += (double)W[r * 211 + c] * a[c];
            CHECK_NEAR(y[r], ref, 2e-5 * N);
        }
    }
    /* transposed matvec y = xᵀW over 37 rows, column counts across the 8-lane and 64-column edges */
    for (int cols = 1; cols <= 203; cols += (cols < 70 ? 7 : 61)) {
        kern_matvec_t(W, 211, a, y, 37, cols);
        for (int c = 0; c < cols; c++) {
            double ref = 0;
            for (int r = 0; r < 37; r++) ref += (double)a[r] * W[r * 211 + c];
            CHECK_NEAR(y[c], ref, 2e-5 * 37);
        }
    }
    /* rmsnorm */
    float g[N];
    fill(g, N, 2);
    kern_rmsnorm(a, g, y, N, 1e-5f);
    double ss = 0;
    for (int i = 0; i < N; i++) ss += (double)a[i] * a[i];
    double k = 1.0 / sqrt(ss / N + 1e-5);
    for (int i = 0; i < N; i += 7) CHECK_NEAR(y[i], a[i] * k * g[i], 1e-5);
    /* exp against libm, relative */
    float e[N];
    for (int i = 0; i < N; i++) e[i] = -87.0f + 175.0f * (float)i / (N - 1);
    memcpy(z, e, sizeof e);
    kern_exp(z, N);
    double worst = 0;
    for (int i = 0; i < N; i++) {
        double r = fabs(z[i] - exp((double)e[i])) / exp((double)e[i]);
        worst = r > worst ? r : worst;
    }
    CHECK(worst < 3e-7);
    float tiny[9] = { -100, -88, -1000, 0, 1, -1, 0.5f, -0.5f, 88 };
    kern_exp(tiny, 9);
    CHECK_NEAR(tiny[0], 0, 1e-37);
    CHECK_NEAR(tiny[2], 0, 1e-37);
    CHECK_NEAR(tiny[3], 1, 1e-7);
    CHECK_REL(tiny[4], M_E, 2e-7);
    CHECK_REL(tiny[8], exp(88.0), 1e-6);
    /* softmax */
    for (int n = 1; n <= N; n += 50) {
        fill(z, n, 20);
        memcpy(y, z, sizeof(float) * n);
        kern_softmax(y, n);
        double m = z[0], s = 0, sum = 0;
        for (int i = 1; i < n; i++) m = z[i] > m ? z[i] : m;
        for (int i = 0; i < n; i++) s += exp((double)z[i] - m);
        for (int i = 0; i < n; i++) { CHECK_NEAR(y[i], exp((double)z[i] - m) / s, 1e-6); sum += y[i]; }
        CHECK_NEAR(sum, 1, 1e-5);
    }
    /* silu·u */
    fill(z, N, 12);
    kern_silu_mul(z, b, y, N);
    for (int i = 0; i < N; i++) CHECK_NEAR(y[i], z[i] / (1 + exp(-(double)z[i])) * b[i], 2e-6 * (1 + fabsf(z[i])));
    /* axpy */
    memcpy(y, b, sizeof b);
    kern_axpy(0.75f, a, y, N);
    for (int i = 0; i < N; i += 5) CHECK_NEAR(y[i], b[i] + 0.75 * a[i], 1e-6);
    /* rope: pairs rotated by angle t_i with magnitude m folded in */
    for (int np = 1; np <= 37; np += 4) {
        float x[74], cs[37], sn[37];
        fill(x, 2 * np, 1);
        memcpy(y, x, sizeof(float) * 2 * np);
        for (int i = 0; i < np; i++) { double t = 0.3 * i + 0.1; cs[i] = (float)(1.2 * cos(t)); sn[i] = (float)(1.2 * sin(t)); }
        kern_rope(y, cs, sn, np);
        for (int i = 0; i < np; i++) {
            double t = 0.3 * i + 0.1;
            CHECK_NEAR(y[2 * i], 1.2 * (x[2 * i] * cos(t) - x[2 * i + 1] * sin(t)), 1e-6);
            CHECK_NEAR(y[2 * i + 1], 1.2 * (x[2 * i] * sin(t) + x[2 * i + 1] * cos(t)), 1e-6);
        }
    }
}

static void test_gemm(void)
{
    enum { M = 19, N = 23, K = 37 };
    static float A[M * 40], B[N * 40], Bt[K * 30], C[M * 30];
    fill(A, M * 40, 1); fill(B, N * 40, 1); fill(Bt, K * 30, 1); fill(C, M * 30, 1);
    static float C0[M * 30];
    memcpy(C0, C, sizeof C);
    kern_gemm(1, M, N, K, 0.5f, A, 40, B, 40, 2.0f, C, 30);   /* C = 0.5·A·Bᵀ + 2·C */
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < K; k++) s += (double)A[i * 40 + k] * B[j * 40 + k];
            CHECK_NEAR(C[i * 30 + j], 0.5 * s + 2.0 * C0[i * 30 + j], 1e-5 * K);
        }
    kern_gemm(0, M, N, K, 1.0f, A, 40, Bt, 30, 0.0f, C, 30);  /* C = A·B */
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < K; k++) s += (double)A[i * 40 + k] * Bt[k * 30 + j];
            CHECK_NEAR(C[i * 30 + j], s, 1e-5 * K);
        }
}

typedef struct { long long *hits; int n; int align; } split_arg;
static void split_task(void *arg, int ith, int nth)
{
    split_arg *a = arg;
    int lo, hi;
    kern_split(a->n, ith, nth, a->align, &lo, &hi);
    if (lo < hi && a->align > 1 && lo % a->align) a->hits[a->n] += 1000;   /* misaligned start */
    for (int i = lo; i < hi; i++) a->hits[i]++;
    int tid = kern_pool_tid();
    if (tid < 0 || tid >= 3) a->hits[a->n] += 1000000;
}

static void test_pool(void)
{
    rope_error err = {{0}};
    for (int nt = 1; nt <= 3; nt++) {
        kern_pool *p = kern_pool_create(nt, &err);
        CHECK(p != NULL);
        if (!p) continue;
        CHECK_INT(kern_pool_size(p), nt);
        long long hits[1001];
        int total_bad = 0;
        for (int run = 0; run < 3000; run++) {
            int n = run % 1000;
            memset(hits, 0, sizeof hits);
            split_arg a = { hits, n, (run % 3) ? 8 : 1 };
            kern_pool_run(p, split_task, &a);
            for (int i = 0; i < n; i++) total_bad += hits[i] != 1;
            total_bad += hits[n] != 0;
        }
        CHECK_INT(total_bad, 0);
        /* pauses long enough for the workers to go to sleep, then wake them */
        for (int run = 0; run < 3; run++) {
            usleep(3000);
            memset(hits, 0, sizeof hits);
            split_arg a = { hits, 100, 1 };
            kern_pool_run(p, split_task, &a);
            int bad = 0;
            for (int i = 0; i < 100; i++) bad += hits[i] != 1;
            CHECK_INT(bad, 0);
        }
        kern_pool_free(p);
    }
    /* more parts than threads: every part exactly once, thread ids in range */
    {
        kern_pool *p = kern_pool_create(2, &err);
        long long hits[1001];
        int bad = 0;
        for (int run = 0; run < 500; run++) {
            memset(hits, 0, sizeof hits);
            split_arg a = { hits, 1000, 1 };
            kern_pool_run_parts(p, split_task, &a, 1 + run % 9);
            for (int i = 0; i < 1000; i++) bad += hits[i] != 1;
        }
        CHECK_INT(bad, 0);
        kern_pool_free(p);
    }
    CHECK(kern_pool_create(0, &err) == NULL);
    CHECK_HAS(err.msg, "thread count");
}

int main(void)
{
    kern_isa best = kern_isa_best();
    CHECK(kern_isa_active() == best);
    /* every path this CPU can run, each against the reference loops */
    for (int isa = KERN_ISA_PORTABLE; isa <= KERN_ISA_AVX512; isa++) {
        if (isa > (int)best) {
            printf("path %s: not supported by this CPU, not tested here\n", kern_isa_name((kern_isa)isa));
            CHECK(kern_set_isa((kern_isa)isa) == -1);
            continue;
        }
        CHECK(kern_set_isa((kern_isa)isa) == 0);
        CHECK(kern_isa_active() == (kern_isa)isa);
        CHECK(kern_have_avx2() == (isa >= KERN_ISA_AVX2));
        CHECK_HAS(kern_backend(), kern_isa_name((kern_isa)isa));
        test_vector(kern_isa_name((kern_isa)isa));
        test_nonfinite();
        printf("path %s: tested\n", kern_isa_name((kern_isa)isa));
    }
    kern_force_scalar(1);
    CHECK(kern_isa_active() == KERN_ISA_PORTABLE);
    kern_force_scalar(0);
    CHECK(kern_isa_active() == best);
    test_gemm();
    test_pool();
    printf("backend: %s\n", kern_backend());
    return check_done("test_kernels");
}
