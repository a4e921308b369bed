#!/usr/bin/env bash
# docs.sh: the documentation keeps up with the program: every command that
# `backbone help` lists has its section in docs/cli.md, and every document
# the README links to exists.
. "$(dirname "$0")/lib.sh"

test_every_command_is_in_cli_md() {
	run 0 bb help
	sed -n '/^commands:/,/^$/p' out | awk 'NR > 1 && NF { print }' |
	    sed -E 's/^ +//; s/ {2,}.*$//' > commands
	[ -s commands ] || fail "no commands listed"
	missing=0
	while read -r c; do
		grep -qE "^##+ \`?backbone $c\`?\$" "$ROOT/docs/cli.md" || { echo "not in docs/cli.md: $c" >&2; missing=1; }
	done < commands
	[ "$missing" = 0 ] || fail "commands missing from docs/cli.md"
}

test_every_command_has_help() {
	run 0 bb help
	sed -n '/^commands:/,/^$/p' out | awk 'NR > 1 && NF { print }' |
	    sed -E 's/^ +//; s/ {2,}.*$//' > commands
	while read -r c; do
		# shellcheck disable=SC2086
		run 0 bb help $c
		contains out "usage: backbone $c"
	done < commands
}

test_readme_links_exist() {
	grep -o '](docs/[^)]*)' "$ROOT/README.md" | sed 's/^](//; s/)$//' > links
	[ -s links ] || fail "README links no docs"
	while read -r l; do
		[ -f "$ROOT/$l" ] || fail "README links to $l, which does not exist"
	done < links
}

# A command's example shows that command: the first `$ backbone ...` of the
# **Example.** under `## backbone X` runs X (global options aside).  The
# demo's example once showed link-files, and encode's the demo.
test_examples_run_their_command() {
	awk '
	/^## backbone / { cmd = substr($0, 13); inex = 0; seen = 0; next }
	/^## / { cmd = ""; next }
	/^\*\*Example\.\*\*/ { inex = 1; next }
	inex && !seen && /^\$ backbone / {
		seen = 1
		line = substr($0, 12)
		while (match(line, /^(--db [^ ]+|--json|--quiet|-q) /))
			line = substr(line, RLENGTH + 1)
		if (index(line " ", cmd " ") != 1)
			printf "example for %s runs: backbone %s\n", cmd, line
	}' "$ROOT/docs/cli.md" > wrong
	[ ! -s wrong ] || { cat wrong >&2; fail "examples that run another command"; }
}

run_tests
