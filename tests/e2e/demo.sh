#!/usr/bin/env bash
# demo.sh: `backbone demo generate` and `backbone demo`: every partner's
# files go in through their crosswalks with exactly the rows the ground truth
# says are valid, deliberately invalid rows come back as problems on their
# rows, the same seed gives the same bytes, and the files are of the kinds
# the crosswalks name (XLSX with date cells, JSON, Windows-1252 with ';').
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
CHECK=$ROOT/tests/e2e/demo_check.py

test_demo_sets_up_the_initiative() {
	run 0 bb --db d.db --json demo --people 300 --dir files
	cp out demo.json
	# 6 partners, 8 obligations, 4 periods each; the workforce board has
	# something to send every quarter even at this size.
	eq "$($PY -c 'import json; print(len(json.load(open("demo.json"))["files"]))')" 32 files
	eq "$($PY -c 'import json; d=json.load(open("demo.json")); print(sorted({f["partner"] for f in d["files"]}))')" \
	    "['afterschool', 'clinic', 'district', 'housing', 'library', 'workforce']" partners
	contains demo.json '"refused_files": 0'
	contains demo.json '"framework_applied": true'
	$PY "$CHECK" receipts demo.json files > check.txt || { cat check.txt; fail "receipts disagree with truth.csv"; }
	contains check.txt ", 0 mismatches"
	# Some values were made invalid on purpose, and came back as problems.
	grep -q 'checked 32 files, [0-9]* rows, [1-9][0-9]* invalid on purpose' check.txt || fail "no invalid rows: $(cat check.txt)"
	run 0 bb --db d.db submissions
	eq "$(grep -c '^ *[0-9]' out)" 32 "submissions listed"
	contains out "district_enrollments_2026-10.csv"
	contains out "partial"
	run 0 bb --db d.db status
	contains out "initiative:        Riverside Promise"
}

test_demo_text_and_second_run() {
	run 0 bb --db d.db demo --people 300 --dir files
	eq "$(sed -n 1p out)" "Riverside Promise: the demo initiative, set up in d.db"
	contains out "  framework  version 1 (applied now), sha256 "
	contains out "  people     300 in 104 households (seed 1), 32 partner files in files/"
	contains out "district: Riverside Unified School District (shares records)"
	contains out "housing: Riverside County Housing Authority (shares aggregates)"
	contains out "  household_counts       2026-10    csv       15 rows     15 accepted    0 refused  submission 32"
	# The first problem of a file with problems, on the row made invalid
	# (data row 7 of every file whose dataset quarantines rows).
	contains out '      error   row 8     "Grade Level" -> grade: "13" is not one of the codes for Grade level'
	contains out "total: 32 files, "
	contains out "try next:"
	contains out "  backbone --db d.db submission show 1"
	cp out first.txt
	# Again: nothing new is stored.
	run 0 bb --db d.db demo --people 300 --dir files
	contains out "  framework  version 1 (already applied)"
	contains out "  enrollments            2026-07    csv   already received as submission 1"
	eq "$(grep -c 'already received' out)" 32 "files recognised"
	run 0 bb --db d.db submissions --json
	eq "$($PY -c 'import json,sys; print(len(json.load(open("out"))))')" 32 "submissions"
}

test_demo_output_is_deterministic() {
	run 0 bb --db a.db demo --people 200 --dir fa
	cp out a.txt
	run 0 bb --db b.db demo --people 200 --dir fb
	sed 's/b\.db/a.db/g; s#fb/#fa/#g' out > b.txt
	same a.txt b.txt
}

test_generate_same_seed_same_bytes() {
	run 0 bb demo generate --people 400 --seed 7 --out a
	cp out a.txt
	run 0 bb demo generate --people 400 --seed 7 --out b
	eq "$(ls a | tr '\n' ' ')" "$(ls b | tr '\n' ' ')" "file lists"
	eq "$(ls a | wc -l)" 40 "32 partner files, 4 of encodings, the secret, truth, people, manifest"
	for f in a/*; do
		cmp -s "$f" "b/${f#a/}" || fail "$f differs between two runs with seed 7"
	done
	contains a.txt "Riverside Promise: 400 people in "
	contains a.txt "  library_summer_reading_2025.xlsx               xlsx "
}

test_generate_other_seed_other_files() {
	run 0 bb demo generate --people 400 --seed 7 --out a
	run 0 bb demo generate --people 400 --seed 8 --out b
	for f in people.csv truth.csv district_enrollments_2026-09.csv \
	    library_summer_reading_2024.xlsx workforce_job_placements_2026-Q3.json \
	    clinic_health_visits_2026-08.csv; do
		if cmp -s "a/$f" "b/$f"; then fail "$f is the same for seeds 7 and 8"; fi
	done
}

test_files_are_of_their_kinds() {
	run 0 bb demo generate --people 500 --out f
	file f/library_summer_reading_2025.xlsx > kind.txt
	contains kind.txt "Microsoft Excel 2007+"
	$PY "$CHECK" xlsx f/library_summer_reading_2025.xlsx "Summer Reading 2026" > x.txt || { cat x.txt; fail "no date cells"; }
	# JSON: an array of objects with the partner's keys.
	$PY -c 'import json,sys
a = json.load(open("f/workforce_job_placements_2026-Q3.json"))
assert isinstance(a, list) and len(a) > 0, "empty"
assert list(a[0])[:4] == ["Participant ID", "Name First", "Name Last", "DOB"], list(a[0])
assert "Street" in a[0] and "Unit" in a[0]' || fail "not the workforce JSON"
	# Windows-1252 with semicolons and CRLF: not UTF-8, but converts.
	E=f/district_enrollments_2026-09.csv
	if iconv -f UTF-8 -t UTF-8 "$E" > /dev/null 2>&1; then fail "$E is valid UTF-8"; fi
	iconv -f WINDOWS-1252 -t UTF-8 "$E" > e.txt
	eq "$(head -1 e.txt | tr -d '\r')" "Student ID;First Name;Last Name;DOB;Gender;Ethnicity;Grade Level;School;Enroll Date;Withdraw Date;Zip;K Ready"
	eq "$(grep -c $'\r$' e.txt)" "$(wc -l < e.txt)" "CRLF line ends"
	grep -q 'é\|á\|í\|ó\|ñ' e.txt || fail "no accented names in $E"
	# Other CSVs are UTF-8 with commas.
	iconv -f UTF-8 -t UTF-8 f/afterschool_program_participation_2026-09.csv > /dev/null
	eq "$(head -1 f/clinic_health_visits_2026-09.csv)" "MRN,PatientFirst,PatientLast,BirthDate,Sex,ZIP5,VisitDate,VisitType,ASQ Result"
	eq "$(head -1 f/housing_household_counts_2026-09.csv)" "Report Date,Status,Age Group,Households"
	$PY "$CHECK" truth f > t.txt || { cat t.txt; fail "truth.csv inconsistent"; }
	eq "$(head -1 f/truth.csv)" "person_id,partner,dataset,period,file,row,invalid,noise"
}

test_clinic_encodings_are_what_encode_writes() {
	# The clinic shares encodings: beside each of its files, the file it
	# submits: the keyed encodings of its rows and the columns that carry
	# no personal identity, byte for byte what 'backbone encode --keep'
	# makes from the file with the secret the generator wrote.
	run 0 bb demo generate --people 500 --out f
	eq "$(ls f | grep -c '^clinic_health_visits_.*\.clk\.csv$')" 4 "encoding files"
	eq "$(ls f | grep -c '\.clk\.csv$')" 4 "only the clinic's"
	contains f/manifest.json '"encoding_secret": "encoding-secret.txt",'
	contains f/manifest.json '"encodings": "clinic_health_visits_2026-10.clk.csv"'
	for p in 2026-07 2026-10; do
		run 0 bb encode --secret-file f/encoding-secret.txt --id MRN \
		    --map given_name=PatientFirst --map family_name=PatientLast \
		    --map birth_date=BirthDate --map sex=Sex --map postcode=ZIP5 \
		    --keep MRN --keep Sex --keep ZIP5 --keep VisitDate --keep VisitType \
		    --keep "ASQ Result" f/clinic_health_visits_$p.csv
		same out f/clinic_health_visits_$p.clk.csv
	done
	eq "$(head -1 f/clinic_health_visits_2026-10.clk.csv)" "id,clk,blocks,MRN,Sex,ZIP5,VisitDate,VisitType,ASQ Result"
	lacks f/clinic_health_visits_2026-10.clk.csv "$(sed -n 2p f/clinic_health_visits_2026-10.csv | cut -d, -f3)"
}

test_generate_json_and_manifest() {
	run 0 bb demo generate --people 100 --out f --json
	contains out '"people": 100,'
	contains out '"file": "housing_household_counts_2026-10.csv",'
	contains f/manifest.json '"as_of": "2026-11-23",'
	contains f/manifest.json '"file": "district_assessments_SY2025-26.csv",'
	contains f/manifest.json '"encoding": "windows-1252",'
}

test_clean_files_have_no_mess() {
	run 0 bb demo generate --people 300 --mess 0 --no-invalid --out f
	eq "$(awk -F, 'NR > 1 && ($7 != "" || $8 != "")' f/truth.csv | wc -l)" 0 "messy truth rows"
	run 0 bb demo generate --people 300 --out g
	[ "$(awk -F, 'NR > 1 && $8 != ""' g/truth.csv | wc -l)" -gt 0 ] || fail "no mess at the default rate"
	[ "$(awk -F, 'NR > 1 && $7 != ""' g/truth.csv | wc -l)" -gt 0 ] || fail "no invalid rows by default"
}

test_generate_any_framework() {
	# A framework the generator has no profile for: generic rows that its
	# crosswalk reads back whole.
	run 0 bb demo generate --framework "$DATA/framework/valid.yaml" --people 400 --periods 2 --out f
	contains out "Test: 400 people in "
	eq "$(ls f | grep -c '^clinic_visits_2026-')" 2 "files"
	eq "$(head -1 f/clinic_visits_2026-10.csv)" "MRN,Sex,Date,Age"
	run 0 bb --db g.db init
	run 0 bb --db g.db framework apply "$DATA/framework/valid.yaml"
	for p in 2026-09 2026-10; do
		run 0 bb --db g.db --json submit --partner clinic --dataset visits --period $p f/clinic_visits_$p.csv
		rows=$(grep -c ",clinic_visits_$p.csv," f/truth.csv)
		[ "$rows" -gt 0 ] || fail "no rows for $p"
		contains out "\"accepted\": $rows,"
		contains out '"refused": 0'
	done
}

test_generate_names_never_collide() {
	# Partner clinic's a_visits and partner clinic_a's visits would both be
	# clinic_a_visits_P.csv: each gets its own file (the later one .2), and
	# truth.csv and the manifest name the file each row is in.
	/usr/bin/python3 - "$DATA/framework/valid.yaml" <<'PYEOF'
import sys
s = open(sys.argv[1]).read()
a, b = s.index("  - id: visits\n"), s.index("partners:")
s = s[:b] + s[a:b].replace("id: visits", "id: a_visits") + s[b:]
a, b = s.index("  - id: clinic\n"), s.index("outcomes:")
p = s[a:b]
s = s[:a] + p.replace("dataset: visits", "dataset: a_visits") + \
    p.replace("id: clinic", "id: clinic_a").replace("name: Clinic", "name: Clinic A") + s[b:]
open("coll.yaml", "w").write(s)
PYEOF
	run 0 bb framework check coll.yaml
	run 0 bb demo generate --framework coll.yaml --people 60 --periods 1 --out f
	eq "$(ls f | grep -c '^clinic_a_visits_2026-10')" 2 "files"
	$PY -c 'import json
for f in json.load(open("f/manifest.json"))["files"]:
    print(f["partner"], f["dataset"], f["file"], f["rows"])' > files.txt
	eq "$(cut -d' ' -f1-3 files.txt | tr '\n' ' ')" "clinic a_visits clinic_a_visits_2026-10.csv clinic_a visits clinic_a_visits_2026-10.2.csv " "manifest"
	while read -r partner dataset name rows; do
		eq "$(($(wc -l < "f/$name") - 1))" "$rows" "rows of $name"
		eq "$(grep -c ",$name," f/truth.csv)" "$rows" "truth rows of $name"
	done < files.txt
}

test_generate_shapes_read_back() {
	# Split and joined columns, a scale, odd date formats, JSON Lines, an
	# aggregate in Windows-1252, patterned ids: every file goes in with
	# exactly the rows truth.csv says are valid.
	F=$DATA/demo/shapes.yaml
	run 0 bb demo generate --framework "$F" --people 300 --out f
	run 0 bb --db g.db init
	run 0 bb --db g.db framework apply "$F"
	$PY -c 'import json
for f in json.load(open("f/manifest.json"))["files"]:
    print(f["partner"], f["dataset"], f["period"], f["file"])' > files.txt
	eq "$(wc -l < files.txt)" 8 files
	printf '{"files": [' > all.json
	sep=
	while read -r partner dataset period name; do
		bb --db g.db --json submit --partner "$partner" --dataset "$dataset" \
		    --period "$period" --name "$name" "f/$name" > r.json || true
		sanitizer_clean r.json
		printf '%s' "$sep" >> all.json
		cat r.json >> all.json
		sep=,
	done < files.txt
	printf ']}' >> all.json
	$PY "$CHECK" receipts all.json f > check.txt || { cat check.txt; fail "receipts disagree with truth.csv"; }
	contains check.txt "checked 8 files"
	grep -q '"Name":"[^"]* [^"]*","Born":"[0-9]* [A-Z][a-z][a-z] [0-9][0-9]"' f/clinic_visits_2026-Q3.jsonl || fail "split name or D MMM YY date missing"
	eq "$(head -1 f/city_counts_2026-10.csv | tr -d '\r')" "Month;Kind;Sex;N"
}

test_bad_options() {
	run 2 bb demo generate --people 0
	contains err "--people '0' must be a whole number of 1 or more"
	run 2 bb demo generate --periods 61
	contains err "--periods 61: at most 60"
	run 2 bb demo generate --seed -1
	contains err "--seed '-1' must be a whole number of 0 or more"
	run 2 bb demo generate --mess lots
	run 1 bb demo generate --framework nowhere.yaml
	contains err "nowhere.yaml"
	mkdir ro && chmod 500 ro
	if [ "$(id -u)" != 0 ]; then
		run 3 bb demo generate --people 10 --out ro/x
		contains err "cannot create the directory"
	fi
}

run_tests
