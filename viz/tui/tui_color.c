/* viz/tui/tui_color.c — the theme's RGB per role, the angle colour wheel, and the nearest-colour
 * reductions to the xterm 256 and ANSI 16 palettes (see tui_color.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tui_color.h"

static const char *const mode_names[TUI_COLOR_MODE_COUNT] = { "mono", "16", "256", "truecolor" };

int tui_color_mode_from_name(const char *s, tui_color_mode *out)
{
    for (int m = 0; m < TUI_COLOR_MODE_COUNT; m++)
        if (strcmp(s, mode_names[m]) == 0) {
            *out = (tui_color_mode)m;
            return 0;
        }
    if (strcmp(s, "24bit") == 0 || strcmp(s, "true") == 0) {
        *out = TUI_COLOR_TRUE;
        return 0;
    }
    return -1;
}

tui_color_mode tui_color_pick(int ncolors, const char *colorterm, const char *no_color, int forbid)
{
    if (forbid || (no_color && no_color[0]))
        return TUI_COLOR_MONO;
    if (ncolors >= 0x1000000)
        return TUI_COLOR_TRUE;
    if (colorterm && (!strcmp(colorterm, "truecolor") || !strcmp(colorterm, "24bit")) && ncolors >= 256)
        return TUI_COLOR_TRUE;
    if (ncolors >= 256)
        return TUI_COLOR_256;
    if (ncolors >= 8)
        return TUI_COLOR_16;
    return TUI_COLOR_MONO;
}

uint32_t tui_role_rgb(plot_role r)
{
    static const uint32_t base[PLOT_ROLE_METHOD] = {
        [PLOT_ROLE_TEXT] = 0xd0d0d0, [PLOT_ROLE_DIM] = 0x8a8a8a, [PLOT_ROLE_AXIS] = 0x6c6c6c,
        [PLOT_ROLE_ACCENT] = 0xffd75f, [PLOT_ROLE_WARN] = 0xff5f5f,
        [PLOT_ROLE_EXTRAP] = 0x5fafff, [PLOT_ROLE_BLEND] = 0xd787ff, [PLOT_ROLE_INTERP] = 0xff875f,
        [PLOT_ROLE_MARK_CTX] = 0x87ff87, [PLOT_ROLE_MARK_EXT] = 0x5fffff, [PLOT_ROLE_MARK_BETA] = 0xffaf00,
        [PLOT_ROLE_ORIG] = 0xa8a8a8, [PLOT_ROLE_SCALED] = 0xffd75f, [PLOT_ROLE_PAPER] = 0xff5fd7,
    };
    /* none, linear, ntk, dynamic, ntk-parts, yarn, dynamic-yarn, llama3, longrope */
    static const uint32_t method[9] = {
        0xbcbcbc, 0x5f87ff, 0x00d7af, 0x87d700, 0xaf87ff, 0xffd75f, 0xffaf5f, 0xff5f87, 0x5fd7ff
    };
    if ((int)r >= PLOT_ROLE_METHOD && (int)r < PLOT_ROLE_COUNT)
        return method[r - PLOT_ROLE_METHOD];
    if ((unsigned)r < PLOT_ROLE_METHOD)
        return base[r];
    return 0xd0d0d0;
}

uint32_t tui_role_shade(plot_role r)
{
    uint32_t c = tui_role_rgb(r);
    int R = (c >> 16) & 0xff, G = (c >> 8) & 0xff, B = c & 0xff;
    /* 22 % of the colour over a near-black background */
    R = 18 + R * 22 / 100;
    G = 18 + G * 22 / 100;
    B = 18 + B * 22 / 100;
    return (uint32_t)(R << 16 | G << 8 | B);
}

uint32_t tui_cyclic_rgb(double t)
{
    t -= floor(t);
    /* three phase-shifted cosines: a smooth, periodic wheel with even brightness */
    double r = 0.55 + 0.40 * cos(2 * M_PI * (t - 0.0 / 3));
    double g = 0.55 + 0.40 * cos(2 * M_PI * (t - 1.0 / 3));
    double b = 0.55 + 0.40 * cos(2 * M_PI * (t - 2.0 / 3));
    int R = (int)(r * 255 + 0.5), G = (int)(g * 255 + 0.5), B = (int)(b * 255 + 0.5);
    return (uint32_t)(R << 16 | G << 8 | B);
}

static const uint32_t ansi16[16] = {
    0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
    0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff
};

uint32_t tui_ansi16_rgb(int i)
{
    return ansi16[i & 15];
}

static long dist2(uint32_t a, uint32_t b)
{
    long dr = (long)((a >> 16) & 0xff) - (long)((b >> 16) & 0xff);
    long dg = (long)((a >> 8) & 0xff) - (long)((b >> 8) & 0xff);
    long db = (long)(a & 0xff) - (long)(b & 0xff);
    /* weight green most, as the eye does */
    return 3 * dr * dr + 4 * dg * dg + 2 * db * db;
}

int tui_rgb_to_16(uint32_t rgb)
{
    int best = 0;
    long bd = -1;
    for (int i = 0; i < 16; i++) {
        long d = dist2(rgb, ansi16[i]);
        if (bd < 0 || d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

/* xterm's cube levels */
static const int cube[6] = { 0, 95, 135, 175, 215, 255 };

static int nearest_level(int v)
{
    int best = 0;
    for (int i = 1; i < 6; i++)
        if (abs(cube[i] - v) < abs(cube[best] - v))
            best = i;
    return best;
}

int tui_rgb_to_256(uint32_t rgb)
{
    int R = (rgb >> 16) & 0xff, G = (rgb >> 8) & 0xff, B = rgb & 0xff;
    int ri = nearest_level(R), gi = nearest_level(G), bi = nearest_level(B);
    int ci = 16 + 36 * ri + 6 * gi + bi;
    uint32_t cc = (uint32_t)(cube[ri] << 16 | cube[gi] << 8 | cube[bi]);
    /* the grey ramp 232..255 is 8, 18, …, 238 */
    int avg = (R + G + B) / 3;
    int gs = avg < 8 ? 0 : avg > 238 ? 23 : (avg - 8 + 5) / 10;
    if (gs > 23) gs = 23;
    int gv = 8 + 10 * gs;
    uint32_t gc = (uint32_t)(gv << 16 | gv << 8 | gv);
    return dist2(rgb, gc) < dist2(rgb, cc) ? 232 + gs : ci;
}
