/*
 * normalize.h: turning identity values as partners type them into the forms
 * linkage compares.
 *
 * Text is folded with utf8proc (NFKC, case fold, accents stripped, punctuation
 * variants lumped to ASCII) plus a small table for letters that have no
 * decomposition (ł ø đ æ œ þ ð ı ß).  On top of that each identity role has
 * its own rules: names lose titles, suffixes, spaces and punctuation
 * ("Mary-Ann O'Brien Jr." -> given "maryann", family "obrien"); dates are
 * read in the usual formats into year, month and day, keeping both readings
 * of an ambiguous 03/04/2001; postcodes, phones and identifiers keep their
 * letters and digits; e-mails lose "+tags".
 *
 * Placeholders never count as agreement: "", "unknown", "n/a", 000000000,
 * all-same-digit identifiers, 1900-01-01 and the like normalise to missing
 * (the functions return false and write "").
 *
 * Every function writes into a caller-supplied buffer of BB_NORM_MAX bytes
 * (or a struct) and never allocates, so normalising a million records costs
 * no allocation per field; longer values are cut at a character boundary.
 * All functions are thread-safe.
 */
#ifndef BB_LINK_NORMALIZE_H
#define BB_LINK_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BB_NORM_MAX 128		/* bytes of a normalised value, with the NUL */
#define BB_NICK_MAX_GROUPS 6	/* nickname groups one name can belong to */

/* A birth date: one reading, or two for an ambiguous day/month order. */
struct bb_date {
	int16_t y[2];
	int8_t m[2], d[2];
	uint8_t n;		/* readings: 0 = missing, 1, or 2 */
};

/* Fold text (any role): NFKC, case fold, strip accents, the extra letter
 * table, punctuation lumped to ASCII, runs of white space to one space,
 * trimmed.  Invalid UTF-8 bytes are dropped.  Writes at most outsz bytes
 * (NUL included) and returns the length written. */
size_t bb_norm_fold(const char *s, size_t len, char *out, size_t outsz);

/* A given or family name: folded, titles and suffixes dropped, only letters
 * and digits kept, tokens joined without spaces.  `first` (may be NULL)
 * receives the first token alone (for nickname lookup).  Returns false (and
 * writes "") for a missing value or a placeholder. */
bool bb_norm_name(const char *s, bool given, char out[BB_NORM_MAX],
    char first[BB_NORM_MAX]);

/* Free text with words (address, locality): folded, punctuation to spaces,
 * common street-type abbreviations expanded ("st" -> "street").  Returns
 * false for missing or placeholder values. */
bool bb_norm_words(const char *s, bool address, char out[BB_NORM_MAX]);

/* Identifiers (national, local, postcode): letters and digits only, folded.
 * Placeholders (all one repeated character, 123456789, "unknown"...) and
 * values shorter than `minlen` are missing. */
bool bb_norm_ident(const char *s, size_t minlen, char out[BB_NORM_MAX]);

/* Phone numbers: digits only, a leading international "00"/"+" and country
 * code kept as typed; fewer than 6 digits, or one repeated digit, is
 * missing. */
bool bb_norm_phone(const char *s, char out[BB_NORM_MAX]);

/* E-mail: folded, trimmed, "+tag" removed from the local part; without an
 * '@', or a placeholder address (none@, noemail@, test@test...), missing. */
bool bb_norm_email(const char *s, char out[BB_NORM_MAX]);

/* Sex: 'm' or 'f' from m/male/man/boy/f/female/woman/girl (any case);
 * anything else is missing (returns 0). */
char bb_norm_sex(const char *s);

/* Dates: YYYY-MM-DD (also with / or . and a time after it), YYYYMMDD,
 * MM/DD/YYYY and DD/MM/YYYY (both readings kept when both are valid and
 * differ; the month-first reading first), DD.MM.YYYY, DD-MM-YYYY, and Excel
 * serial numbers (1900 system).  Years outside 1850..2150, impossible days
 * and placeholders (1900-01-01, 1899-12-31, 1899-12-30) are missing.
 * Returns false when missing (out->n == 0). */
bool bb_norm_date(const char *s, struct bb_date *out);

/* Phonetic code (NYSIIS, as the New York State Identification and
 * Intelligence System defined it, without truncation) of a normalised
 * name; non-letters are skipped.  Returns the length. */
size_t bb_norm_nysiis(const char *name, char out[BB_NORM_MAX]);

/* The nickname groups a normalised given name belongs to ("bill" and
 * "william" share the group of william).  Writes up to BB_NICK_MAX_GROUPS
 * group numbers in increasing order and returns how many. */
size_t bb_nick_groups(const char *name, uint16_t groups[BB_NICK_MAX_GROUPS]);
/* The same, and for a name not in the table (of four letters or more), the
 * groups of the table's names one typing error away from it ("wlliam" is
 * in william's group). */
size_t bb_nick_groups_near(const char *name,
    uint16_t groups[BB_NICK_MAX_GROUPS]);
/* True when two names share a nickname group. */
bool bb_nick_variants(const char *a, const char *b);

/* The nickname table (nicknames.c): lines "canonical nick nick ...". */
extern const char *const bb_nick_table[];
extern const size_t bb_nick_table_len;

#endif
