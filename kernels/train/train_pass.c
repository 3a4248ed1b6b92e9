/* kernels/train/train_pass.c — the trainer's forward and backward passes: embedding, RMSNorm, fused QKV,
 * RoPE from a ropecore table, causal attention in query blocks (probabilities recomputed from the
 * saved row log-sum-exp in the backward pass), SwiGLU, output projection and cross-entropy. Large
 * products are OpenBLAS sgemm calls split across the pool's threads. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <immintrin.h>
#include "train.h"
#include "kern_rope.h"

#define BQ        64     /* attention query block, rows */
#define N_CACHE   4      /* cos/sin caches (one per distinct length for the dynamic methods) */

typedef struct rope_cache {
    int    key;          /* sequence length it was built for (0: any length, static methods) */
    int    valid;
    float *cs, *sn;      /* [max_seq][n_pairs] magnitude·cos / magnitude·sin of p·θ'_i */
} rope_cache;

typedef struct layer_act {
    float *x;            /* [N][d] layer input (residual stream) */
    float *xm;           /* [N][d] after the attention residual */
    float *qkv;          /* [N][qkvd] q and k after RoPE, v */
    float *att;          /* [N][ad] attention output (concatenated heads) */
    float *lse;          /* [N][n_head] log-sum-exp of each scaled score row */
    float *gu;           /* [N][2·n_ff] gate | up pre-activations */
    float *r1, *r2;      /* [N] 1/rms of x and xm */
} layer_act;

struct train_ctx {
    const train_model *m;
    train_hparams hp;
    int max_tokens, max_seq, nth;
    int qd, kd, qkvd, ad, n_pairs;   /* widths: q, k (=v), qkv row, attention output */
    kern_pool *pool;
    rope_params rope;
    int rope_uses_len;
    rope_cache cache[N_CACHE];
    int cache_next;
    /* the current batch */
    const train_batch *b;
    int *seq_off;        /* [max_tokens] first token of each sequence */
    int *seq_cache;      /* [max_tokens] cache index of each sequence */
    int *tok_pos;        /* [max_tokens] position within its sequence */
    int *tok_seq;        /* [max_tokens] sequence of each token */
    /* activations */
    layer_act L[TRAIN_MAX_LAYER];
    float *xf;           /* [N][d] final residual stream */
    float *rf;           /* [N] */
    float *hf;           /* [N][d] final normalised */
    float *logits;       /* [N][V]; becomes d(loss)/d(logits) */
    float *nll;          /* [N] */
    /* scratch */
    float *h;            /* [N][d] */
    float *act;          /* [N][n_ff] silu(gate)·up */
    float *dx;           /* [N][d] gradient of the residual stream */
    float *dh;           /* [N][d] */
    float *dqkv;         /* [N][qkvd] */
    float *datt;         /* [N][ad] */
    float *dgu;          /* [N][2·n_ff] */
    float *att_scr;      /* [nth][2][BQ][max_seq] P and dP blocks */
    float *gain_part;    /* [nth][d] per-thread partial gain gradients */
    double *loss_part;   /* [nth][2] NLL sum and count */
    float *grad;         /* [n_params] */
    size_t bytes;
    atomic_int next_item;
};

/* --- small vector helpers (AVX2 when the CPU has it) ------------------------------------------- */

__attribute__((target("avx2,fma")))
static float vmax_avx2(const float *x, int n)
{
    __m256 m = _mm256_set1_ps(-INFINITY);
    int i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
    __m128 a = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    a = _mm_max_ps(a, _mm_movehl_ps(a, a));
    a = _mm_max_ss(a, _mm_shuffle_ps(a, a, 1));
    float r = _mm_cvtss_f32(a);
    for (; i < n; i++) r = x[i] > r ? x[i] : r;
    return r;
}

static float vmax(const float *x, int n)
{
    if (kern_have_avx2()) return vmax_avx2(x, n);
    float r = -INFINITY;
    for (int i = 0; i < n; i++) r = x[i] > r ? x[i] : r;
    return r;
}

/* x = x·a − b */
__attribute__((target("avx2,fma")))
static void vaffine_avx2(float *x, int n, float a, float b)
{
    __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_fmsub_ps(_mm256_loadu_ps(x + i), va, vb));
    for (; i < n; i++) x[i] = x[i] * a - b;
}

static void vaffine(float *x, int n, float a, float b)
{
    if (kern_have_avx2()) { vaffine_avx2(x, n, a, b); return; }
    for (int i = 0; i < n; i++) x[i] = x[i] * a - b;
}

__attribute__((target("avx2,fma")))
static float vsum_avx2(const float *x, int n)
{
    __m256 s = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) s = _mm256_add_ps(s, _mm256_loadu_ps(x + i));
    __m128 a = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    a = _mm_add_ps(a, _mm_movehl_ps(a, a));
    a = _mm_add_ss(a, _mm_shuffle_ps(a, a, 1));
    float r = _mm_cvtss_f32(a);
    for (; i < n; i++) r += x[i];
    return r;
}

static float vsum(const float *x, int n)
{
    if (kern_have_avx2()) return vsum_avx2(x, n);
    float r = 0.0f;
    for (int i = 0; i < n; i++) r += x[i];
    return r;
}

/* ds = p·(dp − D)·scale (ds may alias dp) */
__attribute__((target("avx2,fma")))
static void vdsoft_avx2(const float *p, const float *dp, float *ds, int n, float D, float scale)
{
    __m256 vD = _mm256_set1_ps(D), vs = _mm256_set1_ps(scale);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 t = _mm256_sub_ps(_mm256_loadu_ps(dp + i), vD);
        _mm256_storeu_ps(ds + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(p + i), t), vs));
    }
    for (; i < n; i++) ds[i] = p[i] * (dp[i] - D) * scale;
}

static void vdsoft(const float *p, const float *dp, float *ds, int n, float D, float scale)
{
    if (kern_have_avx2()) { vdsoft_avx2(p, dp, ds, n, D, scale); return; }
    for (int i = 0; i < n; i++) ds[i] = p[i] * (dp[i] - D) * scale;
}

/* --- threaded sgemm --------------------------------------------------------------------------------- */

typedef struct gemm_job {
    int ta, tb;          /* ta: A is stored [K][M] (C = Aᵀ·op(B)); tb: B is stored [N][K] */
    int M, N, K;
    const float *A; int lda;
    const float *B; int ldb;
    float beta;
    float *C; int ldc;
} gemm_job;

static void gemm_task(void *arg, int ith, int nth)
{
    const gemm_job *j = arg;
    int lo, hi;
    kern_split(j->M, ith, nth, 16, &lo, &hi);
    if (hi <= lo || j->N <= 0) return;
    const float *A = j->ta ? j->A + lo : j->A + (size_t)lo * j->lda;
    if (j->K <= 0) {
        for (int r = lo; r < hi; r++)
            for (int c = 0; c < j->N; c++) j->C[(size_t)r * j->ldc + c] *= j->beta;
        return;
    }
    cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans,
                hi - lo, j->N, j->K, 1.0f, A, j->lda, j->B, j->ldb, j->beta, j->C + (size_t)lo * j->ldc, j->ldc);
}

static void gemm(train_ctx *c, int ta, int tb, int M, int N, int K, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc)
{
    gemm_job j = { ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc };
    kern_pool_run(c->pool, gemm_task, &j);
}

/* --- context ------------------------------------------------------------------------------------------ */

static void *xalloc(train_ctx *c, size_t n, size_t sz, int *fail)
{
    if (*fail) return NULL;
    size_t bytes = n * sz + 64;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) { *fail = 1; return NULL; }
    memset(p, 0, bytes);
    c->bytes += bytes;
    return p;
}

train_ctx *train_ctx_create(const train_model *m, int max_tokens, int max_seq, int n_threads,
                            rope_error *err)
{
    if (max_tokens < 1 || max_seq < 1 || max_seq > max_tokens)
        return rope_fail(err, "a batch of %d tokens cannot hold sequences of %d", max_tokens, max_seq), NULL;
    train_ctx *c = calloc(1, sizeof *c);
    if (!c) return rope_fail(err, "out of memory"), NULL;
    c->m = m;
    c->hp = m->hp;
    c->max_tokens = max_tokens;
    c->max_seq = max_seq;
    const train_hparams *hp = &m->hp;
    c->qd = hp->n_head * hp->head_dim;
    c->kd = hp->n_head_kv * hp->head_dim;
    c->qkvd = c->qd + 2 * c->kd;
    c->ad = c->qd;
    c->n_pairs = hp->head_dim / 2;
    c->pool = kern_pool_create(n_threads, err);
    if (!c->pool) { free(c); return NULL; }
    c->nth = kern_pool_size(c->pool);
    size_t N = (size_t)max_tokens, d = (size_t)hp->d_model, ff = (size_t)hp->n_ff;
    int fail = 0;
    c->seq_off = xalloc(c, N, sizeof(int), &fail);
    c->seq_cache = xalloc(c, N, sizeof(int), &fail);
    c->tok_pos = xalloc(c, N, sizeof(int), &fail);
    c->tok_seq = xalloc(c, N, sizeof(int), &fail);
    for (int l = 0; l < hp->n_layer; l++) {
        layer_act *a = &c->L[l];
        a->x = xalloc(c, N * d, sizeof(float), &fail);
        a->xm = xalloc(c, N * d, sizeof(float), &fail);
        a->qkv = xalloc(c, N * (size_t)c->qkvd, sizeof(float), &fail);
        a->att = xalloc(c, N * (size_t)c->ad, sizeof(float), &fail);
        a->lse = xalloc(c, N * (size_t)hp->n_head, sizeof(float), &fail);
        a->gu = xalloc(c, N * 2 * ff, sizeof(float), &fail);
        a->r1 = xalloc(c, N, sizeof(float), &fail);
        a->r2 = xalloc(c, N, sizeof(float), &fail);
    }
    c->xf = xalloc(c, N * d, sizeof(float), &fail);
    c->rf = xalloc(c, N, sizeof(float), &fail);
    c->hf = xalloc(c, N * d, sizeof(float), &fail);
    c->logits = xalloc(c, N * (size_t)hp->n_vocab, sizeof(float), &fail);
    c->nll = xalloc(c, N, sizeof(float), &fail);
    c->h = xalloc(c, N * d, sizeof(float), &fail);
    c->act = xalloc(c, N * ff, sizeof(float), &fail);
    c->dx = xalloc(c, N * d, sizeof(float), &fail);
    c->dh = xalloc(c, N * d, sizeof(float), &fail);
    c->dqkv = xalloc(c, N * (size_t)c->qkvd, sizeof(float), &fail);
    c->datt = xalloc(c, N * (size_t)c->ad, sizeof(float), &fail);
    c->dgu = xalloc(c, N * 2 * ff, sizeof(float), &fail);
    c->att_scr = xalloc(c, (size_t)c->nth * 2 * BQ * (size_t)max_seq, sizeof(float), &fail);
    c->gain_part = xalloc(c, (size_t)c->nth * d, sizeof(float), &fail);
    c->loss_part = xalloc(c, (size_t)c->nth * 2, sizeof(double), &fail);
    c->grad = xalloc(c, m->n_params, sizeof(float), &fail);
    for (int k = 0; k < N_CACHE; k++) {
        c->cache[k].cs = xalloc(c, (size_t)max_seq * c->n_pairs, sizeof(float), &fail);
        c->cache[k].sn = xalloc(c, (size_t)max_seq * c->n_pairs, sizeof(float), &fail);
    }
    if (fail) {
        size_t b = c->bytes;
        train_ctx_free(c);
        return rope_fail(err, "out of memory: a batch of %d tokens needs more than %zu MiB; use a smaller "
                              "--batch or --ctx", max_tokens, b >> 20), NULL;
    }
    if (train_ctx_set_rope(c, &m->rope, err)) {
        train_ctx_free(c);
        return NULL;
    }
    return c;
}

void train_ctx_free(train_ctx *c)
{
    if (!c) return;
    kern_pool_free(c->pool);
    free(c->seq_off); free(c->seq_cache); free(c->tok_pos); free(c->tok_seq);
    for (int l = 0; l < TRAIN_MAX_LAYER; l++) {
        layer_act *a = &c->L[l];
        free(a->x); free(a->xm); free(a->qkv); free(a->att); free(a->lse); free(a->gu); free(a->r1); free(a->r2);
    }
    free(c->xf); free(c->rf); free(c->hf); free(c->logits); free(c->nll); free(c->h); free(c->act);
    free(c->dx); free(c->dh); free(c->dqkv); free(c->datt); free(c->dgu); free(c->att_scr);
    free(c->gain_part); free(c->loss_part); free(c->grad);
    for (int k = 0; k < N_CACHE; k++) { free(c->cache[k].cs); free(c->cache[k].sn); }
    free(c);
}

float *train_ctx_grad(train_ctx *c) { return c->grad; }
const float *train_ctx_nll(const train_ctx *c) { return c->nll; }
size_t train_ctx_bytes(const train_ctx *c) { return c->bytes; }

int train_ctx_set_rope(train_ctx *c, const rope_params *p, rope_error *err)
{
    rope_error e;
    if (rope_params_validate(p, &e)) return rope_fail(err, "RoPE: %s", e.msg);
    if (p->head_dim != c->hp.head_dim || rope_params_rot_dim(p) != c->hp.head_dim)
        return rope_fail(err, "RoPE rotates %d dimensions of head_dim %d, but the model's heads are %d wide and "
                              "llama rotates them whole", rope_params_rot_dim(p), p->head_dim, c->hp.head_dim);
    const rope_method_info *mi = rope_method_get(p->method);
    c->rope = *p;
    c->rope_uses_len = mi && (mi->uses & ROPE_USES_SEQ_LEN);
    for (int k = 0; k < N_CACHE; k++) c->cache[k].valid = 0;
    return 0;
}

/* The cache for a sequence of length len (built from rope_table_compute on first use). */
static int get_cache(train_ctx *c, int len, rope_error *err)
{
    int key = c->rope_uses_len ? len : 0;
    for (int k = 0; k < N_CACHE; k++)
        if (c->cache[k].valid && c->cache[k].key == key) return k;
    int k = c->cache_next;
    c->cache_next = (c->cache_next + 1) % N_CACHE;
    rope_params p = c->rope;
    if (c->rope_uses_len) p.seq_len = len;
    rope_table *t = malloc(sizeof *t);
    if (!t) return rope_fail(err, "out of memory");
    rope_error e;
    if (rope_table_compute(&p, t, &e)) { free(t); return rope_fail(err, "RoPE: %s", e.msg); }
    rope_cache *rc = &c->cache[k];
    int n = c->rope_uses_len ? len : c->max_seq;   /* rows [n][n_pairs]; n_pairs = head_dim/2 (checked in set_rope) */
    kern_rope_cossin(t, KERN_ANGLES_F64, 0, n, rc->cs, rc->sn);
    free(t);
    rc->key = key;
    rc->valid = 1;
    return k;
}

/* --- per-token tasks ------------------------------------------------------------------------------------ */

typedef struct tok_job {
    train_ctx *c;
    int N;
    const float *x; const float *g; float *r; float *out;   /* rmsnorm */
    const float *dy; float *dx;                              /* rmsnorm backward: dx += … */
    float *qkv;                                              /* rope */
    const float *gu; float *act; float *dgu; const float *dact;
    int inverse;
    int backward;
} tok_job;

/* r[n] = 1/rms(x[n]); out[n] = x[n]·r·g */
static void rms_task(void *arg, int ith, int nth)
{
    tok_job *j = arg;
    int d = j->c->hp.d_model, lo, hi;
    float eps = j->c->hp.norm_eps;
    kern_split(j->N, ith, nth, 1, &lo, &hi);
    for (int n = lo; n < hi; n++) {
        const float *x = j->x + (size_t)n * d;
        double ss = 0.0;
        for (int i = 0; i < d; i++) ss += (double)x[i] * x[i];
        float r = (float)(1.0 / sqrt(ss / d + eps));
        j->r[n] = r;
        float *o = j->out + (size_t)n * d;
        for (int i = 0; i < d; i++) o[i] = x[i] * r * j->g[i];
    }
}

/* out = x·r·g from the saved r (recompute in the backward pass) */
static void rms_apply_task(void *arg, int ith, int nth)
{
    tok_job *j = arg;
    int d = j->c->hp.d_model, lo, hi;
    kern_split(j->N, ith, nth, 1, &lo, &hi);
    for (int n = lo; n < hi; n++) {
        const float *x = j->x + (size_t)n * d;
        float r = j->r[n], *o = j->out + (size_t)n * d;
        for (int i = 0; i < d; i++) o[i] = x[i] * r * j->g[i];
    }
}

/* y = g ⊙ x·r with r = (mean x² + eps)^(-1/2):
 *   dx += r·(dy⊙g) − r³·x·Σ(dy⊙g⊙x)/d;  dg += Σ_n dy⊙x·r (per-thread partials) */
static void rms_bwd_task(void *arg, int ith, int nth)
{
    tok_job *j = arg;
    int d = j->c->hp.d_model, lo, hi;
    kern_split(j->N, ith, nth, 1, &lo, &hi);
    float *gp = j->c->gain_part + (size_t)ith * d;
    memset(gp, 0, (size_t)d * sizeof(float));
    for (int n = lo; n < hi; n++) {
        const float *x = j->x + (size_t)n * d, *dy = j->dy + (size_t)n * d;
        float *dx = j->dx + (size_t)n * d;
        float r = j->r[n];
        double s = 0.0;
        for (int i = 0; i < d; i++) s += (double)dy[i] * j->g[i] * x[i];
        float k = (float)(s * r * r * r / d);
        for (int i = 0; i < d; i++) {
            dx[i] += r * dy[i] * j->g[i] - k * x[i];
            gp[i] += dy[i] * x[i] * r;
        }
    }
}

static void add_gain_grad(train_ctx *c, float *dg)
{
    int d = c->hp.d_model;
    for (int t = 0; t < c->nth; t++) {
        const float *gp = c->gain_part + (size_t)t * d;
        for (int i = 0; i < d; i++) dg[i] += gp[i];
    }
}

/* RoPE on the q and k heads of qkv rows (inverse: the transpose, for gradients) */
static void rope_task(void *arg, int ith, int nth)
{
    tok_job *j = arg;
    train_ctx *c = j->c;
    int lo, hi, np = c->n_pairs, hd = c->hp.head_dim, nhk = c->hp.n_head + c->hp.n_head_kv;
    kern_split(j->N, ith, nth, 1, &lo, &hi);
    for (int n = lo; n < hi; n++) {
        const rope_cache *rc = &c->cache[c->seq_cache[c->tok_seq[n]]];
        const float *cs = rc->cs + (size_t)c->tok_pos[n] * np, *sn = rc->sn + (size_t)c->tok_pos[n] * np;
        float *row = j->qkv + (size_t)n * c->qkvd;
        for (int h = 0; h < nhk; h++) {
            float *x = row + (size_t)h * hd;
            if (!j->inverse) {
                for (int i = 0; i < np; i++) {
                    float x0 = x[2 * i], x1 = x[2 * i + 1];
                    x[2 * i] = x0 * cs[i] - x1 * sn[i];
                    x[2 * i + 1] = x0 * sn[i] + x1 * cs[i];
                }
            } else {
                for (int i = 0; i < np; i++) {
                    float x0 = x[2 * i], x1 = x[2 * i + 1];
                    x[2 * i] = x0 * cs[i] + x1 * sn[i];
                    x[2 * i + 1] = -x0 * sn[i] + x1 * cs[i];
                }
            }
        }
    }
}

/* act = silu(gate)·up */
static void swiglu_task(void *arg, int ith, int nth)
{
    tok_job *j = arg;
    int ff = j->c->hp.n_ff, lo, hi;
    kern_split(j->N, ith, nth, 1, &lo, &hi);
    for (int n = lo; n < hi; n++) {
        const float *g = j->gu + (size_t)n * 2 * ff;
        kern_silu_mul(g, g + ff, j->act + (size_t)n * ff, ff);
    }
}

/* From dact: dgate = dact·up·σ(g)(1 + g(1 − σ(g))), dup = dact·g·σ(g); also act for dW_down. */
static void swiglu_bwd_task(void *arg, int ith, int nth)
{
    tok_job *j = arg;
    int ff = j->c->hp.n_ff, lo, hi;
    kern_split(j->N, ith, nth, 1, &lo, &hi);
    for (int n = lo; n < hi; n++) {
        const float *g = j->gu + (size_t)n * 2 * ff, *u = g + ff, *da = j->dact + (size_t)n * ff;
        float *dg = j->dgu + (size_t)n * 2 * ff, *du = dg + ff;
        /* σ(g) via exp(−g) in the dgate slot */
        for (int i = 0; i < ff; i++) dg[i] = -g[i];
        kern_exp(dg, ff);
        for (int i = 0; i < ff; i++) {
            float s = 1.0f / (1.0f + dg[i]);
            float gs = g[i] * s;
            du[i] = da[i] * gs;
            dg[i] = da[i] * u[i] * (s + gs * (1.0f - s));
        }
    }
}

/* cross-entropy: nll, and (backward) logits ← (softmax − onehot)/n_scored */
typedef struct ce_job { train_ctx *c; int N; int backward; float inv; } ce_job;

static void ce_task(void *arg, int ith, int nth)
{
    ce_job *j = arg;
    train_ctx *c = j->c;
    int V = c->hp.n_vocab, lo, hi;
    kern_split(j->N, ith, nth, 1, &lo, &hi);
    double sum = 0.0, cnt = 0.0;
    for (int n = lo; n < hi; n++) {
        float *z = c->logits + (size_t)n * V;
        int t = c->b->targets[n];
        if (t < 0) {
            c->nll[n] = 0.0f;
            if (j->backward) memset(z, 0, (size_t)V * sizeof(float));
            continue;
        }
        float mx = vmax(z, V), zt = z[t];
        vaffine(z, V, 1.0f, mx);
        kern_exp(z, V);
        float s = vsum(z, V);
        float nll = logf(s) - (zt - mx);
        c->nll[n] = nll;
        float w = c->b->weight ? c->b->weight[n] : 1.0f, inv = j->inv * w;
        sum += c->b->weight ? (double)w * nll : nll;
        cnt += 1.0;
        if (j->backward) {
            kern_scale(inv / s, z, V);
            z[t] -= inv;
        }
    }
    c->loss_part[2 * ith] = sum;
    c->loss_part[2 * ith + 1] = cnt;
}

/* --- attention ---------------------------------------------------------------------------------------- */

typedef struct att_job { train_ctx *c; const layer_act *a; int n_items; } att_job;

static void att_fwd_item(train_ctx *c, const layer_act *a, int item, float *S)
{
    const train_hparams *hp = &c->hp;
    int s = item / hp->n_head, h = item % hp->n_head, kvh = h / (hp->n_head / hp->n_head_kv);
    int o = c->seq_off[s], T = c->b->seq_len[s], hd = hp->head_dim, ld = c->qkvd, ad = c->ad;
    const float *Q = a->qkv + (size_t)o * ld + (size_t)h * hd;
    const float *K = a->qkv + (size_t)o * ld + c->qd + (size_t)kvh * hd;
    const float *V = a->qkv + (size_t)o * ld + c->qd + c->kd + (size_t)kvh * hd;
    float *O = a->att + (size_t)o * ad + (size_t)h * hd;
    float *lse = a->lse + (size_t)o * hp->n_head + h;
    float scale = 1.0f / sqrtf((float)hd);
    for (int i0 = 0; i0 < T; i0 += BQ) {
        int i1 = i0 + BQ < T ? i0 + BQ : T, rows = i1 - i0;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, i1, hd, 1.0f, Q + (size_t)i0 * ld, ld,
                    K, ld, 0.0f, S, i1);
        float inv[BQ];
        for (int r = 0; r < rows; r++) {
            int n = i0 + r + 1;
            float *row = S + (size_t)r * i1;
            float mx = vmax(row, n) * scale;
            vaffine(row, n, scale, mx);
            kern_exp(row, n);
            float sum = vsum(row, n);
            if (n < i1) memset(row + n, 0, (size_t)(i1 - n) * sizeof(float));
            inv[r] = 1.0f / sum;
            lse[(size_t)(i0 + r) * hp->n_head] = mx + logf(sum);
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hd, i1, 1.0f, S, i1, V, ld, 0.0f,
                    O + (size_t)i0 * ad, ad);
        for (int r = 0; r < rows; r++) kern_scale(inv[r], O + (size_t)(i0 + r) * ad, hd);
    }
}

static void att_fwd_task(void *arg, int ith, int nth)
{
    att_job *j = arg;
    (void)nth;
    float *S = j->c->att_scr + (size_t)ith * 2 * BQ * j->c->max_seq;
    for (;;) {
        int it = atomic_fetch_add(&j->c->next_item, 1);
        if (it >= j->n_items) break;
        att_fwd_item(j->c, j->a, it, S);
    }
}

static void att_bwd_item(train_ctx *c, const layer_act *a, int item, float *P, float *dP)
{
    const train_hparams *hp = &c->hp;
    int grp = hp->n_head / hp->n_head_kv;
    int s = item / hp->n_head_kv, g = item % hp->n_head_kv;
    int o = c->seq_off[s], T = c->b->seq_len[s], hd = hp->head_dim, ld = c->qkvd, ad = c->ad;
    const float *K = a->qkv + (size_t)o * ld + c->qd + (size_t)g * hd;
    const float *V = a->qkv + (size_t)o * ld + c->qd + c->kd + (size_t)g * hd;
    float *dK = c->dqkv + (size_t)o * ld + c->qd + (size_t)g * hd;
    float *dV = c->dqkv + (size_t)o * ld + c->qd + c->kd + (size_t)g * hd;
    float scale = 1.0f / sqrtf((float)hd);
    for (int t = 0; t < T; t++) {
        memset(dK + (size_t)t * ld, 0, (size_t)hd * sizeof(float));
        memset(dV + (size_t)t * ld, 0, (size_t)hd * sizeof(float));
    }
    for (int h = g * grp; h < (g + 1) * grp; h++) {
        const float *Q = a->qkv + (size_t)o * ld + (size_t)h * hd;
        const float *O = a->att + (size_t)o * ad + (size_t)h * hd;
        const float *dO = c->datt + (size_t)o * ad + (size_t)h * hd;
        const float *lse = a->lse + (size_t)o * hp->n_head + h;
        float *dQ = c->dqkv + (size_t)o * ld + (size_t)h * hd;
        for (int i0 = 0; i0 < T; i0 += BQ) {
            int i1 = i0 + BQ < T ? i0 + BQ : T, rows = i1 - i0;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, i1, hd, 1.0f, Q + (size_t)i0 * ld, ld,
                        K, ld, 0.0f, P, i1);
            for (int r = 0; r < rows; r++) {
                int n = i0 + r + 1;
                float *row = P + (size_t)r * i1;
                vaffine(row, n, scale, lse[(size_t)(i0 + r) * hp->n_head]);
                kern_exp(row, n);
                if (n < i1) memset(row + n, 0, (size_t)(i1 - n) * sizeof(float));
            }
            /* dV[0:i1] += Pᵀ·dO_blk */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, i1, hd, rows, 1.0f, P, i1,
                        dO + (size_t)i0 * ad, ad, 1.0f, dV, ld);
            /* dP = dO_blk·V[0:i1]ᵀ */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, i1, hd, 1.0f, dO + (size_t)i0 * ad, ad,
                        V, ld, 0.0f, dP, i1);
            for (int r = 0; r < rows; r++) {
                int n = i0 + r + 1;
                float D = kern_dot(dO + (size_t)(i0 + r) * ad, O + (size_t)(i0 + r) * ad, hd);
                vdsoft(P + (size_t)r * i1, dP + (size_t)r * i1, dP + (size_t)r * i1, n, D, scale);
                if (n < i1) memset(dP + (size_t)r * i1 + n, 0, (size_t)(i1 - n) * sizeof(float));
            }
            /* dQ_blk = dS·K[0:i1];  dK[0:i1] += dSᵀ·Q_blk */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hd, i1, 1.0f, dP, i1, K, ld, 0.0f,
                        dQ + (size_t)i0 * ld, ld);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, i1, hd, rows, 1.0f, dP, i1,
                        Q + (size_t)i0 * ld, ld, 1.0f, dK, ld);
        }
    }
}

static void att_bwd_task(void *arg, int ith, int nth)
{
    att_job *j = arg;
    (void)nth;
    float *P = j->c->att_scr + (size_t)ith * 2 * BQ * j->c->max_seq;
    float *dP = P + (size_t)BQ * j->c->max_seq;
    for (;;) {
        int it = atomic_fetch_add(&j->c->next_item, 1);
        if (it >= j->n_items) break;
        att_bwd_item(j->c, j->a, it, P, dP);
    }
}

/* --- the passes --------------------------------------------------------------------------------------- */

double train_flops_per_token(const train_hparams *hp, int T)
{
    double d = hp->d_model, qd = (double)hp->n_head * hp->head_dim, kd = (double)hp->n_head_kv * hp->head_dim;
    double per_layer = d * (qd + 2 * kd) + qd * d + 3.0 * d * hp->n_ff;
    double mm = hp->n_layer * per_layer + (double)hp->n_vocab * d;
    /* the convention of the PyTorch anchors: 6·(matmul params) + 12·n_layer·T·(n_head·head_dim) */
    return 6.0 * mm + 12.0 * hp->n_layer * (double)T * qd;
}

static int setup_batch(train_ctx *c, const train_batch *b, rope_error *err)
{
    if (b->n_tokens < 1 || b->n_tokens > c->max_tokens || b->n_seq < 1 || b->n_seq > c->max_tokens)
        return rope_fail(err, "a batch of %d tokens in %d sequences does not fit this context (%d tokens)",
                         b->n_tokens, b->n_seq, c->max_tokens);
    int off = 0;
    for (int s = 0; s < b->n_seq; s++) {
        int T = b->seq_len[s];
        if (T < 1 || T > c->max_seq || off + T > b->n_tokens)
            return rope_fail(err, "sequence %d has %d tokens; this context takes 1 to %d", s, T, c->max_seq);
        c->seq_off[s] = off;
        int k = get_cache(c, T, err);
        if (k < 0) return -1;
        c->seq_cache[s] = k;
        for (int t = 0; t < T; t++) {
            c->tok_pos[off + t] = t;
            c->tok_seq[off + t] = s;
        }
        off += T;
    }
    if (off != b->n_tokens)
        return rope_fail(err, "the sequence lengths add up to %d, not the batch's %d tokens", off, b->n_tokens);
    for (int n = 0; n < b->n_tokens; n++)
        if (b->tokens[n] < 0 || b->tokens[n] >= c->hp.n_vocab || b->targets[n] >= c->hp.n_vocab)
            return rope_fail(err, "token %d at %d is outside the %d-token vocabulary", b->tokens[n], n, c->hp.n_vocab);
    if (b->weight)
        for (int n = 0; n < b->n_tokens; n++)
            if (!(b->weight[n] >= 0.0f && b->weight[n] < 1e30f))
                return rope_fail(err, "loss weight %g at token %d is not a finite value >= 0", b->weight[n], n);
    /* a dynamic method's cache must not have been evicted by a later sequence of this batch */
    if (c->rope_uses_len)
        for (int s = 0; s < b->n_seq; s++)
            if (c->cache[c->seq_cache[s]].key != b->seq_len[s])
                return rope_fail(err, "more than %d distinct sequence lengths in one batch with a dynamic RoPE "
                                      "method", N_CACHE);
    c->b = b;
    return 0;
}

double train_ctx_attn(const train_ctx *c, int l, int h, int n, int j)
{
    const train_hparams *hp = &c->hp;
    if (!c->b || l < 0 || l >= hp->n_layer || h < 0 || h >= hp->n_head || n < 0 || n >= c->b->n_tokens || j < 0 ||
        j > n || c->tok_seq[j] != c->tok_seq[n])
        return -1.0;
    const layer_act *a = &c->L[l];
    int kvh = h / (hp->n_head / hp->n_head_kv), hd = hp->head_dim, ld = c->qkvd;
    const float *q = a->qkv + (size_t)n * ld + (size_t)h * hd;
    const float *k = a->qkv + (size_t)j * ld + c->qd + (size_t)kvh * hd;
    double dot = 0.0;
    for (int i = 0; i < hd; i++) dot += (double)q[i] * k[i];
    return exp(dot / sqrt((double)hd) - a->lse[(size_t)n * hp->n_head + h]);
}

int train_step_fb(train_ctx *c, const train_batch *b, int backward, double *loss, long *n_scored,
                  rope_error *err)
{
    if (setup_batch(c, b, err)) return -1;
    const train_model *m = c->m;
    const train_hparams *hp = &c->hp;
    const float *W = m->w;
    const int N = b->n_tokens, d = hp->d_model, ff = hp->n_ff, V = hp->n_vocab;
    tok_job tj = { .c = c, .N = N };

    /* embedding */
    for (int n = 0; n < N; n++)
        memcpy(c->L[0].x + (size_t)n * d, W + m->off_tok_embd + (size_t)b->tokens[n] * d, (size_t)d * sizeof(float));

    for (int l = 0; l < hp->n_layer; l++) {
        layer_act *a = &c->L[l];
        const train_layer_off *lo = &m->layer[l];
        float *next = l + 1 < hp->n_layer ? c->L[l + 1].x : c->xf;
        tj.x = a->x; tj.g = W + lo->attn_norm; tj.r = a->r1; tj.out = c->h;
        kern_pool_run(c->pool, rms_task, &tj);
        gemm(c, 0, 1, N, c->qkvd, d, c->h, d, W + lo->wqkv, d, 0.0f, a->qkv, c->qkvd);
        tj.qkv = a->qkv; tj.inverse = 0;
        kern_pool_run(c->pool, rope_task, &tj);
        att_job aj = { c, a, b->n_seq * hp->n_head };
        atomic_store(&c->next_item, 0);
        kern_pool_run(c->pool, att_fwd_task, &aj);
        memcpy(a->xm, a->x, (size_t)N * d * sizeof(float));
        gemm(c, 0, 1, N, d, c->ad, a->att, c->ad, W + lo->wo, c->ad, 1.0f, a->xm, d);
        tj.x = a->xm; tj.g = W + lo->ffn_norm; tj.r = a->r2; tj.out = c->h;
        kern_pool_run(c->pool, rms_task, &tj);
        gemm(c, 0, 1, N, 2 * ff, d, c->h, d, W + lo->w_gu, d, 0.0f, a->gu, 2 * ff);
        tj.gu = a->gu; tj.act = c->act;
        kern_pool_run(c->pool, swiglu_task, &tj);
        memcpy(next, a->xm, (size_t)N * d * sizeof(float));
        gemm(c, 0, 1, N, d, ff, c->act, ff, W + lo->w_down, ff, 1.0f, next, d);
    }
    tj.x = c->xf; tj.g = W + m->off_out_norm; tj.r = c->rf; tj.out = c->hf;
    kern_pool_run(c->pool, rms_task, &tj);
    gemm(c, 0, 1, N, V, d, c->hf, d, W + m->off_output, d, 0.0f, c->logits, V);

    long cnt = 0;
    double wsum = 0.0;
    for (int n = 0; n < N; n++) {
        cnt += b->targets[n] >= 0;
        if (b->weight && b->targets[n] >= 0) wsum += b->weight[n];
    }
    double denom = b->weight ? wsum : (double)cnt;
    ce_job cj = { c, N, backward, denom > 0 ? (float)(1.0 / denom) : 0.0f };
    if (!b->weight) cj.inv = cnt ? 1.0f / (float)cnt : 0.0f;
    kern_pool_run(c->pool, ce_task, &cj);
    double sum = 0.0;
    for (int t = 0; t < c->nth; t++) sum += c->loss_part[2 * t];
    *loss = denom > 0 ? sum / denom : 0.0;
    if (n_scored) *n_scored = cnt;
    if (!backward) return 0;

    /* ---- backward ---- */
    float *G = c->grad;
    memset(G, 0, m->n_params * sizeof(float));
    float *dlog = c->logits;
    gemm(c, 1, 0, V, d, N, dlog, V, c->hf, d, 1.0f, G + m->off_output, d);   /* dWout += dlogᵀ·hf */
    gemm(c, 0, 0, N, d, V, dlog, V, W + m->off_output, d, 0.0f, c->dh, d);  /* dhf = dlog·Wout */
    memset(c->dx, 0, (size_t)N * d * sizeof(float));
    tj.x = c->xf; tj.g = W + m->off_out_norm; tj.r = c->rf; tj.dy = c->dh; tj.dx = c->dx;
    kern_pool_run(c->pool, rms_bwd_task, &tj);
    add_gain_grad(c, G + m->off_out_norm);

    for (int l = hp->n_layer - 1; l >= 0; l--) {
        layer_act *a = &c->L[l];
        const train_layer_off *lo = &m->layer[l];
        /* feed-forward; c->dx holds d(loss)/d(layer output) */
        tj.x = a->xm; tj.g = W + lo->ffn_norm; tj.r = a->r2; tj.out = c->h;
        kern_pool_run(c->pool, rms_apply_task, &tj);
        tj.gu = a->gu; tj.act = c->act;
        kern_pool_run(c->pool, swiglu_task, &tj);
        gemm(c, 1, 0, d, ff, N, c->dx, d, c->act, ff, 1.0f, G + lo->w_down, ff);  /* dWdown += dxᵀ·act */
        gemm(c, 0, 0, N, ff, d, c->dx, d, W + lo->w_down, ff, 0.0f, c->act, ff);  /* dact = dx·Wdown */
        tj.dact = c->act; tj.dgu = c->dgu;
        kern_pool_run(c->pool, swiglu_bwd_task, &tj);
        gemm(c, 1, 0, 2 * ff, d, N, c->dgu, 2 * ff, c->h, d, 1.0f, G + lo->w_gu, d); /* dWgu += dguᵀ·h */
        gemm(c, 0, 0, N, d, 2 * ff, c->dgu, 2 * ff, W + lo->w_gu, d, 0.0f, c->dh, d); /* dh = dgu·Wgu */
        tj.x = a->xm; tj.g = W + lo->ffn_norm; tj.r = a->r2; tj.dy = c->dh; tj.dx = c->dx;
        kern_pool_run(c->pool, rms_bwd_task, &tj);
        add_gain_grad(c, G + lo->ffn_norm);
        /* attention; c->dx holds d(loss)/d(xm) */
        gemm(c, 1, 0, d, c->ad, N, c->dx, d, a->att, c->ad, 1.0f, G + lo->wo, c->ad); /* dWo += dxᵀ·att */
        gemm(c, 0, 0, N, c->ad, d, c->dx, d, W + lo->wo, c->ad, 0.0f, c->datt, c->ad); /* datt = dx·Wo */
        att_job aj = { c, a, b->n_seq * hp->n_head_kv };
        atomic_store(&c->next_item, 0);
        kern_pool_run(c->pool, att_bwd_task, &aj);
        tj.qkv = c->dqkv; tj.inverse = 1;
        kern_pool_run(c->pool, rope_task, &tj);
        tj.x = a->x; tj.g = W + lo->attn_norm; tj.r = a->r1; tj.out = c->h;
        kern_pool_run(c->pool, rms_apply_task, &tj);
        gemm(c, 1, 0, c->qkvd, d, N, c->dqkv, c->qkvd, c->h, d, 1.0f, G + lo->wqkv, d); /* dWqkv += dqkvᵀ·h */
        gemm(c, 0, 0, N, d, c->qkvd, c->dqkv, c->qkvd, W + lo->wqkv, d, 0.0f, c->dh, d); /* dh = dqkv·Wqkv */
        tj.x = a->x; tj.g = W + lo->attn_norm; tj.r = a->r1; tj.dy = c->dh; tj.dx = c->dx;
        kern_pool_run(c->pool, rms_bwd_task, &tj);
        add_gain_grad(c, G + lo->attn_norm);
    }
    /* embedding: scatter-add in token order (deterministic) */
    float *dE = G + m->off_tok_embd;
    for (int n = 0; n < N; n++) {
        float *row = dE + (size_t)b->tokens[n] * d;
        const float *g = c->dx + (size_t)n * d;
        for (int i = 0; i < d; i++) row[i] += g[i];
    }
    return 0;
}
