/* viz/tui/tui_layout.c — the terminal's layout rules (minimum panel size in cells, the pair table's
 * column, a 3.5:1 columns:rows cell shape) applied through the neutral layout (viz/figure/layout.c). */
#include "tui_layout.h"

const plot_layout_rules tui_layout_rules = {
    .panel_min_w = TUI_PANEL_MIN_W, .panel_min_h = TUI_PANEL_MIN_H,
    .table_w = TUI_TABLE_W, .side_extra = 20, .aspect = 3.5,
};

unsigned tui_layout_panels(tui_rect area, unsigned visible, int focus, int zoom,
                           tui_rect rect[PLOT_PANEL_COUNT])
{
    plot_layout l = { visible, focus, zoom };
    plot_rect r[PLOT_PANEL_COUNT];
    unsigned shown = plot_layout_place(&l, (plot_rect){ area.x, area.y, area.w, area.h }, &tui_layout_rules, r);
    for (int i = 0; i < PLOT_PANEL_COUNT; i++)
        rect[i] = (tui_rect){ r[i].x, r[i].y, r[i].w, r[i].h };
    return shown;
}
