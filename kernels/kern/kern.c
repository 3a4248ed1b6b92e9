/* kernels/kern/kern.c — the portable kernels, the run-time choice between them and the AVX2 and
 * AVX-512 sets (once, at the first call), and the BLAS product wrapper. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <cblas.h>
#include "kern.h"
#include "kern_avx2.h"

/* The three kernel sets; `active` points at one of them. Chosen once by pthread_once (no data race
 * between threads that call a kernel first at the same time); kern_set_isa swaps it for tests. */
static float k_dot(const float *a, const float *b, int n)
{
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static void k_matvec(const float *W, int ldw, const float *x, float *y, int rows, int cols)
{
    for (int r = 0; r < rows; r++) {
        const float *w = W + (size_t)r * ldw;
        float s = 0.0f;
        for (int c = 0; c < cols; c++) s += w[c] * x[c];
        y[r] = s;
    }
}

static void k_matvec_t(const float *A, int lda, const float *x, float *y, int rows, int cols)
{
    for (int c = 0; c < cols; c++) y[c] = 0.0f;
    for (int r = 0; r < rows; r++) {
        const float *a = A + (size_t)r * lda;
        for (int c = 0; c < cols; c++) y[c] += x[r] * a[c];
    }
}

static void k_exp(float *x, int n)
{
    for (int i = 0; i < n; i++) x[i] = expf(x[i]);
}

static void k_softmax(float *x, int n)
{
    if (n <= 0) return;
    float m = x[0];
    for (int i = 1; i < n; i++) m = x[i] > m ? x[i] : m;
    float s = 0.0f;
    for (int i = 0; i < n; i++) { x[i] = expf(x[i] - m); s += x[i]; }
    float inv = 1.0f / s;
    for (int i = 0; i < n; i++) x[i] *= inv;
}

static void k_silu_mul(const float *g, const float *u, float *out, int n)
{
    for (int i = 0; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

static void k_axpy(float a, const float *x, float *y, int n)
{
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

static void k_rope(float *x, const float *cs, const float *sn, int n_pairs)
{
    for (int i = 0; i < n_pairs; i++) {
        float x0 = x[2 * i], x1 = x[2 * i + 1];
        x[2 * i] = x0 * cs[i] - x1 * sn[i];
        x[2 * i + 1] = x0 * sn[i] + x1 * cs[i];
    }
}

typedef struct {
    float (*dot)(const float *, const float *, int);
    void (*matvec)(const float *, int, const float *, float *, int, int);
    void (*matvec_t)(const float *, int, const float *, float *, int, int);
    void (*exp)(float *, int);
    void (*softmax)(float *, int);
    void (*silu_mul)(const float *, const float *, float *, int);
    void (*axpy)(float, const float *, float *, int);
    void (*rope)(float *, const float *, const float *, int);
    kern_attn_tile_fn attn_tile;
    kern_attn_band_fn attn_band;
} kern_impl;

static const kern_impl impls[3] = {
    [KERN_ISA_PORTABLE] = { k_dot, k_matvec, k_matvec_t, k_exp, k_softmax, k_silu_mul, k_axpy, k_rope,
                               kern_attn_tile_portable, kern_attn_band_portable },
    [KERN_ISA_AVX2] = { kern_dot_avx2, kern_matvec_avx2, kern_matvec_t_avx2, kern_exp_avx2, kern_softmax_avx2,
                        kern_silu_mul_avx2, kern_axpy_avx2, kern_rope_avx2, kern_attn_tile_avx2,
                        kern_attn_band_avx2 },
    [KERN_ISA_AVX512] = { kern_dot_avx512, kern_matvec_avx512, kern_matvec_t_avx512, kern_exp_avx512,
                          kern_softmax_avx512, kern_silu_mul_avx512, kern_axpy_avx512, kern_rope_avx512,
                          kern_attn_tile_avx512, kern_attn_band_avx512 },
};

static pthread_once_t isa_once = PTHREAD_ONCE_INIT;
static kern_isa isa_best;                       /* written once inside isa_once */
static _Atomic int isa_active = -1;             /* kern_isa in use */

static void isa_detect(void)
{
    __builtin_cpu_init();
    kern_isa b = KERN_ISA_PORTABLE;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        b = KERN_ISA_AVX2;
        /* __builtin_cpu_supports checks the OS saves the ZMM state (XCR0) as well as CPUID */
        if (__builtin_cpu_supports("avx512f")) b = KERN_ISA_AVX512;
    }
    isa_best = b;
    atomic_store(&isa_active, (int)b);
}

kern_isa kern_isa_best(void)
{
    pthread_once(&isa_once, isa_detect);
    return isa_best;
}

kern_isa kern_isa_active(void)
{
    pthread_once(&isa_once, isa_detect);
    return (kern_isa)atomic_load_explicit(&isa_active, memory_order_relaxed);
}

static inline const kern_impl *K(void) { return &impls[kern_isa_active()]; }

int kern_set_isa(kern_isa isa)
{
    if ((int)isa < 0 || isa > kern_isa_best()) return -1;
    atomic_store(&isa_active, (int)isa);
    return 0;
}

const char *kern_isa_name(kern_isa isa)
{
    return isa == KERN_ISA_AVX512 ? "avx512" : isa == KERN_ISA_AVX2 ? "avx2+fma" : "portable";
}

int kern_have_avx2(void) { return kern_isa_active() >= KERN_ISA_AVX2; }

void kern_force_scalar(int on) { kern_set_isa(on ? KERN_ISA_PORTABLE : kern_isa_best()); }

const char *kern_backend(void)
{
    static const char *names[3][3] = {
        { "portable (best of portable), OpenBLAS sgemm", NULL, NULL },
        { "portable (best of avx2+fma), OpenBLAS sgemm", "avx2+fma (best of avx2+fma), OpenBLAS sgemm", NULL },
        { "portable (best of avx512), OpenBLAS sgemm", "avx2+fma (best of avx512), OpenBLAS sgemm",
          "avx512 (best of avx512), own prefill products and attention, OpenBLAS sgemm" },
    };
    return names[kern_isa_best()][kern_isa_active()];
}

float kern_dot(const float *a, const float *b, int n) { return K()->dot(a, b, n); }

void kern_matvec(const float *W, int ldw, const float *x, float *y, int rows, int cols)
{
    K()->matvec(W, ldw, x, y, rows, cols);
}

void kern_matvec_t(const float *A, int lda, const float *x, float *y, int rows, int cols)
{
    K()->matvec_t(A, lda, x, y, rows, cols);
}

void kern_rmsnorm(const float *x, const float *g, float *out, int n, float eps)
{
    float ss = kern_dot(x, x, n);
    float k = 1.0f / sqrtf(ss / (float)n + eps);
    for (int i = 0; i < n; i++) out[i] = x[i] * k * g[i];
}

void kern_exp(float *x, int n) { K()->exp(x, n); }

void kern_softmax(float *x, int n) { K()->softmax(x, n); }

void kern_silu_mul(const float *g, const float *u, float *out, int n) { K()->silu_mul(g, u, out, n); }

void kern_axpy(float a, const float *x, float *y, int n) { K()->axpy(a, x, y, n); }

void kern_scale(float a, float *y, int n)
{
    for (int i = 0; i < n; i++) y[i] *= a;
}

void kern_rope(float *x, const float *cs, const float *sn, int n_pairs) { K()->rope(x, cs, sn, n_pairs); }

kern_attn_tile_fn kern_attn_tile_active(void) { return K()->attn_tile; }
kern_attn_band_fn kern_attn_band_active(void) { return K()->attn_band; }

void kern_gemm(int transB, int M, int N, int K, float alpha, const float *A, int lda,
               const float *B, int ldb, float beta, float *C, int ldc)
{
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        for (int i = 0; i < M; i++) kern_scale(beta, C + (size_t)i * ldc, N);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transB ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda,
                B, ldb, beta, C, ldc);
}

void kern_gemm_wt(int M, int N, int K, const float *A, int lda, const float *W, int ldw, float beta,
                  float *C, int ldc)
{
    if (M <= 0 || N <= 0) return;
    if (kern_isa_active() == KERN_ISA_AVX512 && K > 0 && (beta == 0.0f || beta == 1.0f)) {
        kern_gemm_wt_avx512(M, N, K, A, lda, W, ldw, beta == 1.0f, C, ldc);
        return;
    }
    kern_gemm(1, M, N, K, 1.0f, A, lda, W, ldw, beta, C, ldc);
}

/* --- measured FMA peak ------------------------------------------------------------------------- */
typedef struct { long iters; _Atomic float sink; } peak_arg;

static float fma_loop_portable(long iters)
{
    float a[12][8];
    for (int k = 0; k < 12; k++)
        for (int l = 0; l < 8; l++) a[k][l] = (float)k;
    for (long i = 0; i < iters; i++)
        for (int k = 0; k < 12; k++)
            for (int l = 0; l < 8; l++) a[k][l] = fmaf(a[k][l], 0.999999f, 1e-7f);
    float s = 0.0f;
    for (int k = 0; k < 12; k++)
        for (int l = 0; l < 8; l++) s += a[k][l];
    return s;
}

static int peak_lanes(void)
{
    kern_isa isa = kern_isa_active();
    return isa == KERN_ISA_AVX512 ? 16 : 8;
}

static void peak_task(void *a_, int ith, int nth)
{
    peak_arg *a = a_;
    (void)ith;
    (void)nth;
    kern_isa isa = kern_isa_active();
    float s = isa == KERN_ISA_AVX512 ? kern_fma_loop_avx512(a->iters)
            : isa == KERN_ISA_AVX2   ? kern_fma_loop_avx2(a->iters) : fma_loop_portable(a->iters);
    atomic_store(&a->sink, s);
}

static double now_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts)) return -1.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double kern_peak_gflops(kern_pool *p, double seconds)
{
    int nt = kern_pool_size(p);
    peak_arg a = { 1000, 0.0f };
    double best = 0.0, spent = 0.0;
    /* grow the round until one takes ≥ 1/8 of the budget, then keep the best of the rounds */
    while (spent < seconds) {
        double t0 = now_s();
        kern_pool_run(p, peak_task, &a);
        double dt = now_s() - t0;
        if (t0 < 0 || dt <= 0) return -1.0;
        spent += dt;
        double gf = (double)nt * (double)a.iters * 12.0 * peak_lanes() * 2.0 / dt * 1e-9;
        if (dt * 8 < seconds) a.iters *= 2;
        else best = gf > best ? gf : best;
    }
    return best > 0 ? best : -1.0;
}
