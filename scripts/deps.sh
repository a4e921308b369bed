#!/bin/sh
# deps.sh: install the Debian packages backbone needs, when they are missing.
#
#   scripts/deps.sh build   packages to build and run backbone
#   scripts/deps.sh test    those, plus what the test suite needs
#   scripts/deps.sh bench   those, plus what the benchmarks need
#
# Installs with apt-get when run as root; otherwise prints the exact command
# to run and exits 1.  Prints nothing when everything is already there.
set -eu

BUILD="build-essential pkg-config libsqlite3-dev sqlite3 libjansson-dev libfyaml-dev
libmicrohttpd-dev libzip-dev libexpat1-dev libxlsxwriter-dev libutf8proc-dev
libsodium-dev libpq-dev libssl-dev"
TEST="check python3-openpyxl python3-jellyfish cppcheck clang libclang-rt-14-dev"
BENCH="time"

case "${1:-build}" in
build) want="$BUILD" ;;
test) want="$BUILD $TEST" ;;
bench) want="$BUILD $TEST $BENCH" ;;
*) echo "usage: scripts/deps.sh [build|test|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "backbone needs these Debian packages:$missing" >&2
	echo "install them with:  sudo apt-get update && sudo $cmd" >&2
	exit 1
fi
echo "installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
