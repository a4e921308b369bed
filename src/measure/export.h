/*
 * export.h: exporting figures and records as a Frictionless Data Package
 * (`backbone export --format datapackage`, docs/reports.md).
 */
#ifndef BB_EXPORT_H
#define BB_EXPORT_H

#include <stdint.h>

#include "framework/framework.h"
#include "measure/values.h"

struct bb_store;
struct bb_diag;

struct bb_export_opts {
	const char *dir;	/* created when missing; files in it are replaced */
	enum bb_role role;	/* the backbone also gets the canonical records */
	const char *viewer;	/* the partner role's own id */
	int64_t fw_version;
};

/* Write the data package.  0, or a negative BB_ERR_* with *d set:
 * BB_ERR_CONFLICT (nothing written) for a role other than the backbone
 * when dir already holds records/ from a backbone export. */
int bb_measure_export_datapackage(struct bb_store *s, const struct bb_framework *fw,
    const struct bb_export_opts *o, struct bb_diag *d);

#endif
