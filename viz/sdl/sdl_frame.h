/* viz/sdl/sdl_frame.h — one explorer frame in pixels: the title and parameter bar, every shown panel
 * in the layout, the status and message lines, the help and preset overlays, and a hover tooltip.
 * The text comes ready-made in a tui_chrome (the controller is shared with the terminal); the
 * panels are built from the plot_view through the glue in sdl_layout_glue.c.
 *
 * Contract: the figures' pools are allocated once in sdl_frame_init; rendering never prints or
 * exits and reports where everything landed (sdl_frame_hits) so the pointer can be mapped back to
 * panels, parameters and axis values. A per-panel x range (zoom) replaces an XY figure's x axis. */
#ifndef SDL_FRAME_H
#define SDL_FRAME_H

#include "panel.h"
#include "sdl_plot.h"
#include "tui_screen.h"

typedef struct sdl_frame_hits {
    unsigned     shown;                        /* bit per plot_panel_id drawn */
    sdl_fig_hits fig[PLOT_PANEL_COUNT];
    int          n_params;
    SDL_Rect     param[TUI_MAX_PARAMS];        /* each parameter's box in the bar */
    int          help_rows;
} sdl_frame_hits;

typedef struct sdl_frame {
    plot_figure fig[PLOT_PANEL_COUNT];
    plot_figure part[PLOT_MAX_PARTS - 1];      /* a zoomed panel's further sub-figures */
    int         zoomed[PLOT_PANEL_COUNT];      /* 1: x axis shown over [x_lo, x_hi] */
    double      x_lo[PLOT_PANEL_COUNT], x_hi[PLOT_PANEL_COUNT];
    double      full_lo[PLOT_PANEL_COUNT], full_hi[PLOT_PANEL_COUNT]; /* out: the unzoomed x range */
    char        tooltip[512];                  /* lines split by '\n'; "" none */
    int         tip_x, tip_y;                  /* pointer, pixels */
    rope_error  last_error;
} sdl_frame;

int  sdl_frame_init(sdl_frame *fr);            /* -1 if out of memory */
void sdl_frame_free(sdl_frame *fr);
void sdl_frame_render(sdl_frame *fr, sdl_canvas *c, const tui_chrome *ch, const plot_view *v,
                      sdl_frame_hits *hits);

/* The layout and panel-builder glue (sdl_layout_glue.c): the only calls into the layout and the
 * panel builders, so they can be re-pointed when those become renderer-neutral. */
unsigned sdl_glue_layout(SDL_Rect area, float scale, unsigned visible, int focus, int zoom,
                         SDL_Rect rect[PLOT_PANEL_COUNT]);
int sdl_glue_build(plot_panel_id id, const plot_view *v, SDL_Rect r, float scale, plot_figure *f,
                   rope_error *err);
/* Sub-figure `part` of a zoomed panel (plot_panel_build_part); part 0 is sdl_glue_build. */
int sdl_glue_build_part(plot_panel_id id, int part, const plot_view *v, SDL_Rect r, float scale, plot_figure *f,
                        rope_error *err);

#endif
