#!/usr/bin/env bash
# t1100-load-state.sh - the watermark (from "since" meta or --watermark,
# compared by storage class, never moving back), --state output, the
# JSON summary of ok, dry and failed runs, several inputs in one run,
# and the run log's columns.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# ev DAY [-s COL,BOUND] [ROW...]: table "ev" (id int, seq int,
# at datetime(3), note text) extracted on 2024-01-DAY, incremental with -s.
ev() {
	stream -m server,srv -m database,db -o dbo.ev -k id \
		-t "2024-01-${1}T00:00:00.000000Z" -c id,int,int,notnull \
		-c seq,int,int,null -c 'at,datetime(3),datetime,null' \
		-c note,text,text,null "${@:2}"
}

run dbs-load --db none.db --state ev
expect 0 "" "" "--state of a database that does not exist: nothing"
ok "  ... and it is not created" test ! -e none.db

ev 01 "1,9,2024-01-01 10:00:00.000,a" "2,10,2024-01-01 09:00:00.000,b" >e1.csv
run dbs-load --db e.db --watermark seq e1.csv
is "$status" 0 "full load with --watermark seq"
run dbs-load --db e.db --state ev
expect 0 "table	ev
key	id
extracted-at	2024-01-01T00:00:00.000000Z
watermark	seq	10" "" "--state: integers compare as numbers (10 > 9)"
run dbs-load --db e.db --state nosuch
expect 0 "" "" "--state of an unknown table: nothing"

ev 02 -s "at,2024-01-01 10:00:00.000" "3,1,2024-01-02 08:00:00.000,c" \
	"2,11,2024-01-02 07:00:00.000,B" >e2.csv
run dbs-load --db e.db --mode append --summary json e2.csv
expect 0 '{"status":"ok","exit":0,"message":null,"inputs":[{"input":"e2.csv","table":"ev","mode":"append","deletes":null,"stream":"incremental","rows":2,"inserted":1,"updated":1,"deleted":0,"unchanged":0,"revived":0,"purged":0,"extracted_at":"2024-01-02T00:00:00.000000Z","watermark":{"column":"at","value":"2024-01-02 08:00:00.000"}}]}' \
	"" "increment with since: JSON summary"
run dbs-load --db e.db --state ev
expect 0 "table	ev
key	id
extracted-at	2024-01-02T00:00:00.000000Z
watermark	at	2024-01-02 08:00:00.000" "" "--state: the since column's largest value"

ev 03 -s "at,2024-01-02 08:00:00.000" >e3.csv
run dbs-load --db e.db --mode append e3.csv
is "$status" 0 "an empty increment"
ev 04 -s "at,2024-01-01 00:00:00.000" "4,1,2024-01-01 12:00:00.000,old" >e4.csv
run dbs-load --db e.db --mode append e4.csv
is "$status" 0 "an increment with an older row"
is "$(dbs-load --db e.db --state ev | grep '^watermark')" \
	"watermark	at	2024-01-02 08:00:00.000" "the watermark never moves back"

ev 05 -s "at,2024-01-02 08:00:00.000" $'5,1,2024-01-03 00:00:00.000,tab\there' >e5.csv
run dbs-load --db e.db --mode append --watermark note e5.csv
is "$(dbs-load --db e.db --state ev | grep '^watermark')" \
	'watermark	note	tab\there' "--watermark wins over since; a tab is escaped"

run dbs-load --db e.db --mode append --dry-run --summary json e1.csv
is "$status" 3 "dry run of an older snapshot: refused"
run dbs-load --db e.db --mode append --dry-run --allow-older --summary json e1.csv
expect 0 '{"status":"dry-run","exit":0,"message":null,"inputs":[{"input":"e1.csv","table":"ev","mode":"append","deletes":null,"stream":"full","rows":2,"inserted":0,"updated":1,"deleted":0,"unchanged":1,"revived":0,"purged":0,"extracted_at":"2024-01-01T00:00:00.000000Z","watermark":{"column":"note","value":"tab\there"}}]}' \
	"" "dry run: JSON summary"
run dbs-load --db e.db --summary json e1.csv
expect 3 '{"status":"refused","exit":3,"message":"e1.csv: table ev: snapshot extracted at 2024-01-01T00:00:00.000000Z is older than the last one applied (2024-01-05T00:00:00.000000Z); use --allow-older","inputs":[{"input":"e1.csv","table":"ev","mode":"merge","deletes":"hard","stream":"full","rows":2,"inserted":0,"updated":0,"deleted":0,"unchanged":0,"revived":0,"purged":0,"extracted_at":"2024-01-01T00:00:00.000000Z","watermark":null}]}' \
	"dbs-load: e1.csv: table ev: snapshot extracted at 2024-01-01T00:00:00.000000Z is older than the last one applied (2024-01-05T00:00:00.000000Z); use --allow-older" \
	"refused: JSON summary and the message"

# The run log.
is "$(sql e.db "SELECT id, table_name, input, source_server, source_database,
	source_object, mode, deletes, stream_rows, inserted, updated, deleted,
	unchanged, revived, extracted_at, watermark_column, watermark, status,
	tool FROM _dbs_runs ORDER BY id")" \
	"1|ev|e1.csv|srv|db|dbo.ev|merge|hard|2|2|0|0|0|0|2024-01-01T00:00:00.000000Z|seq|10|ok|dbs-load 0.1.0
2|ev|e2.csv|srv|db|dbo.ev|append||2|1|1|0|0|0|2024-01-02T00:00:00.000000Z|at|2024-01-02 08:00:00.000|ok|dbs-load 0.1.0
3|ev|e3.csv|srv|db|dbo.ev|append||0|0|0|0|0|0|2024-01-03T00:00:00.000000Z|at|2024-01-02 08:00:00.000|ok|dbs-load 0.1.0
4|ev|e4.csv|srv|db|dbo.ev|append||1|1|0|0|0|0|2024-01-04T00:00:00.000000Z|at|2024-01-02 08:00:00.000|ok|dbs-load 0.1.0
5|ev|e5.csv|srv|db|dbo.ev|append||1|1|0|0|0|0|2024-01-05T00:00:00.000000Z|note|tab	here|ok|dbs-load 0.1.0
6|ev|e1.csv|srv|db|dbo.ev|merge|hard|2|0|0|0|0|0|2024-01-01T00:00:00.000000Z|||refused|dbs-load 0.1.0" \
	"the run log (dry runs, refused ones too, leave no row)"
is "$(sql e.db "SELECT count(*) FROM _dbs_runs WHERE started_at GLOB '20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z' AND finished_at >= started_at")" \
	6 "run times are UTC ISO 8601 with microseconds"
is "$(sql e.db "SELECT name, source_server, source_database, source_object, key_columns, mode, deletes, extracted_at, watermark_column, watermark, schema_version FROM _dbs_tables")" \
	"ev|srv|db|dbo.ev|[\"id\"]|append||2024-01-05T00:00:00.000000Z|note|tab	here|1" \
	"_dbs_tables"

# Several inputs in one run: one transaction, one line and one log row each.
ev 06 "1,1,,x" >m1.csv
stream -o dbo.other -k k -c k,text,text,notnull -- a b >m2.csv
run dbs-load --db e.db --max-delete 100 m1.csv m2.csv
expect 0 "" "dbs-load: ev: 0 inserted, 1 updated, 4 deleted, 0 unchanged (merge)
dbs-load: other: 2 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"two inputs, two tables"
is "$(sql e.db "SELECT group_concat(input || ':' || status, ' ') FROM _dbs_runs WHERE id > 6")" \
	"m1.csv:ok m2.csv:ok" "one log row per input"
run dbs-load --db e.db m2.csv e1.csv
is "$status" 3 "a refusal in the second input"
is "$(sql e.db "SELECT count(*) FROM other; SELECT count(*) FROM ev")" "2
1" "nothing of the run committed"

done_testing
