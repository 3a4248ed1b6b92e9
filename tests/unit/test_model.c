/* tests/unit/test_model.c — the fast forward pass against the scalar reference (model_ref.h) on
 * random models written and re-read through the GGUF writer: MHA, GQA, MQA, tied output, blocked
 * prefill and token-by-token decode, 1 and 2 threads, YaRN and linear at 8× the trained context,
 * dynamic NTK with keep vs re-rotate, partial-rotary tables. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include "check.h"
#include "model_ref.h"

static char dir[64];

/* A random model saved to GGUF and loaded back (so every test goes through the writer and reader). */
static int make_model(model *m, int d, int nh, int nkv, int hd, int ff, int nl, int ctx, int tied, uint64_t seed)
{
    model_hparams hp = { MODEL_VOCAB, d, nl, nh, nkv, hd, ff, ctx, 1e-5f, tied };
    model tmp;
    rope_error err = {{0}};
    if (model_init_random(&tmp, &hp, seed, &err)) { fprintf(stderr, "%s\n", err.msg); return -1; }
    char path[128];
    snprintf(path, sizeof path, "%s/m.gguf", dir);
    int r = model_save(&tmp, path, GGUF_DTYPE_F32, &err);
    model_free(&tmp);
    if (r == 0) r = model_load(m, path, &err);
    if (r) fprintf(stderr, "%s\n", err.msg);
    unlink(path);
    return r;
}

static void tokens(int *t, int n, uint64_t seed)
{
    for (int i = 0; i < n; i++) { seed = seed * 6364136223846793005ull + 1442695040888963407ull; t[i] = (int)(seed >> 56); }
}

/* Runs the fast path with the given call split and compares every logit the calls produce with the
 * reference. Returns the worst |difference| / (1 + max |logit|). */
static double compare(const model *m, const rope_params *rp, const int *tok, int n, const int *calls, int n_calls,
                      int n_batch, int threads, model_kv_mode mode, int logits_all, double *last_logits)
{
    double *ref = malloc(sizeof(double) * n * MODEL_VOCAB);
    CHECK_INT(ref_forward(m, rp, tok, n, calls, n_calls, mode == MODEL_KV_REROTATE, ref), 0);
    model_ctx_params cp;
    model_ctx_params_default(m, &cp);
    cp.n_ctx = n + 3;
    cp.n_batch = n_batch;
    cp.n_threads = threads;
    cp.decode_threads = threads;     /* exercise the threaded decode even on tiny models */
    cp.kv_mode = mode;
    cp.logits_all = logits_all;
    cp.rope = *rp;
    model_ctx c;
    rope_error err = {{0}};
    if (model_ctx_init(&c, m, &cp, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        free(ref);
        return 1e9;
    }
    double worst = 0;
    int t = 0;
    for (int ci = 0; ci < n_calls; ci++) {
        CHECK_INT(model_eval(&c, tok + t, calls[ci], &err), 0);
        int nl = logits_all ? calls[ci] : 1;
        CHECK_INT(c.n_logits, nl);
        for (int i = 0; i < nl; i++) {
            int pos = logits_all ? t + i : t + calls[ci] - 1;
            const float *lg = model_logits(&c, i);
            double mx = 0, diff = 0;
            for (int v = 0; v < MODEL_VOCAB; v++) {
                double r = ref[(size_t)pos * MODEL_VOCAB + v];
                mx = fabs(r) > mx ? fabs(r) : mx;
                diff = fabs(lg[v] - r) > diff ? fabs(lg[v] - r) : diff;
            }
            diff /= 1 + mx;
            worst = diff > worst ? diff : worst;
        }
        t += calls[ci];
    }
    CHECK_INT(c.n_past, n);
    if (last_logits) for (int v = 0; v < MODEL_VOCAB; v++) last_logits[v] = model_logits(&c, c.n_logits - 1)[v];
    model_ctx_free(&c);
    free(ref);
    return worst;
}

static void test_plain(void)
{
    model m;
    if (make_model(&m, 64, 4, 4, 16, 96, 2, 64, 0, 1)) { CHECK(0); return; }
    CHECK_INT(m.hp.tied, 0);
    CHECK_INT(m.rope.method, ROPE_NONE);
    CHECK_INT(m.rope.head_dim, 16);
    CHECK_NEAR(m.rope.base, 10000, 0);
    enum { N = 150 };
    int tok[N];
    tokens(tok, N, 7);
    int one[1] = { N };
    for (int th = 1; th <= 2; th++) {
        /* one call, blocks of 40 (4 blocks, the last one partial), attention blocks of 64 rows */
        CHECK(compare(&m, &m.rope, tok, N, one, 1, 40, th, MODEL_KV_KEEP, 1, NULL) < 2e-5);
        /* all at once, one block (three attention row blocks) */
        CHECK(compare(&m, &m.rope, tok, N, one, 1, 512, th, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    }
    /* prefill then decode one token at a time, last-position logits */
    int calls[21] = { 130 };
    for (int i = 1; i < 21; i++) calls[i] = 1;
    CHECK(compare(&m, &m.rope, tok, N, calls, 21, 64, 2, MODEL_KV_KEEP, 0, NULL) < 2e-5);
    /* two-token calls (the small-block attention path) */
    int pairs[75];
    for (int i = 0; i < 75; i++) pairs[i] = 2;
    CHECK(compare(&m, &m.rope, tok, N, pairs, 75, 64, 2, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    model_free(&m);
    /* head_dim 64 (the embedded model's), one layer */
    if (make_model(&m, 128, 2, 2, 64, 128, 1, 64, 1, 8)) { CHECK(0); return; }
    int split[2] = { 140, 10 };
    CHECK(compare(&m, &m.rope, tok, N, split, 2, 48, 2, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    model_free(&m);
}

static void test_gqa_tied(void)
{
    model m;
    /* GQA 8 query heads over 2 kv heads, head_dim 8, tied output */
    if (make_model(&m, 64, 8, 2, 8, 64, 2, 32, 1, 2)) { CHECK(0); return; }
    CHECK_INT(m.hp.tied, 1);
    CHECK(m.output == m.tok_embd);
    CHECK_INT(m.hp.n_head_kv, 2);
    enum { N = 70 };
    int tok[N];
    tokens(tok, N, 9);
    int calls[N];
    for (int i = 0; i < N; i++) calls[i] = 1;
    CHECK(compare(&m, &m.rope, tok, N, calls, N, 16, 2, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    int split[3] = { 33, 1, 36 };
    CHECK(compare(&m, &m.rope, tok, N, split, 3, 16, 2, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    model_free(&m);
    /* MQA, head_dim ≠ d_model / n_head (key_length written), odd sizes */
    if (make_model(&m, 40, 3, 1, 12, 56, 1, 16, 0, 3)) { CHECK(0); return; }
    CHECK_INT(m.hp.head_dim, 12);
    int one[1] = { N };
    CHECK(compare(&m, &m.rope, tok, N, one, 1, 30, 2, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    CHECK(compare(&m, &m.rope, tok, N, calls, N, 30, 2, MODEL_KV_KEEP, 0, NULL) < 2e-5);
    model_free(&m);
}

static void test_scaling(void)
{
    model m;
    /* trained context 16; run to 128 = 8× with YaRN and linear, factor 8 */
    if (make_model(&m, 64, 4, 2, 16, 96, 2, 16, 0, 4)) { CHECK(0); return; }
    enum { N = 128 };
    int tok[N];
    tokens(tok, N, 11);
    int calls[3] = { 100, 1, 27 };
    rope_params p = m.rope;
    p.method = ROPE_YARN;
    p.factor = 8;
    rope_table t;
    CHECK_INT(rope_table_compute(&p, &t, NULL), 0);
    CHECK(t.magnitude > 1.2 && t.magnitude < 1.21);          /* 1 + 0.1 ln 8 = 1.2079 */
    CHECK(compare(&m, &p, tok, N, calls, 3, 32, 2, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    p.flavor = ROPE_FLAVOR_LLAMACPP;
    CHECK(compare(&m, &p, tok, N, calls, 3, 32, 2, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    p = m.rope;
    p.method = ROPE_LINEAR;
    p.factor = 8;
    CHECK(compare(&m, &p, tok, N, calls, 3, 32, 2, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    /* the scaled runs really differ from plain RoPE */
    double a[MODEL_VOCAB], b[MODEL_VOCAB];
    int one[1] = { N };
    compare(&m, &m.rope, tok, N, one, 1, 64, 2, MODEL_KV_KEEP, 0, a);
    compare(&m, &p, tok, N, one, 1, 64, 2, MODEL_KV_KEEP, 0, b);
    double dmax = 0;
    for (int v = 0; v < MODEL_VOCAB; v++) dmax = fmax(dmax, fabs(a[v] - b[v]));
    CHECK(dmax > 1e-3);
    /* partial rotary: half of each head rotates, the rest passes through */
    p = m.rope;
    p.partial_rotary = 0.5;
    CHECK(compare(&m, &p, tok, N, one, 1, 64, 2, MODEL_KV_KEEP, 1, NULL) < 2e-5);
    /* float32 angles stay close to the double reference at these positions */
    model_free(&m);
}

static void test_dynamic(void)
{
    model m;
    if (make_model(&m, 64, 4, 4, 16, 64, 2, 16, 0, 5)) { CHECK(0); return; }
    enum { N = 60 };
    int tok[N];
    tokens(tok, N, 13);
    int calls[N - 19];
    calls[0] = 20;
    for (int i = 1; i < N - 19; i++) calls[i] = 1;
    rope_params p = m.rope;
    p.method = ROPE_DYNAMIC;
    p.factor = 2;
    double keep[MODEL_VOCAB], rerot[MODEL_VOCAB];
    CHECK(compare(&m, &p, tok, N, calls, N - 19, 16, 2, MODEL_KV_KEEP, 1, keep) < 2e-5);
    CHECK(compare(&m, &p, tok, N, calls, N - 19, 16, 2, MODEL_KV_REROTATE, 1, rerot) < 2e-5);
    double dmax = 0;
    for (int v = 0; v < MODEL_VOCAB; v++) dmax = fmax(dmax, fabs(keep[v] - rerot[v]));
    CHECK(dmax > 1e-4);          /* the choice matters, as documented */
    /* with one call for the whole sequence, keep and re-rotate agree */
    int one[1] = { N };
    compare(&m, &p, tok, N, one, 1, 16, 2, MODEL_KV_KEEP, 0, keep);
    compare(&m, &p, tok, N, one, 1, 16, 2, MODEL_KV_REROTATE, 0, rerot);
    dmax = 0;
    for (int v = 0; v < MODEL_VOCAB; v++) dmax = fmax(dmax, fabs(keep[v] - rerot[v]));
    CHECK(dmax < 1e-5);
    /* dynamic YaRN and re-rotation under a static method (nothing to re-rotate) */
    p.method = ROPE_DYNAMIC_YARN;
    CHECK(compare(&m, &p, tok, N, calls, N - 19, 16, 2, MODEL_KV_REROTATE, 0, NULL) < 2e-5);
    CHECK(compare(&m, &m.rope, tok, N, calls, N - 19, 16, 1, MODEL_KV_REROTATE, 0, NULL) < 2e-5);
    model_free(&m);
}

static void test_ctx_misc(void)
{
    model m;
    if (make_model(&m, 32, 2, 1, 16, 32, 1, 16, 1, 6)) { CHECK(0); return; }
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    CHECK_INT(cp.n_ctx, 16);
    cp.n_ctx = 1000;
    /* KV bytes: 2 (K, V) × layers × n_ctx × n_head_kv·head_dim × 4 */
    CHECK_INT(model_kv_bytes(&m.hp, 1000, MODEL_KV_KEEP), 2 * 1 * 1000 * 16 * 4);
    CHECK_INT(model_kv_bytes(&m.hp, 1000, MODEL_KV_REROTATE), 3 * 1 * 1000 * 16 * 4);
    model_ctx c;
    rope_error err = {{0}};
    CHECK_INT(model_ctx_init(&c, &m, &cp, &err), 0);
    CHECK(c.kv_bytes >= model_kv_bytes(&m.hp, 1000, MODEL_KV_KEEP));
    CHECK(c.bytes > c.kv_bytes);
    int tok[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    CHECK_INT(model_eval(&c, tok, 8, &err), 0);
    float first[MODEL_VOCAB];
    memcpy(first, model_logits(&c, 0), sizeof first);
    CHECK(model_logits(&c, 1) == NULL);
    /* reset and re-run: identical */
    model_ctx_reset(&c);
    CHECK_INT(model_eval(&c, tok, 8, &err), 0);
    CHECK(memcmp(first, model_logits(&c, 0), sizeof first) == 0);
    /* a bad token, an empty call */
    int bad[2] = { 3, 256 };
    CHECK_INT(model_eval(&c, bad, 2, &err), -1);
    CHECK_HAS(err.msg, "vocabulary");
    CHECK_INT(model_eval(&c, bad, 0, &err), -1);
    /* switching the method empties the cache */
    rope_params p = m.rope;
    p.method = ROPE_LINEAR;
    p.factor = 4;
    CHECK_INT(model_ctx_set_rope(&c, &p, &err), 0);
    CHECK_INT(c.n_past, 0);
    CHECK(c.table.pair[1].theta_scaled < c.table.pair[1].theta * 0.26);
    p.head_dim = 32;
    CHECK_INT(model_ctx_set_rope(&c, &p, &err), -1);
    CHECK_HAS(err.msg, "head_dim");
    model_ctx_free(&c);

    /* the cos/sin cache is the table: magnitude·cos(p·θ'_i) (double angles) or, in float32 mode,
     * magnitude·cosf(p·inv_freq_f32) */
    p = m.rope;
    p.method = ROPE_YARN;
    p.factor = 8;
    rope_table t;
    CHECK_INT(rope_table_compute(&p, &t, NULL), 0);
    for (int mode = 0; mode < 2; mode++) {
        model_ctx_params_default(&m, &cp);
        cp.n_ctx = 1000;
        cp.rope = p;
        cp.angles = mode ? MODEL_ANGLES_F32 : MODEL_ANGLES_F64;
        CHECK_INT(model_ctx_init(&c, &m, &cp, &err), 0);
        int many[900];
        for (int i = 0; i < 900; i++) many[i] = i & 255;
        CHECK_INT(model_eval(&c, many, 900, &err), 0);
        int worst = 0;
        for (int pos = 0; pos < 900; pos += 37)
            for (int i = 0; i < t.n_pairs; i++) {
                double want_c, want_s;
                if (mode) {
                    float a = (float)pos * t.pair[i].inv_freq_f32;
                    want_c = (float)t.magnitude * cosf(a);
                    want_s = (float)t.magnitude * sinf(a);
                } else {
                    want_c = t.magnitude * cos(pos * t.pair[i].theta_scaled);
                    want_s = t.magnitude * sin(pos * t.pair[i].theta_scaled);
                }
                worst += fabs(c.rope_cos[pos * c.n_pairs + i] - want_c) > 3e-7 ||
                         fabs(c.rope_sin[pos * c.n_pairs + i] - want_s) > 3e-7;
            }
        CHECK_INT(worst, 0);
        CHECK_INT(c.n_pairs, 8);
        model_ctx_free(&c);
    }
    model_free(&m);
}

/* model_tokenize against ids worked out by hand from llama.cpp's SPM rule (src/llama-vocab.cpp:
 * spaces escaped to U+2581, UTF-8 symbols by lead byte, "▁" = id 32, other symbols as bytes); the
 * first case is llama.cpp's measured tokenization of that string with this vocabulary. */
static void test_tokenize(void)
{
    static const struct { const char *text; int n; int ids[20]; } cases[] = {
        { "Hi there, \xc3\xa9\xe2\x82\xac!", 16,
          { 72, 105, 32, 116, 104, 101, 114, 101, 44, 32, 195, 169, 226, 130, 172, 33 } },
        { "a\xe2\x96\x81" "b", 3, { 97, 32, 98 } },              /* a literal U+2581 is the space token */
        { "\xf0 a", 5, { 0xf0, 0xe2, 0x96, 0x81, 97 } },           /* a space inside a 4-byte symbol */
        { "\xc3 x", 5, { 0xc3, 0xe2, 0x96, 0x81, 120 } },          /* ... inside a 2-byte symbol */
        { "\xe2\x96", 2, { 0xe2, 0x96 } },                         /* a cut mark at the end: bytes */
        { "\x02\x01\x00", 2, { 2, 1 } },                          /* C string: stops at NUL */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const unsigned char *t = (const unsigned char *)cases[c].text;
        size_t n = strlen(cases[c].text);
        int tok[64] = { 0 };
        CHECK(model_tokenize(t, n, NULL) == (size_t)cases[c].n);
        CHECK(model_tokenize(t, n, tok) == (size_t)cases[c].n);
        int same = 1;
        for (int i = 0; i < cases[c].n; i++) same &= tok[i] == cases[c].ids[i];
        CHECK(same);
        if (!same) fprintf(stderr, "test_tokenize: case %zu differs\n", c);
    }
    CHECK(model_tokens_max(5) == 15 && model_tokenize((const unsigned char *)"     ", 5, NULL) == 5);
}

int main(void)
{
    test_tokenize();
    snprintf(dir, sizeof dir, "/tmp/ropescope_model_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    test_plain();
    test_gqa_tied();
    test_scaling();
    test_dynamic();
    test_ctx_misc();
    rmdir(dir);
    return check_done("test_model");
}
