/* ropecore/config/rope_reason.c — what a config means for serving, shared by the exports and lint:
 * the context length a model serves and what YaRN's truncate changes (rope_reason.h). */
#include <math.h>
#include <stdlib.h>
#include "rope_reason.h"

#define MAX_TOKENS (1 << 30)

int rope_tokens_clamp(double v)
{
    v = floor(v + 0.5);
    if (!(v >= 1.0)) /* also NaN */
        return 1;
    return v > MAX_TOKENS ? MAX_TOKENS : (int)v;
}

int rope_config_serving_ctx(const rope_config *c)
{
    const rope_params *p = &c->params;
    int scaled = rope_tokens_clamp(p->factor * p->orig_ctx);
    switch (p->method) {
    case ROPE_NONE:
    case ROPE_DYNAMIC:
        return p->max_pos;
    case ROPE_LINEAR:
    case ROPE_NTK:
        /* a file that itself scales this way mostly gives the extended length as max_pos; when the
         * flags chose the method or the factor, max_pos is still the original context */
        if (c->raw.has_max_pos && !c->raw.has_orig_ctx && c->raw.has_scaling && c->raw.has_factor &&
            c->raw.factor == p->factor)
            return p->max_pos;
        /* fall through */
    default:
        return scaled > p->max_pos ? scaled : p->max_pos;
    }
}

/* YaRN at the exported (static) scale: dynamic YaRN is exported at its factor. */
static void static_yarn_params(const rope_params *p, rope_params *q)
{
    *q = *p;
    q->flavor = ROPE_FLAVOR_HF;
    if (p->method == ROPE_DYNAMIC_YARN || p->method == ROPE_NTK_PARTS)
        q->method = p->method == ROPE_NTK_PARTS ? ROPE_NTK_PARTS : ROPE_YARN;
}

int rope_config_truncate_effect(const rope_params *p, int *first, int *last, double *max_rel)
{
    *first = *last = -1;
    *max_rel = 0.0;
    if (!rope_method_is_yarn(p->method) || p->truncate)
        return 0;
    rope_table *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    rope_params q, r;
    int rc = -1;
    static_yarn_params(p, &q);
    r = q;
    r.truncate = 1;
    if (a && b && rope_table_compute(&q, a, NULL) == 0 && rope_table_compute(&r, b, NULL) == 0) {
        rc = 0;
        for (int i = 0; i < a->n_pairs; i++) {
            double rel = fabs(b->pair[i].theta_scaled / a->pair[i].theta_scaled - 1.0);
            if (rel > 1e-12) {
                if (*first < 0)
                    *first = i;
                *last = i;
                if (rel > *max_rel)
                    *max_rel = rel;
            }
        }
    }
    free(a);
    free(b);
    return rc;
}
