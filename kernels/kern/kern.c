/* kernels/kern/kern.c — the scalar kernels, the run-time choice between them and the AVX2 ones, and the
 * BLAS product wrapper. */
#include <math.h>
#include <cblas.h>
#include "kern.h"
#include "kern_avx2.h"

static int use_avx2 = -1;   /* -1 unknown, 0 scalar, 1 avx2 */
static int forced_scalar;

int kern_have_avx2(void)
{
    if (use_avx2 < 0) {
        __builtin_cpu_init();
        use_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return use_avx2 && !forced_scalar;
}

void kern_force_scalar(int on) { forced_scalar = on; }

const char *kern_backend(void)
{
    return kern_have_avx2() ? "avx2+fma, OpenBLAS sgemm" : "scalar, OpenBLAS sgemm";
}

float kern_dot(const float *a, const float *b, int n)
{
    if (kern_have_avx2()) return kern_dot_avx2(a, b, n);
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

void kern_matvec(const float *W, int ldw, const float *x, float *y, int rows, int cols)
{
    if (kern_have_avx2()) { kern_matvec_avx2(W, ldw, x, y, rows, cols); return; }
    for (int r = 0; r < rows; r++) {
        const float *w = W + (size_t)r * ldw;
        float s = 0.0f;
        for (int c = 0; c < cols; c++) s += w[c] * x[c];
        y[r] = s;
    }
}

void kern_matvec_t(const float *A, int lda, const float *x, float *y, int rows, int cols)
{
    if (kern_have_avx2()) { kern_matvec_t_avx2(A, lda, x, y, rows, cols); return; }
    for (int c = 0; c < cols; c++) y[c] = 0.0f;
    for (int r = 0; r < rows; r++) {
        const float *a = A + (size_t)r * lda;
        for (int c = 0; c < cols; c++) y[c] += x[r] * a[c];
    }
}

void kern_rmsnorm(const float *x, const float *g, float *out, int n, float eps)
{
    float ss = kern_dot(x, x, n);
    float k = 1.0f / sqrtf(ss / (float)n + eps);
    for (int i = 0; i < n; i++) out[i] = x[i] * k * g[i];
}

void kern_exp(float *x, int n)
{
    if (kern_have_avx2()) { kern_exp_avx2(x, n); return; }
    for (int i = 0; i < n; i++) x[i] = expf(x[i]);
}

void kern_softmax(float *x, int n)
{
    if (kern_have_avx2()) { kern_softmax_avx2(x, n); return; }
    if (n <= 0) return;
    float m = x[0];
    for (int i = 1; i < n; i++) m = x[i] > m ? x[i] : m;
    float s = 0.0f;
    for (int i = 0; i < n; i++) { x[i] = expf(x[i] - m); s += x[i]; }
    float inv = 1.0f / s;
    for (int i = 0; i < n; i++) x[i] *= inv;
}

void kern_silu_mul(const float *g, const float *u, float *out, int n)
{
    if (kern_have_avx2()) { kern_silu_mul_avx2(g, u, out, n); return; }
    for (int i = 0; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

void kern_axpy(float a, const float *x, float *y, int n)
{
    if (kern_have_avx2()) { kern_axpy_avx2(a, x, y, n); return; }
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

void kern_scale(float a, float *y, int n)
{
    for (int i = 0; i < n; i++) y[i] *= a;
}

void kern_rope(float *x, const float *cs, const float *sn, int n_pairs)
{
    if (kern_have_avx2()) { kern_rope_avx2(x, cs, sn, n_pairs); return; }
    for (int i = 0; i < n_pairs; i++) {
        float x0 = x[2 * i], x1 = x[2 * i + 1];
        x[2 * i] = x0 * cs[i] - x1 * sn[i];
        x[2 * i + 1] = x0 * sn[i] + x1 * cs[i];
    }
}

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
