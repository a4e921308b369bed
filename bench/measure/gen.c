/*
 * gen.c: the measurement benchmark's data, written straight through the
 * store functions (not the CSV pipeline): N participants, each with one
 * enrollment at a partner, and M - N services spread over the partners,
 * dated over eight quarters (2025-Q1 to 2026-Q4), one submission per
 * partner, dataset and quarter; 95% of the records linked to their
 * participant (the rest count as their own person); and an aggregate-only
 * partner's counts by grade each quarter.  Deterministic (a fixed seed).
 *
 *   gen DB N M
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "framework/period.h"
#include "store/links.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/hash.h"

#define NPARTNERS 5
#define NQUARTERS 8

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(rng() % n);
}

struct rec {
	uint32_t person;	/* 1-based participant */
	int32_t day;		/* entry or service date */
	uint8_t partner;	/* 0-based */
	uint8_t kind;		/* 0 enrollment, 1 service */
	uint8_t site, outcome;
	uint16_t minutes;
	int64_t id;		/* record id once stored */
};

struct person {
	int32_t birth;
	uint8_t grade, sex;
};

static int32_t q_start[NQUARTERS + 1];

static int
cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	int qx = 0, qy = 0;
	while (qx < NQUARTERS - 1 && x->day >= q_start[qx + 1])
		qx++;
	while (qy < NQUARTERS - 1 && y->day >= q_start[qy + 1])
		qy++;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->partner != y->partner)
		return x->partner - y->partner;
	return qx - qy;
}

static int
quarter_of(int32_t day)
{
	int q = 0;
	while (q < NQUARTERS - 1 && day >= q_start[q + 1])
		q++;
	return q;
}

static void
die(const char *what, struct bb_store *s)
{
	fprintf(stderr, "gen: %s: %s\n", what, s ? bb_store_errmsg(s) : "");
	exit(1);
}

/* A submission row (and its blob) for one slot. */
static int64_t
submission(struct bb_store *s, const char *partner, const char *dataset,
    const char *period, const char *dir, int64_t rows)
{
	static int n;
	struct bb_submission sub;
	char path[512], sha[BB_SHA256_HEX];
	uint64_t size;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sub%d.txt", dir, n++);
	if ((f = fopen(path, "w")) == NULL)
		die("cannot write a blob file", NULL);
	fprintf(f, "synthetic %s %s %s\n", partner, dataset, period);
	fclose(f);
	if (bb_sha256_file(path, sha) != BB_OK || bb_store_blob_put_file(s, sha, path, &size) != BB_OK)
		die("blob", s);
	unlink(path);
	memset(&sub, 0, sizeof(sub));
	sub.partner_id = (char *)(uintptr_t)partner;
	sub.dataset_id = (char *)(uintptr_t)dataset;
	sub.period = (char *)(uintptr_t)period;
	sub.file_name = path + strlen(dir) + 1;
	sub.sha256 = sha;
	sub.format = (char *)(uintptr_t)"csv";
	sub.framework_version = 1;
	sub.status = (char *)(uintptr_t)"stored";
	sub.rows_read = sub.rows_accepted = rows;
	if (bb_store_submission_insert(s, &sub) != BB_OK)
		die("submission", s);
	if (bb_store_submission_finish(s, &sub) != BB_OK)
		die("submission finish", s);
	free(sub.received_at);
	return sub.id;
}

int
main(int argc, char **argv)
{
	static const char *const grades[] = { "K", "1", "2", "3", "4", "5", "6", "7", "8" };
	static const char *const datasets[] = { "enrollments", "services" };
	struct bb_store *s = NULL;
	struct bb_diag d;
	struct person *people;
	struct rec *recs;
	struct bb_buf js;
	char dir[256], *slash;
	size_t n, m;

	if (argc != 4 || (n = strtoul(argv[2], NULL, 10)) == 0 ||
	    (m = strtoul(argv[3], NULL, 10)) < n) {
		fprintf(stderr, "usage: gen DB PARTICIPANTS RECORDS\n");
		return 2;
	}
	memset(&d, 0, sizeof(d));
	bb_crypto_init();
	if (bb_store_open(argv[1], false, &s, &d) != BB_OK) {
		fprintf(stderr, "gen: %s: %s\n", argv[1], d.message ? d.message : "cannot open");
		return 1;
	}
	bb_strlcpy(dir, argv[1], sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		bb_strlcpy(dir, ".", sizeof(dir));
	for (int q = 0; q <= NQUARTERS; q++)
		bb_date_from_ymd(2025 + q / 4, (q % 4) * 3 + 1, 1, &q_start[q]);

	people = bb_calloc(n + 1, sizeof(*people));
	recs = bb_calloc(m, sizeof(*recs));
	for (size_t i = 1; i <= n; i++) {
		int32_t lo, hi;
		bb_date_from_ymd(2012, 1, 1, &lo);
		bb_date_from_ymd(2021, 12, 31, &hi);
		people[i].birth = lo + (int32_t)pick((unsigned)(hi - lo + 1));
		people[i].grade = (uint8_t)pick(9);
		people[i].sex = (uint8_t)pick(2);
	}
	for (size_t i = 0; i < m; i++) {
		struct rec *r = &recs[i];
		r->person = (uint32_t)(i < n ? i + 1 : 1 + pick((unsigned)n));
		r->kind = i >= n;
		r->partner = (uint8_t)(i < n ? (r->person % NPARTNERS) : pick(NPARTNERS));
		r->day = q_start[0] + (int32_t)pick((unsigned)(q_start[NQUARTERS] - q_start[0]));
		r->site = (uint8_t)pick(10);
		r->outcome = pick(100) < 62;
		r->minutes = (uint16_t)(10 + pick(111));
	}
	qsort(recs, m, sizeof(*recs), cmp_rec);

	bb_buf_init(&js, 4096);
	size_t i = 0;
	while (i < m) {
		size_t j = i;
		int q = quarter_of(recs[i].day);
		char partner[8], period[16];
		struct bb_record_writer *w;
		int64_t sub;
		while (j < m && recs[j].kind == recs[i].kind && recs[j].partner == recs[i].partner &&
		    quarter_of(recs[j].day) == q)
			j++;
		snprintf(partner, sizeof(partner), "p%d", recs[i].partner + 1);
		snprintf(period, sizeof(period), "%d-Q%d", 2025 + q / 4, q % 4 + 1);
		if (bb_store_begin(s) != BB_OK)
			die("begin", s);
		sub = submission(s, partner, datasets[recs[i].kind], period, dir, (int64_t)(j - i));
		if (bb_store_records_open(s, sub, datasets[recs[i].kind], partner, period, &w) != BB_OK)
			die("records", s);
		for (size_t k = i; k < j; k++) {
			struct rec *r = &recs[k];
			const struct person *p = &people[r->person];
			char date[11], birth[11];
			bb_date_format(r->day, date);
			bb_buf_reset(&js);
			if (r->kind == 0) {
				bb_date_format(p->birth, birth);
				bb_buf_printf(&js, "{\"pid\":\"P%07u\",\"grade\":\"%s\",\"sex\":\"%s\","
				    "\"birth_date\":\"%s\",\"entry_date\":\"%s\"}", r->person,
				    grades[p->grade], p->sex ? "M" : "F", birth, date);
			} else
				bb_buf_printf(&js, "{\"pid\":\"P%07u\",\"site\":\"s%02d\","
				    "\"service_date\":\"%s\",\"outcome\":\"%s\",\"minutes\":%u}",
				    r->person, r->site + 1, date, r->outcome ? "met" : "not_met",
				    r->minutes);
			if (bb_store_record_add(w, (uint64_t)(k - i + 2), js.data, js.len,
			    &r->id) != BB_OK)
				die("record", s);
		}
		bb_store_records_close(w);
		if (bb_store_commit(s) != BB_OK)
			die("commit", s);
		i = j;
	}
	/* The aggregate partner's counts, one submission a quarter. */
	for (int q = 0; q < NQUARTERS; q++) {
		struct bb_record_writer *w;
		char period[16];
		int64_t sub;
		snprintf(period, sizeof(period), "%d-Q%d", 2025 + q / 4, q % 4 + 1);
		if (bb_store_begin(s) != BB_OK)
			die("begin", s);
		sub = submission(s, "agg", "counts", period, dir, 9);
		if (bb_store_records_open(s, sub, "counts", "agg", period, &w) != BB_OK)
			die("records", s);
		for (int g = 0; g < 9; g++) {
			bb_buf_reset(&js);
			bb_buf_printf(&js, "{\"grade\":\"%s\",\"n\":%u}", grades[g], 50 + pick(451));
			if (bb_store_record_add(w, (uint64_t)g + 2, js.data, js.len, NULL) != BB_OK)
				die("record", s);
		}
		bb_store_records_close(w);
		if (bb_store_commit(s) != BB_OK)
			die("commit", s);
	}
	/* Linkage's answer: 95% of the records are linked to their person. */
	struct bb_link_writer *lw;
	if (bb_store_begin(s) != BB_OK || bb_store_links_open(s, &lw) != BB_OK)
		die("links", s);
	for (size_t k = 0; k < m; k++)
		if (pick(100) >= 5 && bb_store_link_add(lw, recs[k].id, recs[k].person) != BB_OK)
			die("link", s);
	bb_store_links_close(lw);
	if (bb_store_commit(s) != BB_OK)
		die("commit", s);
	bb_buf_free(&js);
	free(recs);
	free(people);
	bb_store_close(s);
	return 0;
}
