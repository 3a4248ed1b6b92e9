/* kernels/eval/eval_decay.c — attention decay over distance: capture of pre-RoPE q/k and the softmax
 * weight histogram through the forward-pass probe, the mean score by distance through FFTW
 * cross-correlations per (head, pair), and the direct O(N²) sum it is checked and timed against. */
#include <fftw3.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "eval_decay.h"

#define DIRECT_BLOCK 64   /* query rows per GEMM in the direct path */

static int nthreads_of(const eval_decay *d, kern_pool *pool)
{
    int nt = kern_pool_size(pool);
    return nt < d->n_threads ? nt : d->n_threads;
}

void eval_decay_free(eval_decay *d)
{
    if (d->plan_fwd) fftw_destroy_plan(d->plan_fwd);
    if (d->plan_inv) fftw_destroy_plan(d->plan_inv);
    fftw_free(d->buf);
    free(d->q); free(d->k); free(d->hist); free(d->score); free(d->weight);
    free(d->phase); free(d->rot); free(d->acc);
    memset(d, 0, sizeof *d);
}

int eval_decay_init(eval_decay *d, const model *m, int n, int layer_lo, int n_layer, int n_threads,
                    rope_error *err)
{
    memset(d, 0, sizeof *d);
    const model_hparams *hp = &m->hp;
    if (n < 2) return rope_fail(err, "the decay needs at least 2 tokens (got %d)", n);
    if (n > (1 << 24)) return rope_fail(err, "%d tokens are too many for the decay (at most %d)", n, 1 << 24);
    if (layer_lo < 0 || layer_lo >= hp->n_layer)
        return rope_fail(err, "layer %d is out of range: the model has layers 0 to %d", layer_lo, hp->n_layer - 1);
    if (n_layer == 0) n_layer = hp->n_layer - layer_lo;
    if (n_layer < 1 || layer_lo + n_layer > hp->n_layer)
        return rope_fail(err, "layers %d to %d are out of range: the model has layers 0 to %d", layer_lo,
                         layer_lo + n_layer - 1, hp->n_layer - 1);
    if (n_threads < 1 || n_threads > EVAL_DECAY_MAX_THREADS)
        return rope_fail(err, "threads %d out of range 1 to %d", n_threads, EVAL_DECAY_MAX_THREADS);
    d->n = n;
    d->n_fft = 1;
    while (d->n_fft < 2 * n - 1) d->n_fft *= 2;
    d->n_layer_all = hp->n_layer;
    d->layer_lo = layer_lo;
    d->n_layer = n_layer;
    d->n_head = hp->n_head;
    d->n_head_kv = hp->n_head_kv;
    d->head_dim = hp->head_dim;
    d->n_threads = n_threads;
    size_t N = (size_t)n, hd = (size_t)hp->head_dim, M = (size_t)d->n_fft, nt = (size_t)n_threads;
    d->q = malloc((size_t)n_layer * N * hp->n_head * hd * sizeof(float));
    d->k = malloc((size_t)n_layer * N * hp->n_head_kv * hd * sizeof(float));
    d->hist = calloc((size_t)hp->n_layer * hp->n_head * N, sizeof(double));
    d->score = calloc((size_t)n_layer * hp->n_head * N, sizeof(double));
    d->weight = calloc((size_t)n_layer * hp->n_head * N, sizeof(double));
    d->phase = malloc(hd / 2 * N * 2 * sizeof(double));
    d->buf = fftw_malloc(nt * 3 * M * sizeof(fftw_complex));
    d->rot = malloc(nt * (2 * N * hd + DIRECT_BLOCK * N) * sizeof(float));
    d->acc = malloc(nt * N * sizeof(double));
    if (!d->q || !d->k || !d->hist || !d->score || !d->weight || !d->phase || !d->buf || !d->rot || !d->acc) {
        double mib = ((double)n_layer * N * (hp->n_head + hp->n_head_kv) * hd * 4 + nt * 3 * M * 16 +
                      nt * (2 * N * hd + DIRECT_BLOCK * N) * 4) / 1048576.0;
        eval_decay_free(d);
        return rope_fail(err, "out of memory for the decay of %d tokens (about %.0f MiB); use a shorter --ctx or one "
                         "--layer", n, mib);
    }
    fftw_complex *b = d->buf;
    d->plan_fwd = fftw_plan_dft_1d(d->n_fft, b, b, FFTW_FORWARD, FFTW_ESTIMATE);
    d->plan_inv = fftw_plan_dft_1d(d->n_fft, b, b, FFTW_BACKWARD, FFTW_ESTIMATE);
    if (!d->plan_fwd || !d->plan_inv) {
        eval_decay_free(d);
        return rope_fail(err, "FFTW could not plan a transform of %d points", (int)M);
    }
    return 0;
}

double *eval_decay_score(const eval_decay *d, int li, int h)
{
    return d->score + ((size_t)li * d->n_head + h) * d->n;
}

double *eval_decay_weight(const eval_decay *d, int li, int h)
{
    return d->weight + ((size_t)li * d->n_head + h) * d->n;
}

/* --- capture --------------------------------------------------------------------------------------- */

/* The probe's state: the decay and the time its copies took (nanoseconds, summed over threads). */
typedef struct probe_state {
    eval_decay *d;
    atomic_llong ns;
} probe_state;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void probe_qk(void *u, int layer, int pos, const float *row, int col_lo, int col_hi)
{
    probe_state *ps = u;
    eval_decay *d = ps->d;
    int li = layer - d->layer_lo;
    if (li < 0 || li >= d->n_layer) return;
    long long t0 = now_ns();
    int qd = d->n_head * d->head_dim, kvd = d->n_head_kv * d->head_dim;
    int a = col_lo, b = col_hi < qd ? col_hi : qd;
    if (a < b) memcpy(d->q + ((size_t)li * d->n + pos) * qd + a, row + a, (size_t)(b - a) * sizeof(float));
    a = col_lo > qd ? col_lo : qd;
    b = col_hi;
    if (a < b) memcpy(d->k + ((size_t)li * d->n + pos) * kvd + (a - qd), row + a, (size_t)(b - a) * sizeof(float));
    atomic_fetch_add_explicit(&ps->ns, now_ns() - t0, memory_order_relaxed);
}

int eval_decay_capture(eval_decay *d, model_ctx *c, const int *tok, rope_error *err)
{
    const model_hparams *hp = &c->m->hp;
    if (hp->n_layer != d->n_layer_all || hp->n_head != d->n_head || hp->n_head_kv != d->n_head_kv ||
        hp->head_dim != d->head_dim)
        return rope_fail(err, "the decay buffers were made for another model geometry");
    if (c->cp.n_ctx < d->n)
        return rope_fail(err, "the context holds %d tokens, the decay needs %d", c->cp.n_ctx, d->n);
    memset(d->hist, 0, (size_t)d->n_layer_all * d->n_head * d->n * sizeof(double));
    probe_state ps = { d, 0 };
    model_probe pr = { probe_qk, &ps, d->hist };
    model_ctx_reset(c);
    if (model_ctx_set_probe(c, &pr, err)) return -1;
    int rc = model_eval(c, tok, d->n, err);
    model_ctx_set_probe(c, NULL, NULL);
    if (rc) return -1;
    d->t_copy = atomic_load(&ps.ns) * 1e-9;
    d->table = c->table;
    for (int li = 0; li < d->n_layer; li++)
        for (int h = 0; h < d->n_head; h++) {
            const double *src = d->hist + ((size_t)(d->layer_lo + li) * d->n_head + h) * d->n;
            double *w = eval_decay_weight(d, li, h);
            for (int t = 0; t < d->n; t++) w[t] = src[t] / (d->n - t);
        }
    return 0;
}

/* --- FFT path -------------------------------------------------------------------------------------- */

/* The table's per-pair frequency and weight over all head_dim/2 pairs (the non-rotating rest: 0, 1). */
static void pair_of(const eval_decay *d, int i, double *theta, double *w)
{
    if (i < d->table.n_pairs) {
        *theta = d->table.pair[i].theta_scaled;
        *w = d->table.magnitude * d->table.magnitude;
    } else {
        *theta = 0.0;
        *w = 1.0;
    }
}

static void fill_phase(eval_decay *d)
{
    int np = d->head_dim / 2;
    for (int i = 0; i < np; i++) {
        double th, w;
        pair_of(d, i, &th, &w);
        double *ph = d->phase + (size_t)i * d->n * 2;
        for (int t = 0; t < d->n; t++) {
            ph[2 * t] = cos(th * t);
            ph[2 * t + 1] = sin(th * t);
        }
    }
}

typedef struct decay_task {
    eval_decay *d;
    double *out;   /* [n_layer][n_head][n] */
    int items;     /* n_layer · n_head_kv (FFT) or n_layer · n_head (direct) */
} decay_task;

/* One (layer, kv head) item: every query head of the group, every pair. */
static void task_fft(void *a_, int ith, int nth)
{
    decay_task *a = a_;
    eval_decay *d = a->d;
    int N = d->n, M = d->n_fft, hd = d->head_dim, np = hd / 2, group = d->n_head / d->n_head_kv;
    int qd = d->n_head * hd, kvd = d->n_head_kv * hd;
    fftw_complex *A = (fftw_complex *)d->buf + (size_t)ith * 3 * M, *B = A + M;
    double inv_m = 1.0 / M;
    for (int it = ith; it < a->items; it += nth) {
        int li = it / d->n_head_kv, g = it % d->n_head_kv;
        const float *K = d->k + (size_t)li * N * kvd + (size_t)g * hd;
        for (int hh = 0; hh < group; hh++) memset(a->out + ((size_t)li * d->n_head + g * group + hh) * N, 0,
                                                  (size_t)N * sizeof(double));
        for (int i = 0; i < np; i++) {
            double th, w;
            pair_of(d, i, &th, &w);
            for (int t = 0; t < N; t++) { B[t][0] = K[(size_t)t * kvd + 2 * i]; B[t][1] = K[(size_t)t * kvd + 2 * i + 1]; }
            memset(B + N, 0, (size_t)(M - N) * sizeof(fftw_complex));
            fftw_execute_dft(d->plan_fwd, B, B);
            const double *ph = d->phase + (size_t)i * N * 2;
            for (int hh = 0; hh < group; hh++) {
                int h = g * group + hh;
                const float *Q = d->q + (size_t)li * N * qd + (size_t)h * hd;
                for (int t = 0; t < N; t++) { A[t][0] = Q[(size_t)t * qd + 2 * i]; A[t][1] = Q[(size_t)t * qd + 2 * i + 1]; }
                memset(A + N, 0, (size_t)(M - N) * sizeof(fftw_complex));
                fftw_execute_dft(d->plan_fwd, A, A);
                for (int f = 0; f < M; f++) {   /* A·conj(B) */
                    double re = A[f][0] * B[f][0] + A[f][1] * B[f][1];
                    double im = A[f][1] * B[f][0] - A[f][0] * B[f][1];
                    A[f][0] = re;
                    A[f][1] = im;
                }
                fftw_execute_dft(d->plan_inv, A, A);   /* A[Δ]·M = C(Δ) = Σ_m q̃_m conj(k̃_{m−Δ}) */
                double *S = a->out + ((size_t)li * d->n_head + h) * N;
                for (int t = 0; t < N; t++)
                    S[t] += w * inv_m * (ph[2 * t] * A[t][0] - ph[2 * t + 1] * A[t][1]);
            }
        }
        for (int hh = 0; hh < group; hh++) {
            double *S = a->out + ((size_t)li * d->n_head + g * group + hh) * N;
            for (int t = 0; t < N; t++) S[t] /= N - t;
        }
    }
}

int eval_decay_scores_fft(eval_decay *d, kern_pool *pool, rope_error *err)
{
    if (d->table.n_pairs * 2 > d->head_dim)
        return rope_fail(err, "rotary dimension %d exceeds head_dim %d", d->table.n_pairs * 2, d->head_dim);
    fill_phase(d);
    decay_task a = { d, d->score, d->n_layer * d->n_head_kv };
    int nt = nthreads_of(d, pool);
    if (nt <= 1 || !pool) task_fft(&a, 0, 1);
    else kern_pool_run_parts(pool, task_fft, &a, nt);
    return 0;
}

/* --- direct path ----------------------------------------------------------------------------------- */

/* Rows [N][hd] of one head rotated to position t with the table's magnitude (in double, rounded). */
static void rotate_rows(const eval_decay *d, const float *src, size_t stride, float *dst)
{
    int N = d->n, hd = d->head_dim, np = hd / 2;
    for (int t = 0; t < N; t++) {
        const float *x = src + (size_t)t * stride;
        float *y = dst + (size_t)t * hd;
        for (int i = 0; i < np; i++) {
            double th, w;
            pair_of(d, i, &th, &w);
            double mag = sqrt(w), c = mag * cos(th * t), s = mag * sin(th * t);
            y[2 * i] = (float)(x[2 * i] * c - x[2 * i + 1] * s);
            y[2 * i + 1] = (float)(x[2 * i] * s + x[2 * i + 1] * c);
        }
    }
}

/* One (layer, head) item: Q_rot·K_rotᵀ in blocks of query rows, summed along the diagonals. */
static void task_direct(void *a_, int ith, int nth)
{
    decay_task *a = a_;
    eval_decay *d = a->d;
    int N = d->n, hd = d->head_dim, qd = d->n_head * hd, kvd = d->n_head_kv * hd, group = d->n_head / d->n_head_kv;
    float *Qr = d->rot + (size_t)ith * (2 * (size_t)N * hd + (size_t)DIRECT_BLOCK * N);
    float *Kr = Qr + (size_t)N * hd, *S = Kr + (size_t)N * hd;
    double *acc = d->acc + (size_t)ith * N;
    for (int it = ith; it < a->items; it += nth) {
        int li = it / d->n_head, h = it % d->n_head, g = h / group;
        rotate_rows(d, d->q + (size_t)li * N * qd + (size_t)h * hd, (size_t)qd, Qr);
        rotate_rows(d, d->k + (size_t)li * N * kvd + (size_t)g * hd, (size_t)kvd, Kr);
        memset(acc, 0, (size_t)N * sizeof(double));
        for (int m0 = 0; m0 < N; m0 += DIRECT_BLOCK) {
            int m1 = m0 + DIRECT_BLOCK < N ? m0 + DIRECT_BLOCK : N;
            kern_gemm(1, m1 - m0, m1, hd, 1.0f, Qr + (size_t)m0 * hd, hd, Kr, hd, 0.0f, S, m1);
            for (int m = m0; m < m1; m++) {
                const float *row = S + (size_t)(m - m0) * m1;
                for (int n = 0; n <= m; n++) acc[m - n] += row[n];
            }
        }
        double *out = a->out + ((size_t)li * d->n_head + h) * N;
        for (int t = 0; t < N; t++) out[t] = acc[t] / (N - t);
    }
}

int eval_decay_scores_direct(eval_decay *d, kern_pool *pool, double *out, rope_error *err)
{
    if (d->table.n_pairs * 2 > d->head_dim)
        return rope_fail(err, "rotary dimension %d exceeds head_dim %d", d->table.n_pairs * 2, d->head_dim);
    decay_task a = { d, out, d->n_layer * d->n_head };
    int nt = nthreads_of(d, pool);
    if (nt <= 1 || !pool) task_direct(&a, 0, 1);
    else kern_pool_run_parts(pool, task_direct, &a, nt);
    return 0;
}
