/*
 * problems.h: the list of problems found in one partner file, as the
 * receipt shows them (row, the partner's column, the shared field, the value,
 * the rule, a message for people, severity).  Capped: past the cap problems
 * are counted, not kept, except file-level errors (row 0: why a file was
 * refused), which are always kept.
 */
#ifndef BB_PROBLEMS_H
#define BB_PROBLEMS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/diag.h"

struct bb_problems {
	struct bb_problem *items;
	size_t n, cap;
	size_t max;		/* 0 = 10000 */
	uint64_t errors, warnings, dropped;
};

void bb_problems_init(struct bb_problems *p);
void bb_problems_free(struct bb_problems *p);
/* Add one; strings are copied (any may be NULL but rule and message). */
void bb_problems_add(struct bb_problems *p, enum bb_severity sev, uint64_t row,
    uint64_t line, const char *column, const char *field, const char *value,
    const char *rule, const char *fmt, ...) __attribute__((format(printf, 9, 10)));
/* Add the findings of a reader (file-level problems) as problems. */
void bb_problems_add_findings(struct bb_problems *p, const struct bb_findings *f,
    const char *rule);

#endif
