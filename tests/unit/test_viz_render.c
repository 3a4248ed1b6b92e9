/* tests/unit/test_viz_render.c — the terminal renderer's parts checked against Unicode and xterm
 * facts: braille dot bits, block glyphs, palette reductions, colour-mode choice, UTF-8 and ASCII
 * text, ANSI sequences, the layout's invariants and the --keys grammar. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "tui_canvas.h"
#include "tui_color.h"
#include "tui_draw.h"
#include "tui_keys.h"
#include "tui_layout.h"
#include "tui_snapshot.h"

static void test_braille(void)
{
    /* Unicode braille: dot 1 = 0x01 (top left), dot 4 = 0x08 (top right), dot 7 = 0x40, dot 8 = 0x80 */
    CHECK_INT(tui_braille_bit(0, 0), 0x01);
    CHECK_INT(tui_braille_bit(0, 2), 0x04);
    CHECK_INT(tui_braille_bit(1, 0), 0x08);
    CHECK_INT(tui_braille_bit(0, 3), 0x40);
    CHECK_INT(tui_braille_bit(1, 3), 0x80);
    tui_canvas c;
    CHECK(tui_canvas_init(&c, 4, 2) == 0);
    tui_canvas_line(&c, 0, 1, 7, 1, 3, 0); /* row 1 of the dot grid across 4 cells: dots 2 and 5 */
    for (int x = 0; x < 4; x++)
        CHECK_INT(tui_canvas_glyph(&c, x, 0, 0), 0x2800 + 0x02 + 0x10);
    CHECK_INT(tui_canvas_glyph(&c, 0, 1, 0), 0);
    CHECK_INT(tui_canvas_glyph(&c, 0, 0, 1), '-'); /* ASCII: dots in the upper middle */
    tui_canvas_line(&c, 0, 0, 0, 7, 3, 1); /* a vertical line spans both cells */
    CHECK_INT(tui_canvas_glyph(&c, 0, 1, 1), '|');
    CHECK_INT(c.bold[0], 1);
    tui_canvas_dot(&c, -1, 0, 3, 0); /* off-canvas: ignored */
    tui_canvas_dot(&c, 8, 0, 3, 0);
    tui_canvas_free(&c);
}

static void test_blocks(void)
{
    CHECK_INT(tui_vbar_glyph(0, 0), ' ');
    CHECK_INT(tui_vbar_glyph(3, 0), 0x2583); /* ▃ lower three eighths */
    CHECK_INT(tui_vbar_glyph(8, 0), 0x2588); /* █ */
    CHECK_INT(tui_hbar_glyph(1, 0), 0x258F); /* ▏ left one eighth */
    CHECK_INT(tui_hbar_glyph(7, 0), 0x2589); /* ▉ left seven eighths */
    CHECK_INT(tui_vbar_glyph(8, 1), '#');
    CHECK(tui_vbar_glyph(4, 1) < 128);
    CHECK_INT(tui_shade_glyph(0.0, 0), ' ');
    CHECK_INT(tui_shade_glyph(1.0, 0), 0x2588);
    CHECK_INT(tui_shade_glyph(1.0, 1), '@');
}

static void test_colors(void)
{
    /* xterm: the 6×6×6 cube starts at 16 with levels 0,95,135,175,215,255; greys 232.. are 8+10k */
    CHECK_INT(tui_rgb_to_256(0xff0000), 16 + 36 * 5);
    CHECK_INT(tui_rgb_to_256(0x000000), 16);
    CHECK_INT(tui_rgb_to_256(0x5f87ff), 16 + 36 * 1 + 6 * 2 + 5);
    CHECK_INT(tui_rgb_to_256(0x808080), 232 + 12);
    CHECK_INT(tui_rgb_to_16(0xff0000), 9);
    CHECK_INT(tui_rgb_to_16(0x000000), 0);
    CHECK_INT(tui_rgb_to_16(0xffffff), 15);
    CHECK_INT(tui_cyclic_rgb(0.0), tui_cyclic_rgb(1.0));
    CHECK(tui_cyclic_rgb(0.0) != tui_cyclic_rgb(0.5));
    CHECK_INT(tui_color_pick(256, NULL, "1", 0), TUI_COLOR_MONO);  /* NO_COLOR set */
    CHECK_INT(tui_color_pick(256, NULL, "", 0), TUI_COLOR_256);    /* set but empty: ignored */
    CHECK_INT(tui_color_pick(256, NULL, NULL, 1), TUI_COLOR_MONO); /* --no-color */
    CHECK_INT(tui_color_pick(0x1000000, NULL, NULL, 0), TUI_COLOR_TRUE);
    CHECK_INT(tui_color_pick(256, "truecolor", NULL, 0), TUI_COLOR_TRUE);
    CHECK_INT(tui_color_pick(8, "truecolor", NULL, 0), TUI_COLOR_16);
    CHECK_INT(tui_color_pick(0, NULL, NULL, 0), TUI_COLOR_MONO);
    tui_color_mode m;
    CHECK(tui_color_mode_from_name("256", &m) == 0 && m == TUI_COLOR_256);
    CHECK(tui_color_mode_from_name("bogus", &m) == -1);
}

static void test_text(void)
{
    tui_grid g = { 0 };
    char row[256];
    CHECK(tui_grid_resize(&g, 12, 2) == 0);
    CHECK_INT(tui_text(&g, 1, 0, 20, "λ'=2π·x", 0xffffff, TUI_DEFAULT, 0), 7);
    tui_grid_row(&g, 0, row, sizeof row);
    CHECK_STR(row, " λ'=2π·x");
    CHECK_INT(tui_text_width("λ'=2π·x"), 7);
    tui_put(&g, 11, 1, 'z', 0, 0, 0);
    tui_put(&g, 12, 1, 'y', 0, 0, 0); /* clipped */
    tui_grid_row(&g, 1, row, sizeof row);
    CHECK_STR(row, "           z");
    g.ascii = 1;
    tui_text(&g, 0, 0, 12, "λ·θ×γ…", 0, 0, 0);
    tui_grid_row(&g, 0, row, sizeof row);
    CHECK(strncmp(row, "l.txg...", 8) == 0);          /* … reads as "...", not "~" */
    tui_text(&g, 0, 0, 12, "2π ≠ 0       ", 0, 0, 0);
    tui_grid_row(&g, 0, row, sizeof row);
    CHECK_STR(row, "2pi != 0");                       /* words, not "2p" and "#" */
    char all[64];
    size_t need = tui_grid_text(&g, NULL, 0);
    CHECK(need < sizeof all);
    tui_grid_text(&g, all, sizeof all);
    CHECK_INT((long long)strlen(all), (long long)need);
    tui_grid_free(&g);
}

static void test_ansi(void)
{
    char b[96];
    tui_sgr(0xff0000, TUI_DEFAULT, 0, TUI_COLOR_TRUE, b, sizeof b);
    CHECK_STR(b, "\033[0;38;2;255;0;0m");
    tui_sgr(0xff0000, 0x000000, TUI_BOLD, TUI_COLOR_256, b, sizeof b);
    CHECK_STR(b, "\033[0;1;38;5;196;48;5;16m");
    tui_sgr(0xff0000, TUI_DEFAULT, 0, TUI_COLOR_16, b, sizeof b);
    CHECK_STR(b, "\033[0;91m");
    tui_sgr(0xff0000, 0x00ff00, TUI_REVERSE, TUI_COLOR_MONO, b, sizeof b);
    CHECK_STR(b, "\033[0;7m");
    tui_grid g = { 0 };
    tui_out o = { 0 };
    CHECK(tui_grid_resize(&g, 3, 1) == 0);
    tui_text(&g, 0, 0, 3, "ab", 0xff0000, TUI_DEFAULT, 0);
    CHECK(tui_snapshot(&g, 0, TUI_COLOR_TRUE, &o) == 0);
    CHECK_STR(o.data, "ab\n");
    o.len = 0;
    CHECK(tui_snapshot(&g, 1, TUI_COLOR_16, &o) == 0);
    CHECK_STR(o.data, "\033[0;91mab\033[0m \033[0m\n");
    tui_out_free(&o);
    tui_grid_free(&g);
}

static int overlap(tui_rect a, tui_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void check_layout(tui_rect area, unsigned visible, int focus, int zoom)
{
    tui_rect r[PLOT_PANEL_COUNT];
    unsigned shown = tui_layout_panels(area, visible, focus, zoom, r);
    CHECK((shown & ~visible) == 0);
    CHECK(shown & (1u << focus));
    for (int i = 0; i < PLOT_PANEL_COUNT; i++) {
        if (!(shown & (1u << i)))
            continue;
        CHECK(r[i].x >= area.x && r[i].y >= area.y);
        CHECK(r[i].x + r[i].w <= area.x + area.w && r[i].y + r[i].h <= area.y + area.h);
        if (area.w >= TUI_PANEL_MIN_W && area.h >= TUI_PANEL_MIN_H) {
            CHECK(r[i].w >= TUI_PANEL_MIN_W);
            CHECK(r[i].h >= TUI_PANEL_MIN_H);
        }
        for (int j = i + 1; j < PLOT_PANEL_COUNT; j++)
            if (shown & (1u << j))
                CHECK(!overlap(r[i], r[j]));
    }
}

static void test_layout(void)
{
    unsigned all = (1u << PLOT_PANEL_COUNT) - 1;
    tui_rect r[PLOT_PANEL_COUNT];
    tui_rect big = { 0, 2, 200, 56 };
    CHECK_INT(tui_layout_panels(big, all, 0, 0, r), all); /* 200×60: every panel */
    CHECK_INT(r[PLOT_PANEL_TABLE].w, TUI_TABLE_W);
    for (int f = 0; f < PLOT_PANEL_COUNT; f++) {
        check_layout(big, all, f, 0);
        check_layout((tui_rect){ 0, 3, 160, 43 }, all, f, 0);
        check_layout((tui_rect){ 0, 3, 80, 19 }, all, f, 0);  /* the minimum terminal: pages */
        if (f != PLOT_PANEL_TABLE)
            check_layout((tui_rect){ 0, 3, 120, 35 }, all & ~(1u << PLOT_PANEL_TABLE), f, 0);
    }
    check_layout((tui_rect){ 0, 3, 80, 19 }, (1u << 2) | (1u << 5), 5, 0);
    unsigned z = tui_layout_panels(big, all, 5, 1, r);
    CHECK_INT(z, 1u << 5);
    CHECK(r[5].w == big.w && r[5].h == big.h);
    /* a hidden focus falls back to a visible panel */
    z = tui_layout_panels(big, 1u << 3, 0, 0, r);
    CHECK_INT(z, 1u << 3);
}

/* The neutral layout with a pixel renderer's rules: the same guarantees in pixels, and the layout
 * state's changes (the last shown panel cannot be hidden, hiding the focus moves it on). */
static void test_layout_neutral(void)
{
    const plot_layout_rules px = { .panel_min_w = 320, .panel_min_h = 200, .table_w = 470, .side_extra = 160,
                                   .aspect = 1.6 };
    plot_layout l;
    plot_layout_init(&l);
    plot_rect r[PLOT_PANEL_COUNT], area = { 0, 40, 1920, 1000 };
    unsigned shown = plot_layout_place(&l, area, &px, r);
    CHECK_INT(shown, (1u << PLOT_PANEL_COUNT) - 1);
    /* 1450 × 1000 beside the table for seven panels (the model panel included): 3 columns of 483 × 333
     * (w:h 1.45, |ln(1.45/1.6)| = 0.10) beat 2 of 725 × 250 (2.9, 0.59) and 4 of 362 × 500 (0.72, 0.79) */
    CHECK_INT(r[PLOT_PANEL_WAVELENGTH].w, 483);
    CHECK_INT(r[PLOT_PANEL_WAVELENGTH].h, 333);
    CHECK_INT(r[PLOT_PANEL_TABLE].w, 470);
    CHECK_INT(r[PLOT_PANEL_TABLE].x, 1920 - 470);
    for (int i = 0; i < PLOT_PANEL_COUNT; i++) {
        CHECK(r[i].x >= 0 && r[i].x + r[i].w <= 1920 && r[i].y >= 40 && r[i].y + r[i].h <= 1040);
        CHECK(r[i].w >= 320 && r[i].h >= 200);
        for (int j = i + 1; j < PLOT_PANEL_COUNT; j++)
            CHECK(!(r[i].x < r[j].x + r[j].w && r[j].x < r[i].x + r[i].w &&
                    r[i].y < r[j].y + r[j].h && r[j].y < r[i].y + r[i].h));
    }
    /* hide all but the score panel: the focus follows, the last one stays */
    for (int id = 0; id < PLOT_PANEL_COUNT; id++)
        if (id != PLOT_PANEL_SCORE)
            CHECK_INT(plot_layout_toggle(&l, id), 0);
    CHECK_INT(l.focus, PLOT_PANEL_SCORE);
    CHECK_INT(plot_layout_toggle(&l, PLOT_PANEL_SCORE), -1);
    CHECK_INT(l.visible, 1u << PLOT_PANEL_SCORE);
    plot_layout_focus(&l, PLOT_PANEL_RAMP);            /* hidden: ignored */
    CHECK_INT(l.focus, PLOT_PANEL_SCORE);
    CHECK_INT(plot_layout_toggle(&l, PLOT_PANEL_RAMP), 1);
    CHECK_INT(l.focus, PLOT_PANEL_RAMP);
    plot_layout_focus_step(&l, 1);
    CHECK_INT(l.focus, PLOT_PANEL_SCORE);
    plot_layout_focus_step(&l, 1);
    CHECK_INT(l.focus, PLOT_PANEL_RAMP);               /* wraps */
    plot_layout_set_zoom(&l, 1);
    CHECK_INT(plot_layout_place(&l, area, &px, r), 1u << PLOT_PANEL_RAMP);
    CHECK(r[PLOT_PANEL_RAMP].w == 1920 && r[PLOT_PANEL_RAMP].h == 1000);
}

static void test_keys(void)
{
    const char *s = "a<Up><lt><C-c><F10><Click:3,4><WheelDown:0,1><Resize:20x5><Tick>λ<Enter>";
    tui_event ev;
    rope_error e;
    int want[] = { 'a', TUI_KEY_UP, '<', 3, TUI_KEY_F1 + 9, TUI_KEY_MOUSE, TUI_KEY_MOUSE, TUI_KEY_RESIZE,
                   TUI_KEY_TICK, 0x3BB, TUI_KEY_ENTER };
    int n = 0;
    while (tui_keyseq_next(&s, &ev, &e) == 1) {
        CHECK(n < (int)(sizeof want / sizeof want[0]));
        if (n < (int)(sizeof want / sizeof want[0]))
            CHECK_INT(ev.key, want[n]);
        if (n == 5) CHECK(ev.x == 3 && ev.y == 4 && ev.button == TUI_MOUSE_CLICK);
        if (n == 6) CHECK(ev.button == TUI_MOUSE_WHEEL_DOWN);
        if (n == 7) CHECK(ev.w == 20 && ev.h == 5);
        n++;
    }
    CHECK_INT(n, 11);
    const char *bad[] = { "<Bogus>", "<Up", "<>", "<F13>", "<Resize:0x5>", "<Click:a,b>" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s = bad[i];
        e.msg[0] = 0;
        CHECK_INT(tui_keyseq_next(&s, &ev, &e), -1);
        CHECK(e.msg[0] != 0);
    }
    char name[32];
    ev = (tui_event){ .key = TUI_KEY_F1 };
    tui_key_name(&ev, name, sizeof name);
    CHECK_STR(name, "<F1>");
    ev = (tui_event){ .key = TUI_KEY_MOUSE, .x = 3, .y = 4, .button = TUI_MOUSE_CLICK };
    tui_key_name(&ev, name, sizeof name);
    CHECK_STR(name, "<Click:3,4>");
}

int main(void)
{
    test_braille();
    test_blocks();
    test_colors();
    test_text();
    test_ansi();
    test_layout();
    test_layout_neutral();
    test_keys();
    return check_done("test_viz_render");
}
