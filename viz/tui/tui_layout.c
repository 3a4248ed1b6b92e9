/* viz/tui/tui_layout.c — panel placement: choose the grid shape whose cells are closest to a
 * comfortable 3.5:1 (columns:rows) shape, put the pair table in its own column when the screen
 * is wide, and show the page of panels that holds the focused one when not all fit. */
#include <math.h>
#include <string.h>
#include "tui_layout.h"

#define ASPECT 3.5

/* The best column count for n panels in w × h, or 0 if no shape gives cells of minimum size. */
static int best_cols(int n, int w, int h)
{
    int best = 0;
    double score = 1e300;
    for (int cols = 1; cols <= n; cols++) {
        int rows = (n + cols - 1) / cols;
        int cw = w / cols, ch = h / rows;
        if (cw < TUI_PANEL_MIN_W || ch < TUI_PANEL_MIN_H)
            continue;
        double s = fabs(log((double)cw / ch / ASPECT));
        if (s < score) {
            score = s;
            best = cols;
        }
    }
    return best;
}

static void place_grid(tui_rect area, const int *ids, int n, int cols, tui_rect rect[PLOT_PANEL_COUNT])
{
    int rows = (n + cols - 1) / cols;
    for (int k = 0; k < n; k++) {
        int r = k / cols, c = k % cols;
        int in_row = r == rows - 1 ? n - r * cols : cols; /* the last row stretches */
        int y0 = area.y + area.h * r / rows, y1 = area.y + area.h * (r + 1) / rows;
        int x0 = area.x + area.w * c / in_row, x1 = area.x + area.w * (c + 1) / in_row;
        rect[ids[k]] = (tui_rect){ x0, y0, x1 - x0, y1 - y0 };
    }
}

unsigned tui_layout_panels(tui_rect area, unsigned visible, int focus, int zoom,
                           tui_rect rect[PLOT_PANEL_COUNT])
{
    memset(rect, 0, sizeof(tui_rect) * PLOT_PANEL_COUNT);
    if ((unsigned)focus >= PLOT_PANEL_COUNT || !(visible & (1u << focus))) {
        focus = -1;
        for (int i = 0; i < PLOT_PANEL_COUNT && focus < 0; i++)
            if (visible & (1u << i))
                focus = i;
    }
    if (focus < 0 || area.w < 1 || area.h < 1)
        return 0;
    if (zoom) {
        rect[focus] = area;
        return 1u << focus;
    }
    int ids[PLOT_PANEL_COUNT], n = 0;
    int table = (visible >> PLOT_PANEL_TABLE) & 1;
    /* a right-hand table column when the rest still gets two panel columns */
    int side = table && area.w >= TUI_TABLE_W + 2 * TUI_PANEL_MIN_W + 20 && area.h >= 2 * TUI_PANEL_MIN_H;
    for (int i = 0; i < PLOT_PANEL_COUNT; i++)
        if ((visible & (1u << i)) && !(side && i == PLOT_PANEL_TABLE))
            ids[n++] = i;
    tui_rect grid = area;
    unsigned shown = 0;
    if (side) {
        grid.w = area.w - TUI_TABLE_W;
        rect[PLOT_PANEL_TABLE] = (tui_rect){ area.x + grid.w, area.y, TUI_TABLE_W, area.h };
        shown |= 1u << PLOT_PANEL_TABLE;
        if (n == 0) {
            rect[PLOT_PANEL_TABLE] = area;
            return shown;
        }
    }
    /* the most panels that fit, then the page of that size holding the focus */
    int k = n, cols = 0;
    while (k > 1 && !(cols = best_cols(k, grid.w, grid.h)))
        k--;
    if (k == 1 || !cols)
        cols = 1;
    int pos = 0;
    for (int i = 0; i < n; i++)
        if (ids[i] == focus)
            pos = i;
    if (focus == PLOT_PANEL_TABLE && side)
        pos = 0;
    int start = (pos / k) * k, count = n - start < k ? n - start : k;
    place_grid(grid, ids + start, count, cols > count ? count : cols, rect);
    for (int i = 0; i < count; i++)
        shown |= 1u << ids[start + i];
    return shown;
}
