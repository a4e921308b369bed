/*
 * compare.c: records as linkage sees them, and how two of them compare.
 *
 * lx_prepare() normalises one input record (normalize.c) and interns each
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
			v->nnick = (uint8_t)bb_nick_groups(first, v->nick);
	}
	p->v[id].count++;
	p->holders++;
	return id;
}

void
lx_prepare(struct bb_link_index *ix, const struct bb_link_input *in,
    struct lrec *out)
{
	char buf[BB_NORM_MAX], first[BB_NORM_MAX];
	const char *const *val = in->value;

	memset(out, 0, sizeof(*out));
	out->source = in->source;
	if (bb_norm_name(val[BB_ID_GIVEN_NAME], true, buf, first))
		out->v[LF_GIVEN] = intern_value(ix, LF_GIVEN, buf, first);
	if (bb_norm_name(val[BB_ID_FAMILY_NAME], false, buf, first))
		out->v[LF_FAMILY] = intern_value(ix, LF_FAMILY, buf, first);
	if (bb_norm_date(val[BB_ID_BIRTH_DATE], &out->dob))
		out->v[LF_BIRTH] = 1;
	out->v[LF_SEX] = (uint32_t)(unsigned char)bb_norm_sex(val[BB_ID_SEX]);
	if (bb_norm_ident(val[BB_ID_POSTCODE], 3, buf))
		out->v[LF_POSTCODE] = intern_value(ix, LF_POSTCODE, buf, "");
	if (bb_norm_words(val[BB_ID_LOCALITY], false, buf))
		out->v[LF_LOCALITY] = intern_value(ix, LF_LOCALITY, buf, "");
	if (bb_norm_words(val[BB_ID_ADDRESS], true, buf))
		out->v[LF_ADDRESS] = intern_value(ix, LF_ADDRESS, buf, "");
	if (bb_norm_phone(val[BB_ID_PHONE], buf))
		out->v[LF_PHONE] = intern_value(ix, LF_PHONE, buf, "");
	if (bb_norm_email(val[BB_ID_EMAIL], buf))
		out->v[LF_EMAIL] = intern_value(ix, LF_EMAIL, buf, "");
	if (bb_norm_ident(val[BB_ID_NATIONAL_ID], 4, buf))
		out->v[LF_NATID] = intern_value(ix, LF_NATID, buf, "");
	if (bb_norm_ident(val[BB_ID_LOCAL_ID], 1, buf))
		out->v[LF_LOCALID] = intern_value(ix, LF_LOCALID, buf, "");
}

/* --- levels ---------------------------------------------------------------- */

static double
jw(const struct pool *p, uint32_t a, uint32_t b)
{
	const struct pval *x = &p->v[a], *y = &p->v[b];
	return bb_jaro_winkler(p->cps + x->cp, x->ncp, p->cps + y->cp, y->ncp);
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
	if (osa(p, a, b, 1) <= 1 || jw(p, a, b) >= JW_CLOSE)
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
	if ((p->v[a].phon && p->v[a].phon == p->v[b].phon) ||
	    jw(p, a, b) >= JW_FAR)
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
	if (bb_osa_distance(a, 8, b, 8, 1) <= 1)
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
	double s;
	if (!a || !b)
		return LV_MISSING;
	if (a == b)
		return 3;
	s = jw(p, a, b);
	return s >= JW_CLOSE ? 2 : s >= JW_FAR ? 1 : 0;
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
	lv[LF_LOCALID] = !ra->v[LF_LOCALID] || !rb->v[LF_LOCALID] ? LV_MISSING :
	    ra->v[LF_LOCALID] == rb->v[LF_LOCALID];
	for (unsigned f = 0; f < LF_N; f++)
		vec |= (uint64_t)lv[f] << (f * LV_BITS);
	return vec;
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
	/* An identifier agreeing says one person, not two (a shared home
	 * phone does not).  One typed digit off does too, unless the sexes
	 * differ: twins are often given consecutive numbers. */
	if (LV_GET(vec, LF_NATID) == 2 || LV_GET(vec, LF_LOCALID) == 1 ||
	    LV_GET(vec, LF_EMAIL) == 2 || (LV_GET(vec, LF_NATID) == 1 && !sexes))
		return false;
	/* Unrelated given names: twins; close spellings of different sexes
	 * too (Jon and Joan). */
	return g == 0 || g == 1 || (g == 4 && sexes);
}
