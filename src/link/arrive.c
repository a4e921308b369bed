/*
 * arrive.c: linkage against the store (link/arrive.h): restoring the
 * incremental index from the store, linking the records not yet examined,
 * people's decisions, re-training, the encoding secret, explanations, and
 * writing back what changed (record_participant, participants, events, the
 * review queue, the model).
 *
 * One run: open (the state: model, next id, key), restore (each linked
 * record's identity values with its participant, then the decisions in
 * effect: each pair's latest, in the order made), then the work of the
 * call (add records / decide / train), then the Dice pass for encoded
 * records, then sync: every record whose participant differs from what
 * the store holds is written, merges move every record of the absorbed
 * participant (also superseded ones, so record_participant always names
 * the survivor), and events keep the evidence.  Participant ids come
 * from the index (lower id survives a merge; new clusters numbered in the
 * order of their earliest record), so the same submissions in the same
 * order give the same ids.
 *
 * Encoded records (from partners with sharing: encodings) are in the index
 * too, with the identity values they send in clear (local id, sex,
 * postcode), which links one partner's records of one person by its own
 * id.  Across partners they link by Dice similarity of their encodings:
 * each encoded record, and each plain record encoded here with the
 * initiative's key over the same roles, is compared with the records of
 * other participants (every pair, or those sharing a keyed blocking key
 * when there are too many); a record joins at most one other participant,
 * its best match at or above BB_ARRIVE_DICE_MATCH, never one holding a
 * record decided "not the same".
 */
#include "link/arrive.h"
#include "link/persist.h"
#include "store/linkage.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/diag.h"
#include "util/hash.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(BB_STORE_ROLES == BB_ID__COUNT, "store roles are identity roles");

#define DICE_ALL_PAIRS 20000000.0	/* compare every pair up to this many */
#define MAX_MASKS 8			/* distinct CLK role sets handled */

/* --- a map of int64 to int64 (keys > 0) ---------------------------------- */

struct imap {
	int64_t *k, *v;
	size_t cap, n;
};

static void
imap_put(struct imap *m, int64_t k, int64_t v)
{
	size_t i;
	if ((m->n + 1) * 2 > m->cap) {
		struct imap t = { NULL, NULL, m->cap ? m->cap * 2 : 256, 0 };
		t.k = bb_calloc(t.cap, sizeof(*t.k));
		t.v = bb_calloc(t.cap, sizeof(*t.v));
		for (size_t j = 0; j < m->cap; j++)
			if (m->k[j])
				imap_put(&t, m->k[j], m->v[j]);
		free(m->k);
		free(m->v);
		*m = t;
	}
	for (i = bb_hash64(&k, sizeof(k)) & (m->cap - 1); m->k[i];
	    i = (i + 1) & (m->cap - 1))
		if (m->k[i] == k) {
			m->v[i] = v;
			return;
		}
	m->k[i] = k;
	m->v[i] = v;
	m->n++;
}

static bool
imap_get(const struct imap *m, int64_t k, int64_t *v)
{
	if (m->cap == 0)
		return false;
	for (size_t i = bb_hash64(&k, sizeof(k)) & (m->cap - 1); m->k[i];
	    i = (i + 1) & (m->cap - 1))
		if (m->k[i] == k) {
			if (v)
				*v = m->v[i];
			return true;
		}
	return false;
}

static void
imap_free(struct imap *m)
{
	free(m->k);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* --- the run ---------------------------------------------------------------- */

/* One record in the run's index (its number in the index is its place
 * in run.r). */
struct arec {
	int64_t id;		/* record.id */
	int64_t pid0;		/* its participant in the store; 0: new */
	uint32_t val[BB_ID__COUNT];	/* identity texts, offsets in run.text */
	uint32_t seen;		/* the date seen, offset in run.text */
	uint32_t clk_txt, blk_txt;	/* encoded: as sent, offsets in run.text */
	uint32_t clk_roles;	/* encoded: roles its CLK covers */
	uint32_t source;	/* its partner, as a number (local ids) */
	int32_t eclk;		/* encoded: its CLK in run.eclk; -1: none */
	bool encoded, fresh, active;
};

struct dmerge {
	int64_t survivor, other, a, b;
	double dice;
};

/* A pair by Dice for review, queued at write-back (places in run.r). */
struct dreview {
	uint32_t f, x;
	double dice;
};

struct run {
	struct bb_store *s;
	struct bb_link_index *ix;
	struct bb_link_state st;
	struct arec *r;
	size_t n, cap;
	size_t nrestored;
	struct bb_buf text;	/* identity texts; offset 0 is "" */
	struct bb_clk *eclk;
	struct bb_clk_blocks *eblk;
	size_t ne, capclk, capblk;
	struct imap byid;	/* record id -> place + 1 */
	struct imap parent;	/* Dice merges: participant -> the one it joined */
	struct imap splitpid;	/* participants created by splits */
	struct imap compact;	/* ids given by this run -> the ids written */
	int64_t first_new;	/* ids from here on were given by this run */
	int64_t next_id;	/* the next id to write */
	int64_t submission;	/* the submission linked (0: none) */
	int64_t decision;	/* the decision made (0: none) */
	int64_t dec_a, dec_b;	/* its records */
	struct bb_link_report rep;
	struct dmerge *dm;
	size_t ndm, capdm;
	struct dreview *drv;
	size_t ndrv, capdrv;
	int64_t *notsame;	/* pairs of record ids decided apart */
	size_t nns, capns;
	bool intx;		/* inside the run's transaction */
	bool trained;		/* the model changed in this run */
	size_t trained_n;	/* ... from this many records */
	struct bb_link_receipt *out;
	struct bb_diag *d;
};

void
bb_link_receipt_init(struct bb_link_receipt *r)
{
	memset(r, 0, sizeof(*r));
}

void
bb_link_receipt_clear(struct bb_link_receipt *r)
{
	if (r == NULL)
		return;
	free(r->merges);
	free(r->splits);
	free(r->note);
	memset(r, 0, sizeof(*r));
}

static void
add_change(struct bb_link_change **v, size_t *n, size_t *cap, int64_t survivor,
    int64_t other, int64_t a, int64_t b, const char *method, double score)
{
	struct bb_link_change *c;
	*v = bb_grow(*v, cap, *n + 1, sizeof(**v));
	c = &(*v)[(*n)++];
	c->survivor = survivor;
	c->other = other;
	c->record_a = a < b ? a : b;
	c->record_b = a < b ? b : a;
	c->method = method;
	c->score = score;
}

static void
note(struct run *R, const char *text)
{
	struct bb_link_receipt *o = R->out;
	char *n;
	if (o->note && strstr(o->note, text))
		return;
	n = o->note ? bb_asprintf("%s; %s", o->note, text) : bb_strdup(text);
	free(o->note);
	o->note = n;
}

static uint32_t
put_text(struct run *R, const char *s)
{
	uint32_t off;
	if (s == NULL || *s == '\0')
		return 0;
	off = (uint32_t)R->text.len;
	bb_buf_puts(&R->text, s);
	bb_buf_putc(&R->text, '\0');
	return off;
}

static const char *
text_at(const struct run *R, uint32_t off)
{
	return off ? R->text.data + off : NULL;
}

static void
run_init(struct run *R, struct bb_store *s, struct bb_link_receipt *out,
    struct bb_diag *d)
{
	memset(R, 0, sizeof(*R));
	R->s = s;
	R->out = out;
	R->d = d;
	bb_buf_init(&R->text, (size_t)UINT32_MAX - 1);
	bb_buf_putc(&R->text, '\0');
}

static void
run_free(struct run *R)
{
	bb_link_index_free(R->ix);
	bb_link_state_clear(&R->st);
	free(R->r);
	bb_buf_free(&R->text);
	free(R->eclk);
	free(R->eblk);
	imap_free(&R->byid);
	imap_free(&R->parent);
	imap_free(&R->splitpid);
	imap_free(&R->compact);
	bb_link_report_free(&R->rep);
	free(R->dm);
	free(R->drv);
	free(R->notsame);
}

static int
store_fail(struct run *R, int rc, const char *what)
{
	bb_diag_set(R->d, NULL, 0, 0, "store", "%s: %s", what,
	    bb_store_errmsg(R->s));
	return rc < 0 ? rc : BB_ERR_IO;
}

static struct arec *
add_rec(struct run *R, int64_t id, int64_t pid0, bool fresh)
{
	struct arec *a;
	R->r = bb_grow(R->r, &R->cap, R->n + 1, sizeof(*R->r));
	a = &R->r[R->n];
	memset(a, 0, sizeof(*a));
	a->id = id;
	a->pid0 = pid0;
	a->fresh = fresh;
	a->eclk = -1;
	imap_put(&R->byid, id, (int64_t)R->n + 1);
	R->n++;
	return a;
}

/* Its place in the index, or -1. */
static int64_t
place_of(const struct run *R, int64_t record_id)
{
	int64_t p;
	return imap_get(&R->byid, record_id, &p) ? p - 1 : -1;
}

/* Keep an encoded record's CLK and blocks (as sent); false when the text
 * is not an encoding. */
static bool
set_clk(struct run *R, struct arec *a, const char *clk, const char *blocks)
{
	struct bb_clk c;
	struct bb_clk_blocks b;
	if (clk == NULL || bb_clk_from_base64(clk, &c) != BB_OK)
		return false;
	memset(&b, 0, sizeof(b));
	if (blocks != NULL && bb_clk_blocks_parse(blocks, &b) != BB_OK)
		memset(&b, 0, sizeof(b));
	R->eclk = bb_grow(R->eclk, &R->capclk, R->ne + 1, sizeof(*R->eclk));
	R->eblk = bb_grow(R->eblk, &R->capblk, R->ne + 1, sizeof(*R->eblk));
	R->eclk[R->ne] = c;
	R->eblk[R->ne] = b;
	a->eclk = (int32_t)R->ne++;
	return true;
}

/* The index's inputs for records [from, to); values point into R->text. */
static struct bb_link_input *
inputs(const struct run *R, size_t from, size_t to)
{
	struct bb_link_input *in = bb_calloc(to > from ? to - from : 1, sizeof(*in));
	for (size_t i = from; i < to; i++) {
		for (int role = 1; role < BB_ID__COUNT; role++)
			in[i - from].value[role] = text_at(R, R->r[i].val[role]);
		in[i - from].source = R->r[i].source;
	}
	return in;
}

/* The participant of place i now (Dice merges of this run applied). */
static int64_t
find(const struct run *R, int64_t p)
{
	int64_t q;
	while (imap_get(&R->parent, p, &q))
		p = q;
	return p;
}

static int64_t
pid_of(const struct run *R, size_t i)
{
	return find(R, bb_link_index_participant(R->ix, i));
}

/* Was participant p known before this run (stored, or split off)? */
static bool
known(const struct run *R, int64_t p)
{
	return p < R->first_new || imap_get(&R->splitpid, p, NULL);
}

/* --- opening and restoring ----------------------------------------------------- */

/* A partner as a linkage source: local ids are compared only between
 * records of one partner. */
static uint32_t
source_of(const char *partner)
{
	uint64_t h = bb_hash64(partner, strlen(partner));
	return (uint32_t)(h ^ (h >> 32));
}

static int
run_open(struct run *R)
{
	struct bb_link_config cfg;
	struct bb_diag md;
	int rc;

	if ((rc = bb_store_link_state_get(R->s, &R->st)) != BB_OK)
		return store_fail(R, rc, "cannot read the linkage state");
	bb_link_config_default(&cfg);
	cfg.local_ids_per_source = true;
	R->ix = bb_link_index_new(&cfg);
	if (R->st.model != NULL) {
		memset(&md, 0, sizeof(md));
		if (bb_link_model_load(R->ix, R->st.model, &md) != BB_OK)
			note(R, "the stored linkage model could not be read and "
			    "was estimated again");
		bb_diag_clear(&md);
	}
	return BB_OK;
}

static int
restore_cb(const struct bb_link_identity *li, void *arg)
{
	struct run *R = arg;
	struct arec *a;

	if (li->participant_id <= 0 || place_of(R, li->record_id) >= 0)
		return BB_OK;
	a = add_rec(R, li->record_id, li->participant_id, false);
	for (int role = 1; role < BB_ID__COUNT; role++)
		a->val[role] = put_text(R, li->value[role]);
	a->seen = put_text(R, li->seen);
	a->active = li->active;
	a->source = source_of(li->partner_id ? li->partner_id : "");
	a->encoded = li->encoded;
	if (li->encoded) {
		a->clk_roles = li->clk_roles;
		set_clk(R, a, li->clk, li->blocks);
	}
	return BB_OK;
}

static void
notsame_put(struct run *R, int64_t a, int64_t b, bool on)
{
	for (size_t k = 0; k < R->nns; k++)
		if (R->notsame[2 * k] == a && R->notsame[2 * k + 1] == b) {
			if (!on) {
				R->notsame[2 * k] = R->notsame[2 * (R->nns - 1)];
				R->notsame[2 * k + 1] = R->notsame[2 * (R->nns - 1) + 1];
				R->nns--;
			}
			return;
		}
	if (on) {
		R->notsame = bb_grow(R->notsame, &R->capns, 2 * (R->nns + 1),
		    sizeof(*R->notsame));
		R->notsame[2 * R->nns] = a;
		R->notsame[2 * R->nns + 1] = b;
		R->nns++;
	}
}

/* The decisions as stored, oldest first. */
struct decs {
	struct bb_link_decision_row *v;
	size_t n, cap;
};

static int
decision_cb(const struct bb_link_decision_row *dr, void *arg)
{
	struct decs *D = arg;

	D->v = bb_grow(D->v, &D->cap, D->n + 1, sizeof(*D->v));
	D->v[D->n] = *dr;
	D->v[D->n].decided_by = D->v[D->n].at = D->v[D->n].note = NULL;
	D->n++;
	return BB_OK;
}

/* By pair, then newest first. */
static int
dec_cmp(const void *x, const void *y)
{
	const struct bb_link_decision_row *p = *(const struct
	    bb_link_decision_row *const *)x;
	const struct bb_link_decision_row *q = *(const struct
	    bb_link_decision_row *const *)y;
	if (p->record_a != q->record_a)
		return p->record_a < q->record_a ? -1 : 1;
	if (p->record_b != q->record_b)
		return p->record_b < q->record_b ? -1 : 1;
	return (p->id < q->id) - (p->id > q->id);
}

/* Apply the decisions in effect: each pair's latest, in the order made.
 * An earlier decision on a pair was replaced by the later one; replaying
 * it too would merge and split again what the store already holds apart
 * (renaming a participant on every run). */
static void
apply_decisions(struct run *R, struct decs *D)
{
	struct bb_link_decision_row **by = bb_malloc((D->n ? D->n : 1) *
	    sizeof(*by));

	for (size_t k = 0; k < D->n; k++)
		by[k] = &D->v[k];
	qsort(by, D->n, sizeof(*by), dec_cmp);
	for (size_t k = 1; k < D->n; k++)
		if (by[k]->record_a == by[k - 1]->record_a &&
		    by[k]->record_b == by[k - 1]->record_b)
			by[k]->id = 0;	/* replaced by a later one */
	free(by);
	for (size_t k = 0; k < D->n; k++) {
		const struct bb_link_decision_row *dr = &D->v[k];
		int64_t a, b;
		if (dr->id == 0)
			continue;
		notsame_put(R, dr->record_a, dr->record_b, !dr->same);
		a = place_of(R, dr->record_a);
		b = place_of(R, dr->record_b);
		if (a < 0 || b < 0)
			continue;
		/* Decisions were checked when made; one that no longer fits
		 * (its records changed since) is kept but cannot apply. */
		(void)bb_link_index_decide(R->ix, (size_t)a, (size_t)b, dr->same,
		    &R->rep);
	}
}

/* Restore every linked, active record (and the `extra` records, active or
 * not), then the decisions. */
static int
run_restore(struct run *R, const int64_t *extra, size_t nextra)
{
	struct bb_link_input *in;
	struct decs D = { NULL, 0, 0 };
	int64_t *ids;
	int rc;

	if ((rc = bb_store_link_identity_each(R->s, restore_cb, R)) != BB_OK)
		return store_fail(R, rc, "cannot read the linked records");
	for (size_t i = 0; i < nextra; i++) {
		rc = bb_store_link_identity_get(R->s, extra[i], restore_cb, R);
		if (rc != BB_OK && rc != BB_ERR_NOTFOUND)
			return store_fail(R, rc, "cannot read a linked record");
	}
	R->nrestored = R->n;
	in = inputs(R, 0, R->n);
	ids = bb_malloc((R->n ? R->n : 1) * sizeof(*ids));
	for (size_t i = 0; i < R->n; i++)
		ids[i] = R->r[i].pid0;
	rc = bb_link_index_restore(R->ix, in, ids, R->n);
	free(in);
	free(ids);
	if (rc != BB_OK) {
		bb_diag_set(R->d, NULL, 0, 0, "link", "cannot restore the "
		    "linkage index (%s)", bb_strerror(rc));
		return rc;
	}
	bb_link_index_set_next_id(R->ix, R->st.next_participant);
	R->first_new = bb_link_index_next_id(R->ix);
	R->next_id = R->first_new;
	rc = bb_store_link_decision_each(R->s, 0, decision_cb, &D);
	if (rc == BB_OK)
		apply_decisions(R, &D);
	free(D.v);
	if (rc != BB_OK)
		return store_fail(R, rc, "cannot read the decisions");
	return BB_OK;
}

/* Remember the participants the index split off so far. */
static void
mark_splits(struct run *R)
{
	for (size_t k = 0; k < R->rep.nevents; k++)
		if (R->rep.events[k].kind == BB_LINK_SPLIT)
			imap_put(&R->splitpid, R->rep.events[k].other, 1);
}

/* How many partners the records [0, n) come from (2 means "two or more"). */
static int
partners_in(const struct run *R, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (R->r[i].source != R->r[0].source)
			return 2;
	return n > 0;
}

/* Estimate the model now (from every record held). */
static void
train(struct run *R)
{
	bb_link_index_train(R->ix, &R->rep);
	R->trained = true;
	R->trained_n = bb_link_index_size(R->ix);
}

/* --- identities of records as they arrive --------------------------------------- */

bool
bb_link_normalize_role(enum bb_identity_role role, const char *v,
    char out[BB_NORM_MAX])
{
	struct bb_date dt;
	out[0] = '\0';
	if (v == NULL)
		return false;
	switch (role) {
	case BB_ID_GIVEN_NAME:
		return bb_norm_name(v, true, out, NULL);
	case BB_ID_FAMILY_NAME:
		return bb_norm_name(v, false, out, NULL);
	case BB_ID_BIRTH_DATE:
		if (!bb_norm_date(v, &dt))
			return false;
		if (dt.n == 2)
			snprintf(out, BB_NORM_MAX, "%04d-%02d-%02d|%04d-%02d-%02d",
			    dt.y[0], dt.m[0], dt.d[0], dt.y[1], dt.m[1], dt.d[1]);
		else
			snprintf(out, BB_NORM_MAX, "%04d-%02d-%02d", dt.y[0], dt.m[0],
			    dt.d[0]);
		return true;
	case BB_ID_SEX:
		out[0] = bb_norm_sex(v);
		out[1] = '\0';
		return out[0] != '\0';
	case BB_ID_POSTCODE:
		return bb_norm_ident(v, 3, out);
	case BB_ID_LOCALITY:
		return bb_norm_words(v, false, out);
	case BB_ID_ADDRESS:
		return bb_norm_words(v, true, out);
	case BB_ID_PHONE:
		return bb_norm_phone(v, out);
	case BB_ID_EMAIL:
		return bb_norm_email(v, out);
	case BB_ID_NATIONAL_ID:
		return bb_norm_ident(v, 4, out);
	case BB_ID_LOCAL_ID:
		return bb_norm_ident(v, 1, out);
	default:
		return false;
	}
}

uint32_t
bb_link_clk_roles(const struct bb_dataset *ds)
{
	uint32_t m = 0;
	for (size_t i = 0; i < ds->nfields; i++) {
		enum bb_identity_role r = ds->fields[i].identity;
		if (r != BB_ID_NONE && r != BB_ID_SEX && r != BB_ID_LOCAL_ID)
			m |= 1u << r;
	}
	return m;
}

static bool
has_identity(const struct bb_dataset *ds)
{
	for (size_t i = 0; i < ds->nfields; i++)
		if (ds->fields[i].identity != BB_ID_NONE)
			return true;
	return false;
}

/* A JSON value as text (strings, numbers); false for anything else. */
static bool
json_text(const json_t *v, char *buf, size_t n, const char **out)
{
	if (json_is_string(v)) {
		*out = json_string_value(v);
		return **out != '\0';
	}
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		*out = buf;
		return true;
	}
	if (json_is_real(v)) {
		bb_format_double(buf, n, json_real_value(v), 6);
		*out = buf;
		return true;
	}
	return false;
}

struct pending {
	struct run *R;
	const struct bb_framework *fw;
	int64_t last;		/* highest record id seen */
	struct bb_buf role[BB_ID__COUNT];
};

static int
pending_cb(const struct bb_record *rec, void *arg)
{
	struct pending *P = arg;
	struct run *R = P->R;
	const struct bb_dataset *ds = bb_fw_dataset(P->fw, rec->dataset_id);
	const struct bb_partner *pa = bb_fw_partner(P->fw, rec->partner_id);
	struct arec *a;
	json_t *o, *clk;
	char num[64];

	if (rec->id > P->last)
		P->last = rec->id;
	if (ds == NULL || pa == NULL || ds->kind != BB_DS_RECORDS ||
	    !has_identity(ds)) {
		R->out->skipped++;
		return BB_OK;
	}
	if ((o = json_loads(rec->data, 0, NULL)) == NULL || !json_is_object(o)) {
		json_decref(o);
		R->out->skipped++;
		return BB_OK;
	}
	for (int role = 1; role < BB_ID__COUNT; role++)
		bb_buf_reset(&P->role[role]);
	for (size_t i = 0; i < ds->nfields; i++) {
		const struct bb_field *f = &ds->fields[i];
		struct bb_buf *b = &P->role[f->identity];
		const char *v;
		if (f->identity == BB_ID_NONE ||
		    !json_text(json_object_get(o, f->name), num, sizeof(num), &v))
			continue;
		if (b->len)
			bb_buf_putc(b, ' ');
		bb_buf_puts(b, v);
	}
	a = add_rec(R, rec->id, 0, true);
	a->active = true;
	a->source = source_of(pa->id);
	if (rec->submission_id != R->submission)
		R->out->earlier++;
	for (int role = 1; role < BB_ID__COUNT; role++)
		a->val[role] = put_text(R, bb_buf_str(&P->role[role]));
	if (ds->period_field) {
		const char *v;
		if (json_text(json_object_get(o, ds->period_field), num, sizeof(num), &v))
			a->seen = put_text(R, v);
	}
	clk = json_object_get(o, "_clk");
	if (json_is_string(clk)) {
		json_t *bl = json_object_get(o, "_blocks");
		const char *bt = json_is_string(bl) ? json_string_value(bl) : NULL;
		if (set_clk(R, a, json_string_value(clk), bt)) {
			a->encoded = true;
			a->clk_roles = bb_link_clk_roles(ds);
			a->clk_txt = put_text(R, json_string_value(clk));
			a->blk_txt = put_text(R, bt);
		}
	}
	json_decref(o);
	return BB_OK;
}

static int
write_identities(struct run *R, size_t from)
{
	for (size_t i = from; i < R->n; i++) {
		const struct arec *a = &R->r[i];
		struct bb_link_identity li;
		int rc;
		memset(&li, 0, sizeof(li));
		li.record_id = a->id;
		li.encoded = a->encoded;
		li.seen = text_at(R, a->seen);
		for (int role = 1; role < BB_ID__COUNT; role++)
			li.value[role] = text_at(R, a->val[role]);
		if (a->encoded) {
			li.clk = text_at(R, a->clk_txt);
			li.clk_roles = a->clk_roles;
			li.blocks = text_at(R, a->blk_txt);
		}
		if ((rc = bb_store_link_identity_put(R->s, &li)) != BB_OK)
			return store_fail(R, rc, "cannot keep a record's identity");
	}
	return BB_OK;
}

/* --- corrections ---------------------------------------------------------------- */

/* A superseded record of the corrected submission: its participant and
 * local id. */
struct oldrec {
	int64_t pid;
	uint32_t source;
	char local[BB_NORM_MAX];
};

struct oldrecs {
	struct oldrec *v;
	size_t n, cap;
};

static int
oldrec_cb(const struct bb_link_identity *li, void *arg)
{
	struct oldrecs *o = arg;
	struct oldrec *r;
	char id[BB_NORM_MAX];

	if (li->active || li->participant_id <= 0 ||
	    !bb_norm_ident(li->value[BB_ID_LOCAL_ID], 1, id))
		return BB_OK;
	o->v = bb_grow(o->v, &o->cap, o->n + 1, sizeof(*o->v));
	r = &o->v[o->n++];
	r->pid = li->participant_id;
	r->source = source_of(li->partner_id ? li->partner_id : "");
	bb_strlcpy(r->local, id, sizeof(r->local));
	return BB_OK;
}

/* A correction's rows were linked with the active records only, so a
 * corrected identity goes where it belongs.  A row that then started a new
 * participant, and has the local id of a row of the submission it corrects
 * whose participant has no active record left, takes that participant: a
 * person only this partner knows keeps their id across corrections. */
static int
keep_corrected(struct run *R, size_t from, int64_t supersedes)
{
	struct oldrecs o;
	struct imap live, taken;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = bb_store_link_identity_of_submission(R->s, supersedes,
	    oldrec_cb, &o)) != BB_OK)
		return store_fail(R, rc, "cannot read the corrected records");
	memset(&live, 0, sizeof(live));
	memset(&taken, 0, sizeof(taken));
	for (size_t i = 0; i < R->n; i++)
		imap_put(&live, pid_of(R, i), 1);
	for (size_t i = from; i < R->n && o.n; i++) {
		int64_t p = pid_of(R, i);
		char id[BB_NORM_MAX];
		if (known(R, p) || imap_get(&taken, p, NULL) ||
		    !bb_norm_ident(text_at(R, R->r[i].val[BB_ID_LOCAL_ID]), 1, id))
			continue;
		for (size_t k = 0; k < o.n; k++) {
			if (o.v[k].source != R->r[i].source ||
			    strcmp(o.v[k].local, id) != 0 ||
			    imap_get(&live, o.v[k].pid, NULL))
				continue;
			imap_put(&R->parent, p, o.v[k].pid);
			imap_put(&live, o.v[k].pid, 1);
			imap_put(&taken, p, 1);
			break;
		}
	}
	free(o.v);
	imap_free(&live);
	imap_free(&taken);
	return BB_OK;
}

/* --- Dice: encoded records ------------------------------------------------------ */

/* Plain records' encodings over one set of roles. */
struct pclk {
	uint32_t roles;
	struct bb_clk *c;
	struct bb_clk_blocks *b;
	bool *has;
};

static void
masked_input(const struct run *R, size_t i, uint32_t roles,
    struct bb_link_input *in, bool *any)
{
	memset(in, 0, sizeof(*in));
	*any = false;
	for (int role = 1; role < BB_ID__COUNT; role++)
		if (roles & (1u << role)) {
			in->value[role] = text_at(R, R->r[i].val[role]);
			if (in->value[role])
				*any = true;
		}
}

struct pclk_load {
	struct run *R;
	struct pclk *p;
};

static int
pclk_cb(int64_t record_id, const char *clk, const char *blocks, void *arg)
{
	struct pclk_load *L = arg;
	int64_t i = place_of(L->R, record_id);
	if (i < 0 || L->R->r[i].encoded)
		return BB_OK;
	if (bb_clk_from_base64(clk, &L->p->c[i]) == BB_OK &&
	    bb_clk_blocks_parse(blocks ? blocks : "", &L->p->b[i]) == BB_OK)
		L->p->has[i] = true;
	return BB_OK;
}

static int
plain_clks(struct run *R, uint32_t roles, struct pclk *p)
{
	struct bb_clk_key key;
	struct pclk_load L = { R, p };
	int rc;

	p->roles = roles;
	p->c = bb_malloc((R->n ? R->n : 1) * sizeof(*p->c));
	p->b = bb_calloc(R->n ? R->n : 1, sizeof(*p->b));
	p->has = bb_calloc(R->n ? R->n : 1, sizeof(*p->has));
	if ((rc = bb_store_link_clk_each(R->s, roles, pclk_cb, &L)) != BB_OK)
		return store_fail(R, rc, "cannot read the encodings");
	memcpy(key.k, R->st.key, sizeof(key.k));
	for (size_t i = 0; i < R->n; i++) {
		struct bb_link_input in;
		char b64[BB_CLK_B64], bt[BB_CLK_BLOCKS_TEXT];
		bool any;
		if (R->r[i].encoded || p->has[i])
			continue;
		masked_input(R, i, roles, &in, &any);
		if (!any)
			continue;
		bb_clk_encode(&key, &in, &p->c[i], &p->b[i]);
		p->has[i] = true;
		bb_clk_to_base64(&p->c[i], b64);
		bb_clk_blocks_format(&p->b[i], bt);
		if ((rc = bb_store_link_clk_put(R->s, R->r[i].id, roles, b64, bt)) != BB_OK)
			return store_fail(R, rc, "cannot keep an encoding");
	}
	memset(&key, 0, sizeof(key));
	return BB_OK;
}

static void
pclk_free(struct pclk *p)
{
	free(p->c);
	free(p->b);
	free(p->has);
}

static const struct bb_clk *
clk_of(const struct run *R, const struct pclk *p, size_t i)
{
	if (R->r[i].encoded)
		return R->r[i].eclk >= 0 ? &R->eclk[R->r[i].eclk] : NULL;
	return p->has && p->has[i] ? &p->c[i] : NULL;
}

static const struct bb_clk_blocks *
blocks_of(const struct run *R, const struct pclk *p, size_t i)
{
	if (R->r[i].encoded)
		return R->r[i].eclk >= 0 ? &R->eblk[R->r[i].eclk] : NULL;
	return p->has && p->has[i] ? &p->b[i] : NULL;
}

/* A (blocking key, place) entry. */
struct bent {
	uint64_t key;
	uint32_t place;
};

static int
bent_cmp(const void *x, const void *y)
{
	const struct bent *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->place > b->place) - (a->place < b->place);
}

struct cand {
	uint32_t f, x;
	double dice;
};

/* Queue pair c for review at write-back, once the new records have their
 * participants (so that one open question per two participants holds for
 * pairs by Dice too). */
static void
review_later(struct run *R, const struct cand *c)
{
	R->drv = bb_grow(R->drv, &R->capdrv, R->ndrv + 1, sizeof(*R->drv));
	R->drv[R->ndrv].f = c->f;
	R->drv[R->ndrv].x = c->x;
	R->drv[R->ndrv].dice = c->dice;
	R->ndrv++;
}

static int
cand_cmp(const void *p, const void *q)
{
	const struct cand *a = p, *b = q;
	if (a->dice != b->dice)
		return a->dice > b->dice ? -1 : 1;
	if (a->f != b->f)
		return a->f < b->f ? -1 : 1;
	return (a->x > b->x) - (a->x < b->x);
}

/* Does a "not the same" decision keep participants p and q apart? */
static bool
kept_apart(const struct run *R, int64_t p, int64_t q)
{
	for (size_t k = 0; k < R->nns; k++) {
		int64_t a = place_of(R, R->notsame[2 * k]);
		int64_t b = place_of(R, R->notsame[2 * k + 1]);
		int64_t pa, pb;
		if (a < 0 || b < 0)
			continue;
		pa = pid_of(R, (size_t)a);
		pb = pid_of(R, (size_t)b);
		if ((pa == p && pb == q) || (pa == q && pb == p))
			return true;
	}
	return false;
}

/* Consider target x for focus f. */
static void
consider(const struct run *R, const struct pclk *p, uint32_t f, int64_t pf,
    const struct bb_clk *cf, uint32_t x, struct cand *best)
{
	double dd;
	if (x == f || (!R->r[f].encoded && !R->r[x].encoded) || pid_of(R, x) == pf)
		return;
	dd = bb_clk_dice(cf, clk_of(R, p, x));
	if (dd > best->dice || (dd == best->dice && best->x != UINT32_MAX &&
	    R->r[x].id < R->r[best->x].id)) {
		best->dice = dd;
		best->x = x;
	}
}

/* The best match of focus record f among `targets` (another participant's
 * records; one side encoded): compared with every target, or with those
 * sharing a blocking key when `ents` (sorted by key) is given. */
static void
best_match(const struct run *R, const struct pclk *p, uint32_t f,
    const uint32_t *targets, size_t nt, const struct bent *ents, size_t nents,
    uint32_t *stamp, uint32_t mark, struct cand *best)
{
	const struct bb_clk *cf = clk_of(R, p, f);
	const struct bb_clk_blocks *bf = blocks_of(R, p, f);
	int64_t pf = pid_of(R, f);

	best->f = f;
	best->x = UINT32_MAX;
	best->dice = 0;
	if (ents == NULL) {
		for (size_t k = 0; k < nt; k++)
			consider(R, p, f, pf, cf, targets[k], best);
		return;
	}
	for (int kk = 0; bf != NULL && kk < BB_CLK_NBLOCKS; kk++) {
		uint64_t key = bf->k[kk];
		size_t lo = 0, hi = nents;
		if (key == 0)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (ents[mid].key < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < nents && ents[lo].key == key; lo++) {
			uint32_t x = ents[lo].place;
			if (stamp[x] == mark)
				continue;
			stamp[x] = mark;
			consider(R, p, f, pf, cf, x, best);
		}
	}
}

/* The records of each participant holding an encoding, as lists through
 * next[] (places; UINT32_MAX ends), joined as participants merge. */
struct members {
	struct imap head, tail;	/* participant -> place + 1 */
	uint32_t *next;
};

static void
members_add(struct members *M, int64_t pid, uint32_t i)
{
	int64_t t;
	M->next[i] = UINT32_MAX;
	if (imap_get(&M->tail, pid, &t))
		M->next[t - 1] = i;
	else
		imap_put(&M->head, pid, (int64_t)i + 1);
	imap_put(&M->tail, pid, (int64_t)i + 1);
}

static void
members_join(struct members *M, int64_t keep, int64_t gone)
{
	int64_t gh, gt, kt;
	if (!imap_get(&M->head, gone, &gh))
		return;
	imap_get(&M->tail, gone, &gt);
	if (imap_get(&M->tail, keep, &kt))
		M->next[kt - 1] = (uint32_t)(gh - 1);
	else
		imap_put(&M->head, keep, gh);
	imap_put(&M->tail, keep, gt);
	imap_put(&M->head, gone, 0);	/* emptied (0 = none) */
}

static uint32_t
members_first(const struct members *M, int64_t pid)
{
	int64_t h;
	return imap_get(&M->head, pid, &h) && h > 0 ? (uint32_t)(h - 1) : UINT32_MAX;
}

/* Do participants pf and px hold together by their encodings: the average
 * Dice of their pairs with an encoded side (up to 64 records a side) at or
 * above thr, no two encoded records of one partner with different local
 * ids (one partner does not give one person two ids), and no pair whose
 * sexes (sent in clear) disagree? */
static bool
dice_holds(const struct run *R, const struct pclk *p, const struct members *M,
    int64_t pf, int64_t px, double thr)
{
	double sum = 0;
	size_t n = 0, i = 0;

	for (uint32_t a = members_first(M, pf); a != UINT32_MAX && i < 64;
	    a = M->next[a], i++) {
		size_t j = 0;
		for (uint32_t b = members_first(M, px); b != UINT32_MAX && j < 64;
		    b = M->next[b], j++) {
			const struct arec *ra = &R->r[a], *rb = &R->r[b];
			const char *la, *lb;
			if (!ra->encoded && !rb->encoded)
				continue;
			la = text_at(R, ra->val[BB_ID_LOCAL_ID]);
			lb = text_at(R, rb->val[BB_ID_LOCAL_ID]);
			if (ra->encoded && rb->encoded && ra->source == rb->source &&
			    la && lb && strcmp(la, lb) != 0)
				return false;
			/* Sex, sent in clear, disagreeing. */
			la = text_at(R, ra->val[BB_ID_SEX]);
			lb = text_at(R, rb->val[BB_ID_SEX]);
			if (la && lb && bb_norm_sex(la) && bb_norm_sex(lb) &&
			    bb_norm_sex(la) != bb_norm_sex(lb))
				return false;
			sum += bb_clk_dice(clk_of(R, p, a), clk_of(R, p, b));
			n++;
		}
	}
	return n > 0 && sum / (double)n >= thr;
}

/* Do the two records' keyed birth-date blocking keys (the date, day and
 * month in either order) both exist and differ?  Encodings weigh names
 * most: two children of one name a few years apart reach Dice 0.87, so a
 * pair whose birth dates differ links only when nearly everything else
 * agrees (DOB_DIFFERS_DICE). */
#define DOB_DIFFERS_DICE 0.95

static bool
dob_differs(const struct run *R, const struct pclk *p, const struct cand *c)
{
	const struct bb_clk_blocks *a = blocks_of(R, p, c->f), *b = blocks_of(R, p, c->x);
	return a && b && a->k[2] && b->k[2] && a->k[2] != b->k[2] &&
	    c->dice < DOB_DIFFERS_DICE;
}

/* Link the focus records by Dice over one set of roles. */
static int
dice_mask(struct run *R, uint32_t roles, const uint32_t *focus, size_t nf)
{
	struct pclk p;
	struct members M;
	uint32_t *targets = NULL, *fs = NULL, *stamp = NULL;
	struct bent *ents = NULL;
	struct cand *cands = NULL;
	size_t nt = 0, nfs = 0, nents = 0, nc = 0;
	bool plain = R->st.has_key;
	int rc = BB_OK;

	memset(&p, 0, sizeof(p));
	memset(&M, 0, sizeof(M));
	if (plain && (rc = plain_clks(R, roles, &p)) != BB_OK)
		goto out;
	targets = bb_malloc((R->n ? R->n : 1) * sizeof(*targets));
	for (size_t i = 0; i < R->n; i++) {
		const struct arec *a = &R->r[i];
		if ((a->encoded && a->clk_roles == roles && a->eclk >= 0) ||
		    (!a->encoded && plain && p.has[i]))
			targets[nt++] = (uint32_t)i;
	}
	fs = bb_malloc((nf ? nf : 1) * sizeof(*fs));
	for (size_t k = 0; k < nf; k++) {
		const struct arec *a = &R->r[focus[k]];
		if ((a->encoded && a->clk_roles == roles && a->eclk >= 0) ||
		    (!a->encoded && plain && p.has[focus[k]]))
			fs[nfs++] = focus[k];
	}
	if (nfs == 0 || nt < 2)
		goto out;
	if ((double)nfs * (double)nt > DICE_ALL_PAIRS) {
		/* Too many pairs: those sharing a keyed blocking key. */
		ents = bb_malloc(nt * BB_CLK_NBLOCKS * sizeof(*ents));
		for (size_t k = 0; k < nt; k++) {
			const struct bb_clk_blocks *b = blocks_of(R, &p, targets[k]);
			for (int kk = 0; b && kk < BB_CLK_NBLOCKS; kk++)
				if (b->k[kk]) {
					ents[nents].key = b->k[kk];
					ents[nents].place = targets[k];
					nents++;
				}
		}
		qsort(ents, nents, sizeof(*ents), bent_cmp);
		stamp = bb_calloc(R->n, sizeof(*stamp));
	}
	M.next = bb_malloc(R->n * sizeof(*M.next));
	for (size_t k = 0; k < nt; k++)
		members_add(&M, pid_of(R, targets[k]), targets[k]);
	cands = bb_malloc(nfs * sizeof(*cands));
	for (size_t k = 0; k < nfs; k++) {
		struct cand c;
		best_match(R, &p, fs[k], targets, nt, ents, nents, stamp,
		    (uint32_t)k + 1, &c);
		if (c.x != UINT32_MAX && c.dice >= BB_ARRIVE_DICE_REVIEW)
			cands[nc++] = c;
	}
	qsort(cands, nc, sizeof(*cands), cand_cmp);
	for (size_t k = 0; k < nc; k++) {
		const struct cand *c = &cands[k];
		int64_t pf = pid_of(R, c->f), px = pid_of(R, c->x);
		int64_t ra = R->r[c->f].id, rb = R->r[c->x].id;
		if (pf == px)
			continue;
		if (c->dice < BB_ARRIVE_DICE_MATCH) {
			/* Birth dates differing and the encodings no closer
			 * than a stranger's of one name: a sibling or a
			 * namesake, not a pair for a person to look at (most
			 * records have no match anywhere, and each one's best
			 * stranger would be queued). */
			if (dob_differs(R, &p, c))
				continue;
			review_later(R, c);
			continue;
		}
		/* Within one partner's encodings, the stricter threshold. */
		double thr = R->r[c->f].encoded && R->r[c->x].encoded &&
		    R->r[c->f].source == R->r[c->x].source ? BB_CLK_DICE_ONE :
		    BB_ARRIVE_DICE_MATCH;
		if (kept_apart(R, pf, px))
			continue;
		if (c->dice < thr || dob_differs(R, &p, c) ||
		    !dice_holds(R, &p, &M, pf, px, thr)) {
			review_later(R, c);
			continue;
		}
		int64_t keep = pf < px ? pf : px, gone = pf < px ? px : pf;
		imap_put(&R->parent, gone, keep);
		members_join(&M, keep, gone);
		R->out->dice_links++;
		if (known(R, keep) && known(R, gone)) {
			R->dm = bb_grow(R->dm, &R->capdm, R->ndm + 1, sizeof(*R->dm));
			R->dm[R->ndm].survivor = keep;
			R->dm[R->ndm].other = gone;
			R->dm[R->ndm].a = ra < rb ? ra : rb;
			R->dm[R->ndm].b = ra < rb ? rb : ra;
			R->dm[R->ndm].dice = c->dice;
			R->ndm++;
		}
	}
out:
	pclk_free(&p);
	imap_free(&M.head);
	imap_free(&M.tail);
	free(M.next);
	free(targets);
	free(fs);
	free(stamp);
	free(ents);
	free(cands);
	return rc;
}

/* The Dice pass over the focus records (places). */
static int
dice_pass(struct run *R, const uint32_t *focus, size_t nf)
{
	uint32_t masks[MAX_MASKS];
	size_t nm = 0;
	int rc;

	mark_splits(R);
	if (R->ne == 0 || nf == 0)
		return BB_OK;
	for (size_t i = 0; i < R->n; i++) {
		const struct arec *a = &R->r[i];
		size_t k;
		if (!a->encoded)
			continue;
		for (k = 0; k < nm && masks[k] != a->clk_roles; k++)
			;
		if (k == nm && nm < MAX_MASKS)
			masks[nm++] = a->clk_roles;
	}
	if (!R->st.has_key)
		note(R, "no linkage secret is set ('backbone link secret set'): "
		    "encoded records were compared only with each other");
	for (size_t k = 0; k < nm; k++)
		if ((rc = dice_mask(R, masks[k], focus, nf)) != BB_OK)
			return rc;
	return BB_OK;
}

/* --- writing back ----------------------------------------------------------------- */

static char *
evidence_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(6));
	json_decref(o);
	if (s == NULL)
		abort();	/* jansson fails only when memory is out */
	return s;
}

/* Evidence of a merge or split the index made on places a and b, and the
 * method that made it ("weight" or "decision"). */
static char *
weight_evidence(const struct run *R, size_t a, size_t b, double *weight,
    const char **method)
{
	struct bb_link_explain ex;
	json_t *o, *fields;

	*weight = NAN;
	*method = "weight";
	if (R->decision && ((R->r[a].id == R->dec_a && R->r[b].id == R->dec_b) ||
	    (R->r[a].id == R->dec_b && R->r[b].id == R->dec_a))) {
		*method = "decision";
		return evidence_json(json_pack("{s:s, s:I}", "method", "decision",
		    "decision", (json_int_t)R->decision));
	}
	if (bb_link_explain_pair(R->ix, a, b, &ex) != BB_OK)
		return evidence_json(json_pack("{s:s}", "method", "weight"));
	*weight = ex.weight;
	fields = json_array();
	for (size_t k = 0; k < ex.nfields; k++)
		json_array_append_new(fields, json_pack("{s:s, s:s, s:f}", "field",
		    bb_link_role_name(ex.fields[k].role), "level", ex.fields[k].level,
		    "weight", ex.fields[k].weight));
	o = json_pack("{s:s, s:f, s:f, s:o}", "method", "weight", "weight",
	    ex.weight, "prob", ex.prob, "fields", fields);
	if (ex.decision)
		json_object_set_new(o, "decision", json_string(ex.decision));
	return evidence_json(o);
}

/* The id written for participant p: ids this run gave are numbered again
 * from first_new in the order of their earliest record, so ids the index
 * gave to clusters that Dice or a correction then joined to others leave
 * no gaps. */
static int64_t
out_id(const struct run *R, int64_t p)
{
	int64_t q;
	return imap_get(&R->compact, p, &q) ? q : p;
}

static void
compact_ids(struct run *R)
{
	for (size_t i = 0; i < R->n; i++) {
		int64_t p = pid_of(R, i);
		if (p >= R->first_new && !imap_get(&R->compact, p, NULL))
			imap_put(&R->compact, p, R->next_id++);
	}
	for (size_t k = 0; k < R->rep.nevents; k++) {
		int64_t p = R->rep.events[k].other;
		if (p >= R->first_new && !imap_get(&R->compact, p, NULL))
			imap_put(&R->compact, p, R->next_id++);
	}
}

/* Create participant p (by its index id) unless it was stored before. */
static int
ensure(struct run *R, struct imap *done, int64_t p)
{
	int64_t id = out_id(R, p);
	int rc;
	if (imap_get(done, id, NULL))
		return BB_OK;
	imap_put(done, id, 1);
	if (p < R->first_new)
		return BB_OK;	/* stored before this run */
	rc = bb_store_participant_ensure(R->s, id,
	    imap_get(&R->splitpid, p, NULL) ? 0 : R->submission);
	return rc == BB_OK ? BB_OK : store_fail(R, rc, "cannot create a participant");
}

static int
merge(struct run *R, struct imap *done, int64_t survivor, int64_t other,
    int64_t ra, int64_t rb, double score, const char *method, char *evidence)
{
	struct bb_link_event_row e;
	int rc;

	if ((rc = ensure(R, done, survivor)) != BB_OK ||
	    (rc = ensure(R, done, other)) != BB_OK)
		goto out;
	survivor = out_id(R, survivor);
	other = out_id(R, other);
	if ((rc = bb_store_participant_merge(R->s, survivor, other)) != BB_OK) {
		rc = store_fail(R, rc, "cannot merge participants");
		goto out;
	}
	memset(&e, 0, sizeof(e));
	e.kind = "merged";
	e.survivor = survivor;
	e.other = other;
	e.record_a = ra;
	e.record_b = rb;
	e.weight = score;
	e.evidence = evidence;
	e.submission_id = R->submission;
	e.decision_id = R->decision;
	if ((rc = bb_store_link_event_add(R->s, &e)) != BB_OK) {
		rc = store_fail(R, rc, "cannot record a merge");
		goto out;
	}
	add_change(&R->out->merges, &R->out->nmerges, &R->out->capmerges,
	    survivor, other, ra, rb, method, score);
out:
	free(evidence);
	return rc;
}

static int
sync(struct run *R)
{
	struct imap done, counted;
	int rc = BB_OK;

	memset(&done, 0, sizeof(done));
	memset(&counted, 0, sizeof(counted));
	mark_splits(R);
	compact_ids(R);
	/* Participants first (records refer to them). */
	for (size_t i = 0; i < R->n; i++) {
		int64_t p = pid_of(R, i);
		if ((R->r[i].fresh || p != R->r[i].pid0) &&
		    (rc = ensure(R, &done, p)) != BB_OK)
			goto out;
	}
	/* What the index did, in order, then the Dice merges. */
	for (size_t k = 0; k < R->rep.nevents; k++) {
		const struct bb_link_event *ev = &R->rep.events[k];
		int64_t ra = R->r[ev->rec_a].id, rb = R->r[ev->rec_b].id;
		double w;
		const char *method;
		char *evi = weight_evidence(R, ev->rec_a, ev->rec_b, &w, &method);
		if (ev->kind == BB_LINK_MERGED) {
			rc = merge(R, &done, ev->survivor, ev->other, ra, rb, w,
			    method, evi);
		} else {
			struct bb_link_event_row e;
			memset(&e, 0, sizeof(e));
			if ((rc = ensure(R, &done, ev->other)) == BB_OK) {
				e.kind = "split";
				e.survivor = out_id(R, ev->survivor);
				e.other = out_id(R, ev->other);
				e.record_a = ra;
				e.record_b = rb;
				e.weight = NAN;
				e.evidence = evi;
				e.submission_id = R->submission;
				e.decision_id = R->decision;
				if ((rc = bb_store_link_event_add(R->s, &e)) != BB_OK)
					rc = store_fail(R, rc, "cannot record a split");
				add_change(&R->out->splits, &R->out->nsplits,
				    &R->out->capsplits, e.survivor, e.other, ra, rb,
				    "decision", NAN);
			}
			free(evi);
		}
		if (rc != BB_OK)
			goto out;
	}
	for (size_t k = 0; k < R->ndm; k++) {
		const struct dmerge *m = &R->dm[k];
		char *evi = evidence_json(json_pack("{s:s, s:f}", "method", "dice",
		    "dice", m->dice));
		if ((rc = merge(R, &done, m->survivor, m->other, m->a, m->b, m->dice,
		    "dice", evi)) != BB_OK)
			goto out;
	}
	/* Each record whose participant is new or changed. */
	for (size_t i = 0; i < R->n; i++) {
		const struct arec *a = &R->r[i];
		int64_t p = pid_of(R, i);
		if (!a->fresh && p == a->pid0)
			continue;
		if ((rc = bb_store_record_participant_set(R->s, a->id,
		    out_id(R, p))) != BB_OK) {
			rc = store_fail(R, rc, "cannot write a record's participant");
			goto out;
		}
		if (!a->fresh) {
			R->out->moved++;
			continue;
		}
		R->out->records++;
		if (a->encoded)
			R->out->encoded++;
		if (known(R, p))
			R->out->joined++;
		else if (!imap_get(&counted, p, NULL)) {
			imap_put(&counted, p, 1);
			R->out->new_participants++;
		}
	}
	/* Pairs in the review band, when still apart. */
	for (size_t k = 0; k < R->rep.nreviews; k++) {
		const struct bb_link_review *rv = &R->rep.reviews[k];
		bool added;
		if (pid_of(R, rv->rec_a) == pid_of(R, rv->rec_b))
			continue;
		if ((rc = bb_store_review_add(R->s, R->r[rv->rec_a].id,
		    R->r[rv->rec_b].id, "weight", rv->weight, rv->prob,
		    R->submission, &added)) != BB_OK) {
			rc = store_fail(R, rc, "cannot queue a pair for review");
			goto out;
		}
		R->out->reviews += added;
	}
	for (size_t k = 0; k < R->ndrv; k++) {
		const struct dreview *dv = &R->drv[k];
		bool added;
		if (pid_of(R, dv->f) == pid_of(R, dv->x))
			continue;
		if ((rc = bb_store_review_add(R->s, R->r[dv->f].id, R->r[dv->x].id,
		    "dice", dv->dice, NAN, R->submission, &added)) != BB_OK) {
			rc = store_fail(R, rc, "cannot queue a pair for review");
			goto out;
		}
		R->out->reviews += added;
	}
out:
	imap_free(&done);
	imap_free(&counted);
	return rc;
}

/* Keep the model (when it changed) and the counters. */
static int
save_state(struct run *R, int64_t linked_through)
{
	int rc;

	if (R->trained || R->rep.stats.trained) {
		char now[BB_ISO_TIME];
		free(R->st.model);
		R->st.model = bb_link_model_save(R->ix);
		/* Estimated at the start of the run, or when the index first
		 * held two records (then from everything it holds). */
		R->st.trained_records = (int64_t)(R->trained ? R->trained_n :
		    bb_link_index_size(R->ix));
		bb_clock_iso(now);
		free(R->st.trained_at);
		R->st.trained_at = bb_strdup(now);
		R->out->trained = true;
		R->out->trained_records = (uint64_t)R->st.trained_records;
	}
	R->st.next_participant = R->next_id;
	if (linked_through > R->st.linked_through)
		R->st.linked_through = linked_through;
	if ((rc = bb_store_link_state_put(R->s, &R->st)) != BB_OK)
		return store_fail(R, rc, "cannot keep the linkage state");
	return BB_OK;
}

/* Begin a run that writes: its transaction, the state, and (with
 * `restore`) every linked record and decision. */
static int
run_start(struct run *R, struct bb_store *s, struct bb_link_receipt *out,
    struct bb_diag *d, bool restore)
{
	int rc;

	run_init(R, s, out, d);
	if ((rc = bb_store_begin(s)) != BB_OK)
		return store_fail(R, rc, "cannot begin linkage");
	R->intx = true;
	if ((rc = run_open(R)) != BB_OK)
		return rc;
	return restore ? run_restore(R, NULL, 0) : BB_OK;
}

/* End a run: commit when rc is 0, else roll back; free it. */
static int
finish(struct run *R, int rc)
{
	if (R->intx && rc == BB_OK) {
		if ((rc = bb_store_commit(R->s)) != BB_OK) {
			rc = store_fail(R, rc, "cannot commit linkage");
			bb_store_rollback(R->s);
		}
	} else if (R->intx)
		bb_store_rollback(R->s);
	run_free(R);
	return rc;
}

/* The end of every run that links: the Dice pass over the focus records
 * (freed here), writing back, the state; then commit or roll back. */
static int
settle(struct run *R, uint32_t *focus, size_t nf, int64_t linked_through)
{
	int rc = dice_pass(R, focus, nf);
	free(focus);
	if (rc == BB_OK)
		rc = sync(R);
	if (rc == BB_OK)
		rc = save_state(R, linked_through);
	return finish(R, rc);
}

/* --- the calls ---------------------------------------------------------------------- */

int
bb_link_arrival(struct bb_store *s, const struct bb_framework *fw,
    int64_t submission, int64_t supersedes, struct bb_link_receipt *out,
    struct bb_diag *d)
{
	struct run R;
	struct pending P;
	uint32_t *focus = NULL;
	size_t from;
	int rc;

	if ((rc = run_start(&R, s, out, d, true)) != BB_OK)
		return finish(&R, rc);
	R.submission = submission;
	/* A model estimated from few records is estimated again once there
	 * are twice as many. */
	if (bb_link_model_trained(R.ix) &&
	    R.st.trained_records < BB_ARRIVE_RETRAIN_UNTIL &&
	    (int64_t)R.nrestored >= 2 * R.st.trained_records)
		train(&R);
	memset(&P, 0, sizeof(P));
	P.R = &R;
	P.fw = fw;
	P.last = R.st.linked_through;
	for (int role = 0; role < BB_ID__COUNT; role++)
		bb_buf_init(&P.role[role], 1u << 20);
	from = R.n;
	rc = bb_store_link_pending_each(s, R.st.linked_through, pending_cb, &P);
	for (int role = 0; role < BB_ID__COUNT; role++)
		bb_buf_free(&P.role[role]);
	if (rc != BB_OK) {
		rc = store_fail(&R, rc, "cannot read the records to link");
		return finish(&R, rc);
	}
	out->ran = R.n > from || out->skipped > 0;
	/* The model is first estimated, as the new records are added, once
	 * linkage holds records of two partners; until then the prior. */
	if (!bb_link_model_trained(R.ix) && partners_in(&R, R.n) < 2)
		bb_link_model_use_prior(R.ix);
	if (R.n > from) {
		struct bb_link_input *in = inputs(&R, from, R.n);
		if ((rc = write_identities(&R, from)) != BB_OK) {
			free(in);
			return finish(&R, rc);
		}
		rc = bb_link_index_add(R.ix, in, R.n - from, &R.rep);
		free(in);
		if (rc != BB_OK) {
			bb_diag_set(d, NULL, 0, 0, "link", "cannot link the records "
			    "(%s)", bb_strerror(rc));
			return finish(&R, rc);
		}
		if (supersedes && (rc = keep_corrected(&R, from, supersedes)) != BB_OK)
			return finish(&R, rc);
	}
	/* Every new record may match an encoded one (or be one). */
	focus = bb_malloc((R.n - from + 1) * sizeof(*focus));
	for (size_t i = from; i < R.n; i++)
		focus[i - from] = (uint32_t)i;
	return settle(&R, focus, R.n - from, P.last);
}

int
bb_link_decide(struct bb_store *s, int64_t a, int64_t b, bool same,
    const char *by, const char *note_text, struct bb_link_receipt *out,
    struct bb_diag *d)
{
	struct run R;
	int64_t ia, ib, pa, pb;
	uint32_t *focus = NULL;
	size_t nf = 0;
	int rc;

	if (a == b) {
		bb_diag_set(d, NULL, 0, 0, "decision", "a record is always one "
		    "person with itself");
		return BB_ERR_USAGE;
	}
	if ((rc = run_start(&R, s, out, d, true)) != BB_OK)
		return finish(&R, rc);
	ia = place_of(&R, a);
	ib = place_of(&R, b);
	if (ia < 0 || ib < 0) {
		bb_diag_set(d, NULL, 0, 0, "not-linked", "record %lld is not a "
		    "linked, active record", (long long)(ia < 0 ? a : b));
		return finish(&R, BB_ERR_NOTFOUND);
	}
	if (!bb_link_model_trained(R.ix))
		bb_link_model_use_prior(R.ix);
	out->ran = true;
	pa = pid_of(&R, (size_t)ia);
	pb = pid_of(&R, (size_t)ib);
	out->already = same ? pa == pb : pa != pb;
	if ((rc = bb_store_link_decision_add(s, a, b, same, by, note_text,
	    &R.decision)) != BB_OK)
		return finish(&R, store_fail(&R, rc, "cannot keep the decision"));
	out->decision_id = R.decision;
	R.dec_a = a < b ? a : b;
	R.dec_b = a < b ? b : a;
	rc = bb_link_index_decide(R.ix, (size_t)ia, (size_t)ib, same, &R.rep);
	if (rc == BB_ERR_CONFLICT) {
		bb_diag_set(d, NULL, 0, 0, "decision-conflict", same ?
		    "records %lld and %lld cannot be one person: a record of one's "
		    "participant was decided not the same as a record of the other's" :
		    "records %lld and %lld were decided to be one person (directly "
		    "or through other decisions); decide those pairs first",
		    (long long)a, (long long)b);
		return finish(&R, rc);
	}
	if (rc != BB_OK)
		return finish(&R, rc);
	notsame_put(&R, R.dec_a, R.dec_b, !same);
	/* Records that moved may now match encoded records of others. */
	focus = bb_malloc((R.n ? R.n : 1) * sizeof(*focus));
	for (size_t i = 0; i < R.n; i++)
		if (pid_of(&R, i) != R.r[i].pid0)
			focus[nf++] = (uint32_t)i;
	if (!same && R.r[ia].encoded)
		focus[nf++] = (uint32_t)ia;
	return settle(&R, focus, nf, 0);
}

int
bb_link_retrain(struct bb_store *s, struct bb_link_receipt *out,
    struct bb_diag *d)
{
	struct run R;
	int rc;

	if ((rc = run_start(&R, s, out, d, true)) != BB_OK)
		return finish(&R, rc);
	out->ran = R.n >= 2;
	if (R.n < 2) {
		bb_diag_set(d, NULL, 0, 0, "too-few", "linkage holds %zu linked "
		    "record%s; the model needs at least two", R.n,
		    R.n == 1 ? "" : "s");
		return finish(&R, BB_ERR_CONFLICT);
	}
	train(&R);
	rc = save_state(&R, 0);
	return finish(&R, rc);
}

int
bb_link_secret_set(struct bb_store *s, const struct bb_clk_key *key,
    struct bb_link_receipt *out, struct bb_diag *d)
{
	struct run R;
	uint32_t *focus = NULL;
	size_t nf = 0;
	int rc;
	char now[BB_ISO_TIME];
	bool changed;

	if ((rc = run_start(&R, s, out, d, false)) != BB_OK)
		return finish(&R, rc);
	changed = !R.st.has_key || memcmp(R.st.key, key->k, sizeof(key->k)) != 0;
	memcpy(R.st.key, key->k, sizeof(key->k));
	R.st.has_key = true;
	bb_clock_iso(now);
	free(R.st.secret_set_at);
	R.st.secret_set_at = bb_strdup(now);
	if (changed && (rc = bb_store_link_clk_clear(s)) != BB_OK)
		return finish(&R, store_fail(&R, rc, "cannot forget old encodings"));
	if ((rc = run_restore(&R, NULL, 0)) != BB_OK)
		return finish(&R, rc);
	focus = bb_malloc((R.n ? R.n : 1) * sizeof(*focus));
	for (size_t i = 0; i < R.n; i++)
		if (R.r[i].encoded)
			focus[nf++] = (uint32_t)i;
	out->ran = nf > 0;
	return settle(&R, focus, nf, 0);
}

int
bb_link_explain_records(struct bb_store *s, int64_t a, int64_t b,
    struct bb_link_pair_explain *out, struct bb_diag *d)
{
	struct bb_link_receipt rec;
	struct run R;
	int64_t extra[2] = { a, b }, ia, ib;
	int rc;

	memset(out, 0, sizeof(*out));
	bb_link_receipt_init(&rec);
	run_init(&R, s, &rec, d);
	if ((rc = run_open(&R)) != BB_OK ||
	    (rc = run_restore(&R, extra, 2)) != BB_OK)
		goto out;
	ia = place_of(&R, a);
	ib = place_of(&R, b);
	if (ia < 0 || ib < 0) {
		bb_diag_set(d, NULL, 0, 0, "not-linked", "record %lld was never "
		    "linked", (long long)(ia < 0 ? a : b));
		rc = BB_ERR_NOTFOUND;
		goto out;
	}
	out->participant_a = R.r[ia].pid0;
	out->participant_b = R.r[ib].pid0;
	out->encoded_a = R.r[ia].encoded;
	out->encoded_b = R.r[ib].encoded;
	out->active_a = R.r[ia].active;
	out->active_b = R.r[ib].active;
	/* Weighed as the next submission would weigh them. */
	if (!bb_link_model_trained(R.ix))
		bb_link_model_use_prior(R.ix);
	if (bb_link_explain_pair(R.ix, (size_t)ia, (size_t)ib, &out->fs) == BB_OK)
		out->has_weight = true;
	if (out->encoded_a || out->encoded_b) {
		const struct arec *e = out->encoded_a ? &R.r[ia] : &R.r[ib];
		const struct arec *o = out->encoded_a ? &R.r[ib] : &R.r[ia];
		struct bb_clk oc;
		bool have = false;
		if (o->encoded && o->eclk >= 0 && o->clk_roles == e->clk_roles) {
			oc = R.eclk[o->eclk];
			have = true;
		} else if (!o->encoded && R.st.has_key) {
			struct bb_clk_key key;
			struct bb_link_input in;
			bool any;
			memcpy(key.k, R.st.key, sizeof(key.k));
			masked_input(&R, (size_t)(o - R.r), e->clk_roles, &in, &any);
			bb_clk_encode(&key, &in, &oc, NULL);
			memset(&key, 0, sizeof(key));
			have = any;
		}
		if (have && e->eclk >= 0) {
			out->has_dice = true;
			out->dice = bb_clk_dice(&R.eclk[e->eclk], &oc);
			out->dice_verdict = out->dice >= BB_ARRIVE_DICE_MATCH ? "match" :
			    out->dice >= BB_ARRIVE_DICE_REVIEW ? "review" : "non-match";
		}
	}
out:
	/* Explaining writes nothing. */
	run_free(&R);
	bb_link_receipt_clear(&rec);
	return rc;
}
