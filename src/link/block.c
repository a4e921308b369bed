/*
 * block.c: blocking: which pairs of records are compared at all.
 *
 * Several rules each put a record in a block by a key made of one or two
 * components (family-name NYSIIS + birth year, given-name NYSIIS + postcode,
 * birth date with day and month in either order, ...; the table `rules`).
 * The candidate pairs are the union over the rules of the pairs that share
 * a block, de-duplicated without a set: a pair found by rule r is dropped
 * when an earlier rule already puts both records in one (compared) block.
 * So a typo in one field cannot hide a true match: another rule finds it.
 *
 * Blocks are hash tables from key to a list of records threaded through a
 * per-record `next` array: no allocation per record or per pair, and the
 * index grows as batches arrive.  A block larger than the cap (config
 * block_cap) is not compared whole: its records are also filed under a
 * refined key that adds one more component (the rule's fallback), and the
 * refined blocks are compared instead; a record missing that component, or
 * in a refined block still over the cap, is compared under that rule only
 * with the WINDOW records filed just before it in its block (counted in
 * stats.oversized_blocks): so one person's many rows (a child's daily
 * sessions, all alike) still link, each to the rows before it, and the
 * work stays linear in the block's size.
 *
 * Candidate generation runs on worker threads over chunks of records; each
 * chunk writes its own pair array and the arrays are joined in chunk order,
 * so the result does not depend on the number of threads.
 */
#include "link/link_int.h"

#include "util/bb.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define WINDOW 4	/* neighbours compared in a block over the cap */

enum comp {
	C_NONE, C_GIVEN_PHON, C_FAMILY_PHON, C_BIRTH_YEAR, C_BIRTH_DATE,
	C_FAMILY, C_GIVEN_INIT, C_FAMILY_INIT, C_POSTCODE, C_NATID, C_PHONE,
	C_EMAIL, C_LOCALID, C_ADDRESS, C_NAMES_PHON,
};

struct rule {
	const char *name;
	enum comp comp[2];
	enum comp refine;	/* fallback component for oversized blocks */
};

static const struct rule rules[LX_NRULES] = {
	{ "family-phonetic+birth-year", { C_FAMILY_PHON, C_BIRTH_YEAR }, C_GIVEN_INIT },
	{ "given-phonetic+postcode", { C_GIVEN_PHON, C_POSTCODE }, C_BIRTH_YEAR },
	{ "birth-date+family-initial", { C_BIRTH_DATE, C_FAMILY_INIT }, C_GIVEN_INIT },
	{ "birth-date+given-initial", { C_BIRTH_DATE, C_GIVEN_INIT }, C_FAMILY_INIT },
	{ "national-id", { C_NATID, C_NONE }, C_BIRTH_YEAR },
	{ "both-names-phonetic+birth-year", { C_NAMES_PHON, C_BIRTH_YEAR }, C_POSTCODE },
	{ "family-phonetic+postcode", { C_FAMILY_PHON, C_POSTCODE }, C_GIVEN_INIT },
	{ "address", { C_ADDRESS, C_NONE }, C_POSTCODE },
	{ "phone", { C_PHONE, C_NONE }, C_BIRTH_YEAR },
	{ "email", { C_EMAIL, C_NONE }, C_BIRTH_YEAR },
	{ "local-id", { C_LOCALID, C_NONE }, C_BIRTH_YEAR },
	{ "birth-date+postcode", { C_BIRTH_DATE, C_POSTCODE }, C_GIVEN_INIT },
};

static unsigned
comp_fields(enum comp c)
{
	switch (c) {
	case C_NONE: return 0;
	case C_GIVEN_PHON: case C_GIVEN_INIT: return 1u << LF_GIVEN;
	case C_FAMILY_PHON: case C_FAMILY: case C_FAMILY_INIT:
		return 1u << LF_FAMILY;
	case C_BIRTH_YEAR: case C_BIRTH_DATE: return 1u << LF_BIRTH;
	case C_POSTCODE: return 1u << LF_POSTCODE | 1u << LF_LOCALITY;
	case C_NATID: return 1u << LF_NATID;
	case C_PHONE: return 1u << LF_PHONE;
	case C_EMAIL: return 1u << LF_EMAIL;
	case C_LOCALID: return 1u << LF_LOCALID;
	case C_ADDRESS:
		/* One address has one postcode and locality. */
		return 1u << LF_ADDRESS | 1u << LF_POSTCODE | 1u << LF_LOCALITY;
	case C_NAMES_PHON: return 1u << LF_GIVEN | 1u << LF_FAMILY;
	}
	return 0;
}

unsigned
lx_rule_fields(unsigned r)
{
	return comp_fields(rules[r].comp[0]) | comp_fields(rules[r].comp[1]) |
	    comp_fields(rules[r].refine);
}

const char *
lx_rule_name(unsigned r)
{
	return r < LX_NRULES ? rules[r].name : "?";
}

static uint64_t
comp_value(const struct bb_link_index *ix, const struct lrec *r, enum comp c)
{
	const struct bb_date *d = &r->dob;
	switch (c) {
	case C_NONE:
		return 0;
	case C_GIVEN_PHON:
		return r->v[LF_GIVEN] ? ix->pool[LF_GIVEN].v[r->v[LF_GIVEN]].phon : 0;
	case C_FAMILY_PHON:
		return r->v[LF_FAMILY] ? ix->pool[LF_FAMILY].v[r->v[LF_FAMILY]].phon : 0;
	case C_BIRTH_YEAR:
		return d->n ? (uint64_t)d->y[0] : 0;
	case C_BIRTH_DATE:
		if (!d->n)
			return 0;
		/* Day and month in either order: swaps share the block. */
		return (uint64_t)d->y[0] * 10000 +
		    (uint64_t)(d->m[0] < d->d[0] ? d->m[0] : d->d[0]) * 100 +
		    (uint64_t)(d->m[0] < d->d[0] ? d->d[0] : d->m[0]);
	case C_FAMILY:
		return r->v[LF_FAMILY];
	case C_GIVEN_INIT:
		return r->v[LF_GIVEN] ? ix->pool[LF_GIVEN].v[r->v[LF_GIVEN]].init : 0;
	case C_FAMILY_INIT:
		return r->v[LF_FAMILY] ? ix->pool[LF_FAMILY].v[r->v[LF_FAMILY]].init : 0;
	case C_POSTCODE:
		return r->v[LF_POSTCODE];
	case C_NATID:
		return r->v[LF_NATID];
	case C_PHONE:
		return r->v[LF_PHONE];
	case C_EMAIL:
		return r->v[LF_EMAIL];
	case C_LOCALID:
		return r->v[LF_LOCALID];
	case C_ADDRESS:
		return r->v[LF_ADDRESS];
	case C_NAMES_PHON: {
		/* Both names' codes in either order: swapped names share it. */
		uint64_t g = comp_value(ix, r, C_GIVEN_PHON);
		uint64_t f = comp_value(ix, r, C_FAMILY_PHON);
		if (g == 0 || f == 0)
			return 0;
		return g < f ? g << 32 | f : f << 32 | g;
	}
	}
	return 0;
}

static uint64_t
rule_key(const struct bb_link_index *ix, unsigned r, uint32_t rec)
{
	const struct lrec *x = &ix->recs[rec];
	uint64_t h = lx_mix((uint64_t)r + 1);
	for (unsigned k = 0; k < 2; k++) {
		if (rules[r].comp[k] == C_NONE)
			continue;
		uint64_t v = comp_value(ix, x, rules[r].comp[k]);
		if (v == 0)
			return 0;
		h = lx_mix(h ^ v);
	}
	return h ? h : 1;
}

static uint64_t
refine_key(const struct bb_link_index *ix, unsigned r, uint32_t rec,
    uint64_t base)
{
	uint64_t v = comp_value(ix, &ix->recs[rec], rules[r].refine);
	uint64_t h;
	if (v == 0)
		return 0;
	h = lx_mix(base ^ lx_mix(v + 0x5bd1e995));
	return h ? h : 1;
}

/* --- block tables ----------------------------------------------------------- */

static const struct bent *
bt_find(const struct btable *t, uint64_t key)
{
	if (t->cap == 0)
		return NULL;
	for (size_t i = key & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (t->e[i].key == key)
			return &t->e[i];
		if (t->e[i].key == 0)
			return NULL;
	}
}

static struct bent *
bt_get(struct btable *t, uint64_t key)
{
	size_t i;
	if ((t->n + 1) * 2 > t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 1024;
		struct bent *ne = bb_calloc(nc, sizeof(*ne));
		for (size_t k = 0; k < t->cap; k++) {
			if (t->e[k].key == 0)
				continue;
			for (i = t->e[k].key & (nc - 1); ne[i].key;
			    i = (i + 1) & (nc - 1))
				;
			ne[i] = t->e[k];
		}
		free(t->e);
		t->e = ne;
		t->cap = nc;
	}
	for (i = key & (t->cap - 1); t->e[i].key; i = (i + 1) & (t->cap - 1))
		if (t->e[i].key == key)
			return &t->e[i];
	t->e[i].key = key;
	t->e[i].head = NONE;
	t->e[i].count = 0;
	t->n++;
	return &t->e[i];
}

static void
bt_free(struct btable *t)
{
	free(t->e);
	memset(t, 0, sizeof(*t));
}

void
lx_blocks_free(struct bb_link_index *ix)
{
	for (unsigned r = 0; r < LX_NRULES; r++) {
		struct brule *b = &ix->rules[r];
		bt_free(&b->base);
		bt_free(&b->refined);
		free(b->next);
		free(b->rnext);
		memset(b, 0, sizeof(*b));
	}
	free(ix->keys);
	ix->keys = NULL;
	ix->rcap = 0;
}

static void
refined_add(struct bb_link_index *ix, unsigned r, uint32_t rec, uint64_t base)
{
	struct brule *b = &ix->rules[r];
	uint64_t rk = refine_key(ix, r, rec, base);
	struct bent *e;
	if (rk == 0)
		return;
	e = bt_get(&b->refined, rk);
	b->rnext[rec] = e->head;
	e->head = rec;
	e->count++;
}

void
lx_blocks_insert(struct bb_link_index *ix, size_t from, size_t to)
{
	unsigned cap = ix->cfg.block_cap;

	if (to > ix->rcap) {
		size_t nc = ix->rcap ? ix->rcap : 1024;
		while (nc < to)
			nc *= 2;
		for (unsigned r = 0; r < LX_NRULES; r++) {
			struct brule *b = &ix->rules[r];
			b->next = bb_realloc(b->next, nc * sizeof(*b->next));
			b->rnext = bb_realloc(b->rnext, nc * sizeof(*b->rnext));
		}
		ix->keys = bb_realloc(ix->keys, nc * LX_NRULES * sizeof(*ix->keys));
		ix->rcap = nc;
	}
	for (size_t i = from; i < to; i++) {
		for (unsigned r = 0; r < LX_NRULES; r++) {
			struct brule *b = &ix->rules[r];
			uint64_t k = rule_key(ix, r, (uint32_t)i);
			struct bent *e;
			ix->keys[i * LX_NRULES + r] = k;
			b->next[i] = NONE;
			b->rnext[i] = NONE;
			if (k == 0)
				continue;
			e = bt_get(&b->base, k);
			b->next[i] = e->head;
			e->head = (uint32_t)i;
			e->count++;
			if (e->count == cap + 1) {
				/* Just outgrew the cap: file every member under
				 * its refined key too, oldest first. */
				uint32_t *m = bb_malloc(e->count * sizeof(*m));
				size_t nm = 0;
				for (uint32_t j = e->head; j != NONE; j = b->next[j])
					m[nm++] = j;
				while (nm > 0)
					refined_add(ix, r, m[--nm], k);
				free(m);
			} else if (e->count > cap + 1) {
				refined_add(ix, r, (uint32_t)i, k);
			}
		}
	}
}

/* The list of records sharing rec's block under rule r: its head and the
 * next array, or false when the rule does not apply or the block is too
 * big even refined. */
static bool
block_of(const struct bb_link_index *ix, unsigned r, uint32_t rec,
    uint32_t *head, const uint32_t **next)
{
	const struct brule *b = &ix->rules[r];
	uint64_t k = ix->keys[(size_t)rec * LX_NRULES + r];
	const struct bent *e;
	if (k == 0)
		return false;
	e = bt_find(&b->base, k);
	if (e == NULL)
		return false;
	if (e->count <= ix->cfg.block_cap) {
		*head = e->head;
		*next = b->next;
		return true;
	}
	uint64_t rk = refine_key(ix, r, rec, k);
	if (rk == 0 || (e = bt_find(&b->refined, rk)) == NULL ||
	    e->count > ix->cfg.block_cap)
		return false;
	*head = e->head;
	*next = b->rnext;
	return true;
}

/* For rec in a block over the cap under rule r (block_of false, the rule
 * applying): the records filed before it in its list (the refined block
 * when rec has the fallback component, else the base block), oldest last. */
static void
window_of(const struct bb_link_index *ix, unsigned r, uint32_t rec,
    uint32_t *first, const uint32_t **next)
{
	const struct brule *b = &ix->rules[r];
	uint64_t k = ix->keys[(size_t)rec * LX_NRULES + r];
	if (refine_key(ix, r, rec, k) != 0) {
		*first = b->rnext[rec];
		*next = b->rnext;
	} else {
		*first = b->next[rec];
		*next = b->next;
	}
}

/* Is a (< b) among the WINDOW records before b in its oversized list? */
static bool
in_window(const struct bb_link_index *ix, unsigned r, uint32_t a, uint32_t b)
{
	const uint32_t *next;
	uint32_t x;
	window_of(ix, r, b, &x, &next);
	for (unsigned w = 0; w < WINDOW && x != NONE; w++, x = next[x])
		if (x == a)
			return true;
	return false;
}

/* Was the pair (a, b), a < b, already compared under rule r (in a block
 * within the cap, or in b's window of an oversized one)? */
static bool
covered(const struct bb_link_index *ix, unsigned r, uint32_t a, uint32_t b)
{
	const struct brule *br = &ix->rules[r];
	uint64_t k = ix->keys[(size_t)a * LX_NRULES + r];
	const struct bent *e;
	if (k == 0 || k != ix->keys[(size_t)b * LX_NRULES + r])
		return false;
	e = bt_find(&br->base, k);
	if (e->count <= ix->cfg.block_cap)
		return true;
	uint64_t rb = refine_key(ix, r, b, k);
	if (rb != 0 && (e = bt_find(&br->refined, rb)) != NULL &&
	    e->count <= ix->cfg.block_cap)
		return refine_key(ix, r, a, k) == rb;
	return in_window(ix, r, a, b);
}

struct chunk {
	struct lpair *p;
	size_t n, cap;
	uint64_t oversized;
};

struct job {
	struct bb_link_index *ix;
	size_t from, to, chunk;
	struct chunk *chunks;
	size_t nchunks;
	atomic_size_t nextchunk;
};

static void
gen_chunk(const struct bb_link_index *ix, size_t from, size_t to,
    struct chunk *c)
{
	for (size_t i = from; i < to; i++) {
		uint32_t b = (uint32_t)i;
		for (unsigned r = 0; r < LX_NRULES; r++) {
			uint32_t head;
			const uint32_t *next;
			unsigned left = UINT32_MAX;
			if (ix->keys[(size_t)b * LX_NRULES + r] == 0)
				continue;
			if (!block_of(ix, r, b, &head, &next)) {
				c->oversized++;
				window_of(ix, r, b, &head, &next);
				left = WINDOW;
			}
			for (uint32_t a = head; a != NONE && left > 0; a = next[a]) {
				unsigned q;
				if (a >= b)
					continue;
				left--;
				for (q = 0; q < r; q++)
					if (covered(ix, q, a, b))
						break;
				if (q < r)
					continue;
				c->p = bb_grow(c->p, &c->cap, c->n + 1,
				    sizeof(*c->p));
				c->p[c->n].a = a;
				c->p[c->n].b = b;
				uint64_t mask = 1u << r;
				for (q = r + 1; q < LX_NRULES; q++)
					if (covered(ix, q, a, b))
						mask |= 1u << q;
				c->p[c->n].vec = lx_compare(ix, a, b) |
				    mask << LV_RULES_SHIFT;
				c->n++;
			}
		}
	}
}

static void *
gen_worker(void *arg)
{
	struct job *j = arg;
	for (;;) {
		size_t k = atomic_fetch_add(&j->nextchunk, 1);
		if (k >= j->nchunks)
			break;
		size_t from = j->from + k * j->chunk;
		size_t to = from + j->chunk < j->to ? from + j->chunk : j->to;
		gen_chunk(j->ix, from, to, &j->chunks[k]);
	}
	return NULL;
}

void
lx_candidates(struct bb_link_index *ix, size_t from, size_t to,
    struct lpair **out, size_t *nout, struct bb_link_stats *st)
{
	struct job j;
	size_t n = to - from, total = 0;
	unsigned nt;
	pthread_t th[64];

	*out = NULL;
	*nout = 0;
	if (n == 0)
		return;
	memset(&j, 0, sizeof(j));
	j.ix = ix;
	j.from = from;
	j.to = to;
	j.chunk = n / 256 + 1;
	if (j.chunk > 4096)
		j.chunk = 4096;
	j.nchunks = (n + j.chunk - 1) / j.chunk;
	j.chunks = bb_calloc(j.nchunks, sizeof(*j.chunks));
	atomic_init(&j.nextchunk, 0);
	nt = lx_threads(ix, n);
	for (unsigned t = 1; t < nt; t++)
		if (pthread_create(&th[t], NULL, gen_worker, &j) != 0)
			nt = t;
	gen_worker(&j);
	for (unsigned t = 1; t < nt; t++)
		pthread_join(th[t], NULL);
	for (size_t k = 0; k < j.nchunks; k++)
		total += j.chunks[k].n;
	*out = bb_malloc((total ? total : 1) * sizeof(**out));
	for (size_t k = 0; k < j.nchunks; k++) {
		if (j.chunks[k].n)
			memcpy(*out + *nout, j.chunks[k].p,
			    j.chunks[k].n * sizeof(**out));
		*nout += j.chunks[k].n;
		if (st)
			st->oversized_blocks += j.chunks[k].oversized;
		free(j.chunks[k].p);
	}
	free(j.chunks);
	if (st)
		st->candidate_pairs += total;
}
