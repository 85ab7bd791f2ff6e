#!/usr/bin/env bash
# t1220-load-serve.sh - dbs-load --db FILE --serve TABLE, the local side
# of dbs-extract --strategy: its records (msg.h) on stdin and stdout:
# hello, split, rows, span, grid, bye; live rows only; sums of the
# fingerprints; errors as an "error" record and status 1.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# req FIELD...: one request record, each field LEN:BYTES ("-" for none).
req() {
	local f
	for f in "$@"; do
		if [ "$f" = - ]; then
			printf -- '-'
		else
			printf '%d:%s' "${#f}" "$f"
		fi
	done
	printf '\n'
}
# key VALUE...: the key encoding of the values.
key() {
	local v
	for v in "$@"; do printf '%d:%s' "${#v}" "$v"; done
}

{
	printf '%s\n' '#dbs-stream,1' '#meta,object,dbo.t' '#meta,key,id' \
		'#meta,fingerprint,_dbs_fp' '#column,id,int,int,notnull' \
		'#column,v,text,text,null' '#column,_dbs_fp,int,bigint,null' \
		'id,v,_dbs_fp'
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf '%d,v%d,%d\n' "$i" "$i" "$((i * 4294967296 + i))"
	done
	printf '%s\n' '11,v11,-4294967297' '12,v12,'
} | python3 "$TOP/tests/fixtures/load/mkstream" >t.csv
dbs-load --db t.db --quiet t.csv

{ req hello; req span; req bye; } >r1
run dbs-load --db t.db --serve t <r1
expect 0 "5:hello1:12:id1:1
4:span3:1:14:2:12
3:end" "" "hello: the key, and fingerprints are kept; span: the first and last key"

{ req split - - 3; req bye; } >r2
run dbs-load --db t.db --serve t <r2
expect 0 "4:part-3:1:51:42:102:101:0
4:part3:1:53:1:91:42:262:261:0
4:part3:1:9-1:42:182:181:1
3:end" "" "split: three parts of four rows, sums of fp / 2^32 and fp % 2^32, unknown fingerprints"

{ req split "$(key 3)" "$(key 9)" 2; req rows "$(key 10)" -; req bye; } >r3
run dbs-load --db t.db --serve t <r3
expect 0 "4:part3:1:33:1:61:32:122:121:0
4:part3:1:63:1:91:32:212:211:0
3:end
3:row4:2:1011:42949672970
3:row4:2:1111:-4294967297
3:row4:2:12-
3:end" "" "split of [3, 9); rows from 10 on, one without a fingerprint"

{ req grid 1 13 4; req grid 5 9 1; req bye; } >r4
run dbs-load --db t.db --serve t <r4
expect 0 "4:cell1:01:42:102:101:0
4:cell1:11:42:262:261:0
4:cell1:21:42:182:181:1
3:end
4:cell1:01:11:51:51:0
4:cell1:11:11:61:61:0
4:cell1:21:11:71:71:0
4:cell1:31:11:81:81:0
3:end" "" "grid: cells of width 4 from 1, of width 1 in [5, 9)"

# soft-deleted rows are not live
stream -o dbo.t -k id -c id,int,int,notnull -c v,text,text,null -- 1,v1 2,v2 >s.csv
dbs-load --db t.db --deletes soft --allow-mass-delete --quiet s.csv
{ req span; req bye; } >r5
run dbs-load --db t.db --serve t <r5
expect 0 "4:span3:1:13:1:2
3:end" "" "soft-deleted rows are not served"

# errors
run dbs-load --db t.db --serve nosuch <r1
expect 1 "5:error49:--serve: t.db: no table nosuch loaded by dbs-load" "" \
	"no such table"
printf 'xyz\n' >bad
run dbs-load --db t.db --serve t <bad
expect 1 "5:error26:--serve: malformed request" "" "a malformed request"
{ req frob; } >bad2
run dbs-load --db t.db --serve t <bad2
expect 1 "5:error24:--serve: unknown request" "" "an unknown request"
{ req rows "$(key x)" -; } >bad3
run dbs-load --db t.db --serve t <bad3
expect 1 "5:error42:--serve: a bound is not a key of the table" "" \
	"a bound that is not a key"
run dbs-load --db t.db --serve t --quiet
expect 2 "" "dbs-load: --serve takes no FILE operands and no load options" \
	"--serve with a load option"
run dbs-load --db t.db --serve t --state t
expect 2 "" "dbs-load: --state and --serve are exclusive" "--serve with --state"

done_testing
