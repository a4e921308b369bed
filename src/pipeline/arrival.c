/*
 * arrival.c: the pipeline for one partner file (pipeline/arrival.h):
 * intake, then linkage.
 */
#include "pipeline/arrival.h"
#include "util/bb.h"

#include <string.h>

void
bb_arrival_init(struct bb_arrival *a)
{
	memset(a, 0, sizeof(*a));
	bb_receipt_init(&a->intake);
	bb_link_receipt_init(&a->link);
}

void
bb_arrival_clear(struct bb_arrival *a)
{
	if (a == NULL)
		return;
	bb_receipt_clear(&a->intake);
	bb_link_receipt_clear(&a->link);
	bb_diag_clear(&a->link_diag);
	memset(a, 0, sizeof(*a));
}

int
bb_arrival_submit(struct bb_store *st, const struct bb_framework *fw,
    int64_t fw_version, const struct bb_submit_request *req,
    struct bb_arrival *a)
{
	int rc = bb_intake_submit(st, fw, fw_version, req, &a->intake);

	if (rc != BB_OK || (a->intake.outcome != BB_OUTCOME_STORED &&
	    a->intake.outcome != BB_OUTCOME_PARTIAL))
		return rc;
	double t0 = bb_now();
	a->link_rc = bb_link_arrival(st, fw, a->intake.submission_id,
	    a->intake.supersedes, &a->link, &a->link_diag);
	double t1 = bb_now();
	a->link_seconds = t1 - t0;
	/* The values, also when linkage failed: they count what is stored.
	 * All of them when records changed participants, or records of
	 * earlier submissions (left by a run that failed) were linked now:
	 * the slices of this submission are not the only ones that moved. */
	if (a->link_rc == BB_OK && (a->link.moved > 0 || a->link.earlier > 0))
		a->values_rc = bb_measure_recompute(st, fw, fw_version, &a->values);
	else
		a->values_rc = bb_measure_refresh(st, fw, fw_version, &a->values);
	a->values_ran = a->values_rc == BB_OK;
	a->values_seconds = bb_now() - t1;
	return a->link_rc != BB_OK ? a->link_rc : a->values_rc;
}
