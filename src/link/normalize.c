/*
 * normalize.c: folding, names, words, identifiers, phones, e-mails, sex,
 * dates and the NYSIIS phonetic code (see normalize.h for the contracts).
 *
 * Folding runs utf8proc's decomposition into a code-point buffer on the
 * stack (no allocation), then re-encodes; ASCII input, the common case, takes
 * a short path that only lowers case.  The nickname table is parsed once, on
 * first use, into a sorted array searched by bisection.
 */
#include "link/normalize.h"

#include "link/strsim.h"
#include "util/bb.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define FOLD_IN_MAX 512		/* input bytes folded; the rest is ignored */
#define FOLD_CP_MAX 1024	/* code points after decomposition */

static bool
is_space_cp(int32_t c)
{
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v')
		return true;
	if (c < 0x80)
		return false;
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP;
}

/* Letters that do not decompose into a base letter and a mark. */
static const char *
extra_letter(int32_t c)
{
	switch (c) {
	case 0x0142: case 0x0141: return "l";	/* ł Ł */
	case 0x00F8: case 0x00D8: return "o";	/* ø Ø */
	case 0x0111: case 0x0110: return "d";	/* đ Đ */
	case 0x00E6: case 0x00C6: return "ae";	/* æ Æ */
	case 0x0153: case 0x0152: return "oe";	/* œ Œ */
	case 0x00FE: case 0x00DE: return "th";	/* þ Þ */
	case 0x00F0: case 0x00D0: return "d";	/* ð Ð */
	case 0x0131: return "i";		/* ı */
	case 0x00DF: case 0x1E9E: return "ss";	/* ß ẞ */
	case 0x0127: case 0x0126: return "h";	/* ħ Ħ */
	case 0x0167: case 0x0166: return "t";	/* ŧ Ŧ */
	case 0x0140: case 0x013F: return "l";	/* ŀ Ŀ */
	default: return NULL;
	}
}

/* Append bytes to out (capacity outsz with the NUL), never splitting a
 * character; returns false when it did not fit. */
static bool
put(char *out, size_t outsz, size_t *n, const char *p, size_t len)
{
	if (*n + len + 1 > outsz)
		return false;
	memcpy(out + *n, p, len);
	*n += len;
	return true;
}

/* Copy the valid UTF-8 of s (at most FOLD_IN_MAX bytes, cut at a character
 * boundary) into buf, dropping invalid bytes; returns the length. */
static size_t
clean_utf8(const char *s, size_t len, uint8_t buf[FOLD_IN_MAX])
{
	size_t i = 0, n = 0;
	while (i < len) {
		int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)s + i,
		    (utf8proc_ssize_t)(len - i), &c);
		if (k <= 0) {
			i++;
			continue;
		}
		if (c == 0) {
			i += (size_t)k;
			continue;
		}
		if (n + (size_t)k > FOLD_IN_MAX)
			break;
		memcpy(buf + n, s + i, (size_t)k);
		n += (size_t)k;
		i += (size_t)k;
	}
	return n;
}

size_t
bb_norm_fold(const char *s, size_t len, char *out, size_t outsz)
{
	size_t n = 0, i;
	bool space = true;	/* at the start, or after a space: drop spaces */
	bool ascii = true;

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0') {
			ascii = false;
			break;
		}
	}
	if (ascii) {
		for (i = 0; i < len; i++) {
			char c = s[i];
			if (is_space_cp((unsigned char)c)) {
				if (!space && n + 2 <= outsz)
					out[n++] = ' ';
				space = true;
				continue;
			}
			if ((unsigned char)c < 0x20 || c == 0x7f)
				continue;
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (n + 2 > outsz)
				break;
			out[n++] = c;
			space = false;
		}
	} else {
		uint8_t in[FOLD_IN_MAX];
		int32_t cps[FOLD_CP_MAX];
		size_t inlen = clean_utf8(s, len, in);
		utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPAT |
		    UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
		    UTF8PROC_LUMP | UTF8PROC_IGNORE | UTF8PROC_STRIPCC;
		utf8proc_ssize_t ncp;

		for (;;) {
			ncp = utf8proc_decompose(in, (utf8proc_ssize_t)inlen,
			    cps, FOLD_CP_MAX, opt);
			if (ncp >= 0 && ncp <= FOLD_CP_MAX)
				break;
			if (ncp < 0 || inlen == 0)
				return 0;
			/* Expanded past the buffer: fold less of the input. */
			inlen /= 2;
			while (inlen > 0 && (in[inlen] & 0xC0) == 0x80)
				inlen--;
		}
		ncp = utf8proc_normalize_utf32(cps, ncp, opt);
		if (ncp < 0)
			return 0;
		for (utf8proc_ssize_t k = 0; k < ncp; k++) {
			int32_t c = cps[k];
			const char *x;
			if (is_space_cp(c)) {
				if (!space && n + 2 <= outsz)
					out[n++] = ' ';
				space = true;
				continue;
			}
			if (c < 0x20 || c == 0x7f)
				continue;
			if ((x = extra_letter(c)) != NULL) {
				if (!put(out, outsz, &n, x, strlen(x)))
					break;
			} else {
				uint8_t enc[4];
				utf8proc_ssize_t el = utf8proc_encode_char(c, enc);
				if (el <= 0)
					continue;
				if (!put(out, outsz, &n, (const char *)enc, (size_t)el))
					break;
			}
			space = false;
		}
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n;
}

/* Words that stand for "no value" in any text field (compared after
 * folding, with punctuation still in place). */
static const char *const placeholder_words[] = {
	"", "-", "--", "---", ".", "?", "??", "???", "#n/a", "n/a", "n.a.",
	"n.a", "na", "n/k", "nk", "none", "null", "nil", "nan", "unknown",
	"unk", "unkn", "not known", "notknown", "not stated", "not given",
	"not applicable", "not available", "refused", "declined", "missing",
	"blank", "empty", "tba", "tbc", "tbd", "x", "xx", "xxx", "xxxx", "zzz",
	"test", "dummy", "anonymous", "anon", "no name", "noname",
};

static bool
is_placeholder_word(const char *folded)
{
	/* Every placeholder is short: most values are settled by length. */
	size_t n = strnlen(folded, 16);
	if (n >= 16)
		return false;
	for (size_t i = 0; i < BB_ARRAY_LEN(placeholder_words); i++)
		if (placeholder_words[i][0] == folded[0] &&
		    strcmp(folded, placeholder_words[i]) == 0)
			return true;
	return false;
}

/* Is the code point at p (of the folded text) a letter or digit?  Sets *len
 * to its byte length. */
static bool
alnum_at(const char *p, size_t *len, bool *digit)
{
	int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)p, -1, &c);
	if (k <= 0) {
		*len = 1;
		*digit = false;
		return false;
	}
	*len = (size_t)k;
	*digit = c >= '0' && c <= '9';
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || *digit;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return true;
	case UTF8PROC_CATEGORY_ND:
		*digit = true;
		return true;
	default:
		return false;
	}
}

/* Split folded text into tokens of letters and digits.  Apostrophes join
 * ("o'brien" is one token); everything else separates.  Writes token
 * offsets/lengths into tok (up to maxtok) over the rewritten text `buf`. */
struct tokens {
	char buf[BB_NORM_MAX];
	size_t off[24], len[24];
	size_t n;
};

static void
tokenize(const char *folded, bool letters_only, struct tokens *t)
{
	size_t bn = 0;
	const char *p = folded;
	bool in = false;

	t->n = 0;
	while (*p) {
		size_t k;
		bool digit;
		bool ok = alnum_at(p, &k, &digit);
		if (ok && letters_only && digit)
			ok = false;
		if (*p == '\'') {
			p++;
			continue;
		}
		if (!ok) {
			if (in) {
				t->buf[bn++] = '\0';
				in = false;
			}
			p += k;
			continue;
		}
		if (bn + k + 2 > sizeof(t->buf))
			break;
		if (!in) {
			if (t->n == BB_ARRAY_LEN(t->off))
				break;
			t->off[t->n] = bn;
			t->len[t->n] = 0;
			t->n++;
			in = true;
		}
		memcpy(t->buf + bn, p, k);
		bn += k;
		t->len[t->n - 1] += k;
		p += k;
	}
	t->buf[bn] = '\0';
}

static bool
word_in(const char *w, size_t wl, const char *const *list, size_t n)
{
	if (wl == 0 || wl > 12)	/* longer than any listed word */
		return false;
	for (size_t i = 0; i < n; i++)
		if (list[i][0] == w[0] && strlen(list[i]) == wl &&
		    memcmp(list[i], w, wl) == 0)
			return true;
	return false;
}

static const char *const name_titles[] = {
	"mr", "mrs", "ms", "miss", "mstr", "master", "dr", "prof", "rev",
	"sir", "dame", "mx", "madam", "mme", "mlle",
};
static const char *const name_suffixes[] = {
	"jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv",
	"phd", "md", "esq", "dds", "rn",
};
static const char *const name_placeholders[] = {
	"fnu", "lnu", "nfn", "nln", "baby", "infant", "babyboy", "babygirl",
	"unnamed", "stillborn", "unknown", "none", "null",
};

bool
bb_norm_name(const char *s, bool given, char out[BB_NORM_MAX],
    char first[BB_NORM_MAX])
{
	char folded[BB_NORM_MAX];
	struct tokens t;
	size_t n = 0, kept = 0;

	out[0] = '\0';
	if (first)
		first[0] = '\0';
	if (s == NULL)
		return false;
	bb_norm_fold(s, strlen(s), folded, sizeof(folded));
	if (is_placeholder_word(folded))
		return false;
	tokenize(folded, true, &t);
	for (size_t i = 0; i < t.n; i++) {
		const char *w = t.buf + t.off[i];
		size_t wl = t.len[i];
		/* Titles lead a given name; suffixes end either. */
		if (t.n > 1 && given && kept == 0 &&
		    word_in(w, wl, name_titles, BB_ARRAY_LEN(name_titles)))
			continue;
		if (t.n > 1 && kept > 0 &&
		    word_in(w, wl, name_suffixes, BB_ARRAY_LEN(name_suffixes)))
			continue;
		if (kept == 0 && first && wl + 1 <= BB_NORM_MAX) {
			memcpy(first, w, wl);
			first[wl] = '\0';
		}
		if (n + wl + 1 > BB_NORM_MAX)
			break;
		memcpy(out + n, w, wl);
		n += wl;
		kept++;
	}
	out[n] = '\0';
	if (n == 0 || word_in(out, n, name_placeholders,
	    BB_ARRAY_LEN(name_placeholders))) {
		out[0] = '\0';
		if (first)
			first[0] = '\0';
		return false;
	}
	/* One letter repeated ("xxxx", "aaaa") is not a name. */
	if (n > 1 && (unsigned char)out[0] < 0x80 &&
	    strspn(out, (char[]){ out[0], '\0' }) == n) {
		out[0] = '\0';
		if (first)
			first[0] = '\0';
		return false;
	}
	return true;
}

/* Street types and other address words, abbreviation -> full. */
static const char *const address_words[][2] = {
	{ "st", "street" }, { "str", "street" }, { "rd", "road" },
	{ "ave", "avenue" }, { "av", "avenue" }, { "dr", "drive" },
	{ "drv", "drive" }, { "pl", "place" }, { "cres", "crescent" },
	{ "cr", "crescent" }, { "ct", "court" }, { "crt", "court" },
	{ "cct", "circuit" }, { "hwy", "highway" }, { "ln", "lane" },
	{ "tce", "terrace" }, { "terr", "terrace" }, { "pde", "parade" },
	{ "blvd", "boulevard" }, { "bvd", "boulevard" }, { "cl", "close" },
	{ "gr", "grove" }, { "gdns", "gardens" }, { "sq", "square" },
	{ "pkwy", "parkway" }, { "apt", "apartment" }, { "ste", "suite" },
	{ "fl", "floor" }, { "bldg", "building" }, { "mt", "mount" },
	{ "n", "north" }, { "s", "south" }, { "e", "east" }, { "w", "west" },
	{ "ne", "northeast" }, { "nw", "northwest" }, { "se", "southeast" },
	{ "sw", "southwest" }, { "esp", "esplanade" }, { "wy", "way" },
};

bool
bb_norm_words(const char *s, bool address, char out[BB_NORM_MAX])
{
	char folded[BB_NORM_MAX];
	struct tokens t;
	size_t n = 0;

	out[0] = '\0';
	if (s == NULL)
		return false;
	bb_norm_fold(s, strlen(s), folded, sizeof(folded));
	if (is_placeholder_word(folded))
		return false;
	tokenize(folded, false, &t);
	for (size_t i = 0; i < t.n; i++) {
		const char *w = t.buf + t.off[i];
		size_t wl = t.len[i];
		if (address) {
			for (size_t k = 0; k < BB_ARRAY_LEN(address_words); k++) {
				if (strlen(address_words[k][0]) == wl &&
				    memcmp(address_words[k][0], w, wl) == 0) {
					w = address_words[k][1];
					wl = strlen(w);
					break;
				}
			}
		}
		if (n + wl + (n > 0) + 1 > BB_NORM_MAX)
			break;
		if (n > 0)
			out[n++] = ' ';
		memcpy(out + n, w, wl);
		n += wl;
	}
	out[n] = '\0';
	return n > 0;
}

/* A run of one repeated character, or a run of consecutive digits
 * ("123456789", "987654321"), is a placeholder identifier. */
static bool
is_placeholder_ident(const char *v, size_t n)
{
	bool same = true, up = true, down = true;
	for (size_t i = 1; i < n; i++) {
		if (v[i] != v[0])
			same = false;
		if (!(v[i] >= '0' && v[i] <= '9' && v[i - 1] >= '0' &&
		    v[i - 1] <= '9'))
			up = down = false;
		else {
			if (v[i] - v[i - 1] != 1)
				up = false;
			if (v[i - 1] - v[i] != 1)
				down = false;
		}
	}
	if (same)
		return true;
	return n >= 6 && (up || down);
}

bool
bb_norm_ident(const char *s, size_t minlen, char out[BB_NORM_MAX])
{
	char folded[BB_NORM_MAX];
	size_t n = 0;
	const char *p;

	out[0] = '\0';
	if (s == NULL)
		return false;
	bb_norm_fold(s, strlen(s), folded, sizeof(folded));
	if (is_placeholder_word(folded))
		return false;
	for (p = folded; *p;) {
		size_t k;
		bool digit;
		if (alnum_at(p, &k, &digit) && n + k + 1 <= BB_NORM_MAX) {
			memcpy(out + n, p, k);
			n += k;
		}
		p += k;
	}
	out[n] = '\0';
	if (n == 0 || n < minlen || is_placeholder_ident(out, n) ||
	    is_placeholder_word(out)) {
		out[0] = '\0';
		return false;
	}
	return true;
}

#define PHONE_KEEP 9		/* trailing digits of a phone number kept */

bool
bb_norm_phone(const char *s, char out[BB_NORM_MAX])
{
	char digits[BB_NORM_MAX];
	size_t n = 0;

	out[0] = '\0';
	if (s == NULL)
		return false;
	for (const char *p = s; *p && n + 1 < sizeof(digits); p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	digits[n] = '\0';
	if (n < 6 || is_placeholder_ident(digits, n))
		return false;
	/* The last nine digits: "+61 2 9999 1234" and "(02) 9999 1234" agree. */
	if (n > PHONE_KEEP) {
		memmove(digits, digits + n - PHONE_KEEP, PHONE_KEEP);
		n = PHONE_KEEP;
		digits[n] = '\0';
	}
	if (is_placeholder_ident(digits, n))
		return false;
	memcpy(out, digits, n + 1);
	return true;
}

static const char *const email_locals[] = {
	"none", "noemail", "no", "na", "nomail", "noreply", "no-reply", "test",
	"unknown", "null", "email", "x", "xx", "xxx", "donotreply", "nobody",
	"declined", "refused",
};
static const char *const email_domains[] = {
	"none.com", "noemail.com", "example.com", "example.org", "test.com",
	"nomail.com", "unknown.com", "na.com", "none", "x.com", "xxx.com",
};

bool
bb_norm_email(const char *s, char out[BB_NORM_MAX])
{
	char folded[BB_NORM_MAX];
	char *at, *plus;
	size_t n;

	out[0] = '\0';
	if (s == NULL)
		return false;
	n = bb_norm_fold(s, strlen(s), folded, sizeof(folded));
	/* No spaces inside an address. */
	for (size_t i = 0, j = 0; i <= n; i++)
		if (folded[i] != ' ')
			folded[j++] = folded[i];
	at = strchr(folded, '@');
	if (at == NULL || at == folded || at[1] == '\0' || strchr(at + 1, '@'))
		return false;
	*at = '\0';
	if ((plus = strchr(folded, '+')) != NULL && plus != folded)
		*plus = '\0';
	if (word_in(folded, strlen(folded), email_locals,
	    BB_ARRAY_LEN(email_locals)) ||
	    word_in(at + 1, strlen(at + 1), email_domains,
	    BB_ARRAY_LEN(email_domains)) || strchr(at + 1, '.') == NULL)
		return false;
	if (strlen(folded) + 1 + strlen(at + 1) + 1 > BB_NORM_MAX)
		return false;
	n = strlen(folded);
	memcpy(out, folded, n);
	out[n] = '@';
	memcpy(out + n + 1, at + 1, strlen(at + 1) + 1);
	return true;
}

char
bb_norm_sex(const char *s)
{
	static const char *const male[] = { "m", "male", "man", "boy", "h",
	    "homme", "masculino", "masculin", "männlich" };
	static const char *const female[] = { "f", "female", "woman", "girl",
	    "w", "femme", "femenino", "féminin", "weiblich" };
	char folded[32];

	if (s == NULL)
		return 0;
	bb_norm_fold(s, strlen(s), folded, sizeof(folded));
	for (size_t i = 0; i < BB_ARRAY_LEN(male); i++) {
		char m[32];
		bb_norm_fold(male[i], strlen(male[i]), m, sizeof(m));
		if (strcmp(folded, m) == 0)
			return 'm';
	}
	for (size_t i = 0; i < BB_ARRAY_LEN(female); i++) {
		char f[32];
		bb_norm_fold(female[i], strlen(female[i]), f, sizeof(f));
		if (strcmp(folded, f) == 0)
			return 'f';
	}
	return 0;
}

/* --- dates --------------------------------------------------------------- */

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

static bool
date_ok(int y, int m, int d)
{
	if (y < 1850 || y > 2150 || m < 1 || m > 12 || d < 1 || d > mdays(y, m))
		return false;
	/* Placeholders: the start of the 1900 system and the days before it
	 * that spreadsheets show for serial 0 and -1. */
	if ((y == 1900 && m == 1 && d == 1) ||
	    (y == 1899 && m == 12 && (d == 31 || d == 30)))
		return false;
	return true;
}

static void
date_add(struct bb_date *o, int y, int m, int d)
{
	if (!date_ok(y, m, d) || o->n >= 2)
		return;
	if (o->n == 1 && o->y[0] == y && o->m[0] == m && o->d[0] == d)
		return;
	o->y[o->n] = (int16_t)y;
	o->m[o->n] = (int8_t)m;
	o->d[o->n] = (int8_t)d;
	o->n++;
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void
civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int
month_name(const char *w, size_t n)
{
	static const char *const names[] = { "jan", "feb", "mar", "apr", "may",
	    "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
	if (n < 3)
		return 0;
	for (int i = 0; i < 12; i++)
		if (strncmp(w, names[i], 3) == 0)
			return i + 1;
	return 0;
}

bool
bb_norm_date(const char *s, struct bb_date *out)
{
	char f[64];
	size_t n;
	/* Up to three parts: numbers (value and digit count) or month names. */
	long val[3] = { 0, 0, 0 };
	int digits[3] = { 0, 0, 0 }, month[3] = { 0, 0, 0 };
	char sep[2] = { 0, 0 };
	int np = 0;
	const char *p;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return false;
	n = bb_norm_fold(s, strlen(s), f, sizeof(f));
	if (n == 0)
		return false;
	/* Excel serial numbers (the 1900 system): digits, maybe a fraction. */
	{
		size_t k = strspn(f, "0123456789");
		if (k > 0 && k <= 5 && (f[k] == '\0' || (f[k] == '.' &&
		    strspn(f + k + 1, "0123456789") == strlen(f + k + 1)))) {
			long serial = strtol(f, NULL, 10);
			/* A bare year is not a date. */
			if (k == 4 && serial >= 1850 && serial <= 2150)
				return false;
			if (serial < 1 || serial == 60)
				return false;
			int y, m, d;
			/* Serial 1 is 1900-01-01; Excel counts a 29 Feb 1900. */
			civil_from_days(serial - (serial < 60 ? 25568 : 25569),
			    &y, &m, &d);
			date_add(out, y, m, d);
			return out->n > 0;
		}
		if (k == 8 && (f[8] == '\0' || f[8] == ' ' || f[8] == 't')) {
			long v = strtol(f, NULL, 10);
			date_add(out, (int)(v / 10000), (int)(v / 100 % 100),
			    (int)(v % 100));
			return out->n > 0;
		}
	}
	for (p = f; *p && np < 3;) {
		if (*p >= '0' && *p <= '9') {
			long v = 0;
			int dg = 0;
			while (*p >= '0' && *p <= '9') {
				if (dg < 9)
					v = v * 10 + (*p - '0');
				dg++;
				p++;
			}
			val[np] = v;
			digits[np] = dg;
			np++;
		} else if (*p >= 'a' && *p <= 'z') {
			const char *w = p;
			while (*p >= 'a' && *p <= 'z')
				p++;
			int mn = month_name(w, (size_t)(p - w));
			if (mn == 0) {
				/* "t" of an ISO time, or words: stop here. */
				break;
			}
			month[np] = mn;
			digits[np] = 0;
			np++;
		} else {
			if (np >= 1 && np <= 2 && sep[np - 1] == 0)
				sep[np - 1] = *p;
			p++;
		}
		/* A time after a full date ends it. */
		if (np == 3)
			break;
	}
	if (np < 3)
		return false;
	for (int i = 0; i < 3; i++)
		if (month[i] == 0 && (digits[i] < 1 || digits[i] > 4))
			return false;
	if (month[0] || month[1] || month[2]) {
		/* "12 jan 1990", "jan 12 1990", "1990 jan 12" */
		int mi = month[0] ? 0 : month[1] ? 1 : 2;
		int yi = -1, di = -1;
		for (int i = 0; i < 3; i++) {
			if (i == mi)
				continue;
			if (digits[i] == 4)
				yi = i;
			else if (digits[i] >= 1 && digits[i] <= 2)
				di = i;
		}
		if (yi < 0 || di < 0)
			return false;
		date_add(out, (int)val[yi], month[mi], (int)val[di]);
		return out->n > 0;
	}
	if (digits[0] == 4) {
		date_add(out, (int)val[0], (int)val[1], (int)val[2]);
	} else if (digits[2] == 4 && digits[0] <= 2 && digits[1] <= 2) {
		int a = (int)val[0], b = (int)val[1], y = (int)val[2];
		if (sep[0] == '.' || sep[0] == '-') {
			/* DD.MM.YYYY, DD-MM-YYYY */
			date_add(out, y, b, a);
		} else {
			/* MM/DD/YYYY or DD/MM/YYYY: keep each valid reading. */
			date_add(out, y, a, b);
			date_add(out, y, b, a);
		}
	}
	return out->n > 0;
}

/* --- NYSIIS -------------------------------------------------------------- */

static bool
vowel(char c)
{
	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

size_t
bb_norm_nysiis(const char *name, char out[BB_NORM_MAX])
{
	char s[BB_NORM_MAX + 4];
	char key[BB_NORM_MAX + 4];
	size_t n = 0, k = 0, i;

	for (const char *p = name; *p && n < BB_NORM_MAX - 1; p++) {
		char c = *p;
		if (c >= 'a' && c <= 'z')
			s[n++] = (char)(c - 'a' + 'A');
		else if (c >= 'A' && c <= 'Z')
			s[n++] = c;
	}
	s[n] = '\0';
	out[0] = '\0';
	if (n == 0)
		return 0;
	/* Step 1: prefixes. */
	if (strncmp(s, "MAC", 3) == 0) {
		s[1] = 'C';
	} else if (strncmp(s, "KN", 2) == 0) {
		memmove(s, s + 1, n);
		n--;
	} else if (s[0] == 'K') {
		s[0] = 'C';
	} else if (strncmp(s, "PH", 2) == 0 || strncmp(s, "PF", 2) == 0) {
		s[0] = s[1] = 'F';
	} else if (strncmp(s, "SCH", 3) == 0) {
		s[1] = s[2] = 'S';
	}
	/* Step 2: suffixes. */
	if (n >= 2) {
		const char *e = s + n - 2;
		if (strcmp(e, "IE") == 0 || strcmp(e, "EE") == 0) {
			s[n - 2] = 'Y';
			s[--n] = '\0';
		} else if (strcmp(e, "DT") == 0 || strcmp(e, "RT") == 0 ||
		    strcmp(e, "RD") == 0 || strcmp(e, "NT") == 0 ||
		    strcmp(e, "ND") == 0) {
			s[n - 2] = 'D';
			s[--n] = '\0';
		}
	}
	/* Step 3: the first letter stays. */
	key[k++] = s[0];
	/* Step 4: translate the rest. */
	for (i = 1; i < n; i++) {
		char ch[3] = { s[i], 0, 0 };
		char c = s[i];
		if (c == 'E' && i + 1 < n && s[i + 1] == 'V') {
			ch[0] = 'A';
			ch[1] = 'F';
			i++;
		} else if (vowel(c)) {
			ch[0] = 'A';
		} else if (c == 'Q') {
			ch[0] = 'G';
		} else if (c == 'Z') {
			ch[0] = 'S';
		} else if (c == 'M') {
			ch[0] = 'N';
		} else if (c == 'K') {
			ch[0] = (i + 1 < n && s[i + 1] == 'N') ? 'N' : 'C';
		} else if (c == 'S' && i + 2 < n && s[i + 1] == 'C' &&
		    s[i + 2] == 'H') {
			ch[0] = 'S';
			ch[1] = 'S';
			i += 2;
		} else if (c == 'P' && i + 1 < n && s[i + 1] == 'H') {
			ch[0] = 'F';
			i++;
		} else if (c == 'H' && (!vowel(s[i - 1]) ||
		    (i + 1 < n && !vowel(s[i + 1])) || i + 1 == n)) {
			ch[0] = vowel(s[i - 1]) ? 'A' : s[i - 1];
		} else if (c == 'W' && vowel(s[i - 1])) {
			ch[0] = s[i - 1];
		}
		size_t cl = strlen(ch);
		if (ch[cl - 1] != key[k - 1] && k + cl < sizeof(key)) {
			memcpy(key + k, ch, cl);
			k += cl;
		}
	}
	key[k] = '\0';
	/* Steps 5-7: trailing S, AY, trailing A. */
	if (k > 1 && key[k - 1] == 'S')
		key[--k] = '\0';
	if (k >= 2 && key[k - 2] == 'A' && key[k - 1] == 'Y') {
		key[k - 2] = 'Y';
		key[--k] = '\0';
	}
	if (k > 1 && key[k - 1] == 'A')
		key[--k] = '\0';
	if (k >= BB_NORM_MAX)
		k = BB_NORM_MAX - 1;
	memcpy(out, key, k);
	out[k] = '\0';
	return k;
}

/* --- nicknames ----------------------------------------------------------- */

struct nick {
	const char *name;	/* points into nick_text */
	uint16_t group;
};

static struct nick *nicks;
static size_t nnicks;
static char *nick_text;
static pthread_once_t nick_once = PTHREAD_ONCE_INIT;

static int
nick_cmp(const void *a, const void *b)
{
	const struct nick *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->group > y->group) - (x->group < y->group);
}

static void
nick_free(void)
{
	free(nicks);
	free(nick_text);
}

static void
nick_init(void)
{
	size_t total = 0, cap = 0;
	char *w;

	for (size_t g = 0; g < bb_nick_table_len; g++)
		total += strlen(bb_nick_table[g]) + 1;
	nick_text = bb_malloc(total + 1);
	w = nick_text;
	for (size_t g = 0; g < bb_nick_table_len; g++) {
		const char *p = bb_nick_table[g];
		while (*p) {
			while (*p == ' ')
				p++;
			if (!*p)
				break;
			size_t l = strcspn(p, " ");
			memcpy(w, p, l);
			w[l] = '\0';
			nicks = bb_grow(nicks, &cap, nnicks + 1, sizeof(*nicks));
			nicks[nnicks].name = w;
			nicks[nnicks].group = (uint16_t)g;
			nnicks++;
			w += l + 1;
			p += l;
		}
	}
	qsort(nicks, nnicks, sizeof(*nicks), nick_cmp);
	atexit(nick_free);
}

size_t
bb_nick_groups(const char *name, uint16_t groups[BB_NICK_MAX_GROUPS])
{
	size_t lo = 0, hi, n = 0;

	pthread_once(&nick_once, nick_init);
	hi = nnicks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(nicks[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nnicks && strcmp(nicks[lo].name, name) == 0 &&
	    n < BB_NICK_MAX_GROUPS; lo++) {
		if (n == 0 || groups[n - 1] != nicks[lo].group)
			groups[n++] = nicks[lo].group;
	}
	return n;
}

size_t
bb_nick_groups_near(const char *name, uint16_t groups[BB_NICK_MAX_GROUPS])
{
	size_t n = bb_nick_groups(name, groups), len = strlen(name);
	uint32_t cp[BB_SIM_MAX], other[BB_SIM_MAX];
	size_t ncp;

	if (n > 0 || len < 4)
		return n;
	ncp = bb_utf8_decode(name, len, cp, BB_SIM_MAX);
	for (size_t i = 0; i < nnicks && n < BB_NICK_MAX_GROUPS; i++) {
		size_t l = strlen(nicks[i].name), k;
		if (l + 1 < len || len + 1 < l || l < 4)
			continue;
		size_t no = bb_utf8_decode(nicks[i].name, l, other, BB_SIM_MAX);
		if (bb_osa_distance(cp, ncp, other, no, 1) > 1)
			continue;
		for (k = 0; k < n && groups[k] != nicks[i].group; k++)
			;
		if (k == n)
			groups[n++] = nicks[i].group;
	}
	/* In increasing order, as bb_nick_groups gives them. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && groups[j - 1] > groups[j]; j--) {
			uint16_t t = groups[j];
			groups[j] = groups[j - 1];
			groups[j - 1] = t;
		}
	return n;
}

bool
bb_nick_variants(const char *a, const char *b)
{
	uint16_t ga[BB_NICK_MAX_GROUPS], gb[BB_NICK_MAX_GROUPS];
	size_t na = bb_nick_groups(a, ga), nb = bb_nick_groups(b, gb);
	size_t i = 0, j = 0;

	while (i < na && j < nb) {
		if (ga[i] == gb[j])
			return true;
		if (ga[i] < gb[j])
			i++;
		else
			j++;
	}
	return false;
}
