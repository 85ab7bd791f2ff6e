#!/bin/bash
# s140-extract-timeout.sh - --query-timeout against a query that waits
# for a lock: dbs-extract gives up after the timeout with one line, and
# the server stops the query (db-lib cancels it, or the closed
# connection ends it) instead of leaving it waiting.
. "$(dirname "$0")/lib.sh"

app=dbs-check-timeout-$$
printf 'CREATE TABLE [%s].[locked] (v int)\ngo\nINSERT INTO [%s].[locked] VALUES (1)\ngo\n' \
	"$S" "$S" | srv_sql

# A second session holds a lock that blocks every reader (TRUNCATE in an
# open transaction) until it is told to roll back.
mkfifo hold.fifo
srv_sql <hold.fifo >holder.out 2>&1 &
holder=$!
exec 4>hold.fifo
printf 'BEGIN TRANSACTION\nTRUNCATE TABLE [%s].[locked]\nSELECT 1\ngo\n' \
	"$S" >&4
for _ in $(seq 100); do
	[ -s holder.out ] && break
	sleep 0.1
done

start=$(date +%s)
real_extract --view "[$S].[locked]" --query-timeout 1 --app-name "$app" \
	</dev/null >real.out 2>real.err
rs=$?
took=$(($(date +%s) - start))
DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" -U dbs --query-timeout 1 \
	--app-name tdsfault:stall=5 --view "[$S].[orders]" </dev/null \
	>ref.out 2>ref.err
{ echo "exit 1"; normalize ref.err "$TDS_SERVER"; } >want
{ echo "exit $rs"; normalize real.err "$DBS_TEST_SERVER"; } >got
d=$(diff -a -u --label 'test server (expected)' --label 'real server' want got)
report "$?" "query timeout: exit 1, one line" "$d"
report "$([ "$took" -le 6 ]; echo $?)" \
	"query timeout: given up after the timeout (took $took s)"

# the server must not keep the query waiting for its lock
n=1
for _ in $(seq 10); do
	n=$(printf "SELECT COUNT(*) FROM sys.sysprocesses WHERE RTRIM(program_name) = N'%s'\ngo\n" \
		"$app" | srv_sql)
	[ "$n" = 0 ] && break
	sleep 0.5
done
report "$([ "$n" = 0 ]; echo $?)" "query timeout: the server stops the query" \
	"5 s after dbs-extract gave up, $n session(s) named $app remain"

printf 'ROLLBACK\ngo\n' >&4
exec 4>&-
wait "$holder"
report "$?" "the lock holder rolled back" "$(cat holder.out)"

done_testing
