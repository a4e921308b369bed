/*
 * sqlite.c: the SQLite driver behind store/db.h.
 *
 * One file per database, WAL journal, foreign keys enforced, a busy timeout
 * so a second process waits instead of failing.  Nested transactions become
 * savepoints.  A database in a directory that cannot be written (a
 * published copy on a read-only mount) is opened immutable and read-only:
 * WAL could not make its -shm file there, and nobody can write it.
 */
#include "store/db.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/diag.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct bb_db {
	sqlite3 *h;
	int depth;
	bool read_only;		/* opened as it is, in a place nobody writes */
	char err[512];
};

struct bb_stmt {
	struct bb_db *db;
	sqlite3_stmt *s;
};

static void
seterr(struct bb_db *db)
{
	bb_strlcpy(db->err, sqlite3_errmsg(db->h), sizeof(db->err));
}

/* A database in a directory we cannot write (so no -shm file can be made
 * for WAL, and no other process can write it either), left cleanly (no
 * -wal file with pages not yet in the database)? */
static bool
read_only_place(const char *target)
{
	char *dir = bb_strdup(target), *slash = strrchr(dir, '/'), *wal;
	struct stat sb;
	bool ro;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	ro = access(slash ? dir : ".", W_OK) != 0 && errno != ENOENT;
	free(dir);
	if (!ro)
		return false;
	wal = bb_asprintf("%s-wal", target);
	ro = stat(wal, &sb) != 0 || sb.st_size == 0;
	free(wal);
	return ro;
}

/* "file:PATH?immutable=1", the path's %, ? and # escaped. */
static char *
immutable_uri(const char *path)
{
	struct bb_buf b;

	bb_buf_init(&b, BB_BUF_NOMAX);
	bb_buf_puts(&b, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			bb_buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			bb_buf_putc(&b, *p);
	}
	bb_buf_puts(&b, "?immutable=1");
	return bb_buf_take(&b);
}

int
bb_db_open(const char *target, bool create, struct bb_db **out, struct bb_diag *d)
{
	struct bb_db *db;
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	*out = NULL;
	if (strncmp(target, "postgres://", 11) == 0 ||
	    strncmp(target, "postgresql://", 13) == 0) {
		bb_diag_set(d, target, 0, 0, "no-driver",
		    "the PostgreSQL store is not available in this build");
		return BB_ERR_USAGE;
	}
	if (!create && stat(target, &sb) != 0) {
		bb_diag_set(d, target, 0, 0, "no-database",
		    "no database here; run 'backbone init' first (or pass --db)");
		return BB_ERR_NOTFOUND;
	}
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	db = bb_calloc(1, sizeof(*db));
	if (!create && read_only_place(target)) {
		/* WAL needs its -shm file beside the database; where none can
		 * be made, nobody can write either: read it as it is. */
		char *uri = immutable_uri(target);
		db->read_only = true;
		rc = sqlite3_open_v2(uri, &db->h, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
		free(uri);
	} else
		rc = sqlite3_open_v2(target, &db->h, flags, NULL);
	if (rc != SQLITE_OK) {
		bb_diag_set(d, target, 0, 0, "db-open", "cannot open database: %s",
		    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return BB_ERR_IO;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 10000);
	/* Defensive settings: no double-quoted string literals, no loading
	 * of extensions, foreign keys enforced. */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)0);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)0);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)0);
	/* A new database gets 16 KiB pages (fewer pages for records and
	 * raw bytes; ignored once the file exists).  64 MiB of page cache
	 * keeps a large submission's transaction from spilling pages it
	 * will touch again. */
	if (bb_db_exec(db, "PRAGMA page_size=16384") != BB_OK ||
	    bb_db_exec(db, "PRAGMA cache_size=-65536") != BB_OK ||
	    (!db->read_only && bb_db_exec(db, "PRAGMA journal_mode=WAL") != BB_OK) ||
	    bb_db_exec(db, "PRAGMA foreign_keys=ON") != BB_OK ||
	    bb_db_exec(db, "PRAGMA synchronous=NORMAL") != BB_OK) {
		bb_diag_set(d, target, 0, 0, "db-open", "not a usable database: %s",
		    db->err);
		bb_db_close(db);
		return BB_ERR_INPUT;
	}
	*out = db;
	return BB_OK;
}

int
bb_db_open_temp(struct bb_db **out, struct bb_diag *d)
{
	struct bb_db *db = bb_calloc(1, sizeof(*db));

	*out = NULL;
	if (sqlite3_open_v2("", &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		bb_diag_set(d, NULL, 0, 0, "db-open", "cannot open a temporary database");
		sqlite3_close(db->h);
		free(db);
		return BB_ERR_IO;
	}
	*out = db;
	return BB_OK;
}

void
bb_db_close(struct bb_db *db)
{
	if (db == NULL)
		return;
	sqlite3_close_v2(db->h);
	free(db);
}

enum bb_dialect
bb_db_dialect(const struct bb_db *db)
{
	(void)db;
	return BB_DIALECT_SQLITE;
}

const char *
bb_db_errmsg(const struct bb_db *db)
{
	return db->err;
}

void *
bb_db_handle(struct bb_db *db)
{
	return db->h;
}

int
bb_db_exec(struct bb_db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		bb_strlcpy(db->err, msg ? msg : sqlite3_errmsg(db->h), sizeof(db->err));
		sqlite3_free(msg);
		return BB_ERR_IO;
	}
	return BB_OK;
}

int
bb_db_begin(struct bb_db *db)
{
	char sql[64];
	int rc;

	if (db->depth == 0)
		rc = bb_db_exec(db, "BEGIN IMMEDIATE");
	else {
		snprintf(sql, sizeof(sql), "SAVEPOINT sp%d", db->depth);
		rc = bb_db_exec(db, sql);
	}
	if (rc == BB_OK)
		db->depth++;
	return rc;
}

int
bb_db_begin_read(struct bb_db *db)
{
	if (db->depth > 0)
		return bb_db_begin(db);
	int rc = bb_db_exec(db, "BEGIN DEFERRED");
	if (rc == BB_OK)
		db->depth++;
	return rc;
}

int
bb_db_commit(struct bb_db *db)
{
	char sql[64];
	int rc;

	if (db->depth <= 0)
		return BB_ERR_INTERNAL;
	if (db->depth == 1)
		rc = bb_db_exec(db, "COMMIT");
	else {
		snprintf(sql, sizeof(sql), "RELEASE sp%d", db->depth - 1);
		rc = bb_db_exec(db, sql);
	}
	if (rc == BB_OK)
		db->depth--;
	return rc;
}

int
bb_db_rollback(struct bb_db *db)
{
	char sql[96];
	int rc;

	if (db->depth <= 0)
		return BB_ERR_INTERNAL;
	if (db->depth == 1)
		rc = bb_db_exec(db, "ROLLBACK");
	else {
		snprintf(sql, sizeof(sql), "ROLLBACK TO sp%d; RELEASE sp%d",
		    db->depth - 1, db->depth - 1);
		rc = bb_db_exec(db, sql);
	}
	db->depth--;
	return rc;
}

int
bb_db_tx_depth(const struct bb_db *db)
{
	return db->depth;
}

int
bb_db_prepare(struct bb_db *db, const char *sql, struct bb_stmt **out)
{
	sqlite3_stmt *s = NULL;
	*out = NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		seterr(db);
		return BB_ERR_INTERNAL;
	}
	*out = bb_malloc(sizeof(**out));
	(*out)->db = db;
	(*out)->s = s;
	return BB_OK;
}

void
bb_stmt_free(struct bb_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->s);
	free(st);
}

int
bb_stmt_reset(struct bb_stmt *st)
{
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
	return BB_OK;
}

int
bb_stmt_rerun(struct bb_stmt *st)
{
	sqlite3_reset(st->s);
	return BB_OK;
}

static int
bindrc(struct bb_stmt *st, int rc)
{
	if (rc != SQLITE_OK) {
		seterr(st->db);
		return BB_ERR_INTERNAL;
	}
	return BB_OK;
}

int
bb_stmt_bind_text(struct bb_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return bb_stmt_bind_null(st, i);
	return bindrc(st, sqlite3_bind_text(st->s, i, s, -1, SQLITE_TRANSIENT));
}

int
bb_stmt_bind_textn(struct bb_stmt *st, int i, const char *s, size_t n)
{
	if (s == NULL)
		return bb_stmt_bind_null(st, i);
	return bindrc(st, sqlite3_bind_text64(st->s, i, s, n, SQLITE_TRANSIENT,
	    SQLITE_UTF8));
}

int
bb_stmt_bind_static(struct bb_stmt *st, int i, const char *s, size_t n)
{
	if (s == NULL)
		return bb_stmt_bind_null(st, i);
	return bindrc(st, sqlite3_bind_text64(st->s, i, s, n, SQLITE_STATIC,
	    SQLITE_UTF8));
}

int
bb_stmt_bind_int64(struct bb_stmt *st, int i, int64_t v)
{
	return bindrc(st, sqlite3_bind_int64(st->s, i, v));
}

int
bb_stmt_bind_double(struct bb_stmt *st, int i, double v)
{
	return bindrc(st, sqlite3_bind_double(st->s, i, v));
}

int
bb_stmt_bind_blob(struct bb_stmt *st, int i, const void *p, size_t n)
{
	return bindrc(st, sqlite3_bind_blob64(st->s, i, n ? p : "", n,
	    SQLITE_TRANSIENT));
}

int
bb_stmt_bind_null(struct bb_stmt *st, int i)
{
	return bindrc(st, sqlite3_bind_null(st->s, i));
}

int
bb_stmt_step(struct bb_stmt *st)
{
	int rc = sqlite3_step(st->s);
	if (rc == SQLITE_ROW)
		return BB_STEP_ROW;
	if (rc == SQLITE_DONE)
		return BB_STEP_DONE;
	seterr(st->db);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return BB_ERR_CONFLICT;
	return BB_ERR_IO;
}

int
bb_stmt_columns(struct bb_stmt *st)
{
	return sqlite3_column_count(st->s);
}

bool
bb_stmt_isnull(struct bb_stmt *st, int col)
{
	return sqlite3_column_type(st->s, col) == SQLITE_NULL;
}

const char *
bb_stmt_text(struct bb_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->s, col);
}

int64_t
bb_stmt_int64(struct bb_stmt *st, int col)
{
	return sqlite3_column_int64(st->s, col);
}

double
bb_stmt_double(struct bb_stmt *st, int col)
{
	return sqlite3_column_double(st->s, col);
}

const void *
bb_stmt_blob(struct bb_stmt *st, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(st->s, col);
	*n = (size_t)sqlite3_column_bytes(st->s, col);
	return p;
}

int64_t
bb_db_last_rowid(struct bb_db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int64_t
bb_db_changes(struct bb_db *db)
{
	return sqlite3_changes64(db->h);
}

int
bb_db_query_int64(struct bb_db *db, const char *sql, const char *param,
    int64_t *out, bool *found)
{
	struct bb_stmt *st;
	int rc;

	*found = false;
	if ((rc = bb_db_prepare(db, sql, &st)) != BB_OK)
		return rc;
	if (param != NULL)
		bb_stmt_bind_text(st, 1, param);
	rc = bb_stmt_step(st);
	if (rc == BB_STEP_ROW) {
		*out = bb_stmt_int64(st, 0);
		*found = true;
		rc = BB_OK;
	} else if (rc == BB_STEP_DONE)
		rc = BB_OK;
	bb_stmt_free(st);
	return rc;
}
