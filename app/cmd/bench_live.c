/* app/cmd/bench_live.c — `ropescope bench live`: the explorer's model panel on the embedded model, YaRN at
 * factor 8 (s·L = 4096), its background worker with 2 threads: the first full evaluation, then full
 * re-evaluations after a beta_fast step (the parameters change, plain RoPE and the comparison are
 * reused), each timed to every part's arrival and to the last number. Needs the held-out passage. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "cmdutil.h"
#include "tui_app.h"

#define RUNS 3

/* Runs the chain for the current parameters to its end; t[0..4] receive the seconds from `t0` at which
 * ppl at L, ppl at s·L, attention, continuations and passkey became current (the stages' order). -1 if a job failed. */
static int run_chain(tui_app *a, double t0, double t[5], char *why, size_t n)
{
    for (int k = 0; k < 5; k++) t[k] = -1;
    tui_app_live_kick(a);
    while (a->live_stage >= 0 || worker_busy(a->jobs)) {
        struct pollfd pf = { worker_wake_fd(a->jobs), POLLIN, 0 };
        poll(&pf, 1, 50);
        if (!tui_app_collect(a)) continue;
        live_result *r = a->lab.live.result;
        if (!r) continue;
        if (a->lab.live.rc) {
            snprintf(why, n, "%s", r->pm.line);
            return -1;
        }
        const plot_model *m = &r->pm;
        unsigned long g = a->lab.generation;
        double now = bench_now() - t0;
        int used_ok_L = 1, used_ok_sL = 1;
        for (int k = 0; k < PLOT_MODEL_SLOTS; k++) {
            if (!m->slot[k].used) continue;
            used_ok_L &= m->slot[k].stamp_L == g;
            used_ok_sL &= m->slot[k].stamp_sL == g;
        }
        int got[5] = { used_ok_L, used_ok_sL, m->stamp_attn == g, m->stamp_gen == g, m->stamp_pk == g };
        for (int k = 0; k < 5; k++)
            if (got[k] && t[k] < 0) t[k] = now;
    }
    return 0;
}

int bench_live(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    rope_config cfg;
    rope_config_init(&cfg);
    cfg.params.method = ROPE_YARN;
    cfg.params.factor = 8.0;
    rope_error err;
    tui_app *a = malloc(sizeof *a);
    int rc = 0;
    if (!a) return cmd_error("bench", 1, "out of memory");
    if (tui_app_init(a, &cfg, "", &err)) {
        free(a);
        return cmd_error("bench", 1, "%s", err.msg);
    }
    if (!(a->jobs = worker_new(0, &err)) || tui_app_live(a, NULL, NULL, 2, &err)) {
        rc = cmd_error("bench", 1, "%s", err.msg);
        goto done;
    }
    static const char *const part[5] = { "ppl at L (3 methods)", "ppl + loss at s·L", "attention (2 methods)",
                                         "continuations (2)", "passkey probe" };
    double t[5], last[RUNS], first[5];
    char why[256] = "";
    double t0 = bench_now();
    if (run_chain(a, t0, first, why, sizeof why)) {
        rc = cmd_error("bench", 1, "the model panel failed: %s", why);
        goto done;
    }
    printf("bench live: the model panel on the embedded model, yarn factor 8 (L 512, s·L 4096), held-out KJV,\n"
           "  2 threads on the worker; seconds from the change to each part (load + first evaluation first)\n");
    printf("  %-24s %8s", "part", "first");
    for (int r = 0; r < RUNS; r++) printf("  beta %d", r + 1);
    printf("\n");
    double per[RUNS][5];
    for (int r = 0; r < RUNS; r++) {
        if (lab_step(&a->lab, LAB_P_BETA_FAST, r % 2 ? -1 : 1, &err)) {
            rc = cmd_error("bench", 1, "%s", err.msg);
            goto done;
        }
        t0 = bench_now();
        if (run_chain(a, t0, t, why, sizeof why)) {
            rc = cmd_error("bench", 1, "the model panel failed: %s", why);
            goto done;
        }
        memcpy(per[r], t, sizeof t);
        last[r] = 0;
        for (int k = 0; k < 5; k++) if (t[k] > last[r]) last[r] = t[k];
    }
    for (int k = 0; k < 5; k++) {
        printf("  %-24s %8.3f", part[k], first[k]);
        for (int r = 0; r < RUNS; r++) printf("  %6.3f", per[r][k]);
        printf("\n");
    }
    double med = bench_median(last, RUNS);
    printf("  full re-evaluation after a beta_fast step: %.3f s to the last number (median of %d; target < 2 s)\n",
           med, RUNS);
done:
    worker_free(a->jobs);
    a->jobs = NULL;
    tui_app_free(a);
    free(a);
    return rc;
}
