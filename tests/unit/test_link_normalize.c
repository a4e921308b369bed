/*
 * test_link_normalize.c: link/normalize.c (folding, names, dates,
 * identifiers, placeholders, NYSIIS, nicknames) and link/strsim.c
 * (Jaro-Winkler, optimal string alignment).  NYSIIS codes and Jaro-Winkler
 * values are checked against python3-jellyfish, an independent
 * implementation (run through /usr/bin/python3).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link/normalize.h"
#include "link/strsim.h"
#include "util/bb.h"
#include "util/buf.h"

static const char *
fold(const char *s)
{
	static char out[BB_NORM_MAX];
	bb_norm_fold(s, strlen(s), out, sizeof(out));
	return out;
}

START_TEST(fold_unicode)
{
	ck_assert_str_eq(fold("  Zoë   ŁUKASZ-Øster "), "zoe lukasz-oster");
	ck_assert_str_eq(fold("Straße"), "strasse");
	ck_assert_str_eq(fold("Ærøskøbing"), "aeroskobing");
	ck_assert_str_eq(fold("ＡＢＣ１２"), "abc12");	/* full width, NFKC */
	ck_assert_str_eq(fold("ﬁnn Þór Đorđe œuvre ıi"), "finn thor dorde oeuvre ii");
	ck_assert_str_eq(fold("O\u2019Brien"), "o'brien");	/* quote lumped */
	ck_assert_str_eq(fold("a\xff\xfe" "b"), "ab");	/* invalid bytes dropped */
	ck_assert_str_eq(fold("\t\r\n"), "");
	/* A long value is cut at a character boundary. */
	char big[600];
	for (int i = 0; i < 299; i++)
		memcpy(big + 2 * i, "é", 2);
	big[598] = '\0';
	char out[16];
	ck_assert_uint_eq(bb_norm_fold(big, strlen(big), out, sizeof(out)), 15);
}
END_TEST

START_TEST(names)
{
	char n[BB_NORM_MAX], f[BB_NORM_MAX];
	ck_assert(bb_norm_name("Mary-Ann", true, n, f));
	ck_assert_str_eq(n, "maryann");
	ck_assert_str_eq(f, "mary");
	ck_assert(bb_norm_name("O'Brien Jr.", false, n, f));
	ck_assert_str_eq(n, "obrien");
	ck_assert(bb_norm_name("van der Berg", false, n, NULL));
	ck_assert_str_eq(n, "vanderberg");
	ck_assert(bb_norm_name("Dr. Émile", true, n, f));
	ck_assert_str_eq(n, "emile");
	ck_assert_str_eq(f, "emile");
	ck_assert(bb_norm_name("José María", true, n, f));
	ck_assert_str_eq(n, "josemaria");
	ck_assert_str_eq(f, "jose");
	/* A lone title is kept: it may be a name. */
	ck_assert(bb_norm_name("Ms", true, n, NULL));
	ck_assert_str_eq(n, "ms");
	const char *missing[] = { "", "  ", "unknown", "N/A", "n.a.", "-", "?",
	    "Baby Girl", "FNU", "xxxx", "NULL", "not known", NULL };
	for (int i = 0; missing[i]; i++) {
		ck_assert_msg(!bb_norm_name(missing[i], true, n, f), "%s", missing[i]);
		ck_assert_str_eq(n, "");
	}
	ck_assert(!bb_norm_name(NULL, false, n, NULL));
}
END_TEST

START_TEST(words_and_ids)
{
	char o[BB_NORM_MAX];
	ck_assert(bb_norm_words("12 Smith St.", true, o));
	ck_assert_str_eq(o, "12 smith street");
	ck_assert(bb_norm_words("Flat 2/14  Ocean Pde", true, o));
	ck_assert_str_eq(o, "flat 2 14 ocean parade");
	ck_assert(bb_norm_words("St Kilda", false, o));
	ck_assert_str_eq(o, "st kilda");
	ck_assert(!bb_norm_words("n/a", true, o));

	ck_assert(bb_norm_ident("A12 B34", 1, o));
	ck_assert_str_eq(o, "a12b34");
	ck_assert(bb_norm_ident("987-65-4320", 4, o));
	ck_assert_str_eq(o, "987654320");
	const char *missing[] = { "000000000", "000-00-0000", "999999999",
	    "123456789", "987654321", "5555", "unknown", "N/A", "", NULL };
	for (int i = 0; missing[i]; i++)
		ck_assert_msg(!bb_norm_ident(missing[i], 4, o), "%s", missing[i]);
	ck_assert(!bb_norm_ident("12", 3, o));	/* too short */

	ck_assert(bb_norm_phone("+61 2 9999 1234", o));
	ck_assert_str_eq(o, "299991234");
	ck_assert(bb_norm_phone("(02) 9999-1234", o));
	ck_assert_str_eq(o, "299991234");
	ck_assert(!bb_norm_phone("0000000000", o));
	ck_assert(!bb_norm_phone("12345", o));
	ck_assert(!bb_norm_phone("555-5555", o));

	ck_assert(bb_norm_email(" John.Smith+news@GMail.com ", o));
	ck_assert_str_eq(o, "john.smith@gmail.com");
	ck_assert(!bb_norm_email("none@none.com", o));
	ck_assert(!bb_norm_email("noemail@gmail.com", o));
	ck_assert(!bb_norm_email("john at gmail", o));
	ck_assert(!bb_norm_email("a@b@c.com", o));
	ck_assert(!bb_norm_email("x@localhost", o));

	ck_assert_int_eq(bb_norm_sex("Female"), 'f');
	ck_assert_int_eq(bb_norm_sex(" M "), 'm');
	ck_assert_int_eq(bb_norm_sex("unknown"), 0);
	ck_assert_int_eq(bb_norm_sex("X"), 0);
}
END_TEST

static void
date_is(const char *s, int n, int y0, int m0, int d0, int y1, int m1, int d1)
{
	struct bb_date d;
	bool ok = bb_norm_date(s, &d);
	ck_assert_msg(ok == (n > 0), "%s: ok=%d", s, ok);
	ck_assert_msg(d.n == n, "%s: %d readings, wanted %d", s, d.n, n);
	if (n >= 1)
		ck_assert_msg(d.y[0] == y0 && d.m[0] == m0 && d.d[0] == d0,
		    "%s: got %d-%d-%d", s, d.y[0], d.m[0], d.d[0]);
	if (n == 2)
		ck_assert_msg(d.y[1] == y1 && d.m[1] == m1 && d.d[1] == d1,
		    "%s: second %d-%d-%d", s, d.y[1], d.m[1], d.d[1]);
}

START_TEST(dates)
{
	date_is("1985-03-04", 1, 1985, 3, 4, 0, 0, 0);
	date_is("1985/3/4", 1, 1985, 3, 4, 0, 0, 0);
	date_is("1985-03-04T10:30:00Z", 1, 1985, 3, 4, 0, 0, 0);
	date_is("19850304", 1, 1985, 3, 4, 0, 0, 0);
	date_is("03/04/1985", 2, 1985, 3, 4, 1985, 4, 3);	/* ambiguous */
	date_is("13/04/1985", 1, 1985, 4, 13, 0, 0, 0);	/* day first */
	date_is("04/13/1985", 1, 1985, 4, 13, 0, 0, 0);	/* month first */
	date_is("05/05/1985", 1, 1985, 5, 5, 0, 0, 0);
	date_is("04.03.1985", 1, 1985, 3, 4, 0, 0, 0);	/* DD.MM.YYYY */
	date_is("04-03-1985", 1, 1985, 3, 4, 0, 0, 0);
	date_is("12 Jan 1990", 1, 1990, 1, 12, 0, 0, 0);
	date_is("January 12, 1990", 1, 1990, 1, 12, 0, 0, 0);
	date_is("31048", 1, 1985, 1, 1, 0, 0, 0);	/* Excel serial */
	date_is("31048.5", 1, 1985, 1, 1, 0, 0, 0);
	date_is("59", 1, 1900, 2, 28, 0, 0, 0);
	date_is("61", 1, 1900, 3, 1, 0, 0, 0);
	date_is("2000-02-29", 1, 2000, 2, 29, 0, 0, 0);
	/* Missing: placeholders, impossible days, bare years, nonsense. */
	const char *missing[] = { "1900-01-01", "01/01/1900", "1", "60",
	    "1985", "1899-12-31", "31/02/1985", "1900-02-29", "2200-01-01",
	    "1700-05-05", "0000-00-00", "99/99/9999", "unknown", "", "85-03-04",
	    "1985-13-01", "yesterday", "1985-03", NULL };
	for (int i = 0; missing[i]; i++)
		date_is(missing[i], 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

/* Run a Python snippet over input lines; returns its output (caller frees). */
static char *
python(const char *script, const char *input)
{
	char inpath[] = "/tmp/bb-oracle-XXXXXX";
	int fd = mkstemp(inpath);
	ck_assert_int_ge(fd, 0);
	ck_assert(write(fd, input, strlen(input)) == (ssize_t)strlen(input));
	close(fd);
	char *cmd = bb_asprintf("/usr/bin/python3 -W ignore -c '%s' < %s", script,
	    inpath);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	struct bb_buf b;
	bb_buf_init(&b, BB_BUF_NOMAX);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		bb_buf_append(&b, chunk, n);
	ck_assert_int_eq(pclose(p), 0);
	unlink(inpath);
	free(cmd);
	return bb_buf_take(&b);
}

static const char *const some_names[] = {
	"knight", "mackenzie", "schmidt", "phillips", "evans", "bishop",
	"hayes", "kirkpatrick", "thomas", "stevenson", "schwartz", "brown",
	"adams", "mcdonald", "pfeiffer", "watts", "wright", "jones", "lee",
	"ahn", "o", "knuth", "kaufman", "schoenberg", "macintosh", "sophie",
	"bennett", "grant", "richardson", "howard", "edwards", "hughes",
	"wheeler", "chavez", "kowalski", "nguyen", "quincy", "zimmerman",
	"christensen", "lloyd", "dewitt", "harrington", "sondergeld",
	"evaline", "stephenson", "pham", "yvonne", "aaron", "shaw", "mayweather",
};

START_TEST(nysiis_matches_jellyfish)
{
	struct bb_buf in;
	bb_buf_init(&in, BB_BUF_NOMAX);
	for (size_t i = 0; i < BB_ARRAY_LEN(some_names); i++)
		bb_buf_printf(&in, "%s\n", some_names[i]);
	char *out = python("import sys, jellyfish\n"
	    "for l in sys.stdin: print(jellyfish.nysiis(l.strip()))",
	    bb_buf_str(&in));
	char *save = NULL, *line = strtok_r(out, "\n", &save);
	for (size_t i = 0; i < BB_ARRAY_LEN(some_names); i++) {
		char code[BB_NORM_MAX];
		ck_assert_ptr_nonnull(line);
		bb_norm_nysiis(some_names[i], code);
		ck_assert_msg(strcmp(code, line) == 0, "%s: %s, jellyfish %s",
		    some_names[i], code, line);
		line = strtok_r(NULL, "\n", &save);
	}
	free(out);
	bb_buf_free(&in);
	char code[BB_NORM_MAX];
	ck_assert_uint_eq(bb_norm_nysiis("", code), 0);
	ck_assert_uint_eq(bb_norm_nysiis("123", code), 0);
}
END_TEST

START_TEST(jaro_winkler_matches_jellyfish)
{
	/* Pairs: every name against a typo of a neighbour and of itself, and
	 * some Unicode (compared by code points). */
	static const char *const extra[][2] = {
		{ "martha", "marhta" }, { "dixon", "dicksonx" },
		{ "jellyfish", "smellyfish" }, { "zoë", "zoe" },
		{ "łukasz", "lukasz" }, { "müller", "mueller" }, { "a", "a" },
		{ "ab", "ba" }, { "", "abc" }, { "crate", "trace" },
		{ "dwayne", "duane" }, { "abcdefghijklmnopqrstuvwxyz", "zyxwvu" },
		{ "日本語", "日本" },
	};
	struct bb_buf in;
	char *a[400], *b[400];
	size_t n = 0;

	bb_buf_init(&in, BB_BUF_NOMAX);
	for (size_t i = 0; i < BB_ARRAY_LEN(some_names); i++) {
		for (size_t k = 0; k < 6; k++) {
			const char *x = some_names[i];
			const char *y = some_names[(i + k) % BB_ARRAY_LEN(some_names)];
			char t[64];
			bb_strlcpy(t, y, sizeof(t));
			size_t l = strlen(t);
			/* k odd: a transposition or a dropped letter */
			if (k % 2 && l > 2) {
				char c = t[1];
				t[1] = t[2];
				t[2] = c;
			} else if (k == 2 && l > 3) {
				memmove(t + 1, t + 2, l - 1);
			}
			a[n] = bb_strdup(x);
			b[n] = bb_strdup(t);
			n++;
		}
	}
	for (size_t i = 0; i < BB_ARRAY_LEN(extra); i++) {
		a[n] = bb_strdup(extra[i][0]);
		b[n] = bb_strdup(extra[i][1]);
		n++;
	}
	ck_assert_uint_ge(n, 300);
	for (size_t i = 0; i < n; i++)
		bb_buf_printf(&in, "%s\t%s\n", a[i], b[i]);
	char *out = python("import sys, jellyfish\n"
	    "for l in sys.stdin:\n"
	    "  x, y = l.rstrip(\"\\n\").split(\"\\t\")\n"
	    "  print(repr(jellyfish.jaro_winkler_similarity(x, y)) if x and y else 0.0)",
	    bb_buf_str(&in));
	char *save = NULL, *line = strtok_r(out, "\n", &save);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(line);
		double want = strtod(line, NULL);
		double got = bb_jaro_winkler_utf8(a[i], b[i]);
		ck_assert_msg(fabs(got - want) < 1e-12, "%s/%s: %.15f, jellyfish %.15f",
		    a[i], b[i], got, want);
		line = strtok_r(NULL, "\n", &save);
		free(a[i]);
		free(b[i]);
	}
	free(out);
	bb_buf_free(&in);
}
END_TEST

START_TEST(osa_distance)
{
	ck_assert_uint_eq(bb_osa_distance_utf8("kitten", "sitting"), 3);
	ck_assert_uint_eq(bb_osa_distance_utf8("abcd", "acbd"), 1);
	/* OSA, not unrestricted Damerau: no edit of a transposed pair. */
	ck_assert_uint_eq(bb_osa_distance_utf8("ca", "abc"), 3);
	ck_assert_uint_eq(bb_osa_distance_utf8("zoë", "zoe"), 1);	/* code points */
	ck_assert_uint_eq(bb_osa_distance_utf8("", "abc"), 3);
	ck_assert_uint_eq(bb_osa_distance_utf8("same", "same"), 0);
	uint32_t x[] = { 1, 2, 3, 4, 5, 6 }, y[] = { 9, 9, 9, 9, 9, 9 };
	/* Capped: stops at cap + 1. */
	ck_assert_uint_eq(bb_osa_distance(x, 6, y, 6, 1), 2);
	ck_assert_uint_eq(bb_osa_distance(x, 6, y, 2, 1), 2);
}
END_TEST

START_TEST(nicknames)
{
	ck_assert(bb_nick_variants("bill", "william"));
	ck_assert(bb_nick_variants("william", "bill"));
	ck_assert(bb_nick_variants("peggy", "margaret"));
	ck_assert(bb_nick_variants("bob", "robert"));
	ck_assert(bb_nick_variants("bobby", "rob"));	/* same group */
	ck_assert(bb_nick_variants("jack", "john"));
	ck_assert(bb_nick_variants("al", "alfred"));
	ck_assert(bb_nick_variants("al", "alexander"));
	/* al is short for both, but they are different names. */
	ck_assert(!bb_nick_variants("alfred", "alexander"));
	ck_assert(!bb_nick_variants("william", "robert"));
	ck_assert(!bb_nick_variants("zzz", "zzz"));	/* not in the table */
	/* The table: lower-case names, each in few enough groups, hundreds. */
	size_t total = 0;
	for (size_t g = 0; g < bb_nick_table_len; g++) {
		const char *p = bb_nick_table[g];
		for (; *p; p++)
			ck_assert_msg((*p >= 'a' && *p <= 'z') || *p == ' ', "%s",
			    bb_nick_table[g]);
		char copy[512];
		bb_strlcpy(copy, bb_nick_table[g], sizeof(copy));
		char *save = NULL;
		for (char *w = strtok_r(copy, " ", &save); w;
		    w = strtok_r(NULL, " ", &save)) {
			uint16_t gs[BB_NICK_MAX_GROUPS];
			size_t k = bb_nick_groups(w, gs);
			ck_assert_msg(k >= 1 && k < BB_NICK_MAX_GROUPS, "%s in %zu groups",
			    w, k);
			total++;
		}
	}
	ck_assert_uint_ge(total, 600);
}
END_TEST

Suite *suite_link_normalize(void);

Suite *
suite_link_normalize(void)
{
	Suite *s = suite_create("link_normalize");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, fold_unicode);
	tcase_add_test(tc, names);
	tcase_add_test(tc, words_and_ids);
	tcase_add_test(tc, dates);
	tcase_add_test(tc, nysiis_matches_jellyfish);
	tcase_add_test(tc, jaro_winkler_matches_jellyfish);
	tcase_add_test(tc, osa_distance);
	tcase_add_test(tc, nicknames);
	suite_add_tcase(s, tc);
	return s;
}
