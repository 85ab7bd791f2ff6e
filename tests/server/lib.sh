# lib.sh - sourced by the make check-server scenarios (tests/server/s*.sh)
# after tests/lib.sh's set-up: the real server named by DBS_TEST_* and, as
# the expectation, the project's TDS test server serving the same views
# (the fixture tests/server/run built for this server), side by side.
#
#	. "$(dirname "$0")/lib.sh"
#	both "orders csv" --view "$(view orders)" --key '[id]'
#	done_testing
#
# tests/server/run sets DBS_CHECK_SCHEMA (the run's own schema),
# DBS_CHECK_KIND (sqlserver, babelfish, ...: see differences.json),
# DBS_CHECK_FIXTURE, DBS_CHECK_VIEWS (tsqlgen.py views), DBS_CHECK_KNOWN
# (tsqlgen.py known) and DBS_CHECK_RESULTS (a file the checks append
# "check OUTCOME NAME", "view NAME OUTCOME", "load NAME OUTCOME" to, where
# OUTCOME is pass, known or fail).
#
# shellcheck shell=bash

# tests/lib.sh and tds.sh clear the FreeTDS environment for the test
# server; the real server gets the user's back (real_env).
_u_freetdsconf=${FREETDSCONF-}
_u_tdsver=${TDSVER-}
_u_tdsdump=${TDSDUMP-}

# shellcheck source=tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=tests/fixtures/extract/tds.sh
. "$TOP/tests/fixtures/extract/tds.sh"

: "${DBS_CHECK_SCHEMA:?run through make check-server (tests/server/run)}"
: "${DBS_CHECK_FIXTURE:?}" "${DBS_CHECK_VIEWS:?}" "${DBS_CHECK_KNOWN:?}"
: "${DBS_CHECK_RESULTS:?}" "${DBS_CHECK_KIND:?}"
# shellcheck disable=SC2034 # for the scenarios
S=$DBS_CHECK_SCHEMA
# shellcheck disable=SC2034
SERVER_DIR=$TOP/tests/server

# The test server, with the real server's database name so that the
# streams' headers can be compared as they are.
tds_start "$DBS_CHECK_FIXTURE" --database "$DBS_TEST_DATABASE"

# real_env CMD...: run CMD with the user's FreeTDS settings.
real_env() {
	(
		unset FREETDSCONF TDSVER TDSDUMP
		[ -z "$_u_freetdsconf" ] || export FREETDSCONF="$_u_freetdsconf"
		[ -z "$_u_tdsver" ] || export TDSVER="$_u_tdsver"
		[ -z "$_u_tdsdump" ] || export TDSDUMP="$_u_tdsdump"
		exec "$@"
	)
}

# real_extract ARGS...: dbs-extract against the real server.
real_extract() {
	real_env dbs-extract -S "$DBS_TEST_SERVER" -D "$DBS_TEST_DATABASE" \
		-U "$DBS_TEST_USER" --password-file "$DBS_TEST_PASSWORD_FILE" "$@"
}

# ref_extract ARGS...: dbs-extract against the test server.
ref_extract() {
	DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" \
		-D "$DBS_TEST_DATABASE" -U dbs "$@"
}

# shellcheck disable=SC2120 # -k is optional
# srv_sql [-k]: run the T-SQL script on stdin on the real server
# (tests/server/dbsql.c: batches separated by "go" lines, rows printed
# tab-separated).
srv_sql() {
	real_env "$DBS_BUILD/tests/dbsql" "$@" -S "$DBS_TEST_SERVER" \
		-D "$DBS_TEST_DATABASE" -U "$DBS_TEST_USER" \
		-f "$DBS_TEST_PASSWORD_FILE"
}

# view NAME: the --view argument of the run's view NAME.
view() {
	awk -F '\t' -v n="$1" '$1 == n { print $3 }' "$DBS_CHECK_VIEWS"
}

# normalize FILE SERVER: FILE without what differs between two servers
# or runs by design: the server's name, the extraction time, the version;
# CR and NUL shown as <CR> and <NUL>.
normalize() {
	local server
	server=$(printf '%s' "$2" | sed 's/[][\.*^$/&]/\\&/g')
	sed -e 's/^#meta,extracted-at,.*$/#meta,extracted-at,X/' \
		-e 's/"extracted-at":"[^"]*"/"extracted-at":"X"/' \
		-e 's/dbs-extract [0-9][0-9.]*/dbs-extract V/' \
		-e "s/$server/SERVER/g" -e 's/\r/<CR>/g' -e 's/\x00/<NUL>/g' "$1"
}

# known NAME: print "ID: what: why" if check NAME is a known difference
# of this server (a "todo" pattern of differences.json matches it).
known() {
	local pattern id why
	while IFS=$'\t' read -r pattern id why; do
		[ "$pattern" != - ] || continue
		# shellcheck disable=SC2053 # the pattern is a glob
		if [[ $1 == $pattern ]]; then
			printf '%s: %s\n' "$id" "$why"
			return 0
		fi
	done <"$DBS_CHECK_KNOWN"
	return 1
}

# report STATUS NAME [DIAG]: a TAP line for a check (0 = pass), marked
# TODO when it is a known difference of this server (prove then counts a
# failure as expected and reports a pass as unexpected); DIAG goes to
# stderr, which prove shows.  Sets $outcome to pass, fail or known.
report() {
	local why
	_t_n=$((_t_n + 1))
	if why=$(known "$2"); then
		if [ "$1" -eq 0 ]; then
			printf 'ok %d - %s # TODO known difference: %s\n' \
				"$_t_n" "$2" "$why"
		else
			printf 'not ok %d - %s # TODO known difference: %s\n' \
				"$_t_n" "$2" "$why"
		fi
		outcome=known
	elif [ "$1" -eq 0 ]; then
		printf 'ok %d - %s\n' "$_t_n" "$2"
		outcome=pass
	else
		_t_fail=$((_t_fail + 1))
		printf 'not ok %d - %s\n' "$_t_n" "$2"
		[ -z "${3-}" ] || printf '%s\n' "$3" | sed "s/^/# $2: /" >&2
		outcome=fail
	fi
	echo "check $outcome $2" >>"$DBS_CHECK_RESULTS"
}

# worse A B: the worse of two outcomes (pass < known < fail).
worse() {
	case "$1 $2" in
	*fail*) echo fail ;;
	*known*) echo known ;;
	*) echo pass ;;
	esac
}

# both NAME ARGS...: run dbs-extract ARGS against the real server and the
# test server; pass if the exit status, the stream and the messages are
# the same (normalized).  Sets $same to 0 if they are, and $outcome.
both() {
	local name=$1 rs ts d
	shift
	real_extract "$@" </dev/null >real.out 2>real.err
	rs=$?
	ref_extract "$@" </dev/null >ref.out 2>ref.err
	ts=$?
	{ echo "exit $ts"; normalize ref.out "$TDS_SERVER"; echo "stderr:";
		normalize ref.err "$TDS_SERVER"; } >want
	{ echo "exit $rs"; normalize real.out "$DBS_TEST_SERVER";
		echo "stderr:"; normalize real.err "$DBS_TEST_SERVER"; } >got
	d=$(diff -a -u --label 'test server (expected)' --label 'real server' \
		want got)
	same=$?
	report "$same" "$name" "$d"
}

# both_error NAME ARGS...: like both, for a command the server refuses;
# whatever the server's wording, dbs-extract must fail as dbs-extract(1)
# says: exit status 1, no stream, one line naming the server.
both_error() {
	local name=$1 r=0
	both "$@"
	[ "$(head -1 got)" = "exit 1" ] || r=1
	[ -s real.out ] && r=1
	[ "$(wc -l <real.err)" -eq 1 ] || r=1
	grep -q "^dbs-extract: $(printf '%s' "$DBS_TEST_SERVER" |
		sed 's/[][\.*^$/&]/\\&/g'): " real.err || r=1
	report "$r" "$name: exit 1, no stream, one line" "$(cat got)"
}
