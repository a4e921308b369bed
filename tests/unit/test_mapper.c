/*
 * test_mapper.c: dates in partners' formats, and JSON string escaping
 * (intake/mapper.c).
 */
#include <check.h>
#include <regex.h>
#include <stdio.h>
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

/* Simple patterns are decided as regexec decides "^(P)$": every text of a
 * few characters over a small alphabet, and some longer ones, under each
 * pattern; other patterns are left to the regex engine. */
START_TEST(simple_patterns_match_as_regexec)
{
	static const char *const simple[] = {
		"[A-Z][0-9]{7}", "[0-9]{5}", "[0-9]{2,3}", "[a-z]+", "[A-Za-z _-]*",
		"A?[0-9]+Z", "[0-9]{1,}", "x-y", "[-0-9]{2}", "[0-9-]?9", "[a-c]{0,2}a",
		"[A-Z]*[A-Z]{2}", "C[0-9]{0}", "[.+]0", "[0-9]{0}", "a{2}b", NULL,
	};
	static const char *const other[] = {
		"(a|b)", "a.b", "[^0-9]", "\\d", "[[:digit:]]", "a{2}*", "^a", "a$",
		"", "a{,3}", "[9-0]", "[a-Z]", "a{3,2}", "[]a]", "a{", "*a", NULL,
	};
	static const char *const longer[] = {
		"C0000000", "C000000", "C00000000", "c0000000", "12345", "1234",
		"123456", "1234\xc3\xa9", "Zo\xc3\xab", "AAAA", "1-2", NULL,
	};
	static const char alpha[][3] = { "A", "Z", "a", "c", "0", "9", "-", " ",
		"_", ".", "+", "\xc3\xa9", "x" };
	size_t na = sizeof(alpha) / sizeof(alpha[0]);

	for (int i = 0; other[i]; i++)
		ck_assert_msg(bb_pattern_simple(other[i]) == NULL, "%s", other[i]);
	for (int i = 0; simple[i]; i++) {
		struct bb_pattern *p = bb_pattern_simple(simple[i]);
		char anch[64], text[16];
		regex_t re;
		ck_assert_msg(p != NULL, "%s", simple[i]);
		snprintf(anch, sizeof(anch), "^(%s)$", simple[i]);
		ck_assert_int_eq(regcomp(&re, anch, REG_EXTENDED | REG_NOSUB), 0);
		for (size_t code = 0; code < na * na * na * na; code++) {
			/* code: the length (0 to 3), then the characters. */
			size_t c = code, len = c % 4;
			text[0] = '\0';
			c /= 4;
			for (size_t k = 0, at = 0; k < len; k++, c /= na)
				at += (size_t)snprintf(text + at, sizeof(text) - at, "%s",
				    alpha[c % na]);
			ck_assert_msg(bb_pattern_match(p, text) ==
			    (regexec(&re, text, 0, NULL, 0) == 0), "%s on '%s'",
			    simple[i], text);
		}
		for (int k = 0; longer[k]; k++)
			ck_assert_msg(bb_pattern_match(p, longer[k]) ==
			    (regexec(&re, longer[k], 0, NULL, 0) == 0), "%s on '%s'",
			    simple[i], longer[k]);
		regfree(&re);
		bb_pattern_free(p);
	}
	/* Past what it decides, it says so. */
	{
		char big[BB_PATTERN_MAX_TEXT + 2];
		struct bb_pattern *p = bb_pattern_simple("[0-9]+");
		memset(big, '1', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ck_assert_int_eq(bb_pattern_match(p, big), -1);
		big[BB_PATTERN_MAX_TEXT] = '\0';
		ck_assert_int_eq(bb_pattern_match(p, big), 1);
		bb_pattern_free(p);
	}
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
	tcase_add_test(tc, simple_patterns_match_as_regexec);
	suite_add_tcase(s, tc);
	return s;
}
