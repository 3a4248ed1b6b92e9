/* kernels/gguf/gguf_rope.c — reads and writes the RoPE metadata keys of a GGUF file by walking the map's
 * table (rope_gguf_keys.c); the map decides what the keys mean. */
#include <stdio.h>
#include "gguf_rope.h"

int gguf_get_rope(const gguf_file *f, const char *arch, rope_params *p, rope_error *err)
{
    int n;
    const rope_gguf_key_info *tab = rope_gguf_key_table(&n);
    rope_gguf_keys k;
    rope_gguf_keys_init(&k);
    rope_error e;
    for (int i = 0; i < n; i++) {
        char key[96];
        snprintf(key, sizeof key, "%s.%s", arch, tab[i].suffix);
        int r = 0;
        double num = 0;
        const char *s = NULL;
        if (tab[i].type == ROPE_GGUF_F32) {
            float v;
            r = gguf_get_f32(f, key, &v, &e);
            num = v;
        } else if (tab[i].type == ROPE_GGUF_U32) {
            uint32_t v;
            r = gguf_get_u32(f, key, &v, &e);
            num = v;
        } else {
            r = gguf_get_str(f, key, &s, &e);
        }
        if (r < 0) return rope_fail(err, "%s", e.msg);
        if (r > 0 && rope_gguf_keys_add(&k, tab[i].suffix, num, s))
            return rope_fail(err, "%s: too many RoPE keys", key);
    }
    return rope_gguf_keys_to_params(&k, arch, p, err);
}

int gguf_set_rope(gguf_file *f, const char *arch, const rope_params *p, int implied_orig_ctx, rope_error *err)
{
    rope_gguf_keys k;
    if (rope_gguf_keys_from_params(p, implied_orig_ctx, &k, err)) return -1;
    int bad = 0;
    for (int i = 0; i < k.n; i++) {
        const rope_gguf_kv *kv = &k.kv[i];
        char key[96];
        snprintf(key, sizeof key, "%s.%s", arch, kv->info->suffix);
        if (kv->info->type == ROPE_GGUF_F32) bad |= gguf_set_f32(f, key, (float)kv->num);
        else if (kv->info->type == ROPE_GGUF_U32) bad |= gguf_set_u32(f, key, (uint32_t)kv->num);
        else bad |= gguf_set_str(f, key, kv->str);
    }
    return bad ? rope_fail(err, "out of memory building GGUF metadata") : 0;
}
