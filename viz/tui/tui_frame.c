/* viz/tui/tui_frame.c — panel frames (rounded boxes with the title in the top edge) and the dispatch
 * from a figure's kind to its drawer (the drawers' shared glyphs are in tui_glyph.c, so the drawers
 * never call back into this file). */
#include <stdio.h>
#include "tui_draw.h"

tui_rect tui_rect_inner(tui_rect r)
{
    tui_rect in = { r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
    if (in.w < 0) in.w = 0;
    if (in.h < 0) in.h = 0;
    return in;
}

void tui_draw_frame(tui_grid *g, tui_rect r, const char *title, int focused, const tui_style *st)
{
    if (r.w < 2 || r.h < 2)
        return;
    uint32_t col = focused ? tui_role_rgb(PLOT_ROLE_ACCENT) : tui_role_rgb(PLOT_ROLE_AXIS);
    uint8_t attr = focused ? TUI_BOLD : 0;
    (void)st;
    int x1 = r.x + r.w - 1, y1 = r.y + r.h - 1;
    for (int x = r.x + 1; x < x1; x++) {
        tui_put(g, x, r.y, focused ? 0x2501 : 0x2500, col, TUI_DEFAULT, attr);
        tui_put(g, x, y1, focused ? 0x2501 : 0x2500, col, TUI_DEFAULT, attr);
    }
    for (int y = r.y + 1; y < y1; y++) {
        tui_put(g, r.x, y, focused ? 0x2503 : 0x2502, col, TUI_DEFAULT, attr);
        tui_put(g, x1, y, focused ? 0x2503 : 0x2502, col, TUI_DEFAULT, attr);
    }
    tui_put(g, r.x, r.y, 0x256D, col, TUI_DEFAULT, attr);
    tui_put(g, x1, r.y, 0x256E, col, TUI_DEFAULT, attr);
    tui_put(g, r.x, y1, 0x2570, col, TUI_DEFAULT, attr);
    tui_put(g, x1, y1, 0x256F, col, TUI_DEFAULT, attr);
    if (title && *title && r.w > 6) {
        int x = r.x + 2;
        x += tui_text(g, x, r.y, 1, " ", col, TUI_DEFAULT, attr);
        x += tui_text_fit(g, x, r.y, r.w - 6, title, focused ? col : tui_role_rgb(PLOT_ROLE_TEXT), TUI_DEFAULT,
                      TUI_BOLD);
        tui_text(g, x, r.y, 1, " ", col, TUI_DEFAULT, attr);
    }
}

void tui_draw_figure(tui_grid *g, tui_rect r, const plot_figure *f, const tui_style *st, int focused,
                     const char *tag)
{
    char title[160];
    snprintf(title, sizeof title, "%s%s%s", tag ? tag : "", tag && *tag ? " " : "", f->title);
    tui_draw_frame(g, r, title, focused, st);
    tui_rect in = tui_rect_inner(r);
    if (in.w < 4 || in.h < 2)
        return;
    switch (f->kind) {
    case PLOT_KIND_XY: tui_draw_xy(g, in, f, st); break;
    case PLOT_KIND_HEATMAP: tui_draw_heatmap(g, in, f, st); break;
    case PLOT_KIND_DIALS: tui_draw_dials(g, in, f, st); break;
    case PLOT_KIND_TABLE: tui_draw_table(g, in, f, st, NULL); break;
    }
}
