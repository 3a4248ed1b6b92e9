/* app/cli/modelcmd.h — what the model commands (gen, ppl, passkey, compare) share: loading the model
 * with the RoPE flags merged over its GGUF defaults, comma-separated list flags, and reading a text
 * file as byte tokens. Errors are -1 plus one rope_error line; nothing prints or exits. */
#ifndef MODELCMD_H
#define MODELCMD_H

#include "model.h"
#include "rope.h"
#include "ropeargs.h"

/* Loads path (NULL: $ROPESCOPE_MODEL, else the embedded model) and sets *p to the model's RoPE
 * defaults overridden by every RoPE flag given explicitly in argv (a --config/--preset replaces all
 * of them but the head geometry). On error the model is not left loaded. */
int cmd_model_load(int argc, char **argv, const char *path, const ropeargs *ra, model *m, rope_params *p,
                   rope_error *err);

/* Comma-separated lists ("512,1024"; at most max items of at most 63 bytes), each item range-checked;
 * *n receives the count. */
int cmd_parse_int_list(const char *flag, const char *s, long lo, long hi, int *out, int max, int *n, rope_error *err);
int cmd_parse_double_list(const char *flag, const char *s, double lo, double hi, double *out, int max, int *n,
                          rope_error *err);
int cmd_parse_methods(const char *flag, const char *s, rope_method *out, int max, int *n, rope_error *err);

/* The largest text file the model commands read, bytes (4 bytes of memory per byte read). */
#define CMD_TEXT_MAX (64 << 20)

/* The whole file as tokens, read as llama.cpp reads it (model_tokenize); *tok is malloc'd (the caller
 * frees it). A directory, a read error or more than CMD_TEXT_MAX bytes (also from a device that never
 * ends) is -1 with one line. */
int cmd_read_tokens(const char *path, int **tok, long *n, rope_error *err);

/* The header's note on a model whose context was extended by fine-tuning past the RoPE's original
 * context L: " (extended to N by fine-tuning)" written into buf, or "" when it was not. */
const char *cmd_model_extended(const model *m, char *buf, size_t size);

/* 1 if argv[1..argc) holds flag (or flag=value). */
int cmd_flag_given(int argc, char **argv, const char *flag);

#endif
