/*
 * diag.h: where and why something failed, and lists of findings.
 *
 * A struct bb_diag is one message tied to a place: a file, a 1-based line and
 * column (0 when unknown), a short machine code ("unknown-key") and a message
 * meant for a person.  A struct bb_findings is an ordered list of them, each
 * with a severity, which checkers and the intake pipeline fill and the CLI
 * and HTTP edges print.
 *
 * Printed form (the one tests assert): "FILE:LINE:COL: message" for errors,
 * "FILE:LINE:COL: warning: message" for warnings; the line and column parts
 * are left out when unknown.
 */
#ifndef BB_DIAG_H
#define BB_DIAG_H

#include <stdio.h>
#include <stddef.h>

enum bb_severity {
	BB_SEV_ERROR = 0,
	BB_SEV_WARNING = 1,
	BB_SEV_NOTE = 2,
};

struct bb_diag {
	char *file;		/* owned; may be NULL */
	unsigned long line;	/* 1-based; 0 = unknown */
	unsigned long col;	/* 1-based; 0 = unknown */
	enum bb_severity severity;
	char *code;		/* owned; short machine-readable tag, may be NULL */
	char *message;		/* owned; never NULL once set */
};

struct bb_findings {
	struct bb_diag *items;
	size_t n, cap;
	size_t errors, warnings;
	size_t max;		/* stop recording after this many (0 = 10000) */
	size_t dropped;		/* findings not recorded because of max */
};

/* Set a single diag, replacing what it held. */
void bb_diag_set(struct bb_diag *d, const char *file, unsigned long line,
    unsigned long col, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void bb_diag_clear(struct bb_diag *d);
/* Print in the form above, with a newline. */
void bb_diag_print(const struct bb_diag *d, FILE *f);
/* Format into a fresh string (no newline). Caller frees. */
char *bb_diag_format(const struct bb_diag *d);

void bb_findings_init(struct bb_findings *f);
void bb_findings_free(struct bb_findings *f);
/* Add a finding; returns the stored diag, or NULL when over the cap. */
struct bb_diag *bb_findings_add(struct bb_findings *f, enum bb_severity sev,
    const char *file, unsigned long line, unsigned long col, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Sort by file, line, column (stable), for deterministic output. */
void bb_findings_sort(struct bb_findings *f);
/* Print every finding, then nothing else. */
void bb_findings_print(const struct bb_findings *f, FILE *out);

const char *bb_severity_name(enum bb_severity s);

#endif
