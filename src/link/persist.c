/*
 * persist.c: the trained model as JSON and back, and the next participant
 * id (link/persist.h).
 *
 * The JSON form:
 *   {"format": 1, "lambda": L, "prior_bits": P, "match_weight": W,
 *    "review_weight": R, "fields": {"given_name": {"active": true,
 *    "m": [...], "u": [...], "w": [...]}, ...}}
 * with one array entry per comparison level ("else" first), in the order
 * of link/compare.c.  Numbers are written by jansson with 17 significant
 * digits, which read back to the same doubles.
 */
#include "link/persist.h"
#include "link/link_int.h"

#include "util/bb.h"
#include "util/diag.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT 1

bool
bb_link_model_trained(const struct bb_link_index *ix)
{
	return ix->model.trained;
}

static json_t *
levels(const double *v, unsigned n)
{
	json_t *a = json_array();
	for (unsigned l = 0; l < n; l++)
		json_array_append_new(a, json_real(v[l]));
	return a;
}

char *
bb_link_model_save(const struct bb_link_index *ix)
{
	const struct model *md = &ix->model;
	json_t *o, *fields;
	char *s;

	if (!md->trained)
		return NULL;
	o = json_object();
	fields = json_object();
	json_object_set_new(o, "format", json_integer(FORMAT));
	json_object_set_new(o, "lambda", json_real(md->lambda));
	json_object_set_new(o, "prior_bits", json_real(md->prior_bits));
	json_object_set_new(o, "match_weight", json_real(md->wmatch));
	json_object_set_new(o, "review_weight", json_real(md->wreview));
	for (unsigned f = 0; f < LF_N; f++) {
		unsigned n = lx_nlevels(f);
		json_object_set_new(fields, bb_link_role_name(
		    (enum bb_identity_role)(f + 1)), json_pack("{s:b, s:o, s:o, s:o}",
		    "active", md->active[f], "m", levels(md->m[f], n),
		    "u", levels(md->u[f], n), "w", levels(md->w[f], n)));
	}
	json_object_set_new(o, "fields", fields);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	json_decref(o);
	if (s == NULL)
		abort();	/* jansson fails only when memory is out */
	return s;
}

static bool
get_real(json_t *o, const char *key, double *out)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_number(v))
		return false;
	*out = json_number_value(v);
	return isfinite(*out);
}

static bool
get_levels(json_t *o, const char *key, unsigned n, double *out)
{
	json_t *a = json_object_get(o, key);
	if (!json_is_array(a) || json_array_size(a) != n)
		return false;
	for (unsigned l = 0; l < n; l++) {
		json_t *v = json_array_get(a, l);
		if (!json_is_number(v))
			return false;
		out[l] = json_number_value(v);
	}
	return true;
}

int
bb_link_model_load(struct bb_link_index *ix, const char *text,
    struct bb_diag *d)
{
	struct model md;
	json_error_t err;
	json_t *o, *fields;
	bool ok = true;

	o = json_loads(text, 0, &err);
	if (o == NULL) {
		bb_diag_set(d, NULL, 0, 0, "link-model",
		    "the stored linkage model is not JSON: %s", err.text);
		return BB_ERR_INPUT;
	}
	memset(&md, 0, sizeof(md));
	fields = json_object_get(o, "fields");
	ok = json_integer_value(json_object_get(o, "format")) == FORMAT &&
	    json_is_object(fields) &&
	    get_real(o, "lambda", &md.lambda) &&
	    get_real(o, "prior_bits", &md.prior_bits) &&
	    get_real(o, "match_weight", &md.wmatch) &&
	    get_real(o, "review_weight", &md.wreview) &&
	    md.lambda > 0 && md.lambda < 1;
	for (unsigned f = 0; ok && f < LF_N; f++) {
		json_t *fo = json_object_get(fields,
		    bb_link_role_name((enum bb_identity_role)(f + 1)));
		unsigned n = lx_nlevels(f);
		ok = json_is_object(fo) &&
		    json_is_boolean(json_object_get(fo, "active")) &&
		    get_levels(fo, "m", n, md.m[f]) &&
		    get_levels(fo, "u", n, md.u[f]) &&
		    get_levels(fo, "w", n, md.w[f]);
		if (ok)
			md.active[f] = json_is_true(json_object_get(fo, "active"));
	}
	json_decref(o);
	if (!ok) {
		bb_diag_set(d, NULL, 0, 0, "link-model",
		    "the stored linkage model is not one this backbone wrote; "
		    "run 'backbone link retrain'");
		return BB_ERR_INPUT;
	}
	md.trained = true;
	ix->model = md;
	return BB_OK;
}

void
bb_link_model_use_prior(struct bb_link_index *ix)
{
	/* Training an empty index leaves the prior with its weights. */
	struct bb_link_index *t = bb_link_index_new(&ix->cfg);
	lx_model_train(t, NULL, 0, NULL);
	ix->model = t->model;
	ix->model.trained = true;
	bb_link_index_free(t);
}

int64_t
bb_link_index_next_id(const struct bb_link_index *ix)
{
	return ix->next_pid;
}

void
bb_link_index_set_next_id(struct bb_link_index *ix, int64_t next)
{
	if (next > ix->next_pid)
		ix->next_pid = next;
}
