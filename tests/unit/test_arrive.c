/*
 * test_arrive.c: the glue of linkage on arrival: the model kept and read
 * back exactly (link/persist.c), the linkage tables (store/linkage.c:
 * state, identities, decisions, review queue, merges that move every
 * record of the absorbed participant), local ids compared only within a
 * source, and the mapper's encoded mode (intake/mapper.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "framework/framework.h"
#include "intake/mapper.h"
#include "link/link.h"
#include "link/persist.h"
#include "store/linkage.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/diag.h"

/* --- the model --------------------------------------------------------------- */

static const char *const names[][4] = {
	{ "olivia", "smith", "2015-01-02", "30001" },
	{ "liam", "johnson", "2014-03-04", "30002" },
	{ "emma", "williams", "2016-05-06", "30003" },
	{ "noah", "brown", "2013-07-08", "30004" },
	{ "ava", "jones", "2015-09-10", "30005" },
	{ "oliver", "garcia", "2014-11-12", "30006" },
	{ "sophia", "miller", "2016-01-14", "30007" },
	{ "elijah", "davis", "2013-03-16", "30008" },
};

/* 8 people, each twice (the second spelled a little differently), plus
 * their 8 x 7 mix-ups as strangers: enough to estimate from. */
static struct bb_link_input *
population(size_t *n, char (*buf)[32])
{
	struct bb_link_input *in = bb_calloc(80, sizeof(*in));
	size_t k = 0;
	for (size_t i = 0; i < 8; i++)
		for (int copy = 0; copy < 2; copy++) {
			in[k].value[BB_ID_GIVEN_NAME] = names[i][0];
			snprintf(buf[k], 32, "%s%s", names[i][1], copy ? "e" : "");
			in[k].value[BB_ID_FAMILY_NAME] = buf[k];
			in[k].value[BB_ID_BIRTH_DATE] = names[i][2];
			in[k].value[BB_ID_POSTCODE] = names[i][3];
			k++;
		}
	for (size_t i = 0; i < 8; i++)
		for (size_t j = 0; j < 8; j++) {
			if (i == j || k >= 80)
				continue;
			in[k].value[BB_ID_GIVEN_NAME] = names[i][0];
			in[k].value[BB_ID_FAMILY_NAME] = names[j][1];
			in[k].value[BB_ID_BIRTH_DATE] = names[(i + j) % 8][2];
			in[k].value[BB_ID_POSTCODE] = names[j][3];
			k++;
		}
	*n = k;
	return in;
}

START_TEST(model_round_trip)
{
	char buf[80][32];
	size_t n;
	struct bb_link_input *in = population(&n, buf);
	struct bb_link_index *a = bb_link_index_new(NULL), *b;
	struct bb_link_explain ea, eb;
	struct bb_diag d;
	char *sa, *sb;
	int64_t *ids;

	ck_assert_int_eq(bb_link_index_add(a, in, n, NULL), BB_OK);
	ck_assert(bb_link_model_trained(a));
	sa = bb_link_model_save(a);
	ck_assert_ptr_nonnull(sa);
	/* A fresh index restored with the same records and ids, and the saved
	 * model, weighs every pair exactly as the first. */
	b = bb_link_index_new(NULL);
	ck_assert(!bb_link_model_trained(b));
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(bb_link_model_load(b, sa, &d), BB_OK);
	ids = bb_malloc(n * sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = bb_link_index_participant(a, i);
	ck_assert_int_eq(bb_link_index_restore(b, in, ids, n), BB_OK);
	sb = bb_link_model_save(b);
	ck_assert_str_eq(sa, sb);
	for (size_t i = 0; i + 1 < n; i += 7) {
		ck_assert_int_eq(bb_link_explain_pair(a, i, i + 1, &ea), BB_OK);
		ck_assert_int_eq(bb_link_explain_pair(b, i, i + 1, &eb), BB_OK);
		ck_assert(ea.weight == eb.weight);
		ck_assert(ea.prob == eb.prob);
	}
	/* Ids: restored, and the next one never below one past them. */
	ck_assert_int_eq(bb_link_index_next_id(b), bb_link_index_next_id(a));
	bb_link_index_set_next_id(b, 2);
	ck_assert_int_eq(bb_link_index_next_id(b), bb_link_index_next_id(a));
	bb_link_index_set_next_id(b, 500);
	ck_assert_int_eq(bb_link_index_next_id(b), 500);
	free(sa);
	free(sb);
	free(ids);
	free(in);
	bb_link_index_free(a);
	bb_link_index_free(b);
}
END_TEST

START_TEST(model_load_refuses)
{
	struct bb_link_index *ix = bb_link_index_new(NULL);
	struct bb_diag d;
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(bb_link_model_load(ix, "{", &d), BB_ERR_INPUT);
	ck_assert_int_eq(bb_link_model_load(ix, "{\"version\": 1}", &d), BB_ERR_INPUT);
	ck_assert(!bb_link_model_trained(ix));
	/* The prior counts as trained: adding records does not estimate. */
	bb_link_model_use_prior(ix);
	ck_assert(bb_link_model_trained(ix));
	struct bb_link_input in[2];
	struct bb_link_report rep;
	memset(in, 0, sizeof(in));
	memset(&rep, 0, sizeof(rep));
	in[0].value[BB_ID_GIVEN_NAME] = in[1].value[BB_ID_GIVEN_NAME] = "ann";
	ck_assert_int_eq(bb_link_index_add(ix, in, 2, &rep), BB_OK);
	ck_assert(!rep.stats.trained);
	bb_link_report_free(&rep);
	bb_diag_clear(&d);
	bb_link_index_free(ix);
}
END_TEST

/* The level of a role in an explanation ("unused" when the model does
 * not use the field). */
static const char *
level_of(const struct bb_link_explain *e, enum bb_identity_role r)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].role == r)
			return e->fields[i].level;
	return "unused";
}

START_TEST(local_ids_per_source)
{
	struct bb_link_config cfg;
	struct bb_link_input in[2];
	struct bb_link_explain e;
	struct bb_link_index *ix;

	memset(in, 0, sizeof(in));
	for (int i = 0; i < 2; i++) {
		in[i].value[BB_ID_GIVEN_NAME] = "ann";
		in[i].value[BB_ID_FAMILY_NAME] = "lee";
		in[i].value[BB_ID_LOCAL_ID] = "1001";
		in[i].source = (uint32_t)i;
	}
	/* By default local ids are compared across sources ... */
	ix = bb_link_index_new(NULL);
	bb_link_index_add(ix, in, 2, NULL);
	ck_assert_int_eq(bb_link_explain_pair(ix, 0, 1, &e), BB_OK);
	ck_assert_str_eq(level_of(&e, BB_ID_LOCAL_ID), "exact");
	bb_link_index_free(ix);
	/* ... and not when they are each source's own numbers. */
	bb_link_config_default(&cfg);
	cfg.local_ids_per_source = true;
	ix = bb_link_index_new(&cfg);
	bb_link_index_add(ix, in, 2, NULL);
	ck_assert_int_eq(bb_link_explain_pair(ix, 0, 1, &e), BB_OK);
	ck_assert_str_eq(level_of(&e, BB_ID_LOCAL_ID), "unused");
	ck_assert_str_eq(level_of(&e, BB_ID_FAMILY_NAME), "exact");
	bb_link_index_free(ix);
}
END_TEST

/* --- the linkage tables ------------------------------------------------------ */

struct tmpdb {
	char dir[64];
	char path[96];
	struct bb_store *s;
};

static void
open_db(struct tmpdb *t)
{
	struct bb_diag d;
	memset(&d, 0, sizeof(d));
	bb_strlcpy(t->dir, "/tmp/bb-arrive-XXXXXX", sizeof(t->dir));
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/t.db", t->dir);
	ck_assert_int_eq(bb_store_open(t->path, true, &t->s, &d), BB_OK);
}

static void
close_db(struct tmpdb *t)
{
	char p[128];
	bb_store_close(t->s);
	for (const char *const *e = (const char *const[]){ "", "-wal", "-shm", NULL };
	    *e; e++) {
		snprintf(p, sizeof(p), "%s%s", t->path, *e);
		unlink(p);
	}
	rmdir(t->dir);
}

/* A submission with n records (ids 1..n) from `partner`. */
static void
add_records(struct bb_store *s, const char *partner, int n)
{
	char path[64] = "/tmp/bb-arrive-blobXXXXXX", sha[65];
	struct bb_submission sub;
	struct bb_record_writer *w;
	uint64_t size;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, partner, strlen(partner)), (ssize_t)strlen(partner));
	close(fd);
	memset(sha, 'a', 64);
	sha[64] = '\0';
	sha[0] = partner[0];
	ck_assert_int_eq(bb_store_blob_put_file(s, sha, path, &size), BB_OK);
	unlink(path);
	memset(&sub, 0, sizeof(sub));
	sub.partner_id = (char *)(uintptr_t)partner;
	sub.dataset_id = (char *)(uintptr_t)"people";
	sub.period = (char *)(uintptr_t)"2026-09";
	sub.file_name = (char *)(uintptr_t)"f.csv";
	sub.sha256 = sha;
	sub.format = (char *)(uintptr_t)"csv";
	sub.status = (char *)(uintptr_t)"stored";
	ck_assert_int_eq(bb_store_framework_put(s, "0123456789012345678901234567890123456789012345678901234567890123",
	    "fw.yaml", "x", 1, "{}", &(int64_t){ 0 }, &(bool){ false }), BB_OK);
	sub.framework_version = 1;
	ck_assert_int_eq(bb_store_submission_insert(s, &sub), BB_OK);
	free(sub.received_at);
	ck_assert_int_eq(bb_store_records_open(s, sub.id, "people", partner,
	    "2026-09", &w), BB_OK);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(bb_store_record_add(w, (uint64_t)i + 2, "{}", 2, NULL),
		    BB_OK);
	bb_store_records_close(w);
}

START_TEST(state_round_trip)
{
	struct tmpdb t;
	struct bb_link_state st, got;

	open_db(&t);
	ck_assert_int_eq(bb_store_link_state_get(t.s, &got), BB_OK);
	ck_assert_ptr_null(got.model);
	ck_assert_int_eq(got.next_participant, 1);
	ck_assert_int_eq(got.linked_through, 0);
	ck_assert(!got.has_key);
	memset(&st, 0, sizeof(st));
	st.model = (char *)(uintptr_t)"{\"format\":1}";
	st.trained_records = 40;
	st.next_participant = 9;
	st.linked_through = 17;
	st.has_key = true;
	memset(st.key, 0x5a, sizeof(st.key));
	ck_assert_int_eq(bb_store_link_state_put(t.s, &st), BB_OK);
	st.next_participant = 10;	/* a second write replaces the first */
	ck_assert_int_eq(bb_store_link_state_put(t.s, &st), BB_OK);
	ck_assert_int_eq(bb_store_link_state_get(t.s, &got), BB_OK);
	ck_assert_str_eq(got.model, "{\"format\":1}");
	ck_assert_int_eq(got.trained_records, 40);
	ck_assert_int_eq(got.next_participant, 10);
	ck_assert_int_eq(got.linked_through, 17);
	ck_assert(got.has_key);
	ck_assert_int_eq(got.key[31], 0x5a);
	bb_link_state_clear(&got);
	close_db(&t);
}
END_TEST

static int
count_cb(const struct bb_review_row *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return BB_OK;
}

struct members {
	char text[256];
};

static int
member_cb(const struct bb_participant_member *m, void *arg)
{
	struct members *x = arg;
	size_t n = strlen(x->text);
	snprintf(x->text + n, sizeof(x->text) - n, "%lld:%lld ",
	    (long long)m->record_id, (long long)m->participant_id);
	return BB_OK;
}

START_TEST(merges_move_every_record)
{
	struct tmpdb t;
	struct bb_participant_row p;
	struct members m;

	open_db(&t);
	add_records(t.s, "school", 4);
	for (int64_t id = 1; id <= 3; id++)
		ck_assert_int_eq(bb_store_participant_ensure(t.s, id, 1), BB_OK);
	ck_assert_int_eq(bb_store_participant_ensure(t.s, 1, 0), BB_OK);
	ck_assert_int_eq(bb_store_record_participant_set(t.s, 1, 1), BB_OK);
	ck_assert_int_eq(bb_store_record_participant_set(t.s, 2, 2), BB_OK);
	ck_assert_int_eq(bb_store_record_participant_set(t.s, 3, 3), BB_OK);
	ck_assert_int_eq(bb_store_record_participant_set(t.s, 4, 3), BB_OK);
	/* 3 into 2, then 2 into 1: every record of both ends in 1, and both
	 * say where they went. */
	ck_assert_int_eq(bb_store_participant_merge(t.s, 2, 3), BB_OK);
	ck_assert_int_eq(bb_store_participant_merge(t.s, 1, 2), BB_OK);
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(bb_store_participant_members_each(t.s, NULL, member_cb, &m),
	    BB_OK);
	ck_assert_str_eq(m.text, "1:1 2:1 3:1 4:1 ");
	ck_assert_int_eq(bb_store_participant_get(t.s, 3, &p), BB_OK);
	ck_assert_int_eq(p.merged_into, 1);
	ck_assert_int_eq(bb_store_participant_get(t.s, 1, &p), BB_OK);
	ck_assert_int_eq(p.merged_into, 0);
	ck_assert_int_eq(p.created_by_submission, 1);
	ck_assert_int_eq(bb_store_participant_get(t.s, 9, &p), BB_ERR_NOTFOUND);
	close_db(&t);
}
END_TEST

START_TEST(review_queue_once_and_not_after_a_decision)
{
	struct tmpdb t;
	bool added;
	int n = 0;
	int64_t dec;

	open_db(&t);
	add_records(t.s, "club", 4);
	ck_assert_int_eq(bb_store_review_add(t.s, 3, 1, "weight", 2.5, 0.3, 0,
	    &added), BB_OK);
	ck_assert(added);
	/* The same pair, either way round, is queued once. */
	ck_assert_int_eq(bb_store_review_add(t.s, 1, 3, "weight", 2.5, 0.3, 0,
	    &added), BB_OK);
	ck_assert(!added);
	/* A decided pair is not queued again. */
	ck_assert_int_eq(bb_store_link_decision_add(t.s, 4, 2, false, "maria",
	    NULL, &dec), BB_OK);
	ck_assert_int_eq(bb_store_review_add(t.s, 2, 4, "dice", 0.65, 0.0 / 0.0,
	    0, &added), BB_OK);
	ck_assert(!added);
	ck_assert_int_eq(bb_store_review_each(t.s, "open", 0, count_cb, &n), BB_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(bb_store_review_close(t.s, 1, true, dec), BB_OK);
	n = 0;
	ck_assert_int_eq(bb_store_review_each(t.s, "open", 0, count_cb, &n), BB_OK);
	ck_assert_int_eq(n, 0);
	n = 0;
	ck_assert_int_eq(bb_store_review_each(t.s, NULL, 0, count_cb, &n), BB_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(bb_store_review_get(t.s, 0, 3, 1, count_cb, &n), BB_OK);
	ck_assert_int_eq(bb_store_review_get(t.s, 7, 0, 0, count_cb, &n),
	    BB_ERR_NOTFOUND);
	close_db(&t);
}
END_TEST

/* --- the mapper for a partner sharing encodings ------------------------------ */

static const char fw_yaml[] =
    "backbone: 1\n"
    "initiative: {id: t, name: T, problem: p, population: p, geography: g, theory_of_change: t}\n"
    "glossary:\n  - {term: participant, definition: one person}\n"
    "datasets:\n"
    "  - id: visits\n    name: Visits\n    kind: records\n    on_error: refuse_file\n"
    "    fields:\n"
    "      - {name: patient_id, type: text, required: true, identity: local_id}\n"
    "      - {name: given_name, type: text, required: true, personal: true, identity: given_name}\n"
    "      - {name: birth_date, type: date, required: true, personal: true, identity: birth_date}\n"
    "      - {name: visit_date, type: date, required: true}\n"
    "partners:\n"
    "  - id: clinic\n    name: Clinic\n    sector: health\n    sharing: encodings\n"
    "    obligations:\n      - {dataset: visits, cadence: monthly}\n"
    "    crosswalks:\n      - dataset: visits\n        columns: {MRN: patient_id, First: given_name, DOB: birth_date, Date: visit_date}\n";

static const char clk[] =
    "0jQ2vKJ+RqWMGOYWlEMJqeqfm6BYy7gGAAQaYROGW0gzTjyfg9qo+t1Ow7E2b1Rl"
    "hVYQ6/+wF6XbuUuWcyUzUe8dZQ0dJz5XaUpE3dOAvJbeLLFkTYdE7JsTwdY9Lq0R"
    "nh1pCk2hw5oYIc0VtHfZcJ2D7rNnq9oVbS1zQ9bQyAQ=";

static int
map_row(const char *const *hdr, size_t nh, const char *const *cells,
    struct bb_buf *json, struct bb_problems *pr, bool *ok)
{
	struct bb_findings f;
	struct bb_framework *fw = NULL;
	struct bb_mapper *m = NULL;
	size_t lens[8], hl[8];
	struct bb_row h, r;
	int rc;

	bb_findings_init(&f);
	ck_assert_int_eq(bb_framework_load_buffer("fw.yaml", fw_yaml,
	    sizeof(fw_yaml) - 1, &fw, &f), BB_OK);
	for (size_t i = 0; i < nh; i++) {
		hl[i] = strlen(hdr[i]);
		lens[i] = cells ? strlen(cells[i]) : 0;
	}
	h.ncells = nh;
	h.cells = hdr;
	h.lens = hl;
	h.row = 1;
	h.line = 1;
	rc = bb_mapper_new_for(fw, &fw->datasets[0], &fw->partners[0],
	    &fw->partners[0].crosswalks[0], &h, &m, pr);
	if (rc == BB_OK && cells) {
		r.ncells = nh;
		r.cells = cells;
		r.lens = lens;
		r.row = 2;
		r.line = 2;
		rc = bb_mapper_row(m, &r, json, pr, ok);
	}
	bb_mapper_free(m);
	bb_framework_free(fw);
	bb_findings_free(&f);
	return rc;
}

START_TEST(encoded_partner_mapping)
{
	struct bb_problems pr;
	struct bb_buf json;
	bool ok = false;

	ck_assert_int_eq((int)strlen(clk), 172);
	bb_buf_init(&json, 1u << 20);
	/* The encode output: no names, the encoding kept under _clk. */
	bb_problems_init(&pr);
	ck_assert_int_eq(map_row((const char *[]){ "id", "clk", "blocks", "MRN", "Date" },
	    5, (const char *[]){ "M1", clk, "- - 0123456789abcdef -", "M1",
	    "2026-09-01" }, &json, &pr, &ok), BB_OK);
	ck_assert_int_eq((int)pr.n, 0);
	ck_assert(ok);
	ck_assert_ptr_nonnull(strstr(bb_buf_str(&json),
	    "{\"patient_id\":\"M1\",\"visit_date\":\"2026-09-01\",\"_clk\":\"0jQ2"));
	ck_assert_ptr_nonnull(strstr(bb_buf_str(&json),
	    "\",\"_blocks\":\"- - 0123456789abcdef -\"}"));
	bb_problems_free(&pr);
	/* A name in clear: refused, naming the column. */
	bb_problems_init(&pr);
	ck_assert_int_eq(map_row((const char *[]){ "clk", "MRN", "First", "Date" },
	    4, NULL, &json, &pr, &ok), BB_ERR_INPUT);
	ck_assert_int_eq((int)pr.errors, 1);
	ck_assert_str_eq(pr.items[0].rule, "privacy");
	ck_assert_str_eq(pr.items[0].column, "First");
	bb_problems_free(&pr);
	/* So is a column named as the shared field, crosswalk or not. */
	bb_problems_init(&pr);
	ck_assert_int_eq(map_row((const char *[]){ "clk", "MRN", "birth_date", "Date" },
	    4, NULL, &json, &pr, &ok), BB_ERR_INPUT);
	ck_assert_str_eq(pr.items[0].column, "birth_date");
	bb_problems_free(&pr);
	/* No encoding at all. */
	bb_problems_init(&pr);
	ck_assert_int_eq(map_row((const char *[]){ "MRN", "Date" }, 2, NULL, &json,
	    &pr, &ok), BB_ERR_INPUT);
	ck_assert_str_eq(pr.items[0].rule, "encoding");
	bb_problems_free(&pr);
	/* Bad cells are row errors. */
	bb_problems_init(&pr);
	ck_assert_int_eq(map_row((const char *[]){ "clk", "blocks", "MRN", "Date" },
	    4, (const char *[]){ "bm90IGEgY2xr", "- - - x", "M1", "2026-09-01" },
	    &json, &pr, &ok), BB_OK);
	ck_assert(!ok);
	ck_assert_int_eq((int)pr.errors, 2);
	ck_assert_str_eq(pr.items[0].column, "clk");
	ck_assert_str_eq(pr.items[1].column, "blocks");
	bb_problems_free(&pr);
	bb_buf_free(&json);
	ck_assert(bb_mapper_private_role(BB_ID_NATIONAL_ID));
	ck_assert(!bb_mapper_private_role(BB_ID_POSTCODE));
	ck_assert(!bb_mapper_private_role(BB_ID_LOCAL_ID));
}
END_TEST

Suite *suite_arrive(void);

Suite *
suite_arrive(void)
{
	Suite *s = suite_create("arrive");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, model_round_trip);
	tcase_add_test(tc, model_load_refuses);
	tcase_add_test(tc, local_ids_per_source);
	tcase_add_test(tc, state_round_trip);
	tcase_add_test(tc, merges_move_every_record);
	tcase_add_test(tc, review_queue_once_and_not_after_a_decision);
	tcase_add_test(tc, encoded_partner_mapping);
	suite_add_tcase(s, tc);
	return s;
}
