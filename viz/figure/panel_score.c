/* viz/figure/panel_score.c — attention score vs distance: ropecore's q = k = 1 curve (RoFormer's decay)
 * for the chosen methods, smoothed to one point per dot column (the mean of PLOT_SCORE_PER_BIN
 * samples, fewer on the log axis, so the fast oscillation reads as a curve, not as min/max streaks), and the current
 * method's RoFormer relative bound, all divided by the pair count, on a log (default) or linear Δ
 * axis out to twice s·L, with markers at L and s·L. */
#include <math.h>
#include <stdio.h>
#include "panel.h"

int plot_panel_score(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err)
{
    double dots = floor(size->w / size->dot_w); /* dot columns across the area */
    int cur = (int)v->params.method;
    double L = v->params.orig_ctx, sL = v->table.scale * L;
    double hi = 2.0 * fmax(L, sL);
    /* one bin per dot column; each bin is the mean of PLOT_SCORE_PER_BIN consecutive grid samples */
    int bins = dots > PLOT_SCORE_MAX_BINS ? PLOT_SCORE_MAX_BINS : dots < 32 ? 32 : (int)dots;
    int per = v->score_log ? PLOT_SCORE_PER_BIN_LOG : PLOT_SCORE_PER_BIN;
    rope_grid g = { v->score_log ? 1.0 : 0.0, hi, bins * per, v->score_log };
    /* the bound is smooth: one sample per bin */
    rope_grid gb = g;
    gb.n = bins;
    double *tmp = plot_alloc(f, (size_t)g.n); /* [g.n] one curve's raw samples */
    if (!tmp)
        return rope_fail(err, "score panel: figure pool exhausted");
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
        plot_series *s = plot_add_series(f, name, bound ? PLOT_ROLE_DIM : (plot_role)(PLOT_ROLE_METHOD + m),
                                         PLOT_LINE, bins);
        if (!s)
            return rope_fail(err, "score panel: figure pool exhausted");
        s->emphasis = m == cur && !bound;
        if (bound) {
            if (rope_score_curve(t, ROPE_SCORE_BOUND, &gb, s->y, err))
                return -1;
            for (int j = 0; j < bins; j++) {
                s->x[j] = rope_grid_at(&gb, j);
                s->y[j] /= t->n_pairs;
            }
        } else {
            if (rope_score_curve(t, ROPE_SCORE_ONES, &g, tmp, err))
                return -1;
            for (int j = 0; j < bins; j++) {
                double sx = 0.0, sy = 0.0;
                for (int q = 0; q < per; q++) {
                    double d = rope_grid_at(&g, j * per + q);
                    sx += g.log ? log(d) : d;
                    sy += tmp[j * per + q];
                }
                s->x[j] = g.log ? exp(sx / per) : sx / per;
                s->y[j] = sy / per / t->n_pairs;
            }
        }
        for (int j = 0; j < bins; j++) {
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
    snprintf(f->note, sizeof f->note, "%s Δ axis · per pair: ropescope curve ÷ %d · mean of %d samples per point",
             v->score_log ? "log" : "linear", v->table.n_pairs, per);
    return 0;
}
