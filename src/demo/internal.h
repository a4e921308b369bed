/*
 * internal.h: what the generator's files share (not for other rooms):
 * the word lists (names.c), the people and households (people.c), the
 * stream writers (writer.c), the row machinery every profile uses
 * (generate.c) and the per-dataset profiles (profiles.c).
 */
#ifndef BB_DEMO_INTERNAL_H
#define BB_DEMO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "demo/demo.h"
#include "framework/framework.h"
#include "framework/period.h"
#include "util/rng.h"

struct bb_diag;

/* --- word lists (names.c) ------------------------------------------------ */

extern const char *const bb_gen_given_f[];
extern const size_t bb_gen_ngiven_f;
extern const char *const bb_gen_given_m[];
extern const size_t bb_gen_ngiven_m;
extern const char *const bb_gen_family[];
extern const size_t bb_gen_nfamily;
extern const char *const bb_gen_nicknames[][3];
extern const size_t bb_gen_nnicknames;
extern const char *const bb_gen_streets[];
extern const size_t bb_gen_nstreets;
extern const char *const bb_gen_email_domains[];
extern const size_t bb_gen_nemail_domains;

/* --- people (people.c) ---------------------------------------------------- */

#define GEN_NEVER INT32_MAX
#define GEN_MAX_HH 8		/* people in one household */

/* What a draw is for: a stateless draw names its purpose, so the same
 * decision comes out the same wherever it is made again. */
enum gen_purpose {
	GP_HOUSEHOLD = 1, GP_PERSON, GP_DISTRICT, GP_PK, GP_ENTRY, GP_ENTRY_DAY,
	GP_EXIT, GP_EXIT_DAY, GP_SUMMER, GP_ABILITY, GP_ABSENCE, GP_CHRONIC,
	GP_MONTH_ABSENCE, GP_TEST, GP_TEST_DAY, GP_KREADY, GP_SCHOOL,
	GP_AFTER, GP_AFTER_START, GP_LIBRARY, GP_CLINIC, GP_VISIT, GP_WORKFORCE,
	GP_HOUSING, GP_HOUSING_MONTH, GP_CONSENT, GP_NOISE, GP_ROW, GP_GENERIC,
	GP_LOCAL_ID,
};

struct gen_address {
	char street[64];	/* "1234 Magnolia Ave" */
	char unit[16];		/* "Apt 4", or "" */
	char postcode[8];
};

enum gen_role { GEN_HEAD = 0, GEN_PARTNER, GEN_CHILD };

struct gen_person {
	uint64_t index;		/* 0-based; the id is P and index + 1 */
	uint64_t key;		/* the person's own randomness */
	uint64_t household;
	uint64_t hh_key;	/* the household's randomness */
	char id[16];
	enum gen_role role;
	char given[48];
	char family[64];
	char new_family[64];	/* after a name change, "" when none */
	int32_t rename_day;	/* GEN_NEVER when none */
	char sex;		/* 'F', 'M', 'X' */
	int32_t birth;
	const char *race;	/* a code of the demo's race_ethnicity list */
	struct gen_address addr, new_addr;
	int32_t move_day;	/* GEN_NEVER when the household stays */
	char phone[12];
	char email[96];
	char ssn[10];
};

struct gen_household {
	uint64_t index;
	uint64_t key;
	size_t n;
	struct gen_person p[GEN_MAX_HH];
};

/* What every household is made against. */
struct gen_world {
	uint64_t seed;
	int32_t today;
	int32_t window_start;	/* first day of the history */
	long zip_lo, zip_hi;	/* postcodes, from the initiative's geography */
	char locality[64];
	struct bb_year_starts ys;
};

void gen_world_init(struct gen_world *w, const struct bb_framework *fw,
    uint64_t seed, int32_t today, int32_t window_start);
/* Make household number `hh`, whose first person has index `first`, with at
 * most `max` people (at least one). */
void gen_household_make(const struct gen_world *w, uint64_t hh, uint64_t first,
    uint64_t max, struct gen_household *out);

const char *gen_family_at(const struct gen_person *p, int32_t day);
const struct gen_address *gen_address_at(const struct gen_person *p, int32_t day);
/* Age in completed years on `day`; in completed months. */
int gen_age(const struct gen_person *p, int32_t day);
int gen_age_months(const struct gen_person *p, int32_t day);
/* A stateless draw in [0, n) for (person, purpose, k); gen_hdraw for the
 * household. */
uint64_t gen_draw(const struct gen_person *p, enum gen_purpose what, int64_t k,
    uint64_t n);
uint64_t gen_hdraw(const struct gen_person *p, enum gen_purpose what, int64_t k,
    uint64_t n);
/* 0 = Sunday .. 6 = Saturday. */
int gen_weekday(int32_t day);
/* Latin-1 letters folded to ASCII, lower case, letters and digits only. */
void gen_ascii_fold(const char *s, char *out, size_t n);

/* The index of a dataset's field, SIZE_MAX when it has none (reverse.c). */
size_t gen_field_index(const struct bb_dataset *ds, const char *name);

/* --- stream writers (writer.c) ------------------------------------------ */

struct gen_writer;

int gen_writer_open(const char *path, const char *format, const char *encoding,
    const char *sheet, const char *const *header, size_t ncols, int32_t created_day,
    struct gen_writer **out, struct bb_diag *d);
/* One row of cells (as many as the header). */
int gen_writer_row(struct gen_writer *w, const struct bb_gen_cell *cells);
uint64_t gen_writer_rows(const struct gen_writer *w);
/* Finish and free (accepts NULL); BB_ERR_IO with d set when the file could
 * not be written whole. */
int gen_writer_close(struct gen_writer *w, struct bb_diag *d);
/* UTF-8 to Windows-1252 bytes in out; returns how many characters had no
 * Windows-1252 form (written as '?'). */
int gen_utf8_to_cp1252(const char *s, struct bb_buf *out);
/* One CSV field, quoted when it needs to be. */
void gen_csv_put(FILE *f, const char *s, char delim);

/* --- rows (generate.c) and profiles (profiles.c) ------------------------ */

struct gen;
struct gen_stream;
struct gen_file;
struct gen_row;

/* What a profile is handed for one person (or household) and one file. */
struct gen_ctx {
	struct gen *g;
	const struct gen_world *w;
	struct gen_stream *st;
	const struct bb_dataset *ds;
	const struct bb_partner *partner;
	struct gen_file *file;
	const struct bb_period *per;	/* the file's period */
	int32_t export_day;		/* when the partner exported the file */
	const struct gen_household *hh;
	const struct gen_person *p;	/* NULL for household profiles */
	struct bb_rng rng;		/* for this person and file */
};

/* A profile: how one kind of dataset comes about.  `person` is called for
 * every person and file of a records dataset and emits its rows; `household`
 * for every household and file of an aggregate dataset and tallies it. */
struct gen_profile {
	const char *dataset;
	void (*person)(struct gen_ctx *c);
	void (*household)(struct gen_ctx *c);
};

/* The profile for a dataset id: a known one of the demo, or the generic one
 * (which works for any framework). */
const struct gen_profile *gen_profile_for(const struct bb_dataset *ds);
bool gen_profile_is_generic(const struct gen_profile *pr);

/* Start a row: every field undecided. */
void gen_row_begin(struct gen_ctx *c);
/* Decide a field (ignored when the dataset has no such field): a value, a
 * day (written ISO), or absent. */
void gen_set(struct gen_ctx *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void gen_set_day(struct gen_ctx *c, const char *field, int32_t day);
void gen_set_none(struct gen_ctx *c, const char *field);
bool gen_has_field(const struct gen_ctx *c, const char *field);
/* Finish the row as of `day` (identity from the person then, the rest
 * filled, checked, made messy) and write it.  Returns 0 or BB_ERR_IO. */
int gen_emit(struct gen_ctx *c, int32_t day);
/* Aggregates: count the row's dimension values `weight` times. */
void gen_tally(struct gen_ctx *c, uint64_t weight);
/* The person's student number, as a field with this pattern shows it. */
void gen_student_id(const struct gen_ctx *c, const char *pattern, char *out, size_t n);

/* The school calendar (profiles.c). */
struct gen_school_year {
	int year;		/* calendar year it starts in */
	int32_t first, last;	/* first and last school day */
};
void gen_school_year_of(const struct gen_world *w, int32_t day, struct gen_school_year *sy);
bool gen_school_day(const struct gen_school_year *sy, int32_t day);

#endif
