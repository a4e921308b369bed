/*
 * progress.c: rate-limited progress line on a terminal's standard error.
 */
#include "util/progress.h"
#include "util/bb.h"

#include <stdio.h>
#include <unistd.h>

static int enabled = -1;	/* -1: decide from isatty on first use */

void
bb_progress_set_enabled(bool on)
{
	enabled = on ? (isatty(STDERR_FILENO) ? 1 : 0) : 0;
}

static bool
allowed(void)
{
	if (enabled < 0)
		enabled = isatty(STDERR_FILENO) ? 1 : 0;
	return enabled == 1;
}

void
bb_progress_start(struct bb_progress *p, const char *label, uint64_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->started = p->last = bb_now();
	p->active = allowed();
}

void
bb_progress_update(struct bb_progress *p, uint64_t done)
{
	double now;

	p->done = done;
	if (!p->active)
		return;
	now = bb_now();
	if (now - p->last < 0.1)
		return;
	p->last = now;
	if (p->total)
		fprintf(stderr, "\r%s: %llu / %llu (%.0f%%)  ", p->label,
		    (unsigned long long)done, (unsigned long long)p->total,
		    100.0 * (double)done / (double)p->total);
	else
		fprintf(stderr, "\r%s: %llu  ", p->label, (unsigned long long)done);
	fflush(stderr);
}

void
bb_progress_finish(struct bb_progress *p)
{
	if (!p->active)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->active = false;
}
