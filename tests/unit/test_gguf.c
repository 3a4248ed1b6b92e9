/* tests/unit/test_gguf.c — GGUF round trips: every metadata type, F32/F16/Q8_0/BF16 tensors, the
 * byte layout (checked against hand-computed offsets), atomic file writes, and the element
 * conversions against closed forms. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "gguf.h"

static uint64_t le64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t le32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static void test_f16(void)
{
    CHECK_INT(gguf_f32_to_f16(1.0f), 0x3c00);
    CHECK_INT(gguf_f32_to_f16(-2.0f), 0xc000);
    CHECK_INT(gguf_f32_to_f16(65504.0f), 0x7bff);
    CHECK_INT(gguf_f32_to_f16(65520.0f), 0x7c00);          /* rounds up to inf */
    CHECK_INT(gguf_f32_to_f16(0.1f), 0x2e66);              /* 0.0999755859375 */
    CHECK_INT(gguf_f32_to_f16(5.9604644775390625e-8f), 0x0001); /* smallest subnormal 2^-24 */
    CHECK_INT(gguf_f32_to_f16(2.98023223876953125e-8f), 0x0000); /* 2^-25: tie to even → 0 */
    CHECK_INT(gguf_f32_to_f16(1.0f + 1.0f / 2048), 0x3c00);   /* tie → even */
    CHECK_INT(gguf_f32_to_f16(1.0f + 3.0f / 2048), 0x3c02);   /* tie → even (up) */
    CHECK_NEAR(gguf_f16_to_f32(0x3555), 0.333251953125, 0);
    CHECK_NEAR(gguf_f16_to_f32(0x0400), ldexp(1, -14), 0);
    CHECK_NEAR(gguf_f16_to_f32(0x03ff), 1023 * ldexp(1, -24), 0);
    CHECK(isinf(gguf_f16_to_f32(0xfc00)) && gguf_f16_to_f32(0xfc00) < 0);
    CHECK(isnan(gguf_f16_to_f32(0x7e00)));
    /* every finite half survives half → float → half */
    int bad = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        if ((h & 0x7c00) == 0x7c00) continue;
        if (gguf_f32_to_f16(gguf_f16_to_f32((uint16_t)h)) != h) bad++;
    }
    CHECK_INT(bad, 0);
    CHECK_NEAR(gguf_bf16_to_f32(0x3f80), 1.0, 0);
    CHECK_NEAR(gguf_bf16_to_f32(0xc0a0), -5.0, 0);
}

static void test_q8(void)
{
    float x[64], y[64];
    for (int i = 0; i < 64; i++) x[i] = sinf(0.37f * (float)i) * (i < 32 ? 1.0f : 100.0f);
    uint8_t q[2 * GGUF_Q8_0_BYTES];
    gguf_quantize_q8_0(x, 64, q);
    gguf_tensor t = { .name = "q", .n_dims = 1, .ne = { 64, 1, 1, 1 }, .type = GGUF_DTYPE_Q8_0, .data = q };
    CHECK_INT(gguf_tensor_to_f32(&t, y, NULL), 0);
    for (int b = 0; b < 2; b++) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(x[b * 32 + j]));
        for (int j = 0; j < 32; j++) CHECK_NEAR(y[b * 32 + j], x[b * 32 + j], amax / 127 * 0.5 * 1.01 + amax * 1e-3);
    }
}

/* Builds a file with every kind of value and four tensors. */
static float t_f32[3 * 5];
static uint16_t t_f16[8], t_bf16[4];
static uint8_t t_q8[2 * GGUF_Q8_0_BYTES];

static void build(gguf_file *f)
{
    gguf_init(f);
    gguf_set_str(f, "general.architecture", "llama");
    gguf_set_u8(f, "t.u8", 200);
    gguf_set_i8(f, "t.i8", -100);
    gguf_set_u16(f, "t.u16", 60000);
    gguf_set_i16(f, "t.i16", -30000);
    gguf_set_u32(f, "t.u32", 4000000000u);
    gguf_set_i32(f, "t.i32", -2000000000);
    gguf_set_f32(f, "t.f32", 0.15625f);
    gguf_set_bool(f, "t.bool", 1);
    gguf_set_u64(f, "t.u64", 0xfedcba9876543210ull);
    gguf_set_i64(f, "t.i64", -1234567890123ll);
    gguf_set_f64(f, "t.f64", 1.0 / 3.0);
    gguf_set_strn(f, "t.strnul", "a\0b", 3);
    uint32_t ua[3] = { 1, 2, 0xffffffffu };
    gguf_set_arr(f, "t.arr_u32", GGUF_TYPE_UINT32, ua, 3);
    float fa[2] = { -1.5f, 2.25f };
    gguf_set_arr(f, "t.arr_f32", GGUF_TYPE_FLOAT32, fa, 2);
    uint8_t ba[3] = { 1, 0, 1 };
    gguf_set_arr(f, "t.arr_bool", GGUF_TYPE_BOOL, ba, 3);
    gguf_set_arr(f, "t.arr_empty", GGUF_TYPE_INT64, NULL, 0);
    const char *sa[3] = { "<0x00>", "", "\xe2\x96\x81" };
    gguf_set_arr_str(f, "t.arr_str", sa, 3);
    gguf_set_u32(f, "t.u32", 7);                     /* replaces, keeps its place */

    for (int i = 0; i < 15; i++) t_f32[i] = (float)i * 0.5f - 3.0f;
    for (int i = 0; i < 8; i++) t_f16[i] = gguf_f32_to_f16((float)i / 4);
    for (int i = 0; i < 4; i++) t_bf16[i] = (uint16_t)(0x3f80 + i);
    float q[64];
    for (int i = 0; i < 64; i++) q[i] = (float)(i - 32) / 8;
    gguf_quantize_q8_0(q, 64, t_q8);
    int64_t ne_a[2] = { 5, 3 }, ne_b[1] = { 8 }, ne_c[3] = { 2, 1, 2 }, ne_d[2] = { 32, 2 };
    CHECK_INT(gguf_add_tensor(f, "a", GGUF_DTYPE_F32, 2, ne_a, t_f32, NULL), 0);
    CHECK_INT(gguf_add_tensor(f, "bb", GGUF_DTYPE_F16, 1, ne_b, t_f16, NULL), 0);
    CHECK_INT(gguf_add_tensor(f, "c", GGUF_DTYPE_BF16, 3, ne_c, t_bf16, NULL), 0);
    CHECK_INT(gguf_add_tensor(f, "dq", GGUF_DTYPE_Q8_0, 2, ne_d, t_q8, NULL), 0);
}

static void check_contents(const gguf_file *g)
{
    rope_error err = {{0}};
    CHECK_INT(g->n_kv, 18);
    CHECK_INT(g->n_tensors, 4);
    CHECK_STR(g->kv[0].key, "general.architecture");
    CHECK_STR(g->kv[5].key, "t.u32");                 /* replaced in place */
    const gguf_kv *kv;
    kv = gguf_get(g, "t.u8");   CHECK(kv && kv->type == GGUF_TYPE_UINT8 && kv->v.u64 == 200);
    kv = gguf_get(g, "t.i8");   CHECK(kv && kv->type == GGUF_TYPE_INT8 && kv->v.i64 == -100);
    kv = gguf_get(g, "t.u16");  CHECK(kv && kv->type == GGUF_TYPE_UINT16 && kv->v.u64 == 60000);
    kv = gguf_get(g, "t.i16");  CHECK(kv && kv->type == GGUF_TYPE_INT16 && kv->v.i64 == -30000);
    kv = gguf_get(g, "t.i32");  CHECK(kv && kv->type == GGUF_TYPE_INT32 && kv->v.i64 == -2000000000);
    kv = gguf_get(g, "t.u64");  CHECK(kv && kv->type == GGUF_TYPE_UINT64 && kv->v.u64 == 0xfedcba9876543210ull);
    kv = gguf_get(g, "t.i64");  CHECK(kv && kv->type == GGUF_TYPE_INT64 && kv->v.i64 == -1234567890123ll);
    kv = gguf_get(g, "t.f64");  CHECK(kv && kv->type == GGUF_TYPE_FLOAT64 && kv->v.f64 == 1.0 / 3.0);
    kv = gguf_get(g, "t.strnul"); CHECK(kv && kv->str.len == 3 && memcmp(kv->str.s, "a\0b", 4) == 0);
    uint32_t u = 0;
    CHECK_INT(gguf_get_u32(g, "t.u32", &u, &err), 1);
    CHECK_INT(u, 7);
    float fv = 0;
    CHECK_INT(gguf_get_f32(g, "t.f32", &fv, &err), 1);
    CHECK_NEAR(fv, 0.15625, 0);
    int b = 0;
    CHECK_INT(gguf_get_bool(g, "t.bool", &b, &err), 1);
    CHECK_INT(b, 1);
    const char *s = NULL;
    CHECK_INT(gguf_get_str(g, "general.architecture", &s, &err), 1);
    CHECK_STR(s, "llama");
    CHECK_INT(gguf_get_u32(g, "absent", &u, &err), 0);
    /* strict types: a u32 asked as i32, an f32 asked as u32 */
    int32_t i32;
    CHECK_INT(gguf_get_i32(g, "t.u32", &i32, &err), -1);
    CHECK_HAS(err.msg, "t.u32");
    CHECK_HAS(err.msg, "expected i32");
    CHECK_INT(gguf_get_u32(g, "t.f32", &u, &err), -1);
    uint64_t n;
    const void *d;
    CHECK_INT(gguf_get_arr(g, "t.arr_u32", GGUF_TYPE_UINT32, &n, &d, &err), 1);
    CHECK(n == 3 && ((const uint32_t *)d)[2] == 0xffffffffu);
    CHECK_INT(gguf_get_arr(g, "t.arr_u32", GGUF_TYPE_INT32, &n, &d, &err), -1);
    CHECK_INT(gguf_get_arr(g, "t.arr_f32", GGUF_TYPE_FLOAT32, &n, &d, &err), 1);
    CHECK(n == 2 && ((const float *)d)[1] == 2.25f);
    CHECK_INT(gguf_get_arr(g, "t.arr_bool", GGUF_TYPE_BOOL, &n, &d, &err), 1);
    CHECK(n == 3 && ((const uint8_t *)d)[0] == 1 && ((const uint8_t *)d)[1] == 0);
    CHECK_INT(gguf_get_arr(g, "t.arr_empty", GGUF_TYPE_INT64, &n, &d, &err), 1);
    CHECK_INT(n, 0);
    CHECK_INT(gguf_get_arr(g, "t.arr_str", GGUF_TYPE_STRING, &n, &d, &err), 1);
    const gguf_str *sa = d;
    CHECK(n == 3);
    if (n == 3) {
        CHECK_STR(sa[0].s, "<0x00>");
        CHECK_INT(sa[1].len, 0);
        CHECK_STR(sa[2].s, "\xe2\x96\x81");
    }

    int ia = gguf_find_tensor(g, "a"), ib = gguf_find_tensor(g, "bb");
    int ic = gguf_find_tensor(g, "c"), id = gguf_find_tensor(g, "dq");
    CHECK(ia == 0 && ib == 1 && ic == 2 && id == 3);
    CHECK_INT(gguf_find_tensor(g, "zz"), -1);
    if (ia < 0 || ib < 0 || ic < 0 || id < 0) return;
    const gguf_tensor *t = &g->tensors[ia];
    CHECK(t->n_dims == 2 && t->ne[0] == 5 && t->ne[1] == 3 && t->ne[2] == 1 && t->type == GGUF_DTYPE_F32);
    CHECK_INT(t->nbytes, 60);
    float buf[64];
    CHECK_INT(gguf_tensor_to_f32(t, buf, &err), 0);
    for (int i = 0; i < 15; i++) CHECK_NEAR(buf[i], (float)i * 0.5f - 3.0f, 0);
    t = &g->tensors[ib];
    CHECK_INT(t->nbytes, 16);
    CHECK_INT(gguf_tensor_to_f32(t, buf, &err), 0);
    for (int i = 0; i < 8; i++) CHECK_NEAR(buf[i], (float)i / 4, 0);
    t = &g->tensors[ic];
    CHECK(t->n_dims == 3 && t->ne[2] == 2 && t->nbytes == 8);
    CHECK_INT(gguf_tensor_to_f32(t, buf, &err), 0);
    CHECK_NEAR(buf[0], 1.0, 0);
    CHECK_NEAR(buf[3], 1.0 + 3.0 / 128, 0);     /* bf16 0x3f83: mantissa 3/128 */
    t = &g->tensors[id];
    CHECK_INT(t->nbytes, 68);
    CHECK_INT(gguf_tensor_to_f32(t, buf, &err), 0);
    /* the values are multiples of 1/8 in [-4, 4): d = 4/127 per block, error ≤ d/2 */
    for (int i = 0; i < 64; i++) CHECK_NEAR(buf[i], (float)(i - 32) / 8, 4.0 / 127 / 2 * 1.01);
    /* offsets: each tensor padded to 32 */
    CHECK_INT(g->tensors[ia].offset, 0);
    CHECK_INT(g->tensors[ib].offset, 64);
    CHECK_INT(g->tensors[ic].offset, 96);
    CHECK_INT(g->tensors[id].offset, 128);
    CHECK_INT(g->data_offset % 32, 0);
}

static void test_roundtrip(void)
{
    gguf_file f;
    build(&f);
    uint8_t *mem = NULL;
    size_t len = 0;
    rope_error err = {{0}};
    CHECK_INT(gguf_write_memory(&f, &mem, &len, &err), 0);

    /* The header, by hand: magic, version 3, n_tensors 4, n_kv 18, then the first key. */
    CHECK(len > 64);
    CHECK(memcmp(mem, "GGUF", 4) == 0);
    CHECK_INT(le32(mem + 4), 3);
    CHECK_INT(le64(mem + 8), 4);
    CHECK_INT(le64(mem + 16), 18);
    CHECK_INT(le64(mem + 24), 20);                        /* strlen("general.architecture") */
    CHECK(memcmp(mem + 32, "general.architecture", 20) == 0);
    CHECK_INT(le32(mem + 52), 8);                         /* string */
    CHECK_INT(le64(mem + 56), 5);
    CHECK(memcmp(mem + 64, "llama", 5) == 0);
    CHECK_INT(le64(mem + 69), 4);                         /* next key "t.u8" */
    CHECK(memcmp(mem + 77, "t.u8", 4) == 0);
    CHECK_INT(le32(mem + 81), 0);                         /* u8 */
    CHECK_INT(mem[85], 200);
    CHECK_INT(len % 32, 0);
    /* total = data offset + 64 + 32 + 32 + 96 (68 padded) */

    gguf_file g;
    CHECK_INT(gguf_read_memory(&g, mem, len, "mem", &err), 0);
    check_contents(&g);
    CHECK_INT(len, g.data_offset + 64 + 32 + 32 + 96);

    /* read → write reproduces the bytes exactly */
    uint8_t *mem2 = NULL;
    size_t len2 = 0;
    CHECK_INT(gguf_write_memory(&g, &mem2, &len2, &err), 0);
    CHECK(len2 == len && memcmp(mem, mem2, len) == 0);
    free(mem2);
    gguf_free(&g);

    /* a file without the trailing padding after the last tensor is still whole */
    CHECK_INT(gguf_read_memory(&g, mem, len - 28, "mem", &err), 0);
    gguf_free(&g);

    /* alignment 64, from the general.alignment key */
    gguf_set_u32(&f, "general.alignment", 64);
    uint8_t *m3;
    size_t l3;
    CHECK_INT(gguf_write_memory(&f, &m3, &l3, &err), 0);
    CHECK_INT(gguf_read_memory(&g, m3, l3, "mem", &err), 0);
    CHECK_INT(g.alignment, 64);
    CHECK_INT(g.data_offset % 64, 0);
    CHECK_INT(g.tensors[1].offset, 64);
    CHECK_INT(g.tensors[2].offset, 128);
    gguf_free(&g);
    free(m3);
    /* a general.alignment that is not a power of two, or not u32, is refused */
    gguf_set_u32(&f, "general.alignment", 48);
    CHECK_INT(gguf_write_memory(&f, &m3, &l3, &err), -1);
    CHECK_HAS(err.msg, "power of two");
    gguf_set_u64(&f, "general.alignment", 64);
    CHECK_INT(gguf_write_memory(&f, &m3, &l3, &err), -1);
    CHECK_HAS(err.msg, "u32");

    free(mem);
    gguf_free(&f);
}

static int count_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".tmp.")) n++;
    if (d) closedir(d);
    return n;
}

static void test_file(void)
{
    char dir[] = "/tmp/ropescope_gguf_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/m.gguf", dir);
    rope_error err = {{0}};
    gguf_file f, g;
    build(&f);
    CHECK_INT(gguf_write(&f, path, &err), 0);
    CHECK_INT(gguf_open(&g, path, &err), 0);
    check_contents(&g);
    CHECK_INT(g.mapped, 1);
    /* overwrite the mapped file while it is open: the old mapping stays valid (rename, not truncate) */
    gguf_set_str(&f, "general.name", "second");
    CHECK_INT(gguf_write(&f, path, &err), 0);
    check_contents(&g);
    gguf_free(&g);
    CHECK_INT(gguf_open(&g, path, &err), 0);
    const char *s = NULL;
    CHECK_INT(gguf_get_str(&g, "general.name", &s, &err), 1);
    CHECK_STR(s, "second");
    gguf_free(&g);
    CHECK_INT(count_tmp(dir), 0);
    /* a directory that does not exist */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/nope/m.gguf", dir);
    CHECK_INT(gguf_write(&f, bad, &err), -1);
    CHECK_HAS(err.msg, "nope/m.gguf");
    /* a tensor without data cannot be written, and nothing is left behind */
    int64_t ne[1] = { 4 };
    gguf_add_tensor(&f, "nodata", GGUF_DTYPE_F32, 1, ne, NULL, NULL);
    CHECK_INT(gguf_write(&f, path, &err), -1);
    CHECK_HAS(err.msg, "nodata");
    CHECK_INT(count_tmp(dir), 0);
    /* open errors */
    CHECK_INT(gguf_open(&g, bad, &err), -1);
    CHECK_HAS(err.msg, "cannot open");
    CHECK_INT(gguf_open(&g, dir, &err), -1);
    gguf_free(&f);
    unlink(path);
    rmdir(dir);
}

static void test_add_errors(void)
{
    gguf_file f;
    gguf_init(&f);
    rope_error err = {{0}};
    float x[64] = {0};
    int64_t ne[5] = { 4, 1, 1, 1, 1 };
    CHECK_INT(gguf_add_tensor(&f, "x", GGUF_DTYPE_F32, 5, ne, x, &err), -1);
    CHECK_INT(gguf_add_tensor(&f, "x", GGUF_DTYPE_Q8_0, 1, ne, x, &err), -1);
    CHECK_HAS(err.msg, "multiple of 32");
    CHECK_INT(gguf_add_tensor(&f, "x", (gguf_dtype)2, 1, ne, x, &err), -1);
    CHECK_HAS(err.msg, "Q4_0");
    CHECK_INT(gguf_add_tensor(&f, "x", GGUF_DTYPE_F32, 1, ne, x, &err), 0);
    CHECK_INT(gguf_add_tensor(&f, "x", GGUF_DTYPE_F32, 1, ne, x, &err), -1);
    CHECK_HAS(err.msg, "twice");
    char longname[80];
    memset(longname, 'n', 79);
    longname[79] = 0;
    CHECK_INT(gguf_add_tensor(&f, longname, GGUF_DTYPE_F32, 1, ne, x, &err), -1);
    int64_t big[4] = { 1ll << 31, 1ll << 31, 4, 1 };
    CHECK_INT(gguf_add_tensor(&f, "big", GGUF_DTYPE_F32, 3, big, x, &err), -1);
    CHECK_HAS(err.msg, "overflow");
    gguf_free(&f);
}

int main(void)
{
    test_f16();
    test_q8();
    test_roundtrip();
    test_file();
    test_add_errors();
    return check_done("test_gguf");
}
