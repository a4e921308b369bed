/*
 * cmd_participant.c: `backbone participants` (each person once, across
 * partners) and `backbone participant show` (one participant's records
 * with their sources, identity values as linkage compares them, its merge
 * and split history, decisions and pairs under review).
 *
 * Only this backbone's own CLI shows identity values; nothing here leaves
 * the backbone.
 */
#include "cli/cli.h"
#include "cli/cli_framework.h"
#include "framework/framework.h"
#include "link/arrive.h"
#include "store/linkage.h"
#include "store/store.h"
#include "util/bb.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
valid_format(const char *v, const char **why)
{
	if (strcmp(v, "text") == 0 || strcmp(v, "csv") == 0 ||
	    strcmp(v, "json") == 0)
		return BB_OK;
	*why = "must be text, csv or json";
	return BB_ERR_USAGE;
}

/* --- participants ---------------------------------------------------------- */

#define MAX_SET 64	/* partners or datasets listed per participant */

/* One participant being gathered from its records. */
struct agg {
	int64_t id;
	int64_t records;
	char *partners[MAX_SET], *datasets[MAX_SET];
	size_t np, nd;
	char first[16], last[16];
};

struct list {
	struct bb_ctx *ctx;
	const char *format;
	struct agg cur;
	json_t *arr;
	int64_t people, records;
};

static void
set_add(char **set, size_t *n, const char *s)
{
	size_t i;
	for (i = 0; i < *n; i++) {
		int c = strcmp(set[i], s);
		if (c == 0)
			return;
		if (c > 0)
			break;
	}
	if (*n == MAX_SET)
		return;
	memmove(set + i + 1, set + i, (*n - i) * sizeof(*set));
	set[i] = bb_strdup(s);
	(*n)++;
}

static void
join(FILE *f, char *const *set, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? sep : "", set[i]);
}

static json_t *
set_json(char *const *set, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(set[i]));
	return a;
}

static void
free_set(char **set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(set[i]);
}

#define CSV_HEADER "participant_id,records,partners,datasets,first_seen,last_seen\n"

static void
flush(struct list *L)
{
	struct agg *a = &L->cur;
	FILE *o = L->ctx->out;

	if (a->id == 0)
		return;
	L->people++;
	L->records += a->records;
	if (strcmp(L->format, "json") == 0) {
		json_t *j = json_pack("{s:I, s:I, s:o, s:o}", "participant",
		    (json_int_t)a->id, "records", (json_int_t)a->records, "partners",
		    set_json(a->partners, a->np), "datasets",
		    set_json(a->datasets, a->nd));
		json_object_set_new(j, "first_seen", a->first[0] ?
		    json_string(a->first) : json_null());
		json_object_set_new(j, "last_seen", a->last[0] ?
		    json_string(a->last) : json_null());
		json_array_append_new(L->arr, j);
	} else if (strcmp(L->format, "csv") == 0) {
		if (L->people == 1)
			fputs(CSV_HEADER, o);
		fprintf(o, "%lld,%lld,", (long long)a->id, (long long)a->records);
		join(o, a->partners, a->np, ";");
		fputc(',', o);
		join(o, a->datasets, a->nd, ";");
		fprintf(o, ",%s,%s\n", a->first, a->last);
	} else {
		if (L->people == 1)
			fprintf(o, "%11s  %7s  %-10s  %-10s  %s\n", "participant",
			    "records", "first seen", "last seen", "partners (datasets)");
		fprintf(o, "%11lld  %7lld  %-10s  %-10s  ", (long long)a->id,
		    (long long)a->records, a->first[0] ? a->first : "-",
		    a->last[0] ? a->last : "-");
		join(o, a->partners, a->np, ", ");
		fputs(" (", o);
		join(o, a->datasets, a->nd, ", ");
		fputs(")\n", o);
	}
	free_set(a->partners, a->np);
	free_set(a->datasets, a->nd);
	memset(a, 0, sizeof(*a));
}

static int
member_cb(const struct bb_participant_member *m, void *arg)
{
	struct list *L = arg;
	struct agg *a = &L->cur;

	if (m->participant_id != a->id) {
		flush(L);
		a->id = m->participant_id;
	}
	a->records++;
	set_add(a->partners, &a->np, m->partner_id);
	set_add(a->datasets, &a->nd, m->dataset_id);
	if (m->seen && strlen(m->seen) < sizeof(a->first)) {
		if (a->first[0] == '\0' || strcmp(m->seen, a->first) < 0)
			bb_strlcpy(a->first, m->seen, sizeof(a->first));
		if (strcmp(m->seen, a->last) > 0)
			bb_strlcpy(a->last, m->seen, sizeof(a->last));
	}
	return BB_OK;
}

static int
run_participants(struct bb_ctx *ctx)
{
	struct list L;
	const char *fmt = bb_ctx_opt(ctx, "format");
	int rc;

	if (ctx->json && fmt && strcmp(fmt, "json") != 0)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--json and --format %s ask for "
		    "two formats: give one", fmt);
	memset(&L, 0, sizeof(L));
	L.ctx = ctx;
	L.format = ctx->json ? "json" : fmt ? fmt : "text";
	L.arr = json_array();
	rc = bb_store_participant_members_each(ctx->store, bb_ctx_opt(ctx, "partner"),
	    member_cb, &L);
	if (rc == BB_OK)
		flush(&L);
	free_set(L.cur.partners, L.cur.np);
	free_set(L.cur.datasets, L.cur.nd);
	if (rc != BB_OK) {
		json_decref(L.arr);
		return bb_ctx_fail(ctx, rc, "cannot list participants: %s",
		    bb_store_errmsg(ctx->store));
	}
	/* Nobody for a partner the framework does not know: a typo, not an
	 * empty list (a partner dropped from the framework still lists the
	 * people its records hold). */
	if (L.people == 0 && bb_ctx_opt(ctx, "partner") != NULL) {
		struct bb_framework *fw = NULL;
		if ((rc = bb_cli_framework(ctx, 0, &fw, NULL)) == BB_OK &&
		    bb_fw_partner(fw, bb_ctx_opt(ctx, "partner")) == NULL)
			rc = bb_ctx_fail(ctx, BB_ERR_NOTFOUND, "there is no partner '%s'",
			    bb_ctx_opt(ctx, "partner"));
		bb_framework_free(fw);
		if (rc != BB_OK) {
			json_decref(L.arr);
			return rc;
		}
	}
	if (strcmp(L.format, "csv") == 0 && L.people == 0)
		fputs(CSV_HEADER, ctx->out);
	if (strcmp(L.format, "json") == 0)
		bb_ctx_emit_json(ctx, L.arr);
	else {
		json_decref(L.arr);
		if (strcmp(L.format, "text") == 0)
			fprintf(ctx->out, "%lld participant%s, %lld record%s\n",
			    (long long)L.people, L.people == 1 ? "" : "s",
			    (long long)L.records, L.records == 1 ? "" : "s");
	}
	return BB_OK;
}

static const struct bb_opt_spec participants_opts[] = {
	{ "format", BB_OPT_VALUE, "FMT", "text (default), csv or json", valid_format },
	{ "partner", BB_OPT_VALUE, "ID", "only participants with an active record from this partner", bb_valid_id },
	{ NULL, 0, NULL, NULL, NULL },
};

const struct bb_command bb_cmd_participants = {
	.name = "participants",
	.args = "",
	.summary = "list each person once, across partners",
	.help = "Lists every participant holding at least one active record, in id\n"
	    "order: its number of active records, the partners and datasets they\n"
	    "come from, and the first and last date seen (the datasets' period\n"
	    "fields). A person known to three partners is one line. Participants\n"
	    "merged into another, and those whose records were all superseded,\n"
	    "are not listed. --format csv prints the header\n"
	    "participant_id,records,partners,datasets,first_seen,last_seen\n"
	    "(partners and datasets separated by ';').",
	.opts = participants_opts,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_participants,
};

/* --- participant show -------------------------------------------------------- */

struct show {
	struct bb_ctx *ctx;
	json_t *arr;
	size_t n;
	int64_t active;
};

static json_t *
identity_json(const struct bb_link_identity *li)
{
	json_t *o = json_object();
	char norm[BB_NORM_MAX];
	for (int r = 1; r < BB_ID__COUNT; r++) {
		enum bb_identity_role role = (enum bb_identity_role)r;
		if (li->value[r] == NULL)
			continue;
		if (role == BB_ID_LOCAL_ID)
			json_object_set_new(o, bb_link_role_name(role),
			    json_string(li->value[r]));
		else if (bb_link_normalize_role(role, li->value[r], norm))
			json_object_set_new(o, bb_link_role_name(role), json_string(norm));
	}
	return o;
}

static void
identity_text(FILE *f, const struct bb_link_identity *li)
{
	char norm[BB_NORM_MAX];
	bool any = false;
	if (li->encoded) {
		fputs("(encoded)", f);
		any = true;
	}
	for (int r = 1; r < BB_ID__COUNT; r++) {
		enum bb_identity_role role = (enum bb_identity_role)r;
		const char *v = li->value[r];
		if (v == NULL)
			continue;
		if (role != BB_ID_LOCAL_ID) {
			if (!bb_link_normalize_role(role, v, norm))
				continue;
			v = norm;
		}
		fprintf(f, "%s%s=%s", any ? " " : "", bb_link_role_name(role), v);
		any = true;
	}
	if (!any)
		fputs("-", f);
}

static int
record_cb(const struct bb_participant_record *r, void *arg)
{
	struct show *S = arg;
	FILE *o = S->ctx->out;

	if (r->active)
		S->active++;
	if (S->ctx->json) {
		json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:b}",
		    "record", (json_int_t)r->record_id, "partner", r->partner_id,
		    "dataset", r->dataset_id, "period", r->period, "submission",
		    (json_int_t)r->submission_id, "file", r->file_name, "row",
		    (json_int_t)r->source_row, "active", r->active);
		if (r->identity) {
			json_object_set_new(j, "encoded", json_boolean(r->identity->encoded));
			json_object_set_new(j, "identity", identity_json(r->identity));
			if (r->identity->seen)
				json_object_set_new(j, "seen", json_string(r->identity->seen));
		}
		json_array_append_new(S->arr, j);
		return BB_OK;
	}
	if (S->n++ == 0)
		fprintf(o, "records:\n");
	fprintf(o, "  record %lld: %s / %s / %s, submission %lld (%s) row %lld%s\n",
	    (long long)r->record_id, r->partner_id, r->dataset_id, r->period,
	    (long long)r->submission_id, r->file_name, (long long)r->source_row,
	    r->active ? "" : ", superseded");
	if (r->identity) {
		fputs("    ", o);
		identity_text(o, r->identity);
		fputc('\n', o);
	}
	return BB_OK;
}

static void
fmt_score(char *buf, size_t n, double w, bool dice)
{
	if (isnan(w))
		bb_strlcpy(buf, "-", n);
	else
		bb_format_double(buf, n, w, dice ? 3 : 2);
}

static int
event_cb(const struct bb_link_event_row *e, void *arg)
{
	struct show *S = arg;
	bool dice = e->evidence && strstr(e->evidence, "\"method\":\"dice\"");
	bool decision = e->evidence && strstr(e->evidence, "\"method\":\"decision\"");
	char sc[32];

	fmt_score(sc, sizeof(sc), e->weight, dice);
	if (S->ctx->json) {
		json_error_t err;
		json_t *ev = json_loads(e->evidence ? e->evidence : "{}", 0, &err);
		json_t *j = json_pack("{s:I, s:s, s:I, s:I, s:s}", "event",
		    (json_int_t)e->id, "kind", e->kind, "survivor",
		    (json_int_t)e->survivor, "other", (json_int_t)e->other, "at", e->at);
		if (e->record_a)
			json_object_set_new(j, "records", json_pack("[I, I]",
			    (json_int_t)e->record_a, (json_int_t)e->record_b));
		if (e->submission_id)
			json_object_set_new(j, "submission", json_integer(e->submission_id));
		if (e->decision_id)
			json_object_set_new(j, "decision", json_integer(e->decision_id));
		json_object_set_new(j, "evidence", ev ? ev : json_null());
		json_array_append_new(S->arr, j);
		return BB_OK;
	}
	if (S->n++ == 0)
		fprintf(S->ctx->out, "history:\n");
	if (strcmp(e->kind, "merged") == 0)
		fprintf(S->ctx->out, "  %s  participant %lld merged into %lld: records "
		    "%lld and %lld", e->at, (long long)e->other, (long long)e->survivor,
		    (long long)e->record_a, (long long)e->record_b);
	else
		fprintf(S->ctx->out, "  %s  participant %lld split: %lld created "
		    "(records %lld and %lld are two people)", e->at,
		    (long long)e->survivor, (long long)e->other,
		    (long long)e->record_a, (long long)e->record_b);
	if (decision)
		fprintf(S->ctx->out, " by decision %lld\n", (long long)e->decision_id);
	else if (strcmp(e->kind, "merged") == 0)
		fprintf(S->ctx->out, " (%s %s)\n", dice ? "Dice" : "weight", sc);
	else
		fputc('\n', S->ctx->out);
	return BB_OK;
}

static int
decision_cb(const struct bb_link_decision_row *d, void *arg)
{
	struct show *S = arg;
	if (S->ctx->json) {
		json_t *j = json_pack("{s:I, s:[I, I], s:b, s:s, s:s}", "decision",
		    (json_int_t)d->id, "records", (json_int_t)d->record_a,
		    (json_int_t)d->record_b, "same", d->same, "by", d->decided_by,
		    "at", d->at);
		if (d->note)
			json_object_set_new(j, "note", json_string(d->note));
		json_array_append_new(S->arr, j);
		return BB_OK;
	}
	if (S->n++ == 0)
		fprintf(S->ctx->out, "decisions:\n");
	fprintf(S->ctx->out, "  %lld  %s  records %lld and %lld: %s (by %s)%s%s\n",
	    (long long)d->id, d->at, (long long)d->record_a, (long long)d->record_b,
	    d->same ? "the same person" : "two people", d->decided_by,
	    d->note ? ": " : "", d->note ? d->note : "");
	return BB_OK;
}

static int
review_cb(const struct bb_review_row *r, void *arg)
{
	struct show *S = arg;
	char sc[32];
	bool dice = strcmp(r->method, "dice") == 0;
	fmt_score(sc, sizeof(sc), r->score, dice);
	if (S->ctx->json) {
		json_array_append_new(S->arr, json_pack("{s:I, s:[I, I], s:s, s:s}",
		    "pair", (json_int_t)r->id, "records", (json_int_t)r->record_a,
		    (json_int_t)r->record_b, "status", r->status, "method", r->method));
		return BB_OK;
	}
	if (S->n++ == 0)
		fprintf(S->ctx->out, "pairs for review:\n");
	fprintf(S->ctx->out, "  pair %lld: records %lld and %lld, %s %s, %s\n",
	    (long long)r->id, (long long)r->record_a, (long long)r->record_b,
	    dice ? "Dice" : "weight", sc, r->status);
	return BB_OK;
}

static int
parse_pos_id(struct bb_ctx *ctx, const char *s, const char *what, int64_t *id)
{
	if (bb_parse_i64(s, id) != BB_OK || *id < 1)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "'%s' is not a %s id", s, what);
	return BB_OK;
}

static int
run_participant_show(struct bb_ctx *ctx)
{
	struct bb_participant_row p;
	struct show S;
	json_t *j = NULL;
	int64_t id;
	int rc;

	if ((rc = parse_pos_id(ctx, ctx->argv[0], "participant", &id)) != BB_OK)
		return rc;
	rc = bb_store_participant_get(ctx->store, id, &p);
	if (rc == BB_ERR_NOTFOUND)
		return bb_ctx_fail(ctx, rc, "there is no participant %lld", (long long)id);
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot read participant: %s",
		    bb_store_errmsg(ctx->store));
	memset(&S, 0, sizeof(S));
	S.ctx = ctx;
	if (ctx->json) {
		j = json_pack("{s:I}", "participant", (json_int_t)id);
		json_object_set_new(j, "merged_into", p.merged_into ?
		    json_integer(p.merged_into) : json_null());
		json_object_set_new(j, "created_by_submission", p.created_by_submission ?
		    json_integer(p.created_by_submission) : json_null());
	} else {
		fprintf(ctx->out, "participant %lld\n", (long long)id);
		if (p.merged_into)
			fprintf(ctx->out, "  merged into participant %lld: its records are "
			    "there ('backbone participant show %lld')\n",
			    (long long)p.merged_into, (long long)p.merged_into);
		if (p.created_by_submission)
			fprintf(ctx->out, "  created by submission %lld\n",
			    (long long)p.created_by_submission);
		else
			fprintf(ctx->out, "  created by a decision (a split)\n");
	}
	/* Its records, history, decisions and pairs for review. */
	for (int k = 0; k < 4 && rc == BB_OK; k++) {
		static const char *const keys[] = { "records", "history", "decisions",
		    "reviews" };
		S.n = 0;
		S.arr = json_array();
		if (k == 0)
			rc = bb_store_participant_records_each(ctx->store, id, record_cb, &S);
		else if (k == 1)
			rc = bb_store_link_event_each(ctx->store, id, event_cb, &S);
		else if (k == 2)
			rc = bb_store_link_decision_each(ctx->store, id, decision_cb, &S);
		else
			rc = bb_store_review_each(ctx->store, NULL, id, review_cb, &S);
		if (k == 0 && rc == BB_OK && !ctx->json && !p.merged_into)
			fprintf(ctx->out, "  %lld active record%s\n", (long long)S.active,
			    S.active == 1 ? "" : "s");
		if (ctx->json)
			json_object_set_new(j, keys[k], S.arr);
		else
			json_decref(S.arr);
	}
	if (rc != BB_OK) {
		json_decref(j);
		return bb_ctx_fail(ctx, rc, "cannot read participant: %s",
		    bb_store_errmsg(ctx->store));
	}
	if (ctx->json)
		bb_ctx_emit_json(ctx, j);
	return BB_OK;
}

const struct bb_command bb_cmd_participant_show = {
	.name = "participant show",
	.args = "ID",
	.summary = "one participant: its records with their sources, and its history",
	.help = "Shows participant ID: each of its records (partner, dataset, period,\n"
	    "submission, file and row; superseded ones marked) with the identity\n"
	    "values as linkage compares them (encoded records show only what they\n"
	    "send in clear), then its history (merges and splits with their\n"
	    "evidence), the decisions on its records and the pairs for review.\n"
	    "A participant merged into another says which.",
	.opts = NULL,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_participant_show,
};
