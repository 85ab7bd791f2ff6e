# lib.sh - sourced by every CLI test (tests/tNNNN-name.sh). Gives each test
# a scratch directory, puts the built programs first in PATH, and prints
# TAP. A test file looks like:
#
#	. "$(dirname "$0")/lib.sh"
#	run dbs-load --db x.db </dev/null
#	is_status 1 "empty input fails"
#	is "$(cat stderr)" "dbs-load: stdin: ..." "message"
#	done_testing
#
# shellcheck shell=bash

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TOP
: "${DBS_BUILD:=$TOP/build}"
export DBS_BUILD
PATH="$DBS_BUILD:$TOP/scripts:$PATH"
export PATH
# Programs under test must not pick up the developer's settings.
unset DBS_PASSWORD DBS_SERVER DBS_DATABASE DBS_USER DBS_CONFIG || true
export LC_ALL=C.UTF-8 TZ=UTC

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/dbs-test.XXXXXX")
export SCRATCH
cd "$SCRATCH" || exit 1

_t_n=0      # tests reported
_t_fail=0   # of which failed
_t_cleanup=""  # extra commands run at exit

# at_exit CMD: run CMD (a string for bash -c) when the test file ends.
at_exit() {
	_t_cleanup="$_t_cleanup
$1"
}

_t_exit() {
	local rc=$?
	if [ -n "$_t_cleanup" ]; then
		bash -c "$_t_cleanup" >/dev/null 2>&1 || true
	fi
	cd / && rm -rf "$SCRATCH"
	exit "$rc"
}
trap _t_exit EXIT

# ok COND_STATUS NAME: report a test from a status (0 = pass).
_t_report() {
	_t_n=$((_t_n + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s\n' "$_t_n" "$2"
	else
		_t_fail=$((_t_fail + 1))
		printf 'not ok %d - %s\n' "$_t_n" "$2"
	fi
}

# diag TEXT: a diagnostic line for TAP.
diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# run CMD...: run a command with stdout to ./stdout and stderr to ./stderr
# and its exit status in $status. Never fails by itself.
run() {
	"$@" >stdout 2>stderr
	status=$?
	return 0
}

# run_in FILE CMD...: like run, with stdin from FILE.
run_in() {
	local in=$1
	shift
	"$@" <"$in" >stdout 2>stderr
	status=$?
	return 0
}

# ok NAME CMD...: pass if CMD exits 0.
ok() {
	local name=$1
	shift
	"$@"
	_t_report $? "$name"
}

# is GOT WANT NAME: pass if the two strings are equal.
is() {
	if [ "$1" = "$2" ]; then
		_t_report 0 "$3"
	else
		_t_report 1 "$3"
		diag "got:" "$1" "want:" "$2"
	fi
}

# is_file FILE WANT NAME: pass if FILE holds exactly WANT plus a newline
# (or is empty when WANT is empty).
is_file() {
	local got
	if [ ! -f "$1" ]; then
		_t_report 1 "$3"
		diag "no file $1"
		return 0
	fi
	got=$(cat "$1"; printf x)
	got=${got%x}
	if [ -n "$2" ]; then
		is "$got" "$2
" "$3"
	else
		is "$got" "" "$3"
	fi
}

# is_status WANT NAME: check $status from the last run. A death by signal
# (status > 128) never passes, even when a failure was wanted.
is_status() {
	if [ "$status" -gt 128 ]; then
		_t_report 1 "$2"
		diag "killed by signal $((status - 128))" "stderr:" "$(cat stderr 2>/dev/null)"
	elif [ "$status" -eq "$1" ]; then
		_t_report 0 "$2"
	else
		_t_report 1 "$2"
		diag "exit status $status, want $1" "stderr:" "$(cat stderr 2>/dev/null)"
	fi
}

# expect WANT_STATUS WANT_STDOUT WANT_STDERR NAME: check all three of the
# last run at once (stdout/stderr compared as by is_file).
expect() {
	is_status "$1" "$4: exit status"
	is_file stdout "$2" "$4: stdout"
	is_file stderr "$3" "$4: stderr"
}

# sql DB SQL: print the result of SQL on DB (sqlite3 list mode, '|').
sql() {
	sqlite3 -batch "$1" "$2"
}

# skip_all REASON: skip the whole file.
skip_all() {
	printf '1..0 # SKIP %s\n' "$1"
	exit 0
}

# done_testing: print the plan and exit non-zero if anything failed.
done_testing() {
	printf '1..%d\n' "$_t_n"
	[ "$_t_fail" -eq 0 ]
	exit $?
}

# check_transcript NAME: read a shell transcript on stdin ("$ cmd" lines,
# a trailing backslash continues a command, every other line is expected
# output of the command before it, stdout and stderr together) and run
# each command with bash in the current directory, one test per command.
check_transcript() {
	local name=$1 line cmd="" want="" n=0 got cont=0
	_t_flush_cmd() {
		[ -n "$cmd" ] || return 0
		n=$((n + 1))
		got=$(bash -c "$cmd" 2>&1)
		is "$got" "${want%$'\n'}" "$name: command $n: ${cmd%%$'\n'*}"
		cmd="" want=""
	}
	while IFS= read -r line; do
		if [ "$cont" = 1 ]; then
			cmd="$cmd"$'\n'"$line"
			case "$line" in *\\) ;; *) cont=0 ;; esac
		elif [ "${line#\$ }" != "$line" ]; then
			_t_flush_cmd
			cmd=${line#\$ }
			case "$line" in *\\) cont=1 ;; esac
		else
			want="$want$line"$'\n'
		fi
	done
	_t_flush_cmd
}

# stream [-o OBJECT] [-k KEYS] [-t EXTRACTED_AT] [-s COL,BOUND]
#        [-m NAME,VALUE]... -c NAME,TYPE,SOURCE,null|notnull... [-- ROW...]
# Print a complete CSV dbs stream (dbs-stream(5)) with its trailer: the
# meta records asked for, the columns, the names row and the CSV rows
# given (each one line of CSV text). Fields of -c with commas, such as
# "decimal(18,4)", are quoted: -c 'amount,"decimal(18,4)","decimal(18,4)",null'.
# A column name must need no quoting (the names row is written bare).
stream() {
	local -a _s_meta=() _s_cols=() _s_names=()
	local opt
	OPTIND=1
	while getopts o:k:t:s:m:c: opt; do
		case "$opt" in
		o) _s_meta+=("#meta,object,$OPTARG") ;;
		k) _s_meta+=("#meta,key,$OPTARG") ;;
		t) _s_meta+=("#meta,extracted-at,$OPTARG") ;;
		s) _s_meta+=("#meta,since,$OPTARG") ;;
		m) _s_meta+=("#meta,$OPTARG") ;;
		c) _s_cols+=("#column,$OPTARG")
			_s_names+=("${OPTARG%%,*}") ;;
		*) return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ "${1-}" != -- ] || shift
	{
		printf '%s\n' '#dbs-stream,1'
		[ "${#_s_meta[@]}" -eq 0 ] || printf '%s\n' "${_s_meta[@]}"
		printf '%s\n' "${_s_cols[@]}"
		(IFS=,; printf '%s\n' "${_s_names[*]}")
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} | python3 "$TOP/tests/fixtures/load/mkstream"
}
