/*
 * test_mapper.c: dates in partners' formats, and JSON string escaping
 * (intake/mapper.c).
 */
#include <check.h>
#include <string.h>

#include "framework/period.h"
#include "intake/mapper.h"
#include "util/buf.h"

static const char *
iso(const char *text, const char *fmt)
{
	static char out[11];
	int32_t d;
	if (!bb_mapper_parse_date(text, fmt, &d))
		return "bad";
	bb_date_format(d, out);
	return out;
}

START_TEST(dates_in_formats)
{
	ck_assert_str_eq(iso("04/02/2019", "MM/DD/YYYY"), "2019-04-02");
	ck_assert_str_eq(iso("4/2/2019", "M/D/YYYY"), "2019-04-02");
	ck_assert_str_eq(iso("02.04.2019", "DD.MM.YYYY"), "2019-04-02");
	ck_assert_str_eq(iso("20190402", "YYYYMMDD"), "2019-04-02");
	ck_assert_str_eq(iso("2 Apr 2019", "D MMM YYYY"), "2019-04-02");
	ck_assert_str_eq(iso("2 April 2019", "D MMM YYYY"), "2019-04-02");
	/* ISO is always understood, with or without a time. */
	ck_assert_str_eq(iso("2019-04-02", "MM/DD/YYYY"), "2019-04-02");
	ck_assert_str_eq(iso("2019-04-02T10:00:00", NULL), "2019-04-02");
	/* A trailing time after the format is allowed. */
	ck_assert_str_eq(iso("04/02/2019 00:00:00", "MM/DD/YYYY"), "2019-04-02");
	/* Dates that do not exist, and text that does not fit. */
	ck_assert_str_eq(iso("02/30/2019", "MM/DD/YYYY"), "bad");
	ck_assert_str_eq(iso("13/01/2019", "MM/DD/YYYY"), "bad");
	ck_assert_str_eq(iso("2019/04/02", "MM/DD/YYYY"), "bad");
	ck_assert_str_eq(iso("04/02/2019x", "MM/DD/YYYY"), "bad");
	ck_assert_str_eq(iso("", "MM/DD/YYYY"), "bad");
	ck_assert_str_eq(iso("04/02/2019", NULL), "bad");
}
END_TEST

START_TEST(excel_serials)
{
	ck_assert_str_eq(iso("1", "excel"), "1900-01-01");
	ck_assert_str_eq(iso("59", "excel"), "1900-02-28");
	/* Serial 60 is Excel's 1900-02-29, which never existed. */
	ck_assert_str_eq(iso("60", "excel"), "bad");
	ck_assert_str_eq(iso("61", "excel"), "1900-03-01");
	ck_assert_str_eq(iso("43557", "excel"), "2019-04-02");
	ck_assert_str_eq(iso("43557.75", "excel"), "2019-04-02");
	ck_assert_str_eq(iso("0", "excel"), "bad");
	ck_assert_str_eq(iso("-5", "excel"), "bad");
	ck_assert_str_eq(iso("abc", "excel"), "bad");
}
END_TEST

START_TEST(json_escaping)
{
	struct bb_buf b;
	bb_buf_init(&b, 1024);
	const char s[] = "a\"b\\c\n\x01Zoë";
	bb_json_string(&b, s, sizeof(s) - 1);
	ck_assert_str_eq(bb_buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001Zoë\"");
	bb_buf_free(&b);
}
END_TEST

Suite *suite_mapper(void);

Suite *
suite_mapper(void)
{
	Suite *s = suite_create("mapper");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, dates_in_formats);
	tcase_add_test(tc, excel_serials);
	tcase_add_test(tc, json_escaping);
	suite_add_tcase(s, tc);
	return s;
}
