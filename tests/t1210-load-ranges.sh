#!/usr/bin/env bash
# t1210-load-ranges.sh - a version 2 stream that names "ranges" covers
# those key ranges in full: its rows are applied by key wherever they
# fall, rows of the table inside a range that the stream does not carry
# are deleted (or soft-deleted, or kept, per --deletes), and no row
# outside the ranges; bounds open, inclusive, exclusive, on keys of one
# and of two columns; the safety rules; the run log and summary; a
# fingerprint column kept in _dbs_fp.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# v2 META... -- ROW...: a version 2 stream of dbo.t (id int, v text) with
# the meta records given ("ranges,..."), completed by mkstream.
v2() {
	{
		printf '%s\n' '#dbs-stream,2' '#meta,object,dbo.t' '#meta,key,id' \
			'#meta,extracted-at,2024-01-02T00:00:00.000000Z'
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			printf '#meta,%s\n' "$1"
			shift
		done
		[ $# -eq 0 ] || shift
		printf '%s\n' '#column,id,int,int,notnull' '#column,v,text,text,null' \
			'id,v'
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} | python3 "$TOP/tests/fixtures/load/mkstream"
}
rows() { sql t.db "SELECT group_concat(id || ':' || coalesce(v, '-'), ' ') FROM (SELECT * FROM t ORDER BY id)"; }
base() {
	rm -f t.db t.db-wal t.db-shm
	stream -o dbo.t -k id -t 2024-01-01T00:00:00.000000Z \
		-c id,int,int,notnull -c v,text,text,null -- \
		1,a 2,b 3,c 4,d 5,e 6,f 7,g 8,h 9,i 10,j >base.csv
	dbs-load --db t.db --quiet base.csv
}

base
v2 'ranges,2,[1:3,1:3],[1:5,1:5]' -- 5,E >r1.csv
is "$(head -1 r1.csv)" "#dbs-stream,2" "a stream with ranges is version 2"
run dbs-load --db t.db r1.csv
expect 0 "" "dbs-load: t: 0 inserted, 1 updated, 1 deleted, 0 unchanged (merge, ranges)" \
	"two single keys: one carried, one gone"
is "$(rows)" "1:a 2:b 4:d 5:E 6:f 7:g 8:h 9:i 10:j" "only key 3 deleted"
is "$(sql t.db "SELECT stream, deletes, deleted FROM _dbs_runs ORDER BY id DESC LIMIT 1")" \
	"ranges|hard|1" "the run log says ranges"

v2 'ranges,1,(1:7,-' -- 8,h 11,k >r2.csv
run dbs-load --db t.db r2.csv
expect 0 "" "dbs-load: t: 1 inserted, 0 updated, 2 deleted, 1 unchanged (merge, ranges)" \
	"an exclusive lower bound, no upper bound"
is "$(rows)" "1:a 2:b 4:d 5:E 6:f 7:g 8:h 11:k" "7 kept, 9 and 10 gone"

v2 'ranges,1,-,1:2)' -- 20,t >r3.csv
run dbs-load --db t.db r3.csv
expect 0 "" "dbs-load: t: 1 inserted, 0 updated, 1 deleted, 0 unchanged (merge, ranges)" \
	"no lower bound, an exclusive upper one; a row outside the ranges"
is "$(rows)" "2:b 4:d 5:E 6:f 7:g 8:h 11:k 20:t" \
	"1 gone; 20, outside every range, applied all the same"

v2 'ranges,0' >r4.csv
run dbs-load --db t.db --summary json r4.csv
expect 0 '{"status":"ok","exit":0,"message":null,"inputs":[{"input":"r4.csv","table":"t","mode":"merge","deletes":"hard","stream":"ranges","rows":0,"inserted":0,"updated":0,"deleted":0,"unchanged":0,"revived":0,"purged":0,"extracted_at":"2024-01-02T00:00:00.000000Z","watermark":null}]}' "" \
	"no ranges, no rows: nothing changes, and it is no empty snapshot"
is "$(rows)" "2:b 4:d 5:E 6:f 7:g 8:h 11:k 20:t" "all rows kept"

# overlapping ranges: a key is gone once
v2 'ranges,2,[1:4,1:6],[1:5,1:8]' -- 5,E 8,h >r5.csv
run dbs-load --db t.db r5.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 3 deleted, 2 unchanged (merge, ranges)" \
	"overlapping ranges"
is "$(rows)" "2:b 5:E 8:h 11:k 20:t" "4, 6 and 7 gone"

# --deletes soft, keep; the modes
base
run dbs-load --db t.db --deletes soft r1.csv
expect 0 "" "dbs-load: t: 0 inserted, 1 updated, 1 deleted, 0 unchanged (merge, ranges, soft deletes)" \
	"--deletes soft"
is "$(sql t.db "SELECT id FROM t WHERE _dbs_deleted_at IS NOT NULL")" 3 \
	"key 3 soft-deleted"
base
run dbs-load --db t.db --deletes keep r1.csv
expect 0 "" "dbs-load: t: 0 inserted, 1 updated, 0 deleted, 0 unchanged (merge, ranges, deletes kept)" \
	"--deletes keep"
run dbs-load --db t.db --mode replace r1.csv
expect 2 "" "dbs-load: r1.csv: the stream is partial (it names \"ranges\"): --mode replace would delete every row it does not carry; use merge or append" \
	"--mode replace is refused"
run dbs-load --db t.db --mode append r2.csv
expect 0 "" "dbs-load: t: 1 inserted, 0 updated, 0 deleted, 1 unchanged (append, incremental)" \
	"--mode append deletes nothing"
run dbs-load --db t.db --key v r1.csv
expect 2 "" "dbs-load: r1.csv: the stream's ranges are ranges of its key; --key must name the same columns" \
	"--key must be the stream's"

# the mass-delete rule counts the deletes inside the ranges
base
v2 'ranges,1,-,-' -- 1,a >r6.csv
run dbs-load --db t.db r6.csv
expect 3 "" "dbs-load: r6.csv: table t: would delete 9 of 10 rows (90%, more than 50%); use --max-delete or --allow-mass-delete" \
	"the mass-delete rule"
run dbs-load --db t.db --allow-mass-delete r6.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 9 deleted, 1 unchanged (merge, ranges)" \
	"--allow-mass-delete"
# the only input counts the live rows only as far as the rule could
# still refuse (5 deletes at --max-delete 60: 9 rows of the 10); the
# same outcome, and the same message, as a full count
base
v2 'ranges,1,[1:1,1:5]' -- >r7.csv
run dbs-load --db t.db --max-delete 40 r7.csv
expect 3 "" "dbs-load: r7.csv: table t: would delete 5 of 10 rows (50%, more than 40%); use --max-delete or --allow-mass-delete" \
	"the mass-delete rule, one input: refused, the whole count"
run dbs-load --db t.db --max-delete 60 r7.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 5 deleted, 0 unchanged (merge, ranges)" \
	"the mass-delete rule, one input: passed on a count that stopped"
# two inputs add up their deletes: the whole count
base
v2 'ranges,1,[1:1,1:3]' -- >r8.csv
v2 'ranges,1,[1:6,1:8]' -- >r9.csv
run dbs-load --db t.db r8.csv r9.csv
expect 3 "" "dbs-load: table t: 2 inputs would together delete 6 of 10 rows (60%, more than 50%); use --max-delete or --allow-mass-delete" \
	"the mass-delete rule, two inputs: the deletes of both against every row"

# a key of two columns, text and int, ranges of tuples
{
	printf '%s\n' '#dbs-stream,1' '#meta,object,dbo.k' '#meta,key,r,n' \
		'#column,r,text,varchar(5),notnull' '#column,n,int,int,notnull' \
		'#column,v,text,text,null' 'r,n,v' a,1,x a,2,x a,3,x b,1,x b,2,x c,1,x
} | python3 "$TOP/tests/fixtures/load/mkstream" >k1.csv
{
	printf '%s\n' '#dbs-stream,2' '#meta,object,dbo.k' '#meta,key,r,n' \
		'#meta,ranges,1,[1:a1:2,1:b1:1]' \
		'#column,r,text,varchar(5),notnull' '#column,n,int,int,notnull' \
		'#column,v,text,text,null' 'r,n,v' a,3,y
} | python3 "$TOP/tests/fixtures/load/mkstream" >k2.csv
dbs-load --db k.db --quiet k1.csv
run dbs-load --db k.db k2.csv
expect 0 "" "dbs-load: k: 0 inserted, 1 updated, 2 deleted, 0 unchanged (merge, ranges)" \
	"a range of two-column keys"
is "$(sql k.db "SELECT group_concat(r || n || v, ' ') FROM (SELECT * FROM k ORDER BY r, n)")" \
	"a1x a3y b2x c1x" "(a,2) and (b,1) gone, (a,1) (b,2) (c,1) kept"

# NDJSON
printf '%s\n' '{"#dbs-stream":2,"meta":{"object":"dbo.t","key":["id"],"ranges":["1","[1:2","1:4]"]},"columns":[{"name":"id","type":"int","source_type":"int","nullable":false},{"name":"v","type":"text","source_type":"text","nullable":true}]}' \
	'{"id":3,"v":"C"}' | python3 "$TOP/tests/fixtures/load/mkstream" --ndjson >n1.ndjson
base
run dbs-load --db t.db n1.ndjson
expect 0 "" "dbs-load: t: 0 inserted, 1 updated, 2 deleted, 0 unchanged (merge, ranges)" \
	"NDJSON"

# fingerprints: kept in _dbs_fp, not as a column; NULL after a stream
# without them
{
	printf '%s\n' '#dbs-stream,1' '#meta,object,dbo.f' '#meta,key,id' \
		'#meta,fingerprint,_dbs_fp' '#column,id,int,int,notnull' \
		'#column,v,text,text,null' '#column,_dbs_fp,int,bigint,null' \
		'id,v,_dbs_fp' 1,a,-7 2,b,9223372036854775807
} | python3 "$TOP/tests/fixtures/load/mkstream" >f1.csv
run dbs-load --db f.db f1.csv
expect 0 "" "dbs-load: f: 2 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"a stream with fingerprints"
is "$(sql f.db "SELECT group_concat(id || ':' || v || ':' || _dbs_fp, ' ') FROM f")" \
	"1:a:-7 2:b:9223372036854775807" "the fingerprints in _dbs_fp"
is "$(sql f.db "SELECT group_concat(name) FROM _dbs_columns WHERE table_name = 'f'")" \
	"id,v" "the fingerprint is no column of the table"
stream -o dbo.f -k id -c id,int,int,notnull -c v,text,text,null -- 1,a 2,B >f2.csv
run dbs-load --db f.db f2.csv
is "$(sql f.db "SELECT group_concat(id || ':' || v || ':' || coalesce(_dbs_fp, '-'), ' ') FROM f")" \
	"1:a:- 2:B:-" "a stream without fingerprints leaves none behind"

done_testing
