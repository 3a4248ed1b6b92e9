/* app/cli/mergecfg.h — `export --merge-into`: patch the RoPE keys of a real Hugging Face config.json
 * with an export, as text. Every byte outside the values it replaces stays as it was (other keys,
 * their order, spacing, number spellings); a key the config lacks is added after its last key with
 * the same indentation. Errors are -1 plus one rope_error line; nothing prints. */
#ifndef MERGECFG_H
#define MERGECFG_H

#include <stddef.h>
#include "rope.h"

/* Patches cfg[0..len) (a JSON object) with every top-level key of patch (a JSON object, e.g. the hf or
 * hf-v5 export): a key present is replaced in place, a missing key is appended, except the keys in
 * skip_if_absent (NULL-terminated, may be NULL), which are only replaced. When the config keeps its
 * language model in "text_config" (no attention geometry or scaling at the top level), the patch goes
 * there. *out is malloc'd and NUL-terminated. */
int mergecfg_patch(const char *cfg, size_t len, const char *patch, const char *const *skip_if_absent, char **out,
                   rope_error *err);

#endif
