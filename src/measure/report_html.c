/*
 * report_html.c: the report as one self-contained HTML file: inline CSS
 * (with a print stylesheet), an inline SVG trend chart per indicator, and
 * every figure linked to the place in the file that says how to trace it
 * to its records.  No scripts, no external resources, no clock.
 */
#include "measure/report.h"
#include "util/bb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char css[] =
    ":root{--ink:#1d2430;--muted:#5b6473;--line:#d9dee6;--accent:#1f5fa8;"
    "--good:#1e7b45;--bad:#b3261e;--bg:#fbfcfd}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}\n"
    "header,main,section.traces,footer{max-width:1040px;margin:0 auto;padding:0 24px}\n"
    "header{padding-top:28px;border-bottom:2px solid var(--ink)}\n"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;"
    "border-bottom:1px solid var(--line);padding-bottom:4px}\n"
    "h3{font-size:17px;margin:0 0 6px}\n"
    ".sub{color:var(--muted);margin:0 0 12px}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;"
    "margin:0 0 16px;font-size:13px}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}\n"
    "code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
    "overflow-wrap:anywhere}\n"
    "nav.toc{font-size:14px;margin:12px 0}nav.toc a{margin-right:14px}\n"
    "a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}\n"
    "article.indicator{background:#fff;border:1px solid var(--line);border-radius:6px;"
    "padding:16px 18px;margin:14px 0;break-inside:avoid}\n"
    ".period{color:var(--muted);font-weight:normal;font-size:14px;margin-left:8px}\n"
    ".definition{color:var(--muted);margin:0 0 10px;font-size:14px}\n"
    ".row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}\n"
    ".headline{min-width:150px}.headline .value{font-size:34px;font-weight:650;"
    "line-height:1.1}.headline .fraction{color:var(--muted);font-size:13px}\n"
    "table{border-collapse:collapse;font-size:13px}\n"
    "td,th{padding:3px 10px 3px 0;text-align:left;vertical-align:top}\n"
    "th{color:var(--muted);font-weight:600}\n"
    "table.grid{margin:10px 0 0;width:100%}table.grid td,table.grid th{"
    "border-bottom:1px solid var(--line)}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".up{color:var(--good)}.down{color:var(--bad)}\n"
    ".dedup{font-size:12px;color:var(--muted);margin:8px 0 0}\n"
    ".notes{font-size:13px;margin:8px 0 0;padding-left:18px}\n"
    ".nodata{color:var(--muted);font-style:italic}\n"
    "details{margin-top:8px;font-size:13px}\n"
    "svg.trend{background:#fff}\n"
    "section.traces table{width:100%}section.traces td{border-bottom:1px solid var(--line)}\n"
    "footer{color:var(--muted);font-size:12px;padding:24px;margin-bottom:24px}\n"
    "@media print{body{background:#fff;font-size:11pt}"
    "header,main,section.traces,footer{max-width:none;padding:0}"
    "nav.toc,details{display:none}article.indicator{border:none;border-top:1px solid #999;"
    "border-radius:0;padding:8px 0}a{color:inherit}"
    "h2{break-after:avoid}section.traces{break-before:page}"
    "@page{margin:16mm}}\n";

static void
figure_text(FILE *f, const struct bb_report_item *it, const struct bb_value *v)
{
	char buf[64];
	if (v->suppressed) {
		fputs("<span title=\"suppressed: too few people\">*</span>", f);
		return;
	}
	if (!v->has_value) {
		fputs("&ndash;", f);
		return;
	}
	bb_report_num_display(it->ind, v->value, buf, sizeof(buf));
	esc(f, buf);
	if (it->ind->unit && strcmp(it->ind->unit, "percent") == 0)
		fputc('%', f);
}

/* A figure linked to its trace entry (anchors are numbered in order). */
static void
figure_link(FILE *f, const struct bb_report_item *it, const struct bb_value *v,
    size_t *anchor)
{
	fprintf(f, "<a href=\"#t%zu\">", ++*anchor);
	figure_text(f, it, v);
	fputs("</a>", f);
}

static void
count_cell(FILE *f, bool show, bool has, double v)
{
	char buf[64];
	fputs("<td class=\"num\">", f);
	if (show && has) {
		bb_format_double(buf, sizeof(buf), v, 2);
		esc(f, buf);
	}
	fputs("</td>", f);
}

/* Does the trend's line join a to b: both known, b the period after a? */
static bool
joined(const struct bb_value *a, const struct bb_value *b)
{
	return a->has_value && !a->suppressed && b->has_value && !b->suppressed &&
	    b->start == a->end + 1;
}

static void
chart(FILE *f, const struct bb_report_item *it)
{
	const double W = 300, H = 110, L = 8, R = 8, T = 10, B = 22;
	double lo = INFINITY, hi = -INFINITY, x, y;
	size_t npts = 0;
	char a[32];

	for (size_t i = 0; i < it->ntrend; i++) {
		const struct bb_value *v = it->trend[i];
		if (!v->has_value || v->suppressed)
			continue;
		lo = fmin(lo, v->value);
		hi = fmax(hi, v->value);
		npts++;
	}
	if (npts == 0)
		return;
	if (it->target) {
		lo = fmin(lo, it->target->value);
		hi = fmax(hi, it->target->value);
	}
	lo = fmin(lo, 0);
	if (hi <= lo)
		hi = lo + 1;
	hi += (hi - lo) * 0.08;
	fprintf(f, "<svg class=\"trend\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
	    " role=\"img\" aria-label=\"trend of ", W, H, W, H);
	esc(f, it->ind->name);
	fputs("\">", f);
	fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#d9dee6\"/>",
	    L, H - B, W - R, H - B);
	/* Periods placed by their start, so that periods with no data show
	 * as gaps; the line joins only known figures of periods that follow
	 * one another. */
	double t0 = it->trend[0]->start, t1 = it->trend[it->ntrend - 1]->start;
#define PX(i) (t1 > t0 ? L + (W - L - R) * ((double)it->trend[i]->start - t0) / (t1 - t0) : W / 2)
#define PY(v) (T + (H - T - B) * (1 - ((v) - lo) / (hi - lo)))
	if (it->target) {
		y = PY(it->target->value);
		fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#1e7b45\""
		    " stroke-dasharray=\"4 3\"/>", L, y, W - R, y);
	}
	for (size_t i = 0; i + 1 < it->ntrend; i++) {
		size_t j = i;
		while (j + 1 < it->ntrend && joined(it->trend[j], it->trend[j + 1]))
			j++;
		if (j == i)
			continue;
		fputs("<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"", f);
		for (size_t k = i; k <= j; k++)
			fprintf(f, "%s%.1f,%.1f", k > i ? " " : "", PX(k),
			    PY(it->trend[k]->value));
		fputs("\"/>", f);
		i = j - 1;
	}
	for (size_t i = 0; i < it->ntrend; i++) {
		const struct bb_value *v = it->trend[i];
		if (!v->has_value || v->suppressed)
			continue;
		x = PX(i);
		y = PY(v->value);
		bb_report_num_display(it->ind, v->value, a, sizeof(a));
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f5fa8\"><title>", x, y);
		esc(f, v->period);
		fputs(": ", f);
		esc(f, a);
		fputs("</title></circle>", f);
	}
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" fill=\"#5b6473\">", L, H - 6);
	esc(f, it->trend[0]->period);
	fputs("</text>", f);
	if (it->ntrend > 1) {
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" fill=\"#5b6473\""
		    " text-anchor=\"end\">", W - R, H - 6);
		esc(f, it->trend[it->ntrend - 1]->period);
		fputs("</text>", f);
	}
#undef PX
#undef PY
	fputs("</svg>", f);
}

static void
facts(FILE *f, const struct bb_report_item *it)
{
	const struct bb_indicator *ind = it->ind;
	char a[64], b[64];

	fputs("<table class=\"facts\">", f);
	if (it->target) {
		bb_report_num_display(ind, it->target->value, a, sizeof(a));
		fputs("<tr><th>Target</th><td>", f);
		esc(f, a);
		fputs(" <span class=\"period\">", f);
		esc(f, it->target->period);
		fputs("</span></td></tr>", f);
	}
	if (ind->has_baseline && ind->baseline_period) {
		bb_report_num_display(ind, ind->baseline_value, a, sizeof(a));
		fputs("<tr><th>Baseline</th><td>", f);
		esc(f, a);
		fputs(" <span class=\"period\">", f);
		esc(f, ind->baseline_period);
		fputs("</span></td></tr>", f);
	}
	if (it->has_variance) {
		bool good = ind->direction == BB_DIR_LOWER ? it->variance <= 0 :
		    it->variance >= 0;
		bb_report_num_display(ind, it->variance, a, sizeof(a));
		bb_format_double(b, sizeof(b), it->pct_of_target, 1);
		fprintf(f, "<tr><th>Variance</th><td class=\"%s\">%s", ind->direction ==
		    BB_DIR_NEUTRAL ? "" : good ? "up" : "down", it->variance > 0 ? "+" : "");
		esc(f, a);
		fputs("</td></tr><tr><th>Of target</th><td>", f);
		esc(f, b);
		/* Under 100% is short of a target for most indicators, but
		 * better than it where lower is better: say which. */
		fprintf(f, "%%%s</td></tr>", ind->direction != BB_DIR_LOWER ? "" :
		    good ? " <span class=\"period\">(lower is better: target met)</span>" :
		    " <span class=\"period\">(lower is better: above target)</span>");
	}
	if (it->ntrend > 1 && it->trend_len > 0)
		fprintf(f, "<tr><th>Trend</th><td>%s for %d period%s</td></tr>",
		    it->trend_dir > 0 ? "rising" : it->trend_dir < 0 ? "falling" : "flat",
		    it->trend_len, it->trend_len == 1 ? "" : "s");
	fputs("</table>", f);
}

static void
grid_row(FILE *f, const struct bb_report_item *it, const char *label,
    const struct bb_value *v, size_t *anchor)
{
	bool show = !v->suppressed;
	fputs("<tr><td>", f);
	esc(f, label);
	fputs("</td><td class=\"num\">", f);
	figure_link(f, it, v, anchor);
	fputs("</td>", f);
	count_cell(f, show, v->has_num, v->num);
	count_cell(f, show, v->has_den, v->den);
	fputs("<td class=\"dedup\">", f);
	esc(f, v->dedup_note);
	fputs("</td></tr>", f);
}

static void
grid_head(FILE *f, const char *first)
{
	fputs("<table class=\"grid\"><tr><th>", f);
	esc(f, first);
	fputs("</th><th class=\"num\">Value</th><th class=\"num\">Numerator</th>"
	    "<th class=\"num\">Denominator</th><th>Counted</th></tr>", f);
}

static void
item_html(FILE *f, const struct bb_report *r, const struct bb_report_item *it,
    size_t *anchor)
{
	const struct bb_indicator *ind = it->ind;
	const struct bb_value *h = it->headline;
	char a[64], b[64];

	fputs("<article class=\"indicator\" id=\"i-", f);
	esc(f, ind->id);
	fputs("\"><h3>", f);
	esc(f, ind->name);
	if (it->period) {
		fputs("<span class=\"period\">", f);
		esc(f, it->period);
		if (it->in_progress)
			fputs(" (in progress: part of the period)", f);
		fputs("</span>", f);
	}
	fputs("</h3>", f);
	if (ind->definition) {
		fputs("<p class=\"definition\">", f);
		esc(f, ind->definition);
		fputs("</p>", f);
	}
	if (it->withheld) {
		fprintf(f, "<p class=\"nodata\">Not shown for this period: only "
		    "%s figures of this indicator are published.</p>",
		    bb_report_cadence_words(it->ind->cadence));
	} else if (h == NULL) {
		fprintf(f, "<p class=\"nodata\">%s</p>", !it->computable ?
		    "Not computed: the indicator has no compute expression." :
		    r->opts.period ? "No data for this period." : "No data yet.");
	} else {
		fputs("<div class=\"row\"><div class=\"headline\"><div class=\"value\">", f);
		figure_link(f, it, h, anchor);
		fputs("</div>", f);
		if (!h->suppressed && h->has_num && h->has_den) {
			bb_format_double(a, sizeof(a), h->num, 2);
			bb_format_double(b, sizeof(b), h->den, 2);
			fprintf(f, "<div class=\"fraction\">%s of %s</div>", a, b);
		} else if (!h->suppressed && ind->unit) {
			fputs("<div class=\"fraction\">", f);
			esc(f, ind->unit);
			fputs("</div>", f);
		}
		fputs("</div>", f);
		facts(f, it);
		chart(f, it);
		fputs("</div><p class=\"dedup\">", f);
		esc(f, h->dedup_note);
		fputs("</p>", f);
		if (it->npartners) {
			grid_head(f, "Partner");
			for (size_t i = 0; i < it->npartners; i++)
				grid_row(f, it, it->partners[i]->partner, it->partners[i], anchor);
			fputs("</table>", f);
		}
		for (size_t g = 0; g < it->ngroups; g++) {
			grid_head(f, it->groups[g].key);
			for (size_t k = 0; k < it->groups[g].n; k++)
				grid_row(f, it, it->groups[g].cells[k]->dvalue,
				    it->groups[g].cells[k], anchor);
			fputs("</table>", f);
		}
	}
	if (it->nnotes) {
		fputs("<ul class=\"notes\">", f);
		for (size_t i = 0; i < it->nnotes; i++) {
			fputs("<li><b>", f);
			esc(f, it->notes[i].partner);
			fputs("</b> (", f);
			esc(f, it->notes[i].dataset);
			fputs("): ", f);
			esc(f, it->notes[i].note);
			fputs("</li>", f);
		}
		fputs("</ul>", f);
	}
	if (ind->compute) {
		fputs("<details><summary>How it is computed</summary><code>", f);
		esc(f, ind->compute);
		fputs("</code></details>", f);
	}
	fputs("</article>\n", f);
}

static void
trace_row(FILE *f, const struct bb_report_item *it, const struct bb_value *v,
    size_t *anchor)
{
	char *cmd = bb_report_trace_command(v);
	fprintf(f, "<tr id=\"t%zu\"><td>", ++*anchor);
	esc(f, it->ind->id);
	fputs("</td><td>", f);
	esc(f, v->period);
	fputs("</td><td>", f);
	esc(f, v->partner ? v->partner : "all partners");
	if (v->dkey[0]) {
		fputs(", ", f);
		esc(f, v->dkey);
		fputs(" = ", f);
		esc(f, v->dvalue);
	}
	fputs("</td><td class=\"num\">", f);
	figure_text(f, it, v);
	fprintf(f, "</td><td class=\"num\">%lld</td><td><code>", (long long)v->records);
	esc(f, cmd);
	fputs("</code></td></tr>\n", f);
	free(cmd);
}

int
bb_report_write_html(const struct bb_report *r, FILE *f)
{
	const struct bb_outcome *last = NULL;
	size_t anchor = 0;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>", f);
	esc(f, r->initiative);
	fputs(": indicator report</title>\n<style>\n", f);
	fputs(css, f);
	fputs("</style>\n</head>\n<body>\n<header>\n<h1>", f);
	esc(f, r->initiative);
	fputs("</h1>\n<p class=\"sub\">Indicator report &middot; ", f);
	if (r->opts.period) {
		fputs("period ", f);
		esc(f, r->opts.period);
	} else
		fputs("latest period of each indicator", f);
	if (r->opts.partner) {
		fputs(" &middot; partner ", f);
		esc(f, r->opts.partner);
	}
	fputs(" &middot; view: ", f);
	esc(f, bb_role_name(r->opts.role));
	fprintf(f, "</p>\n<dl class=\"meta\"><dt>Framework</dt><dd>version %lld "
	    "<code>%.12s</code></dd>", (long long)r->fw_version, r->fw->sha256);
	fprintf(f, "<dt>Data as of</dt><dd>submission %lld", (long long)r->as_of);
	if (r->as_of_at) {
		fputs(", received ", f);
		esc(f, r->as_of_at);
	}
	fprintf(f, "</dd><dt>Data hash</dt><dd><code>%s</code></dd></dl>\n", r->data_sha256);
	fputs("<nav class=\"toc\">", f);
	for (size_t i = 0; i < r->nitems; i++) {
		if (r->items[i].outcome == last || r->items[i].outcome == NULL)
			continue;
		last = r->items[i].outcome;
		fputs("<a href=\"#o-", f);
		esc(f, last->id);
		fputs("\">", f);
		esc(f, last->name);
		fputs("</a>", f);
	}
	fputs("</nav>\n</header>\n<main>\n", f);
	last = NULL;
	for (size_t i = 0; i < r->nitems; i++) {
		const struct bb_report_item *it = &r->items[i];
		if (it->outcome != last) {
			if (last)
				fputs("</section>\n", f);
			last = it->outcome;
			fputs("<section class=\"outcome\" id=\"o-", f);
			esc(f, last ? last->id : "");
			fputs("\"><h2>", f);
			esc(f, last ? last->name : "");
			fputs("</h2>\n", f);
		}
		item_html(f, r, it, &anchor);
	}
	if (last)
		fputs("</section>\n", f);
	fputs("</main>\n<section class=\"traces\" id=\"traces\"><h2>Where each figure "
	    "comes from</h2>\n<p class=\"sub\">Each figure above links here. The command "
	    "lists the records behind it, with their partner, submission, file row and "
	    "participant, and the framework and crosswalk versions that mapped them.</p>\n"
	    "<table><tr><th>Indicator</th><th>Period</th><th>Figure</th><th class=\"num\">"
	    "Value</th><th class=\"num\">Records</th><th>Trace</th></tr>\n", f);
	anchor = 0;
	for (size_t i = 0; i < r->nitems; i++) {
		const struct bb_report_item *it = &r->items[i];
		if (it->headline == NULL)
			continue;
		trace_row(f, it, it->headline, &anchor);
		for (size_t k = 0; k < it->npartners; k++)
			trace_row(f, it, it->partners[k], &anchor);
		for (size_t g = 0; g < it->ngroups; g++)
			for (size_t k = 0; k < it->groups[g].n; k++)
				trace_row(f, it, it->groups[g].cells[k], &anchor);
	}
	fputs("</table></section>\n<footer>", f);
	if (r->opts.role != BB_ROLE_BACKBONE && r->min_cell_size > 1)
		fprintf(f, "* suppressed: fewer than %d people (or records) are behind the "
		    "figure, or it would let a suppressed figure be worked out from a "
		    "total. ", r->min_cell_size);
	fputs("Counts of people count each participant once across partners where "
	    "records are linked; each figure says how it was counted.</footer>\n"
	    "</body>\n</html>\n", f);
	return ferror(f) ? BB_ERR_IO : BB_OK;
}
