/*
 * encode.c: cryptographic long-term keys (CLK): encoding records into keyed
 * Bloom filters, comparing them by Dice, and linking them (see encode.h).
 *
 * The popcount loops are compiled for AVX2 (nibble lookup) or the POPCNT
 * instruction when the CPU has them (checked once at run time; the
 * environment variable BB_NO_AVX2 turns AVX2 off), else for the portable
 * builtin; they
 * split the work between threads by rows, each writing its own arrays,
 * joined in row order so results do not depend on the thread count.
 */
#include "link/encode.h"

#include "link/normalize.h"
#include "link/strsim.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/diag.h"

#include <errno.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bits per bigram, per field: the identifying fields weigh most; address
 * and locality, often re-typed, least.  With these a record sets about half
 * of its 1024 bits (FEBRL 4a: 55%), where Dice separates best. */
const unsigned bb_clk_k[BB_ID__COUNT] = {
	[BB_ID_GIVEN_NAME] = 20, [BB_ID_FAMILY_NAME] = 20,
	[BB_ID_BIRTH_DATE] = 20, [BB_ID_SEX] = 4, [BB_ID_POSTCODE] = 8,
	[BB_ID_LOCALITY] = 6, [BB_ID_ADDRESS] = 6, [BB_ID_PHONE] = 10,
	[BB_ID_EMAIL] = 10, [BB_ID_NATIONAL_ID] = 20, [BB_ID_LOCAL_ID] = 10,
};

int
bb_clk_key_from_secret(const void *secret, size_t n, struct bb_clk_key *key)
{
	crypto_auth_hmacsha256_state st;
	static const char label[] = "backbone clk v1";

	if (n < BB_CLK_SECRET_MIN)
		return BB_ERR_INPUT;
	if (crypto_auth_hmacsha256_init(&st, secret, n) != 0 ||
	    crypto_auth_hmacsha256_update(&st, (const unsigned char *)label,
	    sizeof(label) - 1) != 0 ||
	    crypto_auth_hmacsha256_final(&st, key->k) != 0)
		return BB_ERR_INTERNAL;
	sodium_memzero(&st, sizeof(st));
	return BB_OK;
}

int
bb_clk_key_from_file(const char *path, struct bb_clk_key *key,
    struct bb_diag *d)
{
	struct bb_buf b;
	char *err = NULL;
	int rc;

	bb_buf_init(&b, BB_CLK_SECRET_MAX);
	rc = bb_read_file(path, BB_CLK_SECRET_MAX, &b, &err);
	if (rc == BB_ERR_LIMIT) {
		bb_diag_set(d, path, 0, 0, "secret-too-long",
		    "the secret file is longer than %d bytes", BB_CLK_SECRET_MAX);
	} else if (rc != BB_OK) {
		/* A secret file named wrongly is bad input, not a failure. */
		bb_diag_set(d, path, 0, 0, "unreadable", "%s",
		    err ? err : "cannot be read");
		rc = BB_ERR_INPUT;
	} else {
		size_t n = b.len;
		while (n > 0 && (b.data[n - 1] == '\n' || b.data[n - 1] == '\r'))
			n--;
		rc = bb_clk_key_from_secret(b.data ? b.data : "", n, key);
		if (rc == BB_ERR_INPUT)
			bb_diag_set(d, path, 0, 0, "secret-too-short",
			    "the secret must hold at least %d bytes", BB_CLK_SECRET_MIN);
	}
	if (b.data)
		sodium_memzero(b.data, b.len);
	bb_buf_free(&b);
	free(err);
	return rc;
}

/* --- encoding ---------------------------------------------------------------- */

static void
set_bit(struct bb_clk *c, unsigned bit)
{
	c->w[bit / 64] |= UINT64_C(1) << (bit % 64);
}

static uint64_t
load64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Hash every padded bigram of `value` into c with k bits each. */
static void
add_bigrams(const crypto_auth_hmacsha256_state *field, const char *value,
    unsigned k, struct bb_clk *c)
{
	uint32_t cp[BB_NORM_MAX + 2];
	size_t n;

	cp[0] = '_';
	n = bb_utf8_decode(value, strlen(value), cp + 1, BB_NORM_MAX) + 1;
	cp[n++] = '_';
	for (size_t i = 0; i + 1 < n; i++) {
		crypto_auth_hmacsha256_state st = *field;
		unsigned char gram[8], dig[crypto_auth_hmacsha256_BYTES];
		size_t gl = 0;
		for (size_t j = i; j < i + 2; j++) {
			/* UTF-8 of the code point (values are valid UTF-8). */
			uint32_t v = cp[j];
			if (v < 0x80) {
				gram[gl++] = (unsigned char)v;
			} else if (v < 0x800) {
				gram[gl++] = (unsigned char)(0xC0 | v >> 6);
				gram[gl++] = (unsigned char)(0x80 | (v & 0x3F));
			} else if (v < 0x10000) {
				gram[gl++] = (unsigned char)(0xE0 | v >> 12);
				gram[gl++] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
				gram[gl++] = (unsigned char)(0x80 | (v & 0x3F));
			} else {
				gram[gl++] = (unsigned char)(0xF0 | v >> 18);
				gram[gl++] = (unsigned char)(0x80 | ((v >> 12) & 0x3F));
				gram[gl++] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
				gram[gl++] = (unsigned char)(0x80 | (v & 0x3F));
			}
		}
		crypto_auth_hmacsha256_update(&st, gram, gl);
		crypto_auth_hmacsha256_final(&st, dig);
		/* Double hashing: bit_i = h1 + i * h2 (h2 odd: all positions). */
		uint64_t h1 = load64(dig), h2 = load64(dig + 8) | 1;
		for (unsigned t = 0; t < k; t++)
			set_bit(c, (unsigned)((h1 + t * h2) % BB_CLK_BITS));
	}
}

/* The normalised text of one role (empty when missing). */
static bool
role_text(enum bb_identity_role r, const char *v, char out[BB_NORM_MAX],
    struct bb_date *dob)
{
	out[0] = '\0';
	switch (r) {
	case BB_ID_GIVEN_NAME:
		return bb_norm_name(v, true, out, NULL);
	case BB_ID_FAMILY_NAME:
		return bb_norm_name(v, false, out, NULL);
	case BB_ID_BIRTH_DATE:
		if (!bb_norm_date(v, dob))
			return false;
		snprintf(out, BB_NORM_MAX, "%04d%02d%02d", dob->y[0], dob->m[0],
		    dob->d[0]);
		return true;
	case BB_ID_SEX:
		out[0] = bb_norm_sex(v);
		out[1] = '\0';
		return out[0] != 0;
	case BB_ID_POSTCODE:
		return bb_norm_ident(v, 3, out);
	case BB_ID_LOCALITY:
		return bb_norm_words(v, false, out);
	case BB_ID_ADDRESS:
		return bb_norm_words(v, true, out);
	case BB_ID_PHONE:
		return bb_norm_phone(v, out);
	case BB_ID_EMAIL:
		return bb_norm_email(v, out);
	case BB_ID_NATIONAL_ID:
		return bb_norm_ident(v, 4, out);
	case BB_ID_LOCAL_ID:
		return bb_norm_ident(v, 1, out);
	default:
		return false;
	}
}

static uint64_t
block_key(const struct bb_clk_key *key, const char *text)
{
	unsigned char dig[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	uint64_t v;
	crypto_auth_hmacsha256_init(&st, key->k, sizeof(key->k));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"block\0", 6);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)text,
	    strlen(text));
	crypto_auth_hmacsha256_final(&st, dig);
	v = load64(dig);
	return v ? v : 1;
}

void
bb_clk_encode(const struct bb_clk_key *key, const struct bb_link_input *in,
    struct bb_clk *out, struct bb_clk_blocks *blocks)
{
	crypto_auth_hmacsha256_state base;
	char text[BB_ID__COUNT][BB_NORM_MAX];
	struct bb_date dob;

	memset(out, 0, sizeof(*out));
	memset(&dob, 0, sizeof(dob));
	crypto_auth_hmacsha256_init(&base, key->k, sizeof(key->k));
	for (int r = 1; r < BB_ID__COUNT; r++) {
		crypto_auth_hmacsha256_state field = base;
		const char *name = bb_link_role_name((enum bb_identity_role)r);
		if (!role_text((enum bb_identity_role)r, in->value[r], text[r], &dob))
			continue;
		crypto_auth_hmacsha256_update(&field, (const unsigned char *)name,
		    strlen(name) + 1);
		add_bigrams(&field, text[r], bb_clk_k[r], out);
	}
	sodium_memzero(&base, sizeof(base));
	if (blocks) {
		char b[3 * BB_NORM_MAX + 16], g[BB_NORM_MAX], f[BB_NORM_MAX];
		memset(blocks, 0, sizeof(*blocks));
		bb_norm_nysiis(text[BB_ID_GIVEN_NAME], g);
		bb_norm_nysiis(text[BB_ID_FAMILY_NAME], f);
		if (f[0] && dob.n) {
			snprintf(b, sizeof(b), "fy|%s|%d", f, dob.y[0]);
			blocks->k[0] = block_key(key, b);
		}
		if (g[0] && text[BB_ID_POSTCODE][0]) {
			snprintf(b, sizeof(b), "gp|%s|%s", g, text[BB_ID_POSTCODE]);
			blocks->k[1] = block_key(key, b);
		}
		if (dob.n) {
			int lo = dob.m[0] < dob.d[0] ? dob.m[0] : dob.d[0];
			int hi = dob.m[0] < dob.d[0] ? dob.d[0] : dob.m[0];
			snprintf(b, sizeof(b), "dob|%d|%d|%d", dob.y[0], lo, hi);
			blocks->k[2] = block_key(key, b);
		}
		if (text[BB_ID_NATIONAL_ID][0]) {
			snprintf(b, sizeof(b), "id|%s", text[BB_ID_NATIONAL_ID]);
			blocks->k[3] = block_key(key, b);
		}
	}
	sodium_memzero(text, sizeof(text));
}

void
bb_clk_blocks_format(const struct bb_clk_blocks *b, char out[BB_CLK_BLOCKS_TEXT])
{
	size_t n = 0;
	for (int i = 0; i < BB_CLK_NBLOCKS; i++) {
		if (i)
			out[n++] = ' ';
		if (b->k[i])
			n += (size_t)snprintf(out + n, BB_CLK_BLOCKS_TEXT - n,
			    "%016llx", (unsigned long long)b->k[i]);
		else
			out[n++] = '-';
	}
	out[n] = '\0';
}

int
bb_clk_blocks_parse(const char *s, struct bb_clk_blocks *b)
{
	memset(b, 0, sizeof(*b));
	for (int i = 0; i < BB_CLK_NBLOCKS; i++) {
		if (i) {
			if (*s != ' ')
				return BB_ERR_INPUT;
			s++;
		}
		if (*s == '-') {
			s++;
			continue;
		}
		uint64_t v = 0;
		for (int k = 0; k < 16; k++, s++) {
			int d = *s >= '0' && *s <= '9' ? *s - '0' :
			    *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
			if (d < 0)
				return BB_ERR_INPUT;
			v = v << 4 | (uint64_t)d;
		}
		b->k[i] = v;
	}
	return *s == '\0' ? BB_OK : BB_ERR_INPUT;
}

void
bb_clk_to_base64(const struct bb_clk *c, char out[BB_CLK_B64])
{
	unsigned char bytes[BB_CLK_BITS / 8];
	for (int w = 0; w < BB_CLK_WORDS; w++)
		for (int i = 0; i < 8; i++)
			bytes[w * 8 + i] = (unsigned char)(c->w[w] >> (8 * i));
	sodium_bin2base64(out, BB_CLK_B64, bytes, sizeof(bytes),
	    sodium_base64_VARIANT_ORIGINAL);
}

int
bb_clk_from_base64(const char *s, struct bb_clk *c)
{
	unsigned char bytes[BB_CLK_BITS / 8];
	size_t n = 0;
	const char *end = NULL;

	if (sodium_base642bin(bytes, sizeof(bytes), s, strlen(s), NULL, &n,
	    &end, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(bytes) ||
	    (end && *end != '\0'))
		return BB_ERR_INPUT;
	for (int w = 0; w < BB_CLK_WORDS; w++) {
		c->w[w] = 0;
		for (int i = 7; i >= 0; i--)
			c->w[w] = c->w[w] << 8 | bytes[w * 8 + i];
	}
	return BB_OK;
}

/* --- popcount -------------------------------------------------------------- */

static unsigned
and_count_generic(const uint64_t *a, const uint64_t *b)
{
	unsigned n = 0;
	for (int i = 0; i < BB_CLK_WORDS; i++)
		n += (unsigned)__builtin_popcountll(a[i] & b[i]);
	return n;
}

#if defined(__x86_64__)
__attribute__((target("popcnt"))) static unsigned
and_count_popcnt(const uint64_t *a, const uint64_t *b)
{
	unsigned n = 0;
	for (int i = 0; i < BB_CLK_WORDS; i++)
		n += (unsigned)__builtin_popcountll(a[i] & b[i]);
	return n;
}
#endif

static unsigned (*and_count)(const uint64_t *, const uint64_t *);
static bool use_avx2;
static pthread_once_t pick_once = PTHREAD_ONCE_INIT;

static void
pick(void)
{
	and_count = and_count_generic;
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("popcnt"))
		and_count = and_count_popcnt;
	use_avx2 = __builtin_cpu_supports("avx2") && !getenv("BB_NO_AVX2");
#endif
}

unsigned
bb_clk_popcount(const struct bb_clk *c)
{
	unsigned n = 0;
	for (int i = 0; i < BB_CLK_WORDS; i++)
		n += (unsigned)__builtin_popcountll(c->w[i]);
	return n;
}

double
bb_clk_dice(const struct bb_clk *a, const struct bb_clk *b)
{
	unsigned pa = bb_clk_popcount(a), pb = bb_clk_popcount(b);
	pthread_once(&pick_once, pick);
	if (pa + pb == 0)
		return 0.0;
	return 2.0 * and_count(a->w, b->w) / (double)(pa + pb);
}

/* --- comparing many ---------------------------------------------------------- */

struct match {
	uint32_t a, b;
	float dice;
};

struct rows {
	struct match *m;
	size_t n, cap;
	uint64_t comparisons;
};

struct cmp_job {
	const struct bb_clk *a, *b;
	unsigned *pa, *pb;
	size_t na, nb;
	bool triangle;		/* a == b: compare j > i only */
	double t;
	unsigned need[2 * BB_CLK_BITS + 1];	/* common bits for Dice >= t
						   at each popcount sum */
	bool keep;		/* keep the matches, not only count them */
	uint32_t aoff, boff;	/* record numbers of a[0], b[0] */
	size_t chunk, nchunks;
	struct rows *out;
	atomic_size_t next;
};

/* A pair at or above the threshold: counted, and kept when asked. */
static void
found(const struct cmp_job *j, struct rows *r, size_t i, size_t k, unsigned c,
    unsigned s)
{
	if (j->keep) {
		r->m = bb_grow(r->m, &r->cap, r->n + 1, sizeof(*r->m));
		r->m[r->n].a = j->aoff + (uint32_t)i;
		r->m[r->n].b = j->boff + (uint32_t)k;
		r->m[r->n].dice = (float)(2.0 * c / s);
	}
	r->n++;
}

/* The inner loop, inlined into a portable and a POPCNT version. */
static inline __attribute__((always_inline)) void
cmp_rows_body(struct cmp_job *j, size_t from, size_t to, struct rows *r)
{
	for (size_t i = from; i < to; i++) {
		const uint64_t *x = j->a[i].w;
		unsigned px = j->pa[i];
		size_t k0 = j->triangle ? i + 1 : 0;
		for (size_t k = k0; k < j->nb; k++) {
			const uint64_t *y = j->b[k].w;
			/* Four sums: no chain of dependent adds. */
			unsigned c0 = 0, c1 = 0, c2 = 0, c3 = 0;
			for (int w = 0; w < BB_CLK_WORDS; w += 4) {
				c0 += (unsigned)__builtin_popcountll(x[w] & y[w]);
				c1 += (unsigned)__builtin_popcountll(x[w + 1] & y[w + 1]);
				c2 += (unsigned)__builtin_popcountll(x[w + 2] & y[w + 2]);
				c3 += (unsigned)__builtin_popcountll(x[w + 3] & y[w + 3]);
			}
			unsigned c = c0 + c1 + c2 + c3;
			unsigned s = px + j->pb[k];
			if (c >= j->need[s] && s > 0)
				found(j, r, i, k, c, s);
		}
		r->comparisons += j->nb - k0;
	}
}

static void
cmp_rows_generic(struct cmp_job *j, size_t from, size_t to, struct rows *r)
{
	cmp_rows_body(j, from, to, r);
}

#if defined(__x86_64__)
__attribute__((target("popcnt"))) static void
cmp_rows_popcnt(struct cmp_job *j, size_t from, size_t to, struct rows *r)
{
	cmp_rows_body(j, from, to, r);
}
#endif

#if defined(__x86_64__)
/* AVX2: the AND of two filters as four 256-bit vectors, counted by nibble
 * lookup (Mula's method), two B filters a round so the A filter stays in
 * registers. */
#define AVX2_COUNT(x, y, acc) do {					\
	__m256i v_ = _mm256_and_si256((x), (y));			\
	__m256i lo_ = _mm256_and_si256(v_, low);			\
	__m256i hi_ = _mm256_and_si256(_mm256_srli_epi16(v_, 4), low);	\
	(acc) = _mm256_add_epi8((acc), _mm256_add_epi8(			\
	    _mm256_shuffle_epi8(lut, lo_), _mm256_shuffle_epi8(lut, hi_))); \
} while (0)

__attribute__((target("avx2,popcnt"))) static unsigned
hsum_avx2(__m256i acc)
{
	__m256i s = _mm256_sad_epu8(acc, _mm256_setzero_si256());
	__m128i t = _mm_add_epi64(_mm256_castsi256_si128(s),
	    _mm256_extracti128_si256(s, 1));
	return (unsigned)(_mm_cvtsi128_si64(t) + _mm_extract_epi64(t, 1));
}

__attribute__((target("avx2,popcnt"))) static void
cmp_rows_avx2(struct cmp_job *j, size_t from, size_t to, struct rows *r)
{
	const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3,
	    2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
	const __m256i low = _mm256_set1_epi8(0x0f);

	for (size_t i = from; i < to; i++) {
		const __m256i *x = (const __m256i *)(const void *)j->a[i].w;
		__m256i x0 = _mm256_loadu_si256(x), x1 = _mm256_loadu_si256(x + 1);
		__m256i x2 = _mm256_loadu_si256(x + 2), x3 = _mm256_loadu_si256(x + 3);
		unsigned px = j->pa[i];
		size_t k0 = j->triangle ? i + 1 : 0, k = k0;
		for (; k < j->nb; k++) {
			const __m256i *y = (const __m256i *)(const void *)j->b[k].w;
			__m256i acc = _mm256_setzero_si256();
			AVX2_COUNT(x0, _mm256_loadu_si256(y), acc);
			AVX2_COUNT(x1, _mm256_loadu_si256(y + 1), acc);
			AVX2_COUNT(x2, _mm256_loadu_si256(y + 2), acc);
			AVX2_COUNT(x3, _mm256_loadu_si256(y + 3), acc);
			unsigned c = hsum_avx2(acc);
			unsigned s = px + j->pb[k];
			if (c >= j->need[s] && s > 0)
				found(j, r, i, k, c, s);
		}
		r->comparisons += j->nb - k0;
	}
}
#endif

static void
cmp_rows(struct cmp_job *j, size_t from, size_t to, struct rows *r)
{
#if defined(__x86_64__)
	if (use_avx2) {
		cmp_rows_avx2(j, from, to, r);
		return;
	}
	if (and_count == and_count_popcnt) {
		cmp_rows_popcnt(j, from, to, r);
		return;
	}
#endif
	cmp_rows_generic(j, from, to, r);
}

static void *
cmp_worker(void *arg)
{
	struct cmp_job *j = arg;
	for (;;) {
		size_t k = atomic_fetch_add(&j->next, 1);
		if (k >= j->nchunks)
			break;
		size_t from = k * j->chunk;
		size_t to = from + j->chunk < j->na ? from + j->chunk : j->na;
		cmp_rows(j, from, to, &j->out[k]);
	}
	return NULL;
}

static unsigned *
popcounts(const struct bb_clk *c, size_t n)
{
	unsigned *p = bb_malloc((n ? n : 1) * sizeof(*p));
	for (size_t i = 0; i < n; i++)
		p[i] = bb_clk_popcount(&c[i]);
	return p;
}

/* Compare A x B (or the triangle of A x A) on threads; the matches (when
 * keep) appended to *m in row order.  Returns comparisons made. */
static uint64_t
compare_block(const struct bb_clk *a, size_t na, uint32_t aoff,
    const struct bb_clk *b, size_t nb, uint32_t boff, bool triangle, double t,
    unsigned threads, bool keep, struct match **m, size_t *nm, size_t *capm,
    uint64_t *count)
{
	struct cmp_job j;
	pthread_t th[64];
	uint64_t comparisons = 0;
	unsigned nt = threads < 1 ? 1 : threads > 64 ? 64 : threads;

	pthread_once(&pick_once, pick);
	if (na == 0 || nb == 0)
		return 0;
	memset(&j, 0, sizeof(j));
	j.a = a;
	j.b = b;
	j.na = na;
	j.nb = nb;
	j.pa = popcounts(a, na);
	j.pb = triangle ? j.pa : popcounts(b, nb);
	j.triangle = triangle;
	j.t = t;
	for (unsigned k = 0; k <= 2 * BB_CLK_BITS; k++) {
		/* The least c with 2c >= t * k, as the double test decides. */
		unsigned c = (unsigned)(t * k / 2.0);
		while (c > 0 && 2.0 * (c - 1) >= t * k)
			c--;
		while (2.0 * c < t * k)
			c++;
		j.need[k] = c;
	}
	j.keep = keep;
	j.aoff = aoff;
	j.boff = boff;
	/* Triangles have long first rows: small chunks balance them. */
	j.chunk = na / (triangle ? 512 : 64) + 1;
	j.nchunks = (na + j.chunk - 1) / j.chunk;
	j.out = bb_calloc(j.nchunks, sizeof(*j.out));
	atomic_init(&j.next, 0);
	if ((double)na * (double)nb < 1e5)
		nt = 1;
	for (unsigned k = 1; k < nt; k++)
		if (pthread_create(&th[k], NULL, cmp_worker, &j) != 0)
			nt = k;
	cmp_worker(&j);
	for (unsigned k = 1; k < nt; k++)
		pthread_join(th[k], NULL);
	for (size_t k = 0; k < j.nchunks; k++) {
		struct rows *r = &j.out[k];
		if (keep && r->n) {
			*m = bb_grow(*m, capm, *nm + r->n, sizeof(**m));
			memcpy(*m + *nm, r->m, r->n * sizeof(**m));
			*nm += r->n;
		}
		if (count)
			*count += r->n;
		comparisons += r->comparisons;
		free(r->m);
	}
	free(j.out);
	if (j.pb != j.pa)
		free(j.pb);
	free(j.pa);
	return comparisons;
}

uint64_t
bb_clk_count_all(const struct bb_clk *a, size_t na, const struct bb_clk *b,
    size_t nb, double threshold, unsigned threads)
{
	uint64_t count = 0;
	struct match *m = NULL;
	size_t nm = 0, capm = 0;
	compare_block(a, na, 0, b, nb, 0, false, threshold, threads, false, &m,
	    &nm, &capm, &count);
	free(m);
	return count;
}

void
bb_clk_link_opts_default(struct bb_clk_link_opts *o)
{
	o->threshold = BB_CLK_DICE;
	o->threshold_one = BB_CLK_DICE_ONE;
	o->threads = 2;
	o->all_pairs = BB_CLK_ALL_PAIRS;
}

/* --- linking ---------------------------------------------------------------- */

static int
match_cmp(const void *p, const void *q)
{
	const struct match *x = p, *y = q;
	if (x->dice != y->dice)
		return x->dice > y->dice ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

struct ent {
	uint64_t key;
	uint32_t rec;
};

static int
ent_cmp(const void *p, const void *q)
{
	const struct ent *x = p, *y = q;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->rec > y->rec) - (x->rec < y->rec);
}

static int
pair_cmp(const void *p, const void *q)
{
	const struct match *x = p, *y = q;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

#define CLK_BLOCK_CAP 1000	/* largest block compared */

/* Candidate matches from the keyed blocking keys: records sharing a key are
 * compared (between files when there are several); a pair sharing two keys
 * is kept once.  Blocks over CLK_BLOCK_CAP are skipped. */
static uint64_t
blocked_matches(const struct bb_clk *c, const struct bb_clk_blocks *bl,
    const uint32_t *source, size_t n, uint32_t nsources, double t,
    struct match **m, size_t *nm, size_t *capm)
{
	struct ent *e = bb_malloc((n ? n : 1) * sizeof(*e));
	unsigned *pc = popcounts(c, n);
	uint64_t comparisons = 0;
	size_t first = *nm;

	pthread_once(&pick_once, pick);
	for (int k = 0; k < BB_CLK_NBLOCKS; k++) {
		size_t ne = 0;
		for (size_t i = 0; i < n; i++)
			if (bl[i].k[k]) {
				e[ne].key = bl[i].k[k];
				e[ne].rec = (uint32_t)i;
				ne++;
			}
		qsort(e, ne, sizeof(*e), ent_cmp);
		for (size_t s = 0, r; s < ne; s = r) {
			for (r = s + 1; r < ne && e[r].key == e[s].key; r++)
				;
			if (r - s > CLK_BLOCK_CAP)
				continue;
			for (size_t i = s; i < r; i++)
				for (size_t j = i + 1; j < r; j++) {
					uint32_t a = e[i].rec, b = e[j].rec;
					if (nsources > 1 && source[a] == source[b])
						continue;
					unsigned x = and_count(c[a].w, c[b].w);
					unsigned sum = pc[a] + pc[b];
					comparisons++;
					if (sum == 0 || 2.0 * x < t * sum)
						continue;
					*m = bb_grow(*m, capm, *nm + 1, sizeof(**m));
					(*m)[*nm].a = a;
					(*m)[*nm].b = b;
					(*m)[*nm].dice = (float)(2.0 * x / sum);
					(*nm)++;
				}
		}
	}
	/* A pair found under two keys once. */
	if (*nm - first > 1)	/* *m is NULL when nothing matched yet */
		qsort(*m + first, *nm - first, sizeof(**m), pair_cmp);
	size_t w = first;
	for (size_t i = first; i < *nm; i++)
		if (w == first || (*m)[w - 1].a != (*m)[i].a ||
		    (*m)[w - 1].b != (*m)[i].b)
			(*m)[w++] = (*m)[i];
	*nm = w;
	free(e);
	free(pc);
	return comparisons;
}

int
bb_clk_link(const struct bb_clk *clks, const struct bb_clk_blocks *blocks,
    const uint32_t *source, size_t n, uint32_t nsources,
    const struct bb_clk_link_opts *o, int64_t *pid, struct bb_clk_link_stats *st)
{
	struct bb_clk_link_opts def;
	struct match *m = NULL;
	size_t nm = 0, capm = 0;
	uint64_t comparisons = 0;
	double total = 0;
	uint32_t *parent, *rank;
	uint64_t *files;
	uint32_t *first;

	if (o == NULL) {
		bb_clk_link_opts_default(&def);
		o = &def;
	}
	if (nsources == 0 || nsources > 64)
		return BB_ERR_USAGE;
	double t = nsources == 1 ? o->threshold_one : o->threshold;
	if (st)
		memset(st, 0, sizeof(*st));
	/* Records of each file are contiguous and in file order here. */
	size_t *start = bb_calloc(nsources + 1, sizeof(*start));
	for (size_t i = 0; i < n; i++) {
		if (source[i] >= nsources || (i > 0 && source[i] < source[i - 1])) {
			free(start);
			return BB_ERR_USAGE;
		}
		start[source[i] + 1] = i + 1;
	}
	for (uint32_t f = 1; f <= nsources; f++)
		if (start[f] < start[f - 1])
			start[f] = start[f - 1];
	if (nsources == 1)
		total = (double)n * (double)(n - (n > 0)) / 2;
	else
		for (uint32_t f = 0; f < nsources; f++)
			for (uint32_t g = f + 1; g < nsources; g++)
				total += (double)(start[f + 1] - start[f]) *
				    (double)(start[g + 1] - start[g]);
	if (total <= o->all_pairs || blocks == NULL) {
		if (nsources == 1)
			comparisons += compare_block(clks, n, 0, clks, n, 0, true,
			    t, o->threads, true, &m, &nm, &capm, NULL);
		else
			for (uint32_t f = 0; f < nsources; f++)
				for (uint32_t g = f + 1; g < nsources; g++)
					comparisons += compare_block(clks + start[f],
					    start[f + 1] - start[f], (uint32_t)start[f],
					    clks + start[g], start[g + 1] - start[g],
					    (uint32_t)start[g], false, t,
					    o->threads, true, &m, &nm, &capm, NULL);
	} else {
		comparisons = blocked_matches(clks, blocks, source, n, nsources,
		    t, &m, &nm, &capm);
		if (st)
			st->blocked = true;
	}
	free(start);
	if (nm > 1)
		qsort(m, nm, sizeof(*m), match_cmp);
	/* Best first.  Several files: a participant holds at most one record
	 * of each.  One file: clusters merge on average Dice. */
	parent = bb_malloc((n ? n : 1) * sizeof(*parent));
	rank = bb_calloc(n ? n : 1, sizeof(*rank));
	files = bb_calloc(n ? n : 1, sizeof(*files));
	for (size_t i = 0; i < n; i++) {
		parent[i] = (uint32_t)i;
		files[i] = UINT64_C(1) << source[i];
	}
	uint32_t *mnext = bb_malloc((n ? n : 1) * sizeof(*mnext));
	uint32_t *tail = bb_malloc((n ? n : 1) * sizeof(*tail));
	for (size_t i = 0; i < n; i++) {
		mnext[i] = UINT32_MAX;
		tail[i] = (uint32_t)i;
	}
	for (size_t k = 0; k < nm; k++) {
		uint32_t x = m[k].a, y = m[k].b;
		while (parent[x] != x)
			x = parent[x] = parent[parent[x]];
		while (parent[y] != y)
			y = parent[y] = parent[parent[y]];
		if (x == y)
			continue;
		if (nsources > 1) {
			if (files[x] & files[y])
				continue;
		} else if (rank[x] + rank[y] > 0) {
			double s = 0;
			size_t cnt = 0;
			for (uint32_t p = x; p != UINT32_MAX; p = mnext[p])
				for (uint32_t q = y; q != UINT32_MAX; q = mnext[q]) {
					s += bb_clk_dice(&clks[p], &clks[q]);
					cnt++;
				}
			if (s / (double)cnt < t)
				continue;
		}
		/* y joins x: lists concatenated, the root keeps the lower rank
		 * number (size - 1). */
		parent[y] = x;
		files[x] |= files[y];
		mnext[tail[x]] = y;
		tail[x] = tail[y];
		rank[x] += rank[y] + 1;
	}
	/* Ids in order of first appearance. */
	first = bb_malloc((n ? n : 1) * sizeof(*first));
	int64_t next = 1;
	for (size_t i = 0; i < n; i++)
		first[i] = UINT32_MAX;
	for (size_t i = 0; i < n; i++) {
		uint32_t x = (uint32_t)i;
		while (parent[x] != x)
			x = parent[x];
		if (first[x] == UINT32_MAX)
			first[x] = (uint32_t)next++;
		pid[i] = first[x];
	}
	if (st) {
		st->comparisons = comparisons;
		st->matches = nm;
	}
	free(first);
	free(mnext);
	free(tail);
	free(parent);
	free(rank);
	free(files);
	free(m);
	return BB_OK;
}
