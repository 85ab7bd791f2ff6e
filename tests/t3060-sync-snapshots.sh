#!/bin/bash
# t3060-sync-snapshots.sh - snapshots that fit and a sync that shows what
# it does: zstd-compressed snapshots by default (compress = none keeps
# them plain), replayed by dbs-sync --replay and loaded by dbs-load as
# they are; rotation by count over both kinds and by age; the tee step
# alone (a snapshot that cannot be written costs the snapshot, not the
# stream); and at a terminal the view's progress, in a log nothing but
# the log line.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

TTY=$TOP/tests/fixtures/load/ttyrun

tds_fixture fx.db --generate dbo.orders --rows 200
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
		printf 'password-file = pw\n\n'
		printf '%s\n' "$@"
	} >"$f"
}
logs() {
	sed -E -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z /T /' \
		-e 's/ seconds=[0-9.]+//' "${1:-stderr}"
}
# names DIR: the files in DIR, the times of this run's snapshots masked.
names() {
	find "$1" -type f |
		sed -E 's/(20[2-9][1-9]|2[1-9][0-9]{2})[0-9]{4}T[0-9]{6}\.[0-9]{9}Z/TIME/' |
		sort
}

# --- compressed by default, plain with compress = none ---
conf z.conf '[sync]' 'db = z.db' 'snapshots = snap' \
	'[view orders]' 'view = dbo.orders' 'key = id' \
	'[view plain]' 'view = dbo.orders' 'key = id' 'table = plain' \
	'compress = none'
run dbs-sync -c z.conf
expect 0 "" "" "two views, quiet"
is "$(names snap)" "snap/orders/orders.TIME.csv.zst
snap/plain/plain.TIME.csv.snapshot" "a .csv.zst and, with compress = none, a .csv.snapshot"
zst=$(echo snap/orders/*.zst)
plain=$(echo snap/plain/*.snapshot)
is "$(zstd -q -d -c "$zst" | grep -v '^#meta,extracted-at,' |
	cmp - <(grep -v '^#meta,extracted-at,' "$plain") && echo same)" \
	"same" "the compressed snapshot holds the stream the plain one does"
ok "the compressed one is smaller" \
	test "$(wc -c <"$zst")" -lt "$(wc -c <"$plain")"
is "$(stat -c %a "$zst" "$plain" | sort -u)" 600 "both private"

# --- replays of either kind, and dbs-load on the .zst itself ---
run dbs-sync -c z.conf --replay "$zst" -v orders
is "$status $(logs)" "0 T orders ok inserted=0 updated=0 deleted=0 unchanged=200 stream=full" \
	"dbs-sync --replay of a .zst"
run dbs-sync -c z.conf --replay "$plain" -v plain
is "$status $(logs)" "0 T plain ok inserted=0 updated=0 deleted=0 unchanged=200 stream=full" \
	"dbs-sync --replay of a plain snapshot"
run dbs-load --db copy.db "$zst"
expect 0 "" "dbs-load: orders: 200 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"dbs-load reads the snapshot as it is"
is "$(sql copy.db 'SELECT count(*), sum(quantity) FROM orders')" \
	"$(sql z.db 'SELECT count(*), sum(quantity) FROM orders')" \
	"... the same rows"
head -c $(($(wc -c <"$zst") / 2)) "$zst" >half.csv.zst
run dbs-sync -c z.conf --replay half.csv.zst -v orders
is_status 1 "a truncated .zst replay fails"
is "$(logs)" "dbs-load: half.csv.zst: zstd: truncated compressed data (it ends inside a frame)
T orders failed inserted=0 updated=0 deleted=0 unchanged=0 stream=full error=\"half.csv.zst: zstd: truncated compressed data (it ends inside a frame)\"" \
	"... with one message and a failed log line"
is "$(sql z.db "SELECT count(*) FROM _dbs_runs WHERE status = 'ok'")" 4 \
	"... nothing committed"

# --- rotation: by count over both kinds, by age ---
mkdir -p rot/orders
for d in 20200101 20200102 20200103; do
	: >"rot/orders/orders.${d}T000000.000000000Z.csv.snapshot"
	: >"rot/orders/orders.${d}T120000.000000000Z.csv.zst"
done
: >rot/orders/orders.20200101T000000.000000000Z.csv.zst.bak
: >rot/orders/notes.zst
conf c.conf '[sync]' 'db = c.db' 'snapshots = rot' 'keep = 3' \
	'[view orders]' 'view = dbo.orders' 'key = id'
run dbs-sync -c c.conf
is "$(names rot)" "rot/orders/notes.zst
rot/orders/orders.20200101T000000.000000000Z.csv.zst.bak
rot/orders/orders.20200103T000000.000000000Z.csv.snapshot
rot/orders/orders.20200103T120000.000000000Z.csv.zst
rot/orders/orders.TIME.csv.zst" \
	"keep = 3: the newest 3 of both kinds, other files untouched"
now=$(date -u +%s)
old=$(date -u -d "@$((now - 15 * 86400))" +%Y%m%dT%H%M%S)
young=$(date -u -d "@$((now - 13 * 86400))" +%Y%m%dT%H%M%S)
: >"rot/orders/orders.$old.000000000Z.csv.zst"
: >"rot/orders/orders.$young.000000000Z.csv.zst"
: >"rot/orders/orders.$young.500000000Z.csv.snapshot"
conf a.conf '[sync]' 'db = c.db' 'snapshots = rot' 'keep = 14d' \
	'[view orders]' 'view = dbo.orders' 'key = id'
run dbs-sync -c a.conf
is "$status $(find rot -name 'orders.2*' | sed 's/[0-9]/N/g' | sort | uniq -c | sed 's/^ *//')" \
	"0 1 rot/orders/orders.NNNNNNNNTNNNNNN.NNNNNNNNNZ.csv.snapshot
3 rot/orders/orders.NNNNNNNNTNNNNNN.NNNNNNNNNZ.csv.zst
1 rot/orders/orders.NNNNNNNNTNNNNNN.NNNNNNNNNZ.csv.zst.bak" \
	"keep = 14d: those younger than 14 days (two, and two of today) stay"
ok "... the young ones are those" test -e "rot/orders/orders.$young.000000000Z.csv.zst" \
	-a -e "rot/orders/orders.$young.500000000Z.csv.snapshot"
ok "... the old one went" test ! -e "rot/orders/orders.$old.000000000Z.csv.zst"
conf k.conf '[sync]' 'db = c.db' 'keep = 14' '[view orders]' \
	'view = dbo.orders' 'key = id' 'keep = 2 weeks'
run dbs-sync -c k.conf
expect 2 "" "dbs-sync: k.conf: line 13: keep: expected a number from 1 to 1000000, or an age such as 36h, 14d or 2w" \
	"keep = 2 weeks: a usage error"
conf k2.conf '[sync]' 'db = c.db' 'compress = xz' '[view orders]' \
	'view = dbo.orders'
run dbs-sync -c k2.conf
expect 2 "" "dbs-sync: k2.conf: line 9: compress: expected zstd or none" \
	"compress = xz: a usage error"

# --- the tee step alone ---
sql fx.db 'SELECT 1' >/dev/null
zstd -q -d -c "$zst" >stream.csv
: >t.csv.zst.part
run_in stream.csv dbs-load --sync tee t.csv.zst.part --
is "$status $(cmp stdout stream.csv && echo same)" "0 same" \
	"tee: the stream on stdout as it came"
is "$(zstd -q -d -c t.csv.zst.part | cmp - stream.csv && echo same)" "same" \
	"tee: the .zst.part is the stream, compressed"
: >t.csv.snapshot.part
run_in stream.csv dbs-load --sync tee t.csv.snapshot.part --
is "$(cmp t.csv.snapshot.part stream.csv && echo same)" "same" \
	"tee: a .snapshot.part is the stream as it is"
ln -s /dev/full full.csv.zst.part
run_in stream.csv dbs-load --sync tee full.csv.zst.part --
is "$status $(cmp stdout stream.csv && echo same)" "1 same" \
	"tee: a snapshot that cannot be written: status 1, the stream goes on"
is_file stderr "dbs-sync: full.csv.zst.part: No space left on device" \
	"tee: ... one message"
run_in stream.csv dbs-load --sync tee nodir/x.csv.zst.part --
is "$status $(cmp stdout stream.csv && echo same)" "1 same" \
	"tee: a snapshot that cannot be opened: the stream goes on"

# --- at a terminal: the view's progress; in a log, nothing but the line ---
conf p.conf '[sync]' 'db = p.db' 'snapshots = psnap' \
	'[view orders.eu]' 'view = dbo.orders' 'key = id' 'table = eu'
run "$TTY" 200 dbs-sync -c p.conf
is_status 0 "at a terminal: status"
is "$(tr '\r' '\n' <stdout | sed -E -e 's/ +$//' -e 's/in [0-9.]+ s \([0-9]+ rows\/s\)/in T s (R rows\/s)/' | logs /dev/stdin)" "
dbs-load: orders.eu: waiting for the stream
dbs-load: orders.eu: 200 rows in T s (R rows/s)
T orders.eu ok inserted=200 updated=0 deleted=0 unchanged=0 stream=full" \
	"at a terminal: which view runs, its progress, then the log line"
run dbs-sync -c p.conf
expect 0 "" "" "in a log: quiet on success"
run dbs-sync -c p.conf -v
is "$(logs)" "T orders.eu ok inserted=0 updated=0 deleted=0 unchanged=200 stream=full" \
	"in a log with -v: the log line alone"
conf pb.conf '[sync]' 'db = p.db' '[view orders.eu]' 'view = dbo.nosuch' \
	'key = id' 'table = eu'
run "$TTY" 200 dbs-sync -c pb.conf
is_status 1 "a failure at a terminal: status"
is "$(tr '\r' '\n' <stdout | sed -E 's/ +$//' | logs /dev/stdin)" "
dbs-load: orders.eu: waiting for the stream

dbs-extract: $TDS_SERVER: Invalid object name 'dbo.nosuch'. (server message 208)
T orders.eu failed inserted=0 updated=0 deleted=0 unchanged=0 stream=full error=\"$TDS_SERVER: Invalid object name 'dbo.nosuch'. (server message 208)\"" \
	"a failure at a terminal: the line wiped, the first cause, the log line"

done_testing
