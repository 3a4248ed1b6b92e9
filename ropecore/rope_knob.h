/* ropecore/rope_knob.h — the one table of RoPE knobs: for every user-settable rope_params field its
 * name (as the explorer shows it), CLI flag, Hugging Face JSON key, type, valid range, step rule for
 * +/-, which methods read it, and how a typed word is parsed and a value printed.
 *
 * Contract: the CLI's shared flags, their --help rows, the overlay of flags on a model's GGUF
 * metadata and the explorer's parameter bar all read this table, so a word is accepted and a value
 * printed the same way everywhere; adding a knob is one row. Parsing here checks the word and the
 * knob's range only; rope_params_validate() judges the whole parameter set. Pure functions: no
 * globals besides the read-only table, no I/O, never exits; errors are -1 plus a rope_error. */
#ifndef ROPE_KNOB_H
#define ROPE_KNOB_H

#include <stddef.h>
#include "rope.h"

typedef enum rope_knob_id {
    ROPE_KNOB_METHOD, ROPE_KNOB_FLAVOR, ROPE_KNOB_HEAD_DIM, ROPE_KNOB_PARTIAL_ROTARY, ROPE_KNOB_BASE,
    ROPE_KNOB_ORIG_CTX, ROPE_KNOB_MAX_POS, ROPE_KNOB_FACTOR, ROPE_KNOB_BETA_FAST, ROPE_KNOB_BETA_SLOW,
    ROPE_KNOB_TRUNCATE, ROPE_KNOB_MSCALE, ROPE_KNOB_MSCALE_ALL_DIM, ROPE_KNOB_ATTENTION_FACTOR,
    ROPE_KNOB_LOW_FREQ_FACTOR, ROPE_KNOB_HIGH_FREQ_FACTOR, ROPE_KNOB_SEQ_LEN,
    ROPE_KNOB_COUNT
} rope_knob_id;

typedef enum rope_knob_type {
    ROPE_KNOB_REAL,      /* a finite number in [lo, hi] */
    ROPE_KNOB_INT,       /* a whole number in [lo, hi] */
    ROPE_KNOB_BOOL,      /* on/off, true/false, yes/no, 1/0 — any letter case */
    ROPE_KNOB_METHODS,   /* a method name (rope_method_from_name) */
    ROPE_KNOB_FLAVORS,   /* a flavor name (rope_flavor_from_name) */
    ROPE_KNOB_REAL_AUTO  /* a number, or auto/none (any case) or an empty word for "computed" */
} rope_knob_type;

typedef enum rope_knob_step_rule {
    ROPE_STEP_NONE,      /* no +/-: typed values only */
    ROPE_STEP_FACTOR,    /* ±0.25 below 2, ±1 from 2 up; going down from above 1 stops at 1 */
    ROPE_STEP_FINE,      /* ±0.25 below 2, ±1 from 2 up */
    ROPE_STEP_UNIT,      /* ±1 */
    ROPE_STEP_DOUBLE,    /* ×2 / ÷2 (whole numbers: integer halving) */
    ROPE_STEP_TOGGLE,    /* on <-> off */
    ROPE_STEP_NEXT,      /* the next / previous name, wrapping */
    ROPE_STEP_MAGNITUDE, /* ±0.05 from the magnitude in effect, rounded to 0.001; sets the value */
    ROPE_STEP_SEQ        /* 0 -> L -> 2L …; down: halves, to 0 at L/2 or below */
} rope_knob_step_rule;

typedef struct rope_knob {
    rope_knob_id id;
    const char  *name;      /* as the explorer shows it, e.g. "beta_fast" */
    const char  *flag;      /* the CLI flag, e.g. "--beta-fast" */
    const char  *json_key;  /* the Hugging Face config key, NULL if there is none */
    rope_knob_type type;
    size_t       offset;    /* where the value lives in rope_params (offsetof) */
    int          has_offset; /* REAL_AUTO: offset of the int "value given" flag; -1 none */
    double       lo, hi;    /* accepted range of a typed number */
    const char  *unit;      /* appended to range messages ("" or " tokens") */
    rope_knob_step_rule step;
    unsigned     uses;      /* ROPE_USES_* bits of the methods that read it; 0 = every method */
    const char  *zero_note; /* printed after a 0 (seq_len: " (start-up)"), NULL none */
    const char  *help_arg;  /* the value's placeholder in --help ("X", "on|off") */
    const char  *help;      /* the --help text; NULL = shares the next row's line */
} rope_knob;

const rope_knob *rope_knob_get(rope_knob_id id);            /* NULL if out of range */
/* The knob whose flag arg is, as "--flag" or "--flag=value"; NULL if none. */
const rope_knob *rope_knob_by_flag(const char *arg);
const rope_knob *rope_knob_by_name(const char *name);       /* by explorer name; NULL if none */

/* 1 if method m reads the knob. */
int  rope_knob_used(const rope_knob *k, rope_method m);

/* Parses text into k's field(s) of p; `label` names the knob in messages (the flag or the name).
 * p is unchanged on error. */
int  rope_knob_parse(const rope_knob *k, const char *label, const char *text, rope_params *p, rope_error *err);

/* The value of k in p as text; t (the table of p, may be NULL) supplies a computed value. */
void rope_knob_format(const rope_knob *k, const rope_params *p, const rope_table *t, char *buf, size_t n);

/* One step up (dir > 0) or down of k in p by the knob's rule; t (the table of p, may be NULL)
 * supplies the magnitude in effect. -1 with a message (p unchanged) when the rule has no step or the
 * result leaves the knob's range; the caller validates the result. */
int  rope_knob_step(const rope_knob *k, rope_params *p, int dir, const rope_table *t, rope_error *err);

/* Copies k's field(s) from src to dst (an explicit flag over a model's own metadata). */
void rope_knob_copy(const rope_knob *k, rope_params *dst, const rope_params *src);

/* Strict number words: the whole word must be a finite number (a base-10 whole number) in [lo, hi];
 * messages start with label. */
int  rope_parse_double(const char *label, const char *s, double lo, double hi, double *out, rope_error *err);
int  rope_parse_int(const char *label, const char *s, long lo, long hi, int *out, rope_error *err);
/* on/off, true/false, yes/no, 1/0 in any letter case; -1 otherwise (no message). */
int  rope_parse_bool(const char *s, int *out);

#endif
