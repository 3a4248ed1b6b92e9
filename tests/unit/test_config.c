/* tests/unit/test_config.c — config.json parsing: every preset carries its published numbers, the
 * legacy and v5 spellings resolve identically, transformers' resolution rules hold, and every
 * malformed fixture in tests/data/configs gives -1 with one line naming the key. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "rope_config.h"

static rope_config cfg; /* big (LongRoPE lists): static, not on the stack */

static const rope_config *preset(const char *name)
{
    rope_error err = { "" };
    if (rope_preset_load(name, &cfg, &err) != 0) {
        fprintf(stderr, "preset %s: %s\n", name, err.msg);
        CHECK(0);
    }
    return &cfg;
}

static int parse(const char *json, rope_config *c, rope_error *err)
{
    return rope_config_parse(json, strlen(json), "test.json", c, err);
}

static int params_equal(const rope_params *a, const rope_params *b)
{
    int same = a->method == b->method && a->flavor == b->flavor && a->head_dim == b->head_dim &&
               a->partial_rotary == b->partial_rotary && a->base == b->base && a->orig_ctx == b->orig_ctx &&
               a->max_pos == b->max_pos && a->factor == b->factor && a->beta_fast == b->beta_fast &&
               a->beta_slow == b->beta_slow && a->truncate == b->truncate && a->mscale == b->mscale &&
               a->mscale_all_dim == b->mscale_all_dim && a->has_attention_factor == b->has_attention_factor &&
               a->attention_factor == b->attention_factor && a->low_freq_factor == b->low_freq_factor &&
               a->high_freq_factor == b->high_freq_factor && a->n_factors == b->n_factors &&
               a->seq_len == b->seq_len;
    for (int i = 0; same && i < a->n_factors; i++)
        same = a->short_factor[i] == b->short_factor[i] && a->long_factor[i] == b->long_factor[i];
    return same;
}

/* --- presets: the numbers of the published configs ---------------------------------------------- */

static void test_presets(void)
{
    const rope_config *c = preset("llama-2-7b");
    CHECK_INT(c->params.method, ROPE_NONE);
    CHECK_INT(c->params.head_dim, 128); /* 4096 / 32 */
    CHECK_NEAR(c->params.base, 10000.0, 0);
    CHECK_INT(c->params.max_pos, 4096);
    CHECK_INT(c->params.orig_ctx, 4096);
    CHECK_INT(c->raw.has_orig_ctx, 0);
    CHECK_INT(c->raw.has_scaling, 0); /* "rope_scaling": null */
    CHECK_INT(c->n_layers, 32);
    CHECK_INT(c->n_kv_heads, 32);
    CHECK_STR(c->name, "llama-2-7b");

    c = preset("llama-3.1-8b");
    CHECK_INT(c->params.method, ROPE_LLAMA3);
    CHECK_NEAR(c->params.factor, 8.0, 0);
    CHECK_NEAR(c->params.low_freq_factor, 1.0, 0);
    CHECK_NEAR(c->params.high_freq_factor, 4.0, 0);
    CHECK_INT(c->params.orig_ctx, 8192);
    CHECK_NEAR(c->params.base, 500000.0, 0);
    CHECK_INT(c->params.max_pos, 131072);
    CHECK_INT(c->params.head_dim, 128);
    CHECK_INT(c->n_layers, 32);
    CHECK_INT(c->n_heads, 32);
    CHECK_INT(c->n_kv_heads, 8);

    c = preset("mistral-7b");
    CHECK_INT(c->params.method, ROPE_NONE);
    CHECK_NEAR(c->params.base, 10000.0, 0);
    CHECK_INT(c->params.max_pos, 32768);
    CHECK_INT(c->params.head_dim, 128);
    CHECK_INT(c->n_kv_heads, 8);

    c = preset("qwen2.5-7b-instruct-yarn");
    CHECK_INT(c->params.method, ROPE_YARN);
    CHECK_NEAR(c->params.factor, 4.0, 0);
    CHECK_INT(c->params.orig_ctx, 32768);
    CHECK_NEAR(c->params.base, 1e6, 0);
    CHECK_INT(c->params.head_dim, 128); /* 3584 / 28 */
    CHECK_INT(c->n_layers, 28);
    CHECK_INT(c->n_heads, 28);
    CHECK_INT(c->n_kv_heads, 4);
    CHECK_INT(c->hidden_size, 3584);
    CHECK_STR(c->raw.type, "yarn");
    CHECK_INT(c->raw.has_rope_type, 0);

    c = preset("deepseek-v3");
    CHECK_INT(c->params.method, ROPE_YARN);
    CHECK_NEAR(c->params.factor, 40.0, 0);
    CHECK_INT(c->params.orig_ctx, 4096);
    CHECK_NEAR(c->params.beta_fast, 32.0, 0);
    CHECK_NEAR(c->params.beta_slow, 1.0, 0);
    CHECK_NEAR(c->params.mscale, 1.0, 0);
    CHECK_NEAR(c->params.mscale_all_dim, 1.0, 0);
    CHECK_NEAR(c->params.base, 10000.0, 0);
    CHECK_INT(c->params.head_dim, 64); /* qk_rope_head_dim, not 7168/128 = 56 */
    CHECK_STR(c->raw.head_dim_key, "qk_rope_head_dim");
    CHECK_INT(c->params.max_pos, 163840);

    c = preset("gpt-oss-20b");
    CHECK_INT(c->params.method, ROPE_YARN);
    CHECK_NEAR(c->params.factor, 32.0, 0);
    CHECK_INT(c->params.orig_ctx, 4096);
    CHECK_INT(c->params.truncate, 0);
    CHECK_NEAR(c->params.base, 150000.0, 0);
    CHECK_INT(c->params.head_dim, 64); /* head_dim, not 2880/64 = 45 */
    CHECK_INT(c->n_layers, 24);
    CHECK_INT(c->n_heads, 64);
    CHECK_INT(c->n_kv_heads, 8);
    CHECK_INT(c->params.max_pos, 131072);

    c = preset("phi-3-mini-128k");
    CHECK_INT(c->params.method, ROPE_LONGROPE); /* "su" */
    CHECK_INT(c->params.head_dim, 96);          /* 3072 / 32 */
    CHECK_INT(c->params.n_factors, 48);
    CHECK_INT(c->params.orig_ctx, 4096);
    CHECK_INT(c->raw.orig_ctx_top_level, 1);
    CHECK_INT(c->params.max_pos, 131072);
    CHECK_NEAR(c->params.factor, 32.0, 0); /* no factor key: 131072 / 4096 */
    CHECK_INT(c->raw.has_factor, 0);
    CHECK_NEAR(c->params.base, 10000.0, 0);

    c = preset("ropescope-tiny");
    CHECK_INT(c->params.method, ROPE_NONE);
    CHECK_INT(c->params.head_dim, 64);
    CHECK_NEAR(c->params.base, 10000.0, 0);
    CHECK_INT(c->params.orig_ctx, 512);
    CHECK_INT(c->params.max_pos, 512);
}

/* The tables of the presets against the numbers from transformers' modeling_rope_utils.py
 * (_compute_yarn_parameters, _compute_longrope_parameters) applied to the published configs. */
static void test_preset_tables(void)
{
    static rope_table t;
    rope_error err;
    CHECK(rope_table_compute(&preset("qwen2.5-7b-instruct-yarn")->params, &t, &err) == 0);
    CHECK_NEAR(t.corr_low, 23, 0);
    CHECK_NEAR(t.corr_high, 40, 0);
    CHECK_NEAR(t.magnitude, 0.1 * log(4.0) + 1.0, 1e-12);

    CHECK(rope_table_compute(&preset("deepseek-v3")->params, &t, &err) == 0);
    CHECK_NEAR(t.corr_low, 10, 0);
    CHECK_NEAR(t.corr_high, 23, 0);
    CHECK_NEAR(t.magnitude, 1.0, 0); /* get_mscale(40,1)/get_mscale(40,1) */

    CHECK(rope_table_compute(&preset("gpt-oss-20b")->params, &t, &err) == 0);
    CHECK_NEAR(t.corr_low_raw, 8.093, 5e-4);
    CHECK_NEAR(t.corr_high_raw, 17.398, 5e-4);
    CHECK_NEAR(t.corr_low, t.corr_low_raw, 0); /* truncate: false */

    CHECK(rope_table_compute(&preset("phi-3-mini-128k")->params, &t, &err) == 0);
    CHECK_NEAR(t.magnitude, 1.190238, 1e-6); /* sqrt(1 + ln 32 / ln 4096) */
    CHECK_NEAR(t.magnitude, sqrt(1.0 + log(32.0) / log(4096.0)), 1e-12);

    rope_config c2 = *preset("llama-2-7b");
    c2.params.method = ROPE_YARN;
    c2.params.factor = 8.0;
    CHECK(rope_table_compute(&c2.params, &t, &err) == 0);
    CHECK_NEAR(t.corr_low_raw, 20.94, 5e-3);
    CHECK_NEAR(t.corr_high_raw, 45.03, 5e-3);
    CHECK_NEAR(t.corr_low, 20, 0);
    CHECK_NEAR(t.corr_high, 46, 0);
}

static void test_preset_api(void)
{
    rope_error err = { "" };
    int n = rope_preset_count();
    CHECK(n >= 8);
    for (int i = 0; i < n; i++) {
        CHECK(rope_preset_name(i) && rope_preset_name(i)[0]);
        CHECK(rope_preset_title(i) && strlen(rope_preset_title(i)) > strlen("x"));
        CHECK(rope_preset_title(i) && strcmp(rope_preset_title(i), rope_preset_name(i)) != 0); /* has _title */
        CHECK(rope_preset_json(i) && rope_preset_json(i)[0] == '{');
        CHECK(rope_preset_load(rope_preset_name(i), &cfg, &err) == 0);
        CHECK_STR(cfg.title, rope_preset_title(i));
    }
    CHECK(rope_preset_name(-1) == NULL && rope_preset_name(n) == NULL && rope_preset_title(n) == NULL);
    CHECK(rope_preset_json(n) == NULL);
    CHECK(rope_preset_load("llama-2-7b.json", &cfg, &err) == 0);
    CHECK(rope_preset_load("nosuch", &cfg, &err) == -1);
    CHECK_HAS(err.msg, "nosuch");
    CHECK_HAS(err.msg, "llama-3.1-8b"); /* the message lists the names */
    CHECK(rope_preset_load(NULL, &cfg, &err) == -1);
}

/* --- spellings and resolution rules -------------------------------------------------------------- */

static void test_spellings(void)
{
    static const char *const yarn[] = {
        /* legacy, type */
        "{\"head_dim\": 128, \"max_position_embeddings\": 131072, \"rope_theta\": 1000000.0,"
        " \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32768,"
        " \"beta_fast\": 16, \"beta_slow\": 2}}",
        /* legacy, rope_type */
        "{\"head_dim\": 128, \"max_position_embeddings\": 131072, \"rope_theta\": 1000000.0,"
        " \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32768,"
        " \"beta_fast\": 16, \"beta_slow\": 2}}",
        /* v5: rope_theta inside */
        "{\"head_dim\": 128, \"max_position_embeddings\": 131072, \"rope_parameters\": {\"rope_type\": \"yarn\","
        " \"rope_theta\": 1000000.0, \"factor\": 4.0, \"original_max_position_embeddings\": 32768,"
        " \"beta_fast\": 16, \"beta_slow\": 2}}",
        /* v5 per layer type */
        "{\"head_dim\": 128, \"max_position_embeddings\": 131072, \"rope_parameters\": {\"full_attention\":"
        " {\"rope_type\": \"yarn\", \"rope_theta\": 1000000.0, \"factor\": 4.0,"
        " \"original_max_position_embeddings\": 32768, \"beta_fast\": 16, \"beta_slow\": 2},"
        " \"sliding_attention\": {\"rope_type\": \"default\", \"rope_theta\": 10000.0}}}",
        /* hidden_size / heads instead of head_dim, original at top level */
        "{\"hidden_size\": 3584, \"num_attention_heads\": 28, \"max_position_embeddings\": 131072,"
        " \"original_max_position_embeddings\": 32768, \"rope_theta\": 1e6,"
        " \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4, \"beta_fast\": 16.0, \"beta_slow\": 2.0}}",
        /* multimodal: text_config */
        "{\"model_type\": \"x\", \"text_config\": {\"head_dim\": 128, \"max_position_embeddings\": 131072,"
        " \"rope_theta\": 1000000.0, \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0,"
        " \"original_max_position_embeddings\": 32768, \"beta_fast\": 16, \"beta_slow\": 2}}}",
    };
    static rope_config first, c;
    rope_error err = { "" };
    for (size_t k = 0; k < sizeof yarn / sizeof yarn[0]; k++) {
        rope_config *dst = k == 0 ? &first : &c;
        if (parse(yarn[k], dst, &err)) {
            fprintf(stderr, "spelling %zu: %s\n", k, err.msg);
            CHECK(0);
            continue;
        }
        CHECK(params_equal(&first.params, &dst->params));
    }
    CHECK_INT(first.params.method, ROPE_YARN);
    CHECK_NEAR(first.params.beta_fast, 16.0, 0);
    CHECK_INT(c.raw.has_scaling, 1);

    /* v5 form of llama-3.1 equals the legacy preset */
    const char *v5 = "{\"hidden_size\": 4096, \"num_attention_heads\": 32, \"num_hidden_layers\": 32,"
                     " \"num_key_value_heads\": 8, \"max_position_embeddings\": 131072, \"rope_parameters\":"
                     " {\"rope_type\": \"llama3\", \"rope_theta\": 500000.0, \"factor\": 8.0, \"low_freq_factor\": 1.0,"
                     " \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}}";
    CHECK(parse(v5, &c, &err) == 0);
    CHECK_INT(c.raw.scaling_v5, 1);
    CHECK(params_equal(&c.params, &preset("llama-3.1-8b")->params));
}

static void test_resolution(void)
{
    static rope_config c;
    rope_error err = { "" };
    /* factor absent: max_position_embeddings / original */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\","
                " \"original_max_position_embeddings\": 4096}}", &c, &err) == 0);
    CHECK_NEAR(c.params.factor, 4.0, 0);
    CHECK_INT(c.raw.has_factor, 0);
    /* original absent: max_position_embeddings, recorded as absent */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\","
                " \"factor\": 4.0}}", &c, &err) == 0);
    CHECK_INT(c.params.orig_ctx, 16384);
    CHECK_INT(c.raw.has_orig_ctx, 0);
    /* a beta of 0 stays 0 (raw and params); the hf flavor reads it as 32 */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"yarn\","
                " \"factor\": 4.0, \"original_max_position_embeddings\": 1024, \"beta_fast\": 0}}", &c, &err) == 0);
    CHECK_NEAR(c.params.beta_fast, 0.0, 0);
    CHECK_NEAR(c.raw.beta_fast, 0.0, 0);
    CHECK_INT(c.raw.has_beta_fast, 1);
    static rope_table t;
    CHECK(rope_table_compute(&c.params, &t, &err) == 0);
    CHECK_NEAR(t.corr_low_raw, 64.0 * log(1024.0 / (2 * M_PI * 32.0)) / (2.0 * log(10000.0)), 1e-12);
    /* rope_type wins over type */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"linear\","
                " \"type\": \"dynamic\", \"factor\": 2.0}}", &c, &err) == 0);
    CHECK_INT(c.params.method, ROPE_LINEAR);
    CHECK_STR(c.raw.type, "dynamic");
    /* a top-level original wins over the dict's (Phi-3) */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 8192, \"original_max_position_embeddings\": 2048,"
                " \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 1024}}",
                &c, &err) == 0);
    CHECK_INT(c.params.orig_ctx, 2048);
    CHECK_INT(c.raw.orig_ctx_scaling, 1024);
    CHECK_INT(c.raw.orig_ctx_top, 2048);
    /* rope type spellings */
    static const struct { const char *type; rope_method m; } types[] = {
        { "default", ROPE_NONE }, { "linear", ROPE_LINEAR }, { "dynamic", ROPE_DYNAMIC }, { "yarn", ROPE_YARN },
        { "deepseek_yarn", ROPE_YARN }, { "llama3", ROPE_LLAMA3 }, { "ntk", ROPE_NTK },
        { "ntk-parts", ROPE_NTK_PARTS }, { "dynamic-yarn", ROPE_DYNAMIC_YARN }, { "mrope", ROPE_NONE },
    };
    char buf[512];
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        snprintf(buf, sizeof buf, "{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\":"
                 " {\"type\": \"%s\", \"factor\": 2.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0}}",
                 types[k].type);
        CHECK(parse(buf, &c, &err) == 0);
        CHECK_INT(c.params.method, types[k].m);
    }
    /* factor without a type: plain RoPE (transformers fills "default"), the factor recorded */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\": {\"factor\": 8.0}}", &c,
                &err) == 0);
    CHECK_INT(c.params.method, ROPE_NONE);
    CHECK_NEAR(c.params.factor, 1.0, 0);
    CHECK_NEAR(c.raw.factor, 8.0, 0);
    /* n_kv_heads defaults to n_heads; head_dim beats hidden/heads; partial rotary */
    CHECK(parse("{\"hidden_size\": 2048, \"num_attention_heads\": 16, \"head_dim\": 256,"
                " \"partial_rotary_factor\": 0.25, \"max_position_embeddings\": 4096}", &c, &err) == 0);
    CHECK_INT(c.n_kv_heads, 16);
    CHECK_INT(c.params.head_dim, 256);
    CHECK_NEAR(c.params.partial_rotary, 0.25, 0);
    CHECK_INT(rope_params_rot_dim(&c.params), 64);
    /* duplicate keys: the last wins, as in Python; recorded for lint */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"linear\","
                " \"factor\": 2.0, \"factor\": 3.0}}", &c, &err) == 0);
    CHECK_NEAR(c.params.factor, 3.0, 0);
    CHECK_INT(c.raw.n_duplicate_keys, 1);
    CHECK_STR(c.raw.duplicate_key, "rope_scaling.factor");
    /* an unknown key is recorded (a typo of original_max_position_embeddings) */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"yarn\","
                " \"factor\": 2.0, \"original_max_position_embedding\": 2048}}", &c, &err) == 0);
    CHECK_INT(c.raw.n_unknown_keys, 1);
    CHECK_STR(c.raw.unknown_key, "rope_scaling.original_max_position_embedding");
    /* max_position_embeddings absent but the original known: s·L */
    CHECK(parse("{\"head_dim\": 64, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
                " \"original_max_position_embeddings\": 1024}}", &c, &err) == 0);
    CHECK_INT(c.params.max_pos, 4096);
    CHECK_INT(c.raw.has_max_pos, 0);
    /* rope_theta in v5 dict wins over the top level; conflict recorded */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_theta\": 10000.0,"
                " \"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 500000.0}}", &c, &err) == 0);
    CHECK_NEAR(c.params.base, 500000.0, 0);
    CHECK_INT(c.raw.rope_theta_conflict, 1);
    CHECK_NEAR(c.raw.rope_theta_top, 10000.0, 0);
    /* rope_scaling wins over rope_parameters when both are given */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"linear\","
                " \"factor\": 2.0}, \"rope_parameters\": {\"rope_type\": \"dynamic\", \"factor\": 4.0}}", &c, &err) == 0);
    CHECK_INT(c.params.method, ROPE_LINEAR);
    CHECK_INT(c.raw.both_spellings, 1);
    /* an empty rope_scaling is no scaling (Python: {} is falsy) */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\": {}}", &c, &err) == 0);
    CHECK_INT(c.raw.has_scaling, 0);
    /* params carry only what the method reads; raw records what was written */
    CHECK(parse("{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"linear\","
                " \"factor\": 2.0, \"beta_fast\": 8, \"attention_factor\": 1.5, \"low_freq_factor\": 2.0}}", &c, &err) == 0);
    CHECK_NEAR(c.params.beta_fast, 32.0, 0);
    CHECK_INT(c.params.has_attention_factor, 0);
    CHECK_NEAR(c.params.low_freq_factor, 1.0, 0);
    CHECK_INT(c.raw.has_beta_fast, 1);
    CHECK_NEAR(c.raw.beta_fast, 8.0, 0);
    CHECK_INT(c.raw.has_attention_factor, 1);
    /* a failed parse leaves the config untouched */
    c.params.head_dim = 12345;
    CHECK(parse("{\"head_dim\": 63}", &c, &err) == -1);
    CHECK_INT(c.params.head_dim, 12345);
}

/* --- malformed input ---------------------------------------------------------------------------------- */

static const struct { const char *file, *want; } fixtures[] = {
    { "factor_string.json", "rope_scaling.factor is a string (\"8\"); expected a number like 4.0" },
    { "scaling_array.json", "rope_scaling is an array of 2 values; expected an object" },
    { "truncated.json", ":6:9: invalid JSON: the text ends early" },
    { "unknown_type.json", "rope_scaling.rope_type \"superyarn\" is unknown" },
    { "factor_below_one.json", "rope_scaling.factor is 0.5; context extension needs a factor >= 1" },
    { "head_dim_odd.json", "head_dim is 65, which is odd" },
    { "base_one.json", "rope_theta is 1; the RoPE base must be greater than 1" },
    { "base_negative.json", "rope_theta is -10000" },
    { "factor_overflow.json", "rope_scaling.factor is not a finite number" },
    { "factor_nan.json", "NaN and Infinity are not JSON numbers" },
    { "list_wrong_type.json", "rope_scaling.short_factor[2] is a string (\"1.05\")" },
    { "list_wrong_length.json", "rope_scaling.long_factor has 3 values" },
    { "list_not_array.json", "rope_scaling.short_factor is 1; expected a list" },
    { "list_negative.json", "rope_scaling.long_factor[1] is -2" },
    { "top_array.json", "the top level is an array of 1 values; expected a JSON object" },
    { "trailing_comma.json", ":4:1: invalid JSON: a trailing comma" },
    { "max_pos_string.json", "max_position_embeddings is a string (\"4096\"); expected a number like 4096" },
    { "max_pos_fraction.json", "max_position_embeddings is 4096.5; expected a whole number" },
    { "truncate_string.json", "rope_scaling.truncate is a string (\"false\"); expected true or false" },
    { "llama3_missing_low.json", "rope_scaling.low_freq_factor is missing for rope_type \"llama3\"" },
    { "beta_negative.json", "rope_scaling.beta_fast is negative" },
    { "hidden_not_divisible.json", "hidden_size 100 is not divisible by num_attention_heads 3" },
    { "partial_zero.json", "partial_rotary_factor is 0" },
    { "partial_odd_dims.json", "partial_rotary_factor 0.3 gives 19 rotary dimensions" },
    { "factor_absurd.json", "rope_scaling.factor is 1e+09, which is absurd" },
    { "type_not_string.json", "rope_parameters.rope_type is 7; expected a string" },
    { "empty.json", "empty input" },
    { "linear_no_factor.json", "rope_scaling.factor is missing for rope_type \"linear\"" },
    { "extra_text.json", ":1:51: extra text after the JSON object" },
    { "attention_factor_zero.json", "rope_scaling.attention_factor is 0" },
    { "kv_heads_too_many.json", "num_key_value_heads 64 exceeds num_attention_heads 32" },
    { "per_layer_no_full.json", "rope_parameters holds per-layer-type dicts but no \"full_attention\"" },
    { "comment.json", ":2:3: invalid JSON: JSON has no comments" },
    { "head_dim_missing.json", "head_dim is missing" },
    { "max_pos_missing.json", "max_position_embeddings is missing" },
    { "head_dim_huge.json", "head_dim is 4096; expected a whole number from 0 to 1024" },
    { "single_quotes.json", ":1:2: invalid JSON: strings and keys need double quotes" },
    { "mscale_negative.json", "rope_scaling.mscale is negative" },
    { "llama3_low_ge_high.json", "rope_scaling.low_freq_factor 4 and high_freq_factor 1" },
    { "factor_bool.json", "rope_scaling.factor is true; expected a number" },
};

static int in_table(const char *name)
{
    for (size_t k = 0; k < sizeof fixtures / sizeof fixtures[0]; k++)
        if (strcmp(fixtures[k].file, name) == 0)
            return 1;
    return 0;
}

static void test_fixtures(void)
{
    char path[1024];
    rope_error err;
    for (size_t k = 0; k < sizeof fixtures / sizeof fixtures[0]; k++) {
        snprintf(path, sizeof path, "%s/tests/data/configs/%s", ROPESCOPE_SOURCE_DIR, fixtures[k].file);
        memset(&err, 0, sizeof err);
        int rc = rope_config_load(path, &cfg, &err);
        CHECK_INT(rc, -1);
        if (!strstr(err.msg, fixtures[k].want))
            fprintf(stderr, "%s: got \"%s\"\n", fixtures[k].file, err.msg);
        CHECK_HAS(err.msg, fixtures[k].want);
        CHECK(strncmp(err.msg, path, strlen(path)) == 0); /* where */
        CHECK(strchr(err.msg, '\n') == NULL);              /* one line */
    }
    /* every fixture on disk is in the table */
    snprintf(path, sizeof path, "%s/tests/data/configs", ROPESCOPE_SOURCE_DIR);
    DIR *d = opendir(path);
    CHECK(d != NULL);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0 && !in_table(e->d_name)) {
            fprintf(stderr, "fixture %s is not in the table\n", e->d_name);
            CHECK(0);
        }
    }
    if (d)
        closedir(d);
}

static void test_inline_errors(void)
{
    rope_error err;
    /* line:column of a syntax error, counted by hand */
    CHECK(parse("{\n  \"a\": 1,\n  \"b\": }", &cfg, &err) == -1);
    CHECK_HAS(err.msg, "test.json:3:8: invalid JSON");
    /* a NUL byte inside the text */
    CHECK(rope_config_parse("{\"head_dim\"\0: 64}", 17, "nul.json", &cfg, &err) == -1);
    CHECK_HAS(err.msg, "nul.json:1:12: a NUL byte");
    /* only len bytes are read: a valid prefix of a longer buffer */
    const char *two = "{\"head_dim\": 64, \"max_position_embeddings\": 512}GARBAGE";
    CHECK(rope_config_parse(two, strlen(two) - 7, "prefix", &cfg, &err) == 0);
    CHECK_INT(cfg.params.max_pos, 512);
    CHECK(rope_config_parse(NULL, 0, NULL, &cfg, &err) == -1);
    CHECK_HAS(err.msg, "config.json: empty input");
    CHECK(parse("\"just a string\"", &cfg, &err) == -1);
    CHECK_HAS(err.msg, "the top level is a string (\"just a string\")");
    /* a long string value is cut in the message, never overflowing it */
    char big[2000];
    memset(big, 'x', sizeof big);
    const char *head = "{\"head_dim\": 64, \"max_position_embeddings\": \"";
    memcpy(big, head, strlen(head));
    memcpy(big + sizeof big - 3, "\"}", 3);
    CHECK(parse(big, &cfg, &err) == -1);
    CHECK_HAS(err.msg, "xxx...\")");
    CHECK(strlen(err.msg) < 200);
    /* deep nesting does not crash */
    char *deep = malloc(200001);
    memset(deep, '[', 200000);
    deep[200000] = '\0';
    CHECK(parse(deep, &cfg, &err) == -1);
    free(deep);
}

static void test_load(void)
{
    rope_error err;
    CHECK(rope_config_load("/nonexistent/dir/config.json", &cfg, &err) == -1);
    CHECK_HAS(err.msg, "/nonexistent/dir/config.json: cannot open (No such file or directory)");
    CHECK(rope_config_load("", &cfg, &err) == -1);

    char dir[] = "/tmp/ropescope-test-XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/config.json", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("{\"head_dim\": 96, \"max_position_embeddings\": 2048}", f);
        fclose(f);
    }
    CHECK(rope_config_load(dir, &cfg, &err) == 0); /* a model directory: its config.json */
    CHECK_INT(cfg.params.head_dim, 96);
    /* larger than 16 MiB: refused (a sparse file, so the test stays fast) */
    snprintf(path, sizeof path, "%s/big.json", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        CHECK(ftruncate(fileno(f), (off_t)17 << 20) == 0);
        fclose(f);
    }
    CHECK(rope_config_load(path, &cfg, &err) == -1);
    CHECK_HAS(err.msg, "larger than 16 MiB");
    remove(path);
    snprintf(path, sizeof path, "%s/config.json", dir);
    remove(path);
    rmdir(dir);
}

/* a stand-in for realloc that fails once the buffer would pass 64 KiB */
static int grows;
static void *grow_small(void *p, size_t n)
{
    grows++;
    return n > (size_t)1 << 16 ? NULL : realloc(p, n);
}

static void test_read_stream(void)
{
    /* 100 KB of valid JSON: {"a":"xxx..."}; reading it needs the buffer to grow past 64 KiB */
    size_t n = 100000;
    char *text = malloc(n + 1);
    CHECK(text != NULL);
    if (!text)
        return;
    memset(text, 'x', n);
    memcpy(text, "{\"a\":\"", 6);
    memcpy(text + n - 2, "\"}", 2);
    text[n] = 0;
    rope_error err = { "" };
    char *data = NULL;
    size_t len = 0;
    FILE *f = fmemopen(text, n, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK(rope_config_read_stream(f, "big.json", realloc, &data, &len, &err) == 0);
        CHECK(len == n && data && memcmp(data, text, n) == 0);
        free(data);
        fclose(f);
    }
    /* the growth fails: an error, not the first 64 KiB handed on as the whole file */
    data = NULL;
    grows = 0;
    f = fmemopen(text, n, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK(rope_config_read_stream(f, "big.json", grow_small, &data, &len, &err) == -1);
        CHECK(data == NULL);
        CHECK(grows == 2);
        CHECK_HAS(err.msg, "big.json: out of memory after 65536 bytes");
        fclose(f);
    }
    free(text);
}

int main(void)
{
    test_presets();
    test_preset_tables();
    test_preset_api();
    test_spellings();
    test_resolution();
    test_fixtures();
    test_inline_errors();
    test_load();
    test_read_stream();
    return check_done("test_config");
}
