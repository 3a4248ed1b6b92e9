/* app/cmd/cmd_overview.c — `ropescope overview`: every method side by side for the current parameters
 * (default: the embedded model's geometry at s = 8): magnitude, regimes, factor range. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmdutil.h"
#include "ropeargs.h"
#include "tablefmt.h"

int cmd_overview(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        printf("usage: ropescope overview [RoPE flags]\n\nEvery method for the same parameters, one line "
               "each. Without flags: head_dim 64, base 10000, L 512, s 8 (the embedded model at 8x).\n\n%s",
               ropeargs_help);
        return 0;
    }
    int rc = 0;
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_table *t = malloc(sizeof *t);
    rope_error err;
    if (!used || !ra || !t) { rc = cmd_error("overview", 1, "out of memory"); goto done; }
    if (ropeargs_parse(argc, argv, ra, used, &err)) { rc = cmd_error("overview", 2, "%s", err.msg); goto done; }
    const char *left = cmd_leftover(argc, argv, used);
    if (left) { rc = cmd_error("overview", 2, "unknown argument '%s'", left); goto done; }
    rope_params p = ra->cfg.params;
    if (argc < 2) {
        p.method = ROPE_YARN;
        p.factor = 8.0;
    }
    if (!p.seq_len)
        p.seq_len = (int)(p.factor * p.orig_ctx);
    char buf[512];
    tablefmt_params(&p, buf, sizeof buf);
    printf("ropescope — RoPE context extension at a glance\n%s  (dynamic methods at seq_len %d)\n\n", buf,
           p.seq_len);
    printf("%-13s %9s %9s %11s %11s  %s\n", "method", "cos/sin", "logits", "min factor", "max factor",
           "regimes (pairs)");
    for (int m = 0; m < ROPE_METHOD_COUNT; m++) {
        rope_params q = p;
        q.method = (rope_method)m;
        if (m == ROPE_LONGROPE && !q.n_factors)
            continue;
        if (rope_table_compute(&q, t, &err)) { rc = cmd_error("overview", 2, "%s", err.msg); goto done; }
        double lo = 1e300, hi = -1e300;
        for (int i = 0; i < t->n_pairs; i++) {
            if (t->pair[i].factor < lo) lo = t->pair[i].factor;
            if (t->pair[i].factor > hi) hi = t->pair[i].factor;
        }
        tablefmt_regimes(t, buf, sizeof buf);
        printf("%-13s %9.5f %9.5f %11.5f %11.5f  %s\n", rope_method_get(q.method)->name, t->magnitude,
               t->logit_mult, lo, hi, buf);
    }
    printf("\n`ropescope freqs --method yarn --factor 8` for the per-pair table; `ropescope --help` for more.\n");
done:
    free(used);
    free(ra);
    free(t);
    return rc;
}
