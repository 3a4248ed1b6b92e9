/* tests/unit/test_harden.c — hostile inputs refused early and cleanly (issue 16): terminal-safe GGUF
 * strings, the identifier rule, cgroup limit lines, the tensor set checked before the weights are
 * allocated, NaN/inf anywhere in the weights or the logits, embedded NULs, overflowing RoPE tables,
 * output paths that are not regular files, and temporaries left by a killed writer. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "gguf.h"
#include "model.h"
#include "rope.h"
#include "rope_config.h"

static void tiny_hp(model_hparams *hp)
{
    memset(hp, 0, sizeof *hp);
    hp->n_vocab = 256; hp->d_model = 8; hp->n_layer = 2; hp->n_ff = 16; hp->n_head = 2; hp->n_head_kv = 1;
    hp->head_dim = 4; hp->ctx_train = 64; hp->norm_eps = 1e-5f;
}

/* m → GGUF bytes → parsed file → model_from_gguf; returns its status, err holds the refusal. */
static int round_trip(const model *m, void (*edit)(gguf_file *), rope_error *err)
{
    gguf_file f, g;
    void *scratch = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    gguf_init(&f);
    if (model_to_gguf(m, &f, GGUF_DTYPE_F32, &scratch, err)) return -2;
    if (edit) edit(&f);
    if (gguf_write_memory(&f, &bytes, &len, err)) return -2;
    gguf_free(&f);
    free(scratch);
    if (gguf_read_memory(&g, bytes, len, "t", err)) { free(bytes); return -3; }
    model back;
    int r = model_from_gguf(&back, &g, "t", err);
    if (r == 0) model_free(&back);
    gguf_free(&g);
    free(bytes);
    return r;
}

static void huge_claims(gguf_file *f)      /* metadata of a model of many GiB over the tiny tensors */
{
    gguf_set_u32(f, "llama.embedding_length", 8192);
    gguf_set_u32(f, "llama.block_count", 1000);
    gguf_set_u32(f, "llama.feed_forward_length", 1u << 20);
    gguf_set_u32(f, "llama.attention.head_count", 64);
    gguf_set_u32(f, "llama.attention.head_count_kv", 64);
    gguf_set_u32(f, "llama.attention.key_length", 128);
    gguf_set_u32(f, "llama.attention.value_length", 128);
    gguf_set_u32(f, "llama.rope.dimension_count", 128);
}
static void name_with_nul(gguf_file *f) { gguf_set_strn(f, "general.name", "tiny\0evil", 9); }
static void arch_with_nul(gguf_file *f) { gguf_set_strn(f, "general.architecture", "llama\0evil", 10); }
static void name_with_escapes(gguf_file *f) { gguf_set_str(f, "general.name", "a\x1b]0;title\x07" "b\xc2\x9b" "2J"); }

int main(void)
{
    char buf[64];
    /* sanitising: ESC, BEL, DEL and the C1 CSI (U+009B) become '?', UTF-8 text stays */
    CHECK_STR(gguf_sanitize(buf, sizeof buf, "a\x1b[2Jb\x7f", 7), "a?[2Jb?");
    CHECK_STR(gguf_sanitize(buf, sizeof buf, "x\xc2\x9b" "1m", 5), "x?1m");
    CHECK_STR(gguf_sanitize(buf, sizeof buf, "\xe2\x96\x81word", 7), "\xe2\x96\x81word");
    /* a lead byte whose sequence is cut by a control or ASCII byte, and a continuation byte alone: the
     * offending byte becomes '?', the rest is read afresh (the control is then caught on its own) */
    CHECK_STR(gguf_sanitize(buf, sizeof buf, "a\xc3\x1b[2J", 6), "a??[2J");
    CHECK_STR(gguf_sanitize(buf, sizeof buf, "a\xe2\x96" "b", 4), "a??b");
    CHECK_STR(gguf_sanitize(buf, sizeof buf, "\x9b" "1m", 3), "?1m");
    CHECK_STR(gguf_sanitize(buf, sizeof buf, "ab\0cd", 5), "ab?cd");
    CHECK_STR(gguf_sanitize(buf, 4, "ab\xe2\x96\x81", 5), "ab");     /* never cut inside a sequence */
    CHECK_INT(gguf_ident_ok("blk.0.attn_q.weight", 19), 1);
    CHECK_INT(gguf_ident_ok("bad\x1bname", 8), 0);
    CHECK_INT(gguf_ident_ok("sp ace", 6), 0);
    CHECK_INT(gguf_ident_ok("", 0), 0);

    /* cgroup limit lines */
    size_t v = 7;
    CHECK_INT(model_parse_mem_max("max\n", &v), 0);
    CHECK_INT(v, 0);
    CHECK_INT(model_parse_mem_max("1073741824\n", &v), 0);
    CHECK_INT(v, 1073741824);
    CHECK_INT(model_parse_mem_max("9223372036854771712\n", &v), 0);   /* cgroup v1 "unlimited" */
    CHECK_INT(v, 0);
    CHECK_INT(model_parse_mem_max("lots\n", &v), -1);
    CHECK(model_mem_limit_default() > 0);

    /* a tiny model loads; the same tensors under metadata claiming ~100 GiB are refused by the shape
       check, not by an allocation (which would say "out of memory") */
    model_hparams hp;
    tiny_hp(&hp);
    model m;
    rope_error err;
    CHECK_INT(model_init_random(&m, &hp, 3, &err), 0);
    CHECK_INT(round_trip(&m, NULL, &err), 0);
    CHECK_INT(round_trip(&m, huge_claims, &err), -1);
    CHECK_HAS(err.msg, "wrong shape");

    /* embedded NULs and escapes in strings */
    CHECK_INT(round_trip(&m, name_with_nul, &err), -1);
    CHECK_HAS(err.msg, "embedded NUL");
    CHECK_INT(round_trip(&m, arch_with_nul, &err), -1);
    CHECK_HAS(err.msg, "NUL");
    {
        gguf_file f, g;
        void *scratch = NULL;
        uint8_t *bytes = NULL;
        size_t len = 0;
        gguf_init(&f);
        model_to_gguf(&m, &f, GGUF_DTYPE_F32, &scratch, &err);
        name_with_escapes(&f);
        CHECK_INT(gguf_write_memory(&f, &bytes, &len, &err), 0);
        CHECK_INT(gguf_read_memory(&g, bytes, len, "t", &err), 0);
        model back;
        CHECK_INT(model_from_gguf(&back, &g, "t", &err), 0);
        CHECK_STR(back.name, "a?]0;title?b?2J");
        model_free(&back);
        gguf_free(&g);
        gguf_free(&f);
        free(bytes);
        free(scratch);
    }

    /* NaN in a weight other than the embedding, inf in a norm */
    float keep = m.layer[1].w_down[5];
    m.layer[1].w_down[5] = NAN;
    CHECK_INT(round_trip(&m, NULL, &err), -1);
    CHECK_HAS(err.msg, "blk.1.ffn_down.weight' holds NaN or inf");
    m.layer[1].w_down[5] = keep;
    m.out_norm[2] = INFINITY;
    CHECK_INT(round_trip(&m, NULL, &err), -1);
    CHECK_HAS(err.msg, "output_norm.weight' holds NaN or inf");
    m.out_norm[2] = 1.0f;

    /* finite weights whose logits overflow float: model_eval refuses the result */
    for (int i = 0; i < hp.d_model; i++) m.out_norm[i] = 1e30f;
    for (int i = 0; i < hp.d_model * hp.n_vocab; i++) m.output[i] = 1e30f;
    model_ctx c;
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = 8;
    cp.n_threads = 1;
    CHECK_INT(model_ctx_init(&c, &m, &cp, &err), 0);
    int tok[3] = { 'a', 'b', 'c' };
    CHECK_INT(model_eval(&c, tok, 3, &err), -1);
    CHECK_HAS(err.msg, "NaN or infinite logit");
    model_ctx_free(&c);
    model_free(&m);

    /* RoPE parameters each finite whose table overflows */
    rope_params p;
    rope_params_init(&p);
    p.method = ROPE_YARN;
    p.factor = 4;
    p.head_dim = 64;
    p.orig_ctx = p.max_pos = 2048;
    CHECK_INT(rope_params_validate(&p, &err), 0);
    {   /* the config: mscale 1e308 gave "logits x inf" in every export */
        static const char cfg_text[] = "{\"rope_theta\":10000,\"head_dim\":64,\"max_position_embeddings\":8192,"
            "\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4,\"original_max_position_embeddings\":2048,"
            "\"mscale\":1e308,\"mscale_all_dim\":1}}";
        rope_config *cfg = malloc(sizeof *cfg);
        CHECK(cfg && rope_config_parse(cfg_text, sizeof cfg_text - 1, "t", cfg, &err) == -1);
        CHECK_HAS(err.msg, "not finite");
        free(cfg);
    }
    p.beta_fast = 1e-308;
    rope_table *t = malloc(sizeof *t);
    CHECK(t && rope_table_compute(&p, t, &err) == -1);
    free(t);

    /* outputs: a new name or a regular file; never a link, device, FIFO or directory */
    char dir[] = "/tmp/ropescope_harden_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128], link_path[128], fifo[128], stale[256], live[256];
    snprintf(path, sizeof path, "%s/out.gguf", dir);
    CHECK_INT(gguf_out_check(path, &err), 0);
    FILE *fp = fopen(path, "w");
    if (fp) fclose(fp);
    CHECK_INT(gguf_out_check(path, &err), 0);
    snprintf(link_path, sizeof link_path, "%s/link.gguf", dir);
    CHECK_INT(symlink(path, link_path), 0);
    CHECK_INT(gguf_out_check(link_path, &err), -1);
    CHECK_HAS(err.msg, "symbolic link");
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    CHECK_INT(mkfifo(fifo, 0600), 0);
    CHECK_INT(gguf_out_check(fifo, &err), -1);
    CHECK_INT(gguf_out_check("/dev/null", &err), -1);
    CHECK_HAS(err.msg, "not a regular file");
    CHECK_INT(gguf_out_check(dir, &err), -1);

    /* a temporary of a writer that is gone is removed; one of a live process is kept */
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);
    snprintf(stale, sizeof stale, "%s.tmp.%ld.AbC123", path, (long)child);
    snprintf(live, sizeof live, "%s.tmp.%ld", path, (long)getppid());
    fp = fopen(stale, "w"); if (fp) fclose(fp);
    fp = fopen(live, "w"); if (fp) fclose(fp);
    CHECK_INT(gguf_out_sweep(path), 1);
    CHECK(access(stale, F_OK) != 0);
    CHECK(access(live, F_OK) == 0);
    unlink(live); unlink(fifo); unlink(link_path); unlink(path);
    rmdir(dir);
    return check_done("test_harden");
}
