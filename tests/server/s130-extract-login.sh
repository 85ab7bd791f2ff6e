#!/bin/bash
# s130-extract-login.sh - logins the server refuses: a wrong password, a
# database that does not exist.  dbs-extract must fail with one line that
# names the server and carries the server's message, no stream, exit 1;
# the message itself is compared with the test server's (SQL Server's
# wording), the user's name taken out.
. "$(dirname "$0")/lib.sh"

printf 'not the password\n' >wrong.pw
chmod 600 wrong.pw

# login NAME ARGS...: dbs-extract ARGS against both servers, with the
# right user and the password given by the caller (DBS_PASSWORD for the
# test server, --password-file for the real one).
login() {
	local name=$1 d r=0
	shift
	real_env dbs-extract -S "$DBS_TEST_SERVER" -U "$DBS_TEST_USER" "$@" \
		--query 'SELECT 1 AS a' </dev/null >real.out 2>real.err
	echo "exit $?" >got
	dbs-extract -S "$TDS_SERVER" -U dbs "${ref_args[@]}" \
		--query 'SELECT 1 AS a' </dev/null >ref.out 2>ref.err
	echo "exit $?" >want
	normalize real.err "$DBS_TEST_SERVER" |
		sed "s/$DBS_TEST_USER/USER/g" >>got
	normalize ref.err "$TDS_SERVER" | sed "s/'dbs'/'USER'/g" >>want
	d=$(diff -a -u --label 'test server (expected)' \
		--label 'real server' want got)
	report "$?" "$name" "$d"
	[ "$(head -1 got)" = "exit 1" ] || r=1
	[ -s real.out ] && r=1
	[ "$(wc -l <real.err)" -eq 1 ] || r=1
	report "$r" "$name: exit 1, no stream, one line" "$(cat got)"
}

ref_args=(-D "$DBS_TEST_DATABASE")
DBS_PASSWORD='not the password' login "error: wrong password" \
	-D "$DBS_TEST_DATABASE" --password-file wrong.pw
ref_args=(-D dbs_check_no_such_db)
DBS_PASSWORD=secret login "error: unknown database" \
	-D dbs_check_no_such_db --password-file "$DBS_TEST_PASSWORD_FILE"

done_testing
