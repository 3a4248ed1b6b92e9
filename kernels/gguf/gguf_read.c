/* kernels/gguf/gguf_read.c — the strict GGUF parser: a bounds-checked cursor over the file bytes, every
 * count checked against the bytes left before anything is allocated, then whole-file consistency
 * checks (duplicates, alignment, overlap, data inside the file). gguf_open mmaps the file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gguf.h"

typedef struct cursor {
    const uint8_t *p;
    size_t size, pos;
    const char *where;
    rope_error *err;
} cursor;

static int need(cursor *c, uint64_t n, const char *what)
{
    if (n > c->size - c->pos)
        return rope_fail(c->err, "%s: truncated GGUF: %s needs %llu bytes at offset %zu but the file has %zu "
                         "(re-export or re-download the file)", c->where, what, (unsigned long long)n, c->pos, c->size);
    return 0;
}

static int rd(cursor *c, void *out, size_t n, const char *what)
{
    if (need(c, n, what)) return -1;
    memcpy(out, c->p + c->pos, n);
    c->pos += n;
    return 0;
}

static int rd_u32(cursor *c, uint32_t *v, const char *what) { return rd(c, v, 4, what); }
static int rd_u64(cursor *c, uint64_t *v, const char *what) { return rd(c, v, 8, what); }

/* A string: u64 length then bytes. Copied NUL-terminated. */
static int rd_str(cursor *c, gguf_str *s, uint64_t max_len, const char *what)
{
    uint64_t len;
    if (rd_u64(c, &len, what)) return -1;
    if (len > max_len)
        return rope_fail(c->err, "%s: %s has length %llu at offset %zu, more than the limit %llu",
                         c->where, what, (unsigned long long)len, c->pos - 8, (unsigned long long)max_len);
    if (need(c, len, what)) return -1;
    s->s = malloc((size_t)len + 1);
    if (!s->s) return rope_fail(c->err, "%s: out of memory reading %s", c->where, what);
    memcpy(s->s, c->p + c->pos, (size_t)len);
    s->s[len] = '\0';
    s->len = len;
    c->pos += (size_t)len;
    return 0;
}

static int rd_scalar(cursor *c, gguf_type t, gguf_kv *kv, const char *key)
{
    uint8_t b[8];
    size_t n = gguf_type_size(t);
    if (rd(c, b, n, key)) return -1;
    switch (t) {
    case GGUF_TYPE_UINT8: kv->v.u64 = b[0]; break;
    case GGUF_TYPE_INT8: kv->v.i64 = (int8_t)b[0]; break;
    case GGUF_TYPE_BOOL:
        if (b[0] > 1)
            return rope_fail(c->err, "%s: bool key %s holds %u, not 0 or 1", c->where, key, b[0]);
        kv->v.u64 = b[0];
        break;
    case GGUF_TYPE_UINT16: { uint16_t v; memcpy(&v, b, 2); kv->v.u64 = v; break; }
    case GGUF_TYPE_INT16: { int16_t v; memcpy(&v, b, 2); kv->v.i64 = v; break; }
    case GGUF_TYPE_UINT32: { uint32_t v; memcpy(&v, b, 4); kv->v.u64 = v; break; }
    case GGUF_TYPE_INT32: { int32_t v; memcpy(&v, b, 4); kv->v.i64 = v; break; }
    case GGUF_TYPE_FLOAT32: { float v; memcpy(&v, b, 4); kv->v.f64 = v; break; }
    case GGUF_TYPE_UINT64: { uint64_t v; memcpy(&v, b, 8); kv->v.u64 = v; break; }
    case GGUF_TYPE_INT64: { int64_t v; memcpy(&v, b, 8); kv->v.i64 = v; break; }
    case GGUF_TYPE_FLOAT64: { double v; memcpy(&v, b, 8); kv->v.f64 = v; break; }
    default: return rope_fail(c->err, "%s: internal: %d is not a scalar type", c->where, (int)t);
    }
    return 0;
}

static int valid_type(int32_t t) { return t >= 0 && t < GGUF_TYPE_COUNT; }

static int rd_value(cursor *c, gguf_kv *kv)
{
    const char *key = kv->key;
    int32_t t;
    if (rd(c, &t, 4, "value type")) return -1;
    if (!valid_type(t))
        return rope_fail(c->err, "%s: key %s has unknown value type %d", c->where, key, (int)t);
    kv->type = (gguf_type)t;
    if (t == GGUF_TYPE_STRING) return rd_str(c, &kv->str, c->size, key);
    if (t != GGUF_TYPE_ARRAY) return rd_scalar(c, kv->type, kv, key);

    int32_t et;
    uint64_t n;
    if (rd(c, &et, 4, "array type") || rd_u64(c, &n, "array count")) return -1;
    if (!valid_type(et))
        return rope_fail(c->err, "%s: array %s has unknown element type %d", c->where, key, (int)et);
    if (et == GGUF_TYPE_ARRAY)
        return rope_fail(c->err, "%s: array %s holds arrays; nested arrays are not supported", c->where, key);
    kv->arr_type = (gguf_type)et;
    size_t es = et == GGUF_TYPE_STRING ? 8 : gguf_type_size(kv->arr_type);  /* minimum bytes each */
    if (n > (c->size - c->pos) / es)
        return rope_fail(c->err, "%s: array %s claims %llu elements of %s but only %zu bytes remain",
                         c->where, key, (unsigned long long)n, gguf_type_name(et), c->size - c->pos);
    if (et == GGUF_TYPE_STRING) {
        gguf_str *a = calloc(n ? (size_t)n : 1, sizeof *a);
        if (!a) return rope_fail(c->err, "%s: out of memory reading array %s", c->where, key);
        kv->arr = a;
        for (uint64_t i = 0; i < n; i++) {
            kv->arr_n = i + 1;                       /* so gguf_free frees what was read */
            if (rd_str(c, &a[i], c->size, key)) return -1;
        }
        kv->arr_n = n;
        return 0;
    }
    kv->arr = malloc(n ? (size_t)(n * es) : 1);
    if (!kv->arr) return rope_fail(c->err, "%s: out of memory reading array %s", c->where, key);
    kv->arr_n = n;
    memcpy(kv->arr, c->p + c->pos, (size_t)(n * es));
    if (et == GGUF_TYPE_BOOL)
        for (uint64_t i = 0; i < n; i++)
            if (((uint8_t *)kv->arr)[i] > 1)
                return rope_fail(c->err, "%s: bool array %s element %llu is not 0 or 1", c->where, key,
                                 (unsigned long long)i);
    c->pos += (size_t)(n * es);
    return 0;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* First duplicate among n NUL-terminated names (sorted copy of the pointers), or NULL. */
static const char *find_duplicate(const char **names, size_t n)
{
    qsort(names, n, sizeof *names, cmp_str_ptr);
    for (size_t i = 1; i < n; i++)
        if (strcmp(names[i - 1], names[i]) == 0) return names[i];
    return NULL;
}

static int cmp_tensor_offset(const void *a, const void *b)
{
    const gguf_tensor *x = *(const gguf_tensor *const *)a, *y = *(const gguf_tensor *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int parse(gguf_file *f, cursor *c)
{
    uint32_t magic, version;
    if (rd_u32(c, &magic, "magic")) return -1;
    if (magic != GGUF_MAGIC)
        return rope_fail(c->err, "%s: not a GGUF file (no \"GGUF\" magic at the start)", c->where);
    if (rd_u32(c, &version, "version")) return -1;
    if (version != 2 && version != 3)
        return rope_fail(c->err, "%s: GGUF version %u is not supported (versions 2 and 3 are; "
                         "convert with a current gguf-py)", c->where, version);
    f->version = version;
    int64_t n_tensors, n_kv;
    if (rd(c, &n_tensors, 8, "tensor count") || rd(c, &n_kv, 8, "key/value count")) return -1;
    /* A key/value pair takes at least 8+1+4+1 bytes, a tensor info at least 8+1+4+8+4+8. */
    size_t left = c->size - c->pos;
    if (n_kv < 0 || (uint64_t)n_kv > left / 14 || n_kv > 1000000)
        return rope_fail(c->err, "%s: key/value count %lld cannot fit in the %zu bytes left", c->where,
                         (long long)n_kv, left);
    if (n_tensors < 0 || (uint64_t)n_tensors > left / 33 || n_tensors > 1000000)
        return rope_fail(c->err, "%s: tensor count %lld cannot fit in the %zu bytes left", c->where,
                         (long long)n_tensors, left);

    f->kv = calloc(n_kv ? (size_t)n_kv : 1, sizeof *f->kv);
    f->tensors = calloc(n_tensors ? (size_t)n_tensors : 1, sizeof *f->tensors);
    if (!f->kv || !f->tensors) return rope_fail(c->err, "%s: out of memory", c->where);
    f->cap_kv = (int)(n_kv ? n_kv : 1);
    f->cap_tensors = (int)(n_tensors ? n_tensors : 1);

    for (int64_t i = 0; i < n_kv; i++) {
        gguf_kv *kv = &f->kv[i];
        gguf_str key = {0};
        f->n_kv = (int)i + 1;
        if (rd_str(c, &key, GGUF_MAX_KEY, "key")) return -1;
        kv->key = key.s;
        if (!gguf_ident_ok(key.s, (size_t)key.len))
            return rope_fail(c->err, "%s: key/value pair %lld has an empty key or a key with a byte that is not "
                             "printable ASCII (NUL, control or escape)", c->where, (long long)i);
        if (rd_value(c, kv)) return -1;
    }
    if (n_kv > 1) {
        const char **names = malloc((size_t)n_kv * sizeof *names);
        if (!names) return rope_fail(c->err, "%s: out of memory", c->where);
        for (int64_t i = 0; i < n_kv; i++) names[i] = f->kv[i].key;
        const char *dup = find_duplicate(names, (size_t)n_kv);
        int bad = dup ? rope_fail(c->err, "%s: key %s appears twice", c->where, dup) : 0;
        free(names);
        if (bad) return -1;
    }

    f->alignment = GGUF_DEFAULT_ALIGN;
    int ai = gguf_find_key(f, "general.alignment");
    if (ai >= 0) {
        const gguf_kv *kv = &f->kv[ai];
        if (kv->type != GGUF_TYPE_UINT32)
            return rope_fail(c->err, "%s: general.alignment has type %s, expected u32", c->where,
                             gguf_type_name(kv->type));
        uint64_t a = kv->v.u64;
        if (a == 0 || (a & (a - 1)) || a > (1u << 24))
            return rope_fail(c->err, "%s: general.alignment = %llu is not a power of two up to 2^24", c->where,
                             (unsigned long long)a);
        f->alignment = a;
    }

    for (int64_t i = 0; i < n_tensors; i++) {
        gguf_tensor *t = &f->tensors[i];
        gguf_str name = {0};
        if (rd_str(c, &name, GGUF_MAX_NAME - 1, "tensor name")) return -1;
        int ok = gguf_ident_ok(name.s, (size_t)name.len);
        if (ok) memcpy(t->name, name.s, (size_t)name.len + 1);
        free(name.s);
        if (!ok)
            return rope_fail(c->err, "%s: tensor %lld has an empty name or a name with a byte that is not printable "
                             "ASCII (NUL, control or escape)", c->where,
                             (long long)i);
        f->n_tensors = (int)i + 1;
        uint32_t n_dims;
        if (rd_u32(c, &n_dims, "tensor n_dims")) return -1;
        if (n_dims < 1 || n_dims > GGUF_MAX_DIMS)
            return rope_fail(c->err, "%s: tensor '%s' has %u dimensions; 1 to %d are allowed", c->where,
                             t->name, n_dims, GGUF_MAX_DIMS);
        t->n_dims = (int)n_dims;
        for (int d = 0; d < GGUF_MAX_DIMS; d++) t->ne[d] = 1;
        for (uint32_t d = 0; d < n_dims; d++)
            if (rd(c, &t->ne[d], 8, "tensor dimension")) return -1;
        int32_t type;
        if (rd(c, &type, 4, "tensor type") || rd_u64(c, &t->offset, "tensor offset")) return -1;
        t->type = (gguf_dtype)type;
        rope_error e2;
        if (gguf_tensor_bytes(t->type, t->n_dims, t->ne, &t->nbytes, &e2))
            return rope_fail(c->err, "%s: tensor '%s': %s", c->where, t->name, e2.msg);
        if (t->offset % f->alignment)
            return rope_fail(c->err, "%s: tensor '%s' data offset %llu is not a multiple of the alignment %llu",
                             c->where, t->name, (unsigned long long)t->offset, (unsigned long long)f->alignment);
    }
    if (n_tensors > 1) {
        const char **names = malloc((size_t)n_tensors * sizeof *names);
        if (!names) return rope_fail(c->err, "%s: out of memory", c->where);
        for (int64_t i = 0; i < n_tensors; i++) names[i] = f->tensors[i].name;
        const char *dup = find_duplicate(names, (size_t)n_tensors);
        int bad = dup ? rope_fail(c->err, "%s: tensor '%s' appears twice", c->where, dup) : 0;
        free(names);
        if (bad) return -1;
    }

    /* The data blob starts at the next multiple of the alignment. */
    uint64_t data = (c->pos + f->alignment - 1) / f->alignment * f->alignment;
    f->data_offset = data;
    uint64_t blob = data <= c->size ? c->size - data : 0;
    if (n_tensors == 0) return 0;
    if (data > c->size)
        return rope_fail(c->err, "%s: truncated GGUF: the tensor data would start at %llu, past the end (%zu)",
                         c->where, (unsigned long long)data, c->size);
    const gguf_tensor **order = malloc((size_t)n_tensors * sizeof *order);
    if (!order) return rope_fail(c->err, "%s: out of memory", c->where);
    for (int64_t i = 0; i < n_tensors; i++) order[i] = &f->tensors[i];
    qsort(order, (size_t)n_tensors, sizeof *order, cmp_tensor_offset);
    int bad = 0;
    for (int64_t i = 0; i < n_tensors && !bad; i++) {
        const gguf_tensor *t = order[i];
        if (t->offset > blob || t->nbytes > blob - t->offset)
            bad = rope_fail(c->err, "%s: truncated GGUF: tensor '%s' (%llu bytes at data offset %llu) ends past "
                            "the end of the file (%llu data bytes)", c->where, t->name,
                            (unsigned long long)t->nbytes, (unsigned long long)t->offset, (unsigned long long)blob);
        else if (i + 1 < n_tensors && t->offset + t->nbytes > order[i + 1]->offset)
            bad = rope_fail(c->err, "%s: tensors '%s' and '%s' overlap in the data blob", c->where, t->name,
                            order[i + 1]->name);
    }
    free(order);
    if (bad) return -1;
    for (int64_t i = 0; i < n_tensors; i++) f->tensors[i].data = c->p + data + f->tensors[i].offset;
    return 0;
}

int gguf_read_memory(gguf_file *f, const void *buf, size_t size, const char *where, rope_error *err)
{
    gguf_init(f);
    cursor c = { buf, size, 0, where ? where : "memory", err };
    if (!buf && size) return rope_fail(err, "%s: no buffer", c.where);
    if (parse(f, &c)) {
        gguf_free(f);
        return -1;
    }
    f->buf = buf;
    f->size = size;
    return 0;
}

int gguf_open(gguf_file *f, const char *path, rope_error *err)
{
    gguf_init(f);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return rope_fail(err, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return rope_fail(err, "%s: not a regular file", path);
    }
    size_t size = (size_t)st.st_size;
    if (size == 0) {
        close(fd);
        return rope_fail(err, "%s: the file is empty, not a GGUF model", path);
    }
    void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (p == MAP_FAILED) return rope_fail(err, "%s: cannot map: %s", path, strerror(e));
    if (gguf_read_memory(f, p, size, path, err)) {
        munmap(p, size);
        return -1;
    }
    f->mapped = 1;
    return 0;
}
