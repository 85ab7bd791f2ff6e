#!/usr/bin/env bash
# server.sh - `make bench-server` (issue 10): the syncs of `make bench`
# (full, keys, segments; no change and 1% changed) against a real server,
# the one make check-server uses (DBS_TEST_SERVER, DBS_TEST_DATABASE,
# DBS_TEST_USER, DBS_TEST_PASSWORD_FILE; tests/server/README). Never part
# of make check.
#
# usage: server.sh [--rows N] [--runs N] [--out FILE]
#
#   --rows  rows of the bench view (default 1000000)
#   --runs  timed rounds (default 5; each round runs the three syncs once,
#           in turn, through hyperfine, so that a change in the load of
#           the shared machine hits them alike)
#   --out   the report (default tests/bench/RESULTS-server.md)
#
# The view is made on the server, in a schema dbs_bench_<random> that is
# dropped at the end (also on failure and on SIGINT/SIGTERM/SIGHUP): a
# table of the bench view's shape (tests/bench/gen.c: int key, varchar,
# nvarchar with non-ASCII text, decimal(18,4), int, float, bit,
# datetime2(3), nvarchar note 20% NULL with a quote, a comma and a line
# break, uniqueidentifier) filled by one INSERT ... SELECT from a cross
# join of digits, and a view of it. Then, as tests/bench/change.py does,
# 1% of the rows get a new amount, note and updated_at, 0.5% are deleted
# and N/200 are added after the last key. Bytes are counted by
# tests/bench/tcpcount.py (a relay) when DBS_TEST_SERVER is HOST:PORT.
# Every synced table is compared with a full extract of the view.
#
# Then the key order (issue 10, dbs-extract(1) "Key order"): two more
# tables of N rows and 3 columns, one keyed by a varchar(20) in mixed
# case, one by a uniqueidentifier. For each, a no-change full sync with
# the rows in SQLite's order (what dbs-extract asks for: the key under
# COLLATE Latin1_General_BIN2, which the server sorts) against one with
# the rows in the server's own order (--order-by the key: its index,
# and dbs-load leaves its merge for point lookups), and each extract
# alone to /dev/null, in the same interleaved rounds.
set -eu

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/../.." && pwd)
: "${DBS_BUILD:=$TOP/build}"
export LC_ALL=C.UTF-8 TZ=UTC

rows=1000000
runs=5
out=$BENCH/RESULTS-server.md
while [ $# -gt 0 ]; do
	case "$1" in
	--rows | --runs | --out)
		[ $# -ge 2 ] || { echo "server.sh: $1 needs a value" >&2; exit 2; }
		case "$1" in
		--rows) rows=$2 ;;
		--runs) runs=$2 ;;
		--out) out=$2 ;;
		esac
		shift
		;;
	*)
		echo 'usage: server.sh [--rows N] [--runs N] [--out FILE]' >&2
		exit 2
		;;
	esac
	shift
done
for v in rows runs; do
	case "${!v}" in
	*[!0-9]* | '' | 0)
		echo "server.sh: --$v: not a positive number: ${!v}" >&2
		exit 2
		;;
	esac
done
[ "$rows" -le 1000000000 ] || { echo "server.sh: --rows: at most 1e9" >&2; exit 2; }

# shellcheck source=SCRIPTDIR/lib.sh
. "$BENCH/lib.sh"
if [ -z "${DBS_TEST_SERVER-}" ]; then
	say "bench-server: skipped: no server named (set DBS_TEST_SERVER," \
		"DBS_TEST_DATABASE, DBS_TEST_USER, DBS_TEST_PASSWORD_FILE)"
	exit 0
fi
for v in DBS_TEST_DATABASE DBS_TEST_USER DBS_TEST_PASSWORD_FILE; do
	[ -n "${!v-}" ] || die "$v is not set"
done
[ -r "$DBS_TEST_PASSWORD_FILE" ] || die "$DBS_TEST_PASSWORD_FILE: cannot read"
for tool in hyperfine sqlite3 python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run make deps)"
done
for f in dbs-extract dbs-load tests/dbsql; do
	[ -x "$DBS_BUILD/$f" ] || die "$DBS_BUILD/$f not built"
done

RUN=$(mktemp -d "${TMPDIR:-/tmp}/dbs-bench-server.XXXXXX")
schema=dbs_bench_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
created=0
korder=0
RELAY_PID=""
export DBS_PASSWORD_FILE=$DBS_TEST_PASSWORD_FILE

sqlrun() {
	"$DBS_BUILD/tests/dbsql" -S "$DBS_TEST_SERVER" -D "$DBS_TEST_DATABASE" \
		-U "$DBS_TEST_USER" -f "$DBS_TEST_PASSWORD_FILE" "$@"
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	[ -z "$RELAY_PID" ] || kill "$RELAY_PID" 2>/dev/null || true
	if [ "$created" = 1 ] && ! {
		[ "$korder" = 0 ] || printf '%s\ngo\n' \
			"DROP TABLE [$schema].[ko_text]" \
			"DROP TABLE [$schema].[ko_guid]"
		printf '%s\ngo\n' "DROP VIEW [$schema].[big]" \
			"DROP TABLE [$schema].[big\$data]" "DROP SCHEMA [$schema]"
	} | sqlrun -k >/dev/null; then
		say "could not drop schema $schema: drop it by hand"
		rc=1
	fi
	rm -rf "$RUN"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# numbers COUNT OFFSET: a derived table x of the numbers OFFSET + 1 ..
# OFFSET + COUNT, as n (a cross join of digits, filtered).
numbers() {
	local k=0 expr="" from=""
	local d="(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9))"
	while [ "$k" -eq 0 ] || [ $((10 ** k)) -lt "$1" ]; do
		expr="$expr + d$k.d * $((10 ** k))"
		from="$from${from:+ CROSS JOIN }$d AS d$k(d)"
		k=$((k + 1))
	done
	printf '(SELECT %d%s AS n FROM %s) AS x WHERE n <= %d' \
		$(($2 + 1)) "$expr" "$from" $(($2 + $1))
}

# rows_sql COUNT OFFSET UPDATED: the INSERT ... SELECT of the rows
# OFFSET + 1 .. OFFSET + COUNT, with updated_at UPDATED (an expression of
# n).
rows_sql() {
	cat <<EOF
INSERT INTO [$schema].[big\$data]
SELECT n, CONCAT('C', n % 9973, '-', n % 7), CONCAT(N'Zoë Łukasz ', n),
 CAST(n % 100003 AS decimal(18,4)) / 8, n % 1000, n * 0.001 + 1.0 / 3,
 n % 2, $3,
 CASE WHEN n % 5 = 0 THEN NULL ELSE CONCAT(N'note, "', n, N'"', CHAR(10),
 N'x') END,
 CAST(HASHBYTES('MD5', CAST(n AS varchar(12))) AS uniqueidentifier)
FROM $(numbers "$1" "$2")
go
EOF
}

server_version=$(printf 'SELECT @@VERSION\ngo\n' | sqlrun | head -1 |
	sed 's/\\t/ /g; s/\\n.*//') || die "cannot log in to $DBS_TEST_SERVER"
say "$DBS_TEST_SERVER: $server_version"
printf 'CREATE SCHEMA [%s]\ngo\n' "$schema" | sqlrun >/dev/null
created=1
say "making the view $schema.big of $rows rows"
{
	cat <<EOF
CREATE TABLE [$schema].[big\$data] (id int NOT NULL PRIMARY KEY,
 code varchar(20) NOT NULL, name nvarchar(60) NOT NULL,
 amount decimal(18,4) NOT NULL, quantity int NOT NULL,
 weight float NOT NULL, active bit NOT NULL,
 updated_at datetime2(3) NOT NULL, note nvarchar(200) NULL,
 guid uniqueidentifier NOT NULL)
go
CREATE VIEW [$schema].[big] AS SELECT * FROM [$schema].[big\$data]
go
EOF
	rows_sql "$rows" 0 \
		"DATEADD(second, n, CAST('2024-01-01' AS datetime2(3)))"
} | sqlrun >/dev/null

# A key scan of a table that PostgreSQL has not vacuumed yet reads the
# page of every row (its visibility map is empty): on Babelfish, wait
# for the autovacuum of the new table, as a table in use has had (the
# keys sync of the bench took 1.2 s before it and 0.6 s after).
case "$server_version" in
*Babelfish*)
	say "waiting for the autovacuum of the new table (Babelfish)"
	for _ in $(seq 60); do
		v=$(printf '%s\ngo\n' "SELECT COUNT(*) FROM pg_catalog.pg_stat_user_tables WHERE schemaname LIKE '%$schema' AND relname = 'big\$data' AND last_autovacuum IS NOT NULL" |
			sqlrun) || die "cannot read pg_stat_user_tables"
		[ "$v" = 0 ] || break
		sleep 5
	done
	[ "$v" != 0 ] || say "no autovacuum after 5 minutes: the key scans read every page"
	;;
esac

X="$(q "$DBS_BUILD/dbs-extract") -U $(q "$DBS_TEST_USER") -D $(q "$DBS_TEST_DATABASE") --view $(q "$schema.big") --key id --no-progress"
L=$(q "$DBS_BUILD/dbs-load")

# sync_cmd KIND SERVER DB: the sh command line of a sync of KIND.
sync_cmd() {
	local x d
	x="$X -S $(q "$2")"
	d=$(q "$3")
	case "$1" in
	full) printf '%s | %s --db %s --table t --quiet --watermark updated_at' \
		"$x" "$L" "$d" ;;
	keys) printf '%s --since %s --strategy keys -- %s --db %s --serve t | %s --db %s --table t --quiet --watermark updated_at' \
		"$x" "$(q "$WM")" "$L" "$d" "$L" "$d" ;;
	segments) printf '%s --strategy segments -- %s --db %s --serve t | %s --db %s --table t --quiet' \
		"$x" "$L" "$d" "$L" "$d" ;;
	esac
}

say "loading the base tables (untimed)"
sh -c "$X -S $(q "$DBS_TEST_SERVER") | $L --db $(q "$RUN/base-full.db") --table t --quiet --watermark updated_at"
sh -c "$X -S $(q "$DBS_TEST_SERVER") --fingerprint | $L --db $(q "$RUN/base-segments.db") --table t --quiet"
cp "$RUN/base-full.db" "$RUN/base-keys.db"
for k in full keys segments; do
	sqlite3 "$RUN/base-$k.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
done
WM=$("$DBS_BUILD/dbs-load" --db "$RUN/base-keys.db" --state t |
	awk -F '\t' '$1 == "watermark" { print $2 "=" $3 }')

relay=""
case "$DBS_TEST_SERVER" in
*[!A-Za-z0-9.:-]* | *:*:*) ;;
*:[0-9]*)
	python3 "$BENCH/tcpcount.py" --upstream "$DBS_TEST_SERVER" \
		--port-file "$RUN/relay.port" --count-file "$RUN/relay.count" \
		--pid-file "$RUN/relay.pid" >"$RUN/relay.log" 2>&1 &
	RELAY_PID=$!
	for _ in $(seq 100); do
		[ ! -s "$RUN/relay.port" ] || break
		sleep 0.1
	done
	[ -s "$RUN/relay.port" ] || die "the counting relay did not start"
	relay=127.0.0.1:$(cat "$RUN/relay.port")
	;;
esac

# check DB: die unless table t of DB equals a full extract of the view.
check() {
	local o
	o=$(sh -c "$X -S $(q "$DBS_TEST_SERVER") ${2:-} | $L --db $(q "$1") --table t --dry-run --summary json")
	case "$o" in
	*'"inserted":0,"updated":0,"deleted":0'*) ;;
	*) die "$1 differs from the view: $o" ;;
	esac
}

# state ST: bytes (through the relay) and rounds of the three syncs.
state() {
	local st=$1 k r db args
	for k in full keys segments; do
		db=$RUN/sync-$k.db
		if [ -n "$relay" ]; then
			sh -c "$(fresh "$db")"
			cp "$RUN/base-$k.db" "$db"
			: >"$RUN/relay.count"
			sh -c "$(sync_cmd "$k" "$relay" "$db")" ||
				die "$k, $st: the sync through the relay failed"
			sleep 0.3 # the relay writes its count when the connection ends
			awk '{ n += $1 } END { print n }' "$RUN/relay.count" \
				>"$RUN/$k-$st.bytes"
			args=""
			[ "$k" != segments ] || args=--fingerprint
			check "$db" "$args"
		fi
	done
	for ((r = 1; r <= runs; r++)); do
		say "$st: round $r of $runs"
		args=()
		for k in full keys segments; do
			db=$RUN/sync-$k.db
			args+=(--prepare "$(fresh "$db") && cp $(q "$RUN/base-$k.db") $(q "$db")"
				--command-name "$k" "$(sync_cmd "$k" "$DBS_TEST_SERVER" "$db")")
		done
		hyperfine --runs 1 --style none --export-json "$RUN/$st-$r.json" \
			"${args[@]}" >/dev/null
	done
}

state same
say "changing 1% of the rows, deleting 0.5%, adding $((rows / 200))"
{
	cat <<EOF
UPDATE [$schema].[big\$data] SET amount = (CAST(id AS bigint) * 7919) % 100000 + 0.5,
 note = CONCAT(N'changed #', id),
 updated_at = DATEADD(millisecond, id % 1000, CAST('2030-01-01' AS datetime2(3)))
WHERE id % 200 IN (17, 101)
go
DELETE FROM [$schema].[big\$data] WHERE id % 200 = 59
go
EOF
	rows_sql $((rows / 200)) "$rows" "CAST('2030-01-02' AS datetime2(3))"
} | sqlrun >/dev/null
state next

say "making the key order tables of $rows rows"
korder=1
cat <<EOF | sqlrun >/dev/null
CREATE TABLE [$schema].[ko_text] (code varchar(20) NOT NULL PRIMARY KEY,
 name nvarchar(60) NOT NULL, quantity int NOT NULL)
go
CREATE TABLE [$schema].[ko_guid] (g uniqueidentifier NOT NULL PRIMARY KEY,
 name nvarchar(60) NOT NULL, quantity int NOT NULL)
go
INSERT INTO [$schema].[ko_text]
SELECT CONCAT(CASE WHEN n % 2 = 0 THEN 'k' ELSE 'K' END, n % 7919, '-', n),
 CONCAT(N'Zoë ', n), n % 1000
FROM $(numbers "$rows" 0)
go
INSERT INTO [$schema].[ko_guid]
SELECT CAST(HASHBYTES('MD5', CAST(n AS varchar(12))) AS uniqueidentifier),
 CONCAT(N'Zoë ', n), n % 1000
FROM $(numbers "$rows" 0)
go
EOF
# ko_cmd KIND ORDER DB [OPTS]: the sh command line of a no-change sync
# of the KIND table with the rows in ORDER (sqlite or server), dbs-load
# given OPTS (default --quiet); with DB "-", the extract alone to
# /dev/null.
ko_cmd() {
	local key=code x
	[ "$1" = text ] || key=g
	x="$(q "$DBS_BUILD/dbs-extract") -S $(q "$DBS_TEST_SERVER") -U $(q "$DBS_TEST_USER") -D $(q "$DBS_TEST_DATABASE") --view $(q "$schema.ko_$1") --key $key --no-progress"
	[ "$2" = sqlite ] || x="$x --order-by $key"
	if [ "$3" = - ]; then
		printf '%s >/dev/null' "$x"
	else
		printf '%s | %s --db %s --table t %s' "$x" "$L" "$(q "$3")" \
			"${4:---quiet}"
	fi
}
for k in text guid; do
	sh -c "$(ko_cmd "$k" sqlite "$RUN/ko-$k-base.db")"
	sqlite3 "$RUN/ko-$k-base.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	o=$(sh -c "$(ko_cmd "$k" server "$RUN/ko-$k-base.db" \
		'--dry-run --summary json')")
	case "$o" in
	*'"inserted":0,"updated":0,"deleted":0'*) ;;
	*) die "ko_$k: the two orders do not give the same table: $o" ;;
	esac
done
for ((r = 1; r <= runs; r++)); do
	say "key order: round $r of $runs"
	args=()
	for k in text guid; do
		for o in sqlite server; do
			db=$RUN/ko-$k-$o.db
			args+=(--prepare "$(fresh "$db") && cp $(q "$RUN/ko-$k-base.db") $(q "$db")"
				--command-name "$k-$o" "$(ko_cmd "$k" "$o" "$db")"
				--prepare true --command-name "$k-$o-extract"
				"$(ko_cmd "$k" "$o" -)")
		done
	done
	hyperfine --runs 1 --style none --export-json "$RUN/korder-$r.json" \
		"${args[@]}" >/dev/null
done

python3 "$BENCH/server_report.py" --dir "$RUN" --runs "$runs" \
	--rows "$rows" --server "$server_version" \
	--commit "${BENCH_COMMIT:-$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)}" \
	>"$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
