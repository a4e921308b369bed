/*
 * submission.c (store): raw bytes in chunks, submissions, their problems,
 * and the bulk writer of canonical records.
 */
#include "store/internal.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (4u << 20)	/* 4 MiB per stored chunk */

int
bb_store_blob_put_file(struct bb_store *s, const char *sha256, const char *path,
    uint64_t *size)
{
	struct bb_stmt *ins = NULL, *head = NULL;
	unsigned char *buf = NULL;
	FILE *f = NULL;
	int64_t have;
	bool found;
	size_t n;
	int64_t seq = 0;
	int rc;

	*size = 0;
	rc = bb_db_query_int64(s->db, "SELECT size FROM blob WHERE sha256 = ?",
	    sha256, &have, &found);
	if (rc != BB_OK)
		return rc;
	if (found) {
		*size = (uint64_t)have;
		return BB_OK;
	}
	if ((f = fopen(path, "rb")) == NULL)
		return BB_ERR_IO;
	if ((rc = bb_db_begin(s->db)) != BB_OK)
		goto out;
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO blob (sha256, size, chunks) VALUES (?, 0, 0)", &head)) != BB_OK)
		goto fail;
	bb_stmt_bind_text(head, 1, sha256);
	if ((rc = bb_stmt_step(head)) < 0)
		goto fail;
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO blob_chunk (sha256, seq, bytes) VALUES (?, ?, ?)", &ins)) != BB_OK)
		goto fail;
	buf = bb_malloc(CHUNK);
	while ((n = fread(buf, 1, CHUNK, f)) > 0) {
		bb_stmt_reset(ins);
		bb_stmt_bind_text(ins, 1, sha256);
		bb_stmt_bind_int64(ins, 2, seq++);
		bb_stmt_bind_blob(ins, 3, buf, n);
		if ((rc = bb_stmt_step(ins)) < 0)
			goto fail;
		*size += n;
	}
	if (ferror(f)) {
		rc = BB_ERR_IO;
		goto fail;
	}
	bb_stmt_free(head);
	if ((rc = bb_db_prepare(s->db,
	    "UPDATE blob SET size = ?, chunks = ? WHERE sha256 = ?", &head)) != BB_OK)
		goto fail;
	bb_stmt_bind_int64(head, 1, (int64_t)*size);
	bb_stmt_bind_int64(head, 2, seq);
	bb_stmt_bind_text(head, 3, sha256);
	if ((rc = bb_stmt_step(head)) < 0)
		goto fail;
	rc = bb_db_commit(s->db);
	goto out;
fail:
	bb_db_rollback(s->db);
	if (rc >= 0)
		rc = BB_ERR_IO;
out:
	bb_stmt_free(ins);
	bb_stmt_free(head);
	free(buf);
	fclose(f);
	return rc;
}

int
bb_store_blob_write(struct bb_store *s, const char *sha256, void *file)
{
	FILE *f = file;
	struct bb_stmt *st;
	bool any = false;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT bytes FROM blob_chunk WHERE sha256 = ? ORDER BY seq", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, sha256);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		size_t n;
		const void *p = bb_stmt_blob(st, 0, &n);
		any = true;
		if (n && fwrite(p, 1, n, f) != n) {
			rc = BB_ERR_IO;
			break;
		}
	}
	bb_stmt_free(st);
	if (rc < 0)
		return rc;
	if (!any) {
		int64_t size;
		bool found;
		bb_db_query_int64(s->db, "SELECT size FROM blob WHERE sha256 = ?",
		    sha256, &size, &found);
		return found ? BB_OK : BB_ERR_NOTFOUND;
	}
	return BB_OK;
}

void
bb_submission_clear(struct bb_submission *sub)
{
	if (sub == NULL)
		return;
	free(sub->partner_id);
	free(sub->dataset_id);
	free(sub->period);
	free(sub->file_name);
	free(sub->sha256);
	free(sub->format);
	free(sub->crosswalk_sha256);
	free(sub->status);
	free(sub->received_at);
	memset(sub, 0, sizeof(*sub));
}

static int
slot_query(struct bb_store *s, const char *sql, const char *partner,
    const char *dataset, const char *period, const char *sha256, int64_t *id)
{
	struct bb_stmt *st;
	int rc;

	*id = 0;
	if ((rc = bb_db_prepare(s->db, sql, &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, partner);
	bb_stmt_bind_text(st, 2, dataset);
	bb_stmt_bind_text(st, 3, period);
	if (sha256)
		bb_stmt_bind_text(st, 4, sha256);
	rc = bb_stmt_step(st);
	if (rc == BB_STEP_ROW)
		*id = bb_stmt_int64(st, 0);
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_submission_find_same(struct bb_store *s, const char *partner,
    const char *dataset, const char *period, const char *sha256, int64_t *id)
{
	return slot_query(s,
	    "SELECT id FROM submission WHERE partner_id = ? AND dataset_id = ?"
	    " AND period = ? AND sha256 = ? AND superseded_by IS NULL", partner,
	    dataset, period, sha256, id);
}

int
bb_store_submission_current(struct bb_store *s, const char *partner,
    const char *dataset, const char *period, int64_t *id)
{
	return slot_query(s,
	    "SELECT id FROM submission WHERE partner_id = ? AND dataset_id = ?"
	    " AND period = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1",
	    partner, dataset, period, NULL, id);
}

int
bb_store_submission_insert(struct bb_store *s, struct bb_submission *in)
{
	struct bb_stmt *st;
	char now[BB_ISO_TIME];
	int rc;

	bb_clock_iso(now);
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO submission (partner_id, dataset_id, period, file_name,"
	    " sha256, format, framework_version, crosswalk_sha256, status,"
	    " rows_read, rows_accepted, rows_refused, errors, warnings,"
	    " supersedes, received_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, in->partner_id);
	bb_stmt_bind_text(st, 2, in->dataset_id);
	bb_stmt_bind_text(st, 3, in->period);
	bb_stmt_bind_text(st, 4, in->file_name);
	bb_stmt_bind_text(st, 5, in->sha256);
	bb_stmt_bind_text(st, 6, in->format);
	bb_stmt_bind_int64(st, 7, in->framework_version);
	bb_stmt_bind_text(st, 8, in->crosswalk_sha256);
	bb_stmt_bind_text(st, 9, in->status);
	bb_stmt_bind_int64(st, 10, in->rows_read);
	bb_stmt_bind_int64(st, 11, in->rows_accepted);
	bb_stmt_bind_int64(st, 12, in->rows_refused);
	bb_stmt_bind_int64(st, 13, in->errors);
	bb_stmt_bind_int64(st, 14, in->warnings);
	if (in->supersedes)
		bb_stmt_bind_int64(st, 15, in->supersedes);
	else
		bb_stmt_bind_null(st, 15);
	bb_stmt_bind_text(st, 16, now);
	rc = bb_stmt_step(st);
	if (rc == BB_STEP_ROW) {
		in->id = bb_stmt_int64(st, 0);
		free(in->received_at);
		in->received_at = bb_strdup(now);
		rc = BB_OK;
	} else if (rc == BB_STEP_DONE)
		rc = BB_ERR_INTERNAL;
	bb_stmt_free(st);
	return rc;
}

int
bb_store_submission_finish(struct bb_store *s, const struct bb_submission *sub)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "UPDATE submission SET status = ?, rows_read = ?, rows_accepted = ?,"
	    " rows_refused = ?, errors = ?, warnings = ? WHERE id = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, sub->status);
	bb_stmt_bind_int64(st, 2, sub->rows_read);
	bb_stmt_bind_int64(st, 3, sub->rows_accepted);
	bb_stmt_bind_int64(st, 4, sub->rows_refused);
	bb_stmt_bind_int64(st, 5, sub->errors);
	bb_stmt_bind_int64(st, 6, sub->warnings);
	bb_stmt_bind_int64(st, 7, sub->id);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_submission_supersede(struct bb_store *s, int64_t old_id, int64_t new_id)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "UPDATE submission SET superseded_by = ? WHERE id = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, new_id);
	bb_stmt_bind_int64(st, 2, old_id);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	if (rc < 0)
		return rc;
	if ((rc = bb_db_prepare(s->db,
	    "UPDATE record SET active = 0 WHERE submission_id = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, old_id);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

#define SUB_COLS "id, partner_id, dataset_id, period, file_name, sha256, format," \
	" framework_version, crosswalk_sha256, status, rows_read, rows_accepted," \
	" rows_refused, errors, warnings, coalesce(supersedes, 0)," \
	" coalesce(superseded_by, 0), received_at"

static void
read_sub(struct bb_stmt *st, struct bb_submission *o)
{
	o->id = bb_stmt_int64(st, 0);
	o->partner_id = bb_store_coldup(st, 1);
	o->dataset_id = bb_store_coldup(st, 2);
	o->period = bb_store_coldup(st, 3);
	o->file_name = bb_store_coldup(st, 4);
	o->sha256 = bb_store_coldup(st, 5);
	o->format = bb_store_coldup(st, 6);
	o->framework_version = bb_stmt_int64(st, 7);
	o->crosswalk_sha256 = bb_store_coldup(st, 8);
	o->status = bb_store_coldup(st, 9);
	o->rows_read = bb_stmt_int64(st, 10);
	o->rows_accepted = bb_stmt_int64(st, 11);
	o->rows_refused = bb_stmt_int64(st, 12);
	o->errors = bb_stmt_int64(st, 13);
	o->warnings = bb_stmt_int64(st, 14);
	o->supersedes = bb_stmt_int64(st, 15);
	o->superseded_by = bb_stmt_int64(st, 16);
	o->received_at = bb_store_coldup(st, 17);
}

int
bb_store_submission_get(struct bb_store *s, int64_t id, struct bb_submission *out)
{
	struct bb_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = bb_db_prepare(s->db, "SELECT " SUB_COLS
	    " FROM submission WHERE id = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, id);
	rc = bb_stmt_step(st);
	if (rc == BB_STEP_ROW) {
		read_sub(st, out);
		rc = BB_OK;
	} else if (rc == BB_STEP_DONE)
		rc = BB_ERR_NOTFOUND;
	bb_stmt_free(st);
	return rc;
}

int
bb_store_submission_list(struct bb_store *s, const char *partner,
    int (*fn)(const struct bb_submission *sub, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db, "SELECT " SUB_COLS " FROM submission"
	    " WHERE ?1 IS NULL OR partner_id = ?1 ORDER BY id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, partner);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_submission sub;
		memset(&sub, 0, sizeof(sub));
		read_sub(st, &sub);
		rc = fn(&sub, arg);
		bb_submission_clear(&sub);
		if (rc != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

void
bb_problem_clear(struct bb_problem *p)
{
	if (p == NULL)
		return;
	free(p->column);
	free(p->field);
	free(p->value);
	free(p->rule);
	free(p->message);
	memset(p, 0, sizeof(*p));
}

int
bb_store_problems_insert(struct bb_store *s, int64_t submission,
    const struct bb_problem *p, size_t n)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO problem (submission_id, seq, row, line, column_name, field,"
	    " value, rule, severity, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    &st)) != BB_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		bb_stmt_reset(st);
		bb_stmt_bind_int64(st, 1, submission);
		bb_stmt_bind_int64(st, 2, (int64_t)i + 1);
		if (p[i].row)
			bb_stmt_bind_int64(st, 3, (int64_t)p[i].row);
		if (p[i].line)
			bb_stmt_bind_int64(st, 4, (int64_t)p[i].line);
		bb_stmt_bind_text(st, 5, p[i].column);
		bb_stmt_bind_text(st, 6, p[i].field);
		bb_stmt_bind_text(st, 7, p[i].value);
		bb_stmt_bind_text(st, 8, p[i].rule ? p[i].rule : "other");
		bb_stmt_bind_text(st, 9, p[i].severity == BB_SEV_ERROR ? "error" : "warning");
		bb_stmt_bind_text(st, 10, p[i].message ? p[i].message : "");
		if ((rc = bb_stmt_step(st)) < 0)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_problems_list(struct bb_store *s, int64_t submission,
    int (*fn)(const struct bb_problem *p, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT coalesce(row, 0), coalesce(line, 0), column_name, field, value,"
	    " rule, severity, message FROM problem WHERE submission_id = ?"
	    " ORDER BY seq", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, submission);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_problem p;
		const char *sev;
		memset(&p, 0, sizeof(p));
		p.row = (uint64_t)bb_stmt_int64(st, 0);
		p.line = (uint64_t)bb_stmt_int64(st, 1);
		p.column = bb_store_coldup(st, 2);
		p.field = bb_store_coldup(st, 3);
		p.value = bb_store_coldup(st, 4);
		p.rule = bb_store_coldup(st, 5);
		sev = bb_stmt_text(st, 6);
		p.severity = sev && strcmp(sev, "error") == 0 ? BB_SEV_ERROR : BB_SEV_WARNING;
		p.message = bb_store_coldup(st, 7);
		rc = fn(&p, arg);
		bb_problem_clear(&p);
		if (rc != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

/* Rows per statement of the multi-row insert: one statement's run (its
 * cursors opened, its program started and halted) serves that many rows. */
#define REC_MULTI 64

struct bb_record_writer {
	struct bb_store *s;
	struct bb_stmt *rec;
	struct bb_stmt *multi;	/* REC_MULTI rows at once */
	struct bb_stmt *quar;
	int64_t submission;
	char *dataset, *partner, *period;
	bool bound;
};

int
bb_store_records_open(struct bb_store *s, int64_t submission,
    const char *dataset, const char *partner, const char *period,
    struct bb_record_writer **out)
{
	struct bb_record_writer *w = bb_calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	w->s = s;
	w->submission = submission;
	w->dataset = bb_strdup(dataset);
	w->partner = bb_strdup(partner);
	w->period = bb_strdup(period);
	/* ?1 to ?4 the constant columns, then each row's source_row and data,
	 * in the order given (the records' ids follow it, as one at a time). */
	struct bb_buf sql;
	bb_buf_init(&sql, BB_BUF_NOMAX);
	bb_buf_puts(&sql, "INSERT INTO record (submission_id, source_row,"
	    " dataset_id, partner_id, period, data) VALUES ");
	for (int i = 0; i < REC_MULTI; i++)
		bb_buf_printf(&sql, "%s(?1, ?%d, ?2, ?3, ?4, ?%d)", i ? ", " : "",
		    5 + 2 * i, 6 + 2 * i);
	rc = bb_db_prepare(s->db, bb_buf_str(&sql), &w->multi);
	bb_buf_free(&sql);
	if (rc != BB_OK) {
		bb_store_records_close(w);
		return rc;
	}
	bb_stmt_bind_int64(w->multi, 1, submission);
	bb_stmt_bind_static(w->multi, 2, w->dataset, strlen(w->dataset));
	bb_stmt_bind_static(w->multi, 3, w->partner, strlen(w->partner));
	bb_stmt_bind_static(w->multi, 4, w->period, strlen(w->period));
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO record (submission_id, source_row, dataset_id, partner_id,"
	    " period, data) VALUES (?, ?, ?, ?, ?, ?)", &w->rec)) != BB_OK ||
	    (rc = bb_db_prepare(s->db,
	    "INSERT INTO quarantine (submission_id, source_row, data)"
	    " VALUES (?, ?, ?)", &w->quar)) != BB_OK) {
		bb_store_records_close(w);
		return rc;
	}
	*out = w;
	return BB_OK;
}

int
bb_store_record_add(struct bb_record_writer *w, uint64_t source_row,
    const char *json, size_t len, int64_t *record_id)
{
	int rc;

	/* Bulk path: the constant columns stay bound (static: they live in
	 * the writer), the row's values are bound without copying. */
	bb_stmt_rerun(w->rec);
	if (!w->bound) {
		bb_stmt_bind_int64(w->rec, 1, w->submission);
		bb_stmt_bind_static(w->rec, 3, w->dataset, strlen(w->dataset));
		bb_stmt_bind_static(w->rec, 4, w->partner, strlen(w->partner));
		bb_stmt_bind_static(w->rec, 5, w->period, strlen(w->period));
		w->bound = true;
	}
	bb_stmt_bind_int64(w->rec, 2, (int64_t)source_row);
	bb_stmt_bind_static(w->rec, 6, json, len);
	rc = bb_stmt_step(w->rec);
	if (rc < 0)
		return rc;
	if (record_id)
		*record_id = bb_db_last_rowid(w->s->db);
	return BB_OK;
}

int
bb_store_records_add(struct bb_record_writer *w, size_t n,
    const uint64_t *source_row, const char *base, const size_t *off,
    const size_t *len)
{
	size_t i = 0;
	int rc;

	for (; n - i >= REC_MULTI; i += REC_MULTI) {
		bb_stmt_rerun(w->multi);
		for (int k = 0; k < REC_MULTI; k++) {
			bb_stmt_bind_int64(w->multi, 5 + 2 * k,
			    (int64_t)source_row[i + k]);
			bb_stmt_bind_static(w->multi, 6 + 2 * k, base + off[i + k],
			    len[i + k]);
		}
		if ((rc = bb_stmt_step(w->multi)) < 0)
			return rc;
	}
	for (; i < n; i++)
		if ((rc = bb_store_record_add(w, source_row[i], base + off[i],
		    len[i], NULL)) != BB_OK)
			return rc;
	return BB_OK;
}

int
bb_store_quarantine_add(struct bb_record_writer *w, uint64_t source_row,
    const char *json, size_t len)
{
	int rc;

	bb_stmt_reset(w->quar);
	bb_stmt_bind_int64(w->quar, 1, w->submission);
	bb_stmt_bind_int64(w->quar, 2, (int64_t)source_row);
	bb_stmt_bind_textn(w->quar, 3, json, len);
	rc = bb_stmt_step(w->quar);
	return rc < 0 ? rc : BB_OK;
}

void
bb_store_records_close(struct bb_record_writer *w)
{
	if (w == NULL)
		return;
	bb_stmt_free(w->rec);
	bb_stmt_free(w->multi);
	bb_stmt_free(w->quar);
	free(w->dataset);
	free(w->partner);
	free(w->period);
	free(w);
}

static int
each_record(struct bb_stmt *st, int (*fn)(const struct bb_record *r, void *arg),
    void *arg)
{
	int rc;
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_record r;
		r.id = bb_stmt_int64(st, 0);
		r.submission_id = bb_stmt_int64(st, 1);
		r.source_row = bb_stmt_int64(st, 2);
		r.dataset_id = bb_stmt_text(st, 3);
		r.partner_id = bb_stmt_text(st, 4);
		r.period = bb_stmt_text(st, 5);
		r.active = bb_stmt_int64(st, 6) != 0;
		r.data = bb_stmt_text(st, 7);
		if ((rc = fn(&r, arg)) != BB_OK)
			break;
	}
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_record_each(struct bb_store *s, const char *dataset, bool all,
    int (*fn)(const struct bb_record *r, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT id, submission_id, source_row, dataset_id, partner_id, period,"
	    " active, data FROM record WHERE (?1 IS NULL OR dataset_id = ?1)"
	    " AND (?2 = 1 OR active = 1) ORDER BY id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, dataset);
	bb_stmt_bind_int64(st, 2, all ? 1 : 0);
	rc = each_record(st, fn, arg);
	bb_stmt_free(st);
	return rc;
}

struct found_arg {
	int (*fn)(const struct bb_record *r, void *arg);
	void *arg;
	bool found;
};

static int
found_cb(const struct bb_record *r, void *arg)
{
	struct found_arg *fa = arg;
	fa->found = true;
	return fa->fn(r, fa->arg);
}

int
bb_store_record_get(struct bb_store *s, int64_t id,
    int (*fn)(const struct bb_record *r, void *arg), void *arg)
{
	struct found_arg fa = { fn, arg, false };
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT id, submission_id, source_row, dataset_id, partner_id, period,"
	    " active, data FROM record WHERE id = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, id);
	rc = each_record(st, found_cb, &fa);
	bb_stmt_free(st);
	if (rc == BB_OK && !fa.found)
		rc = BB_ERR_NOTFOUND;
	return rc;
}

int
bb_store_counts(struct bb_store *s, struct bb_store_counts *out)
{
	bool found;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = bb_db_query_int64(s->db, "SELECT count(*) FROM submission", NULL,
	    &out->submissions, &found)) != BB_OK)
		return rc;
	if ((rc = bb_db_query_int64(s->db, "SELECT count(*) FROM record", NULL,
	    &out->records, &found)) != BB_OK)
		return rc;
	return bb_db_query_int64(s->db,
	    "SELECT count(*) FROM record WHERE active = 1", NULL,
	    &out->active_records, &found);
}
