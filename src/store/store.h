/*
 * store.h: the storage interface every room above store/ uses.
 *
 * The store holds one initiative: its framework versions, submissions and
 * their raw bytes, canonical records, participants and links, indicator
 * values and flags.  Rooms above call only these functions; the SQL lives in
 * the files of store/ and reaches the engine through store/db.h, so a PostgreSQL
 * engine can be added without touching callers.
 *
 * Functions return 0 or a negative BB_ERR_*; errors of the engine are put
 * into the caller's struct bb_diag where one is passed, and are otherwise
 * available from bb_store_errmsg().
 */
#ifndef BB_STORE_H
#define BB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bb_diag;
struct bb_store;

/* Open (and with `create`, create) the store at `target` and bring its schema
 * up to date.  A missing database without `create` is BB_ERR_NOTFOUND. */
int bb_store_open(const char *target, bool create, struct bb_store **out,
    struct bb_diag *d);
void bb_store_close(struct bb_store *s);
const char *bb_store_errmsg(const struct bb_store *s);
/* The schema version (the number of the last migration applied). */
int bb_store_schema_version(struct bb_store *s, int64_t *out);

/* Transactions (nest as savepoints). Callers wrap multi-step writes. */
int bb_store_begin(struct bb_store *s);
int bb_store_commit(struct bb_store *s);
int bb_store_rollback(struct bb_store *s);

/* --- the initiative ------------------------------------------------------ */

/* Create the initiative row (once).  BB_ERR_EXISTS when there is one. */
int bb_store_initiative_create(struct bb_store *s, const char *name);
/* The initiative's name (caller frees); BB_ERR_NOTFOUND before init. */
int bb_store_initiative_name(struct bb_store *s, char **name);
/* Set the initiative's name (from the framework applied), creating the
 * initiative row when there is none. */
int bb_store_initiative_set_name(struct bb_store *s, const char *name);

/* --- framework versions -------------------------------------------------- */

struct bb_fw_version {
	int64_t version;
	char *sha256;		/* content hash of the canonical form */
	char *source_name;	/* the file name it was applied from */
	char *source;		/* the file's bytes as applied (YAML) */
	size_t source_len;
	char *canonical;	/* canonical JSON of the framework */
	char *applied_at;
};

void bb_fw_version_clear(struct bb_fw_version *v);

/* Store a new version unless one with the same sha256 exists.  Sets
 * *version to the new or existing number and *created accordingly. */
int bb_store_framework_put(struct bb_store *s, const char *sha256,
    const char *source_name, const char *source, size_t source_len,
    const char *canonical, int64_t *version, bool *created);
/* Load version `version`, or the latest when version is 0. */
int bb_store_framework_get(struct bb_store *s, int64_t version,
    struct bb_fw_version *out);
/* The latest version number, 0 when none. */
int bb_store_framework_latest(struct bb_store *s, int64_t *version);
/* Call fn for each version, oldest first (source and canonical not loaded). */
int bb_store_framework_list(struct bb_store *s,
    int (*fn)(const struct bb_fw_version *v, void *arg), void *arg);

#endif
