/* viz/tui/tui_snapshot.h — a frame as text without a terminal: the grid's characters row by row,
 * either plain (trailing blanks trimmed) or with ANSI SGR colour and attribute sequences in the
 * given colour mode (truecolor, 256, 16, or attributes only for mono).
 *
 * Contract: appends to a growable byte buffer owned by the caller (tui_out_free releases it);
 * -1 only when memory runs out. No I/O. */
#ifndef TUI_SNAPSHOT_H
#define TUI_SNAPSHOT_H

#include <stddef.h>
#include "tui_color.h"
#include "tui_grid.h"

typedef struct tui_out {
    char  *data;   /* NUL-terminated when len > 0 */
    size_t len, cap;
} tui_out;

int  tui_out_append(tui_out *o, const char *s, size_t n);
void tui_out_free(tui_out *o);

int tui_snapshot(const tui_grid *g, int ansi, tui_color_mode mode, tui_out *out);

/* The SGR sequence that selects fg/bg/attr in mode (e.g. "\033[0;1;38;5;221m") into buf[n]. */
int tui_sgr(uint32_t fg, uint32_t bg, uint8_t attr, tui_color_mode mode, char *buf, size_t n);

#endif
