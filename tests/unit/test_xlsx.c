/*
 * test_xlsx.c: XLSX cell values (intake/xlsx.c): shortest number text, date
 * serials in both systems with Excel's 1900 leap-year bug, and which custom
 * number formats are dates; then workbooks written by libxlsxwriter read
 * back through bb_reader_*.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "intake/reader_impl.h"
#include "util/bb.h"

#include "readtest.h"

static const char *
num(double v)
{
	static char b[64];
	bb_xlsx_number_text(v, b, sizeof(b));
	return b;
}

START_TEST(number_text_shortest)
{
	ck_assert_str_eq(num(0), "0");
	ck_assert_str_eq(num(-0.0), "0");
	ck_assert_str_eq(num(42), "42");
	ck_assert_str_eq(num(-3), "-3");
	ck_assert_str_eq(num(12.5), "12.5");
	ck_assert_str_eq(num(0.1), "0.1");
	ck_assert_str_eq(num(1.1000000000000001), "1.1");
	ck_assert_str_eq(num(0.1 + 0.2), "0.30000000000000004");
	ck_assert_str_eq(num(0.0001), "0.0001");
	ck_assert_str_eq(num(0.00015), "0.00015");
	ck_assert_str_eq(num(1.5e-5), "1.5e-05");
	ck_assert_str_eq(num(1e-7), "1e-07");
	ck_assert_str_eq(num(123456789012345.0), "123456789012345");
	ck_assert_str_eq(num(1234567890123456.0), "1234567890123456");
	ck_assert_str_eq(num(1e16), "1e+16");
	ck_assert_str_eq(num(2.5e16), "2.5e+16");
	ck_assert_str_eq(num(-1.25e300), "-1.25e+300");
	ck_assert_str_eq(num(3.14159), "3.14159");
	ck_assert_str_eq(num(100.25), "100.25");
}
END_TEST

static const char *
serial(double v, bool y1904, int kind)
{
	static char b[64];
	if (bb_xlsx_serial_text(v, y1904, kind, b, sizeof(b)) != BB_OK)
		return "(none)";
	return b;
}

START_TEST(serials_1900_system)
{
	ck_assert_str_eq(serial(1, false, BB_XF_DATE), "1900-01-01");
	ck_assert_str_eq(serial(59, false, BB_XF_DATE), "1900-02-28");
	/* Excel's leap-year bug: serial 60 is a day that never was. */
	ck_assert_str_eq(serial(60, false, BB_XF_DATE), "1900-02-29");
	ck_assert_str_eq(serial(61, false, BB_XF_DATE), "1900-03-01");
	ck_assert_str_eq(serial(25569, false, BB_XF_DATE), "1970-01-01");
	ck_assert_str_eq(serial(45296, false, BB_XF_DATE), "2024-01-05");
	ck_assert_str_eq(serial(45296.5, false, BB_XF_DATE), "2024-01-05T12:00:00");
	ck_assert_str_eq(serial(45296.999999, false, BB_XF_DATE), "2024-01-06");
	ck_assert_str_eq(serial(2958465, false, BB_XF_DATE), "9999-12-31");
	ck_assert_str_eq(serial(2958466, false, BB_XF_DATE), "(none)");
	ck_assert_str_eq(serial(-1, false, BB_XF_DATE), "(none)");
	/* Below 1: a time of day. */
	ck_assert_str_eq(serial(0.75, false, BB_XF_DATE), "18:00:00");
	ck_assert_str_eq(serial(0, false, BB_XF_DATE), "00:00:00");
	/* Elapsed time. */
	ck_assert_str_eq(serial(1.5, false, BB_XF_DURATION), "36:00:00");
	ck_assert_str_eq(serial(0.0625, false, BB_XF_DURATION), "1:30:00");
}
END_TEST

START_TEST(serials_1904_system)
{
	ck_assert_str_eq(serial(1, true, BB_XF_DATE), "1904-01-02");
	ck_assert_str_eq(serial(60, true, BB_XF_DATE), "1904-03-01");
	ck_assert_str_eq(serial(43834, true, BB_XF_DATE), "2024-01-05");
	ck_assert_str_eq(serial(2957003, true, BB_XF_DATE), "9999-12-31");
	ck_assert_str_eq(serial(2957004, true, BB_XF_DATE), "(none)");
}
END_TEST

START_TEST(format_kinds)
{
	ck_assert_int_eq(bb_xlsx_format_kind("General"), BB_XF_PLAIN);
	ck_assert_int_eq(bb_xlsx_format_kind("0.00"), BB_XF_PLAIN);
	ck_assert_int_eq(bb_xlsx_format_kind("#,##0_);(#,##0)"), BB_XF_PLAIN);
	ck_assert_int_eq(bb_xlsx_format_kind("0.00E+00"), BB_XF_PLAIN);
	ck_assert_int_eq(bb_xlsx_format_kind("\"days\" 0"), BB_XF_PLAIN);
	ck_assert_int_eq(bb_xlsx_format_kind("[Red]0.00"), BB_XF_PLAIN);
	ck_assert_int_eq(bb_xlsx_format_kind("0\\d"), BB_XF_PLAIN);
	ck_assert_int_eq(bb_xlsx_format_kind("@"), BB_XF_PLAIN);
	ck_assert_int_eq(bb_xlsx_format_kind("yyyy-mm-dd"), BB_XF_DATE);
	ck_assert_int_eq(bb_xlsx_format_kind("d/m/yy"), BB_XF_DATE);
	ck_assert_int_eq(bb_xlsx_format_kind("[$-409]d\\-mmm\\-yy;@"), BB_XF_DATE);
	ck_assert_int_eq(bb_xlsx_format_kind("dd\"/\"mm\"/\"yyyy;@"), BB_XF_DATE);
	ck_assert_int_eq(bb_xlsx_format_kind("h:mm AM/PM"), BB_XF_DATE);
	ck_assert_int_eq(bb_xlsx_format_kind("[h]:mm:ss"), BB_XF_DURATION);
	ck_assert_int_eq(bb_xlsx_format_kind("[mm]:ss"), BB_XF_DURATION);
	/* Only the first section (positive numbers) counts. */
	ck_assert_int_eq(bb_xlsx_format_kind("0;\"d\"0;yyyy"), BB_XF_PLAIN);
}
END_TEST

/* A workbook written by libxlsxwriter, read back. */
START_TEST(libxlsxwriter_workbook)
{
	char *path = rt_write_ext("", 0, ".xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "People");
	lxw_format *date = workbook_add_format(wb);
	lxw_datetime dt = { 2024, 2, 29, 0, 0, 0 };
	struct rt t;

	format_set_num_format(date, "dd/mm/yyyy");
	worksheet_write_string(ws, 0, 0, "name", NULL);
	worksheet_write_string(ws, 0, 1, "born", NULL);
	worksheet_write_string(ws, 0, 3, "score", NULL);
	worksheet_write_string(ws, 1, 0, "Zoë", NULL);
	worksheet_write_datetime(ws, 1, 1, &dt, date);
	worksheet_write_formula_num(ws, 1, 3, "=1+1", NULL, 2);
	worksheet_write_string(ws, 3, 0, "Ann", NULL);
	worksheet_write_boolean(ws, 3, 3, 1, NULL);
	ck_assert_int_eq(workbook_close(wb), LXW_NO_ERROR);

	rt_read_path(&t, path, "p.xlsx", NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.format, "xlsx");
	/* C1 is a gap in the header: a column with no name. */
	ck_assert_str_eq(t.rows, "name|born||score\nZoë|2024-02-29|~|2\nAnn|~|~|TRUE\n");
	ck_assert_str_eq(t.lines, "1 2 4");
	ck_assert_str_eq(t.find, "p.xlsx:1: warning: column 3 has no name\n"
	    "p.xlsx:3: warning: sheet 'People': 1 blank row skipped\n");
	rt_free(&t);
	unlink(path);
	free(path);
}
END_TEST

Suite *suite_xlsx(void);

Suite *
suite_xlsx(void)
{
	Suite *s = suite_create("xlsx");
	TCase *tc = tcase_create("values");
	tcase_add_test(tc, number_text_shortest);
	tcase_add_test(tc, serials_1900_system);
	tcase_add_test(tc, serials_1904_system);
	tcase_add_test(tc, format_kinds);
	tcase_add_test(tc, libxlsxwriter_workbook);
	suite_add_tcase(s, tc);
	return s;
}
