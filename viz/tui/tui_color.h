/* viz/tui/tui_color.h — colour for the terminal renderer: the RGB of each plot_role (one dark
 * theme), the cyclic map for angles, and the reduction of RGB to what a terminal can show:
 * truecolor → xterm 256 → the 16 ANSI colours → mono (attributes only).
 *
 * Contract: pure functions, no terminal access. tui_color_pick decides the mode from what the
 * caller learned about the terminal and the environment (NO_COLOR wins over everything). */
#ifndef TUI_COLOR_H
#define TUI_COLOR_H

#include <stdint.h>
#include "plot.h"

typedef enum tui_color_mode {
    TUI_COLOR_MONO,  /* no colour: bold / reverse only */
    TUI_COLOR_16,
    TUI_COLOR_256,
    TUI_COLOR_TRUE,
    TUI_COLOR_MODE_COUNT
} tui_color_mode;

int tui_color_mode_from_name(const char *s, tui_color_mode *out); /* also "auto" → -1 */

/* ncolors: what the terminal reports (0 if it has no colour); colorterm: $COLORTERM or NULL;
 * no_color: $NO_COLOR or NULL (set and non-empty disables colour); forbid: --no-color. */
tui_color_mode tui_color_pick(int ncolors, const char *colorterm, const char *no_color, int forbid);

uint32_t tui_role_rgb(plot_role r);
/* The dark tint used to shade a band of role r. */
uint32_t tui_role_shade(plot_role r);
/* A colour wheel for t in [0, 1) (angles): continuous and periodic. */
uint32_t tui_cyclic_rgb(double t);

int tui_rgb_to_256(uint32_t rgb);  /* nearest xterm-256 index (16..255) */
int tui_rgb_to_16(uint32_t rgb);   /* nearest of the 16 ANSI colours (0..15) */
uint32_t tui_ansi16_rgb(int i);    /* the xterm RGB of ANSI colour i */

#endif
