/*
 * dateformat.c: checking the date formats crosswalks declare for a
 * partner's dates ("MM/DD/YYYY", "DD.MM.YYYY", "YYYYMMDD", "D MMM YYYY",
 * "excel", "iso"), so a bad one is a finding with its place when the
 * framework is checked, not a failure on every row later.  Reading dates
 * in a format is intake's (bb_mapper_parse_date); the grammar here is the
 * one it reads, made strict: each of year, month and day exactly once, and
 * a separator after a one-or-two-digit M or D.
 */
#include "framework/framework.h"
#include "util/bb.h"

#include <string.h>

int
bb_fw_date_format_check(const char *fmt, const char **why)
{
	int seen[3] = { 0, 0, 0 };	/* year, month, day */
	bool variable_before = false;	/* the last token was M or D */

	if (fmt == NULL || *fmt == '\0') {
		*why = "is empty";
		return BB_ERR_INPUT;
	}
	if (strcmp(fmt, "excel") == 0 || strcmp(fmt, "iso") == 0)
		return BB_OK;
	for (const char *p = fmt; *p; ) {
		char c = *p;
		int run = 0, which;

		if (c != 'Y' && c != 'M' && c != 'D') {
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
				*why = "has a letter that is not a date token (use YYYY, "
				    "YY, MMM, MM, M, DD, D and separators)";
				return BB_ERR_INPUT;
			}
			if (c >= '0' && c <= '9') {
				*why = "has a digit (use YYYY, YY, MMM, MM, M, DD, D and "
				    "separators)";
				return BB_ERR_INPUT;
			}
			if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f) {
				*why = "has a separator that is not a printable ASCII "
				    "character";
				return BB_ERR_INPUT;
			}
			variable_before = false;
			p++;
			continue;
		}
		while (p[run] == c)
			run++;
		if (c == 'Y' && run != 4 && run != 2) {
			*why = "has a year that is neither YYYY nor YY";
			return BB_ERR_INPUT;
		}
		if (c == 'M' && run > 3) {
			*why = "has a month that is neither MMM, MM nor M";
			return BB_ERR_INPUT;
		}
		if (c == 'D' && run > 2) {
			*why = "has a day that is neither DD nor D";
			return BB_ERR_INPUT;
		}
		if (variable_before) {
			*why = "needs a separator after M, MMM or D (they have no "
			    "fixed width)";
			return BB_ERR_INPUT;
		}
		which = c == 'Y' ? 0 : c == 'M' ? 1 : 2;
		if (seen[which]++) {
			*why = "names the year, month or day twice";
			return BB_ERR_INPUT;
		}
		variable_before = (c != 'Y' && run == 1) || (c == 'M' && run == 3);
		p += run;
	}
	if (!seen[0] || !seen[1] || !seen[2]) {
		*why = "needs a year, a month and a day";
		return BB_ERR_INPUT;
	}
	return BB_OK;
}
