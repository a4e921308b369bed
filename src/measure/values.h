/*
 * values.h: computing indicator values (figures), keeping them up to date
 * as submissions arrive, and suppressing small cells.
 *
 * Which records an indicator sees for a period, how people are counted
 * once across partners, and which periods get values are defined in
 * docs/indicators.md; suppression in docs/reports.md.
 */
#ifndef BB_MEASURE_VALUES_H
#define BB_MEASURE_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "framework/framework.h"
#include "measure/measure.h"
#include "store/values.h"

struct bb_store;

struct bb_compute_opts {
	const char *period;	/* one period label (any kind); NULL: every period with data */
	const char *indicator;	/* one indicator; NULL: all */
	int64_t as_of;		/* 0: current data; else as just after this submission */
};

/* Compute the figures of the framework's indicators from the records
 * (from scratch), in report order: indicator (framework order), period,
 * total then each disaggregation's groups, the initiative then partners.
 * Figures are not suppressed (see bb_measure_suppress).  Appends to *out. */
int bb_measure_compute(struct bb_store *s, const struct bb_framework *fw,
    const struct bb_measure_plans *plans, const struct bb_compute_opts *o,
    struct bb_values *out);

/* Who is looking at figures. */
enum bb_role {
	BB_ROLE_BACKBONE = 1,	/* sees everything */
	BB_ROLE_PARTNER,	/* sees its own figures; others' suppressed */
	BB_ROLE_PUBLIC,		/* every figure subject to suppression */
};

int bb_role_parse(const char *s, enum bb_role *out);
const char *bb_role_name(enum bb_role r);

/* Mark the figures a role may not see: a figure with fewer than
 * min_cell_size people (or records, or values) behind it, but more than
 * none, is suppressed ('p'); then, so that it cannot be recovered by
 * subtraction, the next-smallest figure of each disaggregation (with its
 * total) and of each partner breakdown (with the initiative's figure)
 * that has exactly one suppressed figure is suppressed too ('c'), until
 * no such group is left.  `partner` is the partner role's own id.  A
 * backbone role suppresses nothing.  Figures must be grouped as
 * bb_measure_compute orders them. */
void bb_measure_suppress(struct bb_values *vs, int min_cell_size,
    enum bb_role role, const char *partner);

/* Maintained values. */
struct bb_refresh_stats {
	bool full;		/* everything was recomputed */
	size_t indicators;	/* indicators whose values changed */
	size_t periods;		/* (indicator, period) slices rewritten */
	size_t values;		/* figures written */
};

/* Recompute every value of framework version fw_version and store them
 * (replacing what was kept), with the public view's suppression. */
int bb_measure_recompute(struct bb_store *s, const struct bb_framework *fw,
    int64_t fw_version, struct bb_refresh_stats *st);
/* Bring the maintained values of framework version fw_version up to date
 * with the newest submission (call it after a submission's transaction
 * committed): only the (indicator, period) slices that the records of the
 * submissions stored since the last update, and of those they supersede,
 * fall in are recomputed and rewritten.  When the values were never
 * computed for this version, or are far behind, everything is recomputed
 * (st->full). */
int bb_measure_refresh(struct bb_store *s, const struct bb_framework *fw,
    int64_t fw_version, struct bb_refresh_stats *st);

/* Set the in-memory positions (plan, group) of values loaded from the
 * store, from the framework's order of indicators and disaggregations. */
void bb_measure_index(const struct bb_framework *fw, struct bb_values *vs);

#endif
