#!/usr/bin/env bash
# t1060-load-schema.sh - the stream's header against the stored schema:
# --schema-change fail (default: refuse, name the column, change
# nothing), add (ALTER TABLE ADD COLUMN; a dropped or retyped column or
# another key still needs rebuild), rebuild (new table, rows copied,
# swapped in, one transaction). Also names dbs-load will not use.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# mk DAY KEY "COLUMN..." ROW...: table "p"; each COLUMN is name:type,
# the type also the source type.
mk() {
	local c cols=()
	for c in $3; do
		cols+=(-c "${c%%:*},${c#*:},${c#*:},null")
	done
	stream -o dbo.p -k "$2" -t "2024-01-${1}T00:00:00.000000Z" "${cols[@]}" \
		-- "${@:4}"
}
rows() {
	sql p.db "SELECT * FROM p ORDER BY 1, 2"
}

mk 01 id "id:int name:text" 1,a 2,b 3,c >v1.csv
mk 02 id "id:int name:text qty:int" 1,a,10 2,b, 3,c,30 >v2.csv
mk 03 id "id:int qty:int" 1,10 2, 4,40 >v3.csv
mk 04 id "id:int qty:text" 1,10 2, 4,40 >v4.csv
mk 05 id,qty "id:int qty:text" 1,10 2,20 4,40 >v5.csv

run dbs-load --db p.db v1.csv
is "$status" 0 "v1 loads"
before=$(rows)

run dbs-load --db p.db v2.csv
expect 3 "" 'dbs-load: v2.csv: table p: new column "qty" in the stream; use --schema-change add or rebuild' \
	"new column refused by default"
is "$(rows)" "$before" "nothing changed"
run dbs-load --db p.db --schema-change fail v2.csv
is "$status" 3 "--schema-change fail"
run dbs-load --db p.db --schema-change add v2.csv
expect 0 "" "dbs-load: p: 0 inserted, 3 updated, 0 deleted, 0 unchanged (merge)" \
	"add: the column is added and every row updated"
is "$(sql p.db 'SELECT id, name, qty, typeof(qty) FROM p ORDER BY id')" \
	"1|a|10|integer
2|b||null
3|c|30|integer" "add: rows"
is "$(sql p.db "SELECT schema_version FROM _dbs_tables WHERE name = 'p'")" 2 \
	"add: schema version 2"
is "$(sql p.db "SELECT group_concat(name) FROM pragma_table_info('p')")" \
	"id,name,_dbs_hash,qty" "add: ALTER TABLE ADD COLUMN"

run dbs-load --db p.db --schema-change add v3.csv
expect 3 "" 'dbs-load: v3.csv: table p: column "name" is no longer in the stream; use --schema-change rebuild' \
	"a dropped column needs rebuild"
run dbs-load --db p.db --schema-change rebuild --deletes soft v3.csv
expect 0 "" "dbs-load: p: 1 inserted, 2 updated, 1 deleted, 0 unchanged (merge, soft deletes)" \
	"rebuild without the dropped column"
is "$(sql p.db "SELECT id, qty, _dbs_deleted_at IS NOT NULL FROM p ORDER BY id")" \
	"1|10|0
2||0
3|30|1
4|40|0" "rebuild: rows copied, row 3 soft-deleted"
is "$(sql p.db "SELECT group_concat(name) FROM pragma_table_info('p')")" \
	"id,qty,_dbs_hash,_dbs_deleted_at" "rebuild: the new columns"
is "$(sql p.db "SELECT group_concat(name || ':' || type) FROM _dbs_columns WHERE table_name = 'p'")" \
	"id:int,qty:int" "rebuild: metadata"

run dbs-load --db p.db --deletes soft v4.csv
expect 3 "" 'dbs-load: v4.csv: table p: column "qty" changed type from int to text; use --schema-change rebuild' \
	"a retyped column is refused"
run dbs-load --db p.db --schema-change rebuild --deletes soft v4.csv
expect 0 "" "dbs-load: p: 0 inserted, 3 updated, 0 deleted, 0 unchanged (merge, soft deletes)" \
	"rebuild for a retyped column: every copied row is rewritten"
is "$(sql p.db "SELECT id, quote(qty) FROM p ORDER BY id")" \
	"1|'10'
2|NULL
3|NULL
4|'40'" "retyped: values of the old class are not copied into the new one"

run dbs-load --db p.db v5.csv
expect 3 "" "dbs-load: v5.csv: table p: key changed from (id) to (id,qty); use --schema-change rebuild" \
	"a key change is refused"
run dbs-load --db p.db --schema-change add v5.csv
is "$status" 3 "add does not change a key"
run dbs-load --db p.db --schema-change rebuild --deletes soft v5.csv
expect 1 "" 'dbs-load: v5.csv: table p: cannot rebuild: stored rows have no value for the new key column "qty"; use --mode replace' \
	"rebuild cannot key rows with NULL in the new key"
run dbs-load --db p.db --schema-change rebuild --mode replace v5.csv
expect 0 "" "dbs-load: p: 3 inserted, 0 updated, 4 deleted, 0 unchanged (replace)" \
	"rebuild with replace"
is "$(sql p.db "SELECT key_columns, schema_version FROM _dbs_tables WHERE name = 'p'")" \
	'["id","qty"]|5' "new key and schema version recorded"

# A source type change with the same logical type is no schema change.
mk 06 id "id:int name:text" 1,a >t1.csv
sed 's/^#column,name,text,text,null$/#column,name,text,nvarchar(99),null/' t1.csv >t2.csv
run dbs-load --db s.db t1.csv
run dbs-load --db s.db t2.csv
expect 0 "" "dbs-load: p: 0 inserted, 0 updated, 0 deleted, 1 unchanged (merge)" \
	"a new source type alone changes nothing"
is "$(sql s.db "SELECT source_type FROM _dbs_columns WHERE name = 'name'")" \
	"nvarchar(99)" "the source type is updated"

# Names dbs-load does not use.
sql u.db "CREATE TABLE p(x); CREATE VIEW v AS SELECT 1"
run dbs-load --db u.db t1.csv
expect 1 "" "dbs-load: t1.csv: table p exists and was not created by dbs-load" \
	"a table dbs-load did not create"
run dbs-load --db u.db --table v t1.csv
expect 1 "" 'dbs-load: u.db: "v" is a view, not a table' "a view"
run dbs-load --db u.db --table _dbs_runs t1.csv
expect 2 "" 'dbs-load: t1.csv: table name "_dbs_runs" is empty or reserved' \
	"a reserved table name"
run dbs-load --db u.db --table q --key nope t1.csv
expect 2 "" 'dbs-load: t1.csv: --key: no column "nope" in the stream' \
	"--key names a missing column"
mk 07 id "id:int _dbs_x:int" 1,2 >r.csv
run dbs-load --db u.db --table q r.csv
expect 1 "" 'dbs-load: r.csv: column "_dbs_x": names starting with _dbs_ are reserved' \
	"a reserved column name"
mk 07 id "id:int A:int a:int" 1,2,3 >c.csv
run dbs-load --db u.db --table q c.csv
expect 1 "" 'dbs-load: c.csv: columns "A" and "a" differ only in case, which SQLite ignores' \
	"column names differing in case"
is "$(sql u.db "SELECT count(*) FROM sqlite_schema WHERE name = 'q'")" 0 \
	"no table q created"

done_testing
