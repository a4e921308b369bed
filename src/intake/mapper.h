/*
 * mapper.h: the crosswalk and validation stages for one partner file.
 *
 * A mapper is built from the framework's dataset, the partner's crosswalk for
 * it (or none: then the file's headers must be the shared field names) and
 * the file's header row.  Each data row then goes through:
 *
 *   crosswalk   the partner's columns to shared fields (rename, split, join,
 *               constants), their codes to the shared code list, their date
 *               formats to ISO dates, unit scaling;
 *   validate    missing-value codes and placeholders, type, required,
 *               range, pattern, length, code list, uniqueness within the
 *               file, cross-field rules;
 *
 * and comes out as the canonical record: a JSON object keyed by shared field
 * name ({"birth_date":"2019-04-02","grade":3,...}, missing values left out,
 * missing-value codes kept under "_missing").  Every problem names the row,
 * the partner's column, the shared field, the value and the rule.
 */
#ifndef BB_MAPPER_H
#define BB_MAPPER_H

#include <stdbool.h>
#include <stdint.h>

#include "framework/framework.h"
#include "intake/problems.h"
#include "intake/reader.h"
#include "util/buf.h"

struct bb_mapper;

/* Build the plan for a file with this header.  Structural problems (a mapped
 * column missing from the file, a column nobody maps) are added to `probs`;
 * returns BB_ERR_INPUT when the file cannot be mapped at all. */
int bb_mapper_new(const struct bb_framework *fw, const struct bb_dataset *ds,
    const struct bb_crosswalk *xw, const struct bb_row *header,
    struct bb_mapper **out, struct bb_problems *probs);

/* The same for a file from `partner` (may be NULL).  A partner whose
 * sharing is `encodings` sends its identities only as the keyed encodings
 * `backbone encode` writes: the file must have a "clk" column (and may have
 * "blocks" and "id"), whose values are kept in the record under "_clk" and
 * "_blocks"; the fields carrying personal identities (names, birth date,
 * address, phone, e-mail, national id) are not required, and a file with a
 * column that would fill one of them is refused (rule "privacy", naming
 * the column): the partner's promise not to send them in clear. */
int bb_mapper_new_for(const struct bb_framework *fw, const struct bb_dataset *ds,
    const struct bb_partner *partner, const struct bb_crosswalk *xw,
    const struct bb_row *header, struct bb_mapper **out,
    struct bb_problems *probs);

/* Is role r one that carries personal data an encodings partner never
 * sends in clear? */
bool bb_mapper_private_role(enum bb_identity_role r);
void bb_mapper_free(struct bb_mapper *m);

/* Map and validate one row.  On return `json` holds the canonical record
 * (when *ok) and every problem of the row has been added to `probs`; *ok is
 * false when the row has an error. */
int bb_mapper_row(struct bb_mapper *m, const struct bb_row *row,
    struct bb_buf *json, struct bb_problems *probs, bool *ok);

/* The partner's own cells of a row as a JSON object keyed by their headers
 * (what quarantine keeps). */
void bb_mapper_raw_json(const struct bb_mapper *m, const struct bb_row *row,
    struct bb_buf *json);

/* Parse `s` as a date written in `format` (tokens YYYY YY MM M MMM DD D and
 * literal characters, or "excel" for a serial number, or "iso"); ISO
 * YYYY-MM-DD (optionally followed by a time) is always accepted too.
 * Returns the day number in *day. */
bool bb_mapper_parse_date(const char *s, const char *format, int32_t *day);

/* A field's pattern in the simple form most take: a sequence of literal
 * characters and bracket expressions ("[A-Z]", "[0-9a-f]"), each with an
 * optional count ("{7}", "{2,4}", "?", "*", "+").  Such a pattern is
 * decided without the regex engine, exactly as regexec decides "^(P)$"
 * (REG_EXTENDED, C locale); bb_pattern_simple returns NULL for any other
 * pattern, and bb_pattern_match -1 for a text longer than it decides
 * (BB_PATTERN_MAX_TEXT bytes): the regex engine decides those. */
#define BB_PATTERN_MAX_TEXT 256
struct bb_pattern;
struct bb_pattern *bb_pattern_simple(const char *pattern);
int bb_pattern_match(const struct bb_pattern *p, const char *s);
void bb_pattern_free(struct bb_pattern *p);

/* Append `s` to `b` as a JSON string literal (with quotes). */
void bb_json_string(struct bb_buf *b, const char *s, size_t n);

#endif
