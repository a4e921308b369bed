#!/usr/bin/env bash
# xlsx.sh: `backbone read` on XLSX workbooks: cells compared with openpyxl
# as the oracle (tests/e2e/xlsx_tool.py), sheets by name, the 1904 date
# system, and hostile archives (bomb, lying sizes, truncated, DOCTYPE).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
TOOL=$ROOT/tests/e2e/xlsx_tool.py

make_book() { $PY "$TOOL" make "$1" "$2"; }

# matches_oracle BOOK [SHEET]: backbone's output equals openpyxl's reading.
matches_oracle() {
	$PY "$TOOL" oracle "$@" > want.json 2>/dev/null
	$PY -c 'import json,sys
a=json.load(open("out")); b=json.load(open("want.json"))
if a != b:
    for x, y in zip(a, b):
        if x != y: print("got ", x, "\nwant", y, file=sys.stderr)
    sys.exit(1)' || fail "$1 differs from openpyxl"
}

test_openpyxl_workbook_matches_oracle() {
	make_book openpyxl book.xlsx
	run 0 bb read book.xlsx
	matches_oracle book.xlsx
	# Exact text for the kinds of cell: date, datetime, time, custom date
	# format, elapsed time, float, integer, boolean, a quoted string.
	contains out '{"id": "1", "name": "Müller", "amount": "12.5", "ratio": "0.1", "active": "TRUE", "born": "1987-03-14", "seen": "2024-01-05T13:45:30", "at": "08:30:00", "custom": "2023-12-31", "took": "36:05:00"}'
	contains out '"ratio": "1e-07"'
	contains out '"amount": "123456789012", "ratio": "2.5e+16", "active": null'
	[ ! -s err ] || { cat err >&2; fail "unexpected warnings"; }
}

test_sheet_by_name() {
	make_book openpyxl book.xlsx
	run 0 bb read --sheet Second book.xlsx
	matches_oracle book.xlsx Second
	contains out '{"k": "b", "v": "2"}'
	run 1 bb read --sheet Missing book.xlsx
	eq "$(cat err)" "backbone: book.xlsx: no sheet named 'Missing' (the workbook has 'Intake', 'Second')"
}

test_1904_workbook() {
	make_book openpyxl1904 book.xlsx
	run 0 bb read book.xlsx
	matches_oracle book.xlsx
	contains out '"born": "1904-01-02"'
	make_book handmade1904 hand.xlsx
	run 0 bb read hand.xlsx
	matches_oracle hand.xlsx
	# Serial 45296 is 2024-01-05 in the 1900 system, 2028-01-06 in 1904.
	contains out '"when": "2028-01-06"'
}

test_handmade_workbook() {
	# Inline strings, rich text runs, phonetic runs, gaps, formulas with
	# cached values, error cells, booleans, a custom date format with a
	# locale tag and escapes, a quoted "day" that is not a date.
	make_book handmade hand.xlsx
	run 0 bb read hand.xlsx
	matches_oracle hand.xlsx
	contains out '{"id": "1", "name": "Rich text runs", "when": "2024-01-05", "formula": "2", "kind": "xy", "plain": "7"}'
	contains out '{"id": "2", "name": "漢字", "when": "1900-01-01", "formula": "0.30000000000000004", "kind": "#DIV/0!", "plain": null}'
	contains out '{"id": "3", "name": null, "when": "1900-03-01", "formula": null, "kind": "TRUE", "plain": "inline"}'
	contains out '{"id": null, "name": "  spaced  ", "when": null, "formula": "0.0015", "kind": "FALSE", "plain": null}'
	contains out '"when": "9999-12-31"'
	# Rows 4, 6 (cells without values) and 8 are blank.
	contains err "hand.xlsx:4: warning: sheet 'Data': 1 blank row skipped"
	contains err "hand.xlsx:8: warning: sheet 'Data': 1 blank row skipped"
	run 0 bb read --format csv hand.xlsx
	contains out '2,漢字,1900-01-01,0.30000000000000004,#DIV/0!,'
}

test_hostile_zip_bomb() {
	make_book bomb bomb.xlsx
	run 1 bb read bomb.xlsx
	eq "$(wc -l < err)" 1 "lines of err"
	contains err "bomb.xlsx: member 'xl/worksheets/sheet1.xml' would inflate 65767 bytes into 67110127 (more than 200 times): refused as a zip bomb"
}

test_hostile_lying_sizes() {
	make_book liar liar.xlsx
	run 1 bb read liar.xlsx
	eq "$(wc -l < err)" 1 "lines of err"
	contains err "liar.xlsx: member 'xl/worksheets/sheet1.xml' inflates past its declared size of 1000 bytes"
}

test_hostile_truncated_workbook() {
	make_book openpyxl book.xlsx
	head -c $(( $(stat -c %s book.xlsx) / 2 )) book.xlsx > cut.xlsx
	run 1 bb read cut.xlsx
	eq "$(cat err)" "backbone: cut.xlsx: not a readable ZIP archive (truncated or damaged?): Not a zip archive"
	echo "not a workbook" > fake.xlsx
	run 1 bb read fake.xlsx
	contains err "fake.xlsx: not a readable ZIP archive"
}

test_hostile_damaged_member() {
	make_book openpyxl book.xlsx
	# Flip bytes inside the deflated sheet: inflating fails or the CRC does.
	$PY -c 'import sys
d = bytearray(open("book.xlsx", "rb").read())
i = d.find(b"xl/worksheets/sheet1.xml") + 24 + 40
for k in range(i, i + 64): d[k] ^= 0x55
open("bad.xlsx", "wb").write(bytes(d))'
	run 1 bb read bad.xlsx
	eq "$(wc -l < err)" 1 "lines of err"
	contains err "bad.xlsx: "
}

test_hostile_doctype() {
	make_book doctype dt.xlsx
	run 1 bb read dt.xlsx
	eq "$(cat err)" "backbone: dt.xlsx: part 'xl/worksheets/sheet1.xml' declares a DOCTYPE, which a workbook never does"
}

test_hostile_too_many_columns() {
	make_book wide wide.xlsx
	run 1 bb read wide.xlsx
	eq "$(cat err)" "backbone: wide.xlsx:1:4097: sheet 'Data' cell FAO1 is past the limit of 4096 columns"
}

run_tests
