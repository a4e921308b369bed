/*
 * cmd_init.c: `backbone init` (create an initiative's store) and
 * `backbone status` (what the store holds).
 */
#include "cli/cli.h"
#include "store/linkage.h"
#include "store/store.h"
#include "util/bb.h"

#include <jansson.h>
#include <stdlib.h>

static const struct bb_opt_spec init_opts[] = {
	{ "name", BB_OPT_VALUE, "NAME", "the initiative's name (default: taken from the framework when applied)", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

static int
run_init(struct bb_ctx *ctx)
{
	const char *name = bb_ctx_opt(ctx, "name");
	int rc = bb_store_initiative_create(ctx->store, name ? name : "(unnamed initiative)");
	int64_t schema = 0;

	if (rc == BB_ERR_EXISTS) {
		char *have = NULL;
		bb_store_initiative_name(ctx->store, &have);
		rc = bb_ctx_fail(ctx, BB_ERR_EXISTS,
		    "%s already holds the initiative '%s'", ctx->db_path,
		    have ? have : "?");
		free(have);
		return rc;
	}
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot create the initiative: %s",
		    bb_store_errmsg(ctx->store));
	bb_store_schema_version(ctx->store, &schema);
	if (ctx->json)
		bb_ctx_emit_json(ctx, json_pack("{s:s, s:s?, s:I}", "database",
		    ctx->db_path, "name", name, "schema_version", (json_int_t)schema));
	else if (!ctx->quiet)
		fprintf(ctx->out, "created initiative in %s (schema version %lld)\n"
		    "next: backbone framework apply FRAMEWORK.yaml\n", ctx->db_path,
		    (long long)schema);
	return BB_OK;
}

const struct bb_command bb_cmd_init = {
	.name = "init",
	.args = "",
	.summary = "create a new initiative's database",
	.help = "Creates the database named by --db (default ./backbone.db) with an\n"
	    "empty initiative. Refuses when the database already holds one.",
	.opts = init_opts,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE_CREATE | BB_CMD_JSON,
	.run = run_init,
};

static int
run_status(struct bb_ctx *ctx)
{
	char *name = NULL;
	int64_t schema = 0, fw = 0;
	int rc;

	if ((rc = bb_store_initiative_name(ctx->store, &name)) != BB_OK)
		return bb_ctx_fail(ctx, rc, "%s holds no initiative; run 'backbone init'",
		    ctx->db_path);
	struct bb_store_counts n;
	bb_store_schema_version(ctx->store, &schema);
	bb_store_framework_latest(ctx->store, &fw);
	int64_t people = 0;
	if ((rc = bb_store_counts(ctx->store, &n)) != BB_OK ||
	    (rc = bb_store_participant_count(ctx->store, &people)) != BB_OK) {
		free(name);
		return bb_ctx_fail(ctx, rc, "cannot count: %s", bb_store_errmsg(ctx->store));
	}
	if (ctx->json)
		bb_ctx_emit_json(ctx, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
		    "database", ctx->db_path, "initiative", name, "schema_version",
		    (json_int_t)schema, "framework_version", (json_int_t)fw,
		    "submissions", (json_int_t)n.submissions, "records",
		    (json_int_t)n.records, "active_records", (json_int_t)n.active_records,
		    "participants", (json_int_t)people));
	else
		fprintf(ctx->out, "initiative:        %s\ndatabase:          %s\n"
		    "schema version:    %lld\nframework version: %s%lld\n"
		    "submissions:       %lld\nrecords:           %lld (%lld current)\n"
		    "participants:      %lld (each person once across partners)\n",
		    name, ctx->db_path, (long long)schema, fw ? "" : "none yet, ",
		    (long long)fw, (long long)n.submissions, (long long)n.records,
		    (long long)n.active_records, (long long)people);
	free(name);
	return BB_OK;
}

const struct bb_command bb_cmd_status = {
	.name = "status",
	.args = "",
	.summary = "show what the database holds",
	.help = "Prints the initiative, the schema and framework versions, and\n"
	    "(as later parts arrive) counts of submissions, records and participants.",
	.opts = NULL,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_status,
};
