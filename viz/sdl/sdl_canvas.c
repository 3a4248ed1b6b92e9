/* viz/sdl/sdl_canvas.c — software drawing on an ARGB8888 surface: blended fills, crisp rules,
 * anti-aliased segments, discs and rings (coverage from the distance to the shape), and cached
 * SDL2_ttf text. See sdl_canvas.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sdl_canvas.h"

#define SDL_TEXT_CACHE 2048   /* entries; cleared when three quarters full */

static const struct { const char *file; double px; } font_spec[SDL_FONT_COUNT] = {
    { "DejaVuSans.ttf", 13.0 },
    { "DejaVuSans.ttf", 11.0 },
    { "DejaVuSans-Bold.ttf", 13.0 },
    { "DejaVuSansMono.ttf", 12.0 },
};

static void cache_clear(sdl_canvas *c)
{
    if (!c->cache)
        return;
    for (int i = 0; i < SDL_TEXT_CACHE; i++) {
        free(c->cache[i].str);
        if (c->cache[i].surf)
            SDL_FreeSurface(c->cache[i].surf);
    }
    memset(c->cache, 0, sizeof *c->cache * SDL_TEXT_CACHE);
    c->n_cache = 0;
}

int sdl_canvas_init(sdl_canvas *c, int w, int h, float scale, rope_error *err)
{
    memset(c, 0, sizeof *c);
    c->scale = scale > 0.5f ? scale : 1.0f;
    if (!TTF_WasInit() && TTF_Init() != 0)
        return rope_fail(err, "SDL2_ttf: %s", TTF_GetError());
    for (int i = 0; i < SDL_FONT_COUNT; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", SDL_FONT_DIR, font_spec[i].file);
        c->font[i] = TTF_OpenFont(path, (int)lround(font_spec[i].px * c->scale));
        if (!c->font[i]) {
            sdl_canvas_free(c);
            return rope_fail(err, "cannot open the font %s (install fonts-dejavu-core)", path);
        }
        c->line_h[i] = TTF_FontLineSkip(c->font[i]);
    }
    c->cache = calloc(SDL_TEXT_CACHE, sizeof *c->cache);
    if (!c->cache) {
        sdl_canvas_free(c);
        return rope_fail(err, "out of memory");
    }
    return sdl_canvas_resize(c, w, h, err);
}

int sdl_canvas_resize(sdl_canvas *c, int w, int h, rope_error *err)
{
    if (c->surf && c->surf->w == w && c->surf->h == h)
        return 0;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return rope_fail(err, "cannot allocate a %dx%d surface: %s", w, h, SDL_GetError());
    if (c->surf)
        SDL_FreeSurface(c->surf);
    c->surf = s;
    sdl_unclip(c);
    return 0;
}

void sdl_canvas_free(sdl_canvas *c)
{
    cache_clear(c);
    free(c->cache);
    for (int i = 0; i < SDL_FONT_COUNT; i++)
        if (c->font[i])
            TTF_CloseFont(c->font[i]);
    if (c->surf)
        SDL_FreeSurface(c->surf);
    memset(c, 0, sizeof *c);
}

void sdl_clip(sdl_canvas *c, SDL_Rect r)
{
    SDL_Rect all = { 0, 0, c->surf->w, c->surf->h };
    if (!SDL_IntersectRect(&r, &all, &c->clip))
        c->clip = (SDL_Rect){ 0, 0, 0, 0 };
}

void sdl_unclip(sdl_canvas *c)
{
    c->clip = (SDL_Rect){ 0, 0, c->surf->w, c->surf->h };
}

/* --- pixels --------------------------------------------------------------------------------------- */

static inline uint32_t *px(sdl_canvas *c, int x, int y)
{
    return (uint32_t *)((uint8_t *)c->surf->pixels + (size_t)y * (size_t)c->surf->pitch) + x;
}

static inline int inside(const sdl_canvas *c, int x, int y)
{
    return x >= c->clip.x && y >= c->clip.y && x < c->clip.x + c->clip.w && y < c->clip.y + c->clip.h;
}

/* dst = src·a + dst·(1 − a), a = alpha(argb)·cover in [0, 1] */
static inline void blend(uint32_t *d, uint32_t argb, double cover)
{
    int a = (int)(((argb >> 24) & 0xFF) * cover + 0.5);
    if (a <= 0)
        return;
    if (a >= 255) {
        *d = 0xFF000000u | (argb & 0xFFFFFF);
        return;
    }
    uint32_t v = *d;
    int r = (int)((v >> 16) & 0xFF), g = (int)((v >> 8) & 0xFF), b = (int)(v & 0xFF);
    int sr = (int)((argb >> 16) & 0xFF), sg = (int)((argb >> 8) & 0xFF), sb = (int)(argb & 0xFF);
    r += (sr - r) * a / 255;
    g += (sg - g) * a / 255;
    b += (sb - b) * a / 255;
    *d = 0xFF000000u | ((uint32_t)r << 16) | ((uint32_t)g << 8) | (uint32_t)b;
}

void sdl_clear(sdl_canvas *c, uint32_t argb)
{
    SDL_FillRect(c->surf, NULL, argb | 0xFF000000u);
}

void sdl_fill(sdl_canvas *c, SDL_Rect r, uint32_t argb)
{
    SDL_Rect d;
    if (!SDL_IntersectRect(&r, &c->clip, &d))
        return;
    if ((argb >> 24) == 0xFF) {
        SDL_FillRect(c->surf, &d, argb);
        return;
    }
    for (int y = d.y; y < d.y + d.h; y++) {
        uint32_t *p = px(c, d.x, y);
        for (int x = 0; x < d.w; x++)
            blend(p + x, argb, 1.0);
    }
}

void sdl_hline(sdl_canvas *c, int x0, int x1, int y, uint32_t argb)
{
    if (x1 < x0) { int t = x0; x0 = x1; x1 = t; }
    sdl_fill(c, (SDL_Rect){ x0, y, x1 - x0 + 1, 1 }, argb);
}

void sdl_vline(sdl_canvas *c, int x, int y0, int y1, uint32_t argb)
{
    if (y1 < y0) { int t = y0; y0 = y1; y1 = t; }
    sdl_fill(c, (SDL_Rect){ x, y0, 1, y1 - y0 + 1 }, argb);
}

void sdl_frame_rect(sdl_canvas *c, SDL_Rect r, uint32_t argb)
{
    if (r.w < 1 || r.h < 1)
        return;
    sdl_hline(c, r.x, r.x + r.w - 1, r.y, argb);
    sdl_hline(c, r.x, r.x + r.w - 1, r.y + r.h - 1, argb);
    if (r.h > 2) {
        sdl_vline(c, r.x, r.y + 1, r.y + r.h - 2, argb);
        sdl_vline(c, r.x + r.w - 1, r.y + 1, r.y + r.h - 2, argb);
    }
}

void sdl_line(sdl_canvas *c, double x0, double y0, double x1, double y1, double width, uint32_t argb)
{
    if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1))
        return;
    double hw = 0.5 * width, pad = hw + 1.0;
    int bx0 = (int)floor(fmin(x0, x1) - pad), bx1 = (int)ceil(fmax(x0, x1) + pad);
    int by0 = (int)floor(fmin(y0, y1) - pad), by1 = (int)ceil(fmax(y0, y1) + pad);
    if (bx0 < c->clip.x) bx0 = c->clip.x;
    if (by0 < c->clip.y) by0 = c->clip.y;
    if (bx1 > c->clip.x + c->clip.w - 1) bx1 = c->clip.x + c->clip.w - 1;
    if (by1 > c->clip.y + c->clip.h - 1) by1 = c->clip.y + c->clip.h - 1;
    double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (int y = by0; y <= by1; y++) {
        double py = y + 0.5;
        /* on a long, shallow segment only a band of columns near the line can be covered */
        int xa = bx0, xb = bx1;
        if (len2 > 0 && fabs(dy) > 1e-9 && fabs(dx) > 1e-9) {
            double t = (py - y0) / dy, xm = x0 + t * dx, slack = pad * sqrt(len2) / fabs(dy);
            int lo = (int)floor(xm - slack), hi = (int)ceil(xm + slack);
            if (lo > xa) xa = lo;
            if (hi < xb) xb = hi;
        }
        for (int x = xa; x <= xb; x++) {
            double qx = x + 0.5 - x0, qy = py - y0;
            double t = len2 > 0 ? (qx * dx + qy * dy) / len2 : 0.0;
            if (t < 0) t = 0;
            if (t > 1) t = 1;
            double ex = qx - t * dx, ey = qy - t * dy;
            double cover = hw + 0.5 - sqrt(ex * ex + ey * ey);
            if (cover <= 0)
                continue;
            blend(px(c, x, y), argb, cover > 1 ? 1 : cover);
        }
    }
}

static void round_shape(sdl_canvas *c, double cx, double cy, double r, double width, uint32_t argb)
{
    double out = r + (width > 0 ? 0.5 * width : 0.0), in = width > 0 ? r - 0.5 * width : -1.0;
    int x0 = (int)floor(cx - out - 1), x1 = (int)ceil(cx + out + 1);
    int y0 = (int)floor(cy - out - 1), y1 = (int)ceil(cy + out + 1);
    double full_in = in < 0 ? out - 0.5 : -1.0, full2 = full_in > 0 ? full_in * full_in : -1.0;
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            if (!inside(c, x, y))
                continue;
            double ex = x + 0.5 - cx, ey = y + 0.5 - cy, d2 = ex * ex + ey * ey;
            if (d2 < full2) { /* deep inside a disc: full cover */
                blend(px(c, x, y), argb, 1.0);
                continue;
            }
            double d = sqrt(d2);
            double cover = fmin(out + 0.5 - d, in < 0 ? 1.0 : d - in + 0.5);
            if (cover > 0)
                blend(px(c, x, y), argb, cover > 1 ? 1 : cover);
        }
}

void sdl_disc(sdl_canvas *c, double cx, double cy, double r, uint32_t argb)
{
    round_shape(c, cx, cy, r, 0.0, argb);
}

void sdl_ring(sdl_canvas *c, double cx, double cy, double r, double width, uint32_t argb)
{
    round_shape(c, cx, cy, r, width, argb);
}

/* --- text ----------------------------------------------------------------------------------------- */

static uint64_t text_hash(sdl_font_id f, uint32_t rgb, const char *s)
{
    uint64_t h = 1469598103934665603ull ^ ((uint64_t)f << 32) ^ rgb;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

static SDL_Surface *text_surface(sdl_canvas *c, sdl_font_id f, const char *s, uint32_t rgb)
{
    uint64_t h = text_hash(f, rgb, s);
    unsigned i = (unsigned)(h % SDL_TEXT_CACHE);
    while (c->cache[i].hash) {
        if (c->cache[i].hash == h && !strcmp(c->cache[i].str, s))
            return c->cache[i].surf;
        i = (i + 1) % SDL_TEXT_CACHE;
    }
    SDL_Color col = { (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255 };
    SDL_Surface *t = TTF_RenderUTF8_Blended(c->font[f], s, col);
    if (!t)
        return NULL;
    SDL_SetSurfaceBlendMode(t, SDL_BLENDMODE_BLEND);
    if (c->n_cache >= SDL_TEXT_CACHE * 3 / 4) {
        cache_clear(c);
        i = (unsigned)(h % SDL_TEXT_CACHE);
    }
    char *copy = strdup(s);
    if (!copy) {
        SDL_FreeSurface(t);
        return NULL;
    }
    c->cache[i] = (sdl_text_entry){ h, copy, t };
    c->n_cache++;
    return t;
}

int sdl_text_w(sdl_canvas *c, sdl_font_id f, const char *s)
{
    int w = 0, h = 0;
    if (!s || !*s || TTF_SizeUTF8(c->font[f], s, &w, &h))
        return 0;
    return w;
}

int sdl_text(sdl_canvas *c, sdl_font_id f, int x, int y, const char *s, uint32_t rgb, int align, int max_w)
{
    if (!s || !*s)
        return 0;
    SDL_Surface *t = text_surface(c, f, s, rgb & 0xFFFFFF);
    if (!t)
        return 0;
    int w = t->w;
    if (max_w > 0 && w > max_w)
        w = max_w;
    if (align == 1) x -= w / 2;
    else if (align == 2) x -= w;
    SDL_Rect src = { 0, 0, w, t->h }, dst = { x, y, w, t->h };
    SDL_SetClipRect(c->surf, &c->clip);
    SDL_BlitSurface(t, &src, c->surf, &dst);
    SDL_SetClipRect(c->surf, NULL);
    return w;
}
