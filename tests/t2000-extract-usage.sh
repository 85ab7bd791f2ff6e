#!/bin/bash
# t2000-extract-usage.sh - dbs-extract's command line: --help, --version,
# and every usage error with its exact message and exit status 2, checked
# before any connection is tried. A password is never taken from argv and
# never repeated in a message.
. "$(dirname "$0")/lib.sh"

# usage_error MESSAGE ARGS...: dbs-extract ARGS fails with status 2,
# prints nothing on stdout and exactly "dbs-extract: MESSAGE" on stderr.
usage_error() {
	local msg=$1
	shift
	run dbs-extract "$@"
	expect 2 "" "dbs-extract: $msg" "usage: $*"
}

run dbs-extract --help
is_status 0 "--help: exit status"
is "$(head -1 stdout)" \
	"usage: dbs-extract [-c file] [--no-env] [-S server] [-D database]" \
	"--help: starts with the usage line"
is "$(grep -c -e "^  --password-file" -e "^  --since" -e "^  --format" stdout)" 3 \
	"--help: lists the options"
is_file stderr "" "--help: nothing on stderr"
run dbs-extract -h
is "$(cat stdout)" "$(dbs-extract --help)" "-h is --help"
dbs-extract --help >/dev/full 2>err
is "$?" 1 "--help >/dev/full: exit status 1"
is_file err "dbs-extract: stdout: No space left on device" \
	"--help >/dev/full: message"

version=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
run dbs-extract --version
is_status 0 "--version: exit status"
is "$(sed 's/ (freetds v[0-9.]*)$//' stdout)" "dbs-extract $version" \
	"--version: program version and FreeTDS version"

# what to extract
usage_error "give --view or --query"
usage_error "give --view or --query" -S host
usage_error "--view and --query are exclusive" --view v --query 'SELECT 1'
usage_error "--query: empty query" --query ' '
for opt in columns where order-by; do
	usage_error "--$opt needs --view (with --query, write it into the query)" \
		--query 'SELECT 1' "--$opt" x
done
usage_error "--since needs --view (with --query, write it into the query)" \
	--query 'SELECT 1' --since x=1
usage_error "--view: expected [schema.]name (the database is -D)" --view a.b.c
usage_error "--view: empty name" --view ''
usage_error "--view: empty name" --view 'dbo.'
usage_error "--view: empty name" --view '[]'
usage_error "--view: missing ']'" --view '[abc'
usage_error "--view: junk after ']'" --view '[a]b'
usage_error "--view: unexpected character in a name (use [brackets])" \
	--view 'a]b'
usage_error "--columns: empty name" --view v --columns 'a,,b'
usage_error "--key: empty name" --view v --key 'a,'
usage_error "--key: column \"id\" named twice" --view v --key 'id,[id]'
usage_error "--order-by: unexpected character in a name (use [brackets])" \
	--view v --order-by 'a[1]'
usage_error "--since: expected COLUMN=VALUE" --view v --since modified
usage_error "--since: empty name" --view v --since =1
usage_error "--format: unknown format \"xml\" (csv or ndjson)" \
	--view v --format xml
usage_error "--plain is for --format csv only" --view v --format ndjson --plain

# connection settings
usage_error "-S: empty value" -S '' --view v
usage_error "--tds-version: expected 7.0, 7.1, 7.2, 7.3, 7.4, 5.0 or auto" \
	--view v --tds-version 8.0
usage_error "--encrypt: expected off, request, require or strict" \
	--view v --encrypt yes
for t in -0 -1 abc 1.5 2000001 ' 5' 0x10 +5; do
	usage_error "--login-timeout: expected a number of seconds from 0 to 2000000" \
		--view v --login-timeout "$t"
done
usage_error "--query-timeout: expected a number of seconds from 0 to 2000000" \
	--view v --query-timeout -1
usage_error "--ca-file: FreeTDS cannot use a path with ';', '#', a line break or leading, trailing or repeated spaces" \
	--view v --ca-file 'a;b.pem'
usage_error "--ca-file: FreeTDS cannot use a path with ';', '#', a line break or leading, trailing or repeated spaces" \
	--view v --ca-file 'a  b.pem'
usage_error "no server: give -S, DBS_SERVER or server in the config file" \
	--view v

# passwords never on the command line, and never echoed
nopw="a password on the command line is visible to every user of this machine: use DBS_PASSWORD, --password-file FILE or -P - (stdin)"
usage_error "-P takes only '-' (read the password from stdin): $nopw" \
	-S h --view v -P s3cret
usage_error "-P takes only '-' (read the password from stdin): $nopw" \
	-S h --view v -Ps3cret
usage_error "--password is refused: $nopw" -S h --view v --password=s3cret
usage_error "--password is refused: $nopw" -S h --view v --password s3cret
usage_error "unknown option --passwd (see dbs-extract --help)" \
	-S h --view v --passwd=s3cret
usage_error "-P - and --password-file are exclusive" \
	-S h --view v -P - --password-file pw
usage_error "password file nofile: No such file or directory" \
	-S h --view v --password-file nofile

# getopt errors
usage_error "unknown option --frobnicate (see dbs-extract --help)" \
	--frobnicate --view v
usage_error "unknown option -x (see dbs-extract --help)" -x --view v
usage_error "missing value for --view (see dbs-extract --help)" --view
usage_error "missing value for -S (see dbs-extract --help)" --view v -S
usage_error "unexpected argument \"extra\" (see dbs-extract --help)" \
	--view v extra

# bad settings from the environment are usage errors too
DBS_TDS_VERSION=9.9 run dbs-extract -S h --view v
expect 2 "" "dbs-extract: DBS_TDS_VERSION: expected 7.0, 7.1, 7.2, 7.3, 7.4, 5.0 or auto" \
	"bad DBS_TDS_VERSION"
DBS_QUERY_TIMEOUT=never run dbs-extract -S h --view v
expect 2 "" "dbs-extract: DBS_QUERY_TIMEOUT: expected a number of seconds from 0 to 2000000" \
	"bad DBS_QUERY_TIMEOUT"

# --encrypt strict needs TDS 8.0, which FreeTDS 1.3 does not have
if dbs-extract --version | grep -q 'freetds v1\.[0-3]\.'; then
	run dbs-extract -S 127.0.0.1:1 --view v --encrypt strict
	is_status 1 "--encrypt strict with FreeTDS 1.3: exit status"
	is "$(sed 's/this is freetds v.*/this is freetds vX/' stderr)" \
		"dbs-extract: 127.0.0.1:1: --encrypt strict (TDS 8.0) needs FreeTDS 1.4 or later, this is freetds vX" \
		"--encrypt strict with FreeTDS 1.3: message"
fi

done_testing
