/*
 * link.h: record linkage: which records, across partners and within each,
 * belong to one person (a participant).
 *
 * A Fellegi-Sunter linker in the line of Splink, fastLink and FEBRL
 * (docs/linkage.md has the method and its defaults):
 *   normalize.c  identity values to comparable forms (names, dates, ids)
 *   compare.c    per-field comparison levels (exact, close, far, else)
 *   block.c      blocking rules whose candidate pairs are united
 *   model.c      m and u probabilities estimated from the data (u from
 *                random pairs, m by expectation-maximisation), term-frequency
 *                adjusted weights, thresholds
 *   cluster.c    records into participants without chaining through weak
 *                links; decisions; stable ids
 *   index.c      the incremental index tying them together
 *   encode.c     privacy-preserving Bloom-filter encodings (CLK)
 *
 * The index is incremental: it holds every known record with its participant
 * id; a batch of new records is normalised, blocked against everything known,
 * scored and clustered without re-linking what was there.  Participant ids
 * never change except when new evidence proves two participants are one
 * person (the lower id survives; the merge is reported with its evidence) or
 * a decision says two records are not one person (the cluster is split; the
 * part with the earliest record keeps the id).  Records are numbered 0, 1,
 * 2 ... in the order they were added; callers keep their own ids beside.
 *
 * Determinism: the same records added in the same order, with the same
 * configuration, give the same participant ids and reports, whatever the
 * number of threads.
 */
#ifndef BB_LINK_H
#define BB_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "framework/framework.h"
#include "link/normalize.h"

struct bb_diag;

/* One record's identity values as read (borrowed; NULL or "" = missing),
 * indexed by enum bb_identity_role (index 0 unused).  Several columns for
 * one role (street number and street) are joined by the caller with a
 * space. */
struct bb_link_input {
	const char *value[BB_ID__COUNT];
	uint32_t source;	/* which file or partner the record came from */
};

struct bb_link_config {
	double match_prob;	/* a pair links at or above this posterior */
	double review_prob;	/* [review_prob, match_prob): clerical review */
	unsigned block_cap;	/* largest block compared in full */
	unsigned threads;	/* worker threads (1..64) */
	uint64_t seed;		/* for sampling random pairs */
	size_t u_pairs;		/* random pairs sampled to estimate u */
	unsigned em_iterations;	/* most EM iterations */
	bool local_ids_per_source;	/* compare local ids only between records
				   of one source (a partner's own numbers);
				   across sources they are missing */
};

/* Fill with the defaults documented in docs/linkage.md. */
void bb_link_config_default(struct bb_link_config *c);

enum bb_link_event_kind {
	BB_LINK_MERGED = 1,	/* two known participants were found to be one */
	BB_LINK_SPLIT,		/* a decision split a participant in two */
};

struct bb_link_event {
	enum bb_link_event_kind kind;
	int64_t survivor;	/* the id kept */
	int64_t other;		/* merged: the id absorbed; split: the new id */
	size_t rec_a, rec_b;	/* the evidence: a pair of records */
	double weight;		/* its match weight (bits) */
};

struct bb_link_review {
	size_t rec_a, rec_b;	/* rec_a < rec_b */
	double weight, prob;
};

struct bb_link_stats {
	uint64_t records;	/* records added by this call */
	uint64_t candidate_pairs;	/* distinct pairs blocked and compared */
	uint64_t random_pairs;	/* pairs sampled for u (0 when not trained) */
	uint64_t links;		/* pairs at or above the match threshold */
	uint64_t oversized_blocks;	/* block lookups refined or skipped */
	unsigned em_iterations;
	bool trained;		/* the model was (re-)estimated by this call */
};

/* What a call changed.  Zero-initialise; free with bb_link_report_free. */
struct bb_link_report {
	struct bb_link_event *events;
	size_t nevents, capevents;
	struct bb_link_review *reviews;	/* pairs in the review band */
	size_t nreviews, capreviews;
	struct bb_link_stats stats;
};

void bb_link_report_free(struct bb_link_report *r);

struct bb_link_index;

/* A new, empty index.  `cfg` may be NULL for the defaults; it is copied. */
struct bb_link_index *bb_link_index_new(const struct bb_link_config *cfg);
void bb_link_index_free(struct bb_link_index *ix);

/* Add n records and link them against everything known and each other.
 * Records get the numbers size() .. size()+n-1.  While the model is untrained
 * and the index then holds at least two records, the model is first
 * estimated from all records (u) and this batch's candidate pairs (m).
 * `rep` (may be NULL) receives merges of known participants, the review
 * pairs and statistics.  Returns 0 (bad values are simply missing). */
int bb_link_index_add(struct bb_link_index *ix,
    const struct bb_link_input *recs, size_t n, struct bb_link_report *rep);

/* Re-estimate the model from every record held (u from random pairs, m by
 * EM over all candidate pairs).  Participants are not changed. */
int bb_link_index_train(struct bb_link_index *ix, struct bb_link_report *rep);

/* Add records with the participant ids they already have (e.g. loaded from
 * the store), without linking.  ids[i] > 0.  Later batches link against
 * them. */
int bb_link_index_restore(struct bb_link_index *ix,
    const struct bb_link_input *recs, const int64_t *ids, size_t n);

size_t bb_link_index_size(const struct bb_link_index *ix);
/* The participant id of record `rec` (1, 2, ...), or 0 when out of range. */
int64_t bb_link_index_participant(const struct bb_link_index *ix, size_t rec);

/* A person's decision on a pair of records: `same` links them for good
 * (their participants merge; BB_ERR_CONFLICT when that would put a pair
 * decided "not the same" into one participant); !same keeps them apart for
 * good (their participant is split when they share one; BB_ERR_CONFLICT when
 * they were decided "same", directly or through other such decisions).
 * Events go to `rep` (may be NULL).  BB_ERR_NOTFOUND for a bad number. */
int bb_link_index_decide(struct bb_link_index *ix, size_t a, size_t b,
    bool same, struct bb_link_report *rep);

/* --- explain -------------------------------------------------------------- */

struct bb_link_field_explain {
	enum bb_identity_role role;
	const char *level;	/* "exact", "nickname", "jaro-winkler>=0.92", ...
				   or "missing" */
	double weight;		/* bits; 0 when missing */
	bool tf_adjusted;	/* weight from this value's frequency */
	char a[BB_NORM_MAX], b[BB_NORM_MAX];	/* the normalised values */
};

struct bb_link_explain {
	struct bb_link_field_explain fields[BB_ID__COUNT];	/* in role order */
	size_t nfields;		/* fields the model uses */
	double weight;		/* total (bits), including the twin rule */
	double prob;		/* posterior probability of a match */
	bool twin;		/* same birth date and family name, given names
				   unrelated: never linked */
	bool local_id_rule;	/* the partner's own id agrees and nothing
				   contradicts it: weight raised to the match
				   weight */
	const char *decision;	/* "same", "not-same" or NULL: a person's
				   decision on the pair */
	const char *verdict;	/* "match", "review" or "non-match" */
};

/* Explain how records a and b compare: each field's level and weight, the
 * total and the verdict.  BB_ERR_NOTFOUND for a bad number; BB_ERR_CONFLICT
 * before the model is trained. */
int bb_link_explain_pair(const struct bb_link_index *ix, size_t a, size_t b,
    struct bb_link_explain *out);

/* The model (m, u, prior, fields used) as compact JSON with sorted keys,
 * for keeping beside the participants so a later process links under the
 * same weights; caller frees.  Thresholds are the index's configuration. */
char *bb_link_model_save(const struct bb_link_index *ix);
/* Replace the model by a saved one (it counts as trained, so adding records
 * does not re-estimate it).  BB_ERR_INPUT with *d set when the text is not
 * a saved model. */
int bb_link_model_load(struct bb_link_index *ix, const char *json,
    struct bb_diag *d);

/* Identity role names as the framework, docs/linkage.md and the CLI spell
 * them ("given_name", ...; the framework's own names); parse returns
 * BB_ERR_INPUT for an unknown name and for "none". */
const char *bb_link_role_name(enum bb_identity_role r);
int bb_link_role_parse(const char *s, enum bb_identity_role *out);

/* The model's parameters as text, one field level a line:
 * "given_name exact m=0.93 u=0.0041 w=7.82"; caller frees. */
char *bb_link_model_describe(const struct bb_link_index *ix);

#endif
