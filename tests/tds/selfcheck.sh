#!/bin/bash
# selfcheck.sh - check the test TDS server (tdsserver.py) against FreeTDS's
# own decoders: tsql (libtds), freebcp and dbcheck.c (db-lib) must show
# exactly the values SQL Server would send for every supported type, and
# the error and fault paths must surface as FreeTDS reports them; the
# same over TDS 5.0 for the Sybase ASE dialect (alltypes.ase.json).
#
# usage: bash tests/tds/selfcheck.sh     (prints TAP; exit 1 on failure)
#
# Expected outputs are written by hand from the fixture (alltypes.json)
# and from how SQL Server and FreeTDS 1.3 render values:
#  - tsql converts with FreeTDS's default date format "%b %e %Y %I:%M%p"
#    (no locales.conf), so its date/time lines only show minutes;
#  - freebcp -c prints dates with FREEBCP_DATEFMT and always 3 fraction
#    digits, an empty string as one NUL byte (shown here as "~") and NULL
#    as nothing;
#  - dbcheck (db-lib, dbanydatecrack) shows SPEC section 1's canonical
#    text: all fraction digits and the datetimeoffset offset.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tdscheck.XXXXXX")
pids=""

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
	for f in "$tmp"/*.pid; do
		if [ -s "$f" ]; then
			kill "$(cat "$f")" 2>/dev/null || true
		fi
	done
	for p in $pids; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

export LC_ALL=C.UTF-8 TDSVER=7.4 FREETDSCONF="$tmp/freetds.conf"
unset TDSPORT TDSHOST TDSQUERY TDSDUMP FREETDS SYBASE 2>/dev/null || true

ntest=0
failed=0
ok() {
	ntest=$((ntest + 1))
	echo "ok $ntest - $1"
}
not_ok() {
	ntest=$((ntest + 1))
	echo "not ok $ntest - $1"
	failed=1
}
# same NAME EXPECTED ACTUAL: compare two files, show a diff on failure.
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff -u "$2" "$3" | head -40 | sed 's/^/# /' || true
	fi
}

# start NAME [server options]: start a server, wait for its port file,
# set $port.
start() {
	local name=$1
	shift
	python3 "$here/tdsserver.py" --fixture "$tmp/all.db" \
		--port-file "$tmp/$name.port" --pid-file "$tmp/$name.pid" \
		--log "$tmp/$name.log" "$@" &
	pids="$pids $!"
	for _ in $(seq 100); do
		[ -s "$tmp/$name.port" ] && break
		sleep 0.1
	done
	port=$(cat "$tmp/$name.port")
}

python3 "$here/mkfixture.py" "$tmp/all.db" "$here/alltypes.json"
python3 "$here/mkfixture.py" "$tmp/all5.db" "$here/alltypes.ase.json"
start main
main=$port
start drop --fault drop-after=1
drop=$port
start deadlock --fault error-after=2
deadlock=$port
start stall --fault stall=3
stall=$port
start ase --fixture "$tmp/all5.db" --dialect ase
ase=$port
start ase_deadlock --fixture "$tmp/all5.db" --dialect ase --fault error-after=1
ase_deadlock=$port

cat >"$FREETDSCONF" <<EOF
[global]
	tds version = 7.4
	client charset = UTF-8
[main]
	host = 127.0.0.1
	port = $main
[enc]
	host = 127.0.0.1
	port = $main
	encryption = require
EOF

# tsq SQL...: run batches through tsql, output to stdout, messages to stderr
tsq() {
	local q
	for q in "$@"; do
		printf '%s\ngo\n' "$q"
	done | tsql -H 127.0.0.1 -p "$main" -U dbs -P secret -D demo -o q \
		-t '|'
}

have_dbcheck=0
if cc -std=c11 -Wall -o "$tmp/dbcheck" "$here/dbcheck.c" -lsybdb \
	2>"$tmp/cc.log"; then
	have_dbcheck=1
fi
# dbc SQL...: run queries through dbcheck against the main server
dbc() {
	DBCHECK_PASSWORD=secret "$tmp/dbcheck" "127.0.0.1:$main" demo dbs "$@" |
		tr '\t' '|'
}
bcp() {
	FREEBCP_DATEFMT='%Y-%m-%d %H:%M:%S.%z' freebcp "$1" queryout \
		"$tmp/bcp.out" -c -t '|' -S "127.0.0.1:$main" -U dbs -P secret \
		-D demo >"$tmp/bcp.log" 2>&1
	tr '\000' '~' <"$tmp/bcp.out"
}

# ---------------------------------------------------------------------------
# Values through tsql, one view per type.

expect() { cat >"$tmp/expected"; }
tsql_view() {
	tsq "SELECT * FROM [dbo].[$1] ORDER BY [id]" >"$tmp/out" 2>"$tmp/err"
	same "tsql $1" "$tmp/expected" "$tmp/out"
}

expect <<'EOF'
id|v
1|0
2|1
3|NULL
EOF
tsql_view t_bit
expect <<'EOF'
id|v
1|0
2|255
3|NULL
EOF
tsql_view t_tinyint
expect <<'EOF'
id|v
1|-32768
2|32767
EOF
tsql_view t_smallint
expect <<'EOF'
id|v
1|-2147483648
2|2147483647
3|NULL
EOF
tsql_view t_int
expect <<'EOF'
id|v
1|-9223372036854775808
2|9223372036854775807
3|NULL
EOF
tsql_view t_bigint
expect <<'EOF'
id|v
1|0.100000001
2|-3.40282347e+38
3|1.17549435e-38
4|NULL
EOF
tsql_view t_real
expect <<'EOF'
id|v
1|0.10000000000000001
2|0.33333333333333331
3|1e+308
4|4.9406564584124654e-324
5|123456789.12345679
6|NULL
EOF
tsql_view t_float
expect <<'EOF'
id|d38_0|d38_10|d18_4|d9_2|d28_6
1|99999999999999999999999999999999999999|1234567890123456789012345678.0123456789|-0.0100|9999999.99|-1234567890123456789012.345678
2|-99999999999999999999999999999999999999|-0.0000000001|0.0000|-0.01|0.000001
3|NULL|NULL|NULL|NULL|NULL
EOF
tsql_view t_dec
expect <<'EOF'
id|m|sm
1|-922337203685477.5808|-214748.3648
2|922337203685477.5807|214748.3647
3|0.0001|-1.0000
4|NULL|NULL
EOF
tsql_view t_money
expect <<'EOF'
id|c|vc|nc|nv
1|abc       |plain|ab   |Zoë 🚀 北京
2|          ||     |
3|Zoë       |Ünïcödé €|🚀   |Ω≈ç√
4|NULL|NULL|NULL|NULL
EOF
tsql_view t_char
expect <<'EOF'
id|t|nt|im
1|text é|ntext ✓ 🚀|00ff10
2|||
3|NULL|NULL|NULL
EOF
tsql_view t_old
expect <<'EOF'
id|b|vb
1|01000000|deadbeef
2|00000000|
3|NULL|NULL
EOF
tsql_view t_bin
expect <<'EOF'
id|g
1|6F9619FF-8B86-D011-B42D-00C04FC964FF
2|00000000-0000-0000-0000-000000000000
3|NULL
EOF
tsql_view t_guid
expect <<'EOF'
id|d|t0|t3|t7
1|Jan  1 1 12:00AM|Jan  1 1900 12:00AM|Jan  1 1900 12:34PM|Jan  1 1900 11:59PM
2|Dec 31 9999 12:00AM|Jan  1 1900 11:59PM|Jan  1 1900 12:00AM|Jan  1 1900 01:02AM
3|Feb 29 2024 12:00AM|NULL|NULL|NULL
EOF
tsql_view t_date
expect <<'EOF'
id|v7|v0|v3
1|Jan  2 2024 03:04AM|Jan  2 2024 03:04AM|Jan  2 2024 01:04PM
2|Jan  1 1 12:00AM|Jan  1 1 12:00AM|Dec 31 1999 11:59PM
3|Dec 31 9999 11:59PM|NULL|NULL
EOF
tsql_view t_dt2
expect <<'EOF'
id|dt|sdt
1|Jan  1 1753 12:00AM|Jan  1 1900 12:00AM
2|Dec 31 9999 11:59PM|Jun  6 2079 11:59PM
3|Jan  1 2024 12:00AM|Jan  1 2024 12:34PM
4|Jan  1 2024 12:00AM|Jan  1 2024 12:35PM
5|Jan  2 2024 12:00AM|NULL
EOF
tsql_view t_dt
expect <<'EOF'
id|v7|v0
1|Jan  2 2024 03:04AM|Dec 31 2024 11:30PM
2|Jan  2 2024 03:04AM|Jan  1 2024 05:00AM
3|NULL|NULL
EOF
tsql_view t_dto
expect <<'EOF'
id|x|s
1|<a>x</a>|name
2|NULL|n2
EOF
tsql_view t_misc
expect <<'EOF'
id|b|ti|bi|r|f|m|sm|dt|sdt
1|1|255|-9223372036854775808|0.100000001|-0.5|-0.0001|0.0001|Jan  1 2024 12:00AM|Jan  1 2024 12:01AM
EOF
tsql_view t_notnull

# (max) values: SQL Server's default TEXTSIZE is 4096 bytes unless the
# client sets it; FreeTDS sends none by default.
python3 - "$tmp" <<'EOF'
import sys
d = sys.argv[1]
full = '1|%s|%s|%s\n' % ('x' * 5000 + '\U0001F680', 'y' * 9000,
                        '00ff10' * 3000)
cut = '1|%s|%s|%s\n' % ('x' * 2048, 'y' * 4096, ('00ff10' * 3000)[:8192])
rest = '2|||\n3|NULL|NULL|NULL\n'
open(d + '/lob.full', 'w').write('id|nvm|vm|vbm\n' + full + rest)
open(d + '/lob.cut', 'w').write('id|nvm|vm|vbm\n' + cut + rest)
EOF
tsq "SELECT * FROM dbo.t_lob ORDER BY id" >"$tmp/out" 2>"$tmp/err"
same "tsql (max) types cut at the default TEXTSIZE 4096" "$tmp/lob.cut" \
	"$tmp/out"
tsq "SET TEXTSIZE 2147483647; SELECT * FROM dbo.t_lob ORDER BY id" \
	>"$tmp/out" 2>"$tmp/err"
same "tsql (max) types whole after SET TEXTSIZE" "$tmp/lob.full" "$tmp/out"

# ---------------------------------------------------------------------------
# Translation: [a]]b] identifiers, TOP, CONVERT/CAST literals compared in
# the column's order (decimal by value, datetimeoffset by instant).

expect <<'EOF'
a]b|c"d|
1|q|demo
EOF
tsq 'SELECT [a]]b], "c""d", DB_NAME() FROM [demo].[dbo].[odd]]name] WITH (NOLOCK)' \
	>"$tmp/out" 2>"$tmp/err"
same "bracketed identifiers with ]] and three-part names" "$tmp/expected" \
	"$tmp/out"
expect <<'EOF'
id
6
5
EOF
tsq "SELECT TOP (2) [id] FROM [dbo].[t_float] ORDER BY [id] DESC" \
	>"$tmp/out" 2>"$tmp/err"
same "TOP (n)" "$tmp/expected" "$tmp/out"
expect <<'EOF'
id
1
3
id
1
2
id
2
EOF
tsq "SELECT id FROM dbo.t_dt2 WHERE v7 > CONVERT(datetime2(7), N'2024-01-02T03:04:05.1234566') ORDER BY id" \
	"SELECT id FROM dbo.t_dec WHERE d18_4 > CAST('-0.5' AS decimal(18,4)) ORDER BY id" \
	"SELECT id FROM dbo.t_dto WHERE v7 < CONVERT(datetimeoffset(7), '2024-01-02 00:00:00 +00:00')" \
	>"$tmp/out" 2>"$tmp/err"
same "WHERE with CONVERT/CAST literals" "$tmp/expected" "$tmp/out"

# ---------------------------------------------------------------------------
# freebcp (db-lib bcp) output.

expect <<'EOF'
1|abc       |plain|ab   |Zoë 🚀 北京
2|          |~|     |~
3|Zoë       |Ünïcödé €|🚀   |Ω≈ç√
4||||
EOF
bcp "SELECT * FROM dbo.t_char ORDER BY id" >"$tmp/out"
same "freebcp char types, empty string vs NULL" "$tmp/expected" "$tmp/out"
expect <<'EOF'
1|01000000|deadbeef
2|00000000|~
3||
1|text é|ntext ✓ 🚀|00ff10
2|~|~|~
3|||
EOF
{
	bcp "SELECT * FROM dbo.t_bin ORDER BY id"
	bcp "SELECT * FROM dbo.t_old ORDER BY id"
} >"$tmp/out"
same "freebcp binary, text, ntext, image" "$tmp/expected" "$tmp/out"
expect <<'EOF'
1|1-01-01 00:00:00.000|1900-01-01 00:00:00.000|1900-01-01 12:34:56.789|1900-01-01 23:59:59.999
2|9999-12-31 00:00:00.000|1900-01-01 23:59:59.000|1900-01-01 00:00:00.001|1900-01-01 01:02:03.123
3|2024-02-29 00:00:00.000|||
1|2024-01-02 03:04:05.123|2024-01-02 03:04:05.000|2024-01-02 13:04:05.120
2|1-01-01 00:00:00.000|1-01-01 00:00:00.000|1999-12-31 23:59:59.999
3|9999-12-31 23:59:59.999||
1|1753-01-01 00:00:00.000|1900-01-01 00:00:00.000
2|9999-12-31 23:59:59.997|2079-06-06 23:59:00.000
3|2024-01-01 00:00:00.003|2024-01-01 12:34:00.000
4|2024-01-01 00:00:00.007|2024-01-01 12:35:00.000
5|2024-01-02 00:00:00.000|
1|2024-01-02 03:04:05.123|2024-12-31 23:30:00.000
2|2024-01-02 03:04:05.123|2024-01-01 05:00:00.000
3||
EOF
for v in t_date t_dt2 t_dt t_dto; do
	bcp "SELECT * FROM dbo.$v ORDER BY id"
done >"$tmp/out"
same "freebcp date and time types (3 fraction digits)" "$tmp/expected" \
	"$tmp/out"
expect <<'EOF'
1|-922337203685477.5808|-214748.3648
2|922337203685477.5807|214748.3647
3|0.0001|-1.0000
4||
1|6F9619FF-8B86-D011-B42D-00C04FC964FF
2|00000000-0000-0000-0000-000000000000
3|
EOF
{
	bcp "SELECT * FROM dbo.t_money ORDER BY id"
	bcp "SELECT * FROM dbo.t_guid ORDER BY id"
} >"$tmp/out"
same "freebcp money and uniqueidentifier" "$tmp/expected" "$tmp/out"

# ---------------------------------------------------------------------------
# db-lib (dbcheck): canonical values with every digit and the offsets.

if [ "$have_dbcheck" = 1 ]; then
	expect <<'EOF'
id|d|t0|t3|t7
1|0001-01-01|00:00:00|12:34:56.789|23:59:59.9999999
2|9999-12-31|23:59:59|00:00:00.001|01:02:03.1234567
3|2024-02-29|NULL|NULL|NULL
(3 rows)
id|v7|v0|v3
1|2024-01-02 03:04:05.1234567|2024-01-02 03:04:05|2024-01-02 13:04:05.120
2|0001-01-01 00:00:00.0000000|0001-01-01 00:00:00|1999-12-31 23:59:59.999
3|9999-12-31 23:59:59.9999999|NULL|NULL
(3 rows)
id|dt|sdt
1|1753-01-01 00:00:00.000|1900-01-01 00:00:00
2|9999-12-31 23:59:59.997|2079-06-06 23:59:00
3|2024-01-01 00:00:00.003|2024-01-01 12:34:00
4|2024-01-01 00:00:00.007|2024-01-01 12:35:00
5|2024-01-02 00:00:00.000|NULL
(5 rows)
id|v7|v0
1|2024-01-02 03:04:05.1234567 -09:30|2024-12-31 23:30:00 -09:30
2|2024-01-02 03:04:05.1234567 +14:00|2024-01-01 05:00:00 +14:00
3|NULL|NULL
(3 rows)
EOF
	dbc "SELECT * FROM dbo.t_date ORDER BY id" \
		"SELECT * FROM dbo.t_dt2 ORDER BY id" \
		"SELECT * FROM dbo.t_dt ORDER BY id" \
		"SELECT * FROM dbo.t_dto ORDER BY id" >"$tmp/out" 2>"$tmp/err"
	same "db-lib date/time values, all digits and offsets" \
		"$tmp/expected" "$tmp/out"
	expect <<'EOF'
id|v
1|0.1
2|-3.4028235e+38
3|1.1754944e-38
4|NULL
(4 rows)
id|v
1|0.1
2|0.3333333333333333
3|1e+308
4|5e-324
5|123456789.12345679
6|NULL
(6 rows)
id|d38_0|d38_10|d18_4|d9_2|d28_6
1|99999999999999999999999999999999999999|1234567890123456789012345678.0123456789|-0.0100|9999999.99|-1234567890123456789012.345678
2|-99999999999999999999999999999999999999|-0.0000000001|0.0000|-0.01|0.000001
3|NULL|NULL|NULL|NULL|NULL
(3 rows)
id|m|sm
1|-922337203685477.5808|-214748.3648
2|922337203685477.5807|214748.3647
3|0.0001|-1.0000
4|NULL|NULL
(4 rows)
id|v
1|-9223372036854775808
2|9223372036854775807
3|NULL
(3 rows)
id|b|vb
1|01000000|deadbeef
2|00000000|
3|NULL|NULL
(3 rows)
id|b|ti|bi|r|f|m|sm|dt|sdt
1|1|255|-9223372036854775808|0.1|-0.5|-0.0001|0.0001|2024-01-01 00:00:00.003|2024-01-01 00:01:00
(1 rows)
EOF
	dbc "SELECT * FROM dbo.t_real ORDER BY id" \
		"SELECT * FROM dbo.t_float ORDER BY id" \
		"SELECT * FROM dbo.t_dec ORDER BY id" \
		"SELECT * FROM dbo.t_money ORDER BY id" \
		"SELECT * FROM dbo.t_bigint ORDER BY id" \
		"SELECT * FROM dbo.t_bin ORDER BY id" \
		"SELECT * FROM dbo.t_notnull" >"$tmp/out" 2>"$tmp/err"
	same "db-lib numbers, binary, NOT NULL (fixed-length) types" \
		"$tmp/expected" "$tmp/out"
	{
		sed -n 1p "$tmp/lob.cut"
		sed -n 2p "$tmp/lob.full"
		echo '(1 rows)'
	} >"$tmp/expected"
	dbc "SET TEXTSIZE 2147483647 SELECT * FROM dbo.t_lob WHERE id = 1" \
		>"$tmp/out" 2>"$tmp/err"
	same "db-lib nvarchar(max) > 8000 bytes, varchar(max), varbinary(max)" \
		"$tmp/expected" "$tmp/out"

	# Column metadata as db-lib reconstructs it from COLMETADATA (it
	# omits the scale of time types and cannot describe xml).
	expect <<'EOF'
# id: INT NOT NULL
# d38_0: DECIMAL(38,0) NULL
# d38_10: DECIMAL(38,10) NULL
# d18_4: DECIMAL(18,4) NULL
# d9_2: NUMERIC(9,2) NULL
# d28_6: DECIMAL(28,6) NULL
# m: MONEY NULL
# sm: SMALLMONEY NULL
# c: CHAR(10) NULL
# nc: NCHAR(5) NULL
# nvm: NVARCHAR(MAX) NULL
# vm: VARCHAR(MAX) NULL
# vbm: VARBINARY(MAX) NULL
# nt: NTEXT NULL
# b: BINARY(4) NULL
# g: UNIQUEIDENTIFIER NULL
# v7: DATETIMEOFFSET NULL
# s: NVARCHAR(128) NOT NULL
# n: INT NULL
# total: DECIMAL(18,4) NULL
EOF
	DBCHECK_PASSWORD=secret "$tmp/dbcheck" -m "127.0.0.1:$main" demo dbs \
		"SELECT * FROM dbo.t_dec WHERE 1 = 0" \
		"SELECT [m], sm FROM dbo.t_money WHERE 1 = 0" \
		"SELECT c, nc FROM dbo.t_char WHERE 1 = 0" \
		"SELECT * FROM dbo.t_lob WHERE 1 = 0" \
		"SELECT nt FROM dbo.t_old WHERE 1 = 0" \
		"SELECT b, g, v7, s FROM dbo.t_bin, dbo.t_guid, dbo.t_dto, dbo.t_misc WHERE 1 = 0" \
		"SELECT COUNT(*) AS n, MAX(d18_4) total FROM dbo.t_dec" \
		2>"$tmp/err" | grep '^#' | awk '!seen[$0]++' >"$tmp/out"
	same "db-lib column declarations (declared types, inferred for COUNT)" \
		"$tmp/expected" "$tmp/out"

	# Faults chosen per connection through the application name.
	expect <<'EOF'
id|v
1|-2147483648
(1 rows)
err 20017: Unexpected EOF from the server
err 20047: DBPROCESS is dead or not enabled
EOF
	DBCHECK_PASSWORD=secret "$tmp/dbcheck" -a tdsfault:drop-after=1 \
		"127.0.0.1:$main" demo dbs "SELECT * FROM dbo.t_int ORDER BY id" \
		"SELECT 1" 2>"$tmp/err" | tr '\t' '|' >"$tmp/out" || true
	cat "$tmp/err" >>"$tmp/out"
	same "db-lib: app name tdsfault:drop-after=1" "$tmp/expected" "$tmp/out"

	# Several clients at once get the same answers.
	jobs_pids=""
	for k in 1 2 3 4; do
		dbc "SELECT * FROM dbo.t_dto ORDER BY id" >"$tmp/par$k" 2>&1 &
		jobs_pids="$jobs_pids $!"
	done
	wait_ok=1
	for p in $jobs_pids; do
		wait "$p" || wait_ok=0
	done
	sed -n '/^id|v7|v0$/,/^(3 rows)$/p' <<EOF >"$tmp/expected"
$(dbc "SELECT * FROM dbo.t_dto ORDER BY id")
EOF
	if [ "$wait_ok" = 1 ] && cmp -s "$tmp/par1" "$tmp/expected" &&
		cmp -s "$tmp/par2" "$tmp/expected" &&
		cmp -s "$tmp/par3" "$tmp/expected" &&
		cmp -s "$tmp/par4" "$tmp/expected"; then
		ok "four concurrent connections"
	else
		not_ok "four concurrent connections"
	fi

	# A query timeout: db-lib sends an attention, the server answers
	# DONE(ATTN) and the connection stays usable.
	expect <<'EOF'
answer
42
(1 rows)
err 20003: Adaptive Server connection timed out
EOF
	DBCHECK_PASSWORD=secret "$tmp/dbcheck" -t 1 "127.0.0.1:$stall" demo dbs \
		"SELECT * FROM dbo.t_int" "SELECT 42 AS answer" >"$tmp/out" \
		2>"$tmp/err" && rc=0 || rc=$?
	cat "$tmp/err" >>"$tmp/out"
	if [ "$rc" = 1 ] && grep -q 'attention: batch cancelled' \
		"$tmp/stall.log"; then
		same "stall + timeout: cancelled, connection still usable" \
			"$tmp/expected" "$tmp/out"
	else
		not_ok "stall + timeout: cancelled (rc $rc)"
	fi
else
	for what in dates numbers lobs metadata app-fault concurrency timeout; do
		ok "db-lib $what # SKIP cannot build dbcheck.c"
	done
fi

# ---------------------------------------------------------------------------
# Errors and faults, as tsql shows them.

tab=$(printf '\t')
expect <<EOF
Msg 18456 (severity 14, state 1) from TDSSERVER Line 1:
$tab"Login failed for user 'dbs'."
Error 20002 (severity 9):
${tab}Adaptive Server connection failed
There was a problem connecting to the server
EOF
echo "SELECT 1" | tsql -H 127.0.0.1 -p "$main" -U dbs -P wrong -D demo -o q \
	>"$tmp/out" 2>"$tmp/err" || true
same "wrong password: 18456" "$tmp/expected" "$tmp/err"

expect <<EOF
Msg 4060 (severity 11, state 1) from TDSSERVER Line 1:
$tab"Cannot open database "nosuch" requested by the login. The login failed."
Msg 18456 (severity 14, state 1) from TDSSERVER Line 1:
$tab"Login failed for user 'dbs'."
Error 20002 (severity 9):
${tab}Adaptive Server connection failed
There was a problem connecting to the server
EOF
echo "SELECT 1" | tsql -H 127.0.0.1 -p "$main" -U dbs -P secret -D nosuch \
	-o q >"$tmp/out" 2>"$tmp/err" || true
same "unknown database: 4060 + 18456" "$tmp/expected" "$tmp/err"

expect <<EOF
Msg 208 (severity 16, state 1) from TDSSERVER Line 1:
$tab"Invalid object name 'dbo.nosuch'."
Msg 229 (severity 14, state 5) from TDSSERVER Line 1:
$tab"The SELECT permission was denied on the object 'secret', database 'demo', schema 'dbo'."
Msg 207 (severity 16, state 1) from TDSSERVER Line 2:
$tab"Invalid column name 'nocol'."
EOF
tsq "SELECT * FROM [dbo].[nosuch]" "SELECT [id] FROM [dbo].[secret]" \
	"SELECT 1
	SELECT nocol FROM dbo.t_int" >"$tmp/out" 2>"$tmp/err" || true
same "unknown view 208, denied 229, unknown column 207" "$tmp/expected" \
	"$tmp/err"

expect <<EOF
id|v
1|-2147483648
Error 20017 (severity 9):
${tab}Unexpected EOF from the server
EOF
printf 'SELECT * FROM dbo.t_int ORDER BY id\ngo\n' |
	tsql -H 127.0.0.1 -p "$drop" -U dbs -P secret -D demo -o q -t '|' \
		>"$tmp/out" 2>"$tmp/err" || true
cat "$tmp/err" >>"$tmp/out"
same "drop-after=1: rows, then a client-side EOF error" "$tmp/expected" \
	"$tmp/out"

expect <<EOF
id|v
1|-2147483648
2|2147483647
Msg 1205 (severity 13, state 51) from TDSSERVER Line 1:
$tab"Transaction (Process ID 51) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction."
EOF
printf 'SELECT * FROM dbo.t_int ORDER BY id\ngo\n' |
	tsql -H 127.0.0.1 -p "$deadlock" -U dbs -P secret -D demo -o q -t '|' \
		>"$tmp/out" 2>"$tmp/err" || true
cat "$tmp/err" >>"$tmp/out"
same "error-after=2: rows, then error 1205" "$tmp/expected" "$tmp/out"

expect <<EOF
Error 20002 (severity 9):
${tab}Adaptive Server connection failed
There was a problem connecting to the server
EOF
echo "SELECT 1" | tsql -S enc -U dbs -P secret -o q >"$tmp/out" \
	2>"$tmp/err" || true
if same "encryption = require is refused (no TLS)" "$tmp/expected" \
	"$tmp/err"; then :; fi

# Older protocol versions: 2008 date types arrive as strings before 7.3.
expect <<'EOF'
id|v7|v0
1|2024-01-02 03:04:05.1234567 -09:30|2024-12-31 23:30:00 -09:30
2|2024-01-02 03:04:05.1234567 +14:00|2024-01-01 05:00:00 +14:00
3|NULL|NULL
EOF
for v in 7.1 7.2; do
	printf 'SELECT * FROM dbo.t_dto ORDER BY id\ngo\n' | TDSVER=$v \
		tsql -H 127.0.0.1 -p "$main" -U dbs -P secret -D demo -o q \
		-t '|' >"$tmp/out" 2>"$tmp/err" || true
	same "TDS $v: datetimeoffset as nvarchar" "$tmp/expected" "$tmp/out"
done

# ---------------------------------------------------------------------------
# TDS 5.0: the Sybase ASE dialect through the same decoders (TDSVER=5.0).

# tsq5 SQL...: batches through tsql over TDS 5.0 to the ASE server
tsq5() {
	local q
	for q in "$@"; do
		printf '%s\ngo\n' "$q"
	done | TDSVER=5.0 tsql -H 127.0.0.1 -p "$ase" -U dbs -P secret -D demo \
		-o q -t '|'
}
tsql5_view() {
	tsq5 "SELECT * FROM [dbo].[$1] ORDER BY [id]" >"$tmp/out" 2>"$tmp/err"
	same "TDS 5.0: tsql $1" "$tmp/expected" "$tmp/out"
}

expect <<'EOF'
id|v|nn
1|0|1
2|1|0
3|NULL|1
EOF
tsql5_view t_bit
expect <<'EOF'
id|ti|si|i|bi
1|0|-32768|-2147483648|-9223372036854775808
2|255|32767|2147483647|9223372036854775807
3|NULL|NULL|NULL|NULL
EOF
tsql5_view t_int
expect <<'EOF'
id|us|ui|ub
1|0|0|0
2|65535|4294967295|18446744073709551615
3|NULL|NULL|NULL
4|1|2147483648|9223372036854775808
EOF
tsql5_view t_uint
expect <<'EOF'
id|r|f
1|0.100000001|0.10000000000000001
2|-3.40282347e+38|1e+308
3|NULL|NULL
EOF
tsql5_view t_real
expect <<'EOF'
id|d38_0|d18_4|n9_2|m|sm
1|99999999999999999999999999999999999999|-0.0100|9999999.99|-922337203685477.5808|-214748.3648
2|-99999999999999999999999999999999999999|0.0000|-0.01|922337203685477.5807|214748.3647
3|NULL|NULL|NULL|NULL|NULL
EOF
tsql5_view t_dec
# ASE stores '' as one space; unichar pads like char
expect <<'EOF'
id|c|vc|uc|uv
1|abc  |Zoë é|é  |Zoë 🚀 北京
2|     | |   | 
3|NULL|NULL|NULL|NULL
EOF
tsql5_view t_char
# unitext reaches FreeTDS 1.3 as an image of UTF-16LE ("uni ✓"); varchar
# and varbinary beyond 255 bytes travel as LONGCHAR and LONGBINARY
{
	printf 'id|t|ut|im|lv|lb\n1|text é|75006e00690020001327|00ff10|'
	printf 'x%.0s' $(seq 299)
	printf '!|'
	printf 'ab%.0s' $(seq 300)
	printf '\n2|NULL|NULL|NULL|NULL|NULL\n'
} >"$tmp/expected"
tsql5_view t_lob
expect <<'EOF'
id|b|vb|ts
1|01000000|deadbeef|00000000000007d1
2|NULL|NULL|ffffffffffffffff
EOF
tsql5_view t_bin

# freebcp over TDS 5.0: ASE's time in 1/300 s, bigtime and bigdatetime (to
# freebcp's 3 digits), unsigned bigint beyond the signed range
bcp5() {
	TDSVER=5.0 FREEBCP_DATEFMT='%Y-%m-%d %H:%M:%S.%z' freebcp "$1" queryout \
		"$tmp/bcp.out" -c -t '|' -S "127.0.0.1:$ase" -U dbs -P secret \
		-D demo >"$tmp/bcp.log" 2>&1
	tr '\000' '~' <"$tmp/bcp.out"
}
expect <<'EOF'
1|1-01-01 00:00:00.000|1900-01-01 00:00:00.000|1900-01-01 00:00:00.000
2|9999-12-31 00:00:00.000|1900-01-01 23:59:59.997|1900-01-01 23:59:59.999
3|2024-02-29 00:00:00.000|1900-01-01 12:34:56.790|1900-01-01 12:34:56.123
4|||
1|1753-01-01 00:00:00.000|1900-01-01 00:00:00.000|1-01-01 00:00:00.000
2|9999-12-31 23:59:59.997|2079-06-06 23:59:00.000|9999-12-31 23:59:59.999
3|2024-01-01 00:00:00.003|2024-01-01 12:34:00.000|2024-01-02 03:04:05.123
4|||
1|0|0|0
2|65535|4294967295|18446744073709551615
3|||
4|1|2147483648|9223372036854775808
1|abc  |Zoë é|é  |Zoë 🚀 北京
2|     | |   | 
3||||
EOF
for v in t_date t_dt t_uint t_char; do
	bcp5 "SELECT * FROM dbo.$v ORDER BY id"
done >"$tmp/out"
same "TDS 5.0: freebcp date/time, unsigned and text types" "$tmp/expected" \
	"$tmp/out"

if [ "$have_dbcheck" = 1 ]; then
	expect <<'EOF'
id|d|t|bt
1|0001-01-01|00:00:00.000|00:00:00.000000
2|9999-12-31|23:59:59.997|23:59:59.999999
3|2024-02-29|12:34:56.790|12:34:56.123456
4|NULL|NULL|NULL
(4 rows)
id|dt|sdt|bdt
1|1753-01-01 00:00:00.000|1900-01-01 00:00:00|0001-01-01 00:00:00.000000
2|9999-12-31 23:59:59.997|2079-06-06 23:59:00|9999-12-31 23:59:59.999999
3|2024-01-01 00:00:00.003|2024-01-01 12:34:00|2024-01-02 03:04:05.123456
4|NULL|NULL|NULL
(4 rows)
id|r|f
1|0.1|0.1
2|-3.4028235e+38|1e+308
3|NULL|NULL
(3 rows)
id|ti|bi|ub|r|m|dt|d|t
1|255|-9223372036854775808|18446744073709551615|0.1|-0.0001|2024-01-01 00:00:00.003|2024-02-29|23:59:59.997
(1 rows)
EOF
	DBCHECK_PASSWORD=secret TDSVER=5.0 "$tmp/dbcheck" "127.0.0.1:$ase" demo \
		dbs "SELECT * FROM dbo.t_date ORDER BY id" \
		"SELECT * FROM dbo.t_dt ORDER BY id" \
		"SELECT * FROM dbo.t_real ORDER BY id" \
		"SELECT * FROM dbo.t_notnull" 2>"$tmp/err" | tr '\t' '|' \
		>"$tmp/out"
	same "TDS 5.0: db-lib dates and times to the microsecond, NOT NULL types" \
		"$tmp/expected" "$tmp/out"
	# db-lib 1.3 names ASE's Unicode types as it can
	expect <<'EOF'
# id: INT NOT NULL
# us: UNSIGNED SMALLINT NULL
# ui: UNSIGNED INT NULL
# ub: UNSIGNED BIGINT NULL
# c: CHAR(5) NULL
# vc: VARCHAR(20) NULL
# uc: IMAGE NULL
# uv: IMAGE NULL
# d: DATE NULL
# t: TIME NULL
# bt: BIGTIME NULL
# ts: VARBINARY(8) NOT NULL
EOF
	DBCHECK_PASSWORD=secret TDSVER=5.0 "$tmp/dbcheck" -m "127.0.0.1:$ase" \
		demo dbs "SELECT * FROM dbo.t_uint WHERE 1 = 0" \
		"SELECT c, vc, uc, uv FROM dbo.t_char WHERE 1 = 0" \
		"SELECT d, t, bt FROM dbo.t_date WHERE 1 = 0" \
		"SELECT ts FROM dbo.t_bin WHERE 1 = 0" 2>"$tmp/err" |
		grep '^#' >"$tmp/out"
	same "TDS 5.0: db-lib column declarations" "$tmp/expected" "$tmp/out"
else
	for what in dates metadata; do
		ok "TDS 5.0: db-lib $what # SKIP cannot build dbcheck.c"
	done
fi

# ASE's errors as tsql shows them; a TDS 7 login is hung up on
expect <<EOF
Msg 4002 (severity 14, state 1) from TDSSERVER Line 1:
$tab"Login failed."
There was a problem connecting to the server
EOF
echo "SELECT 1" | TDSVER=5.0 tsql -H 127.0.0.1 -p "$ase" -U dbs -P wrong \
	-D demo -o q >"$tmp/out" 2>"$tmp/err" || true
same "TDS 5.0: wrong password: 4002" "$tmp/expected" "$tmp/err"
expect <<EOF
Msg 911 (severity 11, state 2) from TDSSERVER Line 1:
$tab"Attempt to locate entry in sysdatabases for database 'nosuch' by name failed - no entry found under that name. Make sure that name is entered properly."
There was a problem connecting to the server
EOF
echo "SELECT 1" | TDSVER=5.0 tsql -H 127.0.0.1 -p "$ase" -U dbs -P secret \
	-D nosuch -o q >"$tmp/out" 2>"$tmp/err" || true
same "TDS 5.0: unknown database: 911" "$tmp/expected" "$tmp/err"
expect <<EOF
Msg 208 (severity 16, state 1) from TDSSERVER Line 1:
$tab"dbo.nosuch not found. Specify owner.objectname or use sp_help to check whether the object exists (sp_help may produce lots of output)."
Msg 229 (severity 14, state 1) from TDSSERVER Line 1:
$tab"SELECT permission denied on object secret, database demo, owner dbo"
Msg 207 (severity 16, state 1) from TDSSERVER Line 2:
$tab"Invalid column name 'nocol'."
EOF
tsq5 "SELECT * FROM [dbo].[nosuch]" "SELECT [id] FROM [dbo].[secret]" \
	"SELECT 1
	SELECT nocol FROM dbo.t_int" >"$tmp/out" 2>"$tmp/err" || true
same "TDS 5.0: unknown object 208, denied 229, unknown column 207" \
	"$tmp/expected" "$tmp/err"
expect <<EOF
id|ti|si|i|bi
1|0|-32768|-2147483648|-9223372036854775808
Msg 1205 (severity 13, state 2) from TDSSERVER Line 1:
$tab"Your server command (family id #0, process id #51) encountered a deadlock situation. Please re-run your command."
EOF
printf 'SELECT * FROM dbo.t_int ORDER BY id\ngo\n' | TDSVER=5.0 tsql \
	-H 127.0.0.1 -p "$ase_deadlock" -U dbs -P secret -D demo -o q -t '|' \
	>"$tmp/out" 2>"$tmp/err" || true
cat "$tmp/err" >>"$tmp/out"
same "TDS 5.0: error-after=1: a row, then ASE's 1205" "$tmp/expected" \
	"$tmp/out"
expect <<EOF
Error 20017 (severity 9):
${tab}Unexpected EOF from the server
Error 20002 (severity 9):
${tab}Adaptive Server connection failed
There was a problem connecting to the server
EOF
echo "SELECT 1" | TDSVER=7.4 tsql -H 127.0.0.1 -p "$ase" -U dbs -P secret \
	-D demo -o q >"$tmp/out" 2>"$tmp/err" || true
same "TDS 5.0 server: a TDS 7.4 login is hung up on" "$tmp/expected" \
	"$tmp/err"
expect <<'EOF'
id
1
2
3
EOF
printf 'SELECT id FROM dbo.t_int ORDER BY id\ngo\n' | TDSVER=auto tsql \
	-H 127.0.0.1 -p "$ase" -U dbs -P secret -D demo -o q >"$tmp/out" \
	2>"$tmp/err" || true
same "TDS 5.0 server: FreeTDS's auto finds 5.0" "$tmp/expected" "$tmp/out"

echo "1..$ntest"
exit "$failed"
