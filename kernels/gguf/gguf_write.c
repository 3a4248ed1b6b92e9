/* kernels/gguf/gguf_write.c — GGUF v3 serialization: header, key/value pairs, tensor infos with offsets
 * padded to the alignment, then the padded data blob. gguf_write writes to a temporary file next to
 * the target and renames it, so a crash never leaves a half-written model in place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gguf.h"

/* A byte sink: a growable memory buffer or a FILE. */
typedef struct sink {
    uint8_t *buf;
    size_t len, cap;
    FILE *fp;
    int failed;
    uint64_t written;
} sink;

static void put(sink *s, const void *p, size_t n)
{
    if (s->failed || n == 0) return;
    s->written += n;
    if (s->fp) {
        if (fwrite(p, 1, n, s->fp) != n) s->failed = 1;
        return;
    }
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n) cap *= 2;
        uint8_t *b = realloc(s->buf, cap);
        if (!b) { s->failed = 1; return; }
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

static void put_u32(sink *s, uint32_t v) { put(s, &v, 4); }
static void put_u64(sink *s, uint64_t v) { put(s, &v, 8); }
static void put_str(sink *s, const char *p, uint64_t len) { put_u64(s, len); put(s, p, (size_t)len); }

static void put_pad(sink *s, uint64_t align)
{
    static const uint8_t zeros[64];
    uint64_t pad = (align - s->written % align) % align;
    while (pad) {
        size_t n = pad > sizeof zeros ? sizeof zeros : (size_t)pad;
        put(s, zeros, n);
        pad -= n;
    }
}

static void put_scalar(sink *s, gguf_type t, const gguf_kv *kv)
{
    uint8_t b[8];
    switch (t) {
    case GGUF_TYPE_UINT8: case GGUF_TYPE_BOOL: b[0] = (uint8_t)kv->v.u64; break;
    case GGUF_TYPE_INT8: b[0] = (uint8_t)(int8_t)kv->v.i64; break;
    case GGUF_TYPE_UINT16: { uint16_t v = (uint16_t)kv->v.u64; memcpy(b, &v, 2); break; }
    case GGUF_TYPE_INT16: { int16_t v = (int16_t)kv->v.i64; memcpy(b, &v, 2); break; }
    case GGUF_TYPE_UINT32: { uint32_t v = (uint32_t)kv->v.u64; memcpy(b, &v, 4); break; }
    case GGUF_TYPE_INT32: { int32_t v = (int32_t)kv->v.i64; memcpy(b, &v, 4); break; }
    case GGUF_TYPE_FLOAT32: { float v = (float)kv->v.f64; memcpy(b, &v, 4); break; }
    case GGUF_TYPE_UINT64: memcpy(b, &kv->v.u64, 8); break;
    case GGUF_TYPE_INT64: memcpy(b, &kv->v.i64, 8); break;
    case GGUF_TYPE_FLOAT64: memcpy(b, &kv->v.f64, 8); break;
    default: return;
    }
    put(s, b, gguf_type_size(t));
}

/* The alignment the file will use: general.alignment when present, else f->alignment. */
static int check(const gguf_file *f, uint64_t *align, rope_error *err)
{
    uint64_t a = f->alignment;
    const gguf_kv *al = gguf_get(f, "general.alignment");
    if (al) {
        if (al->type != GGUF_TYPE_UINT32)
            return rope_fail(err, "general.alignment has type %s; it must be u32", gguf_type_name(al->type));
        a = al->v.u64;
    }
    if (a == 0 || (a & (a - 1)) || a > (1u << 24))
        return rope_fail(err, "GGUF alignment %llu is not a power of two up to 2^24", (unsigned long long)a);
    *align = a;
    for (int i = 0; i < f->n_kv; i++) {
        const gguf_kv *kv = &f->kv[i];
        if (kv->type < 0 || kv->type >= GGUF_TYPE_COUNT || (kv->type == GGUF_TYPE_ARRAY &&
            (kv->arr_type == GGUF_TYPE_ARRAY || kv->arr_type < 0 || kv->arr_type >= GGUF_TYPE_COUNT)))
            return rope_fail(err, "GGUF key %s has an invalid type", kv->key);
    }
    for (int i = 0; i < f->n_tensors; i++)
        if (!f->tensors[i].data) return rope_fail(err, "tensor '%s' has no data to write", f->tensors[i].name);
    return 0;
}

static void serialize(const gguf_file *f, uint64_t align, sink *s)
{
    put_u32(s, GGUF_MAGIC);
    put_u32(s, GGUF_VERSION);
    put_u64(s, (uint64_t)f->n_tensors);
    put_u64(s, (uint64_t)f->n_kv);
    for (int i = 0; i < f->n_kv; i++) {
        const gguf_kv *kv = &f->kv[i];
        put_str(s, kv->key, strlen(kv->key));
        put_u32(s, (uint32_t)kv->type);
        if (kv->type == GGUF_TYPE_STRING) {
            put_str(s, kv->str.s, kv->str.len);
        } else if (kv->type == GGUF_TYPE_ARRAY) {
            put_u32(s, (uint32_t)kv->arr_type);
            put_u64(s, kv->arr_n);
            if (kv->arr_type == GGUF_TYPE_STRING) {
                const gguf_str *a = kv->arr;
                for (uint64_t j = 0; j < kv->arr_n; j++) put_str(s, a[j].s, a[j].len);
            } else {
                put(s, kv->arr, (size_t)(kv->arr_n * gguf_type_size(kv->arr_type)));
            }
        } else {
            put_scalar(s, kv->type, kv);
        }
    }
    uint64_t off = 0;
    for (int i = 0; i < f->n_tensors; i++) {
        const gguf_tensor *t = &f->tensors[i];
        put_str(s, t->name, strlen(t->name));
        put_u32(s, (uint32_t)t->n_dims);
        for (int d = 0; d < t->n_dims; d++) put_u64(s, (uint64_t)t->ne[d]);
        put_u32(s, (uint32_t)t->type);
        put_u64(s, off);
        off += (t->nbytes + align - 1) / align * align;
    }
    put_pad(s, align);
    for (int i = 0; i < f->n_tensors; i++) {
        put(s, f->tensors[i].data, (size_t)f->tensors[i].nbytes);
        put_pad(s, align);
    }
}

int gguf_write_memory(const gguf_file *f, uint8_t **out, size_t *len, rope_error *err)
{
    uint64_t align;
    if (check(f, &align, err)) return -1;
    sink s = {0};
    serialize(f, align, &s);
    if (s.failed) {
        free(s.buf);
        return rope_fail(err, "out of memory serializing a GGUF file");
    }
    *out = s.buf;
    *len = s.len;
    return 0;
}

int gguf_write(const gguf_file *f, const char *path, rope_error *err)
{
    uint64_t align;
    if (check(f, &align, err)) return -1;
    if (gguf_out_check(path, err)) return -1;
    gguf_out_sweep(path);
    size_t n = strlen(path);
    char *tmp = malloc(n + 40);
    if (!tmp) return rope_fail(err, "%s: out of memory", path);
    snprintf(tmp, n + 40, "%s.tmp.%ld.XXXXXX", path, (long)getpid());
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return rope_fail(err, "%s: cannot create a temporary file next to it: %s (check the directory exists "
                         "and is writable)", path, strerror(e));
    }
    mode_t um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um)) { /* keep the mkstemp mode */ }
    FILE *fp = fdopen(fd, "wb");
    if (!fp) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        return rope_fail(err, "%s: cannot write: %s", path, strerror(e));
    }
    sink s = {0};
    s.fp = fp;
    serialize(f, align, &s);
    int e = 0;
    if (s.failed || fflush(fp) != 0) e = errno ? errno : EIO;
    if (!e && fsync(fileno(fp)) != 0) e = errno;
    if (fclose(fp) != 0 && !e) e = errno;
    if (!e && rename(tmp, path) != 0) e = errno;
    if (e) {
        unlink(tmp);
        free(tmp);
        return rope_fail(err, "%s: writing failed: %s (the previous file, if any, is unchanged)", path, strerror(e));
    }
    /* make the rename itself durable: fsync the directory (best effort) */
    char *slash = strrchr(tmp, '/');
    if (slash) slash[slash == tmp ? 1 : 0] = '\0';
    int dfd = open(slash ? tmp : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        if (fsync(dfd)) { /* some file systems refuse: the data itself is already synced */ }
        close(dfd);
    }
    free(tmp);
    return 0;
}
