/* tests/unit/test_gguf_rope.c — the one GGUF↔RoPE map (rope_gguf_keys.h, gguf_rope.h): every method GGUF
 * can express survives a model saved to a file and loaded back (the same rope_params and the same
 * rope_table as the original, computed independently from each), every other method is refused with one
 * line naming it, and the map's table is what the reader and the writer walk. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "gguf_rope.h"
#include "model.h"

static model_hparams HP = { MODEL_VOCAB, 32, 1, 2, 2, 16, 48, 256, 1e-5f, 0 };

/* Two tables agree pair by pair (the flavor's float32 inverse frequencies exactly). */
static void same_table(const rope_params *a, const rope_params *b, double tol)
{
    static rope_table ta, tb;
    rope_error err;
    CHECK_INT(rope_table_compute(a, &ta, &err), 0);
    CHECK_INT(rope_table_compute(b, &tb, &err), 0);
    CHECK_INT(ta.method, tb.method);
    CHECK_INT(ta.n_pairs, tb.n_pairs);
    CHECK_NEAR(ta.magnitude, tb.magnitude, tol * ta.magnitude);
    double worst = 0;
    int same_f32 = 1;
    for (int i = 0; i < ta.n_pairs; i++) {
        worst = fmax(worst, fabs(ta.pair[i].theta_scaled - tb.pair[i].theta_scaled) / ta.pair[i].theta_scaled);
        worst = fmax(worst, fabs(ta.pair[i].ramp - tb.pair[i].ramp));
        same_f32 &= ta.pair[i].inv_freq_f32 == tb.pair[i].inv_freq_f32 && ta.pair[i].regime == tb.pair[i].regime;
    }
    CHECK(worst <= 1e-12);
    CHECK(same_f32);
}

/* Every field but the attention factor (compared with a tolerance by the caller). */
static void same_params(const rope_params *a, const rope_params *b)
{
    CHECK_INT(a->method, b->method);
    CHECK_INT(a->flavor, b->flavor);
    CHECK_INT(a->head_dim, b->head_dim);
    CHECK_NEAR(a->partial_rotary, b->partial_rotary, 0);
    CHECK_NEAR(a->base, b->base, 0);
    CHECK_INT(a->orig_ctx, b->orig_ctx);
    CHECK_INT(a->max_pos, b->max_pos);
    CHECK_NEAR(a->factor, b->factor, 0);
    CHECK_NEAR(a->beta_fast, b->beta_fast, 0);
    CHECK_NEAR(a->beta_slow, b->beta_slow, 0);
    CHECK_INT(a->truncate, b->truncate);
    CHECK_NEAR(a->mscale, b->mscale, 0);
    CHECK_NEAR(a->mscale_all_dim, b->mscale_all_dim, 0);
    CHECK_INT(a->has_attention_factor, b->has_attention_factor);
    CHECK_NEAR(a->low_freq_factor, b->low_freq_factor, 0);
    CHECK_NEAR(a->high_freq_factor, b->high_freq_factor, 0);
    CHECK_INT(a->n_factors, b->n_factors);
    CHECK_INT(a->seq_len, b->seq_len);
}

/* Saves a model with rope p, loads it back and compares; attn_tol is the relative tolerance of the
 * attention factor, which GGUF holds as a float32 ratio. */
static void round_trip(const char *dir, const rope_params *p, double attn_tol)
{
    model m, r;
    rope_error err = {{0}};
    CHECK_INT(model_init_random(&m, &HP, 7, &err), 0);
    m.rope = *p;
    char path[256];
    snprintf(path, sizeof path, "%s/rt.gguf", dir);
    CHECK_INT(model_save(&m, path, GGUF_DTYPE_F32, &err), 0);
    if (model_load(&r, path, &err)) {
        CHECK_STR(err.msg, "(loads)");
        model_free(&m);
        return;
    }
    rope_params a = *p, b = r.rope;
    CHECK_NEAR(b.attention_factor, a.attention_factor, attn_tol * fmax(1.0, a.attention_factor));
    CHECK_INT(b.has_attention_factor, a.has_attention_factor);
    same_params(&a, &b);
    same_table(p, &r.rope, attn_tol);
    model_free(&r);
    model_free(&m);
    unlink(path);
}

static rope_params base_params(rope_method method, double factor, int orig)
{
    rope_params p;
    rope_params_init(&p);
    p.method = method;
    p.head_dim = HP.head_dim;
    p.max_pos = HP.ctx_train;
    p.orig_ctx = orig;
    p.factor = factor;
    p.base = 500000.0;
    return p;
}

static void test_round_trips(const char *dir)
{
    rope_params p = base_params(ROPE_NONE, 1, 256);
    round_trip(dir, &p, 0);
    p = base_params(ROPE_NONE, 1, 128);          /* an original context shorter than the file's */
    round_trip(dir, &p, 0);
    p = base_params(ROPE_LINEAR, 4, 256);
    round_trip(dir, &p, 0);
    p = base_params(ROPE_LINEAR, 2.5, 64);
    round_trip(dir, &p, 0);
    p = base_params(ROPE_YARN, 8, 32);
    round_trip(dir, &p, 0);
    p = base_params(ROPE_YARN, 4, 64);           /* every YaRN key: attention factor and both betas */
    p.has_attention_factor = 1;
    p.attention_factor = 1.25;
    p.beta_fast = 16;
    p.beta_slow = 2;
    round_trip(dir, &p, 1e-7);
    p = base_params(ROPE_YARN, 16, 16);          /* betas only */
    p.beta_fast = 64;
    p.beta_slow = 0.5;
    round_trip(dir, &p, 0);
    p = base_params(ROPE_YARN, 40, 4);           /* DeepSeek mscale keys: stored as their magnitude */
    p.mscale = 1.0;
    p.mscale_all_dim = 0.707;
    rope_params q = p;
    {
        model m, r;
        rope_error err = {{0}};
        CHECK_INT(model_init_random(&m, &HP, 7, &err), 0);
        m.rope = p;
        char path[256];
        snprintf(path, sizeof path, "%s/ds.gguf", dir);
        CHECK_INT(model_save(&m, path, GGUF_DTYPE_F32, &err), 0);
        CHECK_INT(model_load(&r, path, &err), 0);
        CHECK_INT(r.rope.has_attention_factor, 1);
        /* HF: get_mscale(s, mscale) / get_mscale(s, mscale_all_dim) */
        double want = (0.1 * 1.0 * log(40.0) + 1) / (0.1 * 0.707 * log(40.0) + 1);
        CHECK_NEAR(r.rope.attention_factor, want, 1e-7 * want);
        q.mscale = q.mscale_all_dim = 0;
        q.has_attention_factor = 1;
        q.attention_factor = want;
        same_table(&q, &r.rope, 1e-7);
        model_free(&r);
        model_free(&m);
        unlink(path);
    }
}

static void test_refusals(void)
{
    static const rope_method no[] = { ROPE_NTK, ROPE_DYNAMIC, ROPE_DYNAMIC_YARN, ROPE_NTK_PARTS, ROPE_LLAMA3,
                                      ROPE_LONGROPE };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        rope_params p = base_params(no[i], 4, 64);
        rope_gguf_keys k;
        rope_error err = {{0}};
        CHECK_INT(rope_gguf_keys_from_params(&p, 256, &k, &err), -1);
        CHECK_HAS(err.msg, rope_method_get(no[i])->name);
        CHECK_HAS(err.msg, "GGUF expresses none, linear and yarn");
        CHECK(strchr(err.msg, '\n') == NULL);
        gguf_file f;
        gguf_init(&f);
        CHECK_INT(gguf_set_rope(&f, "llama", &p, 256, &err), -1);
        CHECK_INT(f.n_kv, 0);
        gguf_free(&f);
    }
}

/* Every key the writer stores is in the table and is read back by the reader; legacy keys are read. */
static void test_table(void)
{
    int n;
    const rope_gguf_key_info *tab = rope_gguf_key_table(&n);
    CHECK(n >= 7);
    rope_params p = base_params(ROPE_YARN, 4, 64);
    p.has_attention_factor = 1;
    p.attention_factor = 1.5;
    p.beta_fast = 8;
    rope_gguf_keys k;
    rope_error err = {{0}};
    CHECK_INT(rope_gguf_keys_from_params(&p, 256, &k, &err), 0);
    int written = 0;
    for (int i = 0; i < n; i++) written += tab[i].written;
    CHECK_INT(k.n, written);                    /* this YaRN uses every written key */
    for (int i = 0; i < k.n; i++) CHECK(rope_gguf_key_find(k.kv[i].info->suffix) == k.kv[i].info);
    /* legacy rope.scale_linear without rope.scaling.factor: a linear factor (llama.cpp's fallback) */
    gguf_file f;
    gguf_init(&f);
    gguf_set_f32(&f, "llama.rope.freq_base", 10000.0f);
    gguf_set_f32(&f, "llama.rope.scale_linear", 2.0f);
    rope_params r;
    rope_params_init(&r);
    CHECK_INT(gguf_get_rope(&f, "llama", &r, &err), 0);
    CHECK_INT(r.method, ROPE_LINEAR);
    CHECK_NEAR(r.factor, 2.0, 0);
    gguf_free(&f);
}

int main(void)
{
    char dir[] = "/tmp/ropescope_grope_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_round_trips(dir);
    test_refusals();
    test_table();
    rmdir(dir);
    return check_done("test_gguf_rope");
}
