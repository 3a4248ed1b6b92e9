/* viz/figure/panel_decay.c — a measured decay curve binned over log-spaced ranges of distance
 * (contract in panel_decay.h). */
#include <math.h>
#include "panel_decay.h"

plot_series *plot_decay_series(plot_figure *f, const char *name, plot_role role, plot_style style,
                               const double *v, long hi, int bins, int positive_only)
{
    plot_series *s = plot_add_series(f, name, role, style, bins);
    if (!s) return NULL;
    double lhi = log((double)hi);
    int m = 0;
    long prev = 0;
    for (int b = 0; b < bins; b++) {
        long e = b == bins - 1 ? hi : (long)floor(exp((b + 1) * lhi / bins));
        if (e <= prev) continue;
        double sum = 0;
        for (long t = prev + 1; t <= e; t++) sum += v[t];
        double y = sum / (double)(e - prev);
        s->x[m] = sqrt((double)(prev + 1) * (double)e);
        s->y[m] = positive_only && !(y > 0) ? NAN : y;
        m++;
        prev = e;
    }
    s->n = m;
    return s;
}
