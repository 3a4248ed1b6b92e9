/* kernels/train/train_opt.c — AdamW with warm-up and cosine decay, global-norm clipping, the training
 * session (batches from the corpus mixture, optional mixed-length curriculum, held-out evaluation),
 * atomic checkpoints that resume bit for bit, and the run loop that reports through a callback. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "train.h"

/* --- optimizer ----------------------------------------------------------------------------------- */

void train_opt_default(train_opt *o)
{
    o->lr_max = 2e-3;
    o->lr_min = 1e-4;
    o->warmup = 200;
    o->total = 1000;
    o->beta1 = 0.9;
    o->beta2 = 0.95;
    o->eps = 1e-8;
    o->weight_decay = 0.1;
    o->clip = 1.0;
    o->constant = 0;
}

int train_opt_check(const train_opt *o, rope_error *err)
{
    if (!(o->lr_max > 0.0 && o->lr_max < 10.0))
        return rope_fail(err, "learning rate %g must be in (0, 10); a learning rate of 0 trains nothing", o->lr_max);
    if (!(o->lr_min >= 0.0 && o->lr_min <= o->lr_max))
        return rope_fail(err, "minimum learning rate %g must be in [0, lr %g]", o->lr_min, o->lr_max);
    if (o->total < 1) return rope_fail(err, "%ld steps: at least 1 is needed", o->total);
    if (o->warmup < 0) return rope_fail(err, "warm-up of %ld steps must not be negative", o->warmup);
    if (!(o->beta1 >= 0.0 && o->beta1 < 1.0 && o->beta2 >= 0.0 && o->beta2 < 1.0))
        return rope_fail(err, "AdamW betas %g, %g must be in [0, 1)", o->beta1, o->beta2);
    if (!(o->eps > 0.0)) return rope_fail(err, "AdamW epsilon %g must be positive", o->eps);
    if (!(o->weight_decay >= 0.0 && o->weight_decay < 10.0))
        return rope_fail(err, "weight decay %g must be in [0, 10)", o->weight_decay);
    if (!(o->clip >= 0.0) || !isfinite(o->clip)) return rope_fail(err, "gradient clip %g must be >= 0", o->clip);
    return 0;
}

double train_lr_at(const train_opt *o, long step)
{
    if (step < o->warmup) return o->lr_max * (double)(step + 1) / (double)o->warmup;
    if (o->constant) return o->lr_max;
    long span = o->total - o->warmup;
    double prog = span > 0 ? (double)(step - o->warmup) / (double)span : 1.0;
    if (prog > 1.0) prog = 1.0;
    return o->lr_min + 0.5 * (o->lr_max - o->lr_min) * (1.0 + cos(M_PI * prog));
}

double train_clip_grad(float *g, size_t n, double clip)
{
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) ss += (double)g[i] * g[i];
    double norm = sqrt(ss);
    if (clip > 0.0 && norm > clip) {
        float k = (float)(clip / norm);
        for (size_t i = 0; i < n; i++) g[i] *= k;
    }
    return norm;
}

void train_adamw(train_model *m, const float *g, float *mom, float *vel, long t, double lr, const train_opt *o)
{
    const float b1 = (float)o->beta1, b2 = (float)o->beta2;
    const double bc1 = 1.0 - pow(o->beta1, (double)t), bc2 = 1.0 - pow(o->beta2, (double)t);
    const float step = (float)(lr / bc1), isb2 = (float)(1.0 / sqrt(bc2)), eps = (float)o->eps;
    for (int k = 0; k < m->n_tensors; k++) {
        const train_tensor *tt = &m->tensors[k];
        float *p = m->w + tt->off, *mm = mom + tt->off, *vv = vel + tt->off;
        const float *gg = g + tt->off;
        const float decay = tt->decay ? (float)(1.0 - lr * o->weight_decay) : 1.0f;
        for (size_t i = 0; i < tt->n; i++) {
            float gi = gg[i];
            mm[i] = b1 * mm[i] + (1.0f - b1) * gi;
            vv[i] = b2 * vv[i] + (1.0f - b2) * gi * gi;
            float denom = sqrtf(vv[i]) * isb2 + eps;
            p[i] = p[i] * decay - step * mm[i] / denom;
        }
    }
}

/* --- configuration --------------------------------------------------------------------------------- */

void train_config_default(train_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    train_hparams_default(&cfg->hp);
    rope_params_init(&cfg->rope);
    cfg->rope.head_dim = cfg->hp.head_dim;
    cfg->seq_len = 512;
    cfg->batch = 16;
    cfg->short_len = 0;
    cfg->short_frac = 0.0;
    corpus_mix_default(&cfg->mix);
    train_opt_default(&cfg->opt);
    cfg->seed = 1;
    cfg->n_threads = 2;
    cfg->eval_seqs = 16;
    for (int k = 0; k < CORPUS_TOKEN_KINDS; k++) cfg->kind_weight[k] = 1.0f;
}

int train_config_len_at(const train_config *cfg, long step)
{
    int len = cfg->seq_len;
    for (int k = 0; k < cfg->n_sched && k < TRAIN_MAX_SCHED; k++)
        if (step >= cfg->sched_step[k]) len = cfg->sched_len[k];
    return len;
}

int train_config_check(const train_config *cfg, rope_error *err)
{
    if (train_hparams_check(&cfg->hp, err)) return -1;
    if (cfg->seq_len < 2 || cfg->seq_len > 1 << 20)
        return rope_fail(err, "context %d is out of range; use 2 to %d tokens", cfg->seq_len, 1 << 20);
    if (cfg->batch < 1 || cfg->batch > 4096)
        return rope_fail(err, "batch %d is out of range; use 1 to 4096 sequences", cfg->batch);
    if ((double)cfg->batch * cfg->seq_len > 1 << 24)
        return rope_fail(err, "a batch of %d x %d tokens is too large; use at most 16M tokens per step",
                         cfg->batch, cfg->seq_len);
    if (cfg->short_frac < 0.0 || cfg->short_frac > 1.0)
        return rope_fail(err, "short-sequence fraction %g must be in [0, 1]", cfg->short_frac);
    if (cfg->short_frac > 0.0) {
        if (cfg->short_len < 2 || cfg->short_len > cfg->seq_len)
            return rope_fail(err, "short sequences of %d tokens: use 2 to the context (%d)", cfg->short_len,
                             cfg->seq_len);
        if (cfg->seq_len % cfg->short_len)
            return rope_fail(err, "the context %d is not divisible into short sequences of %d tokens; pick a "
                                  "short length that divides it", cfg->seq_len, cfg->short_len);
    }
    const corpus_mix *x = &cfg->mix;
    double mx = x->passkey + x->kv + x->copy + x->repeat + x->recall;
    if (!(x->passkey >= 0 && x->kv >= 0 && x->copy >= 0 && x->repeat >= 0 && x->recall >= 0 && mx <= 1.0 + 1e-12 &&
          x->grass >= 0 && x->grass <= 1.0))
        return rope_fail(err, "task fractions passkey %g + kv %g + copy %g + repeat %g + recall %g must add up to at "
                              "most 1", x->passkey, x->kv, x->copy, x->repeat, x->recall);
    if (x->recall_dmax < 0 || x->recall_dmax > 1 << 20)
        return rope_fail(err, "recall distance limit %d is out of range (0 = the whole window)", x->recall_dmax);
    if (x->recall_form < CORPUS_RECALL_SPANS || x->recall_form > CORPUS_RECALL_ALPHABETS)
        return rope_fail(err, "unknown recall form %d", x->recall_form);
    for (int k = 0; k < CORPUS_TOKEN_KINDS; k++)
        if (!(cfg->kind_weight[k] >= 0.0f && cfg->kind_weight[k] <= 1e6f))
            return rope_fail(err, "loss weight %g must be in [0, 1e6]", cfg->kind_weight[k]);
    if (cfg->n_sched < 0 || cfg->n_sched > TRAIN_MAX_SCHED)
        return rope_fail(err, "a context schedule takes 1 to %d entries, not %d", TRAIN_MAX_SCHED, cfg->n_sched);
    for (int k = 0; k < cfg->n_sched; k++) {
        if (k == 0 && cfg->sched_step[0] != 0)
            return rope_fail(err, "a context schedule must start at step 0, not %ld", cfg->sched_step[0]);
        if (k > 0 && cfg->sched_step[k] <= cfg->sched_step[k - 1])
            return rope_fail(err, "context schedule steps must increase (%ld after %ld)", cfg->sched_step[k],
                             cfg->sched_step[k - 1]);
        if (cfg->sched_len[k] < 2 || cfg->sched_len[k] > cfg->seq_len)
            return rope_fail(err, "context schedule length %d: use 2 to the context %d (the largest length)",
                             cfg->sched_len[k], cfg->seq_len);
        if (cfg->short_frac > 0.0)
            return rope_fail(err, "a context schedule and short rows do not combine; use one of them");
    }
    if (cfg->repeat_steps < 0 || cfg->repeat_steps > cfg->opt.total)
        return rope_fail(err, "%ld repeat warm-up steps: use 0 to the run's %ld steps", cfg->repeat_steps,
                         cfg->opt.total);
    if (cfg->n_threads < 1 || cfg->n_threads > 256)
        return rope_fail(err, "%d threads is out of range; use 1 to 256", cfg->n_threads);
    if (cfg->eval_seqs < 0 || cfg->eval_seqs > 100000)
        return rope_fail(err, "%d evaluation windows is out of range", cfg->eval_seqs);
    if (train_opt_check(&cfg->opt, err)) return -1;
    rope_error e;
    if (rope_params_validate(&cfg->rope, &e)) return rope_fail(err, "RoPE: %s", e.msg);
    if (cfg->rope.head_dim != cfg->hp.head_dim)
        return rope_fail(err, "RoPE head_dim %d differs from the model's head_dim %d", cfg->rope.head_dim,
                         cfg->hp.head_dim);
    return 0;
}

/* --- session ----------------------------------------------------------------------------------------- */

int train_session_init(train_session *s, const train_config *cfg, const train_model *init,
                       const corpus *data, rope_error *err)
{
    memset(s, 0, sizeof *s);
    if (train_config_check(cfg, err)) return -1;
    if (init && !train_hparams_same(&init->hp, &cfg->hp)) {
        char a[160], b[160];
        train_hparams_describe(&init->hp, a, sizeof a);
        train_hparams_describe(&cfg->hp, b, sizeof b);
        return rope_fail(err, "the starting model is %s, but the run asks for %s", a, b);
    }
    if (!data || data->n_train < (size_t)cfg->seq_len + 2 || data->n_heldout < 2)
        return rope_fail(err, "the corpus is too small for sequences of %d tokens", cfg->seq_len);
    s->cfg = *cfg;
    s->cfg.hp.ctx_train = cfg->seq_len;
    s->data = data;
    if (train_model_init(&s->model, &s->cfg.hp, err)) return -1;
    if (init) {
        memcpy(s->model.w, init->w, init->n_params * sizeof(float));
        memcpy(s->model.name, init->name, sizeof s->model.name);
    } else {
        train_model_randomize(&s->model, cfg->seed);
    }
    s->model.rope = cfg->rope;
    int maxtok = cfg->batch * cfg->seq_len;
    s->ctx = train_ctx_create(&s->model, maxtok, cfg->seq_len, cfg->n_threads, err);
    if (!s->ctx) { train_session_free(s); return -1; }
    if (train_ctx_set_rope(s->ctx, &cfg->rope, err)) { train_session_free(s); return -1; }
    s->mom = calloc(s->model.n_params, sizeof(float));
    s->vel = calloc(s->model.n_params, sizeof(float));
    s->tokens_buf = calloc((size_t)maxtok, sizeof(int));
    s->targets_buf = calloc((size_t)maxtok, sizeof(int));
    s->seqlen_buf = calloc((size_t)maxtok, sizeof(int));
    s->bytes_buf = calloc((size_t)cfg->seq_len + 1, 1);
    s->kind_buf = calloc((size_t)cfg->seq_len + 1, 1);
    s->weight_buf = calloc((size_t)maxtok, sizeof(float));
    int ne = cfg->eval_seqs;
    s->eval_tok = calloc((size_t)ne * cfg->seq_len + 1, sizeof(int));
    s->eval_tgt = calloc((size_t)ne * cfg->seq_len + 1, sizeof(int));
    s->eval_len = calloc((size_t)ne + 1, sizeof(int));
    if (!s->mom || !s->vel || !s->tokens_buf || !s->targets_buf || !s->seqlen_buf || !s->bytes_buf ||
        !s->kind_buf || !s->weight_buf ||
        !s->eval_tok || !s->eval_tgt || !s->eval_len) {
        train_session_free(s);
        return rope_fail(err, "out of memory for the optimizer state");
    }
    /* held-out windows at evenly spaced offsets */
    size_t span = data->n_heldout > (size_t)cfg->seq_len + 1 ? data->n_heldout - (size_t)cfg->seq_len - 1 : 0;
    for (int k = 0; k < ne; k++) {
        size_t off = ne > 1 ? span * (size_t)k / (size_t)(ne - 1) : 0;
        for (int t = 0; t < cfg->seq_len; t++) {
            s->eval_tok[(size_t)k * cfg->seq_len + t] = data->heldout[(off + t) % data->n_heldout];
            s->eval_tgt[(size_t)k * cfg->seq_len + t] = data->heldout[(off + t + 1) % data->n_heldout];
        }
        s->eval_len[k] = cfg->seq_len;
    }
    s->eval_n = ne;
    s->rng = cfg->seed * 0x2545F4914F6CDD1Dull + 0x1234567ull;
    return 0;
}

void train_session_free(train_session *s)
{
    train_ctx_free(s->ctx);
    train_model_free(&s->model);
    free(s->mom); free(s->vel);
    free(s->tokens_buf); free(s->targets_buf); free(s->seqlen_buf); free(s->bytes_buf);
    free(s->kind_buf); free(s->weight_buf);
    free(s->eval_tok); free(s->eval_tgt); free(s->eval_len);
    memset(s, 0, sizeof *s);
}

/* Appends sequence number s->cursor of length T to the batch being built. */
static void add_seq(train_session *s, int T, int *ntok, int *nseq)
{
    static const corpus_mix warm = { .repeat = 1.0 };
    const corpus_mix *mx = s->step < s->cfg.repeat_steps ? &warm : &s->cfg.mix;
    corpus_sample_kinds(s->data, mx, s->cfg.seed, s->cursor++, T + 1, s->bytes_buf, s->kind_buf);
    for (int t = 0; t < T; t++) {
        s->tokens_buf[*ntok + t] = s->bytes_buf[t];
        s->targets_buf[*ntok + t] = s->bytes_buf[t + 1];
        s->weight_buf[*ntok + t] = s->cfg.kind_weight[s->kind_buf[t + 1]];   /* the target's kind */
    }
    *ntok += T;
    s->seqlen_buf[(*nseq)++] = T;
}

int train_session_step(train_session *s, train_stats *st, rope_error *err)
{
    const train_config *cfg = &s->cfg;
    int ntok = 0, nseq = 0;
    int len = train_config_len_at(cfg, s->step);
    for (int r = 0; r < cfg->batch; r++) {
        int shortrow = cfg->short_frac > 0.0 && corpus_rand_unit(&s->rng) < cfg->short_frac;
        if (shortrow)
            for (int k = 0; k < cfg->seq_len / cfg->short_len; k++) add_seq(s, cfg->short_len, &ntok, &nseq);
        else
            add_seq(s, len, &ntok, &nseq);
    }
    int weighted = 0;
    for (int k = 0; k < CORPUS_TOKEN_KINDS; k++) weighted |= cfg->kind_weight[k] != 1.0f;
    train_batch b = { ntok, s->tokens_buf, s->targets_buf, nseq, s->seqlen_buf, weighted ? s->weight_buf : NULL };
    double loss;
    if (train_step_fb(s->ctx, &b, 1, &loss, NULL, err)) return -1;
    float *g = train_ctx_grad(s->ctx);
    double gn = train_clip_grad(g, s->model.n_params, cfg->opt.clip);
    if (!isfinite(loss) || !isfinite(gn))
        return rope_fail(err, "the loss became %g (gradient norm %g) at step %ld; lower --lr and resume from "
                              "the last checkpoint", loss, gn, s->step + 1);
    double lr = train_lr_at(&cfg->opt, s->step);
    train_adamw(&s->model, g, s->mom, s->vel, s->step + 1, lr, &cfg->opt);
    s->step++;
    s->tokens += ntok;
    if (st) {
        st->step = s->step;
        st->loss = loss;
        st->lr = lr;
        st->grad_norm = gn;
        st->n_tokens = ntok;
        st->flops = 0.0;
        for (int k = 0; k < nseq; k++)
            st->flops += s->seqlen_buf[k] * train_flops_per_token(&s->model.hp, s->seqlen_buf[k]);
    }
    return 0;
}

int train_session_eval(train_session *s, double *loss, rope_error *err)
{
    double sum = 0.0;
    long cnt = 0;
    int T = s->cfg.seq_len, per = s->cfg.batch;
    for (int k0 = 0; k0 < s->eval_n; k0 += per) {
        int k1 = k0 + per < s->eval_n ? k0 + per : s->eval_n;
        train_batch b = { (k1 - k0) * T, s->eval_tok + (size_t)k0 * T, s->eval_tgt + (size_t)k0 * T, k1 - k0,
                          s->eval_len + k0, NULL };
        double l;
        long n;
        if (train_step_fb(s->ctx, &b, 0, &l, &n, err)) return -1;
        sum += l * (double)n;
        cnt += n;
    }
    *loss = cnt ? sum / (double)cnt : 0.0;
    return 0;
}

/* --- checkpoints ---------------------------------------------------------------------------------------- */

#define CKPT_MAGIC   "RSCKPT01"
#define CKPT_VERSION 5   /* 5 added the recall form; 4 added recall, loss weights, constant lr and the context schedule; 3 repeat and
                            its warm-up, 2 the copy fraction; older files read them as 0 (weights 1) */

typedef struct wr {
    FILE *f;
    uint64_t h;
    int bad;
} wr;

static void w_bytes(wr *w, const void *p, size_t n)
{
    if (w->bad) return;
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) { w->h ^= b[i]; w->h *= 0x100000001b3ull; }
    if (fwrite(p, 1, n, w->f) != n) w->bad = errno ? errno : ENOSPC;
}
static void w_i64(wr *w, int64_t v) { w_bytes(w, &v, 8); }
static void w_f64(wr *w, double v) { w_bytes(w, &v, 8); }

typedef struct rd {
    const uint8_t *p;
    size_t n, at;
    int bad;
} rd;

static void r_bytes(rd *r, void *out, size_t n)
{
    if (r->bad || n > r->n - r->at) { r->bad = 1; memset(out, 0, n); return; }
    memcpy(out, r->p + r->at, n);
    r->at += n;
}
static int64_t r_i64(rd *r) { int64_t v; r_bytes(r, &v, 8); return v; }
static double r_f64(rd *r) { double v; r_bytes(r, &v, 8); return v; }

static void w_hparams(wr *w, const train_hparams *hp)
{
    w_i64(w, hp->n_vocab); w_i64(w, hp->d_model); w_i64(w, hp->n_layer); w_i64(w, hp->n_head);
    w_i64(w, hp->n_head_kv); w_i64(w, hp->head_dim); w_i64(w, hp->n_ff); w_i64(w, hp->tied);
    w_f64(w, hp->norm_eps); w_i64(w, hp->ctx_train);
}
static void r_hparams(rd *r, train_hparams *hp)
{
    hp->n_vocab = (int)r_i64(r); hp->d_model = (int)r_i64(r); hp->n_layer = (int)r_i64(r);
    hp->n_head = (int)r_i64(r); hp->n_head_kv = (int)r_i64(r); hp->head_dim = (int)r_i64(r);
    hp->n_ff = (int)r_i64(r); hp->tied = (int)r_i64(r); hp->norm_eps = (float)r_f64(r);
    hp->ctx_train = (int)r_i64(r);
}

static void w_rope(wr *w, const rope_params *p)
{
    w_i64(w, p->method); w_i64(w, p->flavor); w_i64(w, p->head_dim); w_f64(w, p->partial_rotary);
    w_f64(w, p->base); w_i64(w, p->orig_ctx); w_i64(w, p->max_pos); w_f64(w, p->factor);
    w_f64(w, p->beta_fast); w_f64(w, p->beta_slow); w_i64(w, p->truncate); w_f64(w, p->mscale);
    w_f64(w, p->mscale_all_dim); w_i64(w, p->has_attention_factor); w_f64(w, p->attention_factor);
    w_f64(w, p->low_freq_factor); w_f64(w, p->high_freq_factor); w_i64(w, p->seq_len);
    w_i64(w, p->n_factors);
    for (int i = 0; i < p->n_factors; i++) { w_f64(w, p->short_factor[i]); w_f64(w, p->long_factor[i]); }
}
static void r_rope(rd *r, rope_params *p)
{
    rope_params_init(p);
    p->method = (rope_method)r_i64(r); p->flavor = (rope_flavor)r_i64(r); p->head_dim = (int)r_i64(r);
    p->partial_rotary = r_f64(r); p->base = r_f64(r); p->orig_ctx = (int)r_i64(r); p->max_pos = (int)r_i64(r);
    p->factor = r_f64(r); p->beta_fast = r_f64(r); p->beta_slow = r_f64(r); p->truncate = (int)r_i64(r);
    p->mscale = r_f64(r); p->mscale_all_dim = r_f64(r); p->has_attention_factor = (int)r_i64(r);
    p->attention_factor = r_f64(r); p->low_freq_factor = r_f64(r); p->high_freq_factor = r_f64(r);
    p->seq_len = (int)r_i64(r);
    int64_t nf = r_i64(r);
    if (nf < 0 || nf > ROPE_MAX_PAIRS) { r->bad = 1; return; }
    p->n_factors = (int)nf;
    for (int i = 0; i < p->n_factors; i++) { p->short_factor[i] = r_f64(r); p->long_factor[i] = r_f64(r); }
}

static void w_config(wr *w, const train_config *c)
{
    w_i64(w, c->seq_len); w_i64(w, c->batch); w_i64(w, c->short_len); w_f64(w, c->short_frac);
    w_f64(w, c->mix.passkey); w_f64(w, c->mix.kv); w_f64(w, c->mix.grass);
    w_f64(w, c->opt.lr_max); w_f64(w, c->opt.lr_min); w_i64(w, c->opt.warmup); w_i64(w, c->opt.total);
    w_f64(w, c->opt.beta1); w_f64(w, c->opt.beta2); w_f64(w, c->opt.eps); w_f64(w, c->opt.weight_decay);
    w_f64(w, c->opt.clip); w_i64(w, (int64_t)c->seed); w_i64(w, c->n_threads); w_i64(w, c->eval_seqs);
    w_f64(w, c->mix.copy);
    w_f64(w, c->mix.repeat); w_i64(w, c->repeat_steps);
    w_f64(w, c->mix.recall); w_i64(w, c->mix.recall_dmax);
    for (int k = 0; k < CORPUS_TOKEN_KINDS; k++) w_f64(w, c->kind_weight[k]);
    w_i64(w, c->opt.constant);
    w_i64(w, c->n_sched);
    for (int k = 0; k < c->n_sched; k++) { w_i64(w, c->sched_step[k]); w_i64(w, c->sched_len[k]); }
    w_i64(w, c->mix.recall_form);
}
static void r_config(rd *r, train_config *c, int64_t version)
{
    c->seq_len = (int)r_i64(r); c->batch = (int)r_i64(r); c->short_len = (int)r_i64(r); c->short_frac = r_f64(r);
    c->mix.passkey = r_f64(r); c->mix.kv = r_f64(r); c->mix.grass = r_f64(r);
    c->opt.lr_max = r_f64(r); c->opt.lr_min = r_f64(r); c->opt.warmup = r_i64(r); c->opt.total = r_i64(r);
    c->opt.beta1 = r_f64(r); c->opt.beta2 = r_f64(r); c->opt.eps = r_f64(r); c->opt.weight_decay = r_f64(r);
    c->opt.clip = r_f64(r); c->seed = (uint64_t)r_i64(r); c->n_threads = (int)r_i64(r); c->eval_seqs = (int)r_i64(r);
    c->mix.copy = version >= 2 ? r_f64(r) : 0.0;
    c->mix.repeat = version >= 3 ? r_f64(r) : 0.0;
    c->repeat_steps = version >= 3 ? r_i64(r) : 0;
    c->mix.recall = 0.0;
    c->mix.recall_dmax = 0;
    c->mix.recall_form = CORPUS_RECALL_SPANS;
    for (int k = 0; k < CORPUS_TOKEN_KINDS; k++) c->kind_weight[k] = 1.0f;
    c->opt.constant = 0;
    c->n_sched = 0;
    if (version < 4) return;
    c->mix.recall = r_f64(r);
    c->mix.recall_dmax = (int)r_i64(r);
    for (int k = 0; k < CORPUS_TOKEN_KINDS; k++) c->kind_weight[k] = (float)r_f64(r);
    c->opt.constant = (int)r_i64(r);
    int64_t ns = r_i64(r);
    if (ns < 0 || ns > TRAIN_MAX_SCHED) { r->bad = 1; return; }
    c->n_sched = (int)ns;
    for (int k = 0; k < c->n_sched; k++) { c->sched_step[k] = r_i64(r); c->sched_len[k] = (int)r_i64(r); }
    if (version < 5) return;
    int64_t form = r_i64(r);
    if (form < CORPUS_RECALL_SPANS || form > CORPUS_RECALL_ALPHABETS) { r->bad = 1; return; }
    c->mix.recall_form = (int)form;
}

int train_ckpt_save(const train_session *s, const char *path, rope_error *err)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 32);
    if (!tmp) return rope_fail(err, "out of memory");
    snprintf(tmp, len + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0) close(fd);
        rope_fail(err, "cannot create checkpoint '%s': %s", tmp, strerror(e));
        free(tmp);
        return -1;
    }
    errno = 0;
    wr w = { f, 0xcbf29ce484222325ull, 0 };
    w_bytes(&w, CKPT_MAGIC, 8);
    w_i64(&w, CKPT_VERSION);
    w_hparams(&w, &s->model.hp);
    w_rope(&w, &s->cfg.rope);
    w_config(&w, &s->cfg);
    w_i64(&w, s->step);
    w_i64(&w, (int64_t)s->cursor);
    w_i64(&w, (int64_t)s->rng);
    w_f64(&w, s->tokens);
    w_i64(&w, (int64_t)s->data->hash);
    w_bytes(&w, s->model.name, sizeof s->model.name);
    w_i64(&w, (int64_t)s->model.n_params);
    w_bytes(&w, s->model.w, s->model.n_params * sizeof(float));
    w_bytes(&w, s->mom, s->model.n_params * sizeof(float));
    w_bytes(&w, s->vel, s->model.n_params * sizeof(float));
    uint64_t h = w.h;
    w_bytes(&w, &h, 8);
    int e = w.bad;
    if (!e && fflush(f) != 0) e = errno ? errno : EIO;
    if (!e && fsync(fileno(f)) != 0) e = errno;
    if (fclose(f) != 0 && !e) e = errno ? errno : EIO;
    if (!e && rename(tmp, path) != 0) e = errno;
    if (e) {
        unlink(tmp);
        rope_fail(err, "cannot write checkpoint '%s': %s; the previous checkpoint was left as it was",
                  path, strerror(e));
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int train_session_resume(train_session *s, const train_config *cfg, const corpus *data,
                         const char *path, rope_error *err)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "rb");
    if (!f) return rope_fail(err, "cannot open checkpoint '%s': %s (run without --resume to start)", path,
                             strerror(errno));
    struct stat stt;
    if (fstat(fileno(f), &stt) != 0 || stt.st_size < 64 || stt.st_size > ((off_t)1 << 36)) {
        fclose(f);
        return rope_fail(err, "checkpoint '%s' has an impossible size", path);
    }
    size_t n = (size_t)stt.st_size;
    uint8_t *buf = malloc(n);
    if (!buf) { fclose(f); return rope_fail(err, "out of memory reading '%s'", path); }
    size_t got = fread(buf, 1, n, f);
    fclose(f);
    if (got != n) { free(buf); return rope_fail(err, "cannot read checkpoint '%s'", path); }
    uint64_t h = 0xcbf29ce484222325ull, want;
    for (size_t i = 0; i + 8 < n; i++) { h ^= buf[i]; h *= 0x100000001b3ull; }
    memcpy(&want, buf + n - 8, 8);
    if (memcmp(buf, CKPT_MAGIC, 8) != 0) {
        free(buf);
        return rope_fail(err, "'%s' is not a ropescope checkpoint", path);
    }
    if (h != want) {
        free(buf);
        return rope_fail(err, "checkpoint '%s' is damaged (checksum mismatch); delete it to start over", path);
    }
    rd r = { buf, n - 8, 8, 0 };
    int64_t version = r_i64(&r);
    if (version < 1 || version > CKPT_VERSION) {
        free(buf);
        return rope_fail(err, "checkpoint '%s' has an unknown version", path);
    }
    train_config st = *cfg;
    r_hparams(&r, &st.hp);
    r_rope(&r, &st.rope);
    r_config(&r, &st, version);
    long step = (long)r_i64(&r);
    uint64_t cursor = (uint64_t)r_i64(&r), rng = (uint64_t)r_i64(&r);
    double tokens = r_f64(&r);
    uint64_t hash = (uint64_t)r_i64(&r);
    char name[64];
    r_bytes(&r, name, sizeof name);
    name[63] = 0;
    int64_t np = r_i64(&r);
    if (r.bad) { free(buf); return rope_fail(err, "checkpoint '%s' is truncated", path); }
    if (step < 0 || !(tokens >= 0.0) || !isfinite(tokens)) {
        free(buf);
        return rope_fail(err, "checkpoint '%s' is damaged: step %ld, %g tokens seen", path, step, tokens);
    }
    if (!train_hparams_same(&st.hp, &cfg->hp)) {
        char a[160], b[160];
        train_hparams_describe(&st.hp, a, sizeof a);
        train_hparams_describe(&cfg->hp, b, sizeof b);
        free(buf);
        return rope_fail(err, "checkpoint '%s' holds another architecture (%s) than this run asks for (%s); "
                              "use the same model flags or another --out-dir", path, a, b);
    }
    if (data && hash != data->hash) {
        free(buf);
        return rope_fail(err, "checkpoint '%s' was trained on a different corpus; give the same --corpus", path);
    }
    st.opt.total = cfg->opt.total;
    st.n_threads = cfg->n_threads;
    if (train_session_init(s, &st, NULL, data, err)) { free(buf); return -1; }
    if ((size_t)np != s->model.n_params || r.n - r.at != 3 * (size_t)np * sizeof(float)) {
        train_session_free(s);
        free(buf);
        return rope_fail(err, "checkpoint '%s' has %lld weights where this architecture has %zu", path,
                         (long long)np, s->model.n_params);
    }
    r_bytes(&r, s->model.w, (size_t)np * sizeof(float));
    r_bytes(&r, s->mom, (size_t)np * sizeof(float));
    r_bytes(&r, s->vel, (size_t)np * sizeof(float));
    free(buf);
    memcpy(s->model.name, name, sizeof name);
    s->step = step;
    s->cursor = cursor;
    s->rng = rng;
    s->tokens = tokens;
    return 0;
}

int train_session_retune(train_session *s, const train_config *next, rope_error *err)
{
    const train_config *c = &s->cfg;
    if (next->seq_len != c->seq_len)
        return rope_fail(err, "the context cannot change on resume (%d -> %d): the buffers and held-out windows "
                              "are the run's; start a run with --ctx-schedule instead", c->seq_len, next->seq_len);
    if (next->batch != c->batch)
        return rope_fail(err, "the batch cannot change on resume (%d -> %d)", c->batch, next->batch);
    if (next->seed != c->seed)
        return rope_fail(err, "the seed cannot change on resume (%llu -> %llu): it names the data stream",
                         (unsigned long long)c->seed, (unsigned long long)next->seed);
    if (next->opt.total < s->step)
        return rope_fail(err, "--steps %ld is below the checkpoint's step %ld; give --steps above %ld to continue",
                         next->opt.total, s->step, s->step);
    if (next->short_frac != c->short_frac || (c->short_frac > 0.0 && next->short_len != c->short_len))
        return rope_fail(err, "the short-row curriculum cannot change on resume");
    train_config t = *c;
    t.opt = next->opt;
    t.mix = next->mix;
    t.repeat_steps = next->repeat_steps;
    memcpy(t.kind_weight, next->kind_weight, sizeof t.kind_weight);
    t.n_sched = next->n_sched;
    memcpy(t.sched_step, next->sched_step, sizeof t.sched_step);
    memcpy(t.sched_len, next->sched_len, sizeof t.sched_len);
    if (train_config_check(&t, err)) return -1;
    s->cfg = t;
    return 0;
}

/* --- the run loop --------------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int save_all(train_session *s, const train_run_opts *ro, rope_error *err)
{
    if (ro->ckpt_path && train_ckpt_save(s, ro->ckpt_path, err)) return -1;
    if (ro->gguf_path && train_model_save_gguf(&s->model, ro->gguf_path, err)) return -1;
    return 0;
}

int train_run(train_session *s, const train_run_opts *ro, train_progress_fn fn, void *user, rope_error *err)
{
    const long total = s->cfg.opt.total;
    double t0 = now_s(), t_rep = t0, t_ckpt = t0, t_pause = 0.0;  /* pause: eval/ckpt time since the report */
    long step0 = s->step, rep_steps = 0;
    double rep_loss = 0.0, rep_tok = 0.0, rep_flops = 0.0;
    int stop = 0, log_every = ro->log_every > 0 ? ro->log_every : 1;
    train_progress p;
    while (s->step < total && !stop) {
        train_stats st;
        if (train_session_step(s, &st, err)) return -1;
        rep_steps++;
        rep_loss += st.loss;
        rep_tok += st.n_tokens;
        rep_flops += st.flops;
        double t = now_s();
        if (s->step % log_every == 0 || s->step == total) {
            memset(&p, 0, sizeof p);
            p.ev = TRAIN_EV_STEP;
            p.step = s->step;
            p.total = total;
            p.loss = rep_loss / (double)rep_steps;
            p.lr = st.lr;
            p.grad_norm = st.grad_norm;
            double dt = t - t_rep - t_pause;
            p.tok_per_s = dt > 0 ? rep_tok / dt : 0.0;
            p.gflops = dt > 0 ? rep_flops / dt * 1e-9 : 0.0;
            p.elapsed_s = t - t0;
            p.eta_s = (double)(total - s->step) * (t - t0) / (double)(s->step - step0);
            if (fn && fn(user, &p)) stop = 1;
            t_rep = now_s();
            t_pause = 0.0;
            rep_steps = 0;
            rep_loss = rep_tok = rep_flops = 0.0;
        }
        int eval_now = (ro->eval_every > 0 && s->step % ro->eval_every == 0) || s->step == total;
        if (eval_now && s->eval_n > 0) {
            double l, te = now_s();
            if (train_session_eval(s, &l, err)) return -1;
            memset(&p, 0, sizeof p);
            p.ev = TRAIN_EV_EVAL;
            p.step = s->step;
            p.total = total;
            p.loss = l;
            p.elapsed_s = now_s() - t0;
            if (fn && fn(user, &p)) stop = 1;
            t_pause += now_s() - te;   /* evaluation time is not training throughput */
        }
        if (ro->probe_every > 0 && s->step % ro->probe_every == 0) {
            double tp = now_s();
            memset(&p, 0, sizeof p);
            p.ev = TRAIN_EV_PROBE;
            p.step = s->step;
            p.total = total;
            p.elapsed_s = tp - t0;
            if (fn && fn(user, &p)) stop = 1;
            t_pause += now_s() - tp;
        }
        for (int k = 0; k < ro->n_snapshots && ro->snapshot_prefix; k++) {
            if (ro->snapshots[k] != s->step) continue;
            char path[4096];
            double tsn = now_s();
            snprintf(path, sizeof path, "%s%ld.gguf", ro->snapshot_prefix, s->step);
            if (train_model_save_gguf(&s->model, path, err)) return -1;
            memset(&p, 0, sizeof p);
            p.ev = TRAIN_EV_SNAPSHOT;
            p.step = s->step;
            p.total = total;
            p.path = path;
            p.elapsed_s = now_s() - t0;
            if (fn && fn(user, &p)) stop = 1;
            t_pause += now_s() - tsn;
            break;
        }
        if ((ro->ckpt_path || ro->gguf_path) && now_s() - t_ckpt >= ro->ckpt_every_s && s->step < total && !stop) {
            double tc = now_s();
            if (save_all(s, ro, err)) return -1;
            t_ckpt = now_s();
            memset(&p, 0, sizeof p);
            p.ev = TRAIN_EV_CKPT;
            p.step = s->step;
            p.total = total;
            p.path = ro->ckpt_path ? ro->ckpt_path : ro->gguf_path;
            p.elapsed_s = t_ckpt - t0;
            if (fn && fn(user, &p)) stop = 1;
            t_pause += now_s() - tc;
        }
    }
    if (save_all(s, ro, err)) return -1;
    if (ro->ckpt_path || ro->gguf_path) {
        memset(&p, 0, sizeof p);
        p.ev = TRAIN_EV_CKPT;
        p.step = s->step;
        p.total = total;
        p.path = ro->ckpt_path ? ro->ckpt_path : ro->gguf_path;
        p.elapsed_s = now_s() - t0;
        if (fn) fn(user, &p);
    }
    return 0;
}
