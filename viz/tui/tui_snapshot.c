/* viz/tui/tui_snapshot.c — the text of a frame, plain or with ANSI SGR sequences per colour mode
 * (see tui_snapshot.h). */
#include <stdlib.h>
#include <string.h>
#include "tui_snapshot.h"

int tui_out_append(tui_out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n + 1)
            cap *= 2;
        char *d = realloc(o->data, cap);
        if (!d)
            return -1;
        o->data = d;
        o->cap = cap;
    }
    memcpy(o->data + o->len, s, n);
    o->len += n;
    o->data[o->len] = '\0';
    return 0;
}

void tui_out_free(tui_out *o)
{
    free(o->data);
    o->data = NULL;
    o->len = o->cap = 0;
}

/* Appends ";" and the decimal digits of v (0 ≤ v < 1000) at buf + k; returns the new length. */
static int put_num(char *buf, int k, int v)
{
    buf[k++] = ';';
    if (v >= 100) buf[k++] = (char)('0' + v / 100);
    if (v >= 10) buf[k++] = (char)('0' + v / 10 % 10);
    buf[k++] = (char)('0' + v % 10);
    return k;
}

static int color_code(uint32_t rgb, int bg, tui_color_mode mode, char *buf, int k)
{
    if (rgb & TUI_DEFAULT)
        return k;
    switch (mode) {
    case TUI_COLOR_TRUE:
        k = put_num(buf, k, bg ? 48 : 38);
        k = put_num(buf, k, 2);
        k = put_num(buf, k, (int)((rgb >> 16) & 0xff));
        k = put_num(buf, k, (int)((rgb >> 8) & 0xff));
        return put_num(buf, k, (int)(rgb & 0xff));
    case TUI_COLOR_256:
        k = put_num(buf, k, bg ? 48 : 38);
        k = put_num(buf, k, 5);
        return put_num(buf, k, tui_rgb_to_256(rgb));
    case TUI_COLOR_16: {
        int c = tui_rgb_to_16(rgb);
        return put_num(buf, k, (c < 8 ? (bg ? 40 : 30) : (bg ? 100 : 90)) + (c & 7));
    }
    default:
        return k;
    }
}

int tui_sgr(uint32_t fg, uint32_t bg, uint8_t attr, tui_color_mode mode, char *buf, size_t n)
{
    char tmp[64]; /* the longest: ESC[0;1;2;4;7;38;2;255;255;255;48;2;255;255;255m = 47 bytes */
    int k = 0;
    tmp[k++] = '\033';
    tmp[k++] = '[';
    tmp[k++] = '0';
    if (attr & TUI_BOLD) k = put_num(tmp, k, 1);
    if (attr & TUI_DIM) k = put_num(tmp, k, 2);
    if (attr & TUI_UNDERLINE) k = put_num(tmp, k, 4);
    if (attr & TUI_REVERSE) k = put_num(tmp, k, 7);
    k = color_code(fg, 0, mode, tmp, k);
    k = color_code(bg, 1, mode, tmp, k);
    tmp[k++] = 'm';
    if (n > 0) {
        size_t m = (size_t)k < n - 1 ? (size_t)k : n - 1;
        memcpy(buf, tmp, m);
        buf[m] = '\0';
    }
    return k;
}

int tui_snapshot(const tui_grid *g, int ansi, tui_color_mode mode, tui_out *out)
{
    if (!ansi) {
        size_t need = tui_grid_text(g, NULL, 0);
        char *buf = malloc(need + 1);
        if (!buf)
            return -1;
        tui_grid_text(g, buf, need + 1);
        int rc = tui_out_append(out, buf, need);
        free(buf);
        return rc;
    }
    char sgr[96], u[4];
    for (int y = 0; y < g->h; y++) {
        const tui_cell *prev = NULL;
        for (int x = 0; x < g->w; x++) {
            const tui_cell *c = tui_grid_cell(g, x, y);
            if (!prev || c->fg != prev->fg || c->bg != prev->bg || c->attr != prev->attr) {
                int k = tui_sgr(c->fg, c->bg, c->attr, mode, sgr, sizeof sgr);
                if (tui_out_append(out, sgr, (size_t)k))
                    return -1;
            }
            prev = c;
            int k = tui_utf8_put(c->ch, u);
            if (tui_out_append(out, u, (size_t)k))
                return -1;
        }
        if (tui_out_append(out, "\033[0m\n", 5))
            return -1;
    }
    return 0;
}
