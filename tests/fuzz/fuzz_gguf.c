/* tests/fuzz/fuzz_gguf.c — libFuzzer harness for the GGUF reader: parse any bytes from memory; when
 * they parse, touch every value and tensor, serialize, and check that re-reading the serialized file
 * gives the same bytes again (read → write is a fixed point). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gguf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gguf_file f;
    rope_error err;
    if (gguf_read_memory(&f, data, size, "fuzz", &err) != 0) return 0;
    volatile uint64_t sink = 0;
    for (int i = 0; i < f.n_kv; i++) {
        const gguf_kv *kv = &f.kv[i];
        sink += strlen(kv->key) + kv->v.u64;
        if (kv->type == GGUF_TYPE_STRING) sink += kv->str.len ? (uint8_t)kv->str.s[kv->str.len - 1] : 0;
        if (kv->type == GGUF_TYPE_ARRAY && kv->arr_type == GGUF_TYPE_STRING) {
            const gguf_str *s = kv->arr;
            for (uint64_t j = 0; j < kv->arr_n; j++) sink += s[j].len + (uint8_t)s[j].s[s[j].len];
        } else if (kv->type == GGUF_TYPE_ARRAY && kv->arr_n) {
            sink += ((const uint8_t *)kv->arr)[kv->arr_n * gguf_type_size(kv->arr_type) - 1];
        }
    }
    for (int i = 0; i < f.n_tensors; i++) {
        const gguf_tensor *t = &f.tensors[i];
        int64_t n = gguf_tensor_nelements(t);
        float *out = malloc((size_t)n * sizeof *out);
        if (out && gguf_tensor_to_f32(t, out, &err) == 0) sink += (uint64_t)(out[n - 1] != 0);
        free(out);
    }
    uint8_t *m1 = NULL, *m2 = NULL;
    size_t l1 = 0, l2 = 0;
    if (gguf_write_memory(&f, &m1, &l1, &err) != 0) abort();
    gguf_file g;
    if (gguf_read_memory(&g, m1, l1, "fuzz-rewritten", &err) != 0) abort();
    if (g.n_kv != f.n_kv || g.n_tensors != f.n_tensors) abort();
    if (gguf_write_memory(&g, &m2, &l2, &err) != 0) abort();
    if (l1 != l2 || memcmp(m1, m2, l1) != 0) abort();
    gguf_free(&g);
    gguf_free(&f);
    free(m1);
    free(m2);
    (void)sink;
    return 0;
}
