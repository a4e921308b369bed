#!/bin/sh
# lint.sh: banned functions, then cppcheck.  `make lint`.
#
# Banned (after curl's list): functions with no bound on what they write or
# with hidden state.  Use bb_strlcpy, snprintf, bb_parse_i64, strtok_r.
set -u
cd "$(dirname "$0")/.."
status=0
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|atof|strtok|strncpy|tmpnam|mktemp)[[:space:]]*\('
if grep -nE "$banned" $(find src tests/unit -name '*.[ch]') ; then
	echo "lint: banned function used (see scripts/lint.sh)" >&2
	status=1
fi
if command -v cppcheck >/dev/null 2>&1; then
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --inline-suppr --suppress=missingIncludeSystem -Isrc src || status=1
fi
exit $status
