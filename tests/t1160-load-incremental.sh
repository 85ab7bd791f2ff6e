#!/usr/bin/env bash
# t1160-load-incremental.sh - a stream that names "since" is partial: it
# never deletes (merge = insert or update), --deletes hard|soft and
# --mode replace with one are usage errors, the run log and summary say
# "incremental"; watermarks are compared by value, checked against the
# column's type (the since bound and the stored one), and reset by a
# full stream.
# shellcheck disable=SC2054 # stream -c takes comma-separated fields
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

C=(-c id,int,int,notnull -c u,int,int,notnull -c v,text,text,null)
full() { stream -o dbo.t -k id -t "2024-01-0${1}T00:00:00.000000Z" "${C[@]}" -- "${@:2}"; }
incr() { stream -o dbo.t -k id -t "2024-01-0${1}T00:00:00.000000Z" -s "$2" "${C[@]}" -- "${@:3}"; }
rows() { sql t.db "SELECT group_concat(id || ':' || u || ':' || coalesce(v, '-'), ' ') FROM (SELECT * FROM t ORDER BY id)"; }

full 1 1,1,a 2,2,b 3,3,c 4,4,d 5,5,e 6,6,f 7,7,g 8,8,h 9,9,i 10,10,j >f1.csv
run dbs-load --db t.db --watermark u f1.csv
is_status 0 "ten rows loaded"

# the finding of the issue: rows 5..10 changed after u = 4
incr 2 u,4 5,11,E 6,12,F 7,13,G 8,14,H 9,15,I 10,16,J >i2.csv
run dbs-load --db t.db i2.csv
expect 0 "" "dbs-load: t: 0 inserted, 6 updated, 0 deleted, 0 unchanged (merge, incremental)" \
	"an incremental stream deletes nothing"
is "$(rows)" "1:1:a 2:2:b 3:3:c 4:4:d 5:11:E 6:12:F 7:13:G 8:14:H 9:15:I 10:16:J" \
	"rows 1..4 are still there"
is "$(sql t.db "SELECT mode, coalesce(deletes, '-'), stream, deleted, watermark FROM _dbs_runs ORDER BY id DESC LIMIT 1")" \
	"merge|-|incremental|0|16" "the run log says incremental"

incr 3 u,16 11,17,k >i3.csv
for d in hard soft; do
	run dbs-load --db t.db --deletes "$d" i3.csv
	expect 2 "" "dbs-load: i3.csv: the stream is incremental (it names \"since\") and never deletes: --deletes $d does not apply (deletes come with a full extract)" \
		"--deletes $d with an incremental stream"
done
run dbs-load --db t.db --mode replace i3.csv
expect 2 "" "dbs-load: i3.csv: the stream is incremental (it names \"since\"): --mode replace would delete every row it does not carry; use merge or append" \
	"--mode replace with an incremental stream"
is "$(sql t.db "SELECT count(*) FROM t")" 10 "nothing changed by the refused runs"
run dbs-load --db t.db --deletes keep --summary json i3.csv
expect 0 '{"status":"ok","exit":0,"message":null,"inputs":[{"input":"i3.csv","table":"t","mode":"merge","deletes":null,"stream":"incremental","rows":1,"inserted":1,"updated":0,"deleted":0,"unchanged":0,"revived":0,"purged":0,"extracted_at":"2024-01-03T00:00:00.000000Z","watermark":{"column":"u","value":"17"}}]}' "" \
	"--deletes keep is fine"

# an empty increment: nothing to refuse, nothing deleted
incr 4 u,17 >i4.csv
run dbs-load --db t.db i4.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 0 deleted, 0 unchanged (merge, incremental)" \
	"an empty increment"

# the since bound must be a value of its column
incr 5 u,abc 12,18,l >bad.csv
run dbs-load --db t.db bad.csv
expect 1 "" 'dbs-load: bad.csv: the "since" bound "abc" is not a value of column "u" (int): not an integer' \
	"a since bound that is not an int"
is "$(dbs-load --db t.db --state t | grep watermark)" "watermark	u	17" \
	"the watermark is unchanged"

# a stored watermark that is not a value of its column
sql t.db "UPDATE _dbs_tables SET watermark = 'x17' WHERE name = 't'"
incr 5 u,17 12,18,l >i5.csv
run dbs-load --db t.db i5.csv
expect 1 "" 'dbs-load: i5.csv: table t: the stored watermark "x17" is not a value of column "u" (int): not an integer; a full extract resets it' \
	"a damaged stored watermark stops an incremental stream"

# a full stream applies the deletes and resets the watermark (down, too)
full 6 1,1,a 2,2,b 3,3,c >f6.csv
run dbs-load --db t.db --max-delete 100 --watermark u f6.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 8 deleted, 3 unchanged (merge)" \
	"a full stream deletes"
is "$(dbs-load --db t.db --state t | grep watermark)" "watermark	u	3" \
	"a full stream resets the watermark"
is "$(sql t.db "SELECT stream FROM _dbs_runs ORDER BY id DESC LIMIT 1")" full \
	"the run log says full"

# soft deletes: an incremental stream revives, never soft-deletes
full 7 1,1,a 2,2,b >f7.csv
run dbs-load --db t.db --deletes soft f7.csv
is "$(sql t.db "SELECT count(*) FROM t WHERE _dbs_deleted_at IS NOT NULL")" 1 \
	"row 3 soft-deleted"
incr 8 u,2 3,30,C >i8.csv
run dbs-load --db t.db i8.csv
expect 0 "" "dbs-load: t: 0 inserted, 1 updated, 0 deleted, 0 unchanged (merge, incremental)" \
	"an incremental stream revives a soft-deleted row"
is "$(sql t.db "SELECT count(*) FROM t WHERE _dbs_deleted_at IS NULL")" 3 \
	"all three rows live"

# watermarks compare by value: decimals, datetimeoffset
D=(-c id,int,int,notnull -c 'd,"decimal(9,2)","decimal(9,2)",notnull')
stream -o dbo.dec -k id "${D[@]}" -- 1,9.00 2,10.00 3,-20.00 >dec.csv
run dbs-load --db w.db --watermark d dec.csv
is "$(dbs-load --db w.db --state dec | grep watermark)" "watermark	d	10.00" \
	"decimal watermark: 10.00 > 9.00"
O=(-c id,int,int,notnull -c 'o,datetimeoffset(0),datetimeoffset(0),notnull')
stream -o dbo.off -k id "${O[@]}" -- \
	'1,2024-01-01 10:00:00 +05:00' '2,2024-01-01 06:00:00 +00:00' >off.csv
run dbs-load --db w.db --watermark o off.csv
is "$(dbs-load --db w.db --state off | grep watermark)" \
	"watermark	o	2024-01-01 06:00:00 +00:00" \
	"datetimeoffset watermark: the later instant, not the larger text"
stream -o dbo.off -k id -s 'o,2024-01-01 12:00:00 +07:00' "${O[@]}" -- \
	'3,2024-01-01 06:30:00 +01:00' >off2.csv
run dbs-load --db w.db off2.csv
is "$(dbs-load --db w.db --state off | grep watermark)" \
	"watermark	o	2024-01-01 06:00:00 +00:00" \
	"an incremental stream never lowers the watermark (05:30 UTC < 06:00 UTC)"

done_testing
