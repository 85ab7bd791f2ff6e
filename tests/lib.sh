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

# stream [-ijn] [-r ROWS] [-o OBJECT] [-k KEYS] [-t EXTRACTED_AT]
#        [-s COL,BOUND] [-m NAME,VALUE]... -c NAME,TYPE,SOURCE,null|notnull...
#        [-- ROW...]
# Print a dbs stream (dbs-stream(5)): the header, its meta records in the
# order of their options (-m writes any NAME), the columns, the names row,
# the ROWs (each one line of CSV text) and the trailer, which
# tests/fixtures/load/mkstream computes. Text goes in as given, so quote
# the CSV fields that need it, as in -c 'd,"decimal(9,2)",money,null';
# a quoted column name stays quoted in the names row.
#	-i	 the lines of stdin are rows too, after the ROWs
#	-j	 NDJSON: the same header as one JSON object; rows are JSON
#	-n	 no trailer, for a stream to end by hand
#	-r ROWS	 a trailer that says ROWS rows, whatever the count
stream() {
	local -a _s_meta=() _s_cols=() _s_names=() _s_mk=()
	local opt _s_name _s_in="" _s_json="" _s_end=1 OPTIND=1
	while getopts ijnr:o:k:t:s:m:c: opt; do
		case "$opt" in
		i) _s_in=1 ;;
		j) _s_json=1 _s_mk+=(--ndjson) ;;
		n) _s_end="" ;;
		r) _s_mk+=(--rows "$OPTARG") ;;
		o) _s_meta+=("#meta,object,$OPTARG") ;;
		k) _s_meta+=("#meta,key,$OPTARG") ;;
		t) _s_meta+=("#meta,extracted-at,$OPTARG") ;;
		s) _s_meta+=("#meta,since,$OPTARG") ;;
		m) _s_meta+=("#meta,$OPTARG") ;;
		c) _s_cols+=("#column,$OPTARG")
			_stream_name "$OPTARG"
			_s_names+=("$_s_name") ;;
		*) return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ "${1-}" != -- ] || shift
	{
		if [ -n "$_s_json" ]; then
			printf '%s\n' "${_s_meta[@]}" "${_s_cols[@]}" |
				_stream_json_header
		else
			printf '%s\n' '#dbs-stream,1'
			[ "${#_s_meta[@]}" -eq 0 ] || printf '%s\n' "${_s_meta[@]}"
			printf '%s\n' "${_s_cols[@]}"
			(IFS=,; printf '%s\n' "${_s_names[*]}")
		fi
		[ $# -eq 0 ] || printf '%s\n' "$@"
		[ -z "$_s_in" ] || cat
	} | if [ -n "$_s_end" ]; then
		python3 "$TOP/tests/fixtures/load/mkstream" "${_s_mk[@]}"
	else
		cat
	fi
}

# _stream_name FIELDS: set _s_name to the first CSV field of FIELDS as it
# is written: a name in quotes keeps them, doubled quotes inside too.
_stream_name() {
	local rest=${1#\"}
	if [ "$rest" = "$1" ]; then
		_s_name=${1%%,*}
		return 0
	fi
	_s_name=\"
	while [[ $rest == *\"* ]]; do
		_s_name+=${rest%%\"*}\"
		rest=${rest#*\"}
		[[ $rest == \"* ]] || return 0
		_s_name+=\"
		rest=${rest#\"}
	done
	_s_name+=$rest
}

# _stream_json_header: read the #meta and #column records of a CSV header
# and print the NDJSON header line that says the same; key and since are
# arrays, as dbs-extract writes them.
_stream_json_header() {
	python3 -c 'import csv, json, sys
head, meta, cols = {"#dbs-stream": 1}, {}, []
for r in csv.reader(sys.stdin):
    if r[0] == "#meta":
        many = r[1] in ("key", "since") or len(r) > 3
        meta[r[1]] = r[2:] if many else r[2]
    else:
        cols.append({"name": r[1], "type": r[2], "source_type": r[3],
                     "nullable": r[4] == "null"})
if meta:
    head["meta"] = meta
head["columns"] = cols
print(json.dumps(head, ensure_ascii=False, separators=(",", ":")))'
}
