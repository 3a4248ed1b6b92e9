/* tests/unit/test_gguf_bad.c — the reader refuses broken files with a message and never reads past
 * the buffer: every truncation, and one targeted corruption of each field (counts, lengths, types,
 * dims, offsets, duplicates, alignment). Buffers are exact-size heap copies so ASan sees any overrun. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "gguf.h"

static float data_a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, data_b[8] = { -1, -2, -3, -4, -5, -6, -7, -8 };

static uint8_t *make(size_t *len)
{
    gguf_file f;
    gguf_init(&f);
    gguf_set_str(&f, "general.architecture", "llama");
    gguf_set_u32(&f, "k.u32", 12345);
    const char *s[2] = { "xy", "zzz" };
    gguf_set_arr_str(&f, "k.strs", s, 2);
    uint8_t flags[2] = { 0, 1 };
    gguf_set_arr(&f, "k.bools", GGUF_TYPE_BOOL, flags, 2);
    int64_t ne_a[2] = { 4, 2 }, ne_b[1] = { 8 };
    gguf_add_tensor(&f, "ta", GGUF_DTYPE_F32, 2, ne_a, data_a, NULL);
    gguf_add_tensor(&f, "tb", GGUF_DTYPE_F32, 1, ne_b, data_b, NULL);
    uint8_t *m = NULL;
    gguf_write_memory(&f, &m, len, NULL);
    gguf_free(&f);
    return m;
}

static size_t find(const uint8_t *m, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(m + i, s, n) == 0) return i;
    return (size_t)-1;
}

/* Parses an exact-size copy of m[0..len); returns the reader's result and keeps the message. */
static int parse(const uint8_t *m, size_t len, rope_error *err)
{
    uint8_t *c = malloc(len ? len : 1);
    memcpy(c, m, len);
    gguf_file g;
    int r = gguf_read_memory(&g, c, len, "bad.gguf", err);
    if (r == 0) gguf_free(&g);
    free(c);
    return r;
}

static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* Applies one mutation to a fresh copy and expects an error mentioning `want`. */
#define EXPECT_BAD(label, want, ...) do { \
    uint8_t *w = malloc(len); memcpy(w, m, len); { __VA_ARGS__; } \
    rope_error e = {{0}}; int r_ = parse(w, len, &e); \
    if (r_ != -1) fprintf(stderr, "mutation '%s' was accepted\n", label); \
    CHECK_INT(r_, -1); CHECK_HAS(e.msg, want); if (!strstr(e.msg, want)) fprintf(stderr, "  %s: %s\n", label, e.msg); CHECK_HAS(e.msg, "bad.gguf"); free(w); } while (0)

int main(void)
{
    size_t len;
    uint8_t *m = make(&len);
    rope_error err = {{0}};
    CHECK_INT(parse(m, len, &err), 0);

    /* locate fields */
    size_t p_u32 = find(m, len, "k.u32");           /* key bytes; type at +5, value at +9 */
    size_t p_strs = find(m, len, "k.strs");          /* type +6, etype +10, count +14, first len +22 */
    size_t p_bools = find(m, len, "k.bools");        /* type +7, etype +11, count +15, data +23 */
    size_t p_ta = find(m, len, "ta");                /* n_dims +2, ne +6, +14, type +22, offset +26 */
    size_t p_tb = find(m, len, "tb");                /* n_dims +2, ne +6, type +14, offset +18 */
    CHECK(p_u32 != (size_t)-1 && p_strs != (size_t)-1 && p_ta != (size_t)-1 && p_tb != (size_t)-1);
    /* the key length fields precede the names */
    uint64_t tb_off;
    memcpy(&tb_off, m + p_tb + 18, 8);
    CHECK_INT(tb_off, 32);

    /* every truncation before the end of the last tensor's data fails cleanly */
    gguf_file g;
    CHECK_INT(gguf_read_memory(&g, m, len, "x", &err), 0);
    size_t end = (size_t)(g.data_offset + 32 + 32);
    gguf_free(&g);
    CHECK_INT(end, len);
    int accepted = 0;
    for (size_t l = 0; l < end; l++) {
        rope_error e = {{0}};
        if (parse(m, l, &e) != -1) accepted++;
        else if (l > 24 && !strstr(e.msg, "truncated") && !strstr(e.msg, "cannot fit") &&
                 !strstr(e.msg, "remain")) {
            fprintf(stderr, "truncation at %zu: %s\n", l, e.msg);
            accepted++;
        }
    }
    CHECK_INT(accepted, 0);

    EXPECT_BAD("magic", "not a GGUF", w[0] = 'X');
    EXPECT_BAD("version", "version 4", put32(w + 4, 4));
    EXPECT_BAD("version 1", "version 1", put32(w + 4, 1));
    EXPECT_BAD("n_tensors huge", "tensor count", put64(w + 8, 1ull << 40));
    EXPECT_BAD("n_tensors negative", "tensor count", put64(w + 8, (uint64_t)-1));
    EXPECT_BAD("n_kv huge", "key/value count", put64(w + 16, 1ull << 62));
    EXPECT_BAD("n_tensors too many", "", put64(w + 8, 3));
    EXPECT_BAD("key length huge", "length", put64(w + p_u32 - 8, 1ull << 63));
    EXPECT_BAD("key length past end", "truncated", put64(w + p_u32 - 8, len));
    EXPECT_BAD("empty key", "empty key", put64(w + p_u32 - 8, 0));
    EXPECT_BAD("key with NUL", "NUL", w[p_u32 + 1] = 0);
    EXPECT_BAD("value type", "unknown value type", put32(w + p_u32 + 5, 13));
    EXPECT_BAD("value type negative", "unknown value type", put32(w + p_u32 + 5, (uint32_t)-1));
    EXPECT_BAD("array etype", "unknown element type", put32(w + p_strs + 10, 99));
    EXPECT_BAD("nested array", "nested", put32(w + p_strs + 10, GGUF_TYPE_ARRAY));
    EXPECT_BAD("array count huge", "claims", put64(w + p_strs + 14, 1ull << 61));
    EXPECT_BAD("array count past end", "", put64(w + p_strs + 14, 1000));
    EXPECT_BAD("array string length", "more than the limit", put64(w + p_strs + 22, 1ull << 40));
    EXPECT_BAD("bool not 0/1", "not 0 or 1", w[p_bools + 23] = 2);
    EXPECT_BAD("n_dims 0", "dimensions", put32(w + p_ta + 2, 0));
    EXPECT_BAD("n_dims 5", "dimensions", put32(w + p_ta + 2, 5));
    EXPECT_BAD("ne negative", "positive", put64(w + p_ta + 6, (uint64_t)-4));
    EXPECT_BAD("ne zero", "positive", put64(w + p_ta + 14, 0));
    EXPECT_BAD("ne overflow", "overflow", put64(w + p_ta + 6, 1ull << 40); put64(w + p_ta + 14, 1ull << 40));
    /* found by the fuzzer: 2^61 × 2 elements of F32 wrapped the byte count to 0 */
    EXPECT_BAD("byte count wraps", "overflow", put64(w + p_ta + 6, 1ull << 61));
    EXPECT_BAD("data past end", "past", put64(w + p_tb + 6, 16));
    EXPECT_BAD("grown tensor overlaps", "overlap", put64(w + p_ta + 14, 4));
    EXPECT_BAD("tensor type", "not supported", put32(w + p_ta + 22, 12));
    EXPECT_BAD("tensor type huge", "not supported", put32(w + p_ta + 22, 0x7fffffff));
    EXPECT_BAD("q8 ne0", "multiple of 32", put32(w + p_ta + 22, GGUF_DTYPE_Q8_0));
    EXPECT_BAD("misaligned offset", "alignment", put64(w + p_tb + 18, 36));
    EXPECT_BAD("overlap", "overlap", put64(w + p_tb + 18, 0));
    EXPECT_BAD("offset past end", "past", put64(w + p_tb + 18, 1ull << 62));
    EXPECT_BAD("duplicate tensor", "twice", w[p_tb + 1] = 'a');
    EXPECT_BAD("tensor name NUL", "NUL", w[p_tb + 1] = 0);
    EXPECT_BAD("tensor name long", "limit", put64(w + p_ta - 8, 64));

    /* a duplicate key: "dup.b" renamed to "dup.a" */
    {
        gguf_file f;
        gguf_init(&f);
        gguf_set_u32(&f, "dup.a", 1);
        gguf_set_u32(&f, "dup.b", 2);
        uint8_t *d;
        size_t dl;
        gguf_write_memory(&f, &d, &dl, NULL);
        gguf_free(&f);
        size_t pb = find(d, dl, "dup.b");
        d[pb + 4] = 'a';
        rope_error e = {{0}};
        CHECK_INT(parse(d, dl, &e), -1);
        CHECK_HAS(e.msg, "dup.a appears twice");
        free(d);
    }
    /* alignment: wrong type, zero, not a power of two */
    {
        gguf_file f;
        gguf_init(&f);
        gguf_set_u32(&f, "general.alignment", 32);
        int64_t ne[1] = { 8 };
        gguf_add_tensor(&f, "t", GGUF_DTYPE_F32, 1, ne, data_a, NULL);
        uint8_t *d;
        size_t dl;
        CHECK_INT(gguf_write_memory(&f, &d, &dl, NULL), 0);
        gguf_free(&f);
        size_t pa = find(d, dl, "general.alignment");
        rope_error e = {{0}};
        CHECK_INT(parse(d, dl, &e), 0);
        put32(d + pa + 21, 24);
        CHECK_INT(parse(d, dl, &e), -1);
        CHECK_HAS(e.msg, "power of two");
        put32(d + pa + 21, 0);
        CHECK_INT(parse(d, dl, &e), -1);
        put32(d + pa + 21, 16);                 /* valid: 16 divides the 32-padded layout */
        CHECK_INT(parse(d, dl, &e), 0);
        put32(d + pa + 17, GGUF_TYPE_INT32);
        CHECK_INT(parse(d, dl, &e), -1);
        CHECK_HAS(e.msg, "expected u32");
        free(d);
    }
    /* empty input, NULL buffer */
    CHECK_INT(parse(m, 0, &err), -1);
    gguf_file z;
    CHECK_INT(gguf_read_memory(&z, NULL, 10, "nul", &err), -1);
    CHECK_INT(gguf_read_memory(&z, m, 3, "short", NULL), -1);   /* NULL err is allowed */

    free(m);
    return check_done("test_gguf_bad");
}
