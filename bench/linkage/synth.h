/*
 * synth.h: a seeded generator of synthetic people and their records at
 * several partners, with known truth, for the linkage benchmark.
 *
 * People get a given name (common ones, with nicknames, or made of
 * syllables), a family name made of syllables (tens of thousands, Zipf-like
 * frequencies), a birth date, a sex, an address, a postcode and a locality;
 * some partners also record a national id or a phone.  Each record of a
 * person is corrupted the way partners' data are: typos, nicknames, day and
 * month swapped, missing values, a changed address.
 */
#ifndef BB_BENCH_SYNTH_H
#define BB_BENCH_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "link/link.h"

struct synth_rec {
	uint32_t person;	/* the truth */
	uint32_t partner;
	char *value[BB_ID__COUNT];	/* owned; NULL = missing */
};

struct synth {
	uint64_t state;
	uint32_t next_person;
};

void synth_init(struct synth *s, uint64_t seed);
/* The next number of the generator's sequence. */
uint64_t synth_rand(struct synth *s);
/* Records of `people` new people over `partners` partners, each person in
 * 1 to 4 records; appended to *recs (grown). Returns records made. */
size_t synth_people(struct synth *s, uint32_t people, uint32_t partners,
    struct synth_rec **recs, size_t *n, size_t *cap);
/* A fresh record of a person already made (from a record of theirs). */
void synth_again(struct synth *s, const struct synth_rec *of, uint32_t partner,
    struct synth_rec *out);
void synth_rec_free(struct synth_rec *r);
void synth_input(const struct synth_rec *r, struct bb_link_input *in);

#endif
