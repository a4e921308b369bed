/*
 * compare.c: records as linkage sees them, and how two of them compare.
 *
 * lx_normalize() normalises one input record (normalize.c; on worker
 * threads) and lx_intern() interns each
 * value in its field's pool, where it is decoded to code points and given
 * its phonetic code and nickname groups once.  lx_compare() gives, for each
 * field, a comparison level in the manner of Splink (the levels of each
 * field are listed in level_names below and in docs/linkage.md):
 *
 *   names      exact / close (one edit, or Jaro-Winkler >= 0.92) /
 *              nickname or same first name (given only) / swapped with the
 *              other name / far (same NYSIIS code or Jaro-Winkler >= 0.80) /
 *              else
 *   birth date exact / day and month swapped, or year off by 1 or 10 /
 *              one typed digit off / two of year, month, day agree / else
 *   postcode   exact / one edit / same first three characters / else
 *   locality, address   exact / Jaro-Winkler >= 0.92 / >= 0.80 / else
 *   phone, e-mail, national id   exact / one edit (e-mail: or same local
 *              part) / else
 *   sex, local id   exact / else
 *
 * A field missing on either side gets LV_MISSING and weighs nothing.
 */
#include "link/link_int.h"

#include "link/strsim.h"
#include "util/bb.h"
#include "util/hash.h"

#include <stdlib.h>
#include <string.h>

#define JW_CLOSE 0.92
#define JW_FAR 0.80

static const char *const level_names[LF_N][LV_MAX] = {
	[LF_GIVEN] = { "else", "far", "swapped", "nickname", "close", "exact" },
	[LF_FAMILY] = { "else", "far", "swapped", "close", "exact" },
	[LF_BIRTH] = { "else", "two-of-three", "one-digit", "swap-or-year",
	    "exact" },
	[LF_SEX] = { "else", "exact" },
	[LF_POSTCODE] = { "else", "prefix", "one-edit", "exact" },
	[LF_LOCALITY] = { "else", "far", "close", "exact" },
	[LF_ADDRESS] = { "else", "far", "close", "exact" },
	[LF_PHONE] = { "else", "one-edit", "exact" },
	[LF_EMAIL] = { "else", "close", "exact" },
	[LF_NATID] = { "else", "one-edit", "exact" },
	[LF_LOCALID] = { "else", "exact" },
};

static const unsigned nlevels[LF_N] = {
	[LF_GIVEN] = 6, [LF_FAMILY] = 5, [LF_BIRTH] = 5, [LF_SEX] = 2,
	[LF_POSTCODE] = 4, [LF_LOCALITY] = 4, [LF_ADDRESS] = 4, [LF_PHONE] = 3,
	[LF_EMAIL] = 3, [LF_NATID] = 3, [LF_LOCALID] = 2,
};

unsigned
lx_nlevels(unsigned f)
{
	return f < LF_N ? nlevels[f] : 0;
}

const char *
lx_level_name(unsigned f, unsigned level)
{
	if (level == LV_MISSING)
		return "missing";
	if (f >= LF_N || level >= nlevels[f])
		return "?";
	return level_names[f][level];
}

bool
lx_tf_level(unsigned f, unsigned level)
{
	switch (f) {
	case LF_GIVEN:
	case LF_FAMILY:
		return level == nlevels[f] - 1;
	case LF_POSTCODE:
	case LF_LOCALITY:
		return level == 3;
	default:
		return false;
	}
}

/* --- pools ---------------------------------------------------------------- */

static uint32_t
str_hash(const char *s, size_t n)
{
	uint64_t h = bb_hash64(s, n);
	return (uint32_t)(h ^ (h >> 32));
}

void
lx_pool_free(struct pool *p)
{
	free(p->text);
	free(p->cps);
	free(p->v);
	free(p->slots);
	memset(p, 0, sizeof(*p));
}

const char *
lx_str(const struct pool *p, uint32_t id)
{
	return id ? p->text + p->v[id].str : "";
}

static void
pool_rehash(struct pool *p)
{
	size_t ns = p->nslots ? p->nslots * 2 : 1024;
	uint32_t *slots = bb_calloc(ns, sizeof(*slots));
	for (size_t id = 1; id < p->n; id++) {
		size_t i = p->v[id].hash & (ns - 1);
		while (slots[i])
			i = (i + 1) & (ns - 1);
		slots[i] = (uint32_t)id;
	}
	free(p->slots);
	p->slots = slots;
	p->nslots = ns;
}

/* Find or add `s`; *added tells which.  Counts are the caller's. */
static uint32_t
pool_intern(struct pool *p, const char *s, bool *added)
{
	size_t len = strlen(s);
	uint32_t h = str_hash(s, len);
	size_t i;

	*added = false;
	if (p->n == 0) {
		p->v = bb_grow(p->v, &p->cap, 1, sizeof(*p->v));
		memset(&p->v[0], 0, sizeof(p->v[0]));
		p->n = 1;
	}
	if ((p->n + 1) * 2 > p->nslots)
		pool_rehash(p);
	for (i = h & (p->nslots - 1); p->slots[i]; i = (i + 1) & (p->nslots - 1)) {
		struct pval *v = &p->v[p->slots[i]];
		if (v->hash == h && strcmp(p->text + v->str, s) == 0)
			return p->slots[i];
	}
	p->v = bb_grow(p->v, &p->cap, p->n + 1, sizeof(*p->v));
	struct pval *v = &p->v[p->n];
	memset(v, 0, sizeof(*v));
	v->hash = h;
	p->text = bb_grow(p->text, &p->tcap, p->tlen + len + 1, 1);
	v->str = (uint32_t)p->tlen;
	memcpy(p->text + p->tlen, s, len + 1);
	p->tlen += len + 1;
	p->cps = bb_grow(p->cps, &p->cpcap, p->cplen + BB_SIM_MAX,
	    sizeof(*p->cps));
	v->cp = (uint32_t)p->cplen;
	v->ncp = (uint16_t)bb_utf8_decode(s, len, p->cps + p->cplen, BB_SIM_MAX);
	for (uint16_t k = 0; k < v->ncp; k++)
		v->mask |= UINT64_C(1) << (p->cps[p->cplen + k] % 64);
	p->cplen += v->ncp;
	v->init = (uint8_t)s[0];
	p->slots[i] = (uint32_t)p->n;
	*added = true;
	return (uint32_t)p->n++;
}

static uint32_t
intern_value(struct bb_link_index *ix, unsigned f, const char *s,
    const char *first)
{
	struct pool *p = &ix->pool[f];
	bool added;
	uint32_t id = pool_intern(p, s, &added);

	if (added && (f == LF_GIVEN || f == LF_FAMILY)) {
		char code[BB_NORM_MAX];
		bool padd;
		struct pval *v = &p->v[id];
		bb_norm_nysiis(s, code);
		v->phon = code[0] ? pool_intern(&ix->phon, code, &padd) : 0;
		v->firsth = str_hash(first, strlen(first));
		if (f == LF_GIVEN)
			v->nnick = (uint8_t)bb_nick_groups_near(first, v->nick);
	}
	p->v[id].count++;
	p->holders++;
	return id;
}

void
lx_normalize(const struct bb_link_input *in, struct lnorm *nm)
{
	const char *const *val = in->value;

	nm->source = in->source;
	nm->has = 0;
	if (bb_norm_name(val[BB_ID_GIVEN_NAME], true, nm->v[LF_GIVEN],
	    nm->first[0]))
		nm->has |= 1u << LF_GIVEN;
	if (bb_norm_name(val[BB_ID_FAMILY_NAME], false, nm->v[LF_FAMILY],
	    nm->first[1]))
		nm->has |= 1u << LF_FAMILY;
	if (bb_norm_date(val[BB_ID_BIRTH_DATE], &nm->dob))
		nm->has |= 1u << LF_BIRTH;
	nm->sex = bb_norm_sex(val[BB_ID_SEX]);
	if (bb_norm_ident(val[BB_ID_POSTCODE], 3, nm->v[LF_POSTCODE]))
		nm->has |= 1u << LF_POSTCODE;
	if (bb_norm_words(val[BB_ID_LOCALITY], false, nm->v[LF_LOCALITY]))
		nm->has |= 1u << LF_LOCALITY;
	if (bb_norm_words(val[BB_ID_ADDRESS], true, nm->v[LF_ADDRESS]))
		nm->has |= 1u << LF_ADDRESS;
	if (bb_norm_phone(val[BB_ID_PHONE], nm->v[LF_PHONE]))
		nm->has |= 1u << LF_PHONE;
	if (bb_norm_email(val[BB_ID_EMAIL], nm->v[LF_EMAIL]))
		nm->has |= 1u << LF_EMAIL;
	if (bb_norm_ident(val[BB_ID_NATIONAL_ID], 4, nm->v[LF_NATID]))
		nm->has |= 1u << LF_NATID;
	if (bb_norm_ident(val[BB_ID_LOCAL_ID], 1, nm->v[LF_LOCALID]))
		nm->has |= 1u << LF_LOCALID;
}

void
lx_intern(struct bb_link_index *ix, const struct lnorm *nm, struct lrec *out)
{
	memset(out, 0, sizeof(*out));
	out->source = nm->source;
	for (unsigned f = 0; f < LF_N; f++) {
		if (!(nm->has & (1u << f)))
			continue;
		if (f == LF_BIRTH) {
			out->dob = nm->dob;
			out->v[f] = 1;
		} else if (f != LF_SEX) {
			out->v[f] = intern_value(ix, f, nm->v[f],
			    f == LF_GIVEN ? nm->first[0] :
			    f == LF_FAMILY ? nm->first[1] : "");
		}
	}
	out->v[LF_SEX] = (uint32_t)(unsigned char)nm->sex;
}

/* --- levels ---------------------------------------------------------------- */

/* How close two values are by Jaro-Winkler: 2 at or above JW_CLOSE, 1 at
 * or above JW_FAR, else 0.  Most pairs compared are strangers; a bound on
 * the common code points (those of one string whose value occurs in the
 * other, by a 64-bit mask) settles most of them without the full measure. */
static unsigned
jw_band(const struct pool *p, uint32_t a, uint32_t b)
{
	const struct pval *x = &p->v[a], *y = &p->v[b];
	const uint32_t *cx = p->cps + x->cp, *cy = p->cps + y->cp;
	unsigned ma = 0, mb = 0;
	double m, bound, s;

	if (x->ncp == 0 || y->ncp == 0)
		return 0;
	for (unsigned k = 0; k < x->ncp; k++)
		ma += (y->mask >> (cx[k] % 64)) & 1;
	for (unsigned k = 0; k < y->ncp; k++)
		mb += (x->mask >> (cy[k] % 64)) & 1;
	m = ma < mb ? ma : mb;
	/* Jaro <= (m/|x| + m/|y| + 1) / 3, and the Winkler boost adds at most
	 * 0.4 of what is left. */
	bound = (m / x->ncp + m / y->ncp + 1.0) / 3.0;
	bound = bound + 0.4 * (1.0 - bound);
	if (bound < JW_FAR)
		return 0;
	s = bb_jaro_winkler(cx, x->ncp, cy, y->ncp);
	return s >= JW_CLOSE ? 2 : s >= JW_FAR ? 1 : 0;
}

static unsigned
osa(const struct pool *p, uint32_t a, uint32_t b, unsigned cap)
{
	const struct pval *x = &p->v[a], *y = &p->v[b];
	return bb_osa_distance(p->cps + x->cp, x->ncp, p->cps + y->cp, y->ncp,
	    cap);
}

static bool
nick_shared(const struct pval *x, const struct pval *y)
{
	for (unsigned i = 0; i < x->nnick; i++)
		for (unsigned j = 0; j < y->nnick; j++)
			if (x->nick[i] == y->nick[j])
				return true;
	return false;
}

/* Names swapped between given and family: a's given is b's family and the
 * other way round (each exact or one edit apart). */
static bool
swapped(const struct bb_link_index *ix, const struct lrec *ra,
    const struct lrec *rb)
{
	const struct pool *g = &ix->pool[LF_GIVEN], *f = &ix->pool[LF_FAMILY];
	if (!ra->v[LF_GIVEN] || !ra->v[LF_FAMILY] || !rb->v[LF_GIVEN] ||
	    !rb->v[LF_FAMILY])
		return false;
	const struct pval *ag = &g->v[ra->v[LF_GIVEN]], *bf = &f->v[rb->v[LF_FAMILY]];
	const struct pval *af = &f->v[ra->v[LF_FAMILY]], *bg = &g->v[rb->v[LF_GIVEN]];
	/* One edit apart: lengths within one of each other. */
	if (ag->ncp + 1 < bf->ncp || bf->ncp + 1 < ag->ncp ||
	    af->ncp + 1 < bg->ncp || bg->ncp + 1 < af->ncp)
		return false;
	return bb_osa_distance(g->cps + ag->cp, ag->ncp, f->cps + bf->cp,
	    bf->ncp, 1) <= 1 &&
	    bb_osa_distance(f->cps + af->cp, af->ncp, g->cps + bg->cp, bg->ncp,
	    1) <= 1;
}

static unsigned
name_level(const struct bb_link_index *ix, unsigned f, const struct lrec *ra,
    const struct lrec *rb, bool *swap_known, bool *swap)
{
	const struct pool *p = &ix->pool[f];
	uint32_t a = ra->v[f], b = rb->v[f];
	bool given = f == LF_GIVEN;
	unsigned top = nlevels[f] - 1;

	if (!a || !b)
		return LV_MISSING;
	if (a == b)
		return top;
	unsigned band = jw_band(p, a, b);
	if (band == 2 || osa(p, a, b, 1) <= 1)
		return top - 1;
	if (given && (nick_shared(&p->v[a], &p->v[b]) ||
	    p->v[a].firsth == p->v[b].firsth))
		return 3;
	if (!*swap_known) {
		*swap = swapped(ix, ra, rb);
		*swap_known = true;
	}
	if (*swap)
		return 2;
	if ((p->v[a].phon && p->v[a].phon == p->v[b].phon) || band == 1)
		return 1;
	return 0;
}

static void
date_digits(int y, int m, int d, uint32_t out[8])
{
	out[0] = (uint32_t)('0' + y / 1000 % 10);
	out[1] = (uint32_t)('0' + y / 100 % 10);
	out[2] = (uint32_t)('0' + y / 10 % 10);
	out[3] = (uint32_t)('0' + y % 10);
	out[4] = (uint32_t)('0' + m / 10);
	out[5] = (uint32_t)('0' + m % 10);
	out[6] = (uint32_t)('0' + d / 10);
	out[7] = (uint32_t)('0' + d % 10);
}

/* Two 8-digit strings one edit apart (as OSA counts: equal length, so one
 * substitution or one transposition of neighbours). */
static bool
one_typo8(const uint32_t a[8], const uint32_t b[8])
{
	int diff[8], nd = 0;
	for (int i = 0; i < 8; i++)
		if (a[i] != b[i]) {
			if (nd == 2)
				return false;
			diff[nd++] = i;
		}
	if (nd <= 1)
		return true;
	return diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] &&
	    a[diff[1]] == b[diff[0]];
}

static unsigned
date_level1(int y1, int m1, int d1, int y2, int m2, int d2)
{
	int dy = y1 > y2 ? y1 - y2 : y2 - y1;
	uint32_t a[8], b[8];

	if (y1 == y2 && m1 == m2 && d1 == d2)
		return 4;
	if ((y1 == y2 && m1 == d2 && d1 == m2) ||
	    (m1 == m2 && d1 == d2 && (dy == 1 || dy == 10)))
		return 3;
	date_digits(y1, m1, d1, a);
	date_digits(y2, m2, d2, b);
	if (one_typo8(a, b))
		return 2;
	if ((y1 == y2) + (m1 == m2) + (d1 == d2) >= 2)
		return 1;
	return 0;
}

static unsigned
date_level(const struct bb_date *a, const struct bb_date *b)
{
	unsigned best = 0;
	if (a->n == 0 || b->n == 0)
		return LV_MISSING;
	for (unsigned i = 0; i < a->n; i++)
		for (unsigned j = 0; j < b->n; j++) {
			unsigned l = date_level1(a->y[i], a->m[i], a->d[i],
			    b->y[j], b->m[j], b->d[j]);
			if (l > best)
				best = l;
		}
	return best;
}

static unsigned
text_level(const struct pool *p, uint32_t a, uint32_t b)
{
	if (!a || !b)
		return LV_MISSING;
	if (a == b)
		return 3;
	return jw_band(p, a, b);
}

/* exact 2 / one edit 1 / else 0 */
static unsigned
ident_level(const struct pool *p, uint32_t a, uint32_t b)
{
	if (!a || !b)
		return LV_MISSING;
	if (a == b)
		return 2;
	return osa(p, a, b, 1) <= 1 ? 1 : 0;
}

static unsigned
postcode_level(const struct pool *p, uint32_t a, uint32_t b)
{
	const struct pval *x, *y;
	if (!a || !b)
		return LV_MISSING;
	if (a == b)
		return 3;
	if (osa(p, a, b, 1) <= 1)
		return 2;
	x = &p->v[a];
	y = &p->v[b];
	if (x->ncp >= 4 && y->ncp >= 4 &&
	    memcmp(p->cps + x->cp, p->cps + y->cp, 3 * sizeof(uint32_t)) == 0)
		return 1;
	return 0;
}

static unsigned
email_level(const struct pool *p, uint32_t a, uint32_t b)
{
	const char *x, *y, *ax, *ay;
	if (!a || !b)
		return LV_MISSING;
	if (a == b)
		return 2;
	x = lx_str(p, a);
	y = lx_str(p, b);
	ax = strchr(x, '@');
	ay = strchr(y, '@');
	if (ax && ay && ax - x == ay - y && memcmp(x, y, (size_t)(ax - x)) == 0)
		return 1;
	return osa(p, a, b, 1) <= 1 ? 1 : 0;
}

uint64_t
lx_compare(const struct bb_link_index *ix, uint32_t a, uint32_t b)
{
	const struct lrec *ra = &ix->recs[a], *rb = &ix->recs[b];
	unsigned lv[LF_N];
	bool swap_known = false, swap = false;
	uint64_t vec = 0;

	lv[LF_GIVEN] = name_level(ix, LF_GIVEN, ra, rb, &swap_known, &swap);
	lv[LF_FAMILY] = name_level(ix, LF_FAMILY, ra, rb, &swap_known, &swap);
	/* Swapped names are one piece of evidence: the given-name level
	 * carries it, the family name adds nothing more. */
	if (lv[LF_GIVEN] == 2 && lv[LF_FAMILY] == 2)
		lv[LF_FAMILY] = LV_MISSING;
	lv[LF_BIRTH] = date_level(&ra->dob, &rb->dob);
	lv[LF_SEX] = !ra->v[LF_SEX] || !rb->v[LF_SEX] ? LV_MISSING :
	    ra->v[LF_SEX] == rb->v[LF_SEX];
	lv[LF_POSTCODE] = postcode_level(&ix->pool[LF_POSTCODE],
	    ra->v[LF_POSTCODE], rb->v[LF_POSTCODE]);
	lv[LF_LOCALITY] = text_level(&ix->pool[LF_LOCALITY], ra->v[LF_LOCALITY],
	    rb->v[LF_LOCALITY]);
	lv[LF_ADDRESS] = text_level(&ix->pool[LF_ADDRESS], ra->v[LF_ADDRESS],
	    rb->v[LF_ADDRESS]);
	lv[LF_PHONE] = ident_level(&ix->pool[LF_PHONE], ra->v[LF_PHONE],
	    rb->v[LF_PHONE]);
	lv[LF_EMAIL] = email_level(&ix->pool[LF_EMAIL], ra->v[LF_EMAIL],
	    rb->v[LF_EMAIL]);
	lv[LF_NATID] = ident_level(&ix->pool[LF_NATID], ra->v[LF_NATID],
	    rb->v[LF_NATID]);
	lv[LF_LOCALID] = !ra->v[LF_LOCALID] || !rb->v[LF_LOCALID] ||
	    (ix->cfg.local_ids_per_source && ra->source != rb->source) ?
	    LV_MISSING : ra->v[LF_LOCALID] == rb->v[LF_LOCALID];
	/* A locality follows from a postcode: it counts only when a postcode
	 * is missing, or else one place would count twice. */
	if (lv[LF_POSTCODE] != LV_MISSING)
		lv[LF_LOCALITY] = LV_MISSING;
	for (unsigned f = 0; f < LF_N; f++)
		vec |= (uint64_t)lv[f] << (f * LV_BITS);
	return vec;
}

/* An identifier of the person (not of the household) agrees. */
static bool
person_id_agrees(uint64_t vec)
{
	return LV_GET(vec, LF_NATID) == 2 || LV_GET(vec, LF_LOCALID) == 1 ||
	    LV_GET(vec, LF_EMAIL) == 2 || LV_GET(vec, LF_PHONE) == 2;
}

bool
lx_household(uint64_t vec)
{
	/* Given name and birth date both present and unrelated, nothing
	 * personal agreeing: another member of the household (a shared
	 * address and family name are what households share; phones are
	 * taken as personal, as mobiles are). */
	unsigned g = LV_GET(vec, LF_GIVEN), d = LV_GET(vec, LF_BIRTH);
	return g == 0 && d == 0 && !person_id_agrees(vec) &&
	    LV_GET(vec, LF_NATID) != 1;
}

bool
lx_twins(const struct bb_link_index *ix, uint32_t a, uint32_t b, uint64_t vec)
{
	const struct lrec *ra = &ix->recs[a], *rb = &ix->recs[b];
	unsigned g = LV_GET(vec, LF_GIVEN);

	if (LV_GET(vec, LF_FAMILY) != nlevels[LF_FAMILY] - 1 ||
	    LV_GET(vec, LF_BIRTH) != nlevels[LF_BIRTH] - 1 || g == LV_MISSING)
		return false;
	bool sexes = ra->v[LF_SEX] && rb->v[LF_SEX] &&
	    ra->v[LF_SEX] != rb->v[LF_SEX];
	/* An identifier agreeing says one person, not two.  One typed digit
	 * off does too, unless the sexes differ: twins are often given
	 * consecutive numbers. */
	if (person_id_agrees(vec) || (LV_GET(vec, LF_NATID) == 1 && !sexes))
		return false;
	/* Unrelated given names: twins; similar ones of different sexes too
	 * (Jon and Joan). */
	return g == 0 || ((g == 1 || g == 4) && sexes);
}
