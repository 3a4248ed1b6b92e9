/* tests/unit/test_sdl_window.c — the SDL2 window, headless: screenshots (written as PNG and read back)
 * at two sizes where the L / s·L markers and the regime boundaries sit in the pixel column or row the
 * axis mapping gives (computed here from the axis' numbers, not from the renderer); a synthetic drag
 * of the β_fast line sets beta_fast to the value under the pointer and moves the regime boundary;
 * every key of the shared key table reaches the controller from SDL events as the terminal's
 * --keys syntax does; a press of the wavelength panel's edge drags β to r at the pointer's pair. */
#include <png.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "cmd_window.h"
#include "tui_color.h"

typedef struct img { int w, h; unsigned char *rgb; } img;

static int load_png(const char *path, img *out)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, path))
        return -1;
    im.format = PNG_FORMAT_RGB;
    out->w = (int)im.width;
    out->h = (int)im.height;
    out->rgb = malloc(PNG_IMAGE_SIZE(im));
    if (!out->rgb || !png_image_finish_read(&im, NULL, out->rgb, 0, NULL)) {
        free(out->rgb);
        return -1;
    }
    return 0;
}

static unsigned pixel(const img *m, int x, int y)
{
    const unsigned char *p = m->rgb + 3 * ((size_t)y * (size_t)m->w + (size_t)x);
    return ((unsigned)p[0] << 16) | ((unsigned)p[1] << 8) | p[2];
}

/* the axis mapping, written out: fraction, then round(t·(n−1)) */
static double frac(const plot_axis *a, double v)
{
    if (a->log)
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return (v - a->lo) / (a->hi - a->lo);
}
static int want_col(const plot_axis *a, double v, SDL_Rect A) { return A.x + (int)floor(frac(a, v) * (A.w - 1) + 0.5); }
static int want_row(const plot_axis *a, double v, SDL_Rect A) { return A.y + (int)floor((1 - frac(a, v)) * (A.h - 1) + 0.5); }

/* the column of the area where colour rgb fills the most rows (a vertical one-pixel line) */
static int line_col(const img *m, SDL_Rect A, unsigned rgb)
{
    int best = -1, most = 0;
    for (int x = A.x; x < A.x + A.w; x++) {
        int n = 0;
        for (int y = A.y; y < A.y + A.h; y++)
            n += pixel(m, x, y) == rgb;
        if (n > most) { most = n; best = x; }
    }
    return most > A.h / 2 ? best : -1;
}

static int line_row(const img *m, SDL_Rect A, unsigned rgb)
{
    int best = -1, most = 0;
    for (int y = A.y; y < A.y + A.h; y++) {
        int n = 0;
        for (int x = A.x; x < A.x + A.w; x++)
            n += pixel(m, x, y) == rgb;
        if (n > most) { most = n; best = y; }
    }
    return most > A.w / 2 ? best : -1;
}

/* rows of A where the colour changes between columns c−1 and c and is steady on both sides */
static int edge_rows(const img *m, SDL_Rect A, int c)
{
    int n = 0;
    for (int y = A.y; y < A.y + A.h; y++)
        if (pixel(m, c - 2, y) == pixel(m, c - 1, y) && pixel(m, c - 1, y) != pixel(m, c, y) &&
            pixel(m, c, y) == pixel(m, c + 1, y))
            n++;
    return n;
}

static void yarn_config(rope_config *cfg)
{
    rope_config_init(cfg);
    cfg->params.method = ROPE_YARN;
    cfg->params.head_dim = 128;
    cfg->params.orig_ctx = cfg->params.max_pos = 4096;
    cfg->params.factor = 8.0;
}

static void shot(int W, int H)
{
    rope_config cfg;
    yarn_config(&cfg);
    rope_error err;
    win_app *w = malloc(sizeof *w);
    CHECK(w && win_app_init(w, &cfg, "", W, H, 1.0f, &err) == 0);
    win_app_render(w);
    char path[] = "/tmp/ropescope-test-sdl-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK(sdl_png_write(w->cv.surf, path, &err) == 0);
    img m = { 0 };
    CHECK(load_png(path, &m) == 0);
    unlink(path);
    CHECK_INT(m.w, W);
    CHECK_INT(m.h, H);
    const plot_view *v = &w->app.lab.view;
    double L = 4096, sL = 8 * 4096;
    unsigned ctx = tui_role_rgb(PLOT_ROLE_MARK_CTX) & 0xFFFFFF, ext = tui_role_rgb(PLOT_ROLE_MARK_EXT) & 0xFFFFFF;

    /* score panel: vertical L and s·L lines on the distance axis */
    CHECK(w->hits.shown & (1u << PLOT_PANEL_SCORE));
    const plot_figure *fs = &w->frame.fig[PLOT_PANEL_SCORE];
    SDL_Rect A = w->hits.fig[PLOT_PANEL_SCORE].area;
    CHECK(A.w > 100 && A.h > 50);
    CHECK_INT(line_col(&m, A, ctx), want_col(&fs->x, L, A));
    CHECK_INT(line_col(&m, A, ext), want_col(&fs->x, sL, A));

    /* wavelength panel: horizontal L and s·L lines on the log λ axis, and the regime boundaries */
    const plot_figure *fw = &w->frame.fig[PLOT_PANEL_WAVELENGTH];
    A = w->hits.fig[PLOT_PANEL_WAVELENGTH].area;
    CHECK(fw->y.log == 1);
    CHECK_INT(line_row(&m, A, ctx), want_row(&fw->y, L, A));
    CHECK_INT(line_row(&m, A, ext), want_row(&fw->y, sL, A));
    int n_edges = 0;
    for (int i = 1; i < v->yarn.n_pairs; i++) {
        if (v->yarn.pair[i].regime == v->yarn.pair[i - 1].regime)
            continue;
        int c = want_col(&fw->x, i - 0.5, A);
        n_edges++;
        CHECK(edge_rows(&m, A, c) > A.h / 2);          /* the colour changes exactly there … */
        CHECK(edge_rows(&m, A, c + 1) < A.h / 10);     /* … and not one column off */
        CHECK(edge_rows(&m, A, c - 1) < A.h / 10);
    }
    CHECK_INT(n_edges, 2); /* YaRN at s = 8, β 32 / 1: extrapolate | blend | interpolate */
    free(m.rgb);
    win_app_free(w);
    free(w);
}

static void mouse(win_app *w, Uint32 type, int x, int y, int clicks)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    if (type == SDL_MOUSEMOTION) {
        e.motion.x = x;
        e.motion.y = y;
    } else {
        e.button.button = SDL_BUTTON_LEFT;
        e.button.clicks = (Uint8)clicks;
        e.button.x = x;
        e.button.y = y;
    }
    win_app_event(w, &e);
}

static int n_extrapolated(const rope_table *t)
{
    int n = 0;
    for (int i = 0; i < t->n_pairs; i++)
        n += t->pair[i].regime == ROPE_REGIME_EXTRAPOLATE;
    return n;
}

static void drag(void)
{
    rope_config cfg;
    yarn_config(&cfg);
    rope_error err;
    win_app *w = malloc(sizeof *w);
    CHECK(w && win_app_init(w, &cfg, "", 1600, 1000, 1.0f, &err) == 0);
    win_app_render(w);
    const plot_figure *f = &w->frame.fig[PLOT_PANEL_RAMP];
    SDL_Rect A = w->hits.fig[PLOT_PANEL_RAMP].area;
    int x = A.x + A.w / 2, y0 = want_row(&f->y, 32.0, A), y1 = want_row(&f->y, 32.0, A) - 37;
    int before = n_extrapolated(&w->app.lab.view.yarn);
    double low_before = w->app.lab.view.yarn.corr_low;
    mouse(w, SDL_MOUSEBUTTONDOWN, x, y0 + 2, 1);     /* grab the β line two pixels off */
    CHECK_INT(w->drag, WIN_DRAG_BETA_FAST);
    mouse(w, SDL_MOUSEMOTION, x, y0 - 10, 0);
    win_app_render(w);
    mouse(w, SDL_MOUSEMOTION, x, y1, 0);
    mouse(w, SDL_MOUSEBUTTONUP, x, y1, 1);
    CHECK_INT(w->drag, WIN_DRAG_NONE);
    /* the value under the pointer, from the axis numbers: 10^(log lo + t·(log hi − log lo)) */
    double t = 1.0 - (double)(y1 - A.y) / (A.h - 1);
    double want = pow(10.0, log10(f->y.lo) + t * (log10(f->y.hi) - log10(f->y.lo)));
    double beta = w->app.lab.cfg.params.beta_fast, decades_per_px = (log10(f->y.hi) - log10(f->y.lo)) / (A.h - 1);
    CHECK(want > 32.0);
    CHECK_NEAR(log10(beta), log10(want), 0.5 * decades_per_px);
    /* the boundary moved: fewer pairs rotate more than β times, and each that does has r > β */
    const rope_table *y = &w->app.lab.view.yarn;
    CHECK(n_extrapolated(y) < before);
    CHECK(y->corr_low < low_before);
    for (int i = 0; i < y->n_pairs; i++)
        if (y->pair[i].regime == ROPE_REGIME_EXTRAPOLATE)
            CHECK(y->pair[i].r > beta);
    win_app_render(w);

    /* the wavelength panel's extrapolate | blend edge, dragged to the column of pair 30: β = r(30) */
    const plot_figure *fw = &w->frame.fig[PLOT_PANEL_WAVELENGTH];
    SDL_Rect B = w->hits.fig[PLOT_PANEL_WAVELENGTH].area;
    int first_blend = y->n_pairs;
    for (int i = 0; i < y->n_pairs && first_blend == y->n_pairs; i++)
        if (y->pair[i].regime != ROPE_REGIME_EXTRAPOLATE)
            first_blend = i;
    int c0 = want_col(&fw->x, first_blend - 0.5, B), c1 = want_col(&fw->x, 30.0, B);
    mouse(w, SDL_MOUSEBUTTONDOWN, c0, B.y + B.h / 2, 1);
    CHECK_INT(w->drag, WIN_DRAG_EDGE_FAST);
    mouse(w, SDL_MOUSEMOTION, c1, B.y + B.h / 2, 0);
    mouse(w, SDL_MOUSEBUTTONUP, c1, B.y + B.h / 2, 1);
    double r30 = 4096.0 / (2 * M_PI * pow(10000.0, 2.0 * 30 / 128)); /* L/λ at pair 30, closed form */
    CHECK_REL(w->app.lab.cfg.params.beta_fast, r30, 0.01);

    /* the α line (beta_slow), dragged 25 pixels up: the value under the pointer again */
    win_app_render(w);
    f = &w->frame.fig[PLOT_PANEL_RAMP];
    A = w->hits.fig[PLOT_PANEL_RAMP].area;
    int ya = want_row(&f->y, 1.0, A);
    mouse(w, SDL_MOUSEBUTTONDOWN, x, ya - 1, 1);
    CHECK_INT(w->drag, WIN_DRAG_BETA_SLOW);
    mouse(w, SDL_MOUSEBUTTONUP, x, ya - 25, 1);
    t = 1.0 - (double)(ya - 25 - A.y) / (A.h - 1);
    want = pow(10.0, log10(f->y.lo) + t * (log10(f->y.hi) - log10(f->y.lo)));
    decades_per_px = (log10(f->y.hi) - log10(f->y.lo)) / (A.h - 1);
    CHECK_NEAR(log10(w->app.lab.cfg.params.beta_slow), log10(want), 0.5 * decades_per_px);
    CHECK(w->app.lab.cfg.params.beta_slow > 1.0);

    /* wheel over the wavelength plot zooms its x axis about the pointer; double-click resets */
    win_app_render(w);
    B = w->hits.fig[PLOT_PANEL_WAVELENGTH].area;
    mouse(w, SDL_MOUSEMOTION, B.x + B.w / 2, B.y + B.h / 2, 0);
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEWHEEL;
    e.wheel.y = 1;
    win_app_event(w, &e);
    win_app_render(w);
    fw = &w->frame.fig[PLOT_PANEL_WAVELENGTH];
    CHECK(fw->x.hi - fw->x.lo < 0.85 * 63);
    mouse(w, SDL_MOUSEBUTTONDOWN, B.x + 5, B.y + 5, 2);
    win_app_render(w);
    CHECK_NEAR(w->frame.fig[PLOT_PANEL_WAVELENGTH].x.hi - w->frame.fig[PLOT_PANEL_WAVELENGTH].x.lo, 63, 0);
    win_app_free(w);
    free(w);
}

/* the SDL event a user's key press produces: special keys as KEYDOWN, characters as TEXTINPUT */
static int sdl_event_for(const char *tok, SDL_Event *e, char *keyseq, size_t n)
{
    static const struct { const char *name; SDL_Keycode sym; Uint16 mod; const char *seq; } named[] = {
        { "Up", SDLK_UP, 0, "<Up>" }, { "Down", SDLK_DOWN, 0, "<Down>" }, { "Left", SDLK_LEFT, 0, "<Left>" },
        { "Right", SDLK_RIGHT, 0, "<Right>" }, { "Home", SDLK_HOME, 0, "<Home>" }, { "End", SDLK_END, 0, "<End>" },
        { "PgUp", SDLK_PAGEUP, 0, "<PgUp>" }, { "PgDn", SDLK_PAGEDOWN, 0, "<PgDn>" }, { "Enter", SDLK_RETURN, 0, "<Enter>" },
        { "Esc", SDLK_ESCAPE, 0, "<Esc>" }, { "Tab", SDLK_TAB, 0, "<Tab>" }, { "Shift-Tab", SDLK_TAB, KMOD_LSHIFT, "<BackTab>" },
        { "F1", SDLK_F1, 0, "<F1>" }, { "F10", SDLK_F10, 0, "<F10>" }, { "Ctrl-C", SDLK_c, KMOD_LCTRL, "<C-c>" },
    };
    memset(e, 0, sizeof *e);
    if (!strcmp(tok, "Space")) {
        e->type = SDL_TEXTINPUT;
        strcpy(e->text.text, " ");
        snprintf(keyseq, n, "<Space>");
        return 0;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcmp(tok, named[i].name)) {
            e->type = SDL_KEYDOWN;
            e->key.keysym.sym = named[i].sym;
            e->key.keysym.mod = named[i].mod;
            snprintf(keyseq, n, "%s", named[i].seq);
            return 0;
        }
    if (strlen(tok) == 1 && tok[0] > ' ' && tok[0] < 127) {
        e->type = SDL_TEXTINPUT;
        e->text.text[0] = tok[0];
        snprintf(keyseq, n, "%s", tok[0] == '<' ? "<lt>" : tok);
        return 0;
    }
    return -1;
}

static void key_table(void)
{
    rope_config cfg;
    yarn_config(&cfg);
    rope_error err;
    win_app *w = malloc(sizeof *w);
    CHECK(w && win_app_init(w, &cfg, "", 1200, 800, 1.0f, &err) == 0);
    win_app_render(w);
    int walked = 0, mouse_lines = 0;
    for (int k = 0; k < tui_app_n_keys; k++) {
        char buf[64], toks[16][16];
        int nt = 0;
        snprintf(buf, sizeof buf, "%s", tui_app_keys[k].keys);
        for (char *s = strtok(buf, " "); s && nt < 16; s = strtok(NULL, " "))
            snprintf(toks[nt++], sizeof toks[0], "%.15s", s);
        for (int i = 0; i < nt; i++) {
            if (!strcmp(toks[i], "click") || !strcmp(toks[i], "wheel")) {
                mouse_lines++;
                continue;
            }
            int lo = toks[i][0], hi = lo;
            if (!strcmp(toks[i], "...")) /* "1 ... 7": the keys between the neighbours */
                continue;
            if (i + 2 < nt && !strcmp(toks[i + 1], "...")) hi = toks[i + 2][0];
            for (int ch = lo; ch <= hi; ch++) {
                char one[16], seq[16];
                if (hi != lo) snprintf(one, sizeof one, "%c", ch);
                else snprintf(one, sizeof one, "%.15s", toks[i]);
                SDL_Event e;
                if (sdl_event_for(one, &e, seq, sizeof seq)) {
                    fprintf(stderr, "key table: '%s' (%s) has no SDL event here\n", one, tui_app_keys[k].keys);
                    CHECK(0);
                    continue;
                }
                tui_event got[4], want;
                const char *p = seq;
                CHECK_INT(tui_keyseq_next(&p, &want, &err), 1);
                CHECK_INT(sdl_key_translate(&e, got, 4), 1);
                CHECK_INT(got[0].key, want.key);
                /* the controller acts on it: never the "does nothing here" answer */
                win_app_event(w, &e);
                CHECK(strstr(w->app.message, "does nothing") == NULL);
                w->app.quit = 0;
                w->app.mode = TUI_MODE_NORMAL;
                win_app_render(w);
                walked++;
            }
        }
    }
    CHECK(walked >= 40);
    CHECK_INT(mouse_lines, 2);
    /* a KEYDOWN of a printable key is not a second key press (its TEXTINPUT is the key) */
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_m;
    tui_event got[2];
    CHECK_INT(sdl_key_translate(&e, got, 2), 0);
    /* and a few effects, the same as in the terminal: m → next method, + → factor up */
    win_app_free(w);
    CHECK(win_app_init(w, &cfg, "", 1200, 800, 1.0f, &err) == 0);
    e.type = SDL_TEXTINPUT;
    strcpy(e.text.text, "m");
    win_app_event(w, &e);
    CHECK(w->app.lab.cfg.params.method != ROPE_YARN);
    strcpy(e.text.text, "M+");
    win_app_event(w, &e);
    CHECK_INT(w->app.lab.cfg.params.method, ROPE_YARN);
    CHECK(w->app.lab.cfg.params.factor > 8.0);
    win_app_free(w);
    free(w);
}

int main(void)
{
    if (access(SDL_FONT_DIR "/DejaVuSans.ttf", R_OK) != 0)
        return check_skip("test_sdl_window", "fonts-dejavu-core is not installed");
    shot(1600, 1000);
    shot(1100, 700);
    drag();
    key_table();
    if (TTF_WasInit())
        TTF_Quit();
    return check_done("test_sdl_window");
}
