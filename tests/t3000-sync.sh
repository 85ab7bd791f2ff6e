#!/bin/bash
# t3000-sync.sh - dbs-sync end to end through the TDS test server: its
# options and config errors (all before anything is written), the log
# line, snapshots kept per view and rotated without touching other
# files, replay, dry runs that change nothing, the lock, and statuses
# and messages that tell the first cause, with and without snapshots.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db --generate dbo.orders --rows 20
tds_fixture fx.db --append --generate dbo.events --rows 10
tds_sync_start fx.db

# logs [FILE]: the log lines of stderr (or FILE), the volatile time and
# seconds replaced.
logs() {
	sed -E -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z /T /' \
		-e 's/ seconds=[0-9.]+//' \
		-e 's/"time":"[^"]*"/"time":"T"/' \
		-e 's/,"seconds":[0-9.]+//' "${1:-stderr}"
}

# --- usage and configuration errors: nothing is created ---
usage='usage: dbs-sync [-c file] [--dry-run] [--full] [-v] [-j jobs]
		[--strategy full | keys | segments]
		[--log-format text | json] [--allow-older] [--allow-empty]
		[--allow-mass-delete] [view ...]
       dbs-sync [-c file] [--dry-run] [-v] [--log-format text | json]
		[--allow-older] [--allow-empty] [--allow-mass-delete]
		--replay file view
       dbs-sync -h | --help | --version'
run dbs-sync --help
is_status 0 "--help"
is "$(sed -n '/^$/q;p' stdout)" "$usage" "--help: the usage first"
while read -r o; do
	grep -q -- "$o" stdout
	_t_report $? "--help describes $o"
done < <(sed -n 's/^\.It Fl -\([a-z-]*\).*/--\1/p' "$TOP/man/dbs-sync.1")
mandoc -Tascii "$TOP/man/dbs-sync.1" | col -b >man.txt
is "$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' man.txt | sed '1d;$d' |
	tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//')" \
	"$(printf '%s\n' "$usage" | sed 's/^usage: //' | tr -s ' \t\n' '   ' |
		sed 's/^ //; s/ $//')" "SYNOPSIS is the usage text"
run mandoc -Tlint -Wwarning "$TOP/man/dbs-sync.1"
expect 0 "" "" "mandoc -Tlint"
run dbs-sync --version
expect 0 "dbs-sync 0.1.0" "" "--version"
run dbs-sync --bogus
expect 2 "" "dbs-sync: unknown option --bogus (see dbs-sync --help)" \
	"unknown option"
run dbs-sync -c
expect 2 "" "dbs-sync: option -c needs an argument (see dbs-sync --help)" \
	"missing argument"
run dbs-sync -c missing.conf
expect 2 "" "dbs-sync: missing.conf: No such file or directory" \
	"missing config"
run dbs-sync --log-format=xml -c missing.conf
expect 2 "" 'dbs-sync: --log-format: "xml" is not text or json' \
	"--log-format=xml"

tds_conf c1.conf '[sync]' 'db = t.db' '[view orders]' 'colour = red'
run dbs-sync -c c1.conf
expect 2 "" 'dbs-sync: c1.conf: line 10: unknown key "colour" in [view orders]' \
	"unknown key"
tds_conf c2.conf '[views]'
run dbs-sync -c c2.conf
expect 2 "" "dbs-sync: c2.conf: line 7: unknown section [views] (expected [source], [sync] or [view NAME])" \
	"unknown section"
tds_conf c3.conf '[view a b]'
run dbs-sync -c c3.conf
expect 2 "" "dbs-sync: c3.conf: line 7: bad view name \"a b\" (letters, digits, '_', '.' and '-', not starting with '.' or '-')" \
	"bad view name"
tds_conf c4.conf '[view orders]' 'db = t.db' '[view orders]'
run dbs-sync --config=c4.conf
expect 2 "" 'dbs-sync: c4.conf: line 9: view "orders" defined twice (first on line 7)' \
	"a view twice (--config=FILE)"
tds_conf c5.conf '[sync]' 'db = t.db'
run dbs-sync -c c5.conf
expect 2 "" "dbs-sync: c5.conf: no [view NAME] sections" "no views"
tds_conf c6.conf '[view orders]' 'db = t.db'
run dbs-sync -c c6.conf nosuch
expect 2 "" "dbs-sync: c6.conf: no [view nosuch] section" "unknown view"
printf '[source]\npassword = secret\n[view orders]\ndb = t.db\n' >c7.conf
chmod 644 c7.conf
run dbs-sync -c c7.conf
expect 2 "" "dbs-sync: c7.conf: holds a password, so it must be mode 0600 (or 0400) and owned by you; it is mode 0644" \
	"password in a public config"
tds_conf c8.conf '[view orders]' 'db = t.db' 'mode = apend'
run dbs-sync -c c8.conf
expect 2 "" "dbs-sync: c8.conf: line 9: mode: expected merge, append or replace" \
	"a bad value is a usage error"
tds_conf c9.conf '[view orders]' 'db = t.db  # the main database'
run dbs-sync -c c9.conf
expect 2 "" "dbs-sync: c9.conf: line 8: db: a '#' or ';' after a blank looks like a comment: put comments on lines of their own, or \"quote\" the value" \
	"an inline comment is refused, not made part of the path"
tds_conf c10.conf '[view orders]'
run dbs-sync -c c10.conf
expect 2 "" "dbs-sync: c10.conf: [view orders]: no db (set it there or in [sync])" \
	"no db"
tds_conf c11.conf '[view orders]' 'db = t.db' 'since = id' 'mode = replace'
run dbs-sync -c c11.conf
expect 2 "" "dbs-sync: c11.conf: line 9: [view orders]: since with mode = replace would delete every row an incremental extract does not carry" \
	"since with replace"
tds_conf c12.conf '[view orders]' 'db = t.db' 'mode = append' 'deletes = soft'
run dbs-sync -c c12.conf
expect 2 "" "dbs-sync: c12.conf: [view orders]: deletes applies only to mode = merge" \
	"deletes with append"
printf '[view orders]\ndb = t.db\n' >c13.conf
run dbs-sync -c c13.conf
expect 2 "" "dbs-sync: c13.conf: [source]: no server" "no server"
tds_conf c14.conf '[view orders]' 'db = t.db'
run dbs-sync -c c14.conf --replay nosuch.csv orders
expect 2 "" "dbs-sync: nosuch.csv: No such file or directory" \
	"--replay of a missing file"
run dbs-sync -c c14.conf --replay c14.conf
expect 2 "" "dbs-sync: --replay loads into exactly one view: name it" \
	"--replay without a view"
run dbs-sync -c c14.conf --full --replay c14.conf orders
expect 2 "" "dbs-sync: --full and --replay are exclusive" "--full --replay"
ok "nothing created by refused configs" test -z "$(ls t.db* 2>/dev/null)"
printf '[source]\nserver = %s\n[view x]\ndb = nodir/x.db\n' "$TDS_SERVER" \
	>c15.conf
run dbs-sync -c c15.conf
is_status 1 "a database in a missing directory: status"
is "$(logs)" "dbs-sync: x: $SCRATCH/nodir/x.db.lock: cannot create the lock file: No such file or directory
T x failed inserted=0 updated=0 deleted=0 unchanged=0 stream=- error=\"$SCRATCH/nodir/x.db.lock: cannot create the lock file: No such file or directory\"" \
	"a database in a missing directory: one message, one log line"

# --- a first sync, a no-change sync, snapshots ---
tds_conf s.conf '[sync]' "db = s.db" "snapshots = snap" 'keep = 2' \
	'log = sync.log' '[view orders]' 'view = dbo.orders' 'key = id'
run dbs-sync -c s.conf
expect 0 "" "" "first sync: quiet on success (cron mails nothing)"
is "$(logs sync.log)" \
	"T orders ok inserted=20 updated=0 deleted=0 unchanged=0 stream=full" \
	"first sync: the log file"
is "$(sql s.db 'SELECT count(*), sum(quantity) FROM orders')" \
	"$(sql fx.db 'SELECT count(*), sum(quantity) FROM "dbo.orders"')" \
	"first sync: rows"
is "$(cd snap && find . -type f | sed 's/[0-9]/N/g')" \
	"./orders/orders.NNNNNNNNTNNNNNN.NNNNNNNNNZ.csv.zst" \
	"one snapshot, in the view's own directory, compressed"
is "$(stat -c %a snap/orders/*.zst)" 600 "snapshots are private"
is "$(zstd -q -d -c snap/orders/*.zst | sed -n '1p;$s/,.*//p')" "#dbs-stream,1
#end" "the snapshot is the whole stream, zstd-compressed"

run dbs-sync -c s.conf -v
is_status 0 "no-change sync: status"
is "$(logs)" "T orders ok inserted=0 updated=0 deleted=0 unchanged=20 stream=full" \
	"-v: the line on stderr too"

sql fx.db 'UPDATE "dbo.orders" SET quantity = quantity + 1 WHERE id <= 3;
	DELETE FROM "dbo.orders" WHERE id = 20'
run dbs-sync -c s.conf --log-format json -v
is_status 0 "changed sync: status"
is "$(logs)" '{"time":"T","view":"orders","status":"ok","inserted":0,"updated":3,"deleted":1,"unchanged":16,"stream":"full","error":null}' \
	"changed sync: json log line"
is "$(find snap -name '*.zst' | wc -l)" 2 "snapshots rotated to keep = 2"
ok "no .part left" test -z "$(find snap -name '*.part')"

# --- rotation touches only the view's own snapshots ---
tds_conf r.conf '[sync]' "db = r.db" "snapshots = rsnap" 'keep = 1' \
	'[view orders]' 'view = dbo.orders' 'key = id' \
	'[view orders.eu]' 'view = dbo.orders' 'key = id' 'table = eu'
mkdir -p rsnap/orders
: >rsnap/orders/notes.txt
: >rsnap/orders/orders.20200101T000000.000000000Z.csv.snapshot.bak
: >rsnap/orders.20200101T000000.000000000Z.csv.snapshot
run dbs-sync -c r.conf
run dbs-sync -c r.conf
is_status 0 "two views with names that share a prefix"
is "$(find rsnap -name '*.snapshot' -o -name '*.zst' | sed 's/[0-9]/N/g' |
	sort)" \
	"rsnap/orders.NNNNNNNNTNNNNNN.NNNNNNNNNZ.csv.snapshot
rsnap/orders.eu/orders.eu.NNNNNNNNTNNNNNN.NNNNNNNNNZ.csv.zst
rsnap/orders/orders.NNNNNNNNTNNNNNN.NNNNNNNNNZ.csv.zst" \
	"each view kept its newest; the file of an older version stays"
ok "files dbs-sync did not write stay" test -f rsnap/orders/notes.txt -a \
	-f rsnap/orders/orders.20200101T000000.000000000Z.csv.snapshot.bak

# --- replay: the oldest kept snapshot is older than the last applied ---
oldest=$(find snap -name '*.zst' | sort | head -n 1)
run dbs-sync -c s.conf --replay "$oldest" orders
is_status 3 "replaying an older snapshot is refused"
is "$(logs)" "dbs-load: $oldest: table orders: snapshot extracted at $(zstdcat "$oldest" | sed -n 's/^#meta,extracted-at,//p') is older than the last one applied ($(zstdcat "$(find snap -name '*.zst' | sort | tail -n 1)" | sed -n 's/^#meta,extracted-at,//p')); use --allow-older
T orders refused inserted=0 updated=0 deleted=0 unchanged=0 stream=full error=\"$oldest: table orders: snapshot extracted at $(zstdcat "$oldest" | sed -n 's/^#meta,extracted-at,//p') is older than the last one applied ($(zstdcat "$(find snap -name '*.zst' | sort | tail -n 1)" | sed -n 's/^#meta,extracted-at,//p')); use --allow-older\"" \
	"refused replay: the message and the log line say why"
run dbs-sync -c s.conf --replay "$oldest" --allow-older orders -v
is_status 0 "--allow-older reaches dbs-load"
is "$(logs)" "T orders ok inserted=1 updated=3 deleted=0 unchanged=16 stream=full" \
	"the older snapshot applied"
newest=$(find snap -name '*.zst' | sort | tail -n 1)
run dbs-sync -c s.conf -v --allow-older --replay "$newest" orders
is "$(logs)" "T orders ok inserted=0 updated=3 deleted=1 unchanged=16 stream=full" \
	"the newest snapshot again"

# --- dry runs change nothing anywhere ---
sql fx.db 'DELETE FROM "dbo.orders" WHERE id = 19'
run dbs-sync -c s.conf --dry-run -v
is_status 0 "dry run: status"
is "$(logs)" "T orders dry-run inserted=0 updated=0 deleted=1 unchanged=18 stream=full" \
	"dry run: counts, status dry-run"
is "$(sql s.db 'SELECT count(*) FROM orders')" 19 "dry run: nothing deleted"
is "$(find snap -name '*.zst' | wc -l)" 2 "dry run: no snapshot"
is "$(sql s.db "SELECT count(*) FROM _dbs_runs WHERE status = 'dry-run'")" 0 \
	"dry run: no run row"
tds_conf d.conf '[sync]' "db = new/d.db" "snapshots = dsnap" \
	'[view orders]' 'view = dbo.orders' 'key = id'
mkdir new
run dbs-sync -c d.conf --dry-run -v
is "$(logs)" "T orders dry-run inserted=18 updated=0 deleted=0 unchanged=0 stream=full" \
	"dry run into a new database: the counts"
is "$(ls -A new)" "d.db.lock" "dry run: no database file, only the lock"
ok "dry run: no snapshot directory" test ! -e dsnap

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
T orders busy inserted=0 updated=0 deleted=0 unchanged=0 stream=- error=\"$SCRATCH/s.db is locked by another dbs-sync\"" \
	"locked: message and log line"
kill "$holder"
wait "$holder" 2>/dev/null

# --- a failing extract: its message only, no snapshot ---
tds_conf bad.conf '[sync]' "db = s.db" "snapshots = snap" \
	'[view orders]' 'view = dbo.nosuch' 'key = id'
run dbs-sync -c bad.conf
is_status 1 "failed extract: status"
is "$(logs)" "dbs-extract: $TDS_SERVER: Invalid object name 'dbo.nosuch'. (server message 208)
T orders failed inserted=0 updated=0 deleted=0 unchanged=0 stream=full error=\"$TDS_SERVER: Invalid object name 'dbo.nosuch'. (server message 208)\"" \
	"failed extract: the first cause only (no 'incomplete stream')"
is "$(sql s.db 'SELECT count(*) FROM orders')" 19 "failed extract: unchanged"
is "$(find snap -type f | wc -l)" 2 "failed extract: no snapshot or part"

# --- a refusal, with and without snapshots: logged refused, exit 3 ---
sql fx.db 'DELETE FROM "dbo.orders" WHERE id > 5'
tds_conf ns.conf '[sync]' "db = s.db" '[view orders]' 'view = dbo.orders' \
	'key = id'
for c in s.conf ns.conf; do
	run dbs-sync -c "$c"
	is_status 3 "mass delete ($c): refused"
	is "$(logs)" "dbs-load: stdin: table orders: would delete 14 of 19 rows (73.7%, more than 50%); use --max-delete or --allow-mass-delete
T orders refused inserted=0 updated=0 deleted=0 unchanged=0 stream=full error=\"stdin: table orders: would delete 14 of 19 rows (73.7%, more than 50%); use --max-delete or --allow-mass-delete\"" \
		"mass delete ($c): the refusal, no 'Broken pipe'"
done
is "$(sql s.db 'SELECT count(*) FROM orders')" 19 "mass delete: unchanged"
is "$(find snap -name '*.zst' | wc -l)" 2 \
	"a complete extract that was refused is kept (and rotated)"
printf 'allow-mass-delete = yes\n' >>ns.conf
run dbs-sync -c ns.conf -v
is "$(logs)" "T orders ok inserted=0 updated=0 deleted=14 unchanged=5 stream=full" \
	"allow-mass-delete = yes reaches dbs-load"


# --- snapshots that cannot be kept ---
tds_conf sd.conf '[sync]' "db = sd.db" "snapshots = notadir/x" \
	'[view orders]' 'view = dbo.orders' 'key = id'
: >notadir
run dbs-sync -c sd.conf
is_status 1 "a snapshot directory that cannot be made: status"
is "$(logs)" "dbs-sync: orders: $SCRATCH/notadir/x/orders: cannot create the snapshot directory: Not a directory
T orders failed inserted=0 updated=0 deleted=0 unchanged=0 stream=- error=\"$SCRATCH/notadir/x/orders: cannot create the snapshot directory: Not a directory\"" \
	"... fails the view before anything runs"
ok "... and nothing was loaded" test ! -e sd.db
# a snapshot that fills its disk while the load commits: ok, a warning
tds_fixture big.db --generate dbo.orders --rows 3000
tds_start big.db --user dbs --password secret --database demo
big=$TDS_SERVER
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	mkdir fullsnap
	{
		printf '[source]\nserver = %s\nuser = dbs\npassword-file = pw\n' \
			"$big"
		printf '[sync]\ndb = fs.db\nsnapshots = fullsnap\n'
		printf '[view orders]\nview = dbo.orders\nkey = id\n'
	} >fs.conf
	unshare -m bash -c 'mount -t tmpfs -o size=64k tmpfs fullsnap &&
		dbs-sync -c fs.conf -v >fs.out 2>fs.err; echo $? >fs.status'
	is "$(cat fs.status)" 0 "a snapshot that fills its disk: status 0"
	is "$(logs fs.err | sed -E 's/[0-9]{8}T[0-9]{6}\.[0-9]{9}Z/TIME/')" \
		"dbs-sync: orders: snapshot not kept: $SCRATCH/fullsnap/orders/orders.TIME.csv.zst.part: No space left on device
T orders ok inserted=3000 updated=0 deleted=0 unchanged=0 stream=full" \
		"... the load committed, the snapshot is a warning"
	is "$(sql fs.db 'SELECT count(*) FROM orders')" 3000 "... the rows are there"
else
	diag "skipping the full-disk snapshot test (needs root and unshare -m)"
fi

# --- a stalled server: the query timeout of the config stops the view
tds_conf st.conf '[sync]' "db = st.db" 'query-timeout = 1' '[view orders]' \
	'view = dbo.orders' 'key = id'
sed -i 's/^user = dbs$/user = dbs\napp-name = tdsfault:stall=5/' st.conf
run dbs-sync -c st.conf
is_status 1 "a stalled server: status"
is "$(logs)" "dbs-extract: $TDS_SERVER: query timed out after 1 s (db-lib error 20003)
T orders failed inserted=0 updated=0 deleted=0 unchanged=0 stream=full error=\"$TDS_SERVER: query timed out after 1 s (db-lib error 20003)\"" \
	"a stalled server: the query timeout, not a hang"

done_testing
