/* viz/tui/tui_grid.h — the character-cell canvas every terminal frame is drawn into: one code point,
 * a foreground and background RGB colour and attributes per cell. The ncurses backend copies it
 * to the screen and the snapshot writer prints it, so both show exactly the same frame.
 *
 * Contract: all coordinates are clipped (drawing off the grid is a no-op); every glyph is one
 * column wide; in ASCII mode (g->ascii) text is transliterated to 7-bit characters of the same
 * width. No terminal, no I/O. */
#ifndef TUI_GRID_H
#define TUI_GRID_H

#include <stddef.h>
#include <stdint.h>

#define TUI_DEFAULT 0x01000000u  /* "the terminal's own colour" instead of an RGB value */

enum { TUI_BOLD = 1, TUI_REVERSE = 2, TUI_DIM = 4, TUI_UNDERLINE = 8 };

typedef struct tui_cell {
    uint32_t ch;       /* Unicode code point */
    uint32_t fg, bg;   /* 0xRRGGBB or TUI_DEFAULT */
    uint8_t  attr;     /* TUI_BOLD | … */
} tui_cell;

typedef struct tui_grid {
    int w, h;
    size_t cap;        /* allocated cells */
    int ascii;         /* 1: only 7-bit glyphs */
    tui_cell *cells;   /* [h][w] */
} tui_grid;

typedef struct tui_rect { int x, y, w, h; } tui_rect;

/* Sizes the grid to w × h (reallocating only when it grows) and clears it; -1 if out of memory. */
int  tui_grid_resize(tui_grid *g, int w, int h);
void tui_grid_free(tui_grid *g);
void tui_grid_clear(tui_grid *g);
tui_cell *tui_grid_at(tui_grid *g, int x, int y);             /* NULL when outside */
const tui_cell *tui_grid_cell(const tui_grid *g, int x, int y);

void tui_put(tui_grid *g, int x, int y, uint32_t ch, uint32_t fg, uint32_t bg, uint8_t attr);
/* Writes UTF-8 text from (x, y), at most maxw columns; returns the columns written. In ASCII mode a
 * few symbols become words rather than one look-alike letter: π "pi", … "...", ≠ "!=", ≤ "<=",
 * ≥ ">=", → "->" (so 2π reads "2pi"). */
int  tui_text(tui_grid *g, int x, int y, int maxw, const char *s, uint32_t fg, uint32_t bg, uint8_t attr);
/* tui_text for text that may not fit: when it is wider than maxw it is cut at the last word boundary
 * that fits (never inside a number or a word; trailing "(", ":", "·" dropped) and ends with "…". */
int  tui_text_fit(tui_grid *g, int x, int y, int maxw, const char *s, uint32_t fg, uint32_t bg, uint8_t attr);
void tui_fill(tui_grid *g, tui_rect r, uint32_t ch, uint32_t fg, uint32_t bg, uint8_t attr);
void tui_set_bg(tui_grid *g, tui_rect r, uint32_t bg);

/* UTF-8 helpers: the next code point (advancing *s; U+FFFD for bad bytes), the column count of
 * a string, the 7-bit stand-in for a code point, and encoding (returns bytes written, ≤ 4). */
uint32_t tui_utf8_next(const char **s);
int      tui_text_width(const char *s);
char     tui_ascii_of(uint32_t cp);
int      tui_utf8_put(uint32_t cp, char *out);

/* The grid's text, row by row, trailing blanks trimmed, '\n' after each row; returns the bytes
 * needed (excluding the NUL). Writes at most n bytes including a NUL when n > 0. */
size_t tui_grid_text(const tui_grid *g, char *out, size_t n);
/* One row's text (same rules, no newline). */
size_t tui_grid_row(const tui_grid *g, int y, char *out, size_t n);

#endif
