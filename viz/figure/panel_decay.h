/* viz/figure/panel_decay.h — the attention-decay figure: a model's measured mean score and mean
 * attention weight by distance (`ropescope decay`, kernels/eval/eval_decay.h) for one or several
 * methods, drawn by every renderer. viz never calls kernels: the caller hands the curves over.
 *
 * Contract: curves are plain arrays indexed by distance Δ = 0 … n−1; the figure shows them on a log
 * Δ axis from 1 to n−1, each point the mean of the curve over one log-spaced bin of distances (the
 * raw curve oscillates from Δ to Δ faster than a cell can show), scores on the left axis and weights
 * on the right (log) axis, with markers at L and s·L. Never allocates beyond the figure's pool. */
#ifndef PANEL_DECAY_H
#define PANEL_DECAY_H

#include "plot.h"
#include "rope.h"

typedef struct plot_decay_curve {
    rope_method   method;   /* colour (PLOT_ROLE_METHOD + method) and name */
    const char   *label;    /* e.g. "yarn L1 H2" or "yarn mean" */
    int           n;        /* points: Δ = 0 … n−1 (>= 2) */
    const double *score;    /* [n] mean pre-softmax q·k at distance Δ */
    const double *weight;   /* [n] mean softmax weight at distance Δ, or NULL */
} plot_decay_curve;

/* Fills f (cleared first) with up to PLOT_MAX_SERIES/2 curves; L = the trained context, sL = the
 * extended one (<= L: no marker). cols is the width hint (bins = 2·cols, 16 … 512). -1 with a message
 * when there is nothing to draw or the pool is too small. */
int plot_panel_decay(const plot_decay_curve *c, int n_curves, double L, double sL, int cols, int rows,
                     plot_figure *f, rope_error *err);

#endif
