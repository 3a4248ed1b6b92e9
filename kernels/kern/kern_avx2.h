/* kernels/kern/kern_avx2.h — private: the AVX2+FMA and AVX-512 versions of the vector kernels
 * (kern_avx2.c is compiled with -mavx2 -mfma, kern_avx512.c with -mavx512f as well; kern.c calls
 * each set only when the CPU has it). */
#ifndef KERN_AVX2_H
#define KERN_AVX2_H

float kern_dot_avx2(const float *a, const float *b, int n);
void  kern_matvec_avx2(const float *W, int ldw, const float *x, float *y, int rows, int cols);
void  kern_matvec_t_avx2(const float *A, int lda, const float *x, float *y, int rows, int cols);
void  kern_exp_avx2(float *x, int n);
void  kern_softmax_avx2(float *x, int n);
void  kern_silu_mul_avx2(const float *g, const float *u, float *out, int n);
void  kern_axpy_avx2(float a, const float *x, float *y, int n);
void  kern_rope_avx2(float *x, const float *cs, const float *sn, int n_pairs);

float kern_dot_avx512(const float *a, const float *b, int n);
void  kern_matvec_avx512(const float *W, int ldw, const float *x, float *y, int rows, int cols);
void  kern_matvec_t_avx512(const float *A, int lda, const float *x, float *y, int rows, int cols);
void  kern_exp_avx512(float *x, int n);
void  kern_softmax_avx512(float *x, int n);
void  kern_silu_mul_avx512(const float *g, const float *u, float *out, int n);
void  kern_axpy_avx512(float a, const float *x, float *y, int n);
void  kern_rope_avx512(float *x, const float *cs, const float *sn, int n_pairs);
/* Blocked causal attention (kern_attn.c): one tile step for KERN_ATTN_QB queries against nkeys ≤
 * KERN_ATTN_KB keys. Qt [hd][QB]: the queries, transposed and already scaled; K, V: nkeys rows of
 * stride ldkv (hd used); key j is excluded for query i when j − i > off (off ≥ nkeys: none is).
 * St [KB][QB] scratch; m, l [QB]: running maximum and sum of exp, updated; alpha [QB] scratch;
 * Ot [hd][QB]: outputs (transposed, not yet divided by l), rescaled by exp(m_old − m_new) and
 * accumulated; V = NULL: weights only (St receives the weights exp(s − m_new), m, l and alpha update,
 * Ot is not touched). Every vector version computes what the portable one does, to float rounding. */
#define KERN_ATTN_QB 64
#define KERN_ATTN_KB 64
typedef void (*kern_attn_tile_fn)(const float *Qt, int hd, const float *K, const float *V, int ldkv, int nkeys,
                                  int off, float *St, float *m, float *l, float *alpha, float *Ot);
void kern_attn_tile_portable(const float *Qt, int hd, const float *K, const float *V, int ldkv, int nkeys,
                             int off, float *St, float *m, float *l, float *alpha, float *Ot);
void kern_attn_tile_avx2(const float *Qt, int hd, const float *K, const float *V, int ldkv, int nkeys,
                         int off, float *St, float *m, float *l, float *alpha, float *Ot);
void kern_attn_tile_avx512(const float *Qt, int hd, const float *K, const float *V, int ldkv, int nkeys,
                           int off, float *St, float *m, float *l, float *alpha, float *Ot);
/* C[M][N] = A[M][K]·W[N][K]ᵀ (+ C when beta1): kern_gemm_wt's AVX-512 version */
void kern_gemm_wt_avx512(int M, int N, int K, const float *A, int lda, const float *W, int ldw, int beta1,
                         float *C, int ldc);
/* the tile step of the kernel set in use */
kern_attn_tile_fn kern_attn_tile_active(void);
/* A tile's weights summed along its diagonals (contract in kern_attn_band.h), per kernel set. */
typedef void (*kern_attn_band_fn)(const float *St, int nkeys, float *band);
void kern_attn_band_portable(const float *St, int nkeys, float *band);
void kern_attn_band_avx2(const float *St, int nkeys, float *band);
void kern_attn_band_avx512(const float *St, int nkeys, float *band);
kern_attn_band_fn kern_attn_band_active(void);

/* 12 FMA chains × (8 | 16) lanes for `iters` rounds; returns a sum so the loop is kept */
float kern_fma_loop_avx2(long iters);
float kern_fma_loop_avx512(long iters);

#endif
