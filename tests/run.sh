#!/usr/bin/env bash
# run.sh: run every test layer against the sanitized build and print the
# closing line "N passed, N failed".  Called by `make test`.
#
#   tests/run.sh            everything
#   TEST_ONLY=name SCRIPTS=tests/e2e/cli.sh tests/run.sh   a subset
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=exitcode=86:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ -z "${SCRIPTS:-}" ]; then
	echo "== unit tests"
	build/san/unit-tests >"$log" 2>&1
	urc=$?
	grep -vE '^(Running suite|100%)' "$log" | grep -v '^unit:' | head -100
	line=$(grep '^unit:' "$log" || true)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^unit: ([0-9]+) passed, ([0-9]+) failed/\1/')
		f=$(echo "$line" | sed -E 's/^unit: ([0-9]+) passed, ([0-9]+) failed/\2/')
		passed=$((passed + p))
		failed=$((failed + f))
		echo "$line"
	else
		tail -20 "$log"
		echo "unit: the runner did not finish (exit $urc)"
		failed=$((failed + 1))
	fi
fi

echo "== end-to-end tests"
scripts=${SCRIPTS:-$(ls tests/e2e/*.sh | grep -v '/lib\.sh$')}
# Two at a time (the machine has two cores); each script's output is kept
# whole so lines do not interleave.
outdir=$(mktemp -d)
printf '%s\n' $scripts | xargs -P 2 -I{} sh -c 'bash "{}" > "'"$outdir"'/$(basename {}).out" 2>&1; echo "exit $?" >> "'"$outdir"'/$(basename {}).out"'
for s in $scripts; do
	o="$outdir/$(basename "$s").out"
	grep -v '^exit [0-9]*$' "$o" | grep -v '^ok - ' || true
	p=$(grep -c '^ok - ' "$o" || true)
	f=$(grep -c '^not ok - ' "$o" || true)
	code=$(tail -1 "$o" | sed 's/^exit //')
	if [ "$code" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $(basename "$s"): the script itself failed (exit $code)"
		f=1
	fi
	echo "$(basename "$s" .sh): $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done
rm -rf "$outdir"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
