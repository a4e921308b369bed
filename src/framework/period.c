/*
 * period.c: the calendar words of a framework: ISO dates, period labels
 * ("2026", "2026-Q3", "2026-07", "SY2026-27", "FY2027",
 * "2026-01-15..2026-03-31") and the date formats crosswalks declare for a
 * partner's dates ("MM/DD/YYYY", "DD.MM.YYYY", "YYYYMMDD", "excel", "iso").
 * docs/framework.md describes each.
 */
#include "framework/framework.h"
#include "util/bb.h"

#include <stdio.h>
#include <string.h>

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Read exactly n digits at s into *v. */
static bool
digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

static void
put_date(char out[11], int y, int m, int d)
{
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

bool
bb_fw_date_valid(const char *s)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return false;
	return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* The first day of month m of year y plus `months` months. */
static void
month_start(int y, int m, int months, int *oy, int *om)
{
	int t = y * 12 + (m - 1) + months;
	*oy = t / 12;
	*om = t % 12 + 1;
}

/* The last day before the first of (y, m). */
static void
day_before(int y, int m, char out[11])
{
	int py, pm;
	month_start(y, m, -1, &py, &pm);
	put_date(out, py, pm, month_days(py, pm));
}

int
bb_fw_period_parse(const char *label, const struct bb_calendar *cal,
    char start[11], char end[11])
{
	int fy = cal && cal->fiscal_year_start >= 1 && cal->fiscal_year_start <= 12 ?
	    cal->fiscal_year_start : 7;
	int sy = cal && cal->school_year_start >= 1 && cal->school_year_start <= 12 ?
	    cal->school_year_start : 8;
	size_t n = label ? strlen(label) : 0;
	int y, v, ey, em;
	const char *dots;

	if (n == 0)
		return BB_ERR_INPUT;
	if ((dots = strstr(label, "..")) != NULL) {
		char a[11], b[11];
		if (dots - label != 10 || strlen(dots + 2) != 10)
			return BB_ERR_INPUT;
		memcpy(a, label, 10);
		a[10] = '\0';
		memcpy(b, dots + 2, 11);
		if (!bb_fw_date_valid(a) || !bb_fw_date_valid(b) || strcmp(a, b) > 0)
			return BB_ERR_INPUT;
		memcpy(start, a, 11);
		memcpy(end, b, 11);
		return BB_OK;
	}
	if (n == 4 && digits(label, 4, &y) && y >= 1000) {
		put_date(start, y, 1, 1);
		put_date(end, y, 12, 31);
		return BB_OK;
	}
	if (n == 7 && digits(label, 4, &y) && y >= 1000 && label[4] == '-' &&
	    label[5] == 'Q' && label[6] >= '1' && label[6] <= '4') {
		int q = label[6] - '0';
		put_date(start, y, 3 * q - 2, 1);
		put_date(end, y, 3 * q, month_days(y, 3 * q));
		return BB_OK;
	}
	if (n == 7 && digits(label, 4, &y) && y >= 1000 && label[4] == '-' &&
	    digits(label + 5, 2, &v) && v >= 1 && v <= 12) {
		put_date(start, y, v, 1);
		put_date(end, y, v, month_days(y, v));
		return BB_OK;
	}
	if (n == 9 && label[0] == 'S' && label[1] == 'Y' && digits(label + 2, 4, &y) &&
	    y >= 1000 && label[6] == '-' && digits(label + 7, 2, &v) &&
	    v == (y + 1) % 100) {
		put_date(start, y, sy, 1);
		month_start(y, sy, 12, &ey, &em);
		day_before(ey, em, end);
		return BB_OK;
	}
	if (n == 6 && label[0] == 'F' && label[1] == 'Y' && digits(label + 2, 4, &y) &&
	    y >= 1001) {
		/* Named by the year it ends: FY2027 with a July start is
		 * 2026-07-01..2027-06-30; with a January start, 2027. */
		int sy0 = fy == 1 ? y : y - 1;
		put_date(start, sy0, fy, 1);
		month_start(sy0, fy, 12, &ey, &em);
		day_before(ey, em, end);
		return BB_OK;
	}
	return BB_ERR_INPUT;
}

/* --- date formats -------------------------------------------------------- */

/* One token of a format: 'Y', 'M', 'D' with a width, or a separator. */
struct tok {
	char what;	/* 'Y', 'M', 'D', or 0 for a separator */
	int width;	/* 4 or 2 for Y; 2 or 1 (1 = one or two digits) */
	char sep;
};

/* Split a format into tokens; BB_ERR_INPUT with *why on a bad one. */
static int
tokenize(const char *fmt, struct tok *t, int *nt, const char **why)
{
	int n = 0, seen[3] = { 0, 0, 0 };

	for (const char *p = fmt; *p; ) {
		if (n >= 16) {
			*why = "is too long";
			return BB_ERR_INPUT;
		}
		if (*p == 'Y' || *p == 'M' || *p == 'D') {
			char c = *p;
			int run = 0;
			while (p[run] == c)
				run++;
			if (c == 'Y' && run != 4 && run != 2) {
				*why = "has a year that is neither YYYY nor YY";
				return BB_ERR_INPUT;
			}
			if (c != 'Y' && run > 2) {
				*why = c == 'M' ? "has a month that is neither MM nor M" :
				    "has a day that is neither DD nor D";
				return BB_ERR_INPUT;
			}
			if (seen[c == 'Y' ? 0 : c == 'M' ? 1 : 2]++) {
				*why = "names the year, month or day twice";
				return BB_ERR_INPUT;
			}
			t[n].what = c;
			t[n].width = run;
			t[n].sep = 0;
			n++;
			p += run;
			continue;
		}
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
			*why = "has a letter that is not a date token (use YYYY, YY, "
			    "MM, M, DD, D and separators)";
			return BB_ERR_INPUT;
		}
		if (*p >= '0' && *p <= '9') {
			*why = "has a digit (use YYYY, YY, MM, M, DD, D and separators)";
			return BB_ERR_INPUT;
		}
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20) {
			*why = "has a separator that is not a printable ASCII character";
			return BB_ERR_INPUT;
		}
		t[n].what = 0;
		t[n].width = 0;
		t[n].sep = *p;
		n++;
		p++;
	}
	if (!seen[0] || !seen[1] || !seen[2]) {
		*why = "needs a year, a month and a day";
		return BB_ERR_INPUT;
	}
	for (int i = 0; i + 1 < n; i++)
		if (t[i].what && t[i].width == 1 && t[i + 1].what) {
			*why = "needs a separator after M or D (they have one or two digits)";
			return BB_ERR_INPUT;
		}
	*nt = n;
	return BB_OK;
}

int
bb_fw_date_format_check(const char *fmt, const char **why)
{
	struct tok t[16];
	int n;

	if (fmt == NULL || *fmt == '\0') {
		*why = "is empty";
		return BB_ERR_INPUT;
	}
	if (strcmp(fmt, "excel") == 0 || strcmp(fmt, "iso") == 0)
		return BB_OK;
	return tokenize(fmt, t, &n, why);
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void
civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
parse_excel(const char *text, char out[11])
{
	int64_t serial;
	const char *dot = strchr(text, '.');
	char whole[32];
	size_t wl = dot ? (size_t)(dot - text) : strlen(text);
	int y, m, d;

	if (wl == 0 || wl >= sizeof(whole))
		return BB_ERR_INPUT;
	memcpy(whole, text, wl);
	whole[wl] = '\0';
	if (dot != NULL)
		for (const char *p = dot + 1; *p; p++)
			if (*p < '0' || *p > '9')
				return BB_ERR_INPUT;
	/* 2958465 is 9999-12-31; 60 is Lotus's 1900-02-29, which never was. */
	if (bb_parse_i64(whole, &serial) != BB_OK || serial < 1 ||
	    serial > 2958465 || serial == 60)
		return BB_ERR_INPUT;
	/* Serial 1 is 1900-01-01; from 61 on, one less for the phantom day.
	 * 1899-12-31 is day -25568 of the Unix epoch. */
	civil_from_days(-25568L + (long)serial - (serial > 60 ? 1 : 0), &y, &m, &d);
	put_date(out, y, m, d);
	return BB_OK;
}

int
bb_fw_date_parse(const char *fmt, const char *text, char out[11])
{
	struct tok t[16];
	const char *why, *p = text;
	int n, y = 0, m = 0, d = 0;

	if (fmt == NULL || text == NULL)
		return BB_ERR_INPUT;
	if (strcmp(fmt, "excel") == 0)
		return parse_excel(text, out);
	if (strcmp(fmt, "iso") == 0) {
		char a[11];
		size_t len = strlen(text);
		if (len < 10 || (len > 10 && text[10] != 'T' && text[10] != ' '))
			return BB_ERR_INPUT;
		memcpy(a, text, 10);
		a[10] = '\0';
		if (!bb_fw_date_valid(a))
			return BB_ERR_INPUT;
		memcpy(out, a, 11);
		return BB_OK;
	}
	if (tokenize(fmt, t, &n, &why) != BB_OK)
		return BB_ERR_INPUT;
	for (int i = 0; i < n; i++) {
		int v, w = t[i].width;
		if (t[i].what == 0) {
			if (*p++ != t[i].sep)
				return BB_ERR_INPUT;
			continue;
		}
		if (w == 1)	/* one or two digits */
			w = p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' ? 2 : 1;
		if (!digits(p, w, &v))
			return BB_ERR_INPUT;
		p += w;
		if (t[i].what == 'Y')
			y = t[i].width == 2 ? (v <= 68 ? 2000 + v : 1900 + v) : v;
		else if (t[i].what == 'M')
			m = v;
		else
			d = v;
	}
	if (*p != '\0' || y < 1 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return BB_ERR_INPUT;
	put_date(out, y, m, d);
	return BB_OK;
}
