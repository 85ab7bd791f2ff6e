#!/usr/bin/env bash
# t1020-load-append-replace.sh - --mode append (upsert, never deletes,
# any row order, duplicates refused) and --mode replace (full refresh;
# the only mode for a stream without a key).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# ev [nokey] ROW...: a stream of table "events", key id unless the first
# argument is "nokey".
ev() {
	local key=(-k id)
	if [ "${1:-}" = nokey ]; then
		key=(-m 'tool,test')
		shift
	fi
	stream -o dbo.events "${key[@]}" -c id,int,bigint,notnull \
		-c 'what,text,varchar(20),null' -- "$@"
}

ev 1,a 2,b 3,c >a1.csv
ev 5,e 2,B 4,d 3,c >a2.csv
ev 7,g 6,f 7,h >dup.csv
ev >empty.csv

run dbs-load --db a.db --mode append a1.csv
expect 0 "" "dbs-load: events: 3 inserted, 0 updated, 0 deleted, 0 unchanged (append)" \
	"append: initial"
run dbs-load --db a.db --mode append a2.csv
expect 0 "" "dbs-load: events: 2 inserted, 1 updated, 0 deleted, 1 unchanged (append)" \
	"append: unordered increment"
is "$(sql a.db "SELECT group_concat(id || what, ' ') FROM (SELECT * FROM events ORDER BY id)")" \
	"1a 2B 3c 4d 5e" "append: rows"
run dbs-load --db a.db --mode append dup.csv
expect 3 "" "dbs-load: dup.csv: line 9: duplicate key id=7" \
	"append: duplicate key refused"
is "$(sql a.db 'SELECT count(*) FROM events')" 5 "append: nothing of it committed"
run dbs-load --db a.db --mode append empty.csv
expect 0 "" "dbs-load: events: 0 inserted, 0 updated, 0 deleted, 0 unchanged (append)" \
	"append: an empty increment is fine"

# replace, with a key
run dbs-load --db r.db a1.csv
run dbs-load --db r.db --mode replace a2.csv
expect 0 "" "dbs-load: events: 4 inserted, 0 updated, 3 deleted, 0 unchanged (replace)" \
	"replace: every row deleted and inserted"
is "$(sql r.db "SELECT group_concat(id || what, ' ') FROM (SELECT * FROM events ORDER BY id)")" \
	"2B 3c 4d 5e" "replace: rows"
run dbs-load --db r.db --mode replace dup.csv
expect 3 "" "dbs-load: dup.csv: line 9: duplicate key id=7" \
	"replace: duplicate key refused"
run dbs-load --db r.db --mode replace empty.csv
expect 3 "" "dbs-load: empty.csv: table events: empty snapshot would delete all 4 rows; use --allow-empty" \
	"replace: empty snapshot refused"
ev 9,z >one.csv
run dbs-load --db r.db --mode replace one.csv
expect 3 "" "dbs-load: one.csv: table events: would delete 3 of 4 rows (75%, more than 50%); use --max-delete or --allow-mass-delete" \
	"replace: shrinking by 75% refused"
is "$(sql r.db 'SELECT count(*) FROM events')" 4 "replace: table unchanged"
run dbs-load --db r.db --mode replace --max-delete 75 one.csv
expect 0 "" "dbs-load: events: 1 inserted, 0 updated, 4 deleted, 0 unchanged (replace)" \
	"replace: --max-delete 75 allows it"
run dbs-load --db r.db --mode replace --allow-empty empty.csv
expect 0 "" "dbs-load: events: 0 inserted, 0 updated, 1 deleted, 0 unchanged (replace)" \
	"replace: --allow-empty"

# no key: replace only
ev nokey 1,a 1,a 2,b >nokey.csv
run dbs-load --db n.db nokey.csv
expect 2 "" "dbs-load: nokey.csv: table events: no key (the stream names none and --key was not given); use --key COLS or --mode replace" \
	"no key: merge is refused"
run dbs-load --db n.db --mode append nokey.csv
expect 2 "" "dbs-load: nokey.csv: table events: no key (the stream names none and --key was not given); use --key COLS or --mode replace" \
	"no key: append is refused"
run dbs-load --db n.db --mode replace nokey.csv
expect 0 "" "dbs-load: events: 3 inserted, 0 updated, 0 deleted, 0 unchanged (replace)" \
	"no key: replace loads every row, duplicates too"
is "$(sql n.db "SELECT group_concat(id || what, ' ') FROM events")" "1a 1a 2b" \
	"no key: rows"
is "$(sql n.db "SELECT key_columns IS NULL, mode FROM _dbs_tables")" "1|replace" \
	"no key: recorded"
run dbs-load --db n.db --key id nokey.csv
expect 3 "" "dbs-load: nokey.csv: table events: key changed from (none) to (id); use --schema-change rebuild" \
	"a key for a keyless table is a schema change"

done_testing
