/* app/cli/tablefmt.h — the readable summary of a rope_table shared by `freqs`, `overview` and the
 * explorer's status line: parameters, correction range, magnitude, and the regime runs. */
#ifndef TABLEFMT_H
#define TABLEFMT_H

#include <stdio.h>
#include "rope.h"

/* "extrapolate 0-20 (21)  blend 21-45 (25)  interpolate 46-63 (18)" into buf. */
void tablefmt_regimes(const rope_table *t, char *buf, size_t n);

/* The parameter line the method reads, e.g. "head_dim 128 · base 10000 · L 4096 · s 8 · β 32/1". */
void tablefmt_params(const rope_params *p, char *buf, size_t n);

/* Several lines: method, parameters, correction range, magnitude, regimes. */
void tablefmt_summary(FILE *f, const rope_params *p, const rope_table *t);

#endif
