#!/bin/sh
# deps.sh - install the Debian packages dbs needs to build, test and lint,
# but only those that are missing. Runs apt-get update first when it has
# something to install. Used by 'make deps' (and so 'make check').
set -eu

pkgs="gcc make clang libclang-rt-14-dev freetds-dev freetds-bin libsqlite3-dev
sqlite3 libcsv-dev libyajl-dev libxxhash-dev xxhash libinih-dev libzstd-dev zstd
python3 perl mandoc
shellcheck cppcheck clang-format hyperfine gnuplot-nox valgrind openssl
dpkg-dev debhelper lintian systemd"

missing=""
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "deps: installing:$missing" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of the package list is wanted
$sudo apt-get update -q >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing >&2
