/*
 * bundle.c: which file of a ZIP bundle goes to which dataset, when a partner
 * sends its whole export at once (an HMIS CSV export: Client.csv,
 * Enrollment.csv, Exit.csv ...).  Each member is then submitted on its own,
 * as its own submission (submit.h).
 *
 * A member goes to the dataset of the partner's crosswalk whose `file` names
 * it (the member's name, or the name without its folders, compared without
 * regard to case); failing that, to the dataset whose id is the member's
 * name without folders and extension (Client.csv -> client), when the
 * partner owes that dataset or has a crosswalk for it.  Members that go
 * nowhere are skipped (and said to be); two members for one dataset refuse
 * the bundle, since the second would silently replace the first.
 */
#include "intake/reader.h"
#include "intake/submit.h"
#include "util/bb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Does the partner owe or map dataset `id`? */
static bool
partner_has(const struct bb_partner *p, const char *id)
{
	for (size_t i = 0; i < p->ncrosswalks; i++)
		if (strcmp(p->crosswalks[i].dataset, id) == 0)
			return true;
	for (size_t i = 0; i < p->nobligations; i++)
		if (strcmp(p->obligations[i].dataset, id) == 0)
			return true;
	return false;
}

static const char *
dataset_for(const struct bb_framework *fw, const struct bb_partner *p,
    const char *member)
{
	const char *b = bb_member_base(member), *dot = strrchr(b, '.');
	size_t n = dot ? (size_t)(dot - b) : strlen(b);

	for (size_t i = 0; i < p->ncrosswalks; i++)
		if (p->crosswalks[i].file && bb_member_named(p->crosswalks[i].file, member))
			return p->crosswalks[i].dataset;
	for (size_t i = 0; i < fw->ndatasets; i++) {
		const char *id = fw->datasets[i].id;
		if (strlen(id) == n && strncasecmp(id, b, n) == 0 && partner_has(p, id))
			return id;
	}
	return NULL;
}

void
bb_bundle_plan_free(struct bb_bundle_plan *pl)
{
	if (pl == NULL)
		return;
	for (size_t i = 0; i < pl->n; i++)
		free(pl->items[i].member);
	free(pl->items);
	bb_strv_free(pl->skipped, pl->nskipped);
	bb_strv_free(pl->missing, pl->nmissing);
	memset(pl, 0, sizeof(*pl));
}

int
bb_bundle_plan(const struct bb_framework *fw, const char *partner_id,
    const char *path, struct bb_bundle_plan *pl, struct bb_diag *d)
{
	const struct bb_partner *p = bb_fw_partner(fw, partner_id);
	struct bb_findings f;
	char **names = NULL;
	size_t n = 0;
	int rc;

	memset(pl, 0, sizeof(*pl));
	if (p == NULL) {
		bb_diag_set(d, NULL, 0, 0, "partner", "'%s' is not a partner of the "
		    "framework", partner_id);
		return BB_ERR_INPUT;
	}
	/* A ZIP archive, and not a workbook (which lists no readable file). */
	if ((rc = bb_file_is_zip(path)) < 0) {
		bb_diag_set(d, path, 0, 0, "file", "cannot read: %s", strerror(errno));
		return BB_ERR_INPUT;
	}
	if (rc == 0)
		return BB_ERR_NOTFOUND;
	bb_findings_init(&f);
	rc = bb_bundle_members(path, &names, &n, &f);
	if (rc != BB_OK || n == 0) {
		if (rc != BB_OK && f.n > 0)
			bb_diag_set(d, f.items[f.n - 1].file, f.items[f.n - 1].line,
			    f.items[f.n - 1].col, f.items[f.n - 1].code, "%s",
			    f.items[f.n - 1].message);
		bb_findings_free(&f);
		bb_strv_free(names, n);
		return rc != BB_OK ? rc : BB_ERR_NOTFOUND;
	}
	bb_findings_free(&f);
	for (size_t i = 0; i < n; i++) {
		const char *ds = dataset_for(fw, p, names[i]);
		if (ds == NULL) {
			pl->skipped = bb_realloc(pl->skipped, (pl->nskipped + 1) * sizeof(char *));
			pl->skipped[pl->nskipped++] = bb_strdup(names[i]);
			continue;
		}
		for (size_t k = 0; k < pl->n; k++)
			if (strcmp(pl->items[k].dataset, ds) == 0) {
				bb_diag_set(d, path, 0, 0, "bundle", "'%s' and '%s' both "
				    "hold dataset '%s': send them in two bundles",
				    pl->items[k].member, names[i], ds);
				bb_strv_free(names, n);
				bb_bundle_plan_free(pl);
				return BB_ERR_INPUT;
			}
		pl->items = bb_realloc(pl->items, (pl->n + 1) * sizeof(*pl->items));
		pl->items[pl->n].member = bb_strdup(names[i]);
		pl->items[pl->n].dataset = ds;
		pl->n++;
	}
	/* Files the crosswalks name that the bundle lacks. */
	for (size_t c = 0; c < p->ncrosswalks; c++) {
		const struct bb_crosswalk *x = &p->crosswalks[c];
		bool have = false;
		if (x->file == NULL)
			continue;
		for (size_t k = 0; k < pl->n && !have; k++)
			have = strcmp(pl->items[k].dataset, x->dataset) == 0;
		if (!have) {
			pl->missing = bb_realloc(pl->missing, (pl->nmissing + 1) * sizeof(char *));
			pl->missing[pl->nmissing++] = bb_asprintf("%s (dataset '%s')",
			    x->file, x->dataset);
		}
	}
	bb_strv_free(names, n);
	return BB_OK;
}
