#!/usr/bin/env bash
# link.sh: `backbone link-files` and `backbone encode`: behaviour on small
# files (sanitized build), and accuracy on FEBRL (the release build, for
# speed), pairwise P / R / F1 computed by pairwise.awk and printed.
. "$(dirname "$0")/lib.sh"

FEBRL=$SHARED/linkage/febrl
REL=$ROOT/build/backbone
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

people() {
	cat > a.csv <<'EOF'
id,First Name,Surname,DOB,Zip,Sex
a1,William,Harrington,1971-04-12,3000,M
a2,Zoë,Castellanos,1990-01-05,2600,F
a3,Jonathan,Quixley,1988-09-30,3011,M
a4,Mary,Oyelaran,1966-02-11,2144,F
EOF
	cat > b.csv <<'EOF'
ref,given,family,birth,postcode
b1,Bill,Harrington,12/04/1971,3000
b2,Zoe,Castellanos,1990-01-05,2600
b3,Rebecca,Quixley,1988-09-30,3011
b4,Mary,Oyelaran,1966-02-11,2144
b5,Mary,Oyelaran,1966-02-11,2144
EOF
}

# f1_of OUT: "P R F1 TP FP FN" of a link-files result.
f1_of() { awk -F, -f "$ROOT/tests/e2e/pairwise.awk" "$1"; }

# floor NAME RESULT MIN: record the figures, fail when F1 < MIN.
floor() {
	local p r f
	read -r p r f _ <<<"$2"
	echo "accuracy: $1: P $p R $r F1 $f (floor $3)" >> "$RESULTS"
	awk -v f="$f" -v m="$3" 'BEGIN { exit !(f >= m) }' || fail "$1: F1 $f below $3"
}

# The release build, brought up to date (make does nothing when it is).
release() {
	make -s -C "$ROOT" build/backbone >/dev/null 2>&1 || fail "cannot build $REL"
}

test_links_across_files_with_guessed_mapping() {
	people
	run 1 bb link-files --id id a.csv b.csv
	contains err "b.csv: no column 'id' for --id"
	run 0 bb link-files --id id --id ref a.csv b.csv
	contains err "a.csv: guessed mapping: given_name=first_name, family_name=surname, birth_date=dob, sex=sex, postcode=zip"
	contains err "b.csv: guessed mapping: given_name=given, family_name=family, birth_date=birth, postcode=postcode"
	cat > want <<'EOF'
file,id,participant_id
a.csv,a1,1
a.csv,a2,2
a.csv,a3,3
a.csv,a4,4
b.csv,b1,1
b.csv,b2,2
b.csv,b3,5
b.csv,b4,4
b.csv,b5,4
EOF
	same out want
	# Without --id, ids are row numbers.
	run 0 bb --quiet link-files b.csv
	contains out "b.csv,5,"
}

test_map_and_id_options() {
	people
	run 0 bb --quiet link-files --id ref --map given_name=given --map family_name=family \
	    --map birth_date=birth b.csv
	printf 'file,id,participant_id\nb.csv,b1,1\nb.csv,b2,2\nb.csv,b3,3\nb.csv,b4,4\nb.csv,b5,4\n' > want
	same out want
	[ ! -s err ] || fail "--quiet should print nothing"
	# Several columns for one field, joined in header order.
	printf 'num,street,given,family\n12,Oak St,Ann,Lee\n12,Oak Street,Ann,Lee\n' > c.csv
	run 0 bb link-files --map address=street --map address=num --map given_name=given \
	    --map family_name=family c.csv
	contains out "c.csv,2,1"
}

test_same_input_same_output() {
	people
	run 0 bb --quiet link-files a.csv b.csv
	cp out first
	run 0 bb --quiet link-files a.csv b.csv
	same out first
}

test_refusals() {
	people
	run 2 bb link-files --map nickname=given b.csv
	contains err "FIELD must be one of given_name"
	run 2 bb link-files --map given_name b.csv
	contains err "must be FIELD=COLUMN"
	run 1 bb link-files --map given_name=nope b.csv
	contains err "b.csv: no column 'nope' (for --map given_name=nope)"
	run 1 bb link-files --id nope b.csv
	contains err "b.csv: no column 'nope' for --id"
	printf 'colour,size\nred,1\n' > x.csv
	run 1 bb link-files x.csv
	contains err "x.csv: no identity field found"
	run 1 bb link-files missing.csv
	contains err "missing.csv"
	run 1 bb link-files --encoded b.csv
	contains err "b.csv: no 'clk' column"
	printf 'id,clk\n1,notbase64\n' > bad.enc
	run 1 bb link-files --encoded bad.enc
	contains err "bad.enc: record 1: clk is not a 1024-bit base64 encoding"
}

test_encode_writes_no_readable_data() {
	people
	printf 'correct horse battery staple\n' > key
	run 0 bb encode --secret-file key --id id a.csv
	cp out first
	eq "$(head -1 out)" "id,clk,blocks"
	eq "$(wc -l < out | tr -d ' ')" 5 "lines"
	for w in illiam arrington Castellanos 1971 3000; do lacks out "$w"; done
	grep -qE '^a1,[A-Za-z0-9+/]{171}=,([0-9a-f]{16}|-)( ([0-9a-f]{16}|-)){3}$' out || fail "bad line: $(sed -n 2p out)"
	# The same key gives the same encodings; another key others.
	run 0 bb --quiet encode --secret-file key --id id --out a.enc a.csv
	same a.enc first
	printf 'another secret of some length\n' > key2
	run 0 bb --quiet encode --secret-file key2 --id id a.csv
	[ "$(sed -n 2p out)" != "$(sed -n 2p a.enc)" ] || fail "the key changed nothing"
	# Encodings of both files link as the plain files do (one-to-one).
	run 0 bb --quiet encode --secret-file key --id ref --out b.enc b.csv
	run 0 bb --quiet link-files --encoded a.enc b.enc
	contains out "a.enc,a2,2"
	contains out "b.enc,b2,2"
}

test_encode_refusals() {
	people
	run 2 bb encode a.csv
	contains err "--secret-file KEY is required"
	printf 'short\n' > key
	run 1 bb encode --secret-file key a.csv
	contains err "key: the secret must hold at least 16 bytes"
	run 1 bb encode --secret-file nokey a.csv
	contains err "nokey"
	printf 'a long enough secret\n' > key
	run 3 bb encode --secret-file key --out nodir/x.enc a.csv
	contains err "nodir/x.enc"
	[ ! -e nodir ] || fail "created nodir"
}

# Found in review (2026-11): a disk filling up half-way went unnoticed:
# encode --out renamed a truncated file into place and said "encoded N
# records", exit 0; link-files (any command) writing to a full standard
# output exited 0.  A refused write is now exit 3, and encode leaves no
# file behind.
test_a_full_disk_is_an_error() {
	/usr/bin/python3 -c "
print('given_name,family_name,dob')
for i in range(5000): print('john%d,smith,1990-01-01' % i)" > big.csv
	printf 'a long enough secret\n' > key
	rc=0
	(ulimit -f 64; trap '' XFSZ; bb encode --secret-file key --out big.enc big.csv) >out 2>err || rc=$?
	sanitizer_clean err
	eq "$rc" 3 "exit code of encode on a full disk"
	contains err "big.enc"
	lacks err "encoded 5000 records"
	[ ! -e big.enc ] || fail "a truncated big.enc was left"
	[ -z "$(ls big.enc.tmp* 2>/dev/null)" ] || fail "the temporary file was left"
	rc=0
	bb link-files big.csv >/dev/full 2>err || rc=$?
	sanitizer_clean err
	eq "$rc" 3 "exit code of link-files on a full standard output"
	contains err "standard output"
	run 0 bb --quiet encode --secret-file key --out big.enc big.csv
	eq "$(wc -l < big.enc | tr -d ' ')" 5001 "lines"
}

test_febrl_4a_4b_link() {
	release
	run 0 "$REL" --quiet link-files --id rec_id "$FEBRL/dataset4a.csv" "$FEBRL/dataset4b.csv"
	eq "$(wc -l < out | tr -d ' ')" 10001 "lines"
	floor "FEBRL 4a+4b link" "$(f1_of out)" 0.998
}

test_febrl_dataset3_dedupe() {
	release
	run 0 "$REL" --quiet link-files --id rec_id "$FEBRL/dataset3.csv"
	floor "FEBRL dataset3 dedupe" "$(f1_of out)" 0.994
}

test_febrl_dataset1_and_2_dedupe() {
	release
	run 0 "$REL" --quiet link-files --id rec_id "$FEBRL/dataset1.csv"
	floor "FEBRL dataset1 dedupe" "$(f1_of out)" 0.995
	run 0 "$REL" --quiet link-files --id rec_id "$FEBRL/dataset2.csv"
	floor "FEBRL dataset2 dedupe" "$(f1_of out)" 0.995
}

test_febrl_4a_4b_encoded() {
	release
	printf 'febrl linkage test secret\n' > key
	run 0 "$REL" --quiet encode --secret-file key --id rec_id --out a.enc "$FEBRL/dataset4a.csv"
	run 0 "$REL" --quiet encode --secret-file key --id rec_id --out b.enc "$FEBRL/dataset4b.csv"
	lacks a.enc "michaela"
	run 0 "$REL" --quiet link-files --encoded a.enc b.enc
	floor "FEBRL 4a+4b encoded" "$(f1_of out)" 0.995
}

test_febrl_dataset3_encoded_dedupe() {
	release
	printf 'febrl linkage test secret\n' > key
	run 0 "$REL" --quiet encode --secret-file key --id rec_id --out d3.enc "$FEBRL/dataset3.csv"
	run 0 "$REL" --quiet link-files --encoded d3.enc
	floor "FEBRL dataset3 encoded dedupe" "$(f1_of out)" 0.98
}

run_tests
sort "$RESULTS"
