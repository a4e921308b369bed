/*
 * period.c: civil dates as day numbers, and reporting-period labels.
 *
 * The day-number conversions are Howard Hinnant's civil-from-days
 * algorithms (public domain), exact for the proleptic Gregorian calendar.
 */
#include "framework/period.h"
#include "util/bb.h"

#include <stdio.h>
#include <string.h>

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

bool
bb_date_from_ymd(int y, int m, int d, int32_t *out)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays(y, m))
		return false;
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = (int32_t)(era * 146097 + (int)doe - 719468);
	return true;
}

void
bb_date_to_ymd(int32_t z, int *y, int *m, int *d)
{
	int zz = z + 719468;
	int era = (zz >= 0 ? zz : zz - 146096) / 146097;
	unsigned doe = (unsigned)(zz - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*m <= 2);
}

static bool
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
bb_date_parse_iso(const char *s, int32_t *out)
{
	int y, m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return false;
	if (y < 1000)
		return false;
	return bb_date_from_ymd(y, m, d, out);
}

void
bb_date_format(int32_t day, char out[11])
{
	int y, m, d;
	unsigned uy, um, ud;

	/* By hand: this runs for every date of every record. */
	bb_date_to_ymd(day, &y, &m, &d);
	uy = (unsigned)y % 10000u;
	um = (unsigned)m % 100u;
	ud = (unsigned)d % 100u;
	out[0] = (char)('0' + uy / 1000);
	out[1] = (char)('0' + uy / 100 % 10);
	out[2] = (char)('0' + uy / 10 % 10);
	out[3] = (char)('0' + uy % 10);
	out[4] = '-';
	out[5] = (char)('0' + um / 10);
	out[6] = (char)('0' + um % 10);
	out[7] = '-';
	out[8] = (char)('0' + ud / 10);
	out[9] = (char)('0' + ud % 10);
	out[10] = '\0';
}

static int32_t
ymd(int y, int m, int d)
{
	int32_t v = 0;
	/* Callers pass valid dates; clamp the day for safety. */
	if (d > mdays(y, m))
		d = mdays(y, m);
	bb_date_from_ymd(y, m, d, &v);
	return v;
}

/* Set a period of `kind` whose start year/month are y/m. */
static void
make(enum bb_period_kind kind, int y, int m, const struct bb_year_starts *ys,
    struct bb_period *p)
{
	int ey, em;

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	switch (kind) {
	case BB_PERIOD_YEAR:
		p->start = ymd(y, 1, 1);
		p->end = ymd(y, 12, 31);
		snprintf(p->label, sizeof(p->label), "%04d", y);
		break;
	case BB_PERIOD_QUARTER:
		p->start = ymd(y, m, 1);
		em = m + 2;
		p->end = ymd(y, em, mdays(y, em));
		snprintf(p->label, sizeof(p->label), "%04d-Q%d", y, (m - 1) / 3 + 1);
		break;
	case BB_PERIOD_MONTH:
		p->start = ymd(y, m, 1);
		p->end = ymd(y, m, mdays(y, m));
		snprintf(p->label, sizeof(p->label), "%04d-%02d", y, m);
		break;
	case BB_PERIOD_SCHOOL_YEAR:
	case BB_PERIOD_FISCAL_YEAR:
		p->start = ymd(y, m, 1);
		ey = m == 1 ? y : y + 1;
		em = m == 1 ? 12 : m - 1;
		p->end = ymd(ey, em, mdays(ey, em));
		if (kind == BB_PERIOD_SCHOOL_YEAR) {
			if (m == 1)
				snprintf(p->label, sizeof(p->label), "SY%04d", y);
			else
				snprintf(p->label, sizeof(p->label), "SY%04d-%02d", y,
				    (y + 1) % 100);
		} else
			snprintf(p->label, sizeof(p->label), "FY%04d", ey);
		break;
	case BB_PERIOD_RANGE:
		break;
	}
	(void)ys;
}

int
bb_period_parse(const char *s, const struct bb_year_starts *ys,
    struct bb_period *out, const char **why)
{
	size_t n = strlen(s);
	int y, q, m, y2;
	const char *dots;

	memset(out, 0, sizeof(*out));
	*why = "is not a period label (expected e.g. 2026, 2026-Q3, 2026-07, "
	    "SY2026-27, FY2027 or 2026-01-15..2026-03-31)";
	if ((dots = strstr(s, "..")) != NULL) {
		char a[12], b[12];
		size_t la = (size_t)(dots - s);
		if (la >= sizeof(a) || strlen(dots + 2) >= sizeof(b))
			return BB_ERR_INPUT;
		memcpy(a, s, la);
		a[la] = '\0';
		bb_strlcpy(b, dots + 2, sizeof(b));
		if (!bb_date_parse_iso(a, &out->start) ||
		    !bb_date_parse_iso(b, &out->end)) {
			*why = "is not a valid date range (expected YYYY-MM-DD..YYYY-MM-DD)";
			return BB_ERR_INPUT;
		}
		if (out->end < out->start) {
			*why = "ends before it starts";
			return BB_ERR_INPUT;
		}
		out->kind = BB_PERIOD_RANGE;
		snprintf(out->label, sizeof(out->label), "%s..%s", a, b);
		return BB_OK;
	}
	if (n == 4 && digits(s, 4, &y) && y >= 1000) {
		make(BB_PERIOD_YEAR, y, 1, ys, out);
		return BB_OK;
	}
	if (n == 7 && digits(s, 4, &y) && y >= 1000 && s[4] == '-') {
		if (s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
			q = s[6] - '0';
			make(BB_PERIOD_QUARTER, y, (q - 1) * 3 + 1, ys, out);
			return BB_OK;
		}
		if (digits(s + 5, 2, &m) && m >= 1 && m <= 12) {
			make(BB_PERIOD_MONTH, y, m, ys, out);
			return BB_OK;
		}
		return BB_ERR_INPUT;
	}
	if (n == 6 && strncmp(s, "FY", 2) == 0 && digits(s + 2, 4, &y) && y >= 1001) {
		int fm = ys && ys->fiscal ? ys->fiscal : 7;
		make(BB_PERIOD_FISCAL_YEAR, fm == 1 ? y : y - 1, fm, ys, out);
		return BB_OK;
	}
	if (strncmp(s, "SY", 2) == 0 && digits(s + 2, 4, &y) && y >= 1000) {
		int sm = ys && ys->school ? ys->school : 8;
		if (sm == 1 && n == 6) {
			make(BB_PERIOD_SCHOOL_YEAR, y, 1, ys, out);
			return BB_OK;
		}
		if (sm != 1 && n == 9 && s[6] == '-' && digits(s + 7, 2, &y2)) {
			if (y2 != (y + 1) % 100) {
				*why = "is not a school year (the second year must follow the first, e.g. SY2026-27)";
				return BB_ERR_INPUT;
			}
			make(BB_PERIOD_SCHOOL_YEAR, y, sm, ys, out);
			return BB_OK;
		}
	}
	return BB_ERR_INPUT;
}

void
bb_period_containing(enum bb_cadence c, int32_t day,
    const struct bb_year_starts *ys, struct bb_period *out)
{
	int y, m, d, sm;

	bb_date_to_ymd(day, &y, &m, &d);
	switch (c) {
	case BB_CAD_MONTHLY:
		make(BB_PERIOD_MONTH, y, m, ys, out);
		break;
	case BB_CAD_QUARTERLY:
		make(BB_PERIOD_QUARTER, y, ((m - 1) / 3) * 3 + 1, ys, out);
		break;
	case BB_CAD_SCHOOL_YEAR:
		sm = ys && ys->school ? ys->school : 8;
		make(BB_PERIOD_SCHOOL_YEAR, m >= sm ? y : y - 1, sm, ys, out);
		break;
	case BB_CAD_FISCAL_YEAR:
		sm = ys && ys->fiscal ? ys->fiscal : 7;
		make(BB_PERIOD_FISCAL_YEAR, m >= sm ? y : y - 1, sm, ys, out);
		break;
	case BB_CAD_ANNUAL:
	default:
		make(BB_PERIOD_YEAR, y, 1, ys, out);
		break;
	}
}

static enum bb_cadence
cadence_of(enum bb_period_kind k)
{
	switch (k) {
	case BB_PERIOD_MONTH: return BB_CAD_MONTHLY;
	case BB_PERIOD_QUARTER: return BB_CAD_QUARTERLY;
	case BB_PERIOD_SCHOOL_YEAR: return BB_CAD_SCHOOL_YEAR;
	case BB_PERIOD_FISCAL_YEAR: return BB_CAD_FISCAL_YEAR;
	default: return BB_CAD_ANNUAL;
	}
}

void
bb_period_prev(const struct bb_period *p, const struct bb_year_starts *ys,
    struct bb_period *out)
{
	if (p->kind == BB_PERIOD_RANGE) {
		int32_t len = p->end - p->start + 1;
		char a[11], b[11];
		memset(out, 0, sizeof(*out));
		out->kind = BB_PERIOD_RANGE;
		out->start = p->start - len;
		out->end = p->start - 1;
		bb_date_format(out->start, a);
		bb_date_format(out->end, b);
		snprintf(out->label, sizeof(out->label), "%s..%s", a, b);
		return;
	}
	bb_period_containing(cadence_of(p->kind), p->start - 1, ys, out);
}

void
bb_period_next(const struct bb_period *p, const struct bb_year_starts *ys,
    struct bb_period *out)
{
	if (p->kind == BB_PERIOD_RANGE) {
		int32_t len = p->end - p->start + 1;
		char a[11], b[11];
		memset(out, 0, sizeof(*out));
		out->kind = BB_PERIOD_RANGE;
		out->start = p->end + 1;
		out->end = p->end + len;
		bb_date_format(out->start, a);
		bb_date_format(out->end, b);
		snprintf(out->label, sizeof(out->label), "%s..%s", a, b);
		return;
	}
	bb_period_containing(cadence_of(p->kind), p->end + 1, ys, out);
}

void
bb_period_last_ended(enum bb_cadence c, int32_t today,
    const struct bb_year_starts *ys, struct bb_period *out)
{
	struct bb_period cur;
	bb_period_containing(c, today, ys, &cur);
	bb_period_prev(&cur, ys, out);
}

void
bb_year_starts_of(const struct bb_framework *fw, struct bb_year_starts *out)
{
	out->school = fw && fw->calendar.school_year_start ? fw->calendar.school_year_start : 8;
	out->fiscal = fw && fw->calendar.fiscal_year_start ? fw->calendar.fiscal_year_start : 7;
}

bool
bb_period_within(const struct bb_period *a, const struct bb_period *b)
{
	return a->start >= b->start && a->end <= b->end;
}
