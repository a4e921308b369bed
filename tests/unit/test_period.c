/*
 * test_period.c: day numbers and period labels (framework/period.c).
 */
#include <check.h>
#include <string.h>

#include "framework/period.h"
#include "util/bb.h"

static const struct bb_year_starts YS = { 8, 7 };

START_TEST(day_numbers_round_trip)
{
	int32_t d;
	int y, m, dd;
	ck_assert(bb_date_from_ymd(1970, 1, 1, &d));
	ck_assert_int_eq(d, 0);
	ck_assert(bb_date_from_ymd(2000, 3, 1, &d));
	ck_assert_int_eq(d, 11017);
	ck_assert(!bb_date_from_ymd(2023, 2, 29, &d));
	ck_assert(bb_date_from_ymd(2024, 2, 29, &d));
	for (int32_t z = -700000; z < 2900000; z += 997) {
		char s[11];
		int32_t back;
		bb_date_to_ymd(z, &y, &m, &dd);
		ck_assert(bb_date_from_ymd(y, m, dd, &back));
		ck_assert_int_eq(back, z);
		if (y >= 1000) {
			bb_date_format(z, s);
			ck_assert(bb_date_parse_iso(s, &back));
			ck_assert_int_eq(back, z);
		}
	}
}
END_TEST

START_TEST(iso_parse_strict)
{
	int32_t d;
	ck_assert(bb_date_parse_iso("2026-11-23", &d));
	ck_assert(!bb_date_parse_iso("2026-11-31", &d));
	ck_assert(!bb_date_parse_iso("2026-1-23", &d));
	ck_assert(!bb_date_parse_iso("2026-11-23 ", &d));
	ck_assert(!bb_date_parse_iso("0999-01-01", &d));
}
END_TEST

static void
check_label(const char *label, const char *start, const char *end)
{
	struct bb_period p;
	const char *why;
	char a[11], b[11];
	ck_assert_msg(bb_period_parse(label, &YS, &p, &why) == BB_OK, "%s", label);
	bb_date_format(p.start, a);
	bb_date_format(p.end, b);
	ck_assert_str_eq(a, start);
	ck_assert_str_eq(b, end);
	ck_assert_str_eq(p.label, label);
}

START_TEST(labels)
{
	check_label("2026", "2026-01-01", "2026-12-31");
	check_label("2026-Q1", "2026-01-01", "2026-03-31");
	check_label("2026-Q4", "2026-10-01", "2026-12-31");
	check_label("2024-02", "2024-02-01", "2024-02-29");
	check_label("SY2026-27", "2026-08-01", "2027-07-31");
	check_label("FY2027", "2026-07-01", "2027-06-30");
	check_label("2026-01-15..2026-03-31", "2026-01-15", "2026-03-31");
}
END_TEST

START_TEST(bad_labels)
{
	struct bb_period p;
	const char *why;
	const char *bad[] = { "", "26", "2026-Q5", "2026-13", "SY2026-28",
	    "FY27", "2026-03-31..2026-01-01", "2026-02-30..2026-03-01", "Q1-2026",
	    "2026-Q1x", "..", "2026..", NULL };
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(bb_period_parse(bad[i], &YS, &p, &why) == BB_ERR_INPUT,
		    "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(containing_prev_next)
{
	struct bb_period p, q;
	int32_t d;
	bb_date_parse_iso("2026-11-23", &d);
	bb_period_containing(BB_CAD_QUARTERLY, d, &YS, &p);
	ck_assert_str_eq(p.label, "2026-Q4");
	bb_period_prev(&p, &YS, &q);
	ck_assert_str_eq(q.label, "2026-Q3");
	bb_period_containing(BB_CAD_SCHOOL_YEAR, d, &YS, &p);
	ck_assert_str_eq(p.label, "SY2026-27");
	bb_period_containing(BB_CAD_FISCAL_YEAR, d, &YS, &p);
	ck_assert_str_eq(p.label, "FY2027");
	bb_period_next(&p, &YS, &q);
	ck_assert_str_eq(q.label, "FY2028");
	bb_period_last_ended(BB_CAD_MONTHLY, d, &YS, &p);
	ck_assert_str_eq(p.label, "2026-10");
	bb_date_parse_iso("2027-01-05", &d);
	bb_period_last_ended(BB_CAD_ANNUAL, d, &YS, &p);
	ck_assert_str_eq(p.label, "2026");
}
END_TEST

Suite *suite_period(void);

Suite *
suite_period(void)
{
	Suite *s = suite_create("period");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, day_numbers_round_trip);
	tcase_add_test(tc, iso_parse_strict);
	tcase_add_test(tc, labels);
	tcase_add_test(tc, bad_labels);
	tcase_add_test(tc, containing_prev_next);
	suite_add_tcase(s, tc);
	return s;
}
