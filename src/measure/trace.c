/*
 * trace.c: following a figure back to its records: the indicator's plan is
 * run for one period with the store's trace callback on (store/plan.h), the
 * records counted in the figure are collected, sorted (numerator first,
 * then by record), and given with their submission's provenance.
 */
#include "measure/measure.h"
#include "measure/trace.h"
#include "store/plan.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/diag.h"

#include <stdlib.h>
#include <string.h>

struct hit {
	size_t part;
	int64_t record, submission, row, participant;
	char *dataset, *partner;
};

struct hits {
	struct hit *h;
	size_t n, cap;
};

static int
collect(const struct bb_trace_hit *t, void *arg)
{
	struct hits *hs = arg;
	struct hit *h;

	hs->h = bb_grow(hs->h, &hs->cap, hs->n + 1, sizeof(*hs->h));
	h = &hs->h[hs->n++];
	h->part = t->part;
	h->record = t->record_id;
	h->submission = t->submission_id;
	h->row = t->source_row;
	h->participant = t->participant_id;
	h->dataset = bb_strdup(t->dataset);
	h->partner = bb_strdup(t->partner);
	return BB_OK;
}

static int
cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	return x->record < y->record ? -1 : x->record > y->record;
}

static int
emit(struct bb_store *s, const struct bb_plan *p, struct hits *hs,
    int (*fn)(const struct bb_trace_row *row, void *arg), void *arg)
{
	struct bb_submission sub;
	int64_t have = 0;
	int rc = BB_OK;

	memset(&sub, 0, sizeof(sub));
	if (hs->n > 1)	/* h is NULL when nothing was hit */
		qsort(hs->h, hs->n, sizeof(*hs->h), cmp_hit);
	for (size_t i = 0; i < hs->n && rc == BB_OK; i++) {
		struct hit *h = &hs->h[i];
		struct bb_trace_row row;
		if (h->submission != have) {
			bb_submission_clear(&sub);
			memset(&sub, 0, sizeof(sub));
			if ((rc = bb_store_submission_get(s, h->submission, &sub)) != BB_OK)
				break;
			have = h->submission;
		}
		memset(&row, 0, sizeof(row));
		row.part = p->form == BB_FORM_VALUE ? "value" : h->part ? "denominator" :
		    "numerator";
		row.record_id = h->record;
		row.dataset = h->dataset;
		row.partner = h->partner;
		row.submission_id = h->submission;
		row.file_name = sub.file_name;
		row.submission_period = sub.period;
		row.source_row = h->row;
		row.participant_id = h->participant;
		row.framework_version = sub.framework_version;
		row.crosswalk_sha256 = sub.crosswalk_sha256;
		rc = fn(&row, arg);
	}
	bb_submission_clear(&sub);
	return rc;
}

/* A group no record falls in that is not one of the disaggregation's
 * (a code not in its list, a band not among its labels): a mistake, said
 * so, rather than an empty list. */
static int
no_such_group(const struct bb_plan *p, const struct bb_run *run, size_t found,
    struct bb_diag *d)
{
	const struct bb_plan_group *g;
	char list[256] = "";

	if (run->trace_group == 0 || found > 0)
		return BB_OK;
	g = &p->groups[run->trace_group - 1];
	if (g->order == NULL || g->norder == 0)
		return BB_OK;
	for (size_t i = 0; i < g->norder; i++)
		if (strcmp(g->order[i], run->trace_label) == 0)
			return BB_OK;
	for (size_t i = 0; i < g->norder && strlen(list) < 200; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
		    i ? ", " : "", g->order[i]);
	bb_diag_set(d, NULL, 0, 0, "cell", "'%s' is not a group of '%s' (%s%s)",
	    run->trace_label, g->name, list, strlen(list) >= 200 ? ", ..." : "");
	return BB_ERR_INPUT;
}

int
bb_measure_trace(struct bb_store *s, const struct bb_framework *fw,
    const struct bb_trace_query *q,
    int (*fn)(const struct bb_trace_row *row, void *arg), void *arg,
    struct bb_diag *d)
{
	const struct bb_indicator *ind = NULL;
	struct bb_findings f;
	struct bb_plan *p = NULL;
	struct bb_period per;
	struct bb_year_starts ys;
	struct bb_run run;
	struct bb_run_result res;
	struct hits hs;
	const char *why = NULL, *eq;
	char *key = NULL;
	int rc;

	for (size_t o = 0; o < fw->noutcomes && ind == NULL; o++)
		for (size_t k = 0; k < fw->outcomes[o].nindicators; k++)
			if (strcmp(fw->outcomes[o].indicators[k].id, q->indicator) == 0)
				ind = &fw->outcomes[o].indicators[k];
	if (ind == NULL) {
		bb_diag_set(d, NULL, 0, 0, "indicator", "there is no indicator '%s'",
		    q->indicator);
		return BB_ERR_NOTFOUND;
	}
	bb_year_starts_of(fw, &ys);
	if (bb_period_parse(q->period, &ys, &per, &why) != BB_OK) {
		bb_diag_set(d, NULL, 0, 0, "period", "'%s' %s", q->period, why ? why :
		    "is not a period (2026, 2026-Q3, 2026-07, SY2026-27, FY2027, "
		    "2026-01-15..2026-03-31)");
		return BB_ERR_USAGE;
	}
	bb_findings_init(&f);
	rc = bb_measure_compile(fw, ind, NULL, &p, &f);
	bb_findings_free(&f);
	if (rc != BB_OK) {
		bb_diag_set(d, NULL, 0, 0, "indicator", "indicator '%s' has no compute "
		    "expression that can be computed", ind->id);
		return BB_ERR_INPUT;
	}
	memset(&run, 0, sizeof(run));
	if (q->cell) {
		if ((eq = strchr(q->cell, '=')) == NULL) {
			bb_diag_set(d, NULL, 0, 0, "cell", "--cell takes DISAGGREGATION=GROUP "
			    "(grade=K), not '%s'", q->cell);
			bb_plan_free(p);
			return BB_ERR_USAGE;
		}
		key = bb_strndup(q->cell, (size_t)(eq - q->cell));
		for (size_t g = 0; g < p->ngroups; g++)
			if (strcmp(p->groups[g].name, key) == 0)
				run.trace_group = g + 1;
		if (run.trace_group == 0) {
			bb_diag_set(d, NULL, 0, 0, "cell", "indicator '%s' is not "
			    "disaggregated by '%s'", ind->id, key);
			free(key);
			bb_plan_free(p);
			return BB_ERR_USAGE;
		}
		free(key);
		run.trace_label = eq + 1;
	}
	const struct bb_plan *plans[1] = { p };
	const struct bb_period *pp[1] = { &per };
	size_t np[1] = { 1 };
	memset(&hs, 0, sizeof(hs));
	run.plans = plans;
	run.nplans = 1;
	run.periods = pp;
	run.nperiods = np;
	run.as_of = q->as_of;
	run.trace = collect;
	run.trace_arg = &hs;
	run.trace_partner = q->partner;
	if ((rc = bb_store_plans_run(s, &run, &res)) == BB_OK) {
		bb_run_result_free(&res);
		rc = no_such_group(p, &run, hs.n, d);
		if (rc == BB_OK)
			rc = emit(s, p, &hs, fn, arg);
	}
	if (rc != BB_OK && rc != BB_ERR_INPUT)
		bb_diag_set(d, NULL, 0, 0, "store", "cannot trace: %s", bb_store_errmsg(s));
	for (size_t i = 0; i < hs.n; i++) {
		free(hs.h[i].dataset);
		free(hs.h[i].partner);
	}
	free(hs.h);
	bb_plan_free(p);
	return rc;
}
