/*
 * db.h: the database driver interface: connections, prepared statements,
 * transactions.  Only store/ includes this file.
 *
 * SQL is written once, in the portable subset SQLite 3.40 and PostgreSQL 15
 * share (RETURNING, ON CONFLICT, window functions), with `?` placeholders;
 * a driver translates placeholders for its engine.  Every value reaches the
 * database through a bound parameter, never pasted into the text.
 *
 * The SQLite driver is the embedded default; a PostgreSQL driver is meant to
 * sit behind the same functions (struct bb_db_ops) without changes above.
 */
#ifndef BB_DB_H
#define BB_DB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct bb_diag;

enum bb_dialect {
	BB_DIALECT_SQLITE = 1,
	BB_DIALECT_POSTGRES = 2,
};

enum {
	BB_STEP_DONE = 0,
	BB_STEP_ROW = 1,
};

struct bb_db;
struct bb_stmt;

/* Open the database at `target`: a file path (SQLite; created when missing
 * and `create` is true) or, later, a postgres:// URL.  On failure fills *d. */
int bb_db_open(const char *target, bool create, struct bb_db **out, struct bb_diag *d);
void bb_db_close(struct bb_db *db);
/* A private temporary on-disk database, deleted when closed. */
int bb_db_open_temp(struct bb_db **out, struct bb_diag *d);
enum bb_dialect bb_db_dialect(const struct bb_db *db);
/* The last error the engine reported, for diagnostics. */
const char *bb_db_errmsg(const struct bb_db *db);

/* Run statements with no parameters and no rows (schema, pragmas). */
int bb_db_exec(struct bb_db *db, const char *sql);

/* Transactions nest: the outermost begin/commit is real, inner ones are
 * savepoints.  A rollback undoes up to the matching begin. */
int bb_db_begin(struct bb_db *db);
/* A transaction that only reads: one snapshot of the database for all its
 * statements, taking no write lock (end it with commit). */
int bb_db_begin_read(struct bb_db *db);
int bb_db_commit(struct bb_db *db);
int bb_db_rollback(struct bb_db *db);
int bb_db_tx_depth(const struct bb_db *db);

int bb_db_prepare(struct bb_db *db, const char *sql, struct bb_stmt **out);
void bb_stmt_free(struct bb_stmt *st);
/* Make the statement ready to run again; bindings are cleared. */
int bb_stmt_reset(struct bb_stmt *st);
/* Ready to run again, keeping the bindings (for bulk inserts that rebind
 * only what changes). */
int bb_stmt_rerun(struct bb_stmt *st);
/* Parameters are 1-based. Text and blob are copied. */
int bb_stmt_bind_text(struct bb_stmt *st, int i, const char *s);
int bb_stmt_bind_textn(struct bb_stmt *st, int i, const char *s, size_t n);
/* Bind without copying: s must stay valid and unchanged until the statement
 * is reset or stepped to completion. */
int bb_stmt_bind_static(struct bb_stmt *st, int i, const char *s, size_t n);
int bb_stmt_bind_int64(struct bb_stmt *st, int i, int64_t v);
int bb_stmt_bind_double(struct bb_stmt *st, int i, double v);
int bb_stmt_bind_blob(struct bb_stmt *st, int i, const void *p, size_t n);
int bb_stmt_bind_null(struct bb_stmt *st, int i);
/* BB_STEP_ROW, BB_STEP_DONE, or a negative error (message in bb_db_errmsg). */
int bb_stmt_step(struct bb_stmt *st);
int bb_stmt_columns(struct bb_stmt *st);
bool bb_stmt_isnull(struct bb_stmt *st, int col);
/* Column values of the current row (0-based). Text is NULL for SQL NULL and
 * valid until the next step/reset. */
const char *bb_stmt_text(struct bb_stmt *st, int col);
int64_t bb_stmt_int64(struct bb_stmt *st, int col);
double bb_stmt_double(struct bb_stmt *st, int col);
const void *bb_stmt_blob(struct bb_stmt *st, int col, size_t *n);

/* The rowid of the last INSERT on this connection. */
int64_t bb_db_last_rowid(struct bb_db *db);
/* Rows changed by the last INSERT/UPDATE/DELETE. */
int64_t bb_db_changes(struct bb_db *db);

/* Single-value helper: run sql with one optional text parameter (NULL = none)
 * and return the first column of the first row as int64 (*found false when no
 * row). */
int bb_db_query_int64(struct bb_db *db, const char *sql, const char *param,
    int64_t *out, bool *found);

/* The engine handle, for the sqlite driver's own tests and tools. */
void *bb_db_handle(struct bb_db *db);

#endif
