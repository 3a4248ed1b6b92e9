/* app/cmd/cmd_window.h — the explorer in an SDL2 window: the terminal's controller (tui_app: the lab,
 * the one key table, the input modes) drawn by the pixel renderer (viz/sdl), plus what the pointer
 * can do only in pixels: drag the β_fast / β_slow lines on the ramp panel, the regime boundaries
 * and the s·L line on the wavelength panel, scroll the factor, hover for exact values, wheel to zoom
 * a panel's x axis, double-click to reset it.
 *
 * Contract: every parameter change goes through the lab (lab_set_params / lab_step), so a refused
 * value leaves the state unchanged with a one-line message. win_app works on a software surface and
 * needs no video driver (screenshots, tests, the benchmark); `ropescope window` adds the window. */
#ifndef CMD_WINDOW_H
#define CMD_WINDOW_H

#include "sdl_frame.h"
#include "sdl_keys.h"
#include "tui_app.h"

typedef enum win_drag {
    WIN_DRAG_NONE,
    WIN_DRAG_BETA_FAST,     /* ramp panel: the β line (rows ↔ r) */
    WIN_DRAG_BETA_SLOW,     /* ramp panel: the α line */
    WIN_DRAG_EDGE_FAST,     /* wavelength / ramp: the extrapolate | blend boundary (columns ↔ pair) */
    WIN_DRAG_EDGE_SLOW,     /* the blend | interpolate boundary */
    WIN_DRAG_SCALED_CTX     /* wavelength panel: the s·L line (rows ↔ λ), sets the factor */
} win_drag;

typedef struct win_app {
    tui_app        app;     /* the shared controller and the lab */
    sdl_canvas     cv;
    sdl_frame      frame;
    sdl_frame_hits hits;    /* where the last render put things */
    win_drag       drag;
    int            mx, my;  /* the pointer, pixels; -1 outside */
} win_app;

int  win_app_init(win_app *w, const rope_config *start, const char *source, int width, int height,
                  float scale, rope_error *err);
void win_app_free(win_app *w);
int  win_app_resize(win_app *w, int width, int height, rope_error *err);
/* Rebuilds the chrome, the figures and the pixels (also refreshes the hover tooltip). */
void win_app_render(win_app *w);
/* One SDL event (keys, text, mouse, wheel; coordinates in the surface's pixels). */
void win_app_event(win_app *w, const SDL_Event *ev);
/* One explorer key event, exactly as the terminal would apply it (the shared key table). */
void win_app_key(win_app *w, const tui_event *ev);

/* The value a row of the ramp panel's plot area stands for, and the pair a column stands for —
 * what a drag to (x, y) sets. NaN when the panel is not shown. */
double win_ramp_value_at(const win_app *w, int y);
double win_pair_at(const win_app *w, plot_panel_id id, int x);

#endif
