/*
 * test_suppress.c: primary and complementary suppression of small cells
 * (measure/suppress.c) on a hand-made table of figures.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "measure/values.h"
#include "util/bb.h"

/* One indicator, one period: the initiative and two partners, a total and
 * three grades.  n: people behind each figure. */
static void
table(struct bb_values *vs)
{
	static const struct {
		const char *partner, *grade;
		int64_t n;
	} rows[] = {
		{ NULL, "", 20 }, { "east", "", 12 }, { "west", "", 8 },
		{ NULL, "K", 2 }, { "east", "K", 2 }, { "west", "K", 0 },
		{ NULL, "1", 8 }, { "east", "1", 5 }, { "west", "1", 3 },
		{ NULL, "2", 10 }, { "east", "2", 5 }, { "west", "2", 5 },
	};
	memset(vs, 0, sizeof(*vs));
	for (size_t i = 0; i < BB_ARRAY_LEN(rows); i++) {
		struct bb_value *v = bb_values_add(vs);
		v->indicator = bb_strdup("ind");
		v->period = bb_strdup("2026");
		v->partner = rows[i].partner ? bb_strdup(rows[i].partner) : NULL;
		v->dkey = bb_strdup(rows[i].grade[0] ? "grade" : "");
		v->dvalue = bb_strdup(rows[i].grade);
		v->group = rows[i].grade[0] ? 1 : 0;
		v->has_value = v->has_num = true;
		v->value = v->num = (double)rows[i].n;
		v->n_num = rows[i].n;
	}
}

/* "p" / "c" / "-" for each row, in order. */
static void
marks(const struct bb_values *vs, char *out)
{
	for (size_t i = 0; i < vs->n; i++)
		out[i] = vs->v[i].suppressed ? vs->v[i].why : '-';
	out[vs->n] = '\0';
}

START_TEST(public_view)
{
	struct bb_values vs;
	char m[32];
	table(&vs);
	bb_measure_suppress(&vs, 3, BB_ROLE_PUBLIC, NULL);
	marks(&vs, m);
	/* Rows: total, K, 1, 2; each for the initiative, east, west.  K is
	 * small for the initiative and east; grade 1 of each is suppressed
	 * with it, so every set that adds up hides two figures or none. */
	ck_assert_str_eq(m, "---" "pp-" "cc-" "---");
	bb_values_clear(&vs);
}
END_TEST

START_TEST(partner_view_keeps_its_own)
{
	struct bb_values vs;
	char m[32];
	table(&vs);
	bb_measure_suppress(&vs, 3, BB_ROLE_PARTNER, "east");
	marks(&vs, m);
	ck_assert_str_eq(m, "---" "p-c" "c-c" "---");
	bb_values_clear(&vs);
}
END_TEST

START_TEST(backbone_sees_everything)
{
	struct bb_values vs;
	char m[32];
	table(&vs);
	bb_measure_suppress(&vs, 3, BB_ROLE_BACKBONE, NULL);
	marks(&vs, m);
	ck_assert_str_eq(m, "------------");
	/* No minimum: nothing to suppress either. */
	bb_measure_suppress(&vs, 0, BB_ROLE_PUBLIC, NULL);
	marks(&vs, m);
	ck_assert_str_eq(m, "------------");
	bb_values_clear(&vs);
}
END_TEST

START_TEST(percent_checks_both_sides)
{
	struct bb_values vs;
	memset(&vs, 0, sizeof(vs));
	struct bb_value *v = bb_values_add(&vs);
	v->indicator = bb_strdup("ind");
	v->period = bb_strdup("2026");
	v->dkey = bb_strdup("");
	v->dvalue = bb_strdup("");
	v->has_num = v->has_den = v->has_value = true;
	v->n_num = 48;
	v->n_den = 50;		/* "all but two": the two are identifiable */
	bb_measure_suppress(&vs, 5, BB_ROLE_PUBLIC, NULL);
	ck_assert(vs.v[0].suppressed);
	vs.v[0].n_num = 40;
	bb_measure_suppress(&vs, 5, BB_ROLE_PUBLIC, NULL);
	ck_assert(!vs.v[0].suppressed);
	vs.v[0].n_num = 0;	/* none: shown */
	bb_measure_suppress(&vs, 5, BB_ROLE_PUBLIC, NULL);
	ck_assert(!vs.v[0].suppressed);
	bb_values_clear(&vs);
}
END_TEST

Suite *suite_suppress(void);

Suite *
suite_suppress(void)
{
	Suite *s = suite_create("suppress");
	TCase *tc = tcase_create("suppress");
	tcase_add_test(tc, public_view);
	tcase_add_test(tc, partner_view_keeps_its_own);
	tcase_add_test(tc, backbone_sees_everything);
	tcase_add_test(tc, percent_checks_both_sides);
	suite_add_tcase(s, tc);
	return s;
}
