/*
 * persist.h: what of a linkage index outlives one run: the trained model's
 * parameters and the next participant id.  Linkage on arrival
 * (link/arrive.c) keeps both in the store, so a later run links with the
 * very model an earlier one estimated (not one re-estimated from different
 * data) and never gives an id twice.
 */
#ifndef BB_LINK_PERSIST_H
#define BB_LINK_PERSIST_H

#include <stdbool.h>
#include <stdint.h>

#include "link/link.h"

struct bb_diag;

/* Is the index's model trained? */
bool bb_link_model_trained(const struct bb_link_index *ix);

/* Use the prior model (m and u from common sense about populations, as the
 * engine starts with; docs/linkage.md) as if trained, so adding records
 * does not estimate one.  For data that cannot teach a model yet: a single
 * partner's file rarely holds one person twice, and a model estimated
 * without true matches weighs exact agreement at nothing. */
void bb_link_model_use_prior(struct bb_link_index *ix);

/* The id the next new participant gets, and setting it (never below one
 * more than the highest id the index holds). */
int64_t bb_link_index_next_id(const struct bb_link_index *ix);
void bb_link_index_set_next_id(struct bb_link_index *ix, int64_t next);

#endif
