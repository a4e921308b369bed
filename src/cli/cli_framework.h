/*
 * cli_framework.h: helpers the command files share: getting at the
 * framework stored in the database, storing a new version, and showing the
 * problems of a receipt.
 */
#ifndef BB_CLI_FRAMEWORK_H
#define BB_CLI_FRAMEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bb_ctx;
struct bb_framework;
struct bb_problem;

/* Load framework version `version` (0: the latest) from ctx->store.  On
 * failure sets ctx->diag and returns the error (BB_ERR_NOTFOUND when none
 * was applied yet). */
int bb_cli_framework(struct bb_ctx *ctx, int64_t version,
    struct bb_framework **fw, int64_t *got);

/* Store `fw`, loaded from `data` (len bytes, read from `source_name`), as a
 * new framework version unless the latest version has the same content,
 * setting the initiative's name from it, in one transaction (content equal
 * to an older version is a new version).  Sets *version (new or latest) and
 * *created.  On failure sets ctx->diag and returns the error. */
int bb_cli_framework_store(struct bb_ctx *ctx, const char *source_name,
    const char *data, size_t len, const struct bb_framework *fw,
    int64_t *version, bool *created);

/* One problem of a receipt: as a JSON object (a json_t *, caller owns), or
 * as the receipt's line ("  error   row 14    \"DOB\" -> birth_date: ..."). */
void *bb_cli_problem_json(const struct bb_problem *p);
void bb_cli_problem_print(FILE *f, const struct bb_problem *p);

#endif
