/*
 * plan.h: query plans for indicator figures, and the store function that
 * runs them.  This is the contract between measure/ (which compiles an
 * indicator's expression into a plan, docs/indicators.md) and store/ (which
 * evaluates it over the canonical records).
 *
 * A plan is data, never SQL text: one or two aggregate parts (the numerator
 * and denominator of a ratio), each over one or more datasets with a
 * predicate tree whose literals are bound values, and the group keys of the
 * disaggregations.  The SQLite store evaluates every plan in C over one scan
 * of each dataset's records (store/engine.c); a PostgreSQL store can
 * translate the same tree into SQL with bound parameters.
 *
 * Logic is SQL's three-valued logic: a comparison with a missing value is
 * unknown, `not unknown` is unknown, and a record counts only when its
 * condition is true.
 */
#ifndef BB_PLAN_H
#define BB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "framework/period.h"

struct bb_store;

/* --- values --------------------------------------------------------------- */

enum bb_pv_type {
	BB_PV_NULL = 0,
	BB_PV_NUM,		/* integers and decimals */
	BB_PV_DATE,		/* a day number (framework/period.h) */
	BB_PV_TEXT,		/* codes and text */
	BB_PV_BOOL,
};

struct bb_pval {
	enum bb_pv_type type;
	double num;		/* NUM; BOOL as 0 or 1 */
	int32_t day;		/* DATE */
	const char *text;	/* TEXT: not NUL-terminated; owned by whoever made it */
	size_t len;
};

/* --- expression trees ----------------------------------------------------- */

enum bb_pn_kind {
	BB_PN_CONST = 1,	/* lit */
	BB_PN_FIELD,		/* the record's value in slot `slot` */
	BB_PN_PERIOD_START,	/* the first day of the period being computed */
	BB_PN_PERIOD_END,	/* its last day */
	BB_PN_NEG,		/* -k0 (numbers) */
	BB_PN_ADD,		/* k0 + k1 (numbers) */
	BB_PN_SUB,
	BB_PN_MUL,
	BB_PN_DIV,		/* division by zero gives a missing value */
	BB_PN_ADD_DAYS,		/* date k0 + k1 days (k1 a number, may be negative) */
	BB_PN_ADD_MONTHS,	/* date k0 + k1 months, the day clamped to the month's end */
	BB_PN_DAYS_BETWEEN,	/* k0 - k1 in days (both dates) */
	BB_PN_AGE,		/* whole years from date k0 to date k1 */
	BB_PN_YEAR,		/* calendar year of date k0 */
	BB_PN_MONTH,		/* month (1..12) of date k0 */
	BB_PN_CMP,		/* k0 cmp k1 */
	BB_PN_IN,		/* k0 in list */
	BB_PN_IS_NULL,		/* k0 is missing (never unknown) */
	BB_PN_BETWEEN,		/* k1 <= k0 <= k2 */
	BB_PN_TRUTH,		/* a boolean value used as a condition */
	BB_PN_AND,
	BB_PN_OR,
	BB_PN_NOT,
};

enum bb_cmp {
	BB_CMP_EQ = 1, BB_CMP_NE, BB_CMP_LT, BB_CMP_LE, BB_CMP_GT, BB_CMP_GE,
};

struct bb_pnode {
	enum bb_pn_kind kind;
	enum bb_cmp cmp;	/* CMP */
	int slot;		/* FIELD */
	struct bb_pval lit;	/* CONST; text owned by the node */
	struct bb_pnode *kid[3];
	struct bb_pval *list;	/* IN: constants, text owned by the node */
	size_t nlist;
};

/* --- plans ---------------------------------------------------------------- */

/* A field the plan reads, with the type its JSON value is read as. */
struct bb_plan_slot {
	char *field;
	enum bb_pv_type type;
};

/* A dataset a part reads. */
struct bb_plan_source {
	char *dataset;
	bool aggregate;		/* rows are counts (the count field), not people */
	int count_slot;		/* aggregate datasets: slot of the count field, else -1 */
	int date_slot;		/* slot of the dataset's period field, or -1 */
};

enum bb_agg {
	BB_AGG_COUNT_RECORDS = 1,	/* count(records) */
	BB_AGG_COUNT_PEOPLE,		/* count(distinct participant) */
	BB_AGG_COUNT_DISTINCT,		/* count(distinct FIELD) */
	BB_AGG_SUM,
	BB_AGG_MEAN,
	BB_AGG_MEDIAN,
	BB_AGG_PERCENTILE,
	BB_AGG_MIN,
	BB_AGG_MAX,
};

struct bb_plan_part {
	struct bb_plan_source *sources;
	size_t nsources;
	bool windowed;		/* records are placed in periods by date (else `from all`) */
	enum bb_agg agg;
	double pct;		/* PERCENTILE: 0..100 */
	struct bb_pnode *arg;	/* the value aggregated, or counted distinct; NULL for counts */
	struct bb_pnode *where;	/* NULL: every record */
};

/* A disaggregation: the group key of a record, as a label. */
struct bb_plan_group {
	char *name;		/* as the indicator lists it: "grade", "age_band" */
	struct bb_pnode *key;
	double *breaks;		/* bands: ascending lower bounds; NULL: the value is the label */
	size_t nbreaks;
	char **order;		/* labels in the order to show them (a code list), or NULL */
	size_t norder;
};

enum bb_plan_form {
	BB_FORM_VALUE = 1,	/* one part: its aggregate */
	BB_FORM_RATIO,		/* part 0 / part 1 */
	BB_FORM_PERCENT,	/* 100 * part 0 / part 1 */
};

struct bb_plan {
	char *indicator;
	enum bb_plan_form form;
	struct bb_plan_part part[2];
	size_t nparts;
	struct bb_plan_group *groups;
	size_t ngroups;
	struct bb_plan_slot *slots;
	size_t nslots;
	enum bb_cadence cadence;	/* the periods values are kept for */
	struct bb_year_starts ys;
};

/* Free a plan and everything it owns (NULL is fine). */
void bb_plan_free(struct bb_plan *p);
void bb_pnode_free(struct bb_pnode *n);
/* The label of a band: "0-4", "65+", "under 0"; writes into out. */
void bb_plan_band_label(const struct bb_plan_group *g, double v, char *out,
    size_t outsz);

/* The order of group labels everywhere: "under N" first, numbers by value,
 * then text, "(missing)" last.  <0, 0, >0 like strcmp. */
int bb_label_cmp(const char *a, const char *b);

/* --- running plans ------------------------------------------------------- */

/* The label used for a record whose group key is missing. */
#define BB_GROUP_MISSING "(missing)"

/* One record counted in a figure (trace). */
struct bb_trace_hit {
	size_t part;			/* 0 numerator (or the only part), 1 denominator */
	int64_t record_id;
	int64_t submission_id;
	int64_t source_row;
	int64_t participant_id;		/* 0: not linked */
	const char *dataset;		/* borrowed: valid during the callback */
	const char *partner;
};

struct bb_run {
	const struct bb_plan *const *plans;
	size_t nplans;
	/* Periods to compute, per plan (nperiods[i] of periods[i]).  With
	 * `discover`, more periods of the plan's cadence are added as records
	 * dated in them are met; windowed parts then see every period, `from
	 * all` parts only the listed ones. */
	const struct bb_period *const *periods;
	const size_t *nperiods;
	bool discover;
	/* Which records: the current ones (as_of 0), those current just after
	 * submission `as_of` was stored, or (only_submission) the records of
	 * one submission, current or not. */
	int64_t as_of;
	int64_t only_submission;
	/* Trace: call `trace` for every record counted in plan 0's figure of
	 * period trace_period, scope trace_partner (NULL: the initiative),
	 * and group trace_group (0: the total; g+1: plan->groups[g] with label
	 * trace_label). */
	int (*trace)(const struct bb_trace_hit *hit, void *arg);
	void *trace_arg;
	size_t trace_period;
	const char *trace_partner;
	size_t trace_group;
	const char *trace_label;
};

/* One cell: an aggregate of one part for (plan, period, scope, group). */
struct bb_cell {
	size_t plan;
	size_t part;
	size_t period;		/* index into result->periods[plan] */
	const char *partner;	/* NULL: the whole initiative; owned by the result */
	size_t group;		/* 0: the total; g+1: plan->groups[g] */
	const char *label;	/* the group's value ("" for the total); owned by the result */
	bool has_value;		/* false: nothing to aggregate (a mean of no values) */
	double value;		/* the aggregate */
	int64_t n;		/* units counted: people, records or values */
	int64_t records;	/* records that met the condition */
	int64_t seen;		/* records of the period in the cell, before the condition */
	int64_t unlinked;	/* people counted as themselves (no participant link) */
	int64_t aggregated;	/* people counted from aggregate rows */
};

struct bb_run_result {
	size_t nplans;
	struct bb_period **periods;	/* per plan, in order of start */
	size_t *nperiods;
	struct bb_cell *cells;		/* sorted: plan, part, period, scope (initiative
					   first, then partners by id), group, label */
	size_t ncells;
	int64_t records_read;
	int64_t max_submission;		/* the newest submission whose records were read */
	void *strings;			/* owns partner ids and labels */
};

void bb_run_result_free(struct bb_run_result *r);
/* The order of cells within one plan and part: period, scope (the
 * initiative first, then partners by id), group, label. */
int bb_cell_key_cmp(const struct bb_cell *x, const struct bb_cell *y);

/* Run the plans of `run` over the records; fills *out (free with
 * bb_run_result_free).  Returns 0, a negative BB_ERR_* when the store
 * fails, or what a trace callback returned when not 0. */
int bb_store_plans_run(struct bb_store *s, const struct bb_run *run,
    struct bb_run_result *out);

#endif
