/* viz/tui/tui_curses.h — the ncurses backend: opens the terminal (alternate screen, raw keys, no
 * echo, hidden cursor, optional mouse), copies a tui_grid to the screen in the colour mode the
 * terminal supports, reads keys and mouse as tui_events, and restores the terminal.
 *
 * Contract: one terminal per process (ncurses is global). tui_term_close is idempotent and safe
 * to call from atexit; tui_term_emergency only uses async-signal-safe calls (write, tcsetattr)
 * so a signal handler can restore the terminal before the process dies. Never prints or exits. */
#ifndef TUI_CURSES_H
#define TUI_CURSES_H

#include "rope.h"
#include "tui_color.h"
#include "tui_grid.h"
#include "tui_keys.h"

typedef struct tui_term_opts {
    int mouse;                 /* report clicks and the wheel */
    int no_color;              /* --no-color */
    int force_mode;            /* 1: use `mode` (capped at what the terminal has) */
    tui_color_mode mode;
} tui_term_opts;

/* Opens the terminal on stdin/stdout. *mode gets the colour mode chosen (NO_COLOR honoured). */
int  tui_term_open(const tui_term_opts *o, tui_color_mode *mode, rope_error *err);
void tui_term_close(void);
void tui_term_size(int *w, int *h);
/* Copies g to the screen (cells that did not change cost nothing) and refreshes. */
void tui_term_blit(const tui_grid *g, tui_color_mode mode);
/* Waits up to timeout_ms (-1 forever) for an event; 1 with an event, 0 on timeout or signal. */
int  tui_term_read(tui_event *ev, int timeout_ms);
void tui_term_emergency(void);

#endif
