/*
 * hash.h: content hashes (SHA-256) as lowercase hex, and a streaming form for
 * files that arrive in pieces.
 */
#ifndef BB_HASH_H
#define BB_HASH_H

#include <stddef.h>
#include <stdint.h>

#define BB_SHA256_HEX 65	/* 64 hex digits and a NUL */

struct bb_sha256 {
	void *ctx;	/* opaque (an OpenSSL digest context); freed by _finish */
};

/* Must be called once before the keyed functions of libsodium (idempotent). */
int bb_crypto_init(void);

void bb_sha256_hex(const void *p, size_t n, char out[BB_SHA256_HEX]);
void bb_sha256_start(struct bb_sha256 *h);
void bb_sha256_update(struct bb_sha256 *h, const void *p, size_t n);
void bb_sha256_finish(struct bb_sha256 *h, char out[BB_SHA256_HEX]);
/* Hash a whole file; BB_ERR_IO when it cannot be read. */
int bb_sha256_file(const char *path, char out[BB_SHA256_HEX]);

/* 64-bit FNV-1a, for in-memory hash tables (not for security). */
uint64_t bb_hash64(const void *p, size_t n);

#endif
