/* viz/tui/tui_layout.h — the terminal's layout rules in cells, applied through the neutral layout
 * (viz/figure/layout.h: which panels show, focus, zoom, placement).
 *
 * Contract: that of plot_layout_place, with TUI_PANEL_MIN_W × TUI_PANEL_MIN_H cells the minimum
 * panel. Pure: no grid, no terminal. */
#ifndef TUI_LAYOUT_H
#define TUI_LAYOUT_H

#include "layout.h"
#include "tui_grid.h"

#define TUI_MIN_W 80           /* below this the explorer shows the "too small" screen */
#define TUI_MIN_H 24
#define TUI_PANEL_MIN_W 36
#define TUI_PANEL_MIN_H 9
#define TUI_TABLE_W 58         /* the pair table's column on wide screens */

extern const plot_layout_rules tui_layout_rules;

/* visible: bit per plot_panel_id. Fills rect[id] for each panel shown and returns the mask of
 * shown panels (a subset of visible: the page holding `focus`). */
unsigned tui_layout_panels(tui_rect area, unsigned visible, int focus, int zoom,
                           tui_rect rect[PLOT_PANEL_COUNT]);

#endif
