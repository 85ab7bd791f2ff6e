#!/bin/bash
# t3080-sync-random.sh - randomized changes at the source (every kind of
# the exactness cases, deletes, inserts, keys deleted and inserted again,
# inserts a watermark misses), a sync of strategy segments and one of
# keys after each batch, and each table compared with a full extract;
# then changes made while the syncs run, and a quiet sync after them
# that must leave the tables equal to the source again. The keys are
# dense (1..200) and sparse (100 more up to a million), so that the
# cells of the segments grid's first level hold many rows or few, and
# the levels below it are walked. DBS_TEST_SEED picks the changes
# (default: from the time, printed).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

if tds_ase; then
	skip_all "over TDS 7.4 only"
fi
seed=${DBS_TEST_SEED:-$(date +%s)}
diag "DBS_TEST_SEED=$seed"
python3 - >r.json <<'PY'
import json
ids = list(range(1, 201)) + [1000 + 9973 * j for j in range(100)]
rows = [[i, 'name %d' % i if i % 7 else None, i / 3.0, i % 5,
         '2024-01-01 00:00:00.000'] for i in ids]
print(json.dumps({"objects": {"dbo.r": {
    "columns": [["id", "int", False], ["name", "nvarchar(20)"],
                ["f", "float"], ["n", "int"],
                ["modified", "datetime2(3)", False]],
    "key": ["id"], "collation": "SQL_Latin1_General_CP1_CI_AS",
    "rows": rows}}}))
PY
tds_fixture fx.db r.json
tds_start fx.db
printf 'secret\n' >pw
chmod 600 pw
tds_conf r.conf '[sync]' 'db = r.db' 'allow-mass-delete = yes' '' \
	'[view seg]' 'view = dbo.r' 'key = id' 'strategy = segments' '' \
	'[view keys]' 'view = dbo.r' 'key = id' 'since = modified' 'strategy = keys'
change() {
	python3 "$TOP/tests/fixtures/sync/change.py" fx.db "$@"
}
# same TABLE FLAGS...: TABLE holds exactly the view's rows.
same() {
	local t=$1
	shift
	DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.r \
		--key id "$@" |
		dbs-load --db r.db --table "$t" --dry-run --summary json |
		grep -c '"inserted":0,"updated":0,"deleted":0'
}

run dbs-sync -c r.conf
is_status 0 "the first syncs"
for round in 1 2 3 4 5 6; do
	change $((seed + round)) $((round * 7))
	run dbs-sync -c r.conf
	is_status 0 "round $round: the syncs"
	is "$(same seg --fingerprint)" 1 "round $round: segments equals the source"
	is "$(same keys)" 1 "round $round: keys equals the source"
done

# changes while the syncs run, then a quiet sync
for round in 1 2 3; do
	rm -f changer.pid
	change $((seed + 100 + round)) 3 --forever changer.pid &
	job=$!
	at_exit "kill \$(cat '$SCRATCH/changer.pid')"
	for i in $(seq 100); do [ ! -s changer.pid ] || break; sleep 0.05; done
	run dbs-sync -c r.conf
	is_status 0 "concurrent round $round: the syncs go through"
	kill "$(cat changer.pid)"
	wait "$job"
	run dbs-sync -c r.conf
	is_status 0 "concurrent round $round: a quiet sync"
	is "$(same seg --fingerprint)" 1 \
		"concurrent round $round: segments equals the source again"
	is "$(same keys)" 1 "concurrent round $round: keys equals the source again"
done
# the first level's cells are 4096 keys wide; cells of 256 or 16 keys
# mean that levels below it were compared
ok "the segments grid was walked below its first level" \
	grep -qE 'CAST\((256|16) AS bigint\)' "$TDS_LOG"

done_testing
