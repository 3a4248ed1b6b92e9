/* viz/figure/panel_decay.h — one measured attention-decay curve as a figure series: a model's mean
 * score or mean attention weight by distance (kernels/eval/eval_decay.h), as panel 8's "attention
 * over distance" view draws it in the terminal and in the window. viz never calls kernels: the
 * caller hands the curve over.
 *
 * Contract: the curve v is indexed by distance Δ = 0 … hi; the series has one point per non-empty
 * log-spaced range of distances (prev, e], e = ⌊exp((b+1)/bins · ln hi)⌋ for bin b (the last ends
 * at hi): x the range's geometric-mean distance, y the mean of v over the range (the raw curve
 * oscillates from Δ to Δ faster than a cell can show). positive_only (weights, drawn on a log axis)
 * makes a range whose mean is not > 0 NAN. Never allocates beyond the figure's pool. */
#ifndef PANEL_DECAY_H
#define PANEL_DECAY_H

#include "plot.h"

/* The series (name, role, style as plot_add_series), NULL when the figure's pool is full. hi >= 2,
 * bins in 16 … 512. */
plot_series *plot_decay_series(plot_figure *f, const char *name, plot_role role, plot_style style,
                               const double *v, long hi, int bins, int positive_only);

#endif
