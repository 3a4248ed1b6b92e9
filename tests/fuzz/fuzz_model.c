/* tests/fuzz/fuzz_model.c — libFuzzer harness through the model loader: bytes that parse as a GGUF go
 * on to model_from_gguf (keys, hyper-parameters, tensor set and shapes, weight conversion, NaN checks).
 * Oracle: a refusal is one line; an accepted model has finite weights, a sanitised name and sizes
 * that pass model_hparams_check. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gguf.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gguf_file f;
    rope_error err = { "" };
    if (gguf_read_memory(&f, data, size, "fuzz", &err) != 0) return 0;
    model m;
    if (model_from_gguf(&m, &f, "fuzz", &err) != 0) {
        if (!err.msg[0] || strchr(err.msg, '\n')) abort();
        gguf_free(&f);
        return 0;
    }
    if (model_hparams_check(&m.hp, &err)) abort();
    for (const char *c = m.name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) abort();
    size_t d = (size_t)m.hp.d_model;
    for (size_t i = 0; i < d * (size_t)m.hp.n_vocab; i++)
        if (!isfinite(m.tok_embd[i]) || !isfinite(m.output[i])) abort();
    for (int l = 0; l < m.hp.n_layer; l++)
        for (size_t i = 0; i < d; i++)
            if (!isfinite(m.layer[l].attn_norm[i]) || !isfinite(m.layer[l].ffn_norm[i])) abort();
    model_free(&m);
    gguf_free(&f);
    return 0;
}
