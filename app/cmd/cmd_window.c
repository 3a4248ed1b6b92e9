/* app/cmd/cmd_window.c — `ropescope window`: the explorer in an SDL2 window (or, with --screenshot, one
 * frame written as a PNG without any display), and the pointer manipulation only pixels allow:
 * dragging β lines, regime boundaries and s·L, hover values, wheel zoom (see cmd_window.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmd_window.h"
#include "cmdutil.h"
#include "ropeargs.h"

#define GRAB_PX 5   /* how close (× scale) the pointer must be to grab a line */

/* --- the window controller ------------------------------------------------------------------------ */

int win_app_init(win_app *w, const rope_config *start, const char *source, int width, int height,
                 float scale, rope_error *err)
{
    memset(w, 0, sizeof *w);
    w->mx = w->my = -1;
    if (tui_app_init(&w->app, start, source, err))
        return -1;
    if (sdl_canvas_init(&w->cv, width, height, scale, err))
        return -1;
    if (sdl_frame_init(&w->frame)) {
        sdl_canvas_free(&w->cv);
        return rope_fail(err, "out of memory");
    }
    return 0;
}

void win_app_free(win_app *w)
{
    worker_free(w->app.jobs); /* the model panel's worker goes before the source it reads */
    w->app.jobs = NULL;
    tui_app_free(&w->app);
    sdl_frame_free(&w->frame);
    sdl_canvas_free(&w->cv);
    tui_app_free(&w->app);
}

int win_app_resize(win_app *w, int width, int height, rope_error *err)
{
    return sdl_canvas_resize(&w->cv, width, height, err);
}

static int grab(const win_app *w)
{
    return (int)lround(GRAB_PX * w->cv.scale);
}

static int in_rect(SDL_Rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

/* the panel under (x, y), -1 none */
static int panel_at(const win_app *w, int x, int y)
{
    for (int id = 0; id < PLOT_PANEL_COUNT; id++)
        if ((w->hits.shown & (1u << id)) && in_rect(w->hits.fig[id].panel, x, y))
            return id;
    return -1;
}

static double round3(double v)
{
    if (!(v > 0) || !isfinite(v))
        return v;
    double m = pow(10.0, floor(log10(v)) - 2);
    return round(v / m) * m;
}

double win_ramp_value_at(const win_app *w, int y)
{
    if (!(w->hits.shown & (1u << PLOT_PANEL_RAMP)))
        return NAN;
    return sdl_axis_value_y(&w->frame.fig[PLOT_PANEL_RAMP].y, y, w->hits.fig[PLOT_PANEL_RAMP].area);
}

double win_pair_at(const win_app *w, plot_panel_id id, int x)
{
    if (!(w->hits.shown & (1u << id)))
        return NAN;
    return sdl_axis_value_x(&w->frame.fig[id].x, x, w->hits.fig[id].area);
}

/* β as the ramp reads it: Hugging Face turns 0 into 32 (fast) and 1 (slow) */
static double beta_in_effect(const rope_params *p, int fast)
{
    double b = fast ? p->beta_fast : p->beta_slow;
    if (p->flavor == ROPE_FLAVOR_HF && b == 0.0)
        return fast ? 32.0 : 1.0;
    return b;
}

/* r at a fractional pair d: geometric between the neighbouring pairs of the YaRN table (r is a
 * geometric sequence in d), so a boundary dragged to d sets β = r(d) */
static double r_at_pair(const rope_table *t, double d)
{
    int n = t->n_pairs;
    if (n < 1 || !isfinite(d))
        return NAN;
    if (d <= 0) return t->pair[0].r;
    if (d >= n - 1) return t->pair[n - 1].r;
    int i = (int)floor(d);
    double u = d - i;
    return exp((1 - u) * log(t->pair[i].r) + u * log(t->pair[i + 1].r));
}

/* the boundary's x: first pair out of the extrapolated run (fast) or into the interpolated run */
static double edge_x(const rope_table *t, int fast)
{
    for (int i = 0; i < t->n_pairs; i++) {
        rope_regime g = t->pair[i].regime;
        if (fast ? g != ROPE_REGIME_EXTRAPOLATE : g == ROPE_REGIME_INTERPOLATE)
            return i > 0 ? i - 0.5 : NAN;
    }
    return NAN;
}

static void refused(tui_app *a, const rope_error *e)
{
    snprintf(a->message, sizeof a->message, "refused: %.300s", e->msg);
    a->message_error = 1;
}

static void set_param(win_app *w, lab_param k, double value)
{
    rope_params p = w->app.lab.cfg.params;
    if (k == LAB_P_BETA_FAST) p.beta_fast = value;
    else if (k == LAB_P_BETA_SLOW) p.beta_slow = value;
    else if (k == LAB_P_FACTOR) p.factor = value;
    rope_error e;
    if (lab_set_params(&w->app.lab, &p, &e)) {
        refused(&w->app, &e);
        return;
    }
    char v[64];
    lab_param_text(&w->app.lab, k, v, sizeof v);
    snprintf(w->app.message, sizeof w->app.message, "%s = %s", lab_param_name(k), v);
    w->app.message_error = 0;
}

static void drag_to(win_app *w, int x, int y)
{
    const plot_view *v = &w->app.lab.view;
    switch (w->drag) {
    case WIN_DRAG_BETA_FAST:
    case WIN_DRAG_BETA_SLOW: {
        double b = round3(win_ramp_value_at(w, y));
        if (b > 0)
            set_param(w, w->drag == WIN_DRAG_BETA_FAST ? LAB_P_BETA_FAST : LAB_P_BETA_SLOW, b);
        break;
    }
    case WIN_DRAG_EDGE_FAST:
    case WIN_DRAG_EDGE_SLOW: {
        int id = in_rect(w->hits.fig[PLOT_PANEL_RAMP].panel, x, y) ? PLOT_PANEL_RAMP : PLOT_PANEL_WAVELENGTH;
        double b = round3(r_at_pair(&v->yarn, win_pair_at(w, (plot_panel_id)id, x)));
        if (b > 0)
            set_param(w, w->drag == WIN_DRAG_EDGE_FAST ? LAB_P_BETA_FAST : LAB_P_BETA_SLOW, b);
        break;
    }
    case WIN_DRAG_SCALED_CTX: {
        const sdl_fig_hits *h = &w->hits.fig[PLOT_PANEL_WAVELENGTH];
        double lam = sdl_axis_value_y(&w->frame.fig[PLOT_PANEL_WAVELENGTH].y, y, h->area);
        double s = round3(lam / v->params.orig_ctx);
        if (s >= 1.0)
            set_param(w, LAB_P_FACTOR, s);
        break;
    }
    case WIN_DRAG_NONE: break;
    }
}

/* what a press at (x, y) grabs, or WIN_DRAG_NONE */
static win_drag pick(const win_app *w, int id, int x, int y)
{
    const plot_view *v = &w->app.lab.view;
    const plot_figure *f = &w->frame.fig[id];
    SDL_Rect A = w->hits.fig[id].area;
    int g = grab(w);
    if (!in_rect((SDL_Rect){ A.x - g, A.y - g, A.w + 2 * g, A.h + 2 * g }, x, y))
        return WIN_DRAG_NONE;
    if (id == PLOT_PANEL_RAMP) {
        int yf = sdl_axis_y(&f->y, beta_in_effect(&v->params, 1), A);
        int ys = sdl_axis_y(&f->y, beta_in_effect(&v->params, 0), A);
        if (abs(y - yf) <= g && abs(y - yf) <= abs(y - ys)) return WIN_DRAG_BETA_FAST;
        if (abs(y - ys) <= g) return WIN_DRAG_BETA_SLOW;
        if (v->yarn.has_corr) {
            if (abs(x - sdl_axis_x(&f->x, v->yarn.corr_low, A)) <= g) return WIN_DRAG_EDGE_FAST;
            if (abs(x - sdl_axis_x(&f->x, v->yarn.corr_high, A)) <= g) return WIN_DRAG_EDGE_SLOW;
        }
    } else if (id == PLOT_PANEL_WAVELENGTH) {
        double sL = v->table.scale * v->params.orig_ctx;
        if (sL > v->params.orig_ctx && abs(y - sdl_axis_y(&f->y, sL, A)) <= g) return WIN_DRAG_SCALED_CTX;
        double ef = edge_x(&v->yarn, 1), es = edge_x(&v->yarn, 0);
        if (isfinite(ef) && abs(x - sdl_axis_x(&f->x, ef, A)) <= g) return WIN_DRAG_EDGE_FAST;
        if (isfinite(es) && abs(x - sdl_axis_x(&f->x, es, A)) <= g) return WIN_DRAG_EDGE_SLOW;
    }
    return WIN_DRAG_NONE;
}

static void zoom(win_app *w, int id, int x, int dir)
{
    sdl_frame *fr = &w->frame;
    const plot_axis *a = &fr->fig[id].x;
    SDL_Rect A = w->hits.fig[id].area;
    double at = sdl_axis_value_x(a, x < A.x ? A.x : x >= A.x + A.w ? A.x + A.w - 1 : x, A);
    if (!isfinite(at))
        return;
    double k = dir > 0 ? 0.8 : 1.25, lo = a->lo, hi = a->hi;
    if (a->log) {
        double l = log10(at);
        lo = pow(10.0, l - (l - log10(lo)) * k);
        hi = pow(10.0, l + (log10(hi) - l) * k);
    } else {
        lo = at - (at - lo) * k;
        hi = at + (hi - at) * k;
    }
    double flo = fr->full_lo[id], fhi = fr->full_hi[id];
    if (lo <= flo && hi >= fhi) {
        fr->zoomed[id] = 0;
        return;
    }
    if (lo < flo) lo = flo;
    if (hi > fhi) hi = fhi;
    if (!(hi > lo) || (a->log && !(lo > 0)))
        return;
    fr->zoomed[id] = 1;
    fr->x_lo[id] = lo;
    fr->x_hi[id] = hi;
}

static void wheel(win_app *w, int dir, int ctrl)
{
    tui_app *a = &w->app;
    rope_error e;
    int x = w->mx, y = w->my;
    for (int k = 0; k < w->hits.n_params; k++)
        if (in_rect(w->hits.param[k], x, y)) {
            lab_focus(&a->lab, (lab_param)k);
            if (lab_step(&a->lab, (lab_param)k, dir, &e))
                refused(a, &e);
            return;
        }
    int id = panel_at(w, x, y);
    if (id < 0)
        return;
    if (id == PLOT_PANEL_TABLE) {
        tui_event ev = { .key = dir > 0 ? 'k' : 'j' };
        for (int i = 0; i < 3; i++)
            tui_app_handle(a, &ev);
    } else if (id == PLOT_PANEL_CLOCKS || id == PLOT_PANEL_HEATMAP) {
        if (lab_step(&a->lab, LAB_P_POSITION, dir, &e))
            refused(a, &e);
    } else if (id == PLOT_PANEL_FACTOR || ctrl) {
        if (lab_step(&a->lab, LAB_P_FACTOR, dir, &e))
            refused(a, &e);
    } else {
        zoom(w, id, x, dir);
    }
}

static void press(win_app *w, int x, int y, int clicks)
{
    tui_app *a = &w->app;
    for (int k = 0; k < w->hits.n_params; k++)
        if (in_rect(w->hits.param[k], x, y)) {
            lab_focus(&a->lab, (lab_param)k);
            return;
        }
    int id = panel_at(w, x, y);
    if (id < 0)
        return;
    plot_layout_focus(&a->layout, id);
    if (clicks >= 2) {
        w->frame.zoomed[id] = 0;
        return;
    }
    if (id == PLOT_PANEL_TABLE) {
        const sdl_fig_hits *h = &w->hits.fig[id];
        const plot_view *v = &a->lab.view;
        int row = h->row_h > 0 && y >= h->table_y0 ? (y - h->table_y0) / h->row_h : -1;
        if (row >= 0 && row < h->table_rows && v->scroll + row < v->table.n_pairs)
            lab_cursor_set(&a->lab, v->scroll + row, h->table_rows);
        return;
    }
    w->drag = pick(w, id, x, y);
    if (w->drag != WIN_DRAG_NONE) {
        static const char *const what[] = { "", "β (beta_fast)", "α (beta_slow)", "the extrapolate | blend edge",
                                            "the blend | interpolate edge", "s·L (factor)" };
        snprintf(a->message, sizeof a->message, "dragging %s", what[w->drag]);
        a->message_error = 0;
    }
}

void win_app_key(win_app *w, const tui_event *ev)
{
    tui_app_handle(&w->app, ev);
}

void win_app_event(win_app *w, const SDL_Event *ev)
{
    tui_event keys[8];
    int n = sdl_key_translate(ev, keys, 8);
    for (int i = 0; i < n; i++)
        win_app_key(w, &keys[i]);
    if (n || w->app.mode != TUI_MODE_NORMAL)
        return;
    switch (ev->type) {
    case SDL_MOUSEMOTION:
        w->mx = ev->motion.x;
        w->my = ev->motion.y;
        if (w->drag != WIN_DRAG_NONE)
            drag_to(w, w->mx, w->my);
        break;
    case SDL_MOUSEBUTTONDOWN:
        w->mx = ev->button.x;
        w->my = ev->button.y;
        if (ev->button.button == SDL_BUTTON_LEFT)
            press(w, w->mx, w->my, ev->button.clicks);
        break;
    case SDL_MOUSEBUTTONUP:
        if (w->drag != WIN_DRAG_NONE)
            drag_to(w, ev->button.x, ev->button.y);
        w->drag = WIN_DRAG_NONE;
        break;
    case SDL_MOUSEWHEEL: {
        int dir = ev->wheel.y > 0 ? 1 : ev->wheel.y < 0 ? -1 : 0;
        if (ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED)
            dir = -dir;
        if (dir)
            wheel(w, dir, (SDL_GetModState() & KMOD_CTRL) != 0);
        break;
    }
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_LEAVE)
            w->mx = w->my = -1;
        break;
    default: break;
    }
}

/* the hover text for the point under the pointer */
static void tooltip(win_app *w)
{
    sdl_frame *fr = &w->frame;
    const plot_view *v = &w->app.lab.view;
    char *t = fr->tooltip;
    size_t n = sizeof fr->tooltip;
    t[0] = '\0';
    fr->tip_x = w->mx;
    fr->tip_y = w->my;
    int id = panel_at(w, w->mx, w->my);
    if (id < 0 || w->drag != WIN_DRAG_NONE || !in_rect(w->hits.fig[id].area, w->mx, w->my))
        return;
    if (id == PLOT_PANEL_WAVELENGTH || id == PLOT_PANEL_RAMP || id == PLOT_PANEL_FACTOR) {
        int i = (int)lround(win_pair_at(w, (plot_panel_id)id, w->mx));
        if (i < 0 || i >= v->table.n_pairs)
            return;
        const rope_pair *p = &v->table.pair[i], *y = &v->yarn.pair[i];
        snprintf(t, n, "pair %d  (%s)\nλ     %.6g tokens\nλ'    %.6g tokens\nr     %.6g\nγ     %.4f\n"
                       "θ'/θ  %.6g\nθ     %.6g rad/token",
                 i, rope_regime_name(y->regime), p->lambda, p->lambda_scaled, y->r, y->ramp, p->factor, p->theta);
    } else if (id == PLOT_PANEL_SCORE) {
        const plot_figure *f = &fr->fig[id];
        double d = sdl_axis_value_x(&f->x, w->mx, w->hits.fig[id].area);
        for (int s = 0; s < f->n_series; s++) {
            const plot_series *se = &f->series[s];
            if (!se->emphasis || se->n < 1)
                continue;
            int best = 0;
            for (int k = 1; k < se->n; k++)
                if (fabs(se->x[k] - d) < fabs(se->x[best] - d))
                    best = k;
            snprintf(t, n, "%s\ndistance  %.6g tokens\nscore     %.6g", se->name, se->x[best], se->y[best]);
            return;
        }
    } else if (id == PLOT_PANEL_HEATMAP) {
        const sdl_fig_hits *h = &w->hits.fig[id];
        for (int k = 0; k < h->n_heat; k++) {
            SDL_Rect A = h->heat[k];
            if (!in_rect(A, w->mx, w->my))
                continue;
            int np = v->table.n_pairs;
            int i = (int)lround((double)(w->my - A.y) / (A.h > 1 ? A.h - 1 : 1) * (np - 1));
            double pos = sdl_axis_value_x(&fr->fig[id].x, w->mx, A);
            if (i < 0 || i >= np || !isfinite(pos))
                return;
            double ang = rope_phase_wrapped(&v->table, i, pos);
            int orig_ok = (v->method_ok >> ROPE_NONE) & 1;
            double ang0 = orig_ok ? rope_phase_wrapped(&v->method[ROPE_NONE], i, pos) : NAN;
            snprintf(t, n, "pair %d at position %.0f\nangle original  %.4f rad\nangle scaled    %.4f rad", i, pos,
                     ang0, ang);
            return;
        }
    }
}

void win_app_render(win_app *w)
{
    tui_app_chrome(&w->app);
    w->app.chrome.hints[0] = '\0';
    snprintf(w->app.chrome.hints, sizeof w->app.chrome.hints,
             "drag β/α (ramp), edges and s·L (wavelength) · wheel: zoom, factor (panel 3), p (clocks) · "
             "m method · arrows parameter · = type · ? help · q quit");
    tooltip(w);
    sdl_frame_render(&w->frame, &w->cv, &w->app.chrome, &w->app.lab.view, &w->hits);
    w->app.hits.table_rows = w->hits.fig[PLOT_PANEL_TABLE].table_rows; /* the cursor keys page by it */
}

/* --- the command ---------------------------------------------------------------------------------- */

typedef struct win_opts {
    const char *screenshot;
    int w, h, frames;
    float scale;
    const char *keys;
} win_opts;

static void help(void)
{
    printf("usage: ropescope window [RoPE flags] [--size WxH] [--frames N]\n"
           "       ropescope window --screenshot FILE.png [--size WxH] [--scale S] [--keys KEYS] [RoPE flags]\n\n"
           "The explorer in an SDL2 window: the same panels, keys and parameters as `ropescope tui`, drawn\n"
           "with anti-aliased curves, filled regime bands, a colour map for the angle heatmap and\n"
           "DejaVu text. With the mouse: drag the β (beta_fast) and α (beta_slow) lines on the ramp panel,\n"
           "the regime edges and the s·L line (factor) on the wavelength panel; hover for exact values;\n"
           "the wheel zooms a plot's x axis (double-click resets), changes the factor over the factor\n"
           "panel (or with Ctrl anywhere) and the position over the clocks and the heatmap.\n\n"
           "  --screenshot FILE  render one frame headless (no display needed) and write it as a PNG\n"
           "  --size WxH         window / screenshot size in pixels                 [1600x1000]\n"
           "  --scale S          HiDPI factor of the screenshot (0.5..4)            [1]\n"
           "  --keys KEYS        events applied before the screenshot: the `tui --keys` syntax, with\n"
           "                     <Click:X,Y> <WheelUp:X,Y> <WheelDown:X,Y> in pixels\n"
           "  --frames N         close the window after N frames (for scripted runs)\n\n"
           "keys (shared with the terminal explorer):\n");
    for (int i = 0; i < tui_app_n_keys; i++)
        printf("  %-18s %s\n", tui_app_keys[i].keys, tui_app_keys[i].what);
    printf("\n%s", ropeargs_help);
}

static int parse_opts(int argc, char **argv, unsigned char *used, win_opts *o, rope_error *err)
{
    memset(o, 0, sizeof *o);
    o->w = 1600;
    o->h = 1000;
    o->scale = 1.0f;
    for (int i = 1; i < argc; i++) {
        int at = i;
        const char *v;
        char tail;
        if (ropeargs_is(argv[i], "--screenshot")) {
            if (!(o->screenshot = ropeargs_value(argc, argv, &i, "--screenshot", err)))
                return -1;
        } else if (ropeargs_is(argv[i], "--size")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--size", err)))
                return -1;
            if (sscanf(v, "%dx%d%c", &o->w, &o->h, &tail) != 2 || o->w < 320 || o->h < 240 || o->w > 8192 || o->h > 8192)
                return rope_fail(err, "--size: '%s' is not WxH with 320..8192 x 240..8192 pixels, e.g. 1600x1000", v);
        } else if (ropeargs_is(argv[i], "--scale")) {
            double s;
            if (!(v = ropeargs_value(argc, argv, &i, "--scale", err)))
                return -1;
            if (sscanf(v, "%lf%c", &s, &tail) != 1 || !(s >= 0.5 && s <= 4))
                return rope_fail(err, "--scale: '%s' is not a number in 0.5..4", v);
            o->scale = (float)s;
        } else if (ropeargs_is(argv[i], "--frames")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--frames", err)))
                return -1;
            if (sscanf(v, "%d%c", &o->frames, &tail) != 1 || o->frames < 1)
                return rope_fail(err, "--frames: '%s' is not a positive whole number", v);
        } else if (ropeargs_is(argv[i], "--keys")) {
            if (!(o->keys = ropeargs_value(argc, argv, &i, "--keys", err)))
                return -1;
        } else
            continue;
        for (int k = at; k <= i; k++)
            used[k] = 1;
    }
    return 0;
}

/* Applies one --keys event: mouse events at pixel positions, the rest through the key table. */
static int apply_scripted(win_app *w, const tui_event *ev, rope_error *err)
{
    if (ev->key == TUI_KEY_RESIZE)
        return ev->w < 320 || ev->h < 240 ? rope_fail(err, "<Resize:%dx%d>: the window is at least 320x240 pixels",
                                                      ev->w, ev->h)
                                          : win_app_resize(w, ev->w, ev->h, err);
    if (ev->key != TUI_KEY_MOUSE) {
        win_app_key(w, ev);
        return 0;
    }
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEMOTION;
    e.motion.x = ev->x;
    e.motion.y = ev->y;
    win_app_event(w, &e);
    if (ev->button == TUI_MOUSE_CLICK) {
        memset(&e, 0, sizeof e);
        e.type = SDL_MOUSEBUTTONDOWN;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.clicks = 1;
        e.button.x = ev->x;
        e.button.y = ev->y;
        win_app_event(w, &e);
        e.type = SDL_MOUSEBUTTONUP;
        win_app_event(w, &e);
    } else {
        memset(&e, 0, sizeof e);
        e.type = SDL_MOUSEWHEEL;
        e.wheel.y = ev->button == TUI_MOUSE_WHEEL_UP ? 1 : -1;
        win_app_event(w, &e);
    }
    return 0;
}

static int run_screenshot(win_app *w, const win_opts *o)
{
    rope_error err;
    const char *k = o->keys;
    tui_event ev;
    win_app_render(w);
    if (k) {
        for (;;) {
            int got = tui_keyseq_next(&k, &ev, &err);
            if (got < 0)
                return cmd_error("window", 2, "%s", err.msg);
            if (got == 0 || w->app.quit)
                break;
            if (apply_scripted(w, &ev, &err))
                return cmd_error("window", 2, "%s", err.msg);
            win_app_render(w);
        }
    }
    if (sdl_png_write(w->cv.surf, o->screenshot, &err))
        return cmd_error("window", 1, "%s", err.msg);
    return 0;
}

static int run_window(win_app *w, const win_opts *o)
{
    const char *drv = SDL_getenv("SDL_VIDEODRIVER");
    if (drv && (!strcmp(drv, "dummy") || !strcmp(drv, "offscreen")))
        return cmd_error("window", 2, "no display: SDL_VIDEODRIVER=%s shows nothing; use --screenshot FILE.png "
                                      "for a picture or `ropescope tui` in a terminal", drv);
    if (!drv) { /* only drivers that can show something; SDL would otherwise fall back to offscreen */
        char list[64] = "";
        const char *xd = getenv("DISPLAY"), *wd = getenv("WAYLAND_DISPLAY");
        if (wd && *wd) strcat(list, "wayland,");
        if (xd && *xd) strcat(list, "x11,");
        strcat(list, "KMSDRM");
        SDL_SetHint(SDL_HINT_VIDEODRIVER, list);
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return cmd_error("window", 2, "no display (%s); use --screenshot FILE.png for a picture or `ropescope tui` "
                                      "in a terminal", SDL_GetError());
    const char *cur = SDL_GetCurrentVideoDriver();
    if (!cur || !strcmp(cur, "offscreen") || !strcmp(cur, "dummy") || !strcmp(cur, "evdev")) {
        SDL_Quit();
        return cmd_error("window", 2, "no display (SDL video driver %s); use --screenshot FILE.png for a picture "
                                      "or `ropescope tui` in a terminal", cur ? cur : "none");
    }
    rope_error err;
    int rc = 0;
    SDL_Window *win = SDL_CreateWindow("ropescope", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, o->w, o->h,
                                       SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    SDL_Renderer *ren = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_PRESENTVSYNC) : NULL;
    if (ren == NULL && win)
        ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    SDL_Texture *tex = NULL;
    int tw = 0, th = 0, frames = 0;
    if (!win || !ren) {
        rc = cmd_error("window", 1, "cannot open the window: %s", SDL_GetError());
        goto done;
    }
    SDL_StartTextInput();
    while (!w->app.quit) {
        int ww, wh, pw, ph;
        SDL_GetWindowSize(win, &ww, &wh);
        SDL_GetRendererOutputSize(ren, &pw, &ph);
        float scale = ww > 0 ? (float)pw / (float)ww : 1.0f;
        if (fabsf(scale - w->cv.scale) > 0.01f) { /* HiDPI: the fonts follow the pixel density */
            sdl_canvas_free(&w->cv);
            if (sdl_canvas_init(&w->cv, pw, ph, scale, &err)) {
                rc = cmd_error("window", 1, "%s", err.msg);
                goto done;
            }
        }
        if ((pw != tw || ph != th)) {
            if (win_app_resize(w, pw, ph, &err)) {
                rc = cmd_error("window", 1, "%s", err.msg);
                goto done;
            }
            if (tex)
                SDL_DestroyTexture(tex);
            tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, pw, ph);
            if (!tex) {
                rc = cmd_error("window", 1, "cannot create a %dx%d texture: %s", pw, ph, SDL_GetError());
                goto done;
            }
            tw = pw;
            th = ph;
        }
        SDL_Event ev;
        int timeout = w->app.lab.animate ? 0 : 100;
        if (SDL_WaitEventTimeout(&ev, timeout)) {
            do {
                if (ev.type == SDL_QUIT) {
                    w->app.quit = 1;
                    break;
                }
                /* pointer positions in drawable pixels */
                if (ev.type == SDL_MOUSEMOTION) { ev.motion.x = (int)(ev.motion.x * scale); ev.motion.y = (int)(ev.motion.y * scale); }
                if (ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_MOUSEBUTTONUP) {
                    ev.button.x = (int)(ev.button.x * scale);
                    ev.button.y = (int)(ev.button.y * scale);
                }
                win_app_event(w, &ev);
            } while (SDL_PollEvent(&ev));
        }
        if (w->app.lab.animate) {
            tui_event tick = { .key = TUI_KEY_TICK };
            win_app_key(w, &tick);
        }
        tui_app_live_kick(&w->app); /* the start-up parameters' jobs; then finished ones */
        while (tui_app_collect(&w->app))
            ;
        win_app_render(w);
        SDL_UpdateTexture(tex, NULL, w->cv.surf->pixels, w->cv.surf->pitch);
        SDL_RenderClear(ren);
        SDL_RenderCopy(ren, tex, NULL, NULL);
        SDL_RenderPresent(ren);
        if (o->frames && ++frames >= o->frames)
            break;
    }
done:
    if (tex) SDL_DestroyTexture(tex);
    if (ren) SDL_DestroyRenderer(ren);
    if (win) SDL_DestroyWindow(win);
    SDL_Quit();
    return rc;
}

int cmd_window(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        help();
        return 0;
    }
    rope_error err;
    win_opts o;
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    win_app *w = malloc(sizeof *w);
    int rc = 0, inited = 0;
    if (!used || !ra || !w) {
        rc = cmd_error("window", 1, "out of memory");
        goto done;
    }
    if (parse_opts(argc, argv, used, &o, &err) || ropeargs_parse(argc, argv, ra, used, &err)) {
        rc = cmd_error("window", 2, "%s", err.msg);
        goto done;
    }
    const char *left = cmd_leftover(argc, argv, used);
    if (left) {
        rc = cmd_error("window", 2, "unknown argument '%s' (see ropescope window --help)", left);
        goto done;
    }
    if (!o.screenshot && o.keys) {
        rc = cmd_error("window", 2, "--keys needs --screenshot (the window takes keys from the keyboard)");
        goto done;
    }
    if (win_app_init(w, &ra->cfg, ra->loaded ? ra->source : "", o.w, o.h, o.screenshot ? o.scale : 1.0f, &err)) {
        rc = cmd_error("window", 2, "%s", err.msg);
        goto done;
    }
    inited = 1;
    /* the model panel: jobs inline for a screenshot (they run at <Wait>), on a thread in the window */
    if (!(w->app.jobs = worker_new(o.screenshot != NULL, &err)) || tui_app_live(&w->app, NULL, NULL, 2, &err)) {
        rc = cmd_error("window", 1, "%s", err.msg);
        goto done;
    }
    rc = o.screenshot ? run_screenshot(w, &o) : run_window(w, &o);
done:
    if (inited)
        win_app_free(w);
    if (TTF_WasInit())
        TTF_Quit();
    free(used);
    free(ra);
    free(w);
    return rc;
}
