/* viz/sdl/sdl_canvas.h — the SDL2 renderer's drawing surface: one ARGB8888 SDL_Surface drawn in
 * software (anti-aliased lines, alpha-blended fills, discs and rings) and text from SDL2_ttf
 * (DejaVu Sans and DejaVu Sans Mono), so a window frame and a headless PNG are the same pixels.
 *
 * Contract: colours are 0xAARRGGBB (alpha 0xFF = opaque); every primitive clips to the surface and
 * to the canvas clip rectangle; nothing prints or exits; init reports a missing font or an SDL
 * failure in err. `scale` is the HiDPI factor (1 on a normal screen): sizes given to primitives are
 * in pixels, callers multiply by scale. Rendered text strings are cached (the frame redraws the same
 * labels every time). */
#ifndef SDL_CANVAS_H
#define SDL_CANVAS_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdint.h>
#include "rope.h"

#define SDL_FONT_DIR "/usr/share/fonts/truetype/dejavu"

typedef enum sdl_font_id { SDL_FONT_SANS, SDL_FONT_SMALL, SDL_FONT_BOLD, SDL_FONT_MONO, SDL_FONT_COUNT } sdl_font_id;

typedef struct sdl_text_entry {
    uint64_t     hash;
    char        *str;
    SDL_Surface *surf;
} sdl_text_entry;

typedef struct sdl_canvas {
    SDL_Surface *surf;                 /* ARGB8888, w × h pixels */
    SDL_Rect     clip;                 /* primitives draw only inside */
    float        scale;                /* HiDPI factor */
    TTF_Font    *font[SDL_FONT_COUNT];
    int          line_h[SDL_FONT_COUNT]; /* pixels per text line */
    sdl_text_entry *cache;             /* [SDL_TEXT_CACHE] open addressing */
    int          n_cache;
} sdl_canvas;

/* Loads the fonts at 13·scale px (12·scale mono), allocates a w × h surface; -1 with a message. */
int  sdl_canvas_init(sdl_canvas *c, int w, int h, float scale, rope_error *err);
int  sdl_canvas_resize(sdl_canvas *c, int w, int h, rope_error *err);
void sdl_canvas_free(sdl_canvas *c);

void sdl_clip(sdl_canvas *c, SDL_Rect r);   /* clip to r ∩ surface */
void sdl_unclip(sdl_canvas *c);

void sdl_clear(sdl_canvas *c, uint32_t argb);
void sdl_fill(sdl_canvas *c, SDL_Rect r, uint32_t argb);          /* blended */
void sdl_hline(sdl_canvas *c, int x0, int x1, int y, uint32_t argb); /* crisp, x0..x1 inclusive */
void sdl_vline(sdl_canvas *c, int x, int y0, int y1, uint32_t argb);
void sdl_frame_rect(sdl_canvas *c, SDL_Rect r, uint32_t argb);
/* An anti-aliased segment of the given width (pixels) with round caps. */
void sdl_line(sdl_canvas *c, double x0, double y0, double x1, double y1, double width, uint32_t argb);
/* An anti-aliased disc (filled) or ring (width > 0). */
void sdl_disc(sdl_canvas *c, double cx, double cy, double r, uint32_t argb);
void sdl_ring(sdl_canvas *c, double cx, double cy, double r, double width, uint32_t argb);

/* Draws UTF-8 text with its top-left at (x, y) (align 0), centred on x (1) or ending at x (2), at
 * most max_w pixels wide (0: no limit; longer text is cut). Returns the width drawn. */
int  sdl_text(sdl_canvas *c, sdl_font_id f, int x, int y, const char *s, uint32_t rgb, int align, int max_w);
int  sdl_text_w(sdl_canvas *c, sdl_font_id f, const char *s);

static inline uint32_t sdl_argb(uint32_t rgb, int alpha) { return ((uint32_t)alpha << 24) | (rgb & 0xFFFFFF); }

/* Writes the surface as an 8-bit RGB PNG (libpng); -1 with a message. */
int  sdl_png_write(SDL_Surface *s, const char *path, rope_error *err);

#endif
