/* viz/figure/layout.c — the neutral layout: the shown/focus/zoom state and panel placement (choose the
 * grid shape whose cells are closest to the preferred aspect, put the pair table in its own column
 * when the area is wide, show the page of panels that holds the focused one when not all fit). */
#include <math.h>
#include <string.h>
#include "layout.h"

void plot_layout_init(plot_layout *l)
{
    l->visible = (1u << PLOT_PANEL_COUNT) - 1;
    l->focus = PLOT_PANEL_WAVELENGTH;
    l->zoom = 0;
}

int plot_layout_toggle(plot_layout *l, int id)
{
    if ((unsigned)id >= PLOT_PANEL_COUNT)
        return -1;
    unsigned bit = 1u << id;
    if ((l->visible & bit) && !(l->visible & ~bit))
        return -1;
    l->visible ^= bit;
    if (l->visible & bit) {
        l->focus = id;
        return 1;
    }
    if (l->focus == id)
        for (int k = 1; k <= PLOT_PANEL_COUNT; k++)
            if (l->visible & (1u << ((id + k) % PLOT_PANEL_COUNT))) {
                l->focus = (id + k) % PLOT_PANEL_COUNT;
                break;
            }
    return 0;
}

void plot_layout_focus(plot_layout *l, int id)
{
    if ((unsigned)id < PLOT_PANEL_COUNT && (l->visible & (1u << id)))
        l->focus = id;
}

void plot_layout_focus_step(plot_layout *l, int dir)
{
    for (int k = 1; k <= PLOT_PANEL_COUNT; k++) {
        int id = ((l->focus + dir * k) % PLOT_PANEL_COUNT + PLOT_PANEL_COUNT) % PLOT_PANEL_COUNT;
        if (l->visible & (1u << id)) {
            l->focus = id;
            return;
        }
    }
}

void plot_layout_set_zoom(plot_layout *l, int on)
{
    l->zoom = on != 0;
}

/* The best column count for n panels in w × h, or 0 if no shape gives cells of minimum size. */
static int best_cols(int n, int w, int h, const plot_layout_rules *ru)
{
    int best = 0;
    double score = 1e300;
    for (int cols = 1; cols <= n; cols++) {
        int rows = (n + cols - 1) / cols;
        int cw = w / cols, ch = h / rows;
        if (cw < ru->panel_min_w || ch < ru->panel_min_h)
            continue;
        double s = fabs(log((double)cw / ch / ru->aspect));
        if (s < score) {
            score = s;
            best = cols;
        }
    }
    return best;
}

static void place_grid(plot_rect area, const int *ids, int n, int cols, plot_rect rect[PLOT_PANEL_COUNT])
{
    int rows = (n + cols - 1) / cols;
    for (int k = 0; k < n; k++) {
        int r = k / cols, c = k % cols;
        int in_row = r == rows - 1 ? n - r * cols : cols; /* the last row stretches */
        int y0 = area.y + area.h * r / rows, y1 = area.y + area.h * (r + 1) / rows;
        int x0 = area.x + area.w * c / in_row, x1 = area.x + area.w * (c + 1) / in_row;
        rect[ids[k]] = (plot_rect){ x0, y0, x1 - x0, y1 - y0 };
    }
}

unsigned plot_layout_place(const plot_layout *l, plot_rect area, const plot_layout_rules *ru,
                           plot_rect rect[PLOT_PANEL_COUNT])
{
    unsigned visible = l->visible;
    int focus = l->focus;
    memset(rect, 0, sizeof(plot_rect) * PLOT_PANEL_COUNT);
    if ((unsigned)focus >= PLOT_PANEL_COUNT || !(visible & (1u << focus))) {
        focus = -1;
        for (int i = 0; i < PLOT_PANEL_COUNT && focus < 0; i++)
            if (visible & (1u << i))
                focus = i;
    }
    if (focus < 0 || area.w < 1 || area.h < 1)
        return 0;
    if (l->zoom) {
        rect[focus] = area;
        return 1u << focus;
    }
    int ids[PLOT_PANEL_COUNT], n = 0;
    int table = (visible >> PLOT_PANEL_TABLE) & 1;
    /* a side column for the table when the rest still gets two panel columns */
    int side = table && area.w >= ru->table_w + 2 * ru->panel_min_w + ru->side_extra
            && area.h >= 2 * ru->panel_min_h;
    for (int i = 0; i < PLOT_PANEL_COUNT; i++)
        if ((visible & (1u << i)) && !(side && i == PLOT_PANEL_TABLE))
            ids[n++] = i;
    plot_rect grid = area;
    unsigned shown = 0;
    if (side) {
        grid.w = area.w - ru->table_w;
        rect[PLOT_PANEL_TABLE] = (plot_rect){ area.x + grid.w, area.y, ru->table_w, area.h };
        shown |= 1u << PLOT_PANEL_TABLE;
        if (n == 0) {
            rect[PLOT_PANEL_TABLE] = area;
            return shown;
        }
    }
    /* the most panels that fit, then the page of that size holding the focus */
    int k = n, cols = 0;
    while (k > 1 && !(cols = best_cols(k, grid.w, grid.h, ru)))
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
