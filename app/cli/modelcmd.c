/* app/cli/modelcmd.c — the model commands' shared helpers (modelcmd.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "assets.h"
#include "eval.h"
#include "modelcmd.h"
#include "rope_knob.h"

int cmd_model_load(int argc, char **argv, const char *path, const ropeargs *ra, model *m, rope_params *p,
                   rope_error *err)
{
    char def[4096];
    path = cli_model_path(path, def, sizeof def);
    if (model_load(m, path, err)) return -1;
    *p = m->rope;
    const rope_params *u = &ra->cfg.params;
    if (ra->loaded) {
        *p = *u;
        p->head_dim = m->hp.head_dim;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) continue;
        const rope_knob *k = rope_knob_by_flag(a); /* an explicit flag wins over the metadata */
        if (k && k->id != ROPE_KNOB_HEAD_DIM && k->id != ROPE_KNOB_SEQ_LEN) rope_knob_copy(k, p, u);
        if (ropeargs_is(a, "--head-dim") && u->head_dim != m->hp.head_dim) {
            int hd = m->hp.head_dim;
            model_free(m);
            return rope_fail(err, "--head-dim %d differs from the model's head_dim %d; leave it out", u->head_dim, hd);
        }
    }
    if (u->n_factors && (ra->loaded || p->method == ROPE_LONGROPE)) {
        p->n_factors = u->n_factors;
        memcpy(p->short_factor, u->short_factor, sizeof p->short_factor);
        memcpy(p->long_factor, u->long_factor, sizeof p->long_factor);
    }
    p->seq_len = 0;
    if (rope_params_validate(p, err)) { model_free(m); return -1; }
    ropeargs_warn_plain(argc, argv, ra, p);
    return 0;
}



/* Splits s at commas into words of at most 63 bytes; calls each(word, k) for word k. */
static int split_list(const char *flag, const char *s, int max, int *n, rope_error *err,
                      int (*each)(const char *w, int k, void *u), void *u)
{
    *n = 0;
    if (!s[0]) return rope_fail(err, "%s: the list is empty", flag);
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char w[64];
        if (len == 0) return rope_fail(err, "%s: empty item in '%s'", flag, s);
        if (len >= sizeof w) return rope_fail(err, "%s: item '%.20s…' is too long", flag, p);
        if (*n >= max) return rope_fail(err, "%s: more than %d items", flag, max);
        memcpy(w, p, len);
        w[len] = '\0';
        if (each(w, (*n)++, u)) return -1;
        if (!e) return 0;
        p = e + 1;
    }
}

typedef struct list_ctx {
    const char *flag;
    long ilo, ihi;
    double dlo, dhi;
    void *out;
    rope_error *err;
} list_ctx;

static int each_int(const char *w, int k, void *u)
{
    list_ctx *l = u;
    return ropeargs_int(l->flag, w, l->ilo, l->ihi, (int *)l->out + k, l->err);
}

static int each_double(const char *w, int k, void *u)
{
    list_ctx *l = u;
    return ropeargs_double(l->flag, w, l->dlo, l->dhi, (double *)l->out + k, l->err);
}

static int each_method(const char *w, int k, void *u)
{
    list_ctx *l = u;
    if (rope_method_from_name(w, (rope_method *)l->out + k))
        return rope_fail(l->err, "%s: unknown method '%s' (none, linear, ntk, dynamic, ntk-parts, yarn, "
                         "dynamic-yarn, llama3, longrope)", l->flag, w);
    return 0;
}

int cmd_parse_int_list(const char *flag, const char *s, long lo, long hi, int *out, int max, int *n, rope_error *err)
{
    list_ctx l = { flag, lo, hi, 0, 0, out, err };
    return split_list(flag, s, max, n, err, each_int, &l);
}

int cmd_parse_double_list(const char *flag, const char *s, double lo, double hi, double *out, int max, int *n,
                          rope_error *err)
{
    list_ctx l = { flag, 0, 0, lo, hi, out, err };
    return split_list(flag, s, max, n, err, each_double, &l);
}

int cmd_parse_methods(const char *flag, const char *s, rope_method *out, int max, int *n, rope_error *err)
{
    list_ctx l = { flag, 0, 0, 0, 0, out, err };
    return split_list(flag, s, max, n, err, each_method, &l);
}

/* The whole file as byte tokens; *tok is malloc'd (the caller frees it). */
int cmd_read_tokens(const char *path, int **tok, long *n, rope_error *err)
{
    *tok = NULL;
    *n = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) return rope_fail(err, "%s: cannot open the text file: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return rope_fail(err, "%s is a directory, not a text file", path);
    }
    long cnt = 0, cap = 1 << 16;
    unsigned char *b = malloc((size_t)cap);
    int ch;
    while (b && (ch = fgetc(fp)) != EOF) {
        if (cnt == CMD_TEXT_MAX) {     /* a cap, not a guess: /dev/zero or a huge file must not run to OOM */
            free(b);
            fclose(fp);
            return rope_fail(err, "%s is larger than the %d MiB a text file may have here; take a slice "
                             "(head -c 8M FILE > slice.txt)", path, CMD_TEXT_MAX >> 20);
        }
        if (cnt == cap) {
            unsigned char *g = realloc(b, (size_t)(cap *= 2));
            if (!g) { free(b); b = NULL; break; }
            b = g;
        }
        b[cnt++] = (unsigned char)ch;
    }
    int rerr = ferror(fp);
    fclose(fp);
    if (!b) return rope_fail(err, "out of memory reading %s", path);
    if (rerr) { free(b); return rope_fail(err, "%s: a read error occurred", path); }
    /* tokens as llama.cpp reads the text (model_tokenize: a literal U+2581 is a space) */
    size_t nt = model_tokenize(b, (size_t)cnt, NULL);
    int *t = malloc(sizeof(int) * (nt ? nt : 1));
    if (!t) { free(b); return rope_fail(err, "out of memory reading %s", path); }
    model_tokenize(b, (size_t)cnt, t);
    free(b);
    *tok = t;
    *n = (long)nt;
    return 0;
}

/* 1 if argv[1..argc) holds flag (or flag=value). */
int cmd_flag_given(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (ropeargs_is(argv[i], flag)) return 1;
    return 0;
}

const char *cmd_model_extended(const model *m, char *buf, size_t size)
{
    if (!size) return "";
    buf[0] = '\0';
    if (m->hp.ctx_train != eval_base_ctx(m))
        snprintf(buf, size, " (extended to %d by fine-tuning)", m->hp.ctx_train);
    return buf;
}
