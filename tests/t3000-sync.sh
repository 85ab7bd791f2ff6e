#!/bin/bash
# t3000-sync.sh - dbs-sync end to end through the TDS test server:
# config parsing and its errors, the log line, snapshots and rotation,
# replay, the lock, failures and refusals, incremental extracts, and the
# configuration example of dbs-sync(1).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db --generate dbo.orders --rows 20
tds_fixture fx.db --append --generate dbo.events --rows 10
tds_start fx.db --user dbs --password secret --database demo
printf 'secret\n' >pw
chmod 600 pw

# conf FILE [EXTRA...]: a config for the test server; extra lines appended.
conf() {
	local f=$1
	shift
	{
		printf '[source]\nserver = %s\ndatabase = demo\nuser = dbs\n' \
			"$TDS_SERVER"
		printf 'password-file = %s/pw\n\n' "$SCRATCH"
		printf '%s\n' "$@"
	} >"$f"
}

# logs: stderr with the volatile time and seconds fields replaced.
logs() {
	sed -E -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z /T /' \
		-e 's/ seconds=[0-9.]+$//' \
		-e 's/"time":"[^"]*"/"time":"T"/' \
		-e 's/,"seconds":[0-9.]+}/}/' stderr
}

# --- usage and configuration errors ---
run dbs-sync --bogus
expect 2 "" "dbs-sync: unknown option --bogus
usage: dbs-sync [-c file] [--dry-run] [--log-format text|json] [view ...]
       dbs-sync [-c file] [--dry-run] --replay file view
       dbs-sync -h | --help | --version" "unknown option"

run dbs-sync -c missing.conf
expect 2 "" "dbs-sync: missing.conf: cannot read config file" "missing config"

conf c1.conf '[sync]' 'db = t.db' '[view orders]' 'colour = red'
run dbs-sync -c c1.conf
expect 2 "" 'dbs-sync: c1.conf: line 10: unknown key "colour" in [view orders]' \
	"unknown key"

conf c2.conf '[views]'
run dbs-sync -c c2.conf
expect 2 "" "dbs-sync: c2.conf: line 7: unknown section [views]" "unknown section"

conf c3.conf '[view a b]'
run dbs-sync -c c3.conf
expect 2 "" 'dbs-sync: c3.conf: line 7: bad view name "a b"' "bad view name"

conf c4.conf '[view orders]' 'db = t.db' '[view orders]'
run dbs-sync -c c4.conf
expect 2 "" 'dbs-sync: c4.conf: line 9: view "orders" defined twice' "twice"

conf c5.conf '[sync]' 'db = t.db'
run dbs-sync -c c5.conf
expect 2 "" "dbs-sync: c5.conf: no [view NAME] sections" "no views"

conf c6.conf '[view orders]' 'db = t.db'
run dbs-sync -c c6.conf nosuch
expect 2 "" "dbs-sync: c6.conf: no [view nosuch] section" "unknown view"

printf '[source]\npassword = secret\n[view orders]\ndb = t.db\n' >c7.conf
chmod 644 c7.conf
run dbs-sync -c c7.conf
expect 2 "" "dbs-sync: c7.conf: holds a password but is readable by others (mode 644); chmod 600 it" \
	"password in a public config"
ok "nothing created by refused configs" test ! -e t.db

conf c8.conf 'junk'
run dbs-sync -c c8.conf
expect 2 "" "dbs-sync: c8.conf: line 7: expected key = value" "not key = value"
printf 'db = t.db\n[view orders]\n' >c9.conf
run dbs-sync -c c9.conf
expect 2 "" "dbs-sync: c9.conf: line 1: key outside a section" "key outside a section"

# --- a first sync, a no-change sync, snapshots ---
conf s.conf '[sync]' "db = $SCRATCH/s.db" "snapshots = $SCRATCH/snap" \
	'keep = 2' '[view orders]' 'view = dbo.orders' 'key = id'
run dbs-sync -c s.conf
is_status 0 "first sync: status"
is_file stdout "" "first sync: no stdout"
is "$(logs)" "T orders ok inserted=20 updated=0 deleted=0 unchanged=0" \
	"first sync: log line"
is "$(sql s.db 'SELECT count(*), sum(quantity) FROM orders')" \
	"$(sql fx.db 'SELECT count(*), sum(quantity) FROM "dbo.orders"')" \
	"first sync: rows"
is "$(find snap -name 'orders.*.csv.snapshot' | wc -l)" 1 "one snapshot"

run dbs-sync -c s.conf
is_status 0 "no-change sync: status"
is "$(logs)" "T orders ok inserted=0 updated=0 deleted=0 unchanged=20" \
	"no-change sync: log line"

sql fx.db 'UPDATE "dbo.orders" SET quantity = quantity + 1 WHERE id <= 3;
	DELETE FROM "dbo.orders" WHERE id = 20'
run dbs-sync -c s.conf --log-format json
is_status 0 "changed sync: status"
is "$(logs)" '{"time":"T","view":"orders","status":"ok","inserted":0,"updated":3,"deleted":1,"unchanged":16}' \
	"changed sync: json log line"
is "$(find snap -name '*.snapshot' | wc -l)" 2 "snapshots rotated to keep = 2"
ok "no .part left" test -z "$(find snap -name '*.part')"

# --- replay the oldest kept snapshot: it is older than the last applied ---
oldest=$(find snap -name '*.snapshot' | sort | head -n 1)
run dbs-sync -c s.conf --replay "$oldest" orders
is_status 3 "replaying an older snapshot is refused"
is "$(logs | tail -n 1)" "T orders refused inserted=0 updated=0 deleted=0 unchanged=0" \
	"refused replay: log line"
newest=$(find snap -name '*.snapshot' | sort | tail -n 1)
run dbs-sync -c s.conf --replay "$newest" orders
is_status 0 "replaying the last snapshot"
is "$(logs)" "T orders ok inserted=0 updated=0 deleted=0 unchanged=19" \
	"replay: changes nothing"

# --- dry run ---
sql fx.db 'DELETE FROM "dbo.orders" WHERE id = 19'
run dbs-sync -c s.conf --dry-run
is_status 0 "dry run: status"
is "$(logs)" "T orders ok inserted=0 updated=0 deleted=1 unchanged=18" \
	"dry run: counts"
is "$(sql s.db 'SELECT count(*) FROM orders')" 19 "dry run: nothing deleted"
is "$(find snap -name '*.snapshot' | wc -l)" 2 "dry run: no snapshot"

# --- the lock ---
(
	exec 9>>s.db.lock
	flock 9
	exec sleep 30
) &
holder=$!
at_exit "kill $holder"
for _ in $(seq 50); do
	flock -n s.db.lock true 2>/dev/null || break
	sleep 0.1
done
run dbs-sync -c s.conf
is_status 4 "locked: status 4"
is "$(logs)" "dbs-sync: orders: $SCRATCH/s.db is locked by another dbs-sync
T orders busy inserted=0 updated=0 deleted=0 unchanged=0" "locked: message"
kill "$holder"
wait "$holder" 2>/dev/null

# --- a failing extract: nothing changes, no snapshot ---
conf bad.conf '[sync]' "db = $SCRATCH/s.db" "snapshots = $SCRATCH/snap" \
	'[view orders]' 'view = dbo.nosuch' 'key = id'
run dbs-sync -c bad.conf
is_status 1 "failed extract: status"
is "$(logs | tail -n 1)" "T orders failed inserted=0 updated=0 deleted=0 unchanged=0" \
	"failed extract: log line"
is "$(sql s.db 'SELECT count(*) FROM orders')" 19 "failed extract: unchanged"
is "$(find snap -type f | wc -l)" 2 "failed extract: no snapshot or part"

# --- a refusal by a safety rule: deleting more than half ---
sql fx.db 'DELETE FROM "dbo.orders" WHERE id > 5'
run dbs-sync -c s.conf
is_status 3 "mass delete: refused"
is "$(sql s.db 'SELECT count(*) FROM orders')" 19 "mass delete: unchanged"
printf 'max-delete = 100\n' >>s.conf
run dbs-sync -c s.conf
is_status 0 "mass delete allowed by max-delete = 100"
is "$(sql s.db 'SELECT count(*) FROM orders')" 5 "mass delete applied"

# --- the example configuration of dbs-sync(1), incremental view included ---
sed -n '/^A configuration that keeps/,/^\.Ed/p' "$TOP/man/dbs-sync.1" |
	sed -e '1,/^\.Bd/d' -e '/^\.Ed/d' \
	-e "s#^server = .*#server = $TDS_SERVER#" \
	-e 's#^database = .*#database = demo#' -e 's#^user = .*#user = dbs#' \
	-e "s#^password-file = .*#password-file = $SCRATCH/pw#" \
	-e "s#/var/lib/dbs/#$SCRATCH/ex-#" >ex.conf
is "$(grep -c '^\[' ex.conf)" 4 "man page example extracted"
run dbs-sync -c ex.conf
is_status 0 "man page example: status"
is "$(logs)" "T orders ok inserted=5 updated=0 deleted=0 unchanged=0
T events ok inserted=10 updated=0 deleted=0 unchanged=0" "man page example: logs"
is "$(dbs-load --db ex-sales.db --state events | grep -v '^extracted-at')" \
	"table	events
key	id
watermark	updated_at	2024-01-01 00:06:10.201" \
	"incremental view has a watermark"
sql fx.db "UPDATE \"dbo.events\" SET quantity = 7, updated_at = '2030-01-01 00:00:00.000' WHERE id = 4"
run dbs-sync -c ex.conf events
is_status 0 "incremental: status"
is "$(logs)" "T events ok inserted=0 updated=1 deleted=0 unchanged=0" \
	"incremental: only the newer row is extracted"
is "$(sql ex-sales.db 'SELECT count(*), sum(quantity = 7) FROM events')" "10|1" \
	"incremental: table"

done_testing
