/*
 * test_util.c: util/ (buffers, number parsing and formatting, findings).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/bb.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/hash.h"

START_TEST(buf_respects_max)
{
	struct bb_buf b;
	bb_buf_init(&b, 8);
	ck_assert_int_eq(bb_buf_puts(&b, "abcdefgh"), BB_OK);
	ck_assert(!b.full);
	ck_assert_int_eq(bb_buf_putc(&b, 'i'), BB_ERR_LIMIT);
	/* A refused append leaves the buffer as it was, and says so until
	 * the next reset (also through the inline fast path). */
	ck_assert_str_eq(bb_buf_str(&b), "abcdefgh");
	ck_assert_uint_eq(b.len, 8);
	ck_assert(b.full);
	bb_buf_reset(&b);
	ck_assert(!b.full);
	bb_buf_add(&b, "abcdefghi", 9);
	ck_assert(b.full);
	ck_assert_uint_eq(b.len, 0);
	bb_buf_free(&b);
}
END_TEST

START_TEST(buf_printf_grows)
{
	struct bb_buf b;
	bb_buf_init(&b, BB_BUF_NOMAX);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(bb_buf_printf(&b, "%04d,", i), BB_OK);
	ck_assert_uint_eq(b.len, 5000);
	ck_assert(strncmp(bb_buf_str(&b) + 4995, "0999,", 5) == 0);
	char *t = bb_buf_take(&b);
	ck_assert_ptr_null(b.data);
	free(t);
}
END_TEST

START_TEST(parse_i64_strict)
{
	int64_t v;
	ck_assert_int_eq(bb_parse_i64("42", &v), BB_OK);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(bb_parse_i64("-7", &v), BB_OK);
	ck_assert_int_eq(v, -7);
	ck_assert_int_eq(bb_parse_i64("", &v), BB_ERR_INPUT);
	ck_assert_int_eq(bb_parse_i64(" 4", &v), BB_ERR_INPUT);
	ck_assert_int_eq(bb_parse_i64("4x", &v), BB_ERR_INPUT);
	ck_assert_int_eq(bb_parse_i64("99999999999999999999", &v), BB_ERR_INPUT);
}
END_TEST

START_TEST(parse_double_strict)
{
	double v;
	ck_assert_int_eq(bb_parse_double("2.5", &v), BB_OK);
	ck_assert(v == 2.5);
	ck_assert_int_eq(bb_parse_double("nan", &v), BB_ERR_INPUT);
	ck_assert_int_eq(bb_parse_double("inf", &v), BB_ERR_INPUT);
	ck_assert_int_eq(bb_parse_double("0x10", &v), BB_ERR_INPUT);
	ck_assert_int_eq(bb_parse_double("1e999", &v), BB_ERR_INPUT);
}
END_TEST

START_TEST(format_double_trims)
{
	char b[64];
	bb_format_double(b, sizeof(b), 12.5, 2);
	ck_assert_str_eq(b, "12.5");
	bb_format_double(b, sizeof(b), 3.0, 2);
	ck_assert_str_eq(b, "3");
	bb_format_double(b, sizeof(b), -0.0001, 2);
	ck_assert_str_eq(b, "0");
	bb_format_double(b, sizeof(b), 2.0 / 3.0, 3);
	ck_assert_str_eq(b, "0.667");
	/* Found in review (2026-11): a number too long for the buffer came
	 * out cut short, 2e300 as a 63-digit number. */
	bb_format_double(b, sizeof(b), 2e300, 6);
	ck_assert_str_eq(b, "2e+300");
	bb_format_double(b, sizeof(b), -1.5e70, 2);
	ck_assert_str_eq(b, "-1.5e+70");
	bb_format_double(b, sizeof(b), 1e40, 0);
	ck_assert_str_eq(b, "10000000000000000303786028427003666890752");
}
END_TEST

/* Names and messages from outside, made valid one-line UTF-8 text. */
static void
check_clean(const char *in, const char *want)
{
	char *got = bb_utf8_clean(in);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(utf8_clean_replaces)
{
	check_clean("plain.csv", "plain.csv");
	check_clean("caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac");
	check_clean("a\xff" "b", "a\xef\xbf\xbd" "b");			/* not UTF-8 */
	check_clean("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");	/* overlong '/' */
	check_clean("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	check_clean("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd");	/* cut short */
	check_clean("a\nb\tc\x7f\xc2\x85", "a?b?c??");		/* controls, C1 too */
	check_clean("", "");
}
END_TEST

START_TEST(findings_format_and_sort)
{
	struct bb_findings f;
	bb_findings_init(&f);
	bb_findings_add(&f, BB_SEV_WARNING, "fw.yaml", 9, 3, "smart", "no target");
	bb_findings_add(&f, BB_SEV_ERROR, "fw.yaml", 2, 5, "key", "unknown key 'x'");
	bb_findings_sort(&f);
	ck_assert_uint_eq(f.errors, 1);
	ck_assert_uint_eq(f.warnings, 1);
	char *a = bb_diag_format(&f.items[0]);
	char *b = bb_diag_format(&f.items[1]);
	ck_assert_str_eq(a, "fw.yaml:2:5: unknown key 'x'");
	ck_assert_str_eq(b, "fw.yaml:9:3: warning: no target");
	free(a);
	free(b);
	bb_findings_free(&f);
}
END_TEST

START_TEST(findings_cap)
{
	struct bb_findings f;
	bb_findings_init(&f);
	f.max = 3;
	for (int i = 0; i < 10; i++)
		bb_findings_add(&f, BB_SEV_ERROR, "x", (unsigned long)i + 1, 1, NULL, "e%d", i);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_uint_eq(f.dropped, 7);
	ck_assert_uint_eq(f.errors, 10);
	bb_findings_free(&f);
}
END_TEST

START_TEST(sha256_known_answer)
{
	char h[BB_SHA256_HEX];
	bb_sha256_hex("abc", 3, h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	struct bb_sha256 s;
	bb_sha256_start(&s);
	bb_sha256_update(&s, "a", 1);
	bb_sha256_update(&s, "bc", 2);
	bb_sha256_finish(&s, h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

Suite *suite_util(void);

Suite *
suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, buf_respects_max);
	tcase_add_test(tc, buf_printf_grows);
	tcase_add_test(tc, parse_i64_strict);
	tcase_add_test(tc, parse_double_strict);
	tcase_add_test(tc, format_double_trims);
	tcase_add_test(tc, utf8_clean_replaces);
	tcase_add_test(tc, findings_format_and_sort);
	tcase_add_test(tc, findings_cap);
	tcase_add_test(tc, sha256_known_answer);
	suite_add_tcase(s, tc);
	return s;
}
