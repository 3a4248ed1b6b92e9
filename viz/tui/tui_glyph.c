/* viz/tui/tui_glyph.c — the block and shading glyphs the figure drawers share: 8-level vertical and
 * horizontal bars and a shade ramp, each with a 7-bit stand-in (see tui_glyph.h). */
#include "tui_glyph.h"

uint32_t tui_vbar_glyph(int eighths, int ascii)
{
    static const char asc[9] = { ' ', '_', '_', '-', '-', '=', '=', '#', '#' };
    if (eighths <= 0)
        return ' ';
    if (eighths >= 8)
        return ascii ? '#' : 0x2588;
    return ascii ? (uint32_t)asc[eighths] : 0x2580u + (uint32_t)eighths; /* ▁ … ▇ */
}

uint32_t tui_hbar_glyph(int eighths, int ascii)
{
    if (eighths <= 0)
        return ' ';
    if (eighths >= 8)
        return ascii ? '#' : 0x2588;
    if (ascii)
        return eighths >= 4 ? '=' : '-';
    return 0x2590u - (uint32_t)eighths; /* ▏ (1/8) … ▉ (7/8) */
}

uint32_t tui_shade_glyph(double t, int ascii)
{
    static const char asc[] = " .:-=+*#%@";
    static const uint32_t uni[] = { ' ', 0x2591, 0x2592, 0x2593, 0x2588 };
    if (!(t >= 0.0)) t = 0.0;
    if (t > 1.0) t = 1.0;
    if (ascii) {
        int k = (int)(t * 9.999);
        return (uint32_t)asc[k];
    }
    int k = (int)(t * 4.999);
    return uni[k];
}
