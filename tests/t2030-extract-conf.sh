#!/bin/bash
# t2030-extract-conf.sh - connection settings from flags, DBS_* variables
# and the config file's [source] section: flags win over the environment,
# which wins over the file; a password in a config file needs mode 0600;
# the settings reach the server (its log shows the login).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db "$TOP/tests/fixtures/extract/small.json"
tds_start fx.db
good=$TDS_SERVER
dead="127.0.0.1:$(closed_port)"
printf 'secret\n' >pw.good
printf 'wrong\r\nsecret\n' >pw.wrong
chmod 600 pw.good pw.wrong
login_failed="login failed: $(by_proto \
	"Login failed for user 'dbs'. (server message 18456)" \
	"Login failed. (server message 4002)")"

# works NAME: the last run extracted dbo.orders (5 rows).
works() {
	is_status 0 "$1: exit status"
	is "$(tail -1 stdout | cut -d, -f1,2)" "#end,5" "$1: complete stream"
	is_file stderr "" "$1: no message"
}

# conf FILE MODE LINES...: write a config file.
conf() {
	local f=$1 m=$2
	shift 2
	printf '%s\n' "$@" >"$f"
	chmod "$m" "$f"
}

conf c.ini 600 "# a comment" "; another" "" "[source]" "server = $good" \
	"user=dbs" "  password =  secret  " "database = demo" "" \
	"[view orders]" "where = a > 1"
run dbs-extract -c c.ini --view dbo.orders
works "everything from a 0600 config file"

# the same file readable by others: refused, before connecting
chmod 644 c.ini
run dbs-extract -c c.ini --view dbo.orders
expect 2 "" "dbs-extract: c.ini: holds a password, so it must be mode 0600 (or 0400) and owned by you; it is mode 0644" \
	"password in a 0644 config file"
chmod 640 c.ini
run dbs-extract -c c.ini --view dbo.orders -P - <pw.good
is_status 2 "password in a 0640 config file, even with -P -"

conf c2.ini 644 "[source]" "server = $good" "user = dbs" \
	"password-file = pw.good"
run dbs-extract -c c2.ini --view dbo.orders
works "password-file in a 0644 config file"
DBS_CONFIG=c2.ini run dbs-extract --view dbo.orders
works "DBS_CONFIG names the config file"

# precedence, setting by setting: flag > environment > file
conf c3.ini 600 "[source]" "server = $dead" "user = nobody" \
	"password = wrong" "database = nodb" "app-name = fromfile"
DBS_SERVER=$good DBS_USER=dbs DBS_PASSWORD=secret DBS_DATABASE=demo \
	run dbs-extract -c c3.ini --view dbo.orders
works "environment over file (server, user, password, database)"
DBS_SERVER=$dead DBS_USER=nobody DBS_PASSWORD=wrong DBS_DATABASE=nodb \
	run dbs-extract -c c3.ini -S "$good" -U dbs -D demo \
	--password-file pw.good --view dbo.orders
works "flags over environment and file"
DBS_SERVER=$good run dbs-extract -c c3.ini -S "$dead" -U dbs \
	--password-file pw.good --view dbo.orders
expect 1 "" "dbs-extract: $dead: cannot connect to the server: Connection refused (db-lib error 20009)" \
	"-S over DBS_SERVER"
DBS_PASSWORD=secret run dbs-extract -S "$good" -U dbs --view dbo.orders \
	--password-file pw.wrong
expect 1 "" "dbs-extract: $good: $login_failed" \
	"--password-file (first line only) over DBS_PASSWORD"
DBS_PASSWORD=wrong run dbs-extract -S "$good" -U dbs --view dbo.orders \
	-P - <pw.good
works "-P - over DBS_PASSWORD"
# -P - at a terminal: a prompt on the terminal, and what is typed there
# is not echoed (the terminal shows the prompt and a line end only)
python3 "$TOP/tests/fixtures/extract/ptyrun.py" "Password: " secret tty.out \
	tty.err dbs-extract -S "$good" -U dbs --view dbo.orders -P - >tty.shown
is "$?" 0 "-P - at a terminal: exit status"
is_file tty.shown "Password: " "-P - at a terminal: a prompt, no echo"
is "$(tail -1 tty.out | cut -d, -f1,2)" "#end,5" \
	"-P - at a terminal: the password was read"
is_file tty.err "" "-P - at a terminal: no message"
conf c4.ini 600 "[source]" "password = secret"
DBS_PASSWORD=wrong run dbs-extract -c c4.ini -S "$good" -U dbs \
	--view dbo.orders
expect 1 "" "dbs-extract: $good: $login_failed" \
	"DBS_PASSWORD over the file's password"
DBS_PASSWORD_FILE=pw.good run dbs-extract -c c3.ini -S "$good" -U dbs \
	-D demo --view dbo.orders
works "DBS_PASSWORD_FILE over the file's password"
DBS_PASSWORD=x DBS_PASSWORD_FILE=pw.good run dbs-extract -S "$good" \
	--view dbo.orders
expect 2 "" "dbs-extract: DBS_PASSWORD and DBS_PASSWORD_FILE are both set" \
	"two password sources in the environment"
conf c5.ini 600 "[source]" "password = x" "password-file = pw.good"
run dbs-extract -c c5.ini -S "$good" --view dbo.orders
expect 2 "" "dbs-extract: c5.ini: line 3: [source]: password and password-file are exclusive" \
	"two password sources in the file"
run dbs-extract -S "$good" -U dbs --view dbo.orders -P - </dev/null
expect 1 "" "dbs-extract: $good: $login_failed" "-P - with nothing on stdin"

# the settings reach the server: user, database, application name, TDS
# version and encryption as the login packets show them (TDS 5.0: "auto"
# finds it after the server hung up on the TDS 7 login; its login record
# has no database and no encryption byte)
: >"$TDS_LOG.mark"
if tds_ase; then
	DBS_APP_NAME=fromenv DBS_PASSWORD=secret run dbs-extract -c c3.ini \
		-S "$good" -U dbs -D demo --view dbo.orders
	works "app-name from the environment"
	DBS_APP_NAME=fromenv DBS_PASSWORD=secret run dbs-extract -c c3.ini \
		-S "$good" -U dbs -D demo --app-name fromflag --tds-version 5.0 \
		--encrypt off --view dbo.orders
	works "app-name, TDS 5.0, no encryption from flags"
	conf c6.ini 600 "[source]" "server = $good" "user = dbs" \
		"password = secret" "tds-version = 5.0" "encrypt = off" \
		"login-timeout = 5" "query-timeout = 30" "app-name = fromfile"
	run dbs-extract -c c6.ini --view dbo.orders
	works "every key of the file"
	run dbs-extract -c c6.ini --view dbo.orders --tds-version auto
	works "TDS auto from a flag"
	is "$(grep -E 'login5|hang up' "$TDS_LOG" | tail -6 | sed 's/^.*\] //')" \
"hang up: packet type 0x12 is not a TDS 5.0 login
login5: tds 5.0 user='dbs' app='fromenv' charset='' size='512' seclogin=0x00
login5: tds 5.0 user='dbs' app='fromflag' charset='' size='512' seclogin=0x00
login5: tds 5.0 user='dbs' app='fromfile' charset='' size='512' seclogin=0x00
hang up: packet type 0x12 is not a TDS 5.0 login
login5: tds 5.0 user='dbs' app='fromfile' charset='' size='512' seclogin=0x00" \
		"the server saw each login as configured"
else
	DBS_APP_NAME=fromenv DBS_PASSWORD=secret run dbs-extract -c c3.ini \
		-S "$good" -U dbs -D demo --view dbo.orders
	works "app-name from the environment"
	DBS_APP_NAME=fromenv DBS_PASSWORD=secret run dbs-extract -c c3.ini \
		-S "$good" -U dbs -D demo --app-name fromflag --tds-version 7.2 \
		--encrypt off --view dbo.orders
	works "app-name, TDS 7.2, no encryption from flags"
	conf c6.ini 600 "[source]" "server = $good" "user = dbs" \
		"password = secret" "tds-version = 7.3" "encrypt = request" \
		"login-timeout = 5" "query-timeout = 30" "app-name = fromfile"
	run dbs-extract -c c6.ini --view dbo.orders
	works "every key of the file"
	run dbs-extract -c c6.ini --view dbo.orders --tds-version 7.1
	works "TDS 7.1 from a flag"
	is "$(grep -E 'login7|prelogin' "$TDS_LOG" | tail -8 | sed 's/^.*\] //')" \
"prelogin: client encryption 0
login7: tds 0x74000004 user='dbs' app='fromenv' database='demo' size=4096
prelogin: client encryption 2
login7: tds 0x72090002 user='dbs' app='fromflag' database='demo' size=4096
prelogin: client encryption 0
login7: tds 0x730b0003 user='dbs' app='fromfile' database='' size=4096
prelogin: client encryption 0
login7: tds 0x71000001 user='dbs' app='fromfile' database='' size=4096" \
		"the server saw each login as configured"
fi

# encryption and CA file reach FreeTDS through a private freetds.conf
# [global] section (db-lib cannot set them), removed after the login;
# FreeTDS's own dump of its final settings shows them
: >ca.pem
mkdir tmp
for enc in off:1 request:2 require:3; do
	rm -f dump
	TMPDIR=$PWD/tmp TDSDUMPCONFIG=$PWD/dump DBS_PASSWORD=secret \
		run dbs-extract -S "$good" -U dbs --view dbo.orders \
		--encrypt "${enc%:*}" --ca-file "$PWD/ca.pem"
	is "$(sed -n 's/^.*encrypt level = //p' dump)" "${enc#*:}" \
		"--encrypt ${enc%:*}: FreeTDS's encryption level"
	is "$(sed -n 's/^.*cafile = //p' dump)" "$PWD/ca.pem" \
		"--encrypt ${enc%:*}: FreeTDS's CA file"
	is "$(ls -A tmp)" "" "--encrypt ${enc%:*}: temporary freetds.conf removed"
done
# the test server offers no TLS: "require" cannot log in; over TDS 5.0
# (ASE) with a CA file no mode falls back from 7.4 to 5.0
if tds_ase; then
	is "$(cat stderr)" "dbs-extract: $good: connection lost (reading from the server failed) (db-lib error 20017); the server hung up on the TDS 7 login, and with encryption asked for dbs-extract does not fall back to TDS 5.0 (for Sybase ASE give --tds-version 5.0)" \
		"--encrypt require, ASE: message"
	is "$(grep -E 'login5|hang up' "$TDS_LOG" | tail -3 | sed 's/^.*\] //')" \
"hang up: packet type 0x12 is not a TDS 5.0 login
hang up: packet type 0x12 is not a TDS 5.0 login
hang up: packet type 0x12 is not a TDS 5.0 login" \
		"off, request, require with a CA file: no TDS 5.0 login"
else
	is "$(cat stderr)" "dbs-extract: $good: cannot connect to the server (db-lib error 20002); encryption is required: does the server offer TLS, and does --ca-file verify its certificate?" \
		"--encrypt require without TLS on the server: message"
	is "$(grep prelogin "$TDS_LOG" | tail -3 | sed 's/^.*\] //')" \
"prelogin: client encryption 2
prelogin: client encryption 0
prelogin: client encryption 1" "off, request, require as the server saw them"
fi
# documented limitation: freetds.conf's own setting wins over the flag
printf '[global]\n\tencryption = off\n' >"$FREETDSCONF"
rm -f dump
TDSDUMPCONFIG=$PWD/dump DBS_PASSWORD=secret run dbs-extract -S "$good" \
	-U dbs --view dbo.orders --encrypt require
is "$(sed -n 's/^.*encrypt level = //p' dump)" 1 \
	"an encryption setting in freetds.conf takes precedence (documented)"
: >"$FREETDSCONF"

# A man in the middle hangs up on the TDS 7 login to make FreeTDS's
# "auto" fall back to TDS 5.0, whose login record carries the user name
# in clear and whose encrypted password goes to the attacker's key. With
# encryption asked for (a mode, or a CA file) dbs-extract never falls
# back: one connection per run, and neither the user name nor the
# password leaves the client.
fake_start hangup mitm
hungup="connection lost (reading from the server failed) (db-lib error 20017); the server hung up on the TDS 7 login, and with encryption asked for dbs-extract does not fall back to TDS 5.0 (for Sybase ASE give --tds-version 5.0)"
for enc in "--encrypt request" "--encrypt require" "--ca-file $PWD/ca.pem"; do
	# shellcheck disable=SC2086 # the option and its value
	DBS_PASSWORD=hunter2secret run dbs-extract -S "$FAKE_SERVER" \
		-U victimuser --view dbo.orders $enc
	expect 1 "" "dbs-extract: $FAKE_SERVER: $hungup" \
		"man in the middle, ${enc%% /*}: no fallback"
done
is "$(find "$FAKE_RECORD" -name 'conn-*.bin' | wc -l)" 3 \
	"man in the middle: one connection per run"
is "$(cat "$FAKE_RECORD"/conn-*.bin | grep -a -c -e victimuser \
	-e hunter2secret)" 0 "man in the middle: no user name, no password"
# the control: without encryption "auto" does fall back, and the TDS 5.0
# login record holds the user name (and, unencrypted, the password)
DBS_PASSWORD=hunter2secret run dbs-extract -S "$FAKE_SERVER" -U victimuser \
	--view dbo.orders --encrypt off
is "$(find "$FAKE_RECORD" -name 'conn-*.bin' | wc -l)" 5 \
	"no encryption: 7.4, then 5.0"
is "$(grep -a -c victimuser "$FAKE_RECORD/conn-5.bin")" 1 \
	"no encryption: the TDS 5.0 login record holds the user name"

# config file syntax
conf bad.ini 600 "server = x"
run dbs-extract -c bad.ini --view v
expect 2 "" "dbs-extract: bad.ini: line 1: key outside a section" \
	"key outside a section"
conf bad.ini 600 "[source]" "colour = blue"
run dbs-extract -c bad.ini --view v
expect 2 "" "dbs-extract: bad.ini: line 2: unknown key \"colour\" in [source]" \
	"unknown key"
conf bad.ini 600 "[source]" "user = a" "user = b"
run dbs-extract -c bad.ini --view v
expect 2 "" "dbs-extract: bad.ini: line 3: [source]: key \"user\" again (first on line 2)" \
	"duplicate key"
conf bad.ini 600 "[source]" "user"
run dbs-extract -c bad.ini --view v
expect 2 "" "dbs-extract: bad.ini: line 2: expected key = value" \
	"line without ="
conf bad.ini 600 "[source" "user = a"
run dbs-extract -c bad.ini --view v
expect 2 "" "dbs-extract: bad.ini: line 1: expected [section]" \
	"unclosed section"
conf bad.ini 600 "[source]" "login-timeout = soon"
run dbs-extract -c bad.ini --view v
expect 2 "" "dbs-extract: bad.ini: line 2: login-timeout: expected a number of seconds from 0 to 2000000" \
	"bad timeout in the file"
conf bad.ini 600 "[source]" "user ="
run dbs-extract -c bad.ini --view v
expect 2 "" "dbs-extract: bad.ini: line 2: user: empty value" "empty value"
conf bad.ini 600 "[source]" "user = a" "[view v]" "mode = apend"
run dbs-extract -c bad.ini --view v
expect 2 "" "dbs-extract: bad.ini: line 4: mode: expected merge, append or replace" \
	"the whole file is checked, [view] sections too"
conf bad.ini 600 "[source]" "server = x.db  # main"
run dbs-extract -c bad.ini --view v
expect 2 "" "dbs-extract: bad.ini: line 2: server: a '#' or ';' after a blank looks like a comment: put comments on lines of their own, or \"quote\" the value" \
	"no inline comment becomes part of a value"
chmod 644 pw.good
run dbs-extract -S "$good" -U dbs --password-file pw.good --view dbo.orders
expect 2 "" "dbs-extract: pw.good: is a password file, so it must be mode 0600 (or 0400) and owned by you; it is mode 0644" \
	"a password file readable by others is refused, as a config file is"
chmod 600 pw.good
run dbs-extract -c nosuch.ini --view v
expect 2 "" "dbs-extract: nosuch.ini: No such file or directory" \
	"missing config file"
printf '[source]\r\nserver = %s\r\nuser = dbs\r\npassword-file = pw.good\r\n' \
	"$good" >crlf.ini
run dbs-extract -c crlf.ini --view dbo.orders
works "CRLF line ends in the config file"

# no secret in any message
conf leak.ini 600 "[source]" "server = $good" "user = dbs" \
	"password = hunter2"
run dbs-extract -c leak.ini --view dbo.nosuch
is "$(grep -c hunter2 stderr stdout | grep -vc ':0$')" 0 \
	"the password appears in no output"

done_testing
