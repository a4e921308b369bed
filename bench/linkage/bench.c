/*
 * bench.c: the linkage benchmark (bench/linkage/run builds and runs it).
 *
 * Generates 1,000,000 synthetic records of people at 10 partners (synth.c,
 * seeded, known truth), links them with the default configuration and
 * prints wall time, peak memory, pairs compared, precision and recall; adds
 * a batch of 10,000 new records (half of known people) and times that; and
 * measures Dice comparisons of encodings per second.  Every figure is
 * printed beside its floor, with a ratio to a baseline measured in the same
 * run: sorting the records by name and birth date; a plain loop over the
 * same encodings.  Exits 1 when a floor is missed.
 *
 *   build/bench/linkage [RECORDS]
 */
#include "link/encode.h"
#include "link/link.h"
#include "synth.h"
#include "util/bb.h"
#include "util/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define PARTNERS 10
#define BATCH 10000
#define DICE_SIDE 10000

static double
peak_gib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / (1024.0 * 1024.0);	/* KiB -> GiB */
}

struct pp {
	int64_t pid;
	uint32_t person;
};

static int
pp_cmp(const void *a, const void *b)
{
	const struct pp *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->person > y->person) - (x->person < y->person);
}

static int
person_cmp(const void *a, const void *b)
{
	const struct pp *x = a, *y = b;
	return (x->person > y->person) - (x->person < y->person);
}

static double
choose2(uint64_t n)
{
	return (double)n * (double)(n - 1) / 2.0;
}

/* Pairwise precision and recall of the index's participants. */
static void
accuracy(const struct bb_link_index *ix, const struct synth_rec *r, size_t n,
    double *prec, double *rec)
{
	struct pp *v = bb_malloc(n * sizeof(*v));
	double pred = 0, truth = 0, tp = 0;
	for (size_t i = 0; i < n; i++) {
		v[i].pid = bb_link_index_participant(ix, i);
		v[i].person = r[i].person;
	}
	qsort(v, n, sizeof(*v), pp_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && v[j].pid == v[i].pid; j++)
			;
		pred += choose2(j - i);
		for (size_t k = i, l; k < j; k = l) {
			for (l = k; l < j && v[l].person == v[k].person; l++)
				;
			tp += choose2(l - k);
		}
	}
	qsort(v, n, sizeof(*v), person_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && v[j].person == v[i].person; j++)
			;
		truth += choose2(j - i);
	}
	*prec = pred > 0 ? tp / pred : 1;
	*rec = truth > 0 ? tp / truth : 1;
	free(v);
}

static const char *
verdict(bool ok, int *failed)
{
	if (!ok)
		(*failed)++;
	return ok ? "ok" : "MISSED";
}

struct key {
	char k[96];
};

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->k, ((const struct key *)b)->k);
}

/* The baseline: sort the records by family name, given name, birth date. */
static double
sort_baseline(const struct synth_rec *r, size_t n)
{
	struct key *k = bb_malloc(n * sizeof(*k));
	double t0 = bb_now();
	for (size_t i = 0; i < n; i++) {
		const char *const *v = (const char *const *)r[i].value;
		snprintf(k[i].k, sizeof(k[i].k), "%s|%s|%s",
		    v[BB_ID_FAMILY_NAME] ? v[BB_ID_FAMILY_NAME] : "",
		    v[BB_ID_GIVEN_NAME] ? v[BB_ID_GIVEN_NAME] : "",
		    v[BB_ID_BIRTH_DATE] ? v[BB_ID_BIRTH_DATE] : "");
	}
	qsort(k, n, sizeof(*k), key_cmp);
	double t = bb_now() - t0;
	free(k);
	return t;
}

/* The baseline of Dice: one thread, each coefficient computed whole. */
static double
naive_dice_rate(const struct bb_clk *a, const struct bb_clk *b, size_t na,
    size_t nb, double t)
{
	uint64_t hits = 0;
	double t0 = bb_now();
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			hits += bb_clk_dice(&a[i], &b[j]) >= t;
	double dt = bb_now() - t0;
	if (hits == UINT64_MAX)
		printf("?\n");
	return (double)na * (double)nb / dt;
}

int
main(int argc, char **argv)
{
	size_t want = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	struct synth s;
	struct synth_rec *recs = NULL;
	size_t n = 0, cap = 0;
	struct bb_link_input *in;
	struct bb_link_report rep;
	double prec, rec, t0, tlink, tbatch, tsort;
	int failed = 0;

	if (bb_crypto_init() != 0)
		return 3;
	synth_init(&s, 20261123);
	t0 = bb_now();
	while (n < want)
		synth_people(&s, (uint32_t)((want - n) / 1.75) + 1, PARTNERS, &recs,
		    &n, &cap);
	n = want;
	/* Shuffle: a person's records are not side by side. */
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(synth_rand(&s) % (i + 1));
		struct synth_rec t = recs[i];
		recs[i] = recs[j];
		recs[j] = t;
	}
	printf("records              %zu at %d partners (generated in %.1f s)\n", n,
	    PARTNERS, bb_now() - t0);
	tsort = sort_baseline(recs, n);

	in = bb_calloc(n, sizeof(*in));
	for (size_t i = 0; i < n; i++)
		synth_input(&recs[i], &in[i]);
	struct bb_link_index *ix = bb_link_index_new(NULL);
	memset(&rep, 0, sizeof(rep));
	t0 = bb_now();
	bb_link_index_add(ix, in, n, &rep);
	tlink = bb_now() - t0;
	accuracy(ix, recs, n, &prec, &rec);
	printf("link all             %6.1f s     floor < 60 s       %s   (%.1f x sorting them, %.2f s)\n",
	    tlink, verdict(tlink < 60, &failed), tlink / tsort, tsort);
	printf("peak memory          %6.2f GiB   floor < 2 GiB      %s\n", peak_gib(),
	    verdict(peak_gib() < 2.0, &failed));
	printf("pairs compared       %llu (%.1f a record) + %llu random pairs for u\n",
	    (unsigned long long)rep.stats.candidate_pairs,
	    (double)rep.stats.candidate_pairs / (double)n,
	    (unsigned long long)rep.stats.random_pairs);
	printf("precision / recall   %.4f / %.4f (pairwise)\n", prec, rec);
	bb_link_report_free(&rep);
	free(in);

	/* A new batch: half known people, half new. */
	struct synth_rec *batch = NULL;
	size_t nb = 0, capb = 0;
	while (nb < BATCH / 2) {
		batch = bb_grow(batch, &capb, nb + 1, sizeof(*batch));
		synth_again(&s, &recs[synth_rand(&s) % n],
		    (uint32_t)(synth_rand(&s) % PARTNERS), &batch[nb++]);
	}
	while (nb < BATCH)
		synth_people(&s, 1, PARTNERS, &batch, &nb, &capb);
	nb = BATCH;
	in = bb_calloc(nb, sizeof(*in));
	for (size_t i = 0; i < nb; i++)
		synth_input(&batch[i], &in[i]);
	memset(&rep, 0, sizeof(rep));
	t0 = bb_now();
	bb_link_index_add(ix, in, nb, &rep);
	tbatch = bb_now() - t0;
	printf("add %d new          %6.2f s     floor < 2 s        %s   (%.0f%% of a full link per record)\n",
	    BATCH, tbatch, verdict(tbatch < 2, &failed),
	    100.0 * (tbatch / nb) / (tlink / (double)n));
	{
		/* Accuracy over everything, now with the batch. */
		struct synth_rec *all = bb_malloc((n + nb) * sizeof(*all));
		memcpy(all, recs, n * sizeof(*all));
		memcpy(all + n, batch, nb * sizeof(*all));
		accuracy(ix, all, n + nb, &prec, &rec);
		printf("after the batch      %.4f / %.4f; %zu merges of known participants\n",
		    prec, rec, rep.nevents);
		free(all);
	}
	bb_link_report_free(&rep);
	free(in);
	bb_link_index_free(ix);

	/* Dice comparisons of encodings. */
	struct bb_clk_key key;
	struct bb_clk *clk = bb_malloc(2 * DICE_SIDE * sizeof(*clk));
	bb_clk_key_from_secret("benchmark secret, not a real one", 32, &key);
	for (size_t i = 0; i < 2 * DICE_SIDE; i++) {
		struct bb_link_input x;
		synth_input(&recs[i], &x);
		bb_clk_encode(&key, &x, &clk[i], NULL);
	}
	t0 = bb_now();
	uint64_t hits = bb_clk_count_all(clk, DICE_SIDE, clk + DICE_SIDE, DICE_SIDE,
	    BB_CLK_DICE, 2);
	double tdice = bb_now() - t0;
	double rate = (double)DICE_SIDE * DICE_SIDE / tdice;
	double naive = naive_dice_rate(clk, clk + DICE_SIDE, DICE_SIDE / 10,
	    DICE_SIDE, BB_CLK_DICE);
	printf("dice comparisons     %6.0f M/s   floor >= 100 M/s   %s   (%.1f x a plain loop, %.0f M/s; %llu of 10^8 >= %.2f)\n",
	    rate / 1e6, verdict(rate >= 1e8, &failed), rate / naive, naive / 1e6,
	    (unsigned long long)hits, BB_CLK_DICE);
	free(clk);

	for (size_t i = 0; i < n; i++)
		synth_rec_free(&recs[i]);
	for (size_t i = 0; i < nb; i++)
		synth_rec_free(&batch[i]);
	free(recs);
	free(batch);
	printf("%s\n", failed ? "some floors missed" : "all floors met");
	return failed ? 1 : 0;
}
