/* viz/tui/tui_draw.h — draws plot_figures into a tui_grid: a rounded frame with the title, then
 * the content by kind (XY plots with braille lines, shaded bands, markers and 8-level bars;
 * half-block heatmaps; phase dials; text tables).
 *
 * Contract: drawing stays inside the given rectangle and never fails visibly (too little room
 * gives less content, not garbage). Positions follow plot.h's axis mapping over the plot area
 * that tui_xy_layout reports. In mono mode heatmaps use shading characters instead of colour so
 * the picture survives without colour (the plain-text snapshot draws in mono). */
#ifndef TUI_DRAW_H
#define TUI_DRAW_H

#include "plot.h"
#include "tui_color.h"
#include "tui_glyph.h"
#include "tui_grid.h"

typedef struct tui_style {
    int ascii;             /* 7-bit glyphs only */
    tui_color_mode mode;   /* what the output can show */
} tui_style;

/* Where the parts of an XY figure go inside a panel's inner rectangle (-1: row not shown). */
typedef struct tui_xy_layout {
    tui_rect area;      /* the plot area: axis mapping is over area.w × area.h cells */
    int strip_row;      /* band labels */
    int vlabel_row;     /* vertical-marker labels ("▾L=4096" with ▾ at the marker's column) */
    int axis_row;       /* the x axis line */
    int tick_row;       /* x tick labels */
    int info_row;       /* "x NAME [lo, hi] · y NAME [lo, hi] log · y2 …" */
    int legend_row;     /* first legend row … */
    int legend_rows;    /* … and how many (entries wrap) */
    int note_row;
    int yaxis_col;      /* the y axis line's column; area.x = yaxis_col + 1 */
    int y2axis_col;     /* -1 without a right axis */
} tui_xy_layout;

tui_rect tui_rect_inner(tui_rect r);   /* r without its one-cell frame */

void tui_draw_frame(tui_grid *g, tui_rect r, const char *title, int focused, const tui_style *st);
/* Frame titled "tag title" plus content. */
void tui_draw_figure(tui_grid *g, tui_rect r, const plot_figure *f, const tui_style *st, int focused,
                     const char *tag);

void tui_xy_layout_of(tui_rect inner, const plot_figure *f, tui_xy_layout *out);
void tui_draw_xy(tui_grid *g, tui_rect inner, const plot_figure *f, const tui_style *st);
void tui_draw_heatmap(tui_grid *g, tui_rect inner, const plot_figure *f, const tui_style *st);
void tui_draw_dials(tui_grid *g, tui_rect inner, const plot_figure *f, const tui_style *st);
/* Also reports how many table rows fit (for scrolling), if rows_shown is non-NULL. */
void tui_draw_table(tui_grid *g, tui_rect inner, const plot_figure *f, const tui_style *st, int *rows_shown);

#endif
