/* viz/tui/tui_glyph.h — glyphs shared by the figure drawers (tui_draw_*.c): 8-level bars and shading.
 * A leaf: it depends on nothing in viz/tui, so the drawers and the frame dispatch (tui_frame.c) form
 * no loop.
 *
 * Contract: pure functions of their arguments; in ASCII mode the result is a 7-bit character. */
#ifndef TUI_GLYPH_H
#define TUI_GLYPH_H

#include <stdint.h>

/* 8-level bars: a cell filled `eighths` (0..8) from the bottom / from the left. */
uint32_t tui_vbar_glyph(int eighths, int ascii);
uint32_t tui_hbar_glyph(int eighths, int ascii);
/* Shading for a value in [0, 1] without colour. */
uint32_t tui_shade_glyph(double t, int ascii);

#endif
