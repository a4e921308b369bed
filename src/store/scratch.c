/*
 * scratch.c (store): a disk-backed set of 64-bit keys, for checks whose
 * memory would otherwise grow with the file (uniqueness within a very large
 * submission).  A private temporary SQLite database with a small cache:
 * memory stays bounded, the operating system's temp directory holds the rest,
 * and it is deleted when closed.
 */
#include "store/db.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/diag.h"

#include <stdlib.h>

struct bb_scratch_set {
	struct bb_db *db;
	struct bb_stmt *ins, *get;
};

int
bb_scratch_set_open(struct bb_scratch_set **out)
{
	struct bb_scratch_set *s = bb_calloc(1, sizeof(*s));
	struct bb_diag d = { 0 };
	int rc;

	*out = NULL;
	/* "" is SQLite's private on-disk temporary database. */
	if ((rc = bb_db_open_temp(&s->db, &d)) != BB_OK)
		goto fail;
	if ((rc = bb_db_exec(s->db, "PRAGMA cache_size=-4096;"
	    "CREATE TABLE k (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)")) != BB_OK)
		goto fail;
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO k (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING",
	    &s->ins)) != BB_OK ||
	    (rc = bb_db_prepare(s->db, "SELECT v FROM k WHERE k = ?", &s->get)) != BB_OK)
		goto fail;
	if ((rc = bb_db_begin(s->db)) != BB_OK)
		goto fail;
	bb_diag_clear(&d);
	*out = s;
	return BB_OK;
fail:
	bb_diag_clear(&d);
	bb_scratch_set_free(s);
	return rc;
}

int
bb_scratch_set_put(struct bb_scratch_set *s, uint64_t key, uint64_t val,
    bool *existed, uint64_t *old)
{
	int rc;

	*existed = false;
	bb_stmt_reset(s->ins);
	bb_stmt_bind_int64(s->ins, 1, (int64_t)key);
	bb_stmt_bind_int64(s->ins, 2, (int64_t)val);
	if ((rc = bb_stmt_step(s->ins)) < 0)
		return rc;
	if (bb_db_changes(s->db) > 0)
		return BB_OK;
	*existed = true;
	bb_stmt_reset(s->get);
	bb_stmt_bind_int64(s->get, 1, (int64_t)key);
	rc = bb_stmt_step(s->get);
	if (rc == BB_STEP_ROW)
		*old = (uint64_t)bb_stmt_int64(s->get, 0);
	return rc < 0 ? rc : BB_OK;
}

void
bb_scratch_set_free(struct bb_scratch_set *s)
{
	if (s == NULL)
		return;
	bb_stmt_free(s->ins);
	bb_stmt_free(s->get);
	bb_db_close(s->db);
	free(s);
}
