/*
 * test_csv.c: the CSV reader's state machine and decoder (intake/csv.c):
 * line ends, quotes, BOM, delimiter detection, encodings, ragged rows,
 * headers, blank rows, caps, and places reported across chunk boundaries.
 *
 * Each test writes bytes to a temporary file, reads it whole, and compares
 * the rows (as "a|b" lines, NULL cells as "~") and the findings (as printed)
 * with exact expected text.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake/reader.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/diag.h"

#include "readtest.h"

START_TEST(simple_lf)
{
	struct rt t;
	rt_read(&t, "a,b,c\n1,2,3\n", NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "a|b|c\n1|2|3\n");
	ck_assert_str_eq(t.find, "");
	rt_free(&t);
}
END_TEST

START_TEST(line_ends_crlf_cr_and_none)
{
	struct rt t;
	rt_read(&t, "a,b\r\n1,2\r\n3,4", NULL);
	ck_assert_str_eq(t.rows, "a|b\n1|2\n3|4\n");
	ck_assert_str_eq(t.lines, "1 2 3");
	rt_free(&t);
	/* CR alone ends rows (old Mac exports). */
	rt_read(&t, "a,b\r1,2\r3,4\r", NULL);
	ck_assert_str_eq(t.rows, "a|b\n1|2\n3|4\n");
	ck_assert_str_eq(t.lines, "1 2 3");
	ck_assert_str_eq(t.find, "");
	rt_free(&t);
}
END_TEST

START_TEST(quoted_newlines_kept_as_written)
{
	struct rt t;
	rt_read(&t, "a,b\r\n\"x\r\ny\",\"p\nq\rr\"\r\n5,6\r\n", NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "a|b\nx\\r\\ny|p\\nq\\rr\n5|6\n");
	/* The second row starts on line 2; the third on line 6 (CRLF, LF and
	 * CR inside the quotes are three line ends, then the row's own). */
	ck_assert_str_eq(t.lines, "1 2 6");
	ck_assert_str_eq(t.rownos, "1 2 3");
	rt_free(&t);
}
END_TEST

START_TEST(escaped_and_stray_quotes)
{
	struct rt t;
	rt_read(&t, "a,b\n\"say \"\"hi\"\"\",5 \"in\" ch\n", NULL);
	ck_assert_str_eq(t.rows, "a|b\nsay \"hi\"|5 \"in\" ch\n");
	ck_assert_str_eq(t.find, "");
	rt_free(&t);
}
END_TEST

START_TEST(text_after_closing_quote_warns)
{
	struct rt t;
	rt_read(&t, "a,b\n\"ab\"cd,2\n", NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "a|b\nabcd|2\n");
	ck_assert_str_eq(t.find, "t.csv:2:5: warning: text after the closing "
	    "quote of a field ('c'): kept as part of the field\n");
	rt_free(&t);
}
END_TEST

START_TEST(bom_then_quotes)
{
	struct rt t;
	rt_read(&t, "\xEF\xBB\xBF\"id\",\"name\"\n\"1\",\"Zoë\"\n", NULL);
	ck_assert_str_eq(t.rows, "id|name\n1|Zoë\n");
	ck_assert_str_eq(t.find, "");
	rt_free(&t);
}
END_TEST

START_TEST(delimiter_detection)
{
	struct rt t;
	rt_read(&t, "a;b;c\n1;2,5;3\n", NULL);
	ck_assert_str_eq(t.rows, "a|b|c\n1|2,5|3\n");
	rt_free(&t);
	rt_read(&t, "a\tb\n1\t2\n", NULL);
	ck_assert_str_eq(t.rows, "a|b\n1|2\n");
	rt_free(&t);
	rt_read(&t, "a|b\n1|2\n", NULL);
	ck_assert_str_eq(t.rows, "a|b\n1|2\n");
	ck_assert_int_eq(t.ncols, 2);
	rt_free(&t);
	/* Commas inside quotes do not count. */
	rt_read(&t, "\"a,b,c\";d\n1;2\n", NULL);
	ck_assert_str_eq(t.rows, "a,b,c|d\n1|2\n");
	rt_free(&t);
	/* One column: comma. */
	rt_read(&t, "name\nx;y\n", NULL);
	ck_assert_int_eq(t.ncols, 1);
	ck_assert_str_eq(t.rows, "name\nx;y\n");
	rt_free(&t);
}
END_TEST

START_TEST(excel_sep_line)
{
	struct rt t;
	rt_read(&t, "sep=;\r\na,b;c\r\n1,5;2\r\n", NULL);
	ck_assert_str_eq(t.rows, "a,b|c\n1,5|2\n");
	ck_assert_str_eq(t.lines, "2 3");
	ck_assert_str_eq(t.rownos, "1 2");
	rt_free(&t);
	/* Not a sep line: an ordinary header. */
	rt_read(&t, "sep=xy\n1\n", NULL);
	ck_assert_str_eq(t.rows, "sep=xy\n1\n");
	rt_free(&t);
}
END_TEST

START_TEST(delimiter_forced)
{
	struct rt t;
	struct bb_reader_opts o = { .delimiter = ';' };
	rt_read(&t, "a,b;c\n1,2;3\n", &o);
	ck_assert_str_eq(t.rows, "a,b|c\n1,2|3\n");
	rt_free(&t);
}
END_TEST

START_TEST(febrl_comma_space)
{
	struct rt t;
	rt_read(&t, "rec_id, given_name, surname\r\nrec-1-org, , waller\r\nrec-2-org,  ann, x", NULL);
	ck_assert_str_eq(t.rows, "rec_id| given_name| surname\nrec-1-org| | waller\n"
	    "rec-2-org|  ann| x\n");
	rt_free(&t);
}
END_TEST

START_TEST(latin1_converted_with_warning)
{
	struct rt t;
	rt_read(&t, "Name;Ort\nM\xFCller;Zo\xEB\n", NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "Name|Ort\nMüller|Zoë\n");
	ck_assert_str_eq(t.find, "t.csv:2:2: warning: not UTF-8 (byte 0xFC here): "
	    "the file is read as Windows-1252 and converted to UTF-8\n");
	rt_free(&t);
	/* Windows-1252's own letters (0x80-0x9F), and its undefined bytes. */
	rt_read(&t, "a\n\x80\x9C\x81\n", NULL);
	ck_assert_str_eq(t.rows, "a\n€œ\xC2\x81\n");
	rt_free(&t);
}
END_TEST

START_TEST(encoding_forced)
{
	struct rt t;
	struct bb_reader_opts o = { .encoding = "windows-1252" };
	/* Forced: even bytes that happen to be valid UTF-8 are converted. */
	rt_read(&t, "a\n\xC3\xA9\n", &o);
	ck_assert_str_eq(t.rows, "a\nÃ©\n");
	ck_assert_str_eq(t.find, "");
	rt_free(&t);
	o.encoding = "utf-8";
	rt_read(&t, "a,b\n1,ok\n2,M\xFCller\n", &o);
	ck_assert_int_eq(t.rc, BB_ERR_INPUT);
	ck_assert_str_eq(t.rows, "a|b\n1|ok\n");
	ck_assert_str_eq(t.find, "t.csv:3:4: invalid UTF-8 (byte 0xFC) in a file "
	    "read as UTF-8\n");
	rt_free(&t);
	o.encoding = "klingon";
	rt_read(&t, "a\n", &o);
	ck_assert_int_eq(t.rc, BB_ERR_USAGE);
	ck_assert_str_eq(t.find, "t.csv: unknown encoding 'klingon'\n");
	rt_free(&t);
}
END_TEST

START_TEST(mixed_encoding)
{
	struct rt t;
	rt_read(&t, "a\nZoë\nM\xFCller\nJosé\n", NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "a\nZoë\nMüller\nJosé\n");
	ck_assert_str_eq(t.find, "t.csv:3:2: warning: byte 0xFC is not UTF-8 "
	    "though the text before it is: read as Windows-1252, as is any such "
	    "byte after it\n");
	rt_free(&t);
}
END_TEST

START_TEST(utf16_with_bom)
{
	struct rt t;
	/* "a\tb\r\n1\té\r\n" in UTF-16LE, as Excel's "Unicode text". */
	static const char u16[] = "\xFF\xFE" "a\0\t\0b\0\r\0\n\0" "1\0\t\0\xE9\0\r\0\n\0";
	rt_readn(&t, u16, sizeof(u16) - 1, NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "a|b\n1|é\n");
	rt_free(&t);
}
END_TEST

START_TEST(ragged_rows)
{
	struct rt t;
	rt_read(&t, "a,b,c\n1,2\n1,2,3,4\n", NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "a|b|c\n1|2|~\n1|2|3|4\n");
	ck_assert_str_eq(t.find,
	    "t.csv:2: warning: row 2 has 2 cells, the header has 3: the missing ones are empty\n"
	    "t.csv:3: warning: row 3 has 4 cells, the header has 3: the extra ones have no column\n");
	rt_free(&t);
}
END_TEST

START_TEST(ragged_rows_counted_past_twenty)
{
	struct rt t;
	struct bb_buf b;
	bb_buf_init(&b, BB_BUF_NOMAX);
	bb_buf_puts(&b, "a,b\n");
	for (int i = 0; i < 25; i++)
		bb_buf_puts(&b, "1\n");
	rt_read(&t, bb_buf_str(&b), NULL);
	ck_assert_int_eq(t.nfind, 21);
	ck_assert_ptr_nonnull(strstr(t.find, "t.csv: warning: 5 more rows with a "
	    "different number of cells than the header\n"));
	rt_free(&t);
	bb_buf_free(&b);
}
END_TEST

START_TEST(header_duplicates_and_empty)
{
	struct rt t;
	rt_read(&t, "id,name,,id,name\n1,2,3,4,5\n", NULL);
	ck_assert_str_eq(t.find,
	    "t.csv:1: warning: column 3 has no name\n"
	    "t.csv:1: warning: column 4 repeats the name 'id' of column 1\n"
	    "t.csv:1: warning: column 5 repeats the name 'name' of column 2\n");
	rt_free(&t);
}
END_TEST

START_TEST(blank_rows)
{
	struct rt t;
	rt_read(&t, "a,b\n1,2\n\n,\n3,4\n\n\r\n\n", NULL);
	ck_assert_str_eq(t.rows, "a|b\n1|2\n3|4\n");
	/* Row numbers count the blank rows, as a spreadsheet shows them. */
	ck_assert_str_eq(t.rownos, "1 2 5");
	ck_assert_str_eq(t.find, "t.csv:3: warning: 2 blank rows skipped\n");
	rt_free(&t);
}
END_TEST

START_TEST(empty_files)
{
	struct rt t;
	rt_read(&t, "", NULL);
	ck_assert_int_eq(t.rc, BB_ERR_INPUT);
	ck_assert_str_eq(t.find, "t.csv: empty file: no header row\n");
	rt_free(&t);
	rt_read(&t, "\xEF\xBB\xBF\r\n\n", NULL);
	ck_assert_int_eq(t.rc, BB_ERR_INPUT);
	ck_assert_str_eq(t.find, "t.csv: empty file: no header row\n");
	rt_free(&t);
	/* A header and nothing else is a file with no rows, not an error. */
	rt_read(&t, "a,b", NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "a|b\n");
	rt_free(&t);
}
END_TEST

START_TEST(unterminated_quote)
{
	struct rt t;
	rt_read(&t, "a,b\n1,2\n3,\"half\nway", NULL);
	ck_assert_int_eq(t.rc, BB_ERR_INPUT);
	ck_assert_str_eq(t.rows, "a|b\n1|2\n");
	ck_assert_str_eq(t.find, "t.csv:4:4: file ends inside a quoted field that "
	    "began at line 3\n");
	rt_free(&t);
}
END_TEST

START_TEST(binary_data)
{
	struct rt t;
	rt_readn(&t, "a,b\n1,xy\0z\n", 11, NULL);
	ck_assert_int_eq(t.rc, BB_ERR_INPUT);
	ck_assert_str_eq(t.find, "t.csv:2:5: binary data at line 2, column 5: "
	    "not a text file\n");
	rt_free(&t);
}
END_TEST

START_TEST(caps)
{
	struct rt t;
	struct bb_reader_opts o = { .max_cell = 4 };
	rt_read(&t, "a,b\n1,abcdef\n", &o);
	ck_assert_int_eq(t.rc, BB_ERR_LIMIT);
	ck_assert_str_eq(t.find, "t.csv:2:7: a cell longer than the limit of 4 "
	    "bytes (in the row that begins at line 2)\n");
	rt_free(&t);
	o.max_cell = 0;
	o.max_columns = 3;
	rt_read(&t, "a,b,c,d\n", &o);
	ck_assert_int_eq(t.rc, BB_ERR_LIMIT);
	ck_assert_str_eq(t.find, "t.csv:1:8: more than 3 columns (in the row that "
	    "begins at line 1)\n");
	rt_free(&t);
	o.max_columns = 0;
	o.max_row_bytes = 10;
	rt_read(&t, "a,b\n1234,5678,9\n", &o);
	ck_assert_int_eq(t.rc, BB_ERR_LIMIT);
	ck_assert_str_eq(t.find, "t.csv:2:11: a row longer than the limit of 10 "
	    "bytes (it begins at line 2)\n");
	rt_free(&t);
}
END_TEST

/* A file with `pad` bytes of filler before `tail`, so that tail's bytes
 * fall across the 64 KiB chunk boundary. */
static char *
padded(size_t pad, const char *tail, size_t *n)
{
	size_t tl = strlen(tail);
	char *s = bb_malloc(pad + tl + 16);
	memcpy(s, "a,b\n", 4);
	memset(s + 4, 'x', pad - 4);
	s[pad - 2] = ',';
	s[pad - 1] = '\n';
	memcpy(s + pad, tail, tl);
	*n = pad + tl;
	return s;
}

START_TEST(chunk_boundaries)
{
	struct rt t;
	size_t n;
	char *s;

	/* A CRLF inside quotes split by the boundary. */
	s = padded(65536 - 3, "\"p\r\nq\",2\r\n", &n);
	rt_readn(&t, s, n, NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.lines, "1 2 3");
	ck_assert_ptr_nonnull(strstr(t.rows, "\np\\r\\nq|2\n"));
	rt_free(&t);
	free(s);
	/* A row-ending CRLF split by the boundary: still one line end. */
	s = padded(65536 - 3, "1,2\r\n3,4\r\n", &n);
	rt_readn(&t, s, n, NULL);
	ck_assert_str_eq(t.lines, "1 2 3 4");
	ck_assert_str_eq(t.find, "");
	rt_free(&t);
	free(s);
	/* A two-byte character split by the boundary. */
	s = padded(65536 - 1, "\xC3\xA9,2\n", &n);
	rt_readn(&t, s, n, NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_ptr_nonnull(strstr(t.rows, "\né|2\n"));
	ck_assert_str_eq(t.find, "");
	rt_free(&t);
	free(s);
	/* Columns are counted across the boundary. */
	s = padded(65536 - 2, "ab,x\"y\"z\0", &n);
	rt_readn(&t, s, n + 1, NULL);
	ck_assert_int_eq(t.rc, BB_ERR_INPUT);
	ck_assert_str_eq(t.find, "t.csv:3:9: binary data at line 3, column 9: "
	    "not a text file\n");
	rt_free(&t);
	free(s);
}
END_TEST

START_TEST(offset_and_size)
{
	struct bb_findings f;
	struct bb_reader *r;
	const struct bb_row *row;
	char *path = rt_write("a,b\n1,2\n", 8);

	bb_findings_init(&f);
	ck_assert_int_eq(bb_reader_open(path, NULL, NULL, &r, &f), 0);
	ck_assert_str_eq(bb_reader_format(r), "csv");
	ck_assert_uint_eq(bb_reader_size(r), 8);
	ck_assert_int_eq(bb_reader_next(r, &row), 1);
	ck_assert_int_eq(bb_reader_next(r, &row), 0);
	ck_assert_uint_eq(bb_reader_offset(r), 8);
	/* At the end it stays at the end. */
	ck_assert_int_eq(bb_reader_next(r, &row), 0);
	bb_reader_free(r);
	bb_findings_free(&f);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(missing_file)
{
	struct bb_findings f;
	struct bb_reader *r;

	bb_findings_init(&f);
	ck_assert_int_eq(bb_reader_open("/nonexistent/x.csv", "x.csv", NULL, &r, &f),
	    BB_ERR_NOTFOUND);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(f.errors, 1);
	ck_assert_str_eq(f.items[0].message, "cannot open: No such file or directory");
	bb_findings_free(&f);
}
END_TEST

Suite *suite_csv(void);

Suite *
suite_csv(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("reader");
	tcase_add_test(tc, simple_lf);
	tcase_add_test(tc, line_ends_crlf_cr_and_none);
	tcase_add_test(tc, quoted_newlines_kept_as_written);
	tcase_add_test(tc, escaped_and_stray_quotes);
	tcase_add_test(tc, text_after_closing_quote_warns);
	tcase_add_test(tc, bom_then_quotes);
	tcase_add_test(tc, delimiter_detection);
	tcase_add_test(tc, delimiter_forced);
	tcase_add_test(tc, excel_sep_line);
	tcase_add_test(tc, febrl_comma_space);
	tcase_add_test(tc, latin1_converted_with_warning);
	tcase_add_test(tc, encoding_forced);
	tcase_add_test(tc, mixed_encoding);
	tcase_add_test(tc, utf16_with_bom);
	tcase_add_test(tc, ragged_rows);
	tcase_add_test(tc, ragged_rows_counted_past_twenty);
	tcase_add_test(tc, header_duplicates_and_empty);
	tcase_add_test(tc, blank_rows);
	tcase_add_test(tc, empty_files);
	tcase_add_test(tc, unterminated_quote);
	tcase_add_test(tc, binary_data);
	tcase_add_test(tc, caps);
	tcase_add_test(tc, chunk_boundaries);
	tcase_add_test(tc, offset_and_size);
	tcase_add_test(tc, missing_file);
	suite_add_tcase(s, tc);
	return s;
}
