/*
 * cmd_review.c: clerical review of linkage and the linkage commands that
 * work on the store: `backbone review list`, `backbone review accept`,
 * `backbone review reject`, `backbone link explain`, `backbone link
 * retrain` and `backbone link secret set`.  The work is link/arrive.h's;
 * these print what it did.
 */
#include "cli/cli.h"
#include "cli/cli_framework.h"
#include "link/arrive.h"
#include "link/encode.h"
#include "measure/values.h"
#include "store/linkage.h"
#include "store/store.h"
#include "util/bb.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static double
round_to(double v, double k)
{
	return isfinite(v) ? round(v * k) / k : 0;
}

static void
fmt(char *buf, size_t n, double v, int digits)
{
	if (isnan(v))
		bb_strlcpy(buf, "-", n);
	else
		bb_format_double(buf, n, v, digits);
}

static int
link_fail(struct bb_ctx *ctx, int rc, struct bb_diag *d)
{
	bb_diag_set(&ctx->diag, NULL, 0, 0, d->code, "%s",
	    d->message ? d->message : bb_strerror(rc));
	bb_diag_clear(d);
	return rc == BB_ERR_NOTFOUND || rc == BB_ERR_CONFLICT || rc == BB_ERR_USAGE ||
	    rc == BB_ERR_INPUT ? rc : BB_ERR_INTERNAL;
}

/* When records changed participants, every maintained indicator value is
 * recomputed (a merge or a split changes who is counted once, in any
 * period).  *figures is set to the figures written, or left 0 when nothing
 * had to be done. */
static int
recompute_values(struct bb_ctx *ctx, const struct bb_link_receipt *rec,
    size_t *figures)
{
	struct bb_framework *fw = NULL;
	struct bb_refresh_stats st;
	int64_t ver = 0;
	int rc;

	*figures = 0;
	if (rec->moved == 0)
		return BB_OK;
	if ((rc = bb_cli_framework(ctx, 0, &fw, &ver)) != BB_OK)
		return rc;
	memset(&st, 0, sizeof(st));
	rc = bb_measure_recompute(ctx->store, fw, ver, &st);
	bb_framework_free(fw);
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "participants changed, but the indicator "
		    "values could not be recomputed: %s (run 'backbone values refresh')",
		    bb_store_errmsg(ctx->store));
	*figures = st.values;
	return BB_OK;
}

/* --- review list ------------------------------------------------------------- */

struct rlist {
	struct bb_ctx *ctx;
	json_t *arr;
	size_t n;
	bool all;
};

static json_t *
review_json(const struct bb_review_row *r)
{
	bool dice = strcmp(r->method, "dice") == 0;
	json_t *j = json_pack("{s:I, s:[I, I], s:[I, I], s:[s, s], s:s, s:f, s:s}",
	    "pair", (json_int_t)r->id, "records", (json_int_t)r->record_a,
	    (json_int_t)r->record_b, "participants", (json_int_t)r->participant_a,
	    (json_int_t)r->participant_b, "partners", r->partner_a, r->partner_b,
	    "method", r->method, "score", round_to(r->score, dice ? 1000 : 100),
	    "status", r->status);
	if (!isnan(r->prob))
		json_object_set_new(j, "prob", json_real(round_to(r->prob, 10000)));
	if (r->submission_id)
		json_object_set_new(j, "submission", json_integer(r->submission_id));
	if (r->decision_id)
		json_object_set_new(j, "decision", json_integer(r->decision_id));
	return j;
}

static int
rlist_cb(const struct bb_review_row *r, void *arg)
{
	struct rlist *L = arg;
	bool dice = strcmp(r->method, "dice") == 0;
	char sc[32], pr[32];

	/* A pair whose records came together since needs no one. */
	if (!L->all && r->participant_a == r->participant_b)
		return BB_OK;
	if (L->ctx->json) {
		json_array_append_new(L->arr, review_json(r));
		return BB_OK;
	}
	if (L->n++ == 0)
		fprintf(L->ctx->out, "%5s  %-15s  %-15s  %-20s  %-6s  %7s  %6s  %s\n",
		    "pair", "records", "participants", "partners", "method", "score",
		    "prob", "status");
	fmt(sc, sizeof(sc), r->score, dice ? 3 : 2);
	fmt(pr, sizeof(pr), r->prob, 4);
	char recs[40], parts[40], partners[160];
	snprintf(recs, sizeof(recs), "%lld, %lld", (long long)r->record_a,
	    (long long)r->record_b);
	snprintf(parts, sizeof(parts), "%lld, %lld", (long long)r->participant_a,
	    (long long)r->participant_b);
	snprintf(partners, sizeof(partners), "%s, %s", r->partner_a, r->partner_b);
	fprintf(L->ctx->out, "%5lld  %-15s  %-15s  %-20s  %-6s  %7s  %6s  %s\n",
	    (long long)r->id, recs, parts, partners, r->method, sc, pr, r->status);
	return BB_OK;
}

static int
run_review_list(struct bb_ctx *ctx)
{
	struct rlist L = { ctx, json_array(), 0, bb_ctx_flag(ctx, "all") };
	int rc = bb_store_review_each(ctx->store, L.all ? NULL : "open", 0,
	    rlist_cb, &L);
	if (rc != BB_OK) {
		json_decref(L.arr);
		return bb_ctx_fail(ctx, rc, "cannot list the review queue: %s",
		    bb_store_errmsg(ctx->store));
	}
	if (ctx->json)
		bb_ctx_emit_json(ctx, L.arr);
	else {
		json_decref(L.arr);
		if (L.n == 0)
			fprintf(ctx->out, "no pairs to review\n");
	}
	return BB_OK;
}

static const struct bb_opt_spec review_list_opts[] = {
	{ "all", BB_OPT_FLAG, NULL, "also the pairs decided, or linked since by other records", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

const struct bb_command bb_cmd_review_list = {
	.name = "review list",
	.args = "",
	.summary = "pairs of records linkage left for a person to decide",
	.help = "Lists the open pairs of the review queue: pairs of records of two\n"
	    "participants whose match weight fell in the review band (or, with an\n"
	    "encoded partner, whose Dice similarity did), with the pair's number,\n"
	    "records, participants, partners, method (weight or dice), score and\n"
	    "probability. 'backbone link explain A B' shows why; 'backbone review\n"
	    "accept PAIR' or 'reject PAIR' decides.",
	.opts = review_list_opts,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_review_list,
};

/* --- review accept / reject ------------------------------------------------------ */

struct found {
	int64_t id, a, b;
	bool got;
};

static int
found_cb(const struct bb_review_row *r, void *arg)
{
	struct found *f = arg;
	f->id = r->id;
	f->a = r->record_a;
	f->b = r->record_b;
	f->got = true;
	return BB_OK;
}

/* PAIR: a review pair's number, or two record ids "A:B". */
static int
parse_pair(struct bb_ctx *ctx, const char *s, struct found *f)
{
	const char *colon = strchr(s, ':');
	int64_t n;
	int rc;

	memset(f, 0, sizeof(*f));
	if (colon) {
		char left[32];
		size_t l = (size_t)(colon - s);
		if (l == 0 || l >= sizeof(left))
			goto bad;
		memcpy(left, s, l);
		left[l] = '\0';
		if (bb_parse_i64(left, &f->a) != BB_OK || f->a < 1 ||
		    bb_parse_i64(colon + 1, &f->b) != BB_OK || f->b < 1 || f->a == f->b)
			goto bad;
		rc = bb_store_review_get(ctx->store, 0, f->a, f->b, found_cb, f);
		if (rc != BB_OK && rc != BB_ERR_NOTFOUND)
			return bb_ctx_fail(ctx, rc, "cannot read the review queue: %s",
			    bb_store_errmsg(ctx->store));
		return BB_OK;
	}
	if (bb_parse_i64(s, &n) != BB_OK || n < 1)
		goto bad;
	rc = bb_store_review_get(ctx->store, n, 0, 0, found_cb, f);
	if (rc == BB_ERR_NOTFOUND)
		return bb_ctx_fail(ctx, rc, "there is no pair %lld in the review queue "
		    "('backbone review list')", (long long)n);
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot read the review queue: %s",
		    bb_store_errmsg(ctx->store));
	return BB_OK;
bad:
	return bb_ctx_fail(ctx, BB_ERR_USAGE, "'%s' is not a pair: give its number "
	    "from 'backbone review list', or two record ids as A:B", s);
}

static json_t *
changes_json(const struct bb_link_change *c, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:I, s:[I, I], s:s}",
		    "survivor", (json_int_t)c[i].survivor, "other",
		    (json_int_t)c[i].other, "records", (json_int_t)c[i].record_a,
		    (json_int_t)c[i].record_b, "method", c[i].method));
	return a;
}

static void
print_changes(FILE *o, const struct bb_link_receipt *l)
{
	for (size_t i = 0; i < l->nmerges; i++)
		fprintf(o, "  merged     participant %lld into %lld (records %lld and "
		    "%lld, %s)\n", (long long)l->merges[i].other,
		    (long long)l->merges[i].survivor, (long long)l->merges[i].record_a,
		    (long long)l->merges[i].record_b, l->merges[i].method);
	for (size_t i = 0; i < l->nsplits; i++)
		fprintf(o, "  split      participant %lld: participant %lld created\n",
		    (long long)l->splits[i].survivor, (long long)l->splits[i].other);
	if (l->moved)
		fprintf(o, "  moved      %llu record%s\n", (unsigned long long)l->moved,
		    l->moved == 1 ? "" : "s");
	if (l->dice_links)
		fprintf(o, "  dice       %llu link%s of encoded records\n",
		    (unsigned long long)l->dice_links, l->dice_links == 1 ? "" : "s");
	if (l->reviews)
		fprintf(o, "  review     %llu pair%s queued\n",
		    (unsigned long long)l->reviews, l->reviews == 1 ? "" : "s");
	if (l->note)
		fprintf(o, "  note       %s\n", l->note);
}

static int
decide(struct bb_ctx *ctx, bool same)
{
	struct bb_link_receipt rec;
	struct bb_diag d;
	struct found f;
	const char *by = bb_ctx_opt(ctx, "by");
	int rc;

	if ((rc = parse_pair(ctx, ctx->argv[0], &f)) != BB_OK)
		return rc;
	bb_link_receipt_init(&rec);
	memset(&d, 0, sizeof(d));
	/* The decision and the queued pair's closing are kept together. */
	if ((rc = bb_store_begin(ctx->store)) != BB_OK) {
		bb_link_receipt_clear(&rec);
		return bb_ctx_fail(ctx, rc, "cannot begin: %s",
		    bb_store_errmsg(ctx->store));
	}
	rc = bb_link_decide(ctx->store, f.a, f.b, same, by ? by : "cli",
	    bb_ctx_opt(ctx, "note"), &rec, &d);
	if (rc == BB_OK && f.got &&
	    (rc = bb_store_review_close(ctx->store, f.id, same, rec.decision_id)) != BB_OK)
		rc = bb_ctx_fail(ctx, rc, "the review queue could not be updated, so "
		    "nothing was decided: %s", bb_store_errmsg(ctx->store));
	else if (rc != BB_OK)
		rc = link_fail(ctx, rc, &d);
	if (rc == BB_OK && (rc = bb_store_commit(ctx->store)) != BB_OK)
		rc = bb_ctx_fail(ctx, rc, "cannot keep the decision: %s",
		    bb_store_errmsg(ctx->store));
	if (rc != BB_OK)
		bb_store_rollback(ctx->store);
	size_t figures = 0;
	if (rc == BB_OK)
		rc = recompute_values(ctx, &rec, &figures);
	if (rc == BB_OK && ctx->json) {
		json_t *j = json_pack("{s:I, s:[I, I], s:b, s:b, s:o, s:o}",
		    "decision", (json_int_t)rec.decision_id, "records", (json_int_t)f.a,
		    (json_int_t)f.b, "same", same, "changed", !rec.already,
		    "merges", changes_json(rec.merges, rec.nmerges),
		    "splits", changes_json(rec.splits, rec.nsplits));
		if (f.got)
			json_object_set_new(j, "pair", json_integer(f.id));
		if (rec.moved)
			json_object_set_new(j, "values_recomputed", json_integer((json_int_t)figures));
		bb_ctx_emit_json(ctx, j);
	} else if (rc == BB_OK) {
		if (f.got)
			fprintf(ctx->out, "pair %lld %s: ", (long long)f.id,
			    same ? "accepted" : "rejected");
		fprintf(ctx->out, "records %lld and %lld are %s (decision %lld)%s\n",
		    (long long)f.a, (long long)f.b, same ? "one person" : "two people",
		    (long long)rec.decision_id, rec.already ? same ?
		    "; they were already one participant" :
		    "; they were already apart" : "");
		print_changes(ctx->out, &rec);
		if (rec.moved)
			fprintf(ctx->out, "  values     all indicator values recomputed "
			    "(%zu figures)\n", figures);
	}
	bb_link_receipt_clear(&rec);
	return rc;
}

static int
run_review_accept(struct bb_ctx *ctx)
{
	return decide(ctx, true);
}

static int
run_review_reject(struct bb_ctx *ctx)
{
	return decide(ctx, false);
}

/* Text kept with a decision and shown again (JSON too): UTF-8 without
 * control characters, at most `max` bytes. */
static int
valid_text(const char *v, size_t max, const char *too_long, const char **why)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)v;
	size_t n = strlen(v);

	if (n > max) {
		*why = too_long;
		return BB_ERR_USAGE;
	}
	while (n > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t l = utf8proc_iterate(p, (utf8proc_ssize_t)n, &c);
		if (l <= 0 || c < 0x20 || c == 0x7f) {
			*why = "must be UTF-8 text without control characters";
			return BB_ERR_USAGE;
		}
		p += l;
		n -= (size_t)l;
	}
	return BB_OK;
}

static int
valid_by(const char *v, const char **why)
{
	return valid_text(v, 63, "must be at most 63 bytes", why);
}

static int
valid_note(const char *v, const char **why)
{
	return valid_text(v, 1000, "must be at most 1000 bytes", why);
}

static const struct bb_opt_spec decide_opts[] = {
	{ "by", BB_OPT_VALUE, "NAME", "who decided (default: cli)", valid_by },
	{ "note", BB_OPT_VALUE, "TEXT", "why, kept with the decision", valid_note },
	{ NULL, 0, NULL, NULL, NULL },
};

const struct bb_command bb_cmd_review_accept = {
	.name = "review accept",
	.args = "PAIR",
	.summary = "decide that a pair of records is one person",
	.help = "PAIR is a pair's number from 'backbone review list', or two record\n"
	    "ids as A:B. Their participants become one (the lower id survives;\n"
	    "the merge is recorded with the decision as evidence), and every\n"
	    "later run of linkage keeps them together. Refused (exit 1) when a\n"
	    "record of one was decided not the same as a record of the other.",
	.opts = decide_opts,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_review_accept,
};

const struct bb_command bb_cmd_review_reject = {
	.name = "review reject",
	.args = "PAIR",
	.summary = "decide that a pair of records is two people",
	.help = "PAIR is a pair's number from 'backbone review list', or two record\n"
	    "ids as A:B (an unlink). When the two records are in one participant\n"
	    "it is split: the part holding its earliest record keeps the id, the\n"
	    "other gets a new one. The decision is kept in the history, and no\n"
	    "later run links the two again, whatever arrives.",
	.opts = decide_opts,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_review_reject,
};

/* --- link explain ------------------------------------------------------------ */

struct rinfo {
	char partner[72], dataset[72];
	bool got;
};

static int
rinfo_cb(const struct bb_record *r, void *arg)
{
	struct rinfo *ri = arg;
	bb_strlcpy(ri->partner, r->partner_id, sizeof(ri->partner));
	bb_strlcpy(ri->dataset, r->dataset_id, sizeof(ri->dataset));
	ri->got = true;
	return BB_OK;
}

struct decided {
	int64_t a, b;
	const char *what;
	char by[64];
	int64_t id;
};

static int
decided_cb(const struct bb_link_decision_row *d, void *arg)
{
	struct decided *x = arg;
	if (d->record_a == x->a && d->record_b == x->b) {
		x->what = d->same ? "same" : "not-same";
		x->id = d->id;
		bb_strlcpy(x->by, d->decided_by, sizeof(x->by));
	}
	return BB_OK;
}

static int
run_link_explain(struct bb_ctx *ctx)
{
	struct bb_link_pair_explain ex;
	struct rinfo ra, rb;
	struct decided dec;
	struct bb_diag d;
	int64_t a, b;
	int rc;

	if (bb_parse_i64(ctx->argv[0], &a) != BB_OK || a < 1 ||
	    bb_parse_i64(ctx->argv[1], &b) != BB_OK || b < 1)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "REC_A and REC_B are record ids");
	if (a == b)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "give two different records");
	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
	if (bb_store_record_get(ctx->store, a, rinfo_cb, &ra) != BB_OK || !ra.got)
		return bb_ctx_fail(ctx, BB_ERR_NOTFOUND, "there is no record %lld",
		    (long long)a);
	if (bb_store_record_get(ctx->store, b, rinfo_cb, &rb) != BB_OK || !rb.got)
		return bb_ctx_fail(ctx, BB_ERR_NOTFOUND, "there is no record %lld",
		    (long long)b);
	memset(&d, 0, sizeof(d));
	if ((rc = bb_link_explain_records(ctx->store, a, b, &ex, &d)) != BB_OK)
		return link_fail(ctx, rc, &d);
	memset(&dec, 0, sizeof(dec));
	dec.a = a < b ? a : b;
	dec.b = a < b ? b : a;
	if ((rc = bb_store_link_decision_each(ctx->store, 0, decided_cb, &dec)) != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot read decisions: %s",
		    bb_store_errmsg(ctx->store));
	if (ctx->json) {
		json_t *j = json_object(), *fields = json_array();
		json_object_set_new(j, "records", json_pack("[{s:I, s:s, s:s, s:I, s:b, s:b}, "
		    "{s:I, s:s, s:s, s:I, s:b, s:b}]",
		    "record", (json_int_t)a, "partner", ra.partner, "dataset", ra.dataset,
		    "participant", (json_int_t)ex.participant_a, "active", ex.active_a,
		    "encoded", ex.encoded_a,
		    "record", (json_int_t)b, "partner", rb.partner, "dataset", rb.dataset,
		    "participant", (json_int_t)ex.participant_b, "active", ex.active_b,
		    "encoded", ex.encoded_b));
		if (ex.has_weight) {
			for (size_t i = 0; i < ex.fs.nfields; i++) {
				const struct bb_link_field_explain *fe = &ex.fs.fields[i];
				json_t *f = json_pack("{s:s, s:s, s:f, s:b}", "field",
				    bb_link_role_name(fe->role), "level", fe->level, "weight",
				    round_to(fe->weight, 100), "frequency_adjusted",
				    fe->tf_adjusted);
				json_object_set_new(f, "a", fe->a[0] ? json_string(fe->a) :
				    json_null());
				json_object_set_new(f, "b", fe->b[0] ? json_string(fe->b) :
				    json_null());
				json_array_append_new(fields, f);
			}
			json_object_set_new(j, "fields", fields);
			json_object_set_new(j, "weight", json_real(round_to(ex.fs.weight, 100)));
			json_object_set_new(j, "prob", json_real(round_to(ex.fs.prob, 10000)));
			json_object_set_new(j, "verdict", json_string(ex.fs.verdict));
			json_object_set_new(j, "twins", json_boolean(ex.fs.twin));
			json_object_set_new(j, "local_id_rule",
			    json_boolean(ex.fs.local_id_rule));
		} else
			json_decref(fields);
		if (ex.has_dice) {
			json_object_set_new(j, "dice", json_real(round_to(ex.dice, 1000)));
			json_object_set_new(j, "dice_verdict", json_string(ex.dice_verdict));
		}
		json_object_set_new(j, "decision", dec.what ? json_string(dec.what) :
		    json_null());
		json_object_set_new(j, "same_participant",
		    json_boolean(ex.participant_a == ex.participant_b));
		bb_ctx_emit_json(ctx, j);
		return BB_OK;
	}
	FILE *o = ctx->out;
	fprintf(o, "record %lld: %s / %s, participant %lld%s%s\n", (long long)a,
	    ra.partner, ra.dataset, (long long)ex.participant_a,
	    ex.active_a ? "" : ", superseded", ex.encoded_a ? ", encoded" : "");
	fprintf(o, "record %lld: %s / %s, participant %lld%s%s\n", (long long)b,
	    rb.partner, rb.dataset, (long long)ex.participant_b,
	    ex.active_b ? "" : ", superseded", ex.encoded_b ? ", encoded" : "");
	if (ex.has_weight) {
		char w[32], p[32];
		fprintf(o, "%-12s  %-22s  %-22s  %-14s  %7s\n", "field", "a", "b",
		    "level", "weight");
		for (size_t i = 0; i < ex.fs.nfields; i++) {
			const struct bb_link_field_explain *fe = &ex.fs.fields[i];
			bb_format_double(w, sizeof(w), round_to(fe->weight, 100), 2);
			fprintf(o, "%-12s  %-22s  %-22s  %-14s  %7s%s\n",
			    bb_link_role_name(fe->role), fe->a[0] ? fe->a : "-",
			    fe->b[0] ? fe->b : "-", fe->level, w,
			    fe->tf_adjusted ? " (frequency)" : "");
		}
		bb_format_double(w, sizeof(w), round_to(ex.fs.weight, 100), 2);
		bb_format_double(p, sizeof(p), round_to(ex.fs.prob, 10000), 4);
		fprintf(o, "total weight %s, probability %s: %s%s\n", w, p,
		    ex.fs.verdict, ex.fs.twin ? " (twins: never linked)" :
		    ex.fs.local_id_rule ? " (the partner's own id agrees and "
		    "nothing contradicts it: raised to the match weight)" : "");
	} else
		fprintf(o, "no weights yet: the model is estimated once two records "
		    "are linked\n");
	if (ex.has_dice) {
		char dd[32];
		bb_format_double(dd, sizeof(dd), round_to(ex.dice, 1000), 3);
		fprintf(o, "encodings: Dice %s: %s (match at %.2f, review at %.2f)\n",
		    dd, ex.dice_verdict, BB_ARRIVE_DICE_MATCH, BB_ARRIVE_DICE_REVIEW);
	} else if (ex.encoded_a || ex.encoded_b)
		fprintf(o, "encodings: not comparable (no linkage secret is set)\n");
	if (dec.what)
		fprintf(o, "decision %lld: %s (by %s)\n", (long long)dec.id,
		    strcmp(dec.what, "same") == 0 ? "the same person" : "two people",
		    dec.by);
	else
		fprintf(o, "decision: none\n");
	fprintf(o, "now: %s\n", ex.participant_a == ex.participant_b ?
	    "one participant" : "two participants");
	return BB_OK;
}

const struct bb_command bb_cmd_link_explain = {
	.name = "link explain",
	.args = "REC_A REC_B",
	.summary = "why two records are (or are not) one person",
	.help = "Compares records REC_A and REC_B (record ids, as 'backbone\n"
	    "participant show' lists them) as linkage does: each identity field's\n"
	    "normalised values, comparison level and weight (bits; '(frequency)'\n"
	    "when the weight comes from how common the value is), the total, its\n"
	    "probability and verdict (match, review, non-match); for an encoded\n"
	    "record, the Dice similarity of the encodings; and any decision a\n"
	    "person made on the pair.",
	.opts = NULL,
	.min_args = 2, .max_args = 2,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_link_explain,
};

/* --- link retrain ------------------------------------------------------------- */

static int
run_link_retrain(struct bb_ctx *ctx)
{
	struct bb_link_receipt rec;
	struct bb_diag d;
	int rc;

	bb_link_receipt_init(&rec);
	memset(&d, 0, sizeof(d));
	if ((rc = bb_link_retrain(ctx->store, &rec, &d)) != BB_OK) {
		bb_link_receipt_clear(&rec);
		return link_fail(ctx, rc, &d);
	}
	if (ctx->json)
		bb_ctx_emit_json(ctx, json_pack("{s:I}", "records",
		    (json_int_t)rec.trained_records));
	else
		fprintf(ctx->out, "model estimated from %llu records; participants are "
		    "unchanged, later submissions link with the new model\n",
		    (unsigned long long)rec.trained_records);
	bb_link_receipt_clear(&rec);
	return BB_OK;
}

const struct bb_command bb_cmd_link_retrain = {
	.name = "link retrain",
	.args = "",
	.summary = "estimate the linkage model again from every linked record",
	.help = "Estimates the model's m and u probabilities again from every active\n"
	    "linked record and keeps it; later submissions link with it. Existing\n"
	    "participants and every decision stay as they are. (The model is\n"
	    "estimated on its own when linkage first holds two records, and again\n"
	    "while the store doubles, up to 10,000 records: docs/linkage.md.)",
	.opts = NULL,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_link_retrain,
};

/* --- link secret set ---------------------------------------------------------- */

static int
run_link_secret_set(struct bb_ctx *ctx)
{
	const char *path = bb_ctx_opt(ctx, "secret-file");
	struct bb_link_receipt rec;
	struct bb_clk_key key;
	struct bb_diag d;
	int rc;

	if (path == NULL)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--secret-file KEY is required");
	if ((rc = bb_clk_key_from_file(path, &key, &ctx->diag)) != BB_OK)
		return rc;
	bb_link_receipt_init(&rec);
	memset(&d, 0, sizeof(d));
	rc = bb_link_secret_set(ctx->store, &key, &rec, &d);
	memset(&key, 0, sizeof(key));
	if (rc != BB_OK) {
		bb_link_receipt_clear(&rec);
		return link_fail(ctx, rc, &d);
	}
	size_t figures = 0;
	if ((rc = recompute_values(ctx, &rec, &figures)) != BB_OK) {
		bb_link_receipt_clear(&rec);
		return rc;
	}
	if (ctx->json)
		bb_ctx_emit_json(ctx, json_pack("{s:I, s:I, s:o}", "dice_links",
		    (json_int_t)rec.dice_links, "reviews", (json_int_t)rec.reviews,
		    "merges", changes_json(rec.merges, rec.nmerges)));
	else {
		fprintf(ctx->out, "linkage secret set; encoded records compared with "
		    "plain ones: %llu link%s\n", (unsigned long long)rec.dice_links,
		    rec.dice_links == 1 ? "" : "s");
		print_changes(ctx->out, &rec);
		if (rec.moved)
			fprintf(ctx->out, "  values     all indicator values recomputed "
			    "(%zu figures)\n", figures);
	}
	bb_link_receipt_clear(&rec);
	return BB_OK;
}

static const struct bb_opt_spec secret_opts[] = {
	{ "secret-file", BB_OPT_VALUE, "KEY", "the file holding the secret the partners encode with (at least 16 bytes)", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

const struct bb_command bb_cmd_link_secret_set = {
	.name = "link secret set",
	.args = "",
	.summary = "keep the secret encoded partners use, to link them to plain records",
	.help = "Reads the secret the partners gave 'backbone encode' and keeps the\n"
	    "key derived from it in the database (never the secret; never\n"
	    "printed), so plain records can be encoded on the backbone's side and\n"
	    "compared with encoded ones by Dice. Encoded records already stored are\n"
	    "compared at once. Setting another secret forgets encodings made with\n"
	    "the old one.",
	.opts = secret_opts,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_link_secret_set,
};
