/* kernels/kern/kern.h — tensor kernels and the thread pool the transformer runs on.
 *
 * Contract: plain functions on row-major float arrays. Each vector kernel has three versions — AVX-512
 * (AVX-512F), AVX2+FMA and portable C — and the best one the CPU has is chosen once, at the first
 * call (pthread_once, so threads may race to it safely); results agree to float rounding and NaN
 * propagates as in the portable loops (the tests compare every path the CPU can run with plain
 * reference loops). kern_gemm hands products to OpenBLAS sgemm, run single-threaded inside each of
 * our own threads; the prefill's weight products (kern_gemm_wt) and causal attention
 * (kern_attn_causal) have their own blocked kernels. The pool cuts a run into as many parts as it has
 * threads; any thread (the caller included) claims any unclaimed part, so a descheduled or sleeping
 * worker never stalls the caller. Idle workers sleep on a condition variable after a short bounded
 * spin (never an unbounded busy wait). No globals beyond the chosen kernel set; never prints or exits. */
#ifndef KERN_H
#define KERN_H

#include "rope_error.h"

/* --- thread pool ------------------------------------------------------------------------------- */
typedef struct kern_pool kern_pool;
typedef void (*kern_task)(void *arg, int ith, int nth);

/* n_threads counts the caller (1 = no workers). NULL with a message on failure. Also sets
 * OpenBLAS to one thread per call: the pool supplies the parallelism. */
kern_pool *kern_pool_create(int n_threads, rope_error *err);
void kern_pool_free(kern_pool *p);
int  kern_pool_size(const kern_pool *p);
/* fn(arg, part, n) once for every part 0 ≤ part < n = kern_pool_size(p), each part on whichever
 * thread claims it first (possibly all on the caller); returns when every part has returned.
 * Per-part scratch indexed by `part` is safe: no two threads run the same part at once. */
void kern_pool_run(kern_pool *p, kern_task fn, void *arg);
/* The same with `parts` parts (more parts than threads let the caller take over the share of a
 * worker that is descheduled). */
void kern_pool_run_parts(kern_pool *p, kern_task fn, void *arg, int parts);
/* Index of the calling thread inside the pool running it: 0 for the caller, 1… for workers;
 * for per-thread scratch when parts outnumber threads. */
int  kern_pool_tid(void);
/* The ith of nth contiguous parts of [0, n), boundaries multiples of `align` (except n). */
void kern_split(int n, int ith, int nth, int align, int *lo, int *hi);

/* --- vector kernels ------------------------------------------------------------------------------ */
float kern_dot(const float *a, const float *b, int n);
/* y[r] = Σ_c W[r·ldw + c]·x[c] for r in [0, rows) */
void  kern_matvec(const float *W, int ldw, const float *x, float *y, int rows, int cols);
/* y[c] = Σ_r x[r]·A[r·lda + c] for c in [0, cols): xᵀA, e.g. attention weights times values */
void  kern_matvec_t(const float *A, int lda, const float *x, float *y, int rows, int cols);
/* out = x / sqrt(mean(x²) + eps) · g   (out may alias x) */
void  kern_rmsnorm(const float *x, const float *g, float *out, int n, float eps);
/* in place: x = exp(x − max) / Σ exp(x − max) */
void  kern_softmax(float *x, int n);
/* in place: x = exp(x) (relative error < 3e-7 for x in [−87, 88]; below that, 0 or a subnormal) */
void  kern_exp(float *x, int n);
/* out = g·sigmoid(g)·u  (out may alias g or u) */
void  kern_silu_mul(const float *g, const float *u, float *out, int n);
/* y += a·x */
void  kern_axpy(float a, const float *x, float *y, int n);
/* y = a·y */
void  kern_scale(float a, float *y, int n);
/* Adjacent-pair rotation of x[0 .. 2·n_pairs): (x0, x1) → (x0·c − x1·s, x0·s + x1·c) with
 * c = cs[i], s = sn[i] (magnitude already folded into both). */
void  kern_rope(float *x, const float *cs, const float *sn, int n_pairs);

/* Causal attention of one head, exact (softmax over all visible keys, computed tile by tile with a
 * running maximum and sum: the scores of a query never exist as one row). Query r in [0, nq) sits at
 * position q_pos0 + r and sees keys 0 … q_pos0 + r:
 *   O[r] = Σ_j w_rj V[j],  w_r = softmax_j(scale · Q[r]·K[j]).
 * Q [nq][ldq], K and V [q_pos0 + nq][ldkv], O [nq][ldo], each row's first hd floats used.
 * scratch: kern_attn_scratch(hd) floats, 64-byte aligned, owned by the calling thread. Agrees with
 * the plain loop (scores, softmax, weighted sum) to float rounding.
 * w_hist (NULL: none) [q_pos0 + nq]: receives, for every query r and visible key j, w_rj added at
 * the distance q_pos0 + r − j (so each query adds 1 in all). It costs a second sweep of scores and
 * exponentials per block (no second weights × values): about half the attention again. */
size_t kern_attn_scratch(int hd);
void  kern_attn_causal(const float *Q, int ldq, const float *K, const float *V, int ldkv, float *O, int ldo,
                       int nq, int q_pos0, int hd, float scale, float *scratch, double *w_hist);

/* C[M][N] = alpha · A[M][K] · op(B) + beta · C. transB = 1: B is [N][K] (ldb ≥ K), i.e. C = A·Bᵀ;
 * transB = 0: B is [K][N]. */
void  kern_gemm(int transB, int M, int N, int K, float alpha, const float *A, int lda,
                const float *B, int ldb, float beta, float *C, int ldc);

/* C[M][N] = A[M][K]·W[N][K]ᵀ + beta·C with beta 0 or 1: activations times a weight matrix stored
 * row per output (the model's prefill products). On the AVX-512 set our own kernel (W packed into
 * 32-column panels on the fly, 12 × 32 register tiles); otherwise kern_gemm. Agrees with the plain
 * loop to float rounding; the trainer keeps kern_gemm. */
void  kern_gemm_wt(int M, int N, int K, const float *A, int lda, const float *W, int ldw, float beta,
                   float *C, int ldc);

/* This machine's fp32 FMA throughput, GFLOP/s, measured now: independent FMA chains of the widest
 * kernel set in use on every thread of `p` (NULL: one thread) for about `seconds`. The "peak"
 * that trainer and engine figures are a share of; -1 if the clock fails. */
double kern_peak_gflops(kern_pool *p, double seconds);

/* --- run-time dispatch ---------------------------------------------------------------------------- */
typedef enum { KERN_ISA_PORTABLE = 0, KERN_ISA_AVX2 = 1, KERN_ISA_AVX512 = 2 } kern_isa;
/* The best kernel set this CPU can run (AVX-512 needs AVX-512F + AVX2 + FMA and OS support). */
kern_isa    kern_isa_best(void);
/* The kernel set in use (kern_isa_best() unless kern_set_isa chose a lower one). */
kern_isa    kern_isa_active(void);
/* Uses `isa` from now on (tests, benchmarks); -1 when the CPU cannot run it. Not for use while other
 * threads run kernels. */
int         kern_set_isa(kern_isa isa);
/* "avx512", "avx2+fma" or "portable" */
const char *kern_isa_name(kern_isa isa);
/* The kernel set in use plus the BLAS, e.g. "avx2+fma (best of avx2+fma), OpenBLAS sgemm". */
const char *kern_backend(void);
/* 1 when the kernel set in use has AVX2+FMA (the AVX-512 set includes them); other rooms' own
 * AVX2 loops test this. kern_force_scalar(1) switches to the portable set, (0) back to the best. */
int  kern_have_avx2(void);
void kern_force_scalar(int on);

#endif
