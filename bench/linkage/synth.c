/*
 * synth.c: the synthetic population of the linkage benchmark (synth.h).
 * Deterministic for a seed: no clock, no global state.
 */
#include "synth.h"

#include "util/bb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const syl_a[] = {
	"an", "ber", "car", "dal", "el", "fen", "gar", "hol", "is", "jon",
	"kel", "lan", "mor", "nel", "or", "pen", "quin", "ros", "sten", "tor",
	"ul", "van", "wil", "yar", "zan", "bro", "cla", "dre", "fra", "gri",
	"har", "kin", "lor", "mac", "nor", "ost", "pra", "ric", "sal", "tre",
};
static const char *const syl_b[] = {
	"son", "ley", "ton", "man", "well", "ford", "by", "wood", "berg",
	"stein", "ski", "ez", "ini", "ov", "er", "ard", "ett", "ham", "ridge",
	"field", "worth", "more", "land", "sen", "dt", "s", "ing", "ow", "ey",
	"ick",
};
static const char *const given_ends[] = {
	"a", "o", "ie", "ia", "en", "el", "us", "ine", "ette", "an", "ah", "is",
};
/* Formal names with their nicknames (the first is the formal one). */
static const char *const given_common[][4] = {
	{ "william", "bill", "will", "liam" }, { "robert", "bob", "rob", "bobby" },
	{ "margaret", "peggy", "maggie", "meg" }, { "elizabeth", "liz", "beth", "betty" },
	{ "richard", "rick", "dick", "richie" }, { "katherine", "kate", "kathy", "katie" },
	{ "michael", "mike", "mick", "mickey" }, { "jennifer", "jen", "jenny", NULL },
	{ "james", "jim", "jimmy", "jamie" }, { "patricia", "pat", "patty", "trish" },
	{ "thomas", "tom", "tommy", NULL }, { "susan", "sue", "susie", NULL },
	{ "joseph", "joe", "joey", NULL }, { "deborah", "debbie", "deb", NULL },
	{ "charles", "charlie", "chuck", NULL }, { "dorothy", "dot", "dottie", NULL },
	{ "daniel", "dan", "danny", NULL }, { "christina", "chris", "tina", NULL },
	{ "anthony", "tony", NULL, NULL }, { "rebecca", "becky", "becca", NULL },
	{ "edward", "ed", "eddie", "ted" }, { "victoria", "vicky", "tori", NULL },
	{ "benjamin", "ben", "benny", NULL }, { "alexandra", "alex", "sandra", NULL },
	{ "nicholas", "nick", "nicky", NULL }, { "samantha", "sam", "sammy", NULL },
	{ "jonathan", "jon", "jonny", NULL }, { "abigail", "abby", "gail", NULL },
	{ "matthew", "matt", "matty", NULL }, { "jessica", "jess", "jessie", NULL },
	{ "olivia", NULL, NULL, NULL }, { "noah", NULL, NULL, NULL },
	{ "emma", NULL, NULL, NULL }, { "lucas", NULL, NULL, NULL },
	{ "sophia", "sophie", NULL, NULL }, { "mason", NULL, NULL, NULL },
	{ "amelia", NULL, NULL, NULL }, { "ethan", NULL, NULL, NULL },
	{ "harper", NULL, NULL, NULL }, { "logan", NULL, NULL, NULL },
	{ "grace", "gracie", NULL, NULL }, { "henry", "harry", "hank", NULL },
	{ "chloe", NULL, NULL, NULL }, { "owen", NULL, NULL, NULL },
	{ "zoe", NULL, NULL, NULL }, { "isaac", "ike", NULL, NULL },
	{ "nora", NULL, NULL, NULL }, { "leo", NULL, NULL, NULL },
	{ "maya", NULL, NULL, NULL }, { "ezra", NULL, NULL, NULL },
};
static const char *const street_types[] = {
	"street", "road", "avenue", "place", "court", "drive", "lane",
	"crescent",
};

static uint64_t
rnd(struct synth *s)
{
	s->state ^= s->state >> 12;
	s->state ^= s->state << 25;
	s->state ^= s->state >> 27;
	return s->state * 0x2545F4914F6CDD1DULL;
}

uint64_t
synth_rand(struct synth *s)
{
	return rnd(s);
}

/* Uniform in [0, n). */
static uint32_t
pick(struct synth *s, uint32_t n)
{
	return (uint32_t)((rnd(s) >> 11) % n);
}

static double
unit(struct synth *s)
{
	return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

static bool
chance(struct synth *s, double p)
{
	return unit(s) < p;
}

/* Skewed towards small numbers: a few common values, a long tail. */
static uint32_t
skewed(struct synth *s, uint32_t n)
{
	double u = unit(s);
	return (uint32_t)(u * u * n) % n;
}

void
synth_init(struct synth *s, uint64_t seed)
{
	s->state = seed ? seed : 88172645463325252ULL;
	s->next_person = 0;
}

static char *
family_name(uint32_t k)
{
	uint32_t na = BB_ARRAY_LEN(syl_a), nb = BB_ARRAY_LEN(syl_b);
	uint32_t a = k % na, b = (k / na) % nb, m = k / (na * nb);
	if (m == 0)
		return bb_asprintf("%s%s", syl_a[a], syl_b[b]);
	return bb_asprintf("%s%s%s", syl_a[a], syl_a[(m - 1) % na], syl_b[b]);
}

/* A person's true values. */
struct truth {
	char *given, *family, *sex, *address, *postcode, *locality, *natid,
	    *phone;
	int y, m, d;
	int common;		/* index into given_common, or -1 */
};

static char *
locality_of(uint32_t pc)
{
	return bb_asprintf("%s%s", syl_a[pc % BB_ARRAY_LEN(syl_a)],
	    syl_b[(pc / 7) % BB_ARRAY_LEN(syl_b)]);
}

static void
new_address(struct synth *s, struct truth *t)
{
	uint32_t pc = 2000 + skewed(s, 6000);
	free(t->address);
	free(t->postcode);
	free(t->locality);
	t->address = bb_asprintf("%u %s%s %s", 1 + pick(s, 300),
	    syl_a[pick(s, BB_ARRAY_LEN(syl_a))], syl_b[pick(s, BB_ARRAY_LEN(syl_b))],
	    street_types[pick(s, BB_ARRAY_LEN(street_types))]);
	t->postcode = bb_asprintf("%u", pc);
	t->locality = locality_of(pc);
}

static void
make_truth(struct synth *s, struct truth *t)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	memset(t, 0, sizeof(*t));
	t->common = -1;
	if (chance(s, 0.6)) {
		t->common = (int)skewed(s, BB_ARRAY_LEN(given_common));
		t->given = bb_strdup(given_common[t->common][0]);
	} else {
		t->given = bb_asprintf("%s%s", syl_a[pick(s, BB_ARRAY_LEN(syl_a))],
		    given_ends[pick(s, BB_ARRAY_LEN(given_ends))]);
	}
	t->family = family_name(skewed(s, 49200));
	t->sex = bb_strdup(chance(s, 0.5) ? "F" : "M");
	t->y = 1930 + (int)pick(s, 86);
	t->m = 1 + (int)pick(s, 12);
	t->d = 1 + (int)pick(s, (uint32_t)mdays[t->m - 1]);
	new_address(s, t);
	t->natid = bb_asprintf("%09u", 100000000 + pick(s, 800000000));
	t->phone = bb_asprintf("04%08u", pick(s, 100000000));
}

static void
truth_free(struct truth *t)
{
	free(t->given);
	free(t->family);
	free(t->sex);
	free(t->address);
	free(t->postcode);
	free(t->locality);
	free(t->natid);
	free(t->phone);
}

/* One typing error: a letter swapped with its neighbour, changed, dropped
 * or doubled. */
static char *
typo(struct synth *s, const char *v)
{
	size_t n = strlen(v);
	char *t = bb_malloc(n + 2);
	size_t i = n > 1 ? pick(s, (uint32_t)(n - 1)) : 0;
	memcpy(t, v, n + 1);
	if (n < 2)
		return t;
	switch (pick(s, 4)) {
	case 0: { char c = t[i]; t[i] = t[i + 1]; t[i + 1] = c; break; }
	case 1: t[i] = (char)('a' + pick(s, 26)); break;
	case 2: memmove(t + i, t + i + 1, n - i); break;
	case 3: memmove(t + i + 1, t + i, n - i + 1); break;
	}
	return t;
}

static char *
upper(char *v)
{
	for (char *p = v; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return v;
}

/* A record of person t at partner p, corrupted. */
static void
make_record(struct synth *s, const struct truth *t, uint32_t person,
    uint32_t partner, struct synth_rec *r)
{
	int y = t->y, m = t->m, d = t->d;

	memset(r, 0, sizeof(*r));
	r->person = person;
	r->partner = partner;
	if (!chance(s, 0.03)) {
		const char *g = t->given;
		if (t->common >= 0 && chance(s, 0.08)) {
			const char *nick = given_common[t->common][1 + pick(s, 3)];
			if (nick)
				g = nick;
		}
		r->value[BB_ID_GIVEN_NAME] = chance(s, 0.08) ? typo(s, g) : bb_strdup(g);
	}
	if (!chance(s, 0.02))
		r->value[BB_ID_FAMILY_NAME] = chance(s, 0.08) ? typo(s, t->family) :
		    bb_strdup(t->family);
	if (partner == 2) {
		if (r->value[BB_ID_GIVEN_NAME])
			upper(r->value[BB_ID_GIVEN_NAME]);
		if (r->value[BB_ID_FAMILY_NAME])
			upper(r->value[BB_ID_FAMILY_NAME]);
	}
	if (!chance(s, 0.02)) {
		if (d <= 12 && chance(s, 0.04)) {
			int x = m;
			m = d;
			d = x;
		} else if (chance(s, 0.03)) {
			y += chance(s, 0.5) ? 1 : -1;
		}
		if (partner >= 8)
			r->value[BB_ID_BIRTH_DATE] = bb_asprintf("%02d/%02d/%04d", m, d, y);
		else if (partner >= 6)
			r->value[BB_ID_BIRTH_DATE] = bb_asprintf("%02d.%02d.%04d", d, m, y);
		else
			r->value[BB_ID_BIRTH_DATE] = bb_asprintf("%04d-%02d-%02d", y, m, d);
	}
	if (!chance(s, 0.02))
		r->value[BB_ID_SEX] = bb_strdup(t->sex);
	if (chance(s, 0.10)) {
		/* Moved: a new address altogether. */
		struct truth moved;
		memset(&moved, 0, sizeof(moved));
		new_address(s, &moved);
		r->value[BB_ID_ADDRESS] = moved.address;
		r->value[BB_ID_POSTCODE] = moved.postcode;
		r->value[BB_ID_LOCALITY] = moved.locality;
	} else {
		if (!chance(s, 0.05))
			r->value[BB_ID_ADDRESS] = chance(s, 0.05) ?
			    typo(s, t->address) : bb_strdup(t->address);
		if (!chance(s, 0.03))
			r->value[BB_ID_POSTCODE] = bb_strdup(t->postcode);
		if (!chance(s, 0.05))
			r->value[BB_ID_LOCALITY] = bb_strdup(t->locality);
	}
	if (partner < 5 && !chance(s, 0.05))
		r->value[BB_ID_NATIONAL_ID] = chance(s, 0.03) ? typo(s, t->natid) :
		    bb_strdup(t->natid);
	if (partner >= 5 && partner < 8 && !chance(s, 0.10))
		r->value[BB_ID_PHONE] = chance(s, 0.03) ? typo(s, t->phone) :
		    bb_strdup(t->phone);
}

size_t
synth_people(struct synth *s, uint32_t people, uint32_t partners,
    struct synth_rec **recs, size_t *n, size_t *cap)
{
	size_t made = 0;
	for (uint32_t i = 0; i < people; i++) {
		struct truth t;
		double u = unit(s);
		uint32_t k = u < 0.5 ? 1 : u < 0.8 ? 2 : u < 0.95 ? 3 : 4;
		uint32_t person = s->next_person++;
		make_truth(s, &t);
		for (uint32_t j = 0; j < k; j++) {
			*recs = bb_grow(*recs, cap, *n + 1, sizeof(**recs));
			make_record(s, &t, person, pick(s, partners), &(*recs)[(*n)++]);
			made++;
		}
		truth_free(&t);
	}
	return made;
}

void
synth_again(struct synth *s, const struct synth_rec *of, uint32_t partner,
    struct synth_rec *out)
{
	/* A copy of a known record, corrupted once more. */
	memset(out, 0, sizeof(*out));
	out->person = of->person;
	out->partner = partner;
	for (int r = 1; r < BB_ID__COUNT; r++) {
		const char *v = of->value[r];
		if (v == NULL || chance(s, 0.03))
			continue;
		out->value[r] = chance(s, 0.05) && r != BB_ID_SEX ? typo(s, v) :
		    bb_strdup(v);
	}
}

void
synth_rec_free(struct synth_rec *r)
{
	for (int k = 0; k < BB_ID__COUNT; k++)
		free(r->value[k]);
}

void
synth_input(const struct synth_rec *r, struct bb_link_input *in)
{
	memset(in, 0, sizeof(*in));
	for (int k = 1; k < BB_ID__COUNT; k++)
		in->value[k] = r->value[k];
	in->source = r->partner;
}
