/* ropecore/rope_table.c — rope_table_compute: validate, fill what every method shares (θ_i), run
 * the method's fill function, then derive the per-pair quantities (λ, λ', r, factor, regime). */
#include <math.h>
#include <string.h>
#include "rope.h"

/* γ within this distance of 0 or 1 counts as fully interpolated / extrapolated */
#define REGIME_EPS 1e-9

/* θ'/θ within this relative distance of 1 counts as "the method leaves the pair as it was" */
#define KEPT_EPS 1e-9

rope_regime rope_pair_regime(const rope_table *t, int i)
{
    const rope_pair *q = &t->pair[i];
    if (fabs(q->factor - 1.0) <= KEPT_EPS)
        return ROPE_REGIME_EXTRAPOLATE;
    double gamma = q->ramp;
    if (gamma >= 1.0 - REGIME_EPS)
        return ROPE_REGIME_EXTRAPOLATE;
    if (gamma <= REGIME_EPS)
        return ROPE_REGIME_INTERPOLATE;
    return ROPE_REGIME_BLEND;
}

int rope_regime_runs(const rope_table *t, rope_regime_run *out, int max)
{
    int k = 0;
    for (int i = 0; i < t->n_pairs;) {
        int j = i;
        while (j + 1 < t->n_pairs && t->pair[j + 1].regime == t->pair[i].regime)
            j++;
        if (k < max) {
            out[k].regime = t->pair[i].regime;
            out[k].first = i;
            out[k].last = j;
        }
        k++;
        i = j + 1;
    }
    return k;
}

int rope_table_compute(const rope_params *p, rope_table *t, rope_error *err)
{
    if (rope_params_validate(p, err))
        return -1;
    return rope_table_fill(p, t, err);
}

int rope_table_fill(const rope_params *p, rope_table *t, rope_error *err)
{
    int rot = rope_params_rot_dim(p);
    t->method = p->method;
    t->flavor = p->flavor;
    t->rot_dim = rot;
    t->n_pairs = rot / 2;
    t->scale = p->factor;
    t->base_scaled = p->base;
    t->magnitude = 1.0;
    t->has_corr = 0;
    t->corr_low_raw = t->corr_high_raw = t->corr_low = t->corr_high = 0.0;
    t->long_factors = 0;
    for (int i = 0; i < t->n_pairs; i++) {
        memset(&t->pair[i], 0, sizeof t->pair[i]);
        t->pair[i].theta = pow(p->base, -2.0 * i / (double)rot);
    }
    rope_method_get(p->method)->fill(p, t);

    double L = p->orig_ctx;
    for (int i = 0; i < t->n_pairs; i++) {
        rope_pair *q = &t->pair[i];
        q->lambda = 2.0 * M_PI / q->theta;
        q->lambda_scaled = 2.0 * M_PI / q->theta_scaled;
        q->r = L / q->lambda;
        q->factor = q->theta_scaled / q->theta;
        q->regime = rope_pair_regime(t, i);
    }
    t->logit_mult = t->magnitude * t->magnitude;
    /* parameters each finite can still overflow (beta_fast 1e-308, mscale 1e308): refuse that table */
    int bad = !(isfinite(t->logit_mult) && t->magnitude > 0.0 && isfinite(t->base_scaled));
    for (int i = 0; i < t->n_pairs && !bad; i++)
        bad = !(isfinite(t->pair[i].theta_scaled) && t->pair[i].theta_scaled >= 0.0 && isfinite(t->pair[i].ramp));
    if (bad)
        return rope_fail(err, "these parameters give a frequency table that is not finite (NaN or inf): a value "
                         "such as beta, mscale or the factor is too extreme");
    return 0;
}
