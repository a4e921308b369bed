/*
 * encode.h: privacy-preserving record linkage with cryptographic long-term
 * keys (CLK, Schnell, Bachteler and Reiher 2011).
 *
 * A partner that may not share identities encodes each record into one
 * 1024-bit Bloom filter: every identity value is normalised (normalize.h),
 * cut into bigrams of code points with padding ("_smith_" -> _s sm mi it th
 * h_), and each bigram, prefixed with its field's name, is hashed with a
 * keyed HMAC-SHA256 (the key derived from a secret the partners share and
 * the backbone does not hold); the two halves of the digest drive double
 * hashing, setting BB_CLK_K[field] bits.  Records are then compared by the
 * Dice coefficient of their filters, 2|A & B| / (|A| + |B|), by popcount.
 *
 * Linking encoded records needs no readable data: candidate pairs are all
 * pairs when there are at most BB_CLK_ALL_PAIRS of them (two files of
 * 10,000 records), else the pairs sharing a keyed blocking key: a few
 * truncated HMACs of coarse combinations (family-name NYSIIS and birth
 * year, given-name NYSIIS and postcode, birth date with day and month in
 * either order, national id), which reveal only that two records agree on
 * one, never a value.  Pairs at or above the Dice threshold are taken best
 * first; between two or more files a participant holds at most one record
 * of each file (one-to-one assignment between deduplicated files); within
 * one file clusters merge when their average Dice is above the threshold.
 */
#ifndef BB_LINK_ENCODE_H
#define BB_LINK_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"

#define BB_CLK_BITS 1024
#define BB_CLK_WORDS (BB_CLK_BITS / 64)
#define BB_CLK_B64 176		/* base64 of 128 bytes (172) and a NUL, rounded */
#define BB_CLK_SECRET_MIN 16	/* bytes a secret must have */
#define BB_CLK_SECRET_MAX 4096
#define BB_CLK_DICE 0.7		/* default threshold between files */
#define BB_CLK_DICE_ONE 0.75	/* default threshold within one file */
#define BB_CLK_ALL_PAIRS 200000000.0	/* compare every pair up to this many */

struct bb_diag;

struct bb_clk {
	uint64_t w[BB_CLK_WORDS];
};

#define BB_CLK_NBLOCKS 4	/* keyed blocking keys a record carries */
#define BB_CLK_BLOCKS_TEXT (BB_CLK_NBLOCKS * 17 + 1)

/* A record's keyed blocking keys; 0 = none (a component missing). */
struct bb_clk_blocks {
	uint64_t k[BB_CLK_NBLOCKS];
};

struct bb_clk_key {
	unsigned char k[32];	/* HMAC-SHA256 key derived from the secret */
};

/* Hash functions per bigram for each identity role (index 0 unused). */
extern const unsigned bb_clk_k[BB_ID__COUNT];

/* Derive the key from a secret's bytes (at least BB_CLK_SECRET_MIN). */
int bb_clk_key_from_secret(const void *secret, size_t n, struct bb_clk_key *key);
/* Read the secret from a file (its bytes, a trailing newline dropped).
 * BB_ERR_IO / BB_ERR_INPUT (too short, too long) with *d set. */
int bb_clk_key_from_file(const char *path, struct bb_clk_key *key,
    struct bb_diag *d);

/* Encode one record (values by identity role, as for linkage), and its
 * blocking keys when `blocks` is not NULL. */
void bb_clk_encode(const struct bb_clk_key *key, const struct bb_link_input *in,
    struct bb_clk *out, struct bb_clk_blocks *blocks);

/* Blocking keys as text: BB_CLK_NBLOCKS words of 16 hex digits or "-",
 * separated by spaces; parse returns BB_ERR_INPUT for anything else. */
void bb_clk_blocks_format(const struct bb_clk_blocks *b,
    char out[BB_CLK_BLOCKS_TEXT]);
int bb_clk_blocks_parse(const char *s, struct bb_clk_blocks *b);

unsigned bb_clk_popcount(const struct bb_clk *c);
double bb_clk_dice(const struct bb_clk *a, const struct bb_clk *b);

void bb_clk_to_base64(const struct bb_clk *c, char out[BB_CLK_B64]);
/* BB_ERR_INPUT unless s is the base64 of exactly 128 bytes. */
int bb_clk_from_base64(const char *s, struct bb_clk *c);

struct bb_clk_link_opts {
	double threshold;	/* Dice at or above which records of two files
				   match (one-to-one) */
	double threshold_one;	/* the same within a single file, which has no
				   one-to-one constraint to lean on */
	unsigned threads;	/* worker threads */
	double all_pairs;	/* compare all pairs up to this many, else block */
};

struct bb_clk_link_stats {
	uint64_t comparisons;	/* Dice coefficients computed */
	uint64_t matches;	/* pairs at or above the threshold */
	bool blocked;		/* candidates came from the blocking keys */
};

void bb_clk_link_opts_default(struct bb_clk_link_opts *o);

/* Link n encoded records from `nsources` files (source[i] < nsources;
 * at most 64 files; `blocks` may be NULL, then all pairs are compared):
 * writes each record's participant id (1, 2, ... in order of first
 * appearance) to pid[i].  Returns 0. */
int bb_clk_link(const struct bb_clk *clks, const struct bb_clk_blocks *blocks,
    const uint32_t *source, size_t n, uint32_t nsources, const struct bb_clk_link_opts *o, int64_t *pid,
    struct bb_clk_link_stats *st);

/* Count the pairs of A x B at or above the threshold, comparing every pair
 * on `threads` threads (the benchmark's measure of raw speed). */
uint64_t bb_clk_count_all(const struct bb_clk *a, size_t na,
    const struct bb_clk *b, size_t nb, double threshold, unsigned threads);

#endif
