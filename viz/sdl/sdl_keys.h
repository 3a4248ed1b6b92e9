/* viz/sdl/sdl_keys.h — SDL keyboard and text events as the explorer's key events (tui_keys.h), so the
 * window and the terminal share one key table (app/explorer/tui_app.c).
 *
 * Contract: printable characters arrive as SDL_TEXTINPUT (one event per character, UTF-8) and
 * special keys (arrows, Enter, Esc, Tab, Shift-Tab, Backspace, Delete, Home, End, PgUp, PgDn,
 * F1…F12, Ctrl+letter) as SDL_KEYDOWN; a KEYDOWN of a printable key without Ctrl is not a key event
 * (its TEXTINPUT is). Pure: no SDL state is read. */
#ifndef SDL_KEYS_H
#define SDL_KEYS_H

#include <SDL.h>
#include "tui_keys.h"

/* Up to max events from e into out[max]; returns how many (0: not a key event). */
int sdl_key_translate(const SDL_Event *e, tui_event *out, int max);

#endif
