/* viz/sdl/sdl_plot.h — draws one plot_figure into a pixel rectangle: XY plots (filled regime bands,
 * anti-aliased curves, crisp reference markers, ticks, legend), heatmaps with a colour map (the
 * cyclic wheel for angles), phase dials and the text table; and the pixel axis mapping that mouse
 * handling and tests invert.
 *
 * Axis mapping in pixels — the figure model's contract (plot.h) with the plot area as the grid: in a
 * plot area A, x value v sits in column A.x + round(t·(A.w − 1)) and y value v in row
 * A.y + round((1 − t)·(A.h − 1)). A vertical marker is a one-pixel-wide line in exactly that column
 * (a horizontal one in that row); a band [x0, x1) fills the columns from x0's column up to, not
 * including, x1's column, so a boundary between two bands is the first column of the right one.
 *
 * Contract: drawing never allocates and never prints; what it placed is reported in sdl_fig_hits. */
#ifndef SDL_PLOT_H
#define SDL_PLOT_H

#include "plot.h"
#include "sdl_canvas.h"

typedef struct sdl_fig_hits {
    SDL_Rect panel;        /* the whole panel */
    SDL_Rect area;         /* XY: the plot area; heatmap: the first map */
    SDL_Rect heat[PLOT_MAX_HEAT];
    int      n_heat;
    int      table_y0, row_h, table_rows;   /* table: first data row's top, row height, rows shown */
} sdl_fig_hits;

/* The panel's colours: the same RGB per role as the terminal (tui_role_rgb). */
uint32_t sdl_role_rgb(plot_role r);
#define SDL_BG        0x15171Cu
#define SDL_PANEL_BG  0x1B1E25u

int    sdl_axis_x(const plot_axis *a, double v, SDL_Rect area);   /* -1 when v has no position */
int    sdl_axis_y(const plot_axis *a, double v, SDL_Rect area);
double sdl_axis_value_x(const plot_axis *a, int px, SDL_Rect area); /* inverse, NaN if degenerate */
double sdl_axis_value_y(const plot_axis *a, int py, SDL_Rect area);

/* Draws f in r; tag (e.g. "2") is shown in the corner; focused panels get an accent frame. */
void sdl_draw_figure(sdl_canvas *c, const plot_figure *f, SDL_Rect r, int focused, const char *tag,
                     sdl_fig_hits *hits);

/* A colour map value: cyclic (t in [0,1) wraps) or sequential (dark blue → teal → yellow). */
uint32_t sdl_colormap(double t, int cyclic);

#endif
