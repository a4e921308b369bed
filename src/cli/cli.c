/*
 * cli.c: the command-line edge.  Parses arguments against the command table,
 * prints help and usage from it, opens the store for commands that need it,
 * and turns a handler's result into an exit code (docs/cli.md).
 *
 * Grammar:  backbone [GLOBAL...] COMMAND WORDS [OPTION | ARG]... [-- ARG...]
 * Global options (--db, --json, --quiet, --help, --version) may appear
 * anywhere before "--".
 */
#include "cli/cli.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/hash.h"
#include "util/progress.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef BB_VERSION
#define BB_VERSION "0.0.0"
#endif
#ifndef BB_GITREV
#define BB_GITREV "unknown"
#endif

static const struct bb_opt_spec global_opts[] = {
	{ "db", BB_OPT_VALUE, "PATH", "the database (default ./backbone.db, or $BACKBONE_DB)", NULL },
	{ "json", BB_OPT_FLAG, NULL, "print the result as JSON (commands that report)", NULL },
	{ "quiet", BB_OPT_FLAG, NULL, "no progress meter and no chatter", NULL },
	{ "help", BB_OPT_FLAG, NULL, "show help for the command", NULL },
	{ "version", BB_OPT_FLAG, NULL, "print the version", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

/* --- the option accessors ------------------------------------------------ */

const char *
bb_ctx_opt(const struct bb_ctx *ctx, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < ctx->nopts; i++)
		if (strcmp(ctx->opts[i].name, name) == 0)
			v = ctx->opts[i].value;
	return v;
}

bool
bb_ctx_flag(const struct bb_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nopts; i++)
		if (strcmp(ctx->opts[i].name, name) == 0)
			return true;
	return false;
}

const char **
bb_ctx_opt_all(const struct bb_ctx *ctx, const char *name, size_t *n)
{
	const char **v = bb_calloc(ctx->nopts + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < ctx->nopts; i++)
		if (strcmp(ctx->opts[i].name, name) == 0)
			v[(*n)++] = ctx->opts[i].value;
	return v;
}

int
bb_ctx_fail(struct bb_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	char buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	bb_diag_set(&ctx->diag, NULL, 0, 0, NULL, "%s", buf);
	return err;
}

void
bb_ctx_emit_json(struct bb_ctx *ctx, void *json)
{
	json_t *j = json;
	/* 15 significant digits: figures rounded for people print as
	 * written (18.21, not 18.210000000000001). */
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	if (s != NULL) {
		fputs(s, ctx->out);
		fputc('\n', ctx->out);
		free(s);
	}
	json_decref(j);
}

int
bb_valid_id(const char *v, const char **why)
{
	size_t n = strlen(v);
	if (n == 0 || n > 64) {
		*why = "must be 1 to 64 characters";
		return BB_ERR_USAGE;
	}
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')) {
			*why = "may hold only letters, digits, '-', '_' and '.'";
			return BB_ERR_USAGE;
		}
	return BB_OK;
}

int
bb_valid_positive_int(const char *v, const char **why)
{
	int64_t n;
	if (bb_parse_i64(v, &n) != BB_OK || n < 1) {
		*why = "must be a whole number of 1 or more";
		return BB_ERR_USAGE;
	}
	return BB_OK;
}

int
bb_valid_read_format(const char *v, const char **why)
{
	static const char *const ok[] = { "csv", "xlsx", "json", "jsonl", "zip" };
	for (size_t i = 0; i < BB_ARRAY_LEN(ok); i++)
		if (strcmp(v, ok[i]) == 0)
			return BB_OK;
	*why = "must be csv, xlsx, json, jsonl or zip";
	return BB_ERR_USAGE;
}

/* --- help ---------------------------------------------------------------- */

static void
usage_line(FILE *f, const struct bb_command *c)
{
	fprintf(f, "usage: backbone %s%s%s%s\n", c->name,
	    c->opts && c->opts[0].name ? " [OPTIONS]" : "",
	    c->args && *c->args ? " " : "", c->args ? c->args : "");
}

static void
print_opts(FILE *f, const struct bb_opt_spec *o)
{
	for (; o && o->name; o++) {
		char left[64];
		snprintf(left, sizeof(left), "--%s%s%s", o->name,
		    o->metavar ? " " : "", o->metavar ? o->metavar : "");
		fprintf(f, "  %-26s %s%s\n", left, o->help,
		    o->kind == BB_OPT_MULTI ? " (repeatable)" : "");
	}
}

static void
help_command(FILE *f, const struct bb_command *c)
{
	usage_line(f, c);
	fprintf(f, "\n%s\n", c->summary);
	if (c->help && *c->help)
		fprintf(f, "\n%s\n", c->help);
	if (c->opts && c->opts[0].name) {
		fprintf(f, "\noptions:\n");
		print_opts(f, c->opts);
	}
	fprintf(f, "\nglobal options:\n");
	for (const struct bb_opt_spec *o = global_opts; o->name; o++) {
		if (strcmp(o->name, "json") == 0 && !(c->flags & BB_CMD_JSON))
			continue;
		if (strcmp(o->name, "db") == 0 &&
		    !(c->flags & (BB_CMD_STORE | BB_CMD_STORE_CREATE)))
			continue;
		print_opts(f, (const struct bb_opt_spec[]){ *o, { NULL, 0, NULL, NULL, NULL } });
	}
}

static void
help_all(FILE *f, const char *prefix)
{
	size_t plen = prefix ? strlen(prefix) : 0;

	if (prefix == NULL) {
		fprintf(f,
		    "backbone: shared measurement for collective-impact initiatives\n\n"
		    "usage: backbone [--db PATH] [--json] [--quiet] COMMAND [ARGS]\n\n"
		    "commands:\n");
	} else
		fprintf(f, "'%s' commands:\n", prefix);
	for (size_t i = 0; i < bb_commands_count; i++) {
		const struct bb_command *c = bb_commands[i];
		if (c->flags & BB_CMD_HIDDEN)
			continue;
		if (prefix && !(strncmp(c->name, prefix, plen) == 0 &&
		    (c->name[plen] == ' ' || c->name[plen] == '\0')))
			continue;
		fprintf(f, "  %-23s  %s\n", c->name, c->summary);
	}
	if (prefix == NULL)
		fprintf(f,
		    "\nglobal options:\n"
		    "  --db PATH    the database (default ./backbone.db, or $BACKBONE_DB)\n"
		    "  --json       print results as JSON\n"
		    "  --quiet      no progress meter\n"
		    "  --version    print the version\n\n"
		    "exit codes: 0 success, 1 input refused, 2 usage error, 3 internal error\n"
		    "'backbone help COMMAND' describes a command; docs/cli.md has them all.\n");
}

/* --- dispatch ------------------------------------------------------------ */

/* How many of words[0..n) a command name matches exactly (0 = not at all). */
static int
match_words(const char *name, char **words, int n)
{
	int used = 0;
	const char *p = name;

	while (used < n) {
		size_t wl = strlen(words[used]);
		if (strncmp(p, words[used], wl) != 0)
			return 0;
		p += wl;
		used++;
		if (*p == '\0')
			return used;
		if (*p != ' ')
			return 0;
		p++;
	}
	return 0;
}

static bool
is_group(const char *word)
{
	size_t wl = strlen(word);
	for (size_t i = 0; i < bb_commands_count; i++)
		if (strncmp(bb_commands[i]->name, word, wl) == 0 &&
		    bb_commands[i]->name[wl] == ' ')
			return true;
	return false;
}

static const struct bb_command *
find_command(char **words, int n, int *used)
{
	const struct bb_command *best = NULL;
	int bestn = 0;

	for (size_t i = 0; i < bb_commands_count; i++) {
		int u = match_words(bb_commands[i]->name, words, n);
		if (u > bestn) {
			best = bb_commands[i];
			bestn = u;
		}
	}
	*used = bestn;
	return best;
}

/* Whether nm[0..nl) names a global option that is a flag (takes no value). */
static bool
global_flag(const char *nm, size_t nl)
{
	for (const struct bb_opt_spec *o = global_opts; o->name; o++)
		if (o->kind == BB_OPT_FLAG && strlen(o->name) == nl &&
		    strncmp(o->name, nm, nl) == 0)
			return true;
	return false;
}

static const struct bb_opt_spec *
find_opt(const struct bb_opt_spec *specs, const char *name, size_t len)
{
	for (; specs && specs->name; specs++)
		if (strlen(specs->name) == len && strncmp(specs->name, name, len) == 0)
			return specs;
	return NULL;
}

static int
usage_error(const struct bb_command *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
usage_error(const struct bb_command *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "backbone: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (c != NULL) {
		usage_line(stderr, c);
		fprintf(stderr, "(see 'backbone help %s')\n", c->name);
	} else
		fprintf(stderr, "(see 'backbone help')\n");
	return BB_EXIT_USAGE;
}

static void
print_failure(struct bb_ctx *ctx, int rc)
{
	if (ctx->diag.message != NULL) {
		char *s = bb_diag_format(&ctx->diag);
		fprintf(stderr, "backbone: %s\n", s);
		free(s);
	} else if (rc == BB_ERR_INTERNAL || rc == BB_ERR_IO)
		fprintf(stderr, "backbone: %s\n", bb_strerror(rc));
}

int
bb_cli_main(int argc, char **argv)
{
	struct bb_ctx ctx;
	const struct bb_command *cmd = NULL;
	char **words, **pos;
	int nwords = 0, npos = 0, used = 0, rc, exitc;
	bool help = false, version = false, dashdash = false;
	const char *db = NULL;

	memset(&ctx, 0, sizeof(ctx));
	ctx.out = stdout;
	ctx.err = stderr;
	if (bb_crypto_init() != BB_OK) {
		fprintf(stderr, "backbone: cannot initialise libsodium\n");
		return BB_EXIT_INTERNAL;
	}
	words = bb_calloc((size_t)argc + 1, sizeof(*words));
	pos = bb_calloc((size_t)argc + 1, sizeof(*pos));
	ctx.opts = bb_calloc((size_t)argc + 1, sizeof(*ctx.opts));

	/* Pass 1: global options, and the leading words (up to the first
	 * option that is not global); the command is the longest run of
	 * leading words naming one, the rest of the words are arguments. */
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == '\0') {
			words[nwords++] = argv[i];
			continue;
		}
		const char *nm = a + (a[1] == '-' ? 2 : 1);
		const char *eq = strchr(nm, '=');
		size_t nl = eq ? (size_t)(eq - nm) : strlen(nm);
		/* (After the command's words --version may be the command's
		 * own option: pass 2 decides.) */
		if (eq && global_flag(nm, nl) &&
		    !(nwords > 0 && nl == 7 && !strncmp(nm, "version", 7))) {
			rc = usage_error(NULL, "--%.*s takes no value", (int)nl, nm);
			goto out;
		}
		if (strcmp(a, "-h") == 0 || (nl == 4 && !strncmp(nm, "help", 4)))
			help = true;
		else if (strcmp(a, "-q") == 0 || (nl == 5 && !strncmp(nm, "quiet", 5)))
			ctx.quiet = true;
		else if (nl == 7 && !strncmp(nm, "version", 7) && nwords == 0)
			version = true;
		else if (nl == 4 && !strncmp(nm, "json", 4))
			ctx.json = true;
		else if (nl == 2 && !strncmp(nm, "db", 2)) {
			if (eq)
				db = eq + 1;
			else if (i + 1 < argc)
				db = argv[++i];
			else
				db = NULL;
			if (db == NULL || *db == '\0') {
				rc = usage_error(NULL, "--db needs a PATH");
				goto out;
			}
		} else
			break;
	}
	if (nwords > 0 && strcmp(words[0], "help") != 0)
		cmd = find_command(words, nwords, &used);
	if (cmd != NULL)
		for (int k = used; k < nwords; k++)
			pos[npos++] = words[k];

	if (version) {
		printf("backbone %s (%s)\n", BB_VERSION, BB_GITREV);
		rc = BB_EXIT_OK;
		goto out;
	}
	if (nwords > 0 && strcmp(words[0], "help") == 0) {
		int u;
		const struct bb_command *c = nwords > 1 ?
		    find_command(words + 1, nwords - 1, &u) : NULL;
		if (nwords == 1)
			help_all(stdout, NULL);
		else if (c != NULL && u == nwords - 1)
			help_command(stdout, c);
		else if (nwords == 2 && is_group(words[1]))
			help_all(stdout, words[1]);
		else {
			rc = usage_error(NULL, "no help for '%s': not a command", words[1]);
			goto out;
		}
		rc = BB_EXIT_OK;
		goto out;
	}
	if (cmd == NULL) {
		if (nwords == 0 && i < argc && strcmp(argv[i], "--") != 0) {
			rc = usage_error(NULL, "unknown option '%s'", argv[i]);
			goto out;
		}
		if (nwords == 0) {
			if (help) {
				help_all(stdout, NULL);
				rc = BB_EXIT_OK;
			} else {
				help_all(stderr, NULL);
				rc = BB_EXIT_USAGE;
			}
			goto out;
		}
		if (is_group(words[0])) {
			if (nwords > 1 && !help)
				fprintf(stderr, "backbone: '%s %s' is not a command\n",
				    words[0], words[1]);
			help_all(help ? stdout : stderr, words[0]);
			rc = help ? BB_EXIT_OK : BB_EXIT_USAGE;
			goto out;
		}
		rc = usage_error(NULL, "'%s' is not a backbone command", words[0]);
		goto out;
	}
	if (help) {
		help_command(stdout, cmd);
		rc = BB_EXIT_OK;
		goto out;
	}

	/* Pass 2: the command's options and positional arguments. */
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!dashdash && strcmp(a, "--") == 0) {
			dashdash = true;
			continue;
		}
		if (dashdash || a[0] != '-' || a[1] == '\0') {
			pos[npos++] = argv[i];
			continue;
		}
		const char *nm = a + (a[1] == '-' ? 2 : 1);
		const char *eq = strchr(nm, '=');
		size_t nl = eq ? (size_t)(eq - nm) : strlen(nm);
		if (a[1] != '-' && strcmp(a, "-q") != 0 && strcmp(a, "-h") != 0) {
			rc = usage_error(cmd, "unknown option '%s'", a);
			goto out;
		}
		if (eq && global_flag(nm, nl) && find_opt(cmd->opts, nm, nl) == NULL) {
			rc = usage_error(cmd, "--%.*s takes no value", (int)nl, nm);
			goto out;
		}
		if (strcmp(a, "-q") == 0 || (nl == 5 && !strncmp(nm, "quiet", 5))) {
			ctx.quiet = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || (nl == 4 && !strncmp(nm, "help", 4))) {
			help_command(stdout, cmd);
			rc = BB_EXIT_OK;
			goto out;
		}
		if (nl == 4 && !strncmp(nm, "json", 4)) {
			ctx.json = true;
			continue;
		}
		if (nl == 2 && !strncmp(nm, "db", 2)) {
			if (eq)
				db = eq + 1;
			else if (i + 1 < argc)
				db = argv[++i];
			else
				db = NULL;
			if (db == NULL || *db == '\0') {
				rc = usage_error(cmd, "--db needs a PATH");
				goto out;
			}
			continue;
		}
		const struct bb_opt_spec *o = find_opt(cmd->opts, nm, nl);
		if (o == NULL && nl == 7 && !strncmp(nm, "version", 7)) {
			/* After the command's words, --version is the command's
			 * option when it has one (framework show --version N),
			 * else the global one. */
			printf("backbone %s (%s)\n", BB_VERSION, BB_GITREV);
			rc = BB_EXIT_OK;
			goto out;
		}
		if (o == NULL) {
			rc = usage_error(cmd, "unknown option '--%.*s' for '%s'",
			    (int)nl, nm, cmd->name);
			goto out;
		}
		const char *val = NULL;
		if (o->kind == BB_OPT_FLAG) {
			if (eq) {
				rc = usage_error(cmd, "--%s takes no value", o->name);
				goto out;
			}
		} else if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			rc = usage_error(cmd, "--%s needs a %s", o->name,
			    o->metavar ? o->metavar : "value");
			goto out;
		}
		if (val != NULL && o->validate != NULL) {
			const char *why = "is not valid";
			if (o->validate(val, &why) != BB_OK) {
				rc = usage_error(cmd, "--%s '%s' %s", o->name, val, why);
				goto out;
			}
		}
		ctx.opts[ctx.nopts].name = o->name;
		ctx.opts[ctx.nopts].value = val;
		ctx.nopts++;
	}
	if (npos < cmd->min_args) {
		rc = usage_error(cmd, "'%s' needs %s", cmd->name,
		    cmd->args && *cmd->args ? cmd->args : "more arguments");
		goto out;
	}
	if (cmd->max_args >= 0 && npos > cmd->max_args) {
		rc = usage_error(cmd, "too many arguments for '%s' ('%s')",
		    cmd->name, pos[cmd->max_args]);
		goto out;
	}
	if (ctx.json && !(cmd->flags & BB_CMD_JSON)) {
		rc = usage_error(cmd, "'%s' has no --json output", cmd->name);
		goto out;
	}
	ctx.cmd = cmd;
	ctx.argc = npos;
	ctx.argv = pos;
	if (db == NULL)
		db = getenv("BACKBONE_DB");
	if (db == NULL || *db == '\0')
		db = "backbone.db";
	ctx.db_path = db;
	if (ctx.quiet)
		bb_progress_set_enabled(false);

	if (cmd->flags & (BB_CMD_STORE | BB_CMD_STORE_CREATE)) {
		int orc = bb_store_open(db, (cmd->flags & BB_CMD_STORE_CREATE) != 0,
		    &ctx.store, &ctx.diag);
		if (orc != BB_OK) {
			print_failure(&ctx, orc);
			rc = bb_exit_code(orc);
			goto out;
		}
	}
	exitc = cmd->run(&ctx);
	fflush(stdout);
	if (exitc != BB_OK)
		print_failure(&ctx, exitc);
	rc = bb_exit_code(exitc);
out:
	bb_store_close(ctx.store);
	bb_diag_clear(&ctx.diag);
	free(ctx.opts);
	free(words);
	free(pos);
	/* A write refused on the way (a full disk) leaves the error flag set
	 * even when the last flush has nothing left to write. */
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == BB_EXIT_OK) {
		fprintf(stderr, "backbone: cannot write to standard output\n");
		rc = BB_EXIT_INTERNAL;
	}
	return rc;
}
