/*
 * test_values.c: evaluating plans over hand-made records (store/engine.c)
 * and turning them into figures (measure/values.c): periods, partners and
 * the initiative, people counted once, de-duplication status, ratios,
 * medians, `from all`, as-of runs, corrections and maintained values.
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "measure/measure.h"
#include "measure/report.h"
#include "measure/values.h"
#include "store/db.h"
#include "store/internal.h"
#include "store/plan.h"
#include "util/bb.h"

#include <sqlite3.h>

#include "measure_fixture.h"
#include "store_fixture.h"

static struct bb_store *st;
static int64_t rid[16];

/* east and west, 2026-Q1 and Q2; participant 1 is at both partners, the
 * west record of "Z" is not linked. */
static void
seed(void)
{
	static const char *const east[] = {
		"{\"student_id\":\"a\",\"grade\":\"K\",\"enroll_date\":\"2026-01-10\","
		    "\"birth_date\":\"2020-02-01\",\"attendance\":90.5,\"days_to_placement\":10}",
		"{\"student_id\":\"b\",\"grade\":\"1\",\"enroll_date\":\"2026-02-10\","
		    "\"birth_date\":\"2019-03-01\",\"attendance\":80,\"days_to_placement\":20}",
		"{\"student_id\":\"c\",\"grade\":\"2\",\"enroll_date\":\"2026-03-01\","
		    "\"birth_date\":\"2013-03-31\",\"days_to_placement\":40,\"_missing\":{\"sex\":\"9\"}}",
		"{\"student_id\":\"a\",\"grade\":\"K\",\"enroll_date\":\"2026-04-02\","
		    "\"birth_date\":\"2020-02-01\",\"exit_date\":\"2026-05-01\"}",
	};
	static const char *const west[] = {
		"{\"student_id\":\"A\",\"grade\":\"K\",\"enroll_date\":\"2026-01-15\","
		    "\"sex\":\"F\",\"school\":\"O\\u2019Neil \\\"North\\\"\"}",
		"{\"student_id\":\"Z\",\"grade\":\"1\",\"enroll_date\":\"2026-03-15\",\"sex\":\"M\"}",
	};
	st = sx_open();
	sx_submit(st, "east", "enrollments", "2026-Q1", east, 4, 0, rid);
	sx_submit(st, "west", "enrollments", "2026-Q1", west, 2, 0, rid + 4);
	sx_link(st, rid[0], 1);
	sx_link(st, rid[1], 2);
	sx_link(st, rid[2], 3);
	sx_link(st, rid[3], 1);
	sx_link(st, rid[4], 1);
}

static void
compute(struct bb_values *vs, const char *period, int64_t as_of)
{
	struct bb_measure_plans plans;
	struct bb_compute_opts o = { period, NULL, as_of };
	memset(vs, 0, sizeof(*vs));
	bb_measure_plans_build(&fx_fw, &plans);
	ck_assert_ptr_nonnull(plans.plan[0]);
	ck_assert_int_eq(bb_measure_compute(st, &fx_fw, &plans, &o, vs), BB_OK);
	bb_measure_plans_free(&plans);
}

/* The figure for (period, partner, dkey, dvalue), or NULL. */
static const struct bb_value *
fig(const struct bb_values *vs, const char *period, const char *partner,
    const char *dkey, const char *dvalue)
{
	for (size_t i = 0; i < vs->n; i++) {
		const struct bb_value *v = &vs->v[i];
		if (strcmp(v->period, period) == 0 && bb_streq(v->partner, partner) &&
		    strcmp(v->dkey, dkey) == 0 && strcmp(v->dvalue, dvalue) == 0)
			return v;
	}
	return NULL;
}

static double
val(const struct bb_values *vs, const char *period, const char *partner,
    const char *dkey, const char *dvalue)
{
	const struct bb_value *v = fig(vs, period, partner, dkey, dvalue);
	if (v == NULL)
		ck_abort_msg("no figure %s/%s/%s=%s", period, partner ? partner : "*",
		    dkey, dvalue);
	ck_assert(v->has_value);
	return v->value;
}

START_TEST(people_counted_once)
{
	struct bb_values vs;
	seed();
	fx_setup("count(distinct participant) from enrollments where grade in (\"K\", \"1\")",
	    "grade", NULL);
	compute(&vs, NULL, 0);
	/* The initiative: participants 1 and 2, and the unlinked record. */
	ck_assert(val(&vs, "2026-Q1", NULL, "", "") == 3);
	ck_assert(val(&vs, "2026-Q1", "east", "", "") == 2);
	ck_assert(val(&vs, "2026-Q1", "west", "", "") == 2);
	ck_assert(val(&vs, "2026-Q1", NULL, "grade", "K") == 1);
	ck_assert(val(&vs, "2026-Q1", NULL, "grade", "1") == 2);
	/* Grade 2 was seen in the period but not counted: a zero, not absent. */
	ck_assert(val(&vs, "2026-Q1", NULL, "grade", "2") == 0);
	ck_assert(val(&vs, "2026-Q2", NULL, "", "") == 1);
	ck_assert_ptr_null(fig(&vs, "2026-Q2", "west", "", ""));
	/* De-duplication status. */
	const struct bb_value *v = fig(&vs, "2026-Q1", NULL, "", "");
	ck_assert_int_eq(v->dedup, BB_DEDUP_PARTIAL);
	ck_assert_str_eq(v->dedup_note, "unduplicated across partner east; partner west: "
	    "1 record not linked to a participant");
	v = fig(&vs, "2026-Q1", "east", "", "");
	ck_assert_int_eq(v->dedup, BB_DEDUP_FULL);
	v = fig(&vs, "2026-Q2", NULL, "", "");
	ck_assert_int_eq(v->dedup, BB_DEDUP_FULL);
	ck_assert_str_eq(v->dedup_note, "unduplicated across partner east");
	ck_assert_int_eq(v->as_of, 2);
	/* Order: period, total then groups, initiative then partners. */
	ck_assert_str_eq(vs.v[0].period, "2026-Q1");
	ck_assert_ptr_null(vs.v[0].partner);
	ck_assert_str_eq(vs.v[0].dkey, "");
	ck_assert_str_eq(vs.v[1].partner, "east");
	ck_assert_str_eq(vs.v[2].partner, "west");
	ck_assert_str_eq(vs.v[3].dvalue, "K");
	bb_values_clear(&vs);
	sx_close(st);
}
END_TEST

START_TEST(percent_median_and_bands)
{
	struct bb_values vs;
	seed();
	fx_setup("percent(count(*) from enrollments where attendance >= 85, "
	    "count(*) from enrollments where attendance is not null)", "age_band", NULL);
	compute(&vs, "2026-Q1", 0);
	const struct bb_value *v = fig(&vs, "2026-Q1", NULL, "", "");
	ck_assert(v->has_value);
	ck_assert(v->value == 50);
	ck_assert(v->num == 1 && v->den == 2);
	ck_assert_int_eq(v->dedup, BB_DEDUP_NA);
	/* Ages at 2026-03-31: 6 and 7 -> 5-11; the 13-year-old has no attendance. */
	ck_assert(val(&vs, "2026-Q1", NULL, "age_band", "5-11") == 50);
	/* 0 of 0: no value. */
	ck_assert(!fig(&vs, "2026-Q1", NULL, "age_band", "12-17")->has_value);
	ck_assert(fig(&vs, "2026-Q1", NULL, "age_band", "12-17")->has_den);
	ck_assert_ptr_nonnull(fig(&vs, "2026-Q1", NULL, "age_band", BB_GROUP_MISSING));
	bb_values_clear(&vs);

	fx_setup("median(days_to_placement) from enrollments", NULL);
	compute(&vs, "2026", 0);
	ck_assert(val(&vs, "2026", NULL, "", "") == 20);
	ck_assert(val(&vs, "2026", "east", "", "") == 20);
	ck_assert_int_eq(fig(&vs, "2026", NULL, "", "")->n_num, 3);
	ck_assert(!fig(&vs, "2026", "west", "", "")->has_value);
	bb_values_clear(&vs);

	fx_setup("percentile(days_to_placement, 25) from enrollments", NULL);
	compute(&vs, "2026", 0);
	ck_assert(val(&vs, "2026", NULL, "", "") == 15);
	bb_values_clear(&vs);

	fx_setup("count(distinct school) from enrollments", "sex", NULL);
	compute(&vs, "2026", 0);
	ck_assert(val(&vs, "2026", NULL, "", "") == 1);
	ck_assert(val(&vs, "2026", NULL, "sex", "F") == 1);
	ck_assert(val(&vs, "2026", NULL, "sex", BB_GROUP_MISSING) == 0);
	bb_values_clear(&vs);
	sx_close(st);
}
END_TEST

START_TEST(date_arithmetic_and_from_all)
{
	struct bb_values vs;
	seed();
	/* Enrolled by the end of the period and not exited before it starts. */
	fx_setup("count(distinct participant) from all enrollments where enroll_date <= "
	    "period.end and (exit_date is null or exit_date >= period.start)", NULL);
	compute(&vs, NULL, 0);
	ck_assert(val(&vs, "2026-Q1", NULL, "", "") == 4);
	/* `from all`: only periods a submission is for (every one is 2026-Q1). */
	ck_assert_ptr_null(fig(&vs, "2026-Q2", NULL, "", ""));
	bb_values_clear(&vs);
	compute(&vs, "2026-Q2", 0);
	ck_assert(val(&vs, "2026-Q2", NULL, "", "") == 4);
	bb_values_clear(&vs);
	/* Exited within 30 days of enrolling. */
	fx_setup("count(*) from enrollments where exit_date - enroll_date <= 30 and "
	    "exit_date + 1 month > \"2026-05-31\"", NULL);
	compute(&vs, "2026-Q2", 0);
	ck_assert(val(&vs, "2026-Q2", NULL, "", "") == 1);
	bb_values_clear(&vs);
	fx_setup("count(*) from enrollments where exit_date + 1 month > \"2026-06-01\"", NULL);
	compute(&vs, "2026-Q2", 0);
	ck_assert(val(&vs, "2026-Q2", NULL, "", "") == 0);
	bb_values_clear(&vs);
	/* Unknown is not true: not (grade = "K") leaves out records without... */
	fx_setup("count(*) from enrollments where not (sex = \"F\")", NULL);
	compute(&vs, "2026-Q1", 0);
	ck_assert(val(&vs, "2026-Q1", NULL, "", "") == 1);
	bb_values_clear(&vs);
	sx_close(st);
}
END_TEST

START_TEST(corrections_and_as_of)
{
	static const char *const fixed[] = {
		"{\"student_id\":\"Z\",\"grade\":\"K\",\"enroll_date\":\"2026-03-15\"}",
	};
	struct bb_values vs;
	seed();
	fx_setup("count(*) from enrollments", "grade", NULL);
	int64_t id = sx_submit(st, "west", "enrollments", "2026-Q1", fixed, 1, 2, NULL);
	ck_assert_int_eq(id, 3);
	compute(&vs, "2026-Q1", 0);
	ck_assert(val(&vs, "2026-Q1", "west", "", "") == 1);
	ck_assert(val(&vs, "2026-Q1", NULL, "", "") == 4);
	ck_assert_int_eq(fig(&vs, "2026-Q1", NULL, "", "")->as_of, 3);
	bb_values_clear(&vs);
	/* As the data stood after submission 2. */
	compute(&vs, "2026-Q1", 2);
	ck_assert(val(&vs, "2026-Q1", "west", "", "") == 2);
	ck_assert(val(&vs, "2026-Q1", NULL, "", "") == 5);
	bb_values_clear(&vs);
	compute(&vs, "2026-Q1", 1);
	ck_assert_ptr_null(fig(&vs, "2026-Q1", "west", "", ""));
	bb_values_clear(&vs);
	sx_close(st);
}
END_TEST

START_TEST(aggregate_partners)
{
	static const char *const counts[] = {
		"{\"grade\":\"K\",\"students\":12}",
		"{\"grade\":\"1\",\"students\":7}",
	};
	struct bb_values vs;
	seed();
	sx_submit(st, "north", "headcounts", "2026-Q1", counts, 2, 0, NULL);
	fx_setup("count(distinct participant) from enrollments, headcounts", "grade", NULL);
	compute(&vs, NULL, 0);
	const struct bb_value *v = fig(&vs, "2026-Q1", NULL, "", "");
	ck_assert(v->value == 4 + 19);
	ck_assert_int_eq(v->dedup, BB_DEDUP_PARTIAL);
	ck_assert_str_eq(v->dedup_note, "unduplicated across partner east; partner north: "
	    "aggregate counts only; partner west: 1 record not linked to a participant");
	ck_assert(val(&vs, "2026-Q1", "north", "grade", "1") == 7);
	ck_assert_int_eq(fig(&vs, "2026-Q1", "north", "", "")->dedup, BB_DEDUP_NONE);
	bb_values_clear(&vs);
	sx_close(st);
}
END_TEST

/* A sum over an aggregate dataset stands on the counts of its rows:
 * 2026-11-23, review of the demo's housing figures (570 households from 2
 * rows were suppressed as a small cell; 3 from 12 rows would be shown). */
START_TEST(aggregate_sum_counts_units_not_rows)
{
	static const char *const big[] = {
		"{\"grade\":\"K\",\"students\":300}",
		"{\"grade\":\"1\",\"students\":270}",
	};
	static const char *const small[] = {
		"{\"grade\":\"2\",\"students\":1}", "{\"grade\":\"2\",\"students\":0}",
		"{\"grade\":\"2\",\"students\":0}", "{\"grade\":\"2\",\"students\":1}",
		"{\"grade\":\"2\",\"students\":0}", "{\"grade\":\"2\",\"students\":0}",
		"{\"grade\":\"2\",\"students\":0}", "{\"grade\":\"2\",\"students\":0}",
		"{\"grade\":\"2\",\"students\":1}", "{\"grade\":\"2\",\"students\":0}",
		"{\"grade\":\"2\",\"students\":0}", "{\"grade\":\"2\",\"students\":0}",
	};
	struct bb_values vs;
	const struct bb_value *v;
	st = sx_open();
	sx_submit(st, "north", "headcounts", "2026-Q1", big, 2, 0, NULL);
	sx_submit(st, "south", "headcounts", "2026-Q1", small, 12, 0, NULL);
	fx_setup("sum(students) from headcounts", "grade", NULL);
	fx_fw.confidentiality.min_cell_size = 11;
	compute(&vs, NULL, 0);
	v = fig(&vs, "2026-Q1", "north", "", "");
	ck_assert(v->value == 570);
	ck_assert_int_eq(v->n_num, 570);
	v = fig(&vs, "2026-Q1", "south", "", "");
	ck_assert(v->value == 3);
	ck_assert_int_eq(v->n_num, 3);
	ck_assert_int_eq(v->records, 12);
	bb_measure_suppress(&vs, 11, BB_ROLE_PUBLIC, NULL);
	/* South's 3 is a small cell; north's 570 is not (it only goes too,
	 * as the complement that keeps south's from being subtracted). */
	ck_assert_int_eq(fig(&vs, "2026-Q1", "south", "", "")->why, 'p');
	ck_assert_int_eq(fig(&vs, "2026-Q1", "north", "", "")->why, 'c');
	ck_assert(!fig(&vs, "2026-Q1", NULL, "", "")->suppressed);
	bb_values_clear(&vs);
	sx_close(st);
}
END_TEST

struct hits {
	int64_t rec[16];
	size_t part[16];
	int64_t who[16];
	size_t n;
};

static int
hit_cb(const struct bb_trace_hit *h, void *arg)
{
	struct hits *x = arg;
	if (x->n < 16) {
		x->rec[x->n] = h->record_id;
		x->part[x->n] = h->part;
		x->who[x->n] = h->participant_id;
		x->n++;
	}
	return BB_OK;
}

START_TEST(trace_lists_the_records)
{
	struct bb_findings f;
	struct bb_plan *p = NULL;
	struct bb_period per;
	const char *why;
	struct hits h;
	seed();
	fx_setup("percent(count(distinct participant) from enrollments where grade = \"K\", "
	    "count(distinct participant) from enrollments)", "grade", NULL);
	bb_findings_init(&f);
	ck_assert_int_eq(bb_measure_compile(&fx_fw, &fx_ind, NULL, &p, &f), BB_OK);
	bb_findings_free(&f);
	ck_assert_int_eq(bb_period_parse("2026-Q1", &p->ys, &per, &why), BB_OK);
	const struct bb_plan *plans[1] = { p };
	const struct bb_period *pp[1] = { &per };
	size_t np[1] = { 1 };
	struct bb_run run;
	struct bb_run_result res;
	memset(&run, 0, sizeof(run));
	run.plans = plans;
	run.nplans = 1;
	run.periods = pp;
	run.nperiods = np;
	run.trace = hit_cb;
	run.trace_arg = &h;
	memset(&h, 0, sizeof(h));
	run.trace_partner = "east";
	ck_assert_int_eq(bb_store_plans_run(st, &run, &res), BB_OK);
	bb_run_result_free(&res);
	/* Numerator: record 1 (K); denominator: records 1, 2, 3. */
	ck_assert_uint_eq(h.n, 4);
	ck_assert_int_eq(h.rec[0], rid[0]);
	ck_assert_uint_eq(h.part[0], 0);
	ck_assert_uint_eq(h.part[1], 1);
	ck_assert_int_eq(h.who[0], 1);
	/* The cell grade=1 of the initiative: east's b and west's unlinked Z. */
	memset(&h, 0, sizeof(h));
	run.trace_partner = NULL;
	run.trace_group = 1;
	run.trace_label = "1";
	ck_assert_int_eq(bb_store_plans_run(st, &run, &res), BB_OK);
	bb_run_result_free(&res);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_int_eq(h.rec[0], rid[1]);
	ck_assert_int_eq(h.rec[1], rid[5]);
	ck_assert_int_eq(h.who[1], 0);
	bb_plan_free(p);
	sx_close(st);
}
END_TEST

/* The maintained values equal values computed from scratch. */
static void
same_as_scratch(void)
{
	struct bb_values a, b;
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(bb_store_values_load(st, 1, NULL, NULL, &a), BB_OK);
	compute(&b, NULL, 0);
	bb_measure_suppress(&b, fx_fw.confidentiality.min_cell_size, BB_ROLE_PUBLIC, NULL);
	ck_assert_uint_eq(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		ck_assert_str_eq(a.v[i].period, b.v[i].period);
		ck_assert(bb_streq(a.v[i].partner, b.v[i].partner));
		ck_assert_str_eq(a.v[i].dvalue, b.v[i].dvalue);
		ck_assert(a.v[i].value == b.v[i].value);
		ck_assert_int_eq(a.v[i].records, b.v[i].records);
		ck_assert_int_eq(a.v[i].suppressed, b.v[i].suppressed);
		ck_assert_str_eq(a.v[i].dedup_note, b.v[i].dedup_note);
	}
	bb_values_clear(&a);
	bb_values_clear(&b);
}

START_TEST(maintained_values_follow_arrivals)
{
	static const char *const more[] = {
		"{\"student_id\":\"q\",\"grade\":\"3\",\"enroll_date\":\"2026-07-04\"}",
	};
	struct bb_refresh_stats rs;
	struct bb_values a;
	seed();
	fx_setup("count(*) from enrollments", "grade", NULL);
	ck_assert_int_eq(bb_measure_refresh(st, &fx_fw, 1, &rs), BB_OK);
	ck_assert(rs.full);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(bb_store_values_load(st, 1, NULL, NULL, &a), BB_OK);
	ck_assert_uint_gt(a.n, 0);
	bb_values_clear(&a);
	/* A new submission touches only 2026-Q3. */
	sx_submit(st, "west", "enrollments", "2026-Q3", more, 1, 0, NULL);
	ck_assert_int_eq(bb_measure_refresh(st, &fx_fw, 1, &rs), BB_OK);
	ck_assert(!rs.full);
	ck_assert_uint_eq(rs.periods, 1);
	/* Maintained values equal values computed from scratch. */
	same_as_scratch();
	int64_t as_of;
	bool found;
	ck_assert_int_eq(bb_store_values_state(st, 1, &as_of, NULL, &found), BB_OK);
	ck_assert(found);
	ck_assert_int_eq(as_of, 3);
	/* Nothing new: nothing to do. */
	ck_assert_int_eq(bb_measure_refresh(st, &fx_fw, 1, &rs), BB_OK);
	ck_assert_uint_eq(rs.periods, 0);
	sx_close(st);
}
END_TEST

/* Found in review (2026-11): a file arriving late (Q2 after Q3) touched
 * only its own period, but under `from all` its records count in every
 * period: the maintained Q3 figure stayed without them. */
START_TEST(maintained_from_all_follows_a_late_file)
{
	static const char *const q3[] = {
		"{\"student_id\":\"q\",\"grade\":\"3\",\"enroll_date\":\"2026-07-04\"}",
	};
	static const char *const q2[] = {
		"{\"student_id\":\"r\",\"grade\":\"2\",\"enroll_date\":\"2026-04-10\"}",
		"{\"student_id\":\"s\",\"grade\":\"K\",\"enroll_date\":\"2026-05-10\"}",
	};
	struct bb_refresh_stats rs;
	seed();
	fx_setup("count(*) from all enrollments where enroll_date <= period.end",
	    "grade", NULL);
	ck_assert_int_eq(bb_measure_refresh(st, &fx_fw, 1, &rs), BB_OK);
	sx_submit(st, "west", "enrollments", "2026-Q3", q3, 1, 0, NULL);
	ck_assert_int_eq(bb_measure_refresh(st, &fx_fw, 1, &rs), BB_OK);
	same_as_scratch();
	sx_submit(st, "east", "enrollments", "2026-Q2", q2, 2, 0, NULL);
	ck_assert_int_eq(bb_measure_refresh(st, &fx_fw, 1, &rs), BB_OK);
	ck_assert(!rs.full);
	same_as_scratch();
	sx_close(st);
}
END_TEST

/* Another process (a second store on the same file) commits a linkage
 * change and recomputes the values while this one is refreshing them from
 * its snapshot: under the write lock the data is found changed, and the
 * older values are not stored over the newer ones as current. */
static struct bb_store *race_other;
static int race_fired;
static int64_t race_record;

static int
race_cb(void *arg)
{
	sqlite3 *mine = arg;
	struct bb_stmt *q;
	struct bb_refresh_stats rs;

	if (race_fired || sqlite3_txn_state(mine, "main") != SQLITE_TXN_READ)
		return 0;
	race_fired = 1;
	ck_assert_int_eq(bb_db_prepare(race_other->db, "UPDATE record_participant"
	    " SET participant_id = 2 WHERE record_id = ?", &q), BB_OK);
	bb_stmt_bind_int64(q, 1, race_record);
	ck_assert_int_ge(bb_stmt_step(q), 0);
	bb_stmt_free(q);
	ck_assert_int_eq(bb_measure_recompute(race_other, &fx_fw, 1, &rs), BB_OK);
	return 0;
}

START_TEST(values_not_stored_over_newer_ones)
{
	static const char *const more[] = {
		"{\"student_id\":\"q\",\"grade\":\"3\",\"enroll_date\":\"2026-07-04\"}",
	};
	struct bb_refresh_stats rs;
	struct bb_diag d;
	char path[160], kept[65], now[65];
	sqlite3 *mine;
	int64_t as_of;
	bool found;

	seed();
	fx_setup("count(distinct participant) from enrollments", NULL);
	ck_assert_int_eq(bb_measure_refresh(st, &fx_fw, 1, &rs), BB_OK);
	sx_submit(st, "west", "enrollments", "2026-Q3", more, 1, 0, NULL);
	snprintf(path, sizeof(path), "%s/t.db", sx_dir);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(bb_store_open(path, false, &race_other, &d), BB_OK);
	mine = bb_db_handle(st->db);
	race_record = rid[0];	/* east's "a", participant 1: now 2 */
	race_fired = 0;
	sqlite3_progress_handler(mine, 1, race_cb, mine);
	ck_assert_int_eq(bb_measure_refresh(st, &fx_fw, 1, &rs), BB_OK);
	sqlite3_progress_handler(mine, 0, NULL, NULL);
	ck_assert(race_fired);
	bb_store_close(race_other);
	/* Kept as current, and equal to a computation now. */
	ck_assert_int_eq(bb_store_values_state(st, 1, &as_of, kept, &found), BB_OK);
	ck_assert(found);
	ck_assert_int_eq(bb_store_data_digest(st, 0, now), BB_OK);
	ck_assert_str_eq(kept, now);
	same_as_scratch();
	sx_close(st);
}
END_TEST

/* A figure that rounds to a whole number is one in JSON (and so in
 * report --compare): 7 of 50 is 14.000000000000002 percent, once printed
 * "14.0" beside CSV's "14". */
START_TEST(json_numbers_round_to_whole)
{
	json_t *a = bb_report_json_num(7.0 / 50.0 * 100.0);
	json_t *b = bb_report_json_num(2.0 / 3.0 * 100.0);
	size_t fl = JSON_ENCODE_ANY | JSON_REAL_PRECISION(15);
	char *sa = json_dumps(a, fl), *sb = json_dumps(b, fl);
	ck_assert(json_is_integer(a));
	ck_assert_str_eq(sa, "14");
	ck_assert_str_eq(sb, "66.666667");
	free(sa);
	free(sb);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* The bulk writer's many-at-once path stores what one at a time would:
 * the same ids in the same order, each row's own source row and data,
 * past the statement's width and with a remainder. */
struct seen_records {
	int64_t first, n;
	bool ok;
};

static int
check_record(const struct bb_record *r, void *arg)
{
	struct seen_records *sr = arg;
	char want[32];
	if (sr->n == 0)
		sr->first = r->id;
	snprintf(want, sizeof(want), "{\"i\":%lld}", (long long)sr->n);
	if (r->id != sr->first + sr->n || r->source_row != sr->n + 2 ||
	    strcmp(r->data, want) != 0 || strcmp(r->partner_id, "east") != 0 ||
	    strcmp(r->period, "2026-Q1") != 0)
		sr->ok = false;
	sr->n++;
	return BB_OK;
}

START_TEST(records_written_many_at_once)
{
	enum { N = 150 };
	struct bb_store *s = sx_open();
	struct bb_record_writer *w;
	struct seen_records sr = { 0, 0, true };
	static char text[N * 16];
	static uint64_t rows[N];
	static size_t off[N], len[N];
	size_t at = 0;
	int64_t sub = sx_submit(s, "east", "enrollments", "2026-Q1", NULL, 0, 0, NULL);

	for (size_t i = 0; i < N; i++) {
		rows[i] = i + 2;
		off[i] = at;
		len[i] = (size_t)snprintf(text + at, sizeof(text) - at, "{\"i\":%zu}", i);
		at += len[i];
	}
	ck_assert_int_eq(bb_store_begin(s), BB_OK);
	ck_assert_int_eq(bb_store_records_open(s, sub, "enrollments", "east",
	    "2026-Q1", &w), BB_OK);
	ck_assert_int_eq(bb_store_records_add(w, 1, rows, text, off, len), BB_OK);
	ck_assert_int_eq(bb_store_records_add(w, N - 1, rows + 1, text, off + 1,
	    len + 1), BB_OK);
	bb_store_records_close(w);
	ck_assert_int_eq(bb_store_commit(s), BB_OK);
	ck_assert_int_eq(bb_store_record_each(s, "enrollments", true, check_record,
	    &sr), BB_OK);
	ck_assert_int_eq(sr.n, N);
	ck_assert(sr.ok);
	sx_close(s);
}
END_TEST

Suite *suite_values(void);

Suite *
suite_values(void)
{
	Suite *s = suite_create("values");
	TCase *tc = tcase_create("values");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, people_counted_once);
	tcase_add_test(tc, percent_median_and_bands);
	tcase_add_test(tc, date_arithmetic_and_from_all);
	tcase_add_test(tc, corrections_and_as_of);
	tcase_add_test(tc, aggregate_partners);
	tcase_add_test(tc, aggregate_sum_counts_units_not_rows);
	tcase_add_test(tc, trace_lists_the_records);
	tcase_add_test(tc, maintained_values_follow_arrivals);
	tcase_add_test(tc, maintained_from_all_follows_a_late_file);
	tcase_add_test(tc, json_numbers_round_to_whole);
	tcase_add_test(tc, values_not_stored_over_newer_ones);
	tcase_add_test(tc, records_written_many_at_once);
	suite_add_tcase(s, tc);
	return s;
}
