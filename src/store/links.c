/*
 * links.c (store): the bulk writer of participant links (store/links.h).
 */
#include "store/internal.h"
#include "store/links.h"
#include "util/bb.h"

#include <stdlib.h>

struct bb_link_writer {
	struct bb_store *s;
	struct bb_stmt *person, *link;
};

int
bb_store_links_open(struct bb_store *s, struct bb_link_writer **out)
{
	struct bb_link_writer *w = bb_calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	w->s = s;
	if ((rc = bb_db_prepare(s->db, "INSERT INTO participant (id) VALUES (?)"
	    " ON CONFLICT (id) DO NOTHING", &w->person)) != BB_OK ||
	    (rc = bb_db_prepare(s->db, "INSERT INTO record_participant (record_id,"
	    " participant_id) VALUES (?, ?) ON CONFLICT (record_id) DO UPDATE SET"
	    " participant_id = excluded.participant_id", &w->link)) != BB_OK) {
		bb_store_links_close(w);
		return rc;
	}
	*out = w;
	return BB_OK;
}

int
bb_store_link_add(struct bb_link_writer *w, int64_t record, int64_t participant)
{
	int rc;

	if (participant <= 0)
		return BB_ERR_INPUT;
	bb_stmt_reset(w->person);
	bb_stmt_bind_int64(w->person, 1, participant);
	if ((rc = bb_stmt_step(w->person)) < 0)
		return rc;
	bb_stmt_reset(w->link);
	bb_stmt_bind_int64(w->link, 1, record);
	bb_stmt_bind_int64(w->link, 2, participant);
	rc = bb_stmt_step(w->link);
	return rc < 0 ? rc : BB_OK;
}

void
bb_store_links_close(struct bb_link_writer *w)
{
	if (w == NULL)
		return;
	bb_stmt_free(w->person);
	bb_stmt_free(w->link);
	free(w);
}
