/* kernels/gguf/gguf.h — GGUF v3 files: a strict reader (from memory or an mmap'd file) and a writer.
 *
 * Contract: one gguf_file holds the metadata (key/value pairs, every GGUF value type including arrays
 * and arrays of strings) and the tensor directory (name, ne, type, data). gguf_read_memory/gguf_open
 * parse a file and check it completely before returning: a truncated, oversized or self-contradicting
 * file (counts that cannot fit, strings or arrays past the end, unknown types, nested arrays, duplicate
 * keys or tensor names, n_dims outside 1..4, ne products that overflow, misaligned or overlapping
 * tensor data, data past the end) is -1 with a one-line message; nothing is ever read outside the
 * buffer. The same struct is built in memory (gguf_set_*, gguf_add_tensor) and written with
 * gguf_write, which writes a temporary file in the target's directory and renames it into place.
 * Little-endian hosts only. Never prints, never exits. */
#ifndef GGUF_H
#define GGUF_H

#include <stddef.h>
#include <stdint.h>
#include "rope_error.h"

#define GGUF_MAGIC            0x46554747u /* "GGUF" read as a little-endian u32 */
#define GGUF_VERSION          3
#define GGUF_DEFAULT_ALIGN    32
#define GGUF_MAX_DIMS         4
#define GGUF_MAX_NAME         64      /* tensor names are shorter than this (ggml's limit) */
#define GGUF_MAX_KEY          65535   /* key length in bytes */

typedef enum gguf_type {
    GGUF_TYPE_UINT8 = 0, GGUF_TYPE_INT8 = 1, GGUF_TYPE_UINT16 = 2, GGUF_TYPE_INT16 = 3,
    GGUF_TYPE_UINT32 = 4, GGUF_TYPE_INT32 = 5, GGUF_TYPE_FLOAT32 = 6, GGUF_TYPE_BOOL = 7,
    GGUF_TYPE_STRING = 8, GGUF_TYPE_ARRAY = 9, GGUF_TYPE_UINT64 = 10, GGUF_TYPE_INT64 = 11,
    GGUF_TYPE_FLOAT64 = 12, GGUF_TYPE_COUNT
} gguf_type;

/* Tensor element types this module reads (ggml numbering). */
typedef enum gguf_dtype {
    GGUF_DTYPE_F32 = 0,
    GGUF_DTYPE_F16 = 1,
    GGUF_DTYPE_Q8_0 = 8,   /* blocks of 32 along ne0: f16 scale d, 32 × int8 q; value = d·q */
    GGUF_DTYPE_BF16 = 30   /* read only */
} gguf_dtype;

#define GGUF_Q8_0_BLOCK 32
#define GGUF_Q8_0_BYTES 34

/* A string: NUL-terminated copy owned by the gguf_file; len excludes the NUL (embedded NULs kept). */
typedef struct gguf_str {
    char    *s;
    uint64_t len;
} gguf_str;

typedef struct gguf_kv {
    char     *key;        /* NUL-terminated */
    gguf_type type;
    union {
        uint64_t u64;     /* UINT8/16/32/64 and BOOL (0/1) */
        int64_t  i64;     /* INT8/16/32/64 */
        double   f64;     /* FLOAT32 (exactly widened) and FLOAT64 */
    } v;
    gguf_str  str;        /* STRING */
    gguf_type arr_type;   /* ARRAY: element type (never ARRAY) */
    uint64_t  arr_n;      /* ARRAY: element count */
    void     *arr;        /* ARRAY: arr_n elements in their native C type (uint8_t…double, bool as
                             uint8_t), or gguf_str[arr_n] for STRING */
} gguf_kv;

typedef struct gguf_tensor {
    char       name[GGUF_MAX_NAME];
    int        n_dims;                /* 1..4 */
    int64_t    ne[GGUF_MAX_DIMS];     /* ne[0] contiguous; unused dims are 1 */
    gguf_dtype type;
    uint64_t   offset;                /* bytes from the start of the data blob */
    uint64_t   nbytes;
    const void *data;                 /* reader: into the buffer (maybe unaligned); writer: caller's */
} gguf_tensor;

typedef struct gguf_file {
    uint32_t     version;
    uint64_t     alignment;           /* reader: general.alignment or 32; writer: used when the
                                         general.alignment key is absent */
    int          n_kv, cap_kv;
    gguf_kv     *kv;                  /* [n_kv] in file order */
    int          n_tensors, cap_tensors;
    gguf_tensor *tensors;             /* [n_tensors] in file order */
    uint64_t     data_offset;         /* reader: file offset of the data blob */
    /* reader state */
    const uint8_t *buf;               /* [size] the file bytes (owned only when mapped) */
    size_t       size;
    int          mapped;
} gguf_file;

/* --- life cycle ----------------------------------------------------------------------------- */
void gguf_init(gguf_file *f);                         /* empty file to build */
void gguf_free(gguf_file *f);                         /* frees everything, unmaps; f becomes empty */

/* Parses buf[0..size). The buffer must outlive f (tensor data points into it). `where` names the
 * source in messages (a path, "memory"). On error f is left empty. */
int gguf_read_memory(gguf_file *f, const void *buf, size_t size, const char *where, rope_error *err);
/* mmaps path read-only and parses it. */
int gguf_open(gguf_file *f, const char *path, rope_error *err);

/* --- metadata lookup -------------------------------------------------------------------------- */
int            gguf_find_key(const gguf_file *f, const char *key);      /* index or -1 */
const gguf_kv *gguf_get(const gguf_file *f, const char *key);           /* NULL if absent */

/* Strict typed getters: 1 found (out set), 0 absent (out untouched), -1 present with another type
 * ("key X has type T, expected U"). The integer getters accept only the exact type. */
int gguf_get_u32(const gguf_file *f, const char *key, uint32_t *out, rope_error *err);
int gguf_get_i32(const gguf_file *f, const char *key, int32_t *out, rope_error *err);
int gguf_get_f32(const gguf_file *f, const char *key, float *out, rope_error *err);
int gguf_get_bool(const gguf_file *f, const char *key, int *out, rope_error *err);
int gguf_get_str(const gguf_file *f, const char *key, const char **out, rope_error *err);
/* Array of the given element type: *n and *data (native C elements, or gguf_str for strings). */
int gguf_get_arr(const gguf_file *f, const char *key, gguf_type etype, uint64_t *n,
                 const void **data, rope_error *err);

/* --- metadata building (replace an existing key of the same name) ------------------------------ */
int gguf_set_u8  (gguf_file *f, const char *key, uint8_t v);
int gguf_set_i8  (gguf_file *f, const char *key, int8_t v);
int gguf_set_u16 (gguf_file *f, const char *key, uint16_t v);
int gguf_set_i16 (gguf_file *f, const char *key, int16_t v);
int gguf_set_u32 (gguf_file *f, const char *key, uint32_t v);
int gguf_set_i32 (gguf_file *f, const char *key, int32_t v);
int gguf_set_u64 (gguf_file *f, const char *key, uint64_t v);
int gguf_set_i64 (gguf_file *f, const char *key, int64_t v);
int gguf_set_f32 (gguf_file *f, const char *key, float v);
int gguf_set_f64 (gguf_file *f, const char *key, double v);
int gguf_set_bool(gguf_file *f, const char *key, int v);
int gguf_set_str (gguf_file *f, const char *key, const char *s);   /* NUL-terminated */
int gguf_set_strn(gguf_file *f, const char *key, const char *s, uint64_t len);
/* Numeric/bool array: data holds n native elements of etype (copied). */
int gguf_set_arr (gguf_file *f, const char *key, gguf_type etype, const void *data, uint64_t n);
/* Array of NUL-terminated strings (copied). */
int gguf_set_arr_str(gguf_file *f, const char *key, const char *const *strs, uint64_t n);
/* The setters return 0, or -1 on allocation failure or a bad type. */

/* --- tensors ---------------------------------------------------------------------------------- */
int gguf_find_tensor(const gguf_file *f, const char *name);            /* index or -1 */
/* Adds a tensor whose data (nbytes of `type` for ne) stays owned by the caller until gguf_write. */
int gguf_add_tensor(gguf_file *f, const char *name, gguf_dtype type, int n_dims, const int64_t *ne,
                    const void *data, rope_error *err);

/* Bytes of a tensor of this type and shape; -1 (with message) for unknown types, ne[0] not a
 * multiple of the block size, non-positive dims or more than 2^59 elements. */
int gguf_tensor_bytes(gguf_dtype type, int n_dims, const int64_t *ne, uint64_t *nbytes, rope_error *err);
const char *gguf_dtype_name(int type);      /* "F32", "F16", "Q8_0", "BF16", or "type N" style */
const char *gguf_type_name(int type);       /* "u32", "string", "array", … */
size_t gguf_type_size(gguf_type t);         /* fixed-size scalars; 0 for STRING/ARRAY/invalid */
int64_t gguf_tensor_nelements(const gguf_tensor *t);

/* Converts a tensor's data (any readable type) to float: out has room for nelements. */
int gguf_tensor_to_f32(const gguf_tensor *t, float *out, rope_error *err);

/* Element conversions (round to nearest even). */
uint16_t gguf_f32_to_f16(float x);
float    gguf_f16_to_f32(uint16_t h);
float    gguf_bf16_to_f32(uint16_t h);
/* Quantizes n floats (n a multiple of 32) into n/32 Q8_0 blocks of 34 bytes, as ggml does
 * (d = max|x|/127 stored as f16, q = round(x/d)). */
void gguf_quantize_q8_0(const float *x, int64_t n, void *out);

/* --- writing ---------------------------------------------------------------------------------- */
/* Serializes to a freshly malloc'd buffer (*out, *len). */
int gguf_write_memory(const gguf_file *f, uint8_t **out, size_t *len, rope_error *err);
/* Writes path atomically: a temporary file in the same directory, fsync, rename. */
int gguf_write(const gguf_file *f, const char *path, rope_error *err);

/* --- untrusted strings and output paths (gguf_check.c) --------------------------------------------- */

/* Copies src[0..len) into dst (NUL-terminated, at most size-1 bytes) with every byte a terminal could
 * act on replaced by '?': C0 controls, DEL, UTF-8-encoded C1 controls (U+0080..U+009F) and a NUL.
 * Returns dst. Every string read from a GGUF goes through this before it is printed. */
char *gguf_sanitize(char *dst, size_t size, const char *src, size_t len);

/* 1 if s (len bytes) is a plain identifier: printable ASCII only (0x21..0x7e), no NUL. Keys and
 * tensor names in a GGUF must be. */
int gguf_ident_ok(const char *s, size_t len);

/* May path be replaced by a rename? 0 when it does not exist or is a regular file (not a symlink);
 * -1 with a message for a symlink, directory, device node, FIFO or socket. */
int gguf_out_check(const char *path, rope_error *err);

/* Removes temporary files "PATH.tmp.PID[.XXXXXX]" left next to path by a writer that was killed
 * (PID no longer running). Returns how many were removed. */
int gguf_out_sweep(const char *path);

#endif
