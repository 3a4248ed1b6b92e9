/* viz/tui/tui_layout.h — where the panels go: the visible panels in a grid whose cells keep a
 * readable shape, the pair table in a right-hand column on wide screens, one panel full screen
 * when zoomed, and paging when not every panel fits.
 *
 * Contract: rectangles never overlap and stay inside the area; a shown panel gets at least
 * TUI_PANEL_MIN_W × TUI_PANEL_MIN_H cells unless the area itself is smaller; the focused panel is
 * always among those shown. Pure: no grid, no terminal. */
#ifndef TUI_LAYOUT_H
#define TUI_LAYOUT_H

#include "panel.h"
#include "tui_grid.h"

#define TUI_MIN_W 80           /* below this the explorer shows the "too small" screen */
#define TUI_MIN_H 24
#define TUI_PANEL_MIN_W 36
#define TUI_PANEL_MIN_H 9
#define TUI_TABLE_W 58         /* the pair table's column on wide screens */

/* visible: bit per plot_panel_id. Fills rect[id] for each panel shown and returns the mask of
 * shown panels (a subset of visible: the page holding `focus`). */
unsigned tui_layout_panels(tui_rect area, unsigned visible, int focus, int zoom,
                           tui_rect rect[PLOT_PANEL_COUNT]);

#endif
