/*
 * compare.h: why two runs of the report differ (`backbone report --compare
 * A B`): the submissions between them (new files and corrections), the
 * framework change (indicator definitions and targets), and every figure
 * whose value changed, appeared or went away.
 */
#ifndef BB_COMPARE_H
#define BB_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "framework/framework.h"

struct bb_store;
struct bb_diag;

/* One run: a framework version and the data as of a submission (0: all). */
struct bb_compare_point {
	const struct bb_framework *fw;
	int64_t fw_version;
	int64_t as_of;
	const char *canonical;	/* the framework's canonical JSON (for the diff) */
};

/* Compare; *out receives a jansson object (json_t *, caller releases):
 * {"a": {...}, "b": {...}, "submissions": [...], "framework": [...],
 *  "figures": [...], "summary": {...}}.  Figures compared are the
 * initiative's and partners' totals and groups, every period. */
int bb_measure_compare(struct bb_store *s, const struct bb_compare_point *a,
    const struct bb_compare_point *b, void **out, struct bb_diag *d);

#endif
