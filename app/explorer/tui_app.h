/* app/explorer/tui_app.h — the explorer's controller: the key and mouse bindings (one table, which is also
 * the help overlay), input modes (typing a value, naming an export file, confirming an overwrite,
 * help, the preset list), and the text of the title, parameter and status lines.
 *
 * Contract: tui_app_handle applies one event to the lab and the UI state and never blocks,
 * prints or exits (heavy work goes to the worker, whose results tui_app_collect hands to the lab); a refused change leaves a one-line message for the status line. The same code
 * runs in the terminal and in headless snapshots (which feed events from --keys). */
#ifndef TUI_APP_H
#define TUI_APP_H

#include "lab.h"
#include "rope_parity.h"
#include "live_model.h"
#include "tui_keys.h"
#include "tui_screen.h"
#include "worker.h"

#define TUI_APP_MAX_PRESETS 64

typedef enum tui_mode {
    TUI_MODE_NORMAL,
    TUI_MODE_VALUE,      /* typing a value for the focused parameter */
    TUI_MODE_EXPORT,     /* typing the export file name */
    TUI_MODE_CONFIRM,    /* the export file exists: overwrite? */
    TUI_MODE_HELP,
    TUI_MODE_PRESETS,
    TUI_MODE_PARITY,     /* the engine parity view (P) */
    TUI_MODE_FORMATS,    /* picking the export format (e) */
    TUI_MODE_PRESET_ASK, /* a preset would replace the user's method and factor: keep them? */
    TUI_MODE_PROMPT      /* typing the model panel's continuation prompt */
} tui_mode;

#define TUI_APP_PARITY_LINES 48

typedef struct tui_app {
    lab        lab;
    tui_chrome chrome;
    tui_hits   hits;           /* where the last frame put things (mouse, scrolling) */
    tui_mode   mode;
    char       input[256];     /* the line being typed */
    char       message[320];
    int        message_error;
    plot_layout layout;        /* which panels show, the focused one, zoom (viz/figure/layout.h) */
    int        help_scroll;
    int        preset_cursor;
    int        n_presets;
    char       preset_line[TUI_APP_MAX_PRESETS][128]; /* [n_presets] "name  title" lines */
    const char *preset_ptr[TUI_APP_MAX_PRESETS];      /* [n_presets] into preset_line */
    int        score_set;      /* which methods the score panel compares (cycled with c) */
    int        tour;           /* the tour's step shown, -1 outside the tour (T, n, N; tour.h) */
    int        format_cursor;  /* the export format list's cursor: 0 every format, 1 + rope_export_format */
    int        export_format;  /* the format being exported: -1 every format, else rope_export_format */
    const char *format_ptr[8]; /* [1 + ROPE_EXPORT_COUNT] lines of the format list */
    char       format_line[8][96];
    int        ask_preset;     /* TUI_MODE_PRESET_ASK: the preset waiting for the answer */
    worker    *jobs;           /* background jobs (not owned); NULL: none */
    /* engine parity of the current parameters (rope_parity_check), recomputed once per generation */
    rope_parity *parity;       /* owned; NULL until first needed */
    unsigned long parity_gen;  /* the lab generation it was computed for; 0 none */
    char       parity_status[160]; /* "engines agree" / "vllm != hf: magnitude 1.28 vs 1.00" / why not */
    int        n_parity_lines, parity_cursor;
    char       parity_line[TUI_APP_PARITY_LINES][200]; /* [n_parity_lines] the parity view's text */
    const char *parity_ptr[TUI_APP_PARITY_LINES];

    int        quit;
    /* the model panel (live_model.h) */
    live_src  *live;           /* the model and passage (owned, used by the worker only); NULL: off */
    live_opts  lopt;           /* comparison method, passkey, prompt, layer/head */
    int        lview;          /* the sub-view shown unzoomed (plot_model_view) */
    unsigned   lopt_ver, lopt_sent;   /* bumped on every option change / the version last submitted */
    unsigned   lopt_derived;   /* the version the held result was last re-derived for */
    unsigned long live_sent;   /* generation of the chain last started, 0 none */
    int        live_stage;     /* stage running, -1 none */
    double     live_t0;        /* when it started, monotonic seconds */
    int        live_waiting;   /* inside <Wait>: synchronous workers run jobs too */
    plot_model idle_pm;        /* what the panel shows before any result */
} tui_app;

int  tui_app_init(tui_app *a, const rope_config *start, const char *source, rope_error *err);
/* Turns the model panel on: model_path NULL = the embedded model, text_path NULL = the held-out
 * passage (both strings must outlive the app). Loading happens in the first background job. */
int  tui_app_live(tui_app *a, const char *model_path, const char *text_path, int threads, rope_error *err);
void tui_app_free(tui_app *a);
void tui_app_handle(tui_app *a, const tui_event *ev);
/* Hands a finished background job (if any) to the lab's live part; 1 if one arrived. Call it when
 * the worker's wake fd is readable, and after each event in synchronous mode. */
int  tui_app_collect(tui_app *a);
/* Starts the tour at step `step` (0 = the first) or leaves it (step < 0); -1 with a message if the
 * step's parameters were refused. */
int  tui_app_tour(tui_app *a, int step);
/* Starts the model panel's jobs for the current parameters if they are not running yet (called by
 * tui_app_handle and tui_app_collect; in synchronous mode only inside <Wait>). */
void tui_app_live_kick(tui_app *a);
/* <Wait>: runs or waits for every background job until none is left. */
void tui_app_wait(tui_app *a);
/* Refreshes a->chrome from the state (call before every render). */
void tui_app_chrome(tui_app *a);

/* The key list shown by the help overlay and `ropescope tui --help`. */
extern const tui_help_line tui_app_keys[];
extern const int tui_app_n_keys;

#endif
