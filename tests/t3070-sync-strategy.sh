#!/bin/bash
# t3070-sync-strategy.sh - dbs-sync with strategy = keys and segments:
# the first run is full (segments: with fingerprints), the next ones
# fetch what differs, --full and --strategy override, the log says what
# ran, the table equals a full extract after every run (the exactness
# cases), the config's checks; -j N with views of several databases.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

if tds_ase; then
	skip_all "strategies over TDS 5.0 are t2100's"
fi
tds_fixture fx.db "$TOP/tests/fixtures/extract/strategy.json"
tds_start fx.db
printf 'secret\n' >pw
chmod 600 pw
tds_conf s.conf '[sync]' 'db = s.db' '' \
	'[view seg]' 'view = dbo.s' 'key = id' 'strategy = segments' '' \
	'[view inc]' 'view = dbo.s' 'table = inc' 'key = id' \
	'since = modified' 'strategy = keys'

logs() {
	sed -E -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z /T /' \
		-e 's/ seconds=[0-9.]+//' stderr
}
# same TABLE [--fingerprint]: the table equals a full extract.
same() {
	DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.s \
		--key id "${@:2}" |
		dbs-load --db s.db --table "$1" --dry-run --summary json |
		grep -c '"inserted":0,"updated":0,"deleted":0'
}

run dbs-sync -c s.conf -v
is "$(logs)" "T seg ok inserted=5 updated=0 deleted=0 unchanged=0 stream=full
T inc ok inserted=5 updated=0 deleted=0 unchanged=0 stream=full" \
	"the first runs are full"
is "$(sql s.db "SELECT count(_dbs_fp) FROM seg")" 5 \
	"segments: the full run keeps fingerprints"

run dbs-sync -c s.conf -v
is "$(logs)" "T seg ok inserted=0 updated=0 deleted=0 unchanged=0 stream=segments
T inc ok inserted=0 updated=0 deleted=0 unchanged=0 stream=keys" \
	"nothing changed: nothing moved"

# the exactness cases: the last bit of a float, a case-only change under
# a case-insensitive collation, a trailing blank, NULL becoming '', a
# row deleted and inserted again with the same key, two changes that
# cancel in a weak checksum (values swapped between two columns, and
# between two rows)
sql fx.db "UPDATE \"dbo.s\" SET f = 0.10000000000000002 WHERE id = 1;
	UPDATE \"dbo.s\" SET name = 'ZOË' WHERE id = 2;
	UPDATE \"dbo.s\" SET code = 'w ' WHERE id = 4;
	UPDATE \"dbo.s\" SET name = '' WHERE id = 3;
	DELETE FROM \"dbo.s\" WHERE id = 5;
	INSERT INTO \"dbo.s\"(id, name, code, f, a, b, modified)
		VALUES (5, 'five', 'v', 5.0, 10, 9, '2024-01-01 00:00:00.000');"
run dbs-sync -c s.conf -v seg
is "$(logs)" "T seg ok inserted=0 updated=5 deleted=0 unchanged=0 stream=segments" \
	"segments: every exactness case found"
is "$(same seg --fingerprint)" 1 "segments: the table equals a full extract"
sql fx.db "UPDATE \"dbo.s\" SET a = 3, b = 1 WHERE id = 1;
	UPDATE \"dbo.s\" SET a = 1, b = 4 WHERE id = 2"
run dbs-sync -c s.conf -v seg
is "$(logs)" "T seg ok inserted=0 updated=2 deleted=0 unchanged=0 stream=segments" \
	"segments: values swapped between two rows"
is "$(same seg --fingerprint)" 1 "segments: the table equals a full extract"

# keys: the increment since the watermark and the keys scan
sql fx.db "DELETE FROM \"dbo.s\" WHERE id = 4;
	INSERT INTO \"dbo.s\"(id, a, b, modified) VALUES (7, 1, 1, '2030-01-01 00:00:00.000');
	INSERT INTO \"dbo.s\"(id, a, b, modified) VALUES (8, 1, 1, '2000-01-01 00:00:00.000')"
run dbs-sync -c s.conf -v inc
is "$(logs)" "T inc ok inserted=2 updated=0 deleted=1 unchanged=0 stream=keys" \
	"keys: the deleted row, the new one, the one the watermark missed"
is "$(sql s.db "SELECT group_concat(id) FROM (SELECT id FROM inc ORDER BY id)")" \
	"1,2,3,5,7,8" "keys: the keys of the table are the view's"
is "$(sql s.db "SELECT watermark FROM _dbs_tables WHERE name = 'inc'")" \
	"2030-01-01 00:00:00.000" "keys: the watermark"

# --full and --strategy
run dbs-sync -c s.conf -v --full seg
is "$(logs)" "T seg ok inserted=2 updated=0 deleted=1 unchanged=4 stream=full" \
	"--full: a full run"
run dbs-sync -c s.conf -v --strategy full seg
is "$(logs)" "T seg ok inserted=0 updated=6 deleted=0 unchanged=0 stream=full" \
	"--strategy full: a full run without fingerprints"
is "$(sql s.db "SELECT count(_dbs_fp) FROM seg")" 0 \
	"a full run without them leaves no fingerprints"
run dbs-sync -c s.conf -v seg
is "$(logs)" "T seg ok inserted=0 updated=6 deleted=0 unchanged=0 stream=segments" \
	"segments again: the rows without fingerprints are fetched"
is "$(same seg --fingerprint)" 1 "the table equals a full extract"

# the config's checks
for bad in "strategy = keys|strategy = keys needs since (the column whose increment it fetches)" \
	"strategy = segments;since = modified|strategy = segments compares every row: no since" \
	"strategy = segments;mode = append|strategy = segments needs mode = merge"; do
	printf '[source]\nserver = x\n[view v]\ndb = x.db\nview = dbo.s\nkey = id\n%s\n' \
		"${bad%%|*}" | tr ';' '\n' >bad.conf
	run dbs-sync -c bad.conf
	expect 2 "" "dbs-sync: bad.conf: [view v]: ${bad#*|}" "config: ${bad%%|*}"
done
printf '[source]\nserver = x\n[view v]\ndb = x.db\nview = dbo.s\nstrategy = keys\nsince = m\n' >bad.conf
run dbs-sync -c bad.conf
expect 2 "" "dbs-sync: bad.conf: [view v]: strategy = keys needs a key" \
	"config: a strategy needs a key"
run dbs-sync -c s.conf --strategy rows
expect 2 "" "dbs-sync: --strategy: \"rows\" is not full, keys or segments" \
	"--strategy: an unknown one"

# -j: two databases at once, the views of one database in turn
tds_conf j.conf '[view a1]' 'db = a.db' 'view = dbo.s' 'key = id' '' \
	'[view b1]' 'db = b.db' 'view = dbo.s' 'key = id' '' \
	'[view a2]' 'db = a.db' 'view = dbo.keys' 'key = k'
run dbs-sync -c j.conf -j 2 -v
is_status 0 "-j 2: status"
is "$(logs | sort)" "T a1 ok inserted=6 updated=0 deleted=0 unchanged=0 stream=full
T a2 ok inserted=6 updated=0 deleted=0 unchanged=0 stream=full
T b1 ok inserted=6 updated=0 deleted=0 unchanged=0 stream=full" \
	"-j 2: every view synced"
is "$(sql a.db "SELECT count(*) FROM a1") $(sql a.db "SELECT count(*) FROM a2") $(sql b.db "SELECT count(*) FROM b1")" \
	"6 6 6" "-j 2: the tables"
printf '[view c1]\ndb = c.db\nview = dbo.nosuch\nkey = id\n' >>j.conf
run dbs-sync -c j.conf -j 3 c1 a1
is_status 1 "-j 3: a view that fails gives the status"
is "$(logs | grep -c ' c1 failed ')" 1 "-j 3: its log line"

done_testing
