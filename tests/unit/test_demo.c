/*
 * test_demo.c: the generator's building blocks: the seeded PRNG (util/rng.c)
 * against the reference algorithms' published values, and the reverse
 * crosswalk (demo/reverse.c): dates in every format, reverse code maps,
 * split and joined columns, units, and rows written in a partner's shape
 * that read back through the intake mapper to the values they came from.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo.h"
#include "framework/framework.h"
#include "framework/period.h"
#include "intake/mapper.h"
#include "intake/problems.h"
#include "util/bb.h"
#include "util/diag.h"
#include "util/rng.h"

/* --- the PRNG --------------------------------------------------------------------- */

START_TEST(splitmix_reference_values)
{
	/* splitmix64 from state 0 (Vigna's reference outputs). */
	uint64_t x = 0;
	ck_assert_uint_eq(bb_splitmix64(&x), UINT64_C(0xe220a8397b1dcdaf));
	ck_assert_uint_eq(bb_splitmix64(&x), UINT64_C(0x6e789e6aa1b965f4));
	ck_assert_uint_eq(bb_splitmix64(&x), UINT64_C(0x06c45d188009454f));
}
END_TEST

START_TEST(xoshiro_reference_values)
{
	/* xoshiro256** from the state {1, 2, 3, 4}. */
	struct bb_rng r = { { 1, 2, 3, 4 } };
	ck_assert_uint_eq(bb_rng_next(&r), 11520);
	ck_assert_uint_eq(bb_rng_next(&r), 0);
	ck_assert_uint_eq(bb_rng_next(&r), 1509978240);
	ck_assert_uint_eq(bb_rng_next(&r), UINT64_C(1215971899390074240));
}
END_TEST

START_TEST(seeded_stream_is_fixed)
{
	/* Seed 1 through splitmix64, then xoshiro256**: the values every
	 * machine must give (computed independently in Python). */
	struct bb_rng r, s;
	bb_rng_seed(&r, 1);
	ck_assert_uint_eq(bb_rng_next(&r), UINT64_C(0xb3f2af6d0fc710c5));
	ck_assert_uint_eq(bb_rng_next(&r), UINT64_C(0x853b559647364cea));
	ck_assert_uint_eq(bb_rng_next(&r), UINT64_C(0x92f89756082a4514));
	bb_rng_seed(&r, 7);
	bb_rng_seed(&s, 8);
	ck_assert_uint_ne(bb_rng_next(&r), bb_rng_next(&s));
}
END_TEST

START_TEST(bounded_draws)
{
	struct bb_rng r;
	unsigned hist[6] = { 0 };
	bool lo = false, hi = false;

	bb_rng_seed(&r, 42);
	for (int i = 0; i < 60000; i++)
		hist[bb_rng_below(&r, 6)]++;
	/* Each face 10000 times give or take 4 standard deviations (~365). */
	for (int i = 0; i < 6; i++) {
		ck_assert_uint_gt(hist[i], 9600);
		ck_assert_uint_lt(hist[i], 10400);
	}
	for (int i = 0; i < 2000; i++) {
		int64_t v = bb_rng_range(&r, -3, 3);
		ck_assert(v >= -3 && v <= 3);
		lo |= v == -3;
		hi |= v == 3;
	}
	ck_assert(lo && hi);
	ck_assert_uint_eq(bb_rng_below(&r, 1), 0);
	for (int i = 0; i < 100; i++) {
		ck_assert(!bb_rng_chance(&r, 0));
		ck_assert(bb_rng_chance(&r, 10000));
	}
	ck_assert_uint_ne(bb_rng_mix(1, 2, 3), bb_rng_mix(1, 3, 2));
	ck_assert_uint_eq(bb_rng_mix(1, 2, 3), bb_rng_mix(1, 2, 3));
}
END_TEST

/* --- dates ----------------------------------------------------------------------- */

static const char *
fmt(int y, int m, int d, const char *f)
{
	static char buf[64];
	ck_assert_int_eq(bb_gen_date_format(y, m, d, f, buf, sizeof(buf)), BB_OK);
	return buf;
}

START_TEST(dates_in_every_format)
{
	char small[6];

	ck_assert_str_eq(fmt(2026, 7, 4, "MM/DD/YYYY"), "07/04/2026");
	ck_assert_str_eq(fmt(2026, 7, 4, "M/D/YYYY"), "7/4/2026");
	ck_assert_str_eq(fmt(2026, 11, 23, "M/D/YYYY"), "11/23/2026");
	ck_assert_str_eq(fmt(2026, 7, 4, "DD.MM.YYYY"), "04.07.2026");
	ck_assert_str_eq(fmt(2026, 7, 4, "YYYYMMDD"), "20260704");
	ck_assert_str_eq(fmt(2026, 7, 4, "D MMM YYYY"), "4 Jul 2026");
	ck_assert_str_eq(fmt(2009, 12, 31, "DD-MMM-YY"), "31-Dec-09");
	ck_assert_str_eq(fmt(2026, 7, 4, "iso"), "2026-07-04");
	ck_assert_str_eq(fmt(2026, 7, 4, NULL), "2026-07-04");
	/* Excel serials: 1 is 1900-01-01, and the phantom 1900-02-29 is 60. */
	ck_assert_str_eq(fmt(1900, 1, 1, "excel"), "1");
	ck_assert_str_eq(fmt(1900, 2, 28, "excel"), "59");
	ck_assert_str_eq(fmt(1900, 3, 1, "excel"), "61");
	ck_assert_str_eq(fmt(2019, 4, 2, "excel"), "43557");
	ck_assert_str_eq(fmt(2026, 7, 1, "excel"), "46204");
	/* Days that do not exist can be written (deliberately invalid
	 * values), except as a serial number. */
	ck_assert_str_eq(fmt(2026, 2, 30, "MM/DD/YYYY"), "02/30/2026");
	ck_assert_int_eq(bb_gen_date_format(2026, 2, 30, "excel", small, sizeof(small)),
	    BB_ERR_INPUT);
	ck_assert_int_eq(bb_gen_date_format(1899, 12, 31, "excel", small, sizeof(small)),
	    BB_ERR_INPUT);
	/* No room, or a letter that is not a token. */
	ck_assert_int_eq(bb_gen_date_format(2026, 7, 4, "MM/DD/YYYY", small, sizeof(small)),
	    BB_ERR_INPUT);
	ck_assert_int_eq(bb_gen_date_format(2026, 7, 4, "Q/YYYY", small, sizeof(small)),
	    BB_ERR_INPUT);
}
END_TEST

START_TEST(dates_read_back)
{
	/* Every day of several years, in every format, reads back through
	 * the mapper's date parser to itself. */
	static const char *const formats[] = { "MM/DD/YYYY", "M/D/YYYY", "DD.MM.YYYY",
		"YYYYMMDD", "D MMM YYYY", "excel", "iso", "YYYY/M/D" };
	int32_t from, to;
	char buf[64];

	ck_assert(bb_date_from_ymd(1995, 1, 1, &from));
	ck_assert(bb_date_from_ymd(2027, 12, 31, &to));
	for (size_t k = 0; k < BB_ARRAY_LEN(formats); k++)
		for (int32_t day = from; day <= to; day += 3) {
			int y, m, d;
			int32_t back = 0;
			bb_date_to_ymd(day, &y, &m, &d);
			ck_assert_int_eq(bb_gen_date_format(y, m, d, formats[k], buf,
			    sizeof(buf)), BB_OK);
			ck_assert_msg(bb_mapper_parse_date(buf, formats[k], &back) &&
			    back == day, "%s as %s", buf, formats[k]);
		}
}
END_TEST

/* --- code maps -------------------------------------------------------------------- */

START_TEST(codes_reversed)
{
	struct bb_xw_code pairs[] = {
		{ "Homework Help", "tutoring", { 0, 0 } },
		{ "Reading Buddies", "tutoring", { 0, 0 } },
		{ "Robotics Club", "stem", { 0, 0 } },
		{ "U", "99", { 0, 0 } },
		{ "", "98", { 0, 0 } },
		{ "M", "F", { 0, 0 } },
	};
	struct bb_xw_codemap cm = { "x", pairs, BB_ARRAY_LEN(pairs), { 0, 0 } };

	ck_assert_str_eq(bb_gen_code_reverse(&cm, "tutoring", 0), "Homework Help");
	ck_assert_str_eq(bb_gen_code_reverse(&cm, "tutoring", 1), "Reading Buddies");
	ck_assert_str_eq(bb_gen_code_reverse(&cm, "tutoring", 2), "Homework Help");
	ck_assert_str_eq(bb_gen_code_reverse(&cm, "stem", 5), "Robotics Club");
	/* A missing-value code through the partner's own code for it. */
	ck_assert_str_eq(bb_gen_code_reverse(&cm, "99", 0), "U");
	/* An empty partner value is read as absent: unusable; the code itself
	 * is not a partner value, so it is written as is. */
	ck_assert_str_eq(bb_gen_code_reverse(&cm, "98", 0), "98");
	/* Unmapped codes are written as themselves... */
	ck_assert_str_eq(bb_gen_code_reverse(&cm, "arts", 0), "arts");
	/* ... unless the partner's file would read them as another code. */
	ck_assert_ptr_null(bb_gen_code_reverse(&cm, "M", 0));
	ck_assert_ptr_null(bb_gen_code_reverse(&cm, "u", 0));
	ck_assert_str_eq(bb_gen_code_reverse(NULL, "K", 3), "K");
}
END_TEST

/* --- layouts: a partner's shape and back -------------------------------------------- */

static struct bb_framework *
demo_framework(void)
{
	struct bb_framework *fw = NULL;
	struct bb_findings f;
	size_t len;
	const char *data = bb_demo_framework(&len);

	bb_findings_init(&f);
	ck_assert_uint_gt(len, 1000);
	ck_assert_int_eq(bb_framework_load_buffer("demo.yaml", data, len, &fw, &f), BB_OK);
	bb_findings_free(&f);
	return fw;
}

/* Write `vals` in the partner's shape, read the cells back through its
 * crosswalk, and return the canonical record (caller frees). */
static char *
round_trip(const struct bb_framework *fw, const char *partner, const char *dataset,
    const struct bb_gen_value *vals, struct bb_gen_layout **lout,
    struct bb_gen_cell **cout)
{
	const struct bb_dataset *ds = bb_fw_dataset(fw, dataset);
	const struct bb_crosswalk *xw = bb_fw_crosswalk(bb_fw_partner(fw, partner), dataset);
	struct bb_gen_layout *l = bb_gen_layout_new(ds, xw);
	size_t n = bb_gen_layout_ncolumns(l);
	struct bb_gen_cell *cells = bb_gen_cells_new(l);
	const char **hc = calloc(n + 1, sizeof(char *)), **rc = calloc(n + 1, sizeof(char *));
	size_t *hl = calloc(n + 1, sizeof(size_t)), *rl = calloc(n + 1, sizeof(size_t));
	struct bb_row header, row;
	struct bb_mapper *m = NULL;
	struct bb_problems probs;
	struct bb_buf json;
	bool ok = false;

	bb_gen_layout_row(l, vals, cells);
	for (size_t i = 0; i < n; i++) {
		hc[i] = bb_gen_layout_column(l, i);
		hl[i] = strlen(hc[i]);
		rc[i] = cells[i].kind == BB_GEN_EMPTY ? NULL : bb_buf_str(&cells[i].text);
		rl[i] = rc[i] ? strlen(rc[i]) : 0;
	}
	header = (struct bb_row){ n, hc, hl, 1, 1 };
	row = (struct bb_row){ n, rc, rl, 2, 2 };
	bb_problems_init(&probs);
	bb_buf_init(&json, 1u << 20);
	ck_assert_int_eq(bb_mapper_new(fw, ds, xw, &header, &m, &probs), BB_OK);
	ck_assert_int_eq(bb_mapper_row(m, &row, &json, &probs, &ok), BB_OK);
	ck_assert_msg(ok && probs.errors == 0 && probs.warnings == 0, "%zu problems: %s",
	    probs.n, probs.n ? probs.items[0].message : "");
	bb_mapper_free(m);
	bb_problems_free(&probs);
	free(hc);
	free(rc);
	free(hl);
	free(rl);
	*lout = l;
	*cout = cells;
	return bb_buf_take(&json);
}

static void
done(char *json, struct bb_gen_cell *cells, struct bb_gen_layout *l)
{
	free(json);
	bb_gen_cells_free(cells, bb_gen_layout_ncolumns(l));
	bb_gen_layout_free(l);
}

static const char *
cell(const struct bb_gen_cell *cells, const struct bb_gen_layout *l, const char *col)
{
	for (size_t i = 0; i < bb_gen_layout_ncolumns(l); i++)
		if (strcmp(bb_gen_layout_column(l, i), col) == 0)
			return cells[i].kind == BB_GEN_EMPTY ? NULL : bb_buf_str(&cells[i].text);
	ck_abort_msg("no column %s", col);
	return NULL;
}

START_TEST(split_excel_dates_constants)
{
	/* The library: "Patron Name" is "Last, First", dates are Excel
	 * serials, the branch is a constant the file leaves out. */
	struct bb_framework *fw = demo_framework();
	struct bb_gen_value v[8];
	struct bb_gen_layout *l;
	struct bb_gen_cell *cells;

	memset(v, 0, sizeof(v));
	v[0].text = "R123456789";
	v[1].text = "María José";
	v[2].text = "O'Brien-Núñez";
	v[3].text = "2016-02-29";
	v[4].text = "92507";
	v[5].text = "central";
	v[6].text = "2026-06-15";
	v[7].text = "12";
	char *json = round_trip(fw, "library", "summer_reading", v, &l, &cells);
	ck_assert_str_eq(json, "{\"card_number\":\"R123456789\",\"given_name\":\"María José\","
	    "\"family_name\":\"O'Brien-Núñez\",\"birth_date\":\"2016-02-29\","
	    "\"postcode\":\"92507\",\"branch\":\"central\",\"registration_date\":"
	    "\"2026-06-15\",\"books_read\":12}");
	ck_assert_uint_eq(bb_gen_layout_ncolumns(l), 6);
	ck_assert_str_eq(bb_gen_layout_column(l, 0), "Card Number");
	ck_assert_str_eq(bb_gen_layout_column(l, 1), "Patron Name");
	ck_assert_str_eq(bb_gen_layout_column(l, 2), "Birth Date");
	ck_assert_str_eq(bb_gen_layout_column(l, 5), "Books Logged");
	ck_assert_str_eq(cell(cells, l, "Patron Name"), "O'Brien-Núñez, María José");
	ck_assert_str_eq(cell(cells, l, "Registered"), "46188");
	ck_assert_int_eq(cells[4].kind, BB_GEN_DATE);
	ck_assert_int_eq(cells[4].y * 10000 + cells[4].m * 100 + cells[4].d, 20260615);
	ck_assert_int_eq(cells[5].kind, BB_GEN_NUMBER);
	ck_assert(!bb_gen_layout_writes(l, 5));	/* branch: a constant */
	ck_assert(bb_gen_layout_writes(l, 1));
	done(json, cells, l);
	bb_framework_free(fw);
}
END_TEST

START_TEST(join_codes_iso_and_us_dates)
{
	/* The workforce board: the address in two columns, ISO birth dates,
	 * M/D/YYYY for the rest, its own job type codes. */
	struct bb_framework *fw = demo_framework();
	const struct bb_dataset *ds = bb_fw_dataset(fw, "job_placements");
	struct bb_gen_value v[15];
	struct bb_gen_layout *l;
	struct bb_gen_cell *cells;

	ck_assert_uint_eq(ds->nfields, 15);
	memset(v, 0, sizeof(v));
	v[0].text = "RWDB-1234567";
	v[1].text = "Jamal";
	v[2].text = "Washington";
	v[3].text = "2003-05-09";
	v[4].text = "000000000";		/* a placeholder: missing */
	v[5].text = "9515550123";
	v[6].text = "jamal@example.org";
	v[7].text = "4511 Magnolia Ave Apt 12";
	v[7].parts[0] = "4511 Magnolia Ave";
	v[7].parts[1] = "Apt 12";
	v[7].nparts = 2;
	v[8].text = "2026-01-05";
	v[9].text = "2026-02-16";
	v[11].text = "42";
	v[12].text = "part_time";
	v[13].text = "18.25";
	v[14].text = "24";
	char *json = round_trip(fw, "workforce", "job_placements", v, &l, &cells);
	ck_assert_str_eq(json, "{\"participant_id\":\"RWDB-1234567\",\"given_name\":\"Jamal\","
	    "\"family_name\":\"Washington\",\"birth_date\":\"2003-05-09\",\"phone\":"
	    "\"9515550123\",\"email\":\"jamal@example.org\",\"address\":"
	    "\"4511 Magnolia Ave Apt 12\",\"enrollment_date\":\"2026-01-05\","
	    "\"placement_date\":\"2026-02-16\",\"days_to_placement\":42,"
	    "\"employment_type\":\"part_time\",\"hourly_wage\":18.25,"
	    "\"hours_per_week\":24,\"_missing\":{\"ssn\":\"000000000\"}}");
	ck_assert_str_eq(cell(cells, l, "Street"), "4511 Magnolia Ave");
	ck_assert_str_eq(cell(cells, l, "Unit"), "Apt 12");
	ck_assert_str_eq(cell(cells, l, "DOB"), "2003-05-09");
	ck_assert_str_eq(cell(cells, l, "Enrolled On"), "1/5/2026");
	ck_assert_str_eq(cell(cells, l, "Job Type"), "PT");
	ck_assert_ptr_null(cell(cells, l, "Separated On"));
	done(json, cells, l);

	/* Without the pieces, the whole address goes in the first column. */
	v[7].nparts = 0;
	json = round_trip(fw, "workforce", "job_placements", v, &l, &cells);
	ck_assert_str_eq(cell(cells, l, "Street"), "4511 Magnolia Ave Apt 12");
	ck_assert_ptr_null(cell(cells, l, "Unit"));
	ck_assert_ptr_nonnull(strstr(json, "\"address\":\"4511 Magnolia Ave Apt 12\""));
	done(json, cells, l);
	bb_framework_free(fw);
}
END_TEST

START_TEST(scale_missing_codes_and_placeholders)
{
	/* After school: hours as minutes, DD.MM.YYYY, labels for codes, a
	 * birth-date placeholder written in the partner's format. */
	struct bb_framework *fw = demo_framework();
	struct bb_gen_value v[12];
	struct bb_gen_layout *l;
	struct bb_gen_cell *cells;

	memset(v, 0, sizeof(v));
	v[0].text = "BFAS-1000001";
	v[1].text = "Zoë";
	v[2].text = "D'Angelo";
	v[3].text = "1900-01-01";
	v[4].text = "9";
	v[5].text = "1234567";
	v[6].text = "eastside";
	v[7].text = "tutoring";
	v[7].pick = 1;
	v[8].text = "2026-09-14";
	v[9].text = "2026-10-30";
	v[10].text = "7.5";
	v[11].text = "true";
	char *json = round_trip(fw, "afterschool", "program_participation", v, &l, &cells);
	ck_assert_str_eq(json, "{\"participant_id\":\"BFAS-1000001\",\"given_name\":\"Zoë\","
	    "\"family_name\":\"D'Angelo\",\"district_student_id\":\"1234567\","
	    "\"site\":\"eastside\",\"program_type\":\"tutoring\",\"start_date\":"
	    "\"2026-09-14\",\"end_date\":\"2026-10-30\",\"hours\":7.5,\"completed\":true,"
	    "\"_missing\":{\"birth_date\":\"1900-01-01\",\"sex\":\"9\"}}");
	ck_assert_str_eq(cell(cells, l, "minutes"), "450");
	ck_assert_str_eq(cell(cells, l, "dob"), "01.01.1900");
	ck_assert_str_eq(cell(cells, l, "gender"), "Prefer not to say");
	ck_assert_str_eq(cell(cells, l, "program"), "Reading Buddies");
	ck_assert_str_eq(cell(cells, l, "completed"), "Yes");
	done(json, cells, l);
	bb_framework_free(fw);
}
END_TEST

START_TEST(district_codes)
{
	struct bb_framework *fw = demo_framework();
	struct bb_gen_value v[12];
	struct bb_gen_layout *l;
	struct bb_gen_cell *cells;

	memset(v, 0, sizeof(v));
	v[0].text = "1234567";
	v[1].text = "André";
	v[2].text = "Peña";
	v[3].text = "2020-03-04";
	v[4].text = "X";
	v[5].text = "99";
	v[6].text = "K";
	v[7].text = "101";
	v[8].text = "2025-08-12";
	v[10].text = "92501";
	v[11].text = "false";
	char *json = round_trip(fw, "district", "enrollments", v, &l, &cells);
	ck_assert_str_eq(cell(cells, l, "Gender"), "N");
	ck_assert_str_eq(cell(cells, l, "Ethnicity"), "0");
	ck_assert_str_eq(cell(cells, l, "Grade Level"), "KG");
	ck_assert_str_eq(cell(cells, l, "DOB"), "03/04/2020");
	ck_assert_str_eq(cell(cells, l, "K Ready"), "N");
	ck_assert_ptr_null(cell(cells, l, "Withdraw Date"));
	ck_assert_ptr_nonnull(strstr(json, "\"grade\":\"K\""));
	ck_assert_ptr_nonnull(strstr(json, "\"_missing\":{\"race_ethnicity\":\"99\"}"));
	done(json, cells, l);
	bb_framework_free(fw);
}
END_TEST

START_TEST(no_crosswalk_writes_field_names)
{
	struct bb_framework *fw = demo_framework();
	const struct bb_dataset *ds = bb_fw_dataset(fw, "attendance");
	struct bb_gen_layout *l = bb_gen_layout_new(ds, NULL);

	ck_assert_uint_eq(bb_gen_layout_ncolumns(l), ds->nfields);
	for (size_t i = 0; i < ds->nfields; i++)
		ck_assert_str_eq(bb_gen_layout_column(l, i), ds->fields[i].name);
	bb_gen_layout_free(l);
	bb_framework_free(fw);
}
END_TEST

Suite *suite_demo(void);

Suite *
suite_demo(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, splitmix_reference_values);
	tcase_add_test(tc, xoshiro_reference_values);
	tcase_add_test(tc, seeded_stream_is_fixed);
	tcase_add_test(tc, bounded_draws);
	tcase_add_test(tc, dates_in_every_format);
	tcase_add_test(tc, dates_read_back);
	tcase_add_test(tc, codes_reversed);
	tcase_add_test(tc, split_excel_dates_constants);
	tcase_add_test(tc, join_codes_iso_and_us_dates);
	tcase_add_test(tc, scale_missing_codes_and_placeholders);
	tcase_add_test(tc, district_codes);
	tcase_add_test(tc, no_crosswalk_writes_field_names);
	suite_add_tcase(s, tc);
	return s;
}
