/*
 * link_int.h: what the files of link/ share and nothing else sees: the
 * interned value pools, the record form linkage works on, the model, the
 * block index and the clusters, all held by struct bb_link_index.
 *
 * Values are interned per field: a record holds small integer ids, so exact
 * agreement is an integer compare, each distinct value is normalised,
 * decoded to code points and given its phonetic code and nickname groups
 * once, and its count (for term-frequency adjustment) is at hand.
 */
#ifndef BB_LINK_INT_H
#define BB_LINK_INT_H

#include "link/link.h"
#include "link/normalize.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fields, in identity-role order: field f is role f + 1. */
enum {
	LF_GIVEN, LF_FAMILY, LF_BIRTH, LF_SEX, LF_POSTCODE, LF_LOCALITY,
	LF_ADDRESS, LF_PHONE, LF_EMAIL, LF_NATID, LF_LOCALID,
	LF_N
};

#define LV_BITS 4
#define LV_MISSING 0xF		/* level of a field missing on either side */
#define LV_MAX 8		/* levels a field can have */
#define LV_GET(vec, f) ((unsigned)(((vec) >> ((f) * LV_BITS)) & 0xF))
#define LV_MASK ((UINT64_C(1) << (LF_N * LV_BITS)) - 1)	/* the levels */
#define LV_RULES_SHIFT 48	/* candidate pairs: the rules that found them */

/* One distinct value of a field. */
struct pval {
	uint32_t str;		/* offset of the NUL-terminated text */
	uint32_t cp;		/* offset of its code points */
	uint32_t hash;
	uint32_t count;		/* records holding it */
	uint32_t phon;		/* names: id of the phonetic code in ix->phon */
	uint16_t ncp;
	uint8_t nnick;
	uint8_t init;		/* first byte (an initial) */
	uint16_t nick[BB_NICK_MAX_GROUPS];	/* given names, of the first token */
	uint32_t firsth;	/* names: hash of the first token alone */
	uint64_t mask;		/* bit (code point % 64) of each code point */
};

struct pool {
	char *text;
	size_t tlen, tcap;
	uint32_t *cps;
	size_t cplen, cpcap;
	struct pval *v;		/* v[0] unused: id 0 is "missing" */
	size_t n, cap;
	uint32_t *slots;	/* open addressing; 0 = empty */
	size_t nslots;
	uint64_t holders;	/* records with a value in this field */
};

struct lrec {
	uint32_t v[LF_N];	/* value ids; LF_SEX holds 'm'/'f'; LF_BIRTH 1
				   when dob is set; 0 = missing */
	struct bb_date dob;
	uint32_t source;
};

struct model {
	bool trained;
	bool active[LF_N];	/* fields with values on both sides somewhere */
	double m[LF_N][LV_MAX], u[LF_N][LV_MAX], w[LF_N][LV_MAX];
	double lambda;		/* prior: probability two random records match */
	double wmatch, wreview;	/* weight thresholds from the config */
	double prior_bits;	/* log2(lambda / (1 - lambda)) */
};

/* A block table: key -> list of records (through next[]), with a count. */
struct bent {
	uint64_t key;
	uint32_t head;
	uint32_t count;
};

struct btable {
	struct bent *e;
	size_t cap, n;		/* cap: a power of two */
};

#define LX_NRULES 12

struct brule {
	struct btable base, refined;
	uint32_t *next, *rnext;	/* per record: next in the base/refined list */
};

struct lcluster {
	int64_t pid;		/* participant id; 0 = slot dead (absorbed) */
	uint32_t head, tail;	/* member list through ix->mnext */
	uint32_t size;
	uint32_t minrec;	/* earliest record */
};

/* A set of record pairs (decisions). */
struct pairset {
	uint64_t *slots;	/* (a << 32 | b) + 1 with a < b; 0 = empty */
	size_t n, cap;
};

/* A compared candidate pair. */
struct lpair {
	uint32_t a, b;		/* a < b */
	uint64_t vec;		/* comparison levels, LV_BITS a field; above
				   LV_RULES_SHIFT a bit for each blocking rule
				   whose blocks hold the pair */
};

struct bb_link_index {
	struct bb_link_config cfg;
	struct lrec *recs;
	size_t n, cap;
	struct pool pool[LF_N];
	struct pool phon;	/* phonetic codes of given and family names */
	struct model model;
	struct brule rules[LX_NRULES];
	uint64_t *keys;		/* per record, LX_NRULES base keys side by
				   side (one cache line or two); 0 = none */
	size_t rcap;		/* records the per-record rule arrays hold */
	/* clusters */
	uint32_t *cl;		/* per record: its cluster */
	uint32_t *mnext;	/* per record: next member of its cluster */
	struct lcluster *cls;
	size_t ncls, capcls;
	int64_t next_pid;
	struct pairset same, notsame;
};

/* compare.c */
void lx_pool_free(struct pool *p);
const char *lx_str(const struct pool *p, uint32_t id);
/* One input record normalised, before interning. */
struct lnorm {
	char v[LF_N][BB_NORM_MAX];
	char first[2][BB_NORM_MAX];	/* first token of given, family */
	struct bb_date dob;
	char sex;
	unsigned has;		/* a bit per field present */
	uint32_t source;
};

/* Normalise one input (thread-safe, no allocation). */
void lx_normalize(const struct bb_link_input *in, struct lnorm *nm);
/* Intern a normalised record into *out (counts updated; not thread-safe). */
void lx_intern(struct bb_link_index *ix, const struct lnorm *nm,
    struct lrec *out);
/* The comparison vector of two records. */
uint64_t lx_compare(const struct bb_link_index *ix, uint32_t a, uint32_t b);
/* Levels a field has (its "else" level is 0, the best nlevels-1). */
unsigned lx_nlevels(unsigned f);
const char *lx_level_name(unsigned f, unsigned level);
/* Same birth date and family name, given names unrelated, no identifier
 * agreeing: twins, never linked. */
bool lx_twins(const struct bb_link_index *ix, uint32_t a, uint32_t b,
    uint64_t vec);
/* Given name and birth date unrelated, no personal identifier agreeing:
 * two members of one household, never linked. */
bool lx_household(uint64_t vec);
/* Is the level of field f an exact agreement on one value (for term
 * frequencies)? */
bool lx_tf_level(unsigned f, unsigned level);

/* model.c */
void lx_model_defaults(struct bb_link_index *ix);
/* Estimate u (random pairs) and m (EM over `pairs`, the candidate pairs of
 * records from `from` on); sets thresholds. */
void lx_model_train(struct bb_link_index *ix, const struct lpair *pairs,
    size_t npairs, size_t from, struct bb_link_stats *st);
/* Match weight (bits) of a compared pair, with term-frequency adjustment,
 * the twin and household rules (a veto) and the local-id rule (at least
 * the match weight). */
double lx_weight(const struct bb_link_index *ix, uint32_t a, uint32_t b,
    uint64_t vec);
/* The local-id rule: the partner's own id agrees and the fields' weight
 * `w` is not negative, yet below the match weight. */
bool lx_local_id_link(const struct bb_link_index *ix, uint64_t vec, double w);
/* The weight of one field's level for the pair (term frequency applied). */
double lx_field_weight(const struct bb_link_index *ix, uint32_t a, unsigned f,
    unsigned level, bool *tf);
double lx_prob(const struct bb_link_index *ix, double weight);
/* Threads to use for `work` items. */
unsigned lx_threads(const struct bb_link_index *ix, size_t work);

/* block.c */
void lx_blocks_free(struct bb_link_index *ix);
/* Put records [from, to) into the block tables. */
void lx_blocks_insert(struct bb_link_index *ix, size_t from, size_t to);
/* The fields blocking rule r constrains, or that follow from them (a
 * postcode fixes the locality), a bit per LF_*. */
unsigned lx_rule_fields(unsigned r);
const char *lx_rule_name(unsigned r);
/* Every distinct candidate pair (a, b) with b in [from, to) and a < b,
 * compared; *out owned by the caller (free). */
void lx_candidates(struct bb_link_index *ix, size_t from, size_t to,
    struct lpair **out, size_t *nout, struct bb_link_stats *st);

/* cluster.c */
void lx_clusters_free(struct bb_link_index *ix);
/* New records [from, to) become singletons (no participant id yet). */
void lx_clusters_extend(struct bb_link_index *ix, size_t from, size_t to);
/* Link by the scored pairs (which it reorders), then give new clusters ids. */
void lx_cluster_link(struct bb_link_index *ix, struct lpair *pairs,
    size_t npairs, size_t from, struct bb_link_report *rep);
int lx_decide(struct bb_link_index *ix, uint32_t a, uint32_t b, bool same,
    struct bb_link_report *rep);
bool lx_pairset_has(const struct pairset *s, uint32_t a, uint32_t b);
void lx_pairset_free(struct pairset *s);

/* index.c */
void lx_report_event(struct bb_link_report *rep, enum bb_link_event_kind kind,
    int64_t survivor, int64_t other, size_t a, size_t b, double weight);
void lx_report_review(struct bb_link_report *rep, size_t a, size_t b,
    double weight, double prob);

/* Mix a 64-bit value (splitmix64 finaliser). */
static inline uint64_t
lx_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif
