/* kernels/gguf/gguf.c — the in-memory GGUF model: life cycle, metadata getters and setters, tensor
 * directory, type tables and element conversions (f16, bf16, Q8_0). Parsing is in gguf_read.c,
 * serialization in gguf_write.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "gguf.h"

void gguf_init(gguf_file *f)
{
    memset(f, 0, sizeof *f);
    f->version = GGUF_VERSION;
    f->alignment = GGUF_DEFAULT_ALIGN;
}

static void kv_clear(gguf_kv *kv)
{
    free(kv->key);
    free(kv->str.s);
    if (kv->type == GGUF_TYPE_ARRAY && kv->arr_type == GGUF_TYPE_STRING && kv->arr) {
        gguf_str *s = kv->arr;
        for (uint64_t i = 0; i < kv->arr_n; i++) free(s[i].s);
    }
    free(kv->arr);
    memset(kv, 0, sizeof *kv);
}

void gguf_free(gguf_file *f)
{
    for (int i = 0; i < f->n_kv; i++) kv_clear(&f->kv[i]);
    free(f->kv);
    free(f->tensors);
    if (f->mapped && f->buf) munmap((void *)f->buf, f->size);
    gguf_init(f);
}

/* --- type tables ------------------------------------------------------------------------------ */

size_t gguf_type_size(gguf_type t)
{
    switch (t) {
    case GGUF_TYPE_UINT8: case GGUF_TYPE_INT8: case GGUF_TYPE_BOOL: return 1;
    case GGUF_TYPE_UINT16: case GGUF_TYPE_INT16: return 2;
    case GGUF_TYPE_UINT32: case GGUF_TYPE_INT32: case GGUF_TYPE_FLOAT32: return 4;
    case GGUF_TYPE_UINT64: case GGUF_TYPE_INT64: case GGUF_TYPE_FLOAT64: return 8;
    default: return 0;
    }
}

const char *gguf_type_name(int t)
{
    static const char *names[GGUF_TYPE_COUNT] = {
        "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"
    };
    return (t >= 0 && t < GGUF_TYPE_COUNT) ? names[t] : "invalid";
}

const char *gguf_dtype_name(int t)
{
    switch (t) {
    case GGUF_DTYPE_F32: return "F32";
    case GGUF_DTYPE_F16: return "F16";
    case GGUF_DTYPE_Q8_0: return "Q8_0";
    case GGUF_DTYPE_BF16: return "BF16";
    case 2: return "Q4_0";
    case 3: return "Q4_1";
    case 6: return "Q5_0";
    case 7: return "Q5_1";
    case 10: return "Q2_K";
    case 11: return "Q3_K";
    case 12: return "Q4_K";
    case 13: return "Q5_K";
    case 14: return "Q6_K";
    default: return "unknown";
    }
}

int gguf_tensor_bytes(gguf_dtype type, int n_dims, const int64_t *ne, uint64_t *nbytes, rope_error *err)
{
    if (n_dims < 1 || n_dims > GGUF_MAX_DIMS)
        return rope_fail(err, "tensor has %d dimensions; GGUF tensors have 1 to %d", n_dims, GGUF_MAX_DIMS);
    const uint64_t limit = (uint64_t)1 << 59;   /* elements; ×4 bytes stays far below 2^64 */
    uint64_t n = 1;
    for (int i = 0; i < n_dims; i++) {
        if (ne[i] <= 0)
            return rope_fail(err, "tensor dimension %d is %lld; dimensions must be positive", i, (long long)ne[i]);
        if ((uint64_t)ne[i] > limit / n)
            return rope_fail(err, "tensor element count overflows (dimension %d = %lld)", i, (long long)ne[i]);
        n *= (uint64_t)ne[i];
    }
    uint64_t b;
    switch (type) {
    case GGUF_DTYPE_F32: b = n * 4; break;
    case GGUF_DTYPE_F16: case GGUF_DTYPE_BF16: b = n * 2; break;
    case GGUF_DTYPE_Q8_0:
        if (ne[0] % GGUF_Q8_0_BLOCK)
            return rope_fail(err, "Q8_0 tensor has ne0 = %lld, not a multiple of %d", (long long)ne[0], GGUF_Q8_0_BLOCK);
        b = n / GGUF_Q8_0_BLOCK * GGUF_Q8_0_BYTES;
        break;
    default:
        return rope_fail(err, "tensor type %d (%s) is not supported; ropescope reads F32, F16, Q8_0 and BF16 "
                         "(convert the model with llama-quantize or gguf-py)", (int)type, gguf_dtype_name(type));
    }
    *nbytes = b;
    return 0;
}

int64_t gguf_tensor_nelements(const gguf_tensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->n_dims; i++) n *= t->ne[i];
    return n;
}

/* --- element conversions ------------------------------------------------------------------------ */

uint16_t gguf_f32_to_f16(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    uint32_t sign = (u >> 16) & 0x8000u;
    uint32_t exp = (u >> 23) & 0xffu;
    uint32_t man = u & 0x7fffffu;
    if (exp == 0xff) return (uint16_t)(sign | 0x7c00u | (man ? 0x200u : 0));   /* inf / nan */
    int e = (int)exp - 127 + 15;
    if (e >= 31) return (uint16_t)(sign | 0x7c00u);                          /* overflow → inf */
    if (e <= 0) {                                                            /* subnormal or zero */
        if (e < -10) return (uint16_t)sign;
        man |= 0x800000u;
        int shift = 14 - e;                       /* 24-bit mantissa down to the subnormal field */
        uint32_t h = man >> shift;
        uint32_t rem = man & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1))) h++;
        return (uint16_t)(sign | h);
    }
    uint32_t h = ((uint32_t)e << 10) | (man >> 13);
    uint32_t rem = man & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) h++;      /* may carry into the exponent: fine */
    return (uint16_t)(sign | h);
}

float gguf_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    uint32_t u;
    if (exp == 0) {
        if (man == 0) u = sign;
        else {
            float v = ldexpf((float)man, -24);
            return (h & 0x8000u) ? -v : v;
        }
    } else if (exp == 31) {
        u = sign | 0x7f800000u | (man << 13);
    } else {
        u = sign | ((exp - 15 + 127) << 23) | (man << 13);
    }
    float x;
    memcpy(&x, &u, 4);
    return x;
}

float gguf_bf16_to_f32(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float x;
    memcpy(&x, &u, 4);
    return x;
}

void gguf_quantize_q8_0(const float *x, int64_t n, void *out)
{
    uint8_t *o = out;
    for (int64_t b = 0; b < n / GGUF_Q8_0_BLOCK; b++) {
        const float *xb = x + b * GGUF_Q8_0_BLOCK;
        float amax = 0.0f;
        for (int j = 0; j < GGUF_Q8_0_BLOCK; j++) amax = fmaxf(amax, fabsf(xb[j]));
        float d = amax / 127.0f;
        float id = d > 0.0f ? 1.0f / d : 0.0f;
        uint16_t dh = gguf_f32_to_f16(d);
        memcpy(o, &dh, 2);
        for (int j = 0; j < GGUF_Q8_0_BLOCK; j++) {
            int q = (int)lrintf(xb[j] * id);
            if (q > 127) q = 127;
            if (q < -127) q = -127;
            o[2 + j] = (uint8_t)(int8_t)q;
        }
        o += GGUF_Q8_0_BYTES;
    }
}

int gguf_tensor_to_f32(const gguf_tensor *t, float *out, rope_error *err)
{
    int64_t n = gguf_tensor_nelements(t);
    const uint8_t *p = t->data;
    if (!p) return rope_fail(err, "tensor '%s' has no data", t->name);
    switch (t->type) {
    case GGUF_DTYPE_F32:
        memcpy(out, p, (size_t)n * 4);
        return 0;
    case GGUF_DTYPE_F16:
        for (int64_t i = 0; i < n; i++) { uint16_t h; memcpy(&h, p + 2 * i, 2); out[i] = gguf_f16_to_f32(h); }
        return 0;
    case GGUF_DTYPE_BF16:
        for (int64_t i = 0; i < n; i++) { uint16_t h; memcpy(&h, p + 2 * i, 2); out[i] = gguf_bf16_to_f32(h); }
        return 0;
    case GGUF_DTYPE_Q8_0:
        for (int64_t b = 0; b < n / GGUF_Q8_0_BLOCK; b++) {
            const uint8_t *blk = p + b * GGUF_Q8_0_BYTES;
            uint16_t dh;
            memcpy(&dh, blk, 2);
            float d = gguf_f16_to_f32(dh);
            for (int j = 0; j < GGUF_Q8_0_BLOCK; j++) out[b * GGUF_Q8_0_BLOCK + j] = d * (float)(int8_t)blk[2 + j];
        }
        return 0;
    }
    return rope_fail(err, "tensor '%s' has unsupported type %s", t->name, gguf_dtype_name(t->type));
}

/* --- lookup ----------------------------------------------------------------------------------- */

int gguf_find_key(const gguf_file *f, const char *key)
{
    for (int i = 0; i < f->n_kv; i++)
        if (strcmp(f->kv[i].key, key) == 0) return i;
    return -1;
}

const gguf_kv *gguf_get(const gguf_file *f, const char *key)
{
    int i = gguf_find_key(f, key);
    return i < 0 ? NULL : &f->kv[i];
}

static int typed(const gguf_file *f, const char *key, gguf_type want, const gguf_kv **kv, rope_error *err)
{
    *kv = gguf_get(f, key);
    if (!*kv) return 0;
    if ((*kv)->type != want)
        return rope_fail(err, "GGUF key %s has type %s, expected %s (rewrite the file with the right type)",
                         key, gguf_type_name((*kv)->type), gguf_type_name(want));
    return 1;
}

int gguf_get_u32(const gguf_file *f, const char *key, uint32_t *out, rope_error *err)
{
    const gguf_kv *kv;
    int r = typed(f, key, GGUF_TYPE_UINT32, &kv, err);
    if (r == 1) *out = (uint32_t)kv->v.u64;
    return r;
}

int gguf_get_i32(const gguf_file *f, const char *key, int32_t *out, rope_error *err)
{
    const gguf_kv *kv;
    int r = typed(f, key, GGUF_TYPE_INT32, &kv, err);
    if (r == 1) *out = (int32_t)kv->v.i64;
    return r;
}

int gguf_get_f32(const gguf_file *f, const char *key, float *out, rope_error *err)
{
    const gguf_kv *kv;
    int r = typed(f, key, GGUF_TYPE_FLOAT32, &kv, err);
    if (r == 1) *out = (float)kv->v.f64;
    return r;
}

int gguf_get_bool(const gguf_file *f, const char *key, int *out, rope_error *err)
{
    const gguf_kv *kv;
    int r = typed(f, key, GGUF_TYPE_BOOL, &kv, err);
    if (r == 1) *out = kv->v.u64 != 0;
    return r;
}

int gguf_get_str(const gguf_file *f, const char *key, const char **out, rope_error *err)
{
    const gguf_kv *kv;
    int r = typed(f, key, GGUF_TYPE_STRING, &kv, err);
    if (r == 1) *out = kv->str.s;
    return r;
}

int gguf_get_arr(const gguf_file *f, const char *key, gguf_type etype, uint64_t *n,
                 const void **data, rope_error *err)
{
    const gguf_kv *kv;
    int r = typed(f, key, GGUF_TYPE_ARRAY, &kv, err);
    if (r != 1) return r;
    if (kv->arr_type != etype)
        return rope_fail(err, "GGUF key %s is an array of %s, expected an array of %s",
                         key, gguf_type_name(kv->arr_type), gguf_type_name(etype));
    *n = kv->arr_n;
    *data = kv->arr;
    return 1;
}

/* --- building ----------------------------------------------------------------------------------- */

/* A fresh slot for key (an existing entry of that name is cleared and reused). */
static gguf_kv *slot(gguf_file *f, const char *key)
{
    int i = gguf_find_key(f, key);
    if (i >= 0) {
        char *k = f->kv[i].key;
        f->kv[i].key = NULL;
        kv_clear(&f->kv[i]);
        f->kv[i].key = k;
        return &f->kv[i];
    }
    if (f->n_kv == f->cap_kv) {
        int cap = f->cap_kv ? 2 * f->cap_kv : 16;
        gguf_kv *kv = realloc(f->kv, (size_t)cap * sizeof *kv);
        if (!kv) return NULL;
        f->kv = kv;
        f->cap_kv = cap;
    }
    gguf_kv *kv = &f->kv[f->n_kv];
    memset(kv, 0, sizeof *kv);
    kv->key = strdup(key);
    if (!kv->key) return NULL;
    f->n_kv++;
    return kv;
}

#define SETTER(fn, ctype, gtype, field, cast) \
    int fn(gguf_file *f, const char *key, ctype v) { \
        gguf_kv *kv = slot(f, key); \
        if (!kv) return -1; \
        kv->type = gtype; \
        kv->v.field = cast v; \
        return 0; }

SETTER(gguf_set_u8, uint8_t, GGUF_TYPE_UINT8, u64, (uint64_t))
SETTER(gguf_set_i8, int8_t, GGUF_TYPE_INT8, i64, (int64_t))
SETTER(gguf_set_u16, uint16_t, GGUF_TYPE_UINT16, u64, (uint64_t))
SETTER(gguf_set_i16, int16_t, GGUF_TYPE_INT16, i64, (int64_t))
SETTER(gguf_set_u32, uint32_t, GGUF_TYPE_UINT32, u64, (uint64_t))
SETTER(gguf_set_i32, int32_t, GGUF_TYPE_INT32, i64, (int64_t))
SETTER(gguf_set_u64, uint64_t, GGUF_TYPE_UINT64, u64, (uint64_t))
SETTER(gguf_set_i64, int64_t, GGUF_TYPE_INT64, i64, (int64_t))
SETTER(gguf_set_f32, float, GGUF_TYPE_FLOAT32, f64, (double))
SETTER(gguf_set_f64, double, GGUF_TYPE_FLOAT64, f64, (double))

int gguf_set_bool(gguf_file *f, const char *key, int v)
{
    gguf_kv *kv = slot(f, key);
    if (!kv) return -1;
    kv->type = GGUF_TYPE_BOOL;
    kv->v.u64 = v != 0;
    return 0;
}

static int str_copy(gguf_str *dst, const char *s, uint64_t len)
{
    dst->s = malloc((size_t)len + 1);
    if (!dst->s) return -1;
    if (len) memcpy(dst->s, s, (size_t)len);
    dst->s[len] = '\0';
    dst->len = len;
    return 0;
}

int gguf_set_strn(gguf_file *f, const char *key, const char *s, uint64_t len)
{
    gguf_kv *kv = slot(f, key);
    if (!kv) return -1;
    kv->type = GGUF_TYPE_STRING;
    return str_copy(&kv->str, s, len);
}

int gguf_set_str(gguf_file *f, const char *key, const char *s)
{
    return gguf_set_strn(f, key, s, strlen(s));
}

int gguf_set_arr(gguf_file *f, const char *key, gguf_type etype, const void *data, uint64_t n)
{
    size_t es = gguf_type_size(etype);
    if (es == 0) return -1;
    gguf_kv *kv = slot(f, key);
    if (!kv) return -1;
    kv->type = GGUF_TYPE_ARRAY;
    kv->arr_type = etype;
    kv->arr = malloc(n ? (size_t)n * es : 1);
    if (!kv->arr) return -1;
    if (n) memcpy(kv->arr, data, (size_t)n * es);
    kv->arr_n = n;
    return 0;
}

int gguf_set_arr_str(gguf_file *f, const char *key, const char *const *strs, uint64_t n)
{
    gguf_kv *kv = slot(f, key);
    if (!kv) return -1;
    kv->type = GGUF_TYPE_ARRAY;
    kv->arr_type = GGUF_TYPE_STRING;
    gguf_str *a = calloc(n ? (size_t)n : 1, sizeof *a);
    if (!a) return -1;
    kv->arr = a;
    kv->arr_n = n;
    for (uint64_t i = 0; i < n; i++)
        if (str_copy(&a[i], strs[i], strlen(strs[i]))) return -1;
    return 0;
}

int gguf_find_tensor(const gguf_file *f, const char *name)
{
    for (int i = 0; i < f->n_tensors; i++)
        if (strcmp(f->tensors[i].name, name) == 0) return i;
    return -1;
}

int gguf_add_tensor(gguf_file *f, const char *name, gguf_dtype type, int n_dims, const int64_t *ne,
                    const void *data, rope_error *err)
{
    size_t len = strlen(name);
    if (len == 0 || len >= GGUF_MAX_NAME)
        return rope_fail(err, "tensor name '%s' must have 1 to %d bytes", name, GGUF_MAX_NAME - 1);
    if (gguf_find_tensor(f, name) >= 0)
        return rope_fail(err, "tensor '%s' added twice", name);
    uint64_t nbytes;
    if (gguf_tensor_bytes(type, n_dims, ne, &nbytes, err)) return -1;
    if (f->n_tensors == f->cap_tensors) {
        int cap = f->cap_tensors ? 2 * f->cap_tensors : 32;
        gguf_tensor *t = realloc(f->tensors, (size_t)cap * sizeof *t);
        if (!t) return rope_fail(err, "out of memory adding tensor '%s'", name);
        f->tensors = t;
        f->cap_tensors = cap;
    }
    gguf_tensor *t = &f->tensors[f->n_tensors++];
    memset(t, 0, sizeof *t);
    memcpy(t->name, name, len + 1);
    t->n_dims = n_dims;
    for (int i = 0; i < GGUF_MAX_DIMS; i++) t->ne[i] = i < n_dims ? ne[i] : 1;
    t->type = type;
    t->nbytes = nbytes;
    t->data = data;
    return 0;
}
