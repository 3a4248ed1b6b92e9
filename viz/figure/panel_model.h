/* viz/figure/panel_model.h — panel 8, "model": what the loaded transformer does under the current
 * method, computed in the background by the explorer (app/explorer/live_model.h) and handed over as
 * plain numbers (viz never calls kernels). Three sub-views: loss by position over one s·L window for
 * the current method, plain RoPE and a comparison method with perplexities at L and s·L; measured
 * attention over distance (mean score and weight, current method vs plain RoPE, beside the analytic
 * q = k = 1 curve); and a text table (perplexities, the passkey probe, greedy continuations with
 * per-token log-probability shading).
 *
 * Contract: every part carries the parameter generation it was computed for; a part whose stamp is
 * not `generation` is stale and is drawn greyed with "stale", never as current. A part never
 * computed is simply absent. Never allocates beyond the figure's pool. */
#ifndef PANEL_MODEL_H
#define PANEL_MODEL_H

#include "plot.h"
#include "rope.h"

#define PLOT_MODEL_SLOTS 3     /* current method, plain RoPE, comparison method */
#define PLOT_MODEL_GEN   60    /* greedy tokens shown per continuation */
#define PLOT_MODEL_SHADE " .:-=+*#%@"   /* log-prob shading, likely → unlikely (10 levels) */

typedef enum plot_model_view {
    PLOT_MODEL_LOSS,   /* loss by position + perplexities */
    PLOT_MODEL_ATTN,   /* measured attention over distance */
    PLOT_MODEL_TEXT,   /* numbers, passkey, continuations */
    PLOT_MODEL_VIEWS
} plot_model_view;

typedef struct plot_model_slot {
    int           used;              /* 0: empty slot */
    rope_method   method;
    unsigned long stamp_L, stamp_sL; /* generation of ppl at L / of ppl at s·L and the loss; 0 none */
    double        ppl_L, ppl_sL;
    unsigned long stamp_2sL;         /* generation of ppl at 2·s·L (computed on request); 0 none */
    double        ppl_2sL;
    const double *loss;              /* [n_loss] NLL of token p+1 at position p (stamp_sL) */
} plot_model_slot;

typedef struct plot_model {
    unsigned long generation;        /* the current parameter generation */
    char   line[200];                /* a problem in one line ("no model: …"), or "" */
    char   progress[128];            /* what is being computed and the time left; "" when idle */
    char   source[128];              /* model and passage, for the title */
    int    L, sL;                    /* trained context, window (tokens) */
    int    n_loss;                   /* sL − 1 */
    plot_model_slot slot[PLOT_MODEL_SLOTS];
    int    want_2sL;                 /* 2·s·L was asked for: the numbers show its row */
    char   note_2sL[120];            /* why there is no 2·s·L number ("the passage has …"), or "" */
    /* attention over distance */
    unsigned long stamp_attn;
    int    attn_n;                   /* distances 0 … attn_n − 1 */
    int    layer, head;              /* shown; -1 = mean over all */
    rope_method attn_method[2];      /* current, plain RoPE */
    const double *score[2];          /* [attn_n] mean pre-softmax score; NULL: not measured */
    const double *weight[2];         /* [attn_n] mean softmax weight */
    /* passkey probe */
    unsigned long stamp_pk;
    int    pk_len, pk_key, pk_rank, pk_n_alt, pk_best_alt, pk_gen_ok;
    double pk_depth, pk_lp_true, pk_lp_alt;
    char   pk_gen[8];
    /* continuations: [0] current method, [1] comparison */
    unsigned long stamp_gen;
    char   prompt[64];
    int    ctx_gen;                  /* context tokens before the prompt */
    int    n_gen;
    rope_method gen_method[2];
    char   gen_text[2][PLOT_MODEL_GEN + 1];  /* printable bytes ('|' newline, '?' other) */
    double gen_lp[2][PLOT_MODEL_GEN];        /* log-prob of each greedy token, nats */
    int    view;                     /* plot_model_view drawn when the panel is not zoomed */
} plot_model;

/* The shading character of a log-probability (0 → ' ', −∞ → '@'): level ⌊−lp / 0.5⌋ capped at 9. */
char plot_model_shade(double lp);

/* Sub-view `which` of m into f; the table's current parameters (for the analytic curve and the
 * markers) come from t. size: the area. -1 with a message if the pool ran out. */
int plot_model_figure(const plot_model *m, const rope_table *t, int which, double w_chars, double h_chars,
                      plot_figure *f, rope_error *err);

#endif
