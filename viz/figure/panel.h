/* viz/figure/panel.h — the explorer's panels: each is a function from the view (the lab's state as the
 * drawing side sees it) to one plot_figure. Adding a panel means writing one figure function;
 * every renderer draws it.
 *
 * Contract: plot_view_compute() fills every table a panel reads from ropecore (the current
 * method, YaRN at the same parameters for the regimes and the ramp, the other flavor, and every
 * method for the comparison panels). Panels only read the view, never compute a frequency
 * themselves, never allocate (they fill the figure's pools) and never print. */
#ifndef PANEL_H
#define PANEL_H

#include "plot.h"
#include "rope.h"

typedef enum plot_panel_id {
    PLOT_PANEL_WAVELENGTH, /* λ and λ' per pair (log), L and s·L lines, YaRN regimes shaded */
    PLOT_PANEL_RAMP,       /* r(d) with α, β lines; the code's discrete γ and the paper's γ(r) */
    PLOT_PANEL_FACTOR,     /* θ'/θ per pair for every method, the current one highlighted */
    PLOT_PANEL_TABLE,      /* index, λ, λ', r, γ, regime, factor: scrollable */
    PLOT_PANEL_CLOCKS,     /* phase dials at position p, original and scaled hands */
    PLOT_PANEL_SCORE,      /* attention score vs distance, L and s·L markers */
    PLOT_PANEL_HEATMAP,    /* angle mod 2π over position × pair, original vs scaled */
    PLOT_PANEL_MODEL,      /* the loaded model under the current method (panel_model.h) */
    PLOT_PANEL_COUNT
} plot_panel_id;

#define PLOT_MAX_SEL 16
#define PLOT_MAX_PARTS 3   /* sub-figures a zoomed panel may draw at once */

struct plot_model;

/* The score panel's smoothing: one point per dot column (at most PLOT_SCORE_MAX_BINS), each the mean of
 * PLOT_SCORE_PER_BIN (log axis: _LOG, where each sample costs a cos/sin per pair) consecutive samples
 * of ropecore's grid (x: their mean Δ, geometric on a log axis); the grid has bins·per points from 0
 * (log: 1) to 2·max(L, s·L). */
#define PLOT_SCORE_PER_BIN     8
#define PLOT_SCORE_PER_BIN_LOG 4
#define PLOT_SCORE_MAX_BINS 1024

/* How much room a panel has, in the renderer's own length unit ("points": a character cell, a
 * pixel, …), and how big its text and its finest marks are in that unit. Panels decide how densely
 * to sample curves, how many dials fit and how much room labels take from this alone; they never
 * see cells or pixels. A terminal computes it from cells (tui_size_hint), a pixel renderer from its
 * font metrics. */
typedef struct plot_size {
    double w, h;            /* the drawable area inside the panel's frame, points */
    double text_w, text_h;  /* one character of label text: advance width and line height, points */
    double dot_w, dot_h;    /* the finest mark a curve is drawn with (a braille dot, a pixel), points */
} plot_size;

/* Whole label characters across / text lines down the area (at least 4 each). */
int plot_size_cols(const plot_size *s);
int plot_size_rows(const plot_size *s);

typedef struct plot_view {
    rope_params params;        /* the current, validated parameters */
    rope_table  table;         /* the current method's table */
    rope_table  yarn;          /* regimes and ramp: the current table for the YaRN family, else
                                  YaRN at the same parameters */
    rope_table  flavor_alt;    /* the current method under the other flavor */
    int         flavor_alt_ok;
    rope_table  method[ROPE_METHOD_COUNT]; /* every method at the current parameters */
    unsigned    method_ok;     /* bit m: method[m] was computed (LongRoPE needs its lists) */
    int         compare_len;   /* sequence length the dynamic methods are shown at (tokens) */
    double      position;      /* p, tokens: the clocks' position */
    int         cursor;        /* the pair table's highlighted pair */
    int         scroll;        /* the pair table's first row */
    int         n_sel;         /* pairs with a dial; 0 = an automatic spread */
    int         sel[PLOT_MAX_SEL]; /* [n_sel] pair indices */
    int         score_log;     /* 1: log Δ axis */
    int         score_bound;   /* 1: also draw the RoFormer bound of the current method */
    unsigned    score_methods; /* bit m: draw method m's q = k = 1 curve (the current one always) */
    const struct plot_model *model; /* the model panel's numbers (not owned), NULL: none yet */
} plot_view;

/* Defaults for everything but the tables. */
void plot_view_init(plot_view *v);
/* Recomputes every table for p (p must validate; -1 with ropecore's message otherwise, and the
 * view is left unchanged). Clamps cursor, scroll and the selection to the new pair count. */
int plot_view_compute(plot_view *v, const rope_params *p, rope_error *err);

const char *plot_panel_name(plot_panel_id id);   /* "wavelength", "ramp", … */

/* Fills f (cleared first) with panel id for the view, sized by the hint (how densely to sample
 * curves and heatmaps, how many dials fit). -1 with a message if a pool ran out or ropecore
 * refused a curve. */
int plot_panel_build(plot_panel_id id, const plot_view *v, const plot_size *size, plot_figure *f,
                     rope_error *err);

/* How many sub-figures panel id draws: 1, or every sub-view of the model panel when it is zoomed. */
int plot_panel_parts(plot_panel_id id, const plot_view *v, int zoomed);
/* Sub-figure `part` (0 … plot_panel_parts − 1) of a zoomed panel; part 0 of an unzoomed panel is
 * plot_panel_build. */
int plot_panel_build_part(plot_panel_id id, int part, const plot_view *v, const plot_size *size,
                          plot_figure *f, rope_error *err);

/* The individual panels (plot_panel_build dispatches to these). */
int plot_panel_wavelength(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err);
int plot_panel_ramp(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err);
int plot_panel_factor(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err);
int plot_panel_table(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err);
int plot_panel_clocks(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err);
int plot_panel_score(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err);
int plot_panel_heatmap(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err);
int plot_panel_model(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err);

/* One line naming the regimes the current method puts the pairs in (the shading of panels 1 and 2):
 * "s = 1: …" when the method leaves every pair as it is, "linear: every pair interpolated …", YaRN's
 * betas, llama3's bands. */
void plot_view_regime_note(const plot_view *v, char *buf, size_t n);
/* 1 if the other flavor's arithmetic gives pair i a different γ or θ' (beyond float32 rounding). */
int plot_view_flavor_differs(const plot_view *v, int i);
/* How many pairs differ under the other flavor (the pair table's ≠ column; the status line). */
int plot_view_flavor_diffs(const plot_view *v);

/* The pairs the clocks show: the selection, or a spread across the regimes; returns how many
 * (at most max) into out[max]. */
int plot_view_clock_pairs(const plot_view *v, int max, int *out);

#endif
