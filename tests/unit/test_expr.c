/*
 * test_expr.c: the indicator expression language (measure/parse.c,
 * measure/compile.c): what parses and compiles, and the exact message and
 * place of every kind of malformed expression.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "measure/expr.h"
#include "measure/measure.h"
#include "store/plan.h"
#include "util/bb.h"
#include "util/diag.h"

#include "measure_fixture.h"

static char got[2048];

/* Compile fx_ind; returns the rc and leaves the first finding in `got`. */
static int
compile_fx(struct bb_plan **plan)
{
	struct bb_findings f;
	struct bb_plan *p = NULL;
	int rc;

	bb_findings_init(&f);
	rc = bb_measure_compile(&fx_fw, &fx_ind, NULL, &p, &f);
	got[0] = '\0';
	if (f.n) {
		char *s = bb_diag_format(&f.items[0]);
		bb_strlcpy(got, s, sizeof(got));
		free(s);
	}
	bb_findings_free(&f);
	if (plan)
		*plan = p;
	else
		bb_plan_free(p);
	return rc;
}

static const char *
error_of(const char *compute)
{
	fx_setup(compute, NULL);
	ck_assert_int_eq(compile_fx(NULL), BB_ERR_INPUT);
	return got;
}

START_TEST(compiles_the_draft_syntax)
{
	static const char *const ok[] = {
		"count(distinct participant) from enrollments where grade in (\"K\",\"1\",\"2\",\"3\")",
		"percent(count(distinct participant) from assessments where reading_level >= 3, "
		    "count(distinct participant) from assessments)",
		"median(days_to_placement) from enrollments",
		"count(*) from enrollments where exit_date is null",
		"count(records) from enrollments where exit_date is not null and not employed_90",
		"count(*) from enrollments where enroll_date within period",
		"count(*) from all enrollments where exit_date + 90 days <= period.end",
		"count(*) from all enrollments where enroll_date <= period.end and "
		    "(exit_date is null or exit_date >= period.start)",
		"mean(attendance) from enrollments where sex = \"F\" or sex != \"M\"",
		"percentile(attendance, 90) from enrollments",
		"sum(days_to_placement * 2 - 1) from enrollments",
		"mean(exit_date - enroll_date) from enrollments where exit_date > \"2026-01-01\"",
		"count(distinct school) from enrollments",
		"count(*) from enrollments where age(birth_date) between 5 and 11",
		"count(*) from enrollments where grade not in (\"K\") and exit_date not within period",
		"ratio(sum(days_to_placement) from enrollments, count(*) from enrollments)",
		"count(distinct participant) from enrollments, assessments where grade = \"3\"",
		"count(*) from headcounts where grade = \"K\"",
		"count(*) from enrollments where exit_date <= enroll_date + 1 year - 2 months",
		"min(year(birth_date)) from enrollments",
		"max(month(enroll_date)) from enrollments where employed_90 = true",
	};
	for (size_t i = 0; i < BB_ARRAY_LEN(ok); i++) {
		fx_setup(ok[i], NULL);
		if (compile_fx(NULL) != BB_OK)
			ck_abort_msg("%s\n  -> %s", ok[i], got);
	}
}
END_TEST

START_TEST(plan_shape)
{
	struct bb_plan *p;

	fx_setup("percent(count(distinct participant) from assessments where "
	    "reading_level >= 3, count(distinct participant) from assessments) "
	    "with level = band(reading_level, [1, 3, 5])", "grade", "level", NULL);
	ck_assert_int_eq(compile_fx(&p), BB_OK);
	ck_assert_int_eq(p->form, BB_FORM_PERCENT);
	ck_assert_uint_eq(p->nparts, 2);
	ck_assert_int_eq(p->part[0].agg, BB_AGG_COUNT_PEOPLE);
	ck_assert(p->part[0].windowed);
	ck_assert_str_eq(p->part[0].sources[0].dataset, "assessments");
	ck_assert_int_ge(p->part[0].sources[0].date_slot, 0);
	ck_assert_str_eq(p->slots[p->part[0].sources[0].date_slot].field, "test_date");
	ck_assert_int_eq(p->part[0].where->kind, BB_PN_CMP);
	ck_assert_int_eq(p->part[0].where->cmp, BB_CMP_GE);
	ck_assert_int_eq(p->part[0].where->kid[1]->lit.type, BB_PV_NUM);
	ck_assert(p->part[0].where->kid[1]->lit.num == 3);
	ck_assert_ptr_null(p->part[1].where);
	ck_assert_uint_eq(p->ngroups, 2);
	ck_assert_str_eq(p->groups[0].name, "grade");
	ck_assert_str_eq(p->groups[1].name, "level");
	ck_assert_uint_eq(p->groups[1].nbreaks, 3);
	ck_assert_int_eq(p->cadence, BB_CAD_QUARTERLY);
	bb_plan_free(p);

	/* A text literal compared with a date becomes a date. */
	fx_setup("count(*) from all enrollments where exit_date >= \"2026-02-01\"", NULL);
	ck_assert_int_eq(compile_fx(&p), BB_OK);
	ck_assert(!p->part[0].windowed);
	ck_assert_int_eq(p->part[0].where->kid[1]->lit.type, BB_PV_DATE);
	ck_assert_int_eq(p->part[0].where->kid[1]->lit.day, 20485);
	bb_plan_free(p);

	/* The built-in age band: age at the period's end from the birth date. */
	fx_setup("count(*) from enrollments", "age_band", "sex", NULL);
	ck_assert_int_eq(compile_fx(&p), BB_OK);
	ck_assert_uint_eq(p->ngroups, 2);
	ck_assert_int_eq(p->groups[0].key->kind, BB_PN_AGE);
	ck_assert_int_eq(p->groups[0].key->kid[1]->kind, BB_PN_PERIOD_END);
	ck_assert_uint_eq(p->groups[0].nbreaks, 6);
	bb_plan_free(p);
}
END_TEST

START_TEST(band_labels)
{
	double br[] = { 0, 5, 12, 18, 25, 65 };
	struct bb_plan_group g = { NULL, NULL, br, 6, NULL, 0 };
	char s[32];
	bb_plan_band_label(&g, 0, s, sizeof(s));
	ck_assert_str_eq(s, "0-4");
	bb_plan_band_label(&g, 4, s, sizeof(s));
	ck_assert_str_eq(s, "0-4");
	bb_plan_band_label(&g, 17, s, sizeof(s));
	ck_assert_str_eq(s, "12-17");
	bb_plan_band_label(&g, 65, s, sizeof(s));
	ck_assert_str_eq(s, "65+");
	bb_plan_band_label(&g, -1, s, sizeof(s));
	ck_assert_str_eq(s, "under 0");
	double half[] = { 0, 2.5 };
	struct bb_plan_group h = { NULL, NULL, half, 2, NULL, 0 };
	bb_plan_band_label(&h, 1, s, sizeof(s));
	ck_assert_str_eq(s, "0-<2.5");
	ck_assert_int_lt(bb_label_cmp("5-11", "12-17"), 0);
	ck_assert_int_lt(bb_label_cmp("under 0", "0-4"), 0);
	ck_assert_int_lt(bb_label_cmp("K", BB_GROUP_MISSING), 0);
	ck_assert_int_lt(bb_label_cmp("3", "K"), 0);
}
END_TEST

/* Every kind of malformed expression, with its exact message and place.
 * The expression starts at framework.yaml:88:17. */
START_TEST(syntax_errors)
{
	ck_assert_str_eq(error_of(""), "framework.yaml:88:17: empty expression");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade = \"K"),
	    "framework.yaml:88:57: unterminated text: \" opened here is never closed");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade # 3"),
	    "framework.yaml:88:55: unexpected character '#'");
	ck_assert_str_eq(error_of("count(*) from enrollments where x = 1.2.3"),
	    "framework.yaml:88:53: malformed number '1.2.3'");
	ck_assert_str_eq(error_of("count(*) from enrollments where exit_date + 90days < period.end"),
	    "framework.yaml:88:61: malformed number '90days'");
	ck_assert_str_eq(error_of("cnt(*) from enrollments"),
	    "framework.yaml:88:17: unknown aggregate 'cnt' (expected count, sum, mean, "
	    "median, percentile, min or max)");
	ck_assert_str_eq(error_of("count(people) from enrollments"),
	    "framework.yaml:88:23: count takes *, records, distinct participant or "
	    "distinct FIELD; found 'people'");
	ck_assert_str_eq(error_of("count(*) enrollments"),
	    "framework.yaml:88:26: expected 'from DATASET' after count(...), found 'enrollments'");
	ck_assert_str_eq(error_of("count(*) from where grade = \"K\""),
	    "framework.yaml:88:31: expected a dataset name, found 'where'");
	ck_assert_str_eq(error_of("count(*) from enrollments where"),
	    "framework.yaml:88:48: expected a value, found the end of the expression");
	ck_assert_str_eq(error_of("count(*) from enrollments where (grade = \"K\""),
	    "framework.yaml:88:61: expected ')', found the end of the expression");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade in \"K\""),
	    "framework.yaml:88:58: expected '(' to open the list after 'in', found the text \"K\"");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade in (grade)"),
	    "framework.yaml:88:59: an 'in' list holds literal values (\"text\", numbers, "
	    "true, false); found 'grade'");
	ck_assert_str_eq(error_of("count(*) from enrollments where exit_date is empty"),
	    "framework.yaml:88:62: expected 'null' after 'is', found 'empty'");
	ck_assert_str_eq(error_of("count(*) from enrollments where enroll_date within year"),
	    "framework.yaml:88:68: expected 'period' after 'within', found 'year'");
	ck_assert_str_eq(error_of("count(*) from enrollments where enroll_date < period"),
	    "framework.yaml:88:63: 'period' is written period.start or period.end "
	    "(or 'FIELD within period')");
	ck_assert_str_eq(error_of("count(*) from enrollments where 1 < 2 < 3"),
	    "framework.yaml:88:55: comparisons do not chain: write 'a < b and b < c'");
	ck_assert_str_eq(error_of("count(*) from enrollments extra"),
	    "framework.yaml:88:43: unexpected 'extra' after the end of the expression");
	ck_assert_str_eq(error_of("percent(count(*) from enrollments)"),
	    "framework.yaml:88:50: expected ',' and the denominator, found ')'");
	ck_assert_str_eq(error_of("percentile(attendance, 120) from enrollments"),
	    "framework.yaml:88:40: the percentile must be from 0 to 100");
	ck_assert_str_eq(error_of("count(*) from enrollments with b = band(attendance, [5, 1])"),
	    "framework.yaml:88:73: a band's breaks must be in ascending order");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade ! \"K\""),
	    "framework.yaml:88:55: unexpected character '!' (write 'not', or '!=')");
}
END_TEST

/* 2026-11-23, found by fuzz_expr: a bad byte where a dataset name was due
 * left the previous token's length on the new offset (read past the end). */
START_TEST(bad_byte_after_from)
{
	ck_assert_str_eq(error_of("count(*) from \x10"),
	    "framework.yaml:88:31: unexpected byte 0x10");
	ck_assert_str_eq(error_of("count(*) from enrollments, \x7f"),
	    "framework.yaml:88:44: unexpected byte 0x7f");
}
END_TEST

START_TEST(nesting_is_capped)
{
	char buf[400];
	size_t n = 0;
	n += (size_t)snprintf(buf, sizeof(buf), "count(*) from enrollments where ");
	for (int i = 0; i < 70; i++)
		buf[n++] = '(';
	buf[n] = '\0';
	ck_assert_str_eq(error_of(buf),
	    "framework.yaml:88:113: expression nested too deeply (more than 64 levels)");
}
END_TEST

START_TEST(name_errors)
{
	ck_assert_str_eq(error_of("count(*) from enrolments"),
	    "framework.yaml:88:31: unknown dataset 'enrolments' (did you mean 'enrollments'?)");
	ck_assert_str_eq(error_of("mean(atendance) from enrollments"),
	    "framework.yaml:88:22: unknown field 'atendance' in dataset 'enrollments' "
	    "(did you mean 'attendance'?)");
	ck_assert_str_eq(error_of("count(*) from enrollments, assessments where exit_date is null"),
	    "framework.yaml:88:62: unknown field 'exit_date' in dataset 'assessments'");
	ck_assert_str_eq(error_of("count(*) from enrollments where agee(birth_date) > 5"),
	    "framework.yaml:88:49: unknown function 'agee' (did you mean 'age'?) "
	    "(functions: age, year, month)");
	ck_assert_str_eq(error_of("count(*) from enrollments, enrollments"),
	    "framework.yaml:88:44: dataset 'enrollments' is named twice");
}
END_TEST

START_TEST(type_errors)
{
	ck_assert_str_eq(error_of("sum(grade) from enrollments"),
	    "framework.yaml:88:21: sum() needs a number; 'grade' is a code");
	ck_assert_str_eq(error_of("median(exit_date) from enrollments"),
	    "framework.yaml:88:24: median() needs a number; 'exit_date' is a date "
	    "(a number of days is DATE - DATE)");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade = 3"),
	    "framework.yaml:88:55: cannot compare text with a number with '=': 'grade' is "
	    "a code, this is a number (write codes as text: \"3\")");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade = \"4\""),
	    "framework.yaml:88:57: \"4\" is not a code of field 'grade' (codes: K, 1, 2, 3)");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade in (\"K\", \"7\")"),
	    "framework.yaml:88:64: \"7\" is not a code of field 'grade' (codes: K, 1, 2, 3)");
	ck_assert_str_eq(error_of("count(*) from enrollments where exit_date > 2026-01-01"),
	    "framework.yaml:88:59: cannot compare a date with a number with '>': 'exit_date' "
	    "is a date, this is a number (write dates as text: \"2026-01-01\")");
	ck_assert_str_eq(error_of("count(*) from enrollments where exit_date > \"2026-02-30\""),
	    "framework.yaml:88:61: \"2026-02-30\" is not a date (write dates as \"YYYY-MM-DD\")");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade"),
	    "framework.yaml:88:49: the condition after 'where' must be true or false; "
	    "'grade' is a code");
	ck_assert_str_eq(error_of("count(*) from enrollments where employed_90 and attendance"),
	    "framework.yaml:88:65: each side of 'and' must be true or false; "
	    "'attendance' is a number");
	ck_assert_str_eq(error_of("count(*) from enrollments where grade within period"),
	    "framework.yaml:88:55: 'within period' needs a date; 'grade' is a code");
	ck_assert_str_eq(error_of("count(*) from enrollments where exit_date + 90 <= period.end"),
	    "framework.yaml:88:59: '+' cannot combine a date and a number: 'exit_date' is "
	    "a date, this is a number (dates take 'DATE + 90 days', 'DATE - 1 month' or "
	    "'DATE - DATE')");
	ck_assert_str_eq(error_of("count(*) from enrollments where attendance > 3 days"),
	    "framework.yaml:88:60: a duration (like 90 days) can only be added to or "
	    "subtracted from a date");
	ck_assert_str_eq(error_of("count(*) from enrollments where school < \"B\""),
	    "framework.yaml:88:56: '<' orders numbers and dates; text can only be "
	    "compared with = and !=");
	ck_assert_str_eq(error_of("count(*) from enrollments where age(grade) > 5"),
	    "framework.yaml:88:53: age() takes a date; 'grade' is a code");
	ck_assert_str_eq(error_of("count(*) from enrollments where \"x\" is null"),
	    "framework.yaml:88:49: 'is null' tests a field or a value computed from fields");
	ck_assert_str_eq(error_of("percent(mean(attendance) from enrollments, count(*) from enrollments)"),
	    "framework.yaml:88:25: percent() takes two counts; the numerator is a mean "
	    "(use ratio() for other aggregates)");
	ck_assert_str_eq(error_of("median(days_to_placement) from headcounts"),
	    "framework.yaml:88:17: median() cannot be computed from 'headcounts': it holds "
	    "counts, not records (count(*) and count(distinct participant) add up its "
	    "counts; sum() adds a field)");
	ck_assert_str_eq(error_of("count(*) from enrollments with b = band(grade, [1, 2])"),
	    "framework.yaml:88:57: band() needs a number (an age, a count); 'grade' is a code");
}
END_TEST

START_TEST(disaggregation_errors)
{
	fx_setup("count(*) from enrollments", "ethnicity", NULL);
	ck_assert_int_eq(compile_fx(NULL), BB_ERR_INPUT);
	ck_assert_str_eq(got, "framework.yaml:80:7: indicator 'ind1': disaggregation "
	    "'ethnicity' is not a field of dataset 'enrollments' nor a band defined with 'with'");
	fx_setup("count(*) from assessments", "age_band", NULL);
	ck_assert_int_eq(compile_fx(NULL), BB_ERR_INPUT);
	ck_assert_str_eq(got, "framework.yaml:80:7: indicator 'ind1': disaggregation "
	    "'age_band' is not a field of dataset 'assessments' nor a band defined with "
	    "'with' (the built-in age_band needs a birth date field with identity birth_date)");
	fx_setup("count(*) from enrollments", "exit_date", NULL);
	ck_assert_int_eq(compile_fx(NULL), BB_ERR_INPUT);
	ck_assert_str_eq(got, "framework.yaml:80:7: indicator 'ind1': disaggregation "
	    "'exit_date' is a date; group it with a band (with exit_date_band = band(...))");
	fx_setup("count(*) from enrollments, assessments", "sex", NULL);
	ck_assert_int_eq(compile_fx(NULL), BB_ERR_INPUT);
	ck_assert_str_eq(got, "framework.yaml:80:7: indicator 'ind1': disaggregation "
	    "'sex' is not a field of dataset 'assessments' nor a band defined with 'with'");
	/* A band nobody lists is a warning, not an error. */
	fx_setup("count(*) from enrollments with b = band(attendance, [0, 50])", NULL);
	ck_assert_int_eq(compile_fx(NULL), BB_OK);
	ck_assert_str_eq(got, "framework.yaml:88:48: warning: band 'b' is defined but "
	    "not listed in the indicator's disaggregations");
}
END_TEST

/* Positions inside the file when its text is known: quoted, folded and
 * block scalars. */
START_TEST(positions_in_the_source)
{
	struct bb_fw_text t = { "f.yaml", NULL, 0 };
	struct bb_loc at = { 3, 14 };
	unsigned long line, col;
	const char *src1 = "a: 1\nb: 2\n    compute: \"count(*) from x where y\"\n";
	const char *expr1 = "count(*) from x where y";
	t.source = src1;
	t.len = strlen(src1);
	bb_measure_locate(&t, &at, expr1, 14, &line, &col);
	ck_assert_uint_eq(line, 3);
	ck_assert_uint_eq(col, 29);
	const char *src2 = "a: 1\nb: 2\n    compute: |\n      count(*) from x\n      where y\n";
	const char *expr2 = "count(*) from x\nwhere y\n";
	t.source = src2;
	t.len = strlen(src2);
	bb_measure_locate(&t, &at, expr2, 22, &line, &col);
	ck_assert_uint_eq(line, 5);
	ck_assert_uint_eq(col, 13);
	const char *src3 = "a: 1\nb: 2\n    compute: count(*) from x\n      where y\n";
	const char *expr3 = "count(*) from x where y";
	t.source = src3;
	t.len = strlen(src3);
	bb_measure_locate(&t, &at, expr3, 22, &line, &col);
	ck_assert_uint_eq(line, 4);
	ck_assert_uint_eq(col, 13);
	/* Without the source: counted from the start. */
	t.source = NULL;
	bb_measure_locate(&t, &at, expr3, 22, &line, &col);
	ck_assert_uint_eq(line, 3);
	ck_assert_uint_eq(col, 36);
}
END_TEST

START_TEST(check_reports_every_indicator)
{
	struct bb_findings f;
	struct bb_fw_text t = { "framework.yaml", NULL, 0 };
	fx_setup("count(*) from nowhere", NULL);
	bb_findings_init(&f);
	ck_assert_int_eq(bb_measure_check(&fx_fw, &t, &f), BB_ERR_INPUT);
	ck_assert_uint_eq(f.errors, 1);
	bb_findings_free(&f);
	fx_setup(NULL, NULL);
	bb_findings_init(&f);
	ck_assert_int_eq(bb_measure_check(&fx_fw, &t, &f), BB_OK);
	ck_assert_uint_eq(f.warnings, 1);
	char *s = bb_diag_format(&f.items[0]);
	ck_assert_str_eq(s, "framework.yaml:80:7: warning: indicator 'ind1' has no compute "
	    "expression: no values will be computed for it");
	free(s);
	bb_findings_free(&f);
}
END_TEST

Suite *suite_expr(void);

Suite *
suite_expr(void)
{
	Suite *s = suite_create("expr");
	TCase *tc = tcase_create("expr");
	tcase_add_test(tc, compiles_the_draft_syntax);
	tcase_add_test(tc, plan_shape);
	tcase_add_test(tc, band_labels);
	tcase_add_test(tc, syntax_errors);
	tcase_add_test(tc, bad_byte_after_from);
	tcase_add_test(tc, nesting_is_capped);
	tcase_add_test(tc, name_errors);
	tcase_add_test(tc, type_errors);
	tcase_add_test(tc, disaggregation_errors);
	tcase_add_test(tc, positions_in_the_source);
	tcase_add_test(tc, check_reports_every_indicator);
	suite_add_tcase(s, tc);
	return s;
}
