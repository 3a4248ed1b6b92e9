/* viz/figure/layout.h — which panels show and where, for any renderer: the layout state (the panels
 * the user shows, the focused one, zoom) with its changes, and the placement of the shown panels in
 * an area: a grid whose cells keep a readable shape, the pair table in a side column on wide
 * areas, one panel filling the area when zoomed, and paging when not every panel fits.
 *
 * Contract: lengths are in the renderer's own unit (cells, pixels), given with the rules (minimum
 * panel size, the table column, the preferred aspect). Rectangles never overlap and stay inside
 * the area; a shown panel gets at least the minimum size unless the area itself is smaller; the
 * focused panel is always among those shown; at least one panel is visible. Pure: no drawing. */
#ifndef LAYOUT_H
#define LAYOUT_H

#include "panel.h"

typedef struct plot_rect { int x, y, w, h; } plot_rect;

typedef struct plot_layout_rules {
    int    panel_min_w, panel_min_h;  /* the smallest panel worth drawing */
    int    table_w;                   /* the pair table's side column … */
    int    side_extra;                /* … used when the area is ≥ table_w + 2·panel_min_w + side_extra wide */
    double aspect;                    /* the preferred panel width : height, in these units */
} plot_layout_rules;

typedef struct plot_layout {
    unsigned visible;   /* bit per plot_panel_id */
    int      focus;     /* plot_panel_id */
    int      zoom;      /* 1: the focused panel fills the area */
} plot_layout;

/* Every panel shown, the wavelength panel focused, no zoom. */
void plot_layout_init(plot_layout *l);
/* Shows or hides panel id (a shown panel takes the focus; hiding the focused one moves it to the
 * next shown). Returns 1 shown, 0 hidden, -1 refused: it is the last one shown. */
int  plot_layout_toggle(plot_layout *l, int id);
void plot_layout_focus(plot_layout *l, int id);     /* ignored unless id is shown */
void plot_layout_focus_step(plot_layout *l, int dir); /* the next (+1) / previous (-1) shown panel */
void plot_layout_set_zoom(plot_layout *l, int on);

/* Fills rect[id] for each panel shown in `area` and returns the mask of shown panels (a subset of
 * visible: the page holding the focus). */
unsigned plot_layout_place(const plot_layout *l, plot_rect area, const plot_layout_rules *rules,
                           plot_rect rect[PLOT_PANEL_COUNT]);

#endif
