/* app/cli/ropeecho.c — the effective RoPE parameters in one line and as JSON (ropeecho.h), read off
 * ropecore's table of the parameters at the run's sequence length. */
#include <stdio.h>
#include <stdlib.h>
#include "ropeecho.h"

/* The table of p at seq_len (malloc'd, the caller frees); NULL with err when it cannot be made. */
static rope_table *table_at(const rope_params *p, int seq_len, rope_error *err)
{
    rope_params q = *p;
    q.seq_len = seq_len;
    rope_table *t = malloc(sizeof *t);
    if (!t) {
        rope_fail(err, "out of memory");
        return NULL;
    }
    if (rope_table_compute(&q, t, err)) {
        free(t);
        return NULL;
    }
    return t;
}

const char *ropeecho_text(const rope_params *p, int seq_len, char *buf, size_t n)
{
    const rope_method_info *mi = rope_method_get(p->method);
    rope_error err = {{0}};
    rope_table *t = table_at(p, seq_len, &err);
    size_t at = 0;
#define ADD(...) (at += (at < n ? (size_t)snprintf(buf + at, n - at, __VA_ARGS__) : 0))
    if (n)
        buf[0] = '\0';
    ADD("method %s (%s)", mi ? mi->name : "?", rope_flavor_name(p->flavor));
    if (mi && (mi->uses & ROPE_USES_FACTOR)) {
        ADD(", factor %g", p->factor);
        if (t && t->scale != p->factor)
            ADD(" (s = %.4g at %d tokens)", t->scale, seq_len);
    } else if (p->factor != 1.0) {
        ADD(", factor %g ignored", p->factor);
    }
    if (!t) {
        ADD(": %s", err.msg);
        return buf;
    }
    ADD(", L %d, base %g", p->orig_ctx, p->base);
    if (t->base_scaled != p->base)
        ADD(" (b' = %.6g)", t->base_scaled);
    if (mi && (mi->uses & ROPE_USES_BETAS))
        ADD(", beta_fast %g, beta_slow %g", rope_beta_fast(p), rope_beta_slow(p));
    if (t->has_corr)
        ADD(", correction range pairs %g-%g (d = %.2f-%.2f)", t->corr_low, t->corr_high, t->corr_low_raw,
            t->corr_high_raw);
    if (mi && (mi->uses & ROPE_USES_LLAMA3))
        ADD(", low_freq_factor %g, high_freq_factor %g", p->low_freq_factor, p->high_freq_factor);
    ADD(", magnitude %.4f (q.k x%.4f)", t->magnitude, t->logit_mult);
#undef ADD
    free(t);
    return buf;
}

cJSON *ropeecho_json(const rope_params *p, int seq_len)
{
    const rope_method_info *mi = rope_method_get(p->method);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    rope_error err = {{0}};
    rope_table *t = table_at(p, seq_len, &err);
    cJSON_AddStringToObject(o, "method", mi ? mi->name : "?");
    cJSON_AddStringToObject(o, "flavor", rope_flavor_name(p->flavor));
    cJSON_AddNumberToObject(o, "factor", p->factor);
    cJSON_AddNumberToObject(o, "seq_len", seq_len);
    cJSON_AddNumberToObject(o, "orig_ctx", p->orig_ctx);
    cJSON_AddNumberToObject(o, "base", p->base);
    if (mi && (mi->uses & ROPE_USES_BETAS)) {
        cJSON_AddNumberToObject(o, "beta_fast", rope_beta_fast(p));
        cJSON_AddNumberToObject(o, "beta_slow", rope_beta_slow(p));
        cJSON_AddBoolToObject(o, "truncate", p->truncate);
    }
    if (mi && (mi->uses & ROPE_USES_LLAMA3)) {
        cJSON_AddNumberToObject(o, "low_freq_factor", p->low_freq_factor);
        cJSON_AddNumberToObject(o, "high_freq_factor", p->high_freq_factor);
    }
    if (!t) {
        cJSON_AddStringToObject(o, "error", err.msg);
        return o;
    }
    cJSON_AddNumberToObject(o, "scale", t->scale);
    cJSON_AddNumberToObject(o, "base_scaled", t->base_scaled);
    if (t->has_corr) {
        double r[2] = { t->corr_low, t->corr_high }, raw[2] = { t->corr_low_raw, t->corr_high_raw };
        cJSON_AddItemToObject(o, "correction_range", cJSON_CreateDoubleArray(r, 2));
        cJSON_AddItemToObject(o, "correction_range_raw", cJSON_CreateDoubleArray(raw, 2));
    }
    cJSON_AddNumberToObject(o, "magnitude", t->magnitude);
    cJSON_AddNumberToObject(o, "logit_scale", t->logit_mult);
    free(t);
    return o;
}
