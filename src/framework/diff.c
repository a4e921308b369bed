/*
 * diff.c: what changed between two versions of a framework, compared on
 * their canonical JSON (canonical.c) and named by readable paths keyed by
 * ids: "outcomes.early-reading.indicators.grade3-reading.targets[2027].value".
 *
 * Objects are compared key by key.  A list whose elements all carry a
 * distinct identifying key (id, term, name, dataset, period, code, cadence,
 * action, column or into, the first that works) is matched by it, so moving
 * or inserting an element shows as that element only; when only the order
 * of the matched elements differs, one change says so.  Elements keyed by
 * id, term, name or dataset are written ".key", the others "[key]".  Any
 * other list is compared as one value.
 */
#include "framework/framework.h"
#include "util/bb.h"
#include "util/buf.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *key;
	bool dotted;
} id_keys[] = {
	{ "id", true }, { "term", true }, { "name", true }, { "dataset", true },
	{ "period", false }, { "code", false }, { "cadence", false },
	{ "action", false }, { "column", false }, { "into", false },
};

static char *
compact(const json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_REAL_PRECISION(15)) : NULL;
}

static void
record(struct bb_fw_diff *d, char op, const char *path, const json_t *before,
    const json_t *after)
{
	struct bb_fw_change *c;

	d->items = bb_grow(d->items, &d->cap, d->n + 1, sizeof(*d->items));
	c = &d->items[d->n++];
	c->op = op;
	c->path = bb_strdup(path);
	c->before = compact(before);
	c->after = compact(after);
}

static bool
plain_word(const char *s, bool allow_dot)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		    (allow_dot && *s == '.')))
			return false;
	return true;
}

/* path + ".key", or path + "[key]" / "[\"key\"]" when it cannot be dotted
 * (it does not start with a letter, or holds other than letters, digits,
 * '_' and '-'). */
static char *
extend(const char *path, const char *key, bool dotted)
{
	if (dotted && plain_word(key, false) &&
	    ((*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z') || *key == '_'))
		return *path ? bb_asprintf("%s.%s", path, key) : bb_strdup(key);
	if (plain_word(key, true))
		return bb_asprintf("%s[%s]", path, key);
	{
		json_t *s = json_string(key);
		char *q = compact(s), *r;
		json_decref(s);
		r = bb_asprintf("%s[%s]", path, q ? q : "\"?\"");
		free(q);
		return r;
	}
}

/* An index of a list's elements by their `key` (an object from the key's
 * value to the element), or NULL when an element lacks it or two share it. */
static json_t *
index_by(json_t *l, const char *key)
{
	json_t *ix = json_object();
	size_t n = json_array_size(l);

	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(l, i), *v = json_object_get(e, key);
		if (!json_is_string(v) || json_object_get(ix, json_string_value(v)) ||
		    json_object_set(ix, json_string_value(v), e) != 0) {
			json_decref(ix);
			return NULL;
		}
	}
	return ix;
}

/* The identifying key of the elements of a and b (with both indexes), or
 * -1 when there is none. */
static int
list_key(json_t *a, json_t *b, json_t **ia, json_t **ib)
{
	if (json_array_size(a) + json_array_size(b) == 0)
		return -1;
	for (size_t k = 0; k < BB_ARRAY_LEN(id_keys); k++) {
		*ia = index_by(a, id_keys[k].key);
		*ib = *ia ? index_by(b, id_keys[k].key) : NULL;
		if (*ia && *ib)
			return (int)k;
		json_decref(*ia);
		json_decref(*ib);
	}
	*ia = *ib = NULL;
	return -1;
}

static void compare(struct bb_fw_diff *d, const char *path, json_t *a, json_t *b);

static void
compare_keyed(struct bb_fw_diff *d, const char *path, json_t *a, json_t *b,
    int k, json_t *ia, json_t *ib)
{
	const char *key = id_keys[k].key;
	size_t na = json_array_size(a), nb = json_array_size(b);
	json_t *order_a = json_array(), *order_b = json_array();

	for (size_t i = 0; i < na; i++) {
		json_t *ea = json_array_get(a, i), *id = json_object_get(ea, key);
		json_t *eb = json_object_get(ib, json_string_value(id));
		char *p = extend(path, json_string_value(id), id_keys[k].dotted);
		if (eb == NULL)
			record(d, '-', p, ea, NULL);
		else {
			json_array_append(order_a, id);
			compare(d, p, ea, eb);
		}
		free(p);
	}
	for (size_t i = 0; i < nb; i++) {
		json_t *eb = json_array_get(b, i), *id = json_object_get(eb, key);
		if (json_object_get(ia, json_string_value(id)) == NULL) {
			char *p = extend(path, json_string_value(id), id_keys[k].dotted);
			record(d, '+', p, NULL, eb);
			free(p);
		} else
			json_array_append(order_b, id);
	}
	if (!json_equal(order_a, order_b)) {
		char *p = bb_asprintf("%s (order)", path);
		record(d, '~', p, order_a, order_b);
		free(p);
	}
	json_decref(order_a);
	json_decref(order_b);
}

static void
compare(struct bb_fw_diff *d, const char *path, json_t *a, json_t *b)
{
	if (json_is_object(a) && json_is_object(b)) {
		const char *k;
		void *it;

		/* Keys of a in order (removed or compared), then keys only b has. */
		for (it = json_object_iter(a); it; it = json_object_iter_next(a, it)) {
			json_t *va = json_object_iter_value(it), *vb;
			char *p;
			k = json_object_iter_key(it);
			vb = json_object_get(b, k);
			p = extend(path, k, true);
			if (vb == NULL)
				record(d, '-', p, va, NULL);
			else
				compare(d, p, va, vb);
			free(p);
		}
		for (it = json_object_iter(b); it; it = json_object_iter_next(b, it)) {
			k = json_object_iter_key(it);
			if (json_object_get(a, k) == NULL) {
				char *p = extend(path, k, true);
				record(d, '+', p, NULL, json_object_iter_value(it));
				free(p);
			}
		}
		return;
	}
	if (json_is_array(a) && json_is_array(b)) {
		json_t *ia, *ib;
		int k = list_key(a, b, &ia, &ib);
		if (k >= 0) {
			compare_keyed(d, path, a, b, k, ia, ib);
			json_decref(ia);
			json_decref(ib);
			return;
		}
	}
	if (!json_equal(a, b))
		record(d, '~', path, a, b);
}

int
bb_framework_diff(const char *before, const char *after, struct bb_fw_diff *out)
{
	json_error_t e;
	json_t *a, *b;

	memset(out, 0, sizeof(*out));
	a = json_loads(before, 0, &e);
	b = json_loads(after, 0, &e);
	if (a == NULL || b == NULL) {
		json_decref(a);
		json_decref(b);
		return BB_ERR_INPUT;
	}
	compare(out, "", a, b);
	json_decref(a);
	json_decref(b);
	return BB_OK;
}

void
bb_fw_diff_free(struct bb_fw_diff *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].path);
		free(d->items[i].before);
		free(d->items[i].after);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}
