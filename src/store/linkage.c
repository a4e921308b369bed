/*
 * linkage.c (store): the linkage tables (store/linkage.h): state, identity
 * values, backbone-side encodings, participants and their records,
 * decisions, events and the review queue.
 */
#include "store/linkage.h"
#include "store/internal.h"
#include "util/bb.h"
#include "util/clock.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Run a prepared statement to completion; 0 or the error. */
static int
done(struct bb_stmt *st)
{
	int rc = bb_stmt_step(st);
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

static void
bind_opt_int(struct bb_stmt *st, int i, int64_t v)
{
	if (v)
		bb_stmt_bind_int64(st, i, v);
	else
		bb_stmt_bind_null(st, i);
}

static void
order_pair(int64_t *a, int64_t *b)
{
	if (*a > *b) {
		int64_t t = *a;
		*a = *b;
		*b = t;
	}
}

/* --- state ------------------------------------------------------------------ */

void
bb_link_state_clear(struct bb_link_state *st)
{
	if (st == NULL)
		return;
	free(st->model);
	free(st->trained_at);
	free(st->secret_set_at);
	memset(st, 0, sizeof(*st));
}

int
bb_store_link_state_get(struct bb_store *s, struct bb_link_state *out)
{
	struct bb_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	out->next_participant = 1;
	if ((rc = bb_db_prepare(s->db,
	    "SELECT model, trained_records, trained_at, next_participant,"
	    " linked_through, secret_key, secret_set_at FROM link_state"
	    " WHERE id = 1", &st)) != BB_OK)
		return rc;
	rc = bb_stmt_step(st);
	if (rc == BB_STEP_ROW) {
		size_t n;
		const void *k;
		out->model = bb_store_coldup(st, 0);
		out->trained_records = bb_stmt_int64(st, 1);
		out->trained_at = bb_store_coldup(st, 2);
		out->next_participant = bb_stmt_int64(st, 3);
		out->linked_through = bb_stmt_int64(st, 4);
		if (!bb_stmt_isnull(st, 5)) {
			k = bb_stmt_blob(st, 5, &n);
			if (n == BB_STORE_KEY_BYTES) {
				memcpy(out->key, k, n);
				out->has_key = true;
			}
		}
		out->secret_set_at = bb_store_coldup(st, 6);
	}
	bb_stmt_free(st);
	if (out->next_participant < 1)
		out->next_participant = 1;
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_link_state_put(struct bb_store *s, const struct bb_link_state *in)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO link_state (id, model, trained_records, trained_at,"
	    " next_participant, linked_through, secret_key, secret_set_at)"
	    " VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
	    " model = excluded.model, trained_records = excluded.trained_records,"
	    " trained_at = excluded.trained_at,"
	    " next_participant = excluded.next_participant,"
	    " linked_through = excluded.linked_through,"
	    " secret_key = excluded.secret_key,"
	    " secret_set_at = excluded.secret_set_at", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, in->model);
	bb_stmt_bind_int64(st, 2, in->trained_records);
	bb_stmt_bind_text(st, 3, in->trained_at);
	bb_stmt_bind_int64(st, 4, in->next_participant);
	bb_stmt_bind_int64(st, 5, in->linked_through);
	if (in->has_key)
		bb_stmt_bind_blob(st, 6, in->key, sizeof(in->key));
	else
		bb_stmt_bind_null(st, 6);
	bb_stmt_bind_text(st, 7, in->secret_set_at);
	return done(st);
}

/* --- identities ------------------------------------------------------------- */

int
bb_store_link_identity_put(struct bb_store *s, const struct bb_link_identity *li)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO link_identity (record_id, encoded, seen, given_name,"
	    " family_name, birth_date, sex, postcode, locality, address, phone,"
	    " email, national_id, local_id, clk, clk_roles, blocks)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (record_id) DO NOTHING", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, li->record_id);
	bb_stmt_bind_int64(st, 2, li->encoded ? 1 : 0);
	bb_stmt_bind_text(st, 3, li->seen);
	for (int r = 1; r < BB_STORE_ROLES; r++)
		bb_stmt_bind_text(st, 3 + r, li->value[r]);
	bb_stmt_bind_text(st, 15, li->clk);
	if (li->clk)
		bb_stmt_bind_int64(st, 16, li->clk_roles);
	else
		bb_stmt_bind_null(st, 16);
	bb_stmt_bind_text(st, 17, li->blocks);
	return done(st);
}

#define LI_COLS "li.record_id, coalesce(rp.participant_id, 0), r.active," \
	" li.encoded, li.seen, li.given_name, li.family_name, li.birth_date," \
	" li.sex, li.postcode, li.locality, li.address, li.phone, li.email," \
	" li.national_id, li.local_id, li.clk, coalesce(li.clk_roles, 0)," \
	" li.blocks, r.partner_id"

/* Read the LI_COLS columns starting at `c`. */
static void
read_identity(struct bb_stmt *st, int c, struct bb_link_identity *li)
{
	memset(li, 0, sizeof(*li));
	li->record_id = bb_stmt_int64(st, c);
	li->participant_id = bb_stmt_int64(st, c + 1);
	li->active = bb_stmt_int64(st, c + 2) != 0;
	li->encoded = bb_stmt_int64(st, c + 3) != 0;
	li->seen = bb_stmt_text(st, c + 4);
	for (int r = 1; r < BB_STORE_ROLES; r++)
		li->value[r] = bb_stmt_text(st, c + 4 + r);
	li->clk = bb_stmt_text(st, c + 16);
	li->clk_roles = (uint32_t)bb_stmt_int64(st, c + 17);
	li->blocks = bb_stmt_text(st, c + 18);
	li->partner_id = bb_stmt_text(st, c + 19);
}

static int
each_identity(struct bb_stmt *st,
    int (*fn)(const struct bb_link_identity *li, void *arg), void *arg,
    bool *found)
{
	int rc;
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_link_identity li;
		read_identity(st, 0, &li);
		if (found)
			*found = true;
		if ((rc = fn(&li, arg)) != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_link_identity_each(struct bb_store *s,
    int (*fn)(const struct bb_link_identity *li, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db, "SELECT " LI_COLS
	    " FROM link_identity li JOIN record r ON r.id = li.record_id"
	    " JOIN record_participant rp ON rp.record_id = li.record_id"
	    " WHERE r.active = 1 ORDER BY li.record_id", &st)) != BB_OK)
		return rc;
	return each_identity(st, fn, arg, NULL);
}

int
bb_store_link_identity_of_submission(struct bb_store *s, int64_t sub,
    int (*fn)(const struct bb_link_identity *li, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db, "SELECT " LI_COLS
	    " FROM link_identity li JOIN record r ON r.id = li.record_id"
	    " JOIN record_participant rp ON rp.record_id = li.record_id"
	    " WHERE r.submission_id = ? ORDER BY li.record_id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, sub);
	return each_identity(st, fn, arg, NULL);
}

int
bb_store_link_identity_get(struct bb_store *s, int64_t record_id,
    int (*fn)(const struct bb_link_identity *li, void *arg), void *arg)
{
	struct bb_stmt *st;
	bool found = false;
	int rc;

	if ((rc = bb_db_prepare(s->db, "SELECT " LI_COLS
	    " FROM link_identity li JOIN record r ON r.id = li.record_id"
	    " LEFT JOIN record_participant rp ON rp.record_id = li.record_id"
	    " WHERE li.record_id = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, record_id);
	rc = each_identity(st, fn, arg, &found);
	if (rc == BB_OK && !found)
		rc = BB_ERR_NOTFOUND;
	return rc;
}

int
bb_store_link_pending_each(struct bb_store *s, int64_t after,
    int (*fn)(const struct bb_record *r, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT id, submission_id, source_row, dataset_id, partner_id, period,"
	    " active, data FROM record WHERE id > ? AND active = 1 ORDER BY id",
	    &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, after);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_record r;
		r.id = bb_stmt_int64(st, 0);
		r.submission_id = bb_stmt_int64(st, 1);
		r.source_row = bb_stmt_int64(st, 2);
		r.dataset_id = bb_stmt_text(st, 3);
		r.partner_id = bb_stmt_text(st, 4);
		r.period = bb_stmt_text(st, 5);
		r.active = bb_stmt_int64(st, 6) != 0;
		r.data = bb_stmt_text(st, 7);
		if ((rc = fn(&r, arg)) != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_link_clk_each(struct bb_store *s, uint32_t roles,
    int (*fn)(int64_t record_id, const char *clk, const char *blocks,
    void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT record_id, clk, blocks FROM link_clk WHERE roles = ?"
	    " ORDER BY record_id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, roles);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		if ((rc = fn(bb_stmt_int64(st, 0), bb_stmt_text(st, 1),
		    bb_stmt_text(st, 2), arg)) != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_link_clk_put(struct bb_store *s, int64_t record_id, uint32_t roles,
    const char *clk, const char *blocks)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO link_clk (record_id, roles, clk, blocks) VALUES (?, ?, ?, ?)"
	    " ON CONFLICT (record_id, roles) DO UPDATE SET clk = excluded.clk,"
	    " blocks = excluded.blocks", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, record_id);
	bb_stmt_bind_int64(st, 2, roles);
	bb_stmt_bind_text(st, 3, clk);
	bb_stmt_bind_text(st, 4, blocks);
	return done(st);
}

int
bb_store_link_clk_clear(struct bb_store *s)
{
	return bb_db_exec(s->db, "DELETE FROM link_clk");
}

/* --- participants ------------------------------------------------------------ */

int
bb_store_participant_ensure(struct bb_store *s, int64_t id, int64_t submission)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO participant (id, created_by_submission) VALUES (?, ?)"
	    " ON CONFLICT (id) DO NOTHING", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, id);
	bind_opt_int(st, 2, submission);
	return done(st);
}

/* The stamp of a linkage change: the newest submission at the time. */
#define NEWEST_SUBMISSION "(SELECT coalesce(max(id), 0) FROM submission)"

int
bb_store_record_participant_set(struct bb_store *s, int64_t record_id,
    int64_t pid)
{
	struct bb_stmt *st;
	int rc;

	/* A record linked for the first time: one insert. */
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO record_participant (record_id, participant_id, linked_after)"
	    " VALUES (?, ?, " NEWEST_SUBMISSION ") ON CONFLICT (record_id) DO NOTHING",
	    &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, record_id);
	bb_stmt_bind_int64(st, 2, pid);
	if ((rc = done(st)) != BB_OK || bb_db_changes(s->db) > 0)
		return rc;
	/* A move: keep where it was, then move it. */
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO record_participant_change (record_id, participant_before,"
	    " after_submission) SELECT record_id, participant_id, " NEWEST_SUBMISSION
	    " FROM record_participant WHERE record_id = ?1 AND participant_id <> ?2",
	    &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, record_id);
	bb_stmt_bind_int64(st, 2, pid);
	if ((rc = done(st)) != BB_OK)
		return rc;
	if ((rc = bb_db_prepare(s->db,
	    "UPDATE record_participant SET participant_id = ?2"
	    " WHERE record_id = ?1 AND participant_id <> ?2", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, record_id);
	bb_stmt_bind_int64(st, 2, pid);
	return done(st);
}

int
bb_store_link_changes(struct bb_store *s, int64_t lo, int64_t hi,
    struct bb_link_changes *out)
{
	struct bb_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = bb_db_prepare(s->db,
	    "SELECT count(*), count(DISTINCT participant_before)"
	    " FROM record_participant_change"
	    " WHERE after_submission > ?1 AND after_submission <= ?2", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, lo);
	bb_stmt_bind_int64(st, 2, hi);
	if ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		out->moved = bb_stmt_int64(st, 0);
		out->left = bb_stmt_int64(st, 1);
	}
	bb_stmt_free(st);
	if (rc < 0)
		return rc;
	if ((rc = bb_db_prepare(s->db,
	    "SELECT count(*) FROM record_participant rp"
	    " JOIN record r ON r.id = rp.record_id"
	    " WHERE rp.linked_after > ?1 AND rp.linked_after <= ?2"
	    " AND r.submission_id <= ?1", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, lo);
	bb_stmt_bind_int64(st, 2, hi);
	if ((rc = bb_stmt_step(st)) == BB_STEP_ROW)
		out->linked_late = bb_stmt_int64(st, 0);
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_participant_merge(struct bb_store *s, int64_t survivor, int64_t other)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO record_participant_change (record_id, participant_before,"
	    " after_submission) SELECT record_id, participant_id, " NEWEST_SUBMISSION
	    " FROM record_participant WHERE participant_id = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, other);
	if ((rc = done(st)) != BB_OK)
		return rc;
	if ((rc = bb_db_prepare(s->db,
	    "UPDATE record_participant SET participant_id = ?"
	    " WHERE participant_id = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, survivor);
	bb_stmt_bind_int64(st, 2, other);
	if ((rc = done(st)) != BB_OK)
		return rc;
	/* Earlier merges into `other` now point at the survivor too. */
	if ((rc = bb_db_prepare(s->db,
	    "UPDATE participant SET merged_into = ?1"
	    " WHERE id = ?2 OR merged_into = ?2", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, survivor);
	bb_stmt_bind_int64(st, 2, other);
	return done(st);
}

int
bb_store_participant_count(struct bb_store *s, int64_t *out)
{
	bool found;
	*out = 0;
	return bb_db_query_int64(s->db,
	    "SELECT count(DISTINCT rp.participant_id) FROM record_participant rp"
	    " JOIN record r ON r.id = rp.record_id WHERE r.active = 1", NULL, out,
	    &found);
}

int
bb_store_participant_get(struct bb_store *s, int64_t id,
    struct bb_participant_row *out)
{
	struct bb_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = bb_db_prepare(s->db,
	    "SELECT id, coalesce(merged_into, 0), coalesce(created_by_submission, 0)"
	    " FROM participant WHERE id = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, id);
	rc = bb_stmt_step(st);
	if (rc == BB_STEP_ROW) {
		out->id = bb_stmt_int64(st, 0);
		out->merged_into = bb_stmt_int64(st, 1);
		out->created_by_submission = bb_stmt_int64(st, 2);
		rc = BB_OK;
	} else if (rc == BB_STEP_DONE)
		rc = BB_ERR_NOTFOUND;
	bb_stmt_free(st);
	return rc;
}

int
bb_store_participant_members_each(struct bb_store *s, const char *partner,
    int (*fn)(const struct bb_participant_member *m, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT rp.participant_id, r.id, r.partner_id, r.dataset_id, li.seen"
	    " FROM record_participant rp JOIN record r ON r.id = rp.record_id"
	    " LEFT JOIN link_identity li ON li.record_id = r.id"
	    " WHERE r.active = 1 AND (?1 IS NULL OR rp.participant_id IN"
	    "  (SELECT rp2.participant_id FROM record_participant rp2"
	    "   JOIN record r2 ON r2.id = rp2.record_id"
	    "   WHERE r2.active = 1 AND r2.partner_id = ?1))"
	    " ORDER BY rp.participant_id, r.id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, partner);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_participant_member m;
		m.participant_id = bb_stmt_int64(st, 0);
		m.record_id = bb_stmt_int64(st, 1);
		m.partner_id = bb_stmt_text(st, 2);
		m.dataset_id = bb_stmt_text(st, 3);
		m.seen = bb_stmt_text(st, 4);
		if ((rc = fn(&m, arg)) != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_participant_records_each(struct bb_store *s, int64_t pid,
    int (*fn)(const struct bb_participant_record *r, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT r.id, r.submission_id, r.source_row, r.partner_id, r.dataset_id,"
	    " r.period, sub.file_name, r.active, li.record_id IS NOT NULL, " LI_COLS
	    " FROM record_participant rp JOIN record r ON r.id = rp.record_id"
	    " JOIN submission sub ON sub.id = r.submission_id"
	    " LEFT JOIN link_identity li ON li.record_id = r.id"
	    " WHERE rp.participant_id = ? ORDER BY r.id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, pid);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_participant_record pr;
		struct bb_link_identity li;
		pr.record_id = bb_stmt_int64(st, 0);
		pr.submission_id = bb_stmt_int64(st, 1);
		pr.source_row = bb_stmt_int64(st, 2);
		pr.partner_id = bb_stmt_text(st, 3);
		pr.dataset_id = bb_stmt_text(st, 4);
		pr.period = bb_stmt_text(st, 5);
		pr.file_name = bb_stmt_text(st, 6);
		pr.active = bb_stmt_int64(st, 7) != 0;
		pr.identity = NULL;
		if (bb_stmt_int64(st, 8)) {
			read_identity(st, 9, &li);
			li.participant_id = pid;
			pr.identity = &li;
		}
		if ((rc = fn(&pr, arg)) != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

/* --- decisions and events ---------------------------------------------------- */

int
bb_store_link_decision_add(struct bb_store *s, int64_t a, int64_t b, bool same,
    const char *by, const char *note, int64_t *id)
{
	struct bb_stmt *st;
	char now[BB_ISO_TIME];
	int rc;

	order_pair(&a, &b);
	bb_clock_iso(now);
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO link_decision (record_a, record_b, same, decided_by, at,"
	    " note) VALUES (?, ?, ?, ?, ?, ?)", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, a);
	bb_stmt_bind_int64(st, 2, b);
	bb_stmt_bind_int64(st, 3, same ? 1 : 0);
	bb_stmt_bind_text(st, 4, by);
	bb_stmt_bind_text(st, 5, now);
	bb_stmt_bind_text(st, 6, note);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	if (rc < 0)
		return rc;
	if (id)
		*id = bb_db_last_rowid(s->db);
	return BB_OK;
}

/* Pairs touching a participant's records. */
#define TOUCHES(a, b) " (?1 = 0 OR " a " IN (SELECT record_id FROM" \
	" record_participant WHERE participant_id = ?1) OR " b " IN" \
	" (SELECT record_id FROM record_participant WHERE participant_id = ?1))"

int
bb_store_link_decision_each(struct bb_store *s, int64_t pid,
    int (*fn)(const struct bb_link_decision_row *d, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT id, record_a, record_b, same, decided_by, at, note"
	    " FROM link_decision WHERE" TOUCHES("record_a", "record_b")
	    " ORDER BY id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, pid);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_link_decision_row d;
		d.id = bb_stmt_int64(st, 0);
		d.record_a = bb_stmt_int64(st, 1);
		d.record_b = bb_stmt_int64(st, 2);
		d.same = bb_stmt_int64(st, 3) != 0;
		d.decided_by = bb_stmt_text(st, 4);
		d.at = bb_stmt_text(st, 5);
		d.note = bb_stmt_text(st, 6);
		if ((rc = fn(&d, arg)) != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_link_event_add(struct bb_store *s, const struct bb_link_event_row *e)
{
	struct bb_stmt *st;
	char now[BB_ISO_TIME];
	int rc;

	bb_clock_iso(now);
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO link_event (kind, survivor, other, record_a, record_b,"
	    " weight, evidence, submission_id, decision_id, at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, e->kind);
	bb_stmt_bind_int64(st, 2, e->survivor);
	bb_stmt_bind_int64(st, 3, e->other);
	bind_opt_int(st, 4, e->record_a);
	bind_opt_int(st, 5, e->record_b);
	if (isnan(e->weight) || isinf(e->weight))
		bb_stmt_bind_null(st, 6);
	else
		bb_stmt_bind_double(st, 6, e->weight);
	bb_stmt_bind_text(st, 7, e->evidence ? e->evidence : "{}");
	bind_opt_int(st, 8, e->submission_id);
	bind_opt_int(st, 9, e->decision_id);
	bb_stmt_bind_text(st, 10, now);
	return done(st);
}

int
bb_store_link_event_each(struct bb_store *s, int64_t pid,
    int (*fn)(const struct bb_link_event_row *e, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT id, kind, survivor, other, coalesce(record_a, 0),"
	    " coalesce(record_b, 0), weight, evidence, coalesce(submission_id, 0),"
	    " coalesce(decision_id, 0), at FROM link_event"
	    " WHERE ?1 = 0 OR survivor = ?1 OR other = ?1 ORDER BY id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, pid);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_link_event_row e;
		e.id = bb_stmt_int64(st, 0);
		e.kind = bb_stmt_text(st, 1);
		e.survivor = bb_stmt_int64(st, 2);
		e.other = bb_stmt_int64(st, 3);
		e.record_a = bb_stmt_int64(st, 4);
		e.record_b = bb_stmt_int64(st, 5);
		e.weight = bb_stmt_isnull(st, 6) ? NAN : bb_stmt_double(st, 6);
		e.evidence = bb_stmt_text(st, 7);
		e.submission_id = bb_stmt_int64(st, 8);
		e.decision_id = bb_stmt_int64(st, 9);
		e.at = bb_stmt_text(st, 10);
		if ((rc = fn(&e, arg)) != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

/* --- review queue --------------------------------------------------------------- */

int
bb_store_review_add(struct bb_store *s, int64_t a, int64_t b, const char *method,
    double score, double prob, int64_t submission, bool *added)
{
	struct bb_stmt *st;
	char now[BB_ISO_TIME];
	int rc;

	if (added)
		*added = false;
	order_pair(&a, &b);
	bb_clock_iso(now);
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO review_queue (record_a, record_b, method, score, prob,"
	    " status, submission_id, created_at)"
	    " SELECT ?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7 WHERE NOT EXISTS"
	    " (SELECT 1 FROM link_decision WHERE record_a = ?1 AND record_b = ?2)"
	    /* One open question per two participants: not again with each
	     * new record of theirs (next month's rows of the same two). */
	    " AND NOT EXISTS (SELECT 1 FROM record_participant pa"
	    "  JOIN record_participant pb ON pb.record_id = ?2"
	    "  JOIN record_participant xa ON xa.participant_id = pa.participant_id"
	    "  JOIN record rx ON rx.id = xa.record_id AND rx.active = 1"
	    "  JOIN review_queue q ON q.status = 'open'"
	    "   AND (q.record_a = xa.record_id OR q.record_b = xa.record_id)"
	    "  JOIN record_participant ya ON ya.participant_id = pb.participant_id"
	    "   AND ya.record_id = (CASE WHEN q.record_a = xa.record_id"
	    "    THEN q.record_b ELSE q.record_a END)"
	    "  JOIN record ry ON ry.id = ya.record_id AND ry.active = 1"
	    "  WHERE pa.record_id = ?1 AND pa.participant_id <> pb.participant_id)"
	    " ON CONFLICT (record_a, record_b) DO NOTHING", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, a);
	bb_stmt_bind_int64(st, 2, b);
	bb_stmt_bind_text(st, 3, method);
	bb_stmt_bind_double(st, 4, score);
	if (isnan(prob))
		bb_stmt_bind_null(st, 5);
	else
		bb_stmt_bind_double(st, 5, prob);
	bind_opt_int(st, 6, submission);
	bb_stmt_bind_text(st, 7, now);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	if (rc < 0)
		return rc;
	if (added)
		*added = bb_db_changes(s->db) > 0;
	return BB_OK;
}

#define RQ_COLS "q.id, q.record_a, q.record_b, q.method, q.score, q.prob," \
	" q.status, coalesce(q.submission_id, 0), coalesce(q.decision_id, 0)," \
	" q.created_at, coalesce(pa.participant_id, 0)," \
	" coalesce(pb.participant_id, 0), ra.partner_id, rb.partner_id" \
	" FROM review_queue q JOIN record ra ON ra.id = q.record_a" \
	" JOIN record rb ON rb.id = q.record_b" \
	" LEFT JOIN record_participant pa ON pa.record_id = q.record_a" \
	" LEFT JOIN record_participant pb ON pb.record_id = q.record_b"

static int
each_review(struct bb_stmt *st, int (*fn)(const struct bb_review_row *r,
    void *arg), void *arg, bool *found)
{
	int rc;
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_review_row r;
		r.id = bb_stmt_int64(st, 0);
		r.record_a = bb_stmt_int64(st, 1);
		r.record_b = bb_stmt_int64(st, 2);
		r.method = bb_stmt_text(st, 3);
		r.score = bb_stmt_double(st, 4);
		r.prob = bb_stmt_isnull(st, 5) ? NAN : bb_stmt_double(st, 5);
		r.status = bb_stmt_text(st, 6);
		r.submission_id = bb_stmt_int64(st, 7);
		r.decision_id = bb_stmt_int64(st, 8);
		r.created_at = bb_stmt_text(st, 9);
		r.participant_a = bb_stmt_int64(st, 10);
		r.participant_b = bb_stmt_int64(st, 11);
		r.partner_a = bb_stmt_text(st, 12);
		r.partner_b = bb_stmt_text(st, 13);
		if (found)
			*found = true;
		if ((rc = fn(&r, arg)) != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_review_each(struct bb_store *s, const char *status, int64_t pid,
    int (*fn)(const struct bb_review_row *r, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db, "SELECT " RQ_COLS
	    " WHERE (?2 IS NULL OR q.status = ?2) AND"
	    TOUCHES("q.record_a", "q.record_b") " ORDER BY q.id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, pid);
	bb_stmt_bind_text(st, 2, status);
	return each_review(st, fn, arg, NULL);
}

int
bb_store_review_get(struct bb_store *s, int64_t id, int64_t a, int64_t b,
    int (*fn)(const struct bb_review_row *r, void *arg), void *arg)
{
	struct bb_stmt *st;
	bool found = false;
	int rc;

	order_pair(&a, &b);
	if ((rc = bb_db_prepare(s->db, "SELECT " RQ_COLS
	    " WHERE (?1 > 0 AND q.id = ?1) OR (?1 = 0 AND q.record_a = ?2 AND"
	    " q.record_b = ?3)", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, id);
	bb_stmt_bind_int64(st, 2, a);
	bb_stmt_bind_int64(st, 3, b);
	rc = each_review(st, fn, arg, &found);
	if (rc == BB_OK && !found)
		rc = BB_ERR_NOTFOUND;
	return rc;
}

int
bb_store_review_close(struct bb_store *s, int64_t id, bool same, int64_t decision)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "UPDATE review_queue SET status = ?, decision_id = ? WHERE id = ?",
	    &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, same ? "accepted" : "rejected");
	bind_opt_int(st, 2, decision);
	bb_stmt_bind_int64(st, 3, id);
	return done(st);
}
