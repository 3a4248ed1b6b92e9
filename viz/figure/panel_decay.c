/* viz/figure/panel_decay.c — the attention-decay figure: measured mean score (left axis) and mean
 * attention weight (right, log axis) against distance on a log axis, binned per log-spaced range of
 * distances, one colour per method, markers at L and s·L. */
#include <math.h>
#include <stdio.h>
#include "panel_decay.h"

int plot_panel_decay(const plot_decay_curve *c, int n_curves, double L, double sL, int cols, int rows,
                     plot_figure *f, rope_error *err)
{
    (void)rows;
    plot_figure_clear(f);
    if (n_curves < 1 || n_curves > PLOT_MAX_SERIES / 2)
        return rope_fail(err, "decay figure: %d curves (1 to %d)", n_curves, PLOT_MAX_SERIES / 2);
    int n = c[0].n;
    for (int k = 0; k < n_curves; k++)
        if (c[k].n != n || n < 2 || !c[k].score) return rope_fail(err, "decay figure: curves of different or too few points");
    int bins = 2 * cols < 16 ? 16 : 2 * cols > 512 ? 512 : 2 * cols;
    double hi = n - 1, lhi = log(hi);
    f->kind = PLOT_KIND_XY;
    snprintf(f->title, sizeof f->title, "measured attention decay: mean score and weight vs distance");
    double lo_y = 0, hi_y = 0, lo_w = INFINITY, hi_w = 0;
    for (int k = 0; k < n_curves; k++)
        for (int part = 0; part < 2; part++) {
            const double *v = part ? c[k].weight : c[k].score;
            if (!v) continue;
            char name[PLOT_LABEL];
            snprintf(name, sizeof name, "%s%s", c[k].label ? c[k].label : rope_method_get(c[k].method)->name,
                     part ? " weight" : "");
            plot_series *s = plot_add_series(f, name, (plot_role)(PLOT_ROLE_METHOD + c[k].method),
                                             part ? PLOT_POINTS : PLOT_LINE, bins);
            if (!s) return rope_fail(err, "decay figure: figure pool exhausted");
            s->y2 = part;
            s->emphasis = k == 0 && !part;
            int m = 0;
            long prev = 0;
            for (int b = 0; b < bins; b++) {
                /* distances (prev, e] of bin b, e = exp((b+1)/bins · ln(n−1)) */
                long e = (long)floor(exp((b + 1) * lhi / bins));
                if (b == bins - 1) e = (long)hi;
                if (e <= prev) continue;
                double sum = 0;
                for (long t = prev + 1; t <= e; t++) sum += v[t];
                double y = sum / (double)(e - prev);
                s->x[m] = sqrt((double)(prev + 1) * (double)e);
                s->y[m] = part && !(y > 0) ? NAN : y;
                if (part && y > 0) { lo_w = fmin(lo_w, y); hi_w = fmax(hi_w, y); }
                if (!part) { lo_y = fmin(lo_y, y); hi_y = fmax(hi_y, y); }
                m++;
                prev = e;
            }
            s->n = m;
        }
    char buf[PLOT_LABEL];
    snprintf(buf, sizeof buf, "L=%g", L);
    if (L >= 1 && L <= hi) plot_add_vmarker(f, L, PLOT_ROLE_MARK_CTX, buf);
    if (sL > L && sL <= hi) {
        snprintf(buf, sizeof buf, "s·L=%g", sL);
        plot_add_vmarker(f, sL, PLOT_ROLE_MARK_EXT, buf);
    }
    plot_axis_set(&f->x, 1, hi, 1, "Δ tokens");
    plot_axis_fit(&f->y, lo_y, hi_y, 0, "mean q·k");
    if (hi_w > 0) {
        f->has_y2 = 1;
        plot_axis_fit(&f->y2, lo_w, hi_w, 1, "mean weight");
    }
    snprintf(f->note, sizeof f->note, "%d tokens; each point the mean over a log-spaced range of Δ", n);
    return 0;
}
