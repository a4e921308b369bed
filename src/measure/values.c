/*
 * values.c: indicator values from the store's cells: which periods are
 * computed, ratios and percents from their parts, the de-duplication
 * status of every figure, and the maintained values (recomputed whole, or
 * only the slices a new submission touches).
 */
#include "measure/values.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- periods ------------------------------------------------------------- */

struct plist {
	struct bb_period *p;
	size_t n, cap;
};

static void
plist_add(struct plist *l, const struct bb_period *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i].start == p->start && l->p[i].end == p->end)
			return;
	l->p = bb_grow(l->p, &l->cap, l->n + 1, sizeof(*l->p));
	l->p[l->n++] = *p;
}

/* Every period of the plan's cadence overlapping [start, end]. */
static void
plist_cover(struct plist *l, const struct bb_plan *plan, int32_t start, int32_t end)
{
	struct bb_period p;

	bb_period_containing(plan->cadence, start, &plan->ys, &p);
	for (int guard = 0; p.start <= end && guard < 1000; guard++) {
		plist_add(l, &p);
		bb_period_next(&p, &plan->ys, &p);
	}
}

struct cover_arg {
	struct plist *l;
	const struct bb_plan *plan;
};

static int
cover_cb(const char *label, void *arg)
{
	struct cover_arg *a = arg;
	struct bb_period p;
	const char *why;

	if (bb_period_parse(label, &a->plan->ys, &p, &why) == BB_OK)
		plist_cover(a->l, a->plan, p.start, p.end);
	return BB_OK;
}

/* The periods of the plan's cadence that overlap a period of a current
 * submission of one of its datasets. */
static int
submission_periods(struct bb_store *s, const struct bb_plan *plan, int64_t as_of,
    struct plist *l)
{
	struct cover_arg a = { l, plan };
	int rc;

	for (size_t q = 0; q < plan->nparts; q++)
		for (size_t k = 0; k < plan->part[q].nsources; k++)
			if ((rc = bb_store_submission_periods(s,
			    plan->part[q].sources[k].dataset, as_of, cover_cb, &a)) != BB_OK)
				return rc;
	return BB_OK;
}

/* --- figures from cells ----------------------------------------------------- */

static bool
is_count(enum bb_agg a)
{
	return a == BB_AGG_COUNT_RECORDS || a == BB_AGG_COUNT_PEOPLE ||
	    a == BB_AGG_COUNT_DISTINCT;
}

/* What the partner figure says about de-duplication. */
static void
partner_dedup(const struct bb_plan *p, const struct bb_cell *c[2], struct bb_value *v)
{
	int64_t unlinked = 0, aggregated = 0, people = 0;
	bool people_count = false;

	for (size_t i = 0; i < p->nparts; i++) {
		if (p->part[i].agg == BB_AGG_COUNT_PEOPLE)
			people_count = true;
		if (c[i] == NULL)
			continue;
		unlinked = unlinked > c[i]->unlinked ? unlinked : c[i]->unlinked;
		aggregated = aggregated > c[i]->aggregated ? aggregated : c[i]->aggregated;
		people = people > c[i]->n - c[i]->aggregated ? people : c[i]->n - c[i]->aggregated;
	}
	if (!people_count) {
		v->dedup = BB_DEDUP_NA;
		v->dedup_note = bb_strdup(p->part[0].agg == BB_AGG_COUNT_RECORDS ?
		    "counts records, not people" : "");
		return;
	}
	if (aggregated > 0 && people == 0) {
		v->dedup = BB_DEDUP_NONE;
		v->dedup_note = bb_strdup("aggregate counts only");
	} else if (aggregated > 0) {
		v->dedup = BB_DEDUP_PARTIAL;
		v->dedup_note = bb_strdup("includes aggregate counts");
	} else if (unlinked > 0) {
		v->dedup = unlinked >= people ? BB_DEDUP_NONE : BB_DEDUP_PARTIAL;
		v->dedup_note = bb_asprintf("%lld record%s not linked to a participant",
		    (long long)unlinked, unlinked == 1 ? "" : "s");
	} else {
		v->dedup = BB_DEDUP_FULL;
		v->dedup_note = bb_strdup("each person counted once");
	}
}

static struct bb_value *
make_value(struct bb_values *out, const struct bb_plan *p, size_t plan_index,
    const struct bb_period *per, const struct bb_cell *c[2], int64_t as_of)
{
	const struct bb_cell *any = c[0] ? c[0] : c[1];
	struct bb_value *v = bb_values_add(out);

	v->plan = plan_index;
	v->group = any->group;
	v->indicator = bb_strdup(p->indicator);
	v->period = bb_strdup(per->label);
	v->start = per->start;
	v->end = per->end;
	v->partner = any->partner ? bb_strdup(any->partner) : NULL;
	v->dkey = bb_strdup(any->group ? p->groups[any->group - 1].name : "");
	v->dvalue = bb_strdup(any->label);
	v->rank = SIZE_MAX;
	if (any->group) {
		const struct bb_plan_group *g = &p->groups[any->group - 1];
		for (size_t k = 0; k < g->norder; k++)
			if (strcmp(g->order[k], any->label) == 0)
				v->rank = k;
	}
	v->as_of = as_of;
	for (size_t i = 0; i < p->nparts; i++)
		if (c[i])
			v->records += c[i]->records;
	if (p->form == BB_FORM_VALUE) {
		v->has_value = c[0] && c[0]->has_value;
		v->value = c[0] ? c[0]->value : 0;
		v->n_num = c[0] ? c[0]->n : 0;
		if (is_count(p->part[0].agg)) {
			v->has_value = true;
			v->has_num = true;
			v->num = v->value;
		}
	} else {
		v->has_num = c[0] ? c[0]->has_value : is_count(p->part[0].agg);
		v->num = c[0] ? c[0]->value : 0;
		v->n_num = c[0] ? c[0]->n : 0;
		v->has_den = c[1] ? c[1]->has_value : is_count(p->part[1].agg);
		v->den = c[1] ? c[1]->value : 0;
		v->n_den = c[1] ? c[1]->n : 0;
		v->has_value = v->has_num && v->has_den && v->den != 0;
		if (v->has_value)
			v->value = v->num / v->den * (p->form == BB_FORM_PERCENT ? 100 : 1);
	}
	partner_dedup(p, c, v);
	return v;
}

static int
cmp_value(const void *a, const void *b)
{
	const struct bb_value *x = a, *y = b;
	int c;

	if (x->plan != y->plan)
		return x->plan < y->plan ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if ((c = strcmp(x->period, y->period)) != 0)
		return c;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if ((c = bb_label_cmp(x->dvalue, y->dvalue)) != 0)
		return c;
	if ((x->partner == NULL) != (y->partner == NULL))
		return x->partner == NULL ? -1 : 1;
	return x->partner ? strcmp(x->partner, y->partner) : 0;
}

/* The initiative's figure at vs->v[i] and its partners' that follow:
 * "unduplicated across partners a, b; partner c aggregate only". */
static void
initiative_dedup(struct bb_values *vs, size_t i)
{
	struct bb_value *v = &vs->v[i];
	struct bb_buf full, other;
	size_t nfull = 0, nother = 0, k;

	if (v->dedup == BB_DEDUP_NA)
		return;
	bb_buf_init(&full, BB_BUF_NOMAX);
	bb_buf_init(&other, BB_BUF_NOMAX);
	for (k = i + 1; k < vs->n && vs->v[k].partner && vs->v[k].plan == v->plan &&
	    vs->v[k].group == v->group && strcmp(vs->v[k].period, v->period) == 0 &&
	    strcmp(vs->v[k].dvalue, v->dvalue) == 0; k++) {
		const struct bb_value *p = &vs->v[k];
		if (p->records == 0)
			continue;
		if (p->dedup == BB_DEDUP_FULL)
			bb_buf_printf(&full, "%s%s", nfull++ ? ", " : "", p->partner);
		else
			bb_buf_printf(&other, "; partner %s: %s", p->partner, p->dedup_note);
		if (p->dedup != BB_DEDUP_FULL)
			nother++;
	}
	free(v->dedup_note);
	if (nfull && nother) {
		v->dedup = BB_DEDUP_PARTIAL;
		v->dedup_note = bb_asprintf("unduplicated across partner%s %s%s",
		    nfull == 1 ? "" : "s", bb_buf_str(&full), bb_buf_str(&other));
	} else if (nother) {
		v->dedup = BB_DEDUP_NONE;
		v->dedup_note = bb_strdup(bb_buf_str(&other) + 2);
	} else {
		v->dedup = BB_DEDUP_FULL;
		v->dedup_note = nfull ? bb_asprintf("unduplicated across partner%s %s",
		    nfull == 1 ? "" : "s", bb_buf_str(&full)) : bb_strdup("no records");
	}
	bb_buf_free(&full);
	bb_buf_free(&other);
}

/* Turn the cells of the plans run (run_index[i]: the plan index in
 * `plans` of run plan i) into figures appended to out. */
static void
figures(const struct bb_measure_plans *plans, const size_t *run_index,
    const struct bb_run_result *res, struct bb_values *out)
{
	size_t first = out->n, i = 0;

	while (i < res->ncells) {
		size_t r = res->cells[i].plan, a0, a1, b0, b1;
		const struct bb_plan *p = plans->plan[run_index[r]];
		a0 = i;
		while (i < res->ncells && res->cells[i].plan == r && res->cells[i].part == 0)
			i++;
		a1 = b0 = i;
		while (i < res->ncells && res->cells[i].plan == r)
			i++;
		b1 = i;
		/* Merge the parts' cells by key. */
		size_t x = a0, y = b0;
		while (x < a1 || y < b1) {
			const struct bb_cell *c[2] = { NULL, NULL };
			int cmp = x >= a1 ? 1 : y >= b1 ? -1 :
			    bb_cell_key_cmp(&res->cells[x], &res->cells[y]);
			if (cmp <= 0)
				c[0] = &res->cells[x++];
			if (cmp >= 0)
				c[1] = &res->cells[y++];
			const struct bb_cell *any = c[0] ? c[0] : c[1];
			make_value(out, p, run_index[r], &res->periods[r][any->period], c,
			    res->max_submission);
		}
	}
	if (out->n > first)
		qsort(out->v + first, out->n - first, sizeof(*out->v), cmp_value);
	for (size_t k = first; k < out->n; k++)
		if (out->v[k].partner == NULL)
			initiative_dedup(out, k);
}

/* --- computing ------------------------------------------------------------- */

struct job {
	const struct bb_plan **plans;
	size_t *index;
	struct plist *periods;
	size_t n;
};

static void
job_free(struct job *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->periods[i].p);
	free(j->plans);
	free(j->index);
	free(j->periods);
	memset(j, 0, sizeof(*j));
}

static void
job_add(struct job *j, const struct bb_plan *p, size_t index)
{
	j->plans = bb_realloc(j->plans, (j->n + 1) * sizeof(*j->plans));
	j->index = bb_realloc(j->index, (j->n + 1) * sizeof(*j->index));
	j->periods = bb_realloc(j->periods, (j->n + 1) * sizeof(*j->periods));
	j->plans[j->n] = p;
	j->index[j->n] = index;
	memset(&j->periods[j->n], 0, sizeof(j->periods[j->n]));
	j->n++;
}

/* Run the job's plans over the store and append their figures. */
static int
run_job(struct bb_store *s, const struct bb_measure_plans *plans, struct job *j,
    bool discover, int64_t as_of, int64_t only_submission,
    struct bb_run_result *res_out, struct bb_values *out)
{
	struct bb_run run;
	struct bb_run_result res;
	const struct bb_period **pp = bb_calloc(j->n ? j->n : 1, sizeof(*pp));
	size_t *np = bb_calloc(j->n ? j->n : 1, sizeof(*np));
	int rc;

	for (size_t i = 0; i < j->n; i++) {
		pp[i] = j->periods[i].p;
		np[i] = j->periods[i].n;
	}
	memset(&run, 0, sizeof(run));
	run.plans = j->plans;
	run.nplans = j->n;
	run.periods = pp;
	run.nperiods = np;
	run.discover = discover;
	run.as_of = as_of;
	run.only_submission = only_submission;
	rc = bb_store_plans_run(s, &run, &res);
	if (rc == BB_OK && out)
		figures(plans, j->index, &res, out);
	if (rc == BB_OK && res_out)
		*res_out = res;
	else if (rc == BB_OK)
		bb_run_result_free(&res);
	free(pp);
	free(np);
	return rc;
}

int
bb_measure_compute(struct bb_store *s, const struct bb_framework *fw,
    const struct bb_measure_plans *plans, const struct bb_compute_opts *o,
    struct bb_values *out)
{
	struct bb_year_starts ys;
	struct bb_period one;
	struct job j;
	int rc = BB_OK;

	memset(&j, 0, sizeof(j));
	bb_year_starts_of(fw, &ys);
	if (o->period) {
		const char *why;
		if (bb_period_parse(o->period, &ys, &one, &why) != BB_OK)
			return BB_ERR_USAGE;
	}
	for (size_t i = 0; i < plans->n; i++) {
		if (plans->plan[i] == NULL ||
		    (o->indicator && strcmp(plans->ind[i]->id, o->indicator) != 0))
			continue;
		job_add(&j, plans->plan[i], i);
		if (o->period)
			plist_add(&j.periods[j.n - 1], &one);
		else if ((rc = submission_periods(s, plans->plan[i], o->as_of,
		    &j.periods[j.n - 1])) != BB_OK)
			break;
	}
	if (rc == BB_OK && j.n)
		rc = run_job(s, plans, &j, o->period == NULL, o->as_of, 0, NULL, out);
	job_free(&j);
	return rc;
}

void
bb_measure_index(const struct bb_framework *fw, struct bb_values *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		struct bb_value *v = &vs->v[i];
		size_t pos = 0;
		v->plan = SIZE_MAX;
		v->group = 0;
		for (size_t o = 0; o < fw->noutcomes && v->plan == SIZE_MAX; o++)
			for (size_t k = 0; k < fw->outcomes[o].nindicators; k++, pos++) {
				const struct bb_indicator *ind = &fw->outcomes[o].indicators[k];
				if (strcmp(ind->id, v->indicator) != 0)
					continue;
				v->plan = pos;
				for (size_t g = 0; g < ind->ndisaggregations; g++)
					if (strcmp(ind->disaggregations[g], v->dkey) == 0)
						v->group = g + 1;
				break;
			}
	}
}

/* --- roles ------------------------------------------------------------------- */

int
bb_role_parse(const char *s, enum bb_role *out)
{
	if (strcmp(s, "backbone") == 0)
		*out = BB_ROLE_BACKBONE;
	else if (strcmp(s, "partner") == 0)
		*out = BB_ROLE_PARTNER;
	else if (strcmp(s, "public") == 0)
		*out = BB_ROLE_PUBLIC;
	else
		return BB_ERR_USAGE;
	return BB_OK;
}

const char *
bb_role_name(enum bb_role r)
{
	return r == BB_ROLE_PARTNER ? "partner" : r == BB_ROLE_PUBLIC ? "public" :
	    "backbone";
}

/* --- maintained values -------------------------------------------------------- */

/* Suppress for the public view and store each indicator's whole slice. */
static int
store_all(struct bb_store *s, const struct bb_framework *fw, int64_t fw_version,
    const struct bb_measure_plans *plans, struct bb_values *vs)
{
	int rc = BB_OK;

	bb_measure_suppress(vs, fw->confidentiality.min_cell_size, BB_ROLE_PUBLIC, NULL);
	for (size_t i = 0; i < plans->n && rc == BB_OK; i++)
		if (plans->plan[i] != NULL)
			rc = bb_store_values_replace(s, fw_version, plans->ind[i]->id,
			    NULL, vs);
	return rc;
}

/* The values are computed from one snapshot of the data (a read
 * transaction), and stored only when, under the write lock, the data is
 * still what they were computed from (its digest: every current
 * submission and every link): a submission or a decision that another
 * process committed in between would otherwise leave values marked current
 * that miss it.  Then the work is done again, up to RACE_TRIES times; after
 * that the values stay marked as they were, and reports compute. */
#define RACE_TRIES 3

/* End the read snapshot, take the write lock, and say whether the data is
 * still `digest` (*same). */
static int
relock(struct bb_store *s, const char *digest, bool *same)
{
	char now[65];
	int rc;

	*same = false;
	if ((rc = bb_store_commit(s)) != BB_OK || (rc = bb_store_begin(s)) != BB_OK)
		return rc;
	if ((rc = bb_store_data_digest(s, 0, now)) != BB_OK) {
		bb_store_rollback(s);
		return rc;
	}
	*same = strcmp(now, digest) == 0;
	if (!*same)
		bb_store_rollback(s);
	return BB_OK;
}

static int
recompute_once(struct bb_store *s, const struct bb_framework *fw,
    int64_t fw_version, struct bb_refresh_stats *st, bool *stored)
{
	struct bb_measure_plans plans;
	struct bb_compute_opts o;
	struct bb_values vs;
	int64_t latest = 0;
	char digest[65];
	bool same = false;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&o, 0, sizeof(o));
	memset(&vs, 0, sizeof(vs));
	*stored = false;
	st->full = true;
	bb_measure_plans_build(fw, &plans);
	if ((rc = bb_store_begin_read(s)) != BB_OK)
		goto out;
	if ((rc = bb_store_submission_latest(s, &latest)) != BB_OK ||
	    (rc = bb_store_data_digest(s, 0, digest)) != BB_OK ||
	    (rc = bb_measure_compute(s, fw, &plans, &o, &vs)) != BB_OK) {
		bb_store_rollback(s);
		goto out;
	}
	if ((rc = relock(s, digest, &same)) != BB_OK || !same)
		goto out;
	if ((rc = bb_store_values_drop(s, fw_version)) == BB_OK &&
	    (rc = store_all(s, fw, fw_version, &plans, &vs)) == BB_OK &&
	    (rc = bb_store_values_set_state(s, fw_version, latest, digest)) == BB_OK)
		rc = bb_store_commit(s);
	if (rc != BB_OK)
		bb_store_rollback(s);
	*stored = rc == BB_OK;
	for (size_t i = 0; i < plans.n; i++)
		st->indicators += plans.plan[i] != NULL;
	for (size_t i = 0; i < vs.n; i++)
		if (i == 0 || strcmp(vs.v[i].period, vs.v[i - 1].period) != 0 ||
		    vs.v[i].plan != vs.v[i - 1].plan)
			st->periods++;
	st->values = vs.n;
out:
	bb_values_clear(&vs);
	bb_measure_plans_free(&plans);
	return rc;
}

typedef int once_fn(struct bb_store *, const struct bb_framework *, int64_t,
    struct bb_refresh_stats *, bool *);

/* Run `once` until its values are stored, at most RACE_TRIES times. */
static int
until_stored(once_fn *once, struct bb_store *s, const struct bb_framework *fw,
    int64_t fw_version, struct bb_refresh_stats *st)
{
	bool stored = false;
	int rc = BB_OK;

	for (int t = 0; t < RACE_TRIES && rc == BB_OK && !stored; t++)
		rc = once(s, fw, fw_version, st, &stored);
	return rc;
}

int
bb_measure_recompute(struct bb_store *s, const struct bb_framework *fw,
    int64_t fw_version, struct bb_refresh_stats *st)
{
	return until_stored(recompute_once, s, fw, fw_version, st);
}

/* Does a part of plan p read dataset (only its `from all` parts when
 * all_only)? */
static bool
plan_reads(const struct bb_plan *p, const char *dataset, bool all_only)
{
	for (size_t q = 0; q < p->nparts; q++) {
		if (all_only && p->part[q].windowed)
			continue;
		for (size_t k = 0; k < p->part[q].nsources; k++)
			if (strcmp(p->part[q].sources[k].dataset, dataset) == 0)
				return true;
	}
	return false;
}

/* Add to `touched` (one period list per plan) the periods submission `id`
 * places records in, for the plans that read its dataset: for a plan
 * reading it `from all`, every period the plan is computed for, as its
 * records may count in any of them (a file arriving late, a correction). */
static int
touch(struct bb_store *s, const struct bb_measure_plans *plans, int64_t id,
    struct plist *touched)
{
	struct bb_submission sub;
	struct job j;
	struct bb_run_result res;
	int rc;

	memset(&j, 0, sizeof(j));
	if ((rc = bb_store_submission_get(s, id, &sub)) != BB_OK)
		return rc == BB_ERR_NOTFOUND ? BB_OK : rc;
	for (size_t i = 0; i < plans->n; i++) {
		const struct bb_plan *p = plans->plan[i];
		struct bb_period per;
		const char *why;
		if (p == NULL || !plan_reads(p, sub.dataset_id, false))
			continue;
		if (plan_reads(p, sub.dataset_id, true) &&
		    (rc = submission_periods(s, p, 0, &touched[i])) != BB_OK)
			break;
		job_add(&j, p, i);
		if (bb_period_parse(sub.period, &p->ys, &per, &why) == BB_OK)
			plist_cover(&j.periods[j.n - 1], p, per.start, per.end);
	}
	if (rc == BB_OK && j.n &&
	    (rc = run_job(s, plans, &j, true, 0, id, &res, NULL)) == BB_OK) {
		for (size_t r = 0; r < j.n; r++)
			for (size_t k = 0; k < res.nperiods[r]; k++)
				plist_add(&touched[j.index[r]], &res.periods[r][k]);
		bb_run_result_free(&res);
	}
	job_free(&j);
	bb_submission_clear(&sub);
	return rc;
}

#define REFRESH_MAX_BEHIND 64	/* more submissions missed: recompute all */

static int
refresh_once(struct bb_store *s, const struct bb_framework *fw,
    int64_t fw_version, struct bb_refresh_stats *st, bool *stored)
{
	struct bb_measure_plans plans;
	struct plist *touched = NULL;
	struct bb_values vs;
	struct job j;
	int64_t as_of = 0, latest = 0;
	char digest[65];
	bool found, same = false;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&vs, 0, sizeof(vs));
	memset(&j, 0, sizeof(j));
	*stored = false;
	if ((rc = bb_store_begin_read(s)) != BB_OK)
		return rc;
	if ((rc = bb_store_values_state(s, fw_version, &as_of, NULL, &found)) != BB_OK ||
	    (rc = bb_store_submission_latest(s, &latest)) != BB_OK ||
	    (rc = bb_store_data_digest(s, 0, digest)) != BB_OK) {
		bb_store_rollback(s);
		return rc;
	}
	if (!found || latest - as_of > REFRESH_MAX_BEHIND) {
		bb_store_commit(s);
		return recompute_once(s, fw, fw_version, st, stored);
	}
	if (latest <= as_of) {
		*stored = true;
		return bb_store_commit(s);
	}
	bb_measure_plans_build(fw, &plans);
	touched = bb_calloc(plans.n ? plans.n : 1, sizeof(*touched));
	for (int64_t id = as_of + 1; id <= latest && rc == BB_OK; id++) {
		struct bb_submission sub;
		rc = touch(s, &plans, id, touched);
		/* The records it superseded have left their periods too. */
		if (rc == BB_OK && bb_store_submission_get(s, id, &sub) == BB_OK) {
			if (sub.supersedes)
				rc = touch(s, &plans, sub.supersedes, touched);
			bb_submission_clear(&sub);
		}
	}
	for (size_t i = 0; i < plans.n && rc == BB_OK; i++) {
		if (touched[i].n == 0)
			continue;
		job_add(&j, plans.plan[i], i);
		j.periods[j.n - 1] = touched[i];
		memset(&touched[i], 0, sizeof(touched[i]));
	}
	if (rc == BB_OK && j.n)
		rc = run_job(s, &plans, &j, false, 0, 0, NULL, &vs);
	if (rc != BB_OK)
		bb_store_rollback(s);
	else if ((rc = relock(s, digest, &same)) == BB_OK && same) {
		bb_measure_suppress(&vs, fw->confidentiality.min_cell_size,
		    BB_ROLE_PUBLIC, NULL);
		for (size_t r = 0; r < j.n && rc == BB_OK; r++) {
			const struct plist *l = &j.periods[r];
			st->indicators++;
			for (size_t k = 0; k < l->n && rc == BB_OK; k++) {
				rc = bb_store_values_replace(s, fw_version,
				    plans.ind[j.index[r]]->id, l->p[k].label, &vs);
				st->periods++;
			}
		}
		if (rc == BB_OK)
			rc = bb_store_values_set_state(s, fw_version, latest, digest);
		if (rc == BB_OK)
			rc = bb_store_commit(s);
		else
			bb_store_rollback(s);
		*stored = rc == BB_OK;
	}
	st->values = vs.n;
	for (size_t i = 0; i < plans.n; i++)
		free(touched[i].p);
	free(touched);
	job_free(&j);
	bb_values_clear(&vs);
	bb_measure_plans_free(&plans);
	return rc;
}

int
bb_measure_refresh(struct bb_store *s, const struct bb_framework *fw,
    int64_t fw_version, struct bb_refresh_stats *st)
{
	return until_stored(refresh_once, s, fw, fw_version, st);
}
