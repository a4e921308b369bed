/*
 * period.h: dates and reporting periods, one label format used everywhere.
 *
 * Dates are day numbers (days since 1970-01-01, proleptic Gregorian) so that
 * arithmetic ("exit + 90 days") is integer addition.  Period labels:
 *
 *   2026                  calendar year
 *   2026-Q3               quarter
 *   2026-07               month
 *   SY2026-27             school year starting in 2026 (start month from the calendar)
 *   FY2027                fiscal year ending in 2027 (start month from the calendar)
 *   2026-01-15..2026-03-31  a custom range (inclusive)
 *
 * Fiscal years are named by the calendar year they end in (FY2027 with a July
 * start runs 2026-07-01..2027-06-30); a January start makes FYn the calendar
 * year n.
 */
#ifndef BB_PERIOD_H
#define BB_PERIOD_H

#include <stdbool.h>
#include <stdint.h>

#include "framework/framework.h"

#define BB_PERIOD_LABEL 40

enum bb_period_kind {
	BB_PERIOD_YEAR = 1,
	BB_PERIOD_QUARTER,
	BB_PERIOD_MONTH,
	BB_PERIOD_SCHOOL_YEAR,
	BB_PERIOD_FISCAL_YEAR,
	BB_PERIOD_RANGE,
};

struct bb_period {
	enum bb_period_kind kind;
	int32_t start;		/* first day, inclusive */
	int32_t end;		/* last day, inclusive */
	char label[BB_PERIOD_LABEL];
};

/* Start months of school and fiscal years (1..12); defaults 8 and 7. */
struct bb_year_starts {
	int school;
	int fiscal;
};

/* Day number of a civil date; false when the date does not exist. */
bool bb_date_from_ymd(int y, int m, int d, int32_t *out);
void bb_date_to_ymd(int32_t day, int *y, int *m, int *d);
/* Strict ISO "YYYY-MM-DD" (years 1000..9999). */
bool bb_date_parse_iso(const char *s, int32_t *out);
/* Write "YYYY-MM-DD" into out[11]. */
void bb_date_format(int32_t day, char out[11]);

/* Parse a label; BB_ERR_INPUT with *why (static text) when malformed. */
int bb_period_parse(const char *label, const struct bb_year_starts *ys,
    struct bb_period *out, const char **why);
/* The period of the cadence that contains `day`. */
void bb_period_containing(enum bb_cadence c, int32_t day,
    const struct bb_year_starts *ys, struct bb_period *out);
/* The period of the same kind right before / after p (not for ranges). */
void bb_period_prev(const struct bb_period *p, const struct bb_year_starts *ys,
    struct bb_period *out);
void bb_period_next(const struct bb_period *p, const struct bb_year_starts *ys,
    struct bb_period *out);
/* The most recent period of the cadence that has ended before `today`. */
void bb_period_last_ended(enum bb_cadence c, int32_t today,
    const struct bb_year_starts *ys, struct bb_period *out);
/* The year starts a framework's calendar gives. */
void bb_year_starts_of(const struct bb_framework *fw, struct bb_year_starts *out);
/* Does period a lie within b? */
bool bb_period_within(const struct bb_period *a, const struct bb_period *b);

#endif
