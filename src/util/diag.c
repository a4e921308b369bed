/*
 * diag.c: diagnostics with a place, and ordered lists of findings.
 */
#include "util/diag.h"
#include "util/bb.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *
vfmt(const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	p = bb_malloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

static void
fill(struct bb_diag *d, enum bb_severity sev, const char *file,
    unsigned long line, unsigned long col, const char *code, const char *fmt,
    va_list ap)
{
	d->file = file ? bb_strdup(file) : NULL;
	d->line = line;
	d->col = col;
	d->severity = sev;
	d->code = code ? bb_strdup(code) : NULL;
	d->message = vfmt(fmt, ap);
}

void
bb_diag_set(struct bb_diag *d, const char *file, unsigned long line,
    unsigned long col, const char *code, const char *fmt, ...)
{
	va_list ap;

	bb_diag_clear(d);
	va_start(ap, fmt);
	fill(d, BB_SEV_ERROR, file, line, col, code, fmt, ap);
	va_end(ap);
}

void
bb_diag_clear(struct bb_diag *d)
{
	if (d == NULL)
		return;
	free(d->file);
	free(d->code);
	free(d->message);
	memset(d, 0, sizeof(*d));
}

const char *
bb_severity_name(enum bb_severity s)
{
	switch (s) {
	case BB_SEV_ERROR: return "error";
	case BB_SEV_WARNING: return "warning";
	default: return "note";
	}
}

char *
bb_diag_format(const struct bb_diag *d)
{
	const char *msg = d->message ? d->message : "(no message)";
	/* Errors print bare, as compilers' "file:line:col: message"; warnings
	 * and notes say what they are. */
	const char *sev = d->severity == BB_SEV_WARNING ? "warning: " :
	    d->severity == BB_SEV_NOTE ? "note: " : "";

	if (d->file == NULL)
		return bb_asprintf("%s%s", sev, msg);
	if (d->line && d->col)
		return bb_asprintf("%s:%lu:%lu: %s%s", d->file, d->line, d->col, sev, msg);
	if (d->line)
		return bb_asprintf("%s:%lu: %s%s", d->file, d->line, sev, msg);
	return bb_asprintf("%s: %s%s", d->file, sev, msg);
}

void
bb_diag_print(const struct bb_diag *d, FILE *f)
{
	char *s = bb_diag_format(d);
	fprintf(f, "%s\n", s);
	free(s);
}

void
bb_findings_init(struct bb_findings *f)
{
	memset(f, 0, sizeof(*f));
}

void
bb_findings_free(struct bb_findings *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		bb_diag_clear(&f->items[i]);
	free(f->items);
	memset(f, 0, sizeof(*f));
}

struct bb_diag *
bb_findings_add(struct bb_findings *f, enum bb_severity sev, const char *file,
    unsigned long line, unsigned long col, const char *code, const char *fmt, ...)
{
	va_list ap;
	size_t max = f->max ? f->max : 10000;
	struct bb_diag *d;

	if (sev == BB_SEV_ERROR)
		f->errors++;
	else if (sev == BB_SEV_WARNING)
		f->warnings++;
	if (f->n >= max) {
		f->dropped++;
		return NULL;
	}
	f->items = bb_grow(f->items, &f->cap, f->n + 1, sizeof(*f->items));
	d = &f->items[f->n++];
	va_start(ap, fmt);
	fill(d, sev, file, line, col, code, fmt, ap);
	va_end(ap);
	return d;
}

static int
cmp_diag(const void *a, const void *b)
{
	const struct bb_diag *x = a, *y = b;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

void
bb_findings_sort(struct bb_findings *f)
{
	/* Insertion sort keeps equal keys in insertion order (stable). */
	for (size_t i = 1; i < f->n; i++) {
		struct bb_diag t = f->items[i];
		size_t j = i;
		while (j > 0 && cmp_diag(&f->items[j - 1], &t) > 0) {
			f->items[j] = f->items[j - 1];
			j--;
		}
		f->items[j] = t;
	}
}

void
bb_findings_print(const struct bb_findings *f, FILE *out)
{
	for (size_t i = 0; i < f->n; i++)
		bb_diag_print(&f->items[i], out);
	if (f->dropped)
		fprintf(out, "(%zu more findings not shown)\n", f->dropped);
}
