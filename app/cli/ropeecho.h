/* app/cli/ropeecho.h — the effective RoPE parameters a model command ran with (method, flavor,
 * factor, L, base, betas, correction range, magnitude), in one text line and as a JSON object, so
 * `ppl`, `gen`, `passkey` and `compare` echo the same fields in the same words. Every number comes
 * from ropecore (rope_table_compute); nothing here computes a frequency. */
#ifndef ROPEECHO_H
#define ROPEECHO_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "rope.h"

/* Writes into buf (no newline) the parameters p runs with at sequence length seq_len (0 = start-up;
 * dynamic methods resolve their scale from it):
 *   "method yarn (hf), factor 8, L 512, base 10000, beta_fast 32, beta_slow 1,
 *    correction range pairs 20-46 (d = 20.94-45.03), magnitude 1.2079 (q.k x1.4590)"
 * Fields a method does not read are left out (plain RoPE: method, L, base, magnitude). On a table that
 * cannot be computed, the method, factor and the reason. Returns buf. */
const char *ropeecho_text(const rope_params *p, int seq_len, char *buf, size_t n);

/* The same as an object: method, flavor, factor, scale (the s in effect), orig_ctx, base, and when the
 * method reads them beta_fast, beta_slow, truncate, correction_range [lo, hi], correction_range_raw;
 * magnitude, logit_scale; seq_len. NULL on out of memory. */
cJSON *ropeecho_json(const rope_params *p, int seq_len);

#endif
