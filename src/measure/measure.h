/*
 * measure.h: indicator expressions checked against the framework and
 * compiled into query plans (store/plan.h).
 *
 * An indicator's `compute` text (docs/indicators.md) is parsed
 * (measure/parse.c), then checked and compiled here (measure/compile.c):
 * every dataset and field it names must exist, every operator must get the
 * types it takes, every code it compares with must be in the field's code
 * list, and every disaggregation the indicator lists must be a field of its
 * datasets or a band.  Problems are findings at FILE:LINE:COL, the place
 * in the framework file where the offending word was written.
 */
#ifndef BB_MEASURE_H
#define BB_MEASURE_H

#include <stddef.h>

#include "framework/framework.h"
#include "store/plan.h"

struct bb_findings;

/* Where the framework's text came from, so positions inside an
 * expression can be turned into lines and columns of the file. */
struct bb_fw_text {
	const char *file;	/* the name used in messages */
	const char *source;	/* the file's bytes, or NULL (then positions are
				   counted from the expression's start) */
	size_t len;
};

/* The default bands of the built-in `age_band` disaggregation. */
#define BB_AGE_BAND_BREAKS { 0, 5, 12, 18, 25, 65 }

/* Compile one indicator.  Returns 0 with *out set (free with
 * bb_plan_free), or BB_ERR_INPUT when it has errors (added to f) or no
 * compute text; warnings may be added either way. */
int bb_measure_compile(const struct bb_framework *fw,
    const struct bb_indicator *ind, const struct bb_fw_text *text,
    struct bb_plan **out, struct bb_findings *f);

/* Check every indicator of the framework (what `framework check` adds).
 * Returns 0, or BB_ERR_INPUT when any has errors. */
int bb_measure_check(const struct bb_framework *fw, const struct bb_fw_text *text,
    struct bb_findings *f);

/* Every indicator of the framework in order (outcomes, then their
 * indicators), with its plan (NULL when it has no compute text or does not
 * compile).  Caller frees with bb_measure_plans_free. */
struct bb_measure_plans {
	const struct bb_indicator **ind;
	struct bb_plan **plan;
	size_t n;
};

void bb_measure_plans_build(const struct bb_framework *fw,
    struct bb_measure_plans *out);
void bb_measure_plans_free(struct bb_measure_plans *p);

/* Turn a byte offset into an expression's text into the line and column
 * of the framework file (see struct bb_fw_text). */
void bb_measure_locate(const struct bb_fw_text *text, const struct bb_loc *start,
    const char *expr, size_t off, unsigned long *line, unsigned long *col);

#endif
