/*
 * submit.c: the intake pipeline (read, crosswalk, validate, store) for one
 * partner file, producing a receipt.
 */
#include "intake/submit.h"
#include "framework/period.h"
#include "intake/mapper.h"
#include "intake/reader.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/diag.h"
#include "util/hash.h"
#include "util/progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
bb_receipt_init(struct bb_receipt *r)
{
	memset(r, 0, sizeof(*r));
	bb_problems_init(&r->problems);
}

void
bb_receipt_clear(struct bb_receipt *r)
{
	if (r == NULL)
		return;
	free(r->partner);
	free(r->dataset);
	free(r->period);
	free(r->file_name);
	free(r->partner_name);
	free(r->crosswalk_sha256);
	bb_problems_free(&r->problems);
	memset(r, 0, sizeof(*r));
}

const char *
bb_outcome_name(enum bb_receipt_outcome o)
{
	switch (o) {
	case BB_OUTCOME_STORED: return "stored";
	case BB_OUTCOME_PARTIAL: return "partial";
	case BB_OUTCOME_REFUSED: return "refused";
	case BB_OUTCOME_DUPLICATE: return "duplicate";
	case BB_OUTCOME_PREVIEW_OK: return "preview-ok";
	case BB_OUTCOME_PREVIEW_PARTIAL: return "preview-partial";
	}
	return "unknown";
}

static int
refuse(struct bb_receipt *r, const char *rule, const char *fmt, const char *a,
    const char *b)
{
	bb_problems_add(&r->problems, BB_SEV_ERROR, 0, 0, NULL, NULL, NULL, rule,
	    fmt, a ? a : "", b ? b : "");
	r->outcome = BB_OUTCOME_REFUSED;
	return BB_ERR_INPUT;
}

/* Move findings past index `from` into the receipt's problems. */
static void
take_findings(struct bb_receipt *r, struct bb_findings *f, size_t *from)
{
	for (size_t i = *from; i < f->n; i++) {
		const struct bb_diag *d = &f->items[i];
		enum bb_severity sev = d->severity == BB_SEV_ERROR ? BB_SEV_ERROR :
		    BB_SEV_WARNING;
		const char *msg = d->message ? d->message : "";
		if (d->col)
			bb_problems_add(&r->problems, sev, 0, d->line, NULL, NULL, NULL,
			    d->code ? d->code : "file", "%s (line %lu, column %lu)",
			    msg, d->line, d->col);
		else
			bb_problems_add(&r->problems, sev, 0, d->line, NULL, NULL, NULL,
			    d->code ? d->code : "file", "%s", msg);
	}
	*from = f->n;
}

/* --- the two-thread pipeline ------------------------------------------------ */

#define BATCH_ROWS 2048
#define BATCH_BYTES (4u << 20)
#define NBATCH 4
#define ROW_JSON_MAX ((size_t)64 << 20)	/* one row's values as JSON */

struct batch {
	struct bb_buf bytes;		/* the rows' JSON texts, one after another */
	size_t n;
	uint64_t row[BATCH_ROWS];
	size_t off[BATCH_ROWS];
	size_t len[BATCH_ROWS];
	bool quarantined[BATCH_ROWS];
};

struct producer {
	struct bb_reader *rd;
	struct bb_mapper *mp;
	struct bb_receipt *r;
	struct bb_findings *rf;
	size_t *seen;
	struct bb_progress *prog;
	bool quarantine;	/* keep refused rows' cells */
	bool inline_only;	/* preview: no consumer */
	bool read_failed;
	/* hand-over between the threads */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch batches[NBATCH];
	int full[NBATCH], nfull, fhead;	/* queue of filled batches */
	int freeq[NBATCH], nfree;	/* stack of empty batches */
	bool done;		/* producer finished */
	bool stop;		/* consumer failed: producer stops */
};

static struct batch *
take_free(struct producer *p)
{
	struct batch *b = NULL;
	pthread_mutex_lock(&p->mu);
	while (p->nfree == 0 && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	if (!p->stop)
		b = &p->batches[p->freeq[--p->nfree]];
	pthread_mutex_unlock(&p->mu);
	if (b) {
		b->n = 0;
		bb_buf_reset(&b->bytes);
	}
	return b;
}

static void
hand_over(struct producer *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	p->full[(p->fhead + p->nfull) % NBATCH] = (int)(b - p->batches);
	p->nfull++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* The first half: read, crosswalk, validate; batches of canonical records
 * (and quarantined rows) for the writer. */
static void *
produce(void *arg)
{
	struct producer *p = arg;
	struct bb_receipt *r = p->r;
	struct bb_buf json;
	struct batch *b = NULL;
	const struct bb_row *row;

	bb_buf_init(&json, ROW_JSON_MAX);
	for (;;) {
		bool ok;
		int nr = bb_reader_next(p->rd, &row);
		if (p->rf->n > *p->seen)
			take_findings(r, p->rf, p->seen);
		if (nr == 0)
			break;
		if (nr < 0) {
			if (r->problems.errors == 0)
				bb_problems_add(&r->problems, BB_SEV_ERROR, 0, 0, NULL, NULL,
				    NULL, "file", "%s cannot be read to its end", r->file_name);
			p->read_failed = true;
			break;
		}
		r->rows_read++;
		bb_mapper_row(p->mp, row, &json, &r->problems, &ok);
		if (ok)
			r->rows_accepted++;
		else {
			r->rows_refused++;
			if (!p->quarantine)
				goto next;
			bb_mapper_raw_json(p->mp, row, &json);
		}
		if (json.full) {
			/* Its JSON was cut at the cap: it cannot be kept whole. */
			bb_problems_add(&r->problems, BB_SEV_ERROR, 0, row->line, NULL,
			    NULL, NULL, "row-too-large", "row %llu is too large to "
			    "keep: its values take more than %zu MiB written as JSON",
			    (unsigned long long)row->row, ROW_JSON_MAX >> 20);
			p->read_failed = true;
			break;
		}
		if (p->inline_only)
			goto next;
		if (b == NULL && (b = take_free(p)) == NULL)
			break;
		b->row[b->n] = row->row;
		b->off[b->n] = b->bytes.len;
		b->len[b->n] = json.len;
		b->quarantined[b->n] = !ok;
		if (bb_buf_append(&b->bytes, json.data, json.len) != BB_OK) {
			p->read_failed = true;
			break;
		}
		b->n++;
		if (b->n == BATCH_ROWS || b->bytes.len >= BATCH_BYTES) {
			hand_over(p, b);
			b = NULL;
		}
next:
		if ((r->rows_read & 4095) == 0)
			bb_progress_update(p->prog, bb_reader_offset(p->rd));
	}
	if (b != NULL)
		hand_over(p, b);
	bb_buf_free(&json);
	pthread_mutex_lock(&p->mu);
	p->done = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The second half, on the calling thread: write each batch. */
static int
run_pipeline(struct producer *p, struct bb_record_writer *w)
{
	pthread_t th;
	int rc = BB_OK;

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (int i = 0; i < NBATCH; i++) {
		/* A batch is handed over past BATCH_BYTES: room for one more
		 * row of any size kept. */
		bb_buf_init(&p->batches[i].bytes, BATCH_BYTES + ROW_JSON_MAX);
		p->freeq[p->nfree++] = i;
	}
	if (pthread_create(&th, NULL, produce, p) != 0) {
		rc = BB_ERR_INTERNAL;	/* the system refused a thread */
		goto out;
	}
	for (;;) {
		struct batch *b;
		pthread_mutex_lock(&p->mu);
		while (p->nfull == 0 && !p->done)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->nfull == 0) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		b = &p->batches[p->full[p->fhead]];
		p->fhead = (p->fhead + 1) % NBATCH;
		p->nfull--;
		pthread_mutex_unlock(&p->mu);
		for (size_t i = 0, k; i < b->n && rc == BB_OK; i = k) {
			if (b->quarantined[i]) {
				rc = bb_store_quarantine_add(w, b->row[i],
				    b->bytes.data + b->off[i], b->len[i]);
				k = i + 1;
				continue;
			}
			/* A run of records, written together. */
			for (k = i + 1; k < b->n && !b->quarantined[k]; k++)
				;
			rc = bb_store_records_add(w, k - i, b->row + i, b->bytes.data,
			    b->off + i, b->len + i);
		}
		pthread_mutex_lock(&p->mu);
		p->freeq[p->nfree++] = (int)(b - p->batches);
		if (rc != BB_OK)
			p->stop = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	pthread_join(th, NULL);
out:
	for (int i = 0; i < NBATCH; i++)
		bb_buf_free(&p->batches[i].bytes);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	return rc;
}

static int
finish_submission(struct bb_store *st, struct bb_receipt *r, int64_t id)
{
	struct bb_submission sub;
	int rc;

	memset(&sub, 0, sizeof(sub));
	sub.id = id;
	sub.status = (char *)(uintptr_t)(r->rows_refused ? "partial" : "stored");
	sub.rows_read = (int64_t)r->rows_read;
	sub.rows_accepted = (int64_t)r->rows_accepted;
	sub.rows_refused = (int64_t)r->rows_refused;
	sub.errors = (int64_t)r->problems.errors;
	sub.warnings = (int64_t)r->problems.warnings;
	rc = bb_store_submission_finish(st, &sub);
	return rc;
}

/* Whether the file at path is no longer the one st0 described (written
 * to, replaced, or gone). */
static bool
changed_since(const char *path, const struct stat *st0)
{
	struct stat st;

	return stat(path, &st) != 0 || st.st_dev != st0->st_dev ||
	    st.st_ino != st0->st_ino || st.st_size != st0->st_size ||
	    st.st_mtim.tv_sec != st0->st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != st0->st_mtim.tv_nsec ||
	    st.st_ctim.tv_sec != st0->st_ctim.tv_sec ||
	    st.st_ctim.tv_nsec != st0->st_ctim.tv_nsec;
}

/* Whether this very file was received for the slot already: if so the
 * receipt says so (outcome duplicate, the earlier submission). */
static int
find_same(struct bb_store *st, struct bb_receipt *r)
{
	int64_t same = 0;
	int rc = bb_store_submission_find_same(st, r->partner, r->dataset,
	    r->period, r->sha256, &same);

	if (rc == BB_OK && same) {
		struct bb_submission sub;
		r->outcome = BB_OUTCOME_DUPLICATE;
		r->submission_id = same;
		/* Named as it was then (a bundle's member: BUNDLE/MEMBER). */
		if (bb_store_submission_get(st, same, &sub) == BB_OK) {
			free(r->file_name);
			r->file_name = bb_strdup(sub.file_name);
			bb_submission_clear(&sub);
		}
	}
	return rc;
}

/* A period given that is not of the kind the partner owes, or has not
 * begun: stored all the same (a partner may send a quarter at once, or
 * early), with a warning, since it is more often a slip. */
static void
period_warnings(struct bb_receipt *r, const struct bb_partner *partner,
    const char *dataset, const struct bb_period *per)
{
	static const enum bb_period_kind kind_of[] = {
		[BB_CAD_MONTHLY] = BB_PERIOD_MONTH,
		[BB_CAD_QUARTERLY] = BB_PERIOD_QUARTER,
		[BB_CAD_SCHOOL_YEAR] = BB_PERIOD_SCHOOL_YEAR,
		[BB_CAD_FISCAL_YEAR] = BB_PERIOD_FISCAL_YEAR,
		[BB_CAD_ANNUAL] = BB_PERIOD_YEAR,
	};
	char today[11];
	int32_t day;

	for (size_t i = 0; i < partner->nobligations; i++) {
		const struct bb_obligation *ob = &partner->obligations[i];
		if (strcmp(ob->dataset, dataset) != 0 ||
		    (size_t)ob->cadence >= BB_ARRAY_LEN(kind_of) ||
		    kind_of[ob->cadence] == per->kind)
			continue;
		bb_problems_add(&r->problems, BB_SEV_WARNING, 0, 0, NULL, NULL,
		    per->label, "period", "period %s is not a %s period, which is "
		    "what %s owes for %s; stored all the same", per->label,
		    bb_cadence_name(ob->cadence), partner->id, dataset);
	}
	bb_clock_today(today);
	if (bb_date_parse_iso(today, &day) && per->start > day)
		bb_problems_add(&r->problems, BB_SEV_WARNING, 0, 0, NULL, NULL,
		    per->label, "period", "period %s has not begun yet (today is "
		    "%s); stored all the same", per->label, today);
}

/* When path is a ZIP bundle, take the member to read out into a temporary
 * file (*tmp, for the caller to unlink and free), name the file
 * BUNDLE/MEMBER and read it as the member's format.  0 with *tmp NULL when
 * the file is not a bundle. */
static int
take_member(struct bb_receipt *r, const char *path, struct bb_reader_opts *ro,
    char **tmp, struct bb_findings *rf)
{
	const char *dir = getenv("TMPDIR"), *fmt = NULL;
	char *t, *member = NULL;
	int fd, rc;

	*tmp = NULL;
	if (bb_file_is_zip(path) != 1)
		return BB_OK;	/* not a bundle (or unreadable: the open says) */
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	t = bb_asprintf("%s/backbone-member-XXXXXX", dir);
	if ((fd = mkstemp(t)) < 0) {
		bb_findings_add(rf, BB_SEV_ERROR, r->file_name, 0, 0, "tmp",
		    "cannot make a temporary file in %s to read the bundle's "
		    "member: %s", dir, strerror(errno));
		free(t);
		return BB_ERR_IO;
	}
	rc = bb_bundle_extract(path, r->file_name, ro, fd, &member, &fmt, rf);
	if (close(fd) != 0 && rc == BB_OK)
		rc = BB_ERR_IO;
	if (rc != BB_OK) {
		unlink(t);
		free(t);
		free(member);
		return rc == BB_ERR_NOTFOUND ? BB_OK : rc;
	}
	*tmp = t;
	{
		char *name = bb_asprintf("%s/%s", r->file_name, member);
		free(r->file_name);
		r->file_name = bb_utf8_clean(name);
		free(name);
	}
	if (fmt != NULL)
		ro->format = fmt;
	ro->member = NULL;
	free(member);
	return BB_OK;
}

int
bb_intake_submit(struct bb_store *st, const struct bb_framework *fw,
    int64_t fw_version, const struct bb_submit_request *req, struct bb_receipt *r)
{
	const struct bb_partner *partner;
	const struct bb_dataset *ds;
	const struct bb_crosswalk *xw;
	struct bb_reader_opts ro;
	struct bb_reader *rd = NULL;
	struct bb_mapper *mp = NULL;
	struct bb_record_writer *w = NULL;
	struct bb_findings rf;
	struct bb_progress prog;
	struct bb_period per;
	struct stat st0;
	char *member_path = NULL;	/* a bundle's member, taken out */
	const char *path;
	size_t seen = 0;
	bool intx = false;
	int rc = BB_OK;
	double t0 = bb_now();

	r->partner = bb_strdup(req->partner);
	r->dataset = bb_strdup(req->dataset);
	/* Kept, shown and sent as JSON: UTF-8 text whatever the path. */
	r->file_name = bb_utf8_clean(req->file_name ? req->file_name : req->path);
	r->framework_version = fw_version;
	bb_findings_init(&rf);

	partner = bb_fw_partner(fw, req->partner);
	if (partner == NULL) {
		rc = refuse(r, "partner", "'%s' is not a partner in the framework%s",
		    req->partner, "");
		goto out;
	}
	r->partner_name = bb_strdup(partner->name ? partner->name : partner->id);
	ds = bb_fw_dataset(fw, req->dataset);
	if (ds == NULL) {
		rc = refuse(r, "dataset", "'%s' is not a dataset in the framework%s",
		    req->dataset, "");
		goto out;
	}
	r->policy = ds->policy == BB_POLICY_QUARANTINE_ROWS ? "quarantine_rows" :
	    "refuse_file";
	if (partner->sharing == BB_SHARE_AGGREGATES && ds->kind == BB_DS_RECORDS) {
		rc = refuse(r, "sharing",
		    "partner '%s' shares aggregate counts only, and '%s' is a "
		    "record-level dataset", partner->id, ds->id);
		goto out;
	}

	/* The period: given, or the last ended one of the obligation. */
	struct bb_year_starts ys;
	bb_year_starts_of(fw, &ys);
	if (req->period != NULL) {
		const char *why;
		if (bb_period_parse(req->period, &ys, &per, &why) != BB_OK) {
			rc = refuse(r, "period", "period '%s' %s", req->period, why);
			goto out;
		}
		period_warnings(r, partner, ds->id, &per);
	} else {
		const struct bb_obligation *ob = NULL;
		char today[11];
		int32_t day;
		for (size_t i = 0; i < partner->nobligations; i++)
			if (strcmp(partner->obligations[i].dataset, ds->id) == 0)
				ob = &partner->obligations[i];
		if (ob == NULL) {
			rc = refuse(r, "period",
			    "partner '%s' has no obligation for '%s', so its period "
			    "cannot be inferred: give --period", partner->id, ds->id);
			goto out;
		}
		bb_clock_today(today);
		bb_date_parse_iso(today, &day);
		bb_period_last_ended(ob->cadence, day, &ys, &per);
	}
	r->period = bb_strdup(per.label);

	xw = bb_fw_crosswalk(partner, ds->id);
	if (xw != NULL && xw->sha256[0])
		r->crosswalk_sha256 = bb_strdup(xw->sha256);

	/* The file is read three times (hashed, kept, read): it must be a
	 * regular file, and the same file each time. */
	if (stat(req->path, &st0) != 0) {
		rc = refuse(r, "file", "cannot read %s: %s", r->file_name,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st0.st_mode)) {
		rc = refuse(r, "file", "%s is not a regular file (a pipe or a "
		    "device?): save it to a file and submit that%s", r->file_name, "");
		goto out;
	}
	memset(&ro, 0, sizeof(ro));
	ro.format = req->format ? req->format : xw ? xw->format : NULL;
	ro.sheet = req->sheet ? req->sheet : xw ? xw->sheet : NULL;
	ro.member = req->member ? req->member : xw ? xw->file : NULL;
	ro.encoding = xw ? xw->encoding : NULL;
	/* A bundle's member is taken out first: it is the file hashed, kept
	 * and read, so each member is a file of its own, recognised when sent
	 * again and corrected on its own. */
	if ((rc = take_member(r, req->path, &ro, &member_path, &rf)) != BB_OK) {
		take_findings(r, &rf, &seen);
		r->outcome = BB_OUTCOME_REFUSED;
		rc = rc == BB_ERR_IO ? rc : BB_ERR_INPUT;
		goto out;
	}
	path = member_path ? member_path : req->path;
	if (bb_sha256_file(path, r->sha256) != BB_OK) {
		rc = refuse(r, "file", "cannot read %s%s", r->file_name, "");
		goto out;
	}
	if (!req->preview && ((rc = find_same(st, r)) != BB_OK ||
	    r->outcome == BB_OUTCOME_DUPLICATE))
		goto out;

	if (bb_reader_open(path, r->file_name, &ro, &rd, &rf) != BB_OK) {
		take_findings(r, &rf, &seen);
		if (r->problems.errors == 0)
			bb_problems_add(&r->problems, BB_SEV_ERROR, 0, 0, NULL, NULL, NULL,
			    "file", "%s cannot be read", r->file_name);
		r->outcome = BB_OUTCOME_REFUSED;
		rc = BB_ERR_INPUT;
		goto out;
	}
	r->format = bb_reader_format(rd);
	take_findings(r, &rf, &seen);
	if (bb_mapper_new_for(fw, ds, partner, xw, bb_reader_header(rd), &mp,
	    &r->problems) != BB_OK) {
		r->outcome = BB_OUTCOME_REFUSED;
		rc = BB_ERR_INPUT;
		goto out;
	}

	int64_t sub_id = 0, current = 0;
	if (!req->preview) {
		struct bb_submission sub;
		uint64_t size;
		if ((rc = bb_store_begin(st)) != BB_OK)
			goto out;
		intx = true;
		/* Another process may have stored this very file since the
		 * look above: look again now that the write lock is held. */
		if ((rc = find_same(st, r)) != BB_OK ||
		    r->outcome == BB_OUTCOME_DUPLICATE)
			goto out;
		if ((rc = bb_store_blob_put_file(st, r->sha256, path, &size)) != BB_OK)
			goto out;
		if ((rc = bb_store_submission_current(st, partner->id, ds->id, per.label,
		    &current)) != BB_OK)
			goto out;
		memset(&sub, 0, sizeof(sub));
		sub.partner_id = partner->id;
		sub.dataset_id = ds->id;
		sub.period = per.label;
		sub.file_name = r->file_name;
		sub.sha256 = r->sha256;
		sub.format = (char *)(uintptr_t)r->format;
		sub.framework_version = fw_version;
		sub.crosswalk_sha256 = r->crosswalk_sha256;
		sub.status = (char *)(uintptr_t)"stored";
		sub.supersedes = current;
		rc = bb_store_submission_insert(st, &sub);
		free(sub.received_at);
		if (rc != BB_OK)
			goto out;
		sub_id = sub.id;
		if ((rc = bb_store_records_open(st, sub_id, ds->id, partner->id,
		    per.label, &w)) != BB_OK)
			goto out;
	}

	/* Read, map and validate on one thread; write on this one.  The two
	 * halves cost about the same, and the machine has two cores. */
	struct producer pr;
	memset(&pr, 0, sizeof(pr));
	pr.rd = rd;
	pr.mp = mp;
	pr.r = r;
	pr.rf = &rf;
	pr.seen = &seen;
	/* (A preview builds what would be kept too: a row too large to
	 * keep is refused there as well.) */
	pr.quarantine = ds->policy == BB_POLICY_QUARANTINE_ROWS;
	bb_progress_start(&prog, r->file_name, bb_reader_size(rd));
	pr.prog = &prog;
	if (w == NULL) {
		/* Preview: nothing to write, so no second thread. */
		pr.inline_only = true;
		produce(&pr);
	} else
		rc = run_pipeline(&pr, w);
	bb_progress_finish(&prog);
	if (pr.read_failed) {
		r->outcome = BB_OUTCOME_REFUSED;
		rc = BB_ERR_INPUT;
	}
	if (rc != BB_OK)
		goto out;
	if (changed_since(req->path, &st0)) {
		rc = refuse(r, "file", "%s changed while it was being read (is it "
		    "still being written?): send it again once it is complete%s",
		    r->file_name, "");
		goto out;
	}

	/* Decide. */
	if (r->problems.errors > 0 && (ds->policy == BB_POLICY_REFUSE_FILE ||
	    r->rows_accepted == 0)) {
		r->outcome = BB_OUTCOME_REFUSED;
		rc = BB_ERR_INPUT;
		goto out;
	}
	if (r->rows_read == 0)
		bb_problems_add(&r->problems, BB_SEV_WARNING, 0, 0, NULL, NULL, NULL,
		    "empty", "the file has a header but no data rows");
	if (req->preview) {
		r->outcome = r->rows_refused ? BB_OUTCOME_PREVIEW_PARTIAL :
		    BB_OUTCOME_PREVIEW_OK;
		goto out;
	}
	if ((rc = finish_submission(st, r, sub_id)) != BB_OK)
		goto out;
	if (current && (rc = bb_store_submission_supersede(st, current, sub_id)) != BB_OK)
		goto out;
	if ((rc = bb_store_problems_insert(st, sub_id, r->problems.items,
	    r->problems.n)) != BB_OK)
		goto out;
	bb_store_records_close(w);
	w = NULL;
	if ((rc = bb_store_commit(st)) != BB_OK)
		goto out;
	intx = false;
	r->submission_id = sub_id;
	r->supersedes = current;
	r->outcome = r->rows_refused ? BB_OUTCOME_PARTIAL : BB_OUTCOME_STORED;
out:
	bb_store_records_close(w);
	if (intx)
		bb_store_rollback(st);
	bb_mapper_free(mp);
	bb_reader_free(rd);
	bb_findings_free(&rf);
	if (member_path != NULL) {
		unlink(member_path);
		free(member_path);
	}
	if (rc != BB_OK && rc != BB_ERR_INPUT && r->outcome != BB_OUTCOME_REFUSED) {
		r->outcome = BB_OUTCOME_REFUSED;
		bb_problems_add(&r->problems, BB_SEV_ERROR, 0, 0, NULL, NULL, NULL,
		    "store", "the database refused the write (%s); nothing was stored",
		    bb_store_errmsg(st));
	}
	r->seconds = bb_now() - t0;
	return rc;
}
