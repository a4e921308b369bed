/*
 * submit.h: the intake pipeline for one partner file:
 *
 *   read -> crosswalk -> validate -> store
 *
 * `backbone submit`, `backbone preview`, `backbone demo` and (later) the web
 * upload all call bb_intake_submit.  Stored in one transaction: a file is
 * stored whole (or, under the dataset's quarantine policy, its valid rows
 * with the rest kept aside) or not at all, and a refused file leaves the
 * store exactly as it was.
 */
#ifndef BB_SUBMIT_H
#define BB_SUBMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "framework/framework.h"
#include "intake/problems.h"
#include "store/store.h"

struct bb_submit_request {
	const char *partner;
	const char *dataset;
	const char *period;	/* NULL: the last ended period of the obligation */
	const char *path;	/* the file to read */
	const char *file_name;	/* its name as the partner sent it (NULL: path) */
	const char *sheet;	/* overrides the crosswalk's sheet */
	const char *member;	/* overrides the crosswalk's ZIP member */
	const char *format;	/* overrides detection */
	bool preview;		/* run everything but store nothing */
};

enum bb_receipt_outcome {
	BB_OUTCOME_STORED = 1,	/* every row accepted */
	BB_OUTCOME_PARTIAL,	/* valid rows stored, the rest quarantined */
	BB_OUTCOME_REFUSED,	/* nothing stored */
	BB_OUTCOME_DUPLICATE,	/* this very file was already received */
	BB_OUTCOME_PREVIEW_OK,	/* preview: would be stored */
	BB_OUTCOME_PREVIEW_PARTIAL,
};

struct bb_receipt {
	enum bb_receipt_outcome outcome;
	char *partner, *dataset, *period, *file_name;
	char *partner_name;
	char sha256[65];
	const char *format;	/* static */
	const char *policy;	/* "refuse_file" or "quarantine_rows" */
	int64_t framework_version;
	char *crosswalk_sha256;
	uint64_t rows_read, rows_accepted, rows_refused;
	int64_t submission_id;	/* stored, or the earlier one for a duplicate */
	int64_t supersedes;	/* 0 = none */
	struct bb_problems problems;
	double seconds;
};

void bb_receipt_init(struct bb_receipt *r);
void bb_receipt_clear(struct bb_receipt *r);
const char *bb_outcome_name(enum bb_receipt_outcome o);

/* Run the pipeline.  Returns 0 when the file was stored (or would be, for a
 * preview, or was already), BB_ERR_INPUT when refused (the receipt says why),
 * another negative code when the store failed (nothing written). */
int bb_intake_submit(struct bb_store *st, const struct bb_framework *fw,
    int64_t fw_version, const struct bb_submit_request *req,
    struct bb_receipt *r);

/* A ZIP bundle sent whole: which member goes to which dataset
 * (intake/bundle.c).  Each item is then submitted on its own, with
 * req.dataset and req.member set. */
struct bb_bundle_item {
	char *member;		/* the member's name in the archive */
	const char *dataset;	/* the framework's */
};
struct bb_bundle_plan {
	struct bb_bundle_item *items;	/* in archive order */
	size_t n;
	char **skipped;		/* members no dataset takes */
	size_t nskipped;
	char **missing;		/* files the partner's crosswalks name that the
				   bundle lacks ("Exit.csv (dataset 'exit')") */
	size_t nmissing;
};

/* Plan the bundle at `path` for partner `partner_id`.  BB_ERR_NOTFOUND when
 * the file is not a bundle of readable files (not a ZIP archive, or a
 * workbook); BB_ERR_INPUT with *d set when the partner is unknown, the
 * archive cannot be read or two members hold one dataset. */
int bb_bundle_plan(const struct bb_framework *fw, const char *partner_id,
    const char *path, struct bb_bundle_plan *plan, struct bb_diag *d);
void bb_bundle_plan_free(struct bb_bundle_plan *plan);

#endif
