/* viz/tui/tui_keys.c — the --keys syntax: literal UTF-8 characters and <Name> tokens for special
 * keys, mouse events, resizes and animation ticks (grammar in tui_keys.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tui_grid.h"
#include "tui_keys.h"

static const struct { const char *name; int key; } names[] = {
    { "up", TUI_KEY_UP }, { "down", TUI_KEY_DOWN }, { "left", TUI_KEY_LEFT }, { "right", TUI_KEY_RIGHT },
    { "home", TUI_KEY_HOME }, { "end", TUI_KEY_END }, { "pgup", TUI_KEY_PGUP }, { "pgdn", TUI_KEY_PGDN },
    { "enter", TUI_KEY_ENTER }, { "esc", TUI_KEY_ESC }, { "tab", TUI_KEY_TAB }, { "backtab", TUI_KEY_BACKTAB },
    { "s-tab", TUI_KEY_BACKTAB }, { "bs", TUI_KEY_BACKSPACE }, { "del", TUI_KEY_DELETE },
    { "space", ' ' }, { "lt", '<' }, { "tick", TUI_KEY_TICK },
    { "wait", TUI_KEY_WAIT },
};

/* "X,Y" → two ints; -1 on a bad number. */
static int parse_pair(const char *s, char sep, int *a, int *b)
{
    char *end;
    long x = strtol(s, &end, 10);
    if (end == s || *end != sep)
        return -1;
    const char *t = end + 1;
    long y = strtol(t, &end, 10);
    if (end == t || *end != '\0' || x < 0 || y < 0 || x > 100000 || y > 100000)
        return -1;
    *a = (int)x;
    *b = (int)y;
    return 0;
}

static int parse_name(const char *tok, tui_event *ev, rope_error *err)
{
    memset(ev, 0, sizeof *ev);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(tok, names[i].name)) {
            ev->key = names[i].key;
            return 1;
        }
    if ((tok[0] == 'f' || tok[0] == 'F') && isdigit((unsigned char)tok[1])) {
        char *end;
        long k = strtol(tok + 1, &end, 10);
        if (*end == '\0' && k >= 1 && k <= 12) {
            ev->key = TUI_KEY_F1 + (int)k - 1;
            return 1;
        }
    }
    if ((tok[0] == 'c' || tok[0] == 'C') && tok[1] == '-' && isalpha((unsigned char)tok[2]) && !tok[3]) {
        ev->key = TUI_CTRL(tolower((unsigned char)tok[2]));
        return 1;
    }
    const char *colon = strchr(tok, ':');
    if (colon) {
        size_t n = (size_t)(colon - tok);
        const char *arg = colon + 1;
        if (n == 5 && !strncasecmp(tok, "click", 5) && !parse_pair(arg, ',', &ev->x, &ev->y)) {
            ev->key = TUI_KEY_MOUSE;
            ev->button = TUI_MOUSE_CLICK;
            return 1;
        }
        if (n == 7 && !strncasecmp(tok, "wheelup", 7) && !parse_pair(arg, ',', &ev->x, &ev->y)) {
            ev->key = TUI_KEY_MOUSE;
            ev->button = TUI_MOUSE_WHEEL_UP;
            return 1;
        }
        if (n == 9 && !strncasecmp(tok, "wheeldown", 9) && !parse_pair(arg, ',', &ev->x, &ev->y)) {
            ev->key = TUI_KEY_MOUSE;
            ev->button = TUI_MOUSE_WHEEL_DOWN;
            return 1;
        }
        if (n == 6 && !strncasecmp(tok, "resize", 6) && !parse_pair(arg, 'x', &ev->w, &ev->h) &&
            ev->w >= 1 && ev->h >= 1 && ev->w <= 1000 && ev->h <= 1000) {
            ev->key = TUI_KEY_RESIZE;
            return 1;
        }
    }
    return rope_fail(err, "--keys: <%s> is not a key name; use e.g. <Up>, <Enter>, <F1>, <C-c>, <lt>, "
                          "<Click:X,Y>, <Resize:WxH> (see ropescope tui --help)", tok);
}

int tui_keyseq_next(const char **s, tui_event *ev, rope_error *err)
{
    const char *p = *s;
    if (!p || !*p)
        return 0;
    if (*p != '<') {
        memset(ev, 0, sizeof *ev);
        ev->key = (int)tui_utf8_next(&p);
        *s = p;
        return 1;
    }
    const char *close = strchr(p + 1, '>');
    if (!close)
        return rope_fail(err, "--keys: '<' at \"%.20s\" is not closed; write <lt> for a literal '<'", p);
    char tok[48];
    size_t n = (size_t)(close - p - 1);
    if (n == 0 || n >= sizeof tok)
        return rope_fail(err, "--keys: \"%.*s\" is not a key name (see ropescope tui --help)",
                         (int)(n + 2 < 40 ? n + 2 : 40), p);
    memcpy(tok, p + 1, n);
    tok[n] = '\0';
    int rc = parse_name(tok, ev, err);
    if (rc < 0)
        return -1;
    *s = close + 1;
    return 1;
}

void tui_key_name(const tui_event *ev, char *buf, int n)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].key == ev->key && ev->key > 127) {
            snprintf(buf, (size_t)n, "<%s>", names[i].name);
            return;
        }
    int k = ev->key;
    if (k >= TUI_KEY_F1 && k < TUI_KEY_F1 + 12)
        snprintf(buf, (size_t)n, "<F%d>", k - TUI_KEY_F1 + 1);
    else if (k == TUI_KEY_MOUSE)
        snprintf(buf, (size_t)n, "<%s:%d,%d>", ev->button == TUI_MOUSE_CLICK ? "Click"
                 : ev->button == TUI_MOUSE_WHEEL_UP ? "WheelUp" : "WheelDown", ev->x, ev->y);
    else if (k == TUI_KEY_RESIZE)
        snprintf(buf, (size_t)n, "<Resize:%dx%d>", ev->w, ev->h);
    else if (k == TUI_KEY_ENTER)
        snprintf(buf, (size_t)n, "<Enter>");
    else if (k == TUI_KEY_ESC)
        snprintf(buf, (size_t)n, "<Esc>");
    else if (k == TUI_KEY_TAB)
        snprintf(buf, (size_t)n, "<Tab>");
    else if (k >= 1 && k < 27)
        snprintf(buf, (size_t)n, "<C-%c>", 'a' + k - 1);
    else if (k == ' ')
        snprintf(buf, (size_t)n, "<Space>");
    else if (k > 0 && k < 0x110000) {
        char u[5] = { 0 };
        tui_utf8_put((uint32_t)k, u);
        snprintf(buf, (size_t)n, "%s", u);
    } else
        snprintf(buf, (size_t)n, "<?>");
}
