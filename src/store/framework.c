/*
 * framework.c (store): immutable framework versions, and the initiative's
 * name that a framework sets.
 */
#include "store/internal.h"
#include "util/bb.h"
#include "util/clock.h"

#include <stdlib.h>
#include <string.h>

void
bb_fw_version_clear(struct bb_fw_version *v)
{
	if (v == NULL)
		return;
	free(v->sha256);
	free(v->source_name);
	free(v->source);
	free(v->canonical);
	free(v->applied_at);
	memset(v, 0, sizeof(*v));
}

int
bb_store_framework_put(struct bb_store *s, const char *sha256,
    const char *source_name, const char *source, size_t source_len,
    const char *canonical, int64_t *version, bool *created)
{
	struct bb_stmt *st;
	char now[BB_ISO_TIME];
	bool found;
	int rc;

	*created = false;
	if ((rc = bb_db_begin(s->db)) != BB_OK)
		return rc;
	/* Unchanged when the latest version has this content; content equal
	 * to an older version (going back) is a new version. */
	rc = bb_db_query_int64(s->db,
	    "SELECT version FROM framework_version WHERE sha256 = ? AND version ="
	    " (SELECT max(version) FROM framework_version)", sha256,
	    version, &found);
	if (rc != BB_OK || found)
		goto out;
	bb_clock_iso(now);
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO framework_version (version, sha256, source_name, source,"
	    " canonical, applied_at) VALUES ("
	    " (SELECT coalesce(max(version), 0) + 1 FROM framework_version),"
	    " ?, ?, ?, ?, ?) RETURNING version", &st)) != BB_OK)
		goto out;
	bb_stmt_bind_text(st, 1, sha256);
	bb_stmt_bind_text(st, 2, source_name);
	bb_stmt_bind_blob(st, 3, source, source_len);
	bb_stmt_bind_text(st, 4, canonical);
	bb_stmt_bind_text(st, 5, now);
	rc = bb_stmt_step(st);
	if (rc == BB_STEP_ROW) {
		*version = bb_stmt_int64(st, 0);
		*created = true;
		rc = BB_OK;
	} else if (rc == BB_STEP_DONE)
		rc = BB_ERR_INTERNAL;
	bb_stmt_free(st);
out:
	if (rc == BB_OK)
		rc = bb_db_commit(s->db);
	else
		bb_db_rollback(s->db);
	return rc;
}

static void
read_row(struct bb_stmt *st, struct bb_fw_version *v, bool full)
{
	v->version = bb_stmt_int64(st, 0);
	v->sha256 = bb_store_coldup(st, 1);
	v->source_name = bb_store_coldup(st, 2);
	v->applied_at = bb_store_coldup(st, 3);
	if (full) {
		size_t n;
		const void *p = bb_stmt_blob(st, 4, &n);
		v->source = bb_malloc(n + 1);
		if (n)
			memcpy(v->source, p, n);
		v->source[n] = '\0';
		v->source_len = n;
		v->canonical = bb_store_coldup(st, 5);
	}
}

int
bb_store_framework_get(struct bb_store *s, int64_t version,
    struct bb_fw_version *out)
{
	struct bb_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = bb_db_prepare(s->db,
	    "SELECT version, sha256, source_name, applied_at, source, canonical"
	    " FROM framework_version"
	    " WHERE version = CASE WHEN ?1 = 0 THEN"
	    "  (SELECT max(version) FROM framework_version) ELSE ?1 END",
	    &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, version);
	rc = bb_stmt_step(st);
	if (rc == BB_STEP_ROW) {
		read_row(st, out, true);
		rc = BB_OK;
	} else if (rc == BB_STEP_DONE)
		rc = BB_ERR_NOTFOUND;
	bb_stmt_free(st);
	return rc;
}

int
bb_store_framework_latest(struct bb_store *s, int64_t *version)
{
	bool found;
	int rc = bb_db_query_int64(s->db,
	    "SELECT coalesce(max(version), 0) FROM framework_version", NULL,
	    version, &found);
	if (rc == BB_OK && !found)
		*version = 0;
	return rc;
}

int
bb_store_framework_list(struct bb_store *s,
    int (*fn)(const struct bb_fw_version *v, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT version, sha256, source_name, applied_at FROM framework_version"
	    " ORDER BY version", &st)) != BB_OK)
		return rc;
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_fw_version v;
		memset(&v, 0, sizeof(v));
		read_row(st, &v, false);
		rc = fn(&v, arg);
		bb_fw_version_clear(&v);
		if (rc != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_initiative_set_name(struct bb_store *s, const char *name)
{
	struct bb_stmt *st;
	char now[BB_ISO_TIME];
	int rc;

	bb_clock_iso(now);
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO initiative (id, name, created_at) VALUES (1, ?, ?) "
	    "ON CONFLICT (id) DO UPDATE SET name = excluded.name", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, name);
	bb_stmt_bind_text(st, 2, now);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}
