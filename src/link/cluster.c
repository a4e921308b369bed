/*
 * cluster.c: from scored pairs to participants, and people's decisions.
 *
 * Links are taken strongest first.  Two clusters merge only when the merged
 * cluster would hold together: every pair across them is compared (up to
 * CROSS_MAX members a side), and the merge is refused when any pair was
 * decided "not the same person", or when more than one pair in BAD_SHARE
 * contradicts it: weighs less than CONTRA, that is its fields disagree more
 * than they agree (different people, or twins).  Pairs that share little
 * (one record lacks most fields) neither help nor hinder.  Two single
 * records that are twins never merge.  So one weak or
 * mistaken link cannot chain two people together, and when a record matches
 * two others that are not one person, the stronger match wins (which gives
 * one-to-one assignment between two deduplicated files).
 *
 * Ids: clusters holding known records keep their participant id; when a
 * merge joins two known participants the lower id survives and the merge is
 * reported with the pair that proved it.  Clusters of new records only get
 * fresh ids in the order of their earliest record, so the same records in
 * the same order always get the same ids.
 *
 * Decisions: "same" pairs merge at once and for good; "not same" pairs are
 * never in one cluster: a participant holding such a pair is re-clustered
 * from its own records with the decisions applied, the part holding its
 * earliest record keeping the id.
 */
#include "link/link_int.h"

#include "util/bb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define CROSS_MAX 64		/* members a side compared when merging */
#define LX_VETO_CUT (-500.0)
#define BAD_SHARE 4		/* at most 1 in BAD_SHARE pairs across may fail */
#define CONTRA 0.0		/* a pair weighing less contradicts a merge */

/* --- pair sets ---------------------------------------------------------------- */

static uint64_t
pair_code(uint32_t a, uint32_t b)
{
	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	return ((uint64_t)a << 32 | b) + 1;
}

bool
lx_pairset_has(const struct pairset *s, uint32_t a, uint32_t b)
{
	uint64_t c = pair_code(a, b);
	if (s->cap == 0)
		return false;
	for (size_t i = lx_mix(c) & (s->cap - 1); s->slots[i];
	    i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == c)
			return true;
	return false;
}

static void
pairset_put(struct pairset *s, uint64_t c)
{
	size_t i;
	if ((s->n + 1) * 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		uint64_t *ns = bb_calloc(nc, sizeof(*ns));
		for (size_t k = 0; k < s->cap; k++) {
			if (!s->slots[k] || s->slots[k] == UINT64_MAX)
				continue;
			for (i = lx_mix(s->slots[k]) & (nc - 1); ns[i];
			    i = (i + 1) & (nc - 1))
				;
			ns[i] = s->slots[k];
		}
		free(s->slots);
		s->slots = ns;
		s->cap = nc;
	}
	for (i = lx_mix(c) & (s->cap - 1); s->slots[i]; i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == c)
			return;
	s->slots[i] = c;
	s->n++;
}

/* Remove by rebuilding without it (decisions are few). */
static void
pairset_del(struct pairset *s, uint32_t a, uint32_t b)
{
	uint64_t c = pair_code(a, b);
	struct pairset t;
	if (!lx_pairset_has(s, a, b))
		return;
	memset(&t, 0, sizeof(t));
	for (size_t k = 0; k < s->cap; k++)
		if (s->slots[k] && s->slots[k] != c)
			pairset_put(&t, s->slots[k]);
	lx_pairset_free(s);
	*s = t;
}

void
lx_pairset_free(struct pairset *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/* --- clusters ------------------------------------------------------------------- */

void
lx_clusters_free(struct bb_link_index *ix)
{
	free(ix->cl);
	free(ix->mnext);
	free(ix->cls);
	ix->cl = ix->mnext = NULL;
	ix->cls = NULL;
	ix->ncls = ix->capcls = 0;
	lx_pairset_free(&ix->same);
	lx_pairset_free(&ix->notsame);
}

static uint32_t
new_cluster(struct bb_link_index *ix, uint32_t rec, int64_t pid)
{
	struct lcluster *c;
	ix->cls = bb_grow(ix->cls, &ix->capcls, ix->ncls + 1, sizeof(*ix->cls));
	c = &ix->cls[ix->ncls];
	c->pid = pid;
	c->head = c->tail = rec;
	c->size = 1;
	c->minrec = rec;
	ix->cl[rec] = (uint32_t)ix->ncls;
	ix->mnext[rec] = NONE;
	return (uint32_t)ix->ncls++;
}

void
lx_clusters_extend(struct bb_link_index *ix, size_t from, size_t to)
{
	ix->cl = bb_realloc(ix->cl, (to ? to : 1) * sizeof(*ix->cl));
	ix->mnext = bb_realloc(ix->mnext, (to ? to : 1) * sizeof(*ix->mnext));
	for (size_t i = from; i < to; i++)
		new_cluster(ix, (uint32_t)i, 0);
}

static double
score(const struct bb_link_index *ix, uint32_t a, uint32_t b)
{
	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	if (lx_pairset_has(&ix->same, a, b))
		return 1000.0;
	return lx_weight(ix, a, b, lx_compare(ix, a, b));
}

/* May clusters x and y become one?  `w` is the weight of the link between
 * them that prompted the question. */
static bool
may_merge(const struct bb_link_index *ix, uint32_t x, uint32_t y, double w)
{
	const struct lcluster *X = &ix->cls[x], *Y = &ix->cls[y];
	size_t n = 0, bad = 0, i = 0;

	if (X->size == 1 && Y->size == 1)
		return !lx_pairset_has(&ix->notsame, X->head, Y->head) &&
		    w > LX_VETO_CUT;
	for (uint32_t a = X->head; a != NONE && i < CROSS_MAX; a = ix->mnext[a], i++) {
		size_t j = 0;
		for (uint32_t b = Y->head; b != NONE && j < CROSS_MAX;
		    b = ix->mnext[b], j++) {
			if (lx_pairset_has(&ix->notsame, a, b))
				return false;
			double s = score(ix, a, b);
			n++;
			if (s < CONTRA)
				bad++;
		}
	}
	/* A clear majority of the pairs across must not contradict (one
	 * record with a replaced name may look like a twin of one other). */
	return n > 0 && bad * BAD_SHARE <= n;
}

/* Join cluster y into x (keeping the larger's slot); returns the slot kept.
 * The id kept: the lower of two ids; else the one there is. */
static uint32_t
join(struct bb_link_index *ix, uint32_t x, uint32_t y, uint32_t a, uint32_t b,
    double w, struct bb_link_report *rep)
{
	struct lcluster *X = &ix->cls[x], *Y = &ix->cls[y];
	int64_t keep;

	if (X->pid && Y->pid) {
		keep = X->pid < Y->pid ? X->pid : Y->pid;
		lx_report_event(rep, BB_LINK_MERGED, keep,
		    X->pid < Y->pid ? Y->pid : X->pid, a < b ? a : b,
		    a < b ? b : a, w);
	} else {
		keep = X->pid ? X->pid : Y->pid;
	}
	if (X->size < Y->size) {
		uint32_t t = x;
		x = y;
		y = t;
		X = &ix->cls[x];
		Y = &ix->cls[y];
	}
	for (uint32_t r = Y->head; r != NONE; r = ix->mnext[r])
		ix->cl[r] = x;
	ix->mnext[X->tail] = Y->head;
	X->tail = Y->tail;
	X->size += Y->size;
	if (Y->minrec < X->minrec)
		X->minrec = Y->minrec;
	X->pid = keep;
	Y->size = 0;
	Y->pid = 0;
	Y->head = Y->tail = NONE;
	return x;
}

struct edge {
	uint32_t a, b;
	double w;
};

static int
edge_cmp(const void *p, const void *q)
{
	const struct edge *x = p, *y = q;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

static void
link_edges(struct bb_link_index *ix, struct edge *e, size_t ne,
    struct bb_link_report *rep)
{
	if (ne == 0)
		return;
	qsort(e, ne, sizeof(*e), edge_cmp);
	for (size_t k = 0; k < ne; k++) {
		uint32_t x = ix->cl[e[k].a], y = ix->cl[e[k].b];
		if (x == y || !may_merge(ix, x, y, e[k].w))
			continue;
		join(ix, x, y, e[k].a, e[k].b, e[k].w, rep);
	}
}

/* Give ids to clusters without one, in the order of their earliest record
 * among records [from, n). */
static void
assign_ids(struct bb_link_index *ix, size_t from)
{
	for (size_t i = from; i < ix->n; i++) {
		struct lcluster *c = &ix->cls[ix->cl[i]];
		if (c->pid == 0)
			c->pid = ix->next_pid++;
	}
}

void
lx_cluster_link(struct bb_link_index *ix, struct lpair *pairs, size_t npairs,
    size_t from, struct bb_link_report *rep)
{
	const struct model *md = &ix->model;
	struct edge *e = bb_malloc((npairs ? npairs : 1) * sizeof(*e));
	size_t ne = 0;

	for (size_t k = 0; k < npairs; k++) {
		uint32_t a = pairs[k].a, b = pairs[k].b;
		double w;
		if (lx_pairset_has(&ix->notsame, a, b))
			continue;
		w = lx_pairset_has(&ix->same, a, b) ? 1000.0 :
		    lx_weight(ix, a, b, pairs[k].vec);
		if (w >= md->wmatch) {
			e[ne].a = a;
			e[ne].b = b;
			e[ne].w = w;
			ne++;
		} else if (w >= md->wreview) {
			lx_report_review(rep, a, b, w, lx_prob(ix, w));
		}
	}
	if (rep)
		rep->stats.links += ne;
	link_edges(ix, e, ne, rep);
	free(e);
	assign_ids(ix, from);
}

/* Recluster the members of cluster c from scratch (after a "not same"
 * decision).  The part holding c's earliest record keeps its id. */
static void
recluster(struct bb_link_index *ix, uint32_t c, uint32_t da, uint32_t db,
    struct bb_link_report *rep)
{
	int64_t pid = ix->cls[c].pid;
	uint32_t minrec = ix->cls[c].minrec;
	uint32_t *m = NULL;
	size_t nm = 0, cap = 0, ne = 0, ecap = 0;
	struct edge *e = NULL;

	for (uint32_t r = ix->cls[c].head; r != NONE; r = ix->mnext[r]) {
		m = bb_grow(m, &cap, nm + 1, sizeof(*m));
		m[nm++] = r;
	}
	ix->cls[c].size = 0;
	ix->cls[c].pid = 0;
	ix->cls[c].head = ix->cls[c].tail = NONE;
	for (size_t i = 0; i < nm; i++)
		new_cluster(ix, m[i], 0);
	/* "Same" decisions first, then the strong links. */
	for (size_t i = 0; i < nm; i++)
		for (size_t j = i + 1; j < nm; j++) {
			uint32_t a = m[i] < m[j] ? m[i] : m[j];
			uint32_t b = m[i] < m[j] ? m[j] : m[i];
			double w;
			if (lx_pairset_has(&ix->same, a, b)) {
				if (ix->cl[a] != ix->cl[b])
					join(ix, ix->cl[a], ix->cl[b], a, b, 1000.0,
					    NULL);
				continue;
			}
			w = score(ix, a, b);
			if (w >= ix->model.wmatch) {
				e = bb_grow(e, &ecap, ne + 1, sizeof(*e));
				e[ne].a = a;
				e[ne].b = b;
				e[ne].w = w;
				ne++;
			}
		}
	link_edges(ix, e, ne, NULL);
	ix->cls[ix->cl[minrec]].pid = pid;
	/* The other parts get new ids, in the order of their earliest record. */
	for (size_t i = 0; i < nm; i++) {
		struct lcluster *k = &ix->cls[ix->cl[m[i]]];
		if (k->pid == 0) {
			k->pid = ix->next_pid++;
			lx_report_event(rep, BB_LINK_SPLIT, pid, k->pid,
			    da < db ? da : db, da < db ? db : da,
			    score(ix, da, db));
		}
	}
	free(m);
	free(e);
}

/* Are a and b joined by "same" decisions (directly or through others)? */
static bool
same_connected(const struct bb_link_index *ix, uint32_t a, uint32_t b)
{
	uint32_t c = ix->cl[a];
	uint32_t *m = NULL, *comp = NULL;
	size_t nm = 0, cap = 0;
	bool found = false;

	if (c != ix->cl[b])
		return false;
	for (uint32_t r = ix->cls[c].head; r != NONE; r = ix->mnext[r]) {
		m = bb_grow(m, &cap, nm + 1, sizeof(*m));
		m[nm++] = r;
	}
	/* Union-find over the cluster's members by "same" pairs. */
	comp = bb_malloc(nm * sizeof(*comp));
	for (size_t i = 0; i < nm; i++)
		comp[i] = (uint32_t)i;
	for (size_t i = 0; i < nm; i++)
		for (size_t j = i + 1; j < nm; j++) {
			if (!lx_pairset_has(&ix->same, m[i], m[j]))
				continue;
			uint32_t x = (uint32_t)i, y = (uint32_t)j;
			while (comp[x] != x)
				x = comp[x];
			while (comp[y] != y)
				y = comp[y];
			if (x != y)
				comp[x > y ? x : y] = x < y ? x : y;
		}
	{
		uint32_t x = NONE, y = NONE;
		for (size_t i = 0; i < nm; i++) {
			if (m[i] == a)
				x = (uint32_t)i;
			if (m[i] == b)
				y = (uint32_t)i;
		}
		while (comp[x] != x)
			x = comp[x];
		while (comp[y] != y)
			y = comp[y];
		found = x == y;
	}
	free(m);
	free(comp);
	return found;
}

int
lx_decide(struct bb_link_index *ix, uint32_t a, uint32_t b, bool same,
    struct bb_link_report *rep)
{
	uint32_t x = ix->cl[a], y = ix->cl[b];

	if (same) {
		if (x != y) {
			for (uint32_t p = ix->cls[x].head; p != NONE; p = ix->mnext[p])
				for (uint32_t q = ix->cls[y].head; q != NONE;
				    q = ix->mnext[q])
					if (lx_pairset_has(&ix->notsame, p, q) &&
					    !(p == a && q == b) &&
					    !(p == b && q == a))
						return BB_ERR_CONFLICT;
		}
		pairset_del(&ix->notsame, a, b);
		pairset_put(&ix->same, pair_code(a, b));
		if (x != y)
			join(ix, x, y, a, b, 1000.0, rep);
		return BB_OK;
	}
	/* A "not same" replaces an earlier "same" on this very pair, but not
	 * one implied through other decisions. */
	bool had = lx_pairset_has(&ix->same, a, b);
	if (had)
		pairset_del(&ix->same, a, b);
	if (same_connected(ix, a, b)) {
		if (had)
			pairset_put(&ix->same, pair_code(a, b));
		return BB_ERR_CONFLICT;
	}
	pairset_put(&ix->notsame, pair_code(a, b));
	if (x == y)
		recluster(ix, x, a, b, rep);
	return BB_OK;
}
