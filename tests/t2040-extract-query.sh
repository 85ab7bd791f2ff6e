#!/bin/bash
# t2040-extract-query.sh - what dbs-extract asks the server: the SELECT
# built from --view, --columns, --where, --order-by and --key with every
# identifier bracket-quoted; --since compared at the column's own type
# and precision; --query; --plain; --progress; result-set shape errors.
# With DBS_TEST_TDSVER=5.0 the same over TDS 5.0 to ASE's types: names ASE
# cannot quote are refused, literals have no N and CONVERT no style.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db "$TOP/tests/fixtures/extract/small.json" \
	"$TOP/tests/fixtures/extract/types.json"
tds_start fx.db
export DBS_PASSWORD=secret
S=$TDS_SERVER

# sent: the last SELECT the server received (whitespace collapsed by its
# log).
sent() {
	grep ' batch: ' "$TDS_LOG" | grep -v 'set textsize' | tail -1 |
		sed 's/^.* batch: //'
}

# ids VIEW SINCE: the ids of the rows of an incremental extract.
ids() {
	dbs-extract -S "$S" -U dbs --view "$1" --columns id --since "$2" |
		sed -n '/^id$/,$p' | sed '1d;$d' | tr '\n' ' '
}

run dbs-extract -S "$S" -U dbs --view dbo.orders --key id \
	--columns 'id, [region],amount' --where "region <> 'east' -- not east"
is_status 0 "columns, where, key: exit status"
is "$(sent)" "SELECT [id], [region], [amount] FROM [dbo].[orders] WHERE ( region <> 'east' -- not east ) ORDER BY [id]" \
	"columns, where, key: the SELECT (comment in --where cannot eat the rest)"
is "$(strip_volatile stdout)" "#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,object,dbo.orders
#meta,extracted-at,X
#meta,tool,dbs-extract V
#meta,order,key
#meta,key,id
#column,id,int,int,notnull
#column,region,text,varchar(10),notnull
#column,amount,\"decimal(10,2)\",\"decimal(10,2)\",null
id,region,amount
1,north,10.50
2,south,-3.25
3,north,0.00
5,west,99999999.99
#end,4,7fda59f961326cac" "columns, where, key: the stream"

run dbs-extract -S "$S" -U dbs --view orders --key region,id \
	--order-by modified
is "$(sent)" "SELECT * FROM [orders] ORDER BY [modified]" \
	"--order-by overrides the key order; no schema given, none added"
is "$(grep -c '^#meta,order' stdout)" 0 "rows not in key order: no order meta"
is "$(grep '^#meta,key' stdout)" "#meta,key,region,id" "two key columns"

run dbs-extract -S "$S" -U dbs --view 'sales.[odd.name]' --key '[a]]b]' \
	--columns '[c d],[a]]b]' --format ndjson
if tds_ase; then
	# ASE's [brackets] have no escape for ']', and no name holds a dot
	expect 2 "" "dbs-extract: --view: Sybase ASE cannot quote the name \"odd.name\" (it holds ']' or '.', or ends in a blank)" \
		"brackets: ASE cannot have a dot inside a name"
	run dbs-extract -S "$S" -U dbs --view dbo.orders --key '[a]]b]'
	expect 2 "" "dbs-extract: --key: Sybase ASE cannot quote the name \"a]b\" (it holds ']' or '.', or ends in a blank)" \
		"brackets: ASE cannot have ] inside a name"
	run dbs-extract -S "$S" -U dbs --view dbo.orders --since '[id ]=1'
	expect 2 "" "dbs-extract: --since: Sybase ASE cannot quote the name \"id \" (it holds ']' or '.', or ends in a blank)" \
		"brackets: ASE drops a trailing blank"
	run dbs-extract -S "$S" -U dbs --view '[dbo].[orders]' --key id \
		--columns '[id],region' --plain
	is "$(sent)" "SELECT [id], [region] FROM [dbo].[orders] ORDER BY [id]" \
		"brackets: names ASE can quote"
else
	is "$(sent)" "SELECT [c d], [a]]b] FROM [sales].[odd.name] ORDER BY [a]]b]" \
		"brackets: a dot inside a name, ] doubled"
	is "$(strip_volatile stdout)" '{"#dbs-stream":1,"meta":{"server":"SERVER","database":"demo","object":"sales.[odd.name]","extracted-at":"X","tool":"dbs-extract V","order":"key","key":["a]b"]},"columns":[{"name":"c d","type":"text","source_type":"nvarchar(5)","nullable":true},{"name":"a]b","type":"int","source_type":"int","nullable":false}]}
{"c d":"x","a]b":1}
{"c d":"y","a]b":2}
{"#dbs-end":{"rows":2,"checksum":"bff0006317435d29"}}' "brackets: the stream"
fi

run dbs-extract -S "$S" -U dbs --view dbo.orders --key ID
is "$(grep '^#meta,key' stdout)" "#meta,key,id" \
	"--key is matched without regard to case, written as the server spells it"

# --since: the column's type is read first, then the bound is a literal
# of exactly that type
if tds_ase; then
	is "$(ids dbo.orders 'modified=2024-01-02 12:00:00.500000')" "3 4 5 " \
		"since bigdatetime: the microsecond after the bound is in, the bound out"
	is "$(sent)" "SELECT [id] FROM [dbo].[orders] WHERE [modified] > CONVERT(bigdatetime, '2024-01-02 12:00:00.500000')" \
		"since bigdatetime: a typed literal, no style"
	wm='2024-01-03 08:30:00.000000'
	declared='#column,note,text,univarchar(50),null
#column,modified,datetime(6),bigdatetime,notnull'
else
	is "$(ids dbo.orders 'modified=2024-01-02 12:00:00.5000000')" "3 4 5 " \
		"since datetime2(7): the 100 ns after the bound is in, the bound out"
	is "$(sent)" "SELECT [id] FROM [dbo].[orders] WHERE [modified] > CONVERT(datetime2(7), '2024-01-02 12:00:00.5000000', 121)" \
		"since datetime2(7): a typed literal, style 121"
	wm='2024-01-03 08:30:00.0000000'
	declared='#column,note,text,nvarchar(50),null
#column,modified,datetime(7),datetime2(7),notnull'
fi
run dbs-extract -S "$S" -U dbs --view dbo.orders --key id \
	--since "modified=$wm"
is "$(strip_volatile stdout)" "#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,object,dbo.orders
#meta,extracted-at,X
#meta,tool,dbs-extract V
#meta,since,modified,$wm
#meta,order,key
#meta,key,id
#column,id,int,int,notnull
#column,region,text,varchar(10),notnull
#column,amount,\"decimal(10,2)\",\"decimal(10,2)\",null
$declared
id,region,amount,note,modified
#end,0,2d06800538d394c2" "since: nothing newer is an empty stream with the since meta"
if tds_ase; then
	is "$(ids dbo.temporal 'bdt=1969-12-31 23:59:59.999999')" "2 3 6 " \
		"since bigdatetime at 1969"
else
	is "$(ids dbo.temporal 'x7=1969-12-31 23:59:59.9999999')" "2 5 6 " \
		"since datetime2(7) at 1969"
fi
is "$(ids dbo.temporal 'dt=2024-01-01 00:00:00.003')" "2 6 " \
	"since datetime (1/300 s)"
is "$(sent)" "SELECT [id] FROM [dbo].[temporal] WHERE [dt] > CONVERT(datetime, '2024-01-01 00:00:00.003'$(by_proto ', 121' ''))" \
	"since datetime: $(by_proto 'style 121 (no DATEFORMAT surprises)' 'no style on ASE')"
is "$(ids dbo.temporal 'd=2000-01-01')" "2 3 " "since date"
if tds_ase; then
	is "$(ids dbo.temporal 't=12:34:56.790')" "2 " "since time (1/300 s)"
	is "$(ids dbo.temporal 'bt=12:34:56.123456')" "2 " "since bigtime"
	is "$(sent)" "SELECT [id] FROM [dbo].[temporal] WHERE [bt] > CONVERT(bigtime, '12:34:56.123456')" \
		"since bigtime: a typed literal"
else
	is "$(ids dbo.temporal 't3=12:34:56.789')" "2 " "since time(3)"
	is "$(ids dbo.temporal 'o7=2024-01-01 00:00:00.0000000 +00:00')" "1 2 3 " \
		"since datetimeoffset: compared as instants"
fi
is "$(ids dbo.ints 'i=0')" "2 " "since int"
is "$(sent)" "SELECT [id] FROM [dbo].[ints] WHERE [i] > 0" "since int: plain digits"
is "$(ids dbo.ints 'b=0')" "2 4 " "since bit"
is "$(ids dbo.decs 'd18_4=0')" "3 5 " "since decimal"
is "$(sent)" "SELECT [id] FROM [dbo].[decs] WHERE [d18_4] > CONVERT(decimal(18,4), '0')" \
	"since decimal: converted to the column's type"
is "$(ids dbo.decs 'm=1.4999')" "2 5 " "since money"
is "$(ids dbo.reals 'f=0.1')" "2 5 6 7 " "since float"
is "$(sent)" "SELECT [id] FROM [dbo].[reals] WHERE [f] > CONVERT(float, '0.1')" \
	"since float: converted from text, no double round trip"
if tds_ase; then
	is "$(ids dbo.texts "uv=O'Brien")" "1 3 4 " "since univarchar"
	is "$(sent)" "SELECT [id] FROM [dbo].[texts] WHERE [uv] > 'O''Brien'" \
		"since univarchar: no N'' on ASE, quote doubled"
else
	is "$(ids dbo.texts "nv=O'Brien")" "1 3 4 " "since nvarchar"
	is "$(sent)" "SELECT [id] FROM [dbo].[texts] WHERE [nv] > N'O''Brien'" \
		"since nvarchar: N'' literal, quote doubled"
fi
is "$(ids dbo.texts 'vc=plain')" "4 " "since varchar"
is "$(sent)" "SELECT [id] FROM [dbo].[texts] WHERE [vc] > 'plain'" \
	"since varchar: plain literal when ASCII"
is "$(ids dbo.bins 'ts=00000000000007D1')" "2 " "since rowversion"
is "$(sent)" "SELECT [id] FROM [dbo].[bins] WHERE [ts] > 0x00000000000007D1" \
	"since rowversion: a binary literal"
if tds_ase; then
	is "$(ids dbo.ints 'ub=9223372036854775807')" "2 4 " \
		"since unsigned bigint beyond the signed range"
	is "$(sent)" "SELECT [id] FROM [dbo].[ints] WHERE [ub] > CONVERT(unsigned bigint, '9223372036854775807')" \
		"since unsigned bigint: a typed literal"
else
	is "$(ids dbo.guids 'g=00000000-0000-0000-0000-000000000000')" "1 3 4 " \
		"since uniqueidentifier"
fi

# the since bound in the header is the value's canonical text, which
# dbs-load checks against the column's type
sincemeta() {
	dbs-extract -S "$S" -U dbs --view "$1" --columns id --since "$2" |
		grep '^#meta,since,'
}
is "$(sincemeta dbo.decs 'd18_4=-01.5')" "#meta,since,d18_4,-1.5000" \
	"since decimal: the header holds the canonical text"
is "$(sincemeta dbo.decs 'd18_4=-0.0')" "#meta,since,d18_4,0.0000" \
	"since decimal: no negative zero"
is "$(sincemeta dbo.reals 'f=0.10')" "#meta,since,f,0.1" \
	"since float: the shortest text"
is "$(sincemeta dbo.bins 'ts=00000000000007D1')" \
	"#meta,since,ts,00000000000007d1" "since rowversion: lowercase hex"
run bash -c "dbs-extract -S '$S' -U dbs --view dbo.decs --since 'd18_4=1.5' | dbs-load --db canon.db --key id"
is_status 0 "a non-canonical --since value loads"
run dbs-extract -S "$S" -U dbs --view dbo.texts --since "$(printf 'vc=a\377')"
expect 2 "" "$(printf 'dbs-extract: --since: "a\\xff" is not a value of column "vc" (varchar(20)): invalid UTF-8')" \
	"since text: invalid UTF-8 refused"

# the watermark dbs-load keeps is a valid --since value
dbs-extract -S "$S" -U dbs --view dbo.orders --key id |
	dbs-load --db inc.db --watermark modified --quiet
wm=$(dbs-load --db inc.db --state orders |
	awk -F '\t' '$1 == "watermark" { print $2 "=" $3 }')
is "$wm" "modified=$(by_proto '2024-01-03 08:30:00.0000000' \
	'2024-01-03 08:30:00.000000')" "dbs-load --state watermark"
run dbs-extract -S "$S" -U dbs --view dbo.orders --key id --since "$wm"
is "$(tail -1 stdout | cut -d, -f1,2)" "#end,0" \
	"extract since the stored watermark: nothing new"

# a --since value that is not of the column's type: a usage error
since_error() {
	run dbs-extract -S "$S" -U dbs --view "$1" --since "$2"
	expect 2 "" "dbs-extract: --since: $3" "since $2"
}
since_error dbo.ints i=1.5 '"1.5" is not a value of column "i" (int): not an integer'
since_error dbo.decs d18_4=0.00001 '"0.00001" is not a value of column "d18_4" (decimal(18,4)): more digits than the column'"'"'s type holds'
since_error dbo.decs n5_2=1000 '"1000" is not a value of column "n5_2" (numeric(5,2)): more digits than the column'"'"'s type holds'
since_error dbo.decs d18_4=1e5 '"1e5" is not a value of column "d18_4" (decimal(18,4)): not a decimal number'
since_error dbo.bins ts=0x12 '"0x12" is not a value of column "ts" (timestamp): not hexadecimal digits'
run dbs-extract -S "$S" -U dbs --view dbo.temporal \
	--since "$(by_proto x7 bdt)=2024-01-01"
is_status 2 "since a date and time without the time: exit status"
is "$(cut -d: -f1-2 stderr)" "dbs-extract: --since" \
	"since a date and time without the time: message"
run dbs-extract -S "$S" -U dbs --view dbo.nosuch --since id=1
expect 1 "" "dbs-extract: $S: $(by_proto "Invalid object name 'dbo.nosuch'." \
	"dbo.nosuch not found. Specify owner.objectname or use sp_help to check whether the object exists (sp_help may produce lots of output).") (server message 208)" \
	"since on an unknown view"

# --query: verbatim, meta "query", a key but no ORDER BY added
q="SET NOCOUNT ON; SELECT id, note FROM dbo.orders WHERE id < 3"
run dbs-extract -S "$S" -U dbs --query "$q" --key id
is "$(sent)" "$q" "--query is sent as given"
is "$(strip_volatile stdout)" "#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,query,\"SET NOCOUNT ON; SELECT id, note FROM dbo.orders WHERE id < 3\"
#meta,extracted-at,X
#meta,tool,dbs-extract V
#meta,key,id
#column,id,int,int,notnull
#column,note,text,$(by_proto nvarchar univarchar)(50),null
id,note
1,first
2,
#end,2,5a57e2d0d244088a" "--query: the stream"

run dbs-extract -S "$S" -U dbs --query 'SELECT 1 AS a; SELECT 2 AS b'
expect 1 "" "dbs-extract: $S: the query returned more than one result set" \
	"two result sets"
run dbs-extract -S "$S" -U dbs --query 'SET NOCOUNT ON'
expect 1 "" "dbs-extract: $S: the query returned no result set" \
	"no result set"
run dbs-extract -S "$S" -U dbs --query 'SELECT 1'
expect 1 "" "dbs-extract: $S: column 1 has no name (give it an alias in --query)" \
	"a column without a name"

# --plain: names row and rows only, for spreadsheets
run dbs-extract -S "$S" -U dbs --view dbo.orders --plain --columns id,note \
	--key id
expect 0 'id,note
1,first
2,
3,"a, b"
4,"#4"
5,last' "" "--plain"

# --progress: rows/s on stderr, never on stdout
run dbs-extract -S "$S" -U dbs --view dbo.orders --progress
is_status 0 "--progress: exit status"
is "$(sed 's/in [0-9.]* s ([0-9]* rows\/s)/in T s (R rows\/s)/' stderr)" \
	"dbs-extract: 5 rows in T s (R rows/s)" "--progress: the summary line"
is "$(tail -1 stdout | cut -d, -f1,2)" "#end,5" "--progress: stdout unchanged"
run dbs-extract -S "$S" -U dbs --view dbo.orders --progress --no-progress
is_file stderr "" "--no-progress wins when last"

done_testing
