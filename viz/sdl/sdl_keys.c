/* viz/sdl/sdl_keys.c — SDL_KEYDOWN / SDL_TEXTINPUT → tui_event (see sdl_keys.h). */
#include <string.h>
#include "sdl_keys.h"

static const struct { SDL_Keycode sym; int key; } special[] = {
    { SDLK_UP, TUI_KEY_UP }, { SDLK_DOWN, TUI_KEY_DOWN }, { SDLK_LEFT, TUI_KEY_LEFT }, { SDLK_RIGHT, TUI_KEY_RIGHT },
    { SDLK_HOME, TUI_KEY_HOME }, { SDLK_END, TUI_KEY_END }, { SDLK_PAGEUP, TUI_KEY_PGUP }, { SDLK_PAGEDOWN, TUI_KEY_PGDN },
    { SDLK_BACKSPACE, TUI_KEY_BACKSPACE }, { SDLK_DELETE, TUI_KEY_DELETE },
    { SDLK_RETURN, TUI_KEY_ENTER }, { SDLK_KP_ENTER, TUI_KEY_ENTER }, { SDLK_ESCAPE, TUI_KEY_ESC },
    { SDLK_F1, TUI_KEY_F1 }, { SDLK_F2, TUI_KEY_F1 + 1 }, { SDLK_F3, TUI_KEY_F1 + 2 }, { SDLK_F4, TUI_KEY_F1 + 3 },
    { SDLK_F5, TUI_KEY_F1 + 4 }, { SDLK_F6, TUI_KEY_F1 + 5 }, { SDLK_F7, TUI_KEY_F1 + 6 }, { SDLK_F8, TUI_KEY_F1 + 7 },
    { SDLK_F9, TUI_KEY_F1 + 8 }, { SDLK_F10, TUI_KEY_F1 + 9 }, { SDLK_F11, TUI_KEY_F1 + 10 }, { SDLK_F12, TUI_KEY_F1 + 11 },
};

/* Decodes one UTF-8 character at *s (advancing it); 0 at the end or on a malformed byte. */
static int utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    int n = p[0] < 0x80 ? 1 : (p[0] >> 5) == 6 ? 2 : (p[0] >> 4) == 14 ? 3 : (p[0] >> 3) == 30 ? 4 : 0;
    if (!p[0] || !n)
        return 0;
    int cp = n == 1 ? p[0] : p[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *s += n;
    return cp;
}

int sdl_key_translate(const SDL_Event *e, tui_event *out, int max)
{
    if (max < 1)
        return 0;
    if (e->type == SDL_TEXTINPUT) {
        const char *s = e->text.text;
        int n = 0, cp;
        while (n < max && (cp = utf8_next(&s)) > 0)
            out[n++] = (tui_event){ .key = cp };
        return n;
    }
    if (e->type != SDL_KEYDOWN)
        return 0;
    SDL_Keycode sym = e->key.keysym.sym;
    Uint16 mod = e->key.keysym.mod;
    memset(out, 0, sizeof *out);
    if (sym == SDLK_TAB) {
        out->key = (mod & KMOD_SHIFT) ? TUI_KEY_BACKTAB : TUI_KEY_TAB;
        return 1;
    }
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (special[i].sym == sym) {
            out->key = special[i].key;
            return 1;
        }
    if ((mod & KMOD_CTRL) && sym >= SDLK_a && sym <= SDLK_z) {
        out->key = TUI_CTRL((int)sym);
        return 1;
    }
    return 0;
}
