/*
 * store_fixture.h: a store with hand-made submissions and participant
 * links for the tests of measure/ (the submit pipeline and linkage are
 * other rooms; here records go in through the store functions directly).
 */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/links.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/diag.h"
#include "util/hash.h"

static char sx_dir[64];
static int sx_files;

/* A fresh store in a temporary directory, with framework version 1. */
static struct bb_store *
sx_open(void)
{
	struct bb_store *s = NULL;
	struct bb_diag d;
	char path[128];
	int64_t ver;
	bool created;

	memset(&d, 0, sizeof(d));
	bb_strlcpy(sx_dir, "/tmp/bb-unit-XXXXXX", sizeof(sx_dir));
	if (mkdtemp(sx_dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/t.db", sx_dir);
	if (bb_store_open(path, true, &s, &d) != BB_OK)
		abort();
	bb_store_initiative_create(s, "test");
	if (bb_store_framework_put(s, "1111111111111111111111111111111111111111111111111111111111111111",
	    "framework.yaml", "x", 1, "{}", &ver, &created) != BB_OK)
		abort();
	return s;
}

static void
sx_close(struct bb_store *s)
{
	char cmd[160];
	bb_store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sx_dir);
	if (system(cmd) != 0)
		abort();
}

/* Store a submission of `n` records (JSON objects) and return its id;
 * ids[] (when not NULL) receives the record ids.  `supersedes`: the id of
 * the submission it corrects, or 0. */
static int64_t
sx_submit(struct bb_store *s, const char *partner, const char *dataset,
    const char *period, const char *const *records, size_t n, int64_t supersedes,
    int64_t *ids)
{
	struct bb_submission sub;
	struct bb_record_writer *w;
	char path[160], sha[BB_SHA256_HEX];
	uint64_t size;
	FILE *f;

	snprintf(path, sizeof(path), "%s/f%d.csv", sx_dir, sx_files++);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "%s %s %s %d\n", partner, dataset, period, sx_files);
	fclose(f);
	if (bb_sha256_file(path, sha) != BB_OK ||
	    bb_store_blob_put_file(s, sha, path, &size) != BB_OK)
		abort();
	memset(&sub, 0, sizeof(sub));
	sub.partner_id = (char *)(uintptr_t)partner;
	sub.dataset_id = (char *)(uintptr_t)dataset;
	sub.period = (char *)(uintptr_t)period;
	sub.file_name = path + strlen(sx_dir) + 1;
	sub.sha256 = sha;
	sub.format = (char *)(uintptr_t)"csv";
	sub.framework_version = 1;
	sub.crosswalk_sha256 = (char *)(uintptr_t)"abcdef0123456789";
	sub.status = (char *)(uintptr_t)"stored";
	sub.rows_read = sub.rows_accepted = (int64_t)n;
	sub.supersedes = supersedes;
	if (bb_store_begin(s) != BB_OK || bb_store_submission_insert(s, &sub) != BB_OK)
		abort();
	if (bb_store_records_open(s, sub.id, dataset, partner, period, &w) != BB_OK)
		abort();
	for (size_t i = 0; i < n; i++)
		if (bb_store_record_add(w, i + 2, records[i], strlen(records[i]),
		    ids ? &ids[i] : NULL) != BB_OK)
			abort();
	bb_store_records_close(w);
	if (supersedes && bb_store_submission_supersede(s, supersedes, sub.id) != BB_OK)
		abort();
	if (bb_store_submission_finish(s, &sub) != BB_OK || bb_store_commit(s) != BB_OK)
		abort();
	free(sub.received_at);
	return sub.id;
}

/* Link a record to a participant (what linkage does). */
static void
sx_link(struct bb_store *s, int64_t record, int64_t participant)
{
	struct bb_link_writer *w;
	if (bb_store_links_open(s, &w) != BB_OK ||
	    bb_store_link_add(w, record, participant) != BB_OK)
		abort();
	bb_store_links_close(w);
}

#endif
