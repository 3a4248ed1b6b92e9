/* app/explorer/lab.h — the explorer's state in three parts, each with its own writer:
 *   intent (lab.c): what the user chose — config and RoPE parameters, the focused parameter, preset,
 *           animation, the clocks' position, the pair cursor and dial selection, the score options;
 *   view   (lab_view.c): every table the panels draw, derived from the intent (a plot_view recomputed
 *           from ropecore on each change) and written only by lab_view_compute / lab_view_sync;
 *   live   (lab_live.c): results of background jobs (worker.h), each stamped with the parameter
 *           generation it was computed for.
 *
 * Contract: cfg.params is always valid — a change is validated by ropecore first and refused with
 * a one-line message otherwise (the state is then unchanged). Every accepted parameter change
 * bumps `generation`. A live result whose stamp differs from the current generation is stale and is
 * never drawn as current (lab_live_state). The controller changes the state only through these
 * functions. No printing, no exit, no threads (the worker hands finished jobs to the UI thread). */
#ifndef LAB_H
#define LAB_H

#include "panel.h"
#include "rope_config.h"

typedef enum lab_param {
    LAB_P_FACTOR, LAB_P_BETA_FAST, LAB_P_BETA_SLOW, LAB_P_ORIG_CTX, LAB_P_BASE, LAB_P_HEAD_DIM,
    LAB_P_ATTN, LAB_P_TRUNCATE, LAB_P_FLAVOR, LAB_P_POSITION, LAB_P_SEQ_LEN,
    LAB_P_COUNT
} lab_param;

/* What the live part knows of one background result (see lab_live_state). */
typedef enum lab_live_state {
    LAB_LIVE_NONE,      /* nothing computed yet */
    LAB_LIVE_CURRENT,   /* computed for the current parameter generation */
    LAB_LIVE_STALE      /* computed for older parameters: draw greyed, never as current */
} lab_live_state;

typedef struct lab_live {
    unsigned long stamp;        /* generation the held result was computed for; 0 none */
    int           rc;           /* the job's return: 0 ok, -1 failed (error holds why) */
    char          error[160];
    void         *result;       /* owned; freed with free_result */
    void        (*free_result)(void *result);
    unsigned long pending;      /* generation of the job submitted last and not yet posted; 0 none */
    double        progress;     /* 0..1 of the pending job, as last reported */
    char          what[96];     /* what the pending job is computing */
} lab_live;

typedef struct lab {
    /* intent (lab.c) */
    rope_config start;          /* what the command line gave: reset returns here */
    char        start_source[256];
    rope_config cfg;            /* the current config; cfg.params always validates */
    char        source[256];    /* "preset NAME", a config path, or "" */
    unsigned long generation;   /* +1 on every accepted parameter change */
    lab_param   focus;          /* the parameter +/- and typing act on */
    int         preset;         /* index of the preset last loaded, -1 none */
    int         animate;        /* 1: the position advances on every tick */
    double      position;       /* p, tokens: the clocks' position */
    int         cursor;         /* the pair table's highlighted pair */
    int         scroll;         /* the pair table's first row */
    int         n_sel;          /* pairs with a dial; 0 = an automatic spread */
    int         sel[PLOT_MAX_SEL]; /* [n_sel] pair indices */
    int         score_log;      /* 1: log distance axis on the score panel */
    int         score_bound;    /* 1: the RoFormer bound on the score panel */
    unsigned    score_methods;  /* bit m: the score panel draws method m */
    /* view (lab_view.c): derived from the intent; the panels read it, only lab_view.c writes it */
    plot_view   view;
    /* live (lab_live.c): background results */
    lab_live    live;
} lab;

/* Starts from a config (the command line's); -1 if its parameters do not validate. */
int  lab_init(lab *L, const rope_config *start, const char *source, rope_error *err);

/* Validates p, recomputes every table and bumps the generation; -1 (state unchanged) otherwise. */
int  lab_set_params(lab *L, const rope_params *p, rope_error *err);
void lab_free(lab *L);                            /* frees the live results */

const char *lab_param_name(lab_param k);          /* "factor", "beta_fast", … */
int  lab_param_used(const lab *L, lab_param k);   /* 1 if the current method reads it */
void lab_param_text(const lab *L, lab_param k, char *buf, size_t n);  /* its value for display */

/* One step up (dir > 0) or down; -1 with a message when the result is refused. */
int  lab_step(lab *L, lab_param k, int dir, rope_error *err);
/* A typed value ("16", "1e4", "on", "llamacpp", "auto" for the attention factor). */
int  lab_set_text(lab *L, lab_param k, const char *text, rope_error *err);

/* Next / previous method; LongRoPE is skipped (with a note in `note`) without factor lists. */
int  lab_cycle_method(lab *L, int dir, char *note, size_t n, rope_error *err);
int  lab_load_preset(lab *L, int index, rope_error *err);
/* Loads preset index but keeps the current method, factor, betas and seq_len (the user's choice)
 * over the preset's geometry; falls back to -1 (state unchanged) if that combination does not
 * validate (e.g. longrope without the preset's lists). */
int  lab_load_preset_keep(lab *L, int index, rope_error *err);
int  lab_reset(lab *L, rope_error *err);
/* One animation step of the position (wraps after twice s·L). */
void lab_tick(lab *L);

/* --- intent that does not change the parameters (no new generation) --- */
void lab_focus(lab *L, lab_param k);
/* Previous (-1) / next (+1) parameter; stops at the first and the last (returns 0 when it did not
 * move, 1 when it did), never wraps silently. */
int  lab_focus_step(lab *L, int dir);
int  lab_set_position(lab *L, double pos, rope_error *err);   /* 0 ≤ pos ≤ 1e12 tokens */
void lab_set_animate(lab *L, int on);
/* The pair cursor: moved by delta / set to index, clamped to the pairs, the table scrolled so it
 * stays inside `rows` visible rows (10 when rows < 1). */
void lab_cursor_move(lab *L, int delta, int rows);
void lab_cursor_set(lab *L, int index, int rows);
/* Adds the cursor pair's dial (1), removes it (0), or -1 when PLOT_MAX_SEL dials exist already. */
int  lab_toggle_dial(lab *L);
void lab_clear_dials(lab *L);
void lab_set_score(lab *L, int log_axis, int bound, unsigned methods);

/* --- view (lab_view.c) --- */
/* Recomputes every table for p (p must validate; -1 with ropecore's message otherwise and nothing
 * changes), clamps the intent's cursor, scroll and dials to the new pair count, then syncs. */
int  lab_view_compute(lab *L, const rope_params *p, rope_error *err);
/* Copies the display intent (position, cursor, dials, score options) into the view. */
void lab_view_sync(lab *L);
/* Points the view at the model panel's numbers for the next frame (not owned; NULL none). */
void lab_view_set_model(lab *L, const struct plot_model *m);

/* --- live (lab_live.c) --- */
/* A job for the current generation was submitted: the held result (if any) is now stale or about
 * to be replaced; progress restarts. */
void lab_live_started(lab *L, const char *what);
void lab_live_progress(lab *L, double done, const char *what);
/* A finished job computed for generation `stamp` (takes ownership of result). A result older than
 * the one held is dropped (freed), so a late job never replaces a newer one. */
void lab_live_post(lab *L, unsigned long stamp, int rc, const char *error, void *result,
                   void (*free_result)(void *));
/* NONE, CURRENT (stamp == generation) or STALE. */
lab_live_state lab_live_state_of(const lab *L);
/* 1 while a job for the current generation is submitted and not yet posted. */
int  lab_live_busy(const lab *L);

/* Writes every export format (rope_export, as `ropescope export` does) and its notes to path via a
 * temporary file and a rename; never replaces an existing file unless overwrite is set. */
int  lab_export(const lab *L, const char *path, int overwrite, rope_error *err);
/* One format only: exactly the text `ropescope export --format F` prints (a JSON format stays valid
 * JSON); what the target cannot express goes to notes (may be NULL). format < 0 is every format,
 * as lab_export (notes then inside the file). */
int  lab_export_as(const lab *L, int format, const char *path, int overwrite, rope_notes *notes, rope_error *err);

#endif
