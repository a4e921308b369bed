#!/usr/bin/env bash
# submit.sh: the intake pipeline end to end: crosswalks (columns, codes,
# dates, scale, split, join, constants), validation, policies, duplicates,
# corrections, preview, provenance, and hostile files that must leave the
# store exactly as it was.
. "$(dirname "$0")/lib.sh"

FW=$DATA/intake/framework.yaml
HDR='local_id,given_name,family_name,birth_date,sex,ssn,served_on,left_on,hours,visits,address,program,active'

setup() {
	run 0 bb --db t.db init
	run 0 bb --db t.db framework apply "$FW"
}

# dump: the store's whole content, to compare before and after.
dump() { sqlite3 t.db .dump > "$1"; }

record() { sqlite3 t.db "SELECT data FROM record WHERE id = $1"; }

test_plain_partner_stored() {
	setup
	printf '%s\n%s\n%s\n' "$HDR" \
	    'A001,Ana,Lopez,2019-04-02,F,123456789,2026-08-03,,2.5,3,1 Main St,tutoring,yes' \
	    'A002,Bob,Smith,,M,,2026-08-04,2026-09-01,,,,,' > p.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 p.csv
	contains out "stored as submission 1: plain / people / 2026-Q3"
	contains out "rows       2 read, 2 accepted, 0 refused"
	eq "$(record 1)" '{"local_id":"A001","given_name":"Ana","family_name":"Lopez","birth_date":"2019-04-02","sex":"F","ssn":"123456789","served_on":"2026-08-03","hours":2.5,"visits":3,"address":"1 Main St","program":"tutoring","active":true}'
	eq "$(record 2)" '{"local_id":"A002","given_name":"Bob","family_name":"Smith","sex":"M","served_on":"2026-08-04","left_on":"2026-09-01"}'
	eq "$(sqlite3 t.db 'SELECT source_row FROM record ORDER BY id' | tr '\n' ' ')" "2 3 "
}

# A period of another kind than the partner owes, or one not begun, is
# stored with a warning (more often a slip than a plan).
test_period_slips_are_warned() {
	setup
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,2019-04-02,F,,2026-08-03,,,,,,' > p.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-09 p.csv
	contains out "  warning file      period 2026-09 is not a quarterly period, which is what plain owes for people; stored all the same [period]"
	printf '%s\n%s\n' "$HDR" 'A002,Bo,Ng,2019-04-02,F,,2026-08-03,,,,,,' > q.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2027-Q1 --json q.csv
	contains out '"message": "period 2027-Q1 has not begun yet (today is 2026-11-23); stored all the same"'
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 --json p.csv
	lacks out '"rule": "period"'
}

test_crosswalk_maps_every_feature() {
	setup
	# Split "Family, Given", join Street + City, code map (w -> F, refused
	# -> the missing code 9), DD.MM.YYYY and YYYYMMDD dates, minutes scaled
	# by 0.5, a constant, placeholders (SSN 000000000, 01.01.1900) missing.
	printf 'ID;Name;Gender;Born;SSN;Date;Until;Minutes;Visits;Street;City;Extra\n' > m.csv
	printf 'B001;Müller, Jürgen;m;14.03.1987;000000000;20260901;20260930;90;2;Hauptstr. 1;Riverside;x\n' >> m.csv
	printf 'B002;Ng, Zoë;refused;01.01.1900;987654321;20260902;;;;;Riverside;y\n' >> m.csv
	run 0 bb --db t.db submit --partner mapped --dataset people --period 2026-09 m.csv
	contains out "rows       2 read, 2 accepted, 0 refused"
	contains out 'warning row 1     "Extra": column "Extra" is not in the crosswalk for people; its values are not kept [column-ignored]'
	eq "$(record 1)" '{"local_id":"B001","given_name":"Jürgen","family_name":"Müller","birth_date":"1987-03-14","sex":"M","served_on":"2026-09-01","left_on":"2026-09-30","hours":45,"visits":2,"address":"Hauptstr. 1 / Riverside","program":"mentoring","_missing":{"ssn":"000000000"}}'
	eq "$(record 2)" '{"local_id":"B002","given_name":"Zoë","family_name":"Ng","ssn":"987654321","served_on":"2026-09-02","address":"Riverside","program":"mentoring","_missing":{"birth_date":"1900-01-01","sex":"9"}}'
	# The crosswalk version used is kept with the submission.
	[ -n "$(sqlite3 t.db 'SELECT crosswalk_sha256 FROM submission WHERE id = 1')" ] || fail "no crosswalk hash"
}

# A value scaled past what a number can hold is refused, not kept as
# "inf" (not JSON) or a wrapped integer.  hours and visits have no range
# here, and both are scaled.
test_scale_out_of_range_refused() {
	run 0 bb --db t.db init
	sed -e 's/{name: hours, type: decimal, min: 0, max: 100}/{name: hours, type: decimal}/' \
	    -e 's/{name: visits, type: integer, min: 0, max: 50}/{name: visits, type: integer}/' \
	    -e 's/scale: {hours: 0.5}/scale: {hours: 1000, visits: 1000000}/' "$FW" > fw.yaml
	run 0 bb --db t.db framework apply fw.yaml
	printf 'ID;Name;Gender;Born;SSN;Date;Until;Minutes;Visits;Street;City\n' > m.csv
	printf 'B001;Ng, Zoe;m;;;20260901;;1e308;2;;\n' >> m.csv
	printf 'B002;Ng, Al;m;;;20260901;;2;9223372036854;;\n' >> m.csv
	printf 'B003;Ng, Bo;m;;;20260901;;90;3;;\n' >> m.csv
	printf 'B004;Ng, Cy;m;;;20260901;;2e300;1;;\n' >> m.csv
	run 0 bb --db t.db submit --partner mapped --dataset people --period 2026-09 m.csv
	contains out "rows       4 read, 2 accepted, 2 refused"
	contains out 'error   row 2     "Minutes" -> hours: "1e308" scaled by 1000 is too large a number [range]'
	contains out 'error   row 3     "Visits" -> visits: "9223372036854" scaled by 1000000 is too large a number [range]'
	eq "$(sqlite3 t.db 'SELECT count(*) FROM record WHERE NOT json_valid(data)')" 0 "records not JSON"
	eq "$(sqlite3 t.db "SELECT json_extract(data, '\$.hours') || ' ' || json_extract(data, '\$.visits') FROM record" | tr '\n' ' ')" \
	    "90000 3000000 2.0e+303 1000000 "
}

test_quarantine_keeps_valid_rows() {
	setup
	printf '%s\n%s\n%s\n%s\n%s\n' "$HDR" \
	    'A001,Ana,Lopez,2019-04-02,F,,2026-08-03,,,,,,' \
	    'a02,Bob,Smith,2019-13-01,Q,,2026-08-04,2026-08-01,200,,,,maybe' \
	    'A003,,Ng,,,,,,,,,,' \
	    'A001,Dup,Row,,,,2026-08-05,,1,,,,' > q.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 q.csv
	contains out "rows       4 read, 1 accepted, 3 refused (kept in quarantine)"
	contains out 'error   row 3     "local_id" -> local_id: "a02" does not have the expected form ([A-Z][0-9]{3}) [pattern]'
	contains out 'error   row 3     "birth_date" -> birth_date: "2019-13-01" is not a real date written as YYYY-MM-DD [date]'
	contains out 'error   row 3     "sex" -> sex: "Q" is not one of the codes for sex (allowed: F, M) [code]'
	contains out 'error   row 3     "hours" -> hours: 200 is outside the allowed range (0 to 100) [range]'
	contains out 'error   row 3     "active" -> active: "maybe" is not a yes/no value (expected true/false, yes/no or 1/0) [type]'
	contains out 'error   row 4     "given_name" -> given_name: given_name is empty; every row needs given_name [required]'
	contains out 'error   row 5     "local_id" -> local_id: "A001" appears more than once in this file (first on row 2) [unique]'
	contains out 'error   row 5     "visits" -> visits: hours are given without visits (hours is given, visits is empty) [hours-need-visits]'
	eq "$(sqlite3 t.db 'SELECT count(*) FROM record')" 1
	eq "$(sqlite3 t.db 'SELECT source_row FROM quarantine ORDER BY 1' | tr '\n' ' ')" "3 4 5 "
	eq "$(sqlite3 t.db 'SELECT data FROM quarantine WHERE source_row = 4')" '{"local_id":"A003","given_name":"","family_name":"Ng","birth_date":"","sex":"","ssn":"","served_on":"","left_on":"","hours":"","visits":"","address":"","program":"","active":""}'
	eq "$(sqlite3 t.db 'SELECT status, rows_refused, errors FROM submission')" "partial|3|10"
}

test_unique_past_the_memory_cap() {
	setup
	{ printf '%s\n' "$HDR"; for i in 1 2 3 4 5 6 7 8; do printf 'A00%d,N,F,,,,2026-08-03,,,,,,\n' $i; done
	  printf 'A007,Dup,Late,,,,2026-08-03,,,,,,\n'; printf 'A002,Dup,Early,,,,2026-08-03,,,,,,\n'; } > u.csv
	BACKBONE_TEST_UNIQ_MEM_MAX=4 run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 u.csv
	contains out "rows       10 read, 8 accepted, 2 refused"
	contains out '"A007" appears more than once in this file (first on row 8)'
	contains out '"A002" appears more than once in this file (first on row 3)'
}

test_cross_field_rule() {
	setup
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,2026-08-01,,,,,' > r.csv
	run 1 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 r.csv
	contains out 'left before being served (left_on is 2026-08-01, served_on is 2026-08-03) [left-after-served]'
}

test_refuse_file_policy_stores_nothing() {
	setup
	dump before
	printf 'code,n\nx,1\ny,two\nz,3\n' > s.csv
	run 1 bb --db t.db submit --partner plain --dataset strict --period 2026-Q3 s.csv
	contains out "refused: plain / strict / 2026-Q3: nothing stored"
	contains out 'error   row 3     "n" -> n: "two" is not a whole number [type]'
	dump after
	same before after
}

test_same_file_twice_stores_once() {
	setup
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' > p.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 p.csv
	dump before
	cp p.csv again.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 again.csv
	contains out "already received: this exact file is submission 1 (plain / people / 2026-Q3); nothing stored again"
	dump after
	same before after
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 p.csv --json
	contains out '"outcome": "duplicate"'
}

# The same file sent by several processes at once: one stores it, the
# others recognise it (not a store error), and it is stored once.
test_same_file_at_once_stores_once() {
	local i
	setup
	{ printf '%s\n' "$HDR"
	  awk 'BEGIN { for (i = 0; i < 4000; i++)
	    printf "%c%03d,Ana,Lopez,,,,2026-08-03,,,,,,\n", 65 + int(i / 1000), i % 1000 }'
	} > p.csv
	for i in 1 2 3 4; do
		( rc=0; bb --db t.db submit --partner plain --dataset people \
		    --period 2026-Q3 p.csv >"o$i" 2>"e$i" || rc=$?; echo $rc >"rc$i" ) &
	done
	wait
	for i in 1 2 3 4; do sanitizer_clean "e$i"; done
	eq "$(cat rc1 rc2 rc3 rc4 | tr '\n' ' ')" "0 0 0 0 " "exit codes"
	eq "$(cat o1 o2 o3 o4 | grep -c '^already received: this exact file is submission 1 ')" 3 \
	    "duplicates recognised"
	eq "$(sqlite3 t.db 'SELECT count(*), sum(rows_accepted) FROM submission')" "1|4000"
}

# A file for plain / people / 2026-Q3 (v1.csv), then its correction (v2.csv).
submit_and_correct() {
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' > v1.csv
	printf '%s\n%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' 'A002,Bob,Smith,,,,2026-08-04,,,,,,' > v2.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 v1.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 v2.csv
}

test_correction_supersedes() {
	setup
	submit_and_correct
	contains out "corrects   submission 1 (kept in the history)"
	eq "$(sqlite3 t.db 'SELECT submission_id, active FROM record ORDER BY id' | tr '\n' ' ')" "1|0 2|1 2|1 "
	run 0 bb --db t.db submissions
	contains out "    1  plain        people                 2026-Q3    superseded        1        0  v1.csv"
	contains out "    2  plain        people                 2026-Q3    stored            2        0  v2.csv"
	# Another period is another slot: no superseding.
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q4 v1.csv
	eq "$(sqlite3 t.db 'SELECT coalesce(supersedes, 0) FROM submission WHERE id = 3')" 0
}

# Found in review (2026-11): a correction could not be taken back: the file
# it replaced, sent again, was "already received" (as the superseded
# submission) and nothing was stored, so the correction stayed current.
test_resending_the_replaced_file_takes_the_correction_back() {
	setup
	submit_and_correct
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 v1.csv
	contains out "stored as submission 3: plain / people / 2026-Q3"
	contains out "corrects   submission 2 (kept in the history)"
	eq "$(sqlite3 t.db 'SELECT submission_id, active FROM record ORDER BY id' | tr '\n' ' ')" \
	    "1|0 2|0 2|0 3|1 " "only the resent file's record counts"
	# The current file sent again is still recognised.
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 v1.csv
	contains out "already received: this exact file is submission 3 "
	eq "$(sqlite3 t.db 'SELECT count(*) FROM submission')" 3
}

test_preview_stores_nothing() {
	setup
	dump before
	printf '%s\n%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' 'A002,,Smith,,,,2026-08-04,,,,,,' > p.csv
	run 0 bb --db t.db preview --partner plain --dataset people --period 2026-Q3 p.csv
	contains out "preview (nothing stored): plain / people / 2026-Q3 would be stored with rows quarantined"
	printf 'code,n\nx,bad\n' > s.csv
	run 1 bb --db t.db preview --partner plain --dataset strict --period 2026-Q3 s.csv
	contains out "preview: would be refused"
	dump after
	same before after
}

test_default_period_is_last_ended() {
	setup
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' > p.csv
	# BACKBONE_NOW is 2026-11-23: plain owes people quarterly, mapped monthly.
	run 0 bb --db t.db submit --partner plain --dataset people p.csv
	contains out "plain / people / 2026-Q3"
}

test_show_and_raw_trace_back() {
	setup
	printf '%s\n%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' 'A002,Bob,Smith,,X,,2026-08-04,,,,,,' > p.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 --name "partner export.csv" p.csv
	run 0 bb --db t.db submission show 1
	contains out "file       partner export.csv (csv)"
	contains out "sha256     $(sha256sum p.csv | cut -d' ' -f1)"
	contains out "framework  version 1"
	contains out '"sex" -> sex: "X" is not one of the codes for sex'
	run 0 bb --db t.db submission show 1 --json
	contains out '"rule": "code"'
	bb --db t.db submission raw 1 > raw.csv
	same raw.csv p.csv
	run 1 bb --db t.db submission show 99
	contains err "there is no submission 99"
	run 2 bb --db t.db submission show abc
}

test_json_receipt() {
	setup
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,1900-01-01,9,,2026-08-03,,,,,,' > p.csv
	run 0 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 --json p.csv
	/usr/bin/python3 - out <<'PY' || fail "receipt JSON"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["outcome"] == "stored", r
assert r["rows"] == {"read": 1, "accepted": 1, "refused": 0}, r
assert r["submission"] == 1 and r["framework_version"] == 1, r
assert r["policy"] == "quarantine_rows" and r["format"] == "csv", r
assert len(r["sha256"]) == 64 and r["problems"] == [], r
PY
	eq "$(record 1 | grep -o '"_missing":{[^}]*}')" '"_missing":{"birth_date":"1900-01-01","sex":"9"}'
}

# Names and messages are kept as valid UTF-8 text, so --json never loses
# them: a file name with a byte that is not UTF-8, and a message cut at
# its length limit inside a character.
test_json_keeps_odd_names_and_long_messages() {
	setup
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' > $'odd\xff\x01.csv'
	run 0 bb --db t.db submit --json --partner plain --dataset people --period 2026-Q3 $'odd\xff\x01.csv'
	contains out $'"file": "odd\xef\xbf\xbd?.csv"'
	run 0 bb --db t.db submissions --json
	contains out $'"file": "odd\xef\xbf\xbd?.csv"'
	run 0 bb --db t.db submission show --json 1
	contains out $'"file": "odd\xef\xbf\xbd?.csv"'
	# "A" and 600 e-acutes: 1,024 bytes of message end inside a character.
	printf '%s\nA%s,Ana,Lopez,,,,2026-08-03,,,,,,\n' "$HDR" "$(printf '\303\251%.0s' $(seq 600))" > long.csv
	run 1 bb --db t.db preview --json --partner plain --dataset people --period 2026-Q4 long.csv
	eq "$(python3 -c 'import json, sys
for p in json.load(open("out"))["problems"]:
    m = p["message"]
    print(p["rule"], len(m.encode()), m[:3], m[-5:])')" 'pattern 1023 "Aé éé...' "the pattern problem's message"
}

test_aggregate_partner() {
	setup
	printf 'age_band,people\n0-17,12\n18+,30\n' > c.csv
	run 0 bb --db t.db submit --partner counter --dataset counts --period 2026 c.csv
	contains out "rows       2 read, 2 accepted, 0 refused"
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' > p.csv
	run 1 bb --db t.db submit --partner counter --dataset people --period 2026-Q3 p.csv
	contains out "partner 'counter' shares aggregate counts only, and 'people' is a record-level dataset"
}

test_unknown_partner_dataset_period() {
	setup
	printf '%s\n' "$HDR" > p.csv
	run 1 bb --db t.db submit --partner nobody --dataset people --period 2026-Q3 p.csv
	contains out "'nobody' is not a partner in the framework"
	run 1 bb --db t.db submit --partner plain --dataset nothing --period 2026-Q3 p.csv
	contains out "'nothing' is not a dataset in the framework"
	run 1 bb --db t.db submit --partner plain --dataset people --period 2026-Q5 p.csv
	contains out "period '2026-Q5' is not a period label"
	run 2 bb --db t.db submit --dataset people p.csv
	contains err "submit needs --partner"
	run 2 bb --db t.db submit --partner plain --dataset people --format bogus p.csv
	contains err "--format 'bogus' must be csv, xlsx, json, jsonl or zip"
	run 1 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 missing.csv
	contains out "cannot read missing.csv"
}

test_missing_required_column_refuses_file() {
	setup
	printf 'ID;Gender\nB001;w\n' > m.csv
	run 1 bb --db t.db submit --partner mapped --dataset people --period 2026-09 m.csv
	contains out 'the file has no column "Date" (the crosswalk maps it to served_on), which every row needs [column-missing]'
	contains out 'the file has no column "Name" (the crosswalk splits it into family_name)'
}

test_no_framework_yet() {
	run 0 bb --db t.db init
	printf 'a\n1\n' > p.csv
	run 1 bb --db t.db submit --partner plain --dataset people p.csv
	contains err "no framework applied yet"
}

# Hostile files: a clear one-line error naming the file, exit 1, and the
# store exactly as it was.
hostile() {
	local file=$1 want=$2
	dump before
	run 1 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 "$file"
	contains out "refused: plain / people / 2026-Q3: nothing stored"
	contains out "$want"
	dump after
	same before after
}

test_hostile_empty_file() {
	setup
	: > empty.csv
	hostile empty.csv "empty.csv"
}

test_hostile_binary_file() {
	setup
	head -c 4096 /dev/urandom > bin.csv
	printf '\0\0\0' >> bin.csv
	hostile bin.csv "bin.csv"
}

test_hostile_cut_mid_upload() {
	setup
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' > cut.csv
	printf 'A002,"Bob is cut off here' >> cut.csv
	hostile cut.csv "cut.csv"
}

# The reason a file is refused is listed even after the cap of listed
# problems (10,000) was reached by its rows' problems.
test_refusal_listed_past_the_problem_cap() {
	setup
	{ printf '%s\n' "$HDR"
	  awk 'BEGIN { for (i = 0; i < 10001; i++) printf "bad%d,Ana,Lopez,,,,2026-08-03,,,,,,\n", i }'
	  printf '%s\n' 'A001,Ana,Lopez,,,,2026-08-03,,,,,,'
	  printf 'A002,"cut off'
	} > cut.csv
	dump before
	run 1 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 cut.csv
	contains out "problems: 10002 errors, 0 warnings"
	contains out "  error   line 10004 file ends inside a quoted field that began at line 10004 (line 10004, column 14) [unterminated-quote]"
	contains out "  (1 more not listed)"
	dump after
	same before after
}

# A row within the reader's caps whose cells take more than 64 MiB once
# written as JSON (13 cells of 1 MiB of control characters, 6 bytes each):
# it cannot be kept, so the file is refused saying which row, and nothing
# (no JSON cut short) is stored, wherever the row stands.
test_hostile_row_too_large_to_keep() {
	setup
	/usr/bin/python3 -c 'import sys
cell = "\x01" * (1 << 20)
big = ",".join([cell] * 13)
ok = "A001,Ana,Lopez,,,,2026-08-03,,,,,,"
for name, rows in (("first.csv", [big, ok]), ("second.csv", [ok, big])):
    with open(name, "w") as f:
        f.write(sys.argv[1] + "\n" + "\n".join(rows) + "\n")' "$HDR"
	dump before
	local cmd file n
	for cmd in submit preview; do
		for file in first.csv second.csv; do
			n=2; [ "$file" = second.csv ] && n=3
			run 1 bb --db t.db "$cmd" --partner plain --dataset people --period 2026-Q3 "$file"
			contains out "  error   line $n    row $n is too large to keep: its values take more than 64 MiB written as JSON [row-too-large]"
		done
	done
	dump after
	same before after
}

# A pipe cannot be kept and read again: a clear refusal, not "empty file".
test_hostile_pipe() {
	setup
	printf '%s\n%s\n' "$HDR" 'A001,Ana,Lopez,,,,2026-08-03,,,,,,' > p.csv
	dump before
	run 1 bb --db t.db submit --partner plain --dataset people --period 2026-Q3 <(cat p.csv)
	contains out "is not a regular file (a pipe or a device?): save it to a file and submit that [file]"
	lacks out "empty file"
	dump after
	same before after
}

# A file still being written while it is read: what was hashed, kept and
# read would differ, so nothing is stored.
test_hostile_file_growing_while_read() {
	setup
	{ printf '%s\n' "$HDR"
	  awk 'BEGIN { for (i = 0; i < 20000; i++)
	    printf "%c%03d,Ana,Lopez,,,,2026-08-03,,,,,,\n", 65 + int(i / 1000), i % 1000 }'
	} > grow.csv
	dump before
	( while [ ! -e stop ]; do echo 'Z999,Zed,Last,,,,2026-08-03,,,,,,' >> grow.csv; done ) &
	local rc=0
	bb --db t.db submit --partner plain --dataset people --period 2026-Q3 grow.csv >out 2>err || rc=$?
	touch stop
	wait
	sanitizer_clean err
	eq "$rc" 1 "exit code"
	contains out "refused: plain / people / 2026-Q3: nothing stored"
	contains out "grow.csv changed while it was being read (is it still being written?): send it again once it is complete [file]"
	dump after
	same before after
}

test_hostile_wide_header() {
	setup
	seq -s, 1 100000 > wide.csv
	hostile wide.csv "wide.csv"
}

test_hostile_long_line() {
	setup
	{ printf '%s\n' "$HDR"; head -c 64000000 /dev/zero | tr '\0' a; printf '\n'; } > long.csv
	hostile long.csv "long.csv"
}

# An HMIS-style export sent whole: each file of the bundle goes to the
# dataset its crosswalk's `file` names (Client.csv, in a folder) or that
# bears its name (strict.csv), each its own submission; a file no dataset
# takes is skipped, and said to be.
hmis_setup() {
	run 0 bb --db t.db init
	/usr/bin/python3 - "$FW" > fw.yaml <<'PYEOF'
import sys
text = open(sys.argv[1]).read()
hmis = """  - id: hmis
    name: Coordinated Entry
    sector: housing
    sharing: records
    obligations:
      - {dataset: people, cadence: quarterly}
      - {dataset: strict, cadence: quarterly}
    crosswalks:
      - dataset: people
        file: Client.csv
        columns: {PersonalID: local_id, FirstName: given_name, LastName: family_name, DOB: birth_date, EntryDate: served_on}
"""
sys.stdout.write(text.replace("outcomes:\n", hmis + "outcomes:\n", 1))
PYEOF
	run 0 bb --db t.db framework apply fw.yaml
}

test_bundle_sent_whole() {
	hmis_setup
	zip_of export.zip \
	    'hmis-export/Client.csv=PersonalID,FirstName,LastName,DOB,EntryDate\nH001,Ana,Lopez,2019-04-02,2026-08-03\nH002,Bo,Ng,2018-01-01,2026-08-04\n' \
	    'hmis-export/strict.csv=code,n\nx,1\n' \
	    'hmis-export/Funder.csv=FunderID,Funder\n1,HUD\n'
	run 0 bb --db t.db submit --partner hmis --period 2026-Q3 export.zip
	contains out "bundle export.zip: 2 files for partner hmis"
	contains out "  hmis-export/Client.csv   -> people"
	contains out "  hmis-export/strict.csv   -> strict"
	contains out "  hmis-export/Funder.csv      skipped: no dataset of partner hmis takes it"
	contains out "stored as submission 1: hmis / people / 2026-Q3"
	contains out "  file       export.zip/hmis-export/Client.csv (csv)"
	contains out "stored as submission 2: hmis / strict / 2026-Q3"
	contains out "bundle export.zip: 2 stored, 0 refused, 0 already received"
	eq "$(sqlite3 t.db 'SELECT count(*) FROM record WHERE submission_id = 1')" 2
	eq "$(sqlite3 t.db "SELECT data FROM record WHERE submission_id = 2")" '{"code":"x","n":1}'
	# Each member is kept as a file of its own.
	run 0 bb --db t.db submission raw 2
	eq "$(cat out)" "$(printf 'code,n\nx,1')"
	eq "$(sqlite3 t.db 'SELECT count(DISTINCT sha256) FROM blob')" 2
	# The same bundle again stores nothing.
	run 0 bb --db t.db submit --partner hmis --period 2026-Q3 --json export.zip
	contains out '"already_received": 2'
	contains out '"file": "export.zip/hmis-export/strict.csv"'
	contains out '"skipped": [
    "hmis-export/Funder.csv"
  ]'
	eq "$(sqlite3 t.db 'SELECT count(*) FROM submission')" 2
	# The bundle again with one file changed: that file corrects its
	# submission, the other is already received.
	zip_of export2.zip \
	    'hmis-export/Client.csv=PersonalID,FirstName,LastName,DOB,EntryDate\nH001,Ana,Lopez,2019-04-02,2026-08-03\nH002,Bo,Ng,2018-01-01,2026-08-04\n' \
	    'hmis-export/strict.csv=code,n\nx,2\n'
	run 0 bb --db t.db submit --partner hmis --period 2026-Q3 export2.zip
	contains out "already received: this exact file is submission 1"
	contains out "stored as submission 3: hmis / strict / 2026-Q3"
	contains out "  corrects   submission 2 (kept in the history)"
	contains out "bundle export2.zip: 1 stored, 0 refused, 1 already received"
	# With --dataset, the crosswalk's `file` finds its member as the bundle
	# sent whole does: in a folder, in any case.
	run 0 bb --db t.db preview --partner hmis --dataset people --period 2026-Q4 export.zip
	contains out "  file       export.zip/hmis-export/Client.csv (csv)"
	contains out "rows       2 read, 2 accepted, 0 refused"
	run 0 bb read --member STRICT.CSV export.zip
	contains out '{"code": "x", "n": "1"}'
}

test_bundle_with_a_refused_file() {
	hmis_setup
	zip_of export.zip 'Client.csv=PersonalID,FirstName,LastName,DOB,EntryDate\nH001,Ana,Lopez,2019-04-02,2026-08-03\n' \
	    'strict.csv=code,n\nx,one\n'
	run 1 bb --db t.db submit --partner hmis --period 2026-Q3 export.zip
	contains out "stored as submission 1: hmis / people / 2026-Q3"
	contains out "refused: hmis / strict / 2026-Q3: nothing stored"
	contains out "bundle export.zip: 1 stored, 1 refused, 0 already received"
	# Preview stores nothing, and says the same.
	dump before.sql
	run 1 bb --db t.db preview --partner hmis --period 2026-Q4 export.zip
	contains out "bundle export.zip: 1 would be stored, 1 refused, 0 already received"
	dump after.sql
	same before.sql after.sql
}

test_bundle_refusals() {
	hmis_setup
	dump before.sql
	# Two files for one dataset: the second would replace the first.
	zip_of two.zip 'Client.csv=PersonalID,FirstName,LastName,DOB,EntryDate\n' 'people.csv=local_id\n'
	run 1 bb --db t.db submit --partner hmis --period 2026-Q3 two.zip
	eq "$(cat err)" "backbone: two.zip: 'Client.csv' and 'people.csv' both hold dataset 'people': send them in two bundles"
	# No file any dataset takes.
	zip_of none.zip 'Funder.csv=a\n1\n' 'Exit.csv=b\n2\n'
	run 1 bb --db t.db submit --partner hmis --period 2026-Q3 none.zip
	contains err "none.zip: no file in the bundle holds a dataset of partner 'hmis' (it holds Funder.csv, Exit.csv)"
	# Not a bundle: --dataset is needed.
	printf 'code,n\nx,1\n' > s.csv
	run 2 bb --db t.db submit --partner hmis --period 2026-Q3 s.csv
	contains err "submit needs --dataset NAME (only a ZIP bundle, whose files go to their datasets by name, can go without)"
	run 2 bb --db t.db submit --partner hmis --member strict.csv none.zip
	contains err "--member needs --dataset"
	# A format or sheet for one file would be applied to the whole archive.
	zip_of one.zip 'strict.csv=code,n\nx,1\n'
	run 2 bb --db t.db submit --partner hmis --period 2026-Q3 --format csv one.zip
	eq "$(cat err)" "backbone: one.zip: a bundle sent whole is read member by member, each as what it is: --format needs --dataset (and --member)"
	run 2 bb --db t.db submit --partner hmis --period 2026-Q3 --sheet Data one.zip
	contains err "--sheet needs --dataset"
	printf 'PK\003\004 cut short' > cut.zip
	run 1 bb --db t.db submit --partner hmis cut.zip
	contains err "cut.zip"
	# A file not there, sent whole: said so, not "needs --dataset".
	run 1 bb --db t.db submit --partner hmis gone.zip
	eq "$(cat err)" "backbone: gone.zip: cannot read: No such file or directory"
	# A bundle's member is taken out into TMPDIR: where none can be made,
	# the bundle is refused with the reason; a plain file needs none.
	zip_of one.zip 'strict.csv=code,n\nx,1\n'
	TMPDIR=$PWD/no-such-dir run 3 bb --db t.db submit --partner hmis --dataset strict --period 2026-Q3 one.zip
	contains out "cannot make a temporary file in $PWD/no-such-dir to read the bundle's member"
	dump after.sql
	same before.sql after.sql
	TMPDIR=$PWD/no-such-dir run 0 bb --db t.db submit --partner hmis --dataset strict --period 2026-Q3 s.csv
	contains out "stored as submission 1: hmis / strict / 2026-Q3"
}

test_hostile_zip_bomb() {
	setup
	/usr/bin/python3 "$ROOT/tests/e2e/xlsx_tool.py" make bomb bomb.xlsx
	hostile bomb.xlsx "zip bomb"
}

test_hostile_truncated_xlsx() {
	setup
	/usr/bin/python3 "$ROOT/tests/e2e/xlsx_tool.py" make openpyxl book.xlsx
	head -c 700 book.xlsx > cut.xlsx
	hostile cut.xlsx "cut.xlsx"
}

run_tests
