/*
 * expr.h: the indicator expression language's syntax tree and parser
 * (grammar in docs/indicators.md).
 *
 * The parser knows nothing of the framework: it turns the text of an
 * indicator's `compute` into a tree whose every node remembers the byte
 * offset it starts at, so that the checker (measure/compile.c) can point
 * at the place of a type error.  A syntax error is one message with the
 * offset where it was found.
 */
#ifndef BB_EXPR_H
#define BB_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#define BB_EXPR_MAX_LEN (64u << 10)	/* longest expression text */
#define BB_EXPR_MAX_DEPTH 64		/* deepest nesting */
#define BB_EXPR_MAX_LIST 1000		/* longest `in` list or band list */

enum bb_ex_kind {
	BB_EX_NUM = 1,		/* num */
	BB_EX_STR,		/* str */
	BB_EX_BOOL,		/* num 0 or 1 */
	BB_EX_DURATION,		/* num of unit ("90 days") */
	BB_EX_FIELD,		/* name */
	BB_EX_PERIOD_START,
	BB_EX_PERIOD_END,
	BB_EX_CALL,		/* name(kids...) */
	BB_EX_NEG,		/* -kid0 */
	BB_EX_ARITH,		/* kid0 op kid1, op one of + - * / */
	BB_EX_CMP,		/* kid0 op kid1, op one of = != < <= > >= (as enum bb_cmp) */
	BB_EX_IN,		/* kid0 [not] in (kids 1..) */
	BB_EX_IS_NULL,		/* kid0 is [not] null */
	BB_EX_BETWEEN,		/* kid0 [not] between kid1 and kid2 */
	BB_EX_WITHIN,		/* kid0 [not] within period */
	BB_EX_AND,
	BB_EX_OR,
	BB_EX_NOT,
};

enum bb_ex_unit {
	BB_UNIT_DAYS = 1,
	BB_UNIT_WEEKS,
	BB_UNIT_MONTHS,
	BB_UNIT_YEARS,
};

struct bb_ex {
	enum bb_ex_kind kind;
	size_t off;		/* byte offset of the node's first token */
	size_t op_off;		/* offset of the operator, for binary nodes */
	int op;			/* ARITH: '+', '-', '*', '/'; CMP: enum bb_cmp */
	bool negated;		/* not in, is not null, not between, not within */
	double num;
	enum bb_ex_unit unit;
	char *str;		/* STR: the decoded text; FIELD, CALL: the name */
	struct bb_ex **kids;
	size_t nkids;
};

enum bb_ex_agg {
	BB_EXA_COUNT_RECORDS = 1,	/* count(*), count(records) */
	BB_EXA_COUNT_PEOPLE,		/* count(distinct participant) */
	BB_EXA_COUNT_DISTINCT,		/* count(distinct value) */
	BB_EXA_SUM,
	BB_EXA_MEAN,
	BB_EXA_MEDIAN,
	BB_EXA_PERCENTILE,
	BB_EXA_MIN,
	BB_EXA_MAX,
};

struct bb_ex_part {
	size_t off;		/* the aggregate's name */
	enum bb_ex_agg agg;
	struct bb_ex *arg;	/* the value, or NULL for counts of records and people */
	double pct;
	size_t pct_off;
	bool all;		/* `from all`: not windowed by the period */
	char **datasets;
	size_t *ds_off;
	size_t ndatasets;
	struct bb_ex *where;	/* NULL when absent */
	size_t where_off;
};

struct bb_ex_band {
	char *name;
	size_t off;
	struct bb_ex *value;
	double *breaks;
	size_t nbreaks;
	size_t breaks_off;
};

enum bb_ex_form {
	BB_EXF_VALUE = 1,
	BB_EXF_RATIO,
	BB_EXF_PERCENT,
};

struct bb_ex_indicator {
	enum bb_ex_form form;
	size_t form_off;
	struct bb_ex_part part[2];
	size_t nparts;
	struct bb_ex_band *bands;
	size_t nbands;
};

/* Parse `text` (len bytes).  On success fills *out (free with
 * bb_ex_indicator_clear) and returns 0; on a syntax error returns
 * BB_ERR_INPUT with the message in *msg (caller frees) and its byte offset
 * in *off. */
int bb_ex_parse(const char *text, size_t len, struct bb_ex_indicator *out,
    char **msg, size_t *off);
void bb_ex_indicator_clear(struct bb_ex_indicator *ind);
void bb_ex_free(struct bb_ex *e);

/* The name of an aggregate as written ("count", "median"). */
const char *bb_ex_agg_name(enum bb_ex_agg a);

#endif
