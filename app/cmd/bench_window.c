/* app/cmd/bench_window.c — `ropescope bench window`: the window's frame time at 1600×1000 with every
 * panel, headless: each frame applies one change (a key of the shared table or a drag of the β
 * line), which recomputes the tables; then builds every figure, draws the pixels, and presents them
 * through SDL's software renderer (texture upload + copy, what a window without a GPU does).
 * Prints p50 / p99 / max and the median of each stage; no display needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "cmd_window.h"
#include "cmdutil.h"

#define FRAMES 300

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int bench_window(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const int W = 1600, H = 1000;
    rope_config cfg;
    rope_config_init(&cfg);
    rope_params *p = &cfg.params;
    p->method = ROPE_YARN;
    p->head_dim = 128;
    p->orig_ctx = p->max_pos = 4096;
    p->factor = 8.0;
    rope_error err;
    win_app *w = malloc(sizeof *w);
    double *ms = malloc(sizeof(double) * FRAMES * 4);
    SDL_Surface *target = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *ren = target ? SDL_CreateSoftwareRenderer(target) : NULL;
    SDL_Texture *tex = ren ? SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, W, H) : NULL;
    int rc = 0, inited = 0;
    if (!w || !ms || !tex) {
        rc = cmd_error("bench", 1, "cannot set up the software renderer: %s", SDL_GetError());
        goto done;
    }
    if (win_app_init(w, &cfg, "", W, H, 1.0f, &err)) {
        rc = cmd_error("bench", 1, "%s", err.msg);
        goto done;
    }
    inited = 1;
    win_app_render(w);
    /* a cycle a user makes: factor, beta_fast, the method, the position, the table cursor, a drag */
    static const int keys[] = { TUI_KEY_RIGHT, TUI_KEY_LEFT, TUI_KEY_DOWN, TUI_KEY_RIGHT, TUI_KEY_LEFT, TUI_KEY_UP,
                                'm', 'M', 'l', 'l', 'j', 'k', 0 };
    const int nk = (int)(sizeof keys / sizeof keys[0]);
    double *t_all = ms, *t_change = ms + FRAMES, *t_draw = ms + 2 * FRAMES, *t_present = ms + 3 * FRAMES;
    for (int f = 0; f < FRAMES; f++) {
        double t0 = bench_now();
        int k = keys[f % nk];
        if (k) {
            tui_event ev = { .key = k };
            win_app_key(w, &ev);
        } else { /* drag β_fast one step along the ramp panel's axis */
            const sdl_fig_hits *h = &w->hits.fig[PLOT_PANEL_RAMP];
            SDL_Event e;
            memset(&e, 0, sizeof e);
            int y = h->area.y + h->area.h / 3 + (f % 7);
            int yb = sdl_axis_y(&w->frame.fig[PLOT_PANEL_RAMP].y, w->app.lab.cfg.params.beta_fast, h->area);
            e.type = SDL_MOUSEBUTTONDOWN;
            e.button.button = SDL_BUTTON_LEFT;
            e.button.clicks = 1;
            e.button.x = h->area.x + h->area.w / 2;
            e.button.y = yb;
            win_app_event(w, &e);
            e.type = SDL_MOUSEBUTTONUP;
            e.button.y = y;
            win_app_event(w, &e);
        }
        lab_set_position(&w->app.lab, w->app.lab.view.position + 97.0, NULL);
        double t1 = bench_now();
        win_app_render(w);
        double t2 = bench_now();
        SDL_UpdateTexture(tex, NULL, w->cv.surf->pixels, w->cv.surf->pitch);
        SDL_RenderCopy(ren, tex, NULL, NULL);
        SDL_RenderPresent(ren);
        double t3 = bench_now();
        t_all[f] = 1e3 * (t3 - t0);
        t_change[f] = 1e3 * (t1 - t0);
        t_draw[f] = 1e3 * (t2 - t1);
        t_present[f] = 1e3 * (t3 - t2);
    }
    int n_shown = 0;
    for (int i = 0; i < PLOT_PANEL_COUNT; i++)
        n_shown += (w->hits.shown >> i) & 1;
    qsort(t_all, FRAMES, sizeof *t_all, cmp_double);
    printf("bench window: %dx%d, %d of %d panels shown, %d frames, each after one change (target p99 < 16 ms)\n",
           W, H, n_shown, PLOT_PANEL_COUNT, FRAMES);
    printf("  frame = recompute tables + build figures + draw pixels + present (SDL software renderer)\n");
    printf("  p50 %8.3f ms\n  p99 %8.3f ms\n  max %8.3f ms\n", t_all[FRAMES / 2], t_all[(int)(0.99 * (FRAMES - 1))],
           t_all[FRAMES - 1]);
    printf("  medians: change + recompute %.3f ms · build + draw %.3f ms · present %.3f ms\n",
           bench_median(t_change, FRAMES), bench_median(t_draw, FRAMES), bench_median(t_present, FRAMES));
    printf("  (the model panel and its worker do not exist yet: no figure with the worker busy)\n");
done:
    if (inited)
        win_app_free(w);
    if (tex) SDL_DestroyTexture(tex);
    if (ren) SDL_DestroyRenderer(ren);
    if (target) SDL_FreeSurface(target);
    if (TTF_WasInit())
        TTF_Quit();
    free(w);
    free(ms);
    return rc;
}
