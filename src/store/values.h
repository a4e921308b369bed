/*
 * values.h: indicator values as the store keeps them (table
 * indicator_value, docs/data-model.md), and the state of the maintained
 * values (table value_state).
 *
 * A value is one figure: an indicator for a period, for one partner or the
 * whole initiative, for the total or one group of a disaggregation, with
 * its numerator and denominator, how many people or records are behind
 * each, its de-duplication status and whether it is suppressed when shown
 * outside the backbone.  measure/ computes them (measure/values.h); the
 * store keeps them per framework version so that a report reads them
 * without recomputing.
 */
#ifndef BB_STORE_VALUES_H
#define BB_STORE_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bb_store;

/* De-duplication status of a figure. */
enum bb_dedup {
	BB_DEDUP_NA = 0,	/* not a count of people */
	BB_DEDUP_FULL,		/* every person counted once (linked records) */
	BB_DEDUP_PARTIAL,	/* some counts could not be de-duplicated */
	BB_DEDUP_NONE,		/* none could (aggregate counts, unlinked records) */
};

struct bb_value {
	char *indicator;
	char *period;		/* label */
	int32_t start, end;	/* the period's first and last day */
	char *partner;		/* NULL: the whole initiative */
	char *dkey;		/* disaggregation ("" for the total) */
	char *dvalue;		/* its group ("" for the total) */
	bool has_value;
	double value;
	bool has_num, has_den;
	double num, den;
	int64_t n_num, n_den;	/* people, records or values behind each */
	int64_t records;	/* records that met the condition(s) */
	enum bb_dedup dedup;
	char *dedup_note;	/* "unduplicated across partners a, b; partner c aggregate only" */
	bool suppressed;
	char why;		/* 'p' below the minimum cell size, 'c' complementary */
	int64_t as_of;		/* the newest submission behind the figure */
	/* in memory only: positions for ordering */
	size_t plan, group;
	size_t rank;		/* the group's place in its code list (SIZE_MAX: none) */
};

struct bb_values {
	struct bb_value *v;
	size_t n, cap;
};

/* Add a zeroed value (owned strings are set by the caller). */
struct bb_value *bb_values_add(struct bb_values *vs);
void bb_values_clear(struct bb_values *vs);
void bb_value_clear(struct bb_value *v);
const char *bb_dedup_name(enum bb_dedup d);

/* Replace the stored values of (framework version, indicator, period)
 * with vs's values for that indicator and period (all of them when
 * `period` is NULL: the indicator's whole slice).  Use in a transaction. */
int bb_store_values_replace(struct bb_store *s, int64_t fw_version,
    const char *indicator, const char *period, const struct bb_values *vs);
/* Remove every stored value of a framework version. */
int bb_store_values_drop(struct bb_store *s, int64_t fw_version);
/* Append the stored values of a framework version (of one indicator and
 * one period when not NULL) to *out, in indicator order given by the
 * caller's ordering: by indicator, period start, then the order they were
 * stored in. */
int bb_store_values_load(struct bb_store *s, int64_t fw_version,
    const char *indicator, const char *period, struct bb_values *out);

/* The maintained values' state for a framework version: the newest
 * submission they include, and the content hash of the data they were
 * computed from (bb_store_data_digest; sha256 may be NULL).  *found is
 * false when they were never computed. */
int bb_store_values_state(struct bb_store *s, int64_t fw_version,
    int64_t *as_of, char sha256[65], bool *found);
/* Record that the values include submission `as_of`, with the hash of the
 * data they were computed from (bb_store_data_digest of now). */
int bb_store_values_set_state(struct bb_store *s, int64_t fw_version,
    int64_t as_of, const char *sha256);

/* The newest submission id (0 when none). */
int bb_store_submission_latest(struct bb_store *s, int64_t *id);
/* The distinct period labels of the submissions of a dataset current as
 * of submission `as_of` (0: now); fn is called for each, in order. */
int bb_store_submission_periods(struct bb_store *s, const char *dataset,
    int64_t as_of, int (*fn)(const char *period, void *arg), void *arg);

/* A content hash (SHA-256, hex) of the data as of submission `as_of` (0:
 * now): the id and file hash of every current submission and the
 * participant links, so two reports with the same hash read the same data. */
int bb_store_data_digest(struct bb_store *s, int64_t as_of, char out[65]);

/* A current record with its participant, for exports. */
struct bb_linked_record {
	int64_t id, submission_id, source_row;
	int64_t participant_id;		/* 0: not linked */
	const char *partner, *period;
	const char *data;		/* the canonical JSON object */
};

/* Each current (active) record of a dataset, in id order.  Strings are
 * valid during the callback only. */
int bb_store_records_linked(struct bb_store *s, const char *dataset,
    int (*fn)(const struct bb_linked_record *r, void *arg), void *arg);

#endif
