/* app/cli/cmdutil.h — what every subcommand does the same way: the one-line error, --help detection,
 * refusing words it does not know, and printing JSON. */
#ifndef CMDUTIL_H
#define CMDUTIL_H

#include <cjson/cJSON.h>
#include "rope.h"

/* Prints "ropescope CMD: MSG" to stderr and returns code (2 for usage errors, 1 for failures). */
int cmd_error(const char *cmd, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* 1 if argv holds --help or -h. */
int cmd_wants_help(int argc, char **argv);

/* The first argument not marked consumed, or NULL. */
const char *cmd_leftover(int argc, char **argv, const unsigned char *consumed);

/* Prints a cJSON tree (formatted) with a newline and frees it; 1 if printing failed. */
int cmd_print_json(cJSON *root);

/* cJSON array of n doubles. */
cJSON *cmd_json_array(const double *v, int n);

/* The "mean loss (nats/token) by position" table of ppl and compare: a title and a header row cutting
 * the ctx − 1 predicted positions into `segments` equal ranges, then one row per method (seg
 * [segments], from eval_segments); columns `width` characters wide. */
void cmd_print_segments_header(int ctx, int segments, int width);
void cmd_print_segments_row(const char *name, const double *seg, int segments, int width);

#endif
