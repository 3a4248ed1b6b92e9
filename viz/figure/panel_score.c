/* viz/figure/panel_score.c — attention score vs distance: ropecore's q = k = 1 curve (RoFormer's decay)
 * for the chosen methods and the current method's RoFormer bound, divided by the pair count, on
 * a linear or log Δ axis out to twice s·L, with markers at L and s·L. */
#include <math.h>
#include <stdio.h>
#include "panel.h"

int plot_panel_score(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err)
{
    double dots = floor(size->w / size->dot_w); /* dot columns across the area */
    int cur = (int)v->params.method;
    double L = v->params.orig_ctx, sL = v->table.scale * L;
    double hi = 2.0 * fmax(L, sL);
    /* four samples per dot column draw the fast oscillation as its envelope (two on the log axis,
     * where each point costs a cos/sin per pair instead of one complex rotation); capped below */
    double n_samples = dots * (v->score_log ? 2 : 4);
    rope_grid g = { v->score_log ? 1.0 : 0.0, hi, n_samples > 1e6 ? 1000000 : (int)n_samples, v->score_log };
    if (g.n < 64) g.n = 64;
    if (g.n > 4096) g.n = 4096;
    /* the bound is smooth: one sample per dot column is enough */
    rope_grid gb = g;
    gb.n = g.n / 4 < 32 ? 32 : g.n / 4;
    f->kind = PLOT_KIND_XY;
    snprintf(f->title, sizeof f->title, "attention score vs distance, q = k = 1%s",
             v->score_bound ? " and RoFormer's relative bound" : "");
    double lo_y = 0.0, hi_y = 0.0;
    for (int k = 0; k <= ROPE_METHOD_COUNT + 1; k++) {
        /* other chosen methods first, then the current one's bound, then its curve on top */
        int m = k < ROPE_METHOD_COUNT ? k : cur;
        int bound = k == ROPE_METHOD_COUNT;
        if (k < ROPE_METHOD_COUNT && (m == cur || !(v->score_methods & (1u << m))))
            continue;
        if (bound && !v->score_bound)
            continue;
        if (!(v->method_ok & (1u << m)))
            continue;
        const rope_table *t = &v->method[m];
        char name[PLOT_LABEL];
        snprintf(name, sizeof name, "%s%s", rope_method_get(m)->name, bound ? " rel. bound (RoFormer)" : "");
        const rope_grid *gg = bound ? &gb : &g;
        plot_series *s = plot_add_series(f, name, bound ? PLOT_ROLE_DIM : (plot_role)(PLOT_ROLE_METHOD + m),
                                         PLOT_LINE, gg->n);
        if (!s)
            return rope_fail(err, "score panel: figure pool exhausted");
        if (rope_score_curve(t, bound ? ROPE_SCORE_BOUND : ROPE_SCORE_ONES, gg, s->y, err))
            return -1;
        s->emphasis = m == cur && !bound;
        for (int j = 0; j < gg->n; j++) {
            s->x[j] = rope_grid_at(gg, j);
            s->y[j] /= t->n_pairs;
            lo_y = fmin(lo_y, s->y[j]);
            hi_y = fmax(hi_y, s->y[j]);
        }
    }
    char buf[PLOT_LABEL];
    snprintf(buf, sizeof buf, "L=%g", L);
    plot_add_vmarker(f, L, PLOT_ROLE_MARK_CTX, buf);
    if (sL > L) {
        snprintf(buf, sizeof buf, "s·L=%g", sL);
        plot_add_vmarker(f, sL, PLOT_ROLE_MARK_EXT, buf);
    }
    plot_axis_set(&f->x, g.lo, g.hi, g.log, "Δ tokens");
    plot_axis_fit(&f->y, lo_y, hi_y, 0, "score");
    snprintf(f->note, sizeof f->note, "%s Δ axis · per pair: ropescope curve ÷ %d", v->score_log ? "log" : "linear",
             v->table.n_pairs);
    return 0;
}
