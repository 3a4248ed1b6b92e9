/* viz/sdl/sdl_layout_glue.c — where the window calls the panel layout and the panel builders. Today
 * both are sized here in nominal character cells of 8 × 16 pixels (× the HiDPI scale), through the
 * terminal's rules (tui_layout_panels, tui_size_hint); moving to pixel rules (plot_layout_place and a
 * plot_size from the font's metrics) changes only this file. */
#include <math.h>
#include "sdl_frame.h"
#include "tui_layout.h"
#include "tui_screen.h"

#define CELL_W 8.0
#define CELL_H 16.0

unsigned sdl_glue_layout(SDL_Rect area, float scale, unsigned visible, int focus, int zoom,
                         SDL_Rect rect[PLOT_PANEL_COUNT])
{
    double cw = CELL_W * scale, ch = CELL_H * scale;
    tui_rect cells = { 0, 0, (int)(area.w / cw), (int)(area.h / ch) };
    tui_rect out[PLOT_PANEL_COUNT];
    unsigned shown = tui_layout_panels(cells, visible, focus, zoom, out);
    for (int i = 0; i < PLOT_PANEL_COUNT; i++) {
        if (!(shown & (1u << i))) {
            rect[i] = (SDL_Rect){ 0, 0, 0, 0 };
            continue;
        }
        /* cell edges scaled to the area's pixels, so panels tile it exactly */
        int x0 = area.x + (int)lround((double)out[i].x * area.w / cells.w);
        int x1 = area.x + (int)lround((double)(out[i].x + out[i].w) * area.w / cells.w);
        int y0 = area.y + (int)lround((double)out[i].y * area.h / cells.h);
        int y1 = area.y + (int)lround((double)(out[i].y + out[i].h) * area.h / cells.h);
        rect[i] = (SDL_Rect){ x0, y0, x1 - x0, y1 - y0 };
    }
    return shown;
}

int sdl_glue_build(plot_panel_id id, const plot_view *v, SDL_Rect r, float scale, plot_figure *f,
                   rope_error *err)
{
    return sdl_glue_build_part(id, 0, v, r, scale, f, err);
}

int sdl_glue_build_part(plot_panel_id id, int part, const plot_view *v, SDL_Rect r, float scale, plot_figure *f,
                        rope_error *err)
{
    double cw = CELL_W * scale, ch = CELL_H * scale;
    int cols = (int)(r.w / cw) - 2, rows = (int)(r.h / ch) - 2;
    if (id == PLOT_PANEL_HEATMAP) { /* pixels show finer samples than cells */
        cols *= 3;
        rows *= 2;
    }
    if (cols < 4) cols = 4;
    if (rows < 4) rows = 4;
    plot_size size = tui_size_hint(cols, rows);
    return part ? plot_panel_build_part(id, part, v, &size, f, err) : plot_panel_build(id, v, &size, f, err);
}
