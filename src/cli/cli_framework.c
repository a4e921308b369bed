/*
 * cli_framework.c: loading the stored framework for a command, and storing
 * a new version of it.
 */
#include "cli/cli_framework.h"
#include "cli/cli.h"
#include "framework/framework.h"
#include "measure/values.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/diag.h"

#include <stdbool.h>

#include <stdlib.h>

int
bb_cli_framework(struct bb_ctx *ctx, int64_t version, struct bb_framework **fw,
    int64_t *got)
{
	struct bb_fw_version v;
	struct bb_findings f;
	char *name;
	int rc;

	*fw = NULL;
	rc = bb_store_framework_get(ctx->store, version, &v);
	if (rc == BB_ERR_NOTFOUND) {
		if (version)
			return bb_ctx_fail(ctx, rc, "framework version %lld does not exist",
			    (long long)version);
		return bb_ctx_fail(ctx, rc, "no framework applied yet; run "
		    "'backbone framework apply FILE' first");
	}
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot read the framework: %s",
		    bb_store_errmsg(ctx->store));
	bb_findings_init(&f);
	name = bb_asprintf("framework v%lld (%s)", (long long)v.version, v.source_name);
	rc = bb_framework_load_buffer(name, v.source, v.source_len, fw, &f);
	if (rc != BB_OK) {
		/* A stored version was checked when applied; failing now means
		 * this build reads the format differently. */
		rc = bb_ctx_fail(ctx, BB_ERR_INTERNAL,
		    "stored framework version %lld no longer loads (%zu errors)",
		    (long long)v.version, f.errors);
	} else if (got)
		*got = v.version;
	free(name);
	bb_findings_free(&f);
	bb_fw_version_clear(&v);
	return rc;
}

int
bb_cli_framework_store(struct bb_ctx *ctx, const char *source_name,
    const char *data, size_t len, const struct bb_framework *fw,
    int64_t *version, bool *created)
{
	char *canon = bb_framework_canonical(fw);
	int rc;

	*created = false;
	if ((rc = bb_store_begin(ctx->store)) != BB_OK) {
		free(canon);
		return bb_ctx_fail(ctx, rc, "cannot read the database: %s",
		    bb_store_errmsg(ctx->store));
	}
	rc = bb_store_framework_put(ctx->store, fw->sha256, source_name, data, len,
	    canon, version, created);
	free(canon);
	if (rc == BB_OK && *created)
		rc = bb_store_initiative_set_name(ctx->store, fw->initiative.name);
	if (rc == BB_OK && *created)
		rc = bb_store_commit(ctx->store);
	else
		bb_store_rollback(ctx->store);
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot store the framework: %s",
		    bb_store_errmsg(ctx->store));
	if (*created) {
		/* The new version's indicator values, from the records stored. */
		struct bb_refresh_stats vs;
		if ((rc = bb_measure_recompute(ctx->store, fw, *version, &vs)) != BB_OK)
			return bb_ctx_fail(ctx, rc, "applied, but the indicator values "
			    "could not be computed: %s (run 'backbone values refresh')",
			    bb_store_errmsg(ctx->store));
	}
	return BB_OK;
}
