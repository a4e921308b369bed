/*
 * profiles.c: how each kind of dataset comes about, person by person.
 *
 * The demo initiative's datasets have profiles of their own, so the files
 * look like the real thing: a school district that enrols children by age
 * (PK at 4, kindergarten at 5, grade 12 at 17) with a school calendar,
 * monthly attendance with chronically absent students, spring reading
 * assessments whose levels follow attendance and ability; an after-school
 * programme with rolling enrolments measured in minutes; a library summer
 * reading challenge; a clinic seeing children under six more often the
 * younger they are, with ASQ-3 screenings; a workforce board enrolling
 * young adults, most of whom find a job; a housing authority counting
 * households by status and the age of their head.  Any other dataset gets
 * the generic profile: some people each period, values within the field's
 * type, code list and range.  Values are decided by stateless draws
 * (gen_draw), so a student keeps their school, ability and habits from one
 * month's file to the next.
 */
#include "demo/internal.h"
#include "util/bb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the school calendar -------------------------------------------------------- */

static int32_t
weekday_on_or_after(int32_t d)
{
	while (gen_weekday(d) == 0 || gen_weekday(d) == 6)
		d++;
	return d;
}

static int32_t
weekday_on_or_before(int32_t d)
{
	while (gen_weekday(d) == 0 || gen_weekday(d) == 6)
		d--;
	return d;
}

static int32_t
ymd(int y, int m, int d)
{
	int32_t day = 0;
	bb_date_from_ymd(y, m, d, &day);
	return day;
}

void
gen_school_year_of(const struct gen_world *w, int32_t day, struct gen_school_year *sy)
{
	struct bb_period p;
	int y, m, d;

	bb_period_containing(BB_CAD_SCHOOL_YEAR, day, &w->ys, &p);
	bb_date_to_ymd(p.start, &y, &m, &d);
	sy->year = y;
	/* Classes start on the 12th of the start month (or the weekday after)
	 * and run 180-odd school days, to early June for an August start. */
	sy->first = weekday_on_or_after(ymd(y, m, 12));
	sy->last = weekday_on_or_before(sy->first + 297);
}

bool
gen_school_day(const struct gen_school_year *sy, int32_t day)
{
	int y, m, d;
	if (day < sy->first || day > sy->last)
		return false;
	if (gen_weekday(day) == 0 || gen_weekday(day) == 6)
		return false;
	bb_date_to_ymd(day, &y, &m, &d);
	return !((m == 12 && d >= 21) || (m == 1 && d == 1));	/* winter break */
}

static int
school_days(const struct gen_school_year *sy, int32_t from, int32_t to)
{
	int n = 0;
	for (int32_t d = from; d <= to; d++)
		n += gen_school_day(sy, d);
	return n;
}

/* --- the district --------------------------------------------------------------- */

/* A student's ability percentile and absence rate (per mille). */
static int
ability(const struct gen_person *p)
{
	return (int)gen_draw(p, GP_ABILITY, 0, 100);
}

static int
absence_rate(const struct gen_person *p)
{
	if (gen_draw(p, GP_CHRONIC, 0, 100) < 16)
		return 100 + (int)gen_draw(p, GP_ABSENCE, 0, 250);
	return (int)gen_draw(p, GP_ABSENCE, 0, 80);
}

/* Goes to a district school at this age (PK at 4, K-12 at 5 to 17)? */
static bool
district_student(const struct gen_person *p, int age)
{
	if (age == 4)
		return gen_draw(p, GP_PK, 0, 100) < 40;
	return age >= 5 && age <= 17 && gen_draw(p, GP_DISTRICT, 0, 100) < 86;
}

struct spell {
	int grade;		/* -1 PK, 0 K, 1..12 */
	int32_t entry;
	int32_t exit;		/* GEN_NEVER: stays to the end of the year */
	int32_t end;		/* last day of the spell */
	char school[12];
};

static void
grade_code(int grade, char *out, size_t n)
{
	if (grade < 0)
		snprintf(out, n, "PK");
	else if (grade == 0)
		snprintf(out, n, "K");
	else
		snprintf(out, n, "%d", grade);
}

static void
school_code(const struct gen_ctx *c, const struct gen_person *p, int grade, int32_t day,
    char out[12])
{
	long zi = strtol(gen_address_at(p, day)->postcode, NULL, 10) - c->w->zip_lo;
	if (zi < 0)
		zi = 0;
	/* Elementary schools 101-112, middle 201-204, high 301-303. */
	int code;
	if (grade <= 5)
		code = 101 + (int)((zi * 2 + (long)gen_hdraw(p, GP_SCHOOL, 0, 2)) % 12);
	else if (grade <= 8)
		code = 201 + (int)(zi % 4);
	else
		code = 301 + (int)(zi % 3);
	snprintf(out, 12, "%d", code);
}

/* The student's enrolment in school year sy, if any. */
static bool
district_spell(const struct gen_ctx *c, const struct gen_person *p,
    const struct gen_school_year *sy, struct spell *s)
{
	int age = gen_age(p, ymd(sy->year, 9, 1));

	if (!district_student(p, age))
		return false;
	s->grade = age - 5;
	s->entry = sy->first;
	if (gen_draw(p, GP_ENTRY, sy->year, 100) < 6)
		s->entry = weekday_on_or_after(sy->first +
		    (int32_t)gen_draw(p, GP_ENTRY_DAY, sy->year, 150));
	s->exit = GEN_NEVER;
	s->end = sy->last;
	if (gen_draw(p, GP_EXIT, sy->year, 100) < 4) {
		int32_t x = weekday_on_or_before(s->entry + 20 +
		    (int32_t)gen_draw(p, GP_EXIT_DAY, sy->year, 200));
		if (x < sy->last) {
			s->exit = x;
			s->end = x;
		}
	}
	school_code(c, p, s->grade, s->entry, s->school);
	return true;
}

/* The summer session in July for a few K-8 students of the year just ended. */
static bool
summer_spell(const struct gen_ctx *c, const struct gen_person *p,
    const struct gen_school_year *sy, struct spell *s)
{
	if (!district_spell(c, p, sy, s) || s->grade < 0 || s->grade > 8 || s->exit != GEN_NEVER)
		return false;
	if (gen_draw(p, GP_SUMMER, sy->year, 100) >= 10)
		return false;
	s->entry = weekday_on_or_after(ymd(sy->year + 1, 7, 6));
	s->exit = weekday_on_or_before(ymd(sy->year + 1, 7, 30));
	s->end = s->exit;
	return true;
}

/* The spell that counts for a period: the school year's, or July's summer
 * session. */
static bool
spell_in(const struct gen_ctx *c, struct gen_school_year *sy, struct spell *s,
    bool *summer)
{
	const struct bb_period *per = c->per;
	gen_school_year_of(c->w, per->end, sy);
	*summer = false;
	if (district_spell(c, c->p, sy, s) && s->entry <= per->end && s->end >= per->start)
		return true;
	if (per->start <= ymd(sy->year + 1, 7, 10) && per->end >= ymd(sy->year + 1, 7, 10) &&
	    summer_spell(c, c->p, sy, s)) {
		*summer = true;
		return true;
	}
	return false;
}

static void
enrollments(struct gen_ctx *c)
{
	struct gen_school_year sy;
	struct spell s;
	bool summer;
	char g[12];

	if (!spell_in(c, &sy, &s, &summer))
		return;
	gen_row_begin(c);
	grade_code(s.grade, g, sizeof(g));
	gen_set(c, "grade", "%s", g);
	gen_set(c, "school_code", "%s", s.school);
	gen_set_day(c, "entry_date", s.entry);
	if (s.exit != GEN_NEVER && s.exit <= c->per->end)
		gen_set_day(c, "exit_date", s.exit);
	else
		gen_set_none(c, "exit_date");
	if (s.grade == 0)
		gen_set(c, "kindergarten_ready", "%s",
		    ability(c->p) + (int)gen_draw(c->p, GP_KREADY, sy.year, 20) - 10 >= 42 ?
		    "true" : "false");
	else
		gen_set_none(c, "kindergarten_ready");
	gen_emit(c, c->per->end);
}

static void
attendance(struct gen_ctx *c)
{
	struct gen_school_year sy;
	struct spell s;
	bool summer;
	int days, absent;

	if (!spell_in(c, &sy, &s, &summer))
		return;
	int32_t from = s.entry > c->per->start ? s.entry : c->per->start;
	int32_t to = s.end < c->per->end ? s.end : c->per->end;
	if (summer) {
		days = 0;
		for (int32_t d = from; d <= to; d++)
			days += gen_weekday(d) != 0 && gen_weekday(d) != 6;
	} else
		days = school_days(&sy, from, to);
	if (days <= 0)
		return;
	absent = (days * absence_rate(c->p) +
	    (int)gen_draw(c->p, GP_MONTH_ABSENCE, c->per->start, 1000)) / 1000;
	if (absent > days)
		absent = days;
	gen_row_begin(c);
	gen_set_day(c, "month_start", c->per->start);
	gen_set(c, "school_code", "%s", s.school);
	gen_set(c, "days_enrolled", "%d", days);
	gen_set(c, "days_present", "%d", days - absent);
	gen_emit(c, c->per->end);
}

static void
assessments(struct gen_ctx *c)
{
	struct gen_school_year sy;
	struct spell s;
	char g[12];

	gen_school_year_of(c->w, c->per->start, &sy);
	if (!district_spell(c, c->p, &sy, &s) || s.grade < 0 || s.grade > 8)
		return;
	int32_t day = weekday_on_or_after(ymd(sy.year + 1, 4, 20) +
	    (int32_t)gen_draw(c->p, GP_TEST_DAY, sy.year, 15));
	if (day < s.entry || day > s.end)
		return;
	/* Levels follow ability and attendance. */
	int score = ability(c->p) - absence_rate(c->p) / 8 +
	    (int)gen_draw(c->p, GP_TEST, sy.year, 30) - 15;
	int level = score < 30 ? 1 : score < 52 ? 2 : score < 82 ? 3 : 4;
	gen_row_begin(c);
	gen_set_day(c, "assessment_date", day);
	grade_code(s.grade, g, sizeof(g));
	gen_set(c, "grade", "%s", g);
	gen_set(c, "reading_level", "%d", level);
	if (bb_rng_chance(&c->rng, 9500))
		gen_set(c, "scale_score", "%d", 250 + level * 120 + (int)bb_rng_below(&c->rng, 120));
	else
		gen_set_none(c, "scale_score");
	gen_emit(c, day);
}

/* --- after school, library, clinic, workforce ------------------------------------- */

static int32_t
day_in(struct gen_ctx *c, int32_t lo, int32_t hi)
{
	if (hi < lo)
		return lo;
	return lo + (int32_t)bb_rng_below(&c->rng, (uint64_t)(hi - lo) + 1);
}

/* A shared code by weights, among those the field's code list has. */
static const char *
weighted(struct gen_ctx *c, const char *const *codes, const int *weights, size_t n)
{
	int total = 0;
	for (size_t i = 0; i < n; i++)
		total += weights[i];
	int x = (int)bb_rng_below(&c->rng, (uint64_t)total);
	for (size_t i = 0; i < n; i++) {
		if (x < weights[i])
			return codes[i];
		x -= weights[i];
	}
	return codes[n - 1];
}

static void
program_participation(struct gen_ctx *c)
{
	static const char *const programs[] = { "tutoring", "mentoring", "stem", "arts", "sports" };
	static const int weights[] = { 35, 15, 20, 15, 15 };
	const struct gen_person *p = c->p;
	int age = gen_age(p, c->per->start);
	char sid[32];

	if (age < 5 || age > 13 || gen_draw(p, GP_AFTER, 0, 100) >= 30 ||
	    gen_draw(p, GP_AFTER_START, c->per->start, 100) >= 25)
		return;
	int32_t start = day_in(c, c->per->start, c->per->end);
	int32_t end = start + 14 + (int32_t)bb_rng_below(&c->rng, 43);
	int frac = bb_rng_chance(&c->rng, 800) ? 0 : 500 + (int)bb_rng_below(&c->rng, 501);
	int32_t until = end <= c->export_day ? end : c->export_day;
	int sessions = (until - start) / 7 * 2;
	/* 90-minute sessions, counted in quarter hours. */
	int minutes = sessions * 90 * frac / 1000 / 15 * 15;

	gen_row_begin(c);
	gen_set(c, "program_type", "%s", weighted(c, programs, weights, BB_ARRAY_LEN(programs)));
	gen_set_day(c, "start_date", start);
	if (end <= c->export_day) {
		gen_set_day(c, "end_date", end);
		gen_set(c, "completed", "%s", frac >= 600 && bb_rng_chance(&c->rng, 8500) ?
		    "true" : "false");
	} else {
		gen_set_none(c, "end_date");
		gen_set_none(c, "completed");
	}
	char hours[32];
	bb_format_double(hours, sizeof(hours), minutes / 60.0, 4);
	gen_set(c, "hours", "%s", hours);
	if (district_student(p, age) && gen_draw(p, GP_CONSENT, 0, 100) < 70) {
		gen_student_id(c, "[0-9]{7}", sid, sizeof(sid));
		gen_set(c, "district_student_id", "%s", sid);
	} else
		gen_set_none(c, "district_student_id");
	gen_emit(c, start);
}

static void
summer_reading(struct gen_ctx *c)
{
	const struct gen_person *p = c->p;
	int y, m, d;

	bb_date_to_ymd(c->per->start, &y, &m, &d);
	int32_t june = ymd(y, 6, 1);
	int age = gen_age(p, june);
	if (age < 4 || age > 13 ||
	    gen_draw(p, GP_LIBRARY, y, 100) >= (uint64_t)(20 + ability(p) / 5))
		return;
	int32_t reg = june + (int32_t)gen_draw(p, GP_LIBRARY, y + 10000, 61);
	int books = bb_rng_chance(&c->rng, 1200) ? 0 :
	    1 + (int)bb_rng_below(&c->rng, (uint64_t)(6 + ability(p) / 3));
	gen_row_begin(c);
	gen_set_day(c, "registration_date", reg);
	gen_set(c, "books_read", "%d", books);
	gen_emit(c, reg);
}

static void
health_visits(struct gen_ctx *c)
{
	const struct gen_person *p = c->p;
	int months = gen_age_months(p, c->per->start);
	int32_t lo = c->per->start > p->birth + 3 ? c->per->start : p->birth + 3;

	if (lo > c->per->end || months >= 72 || gen_hdraw(p, GP_CLINIC, 0, 100) >= 60)
		return;
	uint64_t chance = months < 12 ? 60 : months < 24 ? 35 : 20;
	if (gen_draw(p, GP_VISIT, c->per->start, 100) >= chance)
		return;
	int32_t day = day_in(c, lo, c->per->end);
	int at = gen_age_months(p, day);
	uint64_t x = bb_rng_below(&c->rng, 100);
	const char *type = "well_child", *result = NULL;
	if (at >= 9 && x < 22) {
		uint64_t r = bb_rng_below(&c->rng, 100);
		type = "developmental_screening";
		result = r < 68 ? "on_track" : r < 82 ? "monitor" : r < 90 ? "refer" : NULL;
	} else if (at < 24 && x < 50)
		type = "immunization";
	else if (at >= 12 && x < 62)
		type = "dental";
	else if (x >= 94)
		type = "other";
	gen_row_begin(c);
	gen_set_day(c, "visit_date", day);
	gen_set(c, "visit_type", "%s", type);
	if (result)
		gen_set(c, "screening_result", "%s", result);
	else
		gen_set_none(c, "screening_result");
	gen_emit(c, day);
}

static void
job_placements(struct gen_ctx *c)
{
	static const char *const types[] = { "full_time", "part_time", "seasonal" };
	static const int weights[] = { 50, 40, 10 };
	const struct gen_person *p = c->p;
	int age = gen_age(p, c->per->start);

	if (age < 16 || age > 24 || gen_draw(p, GP_WORKFORCE, c->per->start, 1000) >= 100)
		return;
	int32_t enrolled = day_in(c, c->per->start, c->per->end);
	gen_row_begin(c);
	gen_set_day(c, "enrollment_date", enrolled);
	int32_t days = 7 + (int32_t)bb_rng_below(&c->rng, 100);
	if (bb_rng_chance(&c->rng, 2000))
		days += (int32_t)bb_rng_below(&c->rng, 150);
	bool placed = bb_rng_chance(&c->rng, 6500) && enrolled + days <= c->export_day;
	const char *fields[] = { "placement_date", "separation_date", "days_to_placement",
		"employment_type", "hourly_wage", "hours_per_week" };
	for (size_t i = 0; i < BB_ARRAY_LEN(fields); i++)
		gen_set_none(c, fields[i]);
	if (placed) {
		const char *type = weighted(c, types, weights, BB_ARRAY_LEN(types));
		int cents = type == types[0] ? 1700 + (int)bb_rng_below(&c->rng, 1300) :
		    1600 + (int)bb_rng_below(&c->rng, type == types[1] ? 600 : 400);
		int hours = type == types[0] ? 35 + (int)bb_rng_below(&c->rng, 6) :
		    20 + (int)bb_rng_below(&c->rng, type == types[1] ? 15 : 21);
		gen_set_day(c, "placement_date", enrolled + days);
		gen_set(c, "days_to_placement", "%d", days);
		gen_set(c, "employment_type", "%s", type);
		gen_set(c, "hourly_wage", "%d.%02d", cents / 100, cents % 100);
		gen_set(c, "hours_per_week", "%d", hours);
		if (bb_rng_chance(&c->rng, 3500)) {
			int32_t sep = enrolled + days + 20 + (int32_t)bb_rng_below(&c->rng, 280);
			if (sep <= c->export_day)
				gen_set_day(c, "separation_date", sep);
		}
	}
	gen_emit(c, enrolled);
}

/* --- housing ------------------------------------------------------------------------ */

/* The code of an age-band list ("0-4", "18-24", "62+") holding `age`. */
static const char *
age_band(const struct bb_field *f, int age)
{
	for (size_t i = 0; f->codes && i < f->codes->ncodes; i++) {
		const char *code = f->codes->codes[i].code;
		char *end;
		long lo = strtol(code, &end, 10);
		if (end == code)
			continue;
		if (*end == '+' && age >= lo)
			return code;
		if (*end == '-') {
			long hi = strtol(end + 1, NULL, 10);
			if (age >= lo && age <= hi)
				return code;
		}
	}
	return NULL;
}

static const struct bb_field *
field_of(const struct gen_ctx *c, const char *name)
{
	return bb_fw_field(c->ds, name);
}

static void
household_counts(struct gen_ctx *c)
{
	const struct gen_person *head = &c->hh->p[0];
	const struct bb_field *band = field_of(c, "age_band");
	const char *status = "housed";

	if (gen_hdraw(head, GP_HOUSING, 0, 100) < 10) {
		uint64_t x = gen_hdraw(head, GP_HOUSING_MONTH, c->per->start, 100);
		status = x < 45 ? "sheltered" : x < 70 ? "unsheltered" : "housed";
	}
	gen_set(c, "housing_status", "%s", status);
	if (band != NULL) {
		const char *b = age_band(band, gen_age(head, c->per->start));
		if (b == NULL)
			return;
		gen_set(c, "age_band", "%s", b);
	}
	gen_tally(c, 1);
}

/* --- any other dataset ---------------------------------------------------------------- */

static void
generic_person(struct gen_ctx *c)
{
	if (!bb_rng_chance(&c->rng, 500) || gen_age(c->p, c->per->start) < 0)
		return;
	gen_row_begin(c);
	gen_emit(c, day_in(c, c->per->start, c->per->end));
}

static void
generic_household(struct gen_ctx *c)
{
	for (size_t i = 0; i < c->hh->n; i++) {
		gen_row_begin(c);
		for (size_t k = 0; k < c->ds->nfields; k++) {
			const struct bb_field *f = &c->ds->fields[k];
			if (f->type == BB_FT_CODE && f->codes && f->codes->ncodes)
				gen_set(c, f->name, "%s",
				    f->codes->codes[bb_rng_below(&c->rng, f->codes->ncodes)].code);
		}
		gen_tally(c, 1);
	}
}

static const struct gen_profile profiles[] = {
	{ "enrollments", enrollments, NULL },
	{ "attendance", attendance, NULL },
	{ "assessments", assessments, NULL },
	{ "program_participation", program_participation, NULL },
	{ "summer_reading", summer_reading, NULL },
	{ "health_visits", health_visits, NULL },
	{ "job_placements", job_placements, NULL },
	{ "household_counts", NULL, household_counts },
};

static const struct gen_profile generic = { NULL, generic_person, generic_household };

const struct gen_profile *
gen_profile_for(const struct bb_dataset *ds)
{
	for (size_t i = 0; i < BB_ARRAY_LEN(profiles); i++) {
		const struct gen_profile *p = &profiles[i];
		if (strcmp(p->dataset, ds->id) != 0)
			continue;
		/* A known name of the wrong kind gets the generic profile. */
		if ((ds->kind == BB_DS_AGGREGATE) == (p->household != NULL))
			return p;
	}
	return &generic;
}

bool
gen_profile_is_generic(const struct gen_profile *pr)
{
	return pr == &generic;
}
