/*
 * values.c (store): the indicator_value and value_state tables: replacing a
 * slice of values, loading them back in a stable order, and the state of
 * the maintained values.
 */
#include "store/internal.h"
#include "store/values.h"
#include "util/bb.h"
#include "util/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bb_value *
bb_values_add(struct bb_values *vs)
{
	vs->v = bb_grow(vs->v, &vs->cap, vs->n + 1, sizeof(*vs->v));
	memset(&vs->v[vs->n], 0, sizeof(vs->v[vs->n]));
	return &vs->v[vs->n++];
}

void
bb_value_clear(struct bb_value *v)
{
	if (v == NULL)
		return;
	free(v->indicator);
	free(v->period);
	free(v->partner);
	free(v->dkey);
	free(v->dvalue);
	free(v->dedup_note);
	memset(v, 0, sizeof(*v));
}

void
bb_values_clear(struct bb_values *vs)
{
	if (vs == NULL)
		return;
	for (size_t i = 0; i < vs->n; i++)
		bb_value_clear(&vs->v[i]);
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

static const char *const dedup_names[] = { "n/a", "full", "partial", "none" };

const char *
bb_dedup_name(enum bb_dedup d)
{
	return (unsigned)d < BB_ARRAY_LEN(dedup_names) ? dedup_names[d] : "n/a";
}

static enum bb_dedup
dedup_parse(const char *s)
{
	for (size_t i = 0; s && i < BB_ARRAY_LEN(dedup_names); i++)
		if (strcmp(s, dedup_names[i]) == 0)
			return (enum bb_dedup)i;
	return BB_DEDUP_NA;
}

static void
bind_opt_double(struct bb_stmt *st, int i, bool has, double v)
{
	if (has)
		bb_stmt_bind_double(st, i, v);
	else
		bb_stmt_bind_null(st, i);
}

int
bb_store_values_replace(struct bb_store *s, int64_t fw_version,
    const char *indicator, const char *period, const struct bb_values *vs)
{
	struct bb_stmt *del = NULL, *ins = NULL;
	int64_t seq = 0;
	int rc;

	if ((rc = bb_db_begin(s->db)) != BB_OK)
		return rc;
	if ((rc = bb_db_prepare(s->db,
	    "DELETE FROM indicator_value WHERE framework_version = ?1"
	    " AND indicator_id = ?2 AND (?3 IS NULL OR period = ?3)", &del)) != BB_OK)
		goto fail;
	bb_stmt_bind_int64(del, 1, fw_version);
	bb_stmt_bind_text(del, 2, indicator);
	if (period)
		bb_stmt_bind_text(del, 3, period);
	else
		bb_stmt_bind_null(del, 3);
	if ((rc = bb_stmt_step(del)) < 0)
		goto fail;
	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO indicator_value (framework_version, indicator_id, period,"
	    " period_start, period_end, partner_id, dkey, dvalue, seq, value,"
	    " numerator, denominator, n_numerator, n_denominator, records, dedup,"
	    " dedup_note, suppressed, suppressed_why, as_of_submission)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    &ins)) != BB_OK)
		goto fail;
	for (size_t i = 0; i < vs->n; i++) {
		const struct bb_value *v = &vs->v[i];
		char why[2] = { v->why, 0 };
		if (strcmp(v->indicator, indicator) != 0 ||
		    (period && strcmp(v->period, period) != 0))
			continue;
		bb_stmt_reset(ins);
		bb_stmt_bind_int64(ins, 1, fw_version);
		bb_stmt_bind_text(ins, 2, v->indicator);
		bb_stmt_bind_text(ins, 3, v->period);
		bb_stmt_bind_int64(ins, 4, v->start);
		bb_stmt_bind_int64(ins, 5, v->end);
		bb_stmt_bind_text(ins, 6, v->partner ? v->partner : "");
		bb_stmt_bind_text(ins, 7, v->dkey ? v->dkey : "");
		bb_stmt_bind_text(ins, 8, v->dvalue ? v->dvalue : "");
		bb_stmt_bind_int64(ins, 9, seq++);
		bind_opt_double(ins, 10, v->has_value, v->value);
		bind_opt_double(ins, 11, v->has_num, v->num);
		bind_opt_double(ins, 12, v->has_den, v->den);
		bb_stmt_bind_int64(ins, 13, v->n_num);
		bb_stmt_bind_int64(ins, 14, v->n_den);
		bb_stmt_bind_int64(ins, 15, v->records);
		bb_stmt_bind_text(ins, 16, bb_dedup_name(v->dedup));
		bb_stmt_bind_text(ins, 17, v->dedup_note ? v->dedup_note : "");
		bb_stmt_bind_int64(ins, 18, v->suppressed);
		if (v->why)
			bb_stmt_bind_text(ins, 19, why);
		else
			bb_stmt_bind_null(ins, 19);
		bb_stmt_bind_int64(ins, 20, v->as_of);
		if ((rc = bb_stmt_step(ins)) < 0)
			goto fail;
	}
	bb_stmt_free(del);
	bb_stmt_free(ins);
	return bb_db_commit(s->db);
fail:
	bb_stmt_free(del);
	bb_stmt_free(ins);
	bb_db_rollback(s->db);
	return rc < 0 ? rc : BB_ERR_IO;
}

int
bb_store_values_drop(struct bb_store *s, int64_t fw_version)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "DELETE FROM indicator_value WHERE framework_version = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, fw_version);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	if (rc < 0)
		return rc;
	if ((rc = bb_db_prepare(s->db,
	    "DELETE FROM value_state WHERE framework_version = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, fw_version);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

static double
opt_double(struct bb_stmt *st, int col, bool *has)
{
	*has = !bb_stmt_isnull(st, col);
	return *has ? bb_stmt_double(st, col) : 0;
}

int
bb_store_values_load(struct bb_store *s, int64_t fw_version,
    const char *indicator, const char *period, struct bb_values *out)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT indicator_id, period, period_start, period_end, partner_id, dkey,"
	    " dvalue, value, numerator, denominator, n_numerator, n_denominator,"
	    " records, dedup, dedup_note, suppressed, suppressed_why, as_of_submission"
	    " FROM indicator_value WHERE framework_version = ?1"
	    " AND (?2 IS NULL OR indicator_id = ?2) AND (?3 IS NULL OR period = ?3)"
	    " ORDER BY indicator_id, period_start, period_end, period, seq", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, fw_version);
	if (indicator)
		bb_stmt_bind_text(st, 2, indicator);
	else
		bb_stmt_bind_null(st, 2);
	if (period)
		bb_stmt_bind_text(st, 3, period);
	else
		bb_stmt_bind_null(st, 3);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_value *v = bb_values_add(out);
		const char *p = bb_stmt_text(st, 4), *why = bb_stmt_text(st, 16);
		v->indicator = bb_store_coldup(st, 0);
		v->period = bb_store_coldup(st, 1);
		v->start = (int32_t)bb_stmt_int64(st, 2);
		v->end = (int32_t)bb_stmt_int64(st, 3);
		v->partner = p && *p ? bb_strdup(p) : NULL;
		v->dkey = bb_store_coldup(st, 5);
		v->dvalue = bb_store_coldup(st, 6);
		v->value = opt_double(st, 7, &v->has_value);
		v->num = opt_double(st, 8, &v->has_num);
		v->den = opt_double(st, 9, &v->has_den);
		v->n_num = bb_stmt_int64(st, 10);
		v->n_den = bb_stmt_int64(st, 11);
		v->records = bb_stmt_int64(st, 12);
		v->dedup = dedup_parse(bb_stmt_text(st, 13));
		v->dedup_note = bb_store_coldup(st, 14);
		v->suppressed = bb_stmt_int64(st, 15) != 0;
		v->why = why && *why ? why[0] : 0;
		v->as_of = bb_stmt_int64(st, 17);
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_values_state(struct bb_store *s, int64_t fw_version, int64_t *as_of,
    char sha256[65], bool *found)
{
	struct bb_stmt *st;
	int rc;

	*found = false;
	*as_of = 0;
	if ((rc = bb_db_prepare(s->db,
	    "SELECT as_of_submission, data_sha256 FROM value_state"
	    " WHERE framework_version = ?", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, fw_version);
	if ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		*found = true;
		*as_of = bb_stmt_int64(st, 0);
		if (sha256)
			bb_strlcpy(sha256, bb_stmt_text(st, 1) ? bb_stmt_text(st, 1) : "", 65);
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_values_set_state(struct bb_store *s, int64_t fw_version, int64_t as_of,
    const char *sha)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "INSERT INTO value_state (framework_version, as_of_submission, data_sha256)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (framework_version) DO UPDATE SET"
	    " as_of_submission = ?2, data_sha256 = ?3", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, fw_version);
	bb_stmt_bind_int64(st, 2, as_of);
	bb_stmt_bind_text(st, 3, sha);
	rc = bb_stmt_step(st);
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_submission_latest(struct bb_store *s, int64_t *id)
{
	bool found;
	int rc = bb_db_query_int64(s->db, "SELECT coalesce(max(id), 0) FROM submission",
	    NULL, id, &found);
	if (rc == BB_OK && !found)
		*id = 0;
	return rc;
}

int
bb_store_submission_periods(struct bb_store *s, const char *dataset, int64_t as_of,
    int (*fn)(const char *period, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT DISTINCT period FROM submission WHERE dataset_id = ?1"
	    " AND (?2 = 0 OR id <= ?2)"
	    " AND (superseded_by IS NULL OR (?2 <> 0 AND superseded_by > ?2))"
	    " ORDER BY period", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, dataset);
	bb_stmt_bind_int64(st, 2, as_of);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW)
		if ((rc = fn(bb_stmt_text(st, 0), arg)) != BB_OK)
			break;
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_data_digest(struct bb_store *s, int64_t as_of, char out[65])
{
	struct bb_sha256 h;
	struct bb_stmt *st;
	char line[160];
	int rc;

	bb_sha256_start(&h);
	if ((rc = bb_db_prepare(s->db,
	    "SELECT id, sha256 FROM submission WHERE (?1 = 0 OR id <= ?1)"
	    " AND (superseded_by IS NULL OR (?1 <> 0 AND superseded_by > ?1))"
	    " ORDER BY id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_int64(st, 1, as_of);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		int n = snprintf(line, sizeof(line), "submission %lld %s\n",
		    (long long)bb_stmt_int64(st, 0), bb_stmt_text(st, 1));
		bb_sha256_update(&h, line, (size_t)n);
	}
	bb_stmt_free(st);
	if (rc < 0)
		return rc;
	/* The links as they stood: as of a past submission, the records linked
	 * by then, each in the participant it had then, which gives the digest
	 * the report had when that submission was the newest. */
	if ((rc = bb_db_prepare(s->db, as_of == 0 ?
	    "SELECT count(*), coalesce(sum(record_id * 31 + participant_id), 0)"
	    " FROM record_participant" :
	    "SELECT count(*), coalesce(sum(rp.record_id * 31 + coalesce("
	    "  (SELECT c.participant_before FROM record_participant_change c"
	    "   WHERE c.record_id = rp.record_id AND c.after_submission > ?1"
	    "   ORDER BY c.after_submission, c.id LIMIT 1), rp.participant_id)), 0)"
	    " FROM record_participant rp WHERE rp.linked_after <= ?1", &st)) != BB_OK)
		return rc;
	if (as_of != 0)
		bb_stmt_bind_int64(st, 1, as_of);
	if ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		int n = snprintf(line, sizeof(line), "links %lld %lld\n",
		    (long long)bb_stmt_int64(st, 0), (long long)bb_stmt_int64(st, 1));
		bb_sha256_update(&h, line, (size_t)n);
	}
	bb_stmt_free(st);
	bb_sha256_finish(&h, out);
	return rc < 0 ? rc : BB_OK;
}

int
bb_store_records_linked(struct bb_store *s, const char *dataset,
    int (*fn)(const struct bb_linked_record *r, void *arg), void *arg)
{
	struct bb_stmt *st;
	int rc;

	if ((rc = bb_db_prepare(s->db,
	    "SELECT r.id, r.submission_id, r.source_row, rp.participant_id,"
	    " r.partner_id, r.period, r.data FROM record r"
	    " LEFT JOIN record_participant rp ON rp.record_id = r.id"
	    " WHERE r.dataset_id = ? AND r.active = 1 ORDER BY r.id", &st)) != BB_OK)
		return rc;
	bb_stmt_bind_text(st, 1, dataset);
	while ((rc = bb_stmt_step(st)) == BB_STEP_ROW) {
		struct bb_linked_record r;
		r.id = bb_stmt_int64(st, 0);
		r.submission_id = bb_stmt_int64(st, 1);
		r.source_row = bb_stmt_int64(st, 2);
		r.participant_id = bb_stmt_isnull(st, 3) ? 0 : bb_stmt_int64(st, 3);
		r.partner = bb_stmt_text(st, 4);
		r.period = bb_stmt_text(st, 5);
		r.data = bb_stmt_text(st, 6);
		if ((rc = fn(&r, arg)) != BB_OK)
			break;
	}
	bb_stmt_free(st);
	return rc < 0 ? rc : BB_OK;
}
