/* tests/unit/test_export.c — exports: the Hugging Face JSON (both spellings) reads back to the same
 * parameters for every preset and method, and the vLLM / llama.cpp / GGUF outputs carry values
 * derived by hand from the published configs and the closed forms in transformers' modeling_rope_utils.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "check.h"
#include "rope_config.h"
#include "rope_reason.h"

static rope_config a, b; /* big: static */
static rope_table ta, tb;

static int params_equal(const rope_params *x, const rope_params *y)
{
    int same = x->method == y->method && x->flavor == y->flavor && x->head_dim == y->head_dim &&
               x->partial_rotary == y->partial_rotary && x->base == y->base && x->orig_ctx == y->orig_ctx &&
               x->max_pos == y->max_pos && x->factor == y->factor && x->beta_fast == y->beta_fast &&
               x->beta_slow == y->beta_slow && x->truncate == y->truncate && x->mscale == y->mscale &&
               x->mscale_all_dim == y->mscale_all_dim && x->has_attention_factor == y->has_attention_factor &&
               x->attention_factor == y->attention_factor && x->low_freq_factor == y->low_freq_factor &&
               x->high_freq_factor == y->high_freq_factor && x->n_factors == y->n_factors && x->seq_len == y->seq_len;
    for (int i = 0; same && i < x->n_factors; i++)
        same = x->short_factor[i] == y->short_factor[i] && x->long_factor[i] == y->long_factor[i];
    return same;
}

/* θ' and magnitude of two parameter sets agree exactly. */
static int tables_equal(const rope_params *x, const rope_params *y)
{
    rope_error err;
    if (rope_table_compute(x, &ta, &err) || rope_table_compute(y, &tb, &err) || ta.n_pairs != tb.n_pairs)
        return 0;
    for (int i = 0; i < ta.n_pairs; i++)
        if (ta.pair[i].theta_scaled != tb.pair[i].theta_scaled || ta.pair[i].inv_freq_f32 != tb.pair[i].inv_freq_f32)
            return 0;
    return ta.magnitude == tb.magnitude;
}

/* Exports c in format f and parses the result into out. */
static int round_trip(const rope_config *c, rope_export_format f, rope_config *out)
{
    rope_buf buf = { 0 };
    rope_error err = { "" };
    int rc = rope_export(c, f, 0, &buf, NULL, &err);
    if (rc == 0)
        rc = rope_config_parse(buf.data, buf.len, "export", out, &err);
    if (rc)
        fprintf(stderr, "round trip (%s): %s\n%s\n", rope_export_name(f), err.msg, buf.data ? buf.data : "");
    rope_buf_free(&buf);
    return rc;
}

static char *export_text(const rope_config *c, rope_export_format f, int ctx, rope_notes *notes)
{
    rope_buf buf = { 0 };
    rope_error err = { "" };
    if (rope_export(c, f, ctx, &buf, notes, &err)) {
        fprintf(stderr, "export: %s\n", err.msg);
        CHECK(0);
        return strdup("");
    }
    return buf.data; /* caller frees */
}

static int notes_have(const rope_notes *n, const char *needle)
{
    for (int k = 0; k < n->n; k++)
        if (strstr(n->line[k], needle))
            return 1;
    return 0;
}

/* --- round trips ------------------------------------------------------------------------------------- */

static void test_preset_round_trips(void)
{
    rope_error err;
    for (int i = 0; i < rope_preset_count(); i++) {
        const char *name = rope_preset_name(i);
        for (int f = ROPE_EXPORT_HF; f <= ROPE_EXPORT_HF_V5; f++) {
            CHECK(rope_preset_load(name, &a, &err) == 0);
            if (round_trip(&a, (rope_export_format)f, &b)) {
                CHECK(0);
                continue;
            }
            if (strcmp(name, "qwen2.5-7b-instruct-yarn") == 0 || strcmp(name, "qwen3-8b-yarn") == 0) {
                /* the YaRN presets whose max_position_embeddings is below s·L: raised to 4 x 32768 */
                CHECK_INT(b.params.max_pos, 131072);
                b.params.max_pos = a.params.max_pos;
            }
            if (!params_equal(&a.params, &b.params))
                fprintf(stderr, "preset %s (%s) does not round-trip\n", name, rope_export_name(f));
            CHECK(params_equal(&a.params, &b.params));
            CHECK(tables_equal(&a.params, &b.params));
            CHECK_INT(b.raw.scaling_v5, f == ROPE_EXPORT_HF_V5);
        }
    }
}

/* A config as the CLI builds it: no file, orig 512, max_pos 512. */
static void cli_config(rope_config *c, rope_method m)
{
    rope_config_init(c);
    c->params.method = m;
    if (m != ROPE_NONE) /* dynamic YaRN: the factor its static export uses */
        c->params.factor = 4.0;
    if (m == ROPE_YARN || m == ROPE_NTK_PARTS || m == ROPE_DYNAMIC_YARN) { /* only what the method reads */
        c->params.beta_fast = 24.0;
        c->params.beta_slow = 2.0;
    }
    if (m == ROPE_LONGROPE) {
        c->params.n_factors = 32;
        for (int i = 0; i < 32; i++) {
            c->params.short_factor[i] = 1.0 + i / 64.0;
            c->params.long_factor[i] = 1.0 + i / 8.0;
        }
    }
}

static void test_method_round_trips(void)
{
    for (int f = ROPE_EXPORT_HF; f <= ROPE_EXPORT_HF_V5; f++) {
        for (int m = 0; m < ROPE_METHOD_COUNT; m++) {
            cli_config(&a, (rope_method)m);
            if (round_trip(&a, (rope_export_format)f, &b)) {
                CHECK(0);
                continue;
            }
            rope_params want = a.params;
            switch (m) {
            case ROPE_NONE:
            case ROPE_DYNAMIC:
                break; /* max_pos stays 512 (dynamic: it is HF's L) */
            case ROPE_NTK:
                /* no HF type: plain RoPE with b' = b·s^(d/(d−2)) baked in */
                want.method = ROPE_NONE;
                want.base = 10000.0 * pow(4.0, 64.0 / 62.0);
                want.factor = 1.0;
                want.beta_fast = 32.0; /* plain RoPE carries no betas: the defaults come back */
                want.beta_slow = 1.0;
                want.max_pos = 2048;   /* s·L, the context NTK-aware scaling reaches */
                CHECK_REL(b.params.base, want.base, 1e-15);
                want.base = b.params.base;
                break;
            case ROPE_NTK_PARTS:
                want.method = ROPE_YARN; /* yarn with attention_factor 1 */
                want.has_attention_factor = 1;
                want.attention_factor = 1.0;
                want.max_pos = 2048;
                break;
            case ROPE_DYNAMIC_YARN:
                want.method = ROPE_YARN; /* static at its factor */
                want.max_pos = 2048;
                break;
            default:
                want.max_pos = 2048; /* s·L = 4 x 512 */
                break;
            }
            if (!params_equal(&want, &b.params))
                fprintf(stderr, "method %s (%s) does not round-trip\n", rope_method_get(m)->name,
                        rope_export_name(f));
            CHECK(params_equal(&want, &b.params));
            if (m != ROPE_DYNAMIC_YARN) /* dynamic YaRN at start-up is s = 1; the export is static */
                CHECK(tables_equal(&a.params, &b.params) || m == ROPE_NTK);
        }
    }
    /* NTK: the same frequencies as plain RoPE with the baked base (double-precision θ') */
    cli_config(&a, ROPE_NTK);
    CHECK(round_trip(&a, ROPE_EXPORT_HF, &b) == 0);
    rope_error err;
    CHECK(rope_table_compute(&a.params, &ta, &err) == 0 && rope_table_compute(&b.params, &tb, &err) == 0);
    for (int i = 0; i < ta.n_pairs; i++)
        CHECK_REL(tb.pair[i].theta_scaled, ta.pair[i].theta_scaled, 1e-13);
    /* NTK-by-parts: magnitude exactly 1 after the trip */
    cli_config(&a, ROPE_NTK_PARTS);
    CHECK(round_trip(&a, ROPE_EXPORT_HF_V5, &b) == 0);
    CHECK(rope_table_compute(&b.params, &tb, &err) == 0);
    CHECK_NEAR(tb.magnitude, 1.0, 0);
    /* beta 0 and partial rotary survive; a DeepSeek-style qk_rope_head_dim is written back as such */
    cli_config(&a, ROPE_YARN);
    a.params.beta_fast = 0.0;
    a.params.partial_rotary = 0.5;
    for (int f = ROPE_EXPORT_HF; f <= ROPE_EXPORT_HF_V5; f++) {
        CHECK(round_trip(&a, (rope_export_format)f, &b) == 0);
        CHECK_NEAR(b.params.beta_fast, 0.0, 0);
        CHECK_NEAR(b.params.partial_rotary, 0.5, 0);
    }
    CHECK(rope_preset_load("deepseek-v3", &a, &err) == 0);
    char *t = export_text(&a, ROPE_EXPORT_HF, 0, NULL);
    CHECK_HAS(t, "\"qk_rope_head_dim\": 64");
    free(t);
}

/* --- target formats ---------------------------------------------------------------------------------- */

static void test_vllm(void)
{
    rope_error err;
    rope_notes notes = { 0 };
    CHECK(rope_preset_load("qwen2.5-7b-instruct-yarn", &a, &err) == 0);
    char *t = export_text(&a, ROPE_EXPORT_VLLM, 0, &notes);
    const char *head = "vllm serve Qwen/Qwen2.5-7B-Instruct --hf-overrides '";
    CHECK(strncmp(t, head, strlen(head)) == 0);
    CHECK_HAS(t, "' --max-model-len 131072\n");
    char *js = t + strlen(head), *end = strchr(js, '\'');
    CHECK(end != NULL);
    if (end) {
        cJSON *o = cJSON_ParseWithLength(js, (size_t)(end - js));
        const cJSON *rs = cJSON_GetObjectItemCaseSensitive(o, "rope_scaling");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rs, "rope_type")), "yarn");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rs, "type")), "yarn");
        CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rs, "factor")), 4.0, 0);
        CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rs, "original_max_position_embeddings")),
                   32768, 0);
        CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "rope_theta")), 1e6, 0);
        cJSON_Delete(o);
    }
    free(t);

    /* plain yarn with an explicit attention_factor: vLLM's get_rope drops it */
    notes.n = 0;
    cli_config(&a, ROPE_YARN);
    a.params.has_attention_factor = 1;
    a.params.attention_factor = 1.5;
    free(export_text(&a, ROPE_EXPORT_VLLM, 0, &notes));
    CHECK(notes_have(&notes, "drops attention_factor"));
    /* DeepSeek goes to deepseek_yarn */
    notes.n = 0;
    CHECK(rope_preset_load("deepseek-v3", &a, &err) == 0);
    free(export_text(&a, ROPE_EXPORT_VLLM, 0, &notes));
    CHECK(notes_have(&notes, "deepseek_yarn"));
    CHECK(!notes_have(&notes, "drops attention_factor"));
    /* dynamic NTK is static in vLLM; before PR #41277 b·(s²−s+1)^(d/(d−2)) */
    notes.n = 0;
    cli_config(&a, ROPE_DYNAMIC);
    t = export_text(&a, ROPE_EXPORT_VLLM, 0, &notes);
    CHECK_HAS(t, "--max-model-len 2048\n"); /* s x max_position_embeddings */
    free(t);
    CHECK(notes_have(&notes, "static"));
    char want[64];
    snprintf(want, sizeof want, "%.6g", 10000.0 * pow(13.0, 64.0 / 62.0));
    CHECK(notes_have(&notes, want));
    /* LongRoPE: long factors for every position when max_model_len > L */
    notes.n = 0;
    CHECK(rope_preset_load("phi-3-mini-128k", &a, &err) == 0);
    free(export_text(&a, ROPE_EXPORT_VLLM, 0, &notes));
    CHECK(notes_have(&notes, "long factors for every position"));
}

static double flag_value(const char *text, const char *flag)
{
    const char *p = strstr(text, flag);
    return p ? strtod(p + strlen(flag), NULL) : -1.0;
}

static void test_llamacpp(void)
{
    rope_error err;
    rope_notes notes = { 0 };
    CHECK(rope_preset_load("qwen2.5-7b-instruct-yarn", &a, &err) == 0);
    char *t = export_text(&a, ROPE_EXPORT_LLAMACPP, 0, &notes);
    CHECK_STR(t, "--rope-scaling yarn --rope-scale 4 --yarn-orig-ctx 32768 --yarn-beta-fast 32 --yarn-beta-slow 1 "
                 "--rope-freq-base 1000000 -c 131072\n");
    free(t);
    /* gpt-oss: truncate:false cannot be expressed; pairs 9..17 differ by up to 76 % (transformers _compute_yarn_parameters, truncate) */
    notes.n = 0;
    CHECK(rope_preset_load("gpt-oss-20b", &a, &err) == 0);
    free(export_text(&a, ROPE_EXPORT_LLAMACPP, 0, &notes));
    CHECK(notes_have(&notes, "pairs 9-17"));
    CHECK(notes_have(&notes, "76%"));
    int first, last;
    double rel;
    CHECK(rope_config_truncate_effect(&a.params, &first, &last, &rel) == 0);
    CHECK_INT(first, 9);
    CHECK_INT(last, 17);
    CHECK_NEAR(rel, 0.76, 0.005);
    /* linear */
    cli_config(&a, ROPE_LINEAR);
    t = export_text(&a, ROPE_EXPORT_LLAMACPP, 0, NULL);
    CHECK_STR(t, "--rope-scaling linear --rope-scale 4 --rope-freq-base 10000 -c 2048\n");
    free(t);
    /* dynamic NTK baked at -c: Llama-2 s = 8 at 8192 gives b' = 10000·9^(64/63) (transformers _compute_dynamic_ntk_parameters) */
    notes.n = 0;
    CHECK(rope_preset_load("llama-2-7b", &a, &err) == 0);
    a.params.method = ROPE_DYNAMIC;
    a.params.factor = 8.0;
    t = export_text(&a, ROPE_EXPORT_LLAMACPP, 8192, &notes);
    CHECK_REL(flag_value(t, "--rope-freq-base "), 10000.0 * pow(9.0, 64.0 / 63.0), 1e-14);
    CHECK_HAS(t, "-c 8192\n");
    CHECK(notes_have(&notes, "no dynamic NTK"));
    free(t);
    t = export_text(&a, ROPE_EXPORT_LLAMACPP, 32768, NULL);
    CHECK_REL(flag_value(t, "--rope-freq-base "), 10000.0 * pow(57.0, 64.0 / 63.0), 1e-14);
    free(t);
    /* NTK-aware: b·s^(d/(d−2)); for d = 128, s = 2 the YaRN paper's "NTK θ=20k" row is 20221 */
    a.params.method = ROPE_NTK;
    a.params.factor = 2.0;
    t = export_text(&a, ROPE_EXPORT_LLAMACPP, 0, NULL);
    CHECK_NEAR(flag_value(t, "--rope-freq-base "), 20221, 0.5);
    free(t);
    /* an explicit magnitude: not expressible by flags, the note says what to put in the GGUF */
    notes.n = 0;
    cli_config(&a, ROPE_YARN);
    a.params.has_attention_factor = 1;
    a.params.attention_factor = 1.0;
    free(export_text(&a, ROPE_EXPORT_LLAMACPP, 0, &notes));
    CHECK(notes_have(&notes, "recomputes the cos/sin magnitude"));
    /* llama3 needs the rope_freqs tensor */
    notes.n = 0;
    CHECK(rope_preset_load("llama-3.1-8b", &a, &err) == 0);
    free(export_text(&a, ROPE_EXPORT_LLAMACPP, 0, &notes));
    CHECK(notes_have(&notes, "rope_freqs"));
}

/* The values after "tensor NAME f32[n] =" */
static int tensor_values(const char *text, const char *name, double *out, int max)
{
    const char *p = strstr(text, name);
    if (!p || !(p = strchr(p, '=')))
        return -1;
    int n = 0;
    char *end;
    for (p++; n < max; n++) {
        double v = strtod(p, &end);
        if (end == p)
            break;
        out[n] = v;
        p = end;
    }
    return n;
}

static double key_value(const char *text, const char *key, const char *type)
{
    const char *p = strstr(text, key);
    if (!p)
        return -1.0;
    p += strlen(key);
    while (*p == ' ')
        p++;
    if (strncmp(p, type, strlen(type)) != 0)
        return -2.0;
    return strtod(p + strlen(type), NULL);
}

static void test_gguf(void)
{
    rope_error err;
    rope_notes notes = { 0 };
    double v[64];
    /* llama3: the rope_freqs divisors from Meta's rule, computed here independently */
    CHECK(rope_preset_load("llama-3.1-8b", &a, &err) == 0);
    char *t = export_text(&a, ROPE_EXPORT_GGUF, 0, &notes);
    CHECK_NEAR(key_value(t, "llama.rope.freq_base", "f32"), 500000, 0);
    CHECK_NEAR(key_value(t, "llama.rope.dimension_count", "u32"), 128, 0);
    CHECK_INT(tensor_values(t, "rope_freqs.weight f32[64]", v, 64), 64);
    for (int i = 0; i < 64; i++) {
        double wl = 2.0 * M_PI * pow(500000.0, 2.0 * i / 128.0), want;
        if (wl < 8192.0 / 4.0)
            want = 1.0;
        else if (wl > 8192.0)
            want = 8.0;
        else {
            double sm = (8192.0 / wl - 1.0) / 3.0;
            want = 1.0 / ((1.0 - sm) / 8.0 + sm);
        }
        CHECK_REL(v[i], want, 1e-6);
    }
    CHECK(notes_have(&notes, "rope_freqs"));
    free(t);
    /* LongRoPE: attn_factor sqrt(1 + ln 32 / ln 4096) = 1.190238, both lists as tensors */
    CHECK(rope_preset_load("phi-3-mini-128k", &a, &err) == 0);
    t = export_text(&a, ROPE_EXPORT_GGUF, 0, NULL);
    CHECK_NEAR(key_value(t, "llama.rope.scaling.attn_factor", "f32"), 1.190238, 1e-6);
    CHECK_INT(tensor_values(t, "rope_factors_long.weight f32[48]", v, 64), 48);
    CHECK_NEAR(v[47], a.params.long_factor[47], 1e-5);
    CHECK_INT(tensor_values(t, "rope_factors_short.weight f32[48]", v, 64), 48);
    free(t);
    /* YaRN: type, factor, original; NTK-by-parts needs attn_factor 1/(1 + 0.1 ln s) for magnitude 1 */
    CHECK(rope_preset_load("qwen2.5-7b-instruct-yarn", &a, &err) == 0);
    t = export_text(&a, ROPE_EXPORT_GGUF, 0, NULL);
    CHECK_HAS(t, "llama.rope.scaling.type");
    CHECK_HAS(t, "string yarn");
    CHECK_NEAR(key_value(t, "llama.rope.scaling.factor", "f32"), 4, 0);
    CHECK_NEAR(key_value(t, "llama.rope.scaling.original_context_length", "u32"), 32768, 0);
    CHECK_NEAR(key_value(t, "llama.context_length", "u32"), 131072, 0);
    CHECK(strstr(t, "attn_factor") == NULL); /* llama.cpp's own magnitude is right here */
    free(t);
    cli_config(&a, ROPE_NTK_PARTS);
    t = export_text(&a, ROPE_EXPORT_GGUF, 0, NULL);
    CHECK_NEAR(key_value(t, "llama.rope.scaling.attn_factor", "f32"), 1.0 / (1.0 + 0.1 * log(4.0)), 1e-7);
    CHECK_NEAR(key_value(t, "llama.rope.scaling.yarn_beta_fast", "f32"), 24, 0); /* non-default betas */
    free(t);
    /* betas in llama metadata are ignored: the note says to pass flags */
    notes.n = 0;
    free(export_text(&a, ROPE_EXPORT_GGUF, 0, &notes));
    CHECK(notes_have(&notes, "--yarn-beta-fast 24"));
    /* DeepSeek: deepseek2 arch, yarn_log_multiplier = 0.1 x mscale_all_dim */
    CHECK(rope_preset_load("deepseek-v3", &a, &err) == 0);
    t = export_text(&a, ROPE_EXPORT_GGUF, 0, NULL);
    CHECK_NEAR(key_value(t, "deepseek2.rope.scaling.yarn_log_multiplier", "f32"), 0.1, 1e-7);
    CHECK_NEAR(key_value(t, "deepseek2.rope.dimension_count", "u32"), 64, 0);
    free(t);
    /* dynamic NTK: freq_base baked for the context */
    CHECK(rope_preset_load("llama-2-7b", &a, &err) == 0);
    a.params.method = ROPE_DYNAMIC;
    a.params.factor = 8.0;
    t = export_text(&a, ROPE_EXPORT_GGUF, 8192, NULL);
    CHECK_REL(key_value(t, "llama.rope.freq_base", "f32"), 10000.0 * pow(9.0, 64.0 / 63.0), 1e-7);
    free(t);
}

/* --- API details ----------------------------------------------------------------------------------- */

static void test_api(void)
{
    rope_export_format f;
    for (int k = 0; k < ROPE_EXPORT_COUNT; k++) {
        CHECK(rope_export_from_name(rope_export_name((rope_export_format)k), &f) == 0);
        CHECK_INT(f, k);
    }
    CHECK_STR(rope_export_name(ROPE_EXPORT_HF_V5), "hf-v5");
    CHECK(rope_export_from_name("llama.cpp", &f) == 0 && f == ROPE_EXPORT_LLAMACPP);
    CHECK(rope_export_from_name("nope", &f) == -1);
    CHECK(rope_export_from_name(NULL, &f) == -1);

    rope_buf buf = { 0 };
    for (int i = 0; i < 10000; i++)
        CHECK(rope_buf_printf(&buf, "%d,", i % 10) == 0);
    CHECK_INT(buf.len, 20000);
    CHECK_INT(buf.data[buf.len], '\0');
    CHECK_INT(buf.data[19998], '9');
    rope_buf_free(&buf);
    CHECK(buf.data == NULL && buf.len == 0);
    rope_buf_free(&buf);

    /* invalid parameters and arguments are errors, not crashes */
    rope_error err = { "" };
    cli_config(&a, ROPE_YARN);
    a.params.head_dim = 63;
    CHECK(rope_export(&a, ROPE_EXPORT_HF, 0, &buf, NULL, &err) == -1);
    CHECK_HAS(err.msg, "export: head_dim 63");
    cli_config(&a, ROPE_YARN);
    CHECK(rope_export(&a, ROPE_EXPORT_COUNT, 0, &buf, NULL, &err) == -1);
    CHECK(rope_export(&a, ROPE_EXPORT_HF, -5, &buf, NULL, &err) == -1);
    CHECK(rope_export(NULL, ROPE_EXPORT_HF, 0, &buf, NULL, &err) == -1);
    rope_buf_free(&buf);

    /* notes accumulate across calls, each prefixed by its format, and stop at ROPE_MAX_NOTES */
    rope_notes notes = { 0 };
    CHECK(rope_preset_load("gpt-oss-20b", &a, &err) == 0);
    for (int k = 0; k < 20; k++)
        free(export_text(&a, ROPE_EXPORT_LLAMACPP, 0, &notes));
    CHECK_INT(notes.n, ROPE_MAX_NOTES);
    CHECK(strncmp(notes.line[0], "llamacpp: ", 10) == 0);
    CHECK_HAS(notes.line[ROPE_MAX_NOTES - 1], "further notes omitted");

    /* the serving context */
    CHECK(rope_preset_load("qwen2.5-7b-instruct-yarn", &a, &err) == 0);
    CHECK_INT(rope_config_serving_ctx(&a), 131072);
    CHECK(rope_preset_load("llama-3.1-8b", &a, &err) == 0);
    CHECK_INT(rope_config_serving_ctx(&a), 131072); /* max_position_embeddings, not 8 x 8192 */
    const char *lin = "{\"head_dim\": 128, \"max_position_embeddings\": 32768, \"rope_scaling\":"
                      " {\"type\": \"linear\", \"factor\": 8.0}}";
    CHECK(rope_config_parse(lin, strlen(lin), "t", &a, &err) == 0);
    CHECK_INT(rope_config_serving_ctx(&a), 32768); /* a linear file whose max_pos is already extended */
    cli_config(&a, ROPE_DYNAMIC);
    CHECK_INT(rope_config_serving_ctx(&a), 512);
}

int main(void)
{
    test_preset_round_trips();
    test_method_round_trips();
    test_vllm();
    test_llamacpp();
    test_gguf();
    test_api();
    return check_done("test_export");
}
