/* viz/tui/tui_canvas.c — the braille dot canvas: dots, Bresenham lines, and the glyph of a cell in
 * UTF-8 (braille) or ASCII (see tui_canvas.h). */
#include <stdlib.h>
#include "tui_canvas.h"

int tui_canvas_init(tui_canvas *c, int w, int h)
{
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    size_t n = (size_t)w * (size_t)h;
    c->w = w;
    c->h = h;
    c->bits = calloc(n, 1);
    c->role = calloc(n, 1);
    c->bold = calloc(n, 1);
    if (!c->bits || !c->role || !c->bold) {
        tui_canvas_free(c);
        return -1;
    }
    return 0;
}

void tui_canvas_free(tui_canvas *c)
{
    free(c->bits);
    free(c->role);
    free(c->bold);
    c->bits = c->role = c->bold = NULL;
    c->w = c->h = 0;
}

uint8_t tui_braille_bit(int dx, int dy)
{
    /* Unicode braille numbering: dots 1-2-3 down the left column, 4-5-6 down the right,
     * 7 and 8 under them */
    static const uint8_t left[4] = { 0x01, 0x02, 0x04, 0x40 }, right[4] = { 0x08, 0x10, 0x20, 0x80 };
    if (dx < 0 || dx > 1 || dy < 0 || dy > 3)
        return 0;
    return dx ? right[dy] : left[dy];
}

void tui_canvas_dot(tui_canvas *c, int x, int y, int role, int bold)
{
    if (x < 0 || y < 0 || x >= 2 * c->w || y >= 4 * c->h)
        return;
    size_t i = (size_t)(y / 4) * (size_t)c->w + (size_t)(x / 2);
    c->bits[i] |= tui_braille_bit(x % 2, y % 4);
    c->role[i] = (uint8_t)role;
    c->bold[i] = (uint8_t)(bold != 0);
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void tui_canvas_line(tui_canvas *c, int x0, int y0, int x1, int y1, int role, int bold)
{
    int W = 2 * c->w, H = 4 * c->h;
    /* both ends off the same side: nothing to draw */
    if ((x0 < 0 && x1 < 0) || (y0 < 0 && y1 < 0) || (x0 >= W && x1 >= W) || (y0 >= H && y1 >= H))
        return;
    /* keep the walk short for far-away ends (a slight bend there is off-canvas anyway) */
    x0 = clampi(x0, -W, 2 * W);
    x1 = clampi(x1, -W, 2 * W);
    y0 = clampi(y0, -H, 2 * H);
    y1 = clampi(y1, -H, 2 * H);
    int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        tui_canvas_dot(c, x0, y0, role, bold);
        if (x0 == x1 && y0 == y1)
            break;
        int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

uint32_t tui_canvas_glyph(const tui_canvas *c, int cx, int cy, int ascii)
{
    if (cx < 0 || cy < 0 || cx >= c->w || cy >= c->h)
        return 0;
    uint8_t b = c->bits[(size_t)cy * (size_t)c->w + (size_t)cx];
    if (!b)
        return 0;
    if (!ascii)
        return 0x2800u + b;
    int top = 4, bottom = -1;
    for (int dy = 0; dy < 4; dy++)
        if (b & (tui_braille_bit(0, dy) | tui_braille_bit(1, dy))) {
            if (dy < top) top = dy;
            bottom = dy;
        }
    if (bottom - top >= 2)
        return '|';
    double mid = 0.5 * (top + bottom);
    return mid < 0.75 ? '\'' : mid < 1.75 ? '-' : mid < 2.75 ? '.' : '_';
}
