# lib.sh: the harness of the end-to-end tests, sourced by tests/e2e/*.sh.
#
# A test script defines functions named test_*; `run_tests` runs each in a
# fresh temporary directory (its working directory), in a subshell with
# `set -e`, and prints one TAP-style line per test: "ok - SCRIPT: NAME" or
# "not ok - SCRIPT: NAME" followed by the test's output as comments.
#
# Helpers:
#   bb ARGS...              the backbone binary under test (sanitized build)
#   run CODE CMD...         run CMD, keep stdout in ./out and stderr in ./err,
#                           fail unless it exits with CODE, or if a sanitizer
#                           reported anything
#   contains FILE TEXT      fail unless FILE contains the fixed string TEXT
#   lacks FILE TEXT         fail if it does
#   same A B                fail unless the two files are byte-identical
#   eq GOT WANT [WHAT]      fail unless the strings are equal

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=$(cd "$ROOT/.." && pwd)/shared
BB_BIN=${BB_BIN:-$ROOT/build/san/backbone}
DATA=$ROOT/tests/data
EXAMPLES=$ROOT/examples
SCRIPT=$(basename "$0" .sh)
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=87}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=88}
export BACKBONE_NOW=${BACKBONE_NOW:-2026-11-23T09:00:00Z}
export BACKBONE_ARGON2_MIN=1
unset BACKBONE_DB

bb() { "$BB_BIN" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }

sanitizer_clean() {
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined)' "$1" 2>/dev/null; then
		cat "$1" >&2
		fail "sanitizer report"
	fi
}

run() {
	local want=$1 got=0
	shift
	"$@" >out 2>err || got=$?
	sanitizer_clean err
	if [ "$got" != "$want" ]; then
		echo "--- command: $*" >&2
		echo "--- stdout:" >&2; head -c 4000 out >&2
		echo "--- stderr:" >&2; head -c 4000 err >&2
		fail "exit code $got, wanted $want"
	fi
}

contains() {
	grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; head -c 4000 "$1" >&2; fail "$1 lacks: $2"; }
}

lacks() {
	if grep -qF -- "$2" "$1"; then echo "--- $1:" >&2; head -c 4000 "$1" >&2; fail "$1 should not contain: $2"; fi
}

same() {
	cmp -s "$1" "$2" || { diff "$1" "$2" | head -40 >&2; fail "$1 and $2 differ"; }
}

eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: got '$1', wanted '$2'"
}

run_tests() {
	local tmproot fn dir rc only=${TEST_ONLY:-}
	tmproot=$(mktemp -d "${TMPDIR:-/tmp}/bb-e2e.XXXXXX")
	for fn in $(declare -F | awk '{print $3}' | grep '^test_'); do
		[ -n "$only" ] && [ "$fn" != "test_$only" ] && continue
		dir=$(mktemp -d "$tmproot/${fn}.XXXX")
		rc=0
		(cd "$dir" && set -e && "$fn") >"$dir/.log" 2>&1 || rc=$?
		if [ "$rc" = 0 ]; then
			echo "ok - $SCRIPT: ${fn#test_}"
		else
			echo "not ok - $SCRIPT: ${fn#test_}"
			tail -n 40 "$dir/.log" | sed 's/^/#   /'
		fi
	done
	rm -rf "$tmproot"
}

# zip_of OUT NAME=TEXT...: a ZIP archive of the given members.
zip_of() {
	/usr/bin/python3 - "$@" <<'PYEOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for arg in sys.argv[2:]:
        name, text = arg.split("=", 1)
        z.writestr(name, text.encode().decode("unicode_escape").encode("latin-1"))
PYEOF
}
