/*
 * compare.c: explaining the difference between two report runs: the
 * submissions stored between the two points (new files, and corrections
 * with the submission they replace), the framework changes that touch
 * outcomes and indicators, and every figure that changed.
 */
#include "measure/compare.h"
#include "measure/values.h"
#include "measure/report.h"
#include "store/linkage.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/diag.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *
jnum(bool has, double v)
{
	return has ? bb_report_json_num(v) : json_null();
}

struct sub_arg {
	int64_t lo, hi;
	json_t *arr;
	size_t added, corrections;
};

static int
sub_cb(const struct bb_submission *sub, void *arg)
{
	struct sub_arg *a = arg;
	json_t *o;

	if (sub->id <= a->lo || sub->id > a->hi)
		return BB_OK;
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "submission", (json_int_t)sub->id,
	    "partner", sub->partner_id, "dataset", sub->dataset_id, "period", sub->period,
	    "file", sub->file_name, "records", (json_int_t)sub->rows_accepted);
	if (sub->supersedes) {
		json_object_set_new(o, "corrects", json_integer(sub->supersedes));
		a->corrections++;
	} else
		a->added++;
	json_array_append_new(a->arr, o);
	return BB_OK;
}

static int
values_of(struct bb_store *s, const struct bb_compare_point *p, struct bb_values *vs)
{
	struct bb_measure_plans plans;
	struct bb_compute_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.as_of = p->as_of;
	bb_measure_plans_build(p->fw, &plans);
	rc = bb_measure_compute(s, p->fw, &plans, &o, vs);
	bb_measure_plans_free(&plans);
	return rc;
}

static int
key_cmp(const struct bb_value *x, const struct bb_value *y)
{
	int c;
	if ((c = strcmp(x->indicator, y->indicator)) != 0)
		return c;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if ((c = strcmp(x->period, y->period)) != 0)
		return c;
	if ((x->partner == NULL) != (y->partner == NULL))
		return x->partner == NULL ? -1 : 1;
	if (x->partner && (c = strcmp(x->partner, y->partner)) != 0)
		return c;
	if ((c = strcmp(x->dkey, y->dkey)) != 0)
		return c;
	return bb_label_cmp(x->dvalue, y->dvalue);
}

static int
cmp_ptr(const void *a, const void *b)
{
	return key_cmp(*(const struct bb_value *const *)a, *(const struct bb_value *const *)b);
}

static const struct bb_value **
sorted(const struct bb_values *vs)
{
	const struct bb_value **p = bb_calloc(vs->n ? vs->n : 1, sizeof(*p));
	for (size_t i = 0; i < vs->n; i++)
		p[i] = &vs->v[i];
	qsort(p, vs->n, sizeof(*p), cmp_ptr);
	return p;
}

static json_t *
figure_key(const struct bb_value *v)
{
	json_t *o = json_pack("{s:s, s:s}", "indicator", v->indicator, "period", v->period);
	json_object_set_new(o, "partner", v->partner ? json_string(v->partner) : json_null());
	if (v->dkey[0]) {
		json_object_set_new(o, "by", json_string(v->dkey));
		json_object_set_new(o, "group", json_string(v->dvalue));
	}
	return o;
}

static bool
same_number(bool ha, double a, bool hb, double b)
{
	return ha == hb && (!ha || fabs(a - b) <= 1e-9 * fmax(1, fmax(fabs(a), fabs(b))));
}

/* A run: its framework version and the submission its data is as of (the
 * newest when it reads all current data). */
static json_t *
point_json(const struct bb_compare_point *p, int64_t latest)
{
	return json_pack("{s:I, s:I}", "framework_version", (json_int_t)p->fw_version,
	    "as_of_submission", (json_int_t)(p->as_of ? p->as_of : latest));
}

int
bb_measure_compare(struct bb_store *s, const struct bb_compare_point *a,
    const struct bb_compare_point *b, void **out, struct bb_diag *d)
{
	struct bb_values va, vb;
	struct sub_arg sa;
	struct bb_link_changes lc;
	json_t *root, *figs, *fwc;
	const struct bb_value **pa = NULL, **pb = NULL;
	size_t i = 0, k = 0, changed = 0, appeared = 0, gone = 0;
	int64_t latest = 0;
	int rc;

	*out = NULL;
	memset(&va, 0, sizeof(va));
	memset(&vb, 0, sizeof(vb));
	if ((rc = bb_store_submission_latest(s, &latest)) != BB_OK ||
	    (rc = values_of(s, a, &va)) != BB_OK || (rc = values_of(s, b, &vb)) != BB_OK) {
		bb_diag_set(d, NULL, 0, 0, "store", "cannot compute the values: %s",
		    bb_store_errmsg(s));
		goto out;
	}
	root = json_object();
	json_object_set_new(root, "a", point_json(a, latest));
	json_object_set_new(root, "b", point_json(b, latest));
	/* Submissions between the two points (either way round). */
	memset(&sa, 0, sizeof(sa));
	{
		int64_t ea = a->as_of ? a->as_of : latest, eb = b->as_of ? b->as_of : latest;
		sa.lo = ea < eb ? ea : eb;
		sa.hi = ea < eb ? eb : ea;
	}
	sa.arr = json_array();
	if ((rc = bb_store_submission_list(s, NULL, sub_cb, &sa)) != BB_OK) {
		json_decref(sa.arr);
		json_decref(root);
		bb_diag_set(d, NULL, 0, 0, "store", "cannot list submissions: %s",
		    bb_store_errmsg(s));
		goto out;
	}
	json_object_set_new(root, "submissions", sa.arr);
	/* Linkage between them: merges, splits, records linked late. */
	if ((rc = bb_store_link_changes(s, sa.lo, sa.hi, &lc)) != BB_OK) {
		json_decref(root);
		bb_diag_set(d, NULL, 0, 0, "store", "cannot read linkage history: %s",
		    bb_store_errmsg(s));
		goto out;
	}
	json_object_set_new(root, "linkage", json_pack("{s:I, s:I, s:I}",
	    "records_moved", (json_int_t)lc.moved, "participants_left",
	    (json_int_t)lc.left, "records_linked_late", (json_int_t)lc.linked_late));
	/* The framework: changes to outcomes and indicators. */
	fwc = json_array();
	if (a->fw_version != b->fw_version && a->canonical && b->canonical) {
		struct bb_fw_diff diff;
		memset(&diff, 0, sizeof(diff));
		if (bb_framework_diff(a->canonical, b->canonical, &diff) == BB_OK)
			for (size_t c = 0; c < diff.n; c++) {
				const struct bb_fw_change *ch = &diff.items[c];
				char op[2] = { ch->op, 0 };
				if (strncmp(ch->path, "outcomes", 8) != 0 &&
				    strncmp(ch->path, "datasets", 8) != 0 &&
				    strncmp(ch->path, "confidentiality", 15) != 0)
					continue;
				json_array_append_new(fwc, json_pack("{s:s, s:s, s:s?, s:s?}",
				    "change", op, "path", ch->path, "before", ch->before,
				    "after", ch->after));
			}
		bb_fw_diff_free(&diff);
	}
	json_object_set_new(root, "framework", fwc);
	/* Figures, merged by key. */
	pa = sorted(&va);
	pb = sorted(&vb);
	figs = json_array();
	while (i < va.n || k < vb.n) {
		int c = i >= va.n ? 1 : k >= vb.n ? -1 : key_cmp(pa[i], pb[k]);
		json_t *o;
		if (c == 0) {
			const struct bb_value *x = pa[i++], *y = pb[k++];
			/* A figure is its numbers and what is behind them: the
			 * same value from other people or records (which
			 * suppression looks at) has changed too. */
			if (same_number(x->has_value, x->value, y->has_value, y->value) &&
			    same_number(x->has_num, x->num, y->has_num, y->num) &&
			    same_number(x->has_den, x->den, y->has_den, y->den) &&
			    x->n_num == y->n_num && x->n_den == y->n_den &&
			    x->records == y->records && x->dedup == y->dedup &&
			    bb_streq(x->dedup_note, y->dedup_note))
				continue;
			o = figure_key(x);
			json_object_set_new(o, "change", json_string("changed"));
			json_object_set_new(o, "a", jnum(x->has_value, x->value));
			json_object_set_new(o, "b", jnum(y->has_value, y->value));
			json_object_set_new(o, "a_count", json_integer(x->n_num));
			json_object_set_new(o, "b_count", json_integer(y->n_num));
			json_object_set_new(o, "a_denominator_count", json_integer(x->n_den));
			json_object_set_new(o, "b_denominator_count", json_integer(y->n_den));
			json_object_set_new(o, "a_records", json_integer(x->records));
			json_object_set_new(o, "b_records", json_integer(y->records));
			json_object_set_new(o, "a_deduplication", json_string(bb_dedup_name(x->dedup)));
			json_object_set_new(o, "b_deduplication", json_string(bb_dedup_name(y->dedup)));
			changed++;
		} else if (c < 0) {
			o = figure_key(pa[i]);
			json_object_set_new(o, "change", json_string("only in a"));
			json_object_set_new(o, "a", jnum(pa[i]->has_value, pa[i]->value));
			i++;
			gone++;
		} else {
			o = figure_key(pb[k]);
			json_object_set_new(o, "change", json_string("only in b"));
			json_object_set_new(o, "b", jnum(pb[k]->has_value, pb[k]->value));
			k++;
			appeared++;
		}
		json_array_append_new(figs, o);
	}
	json_object_set_new(root, "figures", figs);
	json_object_set_new(root, "summary", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "new_submissions", (json_int_t)sa.added, "corrections",
	    (json_int_t)sa.corrections, "linkage_changes",
	    (json_int_t)(lc.moved + lc.linked_late), "framework_changes", (json_int_t)json_array_size(fwc),
	    "figures_changed", (json_int_t)changed, "figures_only_in_a", (json_int_t)gone,
	    "figures_only_in_b", (json_int_t)appeared));
	*out = root;
out:
	free(pa);
	free(pb);
	bb_values_clear(&va);
	bb_values_clear(&vb);
	return rc;
}
