/*
 * cli.h: the command table and what a command handler is given.
 *
 * Every command of the backbone program is one `struct bb_command` entry,
 * declared in its group's file under cli/ and listed in cli/commands.c.
 * Usage, help text, option parsing, validation, opening the store and
 * turning errors into exit codes all come from the table (cli/cli.c); a
 * handler receives parsed, validated options and does only its own work.
 */
#ifndef BB_CLI_H
#define BB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/diag.h"

struct bb_store;
struct bb_ctx;

enum bb_opt_kind {
	BB_OPT_FLAG,	/* --name */
	BB_OPT_VALUE,	/* --name VALUE (or --name=VALUE); last one wins */
	BB_OPT_MULTI,	/* --name VALUE, may repeat */
};

struct bb_opt_spec {
	const char *name;	/* long name without the dashes */
	enum bb_opt_kind kind;
	const char *metavar;	/* "ID", "FILE" ... for help */
	const char *help;
	/* Optional validator: 0, or BB_ERR_USAGE with *why set (static text). */
	int (*validate)(const char *value, const char **why);
};

enum {
	BB_CMD_STORE = 1 << 0,		/* open the store (must exist) */
	BB_CMD_STORE_CREATE = 1 << 1,	/* open the store, creating it */
	BB_CMD_JSON = 1 << 2,		/* accepts --json */
	BB_CMD_HIDDEN = 1 << 3,		/* not listed by `backbone help` */
};

struct bb_command {
	const char *name;	/* "framework check": words separated by one space */
	const char *args;	/* positional arguments for the usage line */
	const char *summary;	/* one line for the command list */
	const char *help;	/* paragraphs for `backbone help NAME` */
	const struct bb_opt_spec *opts;	/* terminated by a {NULL} entry; may be NULL */
	int min_args, max_args;	/* max_args -1: unlimited */
	unsigned flags;
	int (*run)(struct bb_ctx *ctx);
};

struct bb_optval {
	const char *name;
	const char *value;	/* NULL for flags */
};

struct bb_ctx {
	const struct bb_command *cmd;
	int argc;		/* positional arguments */
	char **argv;
	struct bb_optval *opts;
	size_t nopts;
	const char *db_path;
	bool json;
	bool quiet;
	struct bb_store *store;	/* open when the command asks for it */
	FILE *out;		/* standard output */
	FILE *err;		/* standard error */
	struct bb_diag diag;	/* a handler's failure, printed by the edge */
};

/* The table (cli/commands.c). */
extern const struct bb_command *const bb_commands[];
extern const size_t bb_commands_count;

/* Run the program: parse argv, dispatch, print errors; returns an exit code. */
int bb_cli_main(int argc, char **argv);

/* Options of the current command. */
const char *bb_ctx_opt(const struct bb_ctx *ctx, const char *name);
bool bb_ctx_flag(const struct bb_ctx *ctx, const char *name);
/* All values of a repeatable option, in order; *n set. Array owned by caller
 * (free it, not the strings). */
const char **bb_ctx_opt_all(const struct bb_ctx *ctx, const char *name, size_t *n);

/* Report a failure: sets ctx->diag (no place) and returns err. */
int bb_ctx_fail(struct bb_ctx *ctx, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print a jansson value (json_t *) to ctx->out, indented, with a newline,
 * then release it. */
void bb_ctx_emit_json(struct bb_ctx *ctx, void *json);

/* Common validators for the option table. */
int bb_valid_id(const char *v, const char **why);
int bb_valid_positive_int(const char *v, const char **why);
/* A format a file can be read as: csv, xlsx, json, jsonl or zip. */
int bb_valid_read_format(const char *v, const char **why);

#endif
