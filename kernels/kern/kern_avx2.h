/* kernels/kern/kern_avx2.h — private: the AVX2+FMA versions of the vector kernels (kern_avx2.c is
 * compiled with -mavx2 -mfma; kern.c calls these only when the CPU has both). */
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

#endif
