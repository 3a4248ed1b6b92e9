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
/* 12 FMA chains × (8 | 16) lanes for `iters` rounds; returns a sum so the loop is kept */
float kern_fma_loop_avx2(long iters);
float kern_fma_loop_avx512(long iters);

#endif
