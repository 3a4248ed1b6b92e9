/* tests/unit/test_train.c — the trainer's gradients against central finite differences of an
 * independent double-precision forward pass (written here from the llama recipe, reading weights by
 * GGUF tensor name), for every tensor kind, with GQA, tied and separate outputs, plain RoPE and YaRN,
 * mixed sequence lengths and several attention blocks; plus AdamW, the schedule and clipping against
 * hand-computed values. */
#include <stdlib.h>
#include "check.h"
#include "eval_probe.h"
#include "model.h"
#include "train.h"

/* ---- the reference: a plain double-precision llama forward ---------------------------------------- */

typedef struct ref {
    const train_model *m;
    double *w;              /* [n_params] double copy of the weights */
    rope_params rp;         /* the RoPE the trainer is given */
    rope_table tab;         /* its table for the sequence being evaluated */
    const float *wt;        /* [N] per-token loss weights of the batch, NULL = all 1 */
    int off;                /* first token of the sequence being evaluated */
    double wsum;            /* Σ weight over scored tokens */
} ref;

static const double *T(const ref *r, const char *name)
{
    int k = train_model_find(r->m, name);
    if (k < 0) { fprintf(stderr, "no tensor %s\n", name); exit(1); }
    return r->w + r->m->tensors[k].off;
}

static const double *TL(const ref *r, int l, const char *suffix)
{
    char nm[64];
    snprintf(nm, sizeof nm, "blk.%d.%s", l, suffix);
    return T(r, nm);
}

static void rmsnorm(const double *x, const double *g, double *y, int d, double eps)
{
    double ss = 0;
    for (int i = 0; i < d; i++) ss += x[i] * x[i];
    double r = 1.0 / sqrt(ss / d + eps);
    for (int i = 0; i < d; i++) y[i] = x[i] * r * g[i];
}

/* y[rows] = W[rows][cols]·x */
static void matvec(const double *W, const double *x, double *y, int rows, int cols)
{
    for (int o = 0; o < rows; o++) {
        double s = 0;
        for (int i = 0; i < cols; i++) s += W[(size_t)o * cols + i] * x[i];
        y[o] = s;
    }
}

/* Sum of NLL over scored tokens of one sequence; adds the count to *cnt. */
static double ref_seq(ref *r, const int *tok, const int *tgt, int T_, long *cnt)
{
    rope_params rpp = r->rp;
    if (rope_method_get(rpp.method)->uses & ROPE_USES_SEQ_LEN) rpp.seq_len = T_;   /* dynamic: per length */
    rope_error e;
    if (rope_table_compute(&rpp, &r->tab, &e)) { fprintf(stderr, "%s\n", e.msg); exit(1); }
    const train_hparams *hp = &r->m->hp;
    int d = hp->d_model, hd = hp->head_dim, nh = hp->n_head, nkv = hp->n_head_kv, ff = hp->n_ff, V = hp->n_vocab;
    int qd = nh * hd, kd = nkv * hd;
    double *x = calloc((size_t)T_ * d, sizeof(double)), *h = calloc((size_t)d, sizeof(double));
    double *q = calloc((size_t)T_ * qd, sizeof(double)), *k = calloc((size_t)T_ * kd, sizeof(double));
    double *v = calloc((size_t)T_ * kd, sizeof(double)), *o = calloc((size_t)qd, sizeof(double));
    double *p = calloc((size_t)T_, sizeof(double)), *tmp = calloc((size_t)(ff > d ? ff : d) * 3 + V, sizeof(double));
    const double *E = T(r, "token_embd.weight");
    for (int t = 0; t < T_; t++)
        for (int i = 0; i < d; i++) x[(size_t)t * d + i] = E[(size_t)tok[t] * d + i];
    for (int l = 0; l < hp->n_layer; l++) {
        for (int t = 0; t < T_; t++) {
            rmsnorm(x + (size_t)t * d, TL(r, l, "attn_norm.weight"), h, d, hp->norm_eps);
            matvec(TL(r, l, "attn_q.weight"), h, q + (size_t)t * qd, qd, d);
            matvec(TL(r, l, "attn_k.weight"), h, k + (size_t)t * kd, kd, d);
            matvec(TL(r, l, "attn_v.weight"), h, v + (size_t)t * kd, kd, d);
            /* RoPE on adjacent pairs, magnitude on cos and sin */
            double mag = r->tab.magnitude;
            for (int hh = 0; hh < nh + nkv; hh++) {
                double *z = hh < nh ? q + (size_t)t * qd + hh * hd : k + (size_t)t * kd + (hh - nh) * hd;
                for (int i = 0; i < hd / 2; i++) {
                    double a = t * r->tab.pair[i].theta_scaled, c = mag * cos(a), s = mag * sin(a);
                    double z0 = z[2 * i], z1 = z[2 * i + 1];
                    z[2 * i] = z0 * c - z1 * s;
                    z[2 * i + 1] = z0 * s + z1 * c;
                }
            }
        }
        double *xn = calloc((size_t)T_ * d, sizeof(double));
        for (int t = 0; t < T_; t++) {
            for (int hh = 0; hh < nh; hh++) {
                int g = hh / (nh / nkv);
                double mx = -1e300, sum = 0;
                for (int j = 0; j <= t; j++) {
                    double s = 0;
                    for (int i = 0; i < hd; i++) s += q[(size_t)t * qd + hh * hd + i] * k[(size_t)j * kd + g * hd + i];
                    p[j] = s / sqrt((double)hd);
                    if (p[j] > mx) mx = p[j];
                }
                for (int j = 0; j <= t; j++) { p[j] = exp(p[j] - mx); sum += p[j]; }
                for (int i = 0; i < hd; i++) {
                    double s = 0;
                    for (int j = 0; j <= t; j++) s += p[j] / sum * v[(size_t)j * kd + g * hd + i];
                    o[hh * hd + i] = s;
                }
            }
            matvec(TL(r, l, "attn_output.weight"), o, tmp, d, qd);
            for (int i = 0; i < d; i++) xn[(size_t)t * d + i] = x[(size_t)t * d + i] + tmp[i];
        }
        for (int t = 0; t < T_; t++) {
            double *xt = xn + (size_t)t * d, *gt = tmp, *ut = tmp + ff, *dn = tmp + 2 * ff;
            rmsnorm(xt, TL(r, l, "ffn_norm.weight"), h, d, hp->norm_eps);
            matvec(TL(r, l, "ffn_gate.weight"), h, gt, ff, d);
            matvec(TL(r, l, "ffn_up.weight"), h, ut, ff, d);
            for (int i = 0; i < ff; i++) gt[i] = gt[i] / (1.0 + exp(-gt[i])) * ut[i];
            matvec(TL(r, l, "ffn_down.weight"), gt, dn, d, ff);
            for (int i = 0; i < d; i++) x[(size_t)t * d + i] = xt[i] + dn[i];
        }
        free(xn);
    }
    const double *Wout = hp->tied ? E : T(r, "output.weight");
    double nll = 0;
    for (int t = 0; t < T_; t++) {
        if (tgt[t] < 0) continue;
        rmsnorm(x + (size_t)t * d, T(r, "output_norm.weight"), h, d, hp->norm_eps);
        matvec(Wout, h, tmp, V, d);
        double mx = -1e300, s = 0;
        for (int i = 0; i < V; i++) if (tmp[i] > mx) mx = tmp[i];
        for (int i = 0; i < V; i++) s += exp(tmp[i] - mx);
        double wgt = r->wt ? r->wt[r->off + t] : 1.0;
        nll += wgt * (log(s) + mx - tmp[tgt[t]]);
        r->wsum += wgt;
        (*cnt)++;
    }
    free(x); free(h); free(q); free(k); free(v); free(o); free(p); free(tmp);
    return nll;
}

static double ref_loss(ref *r, const train_batch *b)
{
    double s = 0;
    long cnt = 0;
    int off = 0;
    r->wt = b->weight;
    r->wsum = 0.0;
    for (int i = 0; i < b->n_seq; i++) {
        r->off = off;
        s += ref_seq(r, b->tokens + off, b->targets + off, b->seq_len[i], &cnt);
        off += b->seq_len[i];
    }
    return s / r->wsum;
}

/* ---- the gradient check ------------------------------------------------------------------------------ */

static void gradcheck(const char *label, const train_hparams *hp, const rope_params *rp, const int *lens, int n_seq,
                      int n_threads, int weighted)
{
    train_model m;
    rope_error err;
    CHECK(train_model_init(&m, hp, &err) == 0);
    train_model_randomize(&m, 42);
    uint64_t rng = 7;
    /* larger weights and uneven gains so every nonlinearity is exercised */
    for (int k = 0; k < m.n_tensors; k++) {
        train_tensor *t = &m.tensors[k];
        for (size_t i = 0; i < t->n; i++) {
            float *w = &m.w[t->off + i];
            if (t->decay) *w *= 12.0f;
            else *w = 0.6f + 0.8f * (float)corpus_rand_unit(&rng);
        }
    }
    int N = 0;
    for (int i = 0; i < n_seq; i++) N += lens[i];
    int *tok = malloc(sizeof(int) * (size_t)N), *tgt = malloc(sizeof(int) * (size_t)N);
    for (int n = 0; n < N; n++) {
        tok[n] = (int)(corpus_rand(&rng) % 256);
        tgt[n] = (n % 11 == 5) ? -1 : (int)(corpus_rand(&rng) % 256);   /* a few unscored positions */
    }
    float *wts = malloc(sizeof(float) * (size_t)N);
    for (int n = 0; n < N; n++) wts[n] = (n % 3 == 0) ? 4.0f : (n % 7 == 2) ? 0.0f : 1.0f;   /* per-kind weights */
    train_batch b = { N, tok, tgt, n_seq, lens, weighted ? wts : NULL };
    int maxs = 0;
    for (int i = 0; i < n_seq; i++) maxs = lens[i] > maxs ? lens[i] : maxs;
    train_ctx *c = train_ctx_create(&m, N, maxs, n_threads, &err);
    CHECK(c != NULL);
    if (!c) { fprintf(stderr, "%s\n", err.msg); exit(1); }
    CHECK(train_ctx_set_rope(c, rp, &err) == 0);
    double loss;
    long ns;
    CHECK(train_step_fb(c, &b, 1, &loss, &ns, &err) == 0);
    const float *g = train_ctx_grad(c);

    ref *r = calloc(1, sizeof *r);   /* rope_table is large: keep it off the stack */
    r->m = &m;
    r->w = malloc(sizeof(double) * m.n_params);
    r->rp = *rp;
    for (size_t i = 0; i < m.n_params; i++) r->w[i] = m.w[i];
    double l0 = ref_loss(r, &b);
    CHECK_NEAR(loss, l0, 2e-5 * fabs(l0) + 1e-5);

    /* per tensor: central differences on sampled elements (all of the small ones) */
    double worst = 0;
    const char *worst_name = "";
    int checked = 0;
    for (int k = 0; k < m.n_tensors; k++) {
        const train_tensor *t = &m.tensors[k];
        int want = 24;
        double scale = 0;   /* rms of the analytic gradient over the tensor */
        for (size_t i = 0; i < t->n; i++) scale += (double)g[t->off + i] * g[t->off + i];
        scale = sqrt(scale / (double)t->n);
        for (int s = 0; s < want; s++) {
            size_t i;
            if (!strcmp(t->name, "token_embd.weight") && s < 12)   /* rows of tokens in the batch */
                i = (size_t)tok[(s * 7) % N] * (size_t)hp->d_model + (size_t)(s % hp->d_model);
            else
                i = t->n <= (size_t)want ? (size_t)s % t->n : (size_t)(corpus_rand(&rng) % t->n);
            size_t at = t->off + i;
            double keep = r->w[at], hstep = 1e-5;
            r->w[at] = keep + hstep;
            double lp = ref_loss(r, &b);
            r->w[at] = keep - hstep;
            double lm = ref_loss(r, &b);
            r->w[at] = keep;
            double fd = (lp - lm) / (2 * hstep);
            double e = fabs((double)g[at] - fd) / (fabs(fd) + scale + 1e-12);
            if (e > worst) { worst = e; worst_name = t->name; }
            checked++;
            if (e > 2e-3)
                fprintf(stderr, "%s: %s[%zu]: analytic %.8g, finite difference %.8g\n", label, t->name, i,
                        (double)g[at], fd);
            CHECK(e <= 2e-3);
        }
    }
    printf("%s: loss %.6f (reference %.6f), %d gradient entries, worst relative error %.2e (%s)\n", label, loss,
           l0, checked, worst, worst_name);
    free(r->w);
    free(r);
    train_ctx_free(c);
    train_model_free(&m);
    free(tok);
    free(tgt);
    free(wts);
}

static void test_gradients(void)
{
    train_hparams hp;
    train_hparams_default(&hp);
    hp.d_model = 12; hp.n_layer = 2; hp.n_head = 4; hp.n_head_kv = 2; hp.head_dim = 4; hp.n_ff = 10;
    hp.tied = 0; hp.ctx_train = 16;
    rope_params rp;
    rope_params_init(&rp);
    rp.head_dim = 4;
    rp.method = ROPE_YARN;
    rp.factor = 4;
    rp.orig_ctx = rp.max_pos = 16;
    rp.beta_fast = 4;   /* a ramp inside 2 pairs */
    rp.beta_slow = 1;
    int lens1[] = { 70, 9, 1 };            /* several query blocks, a short and a 1-token sequence */
    gradcheck("yarn, GQA 4/2, untied, 2 threads", &hp, &rp, lens1, 3, 2, 0);
    gradcheck("yarn, GQA 4/2, untied, 2 threads, loss weights 4/1/0", &hp, &rp, lens1, 3, 2, 1);

    hp.tied = 1; hp.n_head_kv = 4; hp.d_model = 10; hp.head_dim = 2; hp.n_ff = 6; hp.n_layer = 1;
    rope_params_init(&rp);
    rp.head_dim = 2;
    int lens2[] = { 13, 20 };
    gradcheck("plain rope, MHA, tied, head_dim != d/heads, 1 thread", &hp, &rp, lens2, 2, 1, 0);

    /* a dynamic method: each sequence length gets its own table */
    hp.tied = 0; hp.n_head = 2; hp.n_head_kv = 1; hp.head_dim = 6; hp.d_model = 12; hp.n_layer = 1;
    rope_params_init(&rp);
    rp.head_dim = 6;
    rp.method = ROPE_DYNAMIC;
    rp.factor = 3;
    rp.orig_ctx = rp.max_pos = 8;
    int lens3[] = { 8, 30 };
    gradcheck("dynamic NTK x3, GQA 2/1, 2 threads", &hp, &rp, lens3, 2, 2, 0);
}

/* ---- the optimizer -------------------------------------------------------------------------------------- */

static void test_adamw(void)
{
    train_hparams hp;
    train_hparams_default(&hp);
    hp.d_model = 4; hp.n_layer = 1; hp.n_head = 2; hp.n_head_kv = 2; hp.head_dim = 2; hp.n_ff = 4; hp.ctx_train = 8;
    train_model m;
    rope_error err;
    CHECK(train_model_init(&m, &hp, &err) == 0);
    for (size_t i = 0; i < m.n_params; i++) m.w[i] = 0.5f;
    float *g = calloc(m.n_params, sizeof(float)), *mo = calloc(m.n_params, sizeof(float)),
          *ve = calloc(m.n_params, sizeof(float));
    train_opt o;
    train_opt_default(&o);
    o.weight_decay = 0.1;
    size_t wq = m.tensors[train_model_find(&m, "blk.0.attn_q.weight")].off;
    size_t gn = m.tensors[train_model_find(&m, "blk.0.attn_norm.weight")].off;
    for (size_t i = 0; i < m.n_params; i++) g[i] = 0.1f;
    train_adamw(&m, g, mo, ve, 1, 0.01, &o);
    /* t = 1: m = 0.01, v = 5e-4, m̂ = 0.1, v̂ = 0.01 → step 1·lr; matrix: 0.5·(1 − 0.001) − 0.01 = 0.4895 */
    CHECK_NEAR(m.w[wq], 0.4895, 2e-7);
    CHECK_NEAR(m.w[gn], 0.49, 2e-7);            /* gains are not decayed */
    for (size_t i = 0; i < m.n_params; i++) g[i] = -0.2f;
    train_adamw(&m, g, mo, ve, 2, 0.01, &o);
    /* t = 2: m = −0.011, v = 0.002475, m̂ = −0.011/0.19, v̂ = 0.002475/0.0975:
     * matrix 0.4895·0.999 + 0.01·0.0578947/0.1593255 = 0.49264424; gain 0.49 + 0.00363375 = 0.49363374 */
    CHECK_NEAR(m.w[wq], 0.49264424, 5e-7);
    CHECK_NEAR(m.w[gn], 0.49363374, 5e-7);
    free(g); free(mo); free(ve);
    train_model_free(&m);

    /* the schedule: warm-up 10, total 110, 1e-3 → 1e-4 */
    o.lr_max = 1e-3; o.lr_min = 1e-4; o.warmup = 10; o.total = 110;
    CHECK_NEAR(train_lr_at(&o, 0), 1e-4, 1e-12);
    CHECK_NEAR(train_lr_at(&o, 4), 5e-4, 1e-12);
    CHECK_NEAR(train_lr_at(&o, 10), 1e-3, 1e-12);
    CHECK_NEAR(train_lr_at(&o, 35), 1e-4 + 0.45e-3 * (1 + cos(M_PI / 4)), 1e-12);
    CHECK_NEAR(train_lr_at(&o, 60), 5.5e-4, 1e-12);
    CHECK_NEAR(train_lr_at(&o, 110), 1e-4, 1e-12);
    CHECK_NEAR(train_lr_at(&o, 500), 1e-4, 1e-12);

    /* constant after the warm-up */
    o.constant = 1;
    CHECK_NEAR(train_lr_at(&o, 4), 5e-4, 1e-12);
    CHECK_NEAR(train_lr_at(&o, 10), 1e-3, 1e-12);
    CHECK_NEAR(train_lr_at(&o, 60), 1e-3, 1e-12);
    CHECK_NEAR(train_lr_at(&o, 500), 1e-3, 1e-12);
    o.constant = 0;

    /* clipping: (3, 4) has norm 5 */
    float v[2] = { 3, 4 };
    CHECK_NEAR(train_clip_grad(v, 2, 1.0), 5.0, 1e-6);
    CHECK_NEAR(v[0], 0.6, 1e-6);
    CHECK_NEAR(v[1], 0.8, 1e-6);
    float u[2] = { 0.3f, 0.4f };
    CHECK_NEAR(train_clip_grad(u, 2, 1.0), 0.5, 1e-6);
    CHECK_NEAR(u[0], 0.3, 1e-7);    /* under the limit: untouched */

    /* the usage errors of the optimizer */
    train_opt_default(&o);
    o.lr_max = 0;
    CHECK(train_opt_check(&o, &err) == -1);
    CHECK_HAS(err.msg, "learning rate");
}

/* ---- attention probabilities (the induction probe reads them) --------------------------------------- */

static void test_attn(void)
{
    train_hparams hp;
    train_hparams_default(&hp);
    hp.d_model = 16; hp.n_layer = 2; hp.n_head = 4; hp.n_head_kv = 2; hp.head_dim = 4; hp.n_ff = 12; hp.ctx_train = 40;
    train_model m;
    rope_error err;
    CHECK(train_model_init(&m, &hp, &err) == 0);
    train_model_randomize(&m, 5);
    for (size_t i = 0; i < m.n_params; i++) m.w[i] *= 20.0f;   /* peaked attention rows */
    int lens[] = { 30, 10 }, N = 40, tok[40], tgt[40];
    uint64_t rng = 3;
    for (int n = 0; n < N; n++) { tok[n] = (int)(corpus_rand(&rng) % 256); tgt[n] = (int)(corpus_rand(&rng) % 256); }
    train_batch b = { N, tok, tgt, 2, lens, NULL };
    train_ctx *c = train_ctx_create(&m, N, 30, 2, &err);
    CHECK(c != NULL);
    double loss;
    CHECK(train_step_fb(c, &b, 0, &loss, NULL, &err) == 0);
    /* every row is a distribution over its own sequence's earlier tokens */
    double worst = 0.0, peak = 0.0;
    for (int l = 0; l < hp.n_layer; l++)
        for (int h = 0; h < hp.n_head; h++)
            for (int n = 0; n < N; n++) {
                int first = n < 30 ? 0 : 30;
                double sum = 0.0;
                for (int j = first; j <= n; j++) {
                    double a = train_ctx_attn(c, l, h, n, j);
                    sum += a;
                    peak = a > peak ? a : peak;
                }
                worst = fabs(sum - 1.0) > worst ? fabs(sum - 1.0) : worst;
            }
    CHECK(worst < 1e-3);                                 /* the row log-sum-exp is float, from kern_exp */
    CHECK(peak > 0.5);                                   /* the rows are not uniform: a real test of the sum */
    CHECK_NEAR(train_ctx_attn(c, 0, 0, 30, 30), 1.0, 1e-4);   /* the first token of a sequence sees itself only */
    CHECK(train_ctx_attn(c, 0, 0, 31, 29) == -1.0);      /* another sequence */
    CHECK(train_ctx_attn(c, 0, 0, 5, 6) == -1.0);        /* the future */
    CHECK(train_ctx_attn(c, 2, 0, 5, 1) == -1.0);        /* no such layer */
    /* zero query weights: every score is 0, attention is uniform, 1/(t+1) */
    for (int l = 0; l < hp.n_layer; l++) {
        const train_tensor *tq = &m.tensors[train_model_find(&m, l ? "blk.1.attn_q.weight" : "blk.0.attn_q.weight")];
        memset(m.w + tq->off, 0, tq->n * sizeof(float));
    }
    CHECK(train_step_fb(c, &b, 0, &loss, NULL, &err) == 0);
    CHECK_NEAR(train_ctx_attn(c, 1, 3, 20, 7), 1.0 / 21.0, 1e-6);
    CHECK_NEAR(train_ctx_attn(c, 0, 1, 35, 32), 1.0 / 6.0, 1e-6);
    printf("attention rows: sums within %.1e of 1 (peak %.3f); zero queries give 1/(t+1)\n", worst, peak);
    train_ctx_free(c);
    train_model_free(&m);
}

/* ---- the copy and induction probes (kernels/eval/eval_probe) ------------------------------------------ */

static void test_probe(void)
{
    train_hparams hp;
    train_hparams_default(&hp);
    hp.d_model = 16; hp.n_layer = 2; hp.n_head = 2; hp.n_head_kv = 2; hp.head_dim = 8; hp.n_ff = 24; hp.ctx_train = 64;
    train_model m;
    rope_error err;
    CHECK(train_model_init(&m, &hp, &err) == 0);
    m.rope.head_dim = 8;
    eval_probe_opts o;
    eval_probe_opts_default(&o);
    o.n_pass = 3;
    /* passages: the second half repeats the first, symbols from the alphabet */
    int pass[40];
    eval_probe_passage(pass, 20, EVAL_PROBE_HIGH, 1, 2);
    for (int i = 0; i < 20; i++) CHECK(pass[i] == pass[20 + i] && pass[i] >= 0x80 && pass[i] <= 0xFF);
    eval_probe_passage(pass, 20, EVAL_PROBE_LETTERS, 1, 2);
    for (int i = 0; i < 20; i++) CHECK(pass[i] == pass[20 + i] && pass[i] >= 'a' && pass[i] <= 'z');

    /* zero weights: uniform logits (ln 256 on both copies, ratio 1) and uniform attention */
    int dists[2] = { 20, 7 };
    eval_probe_copy r[2];
    CHECK(eval_probe_copy_run(&m, dists, 2, &o, r, &err) == 0);
    CHECK_NEAR(r[0].first, log(256.0), 1e-5);
    CHECK_NEAR(r[0].second, log(256.0), 1e-5);
    CHECK_NEAR(r[1].ratio, 1.0, 1e-5);
    double sc[4], uni = 0.0;
    CHECK(eval_probe_induction(&m, 20, &o, sc, &err) == 0);
    for (int t = 20; t <= 38; t++) uni += 1.0 / (t + 1);
    uni /= 19;
    for (int k = 0; k < 4; k++) CHECK_NEAR(sc[k], uni, 1e-6);

    /* random weights: the engine's forward (a second implementation) gives the same first/second losses */
    train_model_randomize(&m, 9);
    for (size_t i = 0; i < m.n_params; i++) m.w[i] *= 6.0f;
    CHECK(eval_probe_copy_run(&m, dists, 2, &o, r, &err) == 0);
    model em;
    CHECK(train_model_to_model(&m, &em, &err) == 0);
    model_ctx_params cp;
    model_ctx_params_default(&em, &cp);
    cp.n_ctx = 64;
    cp.logits_all = 1;
    cp.n_threads = 1;
    cp.rope = m.rope;
    model_ctx mc;
    CHECK(model_ctx_init(&mc, &em, &cp, &err) == 0);
    for (int k = 0; k < 2; k++) {
        int D = dists[k];
        double s1 = 0, s2 = 0;
        int n1 = 0, n2 = 0;
        for (int q = 0; q < o.n_pass; q++) {
            eval_probe_passage(pass, D, o.alphabet, o.seed, q);
            model_ctx_reset(&mc);
            CHECK(model_eval(&mc, pass, 2 * D - 1, &err) == 0);
            for (int t = 0; t < 2 * D - 1; t++) {
                const float *z = model_logits(&mc, t);
                double mx = -1e30, se = 0;
                for (int v = 0; v < 256; v++) mx = z[v] > mx ? z[v] : mx;
                for (int v = 0; v < 256; v++) se += exp(z[v] - mx);
                double nll = log(se) + mx - z[pass[t + 1]];
                if (t + 1 < D) { s1 += nll; n1++; }
                else if (t + 1 > D) { s2 += nll; n2++; }
            }
        }
        CHECK_NEAR(r[k].first, s1 / n1, 2e-4);
        CHECK_NEAR(r[k].second, s2 / n2, 2e-4);
        CHECK(fabs(r[k].first - r[k].second) > 1e-3);   /* the two halves are scored apart */
    }
    printf("copy probe: uniform model ln 256 on both copies; engine agrees at D 20 (%.4f/%.4f) and D 7\n",
           r[0].second, r[0].first);
    model_ctx_free(&mc);
    model_free(&em);
    train_model_free(&m);
}

int main(void)
{
    test_probe();
    test_gradients();
    test_adamw();
    test_attn();
    return check_done("test_train");
}
