/* app/cmd/cmd_train.c — `ropescope train` (a byte-level llama model from scratch on the KJV + generated
 * long-range tasks) and the shared driver of `ropescope finetune` (continue a GGUF at a longer
 * context with any RoPE method); also `train --bench`, the trainer's tokens/s on random data of the
 * shape the flags give (bench_train.c times it). */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "assets.h"
#include "bench.h"
#include "cmd.h"
#include "cmdutil.h"
#include "flags.h"
#include "gguf.h"
#include "modelcmd.h"
#include "ropeargs.h"
#include "train.h"
#include "train_gate.h"

int cmd_train_run(int argc, char **argv, int finetune);


static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) { (void)sig; stop_flag = 1; }

static void help(int finetune)
{
    if (!finetune)
        printf("usage: ropescope train --out-dir DIR [options] [RoPE flags]\n"
               "       ropescope train --bench [model flags] [--ctx N --batch B --steps N --threads T]\n\n"
               "Trains a byte-level llama model (RMSNorm, SwiGLU, RoPE on adjacent pairs, MHA/GQA) with AdamW on\n"
               "the King James Bible (Debian's bible-kjv, fetched at run time) mixed with generated passkey and\n"
               "key-value recall episodes. Checkpoints (weights, AdamW state, step, data cursor, RNG) are written\n"
               "atomically to DIR/ckpt.bin every few minutes; run the same command with --resume to continue.\n"
               "The model is exported as a GGUF (llama layout, byte vocabulary) that ropescope and llama.cpp load.\n\n"
               "model:\n"
               "  --d-model N [256]  --layers N [4]  --heads N [4]  --kv-heads N [= heads]  --ffn N [768]\n"
               "  --head-dim N       [d-model/heads]   --tied        share token_embd as the output projection\n");
    else
        printf("usage: ropescope finetune --model IN.gguf --out-dir DIR --ctx N [options] [RoPE flags]\n\n"
               "Continues a llama GGUF at a longer context with any RoPE method (the shared RoPE flags; without\n"
               "them the model's own RoPE). Without --orig-ctx the original context is the model's\n"
               "context_length and --base its freq_base. A mixed-length curriculum keeps short sequences in\n"
               "the batch: --short-frac F of the rows hold ctx/short-ctx sequences of --short-ctx tokens.\n"
               "Methods none, linear, ntk and yarn can be exported to GGUF; the others are refused.\n\n"
               "  --model FILE       the GGUF to start from (not needed with --resume)\n"
               "  --short-frac F     fraction of rows made of short sequences [0.25]\n"
               "  --short-ctx N      their length [the model's context_length]\n");
    printf("data and schedule:\n"
           "  --corpus FILE|kjv  text to train on; `kjv` runs `bible` and caches DIR/kjv.txt [kjv]\n"
           "  --ctx N            tokens per sequence [train 512]\n"
           "  --batch B          sequences per step [train 16, finetune 2]\n"
           "  --steps N          optimizer steps [train 6000, finetune 200]\n"
           "  --lr X             peak learning rate [train 2e-3, finetune 2e-4]\n"
           "  --min-lr X         end of the cosine decay [lr/20]\n"
           "  --warmup N         linear warm-up steps [train 200, finetune 20]\n"
           "  --wd X             AdamW weight decay on matrices [0.1]; betas 0.9/0.95\n"
           "  --clip X           global gradient-norm clip [1.0]\n"
           "  --seed N           weights and data [1]\n"
           "  --passkey-frac X   passkey episodes [0.15]   --kv-frac X   key-value recall [0.10]\n"
           "  --copy-frac X      copy episodes: a random list repeated with filler between [0.10]\n"
           "  --repeat-frac X    repeat episodes: short random lists repeated back to back [0]\n"
           "  --repeat-warmup N  the first N steps draw only repeat episodes, so the heads that find and copy\n"
           "                     earlier text form before natural text takes over [0]\n"
           "  --recall-frac X    recall episodes: random bytes 0x80-0xFF with 4-16-byte spans copied from\n"
           "                     random distances (fit any context >= 16) [0]\n"
           "  --recall-dmax N    their longest copy distance [0 = the whole window]\n"
           "  --recall-form F    spans: copied spans as above | double: passages of 4..dmax symbols, each\n"
           "                     written twice (repeated random tokens; distinct up to 128, so every\n"
           "                     one-symbol match is reliable; longer ones drawn independently) | mixed:\n"
           "                     double, half the passages in printable ASCII (letters, digits) |\n"
           "                     alphabets: a quarter each in high bytes, printable ASCII, digits 0-9 and\n"
           "                     letters a-z (over 10 or 26 symbols a copy needs a 2-3 symbol match) [spans]\n"
           "  --copy-weight X    loss weight of bytes predictable by copying (recall spans) [1]\n"
           "  --answer-weight X  loss weight of a passkey episode's answer digits [1]\n"
           "  --lr-schedule S    cosine | constant (after the warm-up) [cosine]\n"
           "  --ctx-schedule L   context lengths by step inside one run, LEN@STEP,... starting at step 0\n"
           "                     (e.g. 128@0,256@2000,512@4000; --ctx defaults to the largest); the optimizer\n"
           "                     state carries over\n"
           "  On --resume the learning rate, schedule, warm-up, wd, clip, mixture, weights and context schedule\n"
           "  given are applied (each change is logged); --ctx, --batch and --seed cannot change.\n"
           "run:\n"
           "  --out-dir DIR      checkpoint, exports, held-out text (required)\n"
           "  --out FILE.gguf    final export [DIR/model.gguf; also written at every checkpoint]\n"
           "  --resume           continue from DIR/ckpt.bin (same architecture and corpus)\n"
           "  --threads T        [2]   --ckpt-every SEC [300]   --log-every N [10]   --eval-every N [200]\n"
           "  --snapshots LIST   also keep the model after these steps as DIR/model-stepN.gguf (e.g. 25,50,100)\n"
           "  --probe-every N    run the copy probe (ropescope probe copy) every N steps and log it [0: never]\n"
           "  --gate copy:D:R    keep DIR/model-gate-stepN.gguf whenever the probe's second/first-copy loss at\n"
           "                     distance D is below R (e.g. copy:64:0.5); --probe-every defaults to 200\n"
           "  --gate letters:D:R the same with the probe on letters a-z (a one-symbol match is ambiguous)\n"
           "  --gate-stop        end the run (checkpoint and model written) at the first gate that passes\n"
           "  --gate passkey:LEN:F  the same when the passkey at LEN tokens (5 depths x 20 trials, log-prob of\n"
           "                     the key against 9 others; ropescope passkey) is right at least F of the time\n"
           "                     (e.g. passkey:512:0.9); each probe also logs that figure\n"
           "  --bench            (train) time forward+backward+AdamW on random tokens; prints tok/s\n\n%s",
           ropeargs_help);
}

typedef struct opts {
    const char *out_dir, *corpus, *out, *model, *snapshots, *ctx_schedule, *gate;
    int lr_schedule, recall_dmax, recall_form;
    long probe_every;
    double recall, copy_weight, answer_weight;
    int d_model, layers, heads, kv_heads, ffn, head_dim, tied;
    int ctx, batch, threads, log_every, eval_every, resume, bench, short_ctx, gate_stop;
    long steps, warmup, repeat_warmup;
    double lr, min_lr, wd, clip, ckpt_every, passkey, kv, copy, repeat, short_frac;
    long seed;
} opts;

/* The command's own flags into o (its defaults set by the caller); --tied and --bench are train's
 * only, so finetune leaves them to be refused as unknown arguments. */
static int parse(int argc, char **argv, opts *o, unsigned char *used, int finetune, rope_error *err)
{
    const flags_spec flags[] = {
        FLAG_STR("--out-dir", &o->out_dir),
        FLAG_STR("--corpus", &o->corpus),
        FLAG_STR("--out", &o->out),
        FLAG_STR("--model", &o->model),
        FLAG_STR("--snapshots", &o->snapshots),
        FLAG_STR("--ctx-schedule", &o->ctx_schedule),
        FLAG_STR("--gate", &o->gate),
        FLAG_CHOICE("--lr-schedule", &o->lr_schedule, "cosine|constant"),
        FLAG_INT("--recall-dmax", &o->recall_dmax, 0, 1 << 20),
        FLAG_CHOICE("--recall-form", &o->recall_form, "spans|double|mixed|alphabets"),
        FLAG_LONG("--probe-every", &o->probe_every, 0, 1 << 30),
        FLAG_DBL("--recall-frac", &o->recall, 0, 1),
        FLAG_DBL("--copy-weight", &o->copy_weight, 0, 1e6),
        FLAG_DBL("--answer-weight", &o->answer_weight, 0, 1e6),
        FLAG_INT("--d-model", &o->d_model, 2, 16384),
        FLAG_INT("--layers", &o->layers, 1, TRAIN_MAX_LAYER),
        FLAG_INT("--heads", &o->heads, 1, 1024),
        FLAG_INT("--kv-heads", &o->kv_heads, 1, 1024),
        FLAG_INT("--ffn", &o->ffn, 1, 1 << 20),
        FLAG_INT("--ctx", &o->ctx, 2, 1 << 20),
        FLAG_INT("--batch", &o->batch, 1, 4096),
        FLAG_INT("--threads", &o->threads, 1, 256),
        FLAG_INT("--log-every", &o->log_every, 1, 1 << 30),
        FLAG_INT("--eval-every", &o->eval_every, 0, 1 << 30),
        FLAG_INT("--short-ctx", &o->short_ctx, 2, 1 << 20),
        FLAG_LONG("--steps", &o->steps, 1, 1 << 30),
        FLAG_LONG("--warmup", &o->warmup, 0, 1 << 30),
        FLAG_LONG("--repeat-warmup", &o->repeat_warmup, 0, 1 << 30),
        FLAG_LONG("--seed", &o->seed, 0, 2147483647),
        FLAG_DBL("--lr", &o->lr, -1e9, 1e9),
        FLAG_DBL("--min-lr", &o->min_lr, 0, 10),
        FLAG_DBL("--wd", &o->wd, 0, 10),
        FLAG_DBL("--clip", &o->clip, 0, 1e9),
        FLAG_DBL("--ckpt-every", &o->ckpt_every, 0, 1e9),
        FLAG_DBL("--passkey-frac", &o->passkey, 0, 1),
        FLAG_DBL("--kv-frac", &o->kv, 0, 1),
        FLAG_DBL("--copy-frac", &o->copy, 0, 1),
        FLAG_DBL("--repeat-frac", &o->repeat, 0, 1),
        FLAG_DBL("--short-frac", &o->short_frac, 0, 1),
        FLAG_SWITCH("--resume", &o->resume),
        FLAG_SWITCH("--gate-stop", &o->gate_stop),
        FLAG_SWITCH(finetune ? NULL : "--tied", &o->tied),
        FLAG_SWITCH(finetune ? NULL : "--bench", &o->bench),
    };
    return flags_parse(argc, argv, flags, FLAGS_COUNT(flags), used, err);
}

static int given(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (ropeargs_is(argv[i], flag)) return 1;
    return 0;
}

static void hms(double s, char *buf, size_t n)
{
    if (!(s >= 0) || s > 1e8) { snprintf(buf, n, "?"); return; }
    long t = (long)(s + 0.5);
    snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

/* This machine's fp32 FMA peak on the run's threads, measured once before training starts (the
 * progress line gives each step's GFLOP/s as a share of it); <= 0: not measured. */
static double peak_gflops;

static int progress(void *user, const train_progress *p)
{
    (void)user;
    char el[32], eta[32];
    hms(p->elapsed_s, el, sizeof el);
    hms(p->eta_s, eta, sizeof eta);
    if (p->ev == TRAIN_EV_STEP) {
        fprintf(stderr, "step %ld/%ld  loss %.4f  lr %.2e  |g| %.3f  %.0f tok/s  %.1f GFLOP/s", p->step, p->total,
                p->loss, p->lr, p->grad_norm, p->tok_per_s, p->gflops);
        if (peak_gflops > 0) fprintf(stderr, " (%.0f%% of peak)", 100.0 * p->gflops / peak_gflops);
        fprintf(stderr, "  elapsed %s  ETA %s\n", el, eta);
    }
    else if (p->ev == TRAIN_EV_EVAL)
        fprintf(stderr, "eval step %ld: held-out loss %.4f nats/byte (ppl %.3f, %.3f bits/byte)\n", p->step,
                p->loss, exp(p->loss), p->loss / log(2.0));
    else if (p->ev == TRAIN_EV_SNAPSHOT)
        fprintf(stderr, "snapshot step %ld -> %s\n", p->step, p->path);
    else
        fprintf(stderr, "checkpoint step %ld -> %s  (elapsed %s)\n", p->step, p->path, el);
    fflush(stderr);
    return stop_flag != 0;
}

/* The probes and the gate (train_gate.h), run from the progress callback on the current weights. */
typedef struct probe_state {
    train_session *s;
    train_gate gate;
    int stop_at_gate;          /* --gate-stop: end the run (checkpoint written) when the gate passes */
} probe_state;

static int progress_probe(void *user, const train_progress *p)
{
    probe_state *ps = user;
    if (p->ev == TRAIN_EV_PROBE) {
        int passed = train_gate_run(&ps->gate, ps->s);
        if (passed && ps->stop_at_gate) fprintf(stderr, "gate passed with --gate-stop: ending the run here\n");
        return stop_flag != 0 || (passed && ps->stop_at_gate);
    }
    return progress(NULL, p);
}

/* "128@0,256@2000" into cfg's schedule; 0, or -1 with a message. */
static int parse_schedule(const char *str, train_config *cfg, rope_error *err)
{
    const char *q = str;
    cfg->n_sched = 0;
    while (*q) {
        char *end;
        long len = strtol(q, &end, 10);
        if (end == q || *end != '@') return rope_fail(err, "--ctx-schedule '%s': write LEN@STEP,... (e.g. 128@0,256@2000)", str);
        q = end + 1;
        long step = strtol(q, &end, 10);
        if (end == q || (*end && *end != ',')) return rope_fail(err, "--ctx-schedule '%s': write LEN@STEP,... (e.g. 128@0,256@2000)", str);
        if (cfg->n_sched >= TRAIN_MAX_SCHED) return rope_fail(err, "--ctx-schedule: at most %d entries", TRAIN_MAX_SCHED);
        if (len < 2 || len > 1 << 20 || step < 0) return rope_fail(err, "--ctx-schedule: %ld@%ld is out of range", len, step);
        cfg->sched_len[cfg->n_sched] = (int)len;
        cfg->sched_step[cfg->n_sched] = step;
        cfg->n_sched++;
        q = *end ? end + 1 : end;
    }
    if (!cfg->n_sched) return rope_fail(err, "--ctx-schedule is empty");
    return 0;
}

/* Logs every setting a resume changed (old -> new). */
static void log_changes(const char *cmd, const train_config *a, const train_config *b)
{
#define CH_D(field, name) if (a->field != b->field) fprintf(stderr, "%s: resume changes %s %g -> %g\n", cmd, name, (double)a->field, (double)b->field)
    CH_D(opt.lr_max, "lr");
    CH_D(opt.lr_min, "min-lr");
    CH_D(opt.warmup, "warmup");
    CH_D(opt.total, "steps");
    CH_D(opt.weight_decay, "wd");
    CH_D(opt.clip, "clip");
    if (a->opt.constant != b->opt.constant)
        fprintf(stderr, "%s: resume changes lr-schedule %s -> %s\n", cmd, a->opt.constant ? "constant" : "cosine",
                b->opt.constant ? "constant" : "cosine");
    CH_D(mix.passkey, "passkey-frac");
    CH_D(mix.kv, "kv-frac");
    CH_D(mix.copy, "copy-frac");
    CH_D(mix.repeat, "repeat-frac");
    CH_D(mix.recall, "recall-frac");
    CH_D(mix.recall_dmax, "recall-dmax");
    static const char *const forms[] = { "spans", "double", "mixed", "alphabets" };
    if (a->mix.recall_form != b->mix.recall_form)
        fprintf(stderr, "%s: resume changes recall-form %s -> %s\n", cmd, forms[a->mix.recall_form],
                forms[b->mix.recall_form]);
    CH_D(repeat_steps, "repeat-warmup");
    CH_D(kind_weight[CORPUS_TOK_COPY], "copy-weight");
    CH_D(kind_weight[CORPUS_TOK_ANSWER], "answer-weight");
#undef CH_D
    int same = a->n_sched == b->n_sched;
    for (int k = 0; same && k < a->n_sched; k++)
        same = a->sched_len[k] == b->sched_len[k] && a->sched_step[k] == b->sched_step[k];
    if (!same) fprintf(stderr, "%s: resume changes the context schedule (%d -> %d entries)\n", cmd, a->n_sched, b->n_sched);
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

int cmd_train_run(int argc, char **argv, int finetune)
{
    const char *cmd = finetune ? "finetune" : "train";
    if (cmd_wants_help(argc, argv)) {
        help(finetune);
        return 0;
    }
    opts o;
    memset(&o, 0, sizeof o);
    o.corpus = "kjv";
    o.threads = 2;
    o.log_every = 10;
    o.eval_every = 200;
    o.ckpt_every = 300;
    o.passkey = 0.15;
    o.kv = 0.10;
    o.copy = 0.10;
    o.wd = 0.1;
    o.clip = 1.0;
    o.seed = 1;
    o.lr = finetune ? 2e-4 : 2e-3;
    o.steps = finetune ? 200 : 6000;
    o.warmup = finetune ? 20 : 200;
    o.batch = finetune ? 2 : 16;
    o.ctx = finetune ? 0 : 512;
    o.short_frac = finetune ? 0.25 : 0.0;
    o.min_lr = -1;
    o.copy_weight = 1.0;
    o.answer_weight = 1.0;
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    train_config *cfg = malloc(sizeof *cfg);
    rope_error err;
    int rc = 0;
    train_model *init = NULL;
    corpus data;
    memset(&data, 0, sizeof data);
    train_session *s = NULL;
    char path_ckpt[4096], path_gguf[4096], path_kjv[4096], path_held[4096], path_snap[4096];
    enum { MAX_SNAPSHOTS = 64 };
    int snap_steps[MAX_SNAPSHOTS], n_snap = 0;
    long snap[MAX_SNAPSHOTS];
    if (!used || !ra || !cfg) { rc = cmd_error(cmd, 1, "out of memory"); goto done; }
    if (parse(argc, argv, &o, used, finetune, &err) || ropeargs_parse(argc, argv, ra, used, &err)) {
        rc = cmd_error(cmd, 2, "%s", err.msg);
        goto done;
    }
    const char *left = cmd_leftover(argc, argv, used);
    if (left) { rc = cmd_error(cmd, 2, "unknown argument '%s' (see ropescope %s --help)", left, cmd); goto done; }
    if (!(o.lr > 0.0 && o.lr < 10.0)) {
        rc = cmd_error(cmd, 2, "--lr %g: the learning rate must be in (0, 10); 0 would train nothing", o.lr);
        goto done;
    }

    train_config_default(cfg);
    cfg->opt.lr_max = o.lr;
    cfg->opt.lr_min = o.min_lr >= 0 ? o.min_lr : o.lr / 20.0;
    cfg->opt.warmup = o.warmup;
    cfg->opt.total = o.steps;
    cfg->opt.weight_decay = o.wd;
    cfg->opt.clip = o.clip;
    cfg->seed = (uint64_t)o.seed;
    cfg->n_threads = o.threads;
    cfg->batch = o.batch;
    cfg->mix.passkey = o.passkey;
    cfg->mix.kv = o.kv;
    cfg->mix.copy = o.copy;
    cfg->mix.repeat = o.repeat;
    cfg->repeat_steps = o.repeat_warmup;
    cfg->mix.recall = o.recall;
    cfg->mix.recall_dmax = o.recall_dmax;
    cfg->mix.recall_form = o.recall_form; /* the choice list is in the order of the CORPUS_RECALL_ constants */
    cfg->kind_weight[CORPUS_TOK_COPY] = (float)o.copy_weight;
    cfg->kind_weight[CORPUS_TOK_ANSWER] = (float)o.answer_weight;
    cfg->opt.constant = o.lr_schedule == 1;
    probe_state ps = { 0 };
    if (o.gate) {
        if (train_gate_parse(o.gate, &ps.gate, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto done; }
        if (!o.probe_every) o.probe_every = 200;
    } else if (o.gate_stop) {
        rc = cmd_error(cmd, 2, "--gate-stop needs a --gate");
        goto done;
    }
    ps.stop_at_gate = o.gate_stop;
    if (o.ctx_schedule) {
        if (parse_schedule(o.ctx_schedule, cfg, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto done; }
        int mx = 0;
        for (int k = 0; k < cfg->n_sched; k++) mx = cfg->sched_len[k] > mx ? cfg->sched_len[k] : mx;
        if (!given(argc, argv, "--ctx")) o.ctx = mx;
    }

    /* the architecture: flags (train) or the starting model (finetune; a shipped model's short name works) */
    char model_full[4096];
    if (o.model) o.model = cli_model_path(o.model, model_full, sizeof model_full);
    if (finetune && !o.resume) {
        if (!o.model) { rc = cmd_error(cmd, 2, "--model IN.gguf is required"); goto done; }
        init = malloc(sizeof *init);
        if (!init || train_model_load_gguf(init, o.model, &err)) {
            free(init);
            init = NULL;
            rc = cmd_error(cmd, 1, "%s", err.msg);
            goto done;
        }
        cfg->hp = init->hp;
    } else if (finetune) {
        if (!o.model) {
            rc = cmd_error(cmd, 2, "--resume for finetune also needs --model (the architecture is checked against it)");
            goto done;
        }
        train_model tmp;     /* only to learn the architecture */
        if (train_model_load_gguf(&tmp, o.model, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto done; }
        cfg->hp = tmp.hp;
        train_model_free(&tmp);
    } else {
        train_hparams *hp = &cfg->hp;
        if (o.d_model) hp->d_model = o.d_model;
        if (o.layers) hp->n_layer = o.layers;
        if (o.heads) hp->n_head = o.heads;
        hp->n_head_kv = o.kv_heads ? o.kv_heads : hp->n_head;
        if (o.ffn) hp->n_ff = o.ffn;
        hp->tied = o.tied;
        hp->head_dim = given(argc, argv, "--head-dim") ? ra->cfg.params.head_dim : hp->d_model / hp->n_head;
        if (!given(argc, argv, "--head-dim") && hp->d_model % hp->n_head) {
            rc = cmd_error(cmd, 2, "--d-model %d is not a multiple of --heads %d; give --head-dim", hp->d_model,
                           hp->n_head);
            goto done;
        }
    }
    /* the RoPE */
    {
        rope_params p = ra->cfg.params;
        int any = ra->loaded;
        static const char *rf[] = { "--method", "--flavor", "--head-dim", "--partial-rotary", "--base", "--orig-ctx",
                                    "--max-pos", "--factor", "--beta-fast", "--beta-slow", "--truncate", "--mscale",
                                    "--mscale-all-dim", "--attention-factor", "--low-freq-factor",
                                    "--high-freq-factor", "--seq-len" };
        for (size_t k = 0; k < sizeof rf / sizeof rf[0]; k++) any |= given(argc, argv, rf[k]);
        if (finetune && init && !any) {
            p = init->rope;
        } else if (finetune && init) {
            if (!given(argc, argv, "--base") && !ra->loaded) p.base = init->rope.base;
            if (!given(argc, argv, "--orig-ctx") && !ra->loaded) p.orig_ctx = init->hp.ctx_train;
            if (!given(argc, argv, "--max-pos") && !ra->loaded) p.max_pos = p.orig_ctx;
        } else if (!finetune && !given(argc, argv, "--orig-ctx") && !ra->loaded) {
            p.orig_ctx = p.max_pos = o.ctx;
        }
        if (!given(argc, argv, "--head-dim")) p.head_dim = cfg->hp.head_dim;
        if (p.head_dim != cfg->hp.head_dim) {
            rc = cmd_error(cmd, 2, "--head-dim %d differs from the model's head_dim %d", p.head_dim, cfg->hp.head_dim);
            goto done;
        }
        if (rope_params_validate(&p, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto done; }
        if (!o.bench && train_rope_exportable(&p, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto done; }
        cfg->rope = p;
    }
    if (finetune && !o.ctx) {
        rc = cmd_error(cmd, 2, "--ctx N is required: the context to fine-tune at (e.g. 4096 = 8 x 512)");
        goto done;
    }
    cfg->seq_len = o.ctx;
    cfg->hp.ctx_train = o.ctx;
    if (finetune) {
        cfg->short_frac = o.short_frac;
        cfg->short_len = o.short_ctx ? o.short_ctx : (init ? init->hp.ctx_train : cfg->rope.orig_ctx);
        if (cfg->short_len >= cfg->seq_len) cfg->short_frac = 0.0;
    }
    if (train_config_check(cfg, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto done; }
    if (o.snapshots && cmd_parse_int_list("--snapshots", o.snapshots, 1, o.steps, snap_steps, MAX_SNAPSHOTS, &n_snap,
                                          &err)) {
        rc = cmd_error(cmd, 2, "%s", err.msg);
        goto done;
    }
    for (int k = 0; k < n_snap; k++) snap[k] = snap_steps[k];

    if (o.bench) {
        printf("train bench: random tokens\n");
        rc = bench_train_shape(cmd, cfg, o.steps < 100 ? (int)o.steps : 9, NULL);
        goto done;
    }
    if (!o.out_dir) { rc = cmd_error(cmd, 2, "--out-dir DIR is required (checkpoints and exports go there)"); goto done; }
    if (mkdir(o.out_dir, 0755) != 0 && errno != EEXIST) {
        rc = cmd_error(cmd, 1, "cannot create --out-dir '%s': %s", o.out_dir, strerror(errno));
        goto done;
    }
    snprintf(path_ckpt, sizeof path_ckpt, "%s/ckpt.bin", o.out_dir);
    snprintf(path_gguf, sizeof path_gguf, "%s", o.out ? o.out : "");
    if (!o.out) snprintf(path_gguf, sizeof path_gguf, "%s/model.gguf", o.out_dir);
    snprintf(path_kjv, sizeof path_kjv, "%s/kjv.txt", o.out_dir);
    snprintf(path_held, sizeof path_held, "%s/heldout.txt", o.out_dir);
    snprintf(path_snap, sizeof path_snap, "%s/model-step", o.out_dir);
    {   /* outputs: a regular file or a new name (never a link, device or FIFO); a killed run's temps go */
        const char *outs[] = { path_gguf, path_ckpt, path_held };
        for (int k = 0; k < 3; k++) {
            if (gguf_out_check(outs[k], &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto done; }
            gguf_out_sweep(outs[k]);
        }
    }

    /* the corpus */
    if (!strcmp(o.corpus, "kjv")) {
        if (!file_exists(path_kjv)) {
            fprintf(stderr, "fetching the KJV with `%s` into %s\n", CORPUS_KJV_COMMAND, path_kjv);
            if (corpus_fetch_kjv(path_kjv, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto done; }
        }
        o.corpus = path_kjv;
    }
    if (corpus_load(&data, o.corpus, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto done; }
    if (corpus_write_heldout(&data, path_held, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto done; }

    s = calloc(1, sizeof *s);
    if (!s) { rc = cmd_error(cmd, 1, "out of memory"); goto done; }
    if (o.resume) {
        if (train_session_resume(s, cfg, &data, path_ckpt, &err)) {
            free(s);
            s = NULL;
            rc = cmd_error(cmd, 1, "%s", err.msg);
            goto done;
        }
        /* flags given on the command line change the stored run configuration */
        train_config next = s->cfg, old = s->cfg;
        next.opt.total = cfg->opt.total;
        if (given(argc, argv, "--lr")) next.opt.lr_max = cfg->opt.lr_max;
        if (given(argc, argv, "--min-lr") || given(argc, argv, "--lr")) next.opt.lr_min = cfg->opt.lr_min;
        if (given(argc, argv, "--warmup")) next.opt.warmup = cfg->opt.warmup;
        if (given(argc, argv, "--wd")) next.opt.weight_decay = cfg->opt.weight_decay;
        if (given(argc, argv, "--clip")) next.opt.clip = cfg->opt.clip;
        if (given(argc, argv, "--lr-schedule")) next.opt.constant = cfg->opt.constant;
        if (given(argc, argv, "--passkey-frac")) next.mix.passkey = cfg->mix.passkey;
        if (given(argc, argv, "--kv-frac")) next.mix.kv = cfg->mix.kv;
        if (given(argc, argv, "--copy-frac")) next.mix.copy = cfg->mix.copy;
        if (given(argc, argv, "--repeat-frac")) next.mix.repeat = cfg->mix.repeat;
        if (given(argc, argv, "--recall-frac")) next.mix.recall = cfg->mix.recall;
        if (given(argc, argv, "--recall-dmax")) next.mix.recall_dmax = cfg->mix.recall_dmax;
        if (given(argc, argv, "--recall-form")) next.mix.recall_form = cfg->mix.recall_form;
        if (given(argc, argv, "--repeat-warmup")) next.repeat_steps = cfg->repeat_steps;
        if (given(argc, argv, "--copy-weight")) next.kind_weight[CORPUS_TOK_COPY] = cfg->kind_weight[CORPUS_TOK_COPY];
        if (given(argc, argv, "--answer-weight"))
            next.kind_weight[CORPUS_TOK_ANSWER] = cfg->kind_weight[CORPUS_TOK_ANSWER];
        if (given(argc, argv, "--ctx-schedule")) {
            next.n_sched = cfg->n_sched;
            memcpy(next.sched_len, cfg->sched_len, sizeof next.sched_len);
            memcpy(next.sched_step, cfg->sched_step, sizeof next.sched_step);
        }
        if (given(argc, argv, "--ctx")) next.seq_len = cfg->seq_len;
        if (given(argc, argv, "--batch")) next.batch = cfg->batch;
        if (given(argc, argv, "--seed")) next.seed = cfg->seed;
        if (train_session_retune(s, &next, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto done; }
        fprintf(stderr, "resumed %s at step %ld (%.0f tokens seen)\n", path_ckpt, s->step, s->tokens);
        log_changes(cmd, &old, &s->cfg);
    } else {
        if (file_exists(path_ckpt)) {
            rc = cmd_error(cmd, 2, "%s exists; add --resume to continue it, or use another --out-dir", path_ckpt);
            free(s);
            s = NULL;
            goto done;
        }
        if (train_session_init(s, cfg, init, &data, &err)) {
            free(s);
            s = NULL;
            rc = cmd_error(cmd, 1, "%s", err.msg);
            goto done;
        }
    }
    {
        char desc[160];
        const rope_method_info *mi = rope_method_get(s->cfg.rope.method);
        train_hparams_describe(&s->model.hp, desc, sizeof desc);
        size_t np = 0;
        for (int k = 0; k < s->model.n_tensors; k++) np += s->model.tensors[k].n;
        fprintf(stderr, "%s: %s, %zu parameters (%.2f MiB as F32); rope %s factor %g base %g orig ctx %d\n", cmd,
                desc, np, np * 4.0 / 1048576.0, mi ? mi->name : "?", s->cfg.rope.factor, s->cfg.rope.base,
                s->cfg.rope.orig_ctx);
        fprintf(stderr, "%s: ctx %d, batch %d (%d tokens/step), short rows %.2f x %d, steps %ld, lr %g -> %g, "
                        "warmup %ld, wd %g, clip %g, seed %llu, %d threads\n", cmd, s->cfg.seq_len, s->cfg.batch,
                s->cfg.batch * s->cfg.seq_len, s->cfg.short_frac, s->cfg.short_len, s->cfg.opt.total,
                s->cfg.opt.lr_max, s->cfg.opt.lr_min, s->cfg.opt.warmup, s->cfg.opt.weight_decay, s->cfg.opt.clip,
                (unsigned long long)s->cfg.seed, s->cfg.n_threads);
        fprintf(stderr, "%s: corpus %s: %zu bytes training, %zu held out (-> %s); tasks %.2f passkey, %.2f kv, "
                        "%.2f copy, %.2f repeat, %.2f recall (distances to %d); %ld repeat-only warm-up steps\n", cmd,
                o.corpus, data.n_train, data.n_heldout, path_held, s->cfg.mix.passkey, s->cfg.mix.kv, s->cfg.mix.copy,
                s->cfg.mix.repeat, s->cfg.mix.recall, s->cfg.mix.recall_dmax, s->cfg.repeat_steps);
        fprintf(stderr, "%s: lr schedule %s; loss weights copy %g, answer %g", cmd,
                s->cfg.opt.constant ? "constant" : "cosine", s->cfg.kind_weight[CORPUS_TOK_COPY],
                s->cfg.kind_weight[CORPUS_TOK_ANSWER]);
        for (int k = 0; k < s->cfg.n_sched; k++)
            fprintf(stderr, "%s%d@%ld", k ? "," : "; context schedule ", s->cfg.sched_len[k], s->cfg.sched_step[k]);
        fprintf(stderr, "\n");
    }
    peak_gflops = bench_peak_gflops(o.threads);
    if (peak_gflops > 0)
        fprintf(stderr, "%s: this machine's fp32 FMA peak on %d thread(s): %.0f GFLOP/s (measured now)\n", cmd,
                o.threads, peak_gflops);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    train_run_opts ro = { path_ckpt, o.ckpt_every, o.log_every, o.eval_every, path_gguf, snap, n_snap, path_snap,
                          o.probe_every };
    ps.s = s;
    ps.gate.dir = o.out_dir;
    if (train_run(s, &ro, progress_probe, &ps, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto done; }
    fprintf(stderr, "%s: %s at step %ld/%ld; model %s, checkpoint %s\n", cmd,
            s->step >= s->cfg.opt.total ? "finished" : "stopped", s->step, s->cfg.opt.total, path_gguf, path_ckpt);
done:
    if (s) { train_session_free(s); free(s); }
    if (init) { train_model_free(init); free(init); }
    corpus_free(&data);
    free(used);
    free(ra);
    free(cfg);
    return rc;
}

int cmd_train(int argc, char **argv)
{
    return cmd_train_run(argc, argv, 0);
}
