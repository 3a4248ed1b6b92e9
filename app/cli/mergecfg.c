/* app/cli/mergecfg.c — text-level patch of a config.json's top-level keys (mergecfg.h): a small
 * scanner finds each member's key and value spans, and the new values are spliced in by offset, so
 * every other byte keeps its place. */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "mergecfg.h"

#define MERGE_MAX_MEMBERS 4096

typedef struct member {
    size_t key_start;   /* the opening quote of the key */
    size_t val_start, val_end;  /* the value: [val_start, val_end) */
    char   key[64];     /* the key (longer keys are never RoPE keys: cut, and never matched) */
} member;

typedef struct object_span {
    size_t open, close; /* the '{' and the '}' */
    int    n;
    member m[MERGE_MAX_MEMBERS];
} object_span;

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* i at an opening quote: the index after the closing one, or n */
static size_t skip_string(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

/* i at a value: the index after it (the text was validated by cJSON first) */
static size_t skip_value(const char *s, size_t n, size_t i)
{
    if (i < n && s[i] == '"')
        return skip_string(s, n, i);
    if (i < n && (s[i] == '{' || s[i] == '[')) {
        int depth = 0;
        for (; i < n; i++) {
            if (s[i] == '"')
                i = skip_string(s, n, i) - 1;
            else if (s[i] == '{' || s[i] == '[')
                depth++;
            else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
                return i + 1;
        }
        return n;
    }
    while (i < n && !strchr(",}] \t\r\n", s[i]))
        i++;
    return i;
}

/* The members of the object whose '{' is at s[open]. */
static int scan_object(const char *s, size_t n, size_t open, object_span *o, rope_error *err)
{
    o->open = open;
    o->n = 0;
    size_t i = skip_ws(s, n, open + 1);
    while (i < n && s[i] != '}') {
        if (s[i] != '"')
            return rope_fail(err, "unexpected text in the config at byte %zu", i);
        if (o->n == MERGE_MAX_MEMBERS)
            return rope_fail(err, "the config has more than %d keys in one object", MERGE_MAX_MEMBERS);
        member *m = &o->m[o->n++];
        m->key_start = i;
        size_t ke = skip_string(s, n, i), kl = ke - i - 2;
        if (kl >= sizeof m->key)
            kl = sizeof m->key - 1;
        memcpy(m->key, s + i + 1, kl);
        m->key[kl] = '\0';
        i = skip_ws(s, n, ke);
        if (i >= n || s[i] != ':')
            return rope_fail(err, "expected ':' in the config at byte %zu", i);
        m->val_start = skip_ws(s, n, i + 1);
        m->val_end = skip_value(s, n, m->val_start);
        i = skip_ws(s, n, m->val_end);
        if (i < n && s[i] == ',')
            i = skip_ws(s, n, i + 1);
    }
    if (i >= n)
        return rope_fail(err, "the config ends inside an object");
    o->close = i;
    return 0;
}

/* The first member named key at or after index from, or NULL. */
static const member *find(const object_span *o, const char *key, int from)
{
    for (int k = from; k < o->n; k++)
        if (!strcmp(o->m[k].key, key))
            return &o->m[k];
    return NULL;
}

typedef struct edit {
    size_t at, cut;     /* replace cfg[at, at + cut) */
    char  *text;        /* with this (malloc'd) */
} edit;

static int by_offset(const void *a, const void *b)
{
    const edit *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* value text v[0..vl) with every newline followed by extra spaces of indentation (malloc'd) */
static char *reindent(const char *v, size_t vl, size_t extra)
{
    size_t lines = 0;
    for (size_t k = 0; k < vl; k++)
        lines += v[k] == '\n';
    char *t = malloc(vl + lines * extra + 1), *w = t;
    if (!t)
        return NULL;
    for (size_t k = 0; k < vl; k++) {
        *w++ = v[k];
        if (v[k] == '\n')
            for (size_t e = 0; e < extra; e++)
                *w++ = ' ';
    }
    *w = '\0';
    return t;
}

/* the indentation (spaces/tabs before it on its line) of position i, as a count and its text */
static size_t indent_of(const char *s, size_t i)
{
    size_t b = i;
    while (b > 0 && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    return (b == 0 || s[b - 1] == '\n') ? i - b : 0;
}

int mergecfg_patch(const char *cfg, size_t len, const char *patch, const char *const *skip_if_absent, char **out,
                   rope_error *err)
{
    *out = NULL;
    cJSON *c = cJSON_ParseWithLength(cfg, len);
    int is_obj = cJSON_IsObject(c);
    int use_text = is_obj && cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(c, "text_config")) &&
                   !cJSON_GetObjectItemCaseSensitive(c, "num_attention_heads") &&
                   !cJSON_GetObjectItemCaseSensitive(c, "rope_scaling") &&
                   !cJSON_GetObjectItemCaseSensitive(c, "rope_parameters");
    cJSON_Delete(c);
    if (!is_obj)
        return rope_fail(err, "the config is not a JSON object (check it with python -m json.tool)");
    size_t plen = strlen(patch);
    object_span *co = malloc(sizeof *co), *po = malloc(sizeof *po);
    edit *ed = NULL;
    int n_ed = 0, rc = -1;
    if (!co || !po) {
        rope_fail(err, "out of memory");
        goto done;
    }
    size_t open = skip_ws(cfg, len, 0);
    if (len >= 3 && (unsigned char)cfg[0] == 0xef && (unsigned char)cfg[1] == 0xbb)
        open = skip_ws(cfg, len, 3); /* a UTF-8 byte order mark */
    if (scan_object(cfg, len, open, co, err))
        goto done;
    if (use_text) {
        const member *tc = find(co, "text_config", 0);
        if (scan_object(cfg, len, tc->val_start, co, err))
            goto done;
    }
    if (scan_object(patch, plen, skip_ws(patch, plen, 0), po, err))
        goto done;
    ed = calloc((size_t)co->n + (size_t)po->n + 1, sizeof *ed);  /* one per replaced member, + the additions */
    if (!ed) {
        rope_fail(err, "out of memory");
        goto done;
    }
    /* the patch's members sit at the patch's own indentation; the config's at its own */
    size_t p_ind = po->n ? indent_of(patch, po->m[0].key_start) : 0;
    size_t c_ind = co->n ? indent_of(cfg, co->m[0].key_start) : indent_of(cfg, co->open) + 2;
    size_t extra = c_ind > p_ind ? c_ind - p_ind : 0;
    size_t tail = co->n ? co->m[co->n - 1].val_end : co->open + 1;
    char *adds = NULL;
    size_t adds_len = 0;
    for (int k = 0; k < po->n; k++) {
        const member *pm = &po->m[k];
        const member *cm = find(co, pm->key, 0);
        char *v = reindent(patch + pm->val_start, pm->val_end - pm->val_start, extra);
        if (!v) {
            rope_fail(err, "out of memory");
            free(adds);
            goto done;
        }
        if (cm) { /* every occurrence: Python's json keeps the last one, cJSON the first */
            for (; cm; cm = find(co, pm->key, (int)(cm - co->m) + 1)) {
                char *dup = strdup(v);
                if (!dup) {
                    free(v);
                    free(adds);
                    rope_fail(err, "out of memory");
                    goto done;
                }
                ed[n_ed++] = (edit){ cm->val_start, cm->val_end - cm->val_start, dup };
            }
            free(v);
            continue;
        }
        int skip = 0;
        for (const char *const *s = skip_if_absent; s && *s; s++)
            skip |= !strcmp(*s, pm->key);
        if (skip) {
            free(v);
            continue;
        }
        /* ",\n" + indentation + "key": value */
        size_t kl = pm->val_start - pm->key_start, need = adds_len + 2 + c_ind + kl + strlen(v) + 1;
        char *g = realloc(adds, need);
        if (!g) {
            free(v);
            free(adds);
            rope_fail(err, "out of memory");
            goto done;
        }
        adds = g;
        size_t w = adds_len;
        if (co->n || w) adds[w++] = ',';
        adds[w++] = '\n';
        memset(adds + w, ' ', c_ind);
        w += c_ind;
        memcpy(adds + w, patch + pm->key_start, kl); /* "key": as the patch spells it */
        w += kl;
        strcpy(adds + w, v);
        adds_len = w + strlen(v);
        free(v);
    }
    if (adds) {
        if (!co->n) { /* an empty object: end the added lines before its '}' */
            char *g = realloc(adds, adds_len + 2);
            if (!g) { free(adds); rope_fail(err, "out of memory"); goto done; }
            adds = g;
            adds[adds_len++] = '\n';
            adds[adds_len] = '\0';
        }
        ed[n_ed++] = (edit){ tail, 0, adds };
    }
    qsort(ed, (size_t)n_ed, sizeof *ed, by_offset);
    size_t total = len + 1;
    for (int k = 0; k < n_ed; k++)
        total += strlen(ed[k].text);
    char *o = malloc(total), *w = o;
    if (!o) {
        rope_fail(err, "out of memory");
        goto done;
    }
    size_t at = 0;
    for (int k = 0; k < n_ed; k++) {
        memcpy(w, cfg + at, ed[k].at - at);
        w += ed[k].at - at;
        size_t tl = strlen(ed[k].text);
        memcpy(w, ed[k].text, tl);
        w += tl;
        at = ed[k].at + ed[k].cut;
    }
    memcpy(w, cfg + at, len - at);
    w[len - at] = '\0';
    *out = o;
    rc = 0;
done:
    for (int k = 0; ed && k < n_ed; k++)
        free(ed[k].text);
    free(ed);
    free(co);
    free(po);
    return rc;
}
