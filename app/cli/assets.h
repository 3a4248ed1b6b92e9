/* app/cli/assets.h — where the program finds its data files (the embedded models), so the binary can be
 * installed or moved: $ROPESCOPE_MODEL, then an `assets/` folder next to the binary (the build tree has
 * one as a link to the source tree's), then the install prefix's share/ropescope/. */
#ifndef ASSETS_H
#define ASSETS_H

#include <stddef.h>

/* The path of the asset `name` (e.g. "ropescope-tiny.gguf") written into buf: the first candidate
 * that exists, or the last one tried when none does (so the caller's error names a real place).
 * Returns buf. */
const char *cli_asset_path(const char *name, char *buf, size_t size);

/* The embedded base model: $ROPESCOPE_MODEL when set, else cli_asset_path("ropescope-tiny.gguf"). */
const char *cli_default_model(char *buf, size_t size);

/* What a --model argument names: NULL → cli_default_model; a shipped model's short name (no '/', not
 * an existing file, not ending in .gguf: "tiny", "tiny-yarn8") → the asset ropescope-NAME.gguf when it
 * exists; anything else → the argument itself (the loader's error then names it). */
const char *cli_model_path(const char *arg, char *buf, size_t size);

#endif
