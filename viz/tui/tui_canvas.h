/* viz/tui/tui_canvas.h — a dot canvas over a block of character cells: 2 × 4 dots per cell, drawn
 * as Unicode braille (U+2800 + dot bits), or approximated by 7-bit characters in ASCII mode.
 * Each cell remembers the role (colour) and weight of the last dot drawn in it.
 *
 * Contract: dot (x, y) counts from the top-left; dots outside the canvas are ignored; lines are
 * Bresenham between dot centres. Allocation only in tui_canvas_init. */
#ifndef TUI_CANVAS_H
#define TUI_CANVAS_H

#include <stdint.h>

typedef struct tui_canvas {
    int      w, h;      /* cells; the dot grid is 2w × 4h */
    uint8_t *bits;      /* [h][w] braille dot bits */
    uint8_t *role;      /* [h][w] plot_role of the last dot in the cell */
    uint8_t *bold;      /* [h][w] 1 if that dot belonged to an emphasised series */
} tui_canvas;

int  tui_canvas_init(tui_canvas *c, int w, int h);   /* -1 if out of memory */
void tui_canvas_free(tui_canvas *c);

/* The braille bit of dot (dx, dy) inside a cell, dx in 0..1, dy in 0..3. */
uint8_t tui_braille_bit(int dx, int dy);

void tui_canvas_dot(tui_canvas *c, int x, int y, int role, int bold);
void tui_canvas_line(tui_canvas *c, int x0, int y0, int x1, int y1, int role, int bold);

/* The glyph of cell (cx, cy): U+2800 + bits, or in ASCII mode ' ( ' - . _ | ' by where the dots
 * sit; 0 when the cell has no dot. */
uint32_t tui_canvas_glyph(const tui_canvas *c, int cx, int cy, int ascii);

#endif
