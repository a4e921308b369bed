/*
 * model.c: the Fellegi-Sunter model: m and u probabilities per field level,
 * estimated from the data itself, and the match weights they give.
 *
 * u, the probability of each level among pairs of different people, comes
 * from random pairs (all pairs when there are at most config u_pairs of
 * them, a seeded sample otherwise).  m, the probability among pairs of one
 * person, comes from expectation-maximisation over the blocked candidate
 * pairs with u held fixed, rule by rule as Splink does (estimate_m): EM
 * over all blocked pairs at once tends to settle on "shares a family name"
 * rather than "same person", since blocking makes many non-matches share
 * one.  Random pairs hold a few true matches, which would make u of strong
 * agreements too large; so u is then re-estimated from the random pairs
 * weighted by their posterior of not matching, and m again, three rounds in
 * all.  EM runs over the distinct
 * comparison vectors with their counts, not over pairs, so it costs little
 * however many pairs there are.
 *
 * A pair's match weight is the sum over fields of log2(m/u) of its level
 * (0 for a field missing on either side).  For exact agreement on a given
 * name, family name, postcode or locality, u is replaced by that value's
 * frequency among the other records holding the field (term-frequency
 * adjustment): agreeing on a rare surname says more than on a common one.
 * Small inputs cannot teach much: below MIN_RANDOM random pairs u stays
 * at a prior of common sense (u_prior), m at its defaults, and frequencies
 * are shrunk towards u by TF_PRIOR records.  The posterior probability of a match adds the prior log-odds, from the
 * estimated number of matches among all pairs.  Twins (compare.c) get a
 * weight of LX_VETO and never link.
 */
#include "link/link_int.h"

#include "util/bb.h"
#include "util/diag.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define LX_VETO (-1000.0)
#define SMOOTH 0.5		/* pseudo-count added to each level */
#define ROUNDS 3		/* EM for m, then u re-weighted, ROUNDS times */

unsigned
lx_threads(const struct bb_link_index *ix, size_t work)
{
	unsigned t = ix->cfg.threads;
	if (work < 20000 || t < 1)
		return 1;
	return t > 64 ? 64 : t;
}

/* Prior u of each level above "else" (level 1 up), from common sense about
 * populations: two strangers share a birth date about once in 20,000 pairs,
 * a national id almost never.  They weigh as U_PRIOR random pairs, so they
 * matter only for tiny inputs. */
static const double u_prior[LF_N][LV_MAX] = {
	[LF_GIVEN] = { 0, 0.01, 1e-5, 0.002, 0.003, 0.01 },
	[LF_FAMILY] = { 0, 0.005, 1e-5, 0.002, 0.005 },
	[LF_BIRTH] = { 0, 3e-3, 1e-3, 2e-4, 5e-5 },
	[LF_SEX] = { 0, 0.5 },
	[LF_POSTCODE] = { 0, 0.02, 0.02, 0.01 },
	[LF_LOCALITY] = { 0, 0.005, 0.002, 0.01 },
	[LF_ADDRESS] = { 0, 0.01, 1e-3, 1e-4 },
	[LF_PHONE] = { 0, 1e-5, 1e-6 },
	[LF_EMAIL] = { 0, 1e-5, 1e-6 },
	[LF_NATID] = { 0, 1e-5, 1e-6 },
	[LF_LOCALID] = { 0, 1e-6 },
};
#define U_PRIOR 50.0
#define TF_PRIOR 100.0		/* records of prior behind a value's frequency */
#define MIN_RANDOM 1000		/* fewer random pairs: u stays the prior */

void
lx_model_defaults(struct bb_link_index *ix)
{
	struct model *md = &ix->model;
	memset(md, 0, sizeof(*md));
	for (unsigned f = 0; f < LF_N; f++) {
		unsigned L = lx_nlevels(f);
		double rest = 1.0;
		md->active[f] = true;
		for (unsigned l = 1; l < L; l++) {
			md->u[f][l] = u_prior[f][l];
			rest -= u_prior[f][l];
			md->m[f][l] = l == L - 1 ? 0.9 : 0.05 / (L - 2);
		}
		md->u[f][0] = rest;
		md->m[f][0] = 0.05;
		if (L == 2)
			md->m[f][0] = 0.1;
	}
	md->lambda = 1e-4;
}

/* --- pattern tables --------------------------------------------------------- */

struct ptab {
	uint64_t *vec;
	double *cnt;
	size_t n, cap;
	uint32_t *slots;	/* index + 1; 0 = empty */
	size_t nslots;
};

static void
ptab_add(struct ptab *t, uint64_t vec, double c)
{
	size_t i;
	if ((t->n + 1) * 2 > t->nslots) {
		size_t ns = t->nslots ? t->nslots * 2 : 1024;
		uint32_t *s = bb_calloc(ns, sizeof(*s));
		for (size_t k = 0; k < t->n; k++) {
			for (i = lx_mix(t->vec[k]) & (ns - 1); s[i];
			    i = (i + 1) & (ns - 1))
				;
			s[i] = (uint32_t)k + 1;
		}
		free(t->slots);
		t->slots = s;
		t->nslots = ns;
	}
	for (i = lx_mix(vec) & (t->nslots - 1); t->slots[i];
	    i = (i + 1) & (t->nslots - 1)) {
		if (t->vec[t->slots[i] - 1] == vec) {
			t->cnt[t->slots[i] - 1] += c;
			return;
		}
	}
	size_t cap = t->cap;
	t->vec = bb_grow(t->vec, &cap, t->n + 1, sizeof(*t->vec));
	t->cnt = bb_grow(t->cnt, &t->cap, t->n + 1, sizeof(*t->cnt));
	t->vec[t->n] = vec;
	t->cnt[t->n] = c;
	t->slots[i] = (uint32_t)++t->n;
}

static void
ptab_free(struct ptab *t)
{
	free(t->vec);
	free(t->cnt);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* --- random pairs ------------------------------------------------------------ */

struct sample_job {
	const struct bb_link_index *ix;
	uint64_t *vec;
	size_t n;		/* pairs */
	bool all;		/* enumerate every pair */
	atomic_size_t next;
};

/* The k-th pair of the sample. */
static void
sample_pair(const struct bb_link_index *ix, bool all, size_t k, uint32_t *a,
    uint32_t *b)
{
	size_t n = ix->n;
	if (all) {
		/* k-th pair (i < j) in row order, by the triangular root. */
		size_t j = (size_t)((1.0 + sqrt(1.0 + 8.0 * (double)k)) / 2.0);
		while (j * (j - 1) / 2 > k)
			j--;
		while ((j + 1) * j / 2 <= k)
			j++;
		*b = (uint32_t)j;
		*a = (uint32_t)(k - j * (j - 1) / 2);
		return;
	}
	uint64_t s = lx_mix(ix->cfg.seed ^ lx_mix(k));
	uint32_t x = (uint32_t)(s % n);
	uint32_t y = (uint32_t)(lx_mix(s) % (n - 1));
	if (y >= x)
		y++;
	*a = x < y ? x : y;
	*b = x < y ? y : x;
}

static void *
sample_worker(void *arg)
{
	struct sample_job *j = arg;
	const size_t chunk = 4096;
	for (;;) {
		size_t from = atomic_fetch_add(&j->next, chunk);
		if (from >= j->n)
			break;
		size_t to = from + chunk < j->n ? from + chunk : j->n;
		for (size_t k = from; k < to; k++) {
			uint32_t a, b;
			sample_pair(j->ix, j->all, k, &a, &b);
			j->vec[k] = lx_compare(j->ix, a, b);
		}
	}
	return NULL;
}

static void
sample_random(const struct bb_link_index *ix, struct ptab *t, uint64_t *npairs)
{
	struct sample_job j;
	double total = (double)ix->n * (double)(ix->n - 1) / 2.0;
	pthread_t th[64];
	unsigned nt;

	memset(&j, 0, sizeof(j));
	j.ix = ix;
	j.all = total <= (double)ix->cfg.u_pairs;
	j.n = j.all ? (size_t)total : ix->cfg.u_pairs;
	j.vec = bb_malloc((j.n ? j.n : 1) * sizeof(*j.vec));
	atomic_init(&j.next, 0);
	nt = lx_threads(ix, j.n);
	for (unsigned k = 1; k < nt; k++)
		if (pthread_create(&th[k], NULL, sample_worker, &j) != 0)
			nt = k;
	sample_worker(&j);
	for (unsigned k = 1; k < nt; k++)
		pthread_join(th[k], NULL);
	for (size_t k = 0; k < j.n; k++)
		ptab_add(t, j.vec[k], 1.0);
	*npairs = j.n;
	free(j.vec);
}

/* --- EM ------------------------------------------------------------------------ */

/* log-likelihood ratio log(Pm / Pu) of a vector under the model. */
static double
llr(const struct model *md, uint64_t vec)
{
	double s = 0;
	for (unsigned f = 0; f < LF_N; f++) {
		unsigned l = LV_GET(vec, f);
		if (l == LV_MISSING || !md->active[f])
			continue;
		s += log(md->m[f][l]) - log(md->u[f][l]);
	}
	return s;
}

static double
posterior(double lambda, double ll)
{
	double x = log(lambda / (1.0 - lambda)) + ll;
	if (x > 40)
		return 1.0;
	if (x < -40)
		return 0.0;
	return 1.0 / (1.0 + exp(-x));
}

/* Estimate one side's level probabilities from a table, each vector
 * weighted by its posterior p (match) or 1 - p (non-match).  m is smoothed
 * by SMOOTH pseudo-pairs a level; u by U_PRIOR pairs of the prior. */
static void
reestimate(const struct ptab *t, const double *p, bool match,
    double out[LF_N][LV_MAX])
{
	double s[LF_N][LV_MAX];
	memset(s, 0, sizeof(s));
	for (size_t k = 0; k < t->n; k++) {
		double w = t->cnt[k] * (match ? p[k] : 1.0 - p[k]);
		for (unsigned f = 0; f < LF_N; f++) {
			unsigned l = LV_GET(t->vec[k], f);
			if (l != LV_MISSING)
				s[f][l] += w;
		}
	}
	for (unsigned f = 0; f < LF_N; f++) {
		unsigned L = lx_nlevels(f);
		double tot = 0, prior[LV_MAX], above = 0;
		for (unsigned l = 1; l < L; l++)
			above += u_prior[f][l];
		for (unsigned l = 0; l < L; l++)
			prior[l] = match ? SMOOTH :
			    U_PRIOR * (l ? u_prior[f][l] : 1.0 - above);
		for (unsigned l = 0; l < L; l++)
			tot += s[f][l] + prior[l];
		for (unsigned l = 0; l < L; l++)
			out[f][l] = (s[f][l] + prior[l]) / tot;
	}
}

/* EM over table t for m and lambda, u fixed.  Returns iterations. */
static unsigned
em_m(struct model *md, const struct ptab *t, double *lambda, unsigned maxit)
{
	double *p = bb_malloc((t->n ? t->n : 1) * sizeof(*p));
	unsigned it;

	for (it = 0; it < maxit; it++) {
		double num = 0, den = 0, delta = 0;
		double nm[LF_N][LV_MAX];
		for (size_t k = 0; k < t->n; k++) {
			p[k] = posterior(*lambda, llr(md, t->vec[k]));
			num += t->cnt[k] * p[k];
			den += t->cnt[k];
		}
		reestimate(t, p, true, nm);
		for (unsigned f = 0; f < LF_N; f++)
			for (unsigned l = 0; l < lx_nlevels(f); l++) {
				delta = fmax(delta, fabs(nm[f][l] - md->m[f][l]));
				md->m[f][l] = nm[f][l];
			}
		*lambda = fmin(fmax(num / den, 1e-9), 1 - 1e-9);
		if (delta < 1e-6)
			break;
	}
	free(p);
	return it + 1;
}

/* u from the random pairs, weighted by their posterior of not matching;
 * lambda_r, the share of matches among them, alongside. */
static void
em_u(struct model *md, const struct ptab *t, double *lambda_r, unsigned maxit)
{
	double *p = bb_malloc((t->n ? t->n : 1) * sizeof(*p));
	for (unsigned it = 0; it < maxit; it++) {
		double num = 0, den = 0;
		for (size_t k = 0; k < t->n; k++) {
			p[k] = posterior(*lambda_r, llr(md, t->vec[k]));
			num += t->cnt[k] * p[k];
			den += t->cnt[k];
		}
		reestimate(t, p, false, md->u);
		*lambda_r = fmin(fmax(num / den, 1e-12), 0.5);
	}
	free(p);
}

static void
set_weights(struct bb_link_index *ix)
{
	struct model *md = &ix->model;
	double pm = ix->cfg.match_prob, pr = ix->cfg.review_prob;
	for (unsigned f = 0; f < LF_N; f++)
		for (unsigned l = 0; l < LV_MAX; l++)
			md->w[f][l] = l < lx_nlevels(f) ?
			    log2(md->m[f][l] / md->u[f][l]) : 0;
	md->prior_bits = log2(md->lambda / (1.0 - md->lambda));
	md->wmatch = log2(pm / (1.0 - pm)) - md->prior_bits;
	md->wreview = log2(pr / (1.0 - pr)) - md->prior_bits;
}

/* Estimate m the way Splink does, robust to pairs that agree because they
 * were blocked: for each blocking rule, EM over the pairs its blocks hold,
 * with the fields the rule constrains left out (the rule makes them agree);
 * each field's m is then the average of the estimates of the rules that
 * leave it free, weighted by the matches each rule's EM found.  Returns the
 * EM iterations spent. */
static unsigned
estimate_m(struct model *md, const struct lpair *pairs, size_t npairs,
    unsigned maxit)
{
	double sum[LF_N][LV_MAX], wsum[LF_N];
	unsigned iters = 0;

	memset(sum, 0, sizeof(sum));
	memset(wsum, 0, sizeof(wsum));
	for (unsigned r = 0; r < LX_NRULES; r++) {
		struct ptab t;
		struct model mr = *md;
		uint64_t keep = LV_MASK, bit = UINT64_C(1) << (LV_RULES_SHIFT + r);
		unsigned fields = lx_rule_fields(r);
		double lambda = 0.1, npr = 0;

		for (unsigned f = 0; f < LF_N; f++)
			if (fields & (1u << f))
				keep &= ~((uint64_t)0xF << (f * LV_BITS));
		memset(&t, 0, sizeof(t));
		for (size_t k = 0; k < npairs; k++) {
			if (!(pairs[k].vec & bit))
				continue;
			/* Constrained fields become "missing". */
			ptab_add(&t, (pairs[k].vec & keep) | (~keep & LV_MASK), 1.0);
			npr++;
		}
		if (npr >= 10) {
			double seen[LF_N];
			for (unsigned f = 0; f < LF_N; f++)
				mr.active[f] = md->active[f] && !(fields & (1u << f));
			iters += em_m(&mr, &t, &lambda, maxit);
			/* Each field's estimate counts by the matches that hold
			 * it on both sides: a field the rule's pairs never hold
			 * (a partner with no postcode) learnt nothing, and its
			 * m (the smoothing's uniform) must not count. */
			memset(seen, 0, sizeof(seen));
			for (size_t k = 0; k < t.n; k++) {
				double p = t.cnt[k] * posterior(lambda,
				    llr(&mr, t.vec[k]));
				for (unsigned f = 0; f < LF_N; f++)
					if (LV_GET(t.vec[k], f) != LV_MISSING)
						seen[f] += p;
			}
			for (unsigned f = 0; f < LF_N; f++) {
				if (!mr.active[f] || seen[f] < 1)
					continue;
				for (unsigned l = 0; l < lx_nlevels(f); l++)
					sum[f][l] += seen[f] * mr.m[f][l];
				wsum[f] += seen[f];
			}
		}
		ptab_free(&t);
	}
	for (unsigned f = 0; f < LF_N; f++)
		if (wsum[f] > 0)
			for (unsigned l = 0; l < lx_nlevels(f); l++)
				md->m[f][l] = sum[f][l] / wsum[f];
	return iters;
}

/* The share of matches among the candidate pairs, m and u fixed. */
static double
estimate_lambda(const struct model *md, const struct ptab *t)
{
	double lambda = 0.1;
	for (unsigned it = 0; it < 50; it++) {
		double num = 0, den = 0;
		for (size_t k = 0; k < t->n; k++) {
			num += t->cnt[k] * posterior(lambda, llr(md, t->vec[k]));
			den += t->cnt[k];
		}
		double nl = fmin(fmax(num / den, 1e-9), 1 - 1e-9);
		if (fabs(nl - lambda) < 1e-9)
			break;
		lambda = nl;
	}
	return lambda;
}

void
lx_model_train(struct bb_link_index *ix, const struct lpair *pairs,
    size_t npairs, size_t from, struct bb_link_stats *st)
{
	struct model *md = &ix->model;
	struct ptab rnd, blk;
	double lambda_b = 0.1, lambda_r = 1e-4;
	double total = (double)ix->n * (double)(ix->n - 1) / 2.0;
	/* The pairs the candidates were drawn from: those with a record
	 * from `from` on (a batch against everything before it). */
	double drawn = total - (double)from * (double)(from > 0 ? from - 1 : 0) / 2.0;
	uint64_t nrandom = 0;
	unsigned iters = 0;

	lx_model_defaults(ix);
	memset(&rnd, 0, sizeof(rnd));
	memset(&blk, 0, sizeof(blk));
	if (ix->n < 2) {
		set_weights(ix);
		return;
	}
	sample_random(ix, &rnd, &nrandom);
	for (size_t k = 0; k < npairs; k++)
		ptab_add(&blk, pairs[k].vec & LV_MASK, 1.0);
	/* Fields seen on both sides of some pair take part. */
	for (unsigned f = 0; f < LF_N; f++) {
		md->active[f] = false;
		for (size_t k = 0; k < blk.n && !md->active[f]; k++)
			if (LV_GET(blk.vec[k], f) != LV_MISSING)
				md->active[f] = true;
		for (size_t k = 0; k < rnd.n && !md->active[f]; k++)
			if (LV_GET(rnd.vec[k], f) != LV_MISSING)
				md->active[f] = true;
	}
	if (nrandom >= MIN_RANDOM) {
		double *p = bb_calloc(rnd.n ? rnd.n : 1, sizeof(*p));
		reestimate(&rnd, p, false, md->u);
		free(p);
	}
	if (npairs >= 10 && nrandom >= MIN_RANDOM) {
		for (unsigned round = 0; round < ROUNDS; round++) {
			iters += estimate_m(md, pairs, npairs,
			    ix->cfg.em_iterations);
			em_u(md, &rnd, &lambda_r, 10);
		}
		lambda_b = estimate_lambda(md, &blk);
		/* Prior: the matches expected among the blocked pairs, over
		 * the pairs they were drawn from (blocking misses few).  Over
		 * all pairs, a batch's few matches would look rare among the
		 * many pairs of records before it, and every later weight
		 * would need bits it cannot have. */
		md->lambda = fmin(fmax(lambda_b * (double)npairs /
		    fmax(drawn, 1.0), 1e-12), 0.5);
	} else {
		md->lambda = fmin(fmax(1.0 / fmax(total, 1.0), 1e-12), 0.5);
	}
	md->trained = true;
	set_weights(ix);
	if (st) {
		st->random_pairs = nrandom;
		st->em_iterations = iters;
		st->trained = true;
	}
	ptab_free(&rnd);
	ptab_free(&blk);
}

double
lx_field_weight(const struct bb_link_index *ix, uint32_t a, unsigned f,
    unsigned level, bool *tf)
{
	const struct model *md = &ix->model;
	*tf = false;
	if (level == LV_MISSING || !md->active[f] || level >= lx_nlevels(f))
		return 0;
	if (lx_tf_level(f, level)) {
		const struct pool *p = &ix->pool[f];
		uint32_t id = ix->recs[a].v[f];
		if (id && p->holders > 1) {
			/* How often another record holds this value, shrunk
			 * towards the field's u by TF_PRIOR records, so a few
			 * records cannot make their own values look common. */
			double others = (double)p->v[id].count - 1;
			double freq = (fmax(others, 0) + TF_PRIOR * md->u[f][level]) /
			    ((double)p->holders - 1 + TF_PRIOR);
			*tf = true;
			return log2(md->m[f][level] / freq);
		}
	}
	return md->w[f][level];
}

bool
lx_local_id_link(const struct bb_link_index *ix, uint64_t vec, double w)
{
	return ix->model.active[LF_LOCALID] && LV_GET(vec, LF_LOCALID) == 1 &&
	    w >= 0 && w < ix->model.wmatch;
}

double
lx_weight(const struct bb_link_index *ix, uint32_t a, uint32_t b, uint64_t vec)
{
	double w = 0;
	bool tf;
	if (lx_twins(ix, a, b, vec) || lx_household(vec))
		return LX_VETO;
	for (unsigned f = 0; f < LF_N; f++)
		w += lx_field_weight(ix, a, f, LV_GET(vec, f), &tf);
	/* A partner's own id for the person agreeing is a sure link, unless
	 * the other fields contradict it more than it weighs (an id typed
	 * wrong, landing on another person).  The model alone cannot say so:
	 * when a partner sends many rows per person (monthly attendance),
	 * random pairs agreeing on an id are mostly the same person, which
	 * keeps u high and the weight of an id alone below the match weight. */
	if (lx_local_id_link(ix, vec, w))
		w = ix->model.wmatch;
	return w;
}

double
lx_prob(const struct bb_link_index *ix, double weight)
{
	double x = weight + ix->model.prior_bits;
	if (x > 60)
		return 1.0;
	if (x < -60)
		return 0.0;
	return 1.0 / (1.0 + exp2(-x));
}

/* --- saving and loading ------------------------------------------------------ */

char *
bb_link_model_save(const struct bb_link_index *ix)
{
	const struct model *md = &ix->model;
	json_t *root = json_object(), *fields = json_object();
	char *out;

	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "trained", json_boolean(md->trained));
	json_object_set_new(root, "prior", json_real(md->lambda));
	for (unsigned f = 0; f < LF_N; f++) {
		json_t *o = json_object(), *m = json_array(), *u = json_array();
		for (unsigned l = 0; l < lx_nlevels(f); l++) {
			json_array_append_new(m, json_real(md->m[f][l]));
			json_array_append_new(u, json_real(md->u[f][l]));
		}
		json_object_set_new(o, "active", json_boolean(md->active[f]));
		json_object_set_new(o, "m", m);
		json_object_set_new(o, "u", u);
		json_object_set_new(fields,
		    bb_link_role_name((enum bb_identity_role)(f + 1)), o);
	}
	json_object_set_new(root, "fields", fields);
	out = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(root);
	if (out == NULL)
		abort();	/* only out of memory */
	return out;
}

/* Read a probability array of n levels into out; false when malformed. */
static bool
load_probs(const json_t *a, unsigned n, double out[LV_MAX])
{
	double sum = 0;
	if (!json_is_array(a) || json_array_size(a) != n)
		return false;
	for (unsigned l = 0; l < n; l++) {
		const json_t *v = json_array_get(a, l);
		if (!json_is_number(v))
			return false;
		out[l] = json_number_value(v);
		if (!(out[l] > 0 && out[l] <= 1))
			return false;
		sum += out[l];
	}
	return fabs(sum - 1.0) < 1e-6;
}

int
bb_link_model_load(struct bb_link_index *ix, const char *text,
    struct bb_diag *d)
{
	json_error_t err;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	struct model md;
	int rc = BB_ERR_INPUT;

	if (root == NULL) {
		bb_diag_set(d, NULL, (unsigned long)err.line,
		    (unsigned long)err.column, "model-json", "%s", err.text);
		return BB_ERR_INPUT;
	}
	memset(&md, 0, sizeof(md));
	const json_t *fields = json_object_get(root, "fields");
	const json_t *prior = json_object_get(root, "prior");
	if (json_integer_value(json_object_get(root, "version")) != 1 ||
	    !json_is_object(fields) || !json_is_number(prior) ||
	    !(json_number_value(prior) > 0 && json_number_value(prior) <= 0.5)) {
		bb_diag_set(d, NULL, 0, 0, "model-shape",
		    "not a linkage model of version 1 (version, prior, fields)");
		goto out;
	}
	md.lambda = json_number_value(prior);
	md.trained = json_is_true(json_object_get(root, "trained"));
	for (unsigned f = 0; f < LF_N; f++) {
		const char *name = bb_link_role_name((enum bb_identity_role)(f + 1));
		const json_t *o = json_object_get(fields, name);
		if (!json_is_object(o) ||
		    !load_probs(json_object_get(o, "m"), lx_nlevels(f), md.m[f]) ||
		    !load_probs(json_object_get(o, "u"), lx_nlevels(f), md.u[f])) {
			bb_diag_set(d, NULL, 0, 0, "model-field",
			    "field '%s': m and u must be arrays of %u probabilities "
			    "adding up to 1", name, lx_nlevels(f));
			goto out;
		}
		md.active[f] = json_is_true(json_object_get(o, "active"));
	}
	ix->model = md;
	set_weights(ix);
	rc = BB_OK;
out:
	json_decref(root);
	return rc;
}
