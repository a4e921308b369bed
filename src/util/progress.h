/*
 * progress.h: a one-line progress meter on standard error for long work.
 *
 * Shown only when standard error is a terminal and the program was not told
 * to be quiet (bb_progress_set_enabled(false) for --quiet); otherwise every
 * call is a no-op, so rooms can report progress unconditionally.  Updates are
 * rate-limited to about ten a second.
 */
#ifndef BB_PROGRESS_H
#define BB_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct bb_progress {
	const char *label;	/* borrowed */
	uint64_t total;		/* 0 = unknown */
	uint64_t done;
	double started, last;
	bool active;
};

/* Globally allow or forbid progress output (the CLI's --quiet). */
void bb_progress_set_enabled(bool on);
void bb_progress_start(struct bb_progress *p, const char *label, uint64_t total);
void bb_progress_update(struct bb_progress *p, uint64_t done);
/* Clear the line. */
void bb_progress_finish(struct bb_progress *p);

#endif
