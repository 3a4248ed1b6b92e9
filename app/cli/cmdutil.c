/* app/cli/cmdutil.c — shared plumbing of the subcommands (errors, --help, leftovers, JSON out). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmdutil.h"

int cmd_error(const char *cmd, int code, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ropescope %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cmd_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

const char *cmd_leftover(int argc, char **argv, const unsigned char *consumed)
{
    for (int i = 1; i < argc; i++)
        if (!consumed[i])
            return argv[i];
    return NULL;
}

int cmd_print_json(cJSON *root)
{
    char *s = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!s)
        return 1;
    puts(s);
    free(s);
    return 0;
}

cJSON *cmd_json_array(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

void cmd_print_segments_header(int ctx, int segments, int width)
{
    printf("\nmean loss (nats/token) by position at ctx %d, %d segments\n%-13s", ctx, segments, "position");
    for (int k = 0; k < segments; k++) {
        char r[48];
        snprintf(r, sizeof r, "%ld-%ld", (long)k * (ctx - 1) / segments, (long)(k + 1) * (ctx - 1) / segments - 1);
        printf(" %*s", width, r);
    }
    printf("\n");
}

void cmd_print_segments_row(const char *name, const double *seg, int segments, int width)
{
    printf("%-13s", name);
    for (int k = 0; k < segments; k++) printf(" %*.4f", width, seg[k]);
    printf("\n");
}
