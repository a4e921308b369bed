/*
 * engine.c (store): the SQLite store's evaluator of query plans (plan.h).
 *
 * Every dataset the plans read is scanned once; each record's flat JSON
 * (record.data) is read by a small dedicated scanner into the slots the
 * plans use, and every plan part fed by that dataset is evaluated on it:
 * the periods the record falls in, its group labels, its condition, and the
 * cells it counts in (the record's partner and the whole initiative, the
 * total and each disaggregation).  Cells are kept in one hash table; people
 * are counted distinct through a set of participant ids per cell (a record
 * with no participant link counts as its own person).  The result is sorted
 * so that the same records always give the same cells in the same order.
 */
#include "store/internal.h"
#include "store/plan.h"
#include "util/bb.h"
#include "util/hash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- interned strings ------------------------------------------------------ */

struct strtab {
	char **s;
	size_t *len;
	size_t n, cap;
	uint32_t *slots;	/* index + 1; 0 empty */
	size_t nslots;
};

static void
strtab_rehash(struct strtab *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 256;
	free(t->slots);
	t->slots = bb_calloc(ns, sizeof(*t->slots));
	t->nslots = ns;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = (size_t)bb_hash64(t->s[i], t->len[i]) & (ns - 1);
		while (t->slots[h])
			h = (h + 1) & (ns - 1);
		t->slots[h] = (uint32_t)(i + 1);
	}
}

/* The id of a string (added when new). */
static uint32_t
strtab_get(struct strtab *t, const char *s, size_t len)
{
	size_t h;

	if ((t->n + 1) * 2 > t->nslots)
		strtab_rehash(t);
	h = (size_t)bb_hash64(s, len) & (t->nslots - 1);
	while (t->slots[h]) {
		uint32_t i = t->slots[h] - 1;
		if (t->len[i] == len && memcmp(t->s[i], s, len) == 0)
			return i;
		h = (h + 1) & (t->nslots - 1);
	}
	if (t->n == t->cap) {
		size_t c = t->cap;
		t->s = bb_grow(t->s, &c, t->n + 1, sizeof(*t->s));
		t->len = bb_realloc(t->len, c * sizeof(*t->len));
		t->cap = c;
	}
	t->s[t->n] = bb_strndup(s, len);
	t->len[t->n] = len;
	t->slots[h] = (uint32_t)(t->n + 1);
	return (uint32_t)t->n++;
}

static void
strtab_free(struct strtab *t)
{
	if (t == NULL)
		return;
	bb_strv_free(t->s, t->n);
	free(t->len);
	free(t->slots);
}

/* --- sets of positive keys ------------------------------------------------ */

/* A set of keys > 0 (participant ids, interned values), counting its
 * members.  Small sets are open-addressing hash tables; once a table would
 * take more memory than a bitmap up to the largest key, the set becomes
 * that bitmap (ids are dense), which keeps the big sets (a whole quarter's
 * people) in cache. */
struct i64set {
	int64_t *k;
	size_t n, cap;		/* cap: a power of two, or 0 */
	int64_t max;		/* the largest key seen */
	uint64_t *bits;		/* bitmap form, or NULL */
	size_t nwords;
};

#define SET_BITMAP_MAX ((int64_t)1 << 34)	/* keys beyond stay hashed */

static size_t
set_hash(int64_t key, size_t cap)
{
	return (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
}

static void
bits_add(struct i64set *s, int64_t key)
{
	size_t w = (size_t)key >> 6;
	uint64_t m = (uint64_t)1 << (key & 63);

	if (w >= s->nwords) {
		size_t nw = s->nwords * 2 > w + 1 ? s->nwords * 2 : w + 1;
		s->bits = bb_realloc(s->bits, nw * sizeof(*s->bits));
		memset(s->bits + s->nwords, 0, (nw - s->nwords) * sizeof(*s->bits));
		s->nwords = nw;
	}
	if (!(s->bits[w] & m)) {
		s->bits[w] |= m;
		s->n++;
	}
}

static void
i64set_add(struct i64set *s, int64_t key)
{
	size_t h;

	if (key > s->max)
		s->max = key;
	if (s->bits && key < SET_BITMAP_MAX) {
		bits_add(s, key);
		return;
	}
	if ((s->n + 1) * 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 8;
		/* Cheaper as a bitmap up to the largest key? */
		if (s->bits == NULL && s->max < SET_BITMAP_MAX &&
		    (size_t)(s->max / 64 + 1) <= nc) {
			int64_t *old = s->k;
			size_t oldcap = s->cap;
			s->nwords = (size_t)(s->max / 64 + 1);
			s->bits = bb_calloc(s->nwords, sizeof(*s->bits));
			s->n = 0;
			for (size_t i = 0; i < oldcap; i++)
				if (old[i])
					bits_add(s, old[i]);
			free(old);
			s->k = NULL;
			s->cap = 0;
			bits_add(s, key);
			return;
		}
		int64_t *nk = bb_calloc(nc, sizeof(*nk));
		for (size_t i = 0; i < s->cap; i++) {
			if (s->k[i] == 0)
				continue;
			h = set_hash(s->k[i], nc);
			while (nk[h])
				h = (h + 1) & (nc - 1);
			nk[h] = s->k[i];
		}
		free(s->k);
		s->k = nk;
		s->cap = nc;
	}
	h = set_hash(key, s->cap);
	while (s->k[h]) {
		if (s->k[h] == key)
			return;
		h = (h + 1) & (s->cap - 1);
	}
	s->k[h] = key;
	s->n++;
}

static void
i64set_free(struct i64set *s)
{
	free(s->k);
	free(s->bits);
}

/* --- cells ------------------------------------------------------------------ */

struct ckey {
	uint32_t plan, part, period, scope, group, label;
};

struct acc {
	struct ckey k;
	int64_t records, seen, unlinked, aggregated, units, nvals;
	double sum, min, max;
	double *vals;
	size_t cv;
	struct i64set set;
};

struct ctab {
	struct acc *a;
	size_t n, cap;
	uint32_t *slots;
	size_t nslots;
};

static uint64_t
ckey_hash(const struct ckey *k)
{
	uint64_t h = k->plan;
	h = h * 0x100000001B3ull ^ k->part;
	h = h * 0x100000001B3ull ^ k->period;
	h = h * 0x100000001B3ull ^ k->scope;
	h = h * 0x100000001B3ull ^ k->group;
	h = h * 0x100000001B3ull ^ k->label;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 32;
	return h;
}

static void
ctab_rehash(struct ctab *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 1024;
	free(t->slots);
	t->slots = bb_calloc(ns, sizeof(*t->slots));
	t->nslots = ns;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = (size_t)ckey_hash(&t->a[i].k) & (ns - 1);
		while (t->slots[h])
			h = (h + 1) & (ns - 1);
		t->slots[h] = (uint32_t)(i + 1);
	}
}

static struct acc *
ctab_get(struct ctab *t, const struct ckey *k)
{
	size_t h;

	if ((t->n + 1) * 2 > t->nslots)
		ctab_rehash(t);
	h = (size_t)ckey_hash(k) & (t->nslots - 1);
	while (t->slots[h]) {
		struct acc *a = &t->a[t->slots[h] - 1];
		if (memcmp(&a->k, k, sizeof(*k)) == 0)
			return a;
		h = (h + 1) & (t->nslots - 1);
	}
	t->a = bb_grow(t->a, &t->cap, t->n + 1, sizeof(*t->a));
	memset(&t->a[t->n], 0, sizeof(t->a[t->n]));
	t->a[t->n].k = *k;
	t->slots[h] = (uint32_t)(t->n + 1);
	return &t->a[t->n++];
}

/* --- per plan state ---------------------------------------------------------- */

struct daycache {		/* day number -> period index + 1 (0: none) */
	int32_t *day;
	int32_t *idx;
	size_t n, cap;
};

struct prun {
	const struct bb_plan *p;
	int *gslot;		/* plan slot -> global slot */
	struct bb_period *periods;
	size_t np, cp;
	size_t nlisted;		/* periods given by the caller (all parts see them) */
	bool uniform;		/* every period is one of the cadence's */
	struct daycache dc;
	uint32_t *labels;	/* per group, for the record being counted */
	uint32_t **band_ids;	/* per group with bands: label id per band (+ missing) */
};

struct gslot {
	char *field;
	size_t flen;
	enum bb_pv_type type;
	char *buf;		/* decoded text with escapes */
	size_t cap;
};

struct engine {
	const struct bb_run *run;
	struct prun *pr;
	struct gslot *gs;
	size_t ngs;
	struct bb_pval *vals;	/* per global slot, for the current record */
	struct strtab strs;	/* partner ids and labels */
	struct ctab cells;
	int64_t records_read, max_sub;
	/* the record being counted */
	int64_t rec_id, sub_id, source_row, participant;
	uint32_t scope;
	const char *partner, *dataset;
	int32_t pstart, pend;
	const int *cur_gslot;
	/* submission period of the current record, cached by label */
	char sp_label[BB_PERIOD_LABEL];
	bool sp_ok;
	struct bb_period sp;
};

static int
global_slot(struct engine *e, const char *field, enum bb_pv_type type)
{
	for (size_t i = 0; i < e->ngs; i++)
		if (e->gs[i].type == type && strcmp(e->gs[i].field, field) == 0)
			return (int)i;
	e->gs = bb_realloc(e->gs, (e->ngs + 1) * sizeof(*e->gs));
	memset(&e->gs[e->ngs], 0, sizeof(e->gs[e->ngs]));
	e->gs[e->ngs].field = bb_strdup(field);
	e->gs[e->ngs].flen = strlen(field);
	e->gs[e->ngs].type = type;
	return (int)e->ngs++;
}

/* --- evaluating expressions ---------------------------------------------------- */

static bool
add_months(int32_t day, int64_t months, int32_t *out)
{
	int y, m, d;
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t t;

	bb_date_to_ymd(day, &y, &m, &d);
	t = (int64_t)y * 12 + (m - 1) + months;
	if (t < 12 || t > 9999 * 12 + 11)
		return false;
	y = (int)(t / 12);
	m = (int)(t % 12) + 1;
	int last = md[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d > last)
		d = last;
	return bb_date_from_ymd(y, m, d, out);
}

static struct bb_pval
nullv(void)
{
	struct bb_pval v;
	memset(&v, 0, sizeof(v));
	return v;
}

static struct bb_pval
numv(double x)
{
	struct bb_pval v = nullv();
	if (isfinite(x)) {
		v.type = BB_PV_NUM;
		v.num = x;
	}
	return v;
}

static struct bb_pval
datev(int64_t d)
{
	struct bb_pval v = nullv();
	/* Years 1..9999 only. */
	if (d >= -719162 && d <= 2932896) {
		v.type = BB_PV_DATE;
		v.day = (int32_t)d;
	}
	return v;
}

static int cond(struct engine *e, const struct bb_pnode *n);

static struct bb_pval
eval(struct engine *e, const struct bb_pnode *n)
{
	struct bb_pval a, b;
	int32_t d;
	int y1, m1, d1, y2, m2, d2;

	switch (n->kind) {
	case BB_PN_CONST:
		return n->lit;
	case BB_PN_FIELD:
		return e->vals[e->cur_gslot[n->slot]];
	case BB_PN_PERIOD_START:
		return datev(e->pstart);
	case BB_PN_PERIOD_END:
		return datev(e->pend);
	case BB_PN_NEG:
		a = eval(e, n->kid[0]);
		return a.type == BB_PV_NUM ? numv(-a.num) : nullv();
	case BB_PN_ADD:
	case BB_PN_SUB:
	case BB_PN_MUL:
	case BB_PN_DIV:
		a = eval(e, n->kid[0]);
		b = eval(e, n->kid[1]);
		if (a.type != BB_PV_NUM || b.type != BB_PV_NUM)
			return nullv();
		switch (n->kind) {
		case BB_PN_ADD: return numv(a.num + b.num);
		case BB_PN_SUB: return numv(a.num - b.num);
		case BB_PN_MUL: return numv(a.num * b.num);
		default: return b.num == 0 ? nullv() : numv(a.num / b.num);
		}
	case BB_PN_ADD_DAYS:
		a = eval(e, n->kid[0]);
		b = eval(e, n->kid[1]);
		if (a.type != BB_PV_DATE || b.type != BB_PV_NUM || fabs(b.num) > 4e6)
			return nullv();
		return datev((int64_t)a.day + (int64_t)llround(b.num));
	case BB_PN_ADD_MONTHS:
		a = eval(e, n->kid[0]);
		b = eval(e, n->kid[1]);
		if (a.type != BB_PV_DATE || b.type != BB_PV_NUM || fabs(b.num) > 2e5 ||
		    !add_months(a.day, llround(b.num), &d))
			return nullv();
		return datev(d);
	case BB_PN_DAYS_BETWEEN:
		a = eval(e, n->kid[0]);
		b = eval(e, n->kid[1]);
		if (a.type != BB_PV_DATE || b.type != BB_PV_DATE)
			return nullv();
		return numv((double)a.day - (double)b.day);
	case BB_PN_AGE:
		a = eval(e, n->kid[0]);
		b = eval(e, n->kid[1]);
		if (a.type != BB_PV_DATE || b.type != BB_PV_DATE)
			return nullv();
		bb_date_to_ymd(a.day, &y1, &m1, &d1);
		bb_date_to_ymd(b.day, &y2, &m2, &d2);
		return numv((double)(y2 - y1 - ((m2 < m1 || (m2 == m1 && d2 < d1)) ? 1 : 0)));
	case BB_PN_YEAR:
	case BB_PN_MONTH:
		a = eval(e, n->kid[0]);
		if (a.type != BB_PV_DATE)
			return nullv();
		bb_date_to_ymd(a.day, &y1, &m1, &d1);
		return numv(n->kind == BB_PN_YEAR ? y1 : m1);
	default: {
		int c = cond(e, n);
		struct bb_pval v = nullv();
		if (c >= 0) {
			v.type = BB_PV_BOOL;
			v.num = c;
		}
		return v;
	}
	}
}

/* Compare two values of one type: <0, 0, >0; *ok false when either is missing. */
static int
compare(const struct bb_pval *a, const struct bb_pval *b, bool *ok)
{
	*ok = a->type != BB_PV_NULL && a->type == b->type;
	if (!*ok)
		return 0;
	switch (a->type) {
	case BB_PV_NUM:
	case BB_PV_BOOL:
		return a->num < b->num ? -1 : a->num > b->num;
	case BB_PV_DATE:
		return a->day < b->day ? -1 : a->day > b->day;
	case BB_PV_TEXT: {
		size_t m = a->len < b->len ? a->len : b->len;
		int c = memcmp(a->text, b->text, m);
		if (c == 0)
			c = a->len < b->len ? -1 : a->len > b->len;
		return c;
	}
	default:
		*ok = false;
		return 0;
	}
}

/* Three-valued: 1 true, 0 false, -1 unknown. */
static int
cond(struct engine *e, const struct bb_pnode *n)
{
	struct bb_pval a, b, c;
	bool ok, ok2;
	int x, y, r;

	switch (n->kind) {
	case BB_PN_CMP:
		a = eval(e, n->kid[0]);
		b = eval(e, n->kid[1]);
		r = compare(&a, &b, &ok);
		if (!ok)
			return -1;
		switch (n->cmp) {
		case BB_CMP_EQ: return r == 0;
		case BB_CMP_NE: return r != 0;
		case BB_CMP_LT: return r < 0;
		case BB_CMP_LE: return r <= 0;
		case BB_CMP_GT: return r > 0;
		default: return r >= 0;
		}
	case BB_PN_IN:
		a = eval(e, n->kid[0]);
		if (a.type == BB_PV_NULL)
			return -1;
		for (size_t i = 0; i < n->nlist; i++)
			if (compare(&a, &n->list[i], &ok) == 0 && ok)
				return 1;
		return 0;
	case BB_PN_IS_NULL:
		a = eval(e, n->kid[0]);
		return a.type == BB_PV_NULL;
	case BB_PN_BETWEEN:
		a = eval(e, n->kid[0]);
		b = eval(e, n->kid[1]);
		c = eval(e, n->kid[2]);
		x = compare(&b, &a, &ok);
		y = compare(&a, &c, &ok2);
		if (!ok || !ok2)
			return -1;
		return x <= 0 && y <= 0;
	case BB_PN_AND:
		x = cond(e, n->kid[0]);
		if (x == 0)
			return 0;
		y = cond(e, n->kid[1]);
		if (y == 0)
			return 0;
		return x == 1 && y == 1 ? 1 : -1;
	case BB_PN_OR:
		x = cond(e, n->kid[0]);
		if (x == 1)
			return 1;
		y = cond(e, n->kid[1]);
		if (y == 1)
			return 1;
		return x == 0 && y == 0 ? 0 : -1;
	case BB_PN_NOT:
		x = cond(e, n->kid[0]);
		return x < 0 ? -1 : !x;
	case BB_PN_TRUTH:
	default:
		a = eval(e, n->kind == BB_PN_TRUTH ? n->kid[0] : n);
		if (a.type != BB_PV_BOOL)
			return -1;
		return a.num != 0;
	}
}

/* --- reading a record's JSON -------------------------------------------------- */

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Find the end of the string starting after its opening quote; *esc set
 * when it holds escapes. */
static const char *
string_end(const char *p, bool *esc)
{
	*esc = false;
	while (*p && *p != '"') {
		if (*p == '\\') {
			*esc = true;
			if (p[1] == '\0')
				return NULL;
			p += 2;
			continue;
		}
		p++;
	}
	return *p == '"' ? p : NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static unsigned
hex4(const char *p, bool *ok)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p[i]);
		if (h < 0) {
			*ok = false;
			return 0;
		}
		v = v * 16 + (unsigned)h;
	}
	return v;
}

/* Decode a JSON string body [p, end) with escapes into g->buf. */
static size_t
unescape(struct gslot *g, const char *p, const char *end)
{
	size_t n = 0;

	if (g->cap < (size_t)(end - p) + 1) {
		g->cap = (size_t)(end - p) + 1;
		g->buf = bb_realloc(g->buf, g->cap);
	}
	while (p < end) {
		if (*p != '\\') {
			g->buf[n++] = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': g->buf[n++] = '\n'; p++; break;
		case 't': g->buf[n++] = '\t'; p++; break;
		case 'r': g->buf[n++] = '\r'; p++; break;
		case 'b': g->buf[n++] = '\b'; p++; break;
		case 'f': g->buf[n++] = '\f'; p++; break;
		case 'u': {
			bool ok = end - p >= 5;
			unsigned cp = ok ? hex4(p + 1, &ok) : 0;
			if (!ok) {
				p = end;
				break;
			}
			p += 5;
			if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' &&
			    p[1] == 'u') {
				unsigned lo = hex4(p + 2, &ok);
				if (ok && lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
			}
			/* A \u escape takes 6 bytes; its UTF-8 at most 4. */
			if (cp < 0x80)
				g->buf[n++] = (char)cp;
			else if (cp < 0x800) {
				g->buf[n++] = (char)(0xC0 | (cp >> 6));
				g->buf[n++] = (char)(0x80 | (cp & 0x3F));
			} else if (cp < 0x10000) {
				g->buf[n++] = (char)(0xE0 | (cp >> 12));
				g->buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
				g->buf[n++] = (char)(0x80 | (cp & 0x3F));
			} else {
				g->buf[n++] = (char)(0xF0 | (cp >> 18));
				g->buf[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
				g->buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
				g->buf[n++] = (char)(0x80 | (cp & 0x3F));
			}
			break;
		}
		default: g->buf[n++] = *p++; break;
		}
	}
	return n;
}

/* Skip a JSON object or array starting at p; returns the byte after it. */
static const char *
skip_value(const char *p)
{
	int depth = 0;
	bool esc;

	for (;;) {
		if (*p == '\0')
			return NULL;
		if (*p == '"') {
			if ((p = string_end(p + 1, &esc)) == NULL)
				return NULL;
			p++;
		} else if (*p == '{' || *p == '[') {
			depth++;
			p++;
		} else if (*p == '}' || *p == ']') {
			depth--;
			p++;
		} else
			p++;
		if (depth == 0)
			return p;
	}
}

/* Read the record into e->vals.  A malformed record reads as far as it can
 * (the store only holds what the mapper wrote). */
static void
scan_record(struct engine *e, const char *js, const bool *want)
{
	const char *p = skip_ws(js), *k, *kend, *v, *vend;
	bool esc;

	for (size_t i = 0; i < e->ngs; i++)
		e->vals[i].type = BB_PV_NULL;
	if (*p != '{')
		return;
	p = skip_ws(p + 1);
	while (*p == '"') {
		k = p + 1;
		if ((kend = string_end(k, &esc)) == NULL)
			return;
		p = skip_ws(kend + 1);
		if (*p != ':')
			return;
		v = skip_ws(p + 1);
		size_t kl = (size_t)(kend - k);
		int hit = -1;
		for (size_t i = 0; i < e->ngs; i++) {
			if (want[i] && e->gs[i].flen == kl && memcmp(e->gs[i].field, k, kl) == 0) {
				hit = (int)i;
				break;
			}
		}
		if (*v == '"') {
			if ((vend = string_end(v + 1, &esc)) == NULL)
				return;
			for (size_t i = (size_t)(hit < 0 ? (int)e->ngs : hit); i < e->ngs; i++) {
				struct gslot *g = &e->gs[i];
				struct bb_pval *x = &e->vals[i];
				if (g->flen != kl || memcmp(g->field, k, kl) != 0)
					continue;
				const char *s = v + 1;
				size_t n = (size_t)(vend - s);
				if (esc) {
					n = unescape(g, s, vend);
					s = g->buf;
				}
				if (g->type == BB_PV_TEXT) {
					x->type = BB_PV_TEXT;
					x->text = s;
					x->len = n;
				} else if (g->type == BB_PV_DATE && n == 10) {
					char d[11];
					memcpy(d, s, 10);
					d[10] = '\0';
					if (bb_date_parse_iso(d, &x->day))
						x->type = BB_PV_DATE;
				}
			}
			p = vend + 1;
		} else if (*v == '{' || *v == '[') {
			if ((p = skip_value(v)) == NULL)
				return;
		} else {
			vend = v;
			while (*vend && *vend != ',' && *vend != '}' && *vend != ' ')
				vend++;
			for (size_t i = (size_t)(hit < 0 ? (int)e->ngs : hit); i < e->ngs; i++) {
				struct gslot *g = &e->gs[i];
				struct bb_pval *x = &e->vals[i];
				if (g->flen != kl || memcmp(g->field, k, kl) != 0)
					continue;
				if (g->type == BB_PV_BOOL && (*v == 't' || *v == 'f')) {
					x->type = BB_PV_BOOL;
					x->num = *v == 't';
				} else if (g->type == BB_PV_NUM && (*v == '-' || (*v >= '0' && *v <= '9'))) {
					char *end;
					double d = strtod(v, &end);
					if (end == vend && isfinite(d)) {
						x->type = BB_PV_NUM;
						x->num = d;
					}
				} else if (g->type == BB_PV_TEXT && *v != 'n') {
					/* A number or boolean read as text (a label). */
					x->type = BB_PV_TEXT;
					x->text = v;
					x->len = (size_t)(vend - v);
				}
			}
			p = vend;
		}
		p = skip_ws(p);
		if (*p != ',')
			return;
		p = skip_ws(p + 1);
	}
}

/* --- periods -------------------------------------------------------------- */

static bool
same_kind_as_cadence(enum bb_period_kind k, enum bb_cadence c)
{
	switch (c) {
	case BB_CAD_MONTHLY: return k == BB_PERIOD_MONTH;
	case BB_CAD_QUARTERLY: return k == BB_PERIOD_QUARTER;
	case BB_CAD_SCHOOL_YEAR: return k == BB_PERIOD_SCHOOL_YEAR;
	case BB_CAD_FISCAL_YEAR: return k == BB_PERIOD_FISCAL_YEAR;
	default: return k == BB_PERIOD_YEAR;
	}
}

static size_t
add_period(struct prun *r, const struct bb_period *p)
{
	for (size_t i = 0; i < r->np; i++)
		if (r->periods[i].start == p->start && r->periods[i].end == p->end)
			return i;
	r->periods = bb_grow(r->periods, &r->cp, r->np + 1, sizeof(*r->periods));
	r->periods[r->np] = *p;
	if (!same_kind_as_cadence(p->kind, r->p->cadence))
		r->uniform = false;
	return r->np++;
}

static int32_t *
dc_find(struct daycache *c, int32_t day, bool *found)
{
	size_t h;

	if ((c->n + 1) * 2 > c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		int32_t *nd = bb_malloc(nc * sizeof(*nd)), *ni = bb_calloc(nc, sizeof(*ni));
		for (size_t i = 0; i < nc; i++)
			nd[i] = INT32_MIN;
		for (size_t i = 0; i < c->cap; i++) {
			if (c->day[i] == INT32_MIN)
				continue;
			h = ((uint32_t)c->day[i] * 2654435761u) & (nc - 1);
			while (nd[h] != INT32_MIN)
				h = (h + 1) & (nc - 1);
			nd[h] = c->day[i];
			ni[h] = c->idx[i];
		}
		free(c->day);
		free(c->idx);
		c->day = nd;
		c->idx = ni;
		c->cap = nc;
	}
	h = ((uint32_t)day * 2654435761u) & (c->cap - 1);
	while (c->day[h] != INT32_MIN) {
		if (c->day[h] == day) {
			*found = true;
			return &c->idx[h];
		}
		h = (h + 1) & (c->cap - 1);
	}
	*found = false;
	c->day[h] = day;
	c->n++;
	return &c->idx[h];
}

/* The periods of plan r a record dated [start, end] (a day, or its
 * submission's period) falls in: indices into out (at most `max`). */
static size_t
periods_of(struct engine *e, struct prun *r, int32_t start, int32_t end,
    size_t *out, size_t max)
{
	struct bb_period p;
	size_t n = 0;
	bool found;

	if (start == end && r->uniform) {
		/* The cadence's period containing the day, remembered per day. */
		int32_t *slot = dc_find(&r->dc, start, &found);
		if (!found) {
			*slot = 0;
			bb_period_containing(r->p->cadence, start, &r->p->ys, &p);
			for (size_t i = 0; i < r->np && *slot == 0; i++)
				if (r->periods[i].start == p.start && r->periods[i].end == p.end)
					*slot = (int32_t)i + 1;
			if (*slot == 0 && e->run->discover)
				*slot = (int32_t)add_period(r, &p) + 1;
		}
		if (*slot)
			out[n++] = (size_t)*slot - 1;
		return n;
	}
	if (e->run->discover && start <= end) {
		bb_period_containing(r->p->cadence, start, &r->p->ys, &p);
		if (end <= p.end)
			add_period(r, &p);
	}
	for (size_t i = 0; i < r->np && n < max; i++)
		if (start >= r->periods[i].start && end <= r->periods[i].end)
			out[n++] = i;
	return n;
}

/* --- counting ---------------------------------------------------------------- */

static void
update(struct acc *a, const struct bb_plan_part *q, bool aggregate, double count,
    const struct bb_pval *arg, int64_t person, bool linked, uint32_t distinct_id)
{
	a->records++;
	switch (q->agg) {
	case BB_AGG_COUNT_RECORDS:
		if (aggregate)
			a->aggregated += (int64_t)count;
		else
			a->units++;
		break;
	case BB_AGG_COUNT_PEOPLE:
		/* A record with no participant is a person of its own: no other
		 * record of the cell can be the same one. */
		if (aggregate)
			a->aggregated += (int64_t)count;
		else if (linked)
			i64set_add(&a->set, person);
		else
			a->unlinked++;
		break;
	case BB_AGG_COUNT_DISTINCT:
		if (arg->type != BB_PV_NULL)
			i64set_add(&a->set, (int64_t)distinct_id + 1);
		break;
	default:
		if (arg->type != BB_PV_NUM)
			break;
		if (a->nvals == 0 || arg->num < a->min)
			a->min = arg->num;
		if (a->nvals == 0 || arg->num > a->max)
			a->max = arg->num;
		a->sum += arg->num;
		/* The units behind a value: one record, or the people (or
		 * households...) an aggregate row counts. */
		if (aggregate)
			a->aggregated += (int64_t)count;
		else
			a->units++;
		if (q->agg == BB_AGG_MEDIAN || q->agg == BB_AGG_PERCENTILE) {
			a->vals = bb_grow(a->vals, &a->cv, (size_t)a->nvals + 1, sizeof(*a->vals));
			a->vals[a->nvals] = arg->num;
		}
		a->nvals++;
	}
}

static void
label_of(struct engine *e, const struct bb_plan_group *g, char *buf, size_t bufsz,
    const char **s, size_t *len)
{
	struct bb_pval v = eval(e, g->key);

	switch (v.type) {
	case BB_PV_TEXT:
		*s = v.text;
		*len = v.len;
		return;
	case BB_PV_NUM:
		if (g->breaks)
			bb_plan_band_label(g, v.num, buf, bufsz);
		else if (v.num == (double)(int64_t)v.num && fabs(v.num) < 1e15)
			snprintf(buf, bufsz, "%lld", (long long)v.num);
		else
			bb_format_double(buf, bufsz, v.num, 6);
		break;
	case BB_PV_BOOL:
		bb_strlcpy(buf, v.num != 0 ? "true" : "false", bufsz);
		break;
	case BB_PV_DATE: {
		char d[11];
		bb_date_format(v.day, d);
		bb_strlcpy(buf, d, bufsz);
		break;
	}
	default:
		bb_strlcpy(buf, BB_GROUP_MISSING, bufsz);
	}
	*s = buf;
	*len = strlen(buf);
}

/* The interned label of a record's group g of plan r.  Bands are named
 * once per band, not once per record. */
static uint32_t
group_label(struct engine *e, struct prun *r, size_t g)
{
	const struct bb_plan_group *grp = &r->p->groups[g];
	const char *s;
	size_t len, bi = 0;
	char buf[64];

	if (grp->breaks) {
		struct bb_pval v = eval(e, grp->key);
		if (v.type == BB_PV_NUM && v.num >= grp->breaks[0])
			for (bi = 1; bi < grp->nbreaks && v.num >= grp->breaks[bi]; bi++)
				;
		else if (v.type != BB_PV_NUM)
			bi = grp->nbreaks + 1;	/* missing */
		if (r->band_ids[g][bi] == UINT32_MAX) {
			if (bi > grp->nbreaks)
				bb_strlcpy(buf, BB_GROUP_MISSING, sizeof(buf));
			else
				bb_plan_band_label(grp, bi == 0 ? grp->breaks[0] - 1 :
				    grp->breaks[bi - 1], buf, sizeof(buf));
			r->band_ids[g][bi] = strtab_get(&e->strs, buf, strlen(buf));
		}
		return r->band_ids[g][bi];
	}
	label_of(e, grp, buf, sizeof(buf), &s, &len);
	return strtab_get(&e->strs, s, len);
}

struct feed {			/* a (plan, part, source) a dataset feeds */
	size_t plan, part, source;
};

static int
count_record(struct engine *e, const struct feed *f)
{
	struct prun *r = &e->pr[f->plan];
	const struct bb_plan *p = r->p;
	const struct bb_plan_part *q = &p->part[f->part];
	const struct bb_plan_source *src = &q->sources[f->source];
	size_t idx[64], np;
	int32_t start, end;
	char buf[64];

	e->cur_gslot = r->gslot;
	if (q->windowed) {
		if (src->date_slot >= 0) {
			const struct bb_pval *d = &e->vals[r->gslot[src->date_slot]];
			if (d->type != BB_PV_DATE)
				return BB_OK;
			start = end = d->day;
		} else {
			if (!e->sp_ok)
				return BB_OK;
			start = e->sp.start;
			end = e->sp.end;
		}
		np = periods_of(e, r, start, end, idx, BB_ARRAY_LEN(idx));
	} else {
		np = r->nlisted < BB_ARRAY_LEN(idx) ? r->nlisted : BB_ARRAY_LEN(idx);
		for (size_t i = 0; i < np; i++)
			idx[i] = i;
	}
	for (size_t k = 0; k < np; k++) {
		const struct bb_period *per = &r->periods[idx[k]];
		struct bb_pval arg = nullv(), cnt;
		uint32_t did = 0;
		int c;

		e->pstart = per->start;
		e->pend = per->end;
		for (size_t g = 0; g < p->ngroups; g++)
			r->labels[g] = group_label(e, r, g);
		c = q->where ? cond(e, q->where) : 1;
		if (c == 1 && q->arg) {
			arg = eval(e, q->arg);
			if (q->agg == BB_AGG_COUNT_DISTINCT && arg.type != BB_PV_NULL) {
				const char *s;
				size_t len;
				struct bb_plan_group tmp = { NULL, q->arg, NULL, 0, NULL, 0 };
				label_of(e, &tmp, buf, sizeof(buf), &s, &len);
				did = strtab_get(&e->strs, s, len);
			}
		}
		cnt = src->count_slot >= 0 ? e->vals[r->gslot[src->count_slot]] : nullv();
		for (uint32_t sc = 0; sc < 2; sc++) {
			for (size_t g = 0; g <= p->ngroups; g++) {
				struct ckey key = { (uint32_t)f->plan, (uint32_t)f->part,
				    (uint32_t)idx[k], sc ? e->scope : 0, (uint32_t)g,
				    g ? r->labels[g - 1] : UINT32_MAX };
				struct acc *a = ctab_get(&e->cells, &key);
				a->seen++;
				if (c == 1)
					update(a, q, src->aggregate,
					    cnt.type == BB_PV_NUM && cnt.num > 0 &&
					    cnt.num < 1e15 ? cnt.num : 0, &arg,
					    e->participant > 0 ? e->participant : -e->rec_id,
					    e->participant > 0, did);
			}
		}
		if (c == 1 && e->run->trace && f->plan == 0 && idx[k] == e->run->trace_period &&
		    (e->run->trace_partner == NULL ||
		    strcmp(e->run->trace_partner, e->partner) == 0) &&
		    (e->run->trace_group == 0 || (e->run->trace_group <= p->ngroups &&
		    strcmp(e->strs.s[r->labels[e->run->trace_group - 1]],
		    e->run->trace_label ? e->run->trace_label : "") == 0))) {
			struct bb_trace_hit h = { f->part, e->rec_id, e->sub_id,
			    e->source_row, e->participant, e->dataset, e->partner };
			int rc = e->run->trace(&h, e->run->trace_arg);
			if (rc != 0)
				return rc;
		}
	}
	return BB_OK;
}

/* --- the scan ------------------------------------------------------------------ */

static const char SQL_CURRENT[] =
    "SELECT r.id, r.submission_id, r.source_row, r.partner_id, r.period, r.data,"
    " rp.participant_id FROM record r"
    " LEFT JOIN record_participant rp ON rp.record_id = r.id"
    " WHERE r.dataset_id = ? AND r.active = 1";
/* As of submission ?2: a record's participant as linkage had it then (not
 * yet linked, or the participant its first later move took it from). */
static const char SQL_AS_OF[] =
    "SELECT r.id, r.submission_id, r.source_row, r.partner_id, r.period, r.data,"
    " CASE WHEN rp.linked_after > ?2 THEN NULL ELSE coalesce("
    "  (SELECT c.participant_before FROM record_participant_change c"
    "   WHERE c.record_id = r.id AND c.after_submission > ?2"
    "   ORDER BY c.after_submission, c.id LIMIT 1), rp.participant_id) END"
    " FROM submission s JOIN record r ON r.submission_id = s.id"
    " LEFT JOIN record_participant rp ON rp.record_id = r.id"
    " WHERE s.dataset_id = ?1 AND s.id <= ?2"
    " AND (s.superseded_by IS NULL OR s.superseded_by > ?2)";
static const char SQL_ONE[] =
    "SELECT r.id, r.submission_id, r.source_row, r.partner_id, r.period, r.data,"
    " rp.participant_id FROM record r"
    " LEFT JOIN record_participant rp ON rp.record_id = r.id"
    " WHERE r.dataset_id = ?1 AND r.submission_id = ?2";

static int
scan_dataset(struct bb_store *s, struct engine *e, const char *dataset,
    const struct feed *feeds, size_t nfeeds, const bool *want)
{
	const struct bb_run *run = e->run;
	struct bb_stmt *st;
	const char *sql = run->only_submission ? SQL_ONE : run->as_of ? SQL_AS_OF :
	    SQL_CURRENT;
	int rc, step;

	if ((rc = bb_db_prepare(s->db, sql, &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, dataset);
	if (run->only_submission)
		bb_stmt_bind_int64(st, 2, run->only_submission);
	else if (run->as_of)
		bb_stmt_bind_int64(st, 2, run->as_of);
	e->dataset = dataset;
	e->sp_label[0] = '\0';
	e->sp_ok = false;
	while ((step = bb_stmt_step(st)) == BB_STEP_ROW) {
		const char *partner = bb_stmt_text(st, 3);
		const char *period = bb_stmt_text(st, 4);
		const char *data = bb_stmt_text(st, 5);

		e->records_read++;
		e->rec_id = bb_stmt_int64(st, 0);
		e->sub_id = bb_stmt_int64(st, 1);
		if (e->sub_id > e->max_sub)
			e->max_sub = e->sub_id;
		e->source_row = bb_stmt_int64(st, 2);
		e->participant = bb_stmt_isnull(st, 6) ? 0 : bb_stmt_int64(st, 6);
		e->partner = partner ? partner : "";
		e->scope = strtab_get(&e->strs, e->partner, strlen(e->partner)) + 1;
		if (period && strcmp(period, e->sp_label) != 0) {
			const char *why;
			bb_strlcpy(e->sp_label, period, sizeof(e->sp_label));
			e->sp_ok = bb_period_parse(period, &e->pr[feeds[0].plan].p->ys,
			    &e->sp, &why) == BB_OK;
		}
		scan_record(e, data ? data : "{}", want);
		for (size_t i = 0; i < nfeeds; i++)
			if ((rc = count_record(e, &feeds[i])) != BB_OK)
				goto out;
	}
	rc = step < 0 ? step : BB_OK;
out:
	bb_stmt_free(st);
	return rc;
}

/* --- results ---------------------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
percentile(double *v, size_t n, double pct)
{
	double h, lo;
	size_t i;

	qsort(v, n, sizeof(*v), cmp_double);
	if (n == 1)
		return v[0];
	h = (double)(n - 1) * pct / 100.0;
	i = (size_t)floor(h);
	lo = v[i];
	if (i + 1 >= n)
		return lo;
	return lo + (h - (double)i) * (v[i + 1] - lo);
}

static void
finish(const struct bb_plan_part *q, struct acc *a, struct bb_cell *c)
{
	c->records = a->records;
	c->seen = a->seen;
	c->unlinked = a->unlinked;
	c->aggregated = a->aggregated;
	c->has_value = true;
	switch (q->agg) {
	case BB_AGG_COUNT_RECORDS:
		c->n = a->units + a->aggregated;
		c->value = (double)c->n;
		break;
	case BB_AGG_COUNT_PEOPLE:
		c->n = (int64_t)a->set.n + a->unlinked + a->aggregated;
		c->value = (double)c->n;
		break;
	case BB_AGG_COUNT_DISTINCT:
		c->n = (int64_t)a->set.n;
		c->value = (double)c->n;
		break;
	case BB_AGG_SUM:
		/* A sum over an aggregate dataset stands on the counts of its
		 * rows, not on how many rows there are (suppression looks at n). */
		c->n = a->units + a->aggregated;
		c->value = a->sum;
		break;
	default:
		c->n = a->nvals;
		c->has_value = a->nvals > 0;
		if (!c->has_value)
			break;
		if (q->agg == BB_AGG_MEAN)
			c->value = a->sum / (double)a->nvals;
		else if (q->agg == BB_AGG_MIN)
			c->value = a->min;
		else if (q->agg == BB_AGG_MAX)
			c->value = a->max;
		else
			c->value = percentile(a->vals, (size_t)a->nvals,
			    q->agg == BB_AGG_MEDIAN ? 50 : q->pct);
	}
}

/* Labels in a natural order: "under N" first, numbers by value, "(missing)" last. */
static int
label_rank(const char *s)
{
	if (strncmp(s, "under ", 6) == 0)
		return 0;
	if (strcmp(s, BB_GROUP_MISSING) == 0)
		return 3;
	if ((s[0] >= '0' && s[0] <= '9') || (s[0] == '-' && s[1] >= '0' && s[1] <= '9'))
		return 1;
	return 2;
}

int
bb_label_cmp(const char *a, const char *b)
{
	int ra = label_rank(a), rb = label_rank(b);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 1) {
		double x = strtod(a, NULL), y = strtod(b, NULL);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return strcmp(a, b);
}

int
bb_cell_key_cmp(const struct bb_cell *x, const struct bb_cell *y)
{
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	if ((x->partner == NULL) != (y->partner == NULL))
		return x->partner == NULL ? -1 : 1;
	if (x->partner && y->partner) {
		int c = strcmp(x->partner, y->partner);
		if (c)
			return c;
	}
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return bb_label_cmp(x->label, y->label);
}

static int
cmp_cell(const void *a, const void *b)
{
	const struct bb_cell *x = a, *y = b;
	if (x->plan != y->plan)
		return x->plan < y->plan ? -1 : 1;
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	return bb_cell_key_cmp(x, y);
}

static int
cmp_period(const void *a, const void *b)
{
	const struct bb_period *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return strcmp(x->label, y->label);
}

static void
build_result(struct engine *e, struct bb_run_result *out)
{
	const struct bb_run *run = e->run;
	size_t **remap = bb_calloc(run->nplans ? run->nplans : 1, sizeof(*remap));

	out->nplans = run->nplans;
	out->periods = bb_calloc(run->nplans ? run->nplans : 1, sizeof(*out->periods));
	out->nperiods = bb_calloc(run->nplans ? run->nplans : 1, sizeof(*out->nperiods));
	for (size_t i = 0; i < run->nplans; i++) {
		struct prun *r = &e->pr[i];
		struct bb_period *sorted = bb_calloc(r->np ? r->np : 1, sizeof(*sorted));
		if (r->np)
			memcpy(sorted, r->periods, r->np * sizeof(*sorted));
		qsort(sorted, r->np, sizeof(*sorted), cmp_period);
		remap[i] = bb_calloc(r->np ? r->np : 1, sizeof(**remap));
		for (size_t k = 0; k < r->np; k++)
			for (size_t j = 0; j < r->np; j++)
				if (sorted[j].start == r->periods[k].start &&
				    sorted[j].end == r->periods[k].end &&
				    strcmp(sorted[j].label, r->periods[k].label) == 0)
					remap[i][k] = j;
		out->periods[i] = sorted;
		out->nperiods[i] = r->np;
	}
	out->cells = bb_calloc(e->cells.n ? e->cells.n : 1, sizeof(*out->cells));
	for (size_t i = 0; i < e->cells.n; i++) {
		struct acc *a = &e->cells.a[i];
		struct bb_cell *c = &out->cells[out->ncells++];
		const struct bb_plan *p = run->plans[a->k.plan];
		c->plan = a->k.plan;
		c->part = a->k.part;
		c->period = remap[a->k.plan][a->k.period];
		c->partner = a->k.scope ? e->strs.s[a->k.scope - 1] : NULL;
		c->group = a->k.group;
		c->label = a->k.group ? e->strs.s[a->k.label] : "";
		finish(&p->part[a->k.part], a, c);
		free(a->vals);
		i64set_free(&a->set);
	}
	qsort(out->cells, out->ncells, sizeof(*out->cells), cmp_cell);
	for (size_t i = 0; i < run->nplans; i++)
		free(remap[i]);
	free(remap);
	out->records_read = e->records_read;
	out->max_submission = e->max_sub;
	struct strtab *keep = bb_malloc(sizeof(*keep));
	*keep = e->strs;
	out->strings = keep;
	memset(&e->strs, 0, sizeof(e->strs));
}

void
bb_run_result_free(struct bb_run_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->periods && i < r->nplans; i++)
		free(r->periods[i]);
	free(r->periods);
	free(r->nperiods);
	free(r->cells);
	strtab_free(r->strings);
	free(r->strings);
	memset(r, 0, sizeof(*r));
}

/* --- the entry point ---------------------------------------------------------- */

int
bb_store_plans_run(struct bb_store *s, const struct bb_run *run,
    struct bb_run_result *out)
{
	struct engine e;
	char **datasets = NULL;
	size_t nds = 0, cds = 0;
	int rc = BB_OK;

	memset(out, 0, sizeof(*out));
	memset(&e, 0, sizeof(e));
	e.run = run;
	e.pr = bb_calloc(run->nplans ? run->nplans : 1, sizeof(*e.pr));
	for (size_t i = 0; i < run->nplans; i++) {
		const struct bb_plan *p = run->plans[i];
		struct prun *r = &e.pr[i];
		r->p = p;
		r->uniform = true;
		r->gslot = bb_calloc(p->nslots ? p->nslots : 1, sizeof(*r->gslot));
		for (size_t k = 0; k < p->nslots; k++)
			r->gslot[k] = global_slot(&e, p->slots[k].field, p->slots[k].type);
		r->labels = bb_calloc(p->ngroups ? p->ngroups : 1, sizeof(*r->labels));
		r->band_ids = bb_calloc(p->ngroups ? p->ngroups : 1, sizeof(*r->band_ids));
		for (size_t g = 0; g < p->ngroups; g++) {
			size_t nb = p->groups[g].nbreaks + 2;
			r->band_ids[g] = bb_malloc(nb * sizeof(**r->band_ids));
			for (size_t k = 0; k < nb; k++)
				r->band_ids[g][k] = UINT32_MAX;
		}
		for (size_t k = 0; run->periods && k < run->nperiods[i]; k++)
			add_period(r, &run->periods[i][k]);
		r->nlisted = r->np;
		for (size_t q = 0; q < p->nparts; q++)
			for (size_t k = 0; k < p->part[q].nsources; k++) {
				const char *d = p->part[q].sources[k].dataset;
				size_t j;
				for (j = 0; j < nds && strcmp(datasets[j], d) != 0; j++)
					;
				if (j == nds) {
					datasets = bb_grow(datasets, &cds, nds + 1, sizeof(*datasets));
					datasets[nds++] = (char *)(uintptr_t)d;
				}
			}
	}
	e.vals = bb_calloc(e.ngs ? e.ngs : 1, sizeof(*e.vals));
	for (size_t d = 0; d < nds && rc == BB_OK; d++) {
		struct feed *feeds = NULL;
		size_t nf = 0, cf = 0;
		bool *want = bb_calloc(e.ngs ? e.ngs : 1, sizeof(*want));
		for (size_t i = 0; i < run->nplans; i++) {
			const struct bb_plan *p = run->plans[i];
			for (size_t q = 0; q < p->nparts; q++)
				for (size_t k = 0; k < p->part[q].nsources; k++) {
					if (strcmp(p->part[q].sources[k].dataset, datasets[d]) != 0)
						continue;
					feeds = bb_grow(feeds, &cf, nf + 1, sizeof(*feeds));
					feeds[nf].plan = i;
					feeds[nf].part = q;
					feeds[nf].source = k;
					nf++;
					for (size_t m = 0; m < p->nslots; m++)
						want[e.pr[i].gslot[m]] = true;
				}
		}
		rc = scan_dataset(s, &e, datasets[d], feeds, nf, want);
		free(feeds);
		free(want);
	}
	if (rc == BB_OK)
		build_result(&e, out);
	else {
		for (size_t i = 0; i < e.cells.n; i++) {
			free(e.cells.a[i].vals);
			i64set_free(&e.cells.a[i].set);
		}
	}
	for (size_t i = 0; i < run->nplans; i++) {
		free(e.pr[i].gslot);
		free(e.pr[i].periods);
		free(e.pr[i].labels);
		for (size_t g = 0; g < run->plans[i]->ngroups; g++)
			free(e.pr[i].band_ids[g]);
		free(e.pr[i].band_ids);
		free(e.pr[i].dc.day);
		free(e.pr[i].dc.idx);
	}
	for (size_t i = 0; i < e.ngs; i++) {
		free(e.gs[i].field);
		free(e.gs[i].buf);
	}
	free(e.gs);
	free(e.pr);
	free(e.vals);
	free(e.cells.a);
	free(e.cells.slots);
	strtab_free(&e.strs);
	free(datasets);
	return rc;
}
