/* viz/tui/tui_screen.h — one whole explorer frame: the title and parameter bar, the panels in their
 * layout, the status lines, and the overlays (help, preset list), or the "too small" screen.
 *
 * Contract: the caller (the lab) fills a tui_chrome with ready-made text and a plot_view; the
 * screen builds each shown panel's figure from the view, draws everything into the grid, and
 * reports where things landed (tui_hits) so mouse clicks and scrolling can be mapped back.
 * The figures' pools are allocated once in tui_screen_init; rendering does not print, exit or
 * touch a terminal. */
#ifndef TUI_SCREEN_H
#define TUI_SCREEN_H

#include "panel.h"
#include "tui_draw.h"
#include "tui_layout.h"

#define TUI_MAX_PARAMS 16

typedef struct tui_param_item {
    char name[24];
    char value[48];
    int  focused;
    int  unused;          /* the current method does not read it (drawn dim) */
} tui_param_item;

typedef struct tui_help_line {
    const char *keys;     /* e.g. "q  F10  Ctrl-C" */
    const char *what;
} tui_help_line;

typedef enum tui_overlay {
    TUI_OVERLAY_NONE,
    TUI_OVERLAY_HELP,
    TUI_OVERLAY_LIST,     /* a pick list (presets) */
} tui_overlay;

typedef struct tui_chrome {
    char title[200];                 /* top bar, left */
    char title_right[80];            /* top bar, right */
    int  n_params;
    tui_param_item params[TUI_MAX_PARAMS];
    char status[320];                /* the table's summary line */
    char message[320];               /* info or error for the last action; "" shows the hints */
    int  message_error;
    char prompt[360];                /* non-empty: an input line replaces the message ("factor = 16_") */
    char hints[240];
    char guide_title[160];           /* non-empty: the tour's box above the status ("tour 3/11 · …") */
    char guide[640];                 /* its text, wrapped at word boundaries to the width (≤ 4 lines) */
    char lint[320];                  /* non-empty: the live lint line above the status */
    int  lint_warn;                  /* 1: drawn as a warning (a warn or error finding) */
    unsigned visible;                /* bit per plot_panel_id */
    int  focus_panel;
    int  zoom;
    tui_overlay overlay;
    const tui_help_line *help;       /* [n_help] */
    int  n_help, help_scroll;
    const char *const *list;         /* [n_list] lines of the pick list */
    int  n_list, list_cursor;
    char list_title[80];
    const char *list_hint;           /* the list's footer; NULL: "↑↓ choose · Enter loads · Esc closes" */
} tui_chrome;

typedef struct tui_hits {
    int      too_small;
    unsigned shown;                        /* panels drawn */
    tui_rect panel[PLOT_PANEL_COUNT];
    int      n_params;
    tui_rect param[TUI_MAX_PARAMS];        /* each parameter's cells in the bar */
    int      table_rows;                   /* pair-table rows visible (for scrolling) */
    int      help_rows;                    /* help lines visible (for scrolling) */
} tui_hits;

typedef struct tui_screen {
    plot_figure fig[PLOT_PANEL_COUNT];
    plot_figure part[PLOT_MAX_PARTS - 1];  /* a zoomed panel's further sub-figures */
    tui_style   style;
    rope_error  last_error;                /* the last panel that failed to build */
} tui_screen;

int  tui_screen_init(tui_screen *s, tui_style style);   /* -1 if out of memory */
void tui_screen_free(tui_screen *s);

void tui_screen_render(tui_screen *s, tui_grid *g, const tui_chrome *c, const plot_view *v, tui_hits *hits);

/* The panels' size hint for an area of cols × rows cells: one point per cell, label text one cell,
 * the finest mark a braille dot (½ × ¼ cell). */
plot_size tui_size_hint(int cols, int rows);

/* Just the too-small screen (also what render draws below TUI_MIN_W × TUI_MIN_H), with an optional
 * note under it (render passes the chrome's message). */
void tui_screen_too_small(tui_grid *g, const tui_style *st, const char *note);

#endif
