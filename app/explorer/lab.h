/* app/explorer/lab.h — the explorer's shared state: the current config and RoPE parameters, every table
 * the panels draw (a plot_view recomputed from ropecore on each change), the focused parameter,
 * the clocks' position, and a generation counter.
 *
 * Contract: cfg.params is always valid — a change is validated by ropecore first and refused with
 * a one-line message otherwise (the state is then unchanged). Every accepted parameter change
 * bumps `generation`. Work too heavy for the UI thread (model forward passes, evaluations) will be
 * jobs that record the generation they started at; lab_is_current() tells whether a finished
 * result still describes the current parameters, so a stale one is never drawn as current. The
 * geometry itself is cheap and recomputed synchronously. No printing, no exit. */
#ifndef LAB_H
#define LAB_H

#include "panel.h"
#include "rope_config.h"

typedef enum lab_param {
    LAB_P_FACTOR, LAB_P_BETA_FAST, LAB_P_BETA_SLOW, LAB_P_ORIG_CTX, LAB_P_BASE, LAB_P_HEAD_DIM,
    LAB_P_ATTN, LAB_P_TRUNCATE, LAB_P_FLAVOR, LAB_P_POSITION, LAB_P_SEQ_LEN,
    LAB_P_COUNT
} lab_param;

typedef struct lab {
    rope_config start;          /* what the command line gave: reset returns here */
    char        start_source[256];
    rope_config cfg;            /* the current config; cfg.params always validates */
    char        source[256];    /* "preset NAME", a config path, or "" */
    plot_view   view;           /* the tables the panels read */
    unsigned long generation;   /* +1 on every accepted parameter change */
    lab_param   focus;          /* the parameter +/- and typing act on */
    int         preset;         /* index of the preset last loaded, -1 none */
    int         animate;        /* 1: the position advances on every tick */
} lab;

/* Starts from a config (the command line's); -1 if its parameters do not validate. */
int  lab_init(lab *L, const rope_config *start, const char *source, rope_error *err);

/* Validates p, recomputes every table and bumps the generation; -1 (state unchanged) otherwise. */
int  lab_set_params(lab *L, const rope_params *p, rope_error *err);

static inline int lab_is_current(const lab *L, unsigned long generation)
{
    return generation == L->generation;
}

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
int  lab_reset(lab *L, rope_error *err);
/* One animation step of the position (wraps after twice s·L). */
void lab_tick(lab *L);

/* Writes every export format (rope_export, as `ropescope export` does) and its notes to path via a
 * temporary file and a rename; never replaces an existing file unless overwrite is set. */
int  lab_export(const lab *L, const char *path, int overwrite, rope_error *err);

#endif
