/* app/cli/flags.h — a command's own flags as one declarative table. A command lists its flags (not the
 * shared RoPE flags: ropeargs_parse reads those) as flags_spec rows and calls flags_parse once.
 * A flag with a value is written "--x V" or "--x=V" ("-n V" for a one-dash name); a switch is the bare
 * name. Values go through ropeargs' strict parsers, so the messages are theirs: "--x needs a value
 * (see --help)", "--x: 'V' is not a whole number", "--x: V is out of range; use LO to HI". A flag
 * given twice keeps its last value; a flag not given leaves its destination untouched, so the caller
 * sets the defaults. Errors are -1 plus one rope_error line; nothing prints or exits.
 * Write the rows with the FLAG_* macros below: they fill every field and check at compile time that
 * the destination has the type its kind stores. */
#ifndef FLAGS_H
#define FLAGS_H

#include <stddef.h>
#include "model.h"
#include "rope.h"

typedef enum flags_kind {
    FLAGS_SWITCH,   /* int = 1; only the exact word ("--json=1" is not this flag) */
    FLAGS_STR,      /* const char * = the value word (it points into argv) */
    FLAGS_INT,      /* int = a whole number in [lo, hi] */
    FLAGS_LONG,     /* long = a whole number in [lo, hi] (lo and hi within int, as ropeargs_int reads) */
    FLAGS_DBL,      /* double = a finite number in [lo, hi] */
    FLAGS_KV,       /* model_kv_mode (kernels/model/model.h) = "keep" or "rerotate" */
    FLAGS_CHOICE    /* int = the index of the value among choices ("half|all": 0 or 1) */
} flags_kind;

typedef struct flags_spec {
    const char *name;       /* "--ctx", "-n"; NULL: a row this variant of the command does not take */
    flags_kind  kind;
    void       *dst;        /* where the value goes, of the type the kind names */
    double      lo, hi;     /* the range of INT, LONG and DBL (whole numbers for INT and LONG) */
    const char *choices;    /* FLAGS_CHOICE: the accepted words separated by '|', e.g. "half|all" */
} flags_spec;

/* One row each. FLAGS_CHECK_ is p itself, but a p of another pointer type than type * is a
 * "pointer type mismatch" warning (an error under -Werror): an int flag cannot point at a long. */
#define FLAGS_CHECK_(type, p) (1 ? (p) : (type *)0)
#define FLAG_SWITCH(name, p)          { (name), FLAGS_SWITCH, FLAGS_CHECK_(int, p), 0, 0, NULL }
#define FLAG_STR(name, p)             { (name), FLAGS_STR, FLAGS_CHECK_(const char *, p), 0, 0, NULL }
#define FLAG_INT(name, p, lo, hi)     { (name), FLAGS_INT, FLAGS_CHECK_(int, p), (lo), (hi), NULL }
#define FLAG_LONG(name, p, lo, hi)    { (name), FLAGS_LONG, FLAGS_CHECK_(long, p), (lo), (hi), NULL }
#define FLAG_DBL(name, p, lo, hi)     { (name), FLAGS_DBL, FLAGS_CHECK_(double, p), (lo), (hi), NULL }
#define FLAG_KV(name, p)              { (name), FLAGS_KV, FLAGS_CHECK_(model_kv_mode, p), 0, 0, NULL }
#define FLAG_CHOICE(name, p, choices) { (name), FLAGS_CHOICE, FLAGS_CHECK_(int, p), 0, 0, (choices) }

/* The number of rows of a table declared as an array. */
#define FLAGS_COUNT(table) ((int)(sizeof(table) / sizeof((table)[0])))

/* Reads every argv[i] (i >= 1) that names one of specs[0..n) and stores its value.
 * With used (argc bytes): words already marked are skipped, each word a flag takes (the flag and its
 * value) is marked 1, and any other word is left for the caller (RoPE flags, positional arguments);
 * returns 0, or -1 at the first bad or missing value.
 * With used NULL every word must be a flag of specs: parsing stops at the first that is not and
 * returns its index (> 0), for the caller to report in its own words; 0 when all were flags, -1 as
 * above. */
int flags_parse(int argc, char **argv, const flags_spec *specs, int n, unsigned char *used, rope_error *err);

#endif
