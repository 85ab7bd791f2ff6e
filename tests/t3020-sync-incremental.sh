#!/bin/bash
# t3020-sync-incremental.sh - incremental views under dbs-sync: an
# increment never deletes, --full and full-every catch the deletes and
# reset the watermark, the watermark travels byte-exact from dbs-load to
# dbs-extract, a damaged watermark or state stops the view with a hint,
# and the configuration example of dbs-sync(1) works as written.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db --generate dbo.events --rows 10
cat >tw.json <<'EOF'
{"objects": {"dbo.tw": {"columns": [["id", "int", false],
    ["k", "nvarchar(20)", false]], "key": ["id"],
  "rows": [[1, "a\tb"], [2, "a\tc"]]}}}
EOF
tds_fixture fx.db tw.json --append
tds_sync_start fx.db
tds_conf inc.conf '[sync]' 'db = inc.db' 'log = sync.log' '' \
	'[view events]' 'view = dbo.events' 'key = id' 'since = updated_at' '' \
	'[view tw]' 'view = dbo.tw' 'key = id' 'since = k'

# logs: the log lines of stderr, the volatile time and seconds replaced.
logs() {
	sed -E -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z /T /' \
		-e 's/ seconds=[0-9.]+//' stderr
}
wm() {
	sql inc.db "SELECT watermark FROM _dbs_tables WHERE name = '$1'"
}

run dbs-sync -c inc.conf -v events
is "$(logs)" "T events ok inserted=10 updated=0 deleted=0 unchanged=0 stream=full" \
	"the first run of an incremental view is full"
is "$(wm events)" "2024-01-01 00:06:10.201" "its watermark"

# the finding: rows changed after the watermark, none deleted
sql fx.db "UPDATE \"dbo.events\" SET quantity = quantity + 100,
	updated_at = '2030-01-01 00:00:' || printf('%02d', id) || '.000'
	WHERE id >= 5"
run dbs-sync -c inc.conf -v events
is "$(logs)" "T events ok inserted=0 updated=6 deleted=0 unchanged=0 stream=incremental" \
	"an increment updates the six rows and deletes none"
is "$(sql inc.db 'SELECT count(*), group_concat(quantity) FROM events')" \
	"$(sql fx.db 'SELECT count(*), group_concat(quantity) FROM "dbo.events"')" \
	"all ten rows are still there, six of them new"
is "$(wm events)" "2030-01-01 00:00:10.000" "the watermark moved on"

# deletes at the source: an increment cannot see them, --full does
sql fx.db 'DELETE FROM "dbo.events" WHERE id IN (2, 3)'
run dbs-sync -c inc.conf -v events
is "$(logs)" "T events ok inserted=0 updated=0 deleted=0 unchanged=0 stream=incremental" \
	"an increment misses the deletes"
run dbs-sync -c inc.conf -v --full events
is "$(logs)" "T events ok inserted=0 updated=0 deleted=2 unchanged=8 stream=full" \
	"--full applies them"
sql fx.db "UPDATE \"dbo.events\" SET updated_at = '2029-01-01 00:00:00.000'"
run dbs-sync -c inc.conf -v --full events
is "$(wm events)" "2029-01-01 00:00:00.000" "--full resets the watermark, down too"
is "$(sql inc.db "SELECT group_concat(stream, ' ') FROM _dbs_runs WHERE table_name = 'events'")" \
	"full incremental incremental full full" "the run log says which runs were full"

# full-every: a full run when the last full run is older
sed -i 's/^\[sync\]$/[sync]\nfull-every = 1d/' inc.conf
sql fx.db 'DELETE FROM "dbo.events" WHERE id = 4'
run dbs-sync -c inc.conf -v events
is "$(logs)" "T events ok inserted=0 updated=0 deleted=0 unchanged=0 stream=incremental" \
	"full-every: the last full run is recent"
sql inc.db "UPDATE _dbs_runs SET finished_at = '2000-01-01T00:00:00.000000Z'
	WHERE stream = 'full'"
run dbs-sync -c inc.conf -v events
is "$(logs)" "T events ok inserted=0 updated=0 deleted=1 unchanged=7 stream=full" \
	"full-every: a day after the last full run"
run dbs-sync -c inc.conf -v events
is "$(logs)" "T events ok inserted=0 updated=0 deleted=0 unchanged=0 stream=incremental" \
	"full-every: then incremental again"
# a run log of an older dbs-load knows no full run
sql inc.db "ALTER TABLE _dbs_runs DROP COLUMN stream"
run dbs-sync -c inc.conf -v events
is "$(logs)" "T events ok inserted=0 updated=0 deleted=0 unchanged=7 stream=full" \
	"full-every over an older run log: a full run"

# the watermark travels byte-exact: a tab in a text watermark
run dbs-sync -c inc.conf -v tw
is "$(wm tw)" "$(printf 'a\tc')" "a text watermark with a tab"
sql fx.db "INSERT INTO \"dbo.tw\" VALUES (3, 'a' || char(9) || 'd')"
run dbs-sync -c inc.conf -v tw
is "$(logs)" "T tw ok inserted=1 updated=0 deleted=0 unchanged=0 stream=incremental" \
	"the row after it arrives (not skipped by an escaped bound)"
is "$(grep -c "WHERE \[k\] > N'a	c'" "$TDS_LOG")" 1 \
	"the server saw the bound with its tab"
is "$(wm tw)" "$(printf 'a\td')" "the next watermark, byte-exact"

# a stored watermark that is not a value of its column
sql inc.db "UPDATE _dbs_tables SET watermark = 'soon' WHERE name = 'events'"
run dbs-sync -c inc.conf events
is_status 1 "a damaged watermark stops the view"
is "$(logs)" "dbs-sync: events: the stored watermark \"soon\" of column \"updated_at\" is not a value of its type (datetime(3)): not a datetime (YYYY-MM-DD HH:MM:SS); run dbs-sync --full events to reset it
T events failed inserted=0 updated=0 deleted=0 unchanged=0 stream=- error=\"the stored watermark \\\"soon\\\" of column \\\"updated_at\\\" is not a value of its type (datetime(3)): not a datetime (YYYY-MM-DD HH:MM:SS); run dbs-sync --full events to reset it\"" \
	"... and says how to reset it"
run dbs-sync -c inc.conf --full events
is_status 0 "--full resets it"
is "$(wm events)" "2029-01-01 00:00:00.000" "the watermark is good again"

# a state that cannot be read stops the view, not a silent full run
cp inc.db inc.db.good
printf 'not a database, but longer than the 100-byte header of one %0100d' 0 >inc.db
rm -f inc.db-wal inc.db-shm
: >"$TDS_LOG.mark"
n=$(wc -l <"$TDS_LOG")
run dbs-sync -c inc.conf events
is_status 1 "an unreadable state: status"
is "$(logs)" "dbs-sync: events: $SCRATCH/inc.db: cannot read the state of table events: file is not a database
T events failed inserted=0 updated=0 deleted=0 unchanged=0 stream=- error=\"$SCRATCH/inc.db: cannot read the state of table events: file is not a database\"" \
	"an unreadable state: the message"
is "$(tail -n +$((n + 1)) "$TDS_LOG" | grep -c login7)" 0 \
	"an unreadable state: no connection to the server"
mv inc.db.good inc.db

# the example configuration of dbs-sync(1)
sed -n '/^A configuration that keeps/,/^\.Ed/p' "$TOP/man/dbs-sync.1" |
	sed -e '1,/^\.Bd/d' -e '/^\.Ed/d' \
	-e "s#^server = .*#server = $TDS_SERVER#" \
	-e 's#^database = .*#database = demo#' -e 's#^user = .*#user = dbs#' \
	-e "s#^password-file = .*#password-file = $SCRATCH/pw#" \
	-e "s#/var/lib/dbs/#$SCRATCH/ex-#" \
	-e 's#^view = dbo.orders#view = dbo.tw#' >ex.conf
is "$(grep -c '^\[' ex.conf)" 4 "man page example extracted"
run dbs-sync -c ex.conf -v
is_status 0 "man page example: status"
is "$(logs)" "T orders ok inserted=3 updated=0 deleted=0 unchanged=0 stream=full
T events ok inserted=7 updated=0 deleted=0 unchanged=0 stream=full" \
	"man page example: logs"
run dbs-sync -c ex.conf -v events
is "$(logs)" "T events ok inserted=0 updated=0 deleted=0 unchanged=0 stream=incremental" \
	"man page example: the incremental view"

# the commands of the example, with the paths of this test
oldest=$(find "$SCRATCH/ex-snapshots/orders" -name '*.zst' | sort | head -n 1)
sed -n '/^Sync every view, then only/,/^\.Ed/p' "$TOP/man/dbs-sync.1" |
	sed -n 's/^\$ //p' | sed -e 's/sales\.conf/ex.conf/' \
	-e "s#/var/lib/dbs/snapshots/orders/[^ ]*#$oldest#" >cmds
is "$(wc -l <cmds)" 4 "man page example: four commands"
while IFS= read -r cmd; do
	run bash -c "$cmd"
	is_status 0 "man page example: $cmd"
done <cmds
is "$(sql ex-sales.db "SELECT stream, status FROM _dbs_runs WHERE table_name = 'events' ORDER BY id DESC LIMIT 1")" \
	"full|ok" "man page example: --full events ran a full extract"

done_testing
