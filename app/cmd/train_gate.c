/* app/cmd/train_gate.c — probes and gates during training (contract in train_gate.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "corpus.h"
#include "eval.h"
#include "eval_probe.h"
#include "model.h"
#include "train_gate.h"

int train_gate_parse(const char *spec, train_gate *g, rope_error *err)
{
    char kind[16];
    int n = 0, at = 0;
    double bound = 0;
    if (sscanf(spec, "%15[a-z]:%d:%lf%n", kind, &at, &bound, &n) == 3 && !spec[n]) {
        if ((!strcmp(kind, "copy") || !strcmp(kind, "letters")) && at >= 2 && bound > 0) {
            g->kind = kind[0] == 'c' ? TRAIN_GATE_COPY : TRAIN_GATE_LETTERS;
            g->at = at;
            g->bound = bound;
            return 0;
        }
        if (!strcmp(kind, "passkey") && at >= CORPUS_TASK_MIN && at <= 1 << 20 && bound > 0 && bound <= 1) {
            g->kind = TRAIN_GATE_PASSKEY;
            g->at = at;
            g->bound = bound;
            return 0;
        }
    }
    return rope_fail(err, "--gate '%s': write copy:DIST:RATIO (e.g. copy:64:0.5), letters:DIST:RATIO or "
                          "passkey:LEN:FRAC (e.g. passkey:512:0.9, LEN >= %d, FRAC in (0, 1])", spec, CORPUS_TASK_MIN);
}

static int keep(const train_gate *g, const train_session *s, const char *from, double got)
{
    char path[4096];
    rope_error err;
    snprintf(path, sizeof path, "%s/model-gate-step%ld.gguf", g->dir, s->step);
    int bad = from ? rename(from, path) != 0 : train_model_save_gguf(&s->model, path, &err);
    if (bad) {
        fprintf(stderr, "gate passed at step %ld but the snapshot failed: %s\n", s->step,
                from ? "cannot rename the probe's export" : err.msg);
        return 0;
    }
    fprintf(stderr, "gate %s:%d:%g passed at step %ld (%.3f) -> %s\n", g->kind == TRAIN_GATE_COPY ? "copy"
            : g->kind == TRAIN_GATE_LETTERS ? "letters" : "passkey", g->at, g->bound, s->step, got, path);
    return 1;
}

static int copy_probe(const train_gate *g, train_session *s)
{
    int copy = g->kind == TRAIN_GATE_COPY || g->kind == TRAIN_GATE_LETTERS;
    int dists[3] = { 32, 64, g->at };
    int nd = copy && g->at != 32 && g->at != 64 ? 3 : 2;
    eval_probe_opts o;
    eval_probe_opts_default(&o);
    o.n_pass = 16;
    if (g->kind == TRAIN_GATE_LETTERS) o.alphabet = EVAL_PROBE_LETTERS;
    o.n_threads = s->cfg.n_threads;
    eval_probe_copy res[3];
    rope_error err;
    if (eval_probe_copy_run(&s->model, dists, nd, &o, res, &err)) {
        fprintf(stderr, "probe step %ld: %s\n", s->step, err.msg);
        return 0;
    }
    fprintf(stderr, "probe step %ld (%.0f tokens): copy%s", s->step, s->tokens,
            o.alphabet == EVAL_PROBE_LETTERS ? " (letters)" : "");
    for (int k = 0; k < nd; k++)
        fprintf(stderr, "  @%d %.3f/%.3f = %.3f", res[k].dist, res[k].second, res[k].first, res[k].ratio);
    fprintf(stderr, "\n");
    if (!copy) return 0;
    for (int k = 0; k < nd; k++)
        if (res[k].dist == g->at && res[k].ratio < g->bound) return keep(g, s, NULL, res[k].ratio);
    return 0;
}

/* The passkey study on an export of the current weights (the inference engine reads GGUF). */
static int passkey_probe(const train_gate *g, train_session *s)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/.probe-passkey.gguf", g->dir);
    rope_error err;
    model m;
    int loaded = 0;
    eval_passkey_spec sp;
    eval_passkey_study st = { 0 };
    memset(&sp, 0, sizeof sp);
    if (train_model_save_gguf(&s->model, path, &err) || model_load(&m, path, &err)) goto fail;
    loaded = 1;
    sp.lengths[0] = g->at;
    sp.n_lengths = 1;
    sp.trials = 20;
    sp.n_alt = 9;
    sp.seed = 1;
    sp.n_threads = s->cfg.n_threads;
    sp.kv = MODEL_KV_KEEP;
    sp.rope = m.rope;
    if (eval_passkey_study_run(&m, &sp, &st, NULL, NULL, &err)) goto fail;
    double share = st.n_trials ? (double)st.lp_correct / st.n_trials : 0;
    fprintf(stderr, "probe step %ld (%.0f tokens): passkey @%d log-prob %d/%d = %.0f%%, greedy %d/%d\n", s->step,
            s->tokens, g->at, st.lp_correct, st.n_trials, 100 * share, st.gen_correct, st.n_trials);
    eval_passkey_study_free(&st);
    model_free(&m);
    if (share >= g->bound) return keep(g, s, path, share);
    unlink(path);
    return 0;
fail:
    fprintf(stderr, "probe step %ld: passkey: %s\n", s->step, err.msg);
    if (loaded) model_free(&m);
    unlink(path);
    return 0;
}

int train_gate_run(const train_gate *g, train_session *s)
{
    int passed = copy_probe(g, s);
    if (g->kind == TRAIN_GATE_PASSKEY) passed = passkey_probe(g, s);
    return passed;
}
