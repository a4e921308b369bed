/*
 * test_framework.c: framework/ (the loader and its caps, the model and its
 * lookups, the location index, the canonical form and its hash, date
 * formats, diff) and util/arena.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "framework/framework.h"
#include "framework/internal.h"
#include "util/arena.h"
#include "util/bb.h"
#include "util/diag.h"

/* A small framework; MOD lets a test vary one part. */
static const char small[] =
    "backbone: 1\n"
    "initiative: {id: t, name: Test}\n"
    "glossary:\n"
    "  - {term: served, definition: took part, aliases: [helped]}\n"
    "code_lists:\n"
    "  - id: sex\n"
    "    codes: [{code: F}, {code: M}]\n"
    "    missing: [{code: \"9\", meaning: refused}]\n"
    "datasets:\n"
    "  - id: visits\n"
    "    name: Visits\n"
    "    fields:\n"
    "      - {name: pid, type: text, required: true, identity: local_id}\n"
    "      - {name: sex, type: code, code_list: sex, placeholders: [U]}\n"
    "      - {name: seen, type: date, required: true}\n"
    "partners:\n"
    "  - id: clinic\n"
    "    name: Clinic\n"
    "    sharing: encodings\n"
    "    obligations: [{dataset: visits, cadence: monthly}]\n"
    "    crosswalks:\n"
    "      - dataset: visits\n"
    "        columns: {MRN: pid, Sex: sex, Date: seen}\n"
    "        codes: {sex: {\"1\": F, \"2\": M}}\n"
    "        dates: {seen: YYYYMMDD}\n"
    "outcomes:\n"
    "  - id: health\n"
    "    name: Healthy\n"
    "    indicators:\n"
    "      - id: n\n"
    "        name: Visits\n"
    "        definition: children served\n"
    "        unit: children\n"
    "        direction: higher\n"
    "        category: how_much\n"
    "        cadence: monthly\n"
    "        targets: [{period: \"2027\", value: 60}]\n"
    "        owners: [clinic]\n"
    "        compute: count(distinct participant) from visits\n";

/* The same content: other comments, spacing, quoting, key order, defaults
 * written out. */
static const char small_relaid[] =
    "# reordered\n"
    "initiative:\n"
    "  name: 'Test'\n"
    "  id: t\n"
    "backbone: 1   # format\n"
    "datasets:\n"
    "  - name: Visits\n"
    "    id: visits\n"
    "    kind: records\n"
    "    fields:\n"
    "      - {identity: local_id, name: pid, required: true, type: text}\n"
    "      - name: sex\n"
    "        type: code\n"
    "        code_list: \"sex\"\n"
    "        placeholders:\n"
    "          - U\n"
    "      - {name: seen, type: date, required: true, unique: false}\n"
    "code_lists:\n"
    "  - codes: [{code: F}, {code: \"M\"}]\n"
    "    id: sex\n"
    "    missing: [{meaning: refused, code: \"9\"}]\n"
    "glossary:\n"
    "  - {aliases: [helped], term: served, definition: took part}\n"
    "outcomes:\n"
    "  - id: health\n"
    "    name: Healthy\n"
    "    indicators:\n"
    "      - compute: count(distinct participant) from visits\n"
    "        id: n\n"
    "        name: Visits\n"
    "        definition: children served\n"
    "        unit: children\n"
    "        direction: higher\n"
    "        category: how_much\n"
    "        cadence: monthly\n"
    "        targets: [{value: 60.0, period: \"2027\"}]\n"
    "        owners: [clinic]\n"
    "partners:\n"
    "  - id: clinic\n"
    "    name: Clinic\n"
    "    sharing: encodings\n"
    "    obligations: [{cadence: monthly, dataset: visits}]\n"
    "    crosswalks:\n"
    "      - dataset: visits\n"
    "        dates: {seen: YYYYMMDD}\n"
    "        codes: {sex: {\"2\": M, \"1\": F}}\n"
    "        columns: {Date: seen, MRN: pid, Sex: sex}\n"
    "calendar: {fiscal_year_start: 7, school_year_start: 8}\n"
    "confidentiality: {min_cell_size: 11}\n";

static struct bb_framework *
load(const char *text, struct bb_findings *f)
{
	struct bb_framework *fw = NULL;
	bb_findings_init(f);
	bb_framework_load_buffer("t.yaml", text, strlen(text), &fw, f);
	return fw;
}

/* The one finding's printed form ("t.yaml:3:4: message"). */
static char *
only_finding(const char *text, size_t len)
{
	struct bb_framework *fw = NULL;
	struct bb_findings f;
	char *s;

	bb_findings_init(&f);
	ck_assert_int_eq(bb_framework_load_buffer("t.yaml", text, len, &fw, &f),
	    BB_ERR_INPUT);
	ck_assert_ptr_null(fw);
	ck_assert_uint_eq(f.n, 1);
	s = bb_diag_format(&f.items[0]);
	bb_findings_free(&f);
	return s;
}

START_TEST(loads_the_model)
{
	struct bb_findings f;
	struct bb_framework *fw = load(small, &f);
	const struct bb_dataset *ds;
	const struct bb_field *sex;
	const struct bb_partner *p;
	const struct bb_crosswalk *xw;
	const struct bb_indicator *ind;

	ck_assert_ptr_nonnull(fw);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_int_eq(fw->format_version, 1);
	ck_assert_str_eq(fw->initiative.name, "Test");
	ds = bb_fw_dataset(fw, "visits");
	ck_assert_ptr_nonnull(ds);
	ck_assert_int_eq(ds->kind, BB_DS_RECORDS);
	ck_assert_int_eq(ds->policy, BB_POLICY_REFUSE_FILE);
	ck_assert_uint_eq(ds->nfields, 3);
	ck_assert_int_eq(bb_fw_field(ds, "pid")->identity, BB_ID_LOCAL_ID);
	sex = bb_fw_field(ds, "sex");
	ck_assert_ptr_eq(sex->codes, bb_fw_code_list(fw, "sex"));
	ck_assert(bb_fw_is_missing(sex, "9"));	/* the code list's */
	ck_assert(bb_fw_is_missing(sex, "U"));	/* a placeholder */
	ck_assert(!bb_fw_is_missing(sex, "F"));
	p = bb_fw_partner(fw, "clinic");
	ck_assert_int_eq(p->sharing, BB_SHARE_ENCODINGS);
	xw = bb_fw_crosswalk(p, "visits");
	ck_assert_uint_eq(xw->ncolumns, 3);
	ck_assert_str_eq(xw->columns[0].column, "MRN");
	ck_assert_str_eq(xw->columns[0].field, "pid");
	ck_assert_str_eq(xw->codes[0].pairs[1].from, "2");
	ck_assert_str_eq(xw->codes[0].pairs[1].to, "M");
	ck_assert_uint_eq(strlen(xw->sha256), 64);
	ind = bb_fw_indicator(fw, "n");
	ck_assert_ptr_eq(ind->outcome, bb_fw_outcome(fw, "health"));
	ck_assert(ind->targets[0].value == 60);
	ck_assert_ptr_eq(bb_fw_term(fw, "helped"), bb_fw_term(fw, "served"));
	ck_assert_ptr_null(bb_fw_term(fw, "nothing"));
	/* Defaults. */
	ck_assert_int_eq(fw->calendar.fiscal_year_start, 7);
	ck_assert_int_eq(fw->calendar.school_year_start, 8);
	ck_assert_int_eq(fw->confidentiality.min_cell_size, 11);
	ck_assert_uint_eq(strlen(fw->sha256), 64);
	bb_framework_free(fw);
	bb_findings_free(&f);
}
END_TEST

START_TEST(remembers_where_values_were_written)
{
	struct bb_findings f;
	struct bb_framework *fw = load(small, &f);
	const struct bb_indicator *ind = bb_fw_indicator(fw, "n");
	const struct bb_field *sex = bb_fw_field(bb_fw_dataset(fw, "visits"), "sex");
	struct bb_loc l;

	l = bb_fw_loc(fw, &ind->owners[0]);
	ck_assert_uint_eq(l.line, 38);
	ck_assert_uint_eq(l.col, 18);
	l = bb_fw_loc(fw, &sex->code_list);
	ck_assert_uint_eq(l.line, 14);
	ck_assert_uint_eq(l.col, 44);
	ck_assert_uint_eq(ind->compute_loc.line, 39);
	ck_assert_uint_eq(ind->compute_loc.col, 18);
	ck_assert_uint_eq(ind->loc.line, 30);
	l = bb_fw_loc(fw, &f);	/* not in the framework */
	ck_assert_uint_eq(l.line, 0);
	bb_framework_free(fw);
	bb_findings_free(&f);
}
END_TEST

START_TEST(canonical_ignores_layout)
{
	struct bb_findings f1, f2;
	struct bb_framework *a = load(small, &f1), *b = load(small_relaid, &f2);
	char *ca, *cb;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ca = bb_framework_canonical(a);
	cb = bb_framework_canonical(b);
	ck_assert_str_eq(ca, cb);
	ck_assert_str_eq(a->sha256, b->sha256);
	ck_assert_str_eq(a->partners[0].crosswalks[0].sha256,
	    b->partners[0].crosswalks[0].sha256);
	/* Compact, in the fixed order, with no locations. */
	ck_assert(strncmp(ca, "{\"backbone\":1,\"initiative\":{\"id\":\"t\",\"name\":\"Test\"},"
	    "\"glossary\":[", 60) == 0);
	ck_assert_ptr_null(strstr(ca, "\"line\""));
	ck_assert_ptr_nonnull(strstr(ca, "\"columns\":{\"Date\":\"seen\",\"MRN\":\"pid\",\"Sex\":\"sex\"}"));
	free(ca);
	free(cb);
	bb_framework_free(a);
	bb_framework_free(b);
	bb_findings_free(&f1);
	bb_findings_free(&f2);
}
END_TEST

START_TEST(canonical_sees_content)
{
	struct bb_findings f1, f2, f3;
	char *other = bb_strdup(small), *xw_other = bb_strdup(small), *p;
	struct bb_framework *a, *b, *c;

	p = strstr(other, "value: 60");
	p[7] = '5';	/* 60 -> 50: the indicator, not the crosswalk */
	p = strstr(xw_other, "YYYYMMDD");
	memcpy(p, "DDMMYYYY", 8);	/* the crosswalk */
	a = load(small, &f1);
	b = load(other, &f2);
	c = load(xw_other, &f3);
	ck_assert_str_ne(a->sha256, b->sha256);
	ck_assert_str_ne(a->sha256, c->sha256);
	ck_assert_str_eq(a->partners[0].crosswalks[0].sha256,
	    b->partners[0].crosswalks[0].sha256);
	ck_assert_str_ne(a->partners[0].crosswalks[0].sha256,
	    c->partners[0].crosswalks[0].sha256);
	bb_framework_free(a);
	bb_framework_free(b);
	bb_framework_free(c);
	bb_findings_free(&f1);
	bb_findings_free(&f2);
	bb_findings_free(&f3);
	free(other);
	free(xw_other);
}
END_TEST

START_TEST(errors_give_no_framework)
{
	struct bb_findings f;
	char *bad = bb_strdup(small), *p = strstr(bad, "owners: [clinic]");
	struct bb_framework *fw;

	memcpy(p + 9, "clinix", 6);
	fw = load(bad, &f);
	ck_assert_ptr_null(fw);
	ck_assert_uint_eq(f.errors, 1);
	ck_assert_str_eq(f.items[0].message, "indicator 'n': owner 'clinix' is not "
	    "a partner (did you mean 'clinic'?)");
	ck_assert_str_eq(f.items[0].code, "unknown-ref");
	ck_assert_uint_eq(f.items[0].line, 38);
	bb_findings_free(&f);
	free(bad);
}
END_TEST

START_TEST(caps_on_hostile_input)
{
	size_t n = BB_FW_MAX_BYTES + 1;
	char *big = bb_malloc(n), *s;
	char deep[2000];

	memset(big, '#', n);
	s = only_finding(big, n);
	ck_assert_str_eq(s, "t.yaml: larger than 8 MiB: too large for a framework file");
	free(s);
	free(big);

	memset(deep, '[', sizeof(deep));
	s = only_finding(deep, sizeof(deep));
	ck_assert_str_eq(s, "t.yaml:1:33: nested deeper than 32 levels");
	free(s);

	s = only_finding("backbone: 1\0", 12);
	ck_assert_str_eq(s, "t.yaml:1:12: NUL byte: a framework file is YAML text, not binary");
	free(s);
	s = only_finding("a: \xc0\xaf", 5);	/* an overlong '/' */
	ck_assert_str_eq(s, "t.yaml:1:4: invalid UTF-8 (byte 0xc0): save the file as UTF-8");
	free(s);
	s = only_finding("a: \"\\ud800\"", 11);	/* a lone surrogate by escape */
	ck_assert_str_eq(s, "t.yaml:1:5: invalid YAML: double-quoted scalar has "
	    "invalid UTF8 escape");
	free(s);
	s = only_finding("a: 1\n---\nb: 2\n", 14);
	ck_assert_str_eq(s, "t.yaml:2:1: more than one YAML document: a framework "
	    "file is a single document");
	free(s);
	s = only_finding("a: !!binary aGk=\n", 17);
	ck_assert_str_eq(s, "t.yaml:1:4: tags ('!!binary') are not allowed in a framework file");
	free(s);
}
END_TEST

START_TEST(date_formats)
{
	const char *why = NULL;

	ck_assert_int_eq(bb_fw_date_format_check("MM/DD/YYYY", &why), BB_OK);
	ck_assert_int_eq(bb_fw_date_format_check("DD.MM.YYYY", &why), BB_OK);
	ck_assert_int_eq(bb_fw_date_format_check("YYYYMMDD", &why), BB_OK);
	ck_assert_int_eq(bb_fw_date_format_check("excel", &why), BB_OK);
	ck_assert_int_eq(bb_fw_date_format_check("iso", &why), BB_OK);
	ck_assert_int_eq(bb_fw_date_format_check("MM/DD/YYY", &why), BB_ERR_INPUT);
	ck_assert_str_eq(why, "has a year that is neither YYYY nor YY");
	ck_assert_int_eq(bb_fw_date_format_check("MM/YYYY", &why), BB_ERR_INPUT);
	ck_assert_str_eq(why, "needs a year, a month and a day");
	ck_assert_int_eq(bb_fw_date_format_check("MDYYYY", &why), BB_ERR_INPUT);
	ck_assert_int_eq(bb_fw_date_format_check("DD-Mon-YYYY", &why), BB_ERR_INPUT);
	ck_assert_str_eq(why, "has a letter that is not a date token (use YYYY, YY, "
	    "MMM, MM, M, DD, D and separators)");
	ck_assert_int_eq(bb_fw_date_format_check("MM/MM/YYYY", &why), BB_ERR_INPUT);
	ck_assert_int_eq(bb_fw_date_format_check("D MMM YYYY", &why), BB_OK);
	ck_assert_int_eq(bb_fw_date_format_check("M/D/YY", &why), BB_OK);
	ck_assert_int_eq(bb_fw_date_format_check("MMMDYYYY", &why), BB_ERR_INPUT);
	ck_assert_str_eq(why, "needs a separator after M, MMM or D (they have no fixed width)");
	ck_assert_int_eq(bb_fw_date_format_check("", &why), BB_ERR_INPUT);
	ck_assert_str_eq(why, "is empty");
}
END_TEST

START_TEST(nearest_names)
{
	static const char *const keys[] = { "id", "name", "unit", "owners", "targets" };

	ck_assert_str_eq(bb_fw_nearest("unti", keys, 5), "unit");
	ck_assert_str_eq(bb_fw_nearest("owner", keys, 5), "owners");
	ck_assert_ptr_null(bb_fw_nearest("colour", keys, 5));
	ck_assert_ptr_null(bb_fw_nearest("ab", keys, 5));
}
END_TEST

START_TEST(diff_by_ids)
{
	struct bb_fw_diff d;
	const char *a = "{\"outcomes\":[{\"id\":\"o\",\"indicators\":[{\"id\":\"i\","
	    "\"targets\":[{\"period\":\"2027\",\"value\":55}]}]}],\"glossary\":"
	    "[{\"term\":\"served\"},{\"term\":\"kept\"},{\"term\":\"x\"}]}";
	const char *b = "{\"outcomes\":[{\"id\":\"o\",\"indicators\":[{\"id\":\"i\","
	    "\"targets\":[{\"period\":\"2027\",\"value\":60}]}]}],\"glossary\":"
	    "[{\"term\":\"x\"},{\"term\":\"kept\"},{\"term\":\"new one\"}]}";

	ck_assert_int_eq(bb_framework_diff(a, b, &d), BB_OK);
	ck_assert_uint_eq(d.n, 4);
	ck_assert_int_eq(d.items[0].op, '~');
	ck_assert_str_eq(d.items[0].path, "outcomes.o.indicators.i.targets[2027].value");
	ck_assert_str_eq(d.items[0].before, "55");
	ck_assert_str_eq(d.items[0].after, "60");
	ck_assert_int_eq(d.items[1].op, '-');
	ck_assert_str_eq(d.items[1].path, "glossary.served");
	ck_assert_ptr_null(d.items[1].after);
	ck_assert_int_eq(d.items[2].op, '+');
	ck_assert_str_eq(d.items[2].path, "glossary[\"new one\"]");
	ck_assert_int_eq(d.items[3].op, '~');
	ck_assert_str_eq(d.items[3].path, "glossary (order)");
	ck_assert_str_eq(d.items[3].before, "[\"kept\",\"x\"]");
	ck_assert_str_eq(d.items[3].after, "[\"x\",\"kept\"]");
	bb_fw_diff_free(&d);
	ck_assert_int_eq(bb_framework_diff("{", b, &d), BB_ERR_INPUT);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

START_TEST(enum_names_round_trip)
{
	enum bb_identity_role r;

	for (int i = BB_ID_GIVEN_NAME; i < BB_ID__COUNT; i++) {
		ck_assert_int_eq(bb_identity_role_parse(bb_identity_role_name(i), &r), BB_OK);
		ck_assert_int_eq(r, i);
	}
	ck_assert_int_eq(bb_identity_role_parse("shoe_size", &r), BB_ERR_INPUT);
	ck_assert_str_eq(bb_cadence_name(BB_CAD_SCHOOL_YEAR), "school_year");
	ck_assert_str_eq(bb_rba_name(BB_RBA_BETTER_OFF), "better_off");
	ck_assert_str_eq(bb_rule_op_name(BB_OP_LE), "<=");
	ck_assert_str_eq(bb_cadence_name(0), "?");
	ck_assert(bb_fw_valid_id("grade3-reading"));
	ck_assert(!bb_fw_valid_id("Grade3"));
	ck_assert(bb_fw_valid_field_name("birth_date"));
	ck_assert(!bb_fw_valid_field_name("birth-date"));
}
END_TEST

START_TEST(arena_many_and_big)
{
	struct bb_arena *a = bb_arena_new();
	char *big;

	for (int i = 0; i < 100000; i++) {
		char *s = bb_arena_strdup(a, "twelve bytes");
		ck_assert_str_eq(s, "twelve bytes");
		ck_assert_uint_eq((uintptr_t)s % 16, 0);
	}
	big = bb_arena_alloc(a, 1 << 20);
	ck_assert_int_eq(big[(1 << 20) - 1], 0);
	ck_assert_uint_ge(bb_arena_used(a), 100000u * 16 + (1u << 20));
	bb_arena_free(a);
	bb_arena_free(NULL);
	bb_framework_free(NULL);
}
END_TEST

Suite *suite_framework(void);

Suite *
suite_framework(void)
{
	Suite *s = suite_create("framework");
	TCase *tc = tcase_create("framework");

	tcase_add_test(tc, loads_the_model);
	tcase_add_test(tc, remembers_where_values_were_written);
	tcase_add_test(tc, canonical_ignores_layout);
	tcase_add_test(tc, canonical_sees_content);
	tcase_add_test(tc, errors_give_no_framework);
	tcase_add_test(tc, caps_on_hostile_input);
	tcase_add_test(tc, date_formats);
	tcase_add_test(tc, nearest_names);
	tcase_add_test(tc, diff_by_ids);
	tcase_add_test(tc, enum_names_round_trip);
	tcase_add_test(tc, arena_many_and_big);
	suite_add_tcase(s, tc);
	return s;
}
