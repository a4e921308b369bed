/*
 * generate.c: the generator's engine.  Works out the files to write (every
 * partner obligation, K periods of history each), makes the population one
 * household at a time and hands each person (or household) to the profile of
 * each file's dataset, which decides the rows; every row then goes through
 * the same steps:
 *
 *   fill      identity fields from the person as of the row's day, local
 *             ids, and whatever the profile left that the dataset requires;
 *   check     the shared values through the intake mapper (no crosswalk),
 *             so a row the framework would refuse is never written as valid;
 *   mess      typos, nicknames, swapped day and month, blanks, missing-value
 *             codes, placeholders: stable per person, partner and field, as a
 *             partner's own system keeps its mistakes; undone if they would
 *             make the row invalid;
 *   invalid   now and then (and always on data row 7 of a file whose
 *             dataset quarantines rows) one value made invalid on purpose;
 *   write     through the reverse crosswalk (reverse.c) in the partner's
 *             shape, and a line of ground truth.
 *
 * Aggregate datasets are tallied over the population and written at the end.
 */
#include "demo/internal.h"
#include "intake/mapper.h"
#include "intake/problems.h"
#include "link/encode.h"
#include "link/normalize.h"
#include "util/bb.h"
#include "util/clock.h"
#include "util/diag.h"
#include "util/hash.h"
#include "util/progress.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define GEN_TEXT 256
#define GEN_PART 128
#define GEN_FORCED_INVALID_ROW 7	/* data row of each quarantine file */
#define GEN_INVALID_RATE 30		/* per 10000 rows, besides */
#define GEN_CHECKER_REUSE 100000	/* checks before the checker is renewed */
#define GEN_MAX_CELLS 100000		/* aggregate cells per file */
#define GEN_SECRET_FILE "encoding-secret.txt"	/* the partners' shared secret */

/* Rates of messy values per 10000 at mess 100%. */
enum {
	RATE_NICKNAME = 400,
	RATE_TYPO_GIVEN = 120,
	RATE_TYPO_FAMILY = 120,
	RATE_SWAP = 80,
	RATE_BLANK = 120,
	RATE_MISSING = 150,
	RATE_PLACEHOLDER = 80,
};

struct gen_row {
	size_t n;
	struct bb_gen_value *vals;
	char (*text)[GEN_TEXT];
	char (*parts)[2][GEN_PART];
	bool *decided;
	char noise[512];
	const char *invalid;
	/* a copy to undo the mess */
	struct bb_gen_value *save_vals;
	char (*save_text)[GEN_TEXT];
};

/* Two mappers per stream: one reads the shared values as they are (no
 * crosswalk), one reads the partner's cells back through the crosswalk, as
 * intake will. */
struct checker {
	struct bb_mapper *shared, *partner;
	const char **cells;
	size_t *lens;
	size_t ncells;
	struct bb_buf json, back;
	uint64_t uses;
};

struct gen_file {
	struct bb_period per;
	int32_t export_day;
	char *name;
	struct gen_writer *w;
	char *clk_name;		/* partners sharing encodings: their encodings */
	FILE *clk;
	char *clk_buf;
	uint64_t rows, invalid;
	uint64_t *counts;	/* aggregates: per cell */
};

struct gen_stream {
	const struct bb_partner *partner;
	size_t pindex;
	const struct bb_dataset *ds;
	const struct bb_crosswalk *xw;
	const struct bb_obligation *ob;
	const struct gen_profile *profile;
	bool generic;
	bool quarantine;
	uint64_t key;
	struct bb_gen_layout *layout;
	struct bb_gen_cell *cells;
	size_t ncols;
	struct gen_file *files;
	size_t nfiles;
	size_t *dims;		/* aggregates: the dimension fields */
	size_t ndims;
	size_t ncells;
	size_t count_field;	/* SIZE_MAX when none */
	size_t period_field;	/* SIZE_MAX when none */
	struct checker chk;
};

struct gen {
	const struct bb_framework *fw;
	struct bb_gen_opts o;
	struct gen_world w;
	struct gen_stream *streams;
	size_t nstreams;
	struct gen_row row;
	FILE *truth, *people;
	char *truth_buf, *people_buf;
	struct bb_gen_result *res;
	struct bb_diag *d;
	int err;
	bool encodings;		/* some partner shares encodings */
	struct bb_clk_key clk_key;
};

static FILE *open_text(struct gen *g, const char *name, char **buf);
static int close_text(struct gen *g, FILE *f, const char *name);

/* --- options and results -------------------------------------------------- */

void
bb_gen_opts_default(struct bb_gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->people = 2000;
	o->seed = 1;
	o->periods = 4;
	o->out_dir = "demo-files";
	o->mess = 100;
	o->invalid = true;
}

void
bb_gen_result_clear(struct bb_gen_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].encodings);
		free(r->files[i].name);
		free(r->files[i].partner);
		free(r->files[i].dataset);
		free(r->files[i].period);
	}
	free(r->files);
	memset(r, 0, sizeof(*r));
}

/* --- checking rows through the intake mapper ------------------------------------ */

static struct bb_mapper *
mapper_for(const struct bb_framework *fw, const struct bb_dataset *ds,
    const struct bb_crosswalk *xw, const char **names, size_t n, size_t *lens)
{
	struct bb_problems probs;
	struct bb_mapper *m = NULL;
	struct bb_row header;

	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(names[i]);
	header.ncells = n;
	header.cells = names;
	header.lens = lens;
	header.row = 1;
	header.line = 1;
	bb_problems_init(&probs);
	if (bb_mapper_new(fw, ds, xw, &header, &m, &probs) != BB_OK)
		m = NULL;
	bb_problems_free(&probs);
	return m;
}

/* (Re)make the stream's mappers: they remember every unique value they saw,
 * so they are renewed now and then. */
static void
checker_open(struct gen *g, struct gen_stream *st)
{
	struct checker *k = &st->chk;
	const struct bb_dataset *ds = st->ds;

	if (k->cells == NULL) {
		k->ncells = ds->nfields > st->ncols ? ds->nfields : st->ncols;
		k->cells = bb_calloc(k->ncells + 1, sizeof(char *));
		k->lens = bb_calloc(k->ncells + 1, sizeof(size_t));
		bb_buf_init(&k->json, 64u << 20);
		bb_buf_init(&k->back, 64u << 20);
	}
	bb_mapper_free(k->shared);
	bb_mapper_free(k->partner);
	for (size_t i = 0; i < ds->nfields; i++)
		k->cells[i] = ds->fields[i].name;
	k->shared = mapper_for(g->fw, ds, NULL, k->cells, ds->nfields, k->lens);
	for (size_t i = 0; i < st->ncols; i++)
		k->cells[i] = bb_gen_layout_column(st->layout, i);
	k->partner = mapper_for(g->fw, ds, st->xw, k->cells, st->ncols, k->lens);
	k->uses = 0;
}

static void
checker_close(struct checker *k)
{
	bb_mapper_free(k->shared);
	bb_mapper_free(k->partner);
	free(k->cells);
	free(k->lens);
	bb_buf_free(&k->json);
	bb_buf_free(&k->back);
	memset(k, 0, sizeof(*k));
}

/* Map one row of n cells; the number of problems (errors and warnings; a
 * value repeated across checks of one row is not one).  json holds the
 * canonical record when there are none. */
static size_t
map_cells(struct checker *k, struct bb_mapper *m, size_t n, struct bb_buf *json)
{
	struct bb_problems probs;
	struct bb_row row;
	size_t bad = 0;
	bool ok;

	if (m == NULL)
		return 1;
	for (size_t i = 0; i < n; i++)
		k->lens[i] = k->cells[i] ? strlen(k->cells[i]) : 0;
	row.ncells = n;
	row.cells = k->cells;
	row.lens = k->lens;
	row.row = 2;
	row.line = 2;
	bb_problems_init(&probs);
	bb_buf_reset(json);
	bb_mapper_row(m, &row, json, &probs, &ok);
	for (size_t i = 0; i < probs.n; i++)
		if (probs.items[i].rule == NULL || strcmp(probs.items[i].rule, "unique") != 0)
			bad++;
	bb_problems_free(&probs);
	return bad;
}

/* Problems the intake would find in the row's shared values. */
static size_t
check_row(struct gen *g, struct gen_stream *st)
{
	struct checker *k = &st->chk;
	struct gen_row *r = &g->row;

	if (k->cells == NULL || k->uses >= GEN_CHECKER_REUSE)
		checker_open(g, st);
	k->uses++;
	for (size_t i = 0; i < r->n; i++)
		k->cells[i] = r->vals[i].text;
	return map_cells(k, k->shared, r->n, &k->json);
}

/* Write the row in the partner's shape (into st->cells) and read it back
 * through the crosswalk: the problems found, and whether it gives back the
 * very record the shared values make (after check_row). */
static size_t
read_back(struct gen *g, struct gen_stream *st, bool *same)
{
	struct checker *k = &st->chk;
	size_t bad;

	bb_gen_layout_row(st->layout, g->row.vals, st->cells);
	for (size_t i = 0; i < st->ncols; i++)
		k->cells[i] = st->cells[i].kind == BB_GEN_EMPTY ? NULL :
		    bb_buf_str(&st->cells[i].text);
	bad = map_cells(k, k->partner, st->ncols, &k->back);
	*same = bad == 0 && k->back.len == k->json.len &&
	    memcmp(k->back.data, k->json.data, k->json.len) == 0;
	return bad;
}

/* A row that is valid and that the partner's file carries whole. */
static bool
row_sound(struct gen *g, struct gen_stream *st)
{
	bool same;
	return check_row(g, st) == 0 && read_back(g, st, &same) == 0 && same;
}

/* A row made invalid that stays invalid in the partner's file. */
static bool
row_refused(struct gen *g, struct gen_stream *st)
{
	bool same;
	return check_row(g, st) > 0 && read_back(g, st, &same) > 0;
}

/* --- rows ---------------------------------------------------------------------- */

static void
row_alloc(struct gen_row *r, size_t n)
{
	r->n = n;
	r->vals = bb_calloc(n + 1, sizeof(*r->vals));
	r->text = bb_calloc(n + 1, sizeof(*r->text));
	r->parts = bb_calloc(n + 1, sizeof(*r->parts));
	r->decided = bb_calloc(n + 1, sizeof(bool));
	r->save_vals = bb_calloc(n + 1, sizeof(*r->save_vals));
	r->save_text = bb_calloc(n + 1, sizeof(*r->save_text));
}

static void
row_free(struct gen_row *r)
{
	free(r->vals);
	free(r->text);
	free(r->parts);
	free(r->decided);
	free(r->save_vals);
	free(r->save_text);
	memset(r, 0, sizeof(*r));
}

void
gen_row_begin(struct gen_ctx *c)
{
	struct gen_row *r = &c->g->row;
	r->n = c->ds->nfields;
	for (size_t i = 0; i < r->n; i++) {
		memset(&r->vals[i], 0, sizeof(r->vals[i]));
		r->text[i][0] = '\0';
		r->decided[i] = false;
	}
	r->noise[0] = '\0';
	r->invalid = NULL;
}

static void
set_text(struct gen_row *r, size_t i, const char *s)
{
	bb_strlcpy(r->text[i], s, GEN_TEXT);
	r->vals[i].text = r->text[i];
	r->vals[i].nparts = 0;
	r->decided[i] = true;
}

static void
set_none(struct gen_row *r, size_t i)
{
	r->vals[i].text = NULL;
	r->vals[i].nparts = 0;
	r->decided[i] = true;
}

static void
set_day(struct gen_row *r, size_t i, int32_t day)
{
	char iso[11];
	bb_date_format(day, iso);
	set_text(r, i, iso);
}

void
gen_set(struct gen_ctx *c, const char *field, const char *fmt, ...)
{
	size_t i = gen_field_index(c->ds, field);
	char buf[GEN_TEXT];
	va_list ap;

	if (i == SIZE_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	set_text(&c->g->row, i, buf);
}

void
gen_set_day(struct gen_ctx *c, const char *field, int32_t day)
{
	size_t i = gen_field_index(c->ds, field);
	if (i != SIZE_MAX)
		set_day(&c->g->row, i, day);
}

void
gen_set_none(struct gen_ctx *c, const char *field)
{
	size_t i = gen_field_index(c->ds, field);
	if (i != SIZE_MAX)
		set_none(&c->g->row, i);
}

bool
gen_has_field(const struct gen_ctx *c, const char *field)
{
	return gen_field_index(c->ds, field) != SIZE_MAX;
}

/* --- patterns: ids that match a field's pattern ---------------------------- */

struct atom {
	unsigned char set[16];	/* bitset of ASCII characters */
	int count;
	bool digits;		/* exactly [0-9] */
};

static void
set_add(struct atom *a, int lo, int hi)
{
	for (int ch = lo; ch <= hi && ch < 128; ch++)
		if (ch >= 0)
			a->set[ch >> 3] |= (unsigned char)(1u << (ch & 7));
}

static bool
set_has(const struct atom *a, int ch)
{
	return ch >= 0 && ch < 128 && (a->set[ch >> 3] & (1u << (ch & 7)));
}

/* Parse a simple pattern: literals, \d, [classes], each with an optional
 * {n}, {n,m}, ?, + or *.  Anything else (groups, alternatives) is not
 * supported: false. */
static bool
parse_pattern(const char *p, struct atom *atoms, size_t max, size_t *n)
{
	*n = 0;
	if (*p == '^')
		p++;
	while (*p) {
		struct atom a;
		if (*p == '$' && p[1] == '\0')
			break;
		if (*n >= max)
			return false;
		memset(&a, 0, sizeof(a));
		a.count = 1;
		if (*p == '\\') {
			if (p[1] == 'd')
				set_add(&a, '0', '9');
			else if (p[1] != '\0')
				set_add(&a, (unsigned char)p[1], (unsigned char)p[1]);
			else
				return false;
			p += 2;
		} else if (*p == '[') {
			p++;
			if (*p == '^')
				return false;
			while (*p && *p != ']') {
				int lo = (unsigned char)*p;
				if (p[1] == '-' && p[2] && p[2] != ']') {
					set_add(&a, lo, (unsigned char)p[2]);
					p += 3;
				} else {
					set_add(&a, lo, lo);
					p++;
				}
			}
			if (*p != ']')
				return false;
			p++;
		} else if (strchr("()|.*+?{}", *p) != NULL)
			return false;
		else {
			set_add(&a, (unsigned char)*p, (unsigned char)*p);
			p++;
		}
		if (*p == '{') {
			char *end;
			long k = strtol(p + 1, &end, 10);
			if (end == p + 1 || k < 0 || k > 64)
				return false;
			if (*end == ',') {
				long m = strtol(end + 1, &end, 10);
				if (k == 0)
					k = m > 0 ? m : 1;
			}
			if (*end != '}')
				return false;
			a.count = (int)k;
			p = end + 1;
		} else if (*p == '?' || *p == '+' || *p == '*')
			p++;
		a.digits = true;
		for (int ch = 0; ch < 128; ch++)
			if (set_has(&a, ch) != (ch >= '0' && ch <= '9'))
				a.digits = false;
		atoms[(*n)++] = a;
	}
	return *n > 0;
}

/* Fill a pattern: its digit positions spell `number` (mod 10^digits, the
 * most significant first), other positions come from the stream. */
static bool
pattern_fill(const char *pattern, uint64_t number, struct bb_rng *r, char *out,
    size_t n)
{
	struct atom atoms[32];
	size_t na, used = 0;
	int ndig = 0, pos = 0;
	char digits[40];

	if (pattern == NULL || !parse_pattern(pattern, atoms, 32, &na))
		return false;
	for (size_t i = 0; i < na; i++)
		if (atoms[i].digits)
			ndig += atoms[i].count;
	if (ndig > 38)
		return false;
	for (int i = ndig - 1; i >= 0; i--) {
		digits[i] = (char)('0' + number % 10);
		number /= 10;
	}
	for (size_t i = 0; i < na; i++) {
		int members[128], nm = 0;
		for (int ch = 32; ch < 127; ch++)
			if (set_has(&atoms[i], ch))
				members[nm++] = ch;
		if (nm == 0)
			return false;
		for (int k = 0; k < atoms[i].count; k++) {
			if (used + 2 > n)
				return false;
			out[used++] = atoms[i].digits ? digits[pos++] :
			    (char)members[bb_rng_below(r, (uint64_t)nm)];
		}
	}
	out[used] = '\0';
	return true;
}

static uint64_t
pow10u(int k)
{
	uint64_t v = 1;
	while (k-- > 0 && v < UINT64_C(1000000000000000000))
		v *= 10;
	return v;
}

static int
pattern_digits(const char *pattern)
{
	struct atom atoms[32];
	size_t na;
	int nd = 0;
	if (pattern == NULL || !parse_pattern(pattern, atoms, 32, &na))
		return 0;
	for (size_t i = 0; i < na; i++)
		if (atoms[i].digits)
			nd += atoms[i].count;
	return nd;
}

/* A one-to-one map of person numbers onto the numbers of `digits` digits
 * without a leading zero, [10^(digits-1), 10^digits): 7919 is a prime with
 * no factor in common with 9 * 10^(digits-1), so multiplying by it
 * permutes the residues. */
static uint64_t
scramble(uint64_t index, uint64_t salt, int digits)
{
	if (digits < 2)
		return index % 10;
	uint64_t low = pow10u(digits > 18 ? 17 : digits - 1), span = 9 * low;
	return low + (index % span * 7919 % span + salt % span) % span;
}

/* Has a pattern digits enough to number every person differently? */
static bool
id_room(const char *pattern, const struct gen *g)
{
	int d = pattern_digits(pattern);
	return d >= 2 && (d > 7 || 9 * pow10u(d - 1) >= g->o.people);
}

void
gen_student_id(const struct gen_ctx *c, const char *pattern, char *out, size_t n)
{
	struct bb_rng r;
	const char *pat = pattern && *pattern ? pattern : "[0-9]{7}";
	bb_rng_seed(&r, c->p->key);
	if (!pattern_fill(pat, scramble(c->p->index, 104729, pattern_digits(pat)), &r,
	    out, n))
		snprintf(out, n, "%07llu", (unsigned long long)scramble(c->p->index, 104729, 7));
}

/* The partner's own id for the person, the same in all its datasets. */
static void
local_id(struct gen_ctx *c, const struct bb_field *f, char *out, size_t n)
{
	struct bb_rng r;
	uint64_t salt = bb_rng_mix(c->w->seed, c->st->pindex, GP_LOCAL_ID);

	if (strstr(f->name, "student_id") != NULL) {
		gen_student_id(c, f->pattern, out, n);
		return;
	}
	bb_rng_seed(&r, bb_rng_mix(c->p->key, c->st->pindex, GP_LOCAL_ID));
	if (f->pattern && id_room(f->pattern, c->g) &&
	    pattern_fill(f->pattern, scramble(c->p->index, salt, pattern_digits(f->pattern)),
	    &r, out, n))
		return;
	/* The initials of the partner's name: "Bright Futures After-School"
	 * numbers its participants BFAS-0012345. */
	char pre[8];
	size_t k = 0;
	const char *nm = c->partner->name ? c->partner->name : c->partner->id;
	for (const char *q = nm; *q && k < 4; q++)
		if ((q == nm || q[-1] == ' ' || q[-1] == '-') &&
		    ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')))
			pre[k++] = (char)(*q & ~0x20);
	pre[k] = '\0';
	snprintf(out, n, "%s-%07llu", k ? pre : "ID",
	    (unsigned long long)scramble(c->p->index, salt, 7));
}

/* --- filling a row -------------------------------------------------------------- */

static const char *
sex_code(const struct bb_field *f, char sex)
{
	const struct bb_code_list *cl = f->codes;
	const char *word = sex == 'F' ? "female" : sex == 'M' ? "male" : "another";
	char want[2] = { sex, '\0' };

	if (cl == NULL || cl->ncodes == 0)
		return NULL;
	for (size_t i = 0; i < cl->ncodes; i++)
		if (strcmp(cl->codes[i].code, want) == 0)
			return cl->codes[i].code;
	for (size_t i = 0; i < cl->ncodes; i++)
		if (cl->codes[i].label && strncasecmp(cl->codes[i].label, word,
		    strlen(word)) == 0)
			return cl->codes[i].code;
	return cl->codes[0].code;
}

static bool
in_code_list(const struct bb_field *f, const char *code)
{
	if (f->codes == NULL)
		return false;
	for (size_t i = 0; i < f->codes->ncodes; i++)
		if (strcmp(f->codes->codes[i].code, code) == 0)
			return true;
	return false;
}

static void
fill_identity(struct gen_ctx *c, int32_t day)
{
	struct gen_row *r = &c->g->row;
	const struct gen_person *p = c->p;
	const struct gen_address *a = gen_address_at(p, day);
	char buf[GEN_TEXT];

	for (size_t i = 0; i < r->n; i++) {
		const struct bb_field *f = &c->ds->fields[i];
		if (r->decided[i] || f->identity == BB_ID_NONE)
			continue;
		switch (f->identity) {
		case BB_ID_GIVEN_NAME:
			set_text(r, i, p->given);
			break;
		case BB_ID_FAMILY_NAME:
			set_text(r, i, gen_family_at(p, day));
			break;
		case BB_ID_BIRTH_DATE:
			set_day(r, i, p->birth);
			break;
		case BB_ID_SEX: {
			const char *code = f->type == BB_FT_CODE ? sex_code(f, p->sex) : NULL;
			if (code != NULL)
				set_text(r, i, code);
			else if (f->type != BB_FT_CODE) {
				buf[0] = p->sex;
				buf[1] = '\0';
				set_text(r, i, buf);
			}
			break;
		}
		case BB_ID_POSTCODE:
			set_text(r, i, a->postcode);
			break;
		case BB_ID_LOCALITY:
			set_text(r, i, c->w->locality);
			break;
		case BB_ID_ADDRESS: {
			/* As the partner's join of street and unit reads. */
			const char *sep = bb_gen_layout_join_separator(c->st->layout, i);
			if (a->unit[0])
				snprintf(buf, sizeof(buf), "%s%s%s", a->street, sep ? sep : " ",
				    a->unit);
			else
				bb_strlcpy(buf, a->street, sizeof(buf));
			set_text(r, i, buf);
			bb_strlcpy(r->parts[i][0], a->street, GEN_PART);
			bb_strlcpy(r->parts[i][1], a->unit, GEN_PART);
			r->vals[i].parts[0] = r->parts[i][0];
			r->vals[i].parts[1] = r->parts[i][1];
			r->vals[i].nparts = 2;
			break;
		}
		case BB_ID_PHONE:
			set_text(r, i, p->phone);
			break;
		case BB_ID_EMAIL:
		case BB_ID_NATIONAL_ID: {
			/* Children have neither; a required field is filled
			 * later with something of its type. */
			const char *v = f->identity == BB_ID_EMAIL ? p->email : p->ssn;
			if (v[0])
				set_text(r, i, v);
			else if (!f->required)
				set_none(r, i);
			break;
		}
		case BB_ID_LOCAL_ID:
			local_id(c, f, buf, sizeof(buf));
			set_text(r, i, buf);
			break;
		default:
			break;
		}
		/* A race or ethnicity the list has. */
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct bb_field *f = &c->ds->fields[i];
		if (!r->decided[i] && f->type == BB_FT_CODE && f->codes &&
		    strstr(f->codes->id, "race") != NULL && in_code_list(f, p->race))
			set_text(r, i, p->race);
	}
}

/* A value of the field's type, within its code list and range. */
static void
fill_generic(struct gen_ctx *c, size_t i, int32_t day)
{
	struct gen_row *r = &c->g->row;
	const struct bb_field *f = &c->ds->fields[i];
	struct bb_rng *rng = &c->rng;
	char buf[GEN_TEXT];

	switch (f->type) {
	case BB_FT_CODE:
		if (f->codes && f->codes->ncodes)
			set_text(r, i, f->codes->codes[bb_rng_below(rng, f->codes->ncodes)].code);
		break;
	case BB_FT_BOOLEAN:
		set_text(r, i, bb_rng_chance(rng, 5000) ? "true" : "false");
		break;
	case BB_FT_INTEGER:
	case BB_FT_DECIMAL: {
		double lo = f->has_min ? f->min : 0, hi = f->has_max ? f->max : lo + 100;
		/* Keep far-off bounds within what a whole number can hold. */
		lo = lo < -1e12 ? -1e12 : lo > 1e12 ? 1e12 : lo;
		hi = hi < -1e12 ? -1e12 : hi > 1e12 ? 1e12 : hi;
		int64_t a = (int64_t)lo, b = (int64_t)hi;
		if ((double)a < lo)
			a++;
		if (b < a)
			b = a;
		int64_t v = bb_rng_range(rng, a, b);
		if (f->type == BB_FT_DECIMAL && v < b)
			snprintf(buf, sizeof(buf), "%lld.%02d", (long long)v,
			    (int)bb_rng_below(rng, 100));
		else
			snprintf(buf, sizeof(buf), "%lld", (long long)v);
		set_text(r, i, buf);
		break;
	}
	case BB_FT_DATE: {
		int32_t lo, hi, v = day;
		if (i == c->st->period_field)
			v = day;
		else if (f->min_date && bb_date_parse_iso(f->min_date, &lo) &&
		    f->max_date && bb_date_parse_iso(f->max_date, &hi) && lo <= hi)
			v = lo + (int32_t)bb_rng_below(rng, (uint64_t)(hi - lo) + 1);
		else
			v = day - (int32_t)bb_rng_below(rng, 365);
		if (f->min_date && bb_date_parse_iso(f->min_date, &lo) && v < lo)
			v = lo;
		set_day(r, i, v);
		break;
	}
	case BB_FT_TEXT:
	default:
		/* A value unique within a file: numbered by person. */
		if (f->unique && c->p && (f->pattern == NULL || id_room(f->pattern, c->g))) {
			local_id(c, f, buf, sizeof(buf));
			set_text(r, i, buf);
		} else if (f->pattern && pattern_fill(f->pattern, bb_rng_next(rng), rng, buf,
		    sizeof(buf)))
			set_text(r, i, buf);
		else if (strstr(f->name, "name") != NULL)
			set_text(r, i, bb_gen_family[bb_rng_below(rng, bb_gen_nfamily)]);
		else {
			snprintf(buf, sizeof(buf), "%s %u", f->name,
			    (unsigned)bb_rng_below(rng, 1000));
			set_text(r, i, buf);
		}
		if (f->max_length > 0 && f->max_length < GEN_TEXT &&
		    strlen(r->text[i]) > (size_t)f->max_length)
			r->text[i][f->max_length] = '\0';
		break;
	}
}

static void
fill_rest(struct gen_ctx *c, int32_t day)
{
	struct gen_row *r = &c->g->row;
	for (size_t i = 0; i < r->n; i++) {
		const struct bb_field *f = &c->ds->fields[i];
		if (r->decided[i])
			continue;
		if (i == c->st->period_field) {
			set_day(r, i, day);
			continue;
		}
		if (!f->required && (!c->st->generic || bb_rng_chance(&c->rng, 3000))) {
			set_none(r, i);
			continue;
		}
		fill_generic(c, i, day);
	}
}

/* --- mess --------------------------------------------------------------------------- */

static void
note(struct gen_row *r, const char *kind, const char *field)
{
	size_t n = strlen(r->noise);
	snprintf(r->noise + n, sizeof(r->noise) - n, "%s%s:%s", n ? "|" : "", kind, field);
}

/* A short form of a given name: from the linkage nickname table
 * ("william bill billy will ..."), capitalised, or from the generator's
 * Spanish list; NULL when the name has none. */
static const char *
nickname(const char *given, uint64_t x, char *buf, size_t n)
{
	char key[48];

	gen_ascii_fold(given, key, sizeof(key));
	for (size_t i = 0; i < bb_nick_table_len && key[0]; i++) {
		const char *line = bb_nick_table[i], *p;
		size_t l = strcspn(line, " "), count = 1;
		if (l != strlen(key) || memcmp(line, key, l) != 0 || line[l] == '\0')
			continue;
		/* The short forms: the words after the first, one space apart. */
		p = line + l + 1;
		for (const char *q = p; *q; q++)
			count += *q == ' ';
		for (size_t want = x % count; want > 0; want--)
			p += strcspn(p, " ") + 1;
		size_t wl = strcspn(p, " ");
		if (wl == 0 || wl + 1 > n)
			return NULL;
		memcpy(buf, p, wl);
		buf[wl] = '\0';
		if (buf[0] >= 'a' && buf[0] <= 'z')
			buf[0] = (char)(buf[0] - 'a' + 'A');
		return buf;
	}
	for (size_t i = 0; i < bb_gen_nnicknames; i++)
		if (strcmp(bb_gen_nicknames[i][0], given) == 0)
			return bb_gen_nicknames[i][1 + x % 2];
	return NULL;
}

/* A typing slip: two neighbouring letters swapped, or one dropped (ASCII
 * letters only, never the first).  False when the name has no room. */
static bool
typo(char *s, uint64_t x)
{
	size_t n = strlen(s), cand[GEN_TEXT], nc = 0;
	for (size_t i = 1; i + 1 < n && nc < GEN_TEXT; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)s[i + 1];
		if (a < 0x80 && b < 0x80 && ((a | 0x20) >= 'a' && (a | 0x20) <= 'z') &&
		    ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') && a != b)
			cand[nc++] = i;
	}
	if (nc == 0 || n < 4)
		return false;
	size_t at = cand[(x >> 8) % nc];
	if (x % 2 == 0) {
		char t = s[at];
		s[at] = s[at + 1];
		s[at + 1] = t;
	} else
		memmove(s + at, s + at + 1, n - at);
	return true;
}

/* Missing-value codes of a field that its partner can write. */
static size_t
writable_missing(const struct bb_field *f, const struct bb_crosswalk *xw,
    const char **out, size_t max)
{
	const struct bb_xw_codemap *cm = NULL;
	size_t n = 0;

	for (size_t k = 0; xw && k < xw->ncodes; k++)
		if (strcmp(xw->codes[k].field, f->name) == 0)
			cm = &xw->codes[k];
	for (size_t i = 0; i < f->nmissing && n < max; i++) {
		const char *w = bb_gen_code_reverse(cm, f->missing[i].code, 0);
		if (w && *w)
			out[n++] = f->missing[i].code;
	}
	for (size_t i = 0; f->codes && i < f->codes->nmissing && n < max; i++) {
		const char *w = bb_gen_code_reverse(cm, f->codes->missing[i].code, 0);
		if (w && *w)
			out[n++] = f->codes->missing[i].code;
	}
	return n;
}

static uint32_t
scaled(const struct gen *g, uint32_t rate)
{
	uint64_t v = (uint64_t)rate * g->o.mess / 100;
	return v > 10000 ? 10000 : (uint32_t)v;
}

/* Apply this person's mess at this partner; true when anything changed. */
static bool
apply_mess(struct gen_ctx *c)
{
	struct gen *g = c->g;
	struct gen_row *r = &g->row;
	const struct gen_stream *st = c->st;
	bool any = false;

	for (size_t i = 0; i < r->n; i++) {
		const struct bb_field *f = &c->ds->fields[i];
		uint64_t x = bb_rng_mix(c->p->key, st->pindex * 1024 + i, GP_NOISE);
		uint64_t y = bb_rng_mix(c->p->key, st->pindex * 1024 + i, GP_NOISE + 1000);
		uint32_t a = (uint32_t)(x % 10000), b = (uint32_t)(y % 10000);
		char *t = r->text[i];

		if (r->vals[i].text == NULL || !bb_gen_layout_writes(st->layout, i))
			continue;
		if (f->identity == BB_ID_GIVEN_NAME) {
			char nbuf[48];
			const char *nick = nickname(t, x >> 20, nbuf, sizeof(nbuf));
			if (nick && a < scaled(g, RATE_NICKNAME)) {
				set_text(r, i, nick);
				note(r, "nickname", f->name);
				any = true;
				continue;
			}
			if (a >= 5000 && a - 5000 < scaled(g, RATE_TYPO_GIVEN) && typo(t, x >> 16)) {
				note(r, "typo", f->name);
				any = true;
				continue;
			}
		}
		if (f->identity == BB_ID_FAMILY_NAME && a < scaled(g, RATE_TYPO_FAMILY) &&
		    typo(t, x >> 16)) {
			note(r, "typo", f->name);
			any = true;
			continue;
		}
		if (f->identity == BB_ID_BIRTH_DATE && a < scaled(g, RATE_SWAP)) {
			int32_t day;
			int yy, mm, dd;
			if (bb_date_parse_iso(t, &day)) {
				bb_date_to_ymd(day, &yy, &mm, &dd);
				if (dd <= 12 && dd != mm && bb_date_from_ymd(yy, dd, mm, &day)) {
					set_day(r, i, day);
					note(r, "swapped-day-month", f->name);
					any = true;
					continue;
				}
			}
		}
		if (i == st->period_field || i == st->count_field)
			continue;
		if (f->nplaceholders && b < scaled(g, RATE_PLACEHOLDER)) {
			set_text(r, i, f->placeholders[(y >> 20) % f->nplaceholders]);
			note(r, "placeholder", f->name);
			any = true;
			continue;
		}
		b = (uint32_t)((y >> 24) % 10000);
		const char *codes[16];
		size_t nm = writable_missing(f, st->xw, codes, 16);
		if (nm && b < scaled(g, RATE_MISSING)) {
			set_text(r, i, codes[(y >> 40) % nm]);
			note(r, "missing-code", f->name);
			any = true;
			continue;
		}
		b = (uint32_t)((y >> 36) % 10000);
		if (!f->required && f->identity != BB_ID_LOCAL_ID && b < scaled(g, RATE_BLANK)) {
			set_none(r, i);
			note(r, "blank", f->name);
			any = true;
		}
	}
	return any;
}

/* --- deliberately invalid values -------------------------------------------- */

static bool
make_invalid(struct gen_ctx *c, size_t i)
{
	struct gen_row *r = &c->g->row;
	const struct bb_field *f = &c->ds->fields[i];
	char buf[GEN_TEXT];

	switch (f->type) {
	case BB_FT_CODE:
		if (strcmp(f->name, "grade") == 0)
			set_text(r, i, "13");
		else if (strcmp(f->name, "program_type") == 0)
			set_text(r, i, "Chess Club");
		else if (strcmp(f->name, "employment_type") == 0)
			set_text(r, i, "CONTRACT");
		else
			set_text(r, i, "ZZ");
		return true;
	case BB_FT_BOOLEAN:
		set_text(r, i, "2");
		return true;
	case BB_FT_DATE: {
		/* A day the month does not have. */
		int y, m, d;
		int32_t day = c->per->start;
		if (r->vals[i].text)
			bb_date_parse_iso(r->vals[i].text, &day);
		bb_date_to_ymd(day, &y, &m, &d);
		if (m == 4 || m == 6 || m == 9 || m == 11)
			snprintf(buf, sizeof(buf), "%04d-%02d-31", y, m);
		else
			snprintf(buf, sizeof(buf), "%04d-02-30", y);
		set_text(r, i, buf);
		return true;
	}
	case BB_FT_INTEGER:
	case BB_FT_DECIMAL: {
		double over = f->max + (f->max - (f->has_min ? f->min : 0)) / 2 + 1;
		if (!(over > f->max) || over > 1e15)
			return false;
		snprintf(buf, sizeof(buf), "%lld", (long long)over);
		set_text(r, i, buf);
		return true;
	}
	case BB_FT_TEXT: {
		if (r->vals[i].text == NULL)
			return false;
		bb_strlcpy(buf, r->vals[i].text, sizeof(buf));
		char *z = strchr(buf, '0');
		if (z != NULL)
			*z = 'O';	/* the letter for the digit */
		else if (strlen(buf) > 1)
			buf[strlen(buf) - 1] = '\0';
		else
			return false;
		set_text(r, i, buf);
		return true;
	}
	}
	return false;
}

static void
save_row(struct gen_row *r)
{
	memcpy(r->save_vals, r->vals, r->n * sizeof(*r->vals));
	memcpy(r->save_text, r->text, r->n * sizeof(*r->text));
}

static void
restore_row(struct gen_row *r)
{
	memcpy(r->vals, r->save_vals, r->n * sizeof(*r->vals));
	memcpy(r->text, r->save_text, r->n * sizeof(*r->text));
}

/* Make one value of the row invalid, as a partner's system now and then
 * lets through; false when the row has no value that can be. */
static bool
try_invalid(struct gen_ctx *c)
{
	struct gen_row *r = &c->g->row;
	size_t cand[64], n = 0;

	for (size_t i = 0; i < r->n && n < 64; i++) {
		const struct bb_field *f = &c->ds->fields[i];
		if (f->identity != BB_ID_NONE || !bb_gen_layout_writes(c->st->layout, i))
			continue;
		if (f->type == BB_FT_CODE || f->type == BB_FT_BOOLEAN)
			cand[n++] = i;
		else if (f->type == BB_FT_DATE) {
			const char *fmt = NULL;
			for (size_t k = 0; c->st->xw && k < c->st->xw->ndates; k++)
				if (strcmp(c->st->xw->dates[k].field, f->name) == 0)
					fmt = c->st->xw->dates[k].format;
			if (fmt == NULL || strcmp(fmt, "excel") != 0)
				cand[n++] = i;
		} else if ((f->type == BB_FT_INTEGER || f->type == BB_FT_DECIMAL) && f->has_max)
			cand[n++] = i;
		else if (f->type == BB_FT_TEXT && f->pattern && r->vals[i].text)
			cand[n++] = i;
	}
	if (n == 0)
		return false;
	size_t at = (size_t)bb_rng_below(&c->rng, n);
	save_row(r);
	for (size_t k = 0; k < n; k++) {
		size_t i = cand[(at + k) % n];
		if (!make_invalid(c, i))
			continue;
		if (row_refused(c->g, c->st)) {
			r->invalid = c->ds->fields[i].name;
			return true;
		}
		restore_row(r);
	}
	return false;
}

/* --- writing ----------------------------------------------------------------------- */

static void
truth_line(struct gen_ctx *c, uint64_t row)
{
	struct gen *g = c->g;
	FILE *t = g->truth;
	struct gen_row *r = &g->row;

	fputs(c->p ? c->p->id : "", t);
	fputc(',', t);
	gen_csv_put(t, c->partner->id, ',');
	fputc(',', t);
	gen_csv_put(t, c->ds->id, ',');
	fputc(',', t);
	gen_csv_put(t, c->per->label, ',');
	fputc(',', t);
	gen_csv_put(t, c->file->name, ',');
	fprintf(t, ",%llu,", (unsigned long long)row);
	gen_csv_put(t, r->invalid ? r->invalid : "", ',');
	fputc(',', t);
	gen_csv_put(t, r->noise, ',');
	fputc('\n', t);
}

/* Does column `col` go into the encodings file as it is (`encode --keep`):
 * it fills fields, none of them a personal identity (a name, birth date,
 * address, phone, e-mail, national id), which never leaves the partner in
 * clear. */
static bool
keep_column(const struct gen_stream *st, size_t col)
{
	size_t fields[8], nf = bb_gen_layout_column_fields(st->layout, col, fields, 8);
	for (size_t k = 0; k < nf; k++)
		if (bb_mapper_private_role(st->ds->fields[fields[k]].identity))
			return false;
	return nf > 0;
}

/* The row as `backbone encode --keep COLUMN...` writes it from the
 * partner's file: its id (the local id's column, else the data row's
 * number), the keyed Bloom filter of its identity columns (local ids left
 * out: they differ from partner to partner), its keyed blocking keys, then
 * the kept columns (keep_column) as the partner's file has them: the file
 * the partner submits. */
static void
write_encoding(struct gen_ctx *c, uint64_t row)
{
	struct gen_stream *st = c->st;
	struct bb_link_input in;
	struct bb_buf vals[BB_ID__COUNT];
	char b64[BB_CLK_B64], blocks[BB_CLK_BLOCKS_TEXT], num[32];
	const char *id = NULL;
	struct bb_clk clk;
	struct bb_clk_blocks bl;
	bool xlsx = st->xw && st->xw->format && strcmp(st->xw->format, "xlsx") == 0;

	memset(&in, 0, sizeof(in));
	for (int r = 0; r < BB_ID__COUNT; r++)
		bb_buf_init(&vals[r], 1u << 16);
	for (size_t col = 0; col < st->ncols; col++) {
		const struct bb_gen_cell *cell = &st->cells[col];
		size_t fields[8], nf = bb_gen_layout_column_fields(st->layout, col, fields, 8);
		char iso[16];
		const char *v;
		if (cell->kind == BB_GEN_EMPTY)
			continue;
		v = bb_buf_str(&cell->text);
		if (cell->kind == BB_GEN_DATE && xlsx) {
			snprintf(iso, sizeof(iso), "%04d-%02d-%02d", cell->y, cell->m, cell->d);
			v = iso;
		}
		while (*v == ' ')
			v++;
		for (size_t k = 0; k < nf && *v; k++) {
			enum bb_identity_role role = c->ds->fields[fields[k]].identity;
			if (role == BB_ID_LOCAL_ID && id == NULL)
				id = bb_buf_str(&cell->text);
			if (role == BB_ID_NONE || role == BB_ID_LOCAL_ID)
				continue;
			if (vals[role].len)
				bb_buf_putc(&vals[role], ' ');
			bb_buf_puts(&vals[role], v);
		}
	}
	for (int r = 1; r < BB_ID__COUNT; r++)
		in.value[r] = vals[r].len ? vals[r].data : NULL;
	bb_clk_encode(&c->g->clk_key, &in, &clk, &bl);
	bb_clk_to_base64(&clk, b64);
	bb_clk_blocks_format(&bl, blocks);
	if (id == NULL) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)(row - 1));
		id = num;
	}
	gen_csv_put(c->file->clk, id, ',');
	fprintf(c->file->clk, ",%s,%s", b64, blocks);
	for (size_t col = 0; col < st->ncols; col++) {
		const struct bb_gen_cell *cell = &st->cells[col];
		char iso[16];
		const char *v = bb_buf_str(&cell->text);
		if (!keep_column(st, col))
			continue;
		fputc(',', c->file->clk);
		if (cell->kind == BB_GEN_EMPTY)
			continue;
		if (cell->kind == BB_GEN_DATE && xlsx) {
			snprintf(iso, sizeof(iso), "%04d-%02d-%02d", cell->y, cell->m, cell->d);
			v = iso;
		}
		gen_csv_put(c->file->clk, v, ',');
	}
	fputc('\n', c->file->clk);
	for (int r = 0; r < BB_ID__COUNT; r++)
		bb_buf_free(&vals[r]);
}

int
gen_emit(struct gen_ctx *c, int32_t day)
{
	struct gen *g = c->g;
	struct gen_row *r = &g->row;
	struct gen_stream *st = c->st;
	struct gen_file *f = c->file;
	int rc;

	if (g->err)
		return g->err;
	/* What the crosswalk fills in for the partner. */
	for (size_t k = 0; st->xw && k < st->xw->nconstants; k++) {
		size_t i = gen_field_index(c->ds, st->xw->constants[k].field);
		if (i != SIZE_MAX)
			set_text(r, i, st->xw->constants[k].value);
	}
	if (c->p != NULL)
		fill_identity(c, day);
	fill_rest(c, day);
	if (!row_sound(g, st)) {
		g->res->skipped++;
		return BB_OK;
	}
	if (c->p != NULL && g->o.mess > 0) {
		save_row(r);
		if (apply_mess(c) && !row_sound(g, st)) {
			restore_row(r);
			r->noise[0] = '\0';
		}
	}
	if (c->p != NULL && g->o.invalid && st->quarantine &&
	    (f->rows + 1 == GEN_FORCED_INVALID_ROW ||
	    bb_rng_chance(&c->rng, GEN_INVALID_RATE)))
		try_invalid(c);

	bb_gen_layout_row(st->layout, r->vals, st->cells);
	if ((rc = gen_writer_row(f->w, st->cells)) != BB_OK) {
		bb_diag_set(g->d, f->name, 0, 0, "io", rc == BB_ERR_LIMIT ?
		    "more rows than one sheet holds" : "cannot write a row");
		return g->err = rc == BB_ERR_LIMIT ? BB_ERR_LIMIT : BB_ERR_IO;
	}
	f->rows++;
	if (r->invalid)
		f->invalid++;
	if (f->clk != NULL)
		write_encoding(c, f->rows + 1);
	/* Header is row 1: the first data row is row 2 in every format. */
	truth_line(c, f->rows + 1);
	return BB_OK;
}

/* --- aggregates ------------------------------------------------------------------- */

static size_t
code_index(const struct bb_field *f, const char *code)
{
	for (size_t i = 0; f->codes && i < f->codes->ncodes; i++)
		if (strcmp(f->codes->codes[i].code, code) == 0)
			return i;
	return SIZE_MAX;
}

void
gen_tally(struct gen_ctx *c, uint64_t weight)
{
	struct gen_row *r = &c->g->row;
	const struct gen_stream *st = c->st;
	size_t cell = 0;

	for (size_t k = 0; k < st->ndims; k++) {
		const struct bb_field *f = &c->ds->fields[st->dims[k]];
		const char *v = r->vals[st->dims[k]].text;
		size_t ix = v ? code_index(f, v) : SIZE_MAX;
		if (ix == SIZE_MAX)
			return;
		cell = cell * f->codes->ncodes + ix;
	}
	if (cell < st->ncells)
		c->file->counts[cell] += weight;
}

/* What a profile is handed, for one file of a stream. */
static void
ctx_init(struct gen_ctx *c, struct gen *g, struct gen_stream *st, struct gen_file *f)
{
	memset(c, 0, sizeof(*c));
	c->g = g;
	c->w = &g->w;
	c->st = st;
	c->ds = st->ds;
	c->partner = st->partner;
	c->file = f;
	c->per = &f->per;
	c->export_day = f->export_day;
}

static int
write_aggregates(struct gen *g, struct gen_stream *st)
{
	struct gen_ctx c;
	int rc;

	for (size_t fi = 0; fi < st->nfiles; fi++) {
		struct gen_file *f = &st->files[fi];
		ctx_init(&c, g, st, f);
		bb_rng_seed(&c.rng, bb_rng_mix(st->key, (uint64_t)f->per.start, GP_ROW));
		for (size_t cell = 0; cell < st->ncells; cell++) {
			size_t rest = cell;
			gen_row_begin(&c);
			for (size_t k = st->ndims; k-- > 0; ) {
				const struct bb_field *df = &st->ds->fields[st->dims[k]];
				set_text(&g->row, st->dims[k],
				    df->codes->codes[rest % df->codes->ncodes].code);
				rest /= df->codes->ncodes;
			}
			if (st->count_field != SIZE_MAX) {
				char num[32];
				snprintf(num, sizeof(num), "%llu", (unsigned long long)f->counts[cell]);
				set_text(&g->row, st->count_field, num);
			}
			if ((rc = gen_emit(&c, f->per.start)) != BB_OK)
				return rc;
		}
	}
	return BB_OK;
}

/* --- setting up the files ----------------------------------------------------------- */

static const char *
ext_of(const char *format)
{
	return format ? format : "csv";
}

static int
due_days(const struct bb_framework *fw, enum bb_cadence cad)
{
	for (size_t i = 0; i < fw->calendar.ndeadlines; i++)
		if (fw->calendar.deadlines[i].cadence == cad)
			return fw->calendar.deadlines[i].due_days;
	return 15;
}

static void
stream_setup(struct gen *g, struct gen_stream *st)
{
	const struct bb_dataset *ds = st->ds;
	struct bb_period p;

	st->xw = bb_fw_crosswalk(st->partner, ds->id);
	st->profile = gen_profile_for(ds);
	st->generic = gen_profile_is_generic(st->profile);
	st->quarantine = ds->policy == BB_POLICY_QUARANTINE_ROWS;
	st->key = bb_rng_mix(g->o.seed, st->pindex, bb_hash64(ds->id, strlen(ds->id)));
	st->layout = bb_gen_layout_new(ds, st->xw);
	st->ncols = bb_gen_layout_ncolumns(st->layout);
	st->cells = bb_gen_cells_new(st->layout);
	st->count_field = ds->count_field ? gen_field_index(ds, ds->count_field) : SIZE_MAX;
	st->period_field = ds->period_field ? gen_field_index(ds, ds->period_field) : SIZE_MAX;
	/* No period field: the first date, required ones first, places a row. */
	for (int pass = 0; pass < 2 && st->period_field == SIZE_MAX; pass++)
		for (size_t i = 0; i < ds->nfields && st->period_field == SIZE_MAX; i++)
			if (ds->fields[i].type == BB_FT_DATE && ds->fields[i].identity == BB_ID_NONE &&
			    (pass == 1 || ds->fields[i].required))
				st->period_field = i;
	if (ds->kind == BB_DS_AGGREGATE) {
		st->dims = bb_calloc(ds->nfields + 1, sizeof(size_t));
		st->ncells = 1;
		for (size_t i = 0; i < ds->nfields; i++) {
			const struct bb_field *f = &ds->fields[i];
			if (i == st->count_field || f->type != BB_FT_CODE || f->codes == NULL ||
			    f->codes->ncodes == 0 || st->ncells * f->codes->ncodes > GEN_MAX_CELLS)
				continue;
			st->dims[st->ndims++] = i;
			st->ncells *= f->codes->ncodes;
		}
	}
	/* K periods of the cadence, the last one the last ended before today,
	 * oldest first. */
	st->nfiles = (size_t)g->o.periods;
	st->files = bb_calloc(st->nfiles, sizeof(*st->files));
	bb_period_last_ended(st->ob->cadence, g->o.today, &g->w.ys, &p);
	for (size_t k = st->nfiles; k-- > 0; ) {
		struct gen_file *f = &st->files[k];
		f->per = p;
		f->export_day = p.end + due_days(g->fw, st->ob->cadence);
		if (f->export_day >= g->o.today)
			f->export_day = g->o.today - 1;
		f->name = bb_asprintf("%s_%s_%s.%s", st->partner->id, ds->id, p.label,
		    ext_of(st->xw ? st->xw->format : NULL));
		if (ds->kind == BB_DS_AGGREGATE)
			f->counts = bb_calloc(st->ncells + 1, sizeof(uint64_t));
		else if (st->partner->sharing == BB_SHARE_ENCODINGS) {
			f->clk_name = bb_asprintf("%s_%s_%s.clk.csv", st->partner->id, ds->id,
			    p.label);
			g->encodings = true;
		}
		bb_period_prev(&p, &g->w.ys, &p);
	}
}

/* Whether `name` is taken by a file (or encodings file) named before
 * files[s][k] (streams in order, each stream's files in order). */
static bool
name_taken(const struct gen *g, size_t s, size_t k, const char *name)
{
	for (size_t t = 0; t <= s; t++)
		for (size_t j = 0; j < (t < s ? g->streams[t].nfiles : k); j++) {
			const struct gen_file *f = &g->streams[t].files[j];
			if (strcmp(f->name, name) == 0 ||
			    (f->clk_name && strcmp(f->clk_name, name) == 0))
				return true;
		}
	return false;
}

/* A copy of name with ".n" before its extension `ext` (which it ends with;
 * ids and period labels may hold dots too). */
static char *
numbered(const char *name, const char *ext, unsigned n)
{
	size_t at = strlen(name) - strlen(ext);

	return bb_asprintf("%.*s.%u%s", (int)at, name, n, name + at);
}

/* Ids may hold '_', so partner a's dataset b_c and partner a_b's dataset c
 * would both be a_b_c_P.csv: a later file of a name already taken becomes
 * a_b_c_P.2.csv (its encodings a_b_c_P.2.clk.csv), and so on. */
static void
unique_names(struct gen *g)
{
	for (size_t s = 0; s < g->nstreams; s++)
		for (size_t k = 0; k < g->streams[s].nfiles; k++) {
			struct gen_file *f = &g->streams[s].files[k];
			char *base = f->name, *clk = f->clk_name;
			for (unsigned n = 2; name_taken(g, s, k, f->name) ||
			    (clk && name_taken(g, s, k, f->clk_name)); n++) {
				if (f->name != base)
					free(f->name);
				if (f->clk_name != clk)
					free(f->clk_name);
				f->name = numbered(base, strrchr(base, '.'), n);
				f->clk_name = clk ? numbered(clk, ".clk.csv", n) : NULL;
			}
			if (f->name != base)
				free(base);
			if (f->clk_name != clk)
				free(clk);
		}
}

static int
stream_open_files(struct gen *g, struct gen_stream *st)
{
	const char **hdr = bb_calloc(st->ncols + 1, sizeof(char *));
	int rc = BB_OK;

	for (size_t i = 0; i < st->ncols; i++)
		hdr[i] = bb_gen_layout_column(st->layout, i);
	for (size_t k = 0; k < st->nfiles && rc == BB_OK; k++) {
		struct gen_file *f = &st->files[k];
		char *path = bb_asprintf("%s/%s", g->o.out_dir, f->name);
		rc = gen_writer_open(path, st->xw ? st->xw->format : "csv",
		    st->xw ? st->xw->encoding : NULL,
		    st->xw && st->xw->sheet ? st->xw->sheet : st->ds->name,
		    hdr, st->ncols, g->o.today, &f->w, g->d);
		free(path);
		if (rc == BB_OK && f->clk_name != NULL) {
			if ((f->clk = open_text(g, f->clk_name, &f->clk_buf)) == NULL)
				rc = BB_ERR_IO;
			else {
				fputs("id,clk,blocks", f->clk);
				for (size_t i = 0; i < st->ncols; i++)
					if (keep_column(st, i)) {
						fputc(',', f->clk);
						gen_csv_put(f->clk, hdr[i], ',');
					}
				fputc('\n', f->clk);
			}
		}
	}
	free(hdr);
	return rc;
}

static void
stream_free(struct gen_stream *st)
{
	for (size_t k = 0; k < st->nfiles; k++) {
		gen_writer_close(st->files[k].w, NULL);
		if (st->files[k].clk)
			fclose(st->files[k].clk);
		free(st->files[k].clk_buf);
		free(st->files[k].clk_name);
		free(st->files[k].name);
		free(st->files[k].counts);
	}
	free(st->files);
	free(st->dims);
	bb_gen_cells_free(st->cells, st->ncols);
	bb_gen_layout_free(st->layout);
	checker_close(&st->chk);
}

/* --- people.csv and the manifest ------------------------------------------------- */

static void
people_header(FILE *f)
{
	fputs("person_id,household_id,role,given_name,family_name,sex,birth_date,"
	    "race_ethnicity,street,unit,postcode,phone,email,ssn,moved_on,new_street,"
	    "new_unit,new_postcode,renamed_on,new_family_name\n", f);
}

static void
people_line(FILE *f, const struct gen_person *p)
{
	static const char *const roles[] = { "head", "partner", "child" };
	char birth[11], moved[11] = "", renamed[11] = "";
	bool moves = p->move_day != GEN_NEVER;

	bb_date_format(p->birth, birth);
	if (moves)
		bb_date_format(p->move_day, moved);
	if (p->rename_day != GEN_NEVER)
		bb_date_format(p->rename_day, renamed);
	fprintf(f, "%s,H%07llu,%s,", p->id, (unsigned long long)(p->household + 1),
	    roles[p->role]);
	gen_csv_put(f, p->given, ',');
	fputc(',', f);
	gen_csv_put(f, p->family, ',');
	fprintf(f, ",%c,%s,%s,", p->sex, birth, p->race);
	gen_csv_put(f, p->addr.street, ',');
	fprintf(f, ",%s,%s,%s,%s,%s,%s,", p->addr.unit, p->addr.postcode, p->phone,
	    p->email, p->ssn, moved);
	if (moves) {
		gen_csv_put(f, p->new_addr.street, ',');
		fprintf(f, ",%s,%s", p->new_addr.unit, p->new_addr.postcode);
	} else
		fputs(",,", f);
	fprintf(f, ",%s,", renamed);
	gen_csv_put(f, p->new_family, ',');
	fputc('\n', f);
}

static int
write_manifest(struct gen *g)
{
	json_t *m = json_object(), *files = json_array();
	char today[11], *path;
	int rc = BB_OK;

	bb_date_format(g->o.today, today);
	json_object_set_new(m, "generator", json_pack("{s:s, s:I, s:I, s:i, s:s, s:i, s:b}",
	    "command", "backbone demo generate", "seed", (json_int_t)g->o.seed,
	    "people", (json_int_t)g->o.people, "periods", g->o.periods, "as_of", today,
	    "mess", (int)g->o.mess, "invalid", g->o.invalid));
	json_object_set_new(m, "initiative", json_string(g->fw->initiative.id ?
	    g->fw->initiative.id : ""));
	json_object_set_new(m, "framework_sha256", json_string(g->fw->sha256));
	json_object_set_new(m, "truth", json_string("truth.csv"));
	json_object_set_new(m, "people_file", json_string("people.csv"));
	if (g->encodings)
		json_object_set_new(m, "encoding_secret", json_string(GEN_SECRET_FILE));
	for (size_t i = 0; i < g->res->nfiles; i++) {
		const struct bb_gen_file *f = &g->res->files[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
		    "file", f->name, "partner", f->partner, "dataset", f->dataset,
		    "period", f->period, "format", f->format, "encoding", f->encoding,
		    "rows", (json_int_t)f->rows, "invalid", (json_int_t)f->invalid);
		if (f->encodings)
			json_object_set_new(o, "encodings", json_string(f->encodings));
		json_array_append_new(files, o);
	}
	json_object_set_new(m, "files", files);
	path = bb_asprintf("%s/manifest.json", g->o.out_dir);
	if (json_dump_file(m, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		bb_diag_set(g->d, path, 0, 0, "io", "cannot write the manifest");
		rc = BB_ERR_IO;
	} else {
		/* json_dump_file ends without a newline. */
		FILE *f = fopen(path, "ab");
		if (f == NULL || fputc('\n', f) == EOF || fclose(f) != 0) {
			bb_diag_set(g->d, path, 0, 0, "io", "cannot write the manifest");
			rc = BB_ERR_IO;
		}
	}
	free(path);
	json_decref(m);
	return rc;
}

static FILE *
open_text(struct gen *g, const char *name, char **buf)
{
	char *path = bb_asprintf("%s/%s", g->o.out_dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		bb_diag_set(g->d, path, 0, 0, "io", "cannot create the file: %s",
		    strerror(errno));
	else {
		*buf = bb_malloc(1u << 16);
		setvbuf(f, *buf, _IOFBF, 1u << 16);
	}
	free(path);
	return f;
}

static int
close_text(struct gen *g, FILE *f, const char *name)
{
	if (f == NULL)
		return BB_OK;
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		bb_diag_set(g->d, name, 0, 0, "io", "cannot write the file");
		return BB_ERR_IO;
	}
	return BB_OK;
}

static const char *const formats[] = { "csv", "xlsx", "json", "jsonl", "zip", NULL };
static const char *const encodings[] = { "utf-8", "windows-1252", NULL };

static const char *
static_name(const char *s, const char *const *names, const char *dflt)
{
	for (size_t i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return names[i];
	return dflt;
}

/* The secret the partners sharing encodings hold (made from the seed, so
 * the demo is reproducible; a real one comes from a CSPRNG), and the key
 * derived from it. */
static int
write_secret(struct gen *g)
{
	char secret[65], *buf = NULL;
	struct bb_rng r;
	FILE *f;
	int rc;

	bb_rng_seed(&r, bb_rng_mix(g->o.seed, 0x736563726574, GP_LOCAL_ID));
	for (int i = 0; i < 64; i += 16)
		snprintf(secret + i, 17, "%016llx", (unsigned long long)bb_rng_next(&r));
	if (bb_clk_key_from_secret(secret, 64, &g->clk_key) != BB_OK)
		return BB_ERR_INTERNAL;
	if ((f = open_text(g, GEN_SECRET_FILE, &buf)) == NULL)
		return BB_ERR_IO;
	fprintf(f, "%s\n", secret);
	rc = close_text(g, f, GEN_SECRET_FILE);
	free(buf);
	return rc;
}

/* --- the run ---------------------------------------------------------------------- */

static int
make_dir(const char *path, struct bb_diag *d)
{
	struct stat sb;
	if (mkdir(path, 0777) == 0)
		return BB_OK;
	if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return BB_OK;
	bb_diag_set(d, path, 0, 0, "io", "cannot create the directory: %s", strerror(errno));
	return BB_ERR_IO;
}

static void
person_files(struct gen *g, const struct gen_household *hh)
{
	struct gen_ctx c;

	for (size_t s = 0; s < g->nstreams && !g->err; s++) {
		struct gen_stream *st = &g->streams[s];
		for (size_t k = 0; k < st->nfiles && !g->err; k++) {
			ctx_init(&c, g, st, &st->files[k]);
			c.hh = hh;
			if (st->ds->kind == BB_DS_AGGREGATE) {
				bb_rng_seed(&c.rng, bb_rng_mix(hh->key, st->key,
				    (uint64_t)c.per->start));
				gen_row_begin(&c);
				st->profile->household(&c);
				continue;
			}
			for (size_t i = 0; i < hh->n && !g->err; i++) {
				c.p = &hh->p[i];
				bb_rng_seed(&c.rng, bb_rng_mix(c.p->key, st->key,
				    (uint64_t)c.per->start));
				st->profile->person(&c);
			}
		}
	}
}

int
bb_gen_run(const struct bb_framework *fw, const struct bb_gen_opts *opts,
    struct bb_gen_result *res, struct bb_diag *d)
{
	struct gen g;
	struct gen_household hh;
	struct bb_progress prog;
	size_t maxfields = 0;
	int rc = BB_OK;

	memset(res, 0, sizeof(*res));
	memset(&g, 0, sizeof(g));
	g.fw = fw;
	g.o = *opts;
	g.res = res;
	g.d = d;
	if (g.o.out_dir == NULL)
		g.o.out_dir = "demo-files";
	if (g.o.people < 1 || g.o.people > BB_GEN_MAX_PEOPLE) {
		bb_diag_set(d, NULL, 0, 0, "usage", "the number of people must be 1 to %d",
		    BB_GEN_MAX_PEOPLE);
		return BB_ERR_USAGE;
	}
	if (g.o.periods < 1 || g.o.periods > BB_GEN_MAX_PERIODS) {
		bb_diag_set(d, NULL, 0, 0, "usage", "the number of periods must be 1 to %d",
		    BB_GEN_MAX_PERIODS);
		return BB_ERR_USAGE;
	}
	if (g.o.today == 0) {
		char iso[11];
		bb_clock_today(iso);
		bb_date_parse_iso(iso, &g.o.today);
	}

	/* One stream a partner obligation. */
	for (size_t i = 0; i < fw->npartners; i++)
		g.nstreams += fw->partners[i].nobligations;
	g.streams = bb_calloc(g.nstreams + 1, sizeof(*g.streams));
	g.nstreams = 0;
	for (size_t i = 0; i < fw->npartners; i++) {
		const struct bb_partner *p = &fw->partners[i];
		for (size_t k = 0; k < p->nobligations; k++) {
			const struct bb_dataset *ds = bb_fw_dataset(fw, p->obligations[k].dataset);
			if (ds == NULL || (p->sharing == BB_SHARE_AGGREGATES &&
			    ds->kind == BB_DS_RECORDS))
				continue;
			struct gen_stream *st = &g.streams[g.nstreams++];
			st->partner = p;
			st->pindex = i;
			st->ds = ds;
			st->ob = &p->obligations[k];
			if (ds->nfields > maxfields)
				maxfields = ds->nfields;
		}
	}
	if (g.nstreams == 0) {
		bb_diag_set(d, NULL, 0, 0, "nothing", "the framework obliges no partner "
		    "to send a dataset, so there is nothing to generate");
		free(g.streams);
		return BB_ERR_INPUT;
	}
	/* The history starts where the oldest period does. */
	{
		struct bb_year_starts ys;
		int32_t start = g.o.today;
		bb_year_starts_of(fw, &ys);
		for (size_t s = 0; s < g.nstreams; s++) {
			struct bb_period p;
			bb_period_last_ended(g.streams[s].ob->cadence, g.o.today, &ys, &p);
			for (int k = 1; k < g.o.periods; k++)
				bb_period_prev(&p, &ys, &p);
			if (p.start < start)
				start = p.start;
		}
		gen_world_init(&g.w, fw, g.o.seed, g.o.today, start);
	}
	row_alloc(&g.row, maxfields);
	for (size_t s = 0; s < g.nstreams; s++)
		stream_setup(&g, &g.streams[s]);
	unique_names(&g);

	if ((rc = make_dir(g.o.out_dir, d)) != BB_OK)
		goto out;
	for (size_t s = 0; s < g.nstreams && rc == BB_OK; s++)
		rc = stream_open_files(&g, &g.streams[s]);
	if (rc != BB_OK)
		goto out;
	if ((g.truth = open_text(&g, "truth.csv", &g.truth_buf)) == NULL ||
	    (g.people = open_text(&g, "people.csv", &g.people_buf)) == NULL) {
		rc = BB_ERR_IO;
		goto out;
	}
	if (g.encodings && (rc = write_secret(&g)) != BB_OK)
		goto out;
	fputs("person_id,partner,dataset,period,file,row,invalid,noise\n", g.truth);
	people_header(g.people);

	/* The population, one household at a time. */
	bb_progress_start(&prog, "people", g.o.people);
	uint64_t person = 0, nh = 0;
	while (person < g.o.people && !g.err) {
		gen_household_make(&g.w, nh, person, g.o.people - person, &hh);
		person_files(&g, &hh);
		for (size_t i = 0; i < hh.n; i++)
			people_line(g.people, &hh.p[i]);
		person += hh.n;
		nh++;
		if ((nh & 1023) == 0)
			bb_progress_update(&prog, person);
	}
	bb_progress_finish(&prog);
	res->people = person;
	res->households = nh;
	for (size_t s = 0; s < g.nstreams && !g.err; s++)
		if (g.streams[s].ds->kind == BB_DS_AGGREGATE)
			write_aggregates(&g, &g.streams[s]);
	if (g.err) {
		rc = g.err;
		goto out;
	}

	/* Close every file, and list them. */
	for (size_t s = 0; s < g.nstreams; s++) {
		struct gen_stream *st = &g.streams[s];
		for (size_t k = 0; k < st->nfiles; k++) {
			struct gen_file *f = &st->files[k];
			struct bb_gen_file *rf;
			int crc = gen_writer_close(f->w, d);
			f->w = NULL;
			if (crc != BB_OK && rc == BB_OK)
				rc = crc;
			/* JSON has no header to send when there is nothing to
			 * report: the partner sends no file. */
			if (f->rows == 0 && st->xw && st->xw->format &&
			    strncmp(st->xw->format, "json", 4) == 0) {
				char *path = bb_asprintf("%s/%s", g.o.out_dir, f->name);
				remove(path);
				free(path);
				continue;
			}
			rf = bb_grow(res->files, &res->cap, res->nfiles + 1, sizeof(*res->files));
			res->files = (struct bb_gen_file *)rf;
			rf = &res->files[res->nfiles++];
			memset(rf, 0, sizeof(*rf));
			rf->name = bb_strdup(f->name);
			rf->partner = bb_strdup(st->partner->id);
			rf->dataset = bb_strdup(st->ds->id);
			rf->period = bb_strdup(f->per.label);
			rf->format = static_name(st->xw ? st->xw->format : NULL, formats, "csv");
			rf->encoding = static_name(st->xw ? st->xw->encoding : NULL, encodings,
			    "utf-8");
			rf->rows = f->rows;
			rf->invalid = f->invalid;
			if (f->clk_name != NULL) {
				crc = close_text(&g, f->clk, f->clk_name);
				f->clk = NULL;
				if (crc != BB_OK && rc == BB_OK)
					rc = crc;
				rf->encodings = bb_strdup(f->clk_name);
			}
			res->rows += f->rows;
			res->invalid += f->invalid;
		}
	}
	if (rc == BB_OK)
		rc = close_text(&g, g.truth, "truth.csv");
	else
		close_text(&g, g.truth, "truth.csv");
	g.truth = NULL;
	if (rc == BB_OK)
		rc = close_text(&g, g.people, "people.csv");
	else
		close_text(&g, g.people, "people.csv");
	g.people = NULL;
	if (rc == BB_OK)
		rc = write_manifest(&g);
out:
	if (g.truth)
		fclose(g.truth);
	if (g.people)
		fclose(g.people);
	free(g.truth_buf);
	free(g.people_buf);
	for (size_t s = 0; s < g.nstreams; s++)
		stream_free(&g.streams[s]);
	free(g.streams);
	row_free(&g.row);
	if (rc != BB_OK)
		bb_gen_result_clear(res);
	return rc;
}
