/* viz/figure/panel_geom.c — the per-pair geometry panels: wavelength λ and λ' with the L and s·L lines
 * and the YaRN regimes shaded; r(d) with α/β and both ramps (the code's discrete pair-index ramp
 * and the paper's γ(r)); θ'/θ for every method at once. */
#include <math.h>
#include <stdio.h>
#include "panel.h"

static const char *method_name(rope_method m)
{
    const rope_method_info *mi = rope_method_get(m);
    return mi ? mi->name : "?";
}

static plot_role regime_role(rope_regime r)
{
    return r == ROPE_REGIME_EXTRAPOLATE ? PLOT_ROLE_EXTRAP
         : r == ROPE_REGIME_BLEND ? PLOT_ROLE_BLEND : PLOT_ROLE_INTERP;
}

/* One band per run of equal regime in t (ropecore's rope_regime_runs: the regimes t's own method puts
 * the pairs in), spanning [first − ½, last + ½] on the pair axis. */
static void add_regime_bands(plot_figure *f, const rope_table *t)
{
    rope_regime_run runs[PLOT_MAX_BANDS];
    int n = rope_regime_runs(t, runs, PLOT_MAX_BANDS);
    if (n > PLOT_MAX_BANDS)
        n = PLOT_MAX_BANDS;
    for (int k = 0; k < n; k++) {
        char label[PLOT_LABEL];
        rope_regime r = runs[k].regime;
        if (n == 1 && r == ROPE_REGIME_EXTRAPOLATE)
            snprintf(label, sizeof label, "every pair kept %d-%d", runs[k].first, runs[k].last);
        else if (n == 1 && r == ROPE_REGIME_INTERPOLATE)
            snprintf(label, sizeof label, "every pair interp %d-%d", runs[k].first, runs[k].last);
        else
            snprintf(label, sizeof label, "%s %d-%d", r == ROPE_REGIME_EXTRAPOLATE ? "extrap"
                     : r == ROPE_REGIME_BLEND ? "blend" : "interp", runs[k].first, runs[k].last);
        plot_add_band(f, runs[k].first - 0.5, runs[k].last + 0.5, regime_role(r), label);
    }
}

/* The L and s·L values as the panels label them. */
static double ctx_L(const plot_view *v) { return (double)v->params.orig_ctx; }
static double ctx_sL(const plot_view *v) { return v->table.scale * (double)v->params.orig_ctx; }

int plot_panel_wavelength(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err)
{
    (void)size;
    const rope_table *t = &v->table;
    int n = t->n_pairs;
    f->kind = PLOT_KIND_XY;
    snprintf(f->title, sizeof f->title, "wavelength per pair: λ and λ' (%s)", method_name(t->method));
    plot_series *orig = plot_add_series(f, "λ", PLOT_ROLE_ORIG, PLOT_LINE, n);
    plot_series *sc = plot_add_series(f, "λ'", PLOT_ROLE_SCALED, PLOT_LINE, n);
    if (!orig || !sc)
        return rope_fail(err, "wavelength panel: figure pool exhausted");
    double lo = INFINITY, hi = 0.0;
    for (int i = 0; i < n; i++) {
        orig->x[i] = sc->x[i] = i;
        orig->y[i] = t->pair[i].lambda;
        sc->y[i] = t->pair[i].lambda_scaled;
        lo = fmin(lo, fmin(orig->y[i], sc->y[i]));
        hi = fmax(hi, fmax(orig->y[i], sc->y[i]));
    }
    sc->emphasis = 1;
    double L = ctx_L(v), sL = ctx_sL(v);
    lo = fmin(lo, L);
    hi = fmax(hi, fmax(L, sL));
    add_regime_bands(f, t);
    char buf[PLOT_LABEL];
    snprintf(buf, sizeof buf, "L=%g", L);
    plot_add_hmarker(f, L, 0, PLOT_ROLE_MARK_CTX, buf);
    if (sL > L) {
        snprintf(buf, sizeof buf, "s·L=%g", sL);
        plot_add_hmarker(f, sL, 0, PLOT_ROLE_MARK_EXT, buf);
    }
    plot_axis_set(&f->x, 0.0, n > 1 ? n - 1 : 1, 0, "pair d");
    plot_axis_fit(&f->y, lo, hi, 1, "λ tokens");
    plot_view_regime_note(v, f->note, sizeof f->note);
    return 0;
}

/* The ramp panel for a method outside the YaRN family: r = L/λ, the method's own γ per pair (what
 * its table says: 0 = θ/s, 1 = kept), its regimes shaded and, for llama3, its wavelength bands as r
 * lines (λ > L/low ⇔ r < low: θ/s; λ < L/high ⇔ r > high: kept). */
static int ramp_other(const plot_view *v, plot_figure *f, rope_error *err)
{
    const rope_table *t = &v->table;
    const rope_params *p = &v->params;
    int n = t->n_pairs;
    char name[PLOT_LABEL];
    plot_series *r = plot_add_series(f, "r", PLOT_ROLE_ORIG, PLOT_LINE, n);
    snprintf(name, sizeof name, "γ %s", method_name(t->method));
    plot_series *g = plot_add_series(f, name, PLOT_ROLE_SCALED, PLOT_STEPS, n);
    if (!r || !g)
        return rope_fail(err, "ramp panel: figure pool exhausted");
    double lo = 1.0, hi = 1.0;
    for (int i = 0; i < n; i++) {
        r->x[i] = g->x[i] = i;
        r->y[i] = t->pair[i].r;
        g->y[i] = t->pair[i].ramp;
        if (r->y[i] > 0) {
            lo = fmin(lo, r->y[i]);
            hi = fmax(hi, r->y[i]);
        }
    }
    g->y2 = 1;
    g->emphasis = 1;
    add_regime_bands(f, t);
    char buf[PLOT_LABEL];
    int kept = 0;
    for (int i = 0; i < n; i++)
        kept += t->pair[i].regime == ROPE_REGIME_EXTRAPOLATE;
    if (t->method == ROPE_LLAMA3) {
        snprintf(buf, sizeof buf, "high_freq_factor %g", p->high_freq_factor);
        plot_add_hmarker(f, p->high_freq_factor, 0, PLOT_ROLE_MARK_BETA, buf);
        snprintf(buf, sizeof buf, "low_freq_factor %g", p->low_freq_factor);
        plot_add_hmarker(f, p->low_freq_factor, 0, PLOT_ROLE_MARK_BETA, buf);
        lo = fmin(lo, p->low_freq_factor);
        hi = fmax(hi, p->high_freq_factor);
        if (kept < n)
            snprintf(f->note, sizeof f->note, "llama3: r > %g kept, r < %g gets θ/s, blended between",
                     p->high_freq_factor, p->low_freq_factor);
        else
            plot_view_regime_note(v, f->note, sizeof f->note);
    } else {
        plot_view_regime_note(v, f->note, sizeof f->note);
    }
    plot_axis_set(&f->x, 0.0, n > 1 ? n - 1 : 1, 0, "pair d");
    plot_axis_fit(&f->y, lo, hi, 1, "r");
    plot_axis_set(&f->y2, 0.0, 1.0, 0, "γ");
    f->has_y2 = 1;
    return 0;
}

int plot_panel_ramp(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err)
{
    (void)size;
    f->kind = PLOT_KIND_XY;
    snprintf(f->title, sizeof f->title, "rotations r = L/λ and the ramp γ (%s)", method_name(v->table.method));
    if (!rope_method_is_yarn(v->params.method))
        return ramp_other(v, f, err);
    const rope_table *y = &v->yarn;
    const rope_params *p = &v->params;
    int n = y->n_pairs, hf = p->flavor == ROPE_FLAVOR_HF;
    /* the betas in effect: Hugging Face reads 0 as "use the default" */
    double beta = hf && p->beta_fast == 0.0 ? 32.0 : p->beta_fast;
    double alpha = hf && p->beta_slow == 0.0 ? 1.0 : p->beta_slow;
    plot_series *r = plot_add_series(f, "r", PLOT_ROLE_ORIG, PLOT_LINE, n);
    plot_series *paper = plot_add_series(f, "γ(r) paper", PLOT_ROLE_PAPER, PLOT_LINE, n);
    plot_series *code = plot_add_series(f, "γ code", PLOT_ROLE_SCALED, PLOT_STEPS, n);
    if (!r || !paper || !code)
        return rope_fail(err, "ramp panel: figure pool exhausted");
    double lo = fmin(alpha > 0 ? alpha : 1.0, beta > 0 ? beta : 1.0), hi = fmax(alpha, beta);
    for (int i = 0; i < n; i++) {
        r->x[i] = paper->x[i] = code->x[i] = i;
        r->y[i] = y->pair[i].r;
        paper->y[i] = rope_ramp_paper(y->pair[i].r, alpha, beta);
        code->y[i] = y->pair[i].ramp;
        if (r->y[i] > 0) {
            lo = fmin(lo, r->y[i]);
            hi = fmax(hi, r->y[i]);
        }
    }
    paper->y2 = code->y2 = 1;
    code->emphasis = 1;
    /* the other flavor's index ramp, where its correction range differs (truncate off, float32) */
    const rope_table *alt = &v->flavor_alt;
    rope_method cm = v->params.method;
    int own = cm == ROPE_NTK_PARTS || cm == ROPE_YARN || cm == ROPE_DYNAMIC_YARN; /* y is the current table */
    if (own && v->flavor_alt_ok && alt->has_corr &&
        (alt->corr_low != y->corr_low || alt->corr_high != y->corr_high)) {
        char name[PLOT_LABEL];
        snprintf(name, sizeof name, "γ %s", rope_flavor_name(alt->flavor));
        plot_series *o = plot_add_series(f, name, PLOT_ROLE_DIM, PLOT_STEPS, n);
        if (!o)
            return rope_fail(err, "ramp panel: figure pool exhausted");
        o->y2 = 1;
        for (int i = 0; i < n; i++) {
            o->x[i] = i;
            o->y[i] = alt->pair[i].ramp;
        }
    }
    add_regime_bands(f, y);
    char buf[PLOT_LABEL];
    snprintf(buf, sizeof buf, "β=beta_fast %g", beta);
    plot_add_hmarker(f, beta, 0, PLOT_ROLE_MARK_BETA, buf);
    snprintf(buf, sizeof buf, "α=beta_slow %g", alpha);
    plot_add_hmarker(f, alpha, 0, PLOT_ROLE_MARK_BETA, buf);
    if (y->has_corr) {
        snprintf(buf, sizeof buf, "lo %g", y->corr_low);
        plot_add_vmarker(f, y->corr_low, PLOT_ROLE_MARK_BETA, buf);
        snprintf(buf, sizeof buf, "hi %g", y->corr_high);
        plot_add_vmarker(f, y->corr_high, PLOT_ROLE_MARK_BETA, buf);
        snprintf(f->note, sizeof f->note, "code ramp: pairs %g..%g (raw %.2f..%.2f); paper: γ(r) from r=α to r=β",
                 y->corr_low, y->corr_high, y->corr_low_raw, y->corr_high_raw);
    }
    plot_axis_set(&f->x, 0.0, n > 1 ? n - 1 : 1, 0, "pair d");
    plot_axis_fit(&f->y, lo, hi, 1, "r");
    plot_axis_set(&f->y2, 0.0, 1.0, 0, "γ");
    f->has_y2 = 1;
    return 0;
}

int plot_panel_factor(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err)
{
    (void)size;
    int cur = (int)v->params.method, n = v->table.n_pairs;
    f->kind = PLOT_KIND_XY;
    snprintf(f->title, sizeof f->title, "factor θ'/θ per pair: %s (bold line) and others", method_name(cur));
    double lo = INFINITY, hi = 0.0;
    /* a subset that tells the story (plain, PI, NTK, YaRN, Llama 3, LongRoPE when it has lists),
     * then the current method drawn last as an emphasised line */
    const unsigned story = (1u << ROPE_NONE) | (1u << ROPE_LINEAR) | (1u << ROPE_NTK) | (1u << ROPE_YARN) |
                           (1u << ROPE_LLAMA3) | (1u << ROPE_LONGROPE);
    for (int k = 0; k <= ROPE_METHOD_COUNT; k++) {
        int m = k < ROPE_METHOD_COUNT ? k : cur;
        if ((k < ROPE_METHOD_COUNT && (m == cur || !(story & (1u << m)))) || !(v->method_ok & (1u << m)))
            continue;
        const rope_table *t = &v->method[m];
        char name[PLOT_LABEL];
        if ((m == ROPE_DYNAMIC || m == ROPE_DYNAMIC_YARN) && m != cur)
            snprintf(name, sizeof name, "%s@%d", method_name(m), v->compare_len);
        else
            snprintf(name, sizeof name, "%s", method_name(m));
        plot_series *s = plot_add_series(f, name, (plot_role)(PLOT_ROLE_METHOD + m), PLOT_LINE, n);
        if (!s)
            return rope_fail(err, "factor panel: figure pool exhausted");
        s->emphasis = m == cur;
        for (int i = 0; i < n; i++) {
            s->x[i] = i;
            s->y[i] = t->pair[i].factor;
            lo = fmin(lo, s->y[i]);
            hi = fmax(hi, s->y[i]);
        }
    }
    double s = v->params.factor;
    if (s > 1.0) {
        char buf[PLOT_LABEL];
        snprintf(buf, sizeof buf, "1/s=%.4g", 1.0 / s);
        plot_add_hmarker(f, 1.0 / s, 0, PLOT_ROLE_DIM, buf);
        lo = fmin(lo, 1.0 / s);
    }
    if (!(lo > 0.0)) lo = 1e-3;
    if (!(hi > 0.0)) hi = 1.0;
    plot_axis_set(&f->x, 0.0, n > 1 ? n - 1 : 1, 0, "pair d");
    plot_axis_set(&f->y, lo / 1.25, hi * 1.25, 1, "θ'/θ");
    if (cur == ROPE_DYNAMIC || cur == ROPE_DYNAMIC_YARN) {
        if (v->params.seq_len > v->params.orig_ctx)
            snprintf(f->note, sizeof f->note, "%s at seq_len %d: its s stretches with the sequence, here to %.4g",
                     method_name(cur), v->params.seq_len, v->table.scale);
        else
            snprintf(f->note, sizeof f->note, "%s at seq_len %d: s = 1 until the sequence passes L (set seq_len)",
                     method_name(cur), v->params.seq_len);
    } else if (!(v->method_ok & (1u << ROPE_LONGROPE)))
        snprintf(f->note, sizeof f->note, "others: none linear ntk yarn llama3; no longrope lists");
    else
        snprintf(f->note, sizeof f->note, "others: none linear ntk yarn llama3 longrope");
    return 0;
}
