/* viz/sdl/sdl_png.c — writes an ARGB8888 surface as an 8-bit RGB PNG with libpng: how headless
 * screenshots (README pictures, tests) leave the program. */
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include "sdl_canvas.h"

int sdl_png_write(SDL_Surface *s, const char *path, rope_error *err)
{
    if (s->format->format != SDL_PIXELFORMAT_ARGB8888)
        return rope_fail(err, "PNG: the surface is not ARGB8888");
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return rope_fail(err, "cannot write %s", path);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = malloc((size_t)s->w * 3);
    volatile int ok = 0;
    if (!png || !info || !row)
        goto done;
    if (setjmp(png_jmpbuf(png)))
        goto done;
    png_init_io(png, fp);
    png_set_compression_level(png, 9);
    png_set_IHDR(png, info, (png_uint_32)s->w, (png_uint_32)s->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < s->h; y++) {
        const uint32_t *p = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < s->w; x++) {
            row[3 * x] = (unsigned char)(p[x] >> 16);
            row[3 * x + 1] = (unsigned char)(p[x] >> 8);
            row[3 * x + 2] = (unsigned char)p[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    ok = 1;
done:
    if (png)
        png_destroy_write_struct(&png, info ? &info : NULL);
    free(row);
    if (fclose(fp) != 0)
        ok = 0;
    if (!ok) {
        remove(path);
        return rope_fail(err, "cannot write the PNG %s", path);
    }
    return 0;
}
