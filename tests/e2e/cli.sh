#!/usr/bin/env bash
# cli.sh: the command line itself: help, version, exit codes, --db, init.
. "$(dirname "$0")/lib.sh"

test_version() {
	run 0 bb --version
	contains out "backbone "
}

test_no_command_is_usage_error() {
	run 2 bb
	contains err "commands:"
}

test_help_lists_every_command() {
	run 0 bb help
	contains out "init"
	contains out "exit codes: 0 success, 1 input refused, 2 usage error, 3 internal error"
}

test_help_for_a_command() {
	run 0 bb help init
	contains out "usage: backbone init"
	run 0 bb init --help
	contains out "usage: backbone init"
}

test_unknown_command() {
	run 2 bb frobnicate
	contains err "'frobnicate' is not a backbone command"
}

test_unknown_option() {
	run 2 bb init --frob
	contains err "unknown option '--frob' for 'init'"
}

test_json_output() {
	run 0 bb --db x.db init --json
	contains out '"database": "x.db"'
}

test_init_then_status() {
	run 0 bb --db x.db init --name "Riverside Promise"
	contains out "created initiative in x.db"
	run 0 bb --db x.db status --json
	contains out '"initiative": "Riverside Promise"'
	contains out '"schema_version": '
}

test_init_twice_is_refused() {
	run 0 bb --db x.db init
	run 1 bb --db x.db init
	contains err "already holds the initiative"
}

test_db_from_environment() {
	BACKBONE_DB=env.db run 0 bb init
	[ -f env.db ] || fail "env.db not created"
	run 0 bb --db env.db status
}

test_missing_database() {
	run 1 bb --db nowhere.db status
	contains err "nowhere.db: no database here"
	[ ! -e nowhere.db ] || fail "status created a database"
}

test_not_a_database() {
	printf 'this is not sqlite\n%.0s' $(seq 1 200) > junk.db
	cp junk.db junk.orig
	run 1 bb --db junk.db status
	contains err "junk.db: not a usable database"
	same junk.db junk.orig
}

# An empty --db is a mistake, not ./backbone.db; a global flag takes no
# value (--json=no printed JSON).
test_empty_db_and_flag_values_refused() {
	run 0 bb init
	run 2 bb --db= status
	contains err "backbone: --db needs a PATH"
	run 2 bb status --db ''
	contains err "backbone: --db needs a PATH"
	run 2 bb status --json=no
	contains err "backbone: --json takes no value"
	run 2 bb --quiet=yes status
	contains err "backbone: --quiet takes no value"
	eq "$(cat out)" ""
}

# Several processes creating one database at once: each migration is
# applied once, whoever gets there first; the others find it applied.  One
# init wins, the rest say the initiative exists; none fails internally.
# A database in a directory nobody may write (a published copy on a
# read-only mount) is read as it is: WAL could make no -shm file there.
# Writing is refused with the reason, and the directory stays as it was.
# Needs root, to read as another user.
test_database_in_a_read_only_directory() {
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$BB_BIN" "$@"; }
	chmod 755 .. .
	if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null ||
	    ! as_nobody --version >/dev/null 2>&1; then
		echo "skipped: needs root, setpriv, and a binary others may run" >&2
		return 0
	fi
	mkdir pub
	run 0 bb --db pub/r.db init
	run 0 bb --db pub/r.db framework apply "$DATA/intake/framework.yaml"
	chmod 555 pub && chmod 644 pub/r.db
	run 0 as_nobody --db pub/r.db status
	contains out "schema version:"
	run 0 as_nobody --db pub/r.db report
	contains out "Intake Test: indicator report"
	printf 'code,n\nx,1\n' > s.csv && chmod 644 s.csv
	run 3 as_nobody --db pub/r.db submit --partner plain --dataset strict --period 2026-Q3 s.csv
	contains out "the database refused the write (attempt to write a readonly database); nothing was stored"
	eq "$(ls -A pub)" "r.db"
	chmod 755 pub
}

test_concurrent_first_open() {
	local i codes
	for round in 1 2; do
		rm -f c.db c.db-wal c.db-shm
		for i in 1 2 3 4 5 6; do
			( rc=0; bb --db c.db init --name X >"o$i" 2>"e$i" || rc=$?; echo $rc >"rc$i" ) &
		done
		wait
		for i in 1 2 3 4 5 6; do sanitizer_clean "e$i"; done
		codes=$(cat rc1 rc2 rc3 rc4 rc5 rc6 | sort | tr '\n' ' ')
		eq "$codes" "0 1 1 1 1 1 " "exit codes of six concurrent inits"
		eq "$(sqlite3 c.db 'SELECT count(*) = max(version) FROM schema_migration')" 1 \
		    "each migration recorded once"
	done
}

run_tests
