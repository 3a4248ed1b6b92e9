/* kernels/eval/eval_decay.h — attention decay over distance on a real model: the mean pre-softmax score
 * S(Δ) and the mean softmax weight W(Δ) at every distance Δ = 0 … N−1, per layer and head, from the
 * pre-rotation q and k the forward pass hands over (model_probe) and the weights its softmax sums.
 *
 * Contract: S(Δ) = mean over m = Δ … N−1 of q_m·k_{m−Δ}, the dot product after RoPE with the table's
 * magnitude on cos and sin, before the 1/√head_dim scale; a GQA head uses its own key head. With q̃,
 * k̃ the pre-rotation pairs as complex numbers, S(Δ) = Re Σ_i w_i e^{iθ'_iΔ} C_i(Δ)/(N−Δ), C_i the
 * cross-correlation of q̃_i and k̃_i, w_i = magnitude² on rotary pairs and 1 (θ' = 0) on the
 * non-rotating rest. eval_decay_scores_fft computes the C_i with FFTW in double precision (single
 * precision leaves ~1e-3 relative error at the largest Δ, where few products are averaged; the
 * plans are made once in eval_decay_init and reused); eval_decay_scores_direct is the O(N²) sum of
 * the same products (float GEMM of the rotated rows, double sums along diagonals). θ' and the
 * magnitude come from the table the forward pass ran with (ropecore's rope_table_compute, at
 * seq_len N for dynamic methods); nothing here computes a frequency. W(Δ) = Σ_m weight(m → m−Δ)/(N−Δ).
 * Memory is allocated by eval_decay_init; errors are -1 plus one rope_error line; nothing prints. */
#ifndef EVAL_DECAY_H
#define EVAL_DECAY_H

#include <stddef.h>
#include "kern.h"
#include "model.h"
#include "rope.h"

#define EVAL_DECAY_MAX_THREADS 64

typedef struct eval_decay {
    int n;                  /* tokens N */
    int n_fft;              /* FFT length: a power of two >= 2N − 1 (no wrap-around) */
    int n_layer_all;        /* the model's layers (rows of hist) */
    int layer_lo, n_layer;  /* captured layers: layer_lo … layer_lo + n_layer − 1 */
    int n_head, n_head_kv, head_dim;
    int n_threads;          /* per-thread FFT and GEMM scratch */
    float  *q;              /* [n_layer][n][n_head·head_dim] pre-RoPE queries */
    float  *k;              /* [n_layer][n][n_head_kv·head_dim] pre-RoPE keys */
    double *hist;           /* [n_layer_all][n_head][n] softmax weight summed by distance */
    double *score;          /* [n_layer][n_head][n] S(Δ) (eval_decay_scores_fft) */
    double *weight;         /* [n_layer][n_head][n] W(Δ) (eval_decay_capture) */
    rope_table table;       /* θ' and magnitude the scores use (capture sets the forward's table) */
    double t_copy;          /* seconds the probe spent copying q/k in the last capture, summed over threads */
    /* scratch */
    double *phase;          /* [head_dim/2][n][2] e^{iθ'_iΔ} of the current table */
    void   *buf;            /* [n_threads][3][n_fft] fftw_complex */
    float  *rot;            /* [n_threads][2·n·head_dim + 64·n] direct path: rotated q, k, a score block */
    double *acc;            /* [n_threads][n] */
    void   *plan_fwd, *plan_inv; /* fftw_plan, in place on any buffer of buf */
} eval_decay;

/* For n tokens (>= 2) of model m, capturing layers [layer_lo, layer_lo + n_layer) (n_layer 0: all),
 * with n_threads scratch sets. */
int  eval_decay_init(eval_decay *d, const model *m, int n, int layer_lo, int n_layer, int n_threads,
                     rope_error *err);
void eval_decay_free(eval_decay *d);

/* Runs tok[0..n) through c (reset first; one model_eval call, so a dynamic method's table is the
 * one for length n) with the probe installed; fills q, k, hist, weight and table. c needs n_ctx >= n
 * and a model with d's geometry; the probe is removed on return. */
int  eval_decay_capture(eval_decay *d, model_ctx *c, const int *tok, rope_error *err);

/* d->score from d->q, d->k and d->table, by FFT (pool may be NULL: one thread). */
int  eval_decay_scores_fft(eval_decay *d, kern_pool *pool, rope_error *err);
/* The same curves by the direct O(N²) sum into out[n_layer][n_head][n]. */
int  eval_decay_scores_direct(eval_decay *d, kern_pool *pool, double *out, rope_error *err);

/* Pointers into d's arrays for captured layer index li (0 … n_layer−1) and head h. */
double *eval_decay_score(const eval_decay *d, int li, int h);
double *eval_decay_weight(const eval_decay *d, int li, int h);

#endif
