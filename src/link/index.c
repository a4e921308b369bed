/*
 * index.c: the incremental linkage index (link.h): adding batches,
 * restoring known participants, training, decisions, explain, and the
 * report a call fills.
 */
#include "link/link_int.h"

#include "util/bb.h"
#include "util/buf.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
bb_link_config_default(struct bb_link_config *c)
{
	memset(c, 0, sizeof(*c));
	c->match_prob = 0.95;
	c->review_prob = 0.20;
	c->block_cap = 400;
	c->threads = 2;
	c->seed = 20261123;
	c->u_pairs = 1000000;
	c->em_iterations = 100;
}

void
bb_link_report_free(struct bb_link_report *r)
{
	if (r == NULL)
		return;
	free(r->events);
	free(r->reviews);
	memset(r, 0, sizeof(*r));
}

void
lx_report_event(struct bb_link_report *rep, enum bb_link_event_kind kind,
    int64_t survivor, int64_t other, size_t a, size_t b, double weight)
{
	struct bb_link_event *e;
	if (rep == NULL)
		return;
	rep->events = bb_grow(rep->events, &rep->capevents, rep->nevents + 1,
	    sizeof(*rep->events));
	e = &rep->events[rep->nevents++];
	e->kind = kind;
	e->survivor = survivor;
	e->other = other;
	e->rec_a = a;
	e->rec_b = b;
	e->weight = weight;
}

void
lx_report_review(struct bb_link_report *rep, size_t a, size_t b,
    double weight, double prob)
{
	struct bb_link_review *r;
	if (rep == NULL)
		return;
	rep->reviews = bb_grow(rep->reviews, &rep->capreviews,
	    rep->nreviews + 1, sizeof(*rep->reviews));
	r = &rep->reviews[rep->nreviews++];
	r->rec_a = a < b ? a : b;
	r->rec_b = a < b ? b : a;
	r->weight = weight;
	r->prob = prob;
}

struct bb_link_index *
bb_link_index_new(const struct bb_link_config *cfg)
{
	struct bb_link_index *ix = bb_calloc(1, sizeof(*ix));
	if (cfg)
		ix->cfg = *cfg;
	else
		bb_link_config_default(&ix->cfg);
	if (ix->cfg.block_cap < 2)
		ix->cfg.block_cap = 2;
	if (ix->cfg.threads < 1)
		ix->cfg.threads = 1;
	if (ix->cfg.em_iterations < 1)
		ix->cfg.em_iterations = 1;
	ix->next_pid = 1;
	lx_model_defaults(ix);
	return ix;
}

void
bb_link_index_free(struct bb_link_index *ix)
{
	if (ix == NULL)
		return;
	for (unsigned f = 0; f < LF_N; f++)
		lx_pool_free(&ix->pool[f]);
	lx_pool_free(&ix->phon);
	lx_blocks_free(ix);
	lx_clusters_free(ix);
	free(ix->recs);
	free(ix);
}

size_t
bb_link_index_size(const struct bb_link_index *ix)
{
	return ix->n;
}

int64_t
bb_link_index_participant(const struct bb_link_index *ix, size_t rec)
{
	if (rec >= ix->n)
		return 0;
	return ix->cls[ix->cl[rec]].pid;
}

#define NORM_CHUNK 4096	/* records normalised at a time */

struct norm_job {
	const struct bb_link_input *in;
	struct lnorm *out;
	size_t n;
	atomic_size_t next;
};

static void *
norm_worker(void *arg)
{
	struct norm_job *j = arg;
	for (;;) {
		size_t from = atomic_fetch_add(&j->next, 256);
		if (from >= j->n)
			break;
		size_t to = from + 256 < j->n ? from + 256 : j->n;
		for (size_t i = from; i < to; i++)
			lx_normalize(&j->in[i], &j->out[i]);
	}
	return NULL;
}

/* Normalise records into the index (on threads, a chunk at a time; the
 * interning after each chunk keeps input order) and file them in the
 * blocks. */
static size_t
append(struct bb_link_index *ix, const struct bb_link_input *recs, size_t n)
{
	size_t from = ix->n;
	struct lnorm *nm = bb_malloc((n < NORM_CHUNK ? (n ? n : 1) : NORM_CHUNK) *
	    sizeof(*nm));
	unsigned nt = lx_threads(ix, n);

	ix->recs = bb_grow(ix->recs, &ix->cap, ix->n + n, sizeof(*ix->recs));
	for (size_t c = 0; c < n; c += NORM_CHUNK) {
		struct norm_job j;
		pthread_t th[64];
		unsigned started = 1;
		j.in = recs + c;
		j.out = nm;
		j.n = n - c < NORM_CHUNK ? n - c : NORM_CHUNK;
		atomic_init(&j.next, 0);
		for (unsigned t = 1; t < nt; t++, started++)
			if (pthread_create(&th[t], NULL, norm_worker, &j) != 0)
				break;
		norm_worker(&j);
		for (unsigned t = 1; t < started; t++)
			pthread_join(th[t], NULL);
		for (size_t i = 0; i < j.n; i++)
			lx_intern(ix, &nm[i], &ix->recs[from + c + i]);
	}
	free(nm);
	ix->n += n;
	lx_blocks_insert(ix, from, ix->n);
	lx_clusters_extend(ix, from, ix->n);
	return from;
}

int
bb_link_index_add(struct bb_link_index *ix, const struct bb_link_input *recs,
    size_t n, struct bb_link_report *rep)
{
	struct lpair *pairs;
	size_t np, from;
	struct bb_link_stats *st = rep ? &rep->stats : NULL;

	if (ix->n + n >= UINT32_MAX - 1)
		return BB_ERR_LIMIT;
	from = append(ix, recs, n);
	if (st)
		st->records += n;
	lx_candidates(ix, from, ix->n, &pairs, &np, st);
	if (!ix->model.trained && ix->n >= 2)
		lx_model_train(ix, pairs, np, from, st);
	lx_cluster_link(ix, pairs, np, from, rep);
	free(pairs);
	return BB_OK;
}

int
bb_link_index_train(struct bb_link_index *ix, struct bb_link_report *rep)
{
	struct lpair *pairs;
	size_t np;
	struct bb_link_stats *st = rep ? &rep->stats : NULL;

	lx_candidates(ix, 0, ix->n, &pairs, &np, st);
	lx_model_train(ix, pairs, np, 0, st);
	free(pairs);
	return BB_OK;
}

int
bb_link_index_restore(struct bb_link_index *ix,
    const struct bb_link_input *recs, const int64_t *ids, size_t n)
{
	size_t from;
	/* pid -> cluster slot, for the clusters already there and new ones. */
	size_t cap = 1024, *slot;
	int64_t *key;

	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0)
			return BB_ERR_INPUT;
	if (ix->n + n >= UINT32_MAX - 1)
		return BB_ERR_LIMIT;
	while (cap < 2 * (ix->ncls + n + 1))
		cap *= 2;
	key = bb_calloc(cap, sizeof(*key));
	slot = bb_calloc(cap, sizeof(*slot));
	for (size_t c = 0; c < ix->ncls; c++) {
		if (ix->cls[c].size == 0 || ix->cls[c].pid == 0)
			continue;
		size_t h = lx_mix((uint64_t)ix->cls[c].pid) & (cap - 1);
		while (key[h])
			h = (h + 1) & (cap - 1);
		key[h] = ix->cls[c].pid;
		slot[h] = c;
	}
	from = append(ix, recs, n);
	for (size_t i = 0; i < n; i++) {
		uint32_t r = (uint32_t)(from + i);
		size_t h = lx_mix((uint64_t)ids[i]) & (cap - 1);
		while (key[h] && key[h] != ids[i])
			h = (h + 1) & (cap - 1);
		if (key[h] == 0) {
			/* The record's own singleton slot takes the id. */
			key[h] = ids[i];
			slot[h] = ix->cl[r];
			ix->cls[ix->cl[r]].pid = ids[i];
		} else {
			struct lcluster *c = &ix->cls[slot[h]];
			struct lcluster *own = &ix->cls[ix->cl[r]];
			own->size = 0;
			own->head = own->tail = UINT32_MAX;
			ix->cl[r] = (uint32_t)slot[h];
			ix->mnext[r] = UINT32_MAX;
			ix->mnext[c->tail] = r;
			c->tail = r;
			c->size++;
			if (r < c->minrec)
				c->minrec = r;
		}
		if (ids[i] >= ix->next_pid)
			ix->next_pid = ids[i] + 1;
	}
	free(key);
	free(slot);
	return BB_OK;
}

int
bb_link_index_decide(struct bb_link_index *ix, size_t a, size_t b, bool same,
    struct bb_link_report *rep)
{
	if (a >= ix->n || b >= ix->n || a == b)
		return BB_ERR_NOTFOUND;
	return lx_decide(ix, (uint32_t)a, (uint32_t)b, same, rep);
}

/* --- explain ------------------------------------------------------------------ */

/* The framework's names of identity roles (framework/model.c). */
const char *
bb_link_role_name(enum bb_identity_role r)
{
	if ((int)r <= 0 || r >= BB_ID__COUNT)
		return "none";
	return bb_identity_role_name(r);
}

int
bb_link_role_parse(const char *s, enum bb_identity_role *out)
{
	enum bb_identity_role r;
	if (bb_identity_role_parse(s, &r) != BB_OK || r == BB_ID_NONE)
		return BB_ERR_INPUT;
	*out = r;
	return BB_OK;
}

static void
value_text(const struct bb_link_index *ix, uint32_t rec, unsigned f,
    char out[BB_NORM_MAX])
{
	const struct lrec *r = &ix->recs[rec];
	out[0] = '\0';
	if (f == LF_BIRTH) {
		const struct bb_date *d = &r->dob;
		if (d->n == 1)
			snprintf(out, BB_NORM_MAX, "%04d-%02d-%02d", d->y[0],
			    d->m[0], d->d[0]);
		else if (d->n == 2)
			snprintf(out, BB_NORM_MAX, "%04d-%02d-%02d|%04d-%02d-%02d",
			    d->y[0], d->m[0], d->d[0], d->y[1], d->m[1], d->d[1]);
	} else if (f == LF_SEX) {
		if (r->v[f])
			snprintf(out, BB_NORM_MAX, "%c", (char)r->v[f]);
	} else if (r->v[f]) {
		bb_strlcpy(out, lx_str(&ix->pool[f], r->v[f]), BB_NORM_MAX);
	}
}

int
bb_link_explain_pair(const struct bb_link_index *ix, size_t a, size_t b,
    struct bb_link_explain *out)
{
	uint32_t x, y;
	uint64_t vec;

	memset(out, 0, sizeof(*out));
	if (a >= ix->n || b >= ix->n)
		return BB_ERR_NOTFOUND;
	if (!ix->model.trained)
		return BB_ERR_CONFLICT;
	x = (uint32_t)(a < b ? a : b);
	y = (uint32_t)(a < b ? b : a);
	vec = lx_compare(ix, x, y);
	for (unsigned f = 0; f < LF_N; f++) {
		struct bb_link_field_explain *fe;
		unsigned l = LV_GET(vec, f);
		if (!ix->model.active[f])
			continue;
		fe = &out->fields[out->nfields++];
		fe->role = (enum bb_identity_role)(f + 1);
		fe->level = lx_level_name(f, l);
		fe->weight = lx_field_weight(ix, x, f, l, &fe->tf_adjusted);
		value_text(ix, (uint32_t)a, f, fe->a);
		value_text(ix, (uint32_t)b, f, fe->b);
	}
	out->twin = lx_twins(ix, x, y, vec);
	{
		double sum = 0;
		for (size_t i = 0; i < out->nfields; i++)
			sum += out->fields[i].weight;
		out->local_id_rule = !out->twin && lx_local_id_link(ix, vec, sum);
	}
	out->weight = lx_weight(ix, x, y, vec);
	out->prob = lx_prob(ix, out->weight);
	if (lx_pairset_has(&ix->same, x, y))
		out->decision = "same";
	else if (lx_pairset_has(&ix->notsame, x, y))
		out->decision = "not-same";
	out->verdict = out->weight >= ix->model.wmatch ? "match" :
	    out->weight >= ix->model.wreview ? "review" : "non-match";
	return BB_OK;
}

char *
bb_link_model_describe(const struct bb_link_index *ix)
{
	const struct model *md = &ix->model;
	struct bb_buf b;
	char m[32], u[32], w[32];

	bb_buf_init(&b, BB_BUF_NOMAX);
	bb_buf_printf(&b, "trained %s\n", md->trained ? "yes" : "no");
	bb_format_double(m, sizeof(m), md->lambda, 12);
	bb_buf_printf(&b, "prior %s\n", m);
	bb_format_double(m, sizeof(m), md->wmatch, 2);
	bb_format_double(u, sizeof(u), md->wreview, 2);
	bb_buf_printf(&b, "match-weight %s\nreview-weight %s\n", m, u);
	for (unsigned f = 0; f < LF_N; f++) {
		if (!md->active[f])
			continue;
		for (unsigned l = lx_nlevels(f); l-- > 0;) {
			bb_format_double(m, sizeof(m), md->m[f][l], 6);
			bb_format_double(u, sizeof(u), md->u[f][l], 8);
			bb_format_double(w, sizeof(w), md->w[f][l], 2);
			bb_buf_printf(&b, "%s %s m=%s u=%s w=%s\n",
			    bb_link_role_name((enum bb_identity_role)(f + 1)),
			    lx_level_name(f, l), m, u, w);
		}
	}
	return bb_buf_take(&b);
}
