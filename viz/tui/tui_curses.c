/* viz/tui/tui_curses.c — ncurses backend (see tui_curses.h): terminal set-up and teardown, colour
 * pairs allocated on demand for truecolor (direct-colour terminfo), 256 and 16 colours, the grid
 * copied cell by cell, and ncurses keys and mouse translated to tui_events. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include "tui_curses.h"

static SCREEN *screen;
static int open_now;
static struct termios saved_tio;
static int have_tio;
static char emergency_seq[256];   /* leave the alternate screen and keypad mode, show the cursor, mouse off */
static size_t emergency_len;
static int ncolors;

/* colour pairs: (fg, bg) colour numbers → pair, open addressing; 0 = free slot */
#define PAIR_SLOTS 65536
typedef struct pair_slot { int fg, bg, pair; } pair_slot;
static pair_slot *pairs;
static int next_pair = 1;
static int pairs_full;   /* a colour pair could not be allocated: recycle all at the next frame */

static void add_seq(const char *s)
{
    if (!s || s == (char *)-1)
        return;
    size_t n = strlen(s);
    if (emergency_len + n < sizeof emergency_seq) {
        memcpy(emergency_seq + emergency_len, s, n);
        emergency_len += n;
    }
}

int tui_term_open(const tui_term_opts *o, tui_color_mode *mode, rope_error *err)
{
    if (open_now)
        return 0;
    have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
    screen = newterm(NULL, stdout, stdin);
    if (!screen)
        return rope_fail(err, "cannot open the terminal (TERM=%s); set TERM to your terminal's type",
                         getenv("TERM") ? getenv("TERM") : "unset");
    set_term(screen);
    open_now = 1;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    leaveok(stdscr, TRUE);
    emergency_len = 0;
    add_seq(tigetstr("sgr0"));
    add_seq(tigetstr("cnorm"));
    add_seq(tigetstr("rmkx"));
    add_seq(tigetstr("rmcup"));
    add_seq("\033[?1000l\033[?1002l\033[?1006l");
    if (o->mouse) {
        mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
        mouseinterval(0);
    }
    ncolors = 0;
    if (has_colors() && start_color() == OK) {
        use_default_colors();
        ncolors = COLORS;
    }
    tui_color_mode m = tui_color_pick(ncolors, getenv("COLORTERM"), getenv("NO_COLOR"), o->no_color);
    /* without direct-colour terminfo ncurses cannot send RGB: truecolor needs COLORS ≥ 2^24 */
    if (m == TUI_COLOR_TRUE && ncolors < 0x1000000)
        m = TUI_COLOR_256;
    if (o->force_mode && o->mode < m)
        m = o->mode;
    *mode = m;
    free(pairs);
    pairs = calloc(PAIR_SLOTS, sizeof *pairs);
    next_pair = 1;
    return 0;
}

void tui_term_close(void)
{
    if (!open_now)
        return;
    open_now = 0;
    mousemask(0, NULL);
    curs_set(1);
    endwin();
    delscreen(screen);
    screen = NULL;
    free(pairs);
    pairs = NULL;
    if (have_tio)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
}

void tui_term_emergency(void)
{
    if (!open_now)
        return;
    if (emergency_len) {
        ssize_t r = write(STDOUT_FILENO, emergency_seq, emergency_len);
        (void)r;
    }
    if (have_tio)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

void tui_term_size(int *w, int *h)
{
    getmaxyx(stdscr, *h, *w);
}

/* The terminal's colour number for rgb in mode (-1 = default). */
static int color_number(uint32_t rgb, tui_color_mode mode, int *bright)
{
    *bright = 0;
    if (rgb & TUI_DEFAULT)
        return -1;
    switch (mode) {
    case TUI_COLOR_TRUE: return (int)rgb;
    case TUI_COLOR_256: return tui_rgb_to_256(rgb);
    case TUI_COLOR_16: {
        int c = tui_rgb_to_16(rgb);
        if (ncolors < 16 && c >= 8) {
            *bright = 1;
            c -= 8;
        }
        return c;
    }
    default: return -1;
    }
}

static int pair_for(int fg, int bg)
{
    if (fg < 0 && bg < 0)
        return 0;
    if (!pairs)
        return 0;
    unsigned h = ((unsigned)fg * 2654435761u) ^ ((unsigned)bg * 40503u + 0x9e37u);
    for (unsigned probe = 0; probe < 64; probe++) {
        pair_slot *s = &pairs[(h + probe) & (PAIR_SLOTS - 1)];
        if (s->pair && s->fg == fg && s->bg == bg)
            return s->pair;
        if (!s->pair) {
            if (next_pair >= COLOR_PAIRS || next_pair >= PAIR_SLOTS || init_extended_pair(next_pair, fg, bg) != OK) {
                pairs_full = 1;
                return 0;
            }
            s->fg = fg;
            s->bg = bg;
            s->pair = next_pair++;
            return s->pair;
        }
    }
    pairs_full = 1;
    return 0;
}

void tui_term_blit(const tui_grid *g, tui_color_mode mode)
{
    if (!open_now)
        return;
    /* Colours that keep changing (an animated heatmap in truecolor) use up the pairs: start over
     * and repaint everything, since cells on screen keep the colours of the old pair numbers.
     * Terminals with few pairs keep what they have (new combinations use the default colours). */
    if (pairs_full && pairs && COLOR_PAIRS > 4096) {
        memset(pairs, 0, PAIR_SLOTS * sizeof *pairs);
        next_pair = 1;
        clearok(curscr, TRUE);
    }
    pairs_full = 0;
    for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++) {
            const tui_cell *c = tui_grid_cell(g, x, y);
            attr_t a = 0;
            if (c->attr & TUI_BOLD) a |= A_BOLD;
            if (c->attr & TUI_DIM) a |= A_DIM;
            if (c->attr & TUI_UNDERLINE) a |= A_UNDERLINE;
            if (c->attr & TUI_REVERSE) a |= A_REVERSE;
            int pair = 0;
            if (mode != TUI_COLOR_MONO) {
                int b1, b2;
                int fg = color_number(c->fg, mode, &b1), bg = color_number(c->bg, mode, &b2);
                if (b1) a |= A_BOLD;
                pair = pair_for(fg, bg);
            }
            wchar_t w[2] = { (wchar_t)c->ch, 0 };
            cchar_t cc;
            setcchar(&cc, w, a, 0, &pair);
            mvadd_wch(y, x, &cc);
        }
    wnoutrefresh(stdscr);
    doupdate();
}

static int map_key(int code)
{
    switch (code) {
    case KEY_UP: return TUI_KEY_UP;
    case KEY_DOWN: return TUI_KEY_DOWN;
    case KEY_LEFT: return TUI_KEY_LEFT;
    case KEY_RIGHT: return TUI_KEY_RIGHT;
    case KEY_HOME: return TUI_KEY_HOME;
    case KEY_END: return TUI_KEY_END;
    case KEY_PPAGE: return TUI_KEY_PGUP;
    case KEY_NPAGE: return TUI_KEY_PGDN;
    case KEY_BTAB: return TUI_KEY_BACKTAB;
    case KEY_BACKSPACE: return TUI_KEY_BACKSPACE;
    case KEY_DC: return TUI_KEY_DELETE;
    case KEY_ENTER: return TUI_KEY_ENTER;
    case KEY_RESIZE: return TUI_KEY_RESIZE;
    case KEY_MOUSE: return TUI_KEY_MOUSE;
    }
    if (code >= KEY_F(1) && code <= KEY_F(12))
        return TUI_KEY_F1 + (code - KEY_F(1));
    return TUI_KEY_NONE;
}

int tui_term_read(tui_event *ev, int timeout_ms)
{
    memset(ev, 0, sizeof *ev);
    if (!open_now)
        return 0;
    wtimeout(stdscr, timeout_ms);
    wint_t wc;
    int rc = wget_wch(stdscr, &wc);
    if (rc == ERR)
        return 0;
    if (rc == KEY_CODE_YES) {
        ev->key = map_key((int)wc);
        if (ev->key == TUI_KEY_RESIZE) {
            getmaxyx(stdscr, ev->h, ev->w);
        } else if (ev->key == TUI_KEY_MOUSE) {
            MEVENT me;
            if (getmouse(&me) != OK)
                return 0;
            ev->x = me.x;
            ev->y = me.y;
            if (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) ev->button = TUI_MOUSE_CLICK;
            else if (me.bstate & BUTTON4_PRESSED) ev->button = TUI_MOUSE_WHEEL_UP;
            else if (me.bstate & BUTTON5_PRESSED) ev->button = TUI_MOUSE_WHEEL_DOWN;
            else return 0;
        }
        return ev->key != TUI_KEY_NONE;
    }
    ev->key = (int)wc;
    if (wc == 10 || wc == 13)
        ev->key = TUI_KEY_ENTER;
    else if (wc == 127 || wc == 8)
        ev->key = TUI_KEY_BACKSPACE;
    return 1;
}
