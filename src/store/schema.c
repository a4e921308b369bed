/*
 * schema.c: the database schema, as an ordered list of migrations.
 *
 * A migration, once released, is never edited: a change to the schema is a
 * new entry at the end.  Each runs in its own transaction and is recorded in
 * schema_migration, so opening a database of any earlier version brings it up
 * to date (store.c: bb_store_migrate).  See docs/data-model.md.
 */
#include "store/internal.h"
#include "util/bb.h"

static const char m1_foundation[] =
    "CREATE TABLE initiative ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  name TEXT NOT NULL,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE framework_version ("
    "  version INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),"
    "  source_name TEXT NOT NULL,"
    "  source BLOB NOT NULL,"
    "  canonical TEXT NOT NULL,"
    "  applied_at TEXT NOT NULL"
    ");";

const struct bb_migration bb_migrations[] = {
	{ 1, "foundation", m1_foundation, NULL },
};

const size_t bb_migrations_count = BB_ARRAY_LEN(bb_migrations);
