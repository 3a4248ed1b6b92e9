/* ropecore/config/rope_config.c — reads a Hugging Face config.json (legacy `rope_scaling` or v5
 * `rope_parameters`) into a rope_config, resolving it as transformers v5 does. Every error is one
 * line: the source, the JSON key, what is wrong with it and how to fix it. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "rope_config.h"

#define CONFIG_MAX_BYTES ((size_t)16 << 20)
#define MAX_TOKENS       (1 << 30)
#define MAX_BASE         1e15
#define MAX_FACTOR       1e6

/* Keys a scaling dict may hold in some loader (HF, vLLM, llama.cpp's converter); others are typos. */
static const char *const known_scaling_keys[] = {
    "type", "rope_type", "rope_theta", "partial_rotary_factor", "factor",
    "original_max_position_embeddings", "attention_factor", "beta_fast", "beta_slow", "mscale",
    "mscale_all_dim", "truncate", "low_freq_factor", "high_freq_factor", "short_factor", "long_factor",
    "short_mscale", "long_mscale", "finetuned", "mrope_section", "mrope_interleaved",
    "extrapolation_factor", "attn_factor", "apply_yarn_scaling", "alpha", "max_trained_positions",
    "llama_4_scaling_beta", "max_position_embeddings",
};

/* Keys an engine reads that ropescope's frequency tables do not model: parity and lint name them
 * (scaling-dict keys first, then top-level ones). */
static const char *const unmodelled_dict_keys[] = {
    "short_mscale", "long_mscale", "extrapolation_factor", "attn_factor", "apply_yarn_scaling", "alpha",
    "mrope_section", "llama_4_scaling_beta",
};
static const char *const unmodelled_top_keys[] = {
    "no_rope_layers", "attention_chunk_size", "attn_temperature_tuning", "floor_scale", "attn_scale",
    "rope_local_base_freq", "sliding_window_pattern", "llama_4_scaling",
};

typedef struct parser {
    const char      *where; /* file path or "preset NAME" */
    rope_error      *err;
    rope_config_raw *raw;
} parser;

/* What one scaling dict said (before resolution). n_* = -1 when a list is absent. */
typedef struct scaling_keys {
    const char *dict;              /* "rope_scaling", "rope_parameters" or "rope_parameters.full_attention" */
    char   type[64], rope_type[64];
    int    has_type, has_rope_type;
    double factor, theta, partial, attention_factor, beta_fast, beta_slow, mscale, mscale_all_dim;
    double low_freq_factor, high_freq_factor, extrapolation_factor;
    int    has_extrapolation_factor;
    int    has_factor, has_theta, has_partial, has_attention_factor, has_beta_fast, has_beta_slow;
    int    has_mscale, has_mscale_all_dim, has_low, has_high, has_truncate, truncate;
    int    orig_ctx;               /* 0 = absent */
    int    trained_ctx;            /* max_trained_positions (vLLM's dynamic NTK), 0 = absent */
    int    n_short, n_long;
    double short_factor[ROPE_MAX_PAIRS], long_factor[ROPE_MAX_PAIRS]; /* [n_short], [n_long] */
} scaling_keys;

/* What the top level (or text_config) said. 0 / has_* = 0 when absent. */
typedef struct top_keys {
    const char *prefix;            /* "" or "text_config" */
    int    hidden_size, n_heads, n_kv_heads, n_layers, vocab_size, max_pos, head_dim, qk_rope_head_dim;
    int    orig_ctx;
    int    trained_ctx;            /* max_trained_positions, 0 = absent */
    double theta, partial;
    int    has_theta, has_partial;
} top_keys;

/* --- messages ----------------------------------------------------------------------------------- */

static int fail(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parser *ps, const char *fmt, ...)
{
    char msg[ROPE_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return rope_fail(ps->err, "%s: %s", ps->where, msg);
}

static void key_path(char *buf, size_t n, const char *dict, const char *key)
{
    snprintf(buf, n, "%s%s%s", dict, *dict ? "." : "", key);
}

/* A string value for a message: at most 40 bytes, control characters and quotes replaced. */
static void quote_string(const char *s, char *buf, size_t n)
{
    size_t k = 0, limit = n < 44 ? n - 4 : 40;
    for (; s[k] && k < limit; k++)
        buf[k] = ((unsigned char)s[k] < 0x20 || s[k] == '"' || s[k] == 0x7f) ? '?' : s[k];
    if (s[k]) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
}

/* "a string ("8")", "an array of 3 values", "an object", "true", ... */
static void describe(const cJSON *v, char *buf, size_t n)
{
    char q[48];
    if (cJSON_IsString(v)) {
        quote_string(v->valuestring, q, sizeof q);
        snprintf(buf, n, "a string (\"%s\")", q);
    } else if (cJSON_IsTrue(v)) {
        snprintf(buf, n, "true");
    } else if (cJSON_IsFalse(v)) {
        snprintf(buf, n, "false");
    } else if (cJSON_IsArray(v)) {
        snprintf(buf, n, "an array of %d values", cJSON_GetArraySize(v));
    } else if (cJSON_IsObject(v)) {
        snprintf(buf, n, "an object");
    } else if (cJSON_IsNumber(v)) {
        snprintf(buf, n, "%g", v->valuedouble);
    } else {
        snprintf(buf, n, "null");
    }
}

/* --- typed members --------------------------------------------------------------------------------- */

/* The member named key, as Python's json reads it: the last of duplicates wins, null = absent. */
static const cJSON *member(parser *ps, const cJSON *obj, const char *dict, const char *key)
{
    const cJSON *found = NULL;
    int n = 0;
    for (const cJSON *it = obj ? obj->child : NULL; it; it = it->next)
        if (it->string && strcmp(it->string, key) == 0) {
            found = it;
            n++;
        }
    if (n > 1 && ps->raw->n_duplicate_keys++ == 0)
        key_path(ps->raw->duplicate_key, sizeof ps->raw->duplicate_key, dict, key);
    return found && !cJSON_IsNull(found) ? found : NULL;
}

/* 1 present (stored in *out), 0 absent, -1 error. */
static int get_number(parser *ps, const cJSON *obj, const char *dict, const char *key,
                      const char *example, double *out)
{
    const cJSON *v = member(ps, obj, dict, key);
    char path[96], d[80];
    if (!v)
        return 0;
    key_path(path, sizeof path, dict, key);
    if (!cJSON_IsNumber(v)) {
        describe(v, d, sizeof d);
        return fail(ps, "%s is %s; expected a number like %s", path, d, example);
    }
    if (!isfinite(v->valuedouble))
        return fail(ps, "%s is not a finite number (it overflows a double); write a number like %s",
                    path, example);
    *out = v->valuedouble;
    return 1;
}

static int get_int(parser *ps, const cJSON *obj, const char *dict, const char *key, int lo, int hi,
                   const char *example, int *out)
{
    double v = 0.0;
    char path[96];
    int rc = get_number(ps, obj, dict, key, example, &v);
    if (rc <= 0)
        return rc;
    key_path(path, sizeof path, dict, key);
    if (v != floor(v))
        return fail(ps, "%s is %g; expected a whole number like %s", path, v, example);
    if (v < lo || v > hi)
        return fail(ps, "%s is %g; expected a whole number from %d to %d (e.g. %s)", path, v, lo, hi,
                    example);
    *out = (int)v;
    return 1;
}

static int get_string(parser *ps, const cJSON *obj, const char *dict, const char *key,
                      const char *example, char *buf, size_t n)
{
    const cJSON *v = member(ps, obj, dict, key);
    char path[96], d[80];
    if (!v)
        return 0;
    if (!cJSON_IsString(v)) {
        key_path(path, sizeof path, dict, key);
        describe(v, d, sizeof d);
        return fail(ps, "%s is %s; expected a string like %s", path, d, example);
    }
    snprintf(buf, n, "%s", v->valuestring);
    return 1;
}

static int get_bool(parser *ps, const cJSON *obj, const char *dict, const char *key, int *out)
{
    const cJSON *v = member(ps, obj, dict, key);
    char path[96], d[80];
    if (!v)
        return 0;
    if (!cJSON_IsBool(v)) {
        key_path(path, sizeof path, dict, key);
        describe(v, d, sizeof d);
        return fail(ps, "%s is %s; expected true or false%s", path, d,
                    cJSON_IsString(v) ? " (a non-empty string counts as true in Python)" : "");
    }
    *out = cJSON_IsTrue(v);
    return 1;
}

/* An object member; NULL with *rc = 0 when absent, -1 when present with another type. */
static const cJSON *get_object(parser *ps, const cJSON *obj, const char *dict, const char *key, int *rc)
{
    const cJSON *v = member(ps, obj, dict, key);
    char path[96], d[80];
    *rc = 0;
    if (!v || cJSON_IsObject(v))
        return v;
    key_path(path, sizeof path, dict, key);
    describe(v, d, sizeof d);
    *rc = fail(ps, "%s is %s; expected an object like {\"rope_type\": \"yarn\", \"factor\": 4.0}", path, d);
    return NULL;
}

/* A list of positive numbers (LongRoPE factors); *n = -1 when absent. */
static int get_list(parser *ps, const cJSON *obj, const char *dict, const char *key, double *out, int *n)
{
    const cJSON *v = member(ps, obj, dict, key);
    char path[96], d[80];
    *n = -1;
    if (!v)
        return 0;
    key_path(path, sizeof path, dict, key);
    if (!cJSON_IsArray(v)) {
        describe(v, d, sizeof d);
        return fail(ps, "%s is %s; expected a list of numbers like [1.0, 1.05, ...] (one per rotary pair)",
                    path, d);
    }
    int count = 0;
    for (const cJSON *e = v->child; e; e = e->next, count++) {
        if (count >= ROPE_MAX_PAIRS)
            return fail(ps, "%s has more than %d values; it needs one per rotary pair (head_dim/2)", path,
                        ROPE_MAX_PAIRS);
        if (!cJSON_IsNumber(e)) {
            describe(e, d, sizeof d);
            return fail(ps, "%s[%d] is %s; expected a positive number like 1.05", path, count, d);
        }
        if (!isfinite(e->valuedouble) || e->valuedouble <= 0.0)
            return fail(ps, "%s[%d] is %g; LongRoPE factors divide the frequency and must be positive "
                            "finite numbers (e.g. 1.0)", path, count, e->valuedouble);
        out[count] = e->valuedouble;
    }
    *n = count;
    return 1;
}

/* --- JSON syntax errors --------------------------------------------------------------------------- */

/* cJSON only says that the text is invalid, and its error offset is approximate; this scanner walks
 * the same grammar to find where the first error is and what kind it is, for the message. */
typedef struct jscan {
    const char *s;
    size_t n, i;        /* text and cursor */
    const char *why;    /* the first error: what it is and how to fix it */
} jscan;

#define JS_END "the text ends early (a truncated file, or a missing '}' or ']'); complete the JSON object"

static int js_fail(jscan *j, size_t at, const char *why)
{
    j->i = at;
    j->why = why;
    return -1;
}

static void js_ws(jscan *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\r' || j->s[j->i] == '\n'))
        j->i++;
}

static int js_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int js_string(jscan *j)
{
    j->i++; /* the opening quote */
    while (j->i < j->n) {
        unsigned char c = (unsigned char)j->s[j->i];
        if (c == '"') {
            j->i++;
            return 0;
        }
        if (c < 0x20)
            return js_fail(j, j->i, "a raw control character (newline or tab) inside a string; write it as "
                                    "\\n or \\t, or close the string");
        if (c == '\\') {
            if (++j->i >= j->n)
                break;
            char e = j->s[j->i];
            if (e == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (j->i + k >= j->n || !js_hex(j->s[j->i + k]))
                        return js_fail(j, j->i, "a \\u escape needs four hex digits");
                j->i += 4;
            } else if (!strchr("\"\\/bfnrt", e)) {
                return js_fail(j, j->i - 1, "an invalid escape in a string; use \\\\ for a backslash");
            }
        }
        j->i++;
    }
    return js_fail(j, j->n, JS_END);
}

static int js_digits(jscan *j)
{
    size_t start = j->i;
    while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
        j->i++;
    return j->i > start;
}

static int js_number(jscan *j)
{
    size_t start = j->i;
    if (j->s[j->i] == '-')
        j->i++;
    if (j->i < j->n && j->s[j->i] == 'I')
        return js_fail(j, start, "NaN and Infinity are not JSON numbers; write a finite number");
    if (!js_digits(j))
        return js_fail(j, start, "a malformed number; write it like 4096 or 1e-05");
    if (j->i < j->n && j->s[j->i] == '.') {
        j->i++;
        if (!js_digits(j))
            return js_fail(j, start, "a malformed number (digits must follow the '.'); write it like 4.0");
    }
    if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
        j->i++;
        if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
            j->i++;
        if (!js_digits(j))
            return js_fail(j, start, "a malformed exponent; write it like 1e-05");
    }
    return 0;
}

/* Errors shared by "a value here" and "a key here". */
static int js_bad_start(jscan *j, int want_key)
{
    char c = j->s[j->i];
    if (c == '\'')
        return js_fail(j, j->i, "strings and keys need double quotes (\"), not single quotes");
    if (c == '/')
        return js_fail(j, j->i, "JSON has no comments; remove them");
    if (!want_key && (c == 'N' || c == 'I'))
        return js_fail(j, j->i, "NaN and Infinity are not JSON numbers; write a finite number");
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
        return js_fail(j, j->i, want_key ? "an unquoted key; keys need double quotes"
                                         : "an unquoted word; strings need double quotes (only true, false and "
                                           "null are bare)");
    return js_fail(j, j->i, want_key ? "expected a quoted key or '}'" : "expected a value");
}

static int js_literal(jscan *j)
{
    static const char *const words[] = { "true", "false", "null" };
    for (int k = 0; k < 3; k++) {
        size_t len = strlen(words[k]);
        if (j->n - j->i >= len && strncmp(j->s + j->i, words[k], len) == 0) {
            j->i += len;
            return 0;
        }
    }
    return js_bad_start(j, 0);
}

/* Scans one JSON value; 0 if valid, -1 with j->i at the first error and j->why set. */
static int js_scan(jscan *j)
{
    char stack[1024]; /* [depth] open brackets */
    int depth = 0;
    enum { VALUE, VALUE_OR_END, KEY, KEY_OR_END, AFTER } st = VALUE;
    for (;;) {
        js_ws(j);
        if (st == AFTER && depth == 0)
            return 0;
        if (j->i >= j->n)
            return js_fail(j, j->n, JS_END);
        char c = j->s[j->i];
        if (st == AFTER) {
            if (c == ',') {
                j->i++;
                st = stack[depth - 1] == '{' ? KEY : VALUE;
            } else if ((c == '}' && stack[depth - 1] == '{') || (c == ']' && stack[depth - 1] == '[')) {
                j->i++;
                depth--;
            } else if (c == '/') {
                return js_fail(j, j->i, "JSON has no comments; remove them");
            } else {
                return js_fail(j, j->i, "expected ',' or a closing bracket: a missing comma before this?");
            }
        } else if (st == KEY || st == KEY_OR_END) {
            if (c == '}') {
                if (st == KEY)
                    return js_fail(j, j->i, "a trailing comma before the closing bracket; remove the comma");
                j->i++;
                depth--;
                st = AFTER;
            } else if (c == '"') {
                if (js_string(j))
                    return -1;
                js_ws(j);
                if (j->i >= j->n)
                    return js_fail(j, j->n, JS_END);
                if (j->s[j->i] != ':')
                    return js_fail(j, j->i, "expected ':' after the key");
                j->i++;
                st = VALUE;
            } else {
                return js_bad_start(j, 1);
            }
        } else if (c == '{' || c == '[') {
            if (depth >= (int)sizeof stack)
                return js_fail(j, j->i, "nested more than 1000 levels deep; a config.json is flat");
            stack[depth++] = c;
            j->i++;
            st = c == '{' ? KEY_OR_END : VALUE_OR_END;
        } else if (c == ']' && st == VALUE_OR_END) {
            j->i++;
            depth--;
            st = AFTER;
        } else if (c == ']' || c == '}') {
            return js_fail(j, j->i, "a trailing comma before the closing bracket; remove the comma");
        } else {
            int rc = c == '"' ? js_string(j) : (c == '-' || (c >= '0' && c <= '9')) ? js_number(j) : js_literal(j);
            if (rc)
                return -1;
            st = AFTER;
        }
    }
}

static void line_col(const char *json, size_t pos, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (json[i] == '\n') {
            ++*line;
            *col = 1;
        } else if (((unsigned char)json[i] & 0xc0) != 0x80) { /* count UTF-8 characters, not bytes */
            ++*col;
        }
    }
}

/* cJSON rejected json[0..len); cjson_pos is its (approximate) error offset. */
static int syntax_error(parser *ps, const char *json, size_t len, size_t cjson_pos)
{
    jscan j = { json, len, 0, NULL };
    int line, col;
    if (len >= 3 && (unsigned char)json[0] == 0xef && (unsigned char)json[1] == 0xbb &&
        (unsigned char)json[2] == 0xbf)
        j.i = 3; /* a UTF-8 byte order mark, which cJSON skips too */
    if (js_scan(&j) == 0) { /* the scanner accepts what cJSON does not: report cJSON's offset */
        j.i = cjson_pos > len ? len : cjson_pos;
        j.why = "cJSON cannot parse the text here; check the JSON";
    }
    line_col(json, j.i, &line, &col);
    return rope_fail(ps->err, "%s:%d:%d: invalid JSON: %s", ps->where, line, col, j.why);
}

/* --- the scaling dict ------------------------------------------------------------------------------ */

static int is_known_scaling_key(const char *k)
{
    for (size_t i = 0; i < sizeof known_scaling_keys / sizeof known_scaling_keys[0]; i++)
        if (strcmp(k, known_scaling_keys[i]) == 0)
            return 1;
    return 0;
}

/* Appends "key=value" (numbers, booleans), "key[n: z zeros]" (lists) or "key" to raw->unmodelled. */
static void note_unmodelled(parser *ps, const cJSON *v)
{
    rope_config_raw *r = ps->raw;
    size_t used = strlen(r->unmodelled), cap = sizeof r->unmodelled;
    char item[64];
    if (cJSON_IsNull(v))
        return;
    if (cJSON_IsNumber(v)) {
        snprintf(item, sizeof item, "%s=%g", v->string, v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        snprintf(item, sizeof item, "%s=%s", v->string, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v)) {
        int n = 0, zeros = 0;
        for (const cJSON *e = v->child; e; e = e->next, n++)
            zeros += cJSON_IsNumber(e) && e->valuedouble == 0.0;
        if (strcmp(v->string, "no_rope_layers") == 0) /* 1 = the layer uses RoPE, 0 = NoPE */
            snprintf(item, sizeof item, "%s[%d: %d NoPE]", v->string, n, zeros);
        else
            snprintf(item, sizeof item, "%s[%d]", v->string, n);
    } else {
        snprintf(item, sizeof item, "%s", v->string);
    }
    r->n_unmodelled++;
    if (used + strlen(item) + 3 < cap)
        snprintf(r->unmodelled + used, cap - used, "%s%s", used ? ", " : "", item);
}

static void note_unmodelled_keys(parser *ps, const cJSON *obj, const char *const *keys, size_t n)
{
    for (const cJSON *it = obj ? obj->child : NULL; it; it = it->next)
        for (size_t k = 0; it->string && k < n; k++)
            if (strcmp(it->string, keys[k]) == 0)
                note_unmodelled(ps, it);
}

static void note_unknown_keys(parser *ps, const cJSON *d, const char *dict)
{
    note_unmodelled_keys(ps, d, unmodelled_dict_keys, sizeof unmodelled_dict_keys / sizeof unmodelled_dict_keys[0]);
    for (const cJSON *it = d->child; it; it = it->next)
        if (it->string && !is_known_scaling_key(it->string) && ps->raw->n_unknown_keys++ == 0)
            key_path(ps->raw->unknown_key, sizeof ps->raw->unknown_key, dict, it->string);
}

/* v5 may hold one dict per layer type ({"full_attention": {...}, "sliding_attention": {...}}). */
static int is_per_layer(const cJSON *d)
{
    if (!d->child)
        return 0;
    for (const cJSON *it = d->child; it; it = it->next)
        if (!cJSON_IsObject(it))
            return 0;
    return 1;
}

static int read_scaling_numbers(parser *ps, const cJSON *d, scaling_keys *s)
{
    const struct { const char *key, *example; double *value; int *present; } nums[] = {
        { "factor", "4.0", &s->factor, &s->has_factor },
        { "rope_theta", "10000.0", &s->theta, &s->has_theta },
        { "partial_rotary_factor", "0.5", &s->partial, &s->has_partial },
        { "attention_factor", "1.0", &s->attention_factor, &s->has_attention_factor },
        { "beta_fast", "32.0", &s->beta_fast, &s->has_beta_fast },
        { "beta_slow", "1.0", &s->beta_slow, &s->has_beta_slow },
        { "mscale", "1.0", &s->mscale, &s->has_mscale },
        { "mscale_all_dim", "1.0", &s->mscale_all_dim, &s->has_mscale_all_dim },
        { "low_freq_factor", "1.0", &s->low_freq_factor, &s->has_low },
        { "high_freq_factor", "4.0", &s->high_freq_factor, &s->has_high },
        { "extrapolation_factor", "1.0", &s->extrapolation_factor, &s->has_extrapolation_factor },
    };
    const char *n = s->dict;
    int rc;
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        if ((rc = get_number(ps, d, n, nums[i].key, nums[i].example, nums[i].value)) < 0)
            return -1;
        *nums[i].present = rc;
    }
    if (get_int(ps, d, n, "original_max_position_embeddings", 1, MAX_TOKENS, "4096", &s->orig_ctx) < 0 ||
        get_int(ps, d, n, "max_trained_positions", 1, MAX_TOKENS, "2048", &s->trained_ctx) < 0)
        return -1;
    if ((rc = get_bool(ps, d, n, "truncate", &s->truncate)) < 0)
        return -1;
    s->has_truncate = rc;
    if (get_list(ps, d, n, "short_factor", s->short_factor, &s->n_short) < 0 ||
        get_list(ps, d, n, "long_factor", s->long_factor, &s->n_long) < 0)
        return -1;
    return 0;
}

/* Finds the scaling dict (rope_scaling wins over rope_parameters, as `rope_scaling or
 * rope_parameters` does) and reads it into s; *found = 0 when neither is a non-empty object. */
static int read_scaling(parser *ps, const cJSON *top, const char *prefix, scaling_keys *s, int *found)
{
    char rs_name[48], rp_name[48];
    int rc1, rc2;
    key_path(rs_name, sizeof rs_name, prefix, "rope_scaling");
    key_path(rp_name, sizeof rp_name, prefix, "rope_parameters");
    const cJSON *rs = get_object(ps, top, prefix, "rope_scaling", &rc1);
    const cJSON *rp = get_object(ps, top, prefix, "rope_parameters", &rc2);
    if (rc1 < 0 || rc2 < 0)
        return -1;
    int rs_full = rs && rs->child, rp_full = rp && rp->child;
    *found = rs_full || rp_full;
    s->n_short = s->n_long = -1;
    if (!*found)
        return 0;
    const cJSON *d = rs_full ? rs : rp;
    s->dict = rs_full ? "rope_scaling" : "rope_parameters";
    ps->raw->has_scaling = 1;
    ps->raw->scaling_v5 = !rs_full;
    ps->raw->both_spellings = rs_full && rp_full;
    if (is_per_layer(d)) {
        d = member(ps, d, s->dict, "full_attention");
        if (!d)
            return fail(ps, "%s holds per-layer-type dicts but no \"full_attention\" entry; add one or use "
                            "a single dict", rs_full ? rs_name : rp_name);
        s->dict = rs_full ? "rope_scaling.full_attention" : "rope_parameters.full_attention";
        ps->raw->per_layer = 1;
    }
    note_unknown_keys(ps, d, s->dict);
    int rc;
    if ((rc = get_string(ps, d, s->dict, "type", "\"yarn\"", s->type, sizeof s->type)) < 0)
        return -1;
    s->has_type = rc;
    if ((rc = get_string(ps, d, s->dict, "rope_type", "\"yarn\"", s->rope_type, sizeof s->rope_type)) < 0)
        return -1;
    s->has_rope_type = rc;
    return read_scaling_numbers(ps, d, s);
}

/* --- the top level ---------------------------------------------------------------------------------- */

static int read_top(parser *ps, const cJSON *top, top_keys *t, rope_config *c)
{
    const char *p = t->prefix;
    int rc;
    if (get_int(ps, top, p, "hidden_size", 1, 1 << 20, "4096", &t->hidden_size) < 0 ||
        get_int(ps, top, p, "num_attention_heads", 1, 1 << 16, "32", &t->n_heads) < 0 ||
        get_int(ps, top, p, "num_key_value_heads", 1, 1 << 16, "8", &t->n_kv_heads) < 0 ||
        get_int(ps, top, p, "num_hidden_layers", 1, 100000, "32", &t->n_layers) < 0 ||
        get_int(ps, top, p, "vocab_size", 1, MAX_TOKENS, "32000", &t->vocab_size) < 0 ||
        get_int(ps, top, p, "max_position_embeddings", 1, MAX_TOKENS, "4096", &t->max_pos) < 0 ||
        get_int(ps, top, p, "head_dim", 0, ROPE_MAX_HEAD_DIM, "128", &t->head_dim) < 0 ||
        get_int(ps, top, p, "qk_rope_head_dim", 1, ROPE_MAX_HEAD_DIM, "64", &t->qk_rope_head_dim) < 0 ||
        get_int(ps, top, p, "original_max_position_embeddings", 1, MAX_TOKENS, "4096", &t->orig_ctx) < 0 ||
        get_int(ps, top, p, "max_trained_positions", 1, MAX_TOKENS, "2048", &t->trained_ctx) < 0)
        return -1;
    if ((rc = get_number(ps, top, p, "rope_theta", "10000.0", &t->theta)) < 0)
        return -1;
    t->has_theta = rc;
    if ((rc = get_number(ps, top, p, "partial_rotary_factor", "0.5", &t->partial)) < 0)
        return -1;
    t->has_partial = rc;
    note_unmodelled_keys(ps, top, unmodelled_top_keys, sizeof unmodelled_top_keys / sizeof unmodelled_top_keys[0]);
    if (get_string(ps, top, p, "model_type", "\"llama\"", c->model_type, sizeof c->model_type) < 0 ||
        get_string(ps, top, "", "_title", "\"Llama-2-7B\"", c->title, sizeof c->title) < 0 ||
        get_string(ps, top, "", "_repo", "\"meta-llama/Llama-2-7b-hf\"", c->repo, sizeof c->repo) < 0)
        return -1;
    return 0;
}

/* A multimodal config keeps the language model in text_config: use it when the top level has no
 * attention geometry of its own. */
static const cJSON *text_root(parser *ps, const cJSON *root, const char **prefix)
{
    const cJSON *tc = member(ps, root, "", "text_config");
    *prefix = "";
    if (!tc || !cJSON_IsObject(tc))
        return root;
    if (cJSON_GetObjectItemCaseSensitive(root, "num_attention_heads") ||
        cJSON_GetObjectItemCaseSensitive(root, "rope_scaling") ||
        cJSON_GetObjectItemCaseSensitive(root, "rope_parameters"))
        return root;
    *prefix = "text_config";
    return tc;
}

/* --- resolution ---------------------------------------------------------------------------------- */

static int resolve_method(parser *ps, const scaling_keys *s, int found, rope_method *m)
{
    char path[96], q[48];
    *m = ROPE_NONE;
    if (!found || (!s->has_rope_type && !s->has_type))
        return 0; /* HF: rope_type defaults to "default" */
    /* rope_type wins over type (standardize_rope_params: setdefault("rope_type", get("type"))) */
    const char *name = s->has_rope_type ? s->rope_type : s->type;
    key_path(path, sizeof path, s->dict, s->has_rope_type ? "rope_type" : "type");
    if (strcmp(name, "mrope") == 0) /* Qwen2-VL: the frequencies are the default ones */
        return 0;
    if (rope_method_from_name(name, m) == 0)
        return 0;
    quote_string(name, q, sizeof q);
    const char *near = rope_lint_suggest_type(name); /* rope_lint.c */
    if (near)
        return fail(ps, "%s \"%s\" is unknown (transformers and vLLM match it exactly, case included); did "
                        "you mean \"%s\"?", path, q, near);
    return fail(ps, "%s \"%s\" is unknown; use default, linear, dynamic, yarn, llama3 or longrope "
                    "(ropescope also reads ntk, ntk-parts and dynamic-yarn)", path, q);
}

static int resolve_head_dim(parser *ps, const top_keys *t, rope_config *c)
{
    char path[96];
    int hd = 0;
    const char *key;
    if (t->qk_rope_head_dim > 0) { /* DeepSeek: only the rope part of q/k rotates */
        hd = t->qk_rope_head_dim;
        key = "qk_rope_head_dim";
    } else if (t->head_dim > 0) { /* HF: getattr(config, "head_dim", None) or hidden // heads */
        hd = t->head_dim;
        key = "head_dim";
    } else if (t->hidden_size > 0 && t->n_heads > 0) {
        key = "hidden_size/num_attention_heads";
        if (t->hidden_size % t->n_heads)
            return fail(ps, "hidden_size %d is not divisible by num_attention_heads %d, so head_dim cannot be "
                            "derived; add \"head_dim\"", t->hidden_size, t->n_heads);
        hd = t->hidden_size / t->n_heads;
    } else {
        return fail(ps, "head_dim is missing; add \"head_dim\" (e.g. 128) or hidden_size and "
                        "num_attention_heads");
    }
    key_path(path, sizeof path, t->prefix, key);
    const char *verb = strchr(key, '/') ? " =" : " is"; /* "head_dim is 65", "hidden_size/... = 65" */
    if (hd < 2 || hd > ROPE_MAX_HEAD_DIM)
        return fail(ps, "%s%s %d; ropescope handles head_dim 2 to %d", path, verb, hd, ROPE_MAX_HEAD_DIM);
    if (hd % 2)
        return fail(ps, "%s%s %d, which is odd; RoPE rotates pairs of dimensions, so head_dim must be even "
                        "(e.g. %d)", path, verb, hd, hd + 1);
    c->params.head_dim = hd;
    snprintf(c->raw.head_dim_key, sizeof c->raw.head_dim_key, "%s", key);
    return 0;
}

static int resolve_base(parser *ps, const top_keys *t, const scaling_keys *s, int found, rope_config *c)
{
    char path[96];
    int in_dict = found && s->has_theta;
    double b = in_dict ? s->theta : t->has_theta ? t->theta : c->params.base; /* dict wins: setdefault */
    c->raw.has_rope_theta = in_dict || t->has_theta;
    if (in_dict && t->has_theta && t->theta != s->theta) {
        c->raw.rope_theta_conflict = 1;
        c->raw.rope_theta_top = t->theta;
    }
    key_path(path, sizeof path, in_dict ? s->dict : t->prefix, "rope_theta");
    if (!(b > 1.0))
        return fail(ps, "%s is %g; the RoPE base must be greater than 1 (e.g. 10000.0)", path, b);
    if (b > MAX_BASE)
        return fail(ps, "%s is %g, which is absurd; published bases are 1e4 to 1e7", path, b);
    c->params.base = b;
    return 0;
}

static int resolve_partial(parser *ps, const top_keys *t, const scaling_keys *s, int found, rope_config *c)
{
    char path[96];
    int top = t->has_partial, in_dict = found && s->has_partial;
    if (!top && !in_dict)
        return 0;
    double v = top ? t->partial : s->partial; /* the top-level attribute overwrites the dict's */
    key_path(path, sizeof path, top ? t->prefix : s->dict, "partial_rotary_factor");
    if (!(v > 0.0 && v <= 1.0))
        return fail(ps, "%s is %g; expected the rotating fraction of head_dim in (0, 1], e.g. 0.5", path, v);
    c->params.partial_rotary = v;
    c->raw.has_partial_rotary = 1;
    return 0;
}

/* L: a top-level original_max_position_embeddings wins (Phi-3), then the dict's, then max_pos. */
static void resolve_orig(const top_keys *t, const scaling_keys *s, int found, rope_config *c)
{
    c->raw.orig_ctx_top = t->orig_ctx;
    c->raw.orig_ctx_scaling = found ? s->orig_ctx : 0;
    c->raw.orig_ctx_top_level = t->orig_ctx > 0;
    c->raw.has_orig_ctx = c->raw.orig_ctx_top > 0 || c->raw.orig_ctx_scaling > 0;
    c->params.orig_ctx = t->orig_ctx > 0 ? t->orig_ctx : c->raw.orig_ctx_scaling;
}

/* factor, max_position_embeddings and L, which fall back on one another. */
static int resolve_lengths(parser *ps, const top_keys *t, const scaling_keys *s, int found, rope_config *c)
{
    rope_params *p = &c->params;
    const char *type = s->has_rope_type ? s->rope_type : s->type;
    char path[96];
    key_path(path, sizeof path, found ? s->dict : "rope_scaling", "factor");
    c->raw.has_factor = found && s->has_factor;
    c->raw.factor = c->raw.has_factor ? s->factor : 1.0;
    resolve_orig(t, s, found, c);
    c->raw.has_max_pos = t->max_pos > 0;
    if (c->raw.has_factor && s->factor < 1.0)
        return fail(ps, "%s is %g; context extension needs a factor >= 1 (e.g. 4.0 for 4x)", path, s->factor);
    if (c->raw.has_factor && s->factor > MAX_FACTOR)
        return fail(ps, "%s is %g, which is absurd; published factors are 2 to 64", path, s->factor);
    double f = c->raw.has_factor ? s->factor : 1.0;
    if (p->method == ROPE_NONE) {
        f = 1.0; /* transformers ignores a factor under rope_type "default" (lint says so) */
    } else if (!c->raw.has_factor) {
        if (!(rope_method_get(p->method)->uses & ROPE_USES_ORIG_CTX))
            return fail(ps, "%s is missing for rope_type \"%s\"; add the scale, e.g. \"factor\": 4.0", path, type);
        if (t->max_pos > 0 && p->orig_ctx > 0)
            f = (double)t->max_pos / (double)p->orig_ctx; /* HF: max_position_embeddings / original */
        if (f < 1.0)
            return fail(ps, "%s is missing and max_position_embeddings / original_max_position_embeddings = "
                            "%d / %d < 1; add \"factor\" (e.g. 4.0)", path, t->max_pos, p->orig_ctx);
    }
    p->factor = f;
    if (t->max_pos > 0) {
        p->max_pos = t->max_pos;
    } else if (p->orig_ctx > 0) {
        double m = floor(f * p->orig_ctx + 0.5);
        p->max_pos = m > MAX_TOKENS ? MAX_TOKENS : (int)m;
    } else {
        return fail(ps, "max_position_embeddings is missing; add it (the context the model serves, e.g. 4096)");
    }
    if (p->orig_ctx == 0)
        p->orig_ctx = p->max_pos; /* HF fills the original with max_position_embeddings */
    return 0;
}

static int resolve_yarn_keys(parser *ps, const scaling_keys *s, rope_config *c)
{
    rope_params *p = &c->params;
    rope_config_raw *r = &c->raw;
    char path[96];
    r->has_beta_fast = s->has_beta_fast;
    r->has_beta_slow = s->has_beta_slow;
    r->beta_fast = s->has_beta_fast ? s->beta_fast : p->beta_fast;
    r->beta_slow = s->has_beta_slow ? s->beta_slow : p->beta_slow;
    if ((s->has_beta_fast && s->beta_fast < 0.0) || (s->has_beta_slow && s->beta_slow < 0.0)) {
        key_path(path, sizeof path, s->dict, s->has_beta_fast && s->beta_fast < 0.0 ? "beta_fast" : "beta_slow");
        return fail(ps, "%s is negative; betas count rotations within L (defaults 32 and 1)", path);
    }
    if ((s->has_mscale && s->mscale < 0.0) || (s->has_mscale_all_dim && s->mscale_all_dim < 0.0)) {
        key_path(path, sizeof path, s->dict, s->has_mscale && s->mscale < 0.0 ? "mscale" : "mscale_all_dim");
        return fail(ps, "%s is negative; expected a number >= 0 such as 1.0 (DeepSeek uses 1.0)", path);
    }
    r->has_mscale = s->has_mscale;
    r->has_mscale_all_dim = s->has_mscale_all_dim;
    r->has_attention_factor = s->has_attention_factor;
    r->has_extrapolation_factor = s->has_extrapolation_factor;
    r->extrapolation_factor = s->has_extrapolation_factor ? s->extrapolation_factor : 1.0;
    r->has_truncate = s->has_truncate;
    if (s->has_attention_factor) {
        key_path(path, sizeof path, s->dict, "attention_factor");
        if (!(s->attention_factor > 0.0 && s->attention_factor < 100.0))
            return fail(ps, "%s is %g; it multiplies cos and sin, expected a value in (0, 100) such as 1.0",
                        path, s->attention_factor);
    }
    /* params carry only what the method reads (as transformers does), so an export reads back equal */
    if (rope_method_is_yarn(p->method)) {
        p->beta_fast = r->beta_fast; /* a written 0 stays 0: the hf flavor reads it as the default */
        p->beta_slow = r->beta_slow;
        p->mscale = s->has_mscale ? s->mscale : 0.0;
        p->mscale_all_dim = s->has_mscale_all_dim ? s->mscale_all_dim : 0.0;
        p->truncate = s->has_truncate ? s->truncate : 1;
    }
    if (s->has_attention_factor && (rope_method_is_yarn(p->method) || p->method == ROPE_LONGROPE)) {
        p->has_attention_factor = 1;
        p->attention_factor = s->attention_factor;
    }
    return 0;
}

static int resolve_llama3(parser *ps, const scaling_keys *s, rope_config *c)
{
    rope_params *p = &c->params;
    char path[96];
    c->raw.has_low_freq_factor = s->has_low;
    c->raw.has_high_freq_factor = s->has_high;
    if (p->method != ROPE_LLAMA3)
        return 0;
    if (s->has_low)
        p->low_freq_factor = s->low_freq_factor;
    if (s->has_high)
        p->high_freq_factor = s->high_freq_factor;
    if (!s->has_low || !s->has_high) {
        key_path(path, sizeof path, s->dict, !s->has_low ? "low_freq_factor" : "high_freq_factor");
        return fail(ps, "%s is missing for rope_type \"llama3\"; add it (Llama 3.1 uses %s)", path,
                    !s->has_low ? "1.0" : "4.0");
    }
    if (!(p->low_freq_factor > 0.0 && p->low_freq_factor <= p->high_freq_factor)) {
        key_path(path, sizeof path, s->dict, "low_freq_factor");
        return fail(ps, "%s %g and high_freq_factor %g: llama3 needs 0 < low <= high (Llama 3.1 uses 1.0 and "
                        "4.0)", path, p->low_freq_factor, p->high_freq_factor);
    }
    return 0;
}

static int resolve_lists(parser *ps, const scaling_keys *s, rope_config *c)
{
    rope_params *p = &c->params;
    char path[96];
    c->raw.n_short_factor = s->n_short;
    c->raw.n_long_factor = s->n_long;
    if (p->method != ROPE_LONGROPE)
        return 0;
    int pairs = rope_params_rot_dim(p) / 2;
    if (s->n_short < 0 || s->n_long < 0) {
        key_path(path, sizeof path, s->dict, s->n_short < 0 ? "short_factor" : "long_factor");
        return fail(ps, "%s is missing for rope_type \"longrope\"; add a list of rotary_dim/2 = %d factors",
                    path, pairs);
    }
    if (s->n_short != pairs || s->n_long != pairs) {
        key_path(path, sizeof path, s->dict, s->n_short != pairs ? "short_factor" : "long_factor");
        return fail(ps, "%s has %d values but the rotary dimension %d has %d pairs; give exactly %d values",
                    path, s->n_short != pairs ? s->n_short : s->n_long, 2 * pairs, pairs, pairs);
    }
    p->n_factors = pairs;
    memcpy(p->short_factor, s->short_factor, sizeof(double) * (size_t)pairs);
    memcpy(p->long_factor, s->long_factor, sizeof(double) * (size_t)pairs);
    return 0;
}

/* Copies at most n-1 bytes of src (raw strings are kept for messages, so cutting is fine). */
static void copy_cut(char *dst, size_t n, const char *src)
{
    size_t k = strlen(src);
    if (k >= n)
        k = n - 1;
    memcpy(dst, src, k);
    dst[k] = '\0';
}

static void record_type_strings(const scaling_keys *s, rope_config_raw *r)
{
    r->has_type = s->has_type;
    r->has_rope_type = s->has_rope_type;
    copy_cut(r->type, sizeof r->type, s->has_type ? s->type : "");
    copy_cut(r->rope_type, sizeof r->rope_type, s->has_rope_type ? s->rope_type : "");
}

static int resolve(parser *ps, const cJSON *root, rope_config *c, scaling_keys *s)
{
    top_keys t;
    memset(&t, 0, sizeof t);
    const cJSON *top = text_root(ps, root, &t.prefix);
    int found = 0;
    if (read_top(ps, top, &t, c) < 0 || read_scaling(ps, top, t.prefix, s, &found) < 0)
        return -1;
    if (top != root && /* presets keep _title and _repo at the root of a multimodal config */
        (get_string(ps, root, "", "_title", "\"Llama-2-7B\"", c->title, sizeof c->title) < 0 ||
         get_string(ps, root, "", "_repo", "\"meta-llama/Llama-2-7b-hf\"", c->repo, sizeof c->repo) < 0))
        return -1;
    record_type_strings(s, &c->raw);
    if (resolve_method(ps, s, found, &c->params.method) < 0 || resolve_head_dim(ps, &t, c) < 0 ||
        resolve_base(ps, &t, s, found, c) < 0 || resolve_partial(ps, &t, s, found, c) < 0 ||
        resolve_lengths(ps, &t, s, found, c) < 0 || resolve_yarn_keys(ps, s, c) < 0 ||
        resolve_llama3(ps, s, c) < 0 || resolve_lists(ps, s, c) < 0)
        return -1;
    if (t.n_kv_heads > 0 && t.n_heads > 0 && t.n_kv_heads > t.n_heads)
        return fail(ps, "num_key_value_heads %d exceeds num_attention_heads %d; each key/value head serves "
                        "one or more query heads", t.n_kv_heads, t.n_heads);
    c->hidden_size = t.hidden_size;
    c->n_layers = t.n_layers;
    c->n_heads = t.n_heads;
    c->n_kv_heads = t.n_kv_heads > 0 ? t.n_kv_heads : t.n_heads;
    c->vocab_size = t.vocab_size;
    snprintf(c->name, sizeof c->name, "%s", c->model_type);
    /* read by the vllm flavor only (hf ignores both): DeepSeek attention and vLLM's max_trained_positions */
    c->params.deepseek = strncmp(c->model_type, "deepseek", 8) == 0 || strcmp(c->model_type, "kimi_k2") == 0;
    c->params.trained_ctx = s->trained_ctx > 0 ? s->trained_ctx : t.trained_ctx;
    rope_error e2;
    if (rope_params_validate(&c->params, &e2))
        return fail(ps, "%s", e2.msg);
    return 0;
}

/* --- public ---------------------------------------------------------------------------------------- */

void rope_config_init(rope_config *c)
{
    memset(c, 0, sizeof *c);
    rope_params_init(&c->params);
    c->raw.n_short_factor = c->raw.n_long_factor = -1;
    c->raw.factor = 1.0;
    c->raw.beta_fast = c->params.beta_fast;
    c->raw.beta_slow = c->params.beta_slow;
}

/* cJSON gets its own NUL-terminated copy, so nothing can read past the caller's bytes. */
static int parse_document(parser *ps, const char *json, size_t len, cJSON **root)
{
    const char *nul = memchr(json, '\0', len);
    int line, col;
    if (nul) {
        line_col(json, (size_t)(nul - json), &line, &col);
        return rope_fail(ps->err, "%s:%d:%d: a NUL byte in the text; a config.json is UTF-8 text (is this a "
                                  "binary file?)", ps->where, line, col);
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return fail(ps, "out of memory reading %zu bytes", len);
    memcpy(copy, json, len);
    copy[len] = '\0';
    const char *end = NULL;
    *root = cJSON_ParseWithLengthOpts(copy, len, &end, 0);
    size_t pos = end && end >= copy && end <= copy + len ? (size_t)(end - copy) : 0;
    int rc = 0;
    if (!*root) {
        rc = syntax_error(ps, json, len, pos);
    } else {
        while (pos < len && strchr(" \t\r\n", json[pos]))
            pos++;
        if (pos < len) {
            line_col(json, pos, &line, &col);
            rc = rope_fail(ps->err, "%s:%d:%d: extra text after the JSON object; a config.json holds exactly "
                                    "one object", ps->where, line, col);
        }
    }
    free(copy);
    if (rc) {
        cJSON_Delete(*root);
        *root = NULL;
    }
    return rc;
}

int rope_config_parse(const char *json, size_t len, const char *where, rope_config *out, rope_error *err)
{
    parser ps = { where && *where ? where : "config.json", err, NULL };
    if (!out)
        return rope_fail(err, "%s: no rope_config to fill", ps.where);
    if (!json || len == 0)
        return rope_fail(err, "%s: empty input; expected a JSON object such as {\"rope_theta\": 10000.0, "
                              "\"head_dim\": 128, \"max_position_embeddings\": 4096}", ps.where);
    if (len > CONFIG_MAX_BYTES)
        return rope_fail(err, "%s: %zu bytes is too large for a config.json (limit 16 MiB)", ps.where, len);
    rope_config *c = malloc(sizeof *c);
    scaling_keys *s = calloc(1, sizeof *s);
    cJSON *root = NULL;
    int rc = -1;
    if (!c || !s) {
        rope_fail(err, "%s: out of memory", ps.where);
        goto done;
    }
    rope_config_init(c);
    ps.raw = &c->raw;
    if (parse_document(&ps, json, len, &root))
        goto done;
    if (!cJSON_IsObject(root)) {
        char d[80];
        describe(root, d, sizeof d);
        fail(&ps, "the top level is %s; expected a JSON object {...} as in a Hugging Face config.json", d);
        goto done;
    }
    rc = resolve(&ps, root, c, s);
    if (rc == 0)
        *out = *c;
done:
    cJSON_Delete(root);
    free(s);
    free(c);
    return rc;
}

int rope_config_read_stream(FILE *f, const char *name, void *(*grow)(void *, size_t), char **data, size_t *len,
                            rope_error *err)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = grow(NULL, cap);
    if (!buf)
        return rope_fail(err, "%s: out of memory", name);
    int rc = 0;
    for (;;) {
        if (n > CONFIG_MAX_BYTES) {
            rc = rope_fail(err, "%s: larger than 16 MiB; a config.json is a few KiB (is this the model "
                                "weights?)", name);
            break;
        }
        if (n == cap) {
            char *nb = grow(buf, cap * 2);
            if (!nb) { /* never parse the part read so far as if it were the file */
                rc = rope_fail(err, "%s: out of memory after %zu bytes", name, n);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = rope_fail(err, "%s: cannot read (%s)", name, strerror(errno));
            break;
        }
    }
    if (rc) {
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* Reads a whole file of at most CONFIG_MAX_BYTES into a malloc'd buffer. */
static int read_file(const char *path, char **data, size_t *len, rope_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rope_fail(err, "%s: cannot open (%s); check the path", path, strerror(errno));
    int rc = rope_config_read_stream(f, path, realloc, data, len, err);
    fclose(f);
    return rc;
}

int rope_config_load(const char *path, rope_config *c, rope_error *err)
{
    if (!path || !*path)
        return rope_fail(err, "no config path given; pass the path of a config.json");
    char dir_cfg[4096];
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) { /* a model directory: read its config.json */
        if (snprintf(dir_cfg, sizeof dir_cfg, "%s/config.json", path) >= (int)sizeof dir_cfg)
            return rope_fail(err, "%s: path too long", path);
        path = dir_cfg;
    }
    char *data = NULL;
    size_t len = 0;
    if (read_file(path, &data, &len, err))
        return -1;
    int rc = rope_config_parse(data, len, path, c, err);
    free(data);
    return rc;
}
