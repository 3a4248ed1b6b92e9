/* viz/tui/tui_keys.h — input events as the explorer sees them (keys, mouse, resize, animation tick),
 * independent of ncurses, and the key-sequence syntax of `ropescope tui --keys`:
 *
 *   literal characters stand for themselves; names in angle brackets are special keys:
 *   <Up> <Down> <Left> <Right> <Home> <End> <PgUp> <PgDn> <Enter> <Esc> <Tab> <BackTab>
 *   <BS> <Del> <Space> <lt> (a literal '<') <F1> … <F12> <C-a> … <C-z> (control keys),
 *   <Click:X,Y> <WheelUp:X,Y> <WheelDown:X,Y> (mouse at cell column X, row Y, from 0),
 *   <Resize:WxH> (the terminal changes size), <Tick> (one animation step), <Wait> (wait until
 *   the background jobs are done).
 *   Names are case-insensitive.
 *
 * Contract: the parser never allocates; an unknown name, an unclosed '<' or a bad number is an
 * error with a message naming the offending text. */
#ifndef TUI_KEYS_H
#define TUI_KEYS_H

#include "rope_error.h"

enum {
    TUI_KEY_NONE = 0,
    /* 1 … 0x10FFFF: a Unicode character (control keys are 1 … 26, Esc 27, Enter 13, Tab 9) */
    TUI_KEY_UP = 0x110000, TUI_KEY_DOWN, TUI_KEY_LEFT, TUI_KEY_RIGHT,
    TUI_KEY_HOME, TUI_KEY_END, TUI_KEY_PGUP, TUI_KEY_PGDN,
    TUI_KEY_BACKTAB, TUI_KEY_BACKSPACE, TUI_KEY_DELETE,
    TUI_KEY_F1,                         /* F1 … F12 are TUI_KEY_F1 + 0 … 11 */
    TUI_KEY_RESIZE = TUI_KEY_F1 + 12,   /* w, h carry the new size */
    TUI_KEY_MOUSE,                      /* x, y, button */
    TUI_KEY_TICK,                       /* an animation step */
    TUI_KEY_WAIT                        /* --keys only: wait for the background jobs */
};
#define TUI_KEY_ENTER 13
#define TUI_KEY_ESC   27
#define TUI_KEY_TAB   9
#define TUI_CTRL(c)   ((c) & 0x1f)

enum { TUI_MOUSE_CLICK = 1, TUI_MOUSE_WHEEL_UP = 4, TUI_MOUSE_WHEEL_DOWN = 5 };

typedef struct tui_event {
    int key;
    int x, y;      /* mouse cell */
    int button;    /* TUI_MOUSE_* */
    int w, h;      /* resize */
} tui_event;

/* Parses the next event of a --keys string at *s (advancing it). Returns 1 with an event,
 * 0 at the end of the string, -1 on a syntax error (message in err). */
int tui_keyseq_next(const char **s, tui_event *ev, rope_error *err);

/* A short name for an event, e.g. "q", "<Up>", "<F1>", "<Click:3,4>" (for messages and tests). */
void tui_key_name(const tui_event *ev, char *buf, int n);

#endif
