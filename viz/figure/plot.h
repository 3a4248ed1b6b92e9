/* viz/figure/plot.h — the backend-neutral figure model: axes (linear or log), series, shaded bands,
 * markers, heatmaps, phase dials and text tables. A panel fills a plot_figure; a renderer (the
 * terminal one here, a pixel one later) draws it. Nothing in this header knows about terminals.
 *
 * Contract: a figure owns one pool of doubles and one of text, allocated once by plot_figure_init
 * and reused by plot_figure_clear, so rebuilding a figure every frame does not allocate. Adders
 * return NULL (or -1) when a fixed capacity or the pool is exhausted; nothing prints or exits.
 *
 * Axis mapping (what every renderer and test relies on): a value v has the fraction
 *   t = (v − lo)/(hi − lo)                 on a linear axis,
 *   t = (log10 v − log10 lo)/(log10 hi − log10 lo)   on a log axis (v > 0),
 * and in a plot area N units wide (cells, pixels: the renderer's unit) it sits in column
 * round(t·(N−1)) counted from the area's left edge; in an N-unit-tall area in row
 * round((1 − t)·(N−1)) counted from the area's top. */
#ifndef PLOT_H
#define PLOT_H

#include <stddef.h>

#define PLOT_LABEL       48
#define PLOT_MAX_SERIES  16
#define PLOT_MAX_BANDS   8
#define PLOT_MAX_MARKERS 12
#define PLOT_MAX_HEAT    2
#define PLOT_MAX_DIALS   48
#define PLOT_MAX_COLS    10
#define PLOT_CELL        16   /* bytes per table cell, NUL included */
#define PLOT_DIAL_COLS   12   /* room one phase dial takes, in label characters: face + margins … */
#define PLOT_DIAL_ROWS   6    /* … and in text lines: face + label (panels size their dial count by it) */

/* What a colour means; each renderer maps roles to its own palette. */
typedef enum plot_role {
    PLOT_ROLE_TEXT,
    PLOT_ROLE_DIM,
    PLOT_ROLE_AXIS,
    PLOT_ROLE_ACCENT,      /* the current method, the focused thing */
    PLOT_ROLE_WARN,
    PLOT_ROLE_EXTRAP,      /* YaRN regimes */
    PLOT_ROLE_BLEND,
    PLOT_ROLE_INTERP,
    PLOT_ROLE_MARK_CTX,    /* L */
    PLOT_ROLE_MARK_EXT,    /* s·L */
    PLOT_ROLE_MARK_BETA,   /* α, β and the correction range */
    PLOT_ROLE_ORIG,        /* original (unscaled) quantity */
    PLOT_ROLE_SCALED,      /* the current method's scaled quantity */
    PLOT_ROLE_PAPER,       /* the paper's continuous ramp */
    PLOT_ROLE_METHOD,      /* + rope_method: one colour per method, the same in every panel */
    PLOT_ROLE_COUNT = PLOT_ROLE_METHOD + 9
} plot_role;

typedef enum plot_kind {
    PLOT_KIND_XY,       /* series, bands, markers over x / y (and optional right y2) axes */
    PLOT_KIND_HEATMAP,  /* one or two heatmaps over the x / y axes, plus vertical markers */
    PLOT_KIND_DIALS,    /* a row-major grid of phase dials */
    PLOT_KIND_TABLE     /* a scrollable text table */
} plot_kind;

typedef struct plot_axis {
    double lo, hi;
    int    log;                 /* 1: log10 axis (lo > 0) */
    char   label[PLOT_LABEL];   /* e.g. "pair d" */
} plot_axis;

typedef enum plot_style {
    PLOT_LINE,   /* consecutive points joined */
    PLOT_POINTS, /* one mark per point */
    PLOT_STEPS,  /* a staircase: each point holds its value over ±half the x spacing */
    PLOT_BARS    /* a vertical bar from the bottom of the area to y, per point */
} plot_style;

typedef struct plot_series {
    char       name[PLOT_LABEL];
    plot_role  role;
    plot_style style;
    int        y2;        /* 1: plotted against the right axis */
    int        emphasis;  /* 1: drawn last and bold (the current method) */
    int        legend;    /* 1: listed in the legend */
    int        n;
    double    *x, *y;     /* [n] each, in the figure's pool; non-finite y breaks a line */
} plot_series;

typedef struct plot_band {      /* a shaded x-span */
    double    x0, x1;
    plot_role role;
    char      label[PLOT_LABEL];
} plot_band;

typedef struct plot_marker {    /* a reference line */
    int       horizontal;       /* 0: vertical line at x = at; 1: horizontal line at y = at */
    int       y2;               /* horizontal only: against the right axis */
    double    at;
    plot_role role;
    char      label[PLOT_LABEL];
} plot_marker;

typedef struct plot_heatmap {
    char    title[PLOT_LABEL];
    int     nx, ny;
    double *v;                  /* [ny][nx]; row 0 is drawn at the top */
    double  vmin, vmax;
    int     cyclic;             /* values wrap (angles): use a cyclic colour map */
} plot_heatmap;

typedef struct plot_dial {      /* a clock face with two hands */
    int    pair;
    double angle[2];            /* radians, [0] original, [1] scaled; 0 points up, clockwise */
    int    short_turn;          /* the pair has not completed one turn within L */
    plot_role role;             /* regime colour of the face */
    char   label[PLOT_LABEL];
} plot_dial;

typedef struct plot_table {
    int    n_cols, n_rows;
    char   head[PLOT_MAX_COLS][PLOT_CELL];
    int    width[PLOT_MAX_COLS];      /* columns per cell */
    int    right[PLOT_MAX_COLS];      /* 1: right-aligned */
    int    bar_col;                   /* a column drawn as an 8-level bar of bar[row] in [0,1], -1 none */
    int    role_col;                  /* a column drawn in its row's role colour, -1 none */
    char  *cells;                     /* [n_rows][n_cols][PLOT_CELL], in the figure's text pool */
    double *bar;                      /* [n_rows] */
    unsigned char *row_role;          /* [n_rows] plot_role per row */
    int    scroll;                    /* first row shown */
    int    cursor;                    /* highlighted row, -1 none */
} plot_table;

typedef struct plot_figure {
    plot_kind kind;
    char      title[96];
    char      note[160];      /* one line shown under the plot (a caveat, a key hint) */
    plot_axis x, y, y2;
    int       has_y2;
    int       n_series, n_bands, n_markers, n_heat, n_dials;
    plot_series  series[PLOT_MAX_SERIES];
    plot_band    bands[PLOT_MAX_BANDS];
    plot_marker  markers[PLOT_MAX_MARKERS];
    plot_heatmap heat[PLOT_MAX_HEAT];
    plot_dial    dials[PLOT_MAX_DIALS];
    plot_table   table;
    double  *pool;  size_t pool_used, pool_cap;   /* [pool_cap] doubles */
    char    *text;  size_t text_used, text_cap;   /* [text_cap] bytes */
} plot_figure;

/* Allocates the pools (doubles, bytes); -1 if out of memory. */
int  plot_figure_init(plot_figure *f, size_t doubles, size_t bytes);
void plot_figure_free(plot_figure *f);
/* Empties the figure, keeping its pools. */
void plot_figure_clear(plot_figure *f);

double *plot_alloc(plot_figure *f, size_t n);     /* n doubles from the pool, NULL if exhausted */
char   *plot_alloc_text(plot_figure *f, size_t n); /* n zeroed bytes, NULL if exhausted */

/* A series of n points with x and y allocated (uninitialised); NULL if full. */
plot_series *plot_add_series(plot_figure *f, const char *name, plot_role role, plot_style style, int n);
int plot_add_band(plot_figure *f, double x0, double x1, plot_role role, const char *label);
int plot_add_vmarker(plot_figure *f, double x, plot_role role, const char *label);
int plot_add_hmarker(plot_figure *f, double y, int y2, plot_role role, const char *label);
plot_heatmap *plot_add_heatmap(plot_figure *f, const char *title, int nx, int ny);
plot_dial *plot_add_dial(plot_figure *f);
/* Shapes the table and allocates its cells; -1 if the pool is too small. */
int plot_table_init(plot_figure *f, int n_cols, int n_rows);
char *plot_table_cell(plot_table *t, int row, int col);   /* PLOT_CELL bytes */

void plot_axis_set(plot_axis *a, double lo, double hi, int log, const char *label);
/* Widens [lo, hi] to round numbers: whole decades on a log axis, 1-2-5 steps on a linear one. */
void plot_axis_fit(plot_axis *a, double lo, double hi, int log, const char *label);
/* The fraction t of the contract above; NaN for v <= 0 on a log axis or a degenerate axis. */
double plot_axis_frac(const plot_axis *a, double v);
/* round(t·(n−1)); -1 when v has no position (NaN). May be outside [0, n) for values off the axis. */
int plot_axis_cell(const plot_axis *a, double v, int n);
/* round((1−t)·(n−1)): the row from the top of an n-row area; -1 when v has no position. */
int plot_axis_row(const plot_axis *a, double v, int n);
/* Up to max "nice" tick values inside the axis into out[max]; returns how many. */
int plot_axis_ticks(const plot_axis *a, int max, double *out);

/* Compact number for ticks and labels: 0, 0.5, 1.21, 4096, 32.8k, 1.05M, 1e-05. */
void plot_fmt_num(double v, char *buf, size_t n);

#endif
