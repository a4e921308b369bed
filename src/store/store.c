/*
 * store.c: opening the store, migrations, transactions, the initiative row.
 */
#include "store/internal.h"
#include "util/bb.h"
#include "util/clock.h"
#include "util/diag.h"

#include <stdlib.h>
#include <string.h>

int
bb_store_open(const char *target, bool create, struct bb_store **out,
    struct bb_diag *d)
{
	struct bb_store *s;
	struct bb_db *db;
	int rc;

	*out = NULL;
	if ((rc = bb_db_open(target, create, &db, d)) != BB_OK)
		return rc;
	s = bb_calloc(1, sizeof(*s));
	s->db = db;
	s->target = bb_strdup(target);
	if ((rc = bb_store_migrate(s, d)) != BB_OK) {
		bb_store_close(s);
		return rc;
	}
	*out = s;
	return BB_OK;
}

void
bb_store_close(struct bb_store *s)
{
	if (s == NULL)
		return;
	bb_db_close(s->db);
	free(s->target);
	free(s);
}

const char *
bb_store_errmsg(const struct bb_store *s)
{
	return bb_db_errmsg(s->db);
}

int
bb_store_begin(struct bb_store *s)
{
	return bb_db_begin(s->db);
}

int
bb_store_begin_read(struct bb_store *s)
{
	return bb_db_begin_read(s->db);
}

int
bb_store_commit(struct bb_store *s)
{
	return bb_db_commit(s->db);
}

int
bb_store_rollback(struct bb_store *s)
{
	return bb_db_rollback(s->db);
}

char *
bb_store_coldup(struct bb_stmt *st, int col)
{
	const char *t = bb_stmt_text(st, col);
	return t ? bb_strdup(t) : NULL;
}

int
bb_store_schema_version(struct bb_store *s, int64_t *out)
{
	bool found;
	int rc = bb_db_query_int64(s->db,
	    "SELECT coalesce(max(version), 0) FROM schema_migration", NULL, out,
	    &found);
	if (rc == BB_OK && !found)
		*out = 0;
	return rc;
}

int
bb_store_migrate(struct bb_store *s, struct bb_diag *d)
{
	int64_t have = 0;
	char now[BB_ISO_TIME];
	struct bb_stmt *st;
	int rc;

	if (bb_db_exec(s->db,
	    "CREATE TABLE IF NOT EXISTS schema_migration ("
	    "  version INTEGER PRIMARY KEY,"
	    "  name TEXT NOT NULL,"
	    "  applied_at TEXT NOT NULL)") != BB_OK) {
		bb_diag_set(d, s->target, 0, 0, "db-schema",
		    "cannot prepare the database: %s", bb_db_errmsg(s->db));
		return BB_ERR_IO;
	}
	if ((rc = bb_store_schema_version(s, &have)) != BB_OK) {
		bb_diag_set(d, s->target, 0, 0, "db-schema",
		    "cannot read the schema version: %s", bb_db_errmsg(s->db));
		return rc;
	}
	if (have > (int64_t)bb_migrations[bb_migrations_count - 1].version) {
		bb_diag_set(d, s->target, 0, 0, "db-newer",
		    "this database has schema version %lld, newer than this "
		    "backbone understands (%d); upgrade backbone", (long long)have,
		    bb_migrations[bb_migrations_count - 1].version);
		return BB_ERR_CONFLICT;
	}
	bb_clock_iso(now);
	for (size_t i = 0; i < bb_migrations_count; i++) {
		const struct bb_migration *m = &bb_migrations[i];
		if (m->version <= have)
			continue;
		if ((rc = bb_db_begin(s->db)) != BB_OK)
			goto fail;
		/* Another process may have applied it since `have` was read:
		 * look again now that the write lock is held. */
		if ((rc = bb_store_schema_version(s, &have)) != BB_OK) {
			bb_db_rollback(s->db);
			goto fail;
		}
		if (m->version <= have) {
			bb_db_rollback(s->db);
			continue;
		}
		if ((rc = bb_db_exec(s->db, m->sqlite)) != BB_OK) {
			bb_db_rollback(s->db);
			goto fail;
		}
		if ((rc = bb_db_prepare(s->db,
		    "INSERT INTO schema_migration (version, name, applied_at) "
		    "VALUES (?, ?, ?)", &st)) != BB_OK) {
			bb_db_rollback(s->db);
			goto fail;
		}
		bb_stmt_bind_int64(st, 1, m->version);
		bb_stmt_bind_text(st, 2, m->name);
		bb_stmt_bind_text(st, 3, now);
		rc = bb_stmt_step(st);
		bb_stmt_free(st);
		if (rc < 0 || (rc = bb_db_commit(s->db)) != BB_OK) {
			bb_db_rollback(s->db);
			goto fail;
		}
		continue;
fail:
		bb_diag_set(d, s->target, 0, 0, "db-migrate",
		    "cannot apply schema migration %d (%s): %s", m->version,
		    m->name, bb_db_errmsg(s->db));
		return BB_ERR_IO;
	}
	return BB_OK;
}

int
bb_store_initiative_create(struct bb_store *s, const char *name)
{
	struct bb_stmt *st;
	char now[BB_ISO_TIME];
	int rc;

	bb_clock_iso(now);
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO initiative (id, name, created_at) VALUES (1, ?, ?) "
	    "ON CONFLICT (id) DO NOTHING", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, name);
	bb_stmt_bind_text(st, 2, now);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	if (rc < 0)
		return rc;
	return bb_db_changes(s->db) == 0 ? BB_ERR_EXISTS : BB_OK;
}

int
bb_store_initiative_name(struct bb_store *s, char **name)
{
	struct bb_stmt *st;
	int rc;

	*name = NULL;
	if ((rc = bb_db_prepare(s->db, "SELECT name FROM initiative WHERE id = 1",
	    &st)) != BB_OK)
		return rc;
	rc = bb_stmt_step(st);
	if (rc == BB_STEP_ROW) {
		*name = bb_store_coldup(st, 0);
		rc = BB_OK;
	} else if (rc == BB_STEP_DONE)
		rc = BB_ERR_NOTFOUND;
	bb_stmt_free(st);
	return rc;
}
