/* tests/fuzz/fuzz_config.c — libFuzzer harness for config.json parsing: any bytes go to
 * rope_config_parse; a refusal must be one non-empty line; a parsed config must validate, lint and
 * export in every format, and its Hugging Face exports must read back to the same parameters. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rope_config.h"

static rope_config cfg, back;  /* big (LongRoPE lists): static */
static rope_table ta, tb;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_config: %s\n%s\n", what, detail ? detail : "");
    abort();
}

/* θ' and magnitude of x and y agree (rel: allowed relative difference). */
static void same_table(const rope_params *x, const rope_params *y, double rel, const char *text)
{
    rope_error err;
    if (rope_table_compute(x, &ta, &err) || rope_table_compute(y, &tb, &err))
        die("table of a parsed config fails", err.msg);
    if (ta.n_pairs != tb.n_pairs || fabs(ta.magnitude - tb.magnitude) > rel * ta.magnitude)
        die("export changes the magnitude", text);
    for (int i = 0; i < ta.n_pairs; i++)
        if (fabs(ta.pair[i].theta_scaled - tb.pair[i].theta_scaled) > rel * ta.pair[i].theta_scaled)
            die("export changes a frequency", text);
}

/* Every field, max_pos aside (export writes the serving context there). */
static int params_equal(const rope_params *x, const rope_params *y)
{
    int same = x->method == y->method && x->flavor == y->flavor && x->head_dim == y->head_dim &&
               x->partial_rotary == y->partial_rotary && x->base == y->base && x->orig_ctx == y->orig_ctx &&
               x->factor == y->factor && x->beta_fast == y->beta_fast && x->beta_slow == y->beta_slow &&
               x->truncate == y->truncate && x->mscale == y->mscale && x->mscale_all_dim == y->mscale_all_dim &&
               x->has_attention_factor == y->has_attention_factor && x->attention_factor == y->attention_factor &&
               x->low_freq_factor == y->low_freq_factor && x->high_freq_factor == y->high_freq_factor &&
               x->n_factors == y->n_factors && x->seq_len == y->seq_len;
    for (int i = 0; same && i < x->n_factors; i++)
        same = x->short_factor[i] == y->short_factor[i] && x->long_factor[i] == y->long_factor[i];
    return same;
}

static void check_round_trip(rope_export_format f, const char *text, size_t len)
{
    rope_error err = { "" };
    if (rope_config_parse(text, len, "export", &back, &err))
        die(err.msg, text);
    switch (cfg.params.method) {
    case ROPE_NTK:          /* plain RoPE with the NTK base baked in */
    case ROPE_NTK_PARTS:    /* yarn with attention_factor 1 */
    case ROPE_DYNAMIC_YARN: /* static yarn */
        if (back.params.method == cfg.params.method)
            die("method survived an export that cannot express it", text);
        if (cfg.params.method != ROPE_DYNAMIC_YARN)
            same_table(&cfg.params, &back.params, 1e-12, text);
        return;
    default:
        break;
    }
    if (!params_equal(&cfg.params, &back.params))
        die(f == ROPE_EXPORT_HF ? "hf export reads back different params" : "hf-v5 export reads back different params",
            text);
    same_table(&cfg.params, &back.params, 0.0, text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rope_error err = { "" };
    if (rope_config_parse((const char *)data, size, "fuzz", &cfg, &err) != 0) {
        if (!err.msg[0] || strchr(err.msg, '\n'))
            die("refusal is not one line", err.msg);
        return 0;
    }
    if (rope_params_validate(&cfg.params, &err))
        die("parsed params do not validate", err.msg);
    if (rope_table_compute(&cfg.params, &ta, &err))
        die("table of a parsed config fails", err.msg);
    if (!isfinite(ta.magnitude) || !isfinite(ta.logit_mult))          /* a parsed config gives a finite table */
        die("parsed config gives a non-finite magnitude", NULL);
    for (int i = 0; i < ta.n_pairs; i++)
        if (!isfinite(ta.pair[i].theta_scaled) || !isfinite(ta.pair[i].ramp))
            die("parsed config gives a non-finite frequency", NULL);
    rope_lint_item items[8];
    int n = rope_lint(&cfg, items, 8);
    for (int k = 0; k < n && k < 8; k++)
        if (!items[k].rule || !items[k].what[0] || !items[k].fix[0])
            die("empty lint item", items[k].rule);
    rope_notes notes = { 0 };
    for (int f = 0; f < ROPE_EXPORT_COUNT; f++) {
        for (int pass = 0; pass < 2; pass++) {
            rope_buf buf = { 0 };
            int ctx = pass ? (int)(1 + size * 97 % 200000) : 0;
            if (rope_export(&cfg, (rope_export_format)f, ctx, &buf, &notes, &err))
                die("export of a parsed config fails", err.msg);
            if (pass == 0 && (f == ROPE_EXPORT_HF || f == ROPE_EXPORT_HF_V5))
                check_round_trip((rope_export_format)f, buf.data, buf.len);
            rope_buf_free(&buf);
        }
    }
    return 0;
}
