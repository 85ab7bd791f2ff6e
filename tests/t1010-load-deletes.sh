#!/usr/bin/env bash
# t1010-load-deletes.sh - --deletes soft|keep in merge mode: soft-deleted
# rows get _dbs_deleted_at (the snapshot's extracted-at), stay deleted
# quietly, and are revived (counted as updated) when they come back;
# keep never deletes. --deletes with another mode is a usage error.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# snap DAY ROW...: a snapshot of "items" extracted on 2024-01-DAY.
snap() {
	stream -o inv.items -k sku -t "2024-01-${1}T00:00:00.000000Z" \
		-c 'sku,text,varchar(10),notnull' \
		-c 'price,"decimal(9,2)","decimal(9,2)",null' -- "${@:2}"
}

snap 01 a,1.00 b,2.00 c,3.00 d,4.00 >d1.csv
snap 02 a,1.00 b,2.50 d,4.00 >d2.csv
snap 03 a,1.00 b,2.50 >d3.csv
snap 04 a,1.00 b,2.50 c,3.00 d,4.50 >d4.csv
snap 05 a,1.00 b,2.50 >d5.csv
snap 06 a,1.00 b,2.50 >d6.csv

run dbs-load --db s.db --deletes soft d1.csv
expect 0 "" "dbs-load: items: 4 inserted, 0 updated, 0 deleted, 0 unchanged (merge, soft deletes)" \
	"soft: initial"
run dbs-load --db s.db --deletes soft d2.csv
expect 0 "" "dbs-load: items: 0 inserted, 1 updated, 1 deleted, 2 unchanged (merge, soft deletes)" \
	"soft: c vanishes"
is "$(sql s.db "SELECT sku, printf('%.2f', price), coalesce(_dbs_deleted_at, '-') FROM items ORDER BY sku")" \
	"a|1.00|-
b|2.50|-
c|3.00|2024-01-02T00:00:00.000000Z
d|4.00|-" "c soft-deleted at the snapshot's extracted-at"
run dbs-load --db s.db --deletes soft d3.csv
expect 0 "" "dbs-load: items: 0 inserted, 0 updated, 1 deleted, 2 unchanged (merge, soft deletes)" \
	"soft: d vanishes, c stays deleted and is not counted again"
is "$(sql s.db "SELECT sku, coalesce(_dbs_deleted_at, '-') FROM items WHERE sku IN ('c','d') ORDER BY sku")" \
	"c|2024-01-02T00:00:00.000000Z
d|2024-01-03T00:00:00.000000Z" "first deletion time kept"
run dbs-load --db s.db --deletes soft --summary json d4.csv
is "$status" 0 "soft: revive: exit status"
is "$(sed 's/.*"inserted"/"inserted"/; s/,"extracted_at.*//' stdout)" \
	'"inserted":0,"updated":2,"deleted":0,"unchanged":2,"revived":2,"purged":0' \
	"soft: c and d revived, counted as updated"
is "$(sql s.db "SELECT sku, printf('%.2f', price), coalesce(_dbs_deleted_at, '-') FROM items ORDER BY sku")" \
	"a|1.00|-
b|2.50|-
c|3.00|-
d|4.50|-" "revived rows are live again, d with its new price"

# A soft table loaded with hard deletes: soft-deleted rows are removed.
run dbs-load --db s.db --deletes soft d5.csv
expect 0 "" "dbs-load: items: 0 inserted, 0 updated, 2 deleted, 2 unchanged (merge, soft deletes)" \
	"soft again"
run dbs-load --db s.db --max-delete 100 d6.csv
expect 0 "" "dbs-load: items: 0 inserted, 0 updated, 0 deleted, 2 unchanged (merge, 2 soft-deleted purged)" \
	"hard deletes purge soft-deleted rows, which are not counted as deleted"
is "$(sql s.db 'SELECT group_concat(sku) FROM items')" "a,b" "two rows left"

# keep
run dbs-load --db k.db --deletes keep d1.csv
expect 0 "" "dbs-load: items: 4 inserted, 0 updated, 0 deleted, 0 unchanged (merge, deletes kept)" \
	"keep: initial"
run dbs-load --db k.db --deletes keep d3.csv
expect 0 "" "dbs-load: items: 0 inserted, 1 updated, 0 deleted, 1 unchanged (merge, deletes kept)" \
	"keep: nothing deleted"
is "$(sql k.db "SELECT group_concat(sku || '=' || printf('%.2f', price)) FROM items")" \
	"a=1.00,b=2.50,c=3.00,d=4.00" "keep: vanished rows stay as they were"
is "$(sql k.db "SELECT count(*) FROM pragma_table_info('items') WHERE name = '_dbs_deleted_at'")" \
	0 "keep: no _dbs_deleted_at column"

run dbs-load --db k.db --mode append --deletes soft d3.csv
expect 2 "" "dbs-load: --deletes applies only to --mode merge" \
	"--deletes with append"

done_testing
