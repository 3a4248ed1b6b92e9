/* app/cli/tablefmt.c — text summaries of a rope_table (see tablefmt.h). */
#include <string.h>
#include "tablefmt.h"

void tablefmt_regimes(const rope_table *t, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->n_pairs;) {
        int j = i;
        while (j + 1 < t->n_pairs && t->pair[j + 1].regime == t->pair[i].regime)
            j++;
        int w = snprintf(buf + used, used < n ? n - used : 0, "%s%s %d-%d (%d)", used ? "  " : "",
                         rope_regime_name(t->pair[i].regime), i, j, j - i + 1);
        if (w > 0)
            used += (size_t)w;
        if (used >= n)
            break;
        i = j + 1;
    }
}

void tablefmt_params(const rope_params *p, char *buf, size_t n)
{
    const rope_method_info *m = rope_method_get(p->method);
    int rot = rope_params_rot_dim(p);
    int w = snprintf(buf, n, "head_dim %d", p->head_dim);
    if (rot != p->head_dim)
        w += snprintf(buf + w, n > (size_t)w ? n - w : 0, " (rotary %d)", rot);
    w += snprintf(buf + w, n > (size_t)w ? n - w : 0, "  base %g  L %d", p->base, p->orig_ctx);
    if (m->uses & ROPE_USES_MAX_POS)
        w += snprintf(buf + w, n > (size_t)w ? n - w : 0, "  max_pos %d", p->max_pos);
    if (m->uses & ROPE_USES_FACTOR)
        w += snprintf(buf + w, n > (size_t)w ? n - w : 0, "  s %g", p->factor);
    if (m->uses & ROPE_USES_BETAS)
        w += snprintf(buf + w, n > (size_t)w ? n - w : 0, "  beta_fast %g  beta_slow %g  truncate %s",
                      p->beta_fast, p->beta_slow, p->truncate ? "on" : "off");
    if (m->uses & ROPE_USES_LLAMA3)
        w += snprintf(buf + w, n > (size_t)w ? n - w : 0, "  low %g  high %g", p->low_freq_factor,
                      p->high_freq_factor);
    if (m->uses & ROPE_USES_SEQ_LEN)
        w += snprintf(buf + w, n > (size_t)w ? n - w : 0, "  seq_len %d%s", p->seq_len,
                      p->seq_len ? "" : " (start-up)");
    if (m->uses & ROPE_USES_MSCALE) {
        if (p->has_attention_factor)
            w += snprintf(buf + w, n > (size_t)w ? n - w : 0, "  attention_factor %g", p->attention_factor);
        if (p->mscale != 0.0 || p->mscale_all_dim != 0.0)
            snprintf(buf + w, n > (size_t)w ? n - w : 0, "  mscale %g  mscale_all_dim %g", p->mscale,
                     p->mscale_all_dim);
    }
}

void tablefmt_summary(FILE *f, const rope_params *p, const rope_table *t)
{
    const rope_method_info *m = rope_method_get(p->method);
    char buf[512];
    fprintf(f, "method    %s: %s  [flavor %s]\n", m->name, m->title, rope_flavor_name(p->flavor));
    tablefmt_params(p, buf, sizeof buf);
    fprintf(f, "params    %s\n", buf);
    if (t->has_corr)
        fprintf(f, "ramp      correction range raw %.4f .. %.4f  ->  pairs %g .. %g\n", t->corr_low_raw,
                t->corr_high_raw, t->corr_low, t->corr_high);
    if (p->method == ROPE_DYNAMIC || p->method == ROPE_NTK)
        fprintf(f, "base      %.6g in effect (NTK alpha %.6g)\n", t->base_scaled,
                p->method == ROPE_NTK ? p->factor : t->scale);
    if (p->method == ROPE_DYNAMIC_YARN)
        fprintf(f, "scale     s = %.6g in effect at seq_len %d\n", t->scale, p->seq_len);
    if (p->method == ROPE_LONGROPE)
        fprintf(f, "lists     %s factors in use (seq_len %d %s L %d)\n", t->long_factors ? "long" : "short",
                p->seq_len, t->long_factors ? ">" : "<=", p->orig_ctx);
    fprintf(f, "magnitude %.7f on cos and sin  ->  logits x %.7f\n", t->magnitude, t->logit_mult);
    tablefmt_regimes(t, buf, sizeof buf);
    fprintf(f, "regimes   %s\n", buf);
}
