#!/bin/bash
# t2020-extract-errors.sh - every way an extraction fails gives one clear
# line on stderr, exit status 1, and no trailer (so dbs-load commits
# nothing); -o never leaves a file behind, and writes special files
# directly. The server's words are SQL Server's, or Sybase ASE's with
# DBS_TEST_TDSVER=5.0.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db "$TOP/tests/fixtures/extract/small.json"
tds_fixture gen.db --generate dbo.gen --rows 20000
tds_start fx.db
good=$TDS_SERVER
export DBS_PASSWORD=secret

# fails STATUS STDERR NAME: the last run failed with exactly this message
# and wrote no trailer.
fails() {
	is_status "$1" "$3: exit status"
	is "$(cat stderr)" "$2" "$3: message"
	is "$(grep -c -e '^#end' -e '#dbs-end' stdout)" 0 "$3: no trailer"
}

DBS_PASSWORD=wrong run dbs-extract -S "$good" -U dbs --view dbo.orders
fails 1 "dbs-extract: $good: login failed: $(by_proto \
	"Login failed for user 'dbs'. (server message 18456)" \
	"Login failed. (server message 4002)")" "wrong password"
is "$(grep -c wrong stderr)" 0 "wrong password: the password is not shown"

run dbs-extract -S "$good" -U nobody --view dbo.orders
fails 1 "dbs-extract: $good: login failed: $(by_proto \
	"Login failed for user 'nobody'. (server message 18456)" \
	"Login failed. (server message 4002)")" "unknown user"

run dbs-extract -S "$good" -U dbs -D nodb --view dbo.orders
fails 1 "dbs-extract: $good: $(by_proto \
	"Cannot open database \"nodb\" requested by the login. The login failed. (server message 4060)" \
	"Attempt to locate entry in sysdatabases for database 'nodb' by name failed - no entry found under that name. Make sure that name is entered properly. (server message 911)")" \
	"unknown database"

port=$(closed_port)
run dbs-extract -S "127.0.0.1:$port" -U dbs --view dbo.orders
fails 1 "dbs-extract: 127.0.0.1:$port: cannot connect to the server: Connection refused (db-lib error 20009)" \
	"nothing listening"

run dbs-extract -S no-such-host.invalid -U dbs --view dbo.orders
fails 1 "dbs-extract: no-such-host.invalid: unknown server (not a host, host:port, host\\instance or freetds.conf entry) (db-lib error 20012)" \
	"unknown host"

run dbs-extract -S "$good" -U dbs --view dbo.nosuch
fails 1 "dbs-extract: $good: $(by_proto \
	"Invalid object name 'dbo.nosuch'." \
	"dbo.nosuch not found. Specify owner.objectname or use sp_help to check whether the object exists (sp_help may produce lots of output).") (server message 208)" \
	"unknown view"
is_file stdout "" "unknown view: nothing on stdout"

run dbs-extract -S "$good" -U dbs --view dbo.secret
fails 1 "dbs-extract: $good: $(by_proto \
	"The SELECT permission was denied on the object 'secret', database 'demo', schema 'dbo'." \
	"SELECT permission denied on object secret, database demo, owner dbo") (server message 229)" \
	"no permission"

run dbs-extract -S "$good" -U dbs --query 'SELECT id FROM dbo.orders' \
	--key nosuch
fails 1 "dbs-extract: $good: key column \"nosuch\" is not in the result" \
	"key not in the result"

run dbs-extract -S "$good" -U dbs --query 'SELECT id, id FROM dbo.orders'
fails 1 "dbs-extract: $good: column name \"id\" appears twice" \
	"duplicate column names"

# no -U: FreeTDS tries Kerberos, which this machine has no ticket for
run dbs-extract -S "$good" --view dbo.orders
kerberos="no -U was given, so FreeTDS tried a Kerberos (GSSAPI) login: give -U for a login with a password"
fails 1 "dbs-extract: $good: login failed$(by_proto \
	" (db-lib error 20002)" ""); $kerberos" "no -U: the message says Kerberos"

# a server that accepts the connection and never answers: the login
# times out (db-lib's own default would be to wait forever)
mute_start
run dbs-extract -S "$MUTE_SERVER" -U dbs --view dbo.orders \
	--tds-version 7.4 --login-timeout 1
fails 1 "dbs-extract: $MUTE_SERVER: login timed out after 1 s (db-lib error 20003)" \
	"login timeout"
# with TDS 5.0, FreeTDS 1.3 then never returns (its logout loops); the
# watchdog ends the run, and -o leaves nothing
run dbs-extract -S "$MUTE_SERVER" -U dbs --view dbo.orders \
	--tds-version 5.0 --login-timeout 1 -o mute.csv
fails 1 "dbs-extract: $MUTE_SERVER: login timed out after 1 s (db-lib error 20003)" \
	"login timeout, TDS 5.0: the watchdog"
is "$(find . -maxdepth 1 -name '*mute.csv*')" "" \
	"login timeout, TDS 5.0: no file left"
# with "auto" a timeout is not waited for again with TDS 5.0: one
# connection, and the message tells the time the login took
run dbs-extract -S "$MUTE_SERVER" -U dbs --view dbo.orders \
	--login-timeout 1
fails 1 "dbs-extract: $MUTE_SERVER: login timed out after 1 s (db-lib error 20003)" \
	"login timeout, auto"
is "$(find "$MUTE_RECORD" -name 'conn-*.bin' | wc -l)" 3 \
	"login timeout, auto: one connection (three runs so far)"

# query timeout: the server waits 3 s before answering
tds_start fx.db --fault stall=3
run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.orders --query-timeout 1
fails 1 "dbs-extract: $TDS_SERVER: query timed out after 1 s (db-lib error 20003)" \
	"query timeout"
is_file stdout "" "query timeout: nothing on stdout"

# the connection drops after 2 rows: no trailer, and dbs-load downstream
# commits nothing
tds_start fx.db --fault drop-after=2
drop=$TDS_SERVER
run dbs-extract -S "$drop" -U dbs --view dbo.orders --key id
fails 1 "dbs-extract: $drop: after 2 rows: connection lost (reading from the server failed) (db-lib error 20017)" \
	"connection dropped after 2 rows"
dbs-extract -S "$drop" -U dbs --view dbo.orders --key id 2>/dev/null |
	dbs-load --db drop.db --table orders >/dev/null 2>&1
is "${PIPESTATUS[*]}" "1 1" "dropped connection | dbs-load: both fail"
is "$(sqlite3 drop.db "SELECT count(*) FROM sqlite_master WHERE name = 'orders'")" \
	0 "dropped connection | dbs-load: nothing committed"

# the server sends an error token in the middle of the rows
tds_start fx.db --fault error-after=2
run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.orders
fails 1 "dbs-extract: $TDS_SERVER: after 2 rows: $(by_proto \
	"Transaction (Process ID 51) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction." \
	"Your server command (family id #0, process id #52) encountered a deadlock situation. Please re-run your command.") (server message 1205)" \
	"deadlock error after 2 rows"
tds_start fx.db --fault error-after=3 --fault error=50000
run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.orders --format ndjson
fails 1 "dbs-extract: $TDS_SERVER: after 3 rows: tdsserver: injected error after 3 rows (server message 50000)" \
	"user error after 3 rows (ndjson)"

# login refused by the server for every user
tds_start fx.db --fault refuse-login
run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.orders
fails 1 "dbs-extract: $TDS_SERVER: login failed: $(by_proto \
	"Login failed for user 'dbs'. (server message 18456)" \
	"Login failed. (server message 4002)")" \
	"login refused"

# write errors on stdout: a full disk, a reader that went away
dbs-extract -S "$good" -U dbs --view dbo.orders >/dev/full 2>stderr
status=$?
is_status 1 "/dev/full: exit status"
is_file stderr "dbs-extract: stdout: No space left on device" \
	"/dev/full: message"

tds_start gen.db
gen=$TDS_SERVER
dbs-extract -S "$gen" -U dbs --view dbo.gen 2>err | head -c 10 >head.out
is "${PIPESTATUS[0]}" 1 "closed pipe: exit status 1, not SIGPIPE"
is_file err "dbs-extract: stdout: Broken pipe" "closed pipe: message"
is "$(cat head.out)" "#dbs-strea" "closed pipe: the reader got its bytes"

# -o: a complete file appears only at the end, under its own name, with
# the usual mode; a failure leaves nothing behind
mkdir out
umask 022
run dbs-extract -S "$good" -U dbs --view dbo.orders --key id -o out/o.csv
is_status 0 "-o: exit status"
is_file stdout "" "-o: nothing on stdout"
is_file stderr "" "-o: no message"
dbs-extract -S "$good" -U dbs --view dbo.orders --key id >direct.csv
is "$(strip_volatile out/o.csv)" "$(strip_volatile direct.csv)" \
	"-o: same stream as on stdout"
is "$(stat -c %a out/o.csv)" 644 "-o: mode follows the umask"
is "$(ls -A out)" "o.csv" "-o: no temporary file left"

run dbs-extract -S "$good" -U dbs --view dbo.nosuch -o out/bad.csv
is_status 1 "-o, unknown view: exit status"
is "$(ls -A out)" "o.csv" "-o, unknown view: no file, no temporary file"

run dbs-extract -S "$drop" -U dbs --view dbo.orders -o out/drop.csv
is_status 1 "-o, dropped connection: exit status"
is "$(ls -A out)" "o.csv" "-o, dropped connection: no file"

cp out/o.csv keep.csv
run dbs-extract -S "$good" -U dbs --view dbo.nosuch -o out/o.csv
is_status 1 "-o over an old file, failing: exit status"
is "$(cmp out/o.csv keep.csv && echo same)" same \
	"-o over an old file, failing: the old file is untouched"

run dbs-extract -S "$good" -U dbs --view dbo.orders -o nodir/x.csv
fails 1 "dbs-extract: nodir/x.csv: No such file or directory" \
	"-o in a missing directory"

# -o onto a special file writes it directly (no temporary file can be
# renamed onto it): a FIFO stays a FIFO and its reader gets the stream;
# /dev/fd/1 is standard output (the temporary file would be in /proc)
mkdir special
mkfifo special/fifo
timeout 60 cat special/fifo >fifo.got &
reader=$!
run dbs-extract -S "$good" -U dbs --view dbo.orders --key id -o special/fifo
wait "$reader"
is_status 0 "-o FIFO: exit status"
is_file stderr "" "-o FIFO: no message"
is "$(strip_volatile fifo.got)" "$(strip_volatile direct.csv)" \
	"-o FIFO: its reader got the stream"
is "$(stat -c %F special/fifo) $(ls -A special)" "fifo fifo" \
	"-o FIFO: still a FIFO, no temporary file"
run dbs-extract -S "$good" -U dbs --view dbo.orders --key id -o /dev/fd/1
is_status 0 "-o /dev/fd/1: exit status"
is_file stderr "" "-o /dev/fd/1: no message"
is "$(strip_volatile stdout)" "$(strip_volatile direct.csv)" \
	"-o /dev/fd/1: the stream on standard output"

# while the query runs, only the temporary file exists; SIGTERM removes it
tds_start fx.db --fault stall=5
dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.orders -o out/slow.csv \
	2>slow.err &
pid=$!
for _ in $(seq 100); do
	tmp=$(find out -maxdepth 1 -name '.slow.csv.*')
	[ -n "$tmp" ] && break
	sleep 0.05
done
is "${tmp:+yes}" yes "-o: a temporary file beside the target while running"
is "$(find out -maxdepth 1 -name slow.csv | wc -l)" 0 \
	"-o: the target does not exist before the end"
kill -TERM "$pid"
wait "$pid"
is "$?" 143 "-o, SIGTERM: killed by the signal"
is "$(ls -A out)" "o.csv" "-o, SIGTERM: temporary file removed"

done_testing
