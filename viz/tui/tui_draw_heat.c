/* viz/tui/tui_draw_heat.c — heatmaps in character cells: two samples per cell with the upper half
 * block (foreground = upper sample, background = lower), or one shading character per cell in
 * mono/ASCII; side-by-side maps share the figure's axes and vertical-marker labels. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tui_draw.h"
#include "tui_glyph.h"

static double unit(const plot_heatmap *h, double v)
{
    double span = h->vmax - h->vmin;
    double t = span > 0 ? (v - h->vmin) / span : 0.0;
    if (h->cyclic)
        return t - floor(t);
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

static uint32_t heat_rgb(const plot_heatmap *h, double t)
{
    if (h->cyclic)
        return tui_cyclic_rgb(t);
    int R = (int)(30 + 225 * t), G = (int)(30 + 180 * t * t), B = (int)(90 + 60 * (1 - t));
    return (uint32_t)(R << 16 | G << 8 | B);
}

/* sample of map h at cell-row half `sub` (0..2·rows−1) and cell column cx of a cols-wide map */
static double sample(const plot_heatmap *h, int sub, int rows2, int cx, int cols)
{
    int r = (int)((long)sub * h->ny / rows2), c = (int)((long)cx * h->nx / cols);
    if (r >= h->ny) r = h->ny - 1;
    if (c >= h->nx) c = h->nx - 1;
    return h->v[r * h->nx + c];
}

static void draw_one(tui_grid *g, tui_rect m, const plot_figure *f, const plot_heatmap *h,
                     const tui_style *st, int label_row, int tick_row)
{
    uint32_t dim = tui_role_rgb(PLOT_ROLE_DIM);
    int shade = st->mode == TUI_COLOR_MONO;
    for (int cy = 0; cy < m.h; cy++)
        for (int cx = 0; cx < m.w; cx++) {
            double up = unit(h, sample(h, 2 * cy, 2 * m.h, cx, m.w));
            double lo = unit(h, sample(h, 2 * cy + 1, 2 * m.h, cx, m.w));
            if (shade)
                tui_put(g, m.x + cx, m.y + cy, tui_shade_glyph(up, st->ascii), TUI_DEFAULT, TUI_DEFAULT, 0);
            else
                tui_put(g, m.x + cx, m.y + cy, st->ascii ? tui_shade_glyph(up, 1) : 0x2580,
                        heat_rgb(h, up), st->ascii ? TUI_DEFAULT : heat_rgb(h, lo), 0);
        }
    /* y labels: first and last row's pair */
    char b[32];
    snprintf(b, sizeof b, "%g", f->y.lo);
    tui_text(g, m.x - 1 - (int)strlen(b), m.y, 6, b, dim, TUI_DEFAULT, 0);
    snprintf(b, sizeof b, "%g", f->y.hi);
    tui_text(g, m.x - 1 - (int)strlen(b), m.y + m.h - 1, 6, b, dim, TUI_DEFAULT, 0);
    /* x labels: the range ends */
    if (tick_row >= 0) {
        plot_fmt_num(f->x.lo, b, sizeof b);
        tui_text(g, m.x, tick_row, m.w, b, dim, TUI_DEFAULT, 0);
        plot_fmt_num(f->x.hi, b, sizeof b);
        int w = (int)strlen(b);
        tui_text(g, m.x + m.w - w, tick_row, w, b, dim, TUI_DEFAULT, 0);
    }
    /* vertical markers: a label above the map at the marker's column */
    for (int i = 0; i < f->n_markers && label_row >= 0; i++) {
        const plot_marker *mk = &f->markers[i];
        if (mk->horizontal)
            continue;
        int c = plot_axis_cell(&f->x, mk->at, m.w);
        if (c < 0 || c >= m.w)
            continue;
        uint32_t fg = tui_role_rgb(mk->role);
        tui_put(g, m.x + c, label_row, 0x25BE, fg, TUI_DEFAULT, TUI_BOLD);
        tui_text(g, m.x + c + 1, label_row, m.w - c - 1, mk->label, fg, TUI_DEFAULT, TUI_BOLD);
    }
}

void tui_draw_heatmap(tui_grid *g, tui_rect in, const plot_figure *f, const tui_style *st)
{
    if (f->n_heat < 1 || in.h < 5)
        return;
    int label_w = 4, gap = 2, n = f->n_heat;
    int note = f->note[0] && in.h >= 8;
    int map_h = in.h - 3 - note; /* title, marker labels, map, ticks, note */
    int map_w = (in.w - n * label_w - (n - 1) * gap) / n;
    if (map_w < 4 || map_h < 1)
        return;
    for (int k = 0; k < n; k++) {
        int x0 = in.x + k * (label_w + map_w + gap);
        tui_rect m = { x0 + label_w, in.y + 2, map_w, map_h };
        tui_text(g, m.x, in.y, map_w, f->heat[k].title, tui_role_rgb(PLOT_ROLE_TEXT), TUI_DEFAULT, TUI_BOLD);
        draw_one(g, m, f, &f->heat[k], st, in.y + 1, m.y + m.h);
    }
    if (note)
        tui_text_fit(g, in.x, in.y + in.h - 1, in.w, f->note, tui_role_rgb(PLOT_ROLE_DIM), TUI_DEFAULT, 0);
}
