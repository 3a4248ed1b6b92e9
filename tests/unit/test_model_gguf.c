/* tests/unit/test_model_gguf.c — the model file as llama.cpp expects it (GGUF spec in ggml
 * docs/gguf.md, llama.cpp src/llama-vocab.cpp: strict key types, byte-vocabulary SPM tokens, the exact tensor set in ggml ne order), the
 * metadata → rope_params mapping, F16/Q8_0 saving, and every kind of bad model input giving one
 * clear error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "model.h"

static model_hparams HP = { MODEL_VOCAB, 64, 2, 4, 2, 16, 96, 128, 1e-5f, 0 };

static void test_layout(void)
{
    model m;
    rope_error err = {{0}};
    CHECK_INT(model_init_random(&m, &HP, 1, &err), 0);
    gguf_file f;
    gguf_init(&f);
    void *scratch;
    CHECK_INT(model_to_gguf(&m, &f, GGUF_DTYPE_F32, &scratch, &err), 0);
    uint32_t u;
    float x;
    int b;
    const char *s;
    CHECK_INT(gguf_get_str(&f, "general.architecture", &s, &err), 1);
    CHECK_STR(s, "llama");
    CHECK_INT(gguf_get_u32(&f, "llama.context_length", &u, &err), 1); CHECK_INT(u, 128);
    CHECK_INT(gguf_get_u32(&f, "llama.embedding_length", &u, &err), 1); CHECK_INT(u, 64);
    CHECK_INT(gguf_get_u32(&f, "llama.block_count", &u, &err), 1); CHECK_INT(u, 2);
    CHECK_INT(gguf_get_u32(&f, "llama.feed_forward_length", &u, &err), 1); CHECK_INT(u, 96);
    CHECK_INT(gguf_get_u32(&f, "llama.attention.head_count", &u, &err), 1); CHECK_INT(u, 4);
    CHECK_INT(gguf_get_u32(&f, "llama.attention.head_count_kv", &u, &err), 1); CHECK_INT(u, 2);
    CHECK_INT(gguf_get_u32(&f, "llama.rope.dimension_count", &u, &err), 1); CHECK_INT(u, 16);
    CHECK_INT(gguf_get_f32(&f, "llama.attention.layer_norm_rms_epsilon", &x, &err), 1); CHECK_NEAR(x, 1e-5, 1e-12);
    CHECK_INT(gguf_get_f32(&f, "llama.rope.freq_base", &x, &err), 1); CHECK_NEAR(x, 10000, 0);
    CHECK_INT(gguf_get_str(&f, "tokenizer.ggml.model", &s, &err), 1); CHECK_STR(s, "llama");
    CHECK_INT(gguf_get_bool(&f, "tokenizer.ggml.add_space_prefix", &b, &err), 1); CHECK_INT(b, 0);
    CHECK_INT(gguf_get_bool(&f, "tokenizer.ggml.add_bos_token", &b, &err), 1); CHECK_INT(b, 0);
    CHECK_INT(gguf_get_bool(&f, "tokenizer.ggml.add_eos_token", &b, &err), 1); CHECK_INT(b, 0);
    CHECK_INT(gguf_get_u32(&f, "tokenizer.ggml.bos_token_id", &u, &err), 1); CHECK_INT(u, 1);
    CHECK_INT(gguf_get_u32(&f, "tokenizer.ggml.eos_token_id", &u, &err), 1); CHECK_INT(u, 2);
    CHECK(gguf_get(&f, "llama.rope.scaling.type") == NULL);
    uint64_t n;
    const void *d;
    CHECK_INT(gguf_get_arr(&f, "tokenizer.ggml.tokens", GGUF_TYPE_STRING, &n, &d, &err), 1);
    CHECK_INT(n, 256);
    const gguf_str *tok = d;
    CHECK_STR(tok[0x20].s, "\xe2\x96\x81");
    CHECK_STR(tok[0x41].s, "<0x41>");
    CHECK_STR(tok[0xab].s, "<0xAB>");
    CHECK_STR(tok[0].s, "<0x00>");
    CHECK_INT(gguf_get_arr(&f, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, &n, &d, &err), 1);
    CHECK(n == 256 && ((const int32_t *)d)[0x20] == 1 && ((const int32_t *)d)[0x21] == 6 && ((const int32_t *)d)[0] == 6);
    CHECK_INT(gguf_get_arr(&f, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, &n, &d, &err), 1);
    CHECK_INT(n, 256);
    /* the exact tensor set: 2 + output + 9 per layer, ggml ne order */
    CHECK_INT(f.n_tensors, 3 + 9 * 2);
    int i = gguf_find_tensor(&f, "blk.1.attn_k.weight");
    CHECK(i >= 0 && f.tensors[i].ne[0] == 64 && f.tensors[i].ne[1] == 32);
    i = gguf_find_tensor(&f, "blk.0.attn_output.weight");
    CHECK(i >= 0 && f.tensors[i].ne[0] == 64 && f.tensors[i].ne[1] == 64);
    i = gguf_find_tensor(&f, "blk.0.ffn_down.weight");
    CHECK(i >= 0 && f.tensors[i].ne[0] == 96 && f.tensors[i].ne[1] == 64);
    i = gguf_find_tensor(&f, "blk.0.ffn_gate.weight");
    CHECK(i >= 0 && f.tensors[i].ne[0] == 64 && f.tensors[i].ne[1] == 96);
    i = gguf_find_tensor(&f, "token_embd.weight");
    CHECK(i >= 0 && f.tensors[i].ne[0] == 64 && f.tensors[i].ne[1] == 256);
    /* row t of token_embd is the embedding of token t: element (t=3, j=5) */
    CHECK_NEAR(((const float *)f.tensors[i].data)[3 * 64 + 5], m.tok_embd[3 * 64 + 5], 0);
    i = gguf_find_tensor(&f, "blk.1.ffn_norm.weight");
    CHECK(i >= 0 && f.tensors[i].n_dims == 1 && f.tensors[i].type == GGUF_DTYPE_F32);
    CHECK(gguf_find_tensor(&f, "output.weight") >= 0);
    gguf_free(&f);
    free(scratch);

    /* rope scaling keys: yarn → type, factor, original context; read back as the method */
    m.rope.method = ROPE_YARN;
    m.rope.factor = 4;
    m.rope.orig_ctx = 32;
    gguf_init(&f);
    CHECK_INT(model_to_gguf(&m, &f, GGUF_DTYPE_F32, &scratch, &err), 0);
    CHECK_INT(gguf_get_str(&f, "llama.rope.scaling.type", &s, &err), 1); CHECK_STR(s, "yarn");
    CHECK_INT(gguf_get_f32(&f, "llama.rope.scaling.factor", &x, &err), 1); CHECK_NEAR(x, 4, 0);
    CHECK_INT(gguf_get_u32(&f, "llama.rope.scaling.original_context_length", &u, &err), 1); CHECK_INT(u, 32);
    rope_params p;
    CHECK_INT(model_rope_from_gguf(&f, &m.hp, &p, &err), 0);
    CHECK_INT(p.method, ROPE_YARN);
    CHECK_NEAR(p.factor, 4, 0);
    CHECK_INT(p.orig_ctx, 32);
    CHECK_INT(p.max_pos, 128);
    CHECK_INT(p.head_dim, 16);
    /* llama.cpp semantics: linear with factor 1 is plain RoPE; attn_factor with yarn scales the magnitude */
    gguf_set_str(&f, "llama.rope.scaling.type", "linear");
    gguf_set_f32(&f, "llama.rope.scaling.factor", 1.0f);
    CHECK_INT(model_rope_from_gguf(&f, &m.hp, &p, &err), 0);
    CHECK_INT(p.method, ROPE_NONE);
    gguf_set_f32(&f, "llama.rope.scaling.factor", 8.0f);
    CHECK_INT(model_rope_from_gguf(&f, &m.hp, &p, &err), 0);
    CHECK_INT(p.method, ROPE_LINEAR);
    CHECK_NEAR(p.factor, 8, 0);
    gguf_set_str(&f, "llama.rope.scaling.type", "yarn");
    gguf_set_f32(&f, "llama.rope.scaling.attn_factor", 0.5f);
    CHECK_INT(model_rope_from_gguf(&f, &m.hp, &p, &err), 0);
    rope_table t;
    CHECK_INT(rope_table_compute(&p, &t, &err), 0);
    CHECK_NEAR(t.magnitude, 0.5 * (1 + 0.1 * log(8.0)), 1e-6);
    gguf_set_str(&f, "llama.rope.scaling.type", "longrope");
    CHECK_INT(model_rope_from_gguf(&f, &m.hp, &p, &err), -1);
    CHECK_HAS(err.msg, "longrope");
    gguf_set_u32(&f, "llama.rope.freq_base", 10000);          /* wrong type */
    CHECK_INT(model_rope_from_gguf(&f, &m.hp, &p, &err), -1);
    CHECK_HAS(err.msg, "freq_base");
    gguf_free(&f);
    free(scratch);
    /* methods llama.cpp cannot store */
    m.rope.method = ROPE_DYNAMIC;
    gguf_init(&f);
    CHECK_INT(model_to_gguf(&m, &f, GGUF_DTYPE_F32, &scratch, &err), -1);
    CHECK_HAS(err.msg, "cannot be stored");
    gguf_free(&f);
    free(scratch);
    model_free(&m);
}

static void test_types(const char *dir)
{
    model m, r;
    rope_error err = {{0}};
    model_hparams hp = HP;
    hp.tied = 1;
    CHECK_INT(model_init_random(&m, &hp, 2, &err), 0);
    char path[128];
    snprintf(path, sizeof path, "%s/t.gguf", dir);
    /* F16: every weight comes back as its f16 rounding */
    CHECK_INT(model_save(&m, path, GGUF_DTYPE_F16, &err), 0);
    CHECK_INT(model_load(&r, path, &err), 0);
    CHECK_INT(r.hp.tied, 1);
    int bad = 0;
    for (int i = 0; i < 64 * 96; i++) bad += r.layer[1].w_up[i] != gguf_f16_to_f32(gguf_f32_to_f16(m.layer[1].w_up[i]));
    CHECK_INT(bad, 0);
    CHECK_NEAR(r.layer[0].attn_norm[3], m.layer[0].attn_norm[3], 0);   /* gains stay F32 */
    model_free(&r);
    /* Q8_0: within half a quantization step of each 32-block's max/127 */
    CHECK_INT(model_save(&m, path, GGUF_DTYPE_Q8_0, &err), 0);
    CHECK_INT(model_load(&r, path, &err), 0);
    double worst = 0;
    for (int blk = 0; blk < 64 * 96 / 32; blk++) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(m.layer[0].w_gate[blk * 32 + j]));
        for (int j = 0; j < 32; j++)
            worst = fmax(worst, fabs(r.layer[0].w_gate[blk * 32 + j] - m.layer[0].w_gate[blk * 32 + j]) / (amax / 127));
    }
    CHECK(worst <= 0.5 + 127.0 / 2048 + 1e-3);   /* d itself is rounded to f16: 127·d·2^-11 more */
    model_free(&r);
    unlink(path);
    model_free(&m);
}

/* Saves m after `edit` changes its GGUF, and expects model_load to fail with `want`. */
typedef void (*edit_fn)(gguf_file *f);
static void expect_load_error(const model *m, const char *dir, edit_fn edit, const char *want)
{
    rope_error err = {{0}};
    gguf_file f;
    gguf_init(&f);
    void *scratch;
    CHECK_INT(model_to_gguf(m, &f, GGUF_DTYPE_F32, &scratch, &err), 0);
    edit(&f);
    char path[128];
    snprintf(path, sizeof path, "%s/bad.gguf", dir);
    CHECK_INT(gguf_write(&f, path, &err), 0);
    gguf_free(&f);
    free(scratch);
    model r;
    int rc = model_load(&r, path, &err);
    CHECK_INT(rc, -1);
    if (rc == 0) model_free(&r);
    CHECK_HAS(err.msg, want);
    if (!strstr(err.msg, want)) fprintf(stderr, "  got: %s\n", err.msg);
    CHECK_HAS(err.msg, "bad.gguf");
    CHECK(strchr(err.msg, '\n') == NULL);
    unlink(path);
}

static float extra_data[64];
static void e_arch(gguf_file *f) { gguf_set_str(f, "general.architecture", "gpt2"); }
static void e_nokey(gguf_file *f) { f->kv[gguf_find_key(f, "llama.block_count")].key[0] = 'X'; }
static void e_keytype(gguf_file *f) { gguf_set_i32(f, "llama.embedding_length", 64); }
static void e_missing(gguf_file *f)
{
    int i = gguf_find_tensor(f, "blk.1.ffn_up.weight");
    f->tensors[i] = f->tensors[--f->n_tensors];
}
static void e_extra(gguf_file *f)
{
    int64_t ne[1] = { 64 };
    gguf_add_tensor(f, "blk.0.attn_q.bias", GGUF_DTYPE_F32, 1, ne, extra_data, NULL);
}
static void e_shape(gguf_file *f)
{
    int i = gguf_find_tensor(f, "blk.0.attn_v.weight");
    f->tensors[i].ne[1] = 16;
    f->tensors[i].nbytes /= 2;
}
static void e_rot(gguf_file *f) { gguf_set_u32(f, "llama.rope.dimension_count", 8); }
static void e_kv(gguf_file *f) { gguf_set_u32(f, "llama.attention.head_count_kv", 3); }
static void e_vocab(gguf_file *f)
{
    int i = gguf_find_tensor(f, "token_embd.weight");
    f->tensors[i].ne[1] = 128;
    f->tensors[i].nbytes /= 2;
    i = gguf_find_tensor(f, "output.weight");
    f->tensors[i].ne[1] = 128;
    f->tensors[i].nbytes /= 2;
    gguf_set_u32(f, "llama.vocab_size", 128);
    const char *t[1] = { "a" };
    gguf_set_arr_str(f, "tokenizer.ggml.tokens", t, 0);
    (void)t;
    f->kv[gguf_find_key(f, "tokenizer.ggml.tokens")].key[0] = 'X';
}

static void test_bad(const char *dir)
{
    model m;
    rope_error err = {{0}};
    CHECK_INT(model_init_random(&m, &HP, 3, &err), 0);
    expect_load_error(&m, dir, e_arch, "architecture is 'gpt2'");
    expect_load_error(&m, dir, e_nokey, "llama.block_count is missing");
    expect_load_error(&m, dir, e_keytype, "llama.embedding_length has type i32, expected u32");
    expect_load_error(&m, dir, e_missing, "'blk.1.ffn_up.weight' is missing");
    expect_load_error(&m, dir, e_extra, "unexpected tensor 'blk.0.attn_q.bias'");
    expect_load_error(&m, dir, e_shape, "'blk.0.attn_v.weight' has the wrong shape [64, 16], want [64, 32]");
    expect_load_error(&m, dir, e_rot, "dimension_count");
    expect_load_error(&m, dir, e_kv, "head_count_kv 3");
    expect_load_error(&m, dir, e_vocab, "256");

    /* an unsupported tensor type: patch token_embd's type field in the file bytes to Q4_0 */
    char path[128];
    snprintf(path, sizeof path, "%s/q4.gguf", dir);
    CHECK_INT(model_save(&m, path, GGUF_DTYPE_F32, &err), 0);
    FILE *fp = fopen(path, "r+b");
    static uint8_t buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, fp);
    size_t at = 0;
    for (size_t i = 0; i + 17 < n; i++)
        if (memcmp(buf + i, "token_embd.weight", 17) == 0) at = i + 17;
    CHECK(at > 0);
    /* n_dims u32, ne0, ne1, then the type */
    uint32_t q4 = 2;
    fseek(fp, (long)(at + 4 + 16), SEEK_SET);
    fwrite(&q4, 4, 1, fp);
    fclose(fp);
    model r;
    CHECK_INT(model_load(&r, path, &err), -1);
    CHECK_HAS(err.msg, "Q4_0");
    CHECK_HAS(err.msg, "not supported");
    unlink(path);
    CHECK_INT(model_load(&r, "/nonexistent/x.gguf", &err), -1);
    CHECK_HAS(err.msg, "/nonexistent/x.gguf");

    /* a context that does not fit, a prompt longer than the context */
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = 1 << 20;
    cp.mem_limit = 64u << 20;
    model_ctx c;
    CHECK_INT(model_ctx_init(&c, &m, &cp, &err), -1);
    CHECK_HAS(err.msg, "use a smaller --ctx");
    cp.n_ctx = 16;
    cp.mem_limit = 0;
    CHECK_INT(model_ctx_init(&c, &m, &cp, &err), 0);
    int tok[20] = {0};
    CHECK_INT(model_eval(&c, tok, 17, &err), -1);
    CHECK_HAS(err.msg, "exceed the context of 16");
    CHECK_INT(c.n_past, 0);
    CHECK_INT(model_eval(&c, tok, 10, &err), 0);
    CHECK_INT(model_eval(&c, tok, 7, &err), -1);
    CHECK_INT(c.n_past, 10);
    model_ctx_free(&c);
    cp.n_threads = 0;
    CHECK_INT(model_ctx_init(&c, &m, &cp, &err), -1);
    CHECK_HAS(err.msg, "threads");
    cp.n_threads = 2;
    cp.rope.factor = 0.5;
    cp.rope.method = ROPE_LINEAR;
    CHECK_INT(model_ctx_init(&c, &m, &cp, &err), -1);
    CHECK_HAS(err.msg, "factor");
    model_free(&m);
}

int main(void)
{
    char dir[] = "/tmp/ropescope_mgguf_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_layout();
    test_types(dir);
    test_bad(dir);
    rmdir(dir);
    return check_done("test_model_gguf");
}
