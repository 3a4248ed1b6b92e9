/* tests/unit/test_kern_gemm.c — kern_gemm_wt (activations times a weight matrix stored row per output,
 * the model's prefill products) on every kernel path this CPU runs against the plain double loop:
 * row counts across the 12-row tile and 192-row block edges, column counts across the 32-column panel
 * edge, depths across the 256-deep block edge, row strides wider than the data, beta 0 and 1, and
 * NaN in one weight reaching exactly its column. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "isa_each.h"
#include "kern.h"

static uint64_t rng = 0x13198a2e03707344ull;
static float frand(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (float)((rng >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f;
}
static void fill(float *x, size_t n) { for (size_t i = 0; i < n; i++) x[i] = frand(); }

/* worst |C − ref| / K over the block, and the gap columns past N untouched */
static double one(int M, int N, int K, float beta)
{
    int lda = K + 5, ldw = K + 3, ldc = N + 7;
    float *A = malloc(sizeof(float) * (size_t)M * lda), *W = malloc(sizeof(float) * (size_t)N * ldw);
    float *C = malloc(sizeof(float) * (size_t)M * ldc), *C0 = malloc(sizeof(float) * (size_t)M * ldc);
    fill(A, (size_t)M * lda); fill(W, (size_t)N * ldw); fill(C, (size_t)M * ldc);
    memcpy(C0, C, sizeof(float) * (size_t)M * ldc);
    kern_gemm_wt(M, N, K, A, lda, W, ldw, beta, C, ldc);
    double worst = 0;
    int gap_ok = 1;
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < N; j++) {
            double s = beta * (double)C0[(size_t)i * ldc + j];
            for (int k = 0; k < K; k++) s += (double)A[(size_t)i * lda + k] * W[(size_t)j * ldw + k];
            double e = fabs(C[(size_t)i * ldc + j] - s) / K;
            if (!(e <= worst)) worst = e;
        }
        for (int j = N; j < ldc; j++) gap_ok &= C[(size_t)i * ldc + j] == C0[(size_t)i * ldc + j];
    }
    CHECK(gap_ok);
    free(A); free(W); free(C); free(C0);
    return worst;
}

static void test_shapes(void)
{
    const int Ms[] = { 1, 3, 12, 13, 17, 64, 200, 401 };
    const int Ns[] = { 1, 16, 31, 32, 33, 70, 256 };
    const int Ks[] = { 1, 7, 64, 256, 257, 768 };
    double worst = 0;
    for (size_t a = 0; a < sizeof Ms / sizeof *Ms; a++)
        for (size_t b = 0; b < sizeof Ns / sizeof *Ns; b++)
            for (size_t c = 0; c < sizeof Ks / sizeof *Ks; c++) {
                if (Ms[a] * Ns[b] * Ks[c] > 20000000) continue;
                for (int bt = 0; bt < 2; bt++) {
                    double e = one(Ms[a], Ns[b], Ks[c], (float)bt);
                    if (!(e < 1e-6)) printf("  M %d N %d K %d beta %d: error %.3g\n", Ms[a], Ns[b], Ks[c], bt, e);
                    CHECK(e < 1e-6);
                    worst = e > worst ? e : worst;
                }
            }
    printf("  worst |error| / K %.3g\n", worst);
}

static void test_nan(void)
{
    enum { M = 30, N = 40, K = 300 };
    static float A[M * K], W[N * K], C[M * N];
    fill(A, M * K); fill(W, N * K);
    W[33 * K + 280] = NAN;                  /* column 33, in the second 256-deep block */
    kern_gemm_wt(M, N, K, A, K, W, K, 0.0f, C, N);
    int ok = 1;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) ok &= (j == 33) == (isnan(C[i * N + j]) != 0);
    CHECK(ok);
}

static void run_all(void)
{
    test_shapes();
    test_nan();
}

int main(void)
{
    isa_each(run_all);
    return check_done("test_kern_gemm");
}
