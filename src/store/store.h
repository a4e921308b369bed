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
/* Reads from one snapshot, without the write lock (end with commit). */
int bb_store_begin_read(struct bb_store *s);
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

/* Store a new version unless the latest version has the same sha256 (then
 * nothing changes).  Content equal to an older version is stored as a new
 * version: going back is a change too.  Sets *version to the new or latest
 * number and *created accordingly. */
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

/* --- raw bytes ------------------------------------------------------------ */

/* Keep a file's bytes under its SHA-256 (computed by the caller), in chunks,
 * unless already kept.  Memory stays bounded whatever the file's size. */
int bb_store_blob_put_file(struct bb_store *s, const char *sha256,
    const char *path, uint64_t *size);
/* Write the bytes kept under sha256 to f. BB_ERR_NOTFOUND when none. */
int bb_store_blob_write(struct bb_store *s, const char *sha256, void *file);

/* --- submissions ----------------------------------------------------------- */

struct bb_submission {
	int64_t id;
	char *partner_id;
	char *dataset_id;
	char *period;
	char *file_name;
	char *sha256;
	char *format;
	int64_t framework_version;
	char *crosswalk_sha256;
	char *status;		/* "stored", "partial" (rows quarantined) */
	int64_t rows_read, rows_accepted, rows_refused;
	int64_t errors, warnings;
	int64_t supersedes;	/* 0 = none */
	int64_t superseded_by;	/* 0 = current */
	char *received_at;
};

void bb_submission_clear(struct bb_submission *sub);

/* The current submission of this exact file for the slot, if any (*id 0
 * when none): a file the slot has since replaced is not "the same". */
int bb_store_submission_find_same(struct bb_store *s, const char *partner,
    const char *dataset, const char *period, const char *sha256, int64_t *id);
/* The current (not superseded) submission for the slot (*id 0 when none). */
int bb_store_submission_current(struct bb_store *s, const char *partner,
    const char *dataset, const char *period, int64_t *id);
/* Insert; received_at is set from the clock.  Sets in->id. */
int bb_store_submission_insert(struct bb_store *s, struct bb_submission *in);
/* Set the final status and counts of a submission inserted earlier in the
 * same transaction (status, rows_*, errors, warnings of `sub`). */
int bb_store_submission_finish(struct bb_store *s, const struct bb_submission *sub);
/* Mark `old_id` superseded by `new_id` and retire its records. */
int bb_store_submission_supersede(struct bb_store *s, int64_t old_id,
    int64_t new_id);
int bb_store_submission_get(struct bb_store *s, int64_t id,
    struct bb_submission *out);
/* Each submission (of one partner when partner is not NULL), oldest first. */
int bb_store_submission_list(struct bb_store *s, const char *partner,
    int (*fn)(const struct bb_submission *sub, void *arg), void *arg);

/* A problem found in a submitted file, in the partner's own terms. */
struct bb_problem {
	uint64_t row;		/* the row as the partner's spreadsheet shows it */
	uint64_t line;		/* physical line in the file (0 = n/a) */
	char *column;		/* the partner's column header, or NULL */
	char *field;		/* the shared field, or NULL */
	char *value;		/* the offending value, or NULL */
	char *rule;		/* "required", "code", "range", ... */
	char *message;		/* for people */
	int severity;		/* enum bb_severity: error or warning */
};

void bb_problem_clear(struct bb_problem *p);
int bb_store_problems_insert(struct bb_store *s, int64_t submission,
    const struct bb_problem *p, size_t n);
int bb_store_problems_list(struct bb_store *s, int64_t submission,
    int (*fn)(const struct bb_problem *p, void *arg), void *arg);

/* --- records ---------------------------------------------------------------- */

/* Bulk writer of one submission's canonical records (and quarantined rows).
 * Use inside a transaction. */
struct bb_record_writer;

int bb_store_records_open(struct bb_store *s, int64_t submission,
    const char *dataset, const char *partner, const char *period,
    struct bb_record_writer **out);
/* `json` is the record's canonical values as a JSON object. */
int bb_store_record_add(struct bb_record_writer *w, uint64_t source_row,
    const char *json, size_t len, int64_t *record_id);
/* n records at once, in order: record i is source row source_row[i], its
 * JSON the len[i] bytes at base + off[i]. */
int bb_store_records_add(struct bb_record_writer *w, size_t n,
    const uint64_t *source_row, const char *base, const size_t *off,
    const size_t *len);
/* A row kept aside: `json` holds the partner's own cells. */
int bb_store_quarantine_add(struct bb_record_writer *w, uint64_t source_row,
    const char *json, size_t len);
void bb_store_records_close(struct bb_record_writer *w);

struct bb_record {
	int64_t id;
	int64_t submission_id;
	int64_t source_row;
	const char *dataset_id;
	const char *partner_id;
	const char *period;
	bool active;
	const char *data;	/* JSON object */
};

/* Each record of a dataset (NULL: all), active ones only unless `all`,
 * in id order.  Strings are valid during the callback only. */
int bb_store_record_each(struct bb_store *s, const char *dataset, bool all,
    int (*fn)(const struct bb_record *r, void *arg), void *arg);
int bb_store_record_get(struct bb_store *s, int64_t id,
    int (*fn)(const struct bb_record *r, void *arg), void *arg);

/* --- scratch space ------------------------------------------------------- */

/* A disk-backed set of 64-bit keys with a value each, in a private temporary
 * database deleted on free; memory stays small whatever it holds. */
struct bb_scratch_set;

int bb_scratch_set_open(struct bb_scratch_set **out);
/* Add key with val unless present; *existed and *old (its value) say
 * whether it was there. */
int bb_scratch_set_put(struct bb_scratch_set *s, uint64_t key, uint64_t val,
    bool *existed, uint64_t *old);
void bb_scratch_set_free(struct bb_scratch_set *s);

/* Counts for `status`. */
struct bb_store_counts {
	int64_t submissions, records, active_records;
};
int bb_store_counts(struct bb_store *s, struct bb_store_counts *out);

#endif
