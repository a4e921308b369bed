/*
 * internal.h: what the files of store/ share and nobody else sees.
 */
#ifndef BB_STORE_INTERNAL_H
#define BB_STORE_INTERNAL_H

#include "store/db.h"
#include "store/store.h"

struct bb_store {
	struct bb_db *db;
	char *target;
};

/* One schema migration.  `sqlite` is the script for the SQLite engine,
 * `postgres` (may be NULL until that engine exists) for PostgreSQL. */
struct bb_migration {
	int version;
	const char *name;
	const char *sqlite;
	const char *postgres;
};

/* The ordered list of migrations (store/schema.c). */
extern const struct bb_migration bb_migrations[];
extern const size_t bb_migrations_count;

/* Apply the migrations not yet applied, each in its own transaction. */
int bb_store_migrate(struct bb_store *s, struct bb_diag *d);

/* Duplicate a column's text (NULL stays NULL). */
char *bb_store_coldup(struct bb_stmt *st, int col);

#endif
