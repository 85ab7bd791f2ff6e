#!/usr/bin/env bash
# t1030-load-types.sh - every logical type round-trips byte-exact into
# its SQLite storage class, with edge values: int64 min/max, reals that
# need 17 digits (compared with printf('%!.17g')), denormals, decimal(38,4)
# with 38 digits, -0.0100, 7-digit fractions, offsets -09:30 and +14:00,
# empty string vs NULL, non-BMP characters, a NUL inside text, empty
# blobs; decimals with at most 15 significant digits as REAL, longer
# ones as TEXT; -0 kept. The same rows written as NDJSON load to the same table and hash
# to the same row hashes (a second load changes nothing). Short
# decimals (decoded without strtod(), see value.c) and the longer reals
# next to them give the double that Python's float() gives.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# The table "types", one column of each type, for the CSV and NDJSON streams.
# shellcheck disable=SC2054 # stream -c takes comma-separated fields
types=(-o dbo.types -k k -c k,int,int,notnull -c b,bool,bit,null
	-c i,int,bigint,null -c r,real,float,null -c f,real,real,null
	-c 'd,"decimal(38,4)","decimal(38,4)",null' -c 't,text,nvarchar(max),null'
	-c 'x,blob,varbinary(max),null' -c u,uuid,uniqueidentifier,null
	-c dt,date,date,null -c 'tm,time(7),time(7),null'
	-c 'ts,datetime(7),datetime2(7),null'
	-c 'tz,datetimeoffset(7),datetimeoffset(7),null')
# (a NUL cannot be an argument: row 6 comes on stdin)
printf '6,,,,,,"a\0b",,,,,,\n' | stream -i "${types[@]}" -- \
	'1,1,9223372036854775807,0.1,0.1,1234567890123456789012345678901234.5678,"𝄞 non-BMP, ""quoted"", comma",00ff10,6F9619FF-8B86-D011-B42D-00C04FC964FF,0001-01-01,00:00:00.0000000,9999-12-31 23:59:59.9999999,2024-01-02 03:04:05.1234567 -09:30' \
	'2,0,-9223372036854775808,0.30000000000000004,1e+20,-0.0100,"","",00000000-0000-0000-0000-000000000000,9999-12-31,23:59:59.9999999,0001-01-01 00:00:00.0000000,0001-01-01 00:00:00.0000000 +14:00' \
	'3,,,,,,,,,,,,' \
	'4,1,0,5e-324,-0,0.0000,"#hash' 'two lines",ff,,,,,' \
	'5,0,-1,1.7976931348623157e+308,-3.4028235e+38,-9999999999999999999999999999999999.9999," lead and trail ",0102,,,,,' >types.csv
stream -j "${types[@]}" -- \
	'{"k":1,"b":true,"i":9223372036854775807,"r":0.1,"f":0.1,"d":"1234567890123456789012345678901234.5678","t":"𝄞 non-BMP, \"quoted\", comma","x":"00ff10","u":"6F9619FF-8B86-D011-B42D-00C04FC964FF","dt":"0001-01-01","tm":"00:00:00.0000000","ts":"9999-12-31 23:59:59.9999999","tz":"2024-01-02 03:04:05.1234567 -09:30"}' \
	'{"k":2,"b":false,"i":-9223372036854775808,"r":0.30000000000000004,"f":1e+20,"d":"-0.0100","t":"","x":"","u":"00000000-0000-0000-0000-000000000000","dt":"9999-12-31","tm":"23:59:59.9999999","ts":"0001-01-01 00:00:00.0000000","tz":"0001-01-01 00:00:00.0000000 +14:00"}' \
	'{"k":3,"b":null,"i":null,"r":null,"f":null,"d":null,"t":null,"x":null,"u":null,"dt":null,"tm":null,"ts":null,"tz":null}' \
	'{"k":4,"b":true,"i":0,"r":5e-324,"f":-0,"d":"0.0000","t":"#hash\ntwo lines","x":"ff","u":null,"dt":null,"tm":null,"ts":null,"tz":null}' \
	'{"k":5,"b":false,"i":-1,"r":1.7976931348623157e+308,"f":-3.4028235e+38,"d":"-9999999999999999999999999999999999.9999","t":" lead and trail ","x":"0102","u":null,"dt":null,"tm":null,"ts":null,"tz":null}' \
	'{"k":6,"b":null,"i":null,"r":null,"f":null,"d":null,"t":"a\u0000b","x":null,"u":null,"dt":null,"tm":null,"ts":null,"tz":null}' >types.ndjson

run dbs-load --db c.db types.csv
expect 0 "" "dbs-load: types: 6 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"CSV loads"
q="SELECT k, typeof(b) || ':' || quote(b), typeof(i) || ':' || quote(i),
	typeof(r), typeof(f), typeof(d) || ':' || quote(d),
	typeof(t) || ':' || hex(t), typeof(x) || ':' || hex(x),
	typeof(u) || ':' || quote(u), quote(dt), quote(tm), quote(ts), quote(tz)
	FROM types ORDER BY k"
want="1|integer:1|integer:9223372036854775807|real|real|text:'1234567890123456789012345678901234.5678'|text:F09D849E206E6F6E2D424D502C202271756F746564222C20636F6D6D61|blob:00FF10|text:'6F9619FF-8B86-D011-B42D-00C04FC964FF'|'0001-01-01'|'00:00:00.0000000'|'9999-12-31 23:59:59.9999999'|'2024-01-02 03:04:05.1234567 -09:30'
2|integer:0|integer:-9223372036854775808|real|real|real:-0.01|text:|blob:|text:'00000000-0000-0000-0000-000000000000'|'9999-12-31'|'23:59:59.9999999'|'0001-01-01 00:00:00.0000000'|'0001-01-01 00:00:00.0000000 +14:00'
3|null:NULL|null:NULL|null|null|null:NULL|null:|null:|null:NULL|NULL|NULL|NULL|NULL
4|integer:1|integer:0|real|real|real:0.0|text:23686173680A74776F206C696E6573|blob:FF|null:NULL|NULL|NULL|NULL|NULL
5|integer:0|integer:-1|real|real|text:'-9999999999999999999999999999999999.9999'|text:206C65616420616E6420747261696C20|blob:0102|null:NULL|NULL|NULL|NULL|NULL
6|null:NULL|null:NULL|null|null|null:NULL|text:610062|null:|null:NULL|NULL|NULL|NULL|NULL"
# Reals as Python reads them back: repr() is the shortest text that
# round-trips, so equal text means the same double. -0 stays -0.0: the
# column has no declared type, so SQLite stores the double as it is
# (REAL affinity would store it as the integer 0).
reals() {
	python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute("SELECT k, r, f FROM types ORDER BY k"):
    print(*map(repr, row))' "$1"
}
want_reals="1 0.1 0.1
2 0.30000000000000004 1e+20
3 None None
4 5e-324 -0.0
5 1.7976931348623157e+308 -3.4028235e+38
6 None None"
is "$(sql c.db "$q")" "$want" "every value as stored"
is "$(reals c.db)" "$want_reals" "reals round-trip"
is "$(sql c.db 'SELECT count(*) FROM types WHERE t IS NULL AND k = 2')" 0 \
	"empty string is not NULL"
is "$(sql c.db "SELECT length(x), typeof(x) FROM types WHERE k = 2")" "0|blob" \
	"empty blob is an empty blob"

run dbs-load --db j.db types.ndjson
expect 0 "" "dbs-load: types: 6 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"NDJSON loads"
is "$(sql j.db "$q")" "$want" "NDJSON: the same values"
is "$(reals j.db)" "$want_reals" "NDJSON: the same reals"
is "$(sql j.db 'SELECT group_concat(_dbs_hash) FROM types')" \
	"$(sql c.db 'SELECT group_concat(_dbs_hash) FROM types')" \
	"NDJSON: the same row hashes"
run dbs-load --db c.db types.ndjson
expect 0 "" "dbs-load: types: 0 inserted, 0 updated, 0 deleted, 6 unchanged (merge)" \
	"NDJSON over CSV: nothing changed"
is "$(sql c.db "SELECT group_concat(name || ' ' || type || ' ' || source_type || ' ' || not_null, '/') FROM _dbs_columns WHERE table_name = 'types'")" \
	"k int int 1/b bool bit 0/i int bigint 0/r real float 0/f real real 0/d decimal(38,4) decimal(38,4) 0/t text nvarchar(max) 0/x blob varbinary(max) 0/u uuid uniqueidentifier 0/dt date date 0/tm time(7) time(7) 0/ts datetime(7) datetime2(7) 0/tz datetimeoffset(7) datetimeoffset(7) 0" \
	"logical and source types recorded"
is "$(sql c.db "SELECT sql FROM sqlite_schema WHERE name = 'types'")" \
	'CREATE TABLE "types"("k" INTEGER NOT NULL, "b" INTEGER, "i" INTEGER, "r" /* real */, "f" /* real */, "d" /* decimal(38,4) */, "t" TEXT, "x" BLOB, "u" TEXT, "dt" TEXT, "tm" TEXT, "ts" TEXT, "tz" TEXT, "_dbs_hash" INTEGER, PRIMARY KEY("k"))' \
	"declared types: plain storage classes, none (and the type in a comment) for reals and decimals"


# Reals around the limits of the fast decoding (15 digits, 22 powers of
# ten): each stored double equals float() of its text.
rtext='0 -0.0 4241.581 -123474.7561 0.1 0.000000000000001
999999999999999 -99999999999999.9 9007199254740993 1234567890123456
0.30000000000000004 12.5e3 1E-7 2.5E+2 123456.789012345 1.0000000000000002'
k=0
for v in $rtext; do
	k=$((k + 1))
	printf '%d,%s\n' "$k" "$v"
done | stream -i -o dbo.reals -k k -c k,int,int,notnull -c r,real,float,notnull \
	>reals.csv
run dbs-load --db r.db reals.csv
expect 0 "" "dbs-load: reals: 16 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"reals load"
is "$(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
got = [r for (r,) in db.execute("SELECT r FROM reals ORDER BY k")]
want = [float(t) for t in sys.argv[2].split()]
print(sum(1 for g, w in zip(got, want) if repr(g) != repr(w) and not (g == w == 0)), len(got))' \
	r.db "$rtext")" "0 16" "every real is the correctly rounded double of its text"

done_testing
