/*
 * cli_framework.h: helpers the command files share to get at the framework
 * stored in the database.
 */
#ifndef BB_CLI_FRAMEWORK_H
#define BB_CLI_FRAMEWORK_H

#include <stdint.h>

struct bb_ctx;
struct bb_framework;

/* Load framework version `version` (0: the latest) from ctx->store.  On
 * failure sets ctx->diag and returns the error (BB_ERR_NOTFOUND when none
 * was applied yet). */
int bb_cli_framework(struct bb_ctx *ctx, int64_t version,
    struct bb_framework **fw, int64_t *got);

#endif
