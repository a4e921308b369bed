/*
 * arrive.h: linkage against the store: each accepted submission's records
 * are linked, as they arrive, with every participant already known, and
 * people's decisions, re-training and explanations work on the same
 * restored state.  docs/linkage.md ("Linkage on arrival") describes the
 * behaviour; this is the contract.
 *
 * Every function here restores the incremental index (link/link.h) from
 * the store: each linked record's identity values (table link_identity,
 * written once when the record is first linked) with its participant, the
 * trained model and the next participant id (link_state), and every
 * decision (link_decision); so no record is ever re-linked from scratch.
 * What restoring holds: every active record; superseded records stay in
 * their participant's history but no longer link or count (a corrected row
 * that would start a new participant takes the participant of the row it
 * corrects, by the partner's local id, when that one has no active record
 * left).  Local ids are compared only between records of one partner.
 *
 * Ids: a participant id never changes, except when a later record proves
 * two participants are one person (the lower id survives; the other gets
 * merged_into, every record_participant row moves to the survivor, and a
 * link_event keeps the evidence) or a person decides two records are not
 * one (the participant is split; the part with its earliest record keeps
 * the id).  Ids are never given twice.  The same submissions in the same
 * order give the same ids, whatever the machine.
 *
 * Encoded partners (sharing: encodings) send Bloom-filter encodings (CLK,
 * link/encode.h) instead of names and birth dates; their records take
 * part in the index with the identity values they do send in clear (local
 * id, sex, postcode), and are linked to other encoded records, and to
 * plain records encoded on the backbone's side with the initiative's
 * secret (bb_link_secret_set), by Dice similarity.
 *
 * Each function runs in one transaction (a savepoint inside the caller's)
 * and returns 0 or a negative BB_ERR_* with *d set; on failure nothing is
 * written.
 */
#ifndef BB_LINK_ARRIVE_H
#define BB_LINK_ARRIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "framework/framework.h"
#include "link/encode.h"
#include "link/link.h"
#include "store/store.h"

struct bb_diag;

/* Dice thresholds for an encoded record and a record of another partner.
 * Higher than between two deduplicated files (BB_CLK_DICE), where most
 * records have their match and one-to-one assignment protects the rest:
 * on arrival many records have no match anywhere, and the best Dice of a
 * stranger sharing a given name reaches 0.83 (measured on the demo). */
#define BB_ARRIVE_DICE_MATCH 0.85	/* link at or above */
#define BB_ARRIVE_DICE_REVIEW 0.7	/* [this, match): clerical review */
/* The model is estimated when linkage first holds records of two partners
 * (before, the prior model), and again at the start of a run while it was
 * estimated from fewer than this many records and the store now holds twice
 * as many; otherwise only on request (bb_link_retrain). */
#define BB_ARRIVE_RETRAIN_UNTIL 10000

/* Two participants found to be one (or split apart). */
struct bb_link_change {
	int64_t survivor;	/* the id kept */
	int64_t other;		/* merged: the id absorbed; split: the new id */
	int64_t record_a, record_b;	/* the evidence pair */
	const char *method;	/* "weight", "dice" or "decision" (static) */
	double score;		/* match weight (bits) or Dice */
};

/* What a linkage call did.  bb_link_receipt_init, then _clear. */
struct bb_link_receipt {
	bool ran;		/* there was something to link or decide */
	uint64_t records;	/* records linked by this call */
	uint64_t encoded;	/* of which sent as encodings */
	uint64_t earlier;	/* of which stored by other submissions (left
				   unlinked by a run that failed) */
	uint64_t skipped;	/* records not linked (their dataset has no
				   identity fields, or is not in the framework) */
	uint64_t joined;	/* linked to a participant known before */
	uint64_t new_participants;	/* participants created */
	uint64_t moved;		/* earlier records whose participant changed */
	uint64_t dice_links;	/* links of encoded records by Dice */
	uint64_t reviews;	/* pairs queued for review */
	struct bb_link_change *merges;
	size_t nmerges, capmerges;
	struct bb_link_change *splits;
	size_t nsplits, capsplits;
	bool trained;		/* the model was (re-)estimated */
	uint64_t trained_records;	/* ... from this many records */
	int64_t decision_id;	/* bb_link_decide: the decision kept */
	bool already;		/* bb_link_decide: nothing had to change */
	char *note;		/* something people should know, or NULL */
};

void bb_link_receipt_init(struct bb_link_receipt *r);
void bb_link_receipt_clear(struct bb_link_receipt *r);

/* Link every active record not yet examined (normally those of submission
 * `submission`, just stored; `supersedes` is the submission it corrects, 0
 * for none).  Records of aggregate datasets and of datasets without
 * identity fields are not linked. */
int bb_link_arrival(struct bb_store *s, const struct bb_framework *fw,
    int64_t submission, int64_t supersedes, struct bb_link_receipt *out,
    struct bb_diag *d);

/* A person's decision on records a and b (record ids): same links their
 * participants for good, !same keeps them apart for good (splitting their
 * participant when they share one).  The decision is kept and every later
 * run respects it.  BB_ERR_NOTFOUND when a record is not linked (or no
 * longer active); BB_ERR_CONFLICT when it contradicts earlier decisions. */
int bb_link_decide(struct bb_store *s, int64_t a, int64_t b, bool same,
    const char *by, const char *note, struct bb_link_receipt *out,
    struct bb_diag *d);

/* Re-estimate the model from every active linked record and keep it;
 * participants do not change (later records link with the new model). */
int bb_link_retrain(struct bb_store *s, struct bb_link_receipt *out,
    struct bb_diag *d);

/* Keep the initiative's encoding key (derived from the secret the
 * partners share), forget encodings made with an earlier one, and link the
 * encoded records already stored to plain ones by Dice. */
int bb_link_secret_set(struct bb_store *s, const struct bb_clk_key *key,
    struct bb_link_receipt *out, struct bb_diag *d);

/* How records a and b compare. */
struct bb_link_pair_explain {
	bool has_weight;	/* false: the model is not trained yet */
	struct bb_link_explain fs;	/* each field's level and weight */
	bool encoded_a, encoded_b;
	bool has_dice;		/* an encoded record and a comparable CLK */
	double dice;
	const char *dice_verdict;	/* "match", "review", "non-match" */
	int64_t participant_a, participant_b;
	bool active_a, active_b;
};

/* Explain records a and b (record ids, linked, active or not).
 * BB_ERR_NOTFOUND when one was never linked. */
int bb_link_explain_records(struct bb_store *s, int64_t a, int64_t b,
    struct bb_link_pair_explain *out, struct bb_diag *d);

/* An identity value as linkage compares it (names folded, dates
 * YYYY-MM-DD, ...), into out; false (and "") when linkage counts it as
 * missing. */
bool bb_link_normalize_role(enum bb_identity_role role, const char *value,
    char out[BB_NORM_MAX]);

/* The identity role bits a CLK covers for dataset ds: its identity roles
 * except sex and local id (docs/linkage.md). */
uint32_t bb_link_clk_roles(const struct bb_dataset *ds);

#endif
