/* app/explorer/tour.h — the guided tour: a fixed list of steps from one 2-D rotation to LongRoPE, each
 * setting the lab's parameters, naming the panels that matter and the thing to look at, and saying
 * it in two or three lines with the formula. The controller (tui_app.c) owns the tour's position
 * and keys (T, n, N); everything else stays live while a step is shown.
 *
 * Contract: a step only describes; tour_apply changes the lab through lab.h's functions (the
 * parameters validated by ropecore) and returns the panels to show. Panels are named by their
 * plot_panel_id bit, so a step may name a panel this build does not have yet (the model panel,
 * id 7 = panel 8): tour_panels() drops ids ≥ PLOT_PANEL_COUNT, and a step's `later` text says what
 * that panel will show. No printing, no exit. */
#ifndef TOUR_H
#define TOUR_H

#include "lab.h"

#define TOUR_PANEL(id) (1u << (id))   /* a step's panel mask: TOUR_PANEL(PLOT_PANEL_SCORE) | … */
#define TOUR_PANEL_MODEL PLOT_PANEL_MODEL /* the model panel (panel 8) */

typedef struct tour_step {
    const char *title;        /* "NTK-by-parts: keep the fast pairs, interpolate the slow" */
    const char *text;         /* 2–3 lines' worth, with the formula; the renderer wraps it */
    const char *look;         /* what to look at, naming panels by number */
    const char *later;        /* what the model panel adds once it exists ("" none) */
    /* parameters: the step starts from plain RoPE over this geometry */
    rope_method method;
    double factor;
    int    head_dim, orig_ctx;
    double base;
    double beta_fast, beta_slow;
    int    seq_len;           /* 0: start-up */
    const char *preset;       /* non-NULL: load this preset instead (LongRoPE's lists) */
    double position;          /* the clocks' position, as a multiple of L (0: leave it) */
    unsigned panels;          /* TOUR_PANEL bits to show */
    int    focus_panel;       /* plot_panel_id to focus */
    lab_param focus;          /* the parameter to focus (the one worth changing here) */
    int    score_log;         /* the score panel's axis for this step */
} tour_step;

int tour_count(void);
const tour_step *tour_get(int i);                 /* NULL outside 0..tour_count()-1 */

/* The panel mask of step i that this build can show (ids < PLOT_PANEL_COUNT; never empty). */
unsigned tour_panels(const tour_step *s);

/* Sets the lab to step i's parameters, position, focus and score axis; -1 with ropecore's message
 * (the lab unchanged) if they do not validate. */
int tour_apply(lab *L, int i, rope_error *err);

#endif
