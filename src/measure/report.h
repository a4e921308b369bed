/*
 * report.h: the indicator report (docs/reports.md): per outcome and
 * indicator the value with its numerator and denominator, target and
 * baseline, variance and percent of target, the trend over past periods,
 * the per-partner breakdown, each disaggregation, notes on partners whose
 * local definition differs, and where every figure comes from.
 *
 * A report is built once (bb_report_build: from the maintained values when
 * they are current, else computed from the records) and written in any
 * format.  Output depends only on the data and the framework version:
 * there is no clock in it, so the same inputs give the same bytes.
 */
#ifndef BB_REPORT_H
#define BB_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "framework/framework.h"
#include "measure/values.h"

struct bb_store;
struct bb_diag;

#define BB_REPORT_TREND 12	/* periods shown in a trend */

struct bb_report_opts {
	const char *period;	/* NULL: each indicator's latest period with data */
	const char *partner;	/* headline figures of this partner; NULL: the initiative */
	enum bb_role role;
	const char *viewer;	/* the partner role's own id */
	int64_t as_of;		/* 0: current data; else as just after this submission */
	int64_t fw_version;	/* the version `fw` is */
	bool from_scratch;	/* ignore the maintained values */
};

struct bb_report_point {	/* one period of a trend */
	const struct bb_value *v;
};

struct bb_report_group {	/* one disaggregation of the headline figure */
	const char *key;
	const struct bb_value **cells;
	size_t n;
};

struct bb_report_note {
	const char *partner;
	const char *dataset;
	const char *note;
};

struct bb_report_item {
	const struct bb_outcome *outcome;
	const struct bb_indicator *ind;
	bool computable;	/* it has a compute text that compiles */
	bool withheld;		/* outside the backbone, the period asked for is
				   not of the indicator's cadence: not shown */
	const char *period;	/* the period reported, or NULL when no data */
	bool in_progress;	/* it had not ended on the day of the newest data */
	const struct bb_value *headline;	/* NULL when no figure */
	const struct bb_value **partners;	/* the partners' figures */
	size_t npartners;
	struct bb_report_group *groups;
	size_t ngroups;
	const struct bb_value **trend;	/* oldest first, ending at the period */
	size_t ntrend;
	int trend_dir;		/* +1 rising, -1 falling, 0 flat (or unknown) */
	int trend_len;		/* periods the current direction has lasted;
				   0: unknown (no last change between known
				   figures of periods that follow one another) */
	const struct bb_target *target;	/* for the period, or the next one */
	bool has_variance;
	double variance;	/* value - target */
	double pct_of_target;	/* 100 * value / target */
	struct bb_report_note *notes;
	size_t nnotes;
};

struct bb_report {
	const struct bb_framework *fw;
	int64_t fw_version;
	char *initiative;
	int64_t as_of;		/* the newest submission in the data */
	char *as_of_at;		/* when it was received (from the store) */
	char data_sha256[65];	/* content hash of the data behind it */
	struct bb_report_opts opts;
	int min_cell_size;
	struct bb_values values;
	struct bb_report_item *items;
	size_t nitems;
	bool maintained;	/* read from the maintained values (not printed) */
};

/* A cadence as people say it: "monthly", "quarterly", "school-year",
 * "fiscal-year", "annual". */
const char *bb_report_cadence_words(enum bb_cadence c);

int bb_report_build(struct bb_store *s, const struct bb_framework *fw,
    const struct bb_report_opts *o, struct bb_report **out, struct bb_diag *d);
void bb_report_free(struct bb_report *r);

/* Writers: 0, or BB_ERR_IO when the output cannot be written. */
int bb_report_write_json(const struct bb_report *r, FILE *f);
int bb_report_write_csv(const struct bb_report *r, FILE *f);
int bb_report_write_html(const struct bb_report *r, FILE *f);
int bb_report_write_xlsx(const struct bb_report *r, const char *path);

/* Numbers as the report writes them: `data` keeps up to 6 decimals
 * (JSON, CSV); `display` rounds for people by the indicator's unit. */
void bb_report_num_data(double v, char *buf, size_t bufsz);
void bb_report_num_display(const struct bb_indicator *ind, double v, char *buf,
    size_t bufsz);

/* CSV as the report and exports write it (RFC 4180, CRLF): a field
 * quoted when it needs to be, followed by ',' or the line end; a number
 * (empty when !has).  And a number as a jansson value (json_t *). */
void bb_report_csv_text(FILE *f, const char *s);
void bb_report_csv_field(FILE *f, const char *s, bool last);
void bb_report_csv_num(FILE *f, bool has, double v);
void *bb_report_json_num(double v);

/* The trace command line for a figure ("backbone trace ind --period P ..."),
 * each argument quoted when a shell would read it otherwise; caller frees. */
char *bb_report_trace_command(const struct bb_value *v);

#endif
