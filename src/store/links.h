/*
 * links.h: writing participant links in bulk (tables participant and
 * record_participant, store/schema.c).  Linkage decides who is who; this
 * is how its decisions, or a benchmark's, reach the store, so that
 * measure/ counts each participant once.
 */
#ifndef BB_STORE_LINKS_H
#define BB_STORE_LINKS_H

#include <stdint.h>

struct bb_store;
struct bb_link_writer;

/* Open a writer; use inside a transaction. */
int bb_store_links_open(struct bb_store *s, struct bb_link_writer **out);
/* Say record `record` is participant `participant` (> 0), creating the
 * participant when new and replacing the record's earlier link. */
int bb_store_link_add(struct bb_link_writer *w, int64_t record, int64_t participant);
void bb_store_links_close(struct bb_link_writer *w);

#endif
