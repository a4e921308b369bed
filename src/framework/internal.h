/*
 * internal.h: what the files of framework/ share and nobody else sees.
 *
 * Loading runs in three steps, one file each:
 *   load.c   bytes -> a tree of YAML nodes (the only file that speaks
 *            libfyaml), with the caps on size, depth, node count and bytes;
 *   build.c  tree -> struct bb_framework, checking the shape: known keys,
 *            types, enum values, required keys;
 *   check.c  the model's meaning: ids, references, codes, patterns, dates,
 *            ranges, SMART lints.
 * Both later steps record findings; check.c runs even after shape errors
 * (every pointer it follows may be NULL) so one run reports as much as it can.
 *
 * Where each value was written is kept in an index keyed by the address of
 * the slot that holds it (&ind->owners[2], &field->code_list), so check.c and
 * later rooms can point at the value, not just at its element.
 */
#ifndef BB_FRAMEWORK_INTERNAL_H
#define BB_FRAMEWORK_INTERNAL_H

#include "framework/framework.h"
#include "util/arena.h"
#include "util/diag.h"

#include <jansson.h>

/* Caps beyond framework.h's (hostile input). */
#define BB_FW_MAX_NODES 1000000u	/* YAML nodes in one file */

enum fw_kind {
	FW_SCALAR = 1,
	FW_SEQ,
	FW_MAP,
};

/* One YAML node.  Scalars keep their text as written (escapes resolved)
 * and whether they were plain (unquoted): only plain scalars can be null,
 * booleans or numbers. */
struct fw_node {
	enum fw_kind kind;
	struct bb_loc loc;
	const char *text;	/* scalars: NUL-terminated */
	size_t len;
	bool plain;
	struct fw_node **items;	/* seq: n items; map: 2n, key then value */
	size_t n;		/* items of a seq, pairs of a map */
};

/* What a loaded framework owns besides the model (fw->arena points here). */
struct fw_loc_slot {
	const void *slot;
	struct bb_loc loc;
};

struct fw_private {
	struct bb_arena *arena;
	struct fw_loc_slot *locs;	/* open addressing; cap a power of 2 */
	size_t nlocs, cap;
};

/* The arena of a framework under construction. */
struct bb_arena *bb_fw_arena(struct bb_framework *fw);

/* load.c: parse YAML text into a tree allocated from `a`.  0 with *root
 * set (NULL for an empty stream), or BB_ERR_INPUT / BB_ERR_LIMIT after
 * adding the reason to `f`. */
int bb_fw_yaml_parse(const char *name, const char *data, size_t len,
    struct bb_arena *a, struct fw_node **root, struct bb_findings *f);

/* build.c: fill `fw` from the tree; shape problems go to `f`. */
void bb_fw_build(struct bb_framework *fw, const struct fw_node *root,
    struct bb_findings *f);

/* check.c: the checks of meaning; findings to `f`. */
void bb_fw_check(const struct bb_framework *fw, struct bb_findings *f);

/* model.c: remember and look up where the value in `slot` was written. */
void bb_fw_loc_note(struct bb_framework *fw, const void *slot, struct bb_loc loc);

/* canonical.c: the content hashes of the framework and of each crosswalk. */
void bb_fw_hash(struct bb_framework *fw);

/* canonical.c: JSON pieces shared with tableschema.c.  Set o[k] to the
 * string v (nothing when v is NULL); a number as an integer when whole; a
 * list of missing codes; a code list {id, name, codes, missing}. */
void bb_fw_json_str(json_t *o, const char *k, const char *v);
json_t *bb_fw_json_number(double v);
json_t *bb_fw_json_missing(const struct bb_missing_code *m, size_t n);
json_t *bb_fw_json_code_list(const struct bb_code_list *cl);

/* The nearest of `n` candidates to `word` (edit distance at most 2 and
 * less than half its length), or NULL. */
const char *bb_fw_nearest(const char *word, const char *const *cands, size_t n);

#endif
