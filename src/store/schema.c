/*
 * schema.c: the database schema, as an ordered list of migrations.
 *
 * A migration, once released, is never edited: a change to the schema is a
 * new entry at the end.  Each runs in its own transaction and is recorded in
 * schema_migration, so opening a database of any earlier version brings it up
 * to date (store.c: bb_store_migrate).  See docs/data-model.md.
 */
#include "store/internal.h"
#include "util/bb.h"

static const char m1_foundation[] =
    "CREATE TABLE initiative ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  name TEXT NOT NULL,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE framework_version ("
    "  version INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
    "  source_name TEXT NOT NULL,"
    "  source BLOB NOT NULL,"
    "  canonical TEXT NOT NULL,"
    "  applied_at TEXT NOT NULL"
    ");"
    "CREATE INDEX framework_version_sha256 ON framework_version (sha256);";

/* Submissions: raw bytes kept in chunks addressed by SHA-256, one row per
 * stored submission, its problems, its canonical records (values as a JSON
 * object keyed by shared field name) and its quarantined rows. */
static const char m2_intake[] =
    "CREATE TABLE blob ("
    "  sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),"
    "  size INTEGER NOT NULL CHECK (size >= 0),"
    "  chunks INTEGER NOT NULL"
    ");"
    "CREATE TABLE blob_chunk ("
    "  sha256 TEXT NOT NULL REFERENCES blob (sha256),"
    "  seq INTEGER NOT NULL,"
    "  bytes BLOB NOT NULL,"
    "  PRIMARY KEY (sha256, seq)"
    ");"
    "CREATE TABLE submission ("
    "  id INTEGER PRIMARY KEY,"
    "  partner_id TEXT NOT NULL,"
    "  dataset_id TEXT NOT NULL,"
    "  period TEXT NOT NULL,"
    "  file_name TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL REFERENCES blob (sha256),"
    "  format TEXT NOT NULL,"
    "  framework_version INTEGER NOT NULL REFERENCES framework_version (version),"
    "  crosswalk_sha256 TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('stored', 'partial')),"
    "  rows_read INTEGER NOT NULL,"
    "  rows_accepted INTEGER NOT NULL,"
    "  rows_refused INTEGER NOT NULL,"
    "  errors INTEGER NOT NULL,"
    "  warnings INTEGER NOT NULL,"
    "  supersedes INTEGER REFERENCES submission (id),"
    "  superseded_by INTEGER REFERENCES submission (id),"
    "  received_at TEXT NOT NULL"
    ");"
    "CREATE UNIQUE INDEX submission_same_file"
    "  ON submission (partner_id, dataset_id, period, sha256);"
    "CREATE INDEX submission_slot"
    "  ON submission (partner_id, dataset_id, period, superseded_by);"
    "CREATE TABLE problem ("
    "  submission_id INTEGER NOT NULL REFERENCES submission (id),"
    "  seq INTEGER NOT NULL,"
    "  row INTEGER,"
    "  line INTEGER,"
    "  column_name TEXT,"
    "  field TEXT,"
    "  value TEXT,"
    "  rule TEXT NOT NULL,"
    "  severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),"
    "  message TEXT NOT NULL,"
    "  PRIMARY KEY (submission_id, seq)"
    ");"
    "CREATE TABLE record ("
    "  id INTEGER PRIMARY KEY,"
    "  submission_id INTEGER NOT NULL REFERENCES submission (id),"
    "  source_row INTEGER NOT NULL,"
    "  dataset_id TEXT NOT NULL,"
    "  partner_id TEXT NOT NULL,"
    "  period TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    "  data TEXT NOT NULL"
    ");"
    "CREATE INDEX record_submission ON record (submission_id, source_row);"
    "CREATE INDEX record_dataset ON record (dataset_id, active);"
    "CREATE TABLE quarantine ("
    "  submission_id INTEGER NOT NULL REFERENCES submission (id),"
    "  source_row INTEGER NOT NULL,"
    "  data TEXT NOT NULL,"
    "  PRIMARY KEY (submission_id, source_row)"
    ");";

/* Participants: one person across partners.  A record belongs to at most
 * one participant; record_participant always names the surviving
 * participant (a merge rewrites it and sets merged_into on the other). */
static const char m3_participants[] =
    "CREATE TABLE participant ("
    "  id INTEGER PRIMARY KEY,"
    "  merged_into INTEGER REFERENCES participant (id),"
    "  created_by_submission INTEGER REFERENCES submission (id)"
    ");"
    "CREATE TABLE record_participant ("
    "  record_id INTEGER PRIMARY KEY REFERENCES record (id),"
    "  participant_id INTEGER NOT NULL REFERENCES participant (id)"
    ");"
    "CREATE INDEX record_participant_by_participant"
    "  ON record_participant (participant_id);";

/* Indicator values: one row per figure (indicator, period, partner or the
 * initiative (''), disaggregation and group ('' for the total)) under a
 * framework version, kept up to date as submissions arrive; and how far
 * the maintained values of each framework version have got. */
static const char m4_values[] =
    "CREATE TABLE indicator_value ("
    "  framework_version INTEGER NOT NULL,"
    "  indicator_id TEXT NOT NULL,"
    "  period TEXT NOT NULL,"
    "  period_start INTEGER NOT NULL,"
    "  period_end INTEGER NOT NULL,"
    "  partner_id TEXT NOT NULL,"
    "  dkey TEXT NOT NULL,"
    "  dvalue TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  value REAL,"
    "  numerator REAL,"
    "  denominator REAL,"
    "  n_numerator INTEGER NOT NULL,"
    "  n_denominator INTEGER NOT NULL,"
    "  records INTEGER NOT NULL,"
    "  dedup TEXT NOT NULL CHECK (dedup IN ('n/a', 'full', 'partial', 'none')),"
    "  dedup_note TEXT NOT NULL,"
    "  suppressed INTEGER NOT NULL CHECK (suppressed IN (0, 1)),"
    "  suppressed_why TEXT,"
    "  as_of_submission INTEGER NOT NULL,"
    "  PRIMARY KEY (framework_version, indicator_id, period, partner_id, dkey, dvalue)"
    ");"
    "CREATE TABLE value_state ("
    "  framework_version INTEGER PRIMARY KEY,"
    "  as_of_submission INTEGER NOT NULL,"
    "  data_sha256 TEXT NOT NULL"
    ");";

/* Linkage on arrival (link/arrive.c): each linked record's identity values
 * as linkage reads them (and an encoded partner's Bloom-filter encoding),
 * plain records' encodings made on the backbone's side, the trained model
 * and counters, people's decisions on pairs, what linkage did to
 * participants (merges and splits, with their evidence), and the queue of
 * pairs for clerical review.  See docs/linkage.md. */
static const char m5_linkage[] =
    "CREATE TABLE link_identity ("
    "  record_id INTEGER PRIMARY KEY REFERENCES record (id),"
    "  encoded INTEGER NOT NULL CHECK (encoded IN (0, 1)),"
    "  seen TEXT,"
    "  given_name TEXT, family_name TEXT, birth_date TEXT, sex TEXT,"
    "  postcode TEXT, locality TEXT, address TEXT, phone TEXT, email TEXT,"
    "  national_id TEXT, local_id TEXT,"
    "  clk TEXT,"
    "  clk_roles INTEGER,"
    "  blocks TEXT"
    ");"
    "CREATE TABLE link_clk ("
    "  record_id INTEGER NOT NULL REFERENCES record (id),"
    "  roles INTEGER NOT NULL,"
    "  clk TEXT NOT NULL,"
    "  blocks TEXT NOT NULL,"
    "  PRIMARY KEY (record_id, roles)"
    ");"
    "CREATE TABLE link_state ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  model TEXT,"
    "  trained_records INTEGER NOT NULL DEFAULT 0,"
    "  trained_at TEXT,"
    "  next_participant INTEGER NOT NULL DEFAULT 1,"
    "  linked_through INTEGER NOT NULL DEFAULT 0,"
    "  secret_key BLOB,"
    "  secret_set_at TEXT"
    ");"
    "CREATE TABLE link_decision ("
    "  id INTEGER PRIMARY KEY,"
    "  record_a INTEGER NOT NULL REFERENCES record (id),"
    "  record_b INTEGER NOT NULL REFERENCES record (id),"
    "  same INTEGER NOT NULL CHECK (same IN (0, 1)),"
    "  decided_by TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  note TEXT,"
    "  CHECK (record_a < record_b)"
    ");"
    "CREATE INDEX link_decision_pair ON link_decision (record_a, record_b);"
    "CREATE TABLE link_event ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('merged', 'split')),"
    "  survivor INTEGER NOT NULL REFERENCES participant (id),"
    "  other INTEGER NOT NULL REFERENCES participant (id),"
    "  record_a INTEGER REFERENCES record (id),"
    "  record_b INTEGER REFERENCES record (id),"
    "  weight REAL,"
    "  evidence TEXT NOT NULL,"
    "  submission_id INTEGER REFERENCES submission (id),"
    "  decision_id INTEGER REFERENCES link_decision (id),"
    "  at TEXT NOT NULL"
    ");"
    "CREATE INDEX link_event_survivor ON link_event (survivor);"
    "CREATE INDEX link_event_other ON link_event (other);"
    "CREATE TABLE review_queue ("
    "  id INTEGER PRIMARY KEY,"
    "  record_a INTEGER NOT NULL REFERENCES record (id),"
    "  record_b INTEGER NOT NULL REFERENCES record (id),"
    "  method TEXT NOT NULL CHECK (method IN ('weight', 'dice')),"
    "  score REAL NOT NULL,"
    "  prob REAL,"
    "  status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),"
    "  submission_id INTEGER REFERENCES submission (id),"
    "  decision_id INTEGER REFERENCES link_decision (id),"
    "  created_at TEXT NOT NULL,"
    "  CHECK (record_a < record_b),"
    "  UNIQUE (record_a, record_b)"
    ");";

/* Linkage history, so a report as of a past submission counts people as
 * linkage had them then: when each record was first linked and, for each
 * later move (a merge or a split), the participant it left.  Both carry the
 * newest submission id at the time ("after submission N": review decisions
 * belong to the submission they follow).  Records linked before this
 * migration count as linked with their own submission. */
static const char m6_link_history[] =
    "ALTER TABLE record_participant"
    "  ADD COLUMN linked_after INTEGER NOT NULL DEFAULT 0;"
    "UPDATE record_participant SET linked_after ="
    "  coalesce((SELECT submission_id FROM record WHERE id = record_id), 0);"
    "CREATE TABLE record_participant_change ("
    "  id INTEGER PRIMARY KEY,"
    "  record_id INTEGER NOT NULL REFERENCES record (id),"
    "  participant_before INTEGER NOT NULL REFERENCES participant (id),"
    "  after_submission INTEGER NOT NULL"
    ");"
    "CREATE INDEX record_participant_change_by_record"
    "  ON record_participant_change (record_id, after_submission);";

/* A correction can be taken back: the file it replaced, sent again,
 * becomes current again as a new submission.  Only a current submission
 * is "this very file already received", so a file is unique among the
 * current submissions of its slot, not among all of them. */
static const char m7_resend[] =
    "DROP INDEX submission_same_file;"
    "CREATE UNIQUE INDEX submission_same_file"
    "  ON submission (partner_id, dataset_id, period, sha256)"
    "  WHERE superseded_by IS NULL;";

/* The review queue looked up by either record of a pair (one open
 * question per two participants: bb_store_review_add). */
static const char m8_review_by_b[] =
    "CREATE INDEX review_queue_by_b ON review_queue (record_b);";

const struct bb_migration bb_migrations[] = {
	{ 1, "foundation", m1_foundation, NULL },
	{ 2, "intake", m2_intake, NULL },
	{ 3, "participants", m3_participants, NULL },
	{ 4, "values", m4_values, NULL },
	{ 5, "linkage", m5_linkage, NULL },
	{ 6, "link history", m6_link_history, NULL },
	{ 7, "resend", m7_resend, NULL },
	{ 8, "review by record b", m8_review_by_b, NULL },
};

const size_t bb_migrations_count = BB_ARRAY_LEN(bb_migrations);
