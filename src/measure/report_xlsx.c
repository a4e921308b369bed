/*
 * report_xlsx.c: the report as an XLSX workbook (libxlsxwriter): a
 * "Report" sheet with one row per indicator and a "Figures" sheet with
 * every figure.  The workbook's `created` property is set from the data
 * (the newest submission's receipt time), never the clock, so the same
 * report gives the same bytes.
 */
#include "measure/report.h"
#include "util/bb.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

/* "YYYY-MM-DDTHH:MM:SSZ" as a UTC time_t (0 when unreadable). */
static time_t
parse_iso(const char *s)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	int32_t day;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) < 3 ||
	    !bb_date_from_ymd(y, mo, d, &day))
		return 0;
	return (time_t)day * 86400 + h * 3600 + mi * 60 + se;
}

static void
put_num(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, bool has, double v,
    lxw_format *fmt)
{
	if (has)
		worksheet_write_number(ws, r, c, v, fmt);
}

static void
figure_row(lxw_worksheet *ws, lxw_row_t row, const struct bb_report_item *it,
    const struct bb_value *v, lxw_format *num)
{
	bool show = !v->suppressed;

	worksheet_write_string(ws, row, 0, it->ind->id, NULL);
	worksheet_write_string(ws, row, 1, v->period, NULL);
	worksheet_write_string(ws, row, 2, v->partner ? v->partner : "", NULL);
	worksheet_write_string(ws, row, 3, v->dkey, NULL);
	worksheet_write_string(ws, row, 4, v->dvalue, NULL);
	put_num(ws, row, 5, show && v->has_value, v->value, num);
	put_num(ws, row, 6, show && v->has_num, v->num, num);
	put_num(ws, row, 7, show && v->has_den, v->den, num);
	put_num(ws, row, 8, show, (double)v->n_num, NULL);
	put_num(ws, row, 9, show, (double)v->records, NULL);
	worksheet_write_string(ws, row, 10, bb_dedup_name(v->dedup), NULL);
	worksheet_write_string(ws, row, 11, v->dedup_note ? v->dedup_note : "", NULL);
	worksheet_write_string(ws, row, 12, !v->suppressed ? "" : v->why == 'c' ?
	    "complementary" : "primary", NULL);
}

int
bb_report_write_xlsx(const struct bb_report *r, const char *path)
{
	lxw_doc_properties props;
	lxw_workbook *wb;
	lxw_worksheet *sum, *figs;
	lxw_format *bold, *num;
	lxw_row_t row = 0, frow = 0;
	char meta[256];
	static const char *const sum_head[] = {
		"outcome", "indicator", "name", "unit", "period", "value", "numerator",
		"denominator", "target", "target period", "baseline", "baseline period",
		"variance", "percent of target", "trend", "trend periods", "deduplication",
	};
	static const char *const fig_head[] = {
		"indicator", "period", "partner", "by", "group", "value", "numerator",
		"denominator", "count", "records", "deduplication", "deduplication note",
		"suppressed",
	};

	if ((wb = workbook_new(path)) == NULL)
		return BB_ERR_IO;
	memset(&props, 0, sizeof(props));
	props.title = r->initiative;
	props.subject = (char *)(uintptr_t)"Indicator report";
	props.created = parse_iso(r->as_of_at);
	workbook_set_properties(wb, &props);
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	num = workbook_add_format(wb);
	format_set_num_format(num, "0.0##");
	sum = workbook_add_worksheet(wb, "Report");
	figs = workbook_add_worksheet(wb, "Figures");

	worksheet_write_string(sum, row++, 0, r->initiative, bold);
	snprintf(meta, sizeof(meta), "framework version %lld (%.12s); data as of "
	    "submission %lld; data sha256 %s; view %s", (long long)r->fw_version,
	    r->fw->sha256, (long long)r->as_of, r->data_sha256, bb_role_name(r->opts.role));
	worksheet_write_string(sum, row++, 0, meta, NULL);
	row++;
	for (size_t c = 0; c < BB_ARRAY_LEN(sum_head); c++)
		worksheet_write_string(sum, row, (lxw_col_t)c, sum_head[c], bold);
	row++;
	for (size_t c = 0; c < BB_ARRAY_LEN(fig_head); c++)
		worksheet_write_string(figs, frow, (lxw_col_t)c, fig_head[c], bold);
	frow++;
	for (size_t i = 0; i < r->nitems; i++) {
		const struct bb_report_item *it = &r->items[i];
		const struct bb_indicator *ind = it->ind;
		const struct bb_value *h = it->headline;
		bool show = h && !h->suppressed;

		worksheet_write_string(sum, row, 0, it->outcome ? it->outcome->id : "", NULL);
		worksheet_write_string(sum, row, 1, ind->id, NULL);
		worksheet_write_string(sum, row, 2, ind->name ? ind->name : "", NULL);
		worksheet_write_string(sum, row, 3, ind->unit ? ind->unit : "", NULL);
		worksheet_write_string(sum, row, 4, it->period ? it->period : "", NULL);
		if (h) {
			put_num(sum, row, 5, show && h->has_value, h->value, num);
			put_num(sum, row, 6, show && h->has_num, h->num, num);
			put_num(sum, row, 7, show && h->has_den, h->den, num);
			if (h->suppressed)
				worksheet_write_string(sum, row, 5, "*", NULL);
		}
		if (it->target) {
			worksheet_write_number(sum, row, 8, it->target->value, num);
			worksheet_write_string(sum, row, 9, it->target->period, NULL);
		}
		if (ind->has_baseline && ind->baseline_period) {
			worksheet_write_number(sum, row, 10, ind->baseline_value, num);
			worksheet_write_string(sum, row, 11, ind->baseline_period, NULL);
		}
		put_num(sum, row, 12, it->has_variance, it->variance, num);
		put_num(sum, row, 13, it->has_variance, it->pct_of_target, num);
		if (h) {
			if (it->trend_len > 0) {
				worksheet_write_string(sum, row, 14, it->trend_dir > 0 ?
				    "rising" : it->trend_dir < 0 ? "falling" : "flat", NULL);
				worksheet_write_number(sum, row, 15, it->trend_len, NULL);
			}
			worksheet_write_string(sum, row, 16, h->dedup_note ? h->dedup_note : "",
			    NULL);
			figure_row(figs, frow++, it, h, num);
			for (size_t k = 0; k < it->npartners; k++)
				figure_row(figs, frow++, it, it->partners[k], num);
			for (size_t g = 0; g < it->ngroups; g++)
				for (size_t k = 0; k < it->groups[g].n; k++)
					figure_row(figs, frow++, it, it->groups[g].cells[k], num);
		}
		row++;
	}
	worksheet_set_column(sum, 0, 1, 22, NULL);
	worksheet_set_column(sum, 2, 2, 40, NULL);
	worksheet_set_column(figs, 0, 0, 24, NULL);
	return workbook_close(wb) == LXW_NO_ERROR ? BB_OK : BB_ERR_IO;
}
