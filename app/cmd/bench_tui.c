/* app/cmd/bench_tui.c — `ropescope bench tui`: the explorer's frame time, headless, at 200×60 with all
 * eight panels: each frame applies one change (a parameter step, a method, the position), rebuilds
 * every table and figure from ropecore, draws the grid and encodes it as the ANSI a terminal would
 * receive. Prints p50 / p99 / max; no terminal needed. A second run does the same with the model
 * panel's background jobs computing (each change restarts them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench.h"
#include "cmdutil.h"
#include "tui_app.h"
#include "tui_snapshot.h"

#define FRAMES 600

/* FRAMES frames of the explorer; live: with the model panel's jobs running on a worker thread (the
 * embedded model's geometry, every change restarting the job). Fills p50/p99/max (ms), panels shown
 * and the bytes per frame. */
static int run_frames(int live, double *p50, double *p99, double *max, int *n_shown, double *kib, int *jobs_done)
{
    rope_config cfg;
    rope_config_init(&cfg);
    rope_params *p = &cfg.params;
    p->method = ROPE_YARN;
    if (!live) {
        p->head_dim = 128;
        p->orig_ctx = p->max_pos = 4096;
    }
    p->factor = 8.0;
    rope_error err;
    tui_app *a = malloc(sizeof *a);
    tui_screen *scr = calloc(1, sizeof *scr);
    double *ms = malloc(sizeof(double) * FRAMES);
    tui_grid g = { 0 };
    tui_out out = { 0 };
    int rc = 0;
    if (!a || !scr || !ms) {
        free(a); free(scr); free(ms);
        return cmd_error("bench", 1, "out of memory");
    }
    tui_style st = { 0, TUI_COLOR_TRUE };
    if (tui_app_init(a, &cfg, "", &err)) {
        free(a);
        a = NULL;
    }
    if (!a || tui_screen_init(scr, st) || tui_grid_resize(&g, 200, 60) || !(a->jobs = worker_new(!live, &err)) ||
        (live && tui_app_live(a, NULL, NULL, 2, &err))) {
        rc = cmd_error("bench", 1, "%s", "cannot set up the explorer");
        goto done;
    }
    if (live) { /* the model loaded and a first result in, so later frames draw real curves */
        tui_event w = { .key = TUI_KEY_WAIT };
        tui_app_handle(a, &w);
    }
    /* a cycle of changes a user makes: factor up and down, beta_fast, the method, the position */
    static const int keys[] = { TUI_KEY_RIGHT, TUI_KEY_LEFT, TUI_KEY_DOWN, TUI_KEY_RIGHT, TUI_KEY_LEFT, TUI_KEY_UP,
                                'm', 'M', 'l', 'l', 'j', 'k' };
    const int nk = (int)(sizeof keys / sizeof keys[0]);
    size_t bytes = 0;
    *jobs_done = 0;
    for (int f = 0; f < FRAMES; f++) {
        tui_event ev = { .key = keys[f % nk] };
        double t0 = bench_now();
        tui_app_handle(a, &ev);
        *jobs_done += tui_app_collect(a);
        lab_set_position(&a->lab, a->lab.position + 97.0, &err);
        tui_app_chrome(a);
        tui_screen_render(scr, &g, &a->chrome, &a->lab.view, &a->hits);
        out.len = 0;
        tui_snapshot(&g, 1, TUI_COLOR_TRUE, &out);
        ms[f] = 1e3 * (bench_now() - t0);
        bytes += out.len;
        if (live) { /* a user's pace: about 60 frames a second while the worker computes */
            double rest = 1.0 / 60 - (bench_now() - t0);
            if (rest > 0) {
                struct timespec ts = { 0, (long)(rest * 1e9) };
                nanosleep(&ts, NULL);
            }
        }
    }
    unsigned shown = a->hits.shown;
    *n_shown = 0;
    for (int i = 0; i < PLOT_PANEL_COUNT; i++)
        *n_shown += (shown >> i) & 1;
    double sorted[FRAMES];
    memcpy(sorted, ms, sizeof sorted);
    *p50 = bench_median(sorted, FRAMES); /* sorts */
    *p99 = sorted[(int)(0.99 * (FRAMES - 1))];
    *max = sorted[FRAMES - 1];
    *kib = bytes / 1024.0 / FRAMES;
done:
    if (a) {
        worker_free(a->jobs);
        a->jobs = NULL;
        tui_app_free(a);
    }
    tui_out_free(&out);
    tui_grid_free(&g);
    tui_screen_free(scr);
    free(scr);
    free(a);
    free(ms);
    return rc;
}

int bench_tui(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    double p50, p99, max, kib;
    int n_shown, jobs;
    if (run_frames(0, &p50, &p99, &max, &n_shown, &kib, &jobs))
        return 1;
    printf("bench tui: 200x60, %d of %d panels shown, %d frames, each after one change (target p99 < 16 ms)\n",
           n_shown, PLOT_PANEL_COUNT, FRAMES);
    printf("  frame = recompute tables + build figures + draw grid + encode truecolor ANSI (%.0f KiB/frame)\n", kib);
    printf("  p50 %8.3f ms\n  p99 %8.3f ms\n  max %8.3f ms\n", p50, p99, max);
    if (run_frames(1, &p50, &p99, &max, &n_shown, &kib, &jobs))
        return 1;
    printf("with the model panel's jobs running (embedded model, yarn 8x, 2 worker threads; every change\n"
           "  restarts the job; frames paced at 60/s; %d results arrived during the run):\n", jobs);
    printf("  p50 %8.3f ms\n  p99 %8.3f ms\n  max %8.3f ms\n", p50, p99, max);
    return 0;
}
