/*
 * framework.h: the shared framework in memory, the model every room reads.
 *
 * A framework is loaded from a YAML file (docs/framework.md) by
 * framework/load.c, checked by framework/check.c, and stored as immutable
 * versions (cli/cmd_framework.c through store/).  Everything in a struct
 * bb_framework is owned by it and freed by bb_framework_free(); the loader
 * allocates from one arena, so pointers into it stay valid for its lifetime.
 *
 * Every element carries `loc`, the line and column (1-based) in the file it
 * was read from, so later checks (indicator expressions, crosswalks) can point
 * at the place: "framework.yaml:88:17: unknown field 'atendance'".
 *
 * Identifiers (of datasets, fields, partners, code lists, indicators,
 * outcomes) match [a-z][a-z0-9_]* (fields) or [a-z0-9][a-z0-9_.-]* (the
 * others), so they are safe as file names, URL segments and SQL identifiers.
 */
#ifndef BB_FRAMEWORK_H
#define BB_FRAMEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bb_findings;

struct bb_loc {
	unsigned line;	/* 1-based; 0 = unknown */
	unsigned col;	/* 1-based */
};

enum bb_field_type {
	BB_FT_TEXT = 1,
	BB_FT_INTEGER,
	BB_FT_DECIMAL,
	BB_FT_DATE,	/* canonical form YYYY-MM-DD */
	BB_FT_BOOLEAN,	/* canonical form "true" / "false" */
	BB_FT_CODE,	/* a value of the field's code list */
};

/* Identity roles: which fields linkage compares (link/). */
enum bb_identity_role {
	BB_ID_NONE = 0,
	BB_ID_GIVEN_NAME,
	BB_ID_FAMILY_NAME,
	BB_ID_BIRTH_DATE,
	BB_ID_SEX,
	BB_ID_POSTCODE,
	BB_ID_LOCALITY,
	BB_ID_ADDRESS,
	BB_ID_PHONE,
	BB_ID_EMAIL,
	BB_ID_NATIONAL_ID,
	BB_ID_LOCAL_ID,
	BB_ID__COUNT
};

enum bb_sharing {
	BB_SHARE_RECORDS = 1,	/* record-level data with identifiers */
	BB_SHARE_ENCODINGS,	/* records, identity only as keyed encodings */
	BB_SHARE_AGGREGATES,	/* counts only */
};

enum bb_direction {
	BB_DIR_HIGHER = 1,	/* higher is better */
	BB_DIR_LOWER,		/* lower is better */
	BB_DIR_NEUTRAL,		/* neither (context figures) */
};

/* Results-based accountability categories. */
enum bb_rba {
	BB_RBA_HOW_MUCH = 1,
	BB_RBA_HOW_WELL,
	BB_RBA_BETTER_OFF,
};

enum bb_cadence {
	BB_CAD_MONTHLY = 1,
	BB_CAD_QUARTERLY,
	BB_CAD_SCHOOL_YEAR,	/* starts in calendar.school_year_start */
	BB_CAD_FISCAL_YEAR,	/* starts in calendar.fiscal_year_start */
	BB_CAD_ANNUAL,		/* calendar year */
};

enum bb_dataset_kind {
	BB_DS_RECORDS = 1,	/* one row per person-event */
	BB_DS_AGGREGATE,	/* counts per cell (dimensions + count field) */
};

/* What to do with a file that has errors. */
enum bb_policy {
	BB_POLICY_REFUSE_FILE = 1,	/* any error refuses the whole file */
	BB_POLICY_QUARANTINE_ROWS,	/* keep valid rows, quarantine the rest */
};

enum bb_rule_op {
	BB_OP_EQ = 1, BB_OP_NE, BB_OP_LT, BB_OP_LE, BB_OP_GT, BB_OP_GE,
	BB_OP_REQUIRES,	/* left present => right present */
};

struct bb_glossary_term {
	char *term;		/* "enrolled" */
	char *definition;
	char **aliases;
	size_t naliases;
	struct bb_loc loc;
};

struct bb_code {
	char *code;		/* the shared value, as stored */
	char *label;
	struct bb_loc loc;
};

/* A value that stands for "missing", with its meaning (HMIS: 8, 9, 99). */
struct bb_missing_code {
	char *code;
	char *meaning;		/* "client doesn't know", "refused", ... */
	struct bb_loc loc;
};

struct bb_code_list {
	char *id;
	char *name;
	struct bb_code *codes;
	size_t ncodes;
	struct bb_missing_code *missing;
	size_t nmissing;
	struct bb_loc loc;
};

struct bb_field {
	char *name;
	char *label;
	char *description;
	enum bb_field_type type;
	char *code_list;	/* id, for BB_FT_CODE */
	const struct bb_code_list *codes;	/* resolved code_list (the first of
					   that id), or NULL */
	bool required;
	bool unique;		/* unique within one submission */
	bool personal;		/* personal data: never leaves the backbone */
	enum bb_identity_role identity;
	/* Range: numbers for integer/decimal, ISO dates for date. */
	bool has_min, has_max;
	double min, max;
	char *min_date, *max_date;	/* date fields: "YYYY-MM-DD" or NULL */
	char *pattern;		/* POSIX extended regex the whole value must match */
	int64_t max_length;	/* 0 = no limit beyond the reader's cap */
	struct bb_missing_code *missing;	/* missing-value codes of this field */
	size_t nmissing;
	char **placeholders;	/* values that count as missing ("000000000") */
	size_t nplaceholders;
	struct bb_loc loc;
};

/* A cross-field rule: "exit_date >= entry_date".  Sides are field names or
 * literals; a rule is not applied when either side is missing (except
 * `requires`, which exists to catch exactly that). */
struct bb_rule {
	char *id;
	char *text;		/* as written: "exit_date >= entry_date" */
	char *left;		/* field name */
	enum bb_rule_op op;
	char *right;		/* field name, or literal when right_is_literal */
	bool right_is_literal;
	char *message;		/* for people; the assert text when not given */
	bool warning;		/* severity warning instead of error */
	struct bb_loc loc;
};

struct bb_dataset {
	char *id;
	char *name;
	char *description;
	enum bb_dataset_kind kind;
	enum bb_policy policy;
	struct bb_field *fields;
	size_t nfields;
	struct bb_rule *rules;
	size_t nrules;
	char *period_field;	/* date field placing a record in a period, or NULL */
	char *count_field;	/* aggregate datasets: the integer count field */
	struct bb_loc loc;
};

/* How often a partner owes a dataset. */
struct bb_obligation {
	char *dataset;
	enum bb_cadence cadence;
	struct bb_loc loc;
};

/* --- crosswalk: the partner's own shape mapped onto the shared one ------- */

struct bb_xw_column {		/* partner column -> shared field */
	char *column;
	char *field;
	struct bb_loc loc;
};

struct bb_xw_code {		/* partner value -> shared code */
	char *from;
	char *to;
	struct bb_loc loc;
};

struct bb_xw_codemap {		/* per shared field */
	char *field;
	struct bb_xw_code *pairs;
	size_t npairs;
	struct bb_loc loc;
};

struct bb_xw_date {		/* per shared field: "MM/DD/YYYY", "YYYYMMDD", "excel" */
	char *field;
	char *format;
	struct bb_loc loc;
};

struct bb_xw_scale {		/* per shared field: stored = value * factor */
	char *field;
	double factor;
	struct bb_loc loc;
};

struct bb_xw_split {		/* one partner column into several fields */
	char *column;
	char *separator;
	char **into;		/* field names, in order; "" skips a part */
	size_t ninto;
	struct bb_loc loc;
};

struct bb_xw_join {		/* several partner columns into one field */
	char **columns;
	size_t ncolumns;
	char *separator;	/* " " when not given */
	char *into;
	struct bb_loc loc;
};

struct bb_xw_constant {		/* a field the partner does not send */
	char *field;
	char *value;
	struct bb_loc loc;
};

struct bb_crosswalk {
	char *dataset;
	char *sheet;		/* XLSX: the sheet to read, or NULL for the first */
	char *file;		/* ZIP bundles: the member file name, or NULL */
	char *format;		/* "csv", "xlsx", "json", "jsonl", "zip", or NULL to detect */
	char *encoding;		/* "utf-8", "windows-1252", or NULL to detect */
	struct bb_xw_column *columns;
	size_t ncolumns;
	struct bb_xw_codemap *codes;
	size_t ncodes;
	struct bb_xw_date *dates;
	size_t ndates;
	struct bb_xw_scale *scales;
	size_t nscales;
	struct bb_xw_split *splits;
	size_t nsplits;
	struct bb_xw_join *joins;
	size_t njoins;
	struct bb_xw_constant *constants;
	size_t nconstants;
	char *notes;		/* how the local definition differs */
	char sha256[65];	/* content hash of this crosswalk (its version) */
	struct bb_loc loc;
};

struct bb_partner {
	char *id;
	char *name;
	char *sector;		/* "education", "health", ... (free text) */
	enum bb_sharing sharing;
	struct bb_obligation *obligations;
	size_t nobligations;
	struct bb_crosswalk *crosswalks;
	size_t ncrosswalks;
	struct bb_loc loc;
};

/* --- outcomes and indicators -------------------------------------------- */

struct bb_target {
	char *period;		/* period label: "2027", "FY2027", "2027-Q1" */
	double value;
	struct bb_loc loc;
};

struct bb_indicator {
	char *id;
	char *name;
	char *definition;	/* plain words, citing glossary terms */
	char **terms;		/* glossary terms cited */
	size_t nterms;
	char *unit;		/* "percent", "people", "days", ... */
	enum bb_direction direction;	/* required in the file */
	enum bb_rba category;		/* required in the file */
	enum bb_cadence cadence;	/* 0 when not given (a SMART warning) */
	char **disaggregations;	/* field names (of some dataset) */
	size_t ndisaggregations;
	bool has_baseline;
	char *baseline_period;
	double baseline_value;
	struct bb_target *targets;
	size_t ntargets;
	char **owners;		/* partner ids */
	size_t nowners;
	char *compute;		/* the computable definition (docs/indicators.md) */
	struct bb_loc compute_loc;	/* where the expression text starts */
	const struct bb_outcome *outcome;	/* the outcome it hangs under */
	struct bb_loc loc;
};

struct bb_outcome {
	char *id;
	char *name;
	char *description;
	struct bb_indicator *indicators;
	size_t nindicators;
	struct bb_loc loc;
};

/* --- calendar, confidentiality, decision rights ------------------------- */

struct bb_deadline {		/* when a cadence's data is due */
	enum bb_cadence cadence;
	int due_days;		/* days after the period ends */
	int grace_days;		/* further days before it counts as late */
	struct bb_loc loc;
};

struct bb_period_def {		/* an explicit reporting period */
	char *id;		/* label */
	char *start, *end;	/* ISO dates, inclusive */
	char *due;		/* ISO date */
	int grace_days;
	struct bb_loc loc;
};

struct bb_calendar {
	int fiscal_year_start;	/* month 1..12 (default 7) */
	int school_year_start;	/* month 1..12 (default 8) */
	struct bb_deadline *deadlines;
	size_t ndeadlines;
	struct bb_period_def *periods;
	size_t nperiods;
	struct bb_loc loc;
};

struct bb_confidentiality {
	int min_cell_size;	/* smallest count shown outside the backbone (11) */
	char **restricted_fields;	/* field names that never leave the backbone */
	size_t nrestricted;
	struct bb_loc loc;
};

struct bb_body {		/* a decision-making group */
	char *id;
	char *name;
	char **members;		/* partner ids */
	size_t nmembers;
	struct bb_loc loc;
};

enum bb_vote_rule {
	BB_VOTE_ANY = 1,	/* any one approver */
	BB_VOTE_MAJORITY,
	BB_VOTE_CONSENSUS,	/* every member, no objection */
};

struct bb_decision_right {
	char *action;		/* "framework_change", "indicator_change", "crosswalk_change", "publish" */
	char **approvers;	/* body ids */
	size_t napprovers;
	enum bb_vote_rule rule;	/* BB_VOTE_MAJORITY when not given */
	struct bb_loc loc;
};

struct bb_initiative {
	char *id;
	char *name;
	char *problem;
	char *population;
	char *geography;
	char *theory_of_change;
	struct bb_loc loc;
};

struct bb_framework {
	char *source_name;	/* the file it was read from */
	int format_version;	/* the `backbone:` key (1) */
	struct bb_initiative initiative;
	struct bb_glossary_term *glossary;
	size_t nglossary;
	struct bb_code_list *code_lists;
	size_t ncode_lists;
	struct bb_dataset *datasets;
	size_t ndatasets;
	struct bb_partner *partners;
	size_t npartners;
	struct bb_outcome *outcomes;
	size_t noutcomes;
	struct bb_calendar calendar;
	struct bb_confidentiality confidentiality;
	struct bb_body *bodies;
	size_t nbodies;
	struct bb_decision_right *decision_rights;
	size_t ndecision_rights;
	char sha256[65];	/* content hash: SHA-256 of bb_framework_canonical() */
	void *arena;		/* opaque: owns every allocation above, and the
				   index of where each value was written */
};

/* --- loading and checking (framework/load.c, framework/check.c) --------- */

/* Caps on a framework file (hostile input). */
#define BB_FW_MAX_BYTES (8u << 20)	/* 8 MiB */
#define BB_FW_MAX_DEPTH 32

/* Load and check a framework file.  Every problem is added to `findings` as
 * FILE:LINE:COL with a message, sorted by line; SMART lints on indicators
 * are warnings.  Returns 0 with *out set when there are no errors (warnings
 * allowed), BB_ERR_INPUT when there are (and *out NULL).  Free *out with
 * bb_framework_free(). */
int bb_framework_load_file(const char *path, struct bb_framework **out,
    struct bb_findings *findings);
/* The same from bytes in memory; `name` is used as the file in messages. */
int bb_framework_load_buffer(const char *name, const char *data, size_t len,
    struct bb_framework **out, struct bb_findings *findings);
/* Free a framework and everything it owns (one arena).  Accepts NULL. */
void bb_framework_free(struct bb_framework *fw);
/* Read a framework file's bytes (at most BB_FW_MAX_BYTES) into *data
 * (caller frees; NUL-terminated) and *len.  A file that cannot be read or
 * is too large is one finding and BB_ERR_INPUT. */
int bb_framework_read(const char *path, char **data, size_t *len,
    struct bb_findings *findings);

/* The canonical JSON form (keys in a fixed order, no locations): the input
 * of the content hash and what `framework diff` compares.  Caller frees.
 * Compact, UTF-8; lists keep the file's order, maps written by partners
 * (crosswalk columns, codes, dates, scale, constants) are sorted by key;
 * defaults are filled in, so leaving a default out and writing it give the
 * same hash.  fw->sha256 is the SHA-256 of these bytes. */
char *bb_framework_canonical(const struct bb_framework *fw);
/* The canonical JSON of one crosswalk, whose SHA-256 is its sha256 (the
 * crosswalk's version).  Caller frees. */
char *bb_framework_crosswalk_canonical(const struct bb_crosswalk *xw);

/* --- comparing versions (framework/diff.c) ------------------------------ */

struct bb_fw_change {
	char op;		/* '+' added, '-' removed, '~' changed */
	char *path;		/* "outcomes.early-reading.indicators.grade3-reading.targets[2027].value" */
	char *before;		/* the old value as compact JSON, NULL when added */
	char *after;		/* the new value as compact JSON, NULL when removed */
};

struct bb_fw_diff {
	struct bb_fw_change *items;
	size_t n, cap;
};

/* Compare two canonical JSON texts (bb_framework_canonical); fills *out
 * (caller frees with bb_fw_diff_free) in canonical order.  Arrays of
 * elements with ids are matched by id, not by position.  BB_ERR_INPUT when
 * either text is not JSON. */
int bb_framework_diff(const char *before, const char *after, struct bb_fw_diff *out);
/* Free the changes of a diff and empty it.  Accepts NULL. */
void bb_fw_diff_free(struct bb_fw_diff *d);

/* --- Frictionless Table Schema (framework/tableschema.c) --------------- */

/* A dataset as a Table Schema (JSON text, indented; caller frees). */
char *bb_framework_table_schema(const struct bb_framework *fw,
    const struct bb_dataset *ds);
/* Read a Table Schema (JSON) and write the equivalent dataset, and the code
 * lists its fields use, as framework YAML into *yaml (caller frees).  `id`
 * is the dataset's id.  Problems are findings on `name`; BB_ERR_INPUT when
 * the schema cannot be used. */
int bb_framework_import_schema(const char *name, const char *json, size_t len,
    const char *id, char **yaml, struct bb_findings *findings);

/* --- crosswalk date formats (framework/dateformat.c) ------------------ */

/* Is fmt a date format a crosswalk may declare ("MM/DD/YYYY", "YYYYMMDD",
 * "D MMM YYYY", "excel", "iso")?  0, or BB_ERR_INPUT with *why (static
 * text: "needs a year, a month and a day").  Dates and period labels
 * themselves are framework/period.h's. */
int bb_fw_date_format_check(const char *fmt, const char **why);

/* --- lookups (NULL when absent) ----------------------------------------- */

/* --- lookups (NULL when absent) ----------------------------------------- */

const struct bb_dataset *bb_fw_dataset(const struct bb_framework *fw, const char *id);
const struct bb_field *bb_fw_field(const struct bb_dataset *ds, const char *name);
const struct bb_partner *bb_fw_partner(const struct bb_framework *fw, const char *id);
const struct bb_crosswalk *bb_fw_crosswalk(const struct bb_partner *p, const char *dataset);
const struct bb_code_list *bb_fw_code_list(const struct bb_framework *fw, const char *id);
const struct bb_indicator *bb_fw_indicator(const struct bb_framework *fw, const char *id);
/* A glossary term by its term or one of its aliases. */
const struct bb_glossary_term *bb_fw_term(const struct bb_framework *fw, const char *term);
const struct bb_outcome *bb_fw_outcome(const struct bb_framework *fw, const char *id);
const struct bb_body *bb_fw_body(const struct bb_framework *fw, const char *id);
/* Where the value held in `slot` was written: slot is the address of a
 * member or array entry of this framework (&ind->owners[1],
 * &field->code_list, &xw->columns[0].field); {0, 0} when unknown. */
struct bb_loc bb_fw_loc(const struct bb_framework *fw, const void *slot);
/* Is `value` a missing-value code or placeholder of the field? */
bool bb_fw_is_missing(const struct bb_field *f, const char *value);

/* Id syntax: field names [a-z][a-z0-9_]*, other ids [a-z0-9][a-z0-9_.-]*,
 * both at most 64 bytes. */
bool bb_fw_valid_field_name(const char *s);
bool bb_fw_valid_id(const char *s);

/* Names of enum values as written in the file ("how_much", "quarterly"...);
 * "?" for a value out of range. */
const char *bb_field_type_name(enum bb_field_type t);
const char *bb_identity_role_name(enum bb_identity_role r);
/* "birth_date" -> BB_ID_BIRTH_DATE; BB_ERR_INPUT for an unknown name. */
int bb_identity_role_parse(const char *s, enum bb_identity_role *out);
const char *bb_sharing_name(enum bb_sharing s);
const char *bb_direction_name(enum bb_direction d);
const char *bb_rba_name(enum bb_rba c);
const char *bb_cadence_name(enum bb_cadence c);
const char *bb_dataset_kind_name(enum bb_dataset_kind k);
const char *bb_policy_name(enum bb_policy p);
const char *bb_vote_rule_name(enum bb_vote_rule v);
/* "=", "!=", "<", "<=", ">", ">=", "requires" */
const char *bb_rule_op_name(enum bb_rule_op op);

#endif
