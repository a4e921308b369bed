/*
 * problems.c: a capped list of problems in a partner file.
 */
#include "intake/problems.h"
#include "util/bb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values quoted in messages are cut to this many bytes (on a UTF-8 boundary). */
#define VALUE_MAX 200

void
bb_problems_init(struct bb_problems *p)
{
	memset(p, 0, sizeof(*p));
}

void
bb_problems_free(struct bb_problems *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		bb_problem_clear(&p->items[i]);
	free(p->items);
	memset(p, 0, sizeof(*p));
}

static char *
cut(const char *v)
{
	size_t n;
	if (v == NULL)
		return NULL;
	n = strlen(v);
	if (n <= VALUE_MAX)
		return bb_strdup(v);
	n = VALUE_MAX;
	while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
		n--;
	char *s = bb_malloc(n + 4);
	memcpy(s, v, n);
	memcpy(s + n, "...", 4);
	return s;
}

void
bb_problems_add(struct bb_problems *p, enum bb_severity sev, uint64_t row,
    uint64_t line, const char *column, const char *field, const char *value,
    const char *rule, const char *fmt, ...)
{
	size_t max = p->max ? p->max : 10000;
	struct bb_problem *q;
	va_list ap;
	char msg[1024];

	if (sev == BB_SEV_ERROR)
		p->errors++;
	else
		p->warnings++;
	/* Past the cap only file-level errors are kept: they say why a
	 * file was refused, and there are few of them. */
	if (p->n >= max && !(sev == BB_SEV_ERROR && row == 0)) {
		p->dropped++;
		return;
	}
	p->items = bb_grow(p->items, &p->cap, p->n + 1, sizeof(*p->items));
	q = &p->items[p->n++];
	memset(q, 0, sizeof(*q));
	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) >= (int)sizeof(msg)) {
		/* Cut on a character's boundary, and say so. */
		size_t n = sizeof(msg) - 4;
		while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
			n--;
		memcpy(msg + n, "...", 4);
	}
	va_end(ap);
	q->row = row;
	q->line = line;
	q->column = column ? bb_strdup(column) : NULL;
	q->field = field ? bb_strdup(field) : NULL;
	q->value = cut(value);
	q->rule = bb_strdup(rule);
	q->message = bb_utf8_clean(msg);
	q->severity = (int)sev;
}

void
bb_problems_add_findings(struct bb_problems *p, const struct bb_findings *f,
    const char *rule)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct bb_diag *d = &f->items[i];
		bb_problems_add(p, d->severity == BB_SEV_ERROR ? BB_SEV_ERROR :
		    BB_SEV_WARNING, 0, d->line, NULL, NULL, NULL,
		    d->code ? d->code : rule, "%s", d->message ? d->message : "");
	}
}
