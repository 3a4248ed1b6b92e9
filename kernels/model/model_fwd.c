/* kernels/model/model_fwd.c — the inference context and the forward pass: RoPE table and cos/sin cache
 * from ropecore (recomputed per call for sequence-length dependent methods, with keep/re-rotate of
 * cached keys), blocked prefill (row-split GEMMs, blocked causal attention) and a decode path that
 * splits each matrix–vector product's rows across the pool. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "model.h"
#include "kern_rope.h"

#define ATT_BLOCK 256    /* query rows per attention work item (four of kern_attn_causal's 64-query blocks) */
#define ATT_TILED_MIN 16 /* query rows from which an item runs the blocked kernel (kern_attn_causal) */
#define ATT_SLAB ATT_TILED_MIN /* rows of a thread's score slab: the items under ATT_TILED_MIN rows use it */

void model_ctx_params_default(const model *m, model_ctx_params *cp)
{
    memset(cp, 0, sizeof *cp);
    cp->n_ctx = m->hp.ctx_train;
    cp->n_batch = 512;
    cp->n_threads = 2;
    cp->logits_all = 0;
    cp->kv_mode = MODEL_KV_KEEP;
    cp->angles = MODEL_ANGLES_F64;
    cp->rope = m->rope;
}

size_t model_kv_bytes(const model_hparams *hp, int n_ctx, model_kv_mode mode)
{
    size_t per = (size_t)hp->n_layer * (size_t)n_ctx * (size_t)hp->n_head_kv * (size_t)hp->head_dim * sizeof(float);
    return per * (mode == MODEL_KV_REROTATE ? 3 : 2);
}

static size_t round64(size_t b) { return (b + 63) / 64 * 64; }

static float *alloc_f(size_t n, size_t *total)
{
    size_t b = round64(n * sizeof(float) + 64);   /* + 64: keep big arrays off exact power-of-two spacing */
    *total += b;
    float *p = aligned_alloc(64, b);
    if (p) memset(p, 0, b);
    return p;
}

static int uses_seq_len(const rope_params *p)
{
    const rope_method_info *mi = rope_method_get(p->method);
    return mi && (mi->uses & ROPE_USES_SEQ_LEN);
}

static int table_same(const rope_table *a, const rope_table *b)
{
    if (a->n_pairs != b->n_pairs || a->magnitude != b->magnitude) return 0;
    for (int i = 0; i < a->n_pairs; i++)
        if (a->pair[i].theta_scaled != b->pair[i].theta_scaled || a->pair[i].inv_freq_f32 != b->pair[i].inv_freq_f32)
            return 0;
    return 1;
}

static int check_rope(const model *m, const rope_params *p, rope_error *err)
{
    if (p->head_dim != m->hp.head_dim)
        return rope_fail(err, "rope head_dim %d differs from the model's head_dim %d; the table must be built "
                         "for the model's geometry", p->head_dim, m->hp.head_dim);
    return rope_params_validate(p, err);
}

void model_ctx_free(model_ctx *c)
{
    kern_pool_free(c->pool);
    free(c->rope_cos); free(c->rope_sin);
    free(c->k_cache); free(c->v_cache); free(c->k_raw);
    free(c->logits);
    free(c->x); free(c->h); free(c->qkv); free(c->att); free(c->ffn); free(c->scores); free(c->hloc);
    free(c->att_tile);
    free(c->hist_part);
    memset(c, 0, sizeof *c);
}

static int set_table(model_ctx *c, const rope_params *p, rope_error *err)
{
    rope_table t;
    if (rope_table_compute(p, &t, err)) return -1;
    if (t.n_pairs * 2 > c->m->hp.head_dim)
        return rope_fail(err, "rotary dimension %d exceeds head_dim %d", t.n_pairs * 2, c->m->hp.head_dim);
    c->rope = *p;
    if (!table_same(&t, &c->table) || c->table_gen == 0) {
        c->table = t;
        c->table_gen++;
        c->cs_lo = c->cs_hi = 0;
    }
    c->n_pairs = t.n_pairs;
    return 0;
}

int model_ctx_init(model_ctx *c, const model *m, const model_ctx_params *cp, rope_error *err)
{
    memset(c, 0, sizeof *c);
    const model_hparams *hp = &m->hp;
    if (cp->n_ctx < 1 || cp->n_ctx > (1 << 24))
        return rope_fail(err, "context %d is out of range; use 1 to %d tokens", cp->n_ctx, 1 << 24);
    if (cp->n_threads < 1 || cp->n_threads > 64)
        return rope_fail(err, "--threads %d is out of range; use 1 to 64 (this machine has 2 cores)", cp->n_threads);
    if (check_rope(m, &cp->rope, err)) return -1;
    c->m = m;
    c->cp = *cp;
    if (c->cp.n_batch < 1) c->cp.n_batch = 512;
    if (c->cp.n_batch > cp->n_ctx) c->cp.n_batch = cp->n_ctx;
    int B = c->cp.n_batch, N = cp->n_ctx, nt = cp->n_threads;
    size_t d = (size_t)hp->d_model, qd = (size_t)hp->n_head * hp->head_dim;
    size_t kvd = (size_t)hp->n_head_kv * hp->head_dim, ff = (size_t)hp->n_ff;
    size_t kv_one = (size_t)hp->n_layer * (size_t)N * kvd;
    int n_pairs_max = hp->head_dim / 2;

    /* what it will take, before taking it */
    size_t need = model_kv_bytes(hp, N, cp->kv_mode) + 2 * (size_t)N * n_pairs_max * 4 +
                  (cp->logits_all ? (size_t)N : 1) * hp->n_vocab * 4 +
                  (size_t)B * (2 * d + qd + 2 * kvd + qd + 2 * ff) * 4 + (size_t)nt * (ATT_SLAB * (size_t)N + 2 * d + kern_attn_scratch(hp->head_dim)) * 4;
    size_t limit = cp->mem_limit;
    if (!limit) limit = model_mem_limit_default();   /* physical memory and the cgroup's limit */
    if (need > limit)
        return rope_fail(err, "a context of %d tokens needs %.1f MiB (KV cache %.1f MiB) but the limit is %.1f MiB; "
                         "use a smaller --ctx", N, need / 1048576.0, model_kv_bytes(hp, N, cp->kv_mode) / 1048576.0,
                         limit / 1048576.0);

    size_t tot = 0;
    c->k_cache = alloc_f(kv_one, &tot);
    c->v_cache = alloc_f(kv_one, &tot);
    if (cp->kv_mode == MODEL_KV_REROTATE) c->k_raw = alloc_f(kv_one, &tot);
    c->kv_bytes = tot;
    c->rope_cos = alloc_f((size_t)N * n_pairs_max, &tot);
    c->rope_sin = alloc_f((size_t)N * n_pairs_max, &tot);
    c->logits = alloc_f((cp->logits_all ? (size_t)N : 1) * hp->n_vocab, &tot);
    c->x = alloc_f((size_t)B * d, &tot);
    c->h = alloc_f((size_t)B * d, &tot);
    c->qkv = alloc_f((size_t)B * (qd + 2 * kvd), &tot);
    c->att = alloc_f((size_t)B * qd, &tot);
    c->ffn = alloc_f((size_t)B * 2 * ff, &tot);
    c->scores = alloc_f((size_t)nt * ATT_SLAB * N, &tot);
    c->hloc = alloc_f((size_t)nt * 2 * d, &tot);
    c->att_tile = alloc_f((size_t)nt * kern_attn_scratch(hp->head_dim), &tot);
    c->bytes = tot;
    if (!c->k_cache || !c->v_cache || (cp->kv_mode == MODEL_KV_REROTATE && !c->k_raw) || !c->rope_cos ||
        !c->rope_sin || !c->logits || !c->x || !c->h || !c->qkv || !c->att || !c->ffn || !c->scores || !c->hloc ||
        !c->att_tile) {
        model_ctx_free(c);
        return rope_fail(err, "out of memory allocating a context of %d tokens (%.1f MiB)", N, tot / 1048576.0);
    }
    c->pool = kern_pool_create(nt, err);
    if (!c->pool) { model_ctx_free(c); return -1; }
    size_t weight_bytes = m->n_params * sizeof(float);
    c->decode_serial = cp->decode_threads == 1 ||
                       (cp->decode_threads == 0 && weight_bytes <= MODEL_DECODE_SERIAL_BYTES);
    rope_params p = cp->rope;
    p.seq_len = 0;
    if (set_table(c, &p, err)) { model_ctx_free(c); return -1; }
    c->k_gen = c->table_gen;
    return 0;
}

void model_ctx_reset(model_ctx *c)
{
    c->n_past = 0;
    c->n_logits = 0;
    c->k_gen = c->table_gen;
}

int model_ctx_rewind(model_ctx *c, int n_past, rope_error *err)
{
    if (n_past < 0 || n_past > c->n_past)
        return rope_fail(err, "cannot rewind the cache to %d tokens: it holds %d", n_past, c->n_past);
    c->n_past = n_past;
    c->n_logits = 0;
    return 0;
}

int model_ctx_set_rope(model_ctx *c, const rope_params *p, rope_error *err)
{
    if (check_rope(c->m, p, err)) return -1;
    rope_params q = *p;
    q.seq_len = 0;
    if (set_table(c, &q, err)) return -1;
    c->cp.rope = *p;
    model_ctx_reset(c);
    return 0;
}

int model_ctx_set_probe(model_ctx *c, const model_probe *pr, rope_error *err)
{
    free(c->hist_part);
    c->hist_part = NULL;
    memset(&c->probe, 0, sizeof c->probe);
    if (!pr) return 0;
    if (pr->weight_hist) {
        const model_hparams *hp = &c->m->hp;
        size_t n = (size_t)c->cp.n_threads * hp->n_layer * hp->n_head * c->cp.n_ctx;
        c->hist_part = calloc(n, sizeof(double));
        if (!c->hist_part)
            return rope_fail(err, "out of memory for the attention-weight histogram (%.1f MiB)", n * 8 / 1048576.0);
    }
    c->probe = *pr;
    return 0;
}

/* Adds the per-thread weight sums into the caller's histogram and clears them. */
static void hist_flush(model_ctx *c)
{
    const model_hparams *hp = &c->m->hp;
    size_t n = (size_t)hp->n_layer * hp->n_head * c->cp.n_ctx;
    for (int t = 0; t < c->cp.n_threads; t++) {
        double *p = c->hist_part + (size_t)t * n;
        for (size_t i = 0; i < n; i++) c->probe.weight_hist[i] += p[i];
        memset(p, 0, n * sizeof(double));
    }
}

const float *model_logits(const model_ctx *c, int i)
{
    if (i < 0 || i >= c->n_logits) return NULL;
    return c->logits + (size_t)i * c->m->hp.n_vocab;
}

/* --- cos/sin cache ----------------------------------------------------------------------------------- */

static void fill_cs(model_ctx *c, int lo, int hi)
{
    kern_rope_cossin(&c->table, c->cp.angles == MODEL_ANGLES_F32 ? KERN_ANGLES_F32 : KERN_ANGLES_F64, lo, hi,
                     c->rope_cos, c->rope_sin);
}

static void ensure_cs(model_ctx *c, int a, int end)
{
    if (c->cs_lo <= a && end <= c->cs_hi) return;
    if (c->cs_hi > c->cs_lo && a >= c->cs_lo && a <= c->cs_hi) {
        fill_cs(c, c->cs_hi, end);
        c->cs_hi = end;
    } else {
        fill_cs(c, a, end);
        c->cs_lo = a;
        c->cs_hi = end;
    }
}

/* Rotates the kv heads of one key row in place with the cos/sin of position pos. */
static void rope_kv_row(const model_ctx *c, float *k, int pos)
{
    const model_hparams *hp = &c->m->hp;
    const float *cs = c->rope_cos + (size_t)pos * c->n_pairs, *sn = c->rope_sin + (size_t)pos * c->n_pairs;
    for (int g = 0; g < hp->n_head_kv; g++) kern_rope(k + (size_t)g * hp->head_dim, cs, sn, c->n_pairs);
}

typedef struct rerot_arg { model_ctx *c; int n; } rerot_arg;

static void task_rerotate(void *a_, int ith, int nth)
{
    rerot_arg *a = a_;
    model_ctx *c = a->c;
    const model_hparams *hp = &c->m->hp;
    size_t kvd = (size_t)hp->n_head_kv * hp->head_dim;
    int lo, hi;
    kern_split(a->n, ith, nth, 1, &lo, &hi);
    for (int l = 0; l < hp->n_layer; l++)
        for (int p = lo; p < hi; p++) {
            size_t off = ((size_t)l * c->cp.n_ctx + p) * kvd;
            memcpy(c->k_cache + off, c->k_raw + off, kvd * sizeof(float));
            rope_kv_row(c, c->k_cache + off, p);
        }
}

/* --- the forward pass -------------------------------------------------------------------------------- */

typedef struct fwd {
    model_ctx *c;
    int T;          /* tokens in this block */
    int p0;         /* position of the block's first token */
    int layer;
    int out_lo, out_hi;  /* block rows whose logits are wanted */
    int out_row0;   /* logits row of block row out_lo */
} fwd;

/* RoPE on one row of qkv (q heads and k heads), raw-key copy and cache stores, for row t. */
static void finish_qkv_row(const fwd *f, int t, int col_lo, int col_hi)
{
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    int hd = hp->head_dim, qd = hp->n_head * hd, kvd = hp->n_head_kv * hd, np = c->n_pairs;
    int pos = f->p0 + t;
    float *row = c->qkv + (size_t)t * (qd + 2 * kvd);
    size_t off = ((size_t)f->layer * c->cp.n_ctx + pos) * kvd;
    const float *cs = c->rope_cos + (size_t)pos * np, *sn = c->rope_sin + (size_t)pos * np;
    if (c->probe.qk && col_lo < qd + kvd)
        c->probe.qk(c->probe.u, f->layer, pos, row, col_lo, col_hi < qd + kvd ? col_hi : qd + kvd);
    /* key columns of this slice, pre-RoPE, to the raw cache */
    if (c->k_raw) {
        int a = col_lo > qd ? col_lo : qd, b = col_hi < qd + kvd ? col_hi : qd + kvd;
        if (a < b) memcpy(c->k_raw + off + (a - qd), row + a, (size_t)(b - a) * sizeof(float));
    }
    /* RoPE per head segment inside [col_lo, col_hi) (slices start on even columns) */
    for (int h0 = 0; h0 < qd + kvd; h0 += hd) {
        int a = col_lo > h0 ? col_lo : h0, b = col_hi < h0 + hd ? col_hi : h0 + hd;
        int pa = (a - h0) / 2, pb = (b - h0) / 2;
        if (pb > np) pb = np;
        if (pa < pb) kern_rope(row + h0 + 2 * pa, cs + pa, sn + pa, pb - pa);
    }
    int a = col_lo > qd ? col_lo : qd, b = col_hi < qd + kvd ? col_hi : qd + kvd;
    if (a < b) memcpy(c->k_cache + off + (a - qd), row + a, (size_t)(b - a) * sizeof(float));
    a = col_lo > qd + kvd ? col_lo : qd + kvd;
    b = col_hi;
    if (a < b) memcpy(c->v_cache + off + (a - qd - kvd), row + a, (size_t)(b - a) * sizeof(float));
}

/* Prefill, rows split: x → rmsnorm → [q|k|v], RoPE, cache stores. */
static void task_pre_rows(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    const model_layer *L = &c->m->layer[f->layer];
    int d = hp->d_model, qkvd = (hp->n_head + 2 * hp->n_head_kv) * hp->head_dim;
    int lo, hi;
    kern_split(f->T, ith, nth, 1, &lo, &hi);
    if (lo >= hi) return;
    for (int t = lo; t < hi; t++) kern_rmsnorm(c->x + (size_t)t * d, L->attn_norm, c->h + (size_t)t * d, d, hp->norm_eps);
    kern_gemm_wt(hi - lo, qkvd, d, c->h + (size_t)lo * d, d, L->wqkv, d, 0.0f, c->qkv + (size_t)lo * qkvd, qkvd);
    for (int t = lo; t < hi; t++) finish_qkv_row(f, t, 0, qkvd);
}

/* Decode (T = 1), output columns split: every thread normalises x, computes its rows of Wqkv·h. */
static void task_pre_cols(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    const model_layer *L = &c->m->layer[f->layer];
    int d = hp->d_model, qkvd = (hp->n_head + 2 * hp->n_head_kv) * hp->head_dim;
    int lo, hi;
    kern_split(qkvd, ith, nth, 8, &lo, &hi);
    if (lo >= hi) return;
    float *h = c->hloc + (size_t)ith * 2 * d;
    kern_rmsnorm(c->x, L->attn_norm, h, d, hp->norm_eps);
    kern_matvec(L->wqkv + (size_t)lo * d, d, h, c->qkv + lo, hi - lo, d);
    finish_qkv_row(f, 0, lo, hi);
}

/* Causal attention of query head h for block rows [t0, t1), scores in S [ATT_SLAB][n_ctx] when the
 * block has fewer than ATT_TILED_MIN rows. */
static void attn_item(const fwd *f, int h, int t0, int t1, float *S)
{
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    int hd = hp->head_dim, qd = hp->n_head * hd, kvd = hp->n_head_kv * hd, qkvd = qd + 2 * kvd;
    int g = h / (hp->n_head / hp->n_head_kv);
    float scale = 1.0f / sqrtf((float)hd);
    int bq = t1 - t0, nk = f->p0 + t1;
    const float *Kg = c->k_cache + (size_t)f->layer * c->cp.n_ctx * kvd + (size_t)g * hd;
    const float *Vg = c->v_cache + (size_t)f->layer * c->cp.n_ctx * kvd + (size_t)g * hd;
    const float *q = c->qkv + (size_t)t0 * qkvd + (size_t)h * hd;
    float *out = c->att + (size_t)t0 * qd + (size_t)h * hd;
    /* the probe's weight-by-distance sums of this thread (S is the thread's own scores slab) */
    double *hist = NULL;
    if (c->hist_part) {
        size_t tid = (size_t)(S - c->scores) / ((size_t)ATT_SLAB * c->cp.n_ctx);
        hist = c->hist_part + ((tid * hp->n_layer + f->layer) * hp->n_head + h) * (size_t)c->cp.n_ctx;
    }
    if (bq >= ATT_TILED_MIN) {
        /* blocked and exact: tiles of keys with a running softmax; the thread's slab of S is unused */
        size_t tid = (size_t)(S - c->scores) / ((size_t)ATT_SLAB * c->cp.n_ctx);
        kern_attn_causal(q, qkvd, Kg, Vg, kvd, out, qd, bq, f->p0 + t0, hd, scale,
                         c->att_tile + tid * kern_attn_scratch(hd), hist);
        return;
    }
    if (bq <= 2) {
        for (int r = 0; r < bq; r++) {
            int valid = f->p0 + t0 + r + 1;
            const float *qr = q + (size_t)r * qkvd;
            kern_matvec(Kg, kvd, qr, S, valid, hd);
            for (int j = 0; j < valid; j++) S[j] *= scale;
            kern_softmax(S, valid);
            if (hist) for (int j = 0; j < valid; j++) hist[valid - 1 - j] += S[j];
            kern_matvec_t(Vg, kvd, S, out + (size_t)r * qd, valid, hd);
        }
        return;
    }
    kern_gemm(1, bq, nk, hd, scale, q, qkvd, Kg, kvd, 0.0f, S, nk);
    for (int r = 0; r < bq; r++) {
        int valid = f->p0 + t0 + r + 1;
        float *Sr = S + (size_t)r * nk;
        kern_softmax(Sr, valid);
        if (hist) for (int j = 0; j < valid; j++) hist[valid - 1 - j] += Sr[j];
        if (valid < nk) memset(Sr + valid, 0, (size_t)(nk - valid) * sizeof(float));
    }
    kern_gemm(0, bq, hd, nk, 1.0f, S, nk, Vg, kvd, 0.0f, out, qd);
}

/* Causal attention for (head, query block) items, interleaved over threads, longest rows first. */
static void task_attn(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    int nqb = (f->T + ATT_BLOCK - 1) / ATT_BLOCK;
    int items = nqb * hp->n_head;
    float *S = c->scores + (size_t)kern_pool_tid() * ATT_SLAB * c->cp.n_ctx;
    for (int it = ith; it < items; it += nth) {
        int qb = nqb - 1 - it / hp->n_head;
        int t0 = qb * ATT_BLOCK, t1 = t0 + ATT_BLOCK < f->T ? t0 + ATT_BLOCK : f->T;
        attn_item(f, it % hp->n_head, t0, t1, S);
    }
}

/* Decode (T = 1) with n_head_kv a multiple of the thread count: each thread owns whole kv-head
 * groups, so it computes q, k, v of its heads and attends with them without waiting for the
 * other thread. */
static void task_dec_heads(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    const model_layer *L = &c->m->layer[f->layer];
    int d = hp->d_model, hd = hp->head_dim, qd = hp->n_head * hd, kvd = hp->n_head_kv * hd;
    int group = hp->n_head / hp->n_head_kv;
    int g0, g1;
    kern_split(hp->n_head_kv, ith, nth, 1, &g0, &g1);
    if (g0 >= g1) return;
    float *h = c->hloc + (size_t)ith * 2 * d;
    kern_rmsnorm(c->x, L->attn_norm, h, d, hp->norm_eps);
    int ranges[3][2] = { { g0 * group * hd, g1 * group * hd }, { qd + g0 * hd, qd + g1 * hd },
                         { qd + kvd + g0 * hd, qd + kvd + g1 * hd } };
    for (int k = 0; k < 3; k++) {
        int lo = ranges[k][0], hi = ranges[k][1];
        kern_matvec(L->wqkv + (size_t)lo * d, d, h, c->qkv + lo, hi - lo, d);
        finish_qkv_row(f, 0, lo, hi);
    }
    float *S = c->scores + (size_t)ith * ATT_SLAB * c->cp.n_ctx;
    for (int hh = g0 * group; hh < g1 * group; hh++) attn_item(f, hh, 0, 1, S);
}

/* Decode: every thread forms x' = x + Wo·att in full (a small product), normalises it and computes
 * its slice of silu(gate·h)·(up·h). x itself is not written here. */
static void task_dec_ffn(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    const model_layer *L = &c->m->layer[f->layer];
    int d = hp->d_model, qd = hp->n_head * hp->head_dim, ff = hp->n_ff;
    float *xl = c->hloc + (size_t)ith * 2 * d, *h = xl + d;
    kern_matvec(L->wo, qd, c->att, xl, d, qd);
    for (int r = 0; r < d; r++) xl[r] += c->x[r];
    int lo, hi;
    kern_split(ff, ith, nth, 8, &lo, &hi);
    if (lo >= hi) return;
    kern_rmsnorm(xl, L->ffn_norm, h, d, hp->norm_eps);
    float *g = c->ffn + lo, *u = c->ffn + ff + lo;
    kern_matvec(L->w_gate + (size_t)lo * d, d, h, g, hi - lo, d);
    kern_matvec(L->w_up + (size_t)lo * d, d, h, u, hi - lo, d);
    kern_silu_mul(g, u, g, hi - lo);
}

/* Decode: x[r] = x'[r] + Wdown[r]·act for my rows r. */
static void task_dec_down(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    int d = hp->d_model, ff = hp->n_ff;
    int lo, hi;
    kern_split(d, ith, nth, 8, &lo, &hi);
    if (lo >= hi) return;
    const float *xl = c->hloc + (size_t)ith * 2 * d;
    float *y = c->h + lo;
    kern_matvec(c->m->layer[f->layer].w_down + (size_t)lo * ff, ff, c->ffn, y, hi - lo, ff);
    for (int r = 0; r < hi - lo; r++) c->x[lo + r] = xl[lo + r] + y[r];
}

/* Prefill, rows split: x += Wo·att; h = rmsnorm(x); x += Wdown·(silu(Wgate h) ⊙ Wup h). */
static void task_post_rows(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    const model_layer *L = &c->m->layer[f->layer];
    int d = hp->d_model, qd = hp->n_head * hp->head_dim, ff = hp->n_ff;
    int lo, hi;
    kern_split(f->T, ith, nth, 1, &lo, &hi);
    if (lo >= hi) return;
    int n = hi - lo;
    float *x = c->x + (size_t)lo * d, *h = c->h + (size_t)lo * d, *g = c->ffn + (size_t)lo * 2 * ff;
    kern_gemm_wt(n, d, qd, c->att + (size_t)lo * qd, qd, L->wo, qd, 1.0f, x, d);
    for (int t = 0; t < n; t++) kern_rmsnorm(x + (size_t)t * d, L->ffn_norm, h + (size_t)t * d, d, hp->norm_eps);
    kern_gemm_wt(n, 2 * ff, d, h, d, L->w_gu, d, 0.0f, g, 2 * ff);
    for (int t = 0; t < n; t++) kern_silu_mul(g + (size_t)t * 2 * ff, g + (size_t)t * 2 * ff + ff, g + (size_t)t * 2 * ff, ff);
    kern_gemm_wt(n, d, ff, g, 2 * ff, L->w_down, ff, 1.0f, x, d);
}

/* Decode: x[r] += Wo[r]·att for my rows r. */
static void task_wo_cols(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    int d = hp->d_model, qd = hp->n_head * hp->head_dim;
    int lo, hi;
    kern_split(d, ith, nth, 8, &lo, &hi);
    if (lo >= hi) return;
    float *y = c->h + lo;                  /* h is free here: a temporary for the product */
    kern_matvec(c->m->layer[f->layer].wo + (size_t)lo * qd, qd, c->att, y, hi - lo, qd);
    for (int r = 0; r < hi - lo; r++) c->x[lo + r] += y[r];
}

/* Decode: my slice j of the FFN: silu(gate_j·h)·(up_j·h). */
static void task_gu_cols(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    const model_layer *L = &c->m->layer[f->layer];
    int d = hp->d_model, ff = hp->n_ff;
    int lo, hi;
    kern_split(ff, ith, nth, 8, &lo, &hi);
    if (lo >= hi) return;
    float *h = c->hloc + (size_t)ith * 2 * d;
    kern_rmsnorm(c->x, L->ffn_norm, h, d, hp->norm_eps);
    float *g = c->ffn + lo, *u = c->ffn + ff + lo;
    kern_matvec(L->w_gate + (size_t)lo * d, d, h, g, hi - lo, d);
    kern_matvec(L->w_up + (size_t)lo * d, d, h, u, hi - lo, d);
    kern_silu_mul(g, u, g, hi - lo);
}

/* Decode: x[r] += Wdown[r]·act for my rows r. */
static void task_down_cols(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model_hparams *hp = &c->m->hp;
    int d = hp->d_model, ff = hp->n_ff;
    int lo, hi;
    kern_split(d, ith, nth, 8, &lo, &hi);
    if (lo >= hi) return;
    float *y = c->h + lo;
    kern_matvec(c->m->layer[f->layer].w_down + (size_t)lo * ff, ff, c->ffn, y, hi - lo, ff);
    for (int r = 0; r < hi - lo; r++) c->x[lo + r] += y[r];
}

/* Logits for block rows [out_lo, out_hi): rows split (several rows) or vocabulary split (one row). */
static void task_out(void *a_, int ith, int nth)
{
    fwd *f = a_;
    model_ctx *c = f->c;
    const model *m = c->m;
    int d = m->hp.d_model, V = m->hp.n_vocab;
    int n = f->out_hi - f->out_lo;
    if (n == 1) {
        int lo, hi;
        kern_split(V, ith, nth, 8, &lo, &hi);
        if (lo >= hi) return;
        float *h = c->hloc + (size_t)ith * 2 * d;
        kern_rmsnorm(c->x + (size_t)f->out_lo * d, m->out_norm, h, d, m->hp.norm_eps);
        kern_matvec(m->output + (size_t)lo * d, d, h, c->logits + (size_t)f->out_row0 * V + lo, hi - lo, d);
        return;
    }
    int lo, hi;
    kern_split(n, ith, nth, 1, &lo, &hi);
    if (lo >= hi) return;
    for (int t = lo; t < hi; t++)
        kern_rmsnorm(c->x + (size_t)(f->out_lo + t) * d, m->out_norm, c->h + (size_t)(f->out_lo + t) * d, d, m->hp.norm_eps);
    kern_gemm_wt(hi - lo, V, d, c->h + (size_t)(f->out_lo + lo) * d, d, m->output, d, 0.0f,
                 c->logits + (size_t)(f->out_row0 + lo) * V, V);
}

static void forward_block(model_ctx *c, const int *tokens, int T, int out_lo, int out_hi, int out_row0)
{
    const model *m = c->m;
    int d = m->hp.d_model;
    for (int t = 0; t < T; t++) memcpy(c->x + (size_t)t * d, m->tok_embd + (size_t)tokens[t] * d, (size_t)d * sizeof(float));
    fwd f = { c, T, c->n_past, 0, out_lo, out_hi, out_row0 };
    /* decode of a small model stays on the calling thread (see model_ctx_params.decode_threads) */
    kern_pool *pool = T == 1 && c->decode_serial ? NULL : c->pool;
    int hp_kv_split = m->hp.n_head_kv % kern_pool_size(pool) == 0;
    for (int l = 0; l < m->hp.n_layer; l++) {
        f.layer = l;
        if (T == 1 && hp_kv_split) {
            kern_pool_run(pool, task_dec_heads, &f);
            kern_pool_run(pool, task_dec_ffn, &f);
            kern_pool_run(pool, task_dec_down, &f);
        } else if (T == 1) {
            kern_pool_run(pool, task_pre_cols, &f);
            kern_pool_run(pool, task_attn, &f);
            kern_pool_run(pool, task_wo_cols, &f);
            kern_pool_run(pool, task_gu_cols, &f);
            kern_pool_run(pool, task_down_cols, &f);
        } else {
            /* more parts than threads: a descheduled worker delays only a small share */
            int parts = kern_pool_size(pool) > 1 ? 4 * kern_pool_size(pool) : 1;
            kern_pool_run_parts(pool, task_pre_rows, &f, parts);
            kern_pool_run_parts(pool, task_attn, &f, parts);
            kern_pool_run_parts(pool, task_post_rows, &f, parts);
        }
    }
    if (out_hi > out_lo) kern_pool_run(pool, task_out, &f);
    c->n_past += T;
}

int model_eval(model_ctx *c, const int *tokens, int n, rope_error *err)
{
    const model_hparams *hp = &c->m->hp;
    if (n < 1) return rope_fail(err, "nothing to evaluate (0 tokens)");
    if (n > c->cp.n_ctx - c->n_past)
        return rope_fail(err, "%d tokens after %d already cached exceed the context of %d tokens; use a larger --ctx "
                         "or a shorter prompt", n, c->n_past, c->cp.n_ctx);
    for (int i = 0; i < n; i++)
        if (tokens[i] < 0 || tokens[i] >= hp->n_vocab)
            return rope_fail(err, "token %d at index %d is outside the vocabulary [0, %d)", tokens[i], i, hp->n_vocab);
    int end = c->n_past + n;
    if (uses_seq_len(&c->rope) && c->rope.seq_len != end) {
        rope_params p = c->rope;
        p.seq_len = end;
        if (set_table(c, &p, err)) return -1;
    }
    ensure_cs(c, c->k_raw ? 0 : c->n_past, end);
    if (c->k_raw && c->k_gen != c->table_gen) {
        rerot_arg a = { c, c->n_past };
        if (c->n_past > 0) kern_pool_run(c->pool, task_rerotate, &a);
        c->k_gen = c->table_gen;
    }
    int logits_all = c->cp.logits_all;
    c->n_logits = logits_all ? n : 1;
    for (int done = 0; done < n;) {
        int T = n - done < c->cp.n_batch ? n - done : c->cp.n_batch;
        int last = done + T == n;
        int lo = logits_all ? 0 : (last ? T - 1 : T);   /* block rows whose logits are kept */
        forward_block(c, tokens + done, T, lo, T, logits_all ? done : 0);
        done += T;
    }
    if (c->hist_part) hist_flush(c);
    /* a NaN or inf logit would pass as a result (a softmax may map it to ~0): refuse it here, once */
    size_t nl = (size_t)c->n_logits * (size_t)hp->n_vocab;
    for (size_t i = 0; i < nl; i++)
        if (!isfinite(c->logits[i]))
            return rope_fail(err, "the model produced a NaN or infinite logit (position %d): the weights or the "
                             "RoPE parameters overflow", c->n_past - n + (int)(i / (size_t)hp->n_vocab));
    return 0;
}
