/*
 * linkage.h (store): the tables linkage on arrival keeps (link/arrive.c),
 * and the participant queries the CLI's participant and review commands
 * read.  Part of the storage interface, kept apart from store.h so the
 * linkage tables can grow without touching what every room includes.
 *
 *   link_identity   per linked record: the identity values as linkage reads
 *                   them (one text per identity role), the date it was seen
 *                   (the dataset's period field), and for an encoded
 *                   partner's record its Bloom-filter encoding (CLK, in
 *                   base64)
 *   link_clk        plain records encoded on the backbone's side, per set of
 *                   roles, to compare them with encoded records
 *   link_state      the trained model, counters, the initiative's secret
 *   link_decision   people's decisions on pairs of records (kept forever)
 *   link_event      merges and splits of participants, with evidence
 *   review_queue    pairs in the review band, open or decided
 *
 * Record pairs are always stored with record_a < record_b.  Functions
 * return 0 or a negative BB_ERR_*; strings handed to callbacks are valid
 * during the callback only.
 */
#ifndef BB_STORE_LINKAGE_H
#define BB_STORE_LINKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Identity roles, numbered as enum bb_identity_role (framework.h): index 0
 * unused, 1 given_name ... 11 local_id. */
#define BB_STORE_ROLES 12
#define BB_STORE_KEY_BYTES 32

/* --- state ------------------------------------------------------------------ */

struct bb_link_state {
	char *model;		/* the trained model as JSON; NULL: never trained */
	int64_t trained_records;	/* records the model was estimated from */
	char *trained_at;
	int64_t next_participant;	/* the next participant id to give (>= 1) */
	int64_t linked_through;	/* records up to this id have been examined */
	bool has_key;
	unsigned char key[BB_STORE_KEY_BYTES];	/* encoding key (secret) */
	char *secret_set_at;
};

void bb_link_state_clear(struct bb_link_state *st);
/* Read the state (defaults when none was written yet). */
int bb_store_link_state_get(struct bb_store *s, struct bb_link_state *out);
/* Write every column of the state. */
int bb_store_link_state_put(struct bb_store *s, const struct bb_link_state *st);

/* --- identities ------------------------------------------------------------- */

struct bb_link_identity {
	int64_t record_id;
	int64_t participant_id;	/* 0: no participant (yet) */
	bool active;		/* the record still counts */
	const char *partner_id;	/* the record's partner (reading only) */
	bool encoded;		/* from a partner sharing encodings */
	const char *seen;	/* ISO date or NULL */
	const char *value[BB_STORE_ROLES];	/* by role; NULL = missing */
	const char *clk;	/* encoded: the CLK in base64, or NULL */
	uint32_t clk_roles;	/* encoded: the roles its dataset encodes (bit r) */
	const char *blocks;	/* encoded: keyed blocking keys as text, or NULL */
};

int bb_store_link_identity_put(struct bb_store *s,
    const struct bb_link_identity *li);
/* Each active linked record, with its participant, in record id order
 * (what linkage restores). */
int bb_store_link_identity_each(struct bb_store *s,
    int (*fn)(const struct bb_link_identity *li, void *arg), void *arg);
/* Each linked record of submission `sub` (active or not), in id order. */
int bb_store_link_identity_of_submission(struct bb_store *s, int64_t sub,
    int (*fn)(const struct bb_link_identity *li, void *arg), void *arg);
/* One record's identity (whether active or not); BB_ERR_NOTFOUND when the
 * record was never linked. */
int bb_store_link_identity_get(struct bb_store *s, int64_t record_id,
    int (*fn)(const struct bb_link_identity *li, void *arg), void *arg);
/* Active records with an id above `after`, in id order (not yet examined
 * by linkage). */
int bb_store_link_pending_each(struct bb_store *s, int64_t after,
    int (*fn)(const struct bb_record *r, void *arg), void *arg);

/* Encodings of plain records made on the backbone's side, for one set of
 * roles (a bit per role). */
int bb_store_link_clk_each(struct bb_store *s, uint32_t roles,
    int (*fn)(int64_t record_id, const char *clk, const char *blocks,
    void *arg), void *arg);
int bb_store_link_clk_put(struct bb_store *s, int64_t record_id, uint32_t roles,
    const char *clk, const char *blocks);
/* Forget them all (the secret changed). */
int bb_store_link_clk_clear(struct bb_store *s);

/* --- participants ------------------------------------------------------------ */

/* Create participant `id` unless it exists. */
int bb_store_participant_ensure(struct bb_store *s, int64_t id,
    int64_t created_by_submission);
/* Put record `record_id` in participant `pid` (insert or move).  A move
 * keeps the participant it left in record_participant_change, stamped with
 * the newest submission, so reports as of a past submission see linkage as
 * it was then. */
int bb_store_record_participant_set(struct bb_store *s, int64_t record_id,
    int64_t pid);
/* What linkage changed after submission `lo` up to `hi` (both stamps as
 * above): records moved between participants (merges and splits), the
 * participants they left, and records of submissions up to `lo` linked only
 * later (their first run failed). */
struct bb_link_changes {
	int64_t moved, left, linked_late;
};
int bb_store_link_changes(struct bb_store *s, int64_t lo, int64_t hi,
    struct bb_link_changes *out);
/* Participant `other` is `survivor`: every record of other moves to the
 * survivor (each move kept as above) and other.merged_into is set. */
int bb_store_participant_merge(struct bb_store *s, int64_t survivor,
    int64_t other);

/* Participants holding at least one active record: the people the
 * initiative knows, each once. */
int bb_store_participant_count(struct bb_store *s, int64_t *out);

struct bb_participant_row {
	int64_t id;
	int64_t merged_into;	/* 0: not merged */
	int64_t created_by_submission;	/* 0: by a decision */
};

int bb_store_participant_get(struct bb_store *s, int64_t id,
    struct bb_participant_row *out);

/* One active record of a participant, for listings. */
struct bb_participant_member {
	int64_t participant_id;
	int64_t record_id;
	const char *partner_id;
	const char *dataset_id;
	const char *seen;	/* NULL when the dataset has no period field */
};

/* Every active, linked record of every participant (of the participants
 * holding an active record of `partner`, when not NULL), ordered by
 * participant then record. */
int bb_store_participant_members_each(struct bb_store *s, const char *partner,
    int (*fn)(const struct bb_participant_member *m, void *arg), void *arg);

/* A record of a participant with where it came from, for `participant
 * show` (active or not). */
struct bb_participant_record {
	int64_t record_id;
	int64_t submission_id;
	int64_t source_row;
	const char *partner_id;
	const char *dataset_id;
	const char *period;
	const char *file_name;
	bool active;
	const struct bb_link_identity *identity;	/* NULL: never linked */
};

int bb_store_participant_records_each(struct bb_store *s, int64_t pid,
    int (*fn)(const struct bb_participant_record *r, void *arg), void *arg);

/* --- decisions and events ---------------------------------------------------- */

struct bb_link_decision_row {
	int64_t id;
	int64_t record_a, record_b;
	bool same;
	const char *decided_by;
	const char *at;
	const char *note;
};

/* Record a decision (a and b in any order); *id set (may be NULL). */
int bb_store_link_decision_add(struct bb_store *s, int64_t a, int64_t b,
    bool same, const char *by, const char *note, int64_t *id);
/* Every decision, oldest first (of pairs touching participant `pid`'s
 * records when pid > 0). */
int bb_store_link_decision_each(struct bb_store *s, int64_t pid,
    int (*fn)(const struct bb_link_decision_row *d, void *arg), void *arg);

struct bb_link_event_row {
	int64_t id;
	const char *kind;	/* "merged" or "split" */
	int64_t survivor, other;
	int64_t record_a, record_b;	/* the evidence pair (0: none) */
	double weight;		/* bits, or Dice for encodings; NAN: none */
	const char *evidence;	/* JSON */
	int64_t submission_id;	/* 0: none */
	int64_t decision_id;	/* 0: none */
	const char *at;
};

/* Add an event (id and at are set by the store). */
int bb_store_link_event_add(struct bb_store *s, const struct bb_link_event_row *e);
/* Events naming participant `pid` as survivor or other (all when 0),
 * oldest first. */
int bb_store_link_event_each(struct bb_store *s, int64_t pid,
    int (*fn)(const struct bb_link_event_row *e, void *arg), void *arg);

/* --- review queue --------------------------------------------------------------- */

struct bb_review_row {
	int64_t id;
	int64_t record_a, record_b;
	const char *method;	/* "weight" or "dice" */
	double score;		/* match weight (bits) or Dice */
	double prob;		/* posterior (weight); NAN for dice */
	const char *status;	/* "open", "accepted", "rejected" */
	int64_t submission_id;
	int64_t decision_id;
	const char *created_at;
	/* for listings */
	int64_t participant_a, participant_b;
	const char *partner_a, *partner_b;
};

/* Queue a pair unless it is queued already or was decided; *added says
 * which (may be NULL). */
int bb_store_review_add(struct bb_store *s, int64_t a, int64_t b,
    const char *method, double score, double prob, int64_t submission,
    bool *added);
/* Pairs of a status ("open"; NULL: all), in id order (touching participant
 * `pid`'s records when pid > 0). */
int bb_store_review_each(struct bb_store *s, const char *status, int64_t pid,
    int (*fn)(const struct bb_review_row *r, void *arg), void *arg);
/* The queued pair `id`, or the one of records (a, b) when id is 0. */
int bb_store_review_get(struct bb_store *s, int64_t id, int64_t a, int64_t b,
    int (*fn)(const struct bb_review_row *r, void *arg), void *arg);
/* Close pair `id` with a decision. */
int bb_store_review_close(struct bb_store *s, int64_t id, bool same,
    int64_t decision);

#endif
