/*
 * hash.c: SHA-256 through libsodium, and FNV-1a for hash tables.
 */
#include "util/hash.h"
#include "util/bb.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(struct bb_sha256),
    "bb_sha256 too small for libsodium's state");

int
bb_crypto_init(void)
{
	return sodium_init() < 0 ? BB_ERR_INTERNAL : BB_OK;
}

static void
tohex(const unsigned char *d, char out[BB_SHA256_HEX])
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[64] = '\0';
}

void
bb_sha256_hex(const void *p, size_t n, char out[BB_SHA256_HEX])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, p, n);
	tohex(d, out);
}

void
bb_sha256_start(struct bb_sha256 *h)
{
	crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)h->state);
}

void
bb_sha256_update(struct bb_sha256 *h, const void *p, size_t n)
{
	crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)h->state, p, n);
}

void
bb_sha256_finish(struct bb_sha256 *h, char out[BB_SHA256_HEX])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)h->state, d);
	tohex(d, out);
}

int
bb_sha256_file(const char *path, char out[BB_SHA256_HEX])
{
	struct bb_sha256 h;
	unsigned char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return BB_ERR_IO;
	bb_sha256_start(&h);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bb_sha256_update(&h, chunk, n);
	if (ferror(f)) {
		fclose(f);
		return BB_ERR_IO;
	}
	fclose(f);
	bb_sha256_finish(&h, out);
	return BB_OK;
}

uint64_t
bb_hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}
