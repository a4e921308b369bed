/*
 * build.c: from the YAML tree to struct bb_framework, checking the shape as
 * it goes: every mapping holds only the keys its element allows (an unknown
 * key names the nearest allowed one, or lists them), required keys are
 * there, values have the right type (text, true/false, whole number,
 * number, list, mapping), enum values are among the allowed ones, and ids
 * follow the id syntax.  Meaning (references, duplicates, codes, patterns)
 * is check.c's.
 *
 * Text fields take any scalar as written ("code: 01" is the text "01");
 * only unquoted (plain) scalars can be null (empty, ~, null), true/false or
 * numbers.  An optional key whose value is null counts as absent.
 *
 * Every value stored is noted in the location index with the place it was
 * written, so later findings can point at it.
 */
#include "framework/internal.h"
#include "framework/period.h"
#include "util/bb.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fwb {
	struct bb_framework *fw;
	struct bb_arena *a;
	struct bb_findings *f;
	const char *file;
};

static void err(struct fwb *b, struct bb_loc l, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
err(struct fwb *b, struct bb_loc l, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bb_findings_add(b->f, BB_SEV_ERROR, b->file, l.line, l.col, code, "%s", msg);
}

static void
note(struct fwb *b, const void *slot, const struct fw_node *n)
{
	if (n != NULL)
		bb_fw_loc_note(b->fw, slot, n->loc);
}

/* --- scalars ------------------------------------------------------------- */

static bool
is_null(const struct fw_node *n)
{
	return n == NULL || (n->kind == FW_SCALAR && n->plain &&
	    (n->len == 0 || strcmp(n->text, "~") == 0 ||
	    strcmp(n->text, "null") == 0 || strcmp(n->text, "Null") == 0 ||
	    strcmp(n->text, "NULL") == 0));
}

static int
scalar_bool(const struct fw_node *n, bool *v)
{
	static const char *const t[] = { "true", "True", "TRUE" };
	static const char *const f[] = { "false", "False", "FALSE" };

	if (n->kind != FW_SCALAR || !n->plain)
		return BB_ERR_INPUT;
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(n->text, t[i]) == 0) {
			*v = true;
			return BB_OK;
		}
		if (strcmp(n->text, f[i]) == 0) {
			*v = false;
			return BB_OK;
		}
	}
	return BB_ERR_INPUT;
}

static int
scalar_number(const struct fw_node *n, double *v)
{
	const char *s;

	if (n->kind != FW_SCALAR || !n->plain)
		return BB_ERR_INPUT;
	s = n->text[0] == '+' ? n->text + 1 : n->text;
	/* Decimal only: no hex, no inf or nan, no spaces. */
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == 'e' || *p == 'E' || *p == '+'))
			return BB_ERR_INPUT;
	return bb_parse_double(s, v);
}

static int
scalar_int(const struct fw_node *n, int64_t *v)
{
	if (n->kind != FW_SCALAR || !n->plain)
		return BB_ERR_INPUT;
	return bb_parse_i64(n->text[0] == '+' ? n->text + 1 : n->text, v);
}

/* --- mappings ------------------------------------------------------------ */

/* The value of `key` in a mapping, or NULL. */
static const struct fw_node *
get(const struct fw_node *map, const char *key)
{
	if (map == NULL || map->kind != FW_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->items[2 * i]->text, key) == 0)
			return map->items[2 * i + 1];
	return NULL;
}

/* Is `n` a mapping whose keys are all in `keys` (NULL-terminated)?  Reports
 * what is wrong; an unknown key does not make the mapping unusable. */
static bool
want_map(struct fwb *b, const struct fw_node *n, const char *what,
    const char *const *keys, const char *as)
{
	size_t nk = 0;

	if (n == NULL)
		return false;
	if (n->kind != FW_MAP) {
		err(b, n->loc, "wrong-type", "%s must be a mapping (key: value)", as);
		return false;
	}
	while (keys[nk] != NULL)
		nk++;
	for (size_t i = 0; i < n->n; i++) {
		const struct fw_node *k = n->items[2 * i];
		const char *near;
		size_t j;

		for (j = 0; j < nk; j++)
			if (strcmp(k->text, keys[j]) == 0)
				break;
		if (j < nk)
			continue;
		near = bb_fw_nearest(k->text, keys, nk);
		if (near != NULL)
			err(b, k->loc, "unknown-key",
			    "unknown key '%.100s' in %s (did you mean '%s'?)", k->text,
			    what, near);
		else {
			char list[600];
			size_t off = 0;
			list[0] = '\0';
			for (j = 0; j < nk && off < sizeof(list); j++)
				off += (size_t)snprintf(list + off, sizeof(list) - off,
				    "%s%s", j ? ", " : "", keys[j]);
			err(b, k->loc, "unknown-key",
			    "unknown key '%.100s' in %s (allowed: %s)", k->text, what,
			    list);
		}
	}
	return true;
}

/* The value of a required key, reporting when it is absent or null. */
static const struct fw_node *
need(struct fwb *b, const struct fw_node *map, const char *key, const char *what)
{
	const struct fw_node *v = get(map, key);

	if (v == NULL) {
		err(b, map->loc, "missing-key", "missing required key '%s' in %s",
		    key, what);
		return NULL;
	}
	if (is_null(v)) {
		err(b, v->loc, "missing-key", "'%s' in %s has no value", key, what);
		return NULL;
	}
	return v;
}

/* The value of an optional key; null counts as absent. */
static const struct fw_node *
opt(const struct fw_node *map, const char *key)
{
	const struct fw_node *v = get(map, key);
	return is_null(v) ? NULL : v;
}

static char *
text_of(struct fwb *b, const struct fw_node *v, const char *key, const void *slot)
{
	if (v == NULL)
		return NULL;
	if (v->kind != FW_SCALAR) {
		err(b, v->loc, "wrong-type", "'%s' must be text", key);
		return NULL;
	}
	note(b, slot, v);
	return bb_arena_strndup(b->a, v->text, v->len);
}

static void
get_text(struct fwb *b, const struct fw_node *map, const char *key,
    const char *what, bool required, char **slot)
{
	const struct fw_node *v = required ? need(b, map, key, what) : opt(map, key);
	*slot = text_of(b, v, key, slot);
}

enum idkind { ID_ANY, ID_FIELD };

static void
check_id(struct fwb *b, const struct fw_node *v, const char *s, enum idkind k)
{
	if (s == NULL)
		return;
	if (k == ID_FIELD && !bb_fw_valid_field_name(s))
		err(b, v->loc, "bad-id", "'%.100s' is not a valid field name (use "
		    "lowercase letters, digits and '_', starting with a letter; at "
		    "most 64)", s);
	else if (k == ID_ANY && !bb_fw_valid_id(s))
		err(b, v->loc, "bad-id", "'%.100s' is not a valid id (use lowercase "
		    "letters, digits, '_', '.' and '-', starting with a letter or "
		    "digit; at most 64)", s);
}

static void
get_id(struct fwb *b, const struct fw_node *map, const char *key,
    const char *what, bool required, enum idkind k, char **slot)
{
	const struct fw_node *v = required ? need(b, map, key, what) : opt(map, key);
	*slot = text_of(b, v, key, slot);
	check_id(b, v, *slot, k);
}

static void
get_bool(struct fwb *b, const struct fw_node *map, const char *key, bool *slot)
{
	const struct fw_node *v = opt(map, key);

	if (v == NULL)
		return;
	if (scalar_bool(v, slot) != BB_OK)
		err(b, v->loc, "wrong-type", "'%s' must be true or false", key);
	note(b, slot, v);
}

/* An optional whole number in [lo, hi]; `def` when absent. */
static void
get_int(struct fwb *b, const struct fw_node *map, const char *key, int64_t lo,
    int64_t hi, int64_t def, int64_t *out, const void *slot)
{
	const struct fw_node *v = opt(map, key);
	int64_t x;

	*out = def;
	if (v == NULL)
		return;
	note(b, slot, v);
	if (scalar_int(v, &x) != BB_OK) {
		err(b, v->loc, "wrong-type", "'%s' must be a whole number", key);
		return;
	}
	if (x < lo || x > hi) {
		if (hi == INT32_MAX)
			err(b, v->loc, "bad-value", "'%s' must be at least %lld", key,
			    (long long)lo);
		else
			err(b, v->loc, "bad-value", "'%s' must be from %lld to %lld",
			    key, (long long)lo, (long long)hi);
		return;
	}
	*out = x;
}

static bool
get_number(struct fwb *b, const struct fw_node *v, const char *key, double *slot)
{
	if (v == NULL)
		return false;
	note(b, slot, v);
	if (scalar_number(v, slot) != BB_OK) {
		err(b, v->loc, "wrong-type", "'%s' must be a number", key);
		return false;
	}
	return true;
}

/* An enum value: index into names (1-based result), 0 when absent or bad. */
static int
get_enum(struct fwb *b, const struct fw_node *map, const char *key,
    bool required, const char *what, const char *const *names, size_t n,
    const void *slot)
{
	const struct fw_node *v = required ? need(b, map, key, what) : opt(map, key);
	char list[300];
	const char *near;
	size_t off = 0;

	if (v == NULL)
		return 0;
	note(b, slot, v);
	if (v->kind == FW_SCALAR)
		for (size_t i = 0; i < n; i++)
			if (strcmp(v->text, names[i]) == 0)
				return (int)i + 1;
	list[0] = '\0';
	for (size_t i = 0; i < n && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
		    i ? ", " : "", names[i]);
	if (v->kind != FW_SCALAR) {
		err(b, v->loc, "bad-enum", "'%s' must be one of: %s", key, list);
		return 0;
	}
	near = bb_fw_nearest(v->text, names, n);
	if (near != NULL)
		err(b, v->loc, "bad-enum", "'%s' must be one of: %s (not '%.100s'; "
		    "did you mean '%s'?)", key, list, v->text, near);
	else
		err(b, v->loc, "bad-enum", "'%s' must be one of: %s (not '%.100s')",
		    key, list, v->text);
	return 0;
}

/* The items of an optional list under `key`, or NULL (reported when not a
 * list). */
static const struct fw_node *
get_list(struct fwb *b, const struct fw_node *map, const char *key, bool required,
    const char *what)
{
	const struct fw_node *v = required ? need(b, map, key, what) : opt(map, key);

	if (v == NULL)
		return NULL;
	if (v->kind != FW_SEQ) {
		err(b, v->loc, "wrong-type", "'%s' must be a list", key);
		return NULL;
	}
	return v;
}

/* A list of text under `key` into *out / *n. */
static void
get_strings(struct fwb *b, const struct fw_node *map, const char *key,
    const char *what, enum idkind k, bool check_ids, char ***out, size_t *n)
{
	const struct fw_node *l = get_list(b, map, key, false, what);

	*out = NULL;
	*n = 0;
	if (l == NULL || l->n == 0)
		return;
	*out = bb_arena_array(b->a, l->n, sizeof(**out));
	for (size_t i = 0; i < l->n; i++) {
		const struct fw_node *v = l->items[i];
		if (v->kind != FW_SCALAR || is_null(v)) {
			err(b, v->loc, "wrong-type", "each item of '%s' must be text", key);
			continue;
		}
		(*out)[*n] = bb_arena_strndup(b->a, v->text, v->len);
		note(b, &(*out)[*n], v);
		if (check_ids)
			check_id(b, v, (*out)[*n], k);
		(*n)++;
	}
}

/* Each item of a list of mappings: the mapping, or NULL when the item is
 * not one (reported). */
static const struct fw_node *
item_map(struct fwb *b, const struct fw_node *item, const char *key,
    const char *what, const char *const *keys)
{
	char as[120];

	snprintf(as, sizeof(as), "each item of '%s'", key);
	return want_map(b, item, what, keys, as) ? item : NULL;
}

/* A mapping of text keys to one scalar each (crosswalk columns, dates...).
 * Calls fn for each pair whose value is a scalar. */
static const struct fw_node *
get_pairs(struct fwb *b, const struct fw_node *map, const char *key,
    const char *describe)
{
	const struct fw_node *v = opt(map, key);

	if (v == NULL)
		return NULL;
	if (v->kind != FW_MAP) {
		err(b, v->loc, "wrong-type", "'%s' must be a mapping of %s", key,
		    describe);
		return NULL;
	}
	return v;
}

/* --- missing codes, code lists, glossary --------------------------------- */

static const char *const missing_keys[] = { "code", "meaning", NULL };

static void
build_missing(struct fwb *b, const struct fw_node *map, struct bb_missing_code **out,
    size_t *n)
{
	const struct fw_node *l = get_list(b, map, "missing", false, NULL);

	*out = NULL;
	*n = 0;
	if (l == NULL || l->n == 0)
		return;
	*out = bb_arena_array(b->a, l->n, sizeof(**out));
	for (size_t i = 0; i < l->n; i++) {
		const struct fw_node *m = item_map(b, l->items[i], "missing",
		    "missing code", missing_keys);
		struct bb_missing_code *mc;
		if (m == NULL)
			continue;
		mc = &(*out)[(*n)++];
		mc->loc = m->loc;
		get_text(b, m, "code", "missing code", true, &mc->code);
		get_text(b, m, "meaning", "missing code", true, &mc->meaning);
	}
}

static const char *const glossary_keys[] = { "term", "definition", "aliases", NULL };

static void
build_glossary(struct fwb *b, const struct fw_node *l)
{
	struct bb_framework *fw = b->fw;

	fw->glossary = bb_arena_array(b->a, l->n, sizeof(*fw->glossary));
	for (size_t i = 0; i < l->n; i++) {
		const struct fw_node *m = item_map(b, l->items[i], "glossary",
		    "glossary term", glossary_keys);
		struct bb_glossary_term *t;
		if (m == NULL)
			continue;
		t = &fw->glossary[fw->nglossary++];
		t->loc = m->loc;
		get_text(b, m, "term", "glossary term", true, &t->term);
		get_text(b, m, "definition", "glossary term", true, &t->definition);
		get_strings(b, m, "aliases", "glossary term", ID_ANY, false,
		    &t->aliases, &t->naliases);
	}
}

static const char *const code_list_keys[] = { "id", "name", "codes", "missing", NULL };
static const char *const code_keys[] = { "code", "label", NULL };

static void
build_code_lists(struct fwb *b, const struct fw_node *l)
{
	struct bb_framework *fw = b->fw;

	fw->code_lists = bb_arena_array(b->a, l->n, sizeof(*fw->code_lists));
	for (size_t i = 0; i < l->n; i++) {
		const struct fw_node *m = item_map(b, l->items[i], "code_lists",
		    "code list", code_list_keys), *codes;
		struct bb_code_list *cl;
		if (m == NULL)
			continue;
		cl = &fw->code_lists[fw->ncode_lists++];
		cl->loc = m->loc;
		get_id(b, m, "id", "code list", true, ID_ANY, &cl->id);
		get_text(b, m, "name", "code list", false, &cl->name);
		codes = get_list(b, m, "codes", true, "code list");
		if (codes != NULL && codes->n == 0)
			err(b, codes->loc, "bad-value", "'codes' must list at least one code");
		if (codes != NULL && codes->n > 0) {
			cl->codes = bb_arena_array(b->a, codes->n, sizeof(*cl->codes));
			for (size_t k = 0; k < codes->n; k++) {
				const struct fw_node *c = item_map(b, codes->items[k],
				    "codes", "code", code_keys);
				struct bb_code *cd;
				if (c == NULL)
					continue;
				cd = &cl->codes[cl->ncodes++];
				cd->loc = c->loc;
				get_text(b, c, "code", "code", true, &cd->code);
				get_text(b, c, "label", "code", false, &cd->label);
			}
		}
		build_missing(b, m, &cl->missing, &cl->nmissing);
	}
}

/* --- datasets ------------------------------------------------------------ */

static const char *const type_names[] = {
	"text", "integer", "decimal", "date", "boolean", "code",
};
static const char *const identity_names[] = {
	"given_name", "family_name", "birth_date", "sex", "postcode", "locality",
	"address", "phone", "email", "national_id", "local_id",
};
static const char *const field_keys[] = {
	"name", "label", "description", "type", "code_list", "required",
	"unique", "personal", "identity", "min", "max", "pattern", "max_length",
	"missing", "placeholders", NULL,
};

/* min or max of a field, read by the field's type. */
static void
build_bound(struct fwb *b, const struct fw_node *m, const char *key,
    struct bb_field *f, bool *has, double *num, char **date)
{
	const struct fw_node *v = opt(m, key);

	if (v == NULL || f->type == 0)
		return;
	if (f->type == BB_FT_INTEGER || f->type == BB_FT_DECIMAL) {
		*has = get_number(b, v, key, num);
		if (*has && f->type == BB_FT_INTEGER && *num != floor(*num)) {
			err(b, v->loc, "wrong-type", "'%s' of an integer field must be "
			    "a whole number", key);
			*has = false;
		}
	} else if (f->type == BB_FT_DATE) {
		int32_t day;
		*date = text_of(b, v, key, date);
		if (*date != NULL && !bb_date_parse_iso(*date, &day)) {
			err(b, v->loc, "bad-value", "'%s' of a date field must be a date "
			    "written YYYY-MM-DD", key);
			*date = NULL;
		}
	} else
		err(b, v->loc, "bad-value", "'%s' applies only to integer, decimal "
		    "and date fields", key);
}

static void
build_field(struct fwb *b, const struct fw_node *m, struct bb_field *f)
{
	const struct fw_node *v;
	int64_t ml;

	f->loc = m->loc;
	get_id(b, m, "name", "field", true, ID_FIELD, &f->name);
	get_text(b, m, "label", "field", false, &f->label);
	get_text(b, m, "description", "field", false, &f->description);
	f->type = (enum bb_field_type)get_enum(b, m, "type", true, "field",
	    type_names, BB_ARRAY_LEN(type_names), &f->type);
	get_id(b, m, "code_list", "field", false, ID_ANY, &f->code_list);
	get_bool(b, m, "required", &f->required);
	get_bool(b, m, "unique", &f->unique);
	get_bool(b, m, "personal", &f->personal);
	f->identity = (enum bb_identity_role)get_enum(b, m, "identity", false,
	    "field", identity_names, BB_ARRAY_LEN(identity_names), &f->identity);
	build_bound(b, m, "min", f, &f->has_min, &f->min, &f->min_date);
	build_bound(b, m, "max", f, &f->has_max, &f->max, &f->max_date);
	get_text(b, m, "pattern", "field", false, &f->pattern);
	get_int(b, m, "max_length", 1, INT32_MAX, 0, &ml, &f->max_length);
	f->max_length = ml;
	build_missing(b, m, &f->missing, &f->nmissing);
	if ((v = get_list(b, m, "placeholders", false, "field")) != NULL && v->n) {
		f->placeholders = bb_arena_array(b->a, v->n, sizeof(*f->placeholders));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *p = v->items[i];
			if (p->kind != FW_SCALAR) {
				err(b, p->loc, "wrong-type",
				    "each item of 'placeholders' must be text");
				continue;
			}
			f->placeholders[f->nplaceholders] =
			    bb_arena_strndup(b->a, p->text, p->len);
			note(b, &f->placeholders[f->nplaceholders], p);
			f->nplaceholders++;
		}
	}
}

/* Read "FIELD OP FIELD|LITERAL" or "FIELD requires FIELD". */
static int
parse_assert(struct fwb *b, const char *s, struct bb_rule *r)
{
	static const struct { const char *text; enum bb_rule_op op; } opt_ops[] = {
		{ "<=", BB_OP_LE }, { ">=", BB_OP_GE }, { "!=", BB_OP_NE },
		{ "=", BB_OP_EQ }, { "<", BB_OP_LT }, { ">", BB_OP_GT },
	};
	const char *p = s, *l0, *r0;
	size_t ll, rl;

	while (*p == ' ')
		p++;
	l0 = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
		p++;
	ll = (size_t)(p - l0);
	if (ll == 0)
		return BB_ERR_INPUT;
	while (*p == ' ')
		p++;
	r->op = 0;
	if (strncmp(p, "requires ", 9) == 0) {
		r->op = BB_OP_REQUIRES;
		p += 9;
	} else
		for (size_t i = 0; i < BB_ARRAY_LEN(opt_ops); i++)
			if (strncmp(p, opt_ops[i].text, strlen(opt_ops[i].text)) == 0) {
				r->op = opt_ops[i].op;
				p += strlen(opt_ops[i].text);
				break;
			}
	if (r->op == 0)
		return BB_ERR_INPUT;
	while (*p == ' ')
		p++;
	r0 = p;
	if (*p == '"' || *p == '\'') {
		const char *close = strchr(p + 1, *p);
		if (close == NULL || r->op == BB_OP_REQUIRES)
			return BB_ERR_INPUT;
		r->right = bb_arena_strndup(b->a, p + 1, (size_t)(close - p - 1));
		r->right_is_literal = true;
		p = close + 1;
	} else if (*p >= 'a' && *p <= 'z') {
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
			p++;
		r->right = bb_arena_strndup(b->a, r0, (size_t)(p - r0));
	} else {
		double d;
		char *num;
		while (*p && *p != ' ')
			p++;
		rl = (size_t)(p - r0);
		if (rl == 0 || r->op == BB_OP_REQUIRES)
			return BB_ERR_INPUT;
		num = bb_arena_strndup(b->a, r0, rl);
		if (bb_parse_double(num, &d) != BB_OK)
			return BB_ERR_INPUT;
		r->right = num;
		r->right_is_literal = true;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return BB_ERR_INPUT;
	r->left = bb_arena_strndup(b->a, l0, ll);
	return BB_OK;
}

static const char *const rule_keys[] = { "id", "assert", "message", "severity", NULL };
static const char *const severity_names[] = { "error", "warning" };

static void
build_rule(struct fwb *b, const struct fw_node *m, struct bb_rule *r)
{
	const struct fw_node *v;
	int sev;

	r->loc = m->loc;
	get_id(b, m, "id", "rule", true, ID_ANY, &r->id);
	get_text(b, m, "assert", "rule", true, &r->text);
	get_text(b, m, "message", "rule", false, &r->message);
	sev = get_enum(b, m, "severity", false, "rule", severity_names, 2, &r->warning);
	r->warning = sev == 2;
	if (r->text != NULL && parse_assert(b, r->text, r) != BB_OK) {
		v = get(m, "assert");
		err(b, v->loc, "bad-rule", "cannot read assert '%.200s' (write FIELD "
		    "OP FIELD or FIELD OP VALUE with OP one of = != < <= > >=, or "
		    "FIELD requires FIELD; quote text values)", r->text);
		r->left = r->right = NULL;
		r->op = 0;
	}
	if (r->message == NULL && r->text != NULL)
		r->message = r->text;
}

static const char *const dataset_keys[] = {
	"id", "name", "description", "kind", "on_error", "period_field",
	"count_field", "fields", "rules", NULL,
};
static const char *const kind_names[] = { "records", "aggregate" };
static const char *const policy_names[] = { "refuse_file", "quarantine_rows" };

static void
build_datasets(struct fwb *b, const struct fw_node *l)
{
	struct bb_framework *fw = b->fw;

	fw->datasets = bb_arena_array(b->a, l->n, sizeof(*fw->datasets));
	for (size_t i = 0; i < l->n; i++) {
		const struct fw_node *m = item_map(b, l->items[i], "datasets",
		    "dataset", dataset_keys), *fl, *rl;
		struct bb_dataset *ds;
		if (m == NULL)
			continue;
		ds = &fw->datasets[fw->ndatasets++];
		ds->loc = m->loc;
		get_id(b, m, "id", "dataset", true, ID_ANY, &ds->id);
		get_text(b, m, "name", "dataset", true, &ds->name);
		get_text(b, m, "description", "dataset", false, &ds->description);
		ds->kind = (enum bb_dataset_kind)get_enum(b, m, "kind", false,
		    "dataset", kind_names, 2, &ds->kind);
		if (ds->kind == 0)
			ds->kind = BB_DS_RECORDS;
		ds->policy = (enum bb_policy)get_enum(b, m, "on_error", false,
		    "dataset", policy_names, 2, &ds->policy);
		if (ds->policy == 0)
			ds->policy = BB_POLICY_REFUSE_FILE;
		get_id(b, m, "period_field", "dataset", false, ID_FIELD, &ds->period_field);
		get_id(b, m, "count_field", "dataset", false, ID_FIELD, &ds->count_field);
		fl = get_list(b, m, "fields", true, "dataset");
		if (fl != NULL && fl->n == 0)
			err(b, fl->loc, "bad-value", "'fields' must list at least one field");
		if (fl != NULL && fl->n > 0) {
			ds->fields = bb_arena_array(b->a, fl->n, sizeof(*ds->fields));
			for (size_t k = 0; k < fl->n; k++) {
				const struct fw_node *f = item_map(b, fl->items[k],
				    "fields", "field", field_keys);
				if (f != NULL)
					build_field(b, f, &ds->fields[ds->nfields++]);
			}
		}
		if ((rl = get_list(b, m, "rules", false, "dataset")) != NULL && rl->n) {
			ds->rules = bb_arena_array(b->a, rl->n, sizeof(*ds->rules));
			for (size_t k = 0; k < rl->n; k++) {
				const struct fw_node *r = item_map(b, rl->items[k],
				    "rules", "rule", rule_keys);
				if (r != NULL)
					build_rule(b, r, &ds->rules[ds->nrules++]);
			}
		}
	}
}

/* --- partners and crosswalks --------------------------------------------- */

static const char *const cadence_names[] = {
	"monthly", "quarterly", "school_year", "fiscal_year", "annual",
};
static const char *const obligation_keys[] = { "dataset", "cadence", NULL };
static const char *const split_keys[] = { "column", "separator", "into", NULL };
static const char *const join_keys[] = { "columns", "separator", "into", NULL };
static const char *const crosswalk_keys[] = {
	"dataset", "sheet", "file", "format", "encoding", "columns", "codes",
	"dates", "scale", "split", "join", "constants", "notes", NULL,
};

/* A scalar value of a pair mapping, or NULL (reported). */
static const struct fw_node *
pair_value(struct fwb *b, const struct fw_node *map, size_t i, const char *key,
    const char *want)
{
	const struct fw_node *v = map->items[2 * i + 1];

	if (v->kind != FW_SCALAR || is_null(v)) {
		err(b, v->loc, "wrong-type", "each value of '%s' must be %s", key, want);
		return NULL;
	}
	return v;
}

static void
build_xw_maps(struct fwb *b, const struct fw_node *m, struct bb_crosswalk *xw)
{
	const struct fw_node *v;

	if ((v = get_pairs(b, m, "columns", "the partner's column names to "
	    "field names")) != NULL && v->n) {
		xw->columns = bb_arena_array(b->a, v->n, sizeof(*xw->columns));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *k = v->items[2 * i],
			    *val = pair_value(b, v, i, "columns", "a field name");
			struct bb_xw_column *c;
			if (val == NULL)
				continue;
			c = &xw->columns[xw->ncolumns++];
			c->loc = k->loc;
			c->column = text_of(b, k, "columns", &c->column);
			c->field = text_of(b, val, "columns", &c->field);
		}
	}
	if ((v = get_pairs(b, m, "codes", "field names to mappings of the "
	    "partner's values to shared codes")) != NULL && v->n) {
		xw->codes = bb_arena_array(b->a, v->n, sizeof(*xw->codes));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *k = v->items[2 * i], *pm = v->items[2 * i + 1];
			struct bb_xw_codemap *cm;
			if (pm->kind != FW_MAP) {
				err(b, pm->loc, "wrong-type", "'codes' of field '%.100s' must "
				    "be a mapping of the partner's values to shared codes",
				    k->text);
				continue;
			}
			cm = &xw->codes[xw->ncodes++];
			cm->loc = k->loc;
			cm->field = text_of(b, k, "codes", &cm->field);
			cm->pairs = pm->n ? bb_arena_array(b->a, pm->n, sizeof(*cm->pairs)) : NULL;
			for (size_t j = 0; j < pm->n; j++) {
				const struct fw_node *pk = pm->items[2 * j],
				    *pv = pair_value(b, pm, j, "codes", "a shared code");
				struct bb_xw_code *pc;
				if (pv == NULL)
					continue;
				pc = &cm->pairs[cm->npairs++];
				pc->loc = pk->loc;
				pc->from = text_of(b, pk, "codes", &pc->from);
				pc->to = text_of(b, pv, "codes", &pc->to);
			}
		}
	}
	if ((v = get_pairs(b, m, "dates", "field names to date formats")) != NULL && v->n) {
		xw->dates = bb_arena_array(b->a, v->n, sizeof(*xw->dates));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *val = pair_value(b, v, i, "dates", "a date format");
			struct bb_xw_date *d;
			if (val == NULL)
				continue;
			d = &xw->dates[xw->ndates++];
			d->loc = v->items[2 * i]->loc;
			d->field = text_of(b, v->items[2 * i], "dates", &d->field);
			d->format = text_of(b, val, "dates", &d->format);
		}
	}
	if ((v = get_pairs(b, m, "scale", "field names to factors")) != NULL && v->n) {
		xw->scales = bb_arena_array(b->a, v->n, sizeof(*xw->scales));
		for (size_t i = 0; i < v->n; i++) {
			struct bb_xw_scale *sc = &xw->scales[xw->nscales];
			if (!get_number(b, v->items[2 * i + 1], "scale", &sc->factor))
				continue;
			xw->nscales++;
			sc->loc = v->items[2 * i]->loc;
			sc->field = text_of(b, v->items[2 * i], "scale", &sc->field);
		}
	}
	if ((v = get_pairs(b, m, "constants", "field names to values")) != NULL && v->n) {
		xw->constants = bb_arena_array(b->a, v->n, sizeof(*xw->constants));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *val = pair_value(b, v, i, "constants", "a value");
			struct bb_xw_constant *c;
			if (val == NULL)
				continue;
			c = &xw->constants[xw->nconstants++];
			c->loc = v->items[2 * i]->loc;
			c->field = text_of(b, v->items[2 * i], "constants", &c->field);
			c->value = text_of(b, val, "constants", &c->value);
		}
	}
}

static void
build_xw_lists(struct fwb *b, const struct fw_node *m, struct bb_crosswalk *xw)
{
	const struct fw_node *v;

	if ((v = get_list(b, m, "split", false, "crosswalk")) != NULL && v->n) {
		xw->splits = bb_arena_array(b->a, v->n, sizeof(*xw->splits));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *s = item_map(b, v->items[i], "split",
			    "split", split_keys), *into;
			struct bb_xw_split *sp;
			if (s == NULL)
				continue;
			sp = &xw->splits[xw->nsplits++];
			sp->loc = s->loc;
			get_text(b, s, "column", "split", true, &sp->column);
			get_text(b, s, "separator", "split", true, &sp->separator);
			if (sp->separator != NULL && *sp->separator == '\0')
				err(b, get(s, "separator")->loc, "bad-value",
				    "'separator' must not be empty");
			into = get_list(b, s, "into", true, "split");
			if (into == NULL)
				continue;
			if (into->n < 2)
				err(b, into->loc, "bad-value",
				    "'into' of a split must name at least two fields");
			sp->into = into->n ? bb_arena_array(b->a, into->n, sizeof(*sp->into)) : NULL;
			for (size_t k = 0; k < into->n; k++) {
				const struct fw_node *f = into->items[k];
				if (f->kind != FW_SCALAR) {
					err(b, f->loc, "wrong-type", "each item of 'into' must "
					    "be a field name (or \"\" to skip a part)");
					continue;
				}
				sp->into[sp->ninto] = bb_arena_strndup(b->a, f->text, f->len);
				note(b, &sp->into[sp->ninto], f);
				sp->ninto++;
			}
		}
	}
	if ((v = get_list(b, m, "join", false, "crosswalk")) != NULL && v->n) {
		xw->joins = bb_arena_array(b->a, v->n, sizeof(*xw->joins));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *j = item_map(b, v->items[i], "join",
			    "join", join_keys), *cols;
			struct bb_xw_join *jn;
			if (j == NULL)
				continue;
			jn = &xw->joins[xw->njoins++];
			jn->loc = j->loc;
			if (get(j, "columns") == NULL)
				err(b, j->loc, "missing-key",
				    "missing required key 'columns' in join");
			get_strings(b, j, "columns", "join", ID_ANY, false,
			    &jn->columns, &jn->ncolumns);
			cols = get(j, "columns");
			if (cols != NULL && cols->kind == FW_SEQ && cols->n < 2)
				err(b, cols->loc, "bad-value",
				    "'columns' of a join must name at least two columns");
			get_text(b, j, "separator", "join", false, &jn->separator);
			if (jn->separator == NULL)
				jn->separator = bb_arena_strdup(b->a, " ");
			get_text(b, j, "into", "join", true, &jn->into);
		}
	}
}

static void
build_crosswalk(struct fwb *b, const struct fw_node *m, struct bb_crosswalk *xw)
{
	xw->loc = m->loc;
	get_id(b, m, "dataset", "crosswalk", true, ID_ANY, &xw->dataset);
	get_text(b, m, "sheet", "crosswalk", false, &xw->sheet);
	get_text(b, m, "file", "crosswalk", false, &xw->file);
	{
		static const char *const formats[] = { "csv", "xlsx", "json", "jsonl", "zip" };
		int f = get_enum(b, m, "format", false, "crosswalk", formats, 5, &xw->format);
		xw->format = f ? bb_arena_strdup(b->a, formats[f - 1]) : NULL;
	}
	{
		static const char *const encs[] = { "utf-8", "windows-1252" };
		int e = get_enum(b, m, "encoding", false, "crosswalk", encs, 2, &xw->encoding);
		xw->encoding = e ? bb_arena_strdup(b->a, encs[e - 1]) : NULL;
	}
	build_xw_maps(b, m, xw);
	build_xw_lists(b, m, xw);
	get_text(b, m, "notes", "crosswalk", false, &xw->notes);
	if (xw->ncolumns == 0 && xw->nsplits == 0 && xw->njoins == 0 && get(m, "columns") == NULL)
		err(b, m->loc, "missing-key", "missing required key 'columns' in crosswalk");
}

static const char *const partner_keys[] = {
	"id", "name", "sector", "sharing", "obligations", "crosswalks", NULL,
};
static const char *const sharing_names[] = { "records", "encodings", "aggregates" };

static void
build_partners(struct fwb *b, const struct fw_node *l)
{
	struct bb_framework *fw = b->fw;

	fw->partners = bb_arena_array(b->a, l->n, sizeof(*fw->partners));
	for (size_t i = 0; i < l->n; i++) {
		const struct fw_node *m = item_map(b, l->items[i], "partners",
		    "partner", partner_keys), *v;
		struct bb_partner *p;
		if (m == NULL)
			continue;
		p = &fw->partners[fw->npartners++];
		p->loc = m->loc;
		get_id(b, m, "id", "partner", true, ID_ANY, &p->id);
		get_text(b, m, "name", "partner", true, &p->name);
		get_text(b, m, "sector", "partner", false, &p->sector);
		p->sharing = (enum bb_sharing)get_enum(b, m, "sharing", true,
		    "partner", sharing_names, 3, &p->sharing);
		if ((v = get_list(b, m, "obligations", false, "partner")) != NULL && v->n) {
			p->obligations = bb_arena_array(b->a, v->n, sizeof(*p->obligations));
			for (size_t k = 0; k < v->n; k++) {
				const struct fw_node *o = item_map(b, v->items[k],
				    "obligations", "obligation", obligation_keys);
				struct bb_obligation *ob;
				if (o == NULL)
					continue;
				ob = &p->obligations[p->nobligations++];
				ob->loc = o->loc;
				get_id(b, o, "dataset", "obligation", true, ID_ANY, &ob->dataset);
				ob->cadence = (enum bb_cadence)get_enum(b, o, "cadence", true,
				    "obligation", cadence_names, 5, &ob->cadence);
			}
		}
		if ((v = get_list(b, m, "crosswalks", false, "partner")) != NULL && v->n) {
			p->crosswalks = bb_arena_array(b->a, v->n, sizeof(*p->crosswalks));
			for (size_t k = 0; k < v->n; k++) {
				const struct fw_node *x = item_map(b, v->items[k],
				    "crosswalks", "crosswalk", crosswalk_keys);
				if (x != NULL)
					build_crosswalk(b, x, &p->crosswalks[p->ncrosswalks++]);
			}
		}
	}
}

/* --- outcomes and indicators --------------------------------------------- */

static const char *const point_keys[] = { "period", "value", NULL };
static const char *const indicator_keys[] = {
	"id", "name", "definition", "terms", "unit", "direction", "category",
	"cadence", "disaggregations", "baseline", "targets", "owners", "compute",
	NULL,
};
static const char *const direction_names[] = { "higher", "lower", "neutral" };
static const char *const category_names[] = { "how_much", "how_well", "better_off" };

static void
build_indicator(struct fwb *b, const struct fw_node *m, struct bb_indicator *ind,
    const struct bb_outcome *oc)
{
	const struct fw_node *v;

	ind->loc = m->loc;
	ind->outcome = oc;
	get_id(b, m, "id", "indicator", true, ID_ANY, &ind->id);
	get_text(b, m, "name", "indicator", true, &ind->name);
	get_text(b, m, "definition", "indicator", false, &ind->definition);
	get_strings(b, m, "terms", "indicator", ID_ANY, false, &ind->terms, &ind->nterms);
	get_text(b, m, "unit", "indicator", false, &ind->unit);
	ind->direction = (enum bb_direction)get_enum(b, m, "direction", true,
	    "indicator", direction_names, 3, &ind->direction);
	ind->category = (enum bb_rba)get_enum(b, m, "category", true, "indicator",
	    category_names, 3, &ind->category);
	ind->cadence = (enum bb_cadence)get_enum(b, m, "cadence", false,
	    "indicator", cadence_names, 5, &ind->cadence);
	get_strings(b, m, "disaggregations", "indicator", ID_FIELD, false,
	    &ind->disaggregations, &ind->ndisaggregations);
	if ((v = opt(m, "baseline")) != NULL &&
	    want_map(b, v, "baseline", point_keys, "'baseline'")) {
		get_text(b, v, "period", "baseline", true, &ind->baseline_period);
		ind->has_baseline = get_number(b, need(b, v, "value", "baseline"),
		    "value", &ind->baseline_value);
	}
	if ((v = get_list(b, m, "targets", false, "indicator")) != NULL && v->n) {
		ind->targets = bb_arena_array(b->a, v->n, sizeof(*ind->targets));
		for (size_t k = 0; k < v->n; k++) {
			const struct fw_node *t = item_map(b, v->items[k], "targets",
			    "target", point_keys);
			struct bb_target *tg;
			if (t == NULL)
				continue;
			tg = &ind->targets[ind->ntargets++];
			tg->loc = t->loc;
			get_text(b, t, "period", "target", true, &tg->period);
			get_number(b, need(b, t, "value", "target"), "value", &tg->value);
		}
	}
	get_strings(b, m, "owners", "indicator", ID_ANY, false, &ind->owners, &ind->nowners);
	if ((v = opt(m, "compute")) != NULL) {
		ind->compute = text_of(b, v, "compute", &ind->compute);
		ind->compute_loc = v->loc;
	}
}

static const char *const outcome_keys[] = {
	"id", "name", "description", "indicators", NULL,
};

static void
build_outcomes(struct fwb *b, const struct fw_node *l)
{
	struct bb_framework *fw = b->fw;

	fw->outcomes = bb_arena_array(b->a, l->n, sizeof(*fw->outcomes));
	for (size_t i = 0; i < l->n; i++) {
		const struct fw_node *m = item_map(b, l->items[i], "outcomes",
		    "outcome", outcome_keys), *v;
		struct bb_outcome *oc;
		if (m == NULL)
			continue;
		oc = &fw->outcomes[fw->noutcomes++];
		oc->loc = m->loc;
		get_id(b, m, "id", "outcome", true, ID_ANY, &oc->id);
		get_text(b, m, "name", "outcome", true, &oc->name);
		get_text(b, m, "description", "outcome", false, &oc->description);
		if ((v = get_list(b, m, "indicators", false, "outcome")) != NULL && v->n) {
			oc->indicators = bb_arena_array(b->a, v->n, sizeof(*oc->indicators));
			for (size_t k = 0; k < v->n; k++) {
				const struct fw_node *x = item_map(b, v->items[k],
				    "indicators", "indicator", indicator_keys);
				if (x != NULL)
					build_indicator(b, x, &oc->indicators[oc->nindicators++], oc);
			}
		}
	}
}

/* --- calendar, confidentiality, decision rights -------------------------- */

static const char *const calendar_keys[] = {
	"fiscal_year_start", "school_year_start", "deadlines", "periods", NULL,
};
static const char *const deadline_keys[] = { "cadence", "due_days", "grace_days", NULL };
static const char *const period_keys[] = { "id", "start", "end", "due", "grace_days", NULL };

static void
build_calendar(struct fwb *b, const struct fw_node *m)
{
	struct bb_calendar *c = &b->fw->calendar;
	const struct fw_node *v;
	int64_t x;

	c->loc = m->loc;
	get_int(b, m, "fiscal_year_start", 1, 12, 7, &x, &c->fiscal_year_start);
	c->fiscal_year_start = (int)x;
	get_int(b, m, "school_year_start", 1, 12, 8, &x, &c->school_year_start);
	c->school_year_start = (int)x;
	if ((v = get_list(b, m, "deadlines", false, "calendar")) != NULL && v->n) {
		c->deadlines = bb_arena_array(b->a, v->n, sizeof(*c->deadlines));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *d = item_map(b, v->items[i], "deadlines",
			    "deadline", deadline_keys);
			struct bb_deadline *dl;
			if (d == NULL)
				continue;
			dl = &c->deadlines[c->ndeadlines++];
			dl->loc = d->loc;
			dl->cadence = (enum bb_cadence)get_enum(b, d, "cadence", true,
			    "deadline", cadence_names, 5, &dl->cadence);
			if (need(b, d, "due_days", "deadline") != NULL) {
				get_int(b, d, "due_days", 0, 3660, 0, &x, &dl->due_days);
				dl->due_days = (int)x;
			}
			get_int(b, d, "grace_days", 0, 3660, 0, &x, &dl->grace_days);
			dl->grace_days = (int)x;
		}
	}
	if ((v = get_list(b, m, "periods", false, "calendar")) != NULL && v->n) {
		c->periods = bb_arena_array(b->a, v->n, sizeof(*c->periods));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *p = item_map(b, v->items[i], "periods",
			    "period", period_keys);
			struct bb_period_def *pd;
			if (p == NULL)
				continue;
			pd = &c->periods[c->nperiods++];
			pd->loc = p->loc;
			get_id(b, p, "id", "period", true, ID_ANY, &pd->id);
			get_text(b, p, "start", "period", true, &pd->start);
			get_text(b, p, "end", "period", true, &pd->end);
			get_text(b, p, "due", "period", false, &pd->due);
			get_int(b, p, "grace_days", 0, 3660, 0, &x, &pd->grace_days);
			pd->grace_days = (int)x;
		}
	}
}

static const char *const confidentiality_keys[] = {
	"min_cell_size", "restricted_fields", NULL,
};

static void
build_confidentiality(struct fwb *b, const struct fw_node *m)
{
	struct bb_confidentiality *c = &b->fw->confidentiality;
	int64_t x;

	c->loc = m->loc;
	get_int(b, m, "min_cell_size", 1, 1000000, 11, &x, &c->min_cell_size);
	c->min_cell_size = (int)x;
	get_strings(b, m, "restricted_fields", "confidentiality", ID_FIELD, false,
	    &c->restricted_fields, &c->nrestricted);
}

static const char *const rights_keys[] = { "bodies", "rules", NULL };
static const char *const body_keys[] = { "id", "name", "members", NULL };
static const char *const right_keys[] = { "action", "approvers", "vote", NULL };
static const char *const action_names[] = {
	"framework_change", "indicator_change", "crosswalk_change", "publish",
};
static const char *const vote_names[] = { "any", "majority", "consensus" };

static void
build_rights(struct fwb *b, const struct fw_node *m)
{
	struct bb_framework *fw = b->fw;
	const struct fw_node *v;

	if ((v = get_list(b, m, "bodies", false, "decision_rights")) != NULL && v->n) {
		fw->bodies = bb_arena_array(b->a, v->n, sizeof(*fw->bodies));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *x = item_map(b, v->items[i], "bodies",
			    "body", body_keys);
			struct bb_body *bd;
			if (x == NULL)
				continue;
			bd = &fw->bodies[fw->nbodies++];
			bd->loc = x->loc;
			get_id(b, x, "id", "body", true, ID_ANY, &bd->id);
			get_text(b, x, "name", "body", true, &bd->name);
			get_strings(b, x, "members", "body", ID_ANY, false,
			    &bd->members, &bd->nmembers);
		}
	}
	if ((v = get_list(b, m, "rules", false, "decision_rights")) != NULL && v->n) {
		fw->decision_rights = bb_arena_array(b->a, v->n, sizeof(*fw->decision_rights));
		for (size_t i = 0; i < v->n; i++) {
			const struct fw_node *x = item_map(b, v->items[i], "rules",
			    "decision rule", right_keys);
			struct bb_decision_right *dr;
			int a, vote;
			if (x == NULL)
				continue;
			dr = &fw->decision_rights[fw->ndecision_rights++];
			dr->loc = x->loc;
			a = get_enum(b, x, "action", true, "decision rule", action_names,
			    4, &dr->action);
			dr->action = a ? bb_arena_strdup(b->a, action_names[a - 1]) : NULL;
			if (get(x, "approvers") == NULL)
				err(b, x->loc, "missing-key",
				    "missing required key 'approvers' in decision rule");
			get_strings(b, x, "approvers", "decision rule", ID_ANY, false,
			    &dr->approvers, &dr->napprovers);
			vote = get_enum(b, x, "vote", false, "decision rule", vote_names,
			    3, &dr->rule);
			dr->rule = vote ? (enum bb_vote_rule)vote : BB_VOTE_MAJORITY;
		}
	}
}

/* --- resolving ----------------------------------------------------------- */

static int
cmp_code_list(const void *a, const void *b)
{
	const struct bb_code_list *const *x = a, *const *y = b;
	int r = strcmp((*x)->id, (*y)->id);
	return r ? r : (*x < *y ? -1 : *x > *y);
}

/* Point each code field at its code list (the first of that id); a name
 * that leads nowhere is check.c's to report. */
static void
resolve_code_lists(struct bb_framework *fw)
{
	const struct bb_code_list **v;
	size_t n = 0;

	v = bb_calloc(fw->ncode_lists + 1, sizeof(*v));
	for (size_t i = 0; i < fw->ncode_lists; i++)
		if (fw->code_lists[i].id != NULL)
			v[n++] = &fw->code_lists[i];
	qsort(v, n, sizeof(*v), cmp_code_list);
	for (size_t i = 0; i < fw->ndatasets; i++)
		for (size_t k = 0; k < fw->datasets[i].nfields; k++) {
			struct bb_field *f = &fw->datasets[i].fields[k];
			size_t lo = 0, hi = n;
			if (f->type != BB_FT_CODE || f->code_list == NULL)
				continue;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				int r = strcmp(v[mid]->id, f->code_list);
				if (r < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < n && strcmp(v[lo]->id, f->code_list) == 0)
				f->codes = v[lo];
		}
	free(v);
}

/* --- the top ------------------------------------------------------------- */

static const char *const top_keys[] = {
	"backbone", "initiative", "glossary", "code_lists", "datasets",
	"partners", "outcomes", "calendar", "confidentiality", "decision_rights",
	NULL,
};
static const char *const initiative_keys[] = {
	"id", "name", "problem", "population", "geography", "theory_of_change",
	NULL,
};

void
bb_fw_build(struct bb_framework *fw, const struct fw_node *root,
    struct bb_findings *f)
{
	struct fwb b = { fw, bb_fw_arena(fw), f, fw->source_name };
	const struct fw_node *v;
	int64_t ver;

	fw->calendar.fiscal_year_start = 7;
	fw->calendar.school_year_start = 8;
	fw->confidentiality.min_cell_size = 11;
	if (root->kind != FW_MAP) {
		err(&b, root->loc, "wrong-type", "a framework file is a mapping "
		    "that starts with 'backbone: 1'");
		return;
	}
	want_map(&b, root, "the framework", top_keys, "the framework");
	if ((v = need(&b, root, "backbone", "the framework")) != NULL) {
		if (scalar_int(v, &ver) != BB_OK)
			err(&b, v->loc, "wrong-type", "'backbone' must be a whole "
			    "number (the format version, 1)");
		else if (ver != 1)
			err(&b, v->loc, "bad-value", "unsupported format version %lld "
			    "(this backbone reads 'backbone: 1')", (long long)ver);
		else
			fw->format_version = 1;
		note(&b, &fw->format_version, v);
	}
	v = need(&b, root, "initiative", "the framework");
	if (v != NULL && want_map(&b, v, "initiative", initiative_keys, "'initiative'")) {
		struct bb_initiative *in = &fw->initiative;
		in->loc = v->loc;
		get_id(&b, v, "id", "initiative", true, ID_ANY, &in->id);
		get_text(&b, v, "name", "initiative", true, &in->name);
		get_text(&b, v, "problem", "initiative", false, &in->problem);
		get_text(&b, v, "population", "initiative", false, &in->population);
		get_text(&b, v, "geography", "initiative", false, &in->geography);
		get_text(&b, v, "theory_of_change", "initiative", false,
		    &in->theory_of_change);
	}
	if ((v = get_list(&b, root, "glossary", false, NULL)) != NULL && v->n)
		build_glossary(&b, v);
	if ((v = get_list(&b, root, "code_lists", false, NULL)) != NULL && v->n)
		build_code_lists(&b, v);
	if ((v = get_list(&b, root, "datasets", false, NULL)) != NULL && v->n)
		build_datasets(&b, v);
	if ((v = get_list(&b, root, "partners", false, NULL)) != NULL && v->n)
		build_partners(&b, v);
	if ((v = get_list(&b, root, "outcomes", false, NULL)) != NULL && v->n)
		build_outcomes(&b, v);
	if ((v = opt(root, "calendar")) != NULL &&
	    want_map(&b, v, "calendar", calendar_keys, "'calendar'"))
		build_calendar(&b, v);
	if ((v = opt(root, "confidentiality")) != NULL &&
	    want_map(&b, v, "confidentiality", confidentiality_keys, "'confidentiality'"))
		build_confidentiality(&b, v);
	if ((v = opt(root, "decision_rights")) != NULL &&
	    want_map(&b, v, "decision_rights", rights_keys, "'decision_rights'"))
		build_rights(&b, v);
	resolve_code_lists(fw);
}
