/*
 * people.c: the synthetic population, one household at a time.
 *
 * A household is made from the seed and its number alone (not from the
 * households before it), so any household can be made again, and the
 * population streams: nothing about earlier households is kept.  Each
 * household has a kind (a couple with children, a single parent, a young
 * adult on their own, an older couple, ...), its people get names, sexes
 * and birth dates that fit it, a shared address in the initiative's
 * postcodes, phones, e-mail addresses and Social Security numbers; some
 * households move during the history and some people change their family
 * name, so partners' files disagree the way real ones do.
 */
#include "demo/internal.h"
#include "util/bb.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
gen_world_init(struct gen_world *w, const struct bb_framework *fw, uint64_t seed,
    int32_t today, int32_t window_start)
{
	const char *geo = fw->initiative.geography;
	long zips[2];
	int nz = 0;

	memset(w, 0, sizeof(*w));
	w->seed = seed;
	w->today = today;
	w->window_start = window_start;
	bb_year_starts_of(fw, &w->ys);
	/* Postcodes: the first two five-digit numbers of the geography
	 * ("ZIP codes 92501 to 92509"); else a made-up range. */
	for (const char *p = geo; p && *p && nz < 2; p++) {
		if (!isdigit((unsigned char)*p) || (p > geo && isdigit((unsigned char)p[-1])))
			continue;
		size_t n = 0;
		while (isdigit((unsigned char)p[n]))
			n++;
		if (n == 5)
			zips[nz++] = strtol(p, NULL, 10);
		p += n - 1;
	}
	w->zip_lo = nz > 0 ? zips[0] : 10001;
	w->zip_hi = nz > 1 && zips[1] >= zips[0] && zips[1] - zips[0] < 100 ? zips[1] : w->zip_lo;
	/* The locality: the geography's first word ("Riverside County, ..."). */
	if (geo != NULL) {
		size_t n = 0;
		while (geo[n] && geo[n] != ' ' && geo[n] != ',' && n + 1 < sizeof(w->locality))
			n++;
		memcpy(w->locality, geo, n);
		w->locality[n] = '\0';
	}
	if (w->locality[0] == '\0')
		bb_strlcpy(w->locality, "Springfield", sizeof(w->locality));
}

int
gen_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday. */
	return (int)((day % 7 + 7 + 4) % 7);
}

int
gen_age(const struct gen_person *p, int32_t day)
{
	int y1, m1, d1, y2, m2, d2;
	bb_date_to_ymd(p->birth, &y1, &m1, &d1);
	bb_date_to_ymd(day, &y2, &m2, &d2);
	int age = y2 - y1;
	if (m2 < m1 || (m2 == m1 && d2 < d1))
		age--;
	return age;
}

int
gen_age_months(const struct gen_person *p, int32_t day)
{
	int y1, m1, d1, y2, m2, d2;
	bb_date_to_ymd(p->birth, &y1, &m1, &d1);
	bb_date_to_ymd(day, &y2, &m2, &d2);
	int months = (y2 - y1) * 12 + (m2 - m1);
	if (d2 < d1)
		months--;
	return months;
}

uint64_t
gen_draw(const struct gen_person *p, enum gen_purpose what, int64_t k, uint64_t n)
{
	return bb_rng_mix(p->key, (uint64_t)what, (uint64_t)k) % n;
}

uint64_t
gen_hdraw(const struct gen_person *p, enum gen_purpose what, int64_t k, uint64_t n)
{
	return bb_rng_mix(p->hh_key, (uint64_t)what, (uint64_t)k) % n;
}

const char *
gen_family_at(const struct gen_person *p, int32_t day)
{
	return p->new_family[0] && day >= p->rename_day ? p->new_family : p->family;
}

const struct gen_address *
gen_address_at(const struct gen_person *p, int32_t day)
{
	return day >= p->move_day ? &p->new_addr : &p->addr;
}

/* Latin-1 letters U+00C0..U+00FF without their accents. */
static const char fold_tab[] =
    "AAAAAAACEEEEIIII" "DNOOOOOxOUUUUYTs" "aaaaaaaceeeeiiii" "dnooooo/ouuuuyty";

void
gen_ascii_fold(const char *s, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0;

	while (*p && used + 1 < n) {
		int c = -1;
		if (*p < 0x80) {
			c = *p;
			p++;
		} else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
			c = (unsigned char)fold_tab[p[1] - 0x80];
			p += 2;
		} else
			p++;
		if (c >= 0 && isalnum(c))
			out[used++] = (char)tolower(c);
	}
	out[used] = '\0';
}

static void
make_address(struct bb_rng *r, const struct gen_world *w, struct gen_address *a)
{
	size_t s = (size_t)bb_rng_below(r, bb_gen_nstreets);
	long span = w->zip_hi - w->zip_lo + 1;

	snprintf(a->street, sizeof(a->street), "%d %s", (int)bb_rng_range(r, 100, 9899),
	    bb_gen_streets[s]);
	if (bb_rng_chance(r, 3500))
		snprintf(a->unit, sizeof(a->unit), "Apt %d%s", (int)bb_rng_range(r, 1, 48),
		    bb_rng_chance(r, 3000) ? "B" : "");
	else
		a->unit[0] = '\0';
	/* A street lies in one postcode, so neighbours share it. */
	snprintf(a->postcode, sizeof(a->postcode), "%05ld",
	    w->zip_lo + (long)((s * 7 + (size_t)bb_rng_below(r, 2)) % (size_t)span));
}

static void
make_phone(struct bb_rng *r, char out[12])
{
	snprintf(out, 12, "951%d%06d", (int)bb_rng_range(r, 2, 9),
	    (int)bb_rng_range(r, 0, 999999));
}

static const char *
pick_given(struct bb_rng *r, char sex)
{
	bool female = sex == 'F' || (sex == 'X' && bb_rng_chance(r, 5000));
	return female ? bb_gen_given_f[bb_rng_below(r, bb_gen_ngiven_f)] :
	    bb_gen_given_m[bb_rng_below(r, bb_gen_ngiven_m)];
}

static const char *
pick_race(struct bb_rng *r)
{
	static const struct { const char *code; int weight; } races[] = {
		{ "hispanic", 50 }, { "white", 24 }, { "black", 7 }, { "asian", 8 },
		{ "multiple", 8 }, { "ai_an", 1 }, { "nh_pi", 2 },
	};
	int x = (int)bb_rng_below(r, 100);
	for (size_t i = 0; i < BB_ARRAY_LEN(races); i++) {
		if (x < races[i].weight)
			return races[i].code;
		x -= races[i].weight;
	}
	return "multiple";
}

static int32_t
birth_for_age(struct bb_rng *r, const struct gen_world *w, int age)
{
	/* Somewhere in the year before the age-th birthday ... */
	return w->today - (int32_t)(age * 365 + age / 4) - (int32_t)bb_rng_below(r, 365);
}

static char
pick_sex(struct bb_rng *r, int female_per10000)
{
	if (bb_rng_chance(r, 100))
		return 'X';
	return bb_rng_chance(r, (uint32_t)female_per10000) ? 'F' : 'M';
}

static void
make_email(struct bb_rng *r, struct gen_person *p)
{
	char g[24], f[32];
	gen_ascii_fold(p->given, g, sizeof(g));
	gen_ascii_fold(p->family, f, sizeof(f));
	const char *dom = bb_gen_email_domains[bb_rng_below(r, bb_gen_nemail_domains)];
	switch (bb_rng_below(r, 3)) {
	case 0:
		snprintf(p->email, sizeof(p->email), "%s.%s@%s", g, f, dom);
		break;
	case 1:
		snprintf(p->email, sizeof(p->email), "%c%s%02d@%s", g[0] ? g[0] : 'x', f,
		    (int)bb_rng_below(r, 100), dom);
		break;
	default:
		snprintf(p->email, sizeof(p->email), "%s%s%d@%s", g, f,
		    (int)bb_rng_range(r, 1, 999), dom);
	}
}

static void
make_ssn(struct bb_rng *r, char out[10])
{
	int area;
	do
		area = (int)bb_rng_range(r, 100, 899);
	while (area == 666);
	snprintf(out, 10, "%03d%02d%04d", area, (int)bb_rng_range(r, 1, 99),
	    (int)bb_rng_range(r, 1, 9999));
}

/* Who lives in a household: ages of its people (head first). */
static size_t
household_ages(struct bb_rng *r, int ages[GEN_MAX_HH], bool *couple)
{
	int kind = (int)bb_rng_below(r, 100), head, n = 0, kids = 0, maxkid;

	*couple = false;
	if (kind < 30) {		/* a couple with children */
		head = (int)bb_rng_range(r, 24, 50);
		*couple = true;
		kids = 1 + (int)bb_rng_below(r, 10) / 3;	/* 1..4 */
	} else if (kind < 50) {		/* a single parent */
		head = (int)bb_rng_range(r, 19, 50);
		kids = 1 + (int)bb_rng_below(r, 3);
	} else if (kind < 62) {		/* a young adult on their own */
		head = (int)bb_rng_range(r, 18, 30);
	} else if (kind < 77) {		/* a couple without children at home */
		head = (int)bb_rng_range(r, 22, 75);
		*couple = true;
	} else if (kind < 87) {		/* parents with grown children at home */
		head = (int)bb_rng_range(r, 40, 60);
		*couple = bb_rng_chance(r, 6000);
		kids = -1;
	} else				/* an older person on their own */
		head = (int)bb_rng_range(r, 50, 85);
	ages[n++] = head;
	if (*couple) {
		int a = head + (int)bb_rng_range(r, -5, 5);
		ages[n++] = a < 18 ? 18 : a;
	}
	maxkid = head - 18 < 17 ? head - 18 : 17;
	for (int k = 0; k < kids && n < GEN_MAX_HH && maxkid >= 0; k++)
		ages[n++] = (int)bb_rng_range(r, 0, maxkid);
	if (kids < 0) {
		int grown = 1 + (int)bb_rng_below(r, 2);
		for (int k = 0; k < grown && n < GEN_MAX_HH; k++)
			ages[n++] = (int)bb_rng_range(r, 18, 24);
		if (bb_rng_chance(r, 5000) && n < GEN_MAX_HH)
			ages[n++] = (int)bb_rng_range(r, 12, 17);
	}
	return (size_t)n;
}

void
gen_household_make(const struct gen_world *w, uint64_t hh, uint64_t first,
    uint64_t max, struct gen_household *out)
{
	struct bb_rng r;
	int ages[GEN_MAX_HH];
	bool couple;
	const char *head_family, *partner_family = NULL, *race;
	struct gen_address addr = { "", "", "" }, moved = { "", "", "" };
	int32_t move_day = GEN_NEVER;
	int32_t span = w->today - w->window_start;
	char home_phone[12];

	memset(out, 0, sizeof(*out));
	out->index = hh;
	out->key = bb_rng_mix(w->seed, hh, GP_HOUSEHOLD);
	bb_rng_seed(&r, out->key);
	out->n = household_ages(&r, ages, &couple);
	if (out->n > max)
		out->n = (size_t)max;
	head_family = bb_gen_family[bb_rng_below(&r, bb_gen_nfamily)];
	if (couple && bb_rng_chance(&r, 3500))
		partner_family = bb_gen_family[bb_rng_below(&r, bb_gen_nfamily)];
	race = pick_race(&r);
	make_address(&r, w, &addr);
	make_phone(&r, home_phone);
	if (span > 0 && bb_rng_chance(&r, 1200)) {
		move_day = w->window_start + (int32_t)bb_rng_below(&r, (uint64_t)span);
		make_address(&r, w, &moved);
	} else
		moved = addr;
	bool hyphen_kids = partner_family != NULL && bb_rng_chance(&r, 2500);

	for (size_t i = 0; i < out->n; i++) {
		struct gen_person *p = &out->p[i];
		p->index = first + i;
		p->key = bb_rng_mix(w->seed, p->index, GP_PERSON);
		p->household = hh;
		p->hh_key = out->key;
		snprintf(p->id, sizeof(p->id), "P%07llu", (unsigned long long)(p->index + 1));
		p->role = i == 0 ? GEN_HEAD : (couple && i == 1) ? GEN_PARTNER : GEN_CHILD;
		if (p->role == GEN_PARTNER) {
			/* Mostly of the other sex than the head. */
			char hs = out->p[0].sex;
			p->sex = bb_rng_chance(&r, 100) ? 'X' : bb_rng_chance(&r, 9200) ?
			    (hs == 'F' ? 'M' : 'F') : hs == 'X' ? 'F' : hs;
		} else
			p->sex = pick_sex(&r, p->role == GEN_HEAD ? 5200 : 4900);
		bb_strlcpy(p->given, pick_given(&r, p->sex), sizeof(p->given));
		if (p->role == GEN_PARTNER && partner_family != NULL)
			bb_strlcpy(p->family, partner_family, sizeof(p->family));
		else if (p->role == GEN_CHILD && hyphen_kids)
			snprintf(p->family, sizeof(p->family), "%s-%s", head_family, partner_family);
		else
			bb_strlcpy(p->family, head_family, sizeof(p->family));
		p->birth = birth_for_age(&r, w, ages[i]);
		p->race = p->role == GEN_PARTNER && bb_rng_chance(&r, 2000) ? pick_race(&r) : race;
		p->addr = addr;
		p->new_addr = moved;
		p->move_day = move_day;
		p->rename_day = GEN_NEVER;
		/* Name changes: a partner takes the head's name, or a young
		 * adult marries and hyphenates. */
		if (span > 0 && p->role == GEN_PARTNER && partner_family != NULL &&
		    bb_rng_chance(&r, 1500)) {
			bb_strlcpy(p->new_family, head_family, sizeof(p->new_family));
			p->rename_day = w->window_start + (int32_t)bb_rng_below(&r, (uint64_t)span);
		} else if (span > 0 && ages[i] >= 18 && ages[i] <= 30 && bb_rng_chance(&r, 600)) {
			snprintf(p->new_family, sizeof(p->new_family), "%s-%s", p->family,
			    bb_gen_family[bb_rng_below(&r, bb_gen_nfamily)]);
			p->rename_day = w->window_start + (int32_t)bb_rng_below(&r, (uint64_t)span);
		}
		if (ages[i] >= 13)
			make_phone(&r, p->phone);
		else
			bb_strlcpy(p->phone, home_phone, sizeof(p->phone));
		if (ages[i] >= 13)
			make_email(&r, p);
		if (ages[i] >= 14)
			make_ssn(&r, p->ssn);
	}
}
