/*
 * plan.c (store): freeing plans and naming bands, the parts of plan.h that
 * do not depend on an engine.
 */
#include "store/plan.h"
#include "util/bb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void
bb_pnode_free(struct bb_pnode *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < BB_ARRAY_LEN(n->kid); i++)
		bb_pnode_free(n->kid[i]);
	if (n->lit.type == BB_PV_TEXT)
		free((char *)(uintptr_t)n->lit.text);
	for (size_t i = 0; i < n->nlist; i++)
		if (n->list[i].type == BB_PV_TEXT)
			free((char *)(uintptr_t)n->list[i].text);
	free(n->list);
	free(n);
}

void
bb_plan_free(struct bb_plan *p)
{
	if (p == NULL)
		return;
	free(p->indicator);
	for (size_t i = 0; i < p->nparts; i++) {
		struct bb_plan_part *q = &p->part[i];
		for (size_t k = 0; k < q->nsources; k++)
			free(q->sources[k].dataset);
		free(q->sources);
		bb_pnode_free(q->arg);
		bb_pnode_free(q->where);
	}
	for (size_t i = 0; i < p->ngroups; i++) {
		free(p->groups[i].name);
		bb_pnode_free(p->groups[i].key);
		free(p->groups[i].breaks);
		bb_strv_free(p->groups[i].order, p->groups[i].norder);
	}
	free(p->groups);
	for (size_t i = 0; i < p->nslots; i++)
		free(p->slots[i].field);
	free(p->slots);
	free(p);
}

static bool
integral(double v)
{
	return v == floor(v) && fabs(v) < 1e15;
}

void
bb_plan_band_label(const struct bb_plan_group *g, double v, char *out,
    size_t outsz)
{
	char a[32], b[32];
	size_t i;

	if (g->nbreaks == 0 || v < g->breaks[0]) {
		bb_format_double(a, sizeof(a), g->nbreaks ? g->breaks[0] : 0, 6);
		snprintf(out, outsz, "under %s", a);
		return;
	}
	for (i = 0; i + 1 < g->nbreaks && v >= g->breaks[i + 1]; i++)
		;
	bb_format_double(a, sizeof(a), g->breaks[i], 6);
	if (i + 1 == g->nbreaks) {
		snprintf(out, outsz, "%s+", a);
		return;
	}
	if (integral(g->breaks[i]) && integral(g->breaks[i + 1])) {
		bb_format_double(b, sizeof(b), g->breaks[i + 1] - 1, 6);
		snprintf(out, outsz, "%s-%s", a, b);
	} else {
		bb_format_double(b, sizeof(b), g->breaks[i + 1], 6);
		snprintf(out, outsz, "%s-<%s", a, b);
	}
}
