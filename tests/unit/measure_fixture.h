/*
 * measure_fixture.h: a small framework built by hand for the tests of
 * measure/ (expressions, evaluation, values), without the YAML loader.
 *
 * Datasets: enrollments (records, dated by enroll_date), assessments
 * (records, dated by test_date), headcounts (aggregate counts by grade,
 * placed by the submission's period).  Every indicator's compute text
 * starts at line 88, column 17 of "framework.yaml".
 */
#ifndef MEASURE_FIXTURE_H
#define MEASURE_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "framework/framework.h"

static struct bb_code fx_grade_codes[] = {
	{ "K", "Kindergarten", { 0, 0 } }, { "1", "Grade 1", { 0, 0 } },
	{ "2", "Grade 2", { 0, 0 } }, { "3", "Grade 3", { 0, 0 } },
};
static struct bb_code fx_sex_codes[] = {
	{ "F", "female", { 0, 0 } }, { "M", "male", { 0, 0 } },
};
static struct bb_code_list fx_lists[] = {
	{ "grades", "Grades", fx_grade_codes, 4, NULL, 0, { 0, 0 } },
	{ "sexes", "Sex", fx_sex_codes, 2, NULL, 0, { 0, 0 } },
};

#define FX_FIELD(n, t) { .name = (char *)(n), .type = (t) }

static struct bb_field fx_enroll_fields[] = {
	FX_FIELD("student_id", BB_FT_TEXT),
	{ .name = (char *)"birth_date", .type = BB_FT_DATE, .identity = BB_ID_BIRTH_DATE },
	{ .name = (char *)"grade", .type = BB_FT_CODE, .code_list = (char *)"grades", .codes = &fx_lists[0] },
	{ .name = (char *)"sex", .type = BB_FT_CODE, .code_list = (char *)"sexes", .codes = &fx_lists[1] },
	FX_FIELD("enroll_date", BB_FT_DATE),
	FX_FIELD("exit_date", BB_FT_DATE),
	FX_FIELD("attendance", BB_FT_DECIMAL),
	FX_FIELD("days_to_placement", BB_FT_INTEGER),
	FX_FIELD("employed_90", BB_FT_BOOLEAN),
	FX_FIELD("school", BB_FT_TEXT),
};
static struct bb_field fx_assess_fields[] = {
	FX_FIELD("student_id", BB_FT_TEXT),
	{ .name = (char *)"grade", .type = BB_FT_CODE, .code_list = (char *)"grades", .codes = &fx_lists[0] },
	FX_FIELD("reading_level", BB_FT_INTEGER),
	FX_FIELD("test_date", BB_FT_DATE),
};
static struct bb_field fx_count_fields[] = {
	{ .name = (char *)"grade", .type = BB_FT_CODE, .code_list = (char *)"grades", .codes = &fx_lists[0] },
	FX_FIELD("students", BB_FT_INTEGER),
};

static struct bb_dataset fx_datasets[] = {
	{ .id = (char *)"enrollments", .kind = BB_DS_RECORDS, .fields = fx_enroll_fields,
	  .nfields = 10, .period_field = (char *)"enroll_date" },
	{ .id = (char *)"assessments", .kind = BB_DS_RECORDS, .fields = fx_assess_fields,
	  .nfields = 4, .period_field = (char *)"test_date" },
	{ .id = (char *)"headcounts", .kind = BB_DS_AGGREGATE, .fields = fx_count_fields,
	  .nfields = 2, .count_field = (char *)"students" },
};

static struct bb_indicator fx_ind;
static struct bb_outcome fx_outcome;
static struct bb_framework fx_fw;
static char *fx_disagg[4];

/* Reset the fixture with one indicator computing `compute`, disaggregated
 * by the NULL-terminated names that follow. */
static void
fx_setup(const char *compute, ...)
    __attribute__((sentinel));

#include <stdarg.h>

static void
fx_setup(const char *compute, ...)
{
	va_list ap;
	const char *d;

	memset(&fx_ind, 0, sizeof(fx_ind));
	memset(&fx_outcome, 0, sizeof(fx_outcome));
	memset(&fx_fw, 0, sizeof(fx_fw));
	fx_ind.id = (char *)"ind1";
	fx_ind.name = (char *)"Indicator one";
	fx_ind.compute = (char *)(uintptr_t)compute;
	fx_ind.compute_loc.line = 88;
	fx_ind.compute_loc.col = 17;
	fx_ind.loc.line = 80;
	fx_ind.loc.col = 7;
	fx_ind.cadence = BB_CAD_QUARTERLY;
	fx_ind.outcome = &fx_outcome;
	fx_ind.disaggregations = fx_disagg;
	va_start(ap, compute);
	while ((d = va_arg(ap, const char *)) != NULL && fx_ind.ndisaggregations < 4)
		fx_disagg[fx_ind.ndisaggregations++] = (char *)(uintptr_t)d;
	va_end(ap);
	fx_outcome.id = (char *)"out1";
	fx_outcome.name = (char *)"Outcome one";
	fx_outcome.indicators = &fx_ind;
	fx_outcome.nindicators = 1;
	fx_fw.source_name = (char *)"framework.yaml";
	fx_fw.code_lists = fx_lists;
	fx_fw.ncode_lists = 2;
	fx_fw.datasets = fx_datasets;
	fx_fw.ndatasets = 3;
	fx_fw.outcomes = &fx_outcome;
	fx_fw.noutcomes = 1;
	fx_fw.calendar.fiscal_year_start = 7;
	fx_fw.calendar.school_year_start = 8;
	fx_fw.confidentiality.min_cell_size = 3;
}

#endif
