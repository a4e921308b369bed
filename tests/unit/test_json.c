/*
 * test_json.c: the JSON reader (intake/json.c): arrays and JSON Lines,
 * values as cells (numbers as written, nested values compact), keys that
 * grow the header, and errors placed in the file.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "intake/reader.h"
#include "util/bb.h"
#include "util/buf.h"

#include "readtest.h"

static void
rj(struct rt *t, const char *text, const char *ext)
{
	rt_readx(t, text, strlen(text), ext, NULL);
}

START_TEST(array_of_objects)
{
	struct rt t;
	rj(&t, "[\n {\"id\": 1, \"name\": \"Zoë\", \"amt\": 1.50, \"big\": 12345678901234567890,\n"
	    "  \"ok\": true, \"no\": false, \"n\": null, \"e\": \"\", \"esc\": \"a\\\"b\\u00e9\\n\"},\n"
	    " {\"id\": -2e3}\n]\n", ".json");
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.format, "json");
	ck_assert_str_eq(t.rows, "id|name|amt|big|ok|no|n|e|esc\n"
	    "1|Zoë|1.50|12345678901234567890|TRUE|FALSE|~||a\"bé\\n\n"
	    "-2e3|~|~|~|~|~|~|~|~\n");
	/* The header is not a row of the file: the first object is row 2. */
	ck_assert_str_eq(t.rownos, "1 2 3");
	ck_assert_str_eq(t.lines, "2 2 4");
	ck_assert_str_eq(t.find, "");
	rt_free(&t);
}
END_TEST

START_TEST(nested_values_compact)
{
	struct rt t;
	rj(&t, "[{\"tags\": [1, 2.0 , \"a b\" ], \"o\": { \"k\" : {\"x\": [ ]} }}]", ".json");
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "tags|o\n[1,2.0,\"a b\"]|{\"k\":{\"x\":[]}}\n");
	rt_free(&t);
}
END_TEST

START_TEST(json_lines)
{
	struct rt t;
	rj(&t, "{\"a\":1,\"b\":\"x\"}\n\n{\"b\":\"y\",\"a\":2}\r\n{\"c\":false}", ".jsonl");
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.format, "jsonl");
	/* Keys in any order land in their column; a new key adds one. */
	ck_assert_str_eq(t.rows, "a|b\n1|x\n2|y\n~|~|FALSE\n");
	ck_assert_int_eq(t.ncols, 3);
	ck_assert_str_eq(t.lines, "1 1 3 4");
	ck_assert_str_eq(t.find, "t.jsonl:4:1: warning: key 'c' first appears in "
	    "object 3: it becomes column 3, empty in the objects before\n");
	rt_free(&t);
	/* Detected from the first byte, whatever the name. */
	rj(&t, "{\"a\":1}\n{\"a\":2}\n", ".txt");
	ck_assert_str_eq(t.format, "csv");
	rt_free(&t);
	rj(&t, "{\"a\":1}\n{\"a\":2}\n", ".data");
	ck_assert_str_eq(t.format, "jsonl");
	ck_assert_str_eq(t.rows, "a\n1\n2\n");
	rt_free(&t);
}
END_TEST

START_TEST(bom_and_blanks)
{
	struct rt t;
	rj(&t, "\xEF\xBB\xBF  \n [ {\"a\" : \"x\"} ] \n", ".json");
	ck_assert_int_eq(t.rc, 0);
	ck_assert_str_eq(t.rows, "a\nx\n");
	rt_free(&t);
}
END_TEST

START_TEST(errors_placed)
{
	struct rt t;
	rj(&t, "[{\"a\":1},\n {\"a\":2, \"a\":3}]", ".json");
	ck_assert_int_eq(t.rc, BB_ERR_INPUT);
	ck_assert_str_eq(t.rows, "a\n1\n");
	ck_assert_str_eq(t.find, "t.json:2:12: invalid JSON: duplicate object key near '\"a\"'\n");
	rt_free(&t);
	rj(&t, "{\"a\":1}\n{\"a\": tru}\n", ".jsonl");
	ck_assert_str_eq(t.find, "t.jsonl:2:9: invalid JSON: invalid token near 'tru'\n");
	rt_free(&t);
	rj(&t, "[{\"a\":1},\n{\"a\":\"cut", ".json");
	ck_assert_str_eq(t.find, "t.json:2:10: file ends inside the object that began at line 2\n");
	rt_free(&t);
	rj(&t, "[{\"a\":1}, 5]", ".json");
	ck_assert_str_eq(t.find, "t.json:1:11: expected an object ('{'), found '5'\n");
	rt_free(&t);
	rj(&t, "[{\"a\":1}", ".json");
	ck_assert_str_eq(t.find, "t.json:1:9: file ends where ',' or ']' after an object was expected\n");
	rt_free(&t);
	rj(&t, "[{\"a\":1}] [", ".json");
	ck_assert_str_eq(t.find, "t.json:1:11: expected nothing after the closing ']', found '['\n");
	rt_free(&t);
	rj(&t, "[{\"a\":\"\xFF\"}]", ".json");
	ck_assert_str_eq(t.find, "t.json:1:7: invalid JSON: unable to decode byte 0xff near '\"'\n");
	rt_free(&t);
	rj(&t, "[{\"a\":\"\\u0000\"}]", ".json");
	ck_assert_int_eq(t.rc, BB_ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(t.find, "t.json:1:"));
	rt_free(&t);
	rj(&t, "[]", ".json");
	ck_assert_str_eq(t.find, "t.json: no objects: the array is empty\n");
	rt_free(&t);
	rj(&t, "  ", ".json");
	ck_assert_str_eq(t.find, "t.json: empty file: no objects\n");
	rt_free(&t);
	rj(&t, "\"just a string\"", ".json");
	ck_assert_str_eq(t.find, "t.json:1:1: expected '[' or '{' at the start of JSON, found '\"'\n");
	rt_free(&t);
}
END_TEST

START_TEST(caps)
{
	struct rt t;
	struct bb_buf b;
	struct bb_reader_opts o = { .max_columns = 2 };

	rt_readx(&t, "{\"a\":1,\"b\":2,\"c\":3}", 19, ".jsonl", &o);
	ck_assert_int_eq(t.rc, BB_ERR_LIMIT);
	ck_assert_str_eq(t.find, "t.jsonl:1:18: an object with more than 2 keys (it begins at line 1)\n");
	rt_free(&t);
	/* Two objects of two keys each, but three keys in all. */
	rt_readx(&t, "{\"a\":1,\"b\":2}\n{\"c\":3}", 21, ".jsonl", &o);
	ck_assert_int_eq(t.rc, BB_ERR_LIMIT);
	ck_assert_str_eq(t.find, "t.jsonl:2:1: more than 2 different keys\n");
	rt_free(&t);
	/* Nesting. */
	bb_buf_init(&b, BB_BUF_NOMAX);
	bb_buf_puts(&b, "[{\"a\":");
	for (int i = 0; i < 300; i++)
		bb_buf_putc(&b, '[');
	rt_readx(&t, b.data, b.len, ".json", NULL);
	ck_assert_int_eq(t.rc, BB_ERR_LIMIT);
	ck_assert_str_eq(t.find, "t.json:1:262: JSON nested more than 256 deep\n");
	rt_free(&t);
	bb_buf_free(&b);
	o.max_columns = 0;
	o.max_row_bytes = 16;
	rt_readx(&t, "[{\"a\":\"0123456789\"}]", 20, ".json", &o);
	ck_assert_int_eq(t.rc, BB_ERR_LIMIT);
	ck_assert_str_eq(t.find, "t.json:1:18: an object longer than the limit of 16 bytes (it begins at line 1)\n");
	rt_free(&t);
}
END_TEST

Suite *suite_json(void);

Suite *
suite_json(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("reader");
	tcase_add_test(tc, array_of_objects);
	tcase_add_test(tc, nested_values_compact);
	tcase_add_test(tc, json_lines);
	tcase_add_test(tc, bom_and_blanks);
	tcase_add_test(tc, errors_placed);
	tcase_add_test(tc, caps);
	suite_add_tcase(s, tc);
	return s;
}
