/* tests/unit/test_live.c — the model panel's jobs (app/explorer/live_model.c) on a small random model and
 * a generated text, through the controller with a synchronous worker: <Wait> fills every part for the
 * current generation; the perplexity at L equals a hand loop over the engine's logits (a direct
 * log-softmax, not the scorer), the loss by position averages to log ppl at s·L; a beta_fast step
 * marks YaRN's parts stale at once while plain RoPE's and linear's stay current (they do not read β),
 * and <Wait> brings every part current again; the layer/head choice averages the right curves; on a
 * worker thread, quick changes while jobs run end with every part current for the last parameters;
 * a text shorter than the window is one line, not a crash; L asks for the perplexity at 2·s·L once
 * (a hand loop again), and a later change leaves it stale rather than re-running it; the passkey
 * probe's filler is the passage (check_passkey_filler); the parts one shared forward gives equal
 * the same parts computed each on its own (check_shared). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "eval.h"
#include "corpus.h"
#include "eval_decay.h"
#include "tui_app.h"

static char model_path[64], text_path[64], short_path[64];

static int make_files(void)
{
    model m;
    rope_error err;
    model_hparams hp = { MODEL_VOCAB, 32, 2, 2, 1, 16, 48, 64, 1e-5f, 0 };
    if (model_init_random(&m, &hp, 7, &err)) return -1;
    snprintf(model_path, sizeof model_path, "/tmp/test_live_%d.gguf", (int)getpid());
    int rc = model_save(&m, model_path, GGUF_DTYPE_F32, &err);
    model_free(&m);
    if (rc) { fprintf(stderr, "%s\n", err.msg); return -1; }
    snprintf(text_path, sizeof text_path, "/tmp/test_live_%d.txt", (int)getpid());
    snprintf(short_path, sizeof short_path, "/tmp/test_live_%d_short.txt", (int)getpid());
    FILE *f = fopen(text_path, "w"), *g = fopen(short_path, "w");
    if (!f || !g) return -1;
    for (int i = 0; i < 60; i++) fprintf(f, "line %d: the quick brown fox jumps over the lazy dog.\n", i);
    fprintf(g, "short\n");
    fclose(f);
    fclose(g);
    return 0;
}

static void wait_all(tui_app *a)
{
    tui_event w = { .key = TUI_KEY_WAIT };
    tui_app_handle(a, &w);
}

/* The embedded model and a one-thread context of n_ctx tokens with every position's logits, under p
 * with its seq_len cleared (as the panel's worker runs it): 0, or -1 with nothing left open. */
static int open_ref(const rope_params *p, int n_ctx, model *mdl, model_ctx *c)
{
    rope_error err;
    if (model_load(mdl, model_path, &err)) return -1;
    model_ctx_params cp;
    model_ctx_params_default(mdl, &cp);
    cp.n_ctx = n_ctx;
    cp.n_threads = 1;
    cp.logits_all = 1;
    cp.rope = *p;
    cp.rope.seq_len = 0;
    if (model_ctx_init(c, mdl, &cp, &err)) { model_free(mdl); return -1; }
    return 0;
}

/* ppl of tok[0..n) from an empty cache at positions 0..n−1: exp(mean −log softmax) by hand */
static double hand_ppl(const rope_params *p, const int *tok, int n)
{
    model m;
    model_ctx c;
    rope_error err;
    if (model_load(&m, model_path, &err)) return NAN;
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = n;
    cp.logits_all = 1;
    cp.rope = *p;
    if (model_ctx_init(&c, &m, &cp, &err)) { model_free(&m); return NAN; }
    double nll = 0;
    if (model_eval(&c, tok, n, &err) == 0)
        for (int i = 0; i + 1 < n; i++) {
            const float *lg = model_logits(&c, i);
            double mx = lg[0], s = 0;
            for (int v = 1; v < MODEL_VOCAB; v++) if (lg[v] > mx) mx = lg[v];
            for (int v = 0; v < MODEL_VOCAB; v++) s += exp((double)lg[v] - mx);
            nll += -((double)lg[tok[i + 1]] - mx - log(s));
        }
    model_ctx_free(&c);
    model_free(&m);
    return exp(nll / (n - 1));
}

/* The parts one shared forward gives (ppl and loss at s·L, the attention capture, the continuation
 * from the cached window) against each computed on its own from an empty cache: eval_ppl over one
 * chunk (one call, as `ropescope ppl` runs it) and in calls of 512 as the panel ran it before,
 * eval_decay on a fresh capture, and the continuation prefilled from nothing in blocks of 512. */
static void check_shared(const live_result *r, const rope_params *p, const int *tok, int n_tok)
{
    const plot_model *m = &r->pm;
    int n = m->sL;
    model mdl;
    model_ctx c;
    rope_error err;
    if (open_ref(p, n, &mdl, &c)) { CHECK(0); return; }
    eval_ppl_result one, blocks;
    double *loss = malloc(sizeof(double) * (size_t)n);
    eval_ppl_opts o1 = { 1, EVAL_SCORE_ALL, 0 }, o512 = { 1, EVAL_SCORE_ALL, 512 };
    CHECK(eval_ppl(&c, tok, n_tok, n, &o1, &one, loss, NULL, NULL, &err) == 0);
    /* the same forward and sums; the panel's threads split attention rows differently, and items of 16+
     * rows take the tiled kernel's summation order (kern_attn_causal): equal to float rounding */
    CHECK_REL(m->slot[0].ppl_sL, one.ppl, 1e-6);
    int same_loss = 1;
    for (int i = 0; i < n - 1; i++) same_loss &= fabs(m->slot[0].loss[i] - loss[i]) < 1e-4;
    CHECK(same_loss);
    CHECK(eval_ppl_blocks(&c, tok, n_tok, n, &o512, &blocks, NULL, NULL, NULL, &err) == 0);
    CHECK_REL(m->slot[0].ppl_sL, blocks.ppl, 1e-6);
    /* attention: a capture of its own */
    eval_decay d;
    CHECK(eval_decay_init(&d, &mdl, n, 0, 0, 1, &err) == 0);
    CHECK(eval_decay_capture(&d, &c, tok, &err) == 0 && eval_decay_scores_fft(&d, NULL, &err) == 0);
    int same_att = 1;
    for (int l = 0; l < r->att_layers; l++)
        for (int h = 0; h < r->att_heads; h++) {
            const double *sc = eval_decay_score(&d, l, h), *wt = eval_decay_weight(&d, l, h);
            const double *rs = r->att_score[0] + ((size_t)l * r->att_heads + h) * n;
            const double *rw = r->att_weight[0] + ((size_t)l * r->att_heads + h) * n;
            for (int t = 0; t < n; t++) same_att &= sc[t] == rs[t] && wt[t] == rw[t];
        }
    CHECK(same_att);
    eval_decay_free(&d);
    /* the continuation: tok[0..C) and the prompt from an empty cache, then greedy */
    int C = m->ctx_gen, P = (int)strlen(m->prompt), G = m->n_gen;
    CHECK_INT(C, n - P - G);
    int *pr = malloc(sizeof(int) * (size_t)(C + P)), out[PLOT_MODEL_GEN];
    memcpy(pr, tok, sizeof(int) * (size_t)C);
    for (int i = 0; i < P; i++) pr[C + i] = (unsigned char)m->prompt[i];
    model_ctx_reset(&c);
    for (int at = 0; at < C + P; at += 512) {
        int nb = C + P - at < 512 ? C + P - at : 512;
        CHECK(model_eval(&c, pr + at, nb, &err) == 0);
    }
    double worst = 0;
    for (int k = 0; k < G; k++) {
        const float *lg = model_logits(&c, c.n_logits - 1);
        int best = 0;
        for (int v = 1; v < MODEL_VOCAB; v++) if (lg[v] > lg[best]) best = v;
        out[k] = best;
        double e = fabs(eval_logprob(lg, MODEL_VOCAB, best) - m->gen_lp[0][k]);
        if (e > worst) worst = e;
        if (k + 1 < G) CHECK(model_eval(&c, &best, 1, &err) == 0);
    }
    char txt[PLOT_MODEL_GEN + 1];
    for (int t = 0; t < G; t++) txt[t] = out[t] == '\n' ? '|' : out[t] >= 32 && out[t] < 127 ? (char)out[t] : '?';
    txt[G] = '\0';
    CHECK_STR(m->gen_text[0], txt);
    CHECK(worst <= 1e-5);
    free(pr);
    free(loss);
    model_ctx_free(&c);
    model_free(&mdl);
}

/* The passkey probe reads the passage: its key and filler offset are eval_passkey_draw's for the
 * passage's length, the filler before the key sentence is the passage's own bytes from that offset
 * (checked against the text file directly), and a trial run here on that filler gives the panel's
 * log-probability exactly, while the grass filler gives another. */
static void check_passkey_filler(const plot_model *m, const rope_params *p)
{
    FILE *f = fopen(text_path, "rb");
    if (!f) { CHECK(0); return; }
    static uint8_t text[8192];
    size_t nt = fread(text, 1, sizeof text, f);
    fclose(f);
    int key, alt[LIVE_PK_ALT];
    size_t off;
    eval_passkey_draw(12, 0, 0, 0, LIVE_PK_ALT, nt, &key, alt, &off);
    CHECK_INT(m->pk_key, key);
    int len = m->pk_len, ans;
    uint8_t *ep = malloc((size_t)len);
    rope_error err;
    CHECK(corpus_passkey(ep, len, key, m->pk_depth, text, nt, off, &ans, &err) == 0);
    /* the filler starts after the fixed header: find where text[off …] begins, then every byte up to
     * the key sentence must be the passage's, read on from off */
    const char *ks = "\nThe pass key is ";
    int pos = -1, h = -1;
    for (int i = 0; i + 17 < len && pos < 0; i++)
        if (memcmp(ep + i, ks, 17) == 0) pos = i;
    for (int i = 0; i < 200 && i + 32 < pos && h < 0; i++) {
        int eq = 1;
        for (int j = 0; j < 32; j++) eq &= ep[i + j] == text[(off + j) % nt];
        if (eq) h = i;
    }
    int same_bytes = h >= 0, n_cmp = 0;
    for (int i = h; same_bytes && i < pos; i++, n_cmp++) same_bytes &= ep[i] == text[(off + (size_t)(i - h)) % nt];
    CHECK(same_bytes && n_cmp >= 32);
    model mdl;
    model_ctx c;
    if (open_ref(p, len, &mdl, &c)) { CHECK(0); free(ep); return; }
    eval_passkey_ws ws;
    eval_passkey_trial t, tg;
    CHECK(eval_passkey_ws_init(&ws, len, LIVE_PK_ALT, &err) == 0);
    CHECK(eval_passkey_run(&c, &ws, len, key, m->pk_depth, alt, LIVE_PK_ALT, text, nt, off, &t, &err) == 0);
    CHECK(t.lp_true == m->pk_lp_true && t.rank == m->pk_rank);
    CHECK(eval_passkey_run(&c, &ws, len, key, m->pk_depth, alt, LIVE_PK_ALT, NULL, 0, 0, &tg, &err) == 0);
    CHECK(tg.lp_true != m->pk_lp_true);
    eval_passkey_ws_free(&ws);
    model_ctx_free(&c);
    model_free(&mdl);
    free(ep);
}

int main(void)
{
    if (make_files()) { fprintf(stderr, "cannot write the test files\n"); return 1; }
    rope_config cfg;
    rope_config_init(&cfg);
    cfg.params.method = ROPE_YARN;
    cfg.params.head_dim = 16;
    cfg.params.orig_ctx = cfg.params.max_pos = 64;
    cfg.params.factor = 4.0;
    rope_error err;
    tui_app *a = malloc(sizeof *a);
    CHECK(tui_app_init(a, &cfg, "", &err) == 0);
    a->jobs = worker_new(1, &err);
    CHECK(a->jobs != NULL);
    CHECK(tui_app_live(a, model_path, text_path, 1, &err) == 0);
    tui_app_chrome(a);
    CHECK(a->lab.live.stamp == 0); /* nothing runs in a synchronous worker before <Wait> */

    wait_all(a);
    live_result *r = a->lab.live.result;
    CHECK(r != NULL && a->lab.live.rc == 0);
    if (!r) return 1;
    const plot_model *m = &r->pm;
    unsigned long g = a->lab.generation;
    CHECK_INT(m->L, 64);
    CHECK_INT(m->sL, 256);
    CHECK_INT(m->n_loss, 255);
    CHECK(m->slot[0].method == ROPE_YARN && m->slot[1].method == ROPE_NONE && m->slot[2].method == ROPE_LINEAR);
    for (int k = 0; k < 3; k++) {
        CHECK(m->slot[k].used);
        CHECK(m->slot[k].stamp_L == g && m->slot[k].stamp_sL == g);
    }
    CHECK(m->stamp_attn == g && m->stamp_pk == g && m->stamp_gen == g);
    CHECK_INT(m->attn_n, 256);
    CHECK_INT(m->n_gen, PLOT_MODEL_GEN);
    CHECK(m->pk_rank >= 1 && m->pk_rank <= LIVE_PK_ALT + 1);

    /* the numbers against a second computation */
    FILE *f = fopen(text_path, "rb");
    int tok[512];
    for (int i = 0; i < 512; i++) tok[i] = fgetc(f);
    fclose(f);
    rope_params q = cfg.params;
    check_shared(r, &q, tok, 256);
    check_passkey_filler(m, &a->lab.cfg.params);
    CHECK_REL(m->slot[0].ppl_L, hand_ppl(&q, tok, 64), 1e-4);
    CHECK_REL(m->slot[0].ppl_sL, hand_ppl(&q, tok, 256), 1e-4);
    q.method = ROPE_NONE;
    CHECK_REL(m->slot[1].ppl_sL, hand_ppl(&q, tok, 256), 1e-4);
    for (int k = 0; k < 3; k++) {
        double s = 0;
        for (int i = 0; i < m->n_loss; i++) s += m->slot[k].loss[i];
        CHECK_REL(exp(s / m->n_loss), m->slot[k].ppl_sL, 1e-9);
    }
    /* the mean over layers and heads of the selected curves */
    double want = 0;
    for (int l = 0; l < r->att_layers; l++)
        for (int h = 0; h < r->att_heads; h++) want += r->att_score[0][((size_t)l * r->att_heads + h) * 256 + 5];
    CHECK_REL(m->score[0][5], want / (r->att_layers * r->att_heads), 1e-12);
    tui_event d = { .key = 'd' };
    tui_app_handle(a, &d); /* layer 0, head 0 */
    r = a->lab.live.result;
    CHECK_INT(r->pm.layer, 0);
    CHECK(r->pm.score[0][5] == r->att_score[0][5]);

    /* L: perplexity at 2·s·L = 512 for every slot, once; not before it is asked for */
    CHECK(!r->pm.want_2sL && r->pm.slot[0].stamp_2sL == 0);
    tui_event l2 = { .key = 'L' };
    tui_app_handle(a, &l2);
    wait_all(a);
    r = a->lab.live.result;
    m = &r->pm;
    CHECK(m->want_2sL && m->note_2sL[0] == '\0');
    for (int k = 0; k < 3; k++) CHECK(m->slot[k].stamp_2sL == a->lab.generation);
    CHECK_REL(m->slot[0].ppl_2sL, hand_ppl(&a->lab.cfg.params, tok, 512), 1e-4);
    {
        rope_params qn = q;
        qn.method = ROPE_NONE;
        CHECK_REL(m->slot[1].ppl_2sL, hand_ppl(&qn, tok, 512), 1e-4);
    }

    /* beta_fast up: YaRN stale at once, plain RoPE and linear still current */
    CHECK(lab_step(&a->lab, LAB_P_BETA_FAST, 1, &err) == 0);
    tui_app_live_kick(a);
    r = a->lab.live.result;
    m = &r->pm;
    g = a->lab.generation;
    CHECK(m->slot[0].stamp_L != 0 && m->slot[0].stamp_L != g);
    CHECK(m->slot[0].stamp_sL != 0 && m->slot[0].stamp_sL != g);
    CHECK(m->slot[1].stamp_L == g && m->slot[1].stamp_sL == g);
    CHECK(m->slot[2].stamp_L == g && m->slot[2].stamp_sL == g);
    CHECK(m->stamp_attn != g && m->stamp_gen != g);
    wait_all(a);
    r = a->lab.live.result;
    m = &r->pm;
    for (int k = 0; k < 3; k++) CHECK(m->slot[k].stamp_L == g && m->slot[k].stamp_sL == g);
    CHECK(m->stamp_attn == g && m->stamp_pk == g && m->stamp_gen == g);
    /* 2·s·L was asked for the previous parameters only: YaRN's is kept stale, plain RoPE's current */
    CHECK(m->slot[0].stamp_2sL != 0 && m->slot[0].stamp_2sL != g);
    CHECK(m->slot[1].stamp_2sL == g);
    q = a->lab.cfg.params;
    CHECK_REL(m->slot[0].ppl_L, hand_ppl(&q, tok, 64), 1e-4);

    worker_free(a->jobs);
    a->jobs = NULL;
    tui_app_free(a);

    /* a worker thread: quick changes while jobs run, then <Wait>; everything ends current (TSan runs this) */
    CHECK(tui_app_init(a, &cfg, "", &err) == 0);
    a->jobs = worker_new(0, &err);
    CHECK(a->jobs != NULL && tui_app_live(a, model_path, text_path, 1, &err) == 0);
    tui_app_live_kick(a);
    for (int i = 0; i < 6; i++) {
        CHECK(lab_step(&a->lab, i % 2 ? LAB_P_FACTOR : LAB_P_BETA_FAST, 1, &err) == 0);
        tui_app_live_kick(a);
        usleep(2000);
        while (tui_app_collect(a))
            ;
        tui_app_chrome(a); /* reads the worker's progress */
    }
    wait_all(a);
    r = a->lab.live.result;
    g = a->lab.generation;
    CHECK(r != NULL && a->lab.live.rc == 0);
    if (r) {
        m = &r->pm;
        for (int k = 0; k < 3; k++) CHECK(m->slot[k].stamp_L == g && m->slot[k].stamp_sL == g);
        CHECK(m->stamp_attn == g && m->stamp_pk == g && m->stamp_gen == g);
        CHECK_INT(m->sL, live_window(&a->lab.cfg.params));
    }
    CHECK(!worker_busy(a->jobs));
    worker_free(a->jobs);
    a->jobs = NULL;
    tui_app_free(a);

    /* a text shorter than the window: one line in the panel */
    CHECK(tui_app_init(a, &cfg, "", &err) == 0);
    a->jobs = worker_new(1, &err);
    CHECK(tui_app_live(a, model_path, short_path, 1, &err) == 0);
    wait_all(a);
    r = a->lab.live.result;
    CHECK(r != NULL && a->lab.live.rc != 0);
    if (r) CHECK(strstr(r->pm.line, "the passage has 6 tokens") != NULL);
    worker_free(a->jobs);
    a->jobs = NULL;
    tui_app_free(a);
    free(a);
    unlink(model_path);
    unlink(text_path);
    unlink(short_path);
    return check_done("test_live");
}
