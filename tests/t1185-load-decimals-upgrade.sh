#!/usr/bin/env bash
# t1185-load-decimals-upgrade.sh - a database written by dbs-load 0.1.0,
# which stored decimals as TEXT (tests/fixtures/load/orders-0.1.0.sql),
# brought forward: --state reads it as it is; a dry run shows the
# conversion and changes nothing; --decimals text keeps it as it is; the
# next run converts it in its transaction (a schema change, noted on
# stderr and in _dbs_runs.message) without rewriting a row (the row
# hashes stay valid), keeps the user's index and view and makes
# orders_live; --decimals text turns it back into the very texts; from
# --decimals real, which rounds, the rows are rewritten from the stream.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

cols=(-c 'id,int,int,notnull' -c 'customer,text,"nvarchar(50)",notnull'
	-c 'amount,"decimal(18,4)","decimal(18,4)",null'
	-c 'fee,"decimal(19,4)",money,null' -c 'rate,real,float,null')
# the second snapshot the fixture was made with
stream -o dbo.orders -k id -t 2026-11-26T06:00:00.000000Z "${cols[@]}" -- \
	'1,Ann,10.5000,0.0100,0.5' \
	'2,Bob,99999999999999.9999,922337203685477.5807,-0' \
	'4,Dee,123456789012.3456,-12345678901.2345,1e-300' '5,Eve,999.0000,,' >s2.csv
sqlite3 -batch old.db <"$TOP/tests/fixtures/load/orders-0.1.0.sql"
cp old.db fixture.db

# show DB: id, storage and value of the decimals of each row (numbers
# with printf and the scale, texts as they are)
show() {
	sql "$1" "SELECT id, typeof(amount), CASE typeof(amount) WHEN 'real' THEN
		printf('%.4f', amount) ELSE amount END, typeof(fee), CASE typeof(fee)
		WHEN 'real' THEN printf('%.4f', fee) ELSE fee END FROM orders ORDER BY id"
}
# big DB: the ids big_orders (amount > 1000) gives
big() {
	sql "$1" "SELECT group_concat(id) FROM (SELECT id FROM big_orders ORDER BY id)"
}
note2='dbs-load: orders: decimal columns "amount", "fee" converted from --decimals text to auto (schema version 2)'

run dbs-load --db old.db --state orders
expect 0 "table	orders
key	id
extracted-at	2026-11-26T06:00:00.000000Z" "" "--state reads the old database as it is"

cp old.db dry.db
run dbs-load --db dry.db --deletes soft --dry-run s2.csv
expect 0 "" "$note2
dbs-load: orders: 0 inserted, 0 updated, 0 deleted, 4 unchanged (merge, soft deletes, dry run)" \
	"a dry run shows the conversion"
is "$(sqlite3 -batch dry.db .dump)" "$(sqlite3 -batch fixture.db .dump)" \
	"... and changes nothing"

cp old.db text.db
run dbs-load --db text.db --deletes soft --decimals text s2.csv
expect 0 "" "dbs-load: orders: 0 inserted, 0 updated, 0 deleted, 4 unchanged (merge, soft deletes)" \
	"--decimals text keeps the old table"
is "$(sql text.db "SELECT sql FROM sqlite_schema WHERE name = 'orders'")" \
	'CREATE TABLE "orders"("id" INTEGER NOT NULL, "customer" TEXT, "amount" TEXT, "fee" TEXT, "rate" REAL, "_dbs_hash" INTEGER, "_dbs_deleted_at" TEXT, PRIMARY KEY("id"))' \
	"... as it was"
is "$(sql text.db "SELECT schema_version, decimals FROM _dbs_tables")" "1|text" \
	"... and records that its decimals are text"

hashes=$(sql old.db "SELECT group_concat(_dbs_hash) FROM orders")
run dbs-load --db old.db --deletes soft s2.csv
expect 0 "" "$note2
dbs-load: orders: 0 inserted, 0 updated, 0 deleted, 4 unchanged (merge, soft deletes)" \
	"the next run converts the decimals, and no row changes"
want_show="1|real|10.5000|real|0.0100
2|text|99999999999999.9999|text|922337203685477.5807
3|real|-0.0001|null|
4|text|123456789012.3456|real|-12345678901.2345
5|real|999.0000|null|"
is "$(show old.db)" "$want_show" \
	"numbers where exact (printf with the scale gives their text), texts beyond 15 digits"
is "$(sql old.db "SELECT quote(_dbs_deleted_at) FROM orders WHERE id = 3")" \
	"'2026-11-26T06:00:00.000000Z'" "the soft-deleted row stays deleted"
is "$(sql old.db "SELECT amount FROM orders WHERE id = 2")" \
	"99999999999999.9999" "a text is the exact text"
is "$(sql old.db "SELECT group_concat(_dbs_hash) FROM orders")" "$hashes" \
	"the row hashes are those of the old rows"
is "$(sql old.db "SELECT sql FROM sqlite_schema WHERE name = 'orders'")" \
	'CREATE TABLE "orders"("id" INTEGER NOT NULL, "customer" TEXT, "amount" /* decimal(18,4) */, "fee" /* decimal(19,4) */, "rate" /* real */, "_dbs_hash" INTEGER, "_dbs_deleted_at" TEXT, PRIMARY KEY("id"))' \
	"the new declarations, with the types in comments"
is "$(sql old.db "SELECT schema_version, decimals FROM _dbs_tables")" "2|auto" \
	"a schema change, recorded"
is "$(sql old.db "SELECT status, message FROM _dbs_runs ORDER BY id DESC LIMIT 1")" \
	"ok|${note2#dbs-load: }" "the conversion is in the run log"
is "$(sql old.db "SELECT name FROM sqlite_schema WHERE type IN ('index', 'view')
	AND name NOT LIKE 'sqlite%' ORDER BY 1")" \
	"big_orders
orders_amount
orders_live" "the user's index and view are there, and orders_live"
is "$(big old.db)" "2,4" \
	"the user's view now compares amounts as numbers"
is "$(big fixture.db)" "2,4,5" \
	"(in the old database as text: '999.0000' > '1000')"
is "$(sql old.db "SELECT group_concat(id) FROM orders_live")" "1,2,4,5" \
	"orders_live: the rows not deleted"
is "$(sql old.db "PRAGMA integrity_check")" ok "integrity"

run dbs-load --db old.db --deletes soft s2.csv
expect 0 "" "dbs-load: orders: 0 inserted, 0 updated, 0 deleted, 4 unchanged (merge, soft deletes)" \
	"the run after: nothing to convert"

run dbs-load --db old.db --deletes soft --decimals text s2.csv
expect 0 "" 'dbs-load: orders: decimal columns "amount", "fee" converted from --decimals auto to text (schema version 3)
dbs-load: orders: 0 inserted, 0 updated, 0 deleted, 4 unchanged (merge, soft deletes)' \
	"--decimals text converts back"
is "$(sql old.db "SELECT id, quote(amount), quote(fee) FROM orders ORDER BY id")" \
	"$(sql fixture.db "SELECT id, quote(amount), quote(fee) FROM orders ORDER BY id")" \
	"the very texts of the old database"

run dbs-load --db old.db --deletes soft --decimals real s2.csv
expect 0 "" 'dbs-load: orders: decimal columns "amount", "fee" converted from --decimals text to real (schema version 4)
dbs-load: orders: 0 inserted, 0 updated, 0 deleted, 4 unchanged (merge, soft deletes)' \
	"--decimals real converts"
is "$(sql old.db "SELECT typeof(amount), amount FROM orders WHERE id = 2")" \
	"real|100000000000000.0" "real: rounded to a double"
run dbs-load --db old.db --deletes soft s2.csv
expect 0 "" 'dbs-load: orders: decimal columns "amount", "fee" converted from --decimals real to auto (schema version 5)
dbs-load: orders: 0 inserted, 4 updated, 0 deleted, 0 unchanged (merge, soft deletes)' \
	"from real, the rows are rewritten from the stream"
is "$(show old.db)" "$want_show" "exact again"
is "$(sql old.db "SELECT group_concat(_dbs_hash IS NULL) FROM orders")" "0,0,1,0,0" \
	"the deleted row, not in the stream, waits to be rewritten"

done_testing
