/* viz/tui/tui_grid.c — the character-cell canvas: clipping writes, UTF-8 decoding, ASCII
 * transliteration and plain-text extraction (see tui_grid.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tui_grid.h"

int tui_grid_resize(tui_grid *g, int w, int h)
{
    if (w < 0) w = 0;
    if (h < 0) h = 0;
    size_t need = (size_t)w * (size_t)h;
    if (need > g->cap) {
        tui_cell *c = realloc(g->cells, need * sizeof *c);
        if (!c)
            return -1;
        g->cells = c;
        g->cap = need;
    }
    g->w = w;
    g->h = h;
    tui_grid_clear(g);
    return 0;
}

void tui_grid_free(tui_grid *g)
{
    free(g->cells);
    g->cells = NULL;
    g->cap = 0;
    g->w = g->h = 0;
}

void tui_grid_clear(tui_grid *g)
{
    size_t n = (size_t)g->w * (size_t)g->h;
    for (size_t i = 0; i < n; i++)
        g->cells[i] = (tui_cell){ ' ', TUI_DEFAULT, TUI_DEFAULT, 0 };
}

tui_cell *tui_grid_at(tui_grid *g, int x, int y)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return NULL;
    return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

const tui_cell *tui_grid_cell(const tui_grid *g, int x, int y)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return NULL;
    return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

void tui_put(tui_grid *g, int x, int y, uint32_t ch, uint32_t fg, uint32_t bg, uint8_t attr)
{
    tui_cell *c = tui_grid_at(g, x, y);
    if (!c)
        return;
    if (g->ascii && ch >= 0x80)
        ch = (uint32_t)(unsigned char)tui_ascii_of(ch);
    c->ch = ch;
    c->fg = fg;
    c->bg = bg;
    c->attr = attr;
}

uint32_t tui_utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0) {
        *s += 1;
        return 0xFFFD;
    }
    c = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += i;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *s += n + 1;
    return c;
}

int tui_text_width(const char *s)
{
    int w = 0;
    while (*s) {
        tui_utf8_next(&s);
        w++;
    }
    return w;
}

int tui_utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char tui_ascii_of(uint32_t cp)
{
    static const struct { uint32_t cp; char a; } map[] = {
        { 0x03BB, 'l' }, { 0x03B8, 't' }, { 0x03B3, 'g' }, { 0x03B1, 'a' }, { 0x03B2, 'b' },
        { 0x0394, 'D' }, { 0x03C0, 'p' }, { 0x00B7, '.' }, { 0x00D7, 'x' }, { 0x2026, '~' },
        { 0x2192, '>' }, { 0x2190, '<' }, { 0x2191, '^' }, { 0x2193, 'v' }, { 0x2260, '#' },
        { 0x2264, '<' }, { 0x2265, '>' }, { 0x00F7, '/' }, { 0x25CC, 'o' }, { 0x25BE, 'v' },
        { 0x2502, '|' }, { 0x2500, '-' }, { 0x256D, '+' }, { 0x256E, '+' }, { 0x2570, '+' },
        { 0x256F, '+' }, { 0x2514, '+' }, { 0x2518, '+' }, { 0x2524, '+' }, { 0x251C, '+' },
        { 0x252C, '+' }, { 0x2534, '+' }, { 0x2506, ':' }, { 0x2504, '-' }, { 0x2501, '=' },
        { 0x2503, '|' }, { 0x2588, '#' }, { 0x2580, '"' }, { 0x2584, '_' }, { 0x2022, '*' },
        { 0x2212, '-' }, { 0x25B6, '>' }, { 0x2713, 'v' }, { 0x2219, '.' }, { 0x2014, '-' },
        { 0x2013, '-' }, { 0x2510, '+' }, { 0x2593, '#' }, { 0x2592, '+' }, { 0x2591, '.' },
    };
    if (cp < 0x80)
        return (char)cp;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].cp == cp)
            return map[i].a;
    if (cp >= 0x2581 && cp <= 0x2587) /* lower eighth blocks */
        return cp <= 0x2582 ? '_' : cp <= 0x2585 ? '-' : '=';
    if (cp >= 0x2589 && cp <= 0x258F) /* left eighth blocks */
        return cp <= 0x258C ? '=' : '-';
    if (cp >= 0x2800 && cp <= 0x28FF)
        return cp == 0x2800 ? ' ' : '*';
    return '?';
}

/* The ASCII words for symbols one letter would misread; NULL for the rest. */
static const char *ascii_word(uint32_t cp)
{
    switch (cp) {
    case 0x03C0: return "pi";
    case 0x2026: return "...";
    case 0x2260: return "!=";
    case 0x2264: return "<=";
    case 0x2265: return ">=";
    case 0x2192: return "->";
    default: return NULL;
    }
}

int tui_text(tui_grid *g, int x, int y, int maxw, const char *s, uint32_t fg, uint32_t bg, uint8_t attr)
{
    int n = 0;
    while (s && *s && n < maxw) {
        uint32_t cp = tui_utf8_next(&s);
        const char *w = g->ascii ? ascii_word(cp) : NULL;
        if (w) {
            for (; *w && n < maxw; w++, n++)
                tui_put(g, x + n, y, (uint32_t)(unsigned char)*w, fg, bg, attr);
            continue;
        }
        tui_put(g, x + n, y, cp, fg, bg, attr);
        n++;
    }
    return n;
}

int tui_text_fit(tui_grid *g, int x, int y, int maxw, const char *s, uint32_t fg, uint32_t bg, uint8_t attr)
{
    if (!s || maxw < 1)
        return 0;
    if (tui_text_width(s) <= maxw)
        return tui_text(g, x, y, maxw, s, fg, bg, attr);
    /* the longest prefix ending before a space that leaves room for "…" */
    char buf[512];
    size_t len = strlen(s) < sizeof buf - 4 ? strlen(s) : sizeof buf - 4;
    memcpy(buf, s, len);
    buf[len] = '\0';
    size_t cut = 0;
    const char *p = buf;
    int col = 0;
    while (*p && col <= maxw - 2) { /* the prefix before a space at column col, then " …" */
        if (*p == ' ')
            cut = (size_t)(p - buf);
        tui_utf8_next(&p);
        col++;
    }
    buf[cut] = '\0';
    /* an opening bracket whose closing one was cut goes too: "(0 …" would read as a number */
    char *open = strrchr(buf, '(');
    if (open && !strchr(open, ')'))
        *open = '\0';
    /* drop what would dangle before the "…": spaces, an opening bracket, separators */
    for (;;) {
        size_t n = strlen(buf);
        if (n > 0 && strchr(" (:,=;", buf[n - 1])) {
            buf[n - 1] = '\0';
        } else if (n >= 2 && !strcmp(buf + n - 2, "\xc2\xb7")) { /* · */
            buf[n - 2] = '\0';
        } else if (n >= 3 && (!strcmp(buf + n - 3, "\xe2\x80\x94") || !strcmp(buf + n - 3, "\xe2\x80\xa6"))) {
            buf[n - 3] = '\0'; /* — … */
        } else {
            break;
        }
    }
    if (!buf[0] && maxw > 1)
        return tui_text(g, x, y, maxw, "…", fg, bg, attr);
    size_t n = strlen(buf);
    snprintf(buf + n, sizeof buf - n, " …");
    return tui_text(g, x, y, maxw, buf, fg, bg, attr);
}

void tui_fill(tui_grid *g, tui_rect r, uint32_t ch, uint32_t fg, uint32_t bg, uint8_t attr)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            tui_put(g, x, y, ch, fg, bg, attr);
}

void tui_set_bg(tui_grid *g, tui_rect r, uint32_t bg)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) {
            tui_cell *c = tui_grid_at(g, x, y);
            if (c)
                c->bg = bg;
        }
}

size_t tui_grid_row(const tui_grid *g, int y, char *out, size_t n)
{
    size_t len = 0;
    int last = -1;
    for (int x = 0; x < g->w; x++)
        if (tui_grid_cell(g, x, y)->ch != ' ')
            last = x;
    for (int x = 0; x <= last; x++) {
        char buf[4];
        int k = tui_utf8_put(tui_grid_cell(g, x, y)->ch, buf);
        for (int i = 0; i < k; i++, len++)
            if (len + 1 < n)
                out[len] = buf[i];
    }
    if (n > 0)
        out[len < n ? len : n - 1] = '\0';
    return len;
}

size_t tui_grid_text(const tui_grid *g, char *out, size_t n)
{
    size_t len = 0;
    for (int y = 0; y < g->h; y++) {
        size_t room = len < n ? n - len : 0;
        size_t k = tui_grid_row(g, y, room ? out + len : NULL, room);
        len += k;
        if (len + 1 < n)
            out[len] = '\n';
        len++;
    }
    if (n > 0)
        out[len < n ? len : n - 1] = '\0';
    return len;
}
