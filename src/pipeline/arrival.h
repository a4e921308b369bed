/*
 * arrival.h: the whole pipeline for one partner file, as every caller runs
 * it (`backbone submit`, `backbone demo`, later the web upload):
 *
 *   read -> crosswalk -> validate -> store    (intake/submit.h)
 *        -> link                              (link/arrive.h)
 *        -> measure                           (measure/values.h)
 *
 * Each stage adds what it did to the receipt.  A later stage (flags) goes
 * after these, here, with its own member in struct bb_arrival.
 */
#ifndef BB_ARRIVAL_H
#define BB_ARRIVAL_H

#include <stdint.h>

#include "framework/framework.h"
#include "intake/submit.h"
#include "link/arrive.h"
#include "measure/values.h"
#include "store/store.h"
#include "util/diag.h"

/* What each stage did.  bb_arrival_init, then bb_arrival_clear. */
struct bb_arrival {
	struct bb_receipt intake;	/* read, crosswalk, validate, store */
	struct bb_link_receipt link;	/* linkage (link.ran: it ran) */
	int link_rc;			/* 0, or why linkage failed */
	struct bb_diag link_diag;	/* ... with its message */
	bool values_ran;		/* the indicator values were updated */
	struct bb_refresh_stats values;	/* ... so */
	int values_rc;			/* 0, or why they could not be */
	double link_seconds;		/* wall time of each stage after intake */
	double values_seconds;		/* (intake's is in intake.seconds) */
};

void bb_arrival_init(struct bb_arrival *a);
void bb_arrival_clear(struct bb_arrival *a);

/* Run the pipeline on one file.  Intake stores the file in its own
 * transaction (or refuses it, storing nothing); when it stored records,
 * linkage links them in a following transaction, then the maintained
 * indicator values of framework version fw_version are brought up to date
 * (all of them recomputed when linkage moved earlier records between
 * participants, as a merge does, or linked records of earlier submissions
 * that a failed run left).  Returns what intake returned (0 stored
 * or duplicate or previewed, BB_ERR_INPUT refused, another code when the
 * store failed) unless intake stored the file and a later stage failed:
 * then that stage's error (a->link_rc with a->link_diag, or
 * a->values_rc); the file stays stored, its records are linked by the
 * next submission stored (a decision does not link them), and `backbone
 * values refresh` recomputes the values.  A preview runs intake only. */
int bb_arrival_submit(struct bb_store *st, const struct bb_framework *fw,
    int64_t fw_version, const struct bb_submit_request *req,
    struct bb_arrival *a);

#endif
