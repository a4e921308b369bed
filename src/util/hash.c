/*
 * hash.c: SHA-256 of content (OpenSSL's libcrypto, which uses the CPU's SHA
 * instructions where there are some: about eight times libsodium's speed on
 * the partner files every submission hashes), and FNV-1a for hash tables.
 * libsodium stays for keyed hashes, HMAC and passwords.
 */
#include "util/hash.h"
#include "util/bb.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (EVP_Digest(p, n, d, &len, EVP_sha256(), NULL) != 1 || len != 32) {
		fprintf(stderr, "backbone: SHA-256 failed\n");
		abort();
	}
	tohex(d, out);
}

void
bb_sha256_start(struct bb_sha256 *h)
{
	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		fprintf(stderr, "backbone: SHA-256 failed\n");
		abort();
	}
}

void
bb_sha256_update(struct bb_sha256 *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h->ctx, p, n);
}

void
bb_sha256_finish(struct bb_sha256 *h, char out[BB_SHA256_HEX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_DigestFinal_ex(h->ctx, d, &len);
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
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
		bb_sha256_finish(&h, out);
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
