/*
 * report.c: building the indicator report from values (measure/report.h):
 * choosing each indicator's period, its headline figure, partner breakdown
 * and disaggregations, its trend and how long the trend has lasted, its
 * target and the variance from it, and the partners' notes on how their
 * local definition differs.  The writers are in report_data.c (JSON, CSV),
 * report_html.c and report_xlsx.c.
 */
#include "measure/report.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/diag.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
bb_report_num_data(double v, char *buf, size_t bufsz)
{
	bb_format_double(buf, bufsz, v, 6);
}

void
bb_report_num_display(const struct bb_indicator *ind, double v, char *buf,
    size_t bufsz)
{
	int digits = 2;
	if (ind && ind->unit && strcmp(ind->unit, "percent") == 0)
		digits = 1;
	else if (v == floor(v))
		digits = 0;
	bb_format_double(buf, bufsz, v, digits);
}

/* Append s to b as one shell word: as it is when it holds only characters
 * no shell treats specially, else in single quotes. */
static void
shell_word(struct bb_buf *b, const char *s)
{
	if (s[0] != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_.,:/=+-@%") == strlen(s)) {
		bb_buf_puts(b, s);
		return;
	}
	bb_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			bb_buf_puts(b, "'\\''");
		else
			bb_buf_putc(b, *s);
	}
	bb_buf_putc(b, '\'');
}

char *
bb_report_trace_command(const struct bb_value *v)
{
	struct bb_buf b;
	char *cell;

	bb_buf_init(&b, BB_BUF_NOMAX);
	bb_buf_puts(&b, "backbone trace ");
	shell_word(&b, v->indicator);
	bb_buf_puts(&b, " --period ");
	shell_word(&b, v->period);
	if (v->partner) {
		bb_buf_puts(&b, " --partner ");
		shell_word(&b, v->partner);
	}
	if (v->dkey[0]) {
		cell = bb_asprintf("%s=%s", v->dkey, v->dvalue);
		bb_buf_puts(&b, " --cell ");
		shell_word(&b, cell);
		free(cell);
	}
	return bb_buf_take(&b);
}

static bool
same_figure(const struct bb_value *v, const char *partner)
{
	return v->dkey[0] == '\0' && bb_streq(v->partner, partner);
}

/* The target for period p: the one whose period contains it, else the
 * first one after it. */
static const struct bb_target *
target_for(const struct bb_framework *fw, const struct bb_indicator *ind,
    const struct bb_value *v)
{
	const struct bb_target *next = NULL;
	struct bb_year_starts ys;
	int32_t next_start = 0;

	bb_year_starts_of(fw, &ys);
	for (size_t i = 0; i < ind->ntargets; i++) {
		struct bb_period tp;
		const char *why;
		if (bb_period_parse(ind->targets[i].period, &ys, &tp, &why) != BB_OK)
			continue;
		if (v->start >= tp.start && v->end <= tp.end)
			return &ind->targets[i];
		if (tp.start > v->end && (next == NULL || tp.start < next_start)) {
			next = &ind->targets[i];
			next_start = tp.start;
		}
	}
	return next;
}

static void
item_notes(const struct bb_framework *fw, const struct bb_plan *plan,
    struct bb_report_item *it)
{
	for (size_t i = 0; plan && i < fw->npartners; i++) {
		const struct bb_partner *p = &fw->partners[i];
		for (size_t k = 0; k < p->ncrosswalks; k++) {
			const struct bb_crosswalk *x = &p->crosswalks[k];
			bool reads = false;
			if (x->notes == NULL || x->notes[0] == '\0')
				continue;
			for (size_t q = 0; q < plan->nparts; q++)
				for (size_t s = 0; s < plan->part[q].nsources; s++)
					reads |= strcmp(plan->part[q].sources[s].dataset,
					    x->dataset) == 0;
			if (!reads)
				continue;
			it->notes = bb_realloc(it->notes, (it->nnotes + 1) * sizeof(*it->notes));
			it->notes[it->nnotes].partner = p->id;
			it->notes[it->nnotes].dataset = x->dataset;
			it->notes[it->nnotes].note = x->notes;
			it->nnotes++;
		}
	}
}

/* Is v a period like the headline's (a month, a quarter, a year: lengths
 * within three days), ending before it starts? */
static bool
earlier_like(const struct bb_value *v, const struct bb_value *h)
{
	long lv = (long)v->end - v->start, lh = (long)h->end - h->start;
	return v->end < h->start && labs(lv - lh) <= 3;
}

/* The trend: the headline scope's totals over periods like the reported
 * one, up to it; and how long the direction of its last change has lasted,
 * counting only changes between periods that follow one another with both
 * figures known (a suppressed figure, or a period with no data between
 * two, ends it).  No such last change: trend_len 0, the direction unknown. */
static void
item_trend(struct bb_report_item *it, const struct bb_value *const *vals, size_t n,
    const char *partner)
{
	const struct bb_value *h = it->headline;
	size_t count = 0, skip;
	int dir = 0, len = 0;

	it->trend = bb_calloc(BB_REPORT_TREND, sizeof(*it->trend));
	for (size_t k = 0; k < n; k++)
		count += same_figure(vals[k], partner) && earlier_like(vals[k], h);
	skip = count >= BB_REPORT_TREND ? count - (BB_REPORT_TREND - 1) : 0;
	for (size_t k = 0; k < n; k++) {
		if (!same_figure(vals[k], partner) || !earlier_like(vals[k], h))
			continue;
		if (skip) {
			skip--;
			continue;
		}
		it->trend[it->ntrend++] = vals[k];
	}
	it->trend[it->ntrend++] = h;
	for (size_t j = it->ntrend; j-- > 1;) {
		const struct bb_value *a = it->trend[j - 1], *b = it->trend[j];
		int d;
		if (!a->has_value || !b->has_value || a->suppressed || b->suppressed ||
		    b->start != a->end + 1)
			break;
		d = b->value > a->value ? 1 : b->value < a->value ? -1 : 0;
		if (len == 0)
			dir = d;
		else if (d != dir)
			break;
		len++;
	}
	it->trend_dir = dir;
	it->trend_len = len;
}

const char *
bb_report_cadence_words(enum bb_cadence c)
{
	switch (c) {
	case BB_CAD_MONTHLY: return "monthly";
	case BB_CAD_QUARTERLY: return "quarterly";
	case BB_CAD_SCHOOL_YEAR: return "school-year";
	case BB_CAD_FISCAL_YEAR: return "fiscal-year";
	default: return "annual";
	}
}

/* Is a period of this kind one of the cadence's (annual when none)? */
static bool
of_cadence(enum bb_period_kind k, enum bb_cadence c)
{
	switch (c) {
	case BB_CAD_MONTHLY:
		return k == BB_PERIOD_MONTH;
	case BB_CAD_QUARTERLY:
		return k == BB_PERIOD_QUARTER;
	case BB_CAD_SCHOOL_YEAR:
		return k == BB_PERIOD_SCHOOL_YEAR;
	case BB_CAD_FISCAL_YEAR:
		return k == BB_PERIOD_FISCAL_YEAR;
	default:
		return k == BB_PERIOD_YEAR;
	}
}

static void
build_item(struct bb_report *r, struct bb_report_item *it, const struct bb_plan *plan,
    const struct bb_value *const *vals, size_t n)
{
	const struct bb_report_opts *o = &r->opts;
	const char *partner = o->partner;
	const char *period = o->period;

	it->computable = plan != NULL;
	item_notes(r->fw, plan, it);
	if (period != NULL && o->role != BB_ROLE_BACKBONE) {
		struct bb_year_starts ys;
		struct bb_period asked;
		const char *why;
		bb_year_starts_of(r->fw, &ys);
		if (bb_period_parse(period, &ys, &asked, &why) == BB_OK &&
		    !of_cadence(asked.kind, it->ind->cadence)) {
			it->withheld = true;
			it->period = period;
			return;
		}
	}
	if (n == 0)
		return;
	/* The period: the one asked for, else the latest with a headline;
	 * one still running on the day of the newest data is marked so (a
	 * part of a period, beside whole ones in its trend). */
	int32_t day = 0;
	bool have_day = false;
	if (r->as_of_at && strlen(r->as_of_at) >= 10) {
		char d10[11];
		memcpy(d10, r->as_of_at, 10);
		d10[10] = '\0';
		have_day = bb_date_parse_iso(d10, &day);
	}
	if (period == NULL) {
		for (size_t k = n; k-- > 0;)
			if (same_figure(vals[k], partner)) {
				period = vals[k]->period;
				break;
			}
		if (period == NULL)
			return;
	}
	it->period = period;
	for (size_t k = 0; k < n; k++) {
		const struct bb_value *v = vals[k];
		if (strcmp(v->period, period) != 0)
			continue;
		if (have_day && v->end >= day)
			it->in_progress = true;
		if (same_figure(v, partner))
			it->headline = v;
		else if (v->dkey[0] == '\0' && v->partner && partner == NULL) {
			it->partners = bb_realloc(it->partners,
			    (it->npartners + 1) * sizeof(*it->partners));
			it->partners[it->npartners++] = v;
		} else if (v->dkey[0] && bb_streq(v->partner, partner)) {
			struct bb_report_group *g = NULL;
			for (size_t i = 0; i < it->ngroups; i++)
				if (strcmp(it->groups[i].key, v->dkey) == 0)
					g = &it->groups[i];
			if (g == NULL) {
				it->groups = bb_realloc(it->groups,
				    (it->ngroups + 1) * sizeof(*it->groups));
				g = &it->groups[it->ngroups++];
				memset(g, 0, sizeof(*g));
				g->key = v->dkey;
			}
			g->cells = bb_realloc(g->cells, (g->n + 1) * sizeof(*g->cells));
			g->cells[g->n++] = v;
		}
	}
	if (it->headline == NULL)
		return;
	item_trend(it, vals, n, partner);
	/* A part of a period against whole ones says nothing of direction. */
	if (it->in_progress) {
		it->trend_dir = 0;
		it->trend_len = 0;
	}
	it->target = target_for(r->fw, it->ind, it->headline);
	if (it->target && it->headline->has_value && !it->headline->suppressed) {
		it->has_variance = true;
		it->variance = it->headline->value - it->target->value;
		it->pct_of_target = it->target->value != 0 ?
		    100 * it->headline->value / it->target->value : 0;
	}
}

static int
load_values(struct bb_store *s, const struct bb_framework *fw,
    const struct bb_measure_plans *plans, struct bb_report *r)
{
	const struct bb_report_opts *o = &r->opts;
	struct bb_compute_opts co;
	int64_t state = 0, latest = 0;
	bool found = false;
	int rc;

	if ((rc = bb_store_submission_latest(s, &latest)) != BB_OK)
		return rc;
	if (!o->from_scratch && o->as_of == 0 &&
	    (rc = bb_store_values_state(s, o->fw_version, &state, r->data_sha256,
	    &found)) != BB_OK)
		return rc;
	memset(&co, 0, sizeof(co));
	co.as_of = o->as_of;
	if (found && state == latest) {
		if ((rc = bb_store_values_load(s, o->fw_version, NULL, NULL, &r->values)) != BB_OK)
			return rc;
		bb_measure_index(fw, &r->values);
		r->maintained = true;
	} else if ((rc = bb_measure_compute(s, fw, plans, &co, &r->values)) != BB_OK)
		return rc;
	/* A period the indicator's values are not kept for: compute it; but
	 * outside the backbone only a period of the indicator's cadence.
	 * Suppression works within one period's figures: a quarter and its
	 * months, or two ranges a day apart, would let a suppressed figure be
	 * worked out by subtraction from figures each shown. */
	if (o->period) {
		struct bb_year_starts ys;
		struct bb_period asked;
		const char *why;
		bb_year_starts_of(fw, &ys);
		if (bb_period_parse(o->period, &ys, &asked, &why) != BB_OK)
			return BB_ERR_USAGE;
		co.period = o->period;
		for (size_t i = 0; i < plans->n; i++) {
			bool have = false;
			if (plans->plan[i] == NULL)
				continue;
			if (o->role != BB_ROLE_BACKBONE &&
			    !of_cadence(asked.kind, plans->ind[i]->cadence))
				continue;
			for (size_t k = 0; k < r->values.n && !have; k++)
				have = strcmp(r->values.v[k].indicator, plans->ind[i]->id) == 0 &&
				    strcmp(r->values.v[k].period, o->period) == 0;
			if (have)
				continue;
			co.indicator = plans->ind[i]->id;
			if ((rc = bb_measure_compute(s, fw, plans, &co, &r->values)) != BB_OK)
				return rc;
		}
	}
	return BB_OK;
}

int
bb_report_build(struct bb_store *s, const struct bb_framework *fw,
    const struct bb_report_opts *o, struct bb_report **out, struct bb_diag *d)
{
	struct bb_measure_plans plans;
	struct bb_report *r = bb_calloc(1, sizeof(*r));
	struct bb_submission sub;
	const struct bb_value **vals;
	int rc;

	*out = NULL;
	r->fw = fw;
	r->fw_version = o->fw_version;
	r->opts = *o;
	r->min_cell_size = fw->confidentiality.min_cell_size;
	r->initiative = bb_strdup(fw->initiative.name ? fw->initiative.name : "");
	if (o->period) {
		struct bb_year_starts ys;
		struct bb_period p;
		const char *why;
		bb_year_starts_of(fw, &ys);
		if (bb_period_parse(o->period, &ys, &p, &why) != BB_OK) {
			bb_diag_set(d, NULL, 0, 0, "period", "'%s' %s", o->period,
			    why ? why : "is not a period (2026, 2026-Q3, 2026-07, "
			    "SY2026-27, FY2027, 2026-01-15..2026-03-31)");
			bb_report_free(r);
			return BB_ERR_USAGE;
		}
	}
	bb_measure_plans_build(fw, &plans);
	if ((rc = load_values(s, fw, &plans, r)) != BB_OK) {
		bb_diag_set(d, NULL, 0, 0, "store", "cannot compute the values: %s",
		    bb_store_errmsg(s));
		goto fail;
	}
	bb_measure_suppress(&r->values, r->min_cell_size, o->role, o->viewer);
	/* The data behind it. */
	if (o->as_of)
		r->as_of = o->as_of;
	else if ((rc = bb_store_submission_latest(s, &r->as_of)) != BB_OK)
		goto fail;
	if (r->as_of && bb_store_submission_get(s, r->as_of, &sub) == BB_OK) {
		r->as_of_at = bb_strdup(sub.received_at);
		bb_submission_clear(&sub);
	}
	/* The maintained values carry the hash of the data they came from. */
	if (!r->maintained && (rc = bb_store_data_digest(s, o->as_of, r->data_sha256)) != BB_OK)
		goto fail;
	/* One item per indicator, in the framework's order. */
	vals = bb_calloc(r->values.n ? r->values.n : 1, sizeof(*vals));
	r->items = bb_calloc(plans.n ? plans.n : 1, sizeof(*r->items));
	for (size_t i = 0; i < plans.n; i++) {
		struct bb_report_item *it = &r->items[r->nitems++];
		size_t n = 0;
		it->ind = plans.ind[i];
		it->outcome = plans.ind[i]->outcome;
		for (size_t k = 0; k < r->values.n; k++)
			if (strcmp(r->values.v[k].indicator, it->ind->id) == 0)
				vals[n++] = &r->values.v[k];
		build_item(r, it, plans.plan[i], vals, n);
	}
	free(vals);
	bb_measure_plans_free(&plans);
	*out = r;
	return BB_OK;
fail:
	bb_measure_plans_free(&plans);
	bb_report_free(r);
	return rc < 0 ? rc : BB_ERR_INTERNAL;
}

void
bb_report_free(struct bb_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nitems; i++) {
		struct bb_report_item *it = &r->items[i];
		for (size_t g = 0; g < it->ngroups; g++)
			free(it->groups[g].cells);
		free(it->groups);
		free(it->partners);
		free(it->trend);
		free(it->notes);
	}
	free(r->items);
	bb_values_clear(&r->values);
	free(r->initiative);
	free(r->as_of_at);
	free(r);
}
