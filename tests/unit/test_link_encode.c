/*
 * test_link_encode.c: link/encode.c: keys from secrets, CLK encodings,
 * Dice, base64 and blocking-key text, the fast comparison loops against a
 * plain one (with and without AVX2), and linking encodings.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link/encode.h"
#include "util/bb.h"
#include "util/diag.h"

static const char secret[] = "a shared secret of some length";

static void
input(struct bb_link_input *in, const char *g, const char *f, const char *dob,
    const char *pc, const char *id)
{
	memset(in, 0, sizeof(*in));
	in->value[BB_ID_GIVEN_NAME] = g;
	in->value[BB_ID_FAMILY_NAME] = f;
	in->value[BB_ID_BIRTH_DATE] = dob;
	in->value[BB_ID_POSTCODE] = pc;
	in->value[BB_ID_NATIONAL_ID] = id;
}

START_TEST(keys)
{
	struct bb_clk_key a, b, c;
	struct bb_diag d;
	char path[] = "/tmp/bb-key-XXXXXX";
	int fd;

	ck_assert_int_eq(bb_clk_key_from_secret("short", 5, &a), BB_ERR_INPUT);
	ck_assert_int_eq(bb_clk_key_from_secret(secret, strlen(secret), &a), BB_OK);
	ck_assert_int_eq(bb_clk_key_from_secret(secret, strlen(secret), &b), BB_OK);
	ck_assert_int_eq(memcmp(a.k, b.k, sizeof(a.k)), 0);
	ck_assert_int_eq(bb_clk_key_from_secret("another secret, also long", 25, &c),
	    BB_OK);
	ck_assert_int_ne(memcmp(a.k, c.k, sizeof(a.k)), 0);
	/* From a file: a final newline does not count. */
	memset(&d, 0, sizeof(d));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert(write(fd, secret, strlen(secret)) == (ssize_t)strlen(secret));
	ck_assert(write(fd, "\n", 1) == 1);
	close(fd);
	ck_assert_int_eq(bb_clk_key_from_file(path, &b, &d), BB_OK);
	ck_assert_int_eq(memcmp(a.k, b.k, sizeof(a.k)), 0);
	unlink(path);
	ck_assert_int_eq(bb_clk_key_from_file(path, &b, &d), BB_ERR_INPUT);
	ck_assert_ptr_nonnull(d.message);
	bb_diag_clear(&d);
}
END_TEST

START_TEST(encodings_and_dice)
{
	struct bb_clk_key key;
	struct bb_clk a, b, c, e, z;
	struct bb_clk_blocks ba, bb, bz;
	struct bb_link_input in;
	char b64[BB_CLK_B64], text[BB_CLK_BLOCKS_TEXT];

	ck_assert_int_eq(bb_clk_key_from_secret(secret, strlen(secret), &key), BB_OK);
	input(&in, "Katherine", "Pemberton", "1971-04-12", "3000", "556677889");
	bb_clk_encode(&key, &in, &a, &ba);
	input(&in, "KATHERINE", "Pemberton", "12.04.1971", "3000", "556677889");
	bb_clk_encode(&key, &in, &b, &bb);
	ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);	/* normalised first */
	ck_assert(bb_clk_dice(&a, &b) == 1.0);
	ck_assert_int_eq(memcmp(&ba, &bb, sizeof(ba)), 0);
	unsigned pc = bb_clk_popcount(&a);
	ck_assert_uint_gt(pc, 300);
	ck_assert_uint_lt(pc, 700);
	/* A typo stays close; another person does not. */
	input(&in, "Katherine", "Pembreton", "1971-04-12", "3000", "556677889");
	bb_clk_encode(&key, &in, &c, NULL);
	ck_assert(bb_clk_dice(&a, &c) > 0.85);
	input(&in, "Rufus", "Oakenshaw", "1944-11-03", "2200", "123098456");
	bb_clk_encode(&key, &in, &e, NULL);
	ck_assert(bb_clk_dice(&a, &e) < 0.65);
	/* Nothing to encode: an empty filter, no keys, Dice 0. */
	input(&in, NULL, "", "unknown", NULL, "000000000");
	bb_clk_encode(&key, &in, &z, &bz);
	ck_assert_uint_eq(bb_clk_popcount(&z), 0);
	ck_assert(bb_clk_dice(&z, &z) == 0.0);
	bb_clk_blocks_format(&bz, text);
	ck_assert_str_eq(text, "- - - -");

	bb_clk_to_base64(&a, b64);
	ck_assert_uint_eq(strlen(b64), 172);
	ck_assert_int_eq(bb_clk_from_base64(b64, &c), BB_OK);
	ck_assert_int_eq(memcmp(&a, &c, sizeof(a)), 0);
	b64[170] = '\0';
	ck_assert_int_eq(bb_clk_from_base64(b64, &c), BB_ERR_INPUT);
	ck_assert_int_eq(bb_clk_from_base64("not base64 at all!", &c), BB_ERR_INPUT);
	ck_assert_int_eq(bb_clk_from_base64("", &c), BB_ERR_INPUT);

	bb_clk_blocks_format(&ba, text);
	ck_assert_uint_eq(strlen(text), 4 * 16 + 3);
	ck_assert_int_eq(bb_clk_blocks_parse(text, &bb), BB_OK);
	ck_assert_int_eq(memcmp(&ba, &bb, sizeof(ba)), 0);
	ck_assert_int_eq(bb_clk_blocks_parse("- - - -", &bb), BB_OK);
	ck_assert_int_eq(bb_clk_blocks_parse("- - -", &bb), BB_ERR_INPUT);
	ck_assert_int_eq(bb_clk_blocks_parse("- - - - ", &bb), BB_ERR_INPUT);
	ck_assert_int_eq(bb_clk_blocks_parse("0123456789ABCDEF - - -", &bb),
	    BB_ERR_INPUT);
}
END_TEST

/* n encodings of people of a small population, some alike. */
static struct bb_clk *
population(size_t n)
{
	static const char *const g[] = { "ann", "bob", "cara", "dmitri", "eve",
	    "farah", "gus" };
	static const char *const f[] = { "lee", "okafor", "smith", "nguyen",
	    "oyelaran" };
	struct bb_clk_key key;
	struct bb_clk *c = bb_malloc(n * sizeof(*c));
	ck_assert_int_eq(bb_clk_key_from_secret(secret, strlen(secret), &key), BB_OK);
	for (size_t i = 0; i < n; i++) {
		struct bb_link_input in;
		char dob[16], pc[8];
		snprintf(dob, sizeof(dob), "19%02zu-0%zu-1%zu", i % 37, 1 + i % 9, i % 10);
		snprintf(pc, sizeof(pc), "%zu", 2000 + i % 13);
		input(&in, g[i % 7], f[(i / 7) % 5], dob, pc, NULL);
		bb_clk_encode(&key, &in, &c[i], NULL);
	}
	return c;
}

static void
fast_equals_plain(void)
{
	struct bb_clk *c = population(400);
	for (int t = 5; t <= 9; t++) {
		double th = t / 10.0;
		uint64_t plain = 0;
		for (size_t i = 0; i < 200; i++)
			for (size_t j = 200; j < 400; j++)
				plain += bb_clk_dice(&c[i], &c[j]) >= th;
		ck_assert_uint_eq(bb_clk_count_all(c, 200, c + 200, 200, th, 1), plain);
		ck_assert_uint_eq(bb_clk_count_all(c, 200, c + 200, 200, th, 2), plain);
	}
	free(c);
}

START_TEST(fast_loops_agree)
{
	fast_equals_plain();
}
END_TEST

START_TEST(fast_loops_agree_without_avx2)
{
	setenv("BB_NO_AVX2", "1", 1);
	fast_equals_plain();
}
END_TEST

START_TEST(linking_encodings)
{
	struct bb_clk_key key;
	struct bb_clk c[6];
	struct bb_clk_blocks bl[6];
	uint32_t src[6] = { 0, 0, 0, 1, 1, 1 };
	int64_t pid[6], pid2[6];
	struct bb_link_input in;
	struct bb_clk_link_opts o;
	struct bb_clk_link_stats st;

	ck_assert_int_eq(bb_clk_key_from_secret(secret, strlen(secret), &key), BB_OK);
	input(&in, "Katherine", "Pemberton", "1971-04-12", "3000", "556677889");
	bb_clk_encode(&key, &in, &c[0], &bl[0]);
	input(&in, "Rufus", "Oakenshaw", "1944-11-03", "2200", "123098456");
	bb_clk_encode(&key, &in, &c[1], &bl[1]);
	input(&in, "Mabel", "Thornbury", "1933-03-03", "2100", "777111222");
	bb_clk_encode(&key, &in, &c[2], &bl[2]);
	/* File 1: Rufus with a typo, Katherine twice (a duplicate in a file
	 * taken as deduplicated: only one of them links). */
	input(&in, "Rufus", "Oakenshw", "1944-11-03", "2200", "123098456");
	bb_clk_encode(&key, &in, &c[3], &bl[3]);
	input(&in, "Katherine", "Pemberton", "1971-04-12", "3000", "556677889");
	bb_clk_encode(&key, &in, &c[4], &bl[4]);
	bb_clk_encode(&key, &in, &c[5], &bl[5]);

	bb_clk_link_opts_default(&o);
	ck_assert_int_eq(bb_clk_link(c, bl, src, 6, 2, &o, pid, &st), BB_OK);
	ck_assert(!st.blocked);
	ck_assert_uint_eq(st.comparisons, 9);
	ck_assert_int_eq(pid[0], 1);
	ck_assert_int_eq(pid[1], 2);
	ck_assert_int_eq(pid[2], 3);
	ck_assert_int_eq(pid[3], 2);
	ck_assert_int_eq(pid[4], 1);	/* the better (first) of equals */
	ck_assert_int_eq(pid[5], 4);
	/* Through the blocking keys: the same participants. */
	o.all_pairs = 0;
	ck_assert_int_eq(bb_clk_link(c, bl, src, 6, 2, &o, pid2, &st), BB_OK);
	ck_assert(st.blocked);
	ck_assert_uint_gt(st.comparisons, 0);	/* a pair once a key it shares */
	ck_assert_int_eq(memcmp(pid, pid2, sizeof(pid)), 0);
	/* One file: deduplicated by average Dice. */
	uint32_t one[6] = { 0, 0, 0, 0, 0, 0 };
	ck_assert_int_eq(bb_clk_link(c, NULL, one, 6, 1, NULL, pid, NULL), BB_OK);
	ck_assert_int_eq(pid[4], pid[0]);
	ck_assert_int_eq(pid[5], pid[0]);
	ck_assert_int_eq(pid[3], pid[1]);
	ck_assert_int_eq(pid[2], 3);
	/* Files must come in order; at most 64. */
	uint32_t bad[6] = { 1, 0, 0, 0, 0, 0 };
	ck_assert_int_eq(bb_clk_link(c, NULL, bad, 6, 2, NULL, pid, NULL),
	    BB_ERR_USAGE);
	ck_assert_int_eq(bb_clk_link(c, NULL, one, 6, 65, NULL, pid, NULL),
	    BB_ERR_USAGE);
}
END_TEST

Suite *suite_link_encode(void);

Suite *
suite_link_encode(void)
{
	Suite *s = suite_create("link_encode");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, keys);
	tcase_add_test(tc, encodings_and_dice);
	tcase_add_test(tc, fast_loops_agree);
	tcase_add_test(tc, fast_loops_agree_without_avx2);
	tcase_add_test(tc, linking_encodings);
	suite_add_tcase(s, tc);
	return s;
}
