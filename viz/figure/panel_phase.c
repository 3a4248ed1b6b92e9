/* viz/figure/panel_phase.c — where each pair's rotation stands: phase dials at position p (original and
 * scaled hands, a mark for pairs that do not finish one turn within L), and the angle mod 2π as
 * a position × pair heatmap for the original and the scaled frequencies. */
#include <math.h>
#include <stdio.h>
#include "panel.h"


int plot_panel_clocks(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err)
{
    (void)err;
    const rope_table *t = &v->table, *orig = &v->method[ROPE_NONE];
    double p = v->position, L = v->params.orig_ctx;
    f->kind = PLOT_KIND_DIALS;
    snprintf(f->title, sizeof f->title, "phase at p=%.10g: dotted hand θ, solid hand θ'", p);
    /* dials in a grid, one text line kept for the note */
    int fit = (int)floor(size->w / (PLOT_DIAL_COLS * size->text_w))
            * (int)floor((size->h - size->text_h) / (PLOT_DIAL_ROWS * size->text_h));
    if (fit < 1) fit = 1;
    if (fit > PLOT_MAX_DIALS) fit = PLOT_MAX_DIALS;
    int pairs[PLOT_MAX_DIALS];
    int n = plot_view_clock_pairs(v, fit, pairs);
    int shorts = 0;
    for (int k = 0; k < n; k++) {
        int i = pairs[k];
        plot_dial *d = plot_add_dial(f);
        if (!d)
            break;
        d->pair = i;
        d->angle[0] = rope_phase_wrapped(orig, i, p);
        d->angle[1] = rope_phase_wrapped(t, i, p);
        d->short_turn = t->pair[i].lambda > L; /* r < 1: not one full turn within L */
        shorts += d->short_turn;
        rope_regime rg = v->yarn.pair[i].regime;
        d->role = rg == ROPE_REGIME_EXTRAPOLATE ? PLOT_ROLE_EXTRAP
                : rg == ROPE_REGIME_BLEND ? PLOT_ROLE_BLEND : PLOT_ROLE_INTERP;
        snprintf(d->label, sizeof d->label, "d%d", i);
    }
    snprintf(f->note, sizeof f->note, "◌ = fewer than one turn within L=%g (λ > L)%s", L,
             v->n_sel ? "" : "; pick pairs in the pair table");
    return 0;
}

int plot_panel_heatmap(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err)
{
    const rope_table *t = &v->table, *orig = &v->method[ROPE_NONE];
    int n = t->n_pairs;
    double L = v->params.orig_ctx, P = fmax(L, t->scale * L);
    f->kind = PLOT_KIND_HEATMAP;
    snprintf(f->title, sizeof f->title, "angle mod 2π over position × pair (0 … %g tokens)", P);
    /* two maps side by side after 12 characters of labels, 5 text lines for titles and axes; one
     * heatmap cell is 2 × 2 of the finest marks */
    int nx = (int)floor((size->w - 12 * size->text_w) / 2 / (2 * size->dot_w));
    int ny = (int)floor((size->h - 5 * size->text_h) / (2 * size->dot_h));
    if (nx < 8) nx = 8;
    if (nx > 512) nx = 512;
    if (ny > n) ny = n;
    if (ny < 2) ny = n < 2 ? n : 2;
    if (nx > 60000 / ny) nx = 60000 / ny; /* two maps stay within the figure's pool on huge screens */
    char title[PLOT_LABEL];
    snprintf(title, sizeof title, "scaled (%s)", rope_method_get(t->method)->name);
    plot_heatmap *ho = plot_add_heatmap(f, "original", nx, ny);
    plot_heatmap *hs = plot_add_heatmap(f, title, nx, ny);
    if (!ho || !hs)
        return rope_fail(err, "heatmap panel: figure pool exhausted");
    for (int r = 0; r < ny; r++) {
        int i = ny == 1 ? 0 : (int)floor((double)r * (n - 1) / (ny - 1) + 0.5);
        for (int c = 0; c < nx; c++) {
            double pos = (double)c * P / (nx - 1);
            ho->v[r * nx + c] = rope_phase_wrapped(orig, i, pos);
            hs->v[r * nx + c] = rope_phase_wrapped(t, i, pos);
        }
    }
    ho->vmin = hs->vmin = 0.0;
    ho->vmax = hs->vmax = 2.0 * M_PI;
    ho->cyclic = hs->cyclic = 1;
    plot_axis_set(&f->x, 0.0, P, 0, "position");
    plot_axis_set(&f->y, 0.0, n > 1 ? n - 1 : 1, 0, "pair d");
    char buf[PLOT_LABEL];
    snprintf(buf, sizeof buf, "L");
    plot_add_vmarker(f, L, PLOT_ROLE_MARK_CTX, buf);
    if (v->position <= P) {
        snprintf(buf, sizeof buf, "p");
        plot_add_vmarker(f, v->position, PLOT_ROLE_ACCENT, buf);
    }
    snprintf(f->note, sizeof f->note, "rows: pairs 0 (top) … %d; colour: angle 0 … 2π", n - 1);
    return 0;
}
