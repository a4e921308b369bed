/*
 * persist.c: what linkage on arrival needs of an index beyond link.h: is
 * the model trained, the prior model as a trained one, and the next
 * participant id (link/persist.h).  The model itself is kept with
 * bb_link_model_save/load (link/model.c).
 */
#include "link/persist.h"
#include "link/link_int.h"

#include "util/bb.h"

bool
bb_link_model_trained(const struct bb_link_index *ix)
{
	return ix->model.trained;
}

void
bb_link_model_use_prior(struct bb_link_index *ix)
{
	/* Training an empty index leaves the prior with its weights. */
	struct bb_link_index *t = bb_link_index_new(&ix->cfg);
	lx_model_train(t, NULL, 0, 0, NULL);
	ix->model = t->model;
	ix->model.trained = true;
	bb_link_index_free(t);
}

int64_t
bb_link_index_next_id(const struct bb_link_index *ix)
{
	return ix->next_pid;
}

void
bb_link_index_set_next_id(struct bb_link_index *ix, int64_t next)
{
	if (next > ix->next_pid)
		ix->next_pid = next;
}
