/*
 * model.c: asking a loaded framework things: lookups by id, the names of
 * enum values as the file writes them, where a value was written (the
 * location index), id syntax and "did you mean" suggestions.
 */
#include "framework/internal.h"
#include "util/bb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- the location index -------------------------------------------------- */

static size_t
slot_hash(const void *slot, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)slot;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h & (cap - 1);
}

void
bb_fw_loc_note(struct bb_framework *fw, const void *slot, struct bb_loc loc)
{
	struct fw_private *p = fw->arena;
	size_t i;

	if (slot == NULL || loc.line == 0)
		return;
	if ((p->nlocs + 1) * 2 > p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 256;
		struct fw_loc_slot *n = bb_calloc(ncap, sizeof(*n));
		for (size_t k = 0; k < p->cap; k++) {
			if (p->locs[k].slot == NULL)
				continue;
			i = slot_hash(p->locs[k].slot, ncap);
			while (n[i].slot != NULL)
				i = (i + 1) & (ncap - 1);
			n[i] = p->locs[k];
		}
		free(p->locs);
		p->locs = n;
		p->cap = ncap;
	}
	i = slot_hash(slot, p->cap);
	while (p->locs[i].slot != NULL && p->locs[i].slot != slot)
		i = (i + 1) & (p->cap - 1);
	if (p->locs[i].slot == NULL)
		p->nlocs++;
	p->locs[i].slot = slot;
	p->locs[i].loc = loc;
}

struct bb_loc
bb_fw_loc(const struct bb_framework *fw, const void *slot)
{
	const struct fw_private *p = fw->arena;
	struct bb_loc none = { 0, 0 };
	size_t i;

	if (p->cap == 0 || slot == NULL)
		return none;
	i = slot_hash(slot, p->cap);
	while (p->locs[i].slot != NULL) {
		if (p->locs[i].slot == slot)
			return p->locs[i].loc;
		i = (i + 1) & (p->cap - 1);
	}
	return none;
}

/* --- lookups ------------------------------------------------------------- */

const struct bb_dataset *
bb_fw_dataset(const struct bb_framework *fw, const char *id)
{
	for (size_t i = 0; id && i < fw->ndatasets; i++)
		if (bb_streq(fw->datasets[i].id, id))
			return &fw->datasets[i];
	return NULL;
}

const struct bb_field *
bb_fw_field(const struct bb_dataset *ds, const char *name)
{
	for (size_t i = 0; ds && name && i < ds->nfields; i++)
		if (bb_streq(ds->fields[i].name, name))
			return &ds->fields[i];
	return NULL;
}

const struct bb_partner *
bb_fw_partner(const struct bb_framework *fw, const char *id)
{
	for (size_t i = 0; id && i < fw->npartners; i++)
		if (bb_streq(fw->partners[i].id, id))
			return &fw->partners[i];
	return NULL;
}

const struct bb_crosswalk *
bb_fw_crosswalk(const struct bb_partner *p, const char *dataset)
{
	for (size_t i = 0; p && dataset && i < p->ncrosswalks; i++)
		if (bb_streq(p->crosswalks[i].dataset, dataset))
			return &p->crosswalks[i];
	return NULL;
}

const struct bb_code_list *
bb_fw_code_list(const struct bb_framework *fw, const char *id)
{
	for (size_t i = 0; id && i < fw->ncode_lists; i++)
		if (bb_streq(fw->code_lists[i].id, id))
			return &fw->code_lists[i];
	return NULL;
}

const struct bb_outcome *
bb_fw_outcome(const struct bb_framework *fw, const char *id)
{
	for (size_t i = 0; id && i < fw->noutcomes; i++)
		if (bb_streq(fw->outcomes[i].id, id))
			return &fw->outcomes[i];
	return NULL;
}

const struct bb_indicator *
bb_fw_indicator(const struct bb_framework *fw, const char *id)
{
	for (size_t i = 0; id && i < fw->noutcomes; i++)
		for (size_t j = 0; j < fw->outcomes[i].nindicators; j++)
			if (bb_streq(fw->outcomes[i].indicators[j].id, id))
				return &fw->outcomes[i].indicators[j];
	return NULL;
}

const struct bb_glossary_term *
bb_fw_term(const struct bb_framework *fw, const char *term)
{
	for (size_t i = 0; term && i < fw->nglossary; i++) {
		const struct bb_glossary_term *t = &fw->glossary[i];
		if (bb_streq(t->term, term))
			return t;
		for (size_t k = 0; k < t->naliases; k++)
			if (bb_streq(t->aliases[k], term))
				return t;
	}
	return NULL;
}

const struct bb_body *
bb_fw_body(const struct bb_framework *fw, const char *id)
{
	for (size_t i = 0; id && i < fw->nbodies; i++)
		if (bb_streq(fw->bodies[i].id, id))
			return &fw->bodies[i];
	return NULL;
}

bool
bb_fw_is_missing(const struct bb_field *f, const char *value)
{
	if (f == NULL || value == NULL)
		return false;
	for (size_t i = 0; i < f->nmissing; i++)
		if (bb_streq(f->missing[i].code, value))
			return true;
	for (size_t i = 0; i < f->nplaceholders; i++)
		if (bb_streq(f->placeholders[i], value))
			return true;
	if (f->codes != NULL)
		for (size_t i = 0; i < f->codes->nmissing; i++)
			if (bb_streq(f->codes->missing[i].code, value))
				return true;
	return false;
}

/* --- enum names ---------------------------------------------------------- */

static const char *const field_types[] = {
	NULL, "text", "integer", "decimal", "date", "boolean", "code",
};
static const char *const identity_roles[] = {
	"none", "given_name", "family_name", "birth_date", "sex", "postcode",
	"locality", "address", "phone", "email", "national_id", "local_id",
};
static const char *const sharings[] = { NULL, "records", "encodings", "aggregates" };
static const char *const directions[] = { NULL, "higher", "lower", "neutral" };
static const char *const rbas[] = { NULL, "how_much", "how_well", "better_off" };
static const char *const cadences[] = {
	NULL, "monthly", "quarterly", "school_year", "fiscal_year", "annual",
};
static const char *const kinds[] = { NULL, "records", "aggregate" };
static const char *const policies[] = { NULL, "refuse_file", "quarantine_rows" };
static const char *const votes[] = { NULL, "any", "majority", "consensus" };
static const char *const ops[] = { NULL, "=", "!=", "<", "<=", ">", ">=", "requires" };

#define NAME_OF(table, v) \
	((size_t)(v) < BB_ARRAY_LEN(table) && (table)[(v)] ? (table)[(v)] : "?")

const char *bb_field_type_name(enum bb_field_type t) { return NAME_OF(field_types, t); }
const char *bb_identity_role_name(enum bb_identity_role r) { return NAME_OF(identity_roles, r); }
const char *bb_sharing_name(enum bb_sharing s) { return NAME_OF(sharings, s); }
const char *bb_direction_name(enum bb_direction d) { return NAME_OF(directions, d); }
const char *bb_rba_name(enum bb_rba c) { return NAME_OF(rbas, c); }
const char *bb_cadence_name(enum bb_cadence c) { return NAME_OF(cadences, c); }
const char *bb_dataset_kind_name(enum bb_dataset_kind k) { return NAME_OF(kinds, k); }
const char *bb_policy_name(enum bb_policy p) { return NAME_OF(policies, p); }
const char *bb_vote_rule_name(enum bb_vote_rule v) { return NAME_OF(votes, v); }
const char *bb_rule_op_name(enum bb_rule_op op) { return NAME_OF(ops, op); }

int
bb_identity_role_parse(const char *s, enum bb_identity_role *out)
{
	for (size_t i = 1; s && i < BB_ARRAY_LEN(identity_roles); i++)
		if (strcmp(identity_roles[i], s) == 0) {
			*out = (enum bb_identity_role)i;
			return BB_OK;
		}
	return BB_ERR_INPUT;
}

/* --- ids and suggestions ------------------------------------------------- */

bool
bb_fw_valid_field_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 64 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_'))
			return false;
	return true;
}

bool
bb_fw_valid_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 64 ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

/* Edit distance (Levenshtein) of two short words, or a large number when
 * either is long. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *
bb_fw_nearest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX, len = word ? strlen(word) : 0;

	for (size_t i = 0; word && i < n; i++) {
		size_t d;
		if (cands[i] == NULL)
			continue;
		d = distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	if (best == NULL || bestd == 0 || bestd > 2 || bestd * 2 >= len + 1)
		return NULL;
	return best;
}
