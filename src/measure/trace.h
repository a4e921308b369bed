/*
 * trace.h: the records behind a figure (`backbone trace`), each with its
 * partner, submission, file row and participant, and the framework and
 * crosswalk versions that mapped it.
 */
#ifndef BB_TRACE_H
#define BB_TRACE_H

#include <stdint.h>

#include "framework/framework.h"

struct bb_store;
struct bb_diag;

struct bb_trace_row {
	const char *part;		/* "numerator", "denominator" or "value" */
	int64_t record_id;
	const char *dataset;
	const char *partner;
	int64_t submission_id;
	const char *file_name;		/* as the partner sent it */
	const char *submission_period;
	int64_t source_row;		/* the row in the partner's file */
	int64_t participant_id;		/* 0: not linked (counted as its own person) */
	int64_t framework_version;	/* that mapped the record */
	const char *crosswalk_sha256;	/* NULL when no crosswalk was used */
};

struct bb_trace_query {
	const char *indicator;
	const char *period;		/* a period label */
	const char *partner;		/* NULL: the whole initiative */
	const char *cell;		/* "DISAGGREGATION=GROUP", or NULL for the total */
	int64_t as_of;			/* 0: current data */
};

/* Call fn for every record counted in the figure, numerator first, each
 * part in record order.  BB_ERR_NOTFOUND (unknown indicator) and
 * BB_ERR_USAGE (bad period or cell) come with a message in *d. */
int bb_measure_trace(struct bb_store *s, const struct bb_framework *fw,
    const struct bb_trace_query *q,
    int (*fn)(const struct bb_trace_row *row, void *arg), void *arg,
    struct bb_diag *d);

#endif
