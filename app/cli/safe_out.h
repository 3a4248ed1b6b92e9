/* app/cli/safe_out.h — output that never lies: after a command returns, standard output is flushed and
 * closed and any write error turns the exit status into a failure with one line on stderr. */
#ifndef SAFE_OUT_H
#define SAFE_OUT_H

/* Flushes and closes stdout. Returns rc when that worked (or rc was already a failure), else prints
 * "ropescope CMD: cannot write the output: REASON" and returns 1. Call once, as the process ends. */
int safe_out_finish(const char *cmd, int rc);

#endif
