/* app/cli/ropeargs.h — the RoPE flags every subcommand shares (--method, --factor, --beta-fast, …,
 * --config FILE, --preset NAME) and strict number parsing. A file or preset is loaded first, then
 * the flags override it, whatever their order on the command line. */
#ifndef ROPEARGS_H
#define ROPEARGS_H

#include "rope_config.h"

typedef struct ropeargs {
    rope_config cfg;        /* the result: preset/config, then flags */
    int loaded;             /* 1 if --config or --preset was given */
    char source[256];       /* the file path or "preset NAME" */
} ropeargs;

/* Parses every rope flag in argv[1..argc), marks consumed[i] = 1 for each word it used, and fills
 * ra. Words it does not know are left for the command. -1 with a message on a bad value or file. */
int ropeargs_parse(int argc, char **argv, ropeargs *ra, unsigned char *consumed, rope_error *err);

/* The help text for the shared flags, for each command's --help: one row per knob of the table in
 * rope_knob.h, built on first use. */
const char *ropeargs_help_text(void);
#define ropeargs_help (ropeargs_help_text())

/* Strict parsers: the whole word must be a finite number in range (rope_parse_double / _int). */
int ropeargs_double(const char *flag, const char *s, double lo, double hi, double *out, rope_error *err);
int ropeargs_int(const char *flag, const char *s, long lo, long hi, int *out, rope_error *err);

/* Fetches the value of argv[*i] (either "--flag=value" or the next word), advancing *i.
 * Returns NULL with a message when the value is missing. */
const char *ropeargs_value(int argc, char **argv, int *i, const char *flag, rope_error *err);

/* The pitfall "changed the factor, not the method": when p (the parameters the command runs with) has
 * method none and a factor > 1 — from --factor, or from ra's file or preset, whose dict factor the
 * default type ignores — prints one line to stderr, "ropescope CMD: warning: …" (CMD = argv[0]),
 * naming where the factor came from and what to add (--method yarn). Silent when a --methods list
 * names the methods (none is then a chosen baseline, as in `compare`). ropeargs_parse calls it for
 * the commands that run the flags as given; cmd_model_load (modelcmd.h) for the model commands, once
 * the GGUF's defaults are merged. Returns 1 if it warned. */
int ropeargs_warn_plain(int argc, char **argv, const ropeargs *ra, const rope_params *p);

/* 1 if argv[i] is `flag` or `flag=…` */
int ropeargs_is(const char *arg, const char *flag);

#endif
