/* tests/unit/test_eval.c — the evaluations (kernels/eval.h) on small models written with model_save:
 * perplexity against a direct log-softmax of model_logits (the reference scorer, by hand), segment
 * means in closed form, a position-blind model that every method must score identically, the
 * factor rule of the sweep, and the passkey scorer on a bigram model whose answer is forced (closed
 * form) and on a random model against the scalar reference forward (model_ref.h). */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include "check.h"
#include "corpus.h"
#include "eval.h"
#include "model_ref.h"

static char dir[64];

static int save_load(model *tmp, model *m)
{
    rope_error err = {{0}};
    char path[128];
    snprintf(path, sizeof path, "%s/m.gguf", dir);
    int r = model_save(tmp, path, GGUF_DTYPE_F32, &err);
    model_free(tmp);
    if (r == 0) r = model_load(m, path, &err);
    if (r) fprintf(stderr, "%s\n", err.msg);
    unlink(path);
    return r;
}

/* d_model 32, 2 heads of 16 (1 kv head), 2 layers, ffn 48, trained context 32. zero_wo: every
 * attention output projection is zero, so nothing a position does reaches the logits. */
static int random_model(model *m, uint64_t seed, int zero_wo)
{
    model_hparams hp = { MODEL_VOCAB, 32, 2, 2, 1, 16, 48, 32, 1e-5f, 0 };
    model tmp;
    rope_error err = {{0}};
    if (model_init_random(&tmp, &hp, seed, &err)) { fprintf(stderr, "%s\n", err.msg); return -1; }
    if (zero_wo)
        for (int l = 0; l < hp.n_layer; l++) memset(tmp.layer[l].wo, 0, sizeof(float) * (size_t)hp.d_model * hp.n_head * hp.head_dim);
    return save_load(&tmp, m);
}

static int make_ctx(model_ctx *c, const model *m, int n_ctx, const rope_params *rp)
{
    model_ctx_params cp;
    model_ctx_params_default(m, &cp);
    cp.n_ctx = n_ctx;
    cp.n_threads = 1;
    cp.logits_all = 1;
    if (rp) cp.rope = *rp;
    rope_error err = {{0}};
    if (model_ctx_init(c, m, &cp, &err)) { fprintf(stderr, "%s\n", err.msg); return -1; }
    return 0;
}

static void text_tokens(int *t, long n, uint64_t seed)
{
    static const char alpha[] = "abcde fgh\nij";
    for (long i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        t[i] = alpha[(seed >> 33) % (sizeof alpha - 1)];
    }
}

/* log-softmax in long double, straight from the logits row */
static double direct_lp(const float *lg, int target)
{
    long double mx = lg[0], s = 0;
    for (int v = 1; v < MODEL_VOCAB; v++) if (lg[v] > mx) mx = lg[v];
    for (int v = 0; v < MODEL_VOCAB; v++) s += expl((long double)lg[v] - mx);
    return (double)((long double)lg[target] - mx - logl(s));
}

/* The perplexity protocol done by hand: chunks from an empty cache (fed in calls of `block` tokens,
 * 0 = one call), predictions at first … ctx−2. */
static double direct_nll_blocked(model_ctx *c, const int *tok, int ctx, int chunks, int first, int block,
                                 double *loss_pos)
{
    rope_error err = {{0}};
    double sum = 0;
    long cnt = 0;
    if (block <= 0) block = ctx;
    for (int p = 0; p < ctx - 1; p++) loss_pos[p] = 0;
    for (int k = 0; k < chunks; k++) {
        const int *tk = tok + (long)k * ctx;
        model_ctx_reset(c);
        for (int at = 0; at < ctx; at += block) {
            int nb = ctx - at < block ? ctx - at : block;
            if (model_eval(c, tk + at, nb, &err)) { fprintf(stderr, "%s\n", err.msg); return NAN; }
            for (int i = 0; i < nb && at + i < ctx - 1; i++) {
                double l = -direct_lp(model_logits(c, i), tk[at + i + 1]);
                loss_pos[at + i] += l / chunks;
                if (at + i >= first) { sum += l; cnt++; }
            }
        }
    }
    return sum / cnt;
}

static double direct_nll(model_ctx *c, const int *tok, int ctx, int chunks, int first, double *loss_pos)
{
    return direct_nll_blocked(c, tok, ctx, chunks, first, 0, loss_pos);
}

static void test_ppl(void)
{
    model m;
    CHECK_INT(random_model(&m, 11, 0), 0);
    rope_params rp = m.rope;
    rp.method = ROPE_YARN;
    rp.factor = 4;
    model_ctx c;
    CHECK_INT(make_ctx(&c, &m, 128, &rp), 0);
    enum { N = 128 * 3 + 17 };
    int tok[N];
    text_tokens(tok, N, 3);
    rope_error err = {{0}};
    eval_ppl_result r;
    double lp[127], want[127];
    /* llama.cpp scoring, every chunk */
    CHECK_INT(eval_ppl(&c, tok, N, 128, &(eval_ppl_opts){ 0, EVAL_SCORE_HALF, 0 }, &r, lp, NULL, NULL, &err), 0);
    double nll = direct_nll(&c, tok, 128, 3, 64, want);
    CHECK_INT(r.n_chunks, 3);
    CHECK_INT(r.n_scored, 3 * 63);
    CHECK_NEAR(r.nll, nll, 1e-9);
    CHECK_NEAR(r.ppl, exp(nll), 1e-8 * exp(nll));
    double worst = 0;
    for (int p = 0; p < 127; p++) worst = fmax(worst, fabs(lp[p] - want[p]));
    CHECK(worst < 1e-9);
    /* every position, two chunks at most */
    CHECK_INT(eval_ppl(&c, tok, N, 128, &(eval_ppl_opts){ 2, EVAL_SCORE_ALL, 0 }, &r, NULL, NULL, NULL, &err), 0);
    nll = direct_nll(&c, tok, 128, 2, 0, want);
    CHECK_INT(r.n_chunks, 2);
    CHECK_INT(r.n_scored, 2 * 127);
    CHECK_NEAR(r.nll, nll, 1e-9);
    /* standard error from the scored losses: recompute from a second pass over them */
    {
        double s = 0, s2 = 0;
        long n = 0;
        for (int k = 0; k < 2; k++) {
            model_ctx_reset(&c);
            CHECK_INT(model_eval(&c, tok + k * 128, 128, &err), 0);
            for (int p = 0; p < 127; p++) { double l = -direct_lp(model_logits(&c, p), tok[k * 128 + p + 1]); s += l; n++; (void)s2; }
        }
        double mean = s / n, v = 0;
        for (int k = 0; k < 2; k++) {
            model_ctx_reset(&c);
            CHECK_INT(model_eval(&c, tok + k * 128, 128, &err), 0);
            for (int p = 0; p < 127; p++) { double l = -direct_lp(model_logits(&c, p), tok[k * 128 + p + 1]) - mean; v += l * l; }
        }
        CHECK_NEAR(r.nll_stderr, sqrt(v / (n - 1) / n), 1e-9);
    }
    /* chunks fed in blocks: a static method scores the same to rounding */
    eval_ppl_result rb;
    CHECK_INT(eval_ppl(&c, tok, N, 128, &(eval_ppl_opts){ 0, EVAL_SCORE_ALL, 24 }, &rb, lp, NULL, NULL, &err), 0);
    CHECK_INT(eval_ppl(&c, tok, N, 128, &(eval_ppl_opts){ 0, EVAL_SCORE_ALL, 0 }, &r, NULL, NULL, NULL, &err), 0);
    CHECK_NEAR(rb.nll, r.nll, 1e-5);
    /* a dynamic method re-scales at every call: blocks change the numbers, and match the hand loop */
    rope_params dyn = m.rope;
    dyn.method = ROPE_DYNAMIC_YARN;
    CHECK_INT(model_ctx_set_rope(&c, &dyn, &err), 0);
    CHECK_INT(eval_ppl(&c, tok, N, 128, &(eval_ppl_opts){ 0, EVAL_SCORE_HALF, 24 }, &rb, lp, NULL, NULL, &err), 0);
    CHECK_INT(eval_ppl(&c, tok, N, 128, &(eval_ppl_opts){ 0, EVAL_SCORE_HALF, 0 }, &r, NULL, NULL, NULL, &err), 0);
    CHECK(fabs(rb.nll - r.nll) > 1e-6);
    nll = direct_nll_blocked(&c, tok, 128, 3, 64, 24, want);
    CHECK_NEAR(rb.nll, nll, 1e-9);
    worst = 0;
    for (int p = 0; p < 127; p++) worst = fmax(worst, fabs(lp[p] - want[p]));
    CHECK(worst < 1e-9);
    CHECK_INT(model_ctx_set_rope(&c, &rp, &err), 0);
    /* a single chunk is enough for eval_ppl */
    CHECK_INT(eval_ppl(&c, tok, 130, 128, &(eval_ppl_opts){ 0, EVAL_SCORE_HALF, 0 }, &r, NULL, NULL, NULL, &err), 0);
    CHECK_INT(r.n_chunks, 1);
    /* refusals */
    CHECK_INT(eval_ppl(&c, tok, 100, 128, &(eval_ppl_opts){ 0, EVAL_SCORE_HALF, 0 }, &r, NULL, NULL, NULL, &err), -1);
    CHECK_HAS(err.msg, "needs at least 128");
    CHECK_INT(eval_ppl(&c, tok, N, 256, &(eval_ppl_opts){ 0, EVAL_SCORE_HALF, 0 }, &r, NULL, NULL, NULL, &err), -1);
    model_ctx_free(&c);
    model_free(&m);
}

static void test_segments(void)
{
    double loss[10], seg[3];
    for (int p = 0; p < 10; p++) loss[p] = p;
    eval_segments(loss, 10, 3, seg);       /* [0,3) [3,6) [6,10) */
    CHECK_NEAR(seg[0], 1.0, 0);
    CHECK_NEAR(seg[1], 4.0, 0);
    CHECK_NEAR(seg[2], 7.5, 0);
    eval_segments(loss, 10, 1, seg);
    CHECK_NEAR(seg[0], 4.5, 0);
}

static int cancel_at(void *u, int done, int total)
{
    (void)total;
    return done >= *(int *)u;
}

static const rope_method all_methods[] = { ROPE_NONE, ROPE_LINEAR, ROPE_NTK, ROPE_DYNAMIC, ROPE_NTK_PARTS,
                                           ROPE_YARN, ROPE_DYNAMIC_YARN, ROPE_LLAMA3 };
#define N_ALL ((int)(sizeof all_methods / sizeof all_methods[0]))

/* A model whose attention output is zero cannot see positions: every method, every length, the same
 * perplexity. */
static void test_position_blind(void)
{
    model m;
    CHECK_INT(random_model(&m, 5, 1), 0);
    model_ctx c;
    CHECK_INT(make_ctx(&c, &m, 128, NULL), 0);
    enum { N = 128 * 2 };
    int tok[N];
    text_tokens(tok, N, 9);
    int ctxs[] = { 16, 32, 64, 128 };
    eval_sweep_point pts[N_ALL * 4];
    double *loss = malloc(sizeof(double) * N_ALL * 127);
    rope_error err = {{0}};
    CHECK_INT(eval_sweep(&c, &m.rope, all_methods, N_ALL, ctxs, 4, 0, tok, N, &(eval_ppl_opts){ 2, EVAL_SCORE_HALF, 0 }, pts, loss, NULL,
                         NULL, &err), 0);
    for (int i = 1; i < N_ALL; i++) {
        for (int j = 0; j < 4; j++) {
            CHECK_INT(pts[i * 4 + j].method, all_methods[i]);
            CHECK_INT(pts[i * 4 + j].ctx, ctxs[j]);
            CHECK_REL(pts[i * 4 + j].r.ppl, pts[j].r.ppl, 1e-12);
        }
        for (int p = 0; p < 127; p++) CHECK_NEAR(loss[i * 127 + p], loss[p], 1e-12);
    }
    /* the factor rule: matched to the length for static methods (L = 32), the model's for dynamic ones */
    for (int i = 0; i < N_ALL; i++)
        for (int j = 0; j < 4; j++) {
            const rope_method_info *mi = rope_method_get(all_methods[i]);
            double want = (mi->uses & ROPE_USES_SEQ_LEN) ? m.rope.factor : (ctxs[j] > 32 ? ctxs[j] / 32.0 : 1.0);
            CHECK_NEAR(pts[i * 4 + j].factor, want, 0);
        }
    rope_params q;
    CHECK_NEAR(eval_method_params(&m.rope, ROPE_DYNAMIC, 128, 32, 8, &q), 8, 0);
    CHECK_NEAR(q.factor, 8, 0);
    CHECK_INT(q.method, ROPE_DYNAMIC);
    /* cancelling through the progress callback */
    int stop = 3;
    CHECK_INT(eval_sweep(&c, &m.rope, all_methods, N_ALL, ctxs, 4, 0, tok, N, &(eval_ppl_opts){ 2, EVAL_SCORE_HALF, 0 }, pts, NULL,
                         cancel_at, &stop, &err), -1);
    CHECK_HAS(err.msg, "cancelled");
    free(loss);
    model_ctx_free(&c);
    model_free(&m);
}

/* On a model that does see positions: at lengths <= L the matched factor is 1, so the static
 * methods are plain RoPE (equal perplexity to rounding); past L they are not. */
static void test_sweep_factor_one(void)
{
    model m;
    CHECK_INT(random_model(&m, 21, 0), 0);
    model_ctx c;
    CHECK_INT(make_ctx(&c, &m, 128, NULL), 0);
    enum { N = 256 };
    int tok[N];
    text_tokens(tok, N, 4);
    int ctxs[] = { 16, 32, 128 };
    rope_method ms[] = { ROPE_NONE, ROPE_LINEAR, ROPE_NTK, ROPE_DYNAMIC, ROPE_YARN };
    eval_sweep_point pts[5 * 3];
    rope_error err = {{0}};
    CHECK_INT(eval_sweep(&c, &m.rope, ms, 5, ctxs, 3, 0, tok, N, &(eval_ppl_opts){ 0, EVAL_SCORE_ALL, 0 }, pts, NULL, NULL, NULL, &err), 0);
    for (int i = 1; i < 5; i++) {
        CHECK_REL(pts[i * 3 + 0].r.ppl, pts[0].r.ppl, 1e-5);
        CHECK_REL(pts[i * 3 + 1].r.ppl, pts[1].r.ppl, 1e-5);
        CHECK(fabs(pts[i * 3 + 2].r.ppl - pts[2].r.ppl) > 1e-4 * pts[2].r.ppl);
    }
    /* a length past the context or the text is refused */
    int bad[] = { 256 };
    CHECK_INT(eval_sweep(&c, &m.rope, ms, 1, bad, 1, 0, tok, N, &(eval_ppl_opts){ 0, EVAL_SCORE_ALL, 0 }, pts, NULL, NULL, NULL, &err), -1);
    model_ctx_free(&c);
    model_free(&m);
}

/* --- the forced passkey: a bigram model --------------------------------------------------------- */

/* Tokens on the chain 's' → ' ' → '1' → '2' → '3' → '4' → '5' → '.' have a one-hot embedding; every
 * block's output is zero, so the logits after token t are A·h(t)·[v == next(t)] with h the RMSNorm
 * of the one-hot, and 0 everywhere for tokens off the chain (uniform). */
static const char chain[] = "s 12345.";
#define BIG_D 16
#define BIG_A 3.0f

static int bigram_model(model *m)
{
    model_hparams hp = { MODEL_VOCAB, BIG_D, 1, 2, 2, 8, 16, 64, 1e-5f, 0 };
    model tmp;
    rope_error err = {{0}};
    if (model_alloc(&tmp, &hp, &err)) { fprintf(stderr, "%s\n", err.msg); return -1; }
    for (int k = 0; k + 1 < (int)sizeof chain - 1; k++) {
        tmp.tok_embd[(size_t)(unsigned char)chain[k] * BIG_D + k] = 1.0f;
        tmp.output[(size_t)(unsigned char)chain[k + 1] * BIG_D + k] = BIG_A;
    }
    return save_load(&tmp, m);
}

/* The closed-form log P(next | prev) of the bigram model. */
static double bigram_lp(int prev, int next)
{
    const char *at = strchr(chain, prev);
    if (!at || prev == '.' || prev == 0) return -log(256.0);
    double z = BIG_A / sqrt(1.0 / BIG_D + 1e-5);   /* A times the normalised one-hot */
    double lse = log(exp(z) + 255.0);
    return next == at[1] ? z - lse : -lse;
}

static double bigram_key_lp(int key)
{
    char s[8];
    snprintf(s, sizeof s, " %d", key);
    double lp = bigram_lp('s', ' ');
    for (int j = 1; j < 6; j++) lp += bigram_lp(s[j - 1], s[j]);
    return lp;
}

static void test_passkey_forced(void)
{
    model m;
    CHECK_INT(bigram_model(&m), 0);
    rope_params methods[3];
    for (int k = 0; k < 3; k++) methods[k] = m.rope;
    methods[1].method = ROPE_YARN;
    methods[1].factor = 8;
    methods[2].method = ROPE_DYNAMIC_YARN;
    eval_passkey_ws ws;
    rope_error err = {{0}};
    CHECK_INT(eval_passkey_ws_init(&ws, 600, 3, &err), 0);
    for (int k = 0; k < 3; k++) {
        model_ctx c;
        CHECK_INT(make_ctx(&c, &m, 600, &methods[k]), 0);
        int lens[] = { 220, 600 };   /* inside and far past the trained 64 */
        for (int li = 0; li < 2; li++) {
            eval_passkey_trial t;
            int alt[] = { 54321, 12346, 99999 };
            CHECK_INT(eval_passkey_run(&c, &ws, lens[li], 12345, 0.5, alt, 3, NULL, 0, 0, &t, &err), 0);
            CHECK_STR(t.gen, " 12345");
            CHECK_INT(t.gen_correct, 1);
            CHECK_INT(t.lp_correct, 1);
            CHECK_INT(t.rank, 1);
            CHECK_INT(t.best_alt, 12346);
            CHECK_NEAR(t.lp_true, bigram_key_lp(12345), 1e-4);
            CHECK_NEAR(t.lp_best_alt, bigram_key_lp(12346), 1e-4);
            CHECK_INT(t.len, lens[li]);
            CHECK_INT(t.prompt_len, lens[li] - 8);
            /* a key the model cannot produce: greedy still says 12345, which also wins on log-prob */
            int alt2[] = { 12345, 77777 };
            CHECK_INT(eval_passkey_run(&c, &ws, lens[li], 54321, 0.0, alt2, 2, NULL, 0, 0, &t, &err), 0);
            CHECK_INT(t.gen_correct, 0);
            CHECK_INT(t.lp_correct, 0);
            /* 77777 leaves the chain after one step (uniform, -log 256 each), 54321 never follows it */
            CHECK_INT(t.rank, 1 + (bigram_key_lp(12345) >= bigram_key_lp(54321)) +
                                  (bigram_key_lp(77777) >= bigram_key_lp(54321)));
            CHECK_INT(t.rank, 3);
            CHECK_INT(t.best_alt, 12345);
            CHECK_NEAR(t.lp_true, bigram_key_lp(54321), 1e-4);
            CHECK_NEAR(t.lp_best_alt, bigram_key_lp(12345), 1e-4);
        }
        int prompt[] = { 'i', 's' }, out[7];
        CHECK_INT(eval_greedy(&c, prompt, 2, 7, out, &err), 0);
        for (int j = 0; j < 7; j++) CHECK_INT(out[j], chain[j + 1]);
        model_ctx_free(&c);
    }
    eval_passkey_ws_free(&ws);
    model_free(&m);
}

/* The scorer's rewinds against the scalar reference: prompt in one call, then " K" minus its last
 * digit in a second call (so dynamic methods see the same tables), on a random model. */
static void test_passkey_reference(void)
{
    model m;
    CHECK_INT(random_model(&m, 31, 0), 0);
    rope_params rp[2] = { m.rope, m.rope };
    rp[0].method = ROPE_YARN;
    rp[0].factor = 8;
    rp[1].method = ROPE_DYNAMIC_YARN;
    eval_passkey_ws ws;
    rope_error err = {{0}};
    CHECK_INT(eval_passkey_ws_init(&ws, 240, 1, &err), 0);
    uint8_t filler[300];
    for (int i = 0; i < 300; i++) filler[i] = (uint8_t)("abc de\n"[i % 7]);
    for (int k = 0; k < 2; k++) {
        model_ctx c;
        CHECK_INT(make_ctx(&c, &m, 240, &rp[k]), 0);
        int alt[] = { 31415 };
        eval_passkey_trial t;
        CHECK_INT(eval_passkey_run(&c, &ws, 240, 27182, 0.3, alt, 1, filler, 300, 17, &t, &err), 0);
        /* the same episode from the shared builder */
        uint8_t ep[240];
        int ap;
        CHECK_INT(corpus_passkey(ep, 240, 27182, 0.3, filler, 300, 17, &ap, &err), 0);
        CHECK_INT(t.prompt_len, ap);
        for (int which = 0; which < 2; which++) {
            int key = which ? 31415 : 27182, n = ap + 5;
            int *tk = malloc(sizeof(int) * (size_t)n);
            for (int i = 0; i < ap; i++) tk[i] = ep[i];
            char s[8];
            snprintf(s, sizeof s, " %d", key);
            for (int j = 0; j < 5; j++) tk[ap + j] = s[j];
            double *ref = malloc(sizeof(double) * (size_t)n * MODEL_VOCAB);
            int calls[] = { ap, 5 };
            CHECK_INT(ref_forward(&m, &rp[k], tk, n, calls, 2, 0, ref), 0);
            double lp = 0;
            for (int j = 0; j < 6; j++) {
                const double *row = ref + (size_t)(ap - 1 + j) * MODEL_VOCAB;
                double mx = row[0], sum = 0;
                for (int v = 1; v < MODEL_VOCAB; v++) mx = fmax(mx, row[v]);
                for (int v = 0; v < MODEL_VOCAB; v++) sum += exp(row[v] - mx);
                lp += row[(unsigned char)s[j]] - mx - log(sum);
            }
            CHECK_NEAR(which ? t.lp_best_alt : t.lp_true, lp, 2e-3);
            free(ref);
            free(tk);
        }
        CHECK_INT(t.lp_correct, t.lp_true > t.lp_best_alt);
        /* the greedy bytes agree with eval_greedy on the same prompt */
        int *pt = malloc(sizeof(int) * (size_t)ap), out[EVAL_PASSKEY_GEN];
        for (int i = 0; i < ap; i++) pt[i] = ep[i];
        CHECK_INT(eval_greedy(&c, pt, ap, EVAL_PASSKEY_GEN, out, &err), 0);
        for (int j = 0; j < EVAL_PASSKEY_GEN; j++)
            CHECK_INT(t.gen[j], out[j] >= 32 && out[j] < 127 ? out[j] : '?');
        free(pt);
        model_ctx_free(&c);
    }
    eval_passkey_ws_free(&ws);
    model_free(&m);
}

static void test_passkey_grid(void)
{
    /* the draw: keys in range, alternatives distinct and different from the key, reproducible */
    int key, alt[50], key2, alt2[50];
    size_t off, off2;
    eval_passkey_draw(7, 1, 2, 3, 50, 1000, &key, alt, &off);
    eval_passkey_draw(7, 1, 2, 3, 50, 1000, &key2, alt2, &off2);
    CHECK_INT(key, key2);
    CHECK_INT(off, off2);
    CHECK(key >= 10000 && key <= 99999 && off < 1000);
    int distinct = 1;
    for (int a = 0; a < 50; a++) {
        distinct &= alt[a] == alt2[a] && alt[a] != key && alt[a] >= 10000 && alt[a] <= 99999;
        for (int b = 0; b < a; b++) distinct &= alt[a] != alt[b];
    }
    CHECK(distinct);
    eval_passkey_draw(8, 1, 2, 3, 50, 1000, &key2, alt2, &off2);
    CHECK(key2 != key || off2 != off);

    model m;
    CHECK_INT(bigram_model(&m), 0);
    model_ctx c;
    CHECK_INT(make_ctx(&c, &m, 300, NULL), 0);
    eval_passkey_ws ws;
    rope_error err = {{0}};
    CHECK_INT(eval_passkey_ws_init(&ws, 300, 4, &err), 0);
    int lens[] = { 200, 300 };
    double depths[] = { 0, 0.5, 1 };
    eval_passkey_cell cells[6], cells2[6];
    eval_passkey_trial trials[6 * 2];
    CHECK_INT(eval_passkey_grid(&c, &ws, lens, 2, depths, 3, 2, 99, NULL, 0, cells, trials, NULL, NULL, &err), 0);
    CHECK_INT(eval_passkey_grid(&c, &ws, lens, 2, depths, 3, 2, 99, NULL, 0, cells2, NULL, NULL, NULL, &err), 0);
    for (int i = 0; i < 6; i++) {
        CHECK_INT(cells[i].trials, 2);
        CHECK_INT(cells[i].len, lens[i / 3]);
        CHECK_NEAR(cells[i].depth, depths[i % 3], 0);
        CHECK_INT(cells[i].lp_correct, cells2[i].lp_correct);
        CHECK_NEAR(cells[i].mean_margin, cells2[i].mean_margin, 0);
        int lpc = 0;
        for (int t = 0; t < 2; t++) {
            const eval_passkey_trial *tr = &trials[i * 2 + t];
            int k;
            size_t o;
            eval_passkey_draw(99, i / 3, i % 3, t, 4, 0, &k, ws.alt, &o);
            CHECK_INT(tr->key, k);
            /* the bigram model's log-prob of any key is known in closed form */
            CHECK_NEAR(tr->lp_true, bigram_key_lp(k), 1e-4);
            double best = -INFINITY;
            for (int a = 0; a < 4; a++) best = fmax(best, bigram_key_lp(ws.alt[a]));
            CHECK_NEAR(tr->lp_best_alt, best, 1e-4);
            lpc += tr->lp_correct;
        }
        CHECK_INT(cells[i].lp_correct, lpc);
    }
    /* refusals */
    int short_len[] = { 100 }, long_len[] = { 400 };
    double bad_depth[] = { 1.5 };
    CHECK_INT(eval_passkey_grid(&c, &ws, short_len, 1, depths, 1, 1, 1, NULL, 0, cells, NULL, NULL, NULL, &err), -1);
    CHECK_INT(eval_passkey_grid(&c, &ws, long_len, 1, depths, 1, 1, 1, NULL, 0, cells, NULL, NULL, NULL, &err), -1);
    CHECK_INT(eval_passkey_grid(&c, &ws, lens, 1, bad_depth, 1, 1, 1, NULL, 0, cells, NULL, NULL, NULL, &err), -1);
    CHECK_HAS(err.msg, "depth");
    eval_passkey_ws_free(&ws);
    CHECK_INT(eval_passkey_ws_init(&ws, 100, 1, &err), -1);
    model_ctx_free(&c);
    model_free(&m);
}

/* L for sweeps: the RoPE's original context when the GGUF declares a shorter one than context_length */
static void test_base_ctx(void)
{
    model m;
    memset(&m, 0, sizeof m);
    m.hp.ctx_train = 4096;
    m.rope.orig_ctx = 512;          /* a 512-token model fine-tuned with YaRN 8x at 4096 */
    CHECK_INT(eval_base_ctx(&m), 512);
    m.rope.orig_ctx = 4096;         /* plain RoPE: the loader sets orig_ctx = context_length */
    CHECK_INT(eval_base_ctx(&m), 4096);
    m.rope.orig_ctx = 8192;         /* a declared original context longer than the model's is not a base */
    CHECK_INT(eval_base_ctx(&m), 4096);
    m.rope.orig_ctx = 0;
    CHECK_INT(eval_base_ctx(&m), 4096);
    /* the matched-factor rule counts in that unit: 4096 tokens over L = 512 is s = 8 */
    rope_params base, p;
    rope_params_init(&base);
    CHECK_NEAR(eval_method_params(&base, ROPE_YARN, 4096, 512, 0, &p), 8.0, 0);
}

int main(void)
{
    test_base_ctx();
    snprintf(dir, sizeof dir, "/tmp/ropescope_eval_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    test_ppl();
    test_segments();
    test_position_blind();
    test_sweep_factor_one();
    test_passkey_forced();
    test_passkey_reference();
    test_passkey_grid();
    rmdir(dir);
    return check_done("test_eval");
}
