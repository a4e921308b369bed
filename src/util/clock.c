/*
 * clock.c: system time, or BACKBONE_NOW when set (for reproducible output).
 */
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
parse_iso(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0;
	int n = sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se);

	if (n != 3 && n != 6)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = timegm(&tm);
	return 0;
}

time_t
bb_clock_now(void)
{
	const char *s = getenv("BACKBONE_NOW");
	time_t t;

	if (s != NULL && *s && parse_iso(s, &t) == 0)
		return t;
	return time(NULL);
}

void
bb_clock_iso(char out[BB_ISO_TIME])
{
	time_t t = bb_clock_now();
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, BB_ISO_TIME, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
bb_clock_today(char out[11])
{
	time_t t = bb_clock_now();
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
