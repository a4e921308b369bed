#!/usr/bin/env bash
# framework.sh: the framework file and the `backbone framework` commands:
# check (one broken fixture per kind of problem, each with its exact
# FILE:LINE:COL: message), hostile files (huge, deep, binary, invalid YAML)
# that must leave the store as it was, apply and re-apply, versions, show,
# diff, and the Table Schema round trip.
. "$(dirname "$0")/lib.sh"

FW=$DATA/framework
DEMO=$EXAMPLES/riverside/framework.yaml

# fixture NAME CODE LINE...: check tests/data/framework/NAME.yaml (copied
# here, so messages name it plainly) and compare the whole output with the
# lines given.
fixture() {
	local name=$1 code=$2
	shift 2
	cp "$FW/$name.yaml" .
	run "$code" bb framework check "$name.yaml"
	printf '%s\n' "$@" > want
	same out want
}

# dump DB FILE: the database's content as SQL text.
dump() {
	sqlite3 "$1" .dump > "$2"
}

# --- check ---------------------------------------------------------------

test_demo_is_clean() {
	run 0 bb framework check "$DEMO"
	eq "$(cat out)" "0 errors, 0 warnings"
}

test_valid_fixture_is_clean() {
	fixture valid 0 "0 errors, 0 warnings"
}

test_check_needs_no_database() {
	cp "$FW/valid.yaml" .
	run 0 bb --db nowhere.db framework check valid.yaml
	[ ! -e nowhere.db ] || fail "check created a database"
}

test_check_json() {
	cp "$FW/owner-not-partner.yaml" .
	run 1 bb framework check owner-not-partner.yaml --json
	contains out '"file": "owner-not-partner.yaml"'
	contains out '"errors": 1'
	contains out '"warnings": 0'
	contains out '"line": 43'
	contains out '"column": 18'
	contains out '"severity": "error"'
	contains out '"code": "unknown-ref"'
	contains out "\"message\": \"indicator 'visits-count': owner 'clinik' is not a partner (did you mean 'clinic'?)\""
	lacks out '"sha256"'
	cp "$FW/valid.yaml" .
	run 0 bb framework check valid.yaml --json
	contains out '"sha256": "'
	contains out '"findings": []'
}

test_check_missing_file() {
	run 1 bb framework check absent.yaml
	eq "$(head -1 out)" "absent.yaml: cannot read: No such file or directory"
}

test_check_usage() {
	run 2 bb framework check
	contains err "'framework check' needs FILE"
}

test_findings_sorted_by_line() {
	# Two problems, the later one in the file found first by the checker.
	sed -e 's/owners: \[clinic\]/owners: [nobody]/' \
	    -e 's/code_list: sex}/code_list: gender}/' "$FW/valid.yaml" > two.yaml
	run 1 bb framework check two.yaml
	eq "$(sed -n 1p out)" "two.yaml:15:44: field 'sex': code list 'gender' is not defined"
	eq "$(sed -n 2p out)" "two.yaml:43:18: indicator 'visits-count': owner 'nobody' is not a partner"
	eq "$(sed -n 3p out)" "2 errors, 0 warnings"
}

# --- hostile files: a clear message, and the store left as it was ----------

# refused FILE MESSAGE: apply FILE to a store holding one version; it must
# be refused with MESSAGE as the first line, and the store unchanged.
refused() {
	run 0 bb --db x.db init --name Before
	cp "$FW/valid.yaml" .
	run 0 bb --db x.db framework apply valid.yaml
	dump x.db before.sql
	run 1 bb --db x.db framework apply "$1"
	eq "$(head -1 err)" "$2"
	contains err "backbone: $1: not applied (1 error)"
	dump x.db after.sql
	same before.sql after.sql
	run 1 bb framework check "$1"
	eq "$(head -1 out)" "$2"
}

test_refuses_invalid_yaml() {
	printf 'backbone: 1\ninitiative: {id: x, name: [\n' > broken.yaml
	refused broken.yaml "broken.yaml:3:1: invalid YAML: flow sequence without a closing bracket"
}

test_refuses_bad_indentation() {
	printf 'backbone: 1\ninitiative:\n  id: x\n    name: y\n' > indent.yaml
	run 1 bb framework check indent.yaml
	printf '%s\n' "indent.yaml:3:7: invalid YAML: invalid multiline plain key" \
	    "1 error, 0 warnings" > want
	same out want
}

test_refuses_50_megabytes() {
	{ echo "backbone: 1"; yes '# padding, padding, padding, padding' | head -c 50000000; } > huge.yaml
	refused huge.yaml "huge.yaml: larger than 8 MiB: too large for a framework file"
}

test_refuses_deep_nesting() {
	{ printf 'backbone: 1\nx: '; head -c 100000 /dev/zero | tr '\0' '['; } > deep.yaml
	refused deep.yaml "deep.yaml:2:35: nested deeper than 32 levels"
}

test_refuses_deep_block_nesting() {
	{ echo "backbone: 1"; for i in $(seq 0 40); do printf '%*sk%d:\n' $((i * 2)) '' "$i"; done; } > deepblock.yaml
	refused deepblock.yaml "deepblock.yaml:34:65: nested deeper than 32 levels"
}

test_refuses_a_million_nodes() {
	{ printf 'backbone: 1\nx: ['; head -c 1000001 /dev/zero | sed 's/\x0/0,/g'; printf '0]\n'; } > nodes.yaml
	refused nodes.yaml "nodes.yaml:2:1999995: more than 1000000 YAML nodes: too large for a framework file"
}

test_many_findings_are_capped() {
	{ printf 'backbone: 1\ninitiative: {id: x, name: X}\nglossary:\n'
	  yes '  - {term: t, definition: d}' | head -n 12001; } > dups.yaml
	run 1 bb framework check dups.yaml
	eq "$(sed -n 1p out)" "dups.yaml:5:12: duplicate glossary term 't' (first at line 4)"
	eq "$(sed -n 10001p out)" "(2000 more findings not shown)"
	eq "$(sed -n 10002p out)" "12000 errors, 0 warnings"
	eq "$(wc -l < out | tr -d ' ')" 10002
}

test_refuses_binary() {
	printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10' > logo.yaml
	refused logo.yaml "logo.yaml:1:1: invalid UTF-8 (byte 0x89): save the file as UTF-8"
}

test_refuses_nul_bytes() {
	printf 'backbone: 1\ninitiative: \0\0\0\n' > nul.yaml
	refused nul.yaml "nul.yaml:2:13: NUL byte: a framework file is YAML text, not binary"
}

test_refuses_latin1() {
	printf 'backbone: 1\ninitiative: {id: x, name: Caf\xe9}\n' > latin1.yaml
	refused latin1.yaml "latin1.yaml:2:30: invalid UTF-8 (byte 0xe9): save the file as UTF-8"
}

test_refuses_aliases() {
	printf 'backbone: 1\na: &x [1, 2]\nb: [*x, *x]\n' > alias.yaml
	refused alias.yaml "alias.yaml:3:6: aliases (*name) are not allowed in a framework file"
}

test_refuses_empty_file() {
	: > empty.yaml
	refused empty.yaml "empty.yaml: empty: a framework file starts with 'backbone: 1'"
}

test_refuses_checker_errors() {
	cp "$FW/owner-not-partner.yaml" .
	refused owner-not-partner.yaml "owner-not-partner.yaml:43:18: indicator 'visits-count': owner 'clinik' is not a partner (did you mean 'clinic'?)"
}

test_accepts_byte_order_mark() {
	{ printf '\xef\xbb\xbf'; cat "$FW/valid.yaml"; } > bom.yaml
	run 0 bb framework check bom.yaml
	eq "$(cat out)" "0 errors, 0 warnings"
}

# --- apply, versions, show -----------------------------------------------

test_apply_then_reapply() {
	run 0 bb --db x.db init
	cp "$FW/valid.yaml" .
	run 0 bb --db x.db framework apply valid.yaml
	contains out "applied valid.yaml as framework version 1 (sha256 "
	run 0 bb --db x.db status
	contains out "initiative:        Test"
	contains out "framework version: 1"
	dump x.db before.sql
	run 0 bb --db x.db framework apply valid.yaml
	eq "$(cat out)" "framework unchanged: version 1"
	dump x.db after.sql
	same before.sql after.sql
}

test_same_content_other_layout_is_unchanged() {
	run 0 bb --db x.db init
	cp "$FW/valid.yaml" .
	run 0 bb --db x.db framework apply valid.yaml
	# Comments, quoting, flow versus block style and key order differ;
	# the content does not.
	cat > relaid.yaml <<'YAML'
# The same framework, written differently.
initiative:
  name: "Test"      # quoted now
  id: t
backbone: 1
code_lists:
  - codes:
      - code: F
      - code: 'M'
    id: sex
    missing:
      - meaning: refused
        code: "9"
glossary: [{definition: took part at least once, term: served}]
datasets:
  - name: Visits
    id: visits
    kind: records              # the default, written out
    on_error: refuse_file      # likewise
    fields:
      - {name: pid, type: text, required: true}
      - {name: sex, code_list: sex, type: code, required: false}
      - {name: seen, type: date, required: true}
      - {name: age, type: integer, max: 120, min: 0}
partners:
  - id: clinic
    name: Clinic
    sharing: records
    obligations: [{cadence: monthly, dataset: visits}]
    crosswalks:
      - dataset: visits
        dates: {seen: YYYYMMDD}
        codes: {sex: {"2": M, "1": F}}
        columns: {Sex: sex, MRN: pid, Age: age, Date: seen}
outcomes:
  - id: health
    name: Healthy
    indicators:
      - id: visits-count
        name: Visits
        compute: count(distinct participant) from visits
        definition: number of children served
        terms: [served]
        unit: children
        category: how_much
        direction: higher
        cadence: monthly
        disaggregations: [sex]
        targets:
          - period: "2027"
            value: 60.0
        owners: [clinic]
calendar: {fiscal_year_start: 7}
confidentiality: {min_cell_size: 11}
decision_rights:
  rules:
    - {action: publish, approvers: [board]}
  bodies:
    - {id: board, name: Board, members: [clinic]}
YAML
	run 0 bb --db x.db framework apply relaid.yaml
	eq "$(cat out)" "framework unchanged: version 1"
	run 0 bb framework diff valid.yaml relaid.yaml
	eq "$(cat out)" "no differences"
}

test_apply_sets_initiative_name() {
	run 0 bb --db x.db init --name "Placeholder"
	run 0 bb --db x.db framework apply "$DEMO"
	run 0 bb --db x.db status --json
	contains out '"initiative": "Riverside Promise"'
}

test_apply_needs_database() {
	cp "$FW/valid.yaml" .
	run 1 bb --db nowhere.db framework apply valid.yaml
	contains err "nowhere.db: no database here"
}

test_apply_warnings_still_apply() {
	run 0 bb --db x.db init
	cp "$FW/smart.yaml" .
	run 0 bb --db x.db framework apply smart.yaml
	contains err "smart.yaml:33:9: warning: indicator 'visits-count' has no target (SMART: time-bound)"
	contains err "0 errors, 3 warnings"
	contains out "applied smart.yaml as framework version 1"
}

test_apply_json() {
	run 0 bb --db x.db init
	cp "$FW/valid.yaml" .
	run 0 bb --db x.db framework apply valid.yaml --json
	contains out '"applied": true'
	contains out '"version": 1'
	run 0 bb --db x.db framework apply valid.yaml --json
	contains out '"applied": false'
}

# The name a version was applied from is kept as valid UTF-8 text, so
# --json lists the version (it left it out).
test_apply_odd_file_name() {
	run 0 bb --db x.db init
	cp "$FW/valid.yaml" $'v\xff.yaml'
	run 0 bb --db x.db framework apply $'v\xff.yaml'
	run 0 bb --db x.db framework versions --json
	contains out '"version": 1'
	contains out $'"file": "v\xef\xbf\xbd.yaml"'
}

test_going_back_is_a_new_version() {
	run 0 bb --db x.db init
	cp "$FW/valid.yaml" .
	sed 's/value: 60/value: 65/' valid.yaml > v2.yaml
	run 0 bb --db x.db framework apply valid.yaml
	run 0 bb --db x.db framework apply v2.yaml
	run 0 bb --db x.db framework apply valid.yaml
	contains out "as framework version 3"
	eq "$(sqlite3 x.db 'SELECT count(DISTINCT sha256) FROM framework_version')" 2
	eq "$(sqlite3 x.db "SELECT (SELECT sha256 FROM framework_version WHERE version = 1) = (SELECT sha256 FROM framework_version WHERE version = 3)")" 1
	run 0 bb --db x.db framework apply valid.yaml
	contains out "framework unchanged: version 3"
}

test_versions() {
	run 0 bb --db x.db init
	cp "$FW/valid.yaml" .
	sed 's/value: 60/value: 65/' valid.yaml > v2.yaml
	run 0 bb --db x.db framework apply valid.yaml
	run 0 bb --db x.db framework apply v2.yaml
	run 0 bb --db x.db framework versions
	eq "$(sed -n 1p out)" "version  sha256        applied_at            file"
	eq "$(sed -n 2p out | awk '{print $1, $3, $4}')" "1 2026-11-23T09:00:00Z valid.yaml"
	eq "$(sed -n 3p out | awk '{print $1, $3, $4}')" "2 2026-11-23T09:00:00Z v2.yaml"
	eq "$(wc -l < out | tr -d ' ')" 3
	run 0 bb --db x.db framework versions --json
	contains out '"file": "v2.yaml"'
	# The hash is the SHA-256 of the canonical form that show --json prints.
	h1=$(bb framework check valid.yaml --json | sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p')
	contains out "\"sha256\": \"$h1\""
}

test_show() {
	run 0 bb --db x.db init
	run 0 bb --db x.db framework apply "$DEMO"
	run 0 bb --db x.db framework show
	eq "$(sed -n 1p out)" "Riverside Promise (riverside-promise)"
	contains out "10 glossary terms, 10 code lists, 8 datasets, 6 partners, 3 outcomes, 14 indicators"
	contains out "    grade3-reading: Third graders reading at grade level [better_off, percent, school_year, higher is better]"
	contains out "  household_counts: Household counts (aggregate, 4 fields, 0 rules)"
	contains out "    ssn                    text personal identity=national_id"
	contains out "  clinic: Riverside Community Health Clinic (health; shares encodings)"
	contains out "    owes job_placements quarterly"
	contains out "    crosswalk summer_reading (sha256 "
}

test_show_source_and_json() {
	run 0 bb --db x.db init
	run 0 bb --db x.db framework apply "$DEMO"
	run 0 bb --db x.db framework show --source
	same out "$DEMO"
	run 0 bb --db x.db framework show --json
	contains out '"backbone": 1,'
	contains out '"id": "riverside-promise",'
	contains out '"hours": 0.0166666666666667'
	lacks out '"line"'
	run 0 bb --db x.db framework show --version 1 --json
	run 1 bb --db x.db framework show --version 7
	contains err "framework version 7 does not exist"
}

test_show_before_apply() {
	run 0 bb --db x.db init
	run 1 bb --db x.db framework show
	contains err "no framework applied yet; run 'backbone framework apply FILE' first"
}

test_demo_crosswalks_read_partner_files() {
	# One small file per partner, shaped as its crosswalk says, goes
	# through the real pipeline with no problem.
	run 0 bb --db x.db init
	run 0 bb --db x.db framework apply "$DEMO"
	printf 'Student ID,First Name,Last Name,DOB,Gender,Ethnicity,Grade Level,School,Enroll Date,Withdraw Date,Zip,K Ready\r\n1234567,Maria,Lopez,04/02/2020,F,4,KG,101,08/20/2025,,92501,Y\r\n1234568,Sam,Lee,01/01/1900,U,0,03,102,08/21/2025,06/01/2026,92503,\r\n' > enrollments.csv
	printf 'participant_no,first,last,dob,gender,district_id,program,start,end,minutes,completed\nA1,Ana,Ruiz,02.03.2015,Female,1234567,Homework Help,01.09.2025,,930,\n' > participation.csv
	printf 'MRN,PatientFirst,PatientLast,BirthDate,Sex,ZIP5,VisitDate,VisitType,ASQ Result\nM001,Leo,Diaz,20220314,1,92504,20251002,DEV,Typical\nM002,Ava,Kim,20210707,9,92505,20251003,WCC,\n' > clinic-export.csv
	# The clinic shares identities only as encodings (sharing: encodings).
	printf 'a secret the partners share\n' > key
	run 0 bb encode --secret-file key --id MRN --map given_name=PatientFirst \
	    --map family_name=PatientLast --map birth_date=BirthDate --map postcode=ZIP5 \
	    --keep MRN --keep Sex --keep ZIP5 --keep VisitDate --keep VisitType \
	    --keep "ASQ Result" --out visits.csv clinic-export.csv
	echo '[{"Participant ID":"W1","Name First":"Jo","Name Last":"Smith","DOB":"2003-05-06","SSN":"000000000","Phone":"9515550100","Email":"jo@example.org","Street":"12 Main St","Unit":"Apt 4","Enrolled On":"7/1/2025","Placed On":"8/15/2025","Separated On":"","Days To Placement":"45","Job Type":"FT","Wage":"18.50","Weekly Hours":"40"}]' > placements.json
	printf 'Report Date,Status,Age Group,Households\n10/1/2025,Housed,25 to 61,1840\n10/1/2025,Unsheltered,18 to 24,12\n' > households.csv
	for s in "district enrollments 2025-08 enrollments.csv 2" \
	    "afterschool program_participation 2025-09 participation.csv 1" \
	    "clinic health_visits 2025-10 visits.csv 2" \
	    "workforce job_placements 2026-Q1 placements.json 1" \
	    "housing household_counts 2025-10 households.csv 2"; do
		set -- $s
		run 0 bb --db x.db submit --partner "$1" --dataset "$2" --period "$3" "$4"
		contains out "stored as submission"
		contains out "rows       $5 read, $5 accepted, 0 refused"
		lacks out "problems:"
	done
}

# --- diff ----------------------------------------------------------------

test_diff_versions() {
	run 0 bb --db x.db init
	cp "$FW/valid.yaml" .
	sed -e 's/value: 60}/value: 65}/' \
	    -e 's/max: 120}/max: 110}/' \
	    -e 's/^glossary:$/glossary:\n  - {term: enrolled, definition: on the roll}/' \
	    -e 's/members: \[clinic\]}/members: [clinic]}\n    - {id: panel, name: Panel}/' \
	    -e '/"1": F, "2": M/s/}}/, "9": "9"}}/' \
	    -e 's/ Age: age}/}/' \
	    valid.yaml > v2.yaml
	run 0 bb framework check v2.yaml
	run 0 bb --db x.db framework apply valid.yaml
	run 0 bb --db x.db framework apply v2.yaml
	run 0 bb --db x.db framework diff 1 2
	cat > want <<'WANT'
+ glossary.enrolled
~ datasets.visits.fields.age.max: 120 -> 110
- partners.clinic.crosswalks.visits.columns.Age: age
+ partners.clinic.crosswalks.visits.codes.sex[9]: 9
~ outcomes.health.indicators.visits-count.targets[2027].value: 60 -> 65
+ decision_rights.bodies.panel
WANT
	same out want
	# A version against a file, and file against file, give the same.
	run 0 bb --db x.db framework diff 1 v2.yaml
	same out want
	run 0 bb framework diff valid.yaml v2.yaml
	same out want
	run 0 bb --db x.db framework diff 2 2
	eq "$(cat out)" "no differences"
}

test_diff_json() {
	cp "$FW/valid.yaml" .
	sed 's/value: 60}/value: 65}/' valid.yaml > v2.yaml
	run 0 bb framework diff valid.yaml v2.yaml --json
	contains out '"from": "valid.yaml"'
	contains out '"op": "changed"'
	contains out '"path": "outcomes.health.indicators.visits-count.targets[2027].value"'
	contains out '"before": 60'
	contains out '"after": 65'
}

test_diff_refuses_broken_file() {
	cp "$FW/valid.yaml" "$FW/owner-not-partner.yaml" .
	run 1 bb framework diff valid.yaml owner-not-partner.yaml
	contains err "owner-not-partner.yaml: cannot compare a framework with errors"
	run 1 bb --db x.db framework diff 1 valid.yaml
	contains err "x.db: no database here"
}

# --- Table Schema --------------------------------------------------------

test_export_schema() {
	run 0 bb framework export-schema job_placements --file "$DEMO"
	contains out '"name": "job_placements",'
	contains out '"type": "date",'
	contains out '"type": "number",'
	contains out '"maxLength": 254'
	contains out '"pattern": "[0-9]{9}"'
	contains out '"missingValues": ['
	contains out '"000000000"'
	run 0 bb framework export-schema enrollments --file "$DEMO"
	contains out '"enum": ['
	contains out '"label": "Two or more races"'
	run 1 bb framework export-schema nothing --file "$DEMO"
	contains err "the framework has no dataset 'nothing'"
}

test_export_schema_from_store() {
	run 0 bb --db x.db init
	run 0 bb --db x.db framework apply "$DEMO"
	run 0 bb --db x.db framework export-schema health_visits
	cp out stored.json
	run 0 bb framework export-schema health_visits --file "$DEMO"
	same out stored.json
	run 2 bb --db x.db framework export-schema health_visits --version 1 --file "$DEMO"
	contains err "give --version or --file, not both"
}

test_table_schema_round_trip() {
	head='backbone: 1
initiative: {id: rt, name: Round trip}'
	for ds in enrollments attendance assessments program_participation \
	    summer_reading health_visits job_placements household_counts; do
		run 0 bb framework export-schema "$ds" --file "$DEMO"
		cp out "$ds.json"
		run 0 bb framework import-schema "$ds.json" --id "$ds"
		{ echo "$head"; cat out; } > "$ds.yaml"
		run 0 bb framework check "$ds.yaml"
		run 0 bb framework export-schema "$ds" --file "$ds.yaml"
		same out "$ds.json"
	done
}

test_import_plain_table_schema() {
	cat > plain.json <<'JSON'
{
  "fields": [
    {"name": "id", "type": "integer", "constraints": {"required": true, "unique": true}},
    {"name": "colour", "type": "string", "title": "Colour",
     "constraints": {"enum": ["red", "green"]},
     "categories": [{"value": "red", "label": "Red"}]},
    {"name": "seen_at", "type": "datetime"},
    {"name": "score", "type": "number", "constraints": {"minimum": 0, "maximum": 1.5},
     "missingValues": ["", "NA"]}
  ]
}
JSON
	run 0 bb framework import-schema plain.json --id things
	contains err "plain.json: warning: field 'seen_at': type 'datetime' has no equivalent; taken as text"
	cat > want <<'WANT'
# dataset 'things' from plain.json (Frictionless Table Schema)
code_lists:
  - id: colour
    codes:
      - code: red
        label: "Red"
      - code: green
datasets:
  - id: things
    name: things
    fields:
      - name: id
        type: integer
        required: true
        unique: true
      - name: colour
        label: "Colour"
        type: code
        code_list: colour
      - name: seen_at
        type: text
      - name: score
        type: decimal
        min: 0
        max: 1.5
        missing:
          - code: "NA"
            meaning: missing
WANT
	same out want
	{ printf 'backbone: 1\ninitiative: {id: t, name: T}\n'; cat out; } > fw.yaml
	run 0 bb framework check fw.yaml
}

test_import_refuses_non_schema() {
	echo '{"name": "x"}' > no-fields.json
	run 1 bb framework import-schema no-fields.json --id x
	contains err 'no-fields.json: not a Table Schema: it needs a non-empty "fields" list'
	echo '{"fields": [' > broken.json
	run 1 bb framework import-schema broken.json --id x
	contains err "broken.json:2:"
	run 2 bb framework import-schema broken.json --id "Not An Id"
	contains err "--id 'Not An Id' is not a dataset id"
}

test_version_option_belongs_to_the_command() {
	# --version after a command's words is the command's own option when it
	# has one, and the program's version otherwise.
	run 0 bb --db x.db init
	run 1 bb --db x.db framework show --version 3
	contains err "framework version 3 does not exist"
	run 1 bb --db x.db framework show --version=3
	contains err "framework version 3 does not exist"
	run 0 bb --db x.db status --version
	contains out "backbone "
}

test_help_lists_framework_commands() {
	run 0 bb help framework
	contains out "framework check"
	contains out "framework import-schema"
}

# --- one fixture per kind of problem -------------------------------------

# a partner sharing aggregates only but owing a records dataset
test_fixture_aggregates_records() {
	fixture aggregates-records 1 \
	    "aggregates-records.yaml:23:19: partner 'clinic' shares aggregates only but owes records dataset 'visits'" \
	    "1 error, 0 warnings"
}

# a decision rule naming an approver that is not a body
test_fixture_approver_not_body() {
	fixture approver-not-body 1 \
	    "approver-not-body.yaml:49:37: decision rule 'publish': approver 'bord' is not a body (did you mean 'board'?)" \
	    "1 error, 0 warnings"
}

# a crosswalk date format with a bad token
test_fixture_bad_date_format() {
	fixture bad-date-format 1 \
	    "bad-date-format.yaml:28:23: crosswalk for 'visits': date format 'DD/MM/YYY' of field 'seen' has a year that is neither YYYY nor YY" \
	    "1 error, 0 warnings"
}

# an id that is not one
test_fixture_bad_id() {
	fixture bad-id 1 \
	    "bad-id.yaml:30:9: 'Health Outcome' is not a valid id (use lowercase letters, digits, '_', '.' and '-', starting with a letter or digit; at most 64)" \
	    "1 error, 0 warnings"
}

# a pattern that is not a regular expression
test_fixture_bad_pattern() {
	fixture bad-pattern 1 \
	    "bad-pattern.yaml:14:59: field 'pid': bad pattern '[0-9': Unmatched [, [^, [:, [., or [=" \
	    "1 error, 0 warnings"
}

# a field naming a code list that is not defined
test_fixture_code_list_undefined() {
	fixture code-list-undefined 1 \
	    "code-list-undefined.yaml:15:44: field 'sex': code list 'gender' is not defined" \
	    "1 error, 0 warnings"
}

# a crosswalk code map to a value not in the code list
test_fixture_code_map_value() {
	fixture code-map-value 1 \
	    "code-map-value.yaml:27:36: crosswalk for 'visits': code map of field 'sex' maps '2' to 'Male', which is not a code of code list 'sex' (codes: F, M; missing codes: 9)" \
	    "1 error, 0 warnings"
}

# a crosswalk constant not in the field's code list
test_fixture_constant_code() {
	fixture constant-code 1 \
	    "constant-code.yaml:29:26: crosswalk for 'visits': constant 'U' of field 'sex' is not a code of code list 'sex' (codes: F, M; missing codes: 9)" \
	    "1 error, 0 warnings"
}

# a crosswalk column mapped to a field that does not exist
test_fixture_crosswalk_field() {
	fixture crosswalk-field 1 \
	    "crosswalk-field.yaml:26:56: crosswalk for 'visits': column 'Age' maps to 'agee', which is not a field of dataset 'visits' (did you mean 'age'?)" \
	    "1 error, 0 warnings"
}

# a crosswalk for a dataset the partner does not owe
test_fixture_crosswalk_no_obligation() {
	fixture crosswalk-no-obligation 0 \
	    "crosswalk-no-obligation.yaml:23:18: warning: partner 'clinic' has a crosswalk for dataset 'visits' but no obligation for it" \
	    "0 errors, 1 warning"
}

# a disaggregation that is no field
test_fixture_disaggregation_not_field() {
	fixture disaggregation-not-field 1 \
	    "disaggregation-not-field.yaml:41:32: indicator 'visits-count': disaggregation 'gendr' is not a field of dataset 'visits' nor a band defined with 'with'" \
	    "1 error, 0 warnings"
}

# two datasets with one id
test_fixture_duplicate_id() {
	fixture duplicate-id 1 \
	    "duplicate-id.yaml:18:9: duplicate dataset id 'visits' (first at line 11)" \
	    "1 error, 0 warnings"
}

# a key twice in one mapping
test_fixture_duplicate_key() {
	fixture duplicate-key 1 \
	    "duplicate-key.yaml:32:5: duplicate key 'name' (first at line 31)" \
	    "1 error, 0 warnings"
}

# a value far from every allowed one
test_fixture_enum_value_far() {
	fixture enum-value-far 1 \
	    "enum-value-far.yaml:21:14: 'sharing' must be one of: records, encodings, aggregates (not 'everything')" \
	    "1 error, 0 warnings"
}

# a value outside an enum
test_fixture_enum_value() {
	fixture enum-value 1 \
	    "enum-value.yaml:39:19: 'category' must be one of: how_much, how_well, better_off (not 'how_mcuh'; did you mean 'how_much'?)" \
	    "1 error, 0 warnings"
}

# two partner columns filling one field
test_fixture_filled_twice() {
	fixture filled-twice 1 \
	    "filled-twice.yaml:26:61: crosswalk for 'visits': field 'age' is filled twice: by column 'Age' (line 26) and by column 'Years'" \
	    "1 error, 0 warnings"
}

# a format version this backbone does not read
test_fixture_format_version() {
	fixture format-version 1 \
	    "format-version.yaml:2:11: unsupported format version 2 (this backbone reads 'backbone: 1')" \
	    "1 error, 0 warnings"
}

# min greater than max
test_fixture_min_max() {
	fixture min-max 1 \
	    "min-max.yaml:17:41: field 'age': min 120 is greater than max 0" \
	    "1 error, 0 warnings"
}

# a missing code that is also a real code
test_fixture_missing_clash() {
	fixture missing-clash 1 \
	    "missing-clash.yaml:9:53: missing code 'F' of code list 'sex' is also one of its codes (line 8)" \
	    "1 error, 0 warnings"
}

# a required key left out
test_fixture_missing_key() {
	fixture missing-key 1 \
	    "missing-key.yaml:11:5: missing required key 'name' in dataset" \
	    "1 error, 0 warnings"
}

# an obligation for a dataset that does not exist
test_fixture_obligation_dataset() {
	fixture obligation-dataset 1 \
	    "obligation-dataset.yaml:24:19: obligation: dataset 'vists' is not a dataset (did you mean 'visits'?)" \
	    "1 error, 0 warnings"
}

# an indicator owner that is not a partner
test_fixture_owner_not_partner() {
	fixture owner-not-partner 1 \
	    "owner-not-partner.yaml:43:18: indicator 'visits-count': owner 'clinik' is not a partner (did you mean 'clinic'?)" \
	    "1 error, 0 warnings"
}

# a rule naming a field that does not exist
test_fixture_rule_field() {
	fixture rule-field 1 \
	    "rule-field.yaml:19:31: rule 'seen-ok': 'birth_date' is not a field of dataset 'visits'" \
	    "1 error, 0 warnings"
}

# an indicator missing what SMART asks for (warnings only)
test_fixture_smart() {
	fixture smart 0 \
	    "smart.yaml:33:9: warning: indicator 'visits-count' has no definition (SMART: specific)" \
	    "smart.yaml:33:9: warning: indicator 'visits-count' has no owner (SMART: assignable)" \
	    "smart.yaml:33:9: warning: indicator 'visits-count' has no target (SMART: time-bound)" \
	    "0 errors, 3 warnings"
}

# a malformed target period
test_fixture_target_period() {
	fixture target-period 1 \
	    "target-period.yaml:42:57: indicator 'visits-count': target period '2027-Q5' is not a period label (expected e.g. 2026, 2026-Q3, 2026-07, SY2026-27, FY2027 or 2026-01-15..2026-03-31)" \
	    "1 error, 0 warnings"
}

# an indicator citing a glossary term that is not defined
test_fixture_term_undefined() {
	fixture term-undefined 1 \
	    "term-undefined.yaml:36:25: indicator 'visits-count': glossary term 'enroled' is not defined" \
	    "1 error, 0 warnings"
}

# a crosswalk that never fills a required field
test_fixture_unfilled_required() {
	fixture unfilled-required 1 \
	    "unfilled-required.yaml:25:9: crosswalk for 'visits' never fills required field 'seen'" \
	    "1 error, 0 warnings"
}

# an unknown key far from every allowed one
test_fixture_unknown_key_far() {
	fixture unknown-key-far 1 \
	    "unknown-key-far.yaml:21:5: unknown key 'colour' in partner (allowed: id, name, sector, sharing, obligations, crosswalks)" \
	    "1 error, 0 warnings"
}

# an unknown key close to an allowed one
test_fixture_unknown_key() {
	fixture unknown-key 1 \
	    "unknown-key.yaml:33:9: warning: indicator 'visits-count' has no unit (SMART: measurable)" \
	    "unknown-key.yaml:37:9: unknown key 'unti' in indicator (did you mean 'unit'?)" \
	    "1 error, 1 warning"
}

# a scalar where a list is wanted
test_fixture_wrong_type_list() {
	fixture wrong-type-list 1 \
	    "wrong-type-list.yaml:33:9: warning: indicator 'visits-count' has no owner (SMART: assignable)" \
	    "wrong-type-list.yaml:43:17: 'owners' must be a list" \
	    "1 error, 1 warning"
}

# a value of the wrong type
test_fixture_wrong_type() {
	fixture wrong-type 1 \
	    "wrong-type.yaml:14:43: 'required' must be true or false" \
	    "1 error, 0 warnings"
}

run_tests
