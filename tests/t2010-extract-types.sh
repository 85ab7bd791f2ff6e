#!/bin/bash
# t2010-extract-types.sh - every SQL Server type (with
# DBS_TEST_TDSVER=5.0: every Sybase ASE type) through the TDS test server,
# FreeTDS db-lib and dbs-extract, in CSV and NDJSON: the exact text of
# every edge value (dbs-stream(5)), written by hand.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db "$TOP/tests/fixtures/extract/types.json"
tds_start fx.db
export DBS_PASSWORD=secret

# check VIEW FORMAT: extract and compare with the expected stream on stdin
# (volatile parts stripped, see tds.sh).
check() {
	local want
	want=$(cat)
	run dbs-extract -S "$TDS_SERVER" -U dbs -D demo --view "dbo.$1" \
		--format "$2"
	is_status 0 "$1 $2: exit status"
	# a CR in the data is shown as <CR> on both sides
	is "$(strip_volatile stdout | sed 's/\r/<CR>/g')" "$want" \
		"$1 $2: stream"
	is_file stderr "" "$1 $2: no message"
}

# The checksum is the one dbs-stream(5) defines (XXH3 of the canonical
# row encoding), computed here independently of the writer.
if tds_ase; then
	printf '1:11:01:06:-3276811:-214748364820:-92233720368547758081:01:01:0\n1:21:13:2555:3276710:214748364719:92233720368547758075:6553510:429496729520:18446744073709551615\n1:3--------\n1:41:11:71:01:01:01:11:119:9223372036854775808\n' >enc
	sum=1e52bea329eb3b12
else
	printf '1:11:01:06:-3276811:-214748364820:-9223372036854775808\n1:21:13:2555:3276710:214748364719:9223372036854775807\n1:3-----\n1:41:11:71:01:01:0\n' >enc
	sum=53b20af6a2694482
fi
run dbs-extract -S "$TDS_SERVER" -U dbs -D demo --view dbo.ints
is "$(tail -1 stdout)" "#end,4,$sum" "ints: the trailer's checksum"
is "$(xxhsum -H3 <enc | sed 's/.* = //')" "$sum" \
	"ints: trailer checksum matches an independent XXH3"

# extracted-at: UTC with microseconds, taken at the start of the run.
run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.ints
got=$(sed -n 's/^#meta,extracted-at,//p' stdout)
case $got in
[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z) r=0 ;;
*) r=1 ;;
esac
is "$r" 0 "extracted-at is YYYY-MM-DDTHH:MM:SS.ffffffZ ($got)"
now=$(date -u +%s)
then=$(date -u -d "$(echo "$got" | sed 's/T/ /; s/Z//')" +%s)
is "$(( now - then < 60 && then <= now ))" 1 "extracted-at is now, in UTC"


if tds_ase; then
	# the same checks in Sybase ASE's types (types.ase.json)
	. "$TOP/tests/fixtures/extract/types-ase.sh"
	done_testing
fi

check ints csv <<'EOF'
#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,object,dbo.ints
#meta,extracted-at,X
#meta,tool,dbs-extract V
#column,id,int,int,notnull
#column,b,bool,bit,null
#column,ti,int,tinyint,null
#column,si,int,smallint,null
#column,i,int,int,null
#column,bi,int,bigint,null
id,b,ti,si,i,bi
1,0,0,-32768,-2147483648,-9223372036854775808
2,1,255,32767,2147483647,9223372036854775807
3,,,,,
4,1,7,0,0,0
#end,4,53b20af6a2694482
EOF

check ints ndjson <<'EOF'
{"#dbs-stream":1,"meta":{"server":"SERVER","database":"demo","object":"dbo.ints","extracted-at":"X","tool":"dbs-extract V"},"columns":[{"name":"id","type":"int","source_type":"int","nullable":false},{"name":"b","type":"bool","source_type":"bit","nullable":true},{"name":"ti","type":"int","source_type":"tinyint","nullable":true},{"name":"si","type":"int","source_type":"smallint","nullable":true},{"name":"i","type":"int","source_type":"int","nullable":true},{"name":"bi","type":"int","source_type":"bigint","nullable":true}]}
{"id":1,"b":false,"ti":0,"si":-32768,"i":-2147483648,"bi":-9223372036854775808}
{"id":2,"b":true,"ti":255,"si":32767,"i":2147483647,"bi":9223372036854775807}
{"id":3,"b":null,"ti":null,"si":null,"i":null,"bi":null}
{"id":4,"b":true,"ti":7,"si":0,"i":0,"bi":0}
{"#dbs-end":{"rows":4,"checksum":"53b20af6a2694482"}}
EOF

# real: shortest text that reads back as the same float32; float: the
# same at float64 (0.1, not 0.100000001; subnormal minimums; extremes).
check reals csv <<'EOF'
#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,object,dbo.reals
#meta,extracted-at,X
#meta,tool,dbs-extract V
#column,id,int,int,notnull
#column,r,real,real,null
#column,f,real,float,null
id,r,f
1,0.1,0.1
2,-3.4028235e+38,1.7976931348623157e+308
3,1e-45,5e-324
4,0,0
5,16777216,123456789.12345679
6,10000000000,1e+22
7,3.1415927,3.141592653589793
8,,
#end,8,21b5198b72864201
EOF

check reals ndjson <<'EOF'
{"#dbs-stream":1,"meta":{"server":"SERVER","database":"demo","object":"dbo.reals","extracted-at":"X","tool":"dbs-extract V"},"columns":[{"name":"id","type":"int","source_type":"int","nullable":false},{"name":"r","type":"real","source_type":"real","nullable":true},{"name":"f","type":"real","source_type":"float","nullable":true}]}
{"id":1,"r":0.1,"f":0.1}
{"id":2,"r":-3.4028235e+38,"f":1.7976931348623157e+308}
{"id":3,"r":1e-45,"f":5e-324}
{"id":4,"r":0,"f":0}
{"id":5,"r":16777216,"f":123456789.12345679}
{"id":6,"r":10000000000,"f":1e+22}
{"id":7,"r":3.1415927,"f":3.141592653589793}
{"id":8,"r":null,"f":null}
{"#dbs-end":{"rows":8,"checksum":"21b5198b72864201"}}
EOF

# decimal/numeric from the DBNUMERIC bytes, money from its two halves:
# exactly s fraction digits, 38 digits both ways, no -0.
check decs csv <<'EOF'
#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,object,dbo.decs
#meta,extracted-at,X
#meta,tool,dbs-extract V
#column,id,int,int,notnull
#column,d38_0,"decimal(38,0)","decimal(38,0)",null
#column,d38_38,"decimal(38,38)","decimal(38,38)",null
#column,d18_4,"decimal(18,4)","decimal(18,4)",null
#column,n5_2,"decimal(5,2)","numeric(5,2)",null
#column,d1_0,"decimal(1,0)","decimal(1,0)",null
#column,m,"decimal(19,4)",money,null
#column,sm,"decimal(10,4)",smallmoney,null
id,d38_0,d38_38,d18_4,n5_2,d1_0,m,sm
1,99999999999999999999999999999999999999,0.99999999999999999999999999999999999999,-0.0100,-999.99,9,-922337203685477.5808,-214748.3648
2,-99999999999999999999999999999999999999,-0.00000000000000000000000000000000000001,0.0000,0.50,-9,922337203685477.5807,214748.3647
3,0,0.00000000000000000000000000000000000000,12345678901234.5678,0.00,0,0.0000,0.0000
4,,,,,,,
5,1,0.10000000000000000000000000000000000000,1.5000,1.00,1,1.5000,-0.0001
#end,5,ee19ced2adec9073
EOF

check decs ndjson <<'EOF'
{"#dbs-stream":1,"meta":{"server":"SERVER","database":"demo","object":"dbo.decs","extracted-at":"X","tool":"dbs-extract V"},"columns":[{"name":"id","type":"int","source_type":"int","nullable":false},{"name":"d38_0","type":"decimal(38,0)","source_type":"decimal(38,0)","nullable":true},{"name":"d38_38","type":"decimal(38,38)","source_type":"decimal(38,38)","nullable":true},{"name":"d18_4","type":"decimal(18,4)","source_type":"decimal(18,4)","nullable":true},{"name":"n5_2","type":"decimal(5,2)","source_type":"numeric(5,2)","nullable":true},{"name":"d1_0","type":"decimal(1,0)","source_type":"decimal(1,0)","nullable":true},{"name":"m","type":"decimal(19,4)","source_type":"money","nullable":true},{"name":"sm","type":"decimal(10,4)","source_type":"smallmoney","nullable":true}]}
{"id":1,"d38_0":"99999999999999999999999999999999999999","d38_38":"0.99999999999999999999999999999999999999","d18_4":"-0.0100","n5_2":"-999.99","d1_0":"9","m":"-922337203685477.5808","sm":"-214748.3648"}
{"id":2,"d38_0":"-99999999999999999999999999999999999999","d38_38":"-0.00000000000000000000000000000000000001","d18_4":"0.0000","n5_2":"0.50","d1_0":"-9","m":"922337203685477.5807","sm":"214748.3647"}
{"id":3,"d38_0":"0","d38_38":"0.00000000000000000000000000000000000000","d18_4":"12345678901234.5678","n5_2":"0.00","d1_0":"0","m":"0.0000","sm":"0.0000"}
{"id":4,"d38_0":null,"d38_38":null,"d18_4":null,"n5_2":null,"d1_0":null,"m":null,"sm":null}
{"id":5,"d38_0":"1","d38_38":"0.10000000000000000000000000000000000000","d18_4":"1.5000","n5_2":"1.00","d1_0":"1","m":"1.5000","sm":"-0.0001"}
{"#dbs-end":{"rows":5,"checksum":"ee19ced2adec9073"}}
EOF

# text: char/nchar padded by the server, UTF-8 from every encoding, CSV
# quoting of '#', blanks at the ends, commas, quotes and line breaks.
check texts csv <<'EOF'
#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,object,dbo.texts
#meta,extracted-at,X
#meta,tool,dbs-extract V
#column,id,int,int,notnull
#column,c,text,char(4),null
#column,vc,text,varchar(20),null
#column,nc,text,nchar(3),null
#column,nv,text,nvarchar(20),null
#column,nvm,text,nvarchar(max),null
#column,vm,text,varchar(max),null
#column,t,text,text,null
#column,nt,text,ntext,null
#column,x,text,xml,null
id,c,vc,nc,nv,nvm,vm,t,nt,x
1,"a   ",plain,"é  ",Zoë 🚀 北京,"#hash"," lead",text,ntext ✓,<a>1</a>
2,"    ","","   ","","","","","",""
3,,"a,b",,"say ""hi""","line1
line2","crlf<CR>
x",,,
4,abcd,"trail ","Ω  ",tab	here,Ünïcödé €,€ café,"x,y",🚀,"<r a=""1""/>"
#end,4,a99eabbdd393708d
EOF

check texts ndjson <<'EOF'
{"#dbs-stream":1,"meta":{"server":"SERVER","database":"demo","object":"dbo.texts","extracted-at":"X","tool":"dbs-extract V"},"columns":[{"name":"id","type":"int","source_type":"int","nullable":false},{"name":"c","type":"text","source_type":"char(4)","nullable":true},{"name":"vc","type":"text","source_type":"varchar(20)","nullable":true},{"name":"nc","type":"text","source_type":"nchar(3)","nullable":true},{"name":"nv","type":"text","source_type":"nvarchar(20)","nullable":true},{"name":"nvm","type":"text","source_type":"nvarchar(max)","nullable":true},{"name":"vm","type":"text","source_type":"varchar(max)","nullable":true},{"name":"t","type":"text","source_type":"text","nullable":true},{"name":"nt","type":"text","source_type":"ntext","nullable":true},{"name":"x","type":"text","source_type":"xml","nullable":true}]}
{"id":1,"c":"a   ","vc":"plain","nc":"é  ","nv":"Zoë 🚀 北京","nvm":"#hash","vm":" lead","t":"text","nt":"ntext ✓","x":"<a>1</a>"}
{"id":2,"c":"    ","vc":"","nc":"   ","nv":"","nvm":"","vm":"","t":"","nt":"","x":""}
{"id":3,"c":null,"vc":"a,b","nc":null,"nv":"say \"hi\"","nvm":"line1\nline2","vm":"crlf\r\nx","t":null,"nt":null,"x":null}
{"id":4,"c":"abcd","vc":"trail ","nc":"Ω  ","nv":"tab\there","nvm":"Ünïcödé €","vm":"€ café","t":"x,y","nt":"🚀","x":"<r a=\"1\"/>"}
{"#dbs-end":{"rows":4,"checksum":"a99eabbdd393708d"}}
EOF

# binary: lowercase hex, binary(n) padded with zeros, empty is "" (not
# NULL), timestamp/rowversion named as such.
check bins csv <<'EOF'
#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,object,dbo.bins
#meta,extracted-at,X
#meta,tool,dbs-extract V
#column,id,int,int,notnull
#column,b,blob,binary(4),null
#column,vb,blob,varbinary(8),null
#column,vbm,blob,varbinary(max),null
#column,im,blob,image,null
#column,ts,blob,timestamp,notnull
id,b,vb,vbm,im,ts
1,01000000,deadbeef,00,ff10,00000000000007d1
2,00000000,"","","",ffffffffffffffff
3,,,,,0000000000000001
#end,3,9bc337f013d6ae08
EOF

check bins ndjson <<'EOF'
{"#dbs-stream":1,"meta":{"server":"SERVER","database":"demo","object":"dbo.bins","extracted-at":"X","tool":"dbs-extract V"},"columns":[{"name":"id","type":"int","source_type":"int","nullable":false},{"name":"b","type":"blob","source_type":"binary(4)","nullable":true},{"name":"vb","type":"blob","source_type":"varbinary(8)","nullable":true},{"name":"vbm","type":"blob","source_type":"varbinary(max)","nullable":true},{"name":"im","type":"blob","source_type":"image","nullable":true},{"name":"ts","type":"blob","source_type":"timestamp","nullable":false}]}
{"id":1,"b":"01000000","vb":"deadbeef","vbm":"00","im":"ff10","ts":"00000000000007d1"}
{"id":2,"b":"00000000","vb":"","vbm":"","im":"","ts":"ffffffffffffffff"}
{"id":3,"b":null,"vb":null,"vbm":null,"im":null,"ts":"0000000000000001"}
{"#dbs-end":{"rows":3,"checksum":"9bc337f013d6ae08"}}
EOF

# date and time: every fraction digit of the declared scale; datetime in
# 1/300 s shown to 3 digits; smalldatetime with :00; datetimeoffset in
# local time with its offset, across day boundaries both ways; dates
# before 1900 (negative day counts) and at both ends of the range.
check temporal csv <<'EOF'
#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,object,dbo.temporal
#meta,extracted-at,X
#meta,tool,dbs-extract V
#column,id,int,int,notnull
#column,d,date,date,null
#column,t0,time(0),time(0),null
#column,t3,time(3),time(3),null
#column,t7,time(7),time(7),null
#column,dt,datetime(3),datetime,null
#column,sdt,datetime(0),smalldatetime,null
#column,x0,datetime(0),datetime2(0),null
#column,x3,datetime(3),datetime2(3),null
#column,x7,datetime(7),datetime2(7),null
#column,o0,datetimeoffset(0),datetimeoffset(0),null
#column,o7,datetimeoffset(7),datetimeoffset(7),null
id,d,t0,t3,t7,dt,sdt,x0,x3,x7,o0,o7
1,0001-01-01,00:00:00,00:00:00.000,00:00:00.0000000,1753-01-01 00:00:00.000,1900-01-01 00:00:00,0001-01-01 00:00:00,0001-01-01 00:00:00.000,0001-01-01 00:00:00.0000000,0001-01-01 00:00:00 +00:00,2024-02-29 12:00:00.1234567 -09:30
2,9999-12-31,23:59:59,23:59:59.999,23:59:59.9999999,9999-12-31 23:59:59.997,2079-06-06 23:59:00,9999-12-31 23:59:59,9999-12-31 23:59:59.999,9999-12-31 23:59:59.9999999,9999-12-31 23:59:59 +14:00,2024-03-01 01:00:00.0000001 +05:45
3,2024-02-29,12:34:56,12:34:56.789,12:34:56.1234567,2024-01-01 00:00:00.003,2024-01-01 12:34:00,2024-02-29 12:34:56,2024-02-29 23:59:59.999,1969-12-31 23:59:59.9999999,2024-06-30 23:00:00 -14:00,2023-12-31 20:00:00.5000000 -05:00
4,,,,,,,,,,,
5,1582-10-10,01:02:03,01:02:03.040,01:02:03.0000050,1899-12-31 23:59:59.997,1900-01-01 00:00:00,1900-01-01 00:00:00,1900-01-01 00:00:00.001,2024-01-01 00:00:00.0000000,2024-01-01 00:00:00 +00:00,2024-01-01 00:00:00.0000000 +00:00
6,2000-01-01,00:00:00,00:00:00.000,00:00:00.0000000,2024-01-01 00:00:00.007,2024-01-01 00:00:00,2000-01-01 00:00:00,2000-01-01 00:00:00.000,2000-01-01 00:00:00.0000000,2000-01-01 00:00:00 +00:00,2000-01-01 00:00:00.0000000 +00:00
#end,6,9e23d48771055e79
EOF

check temporal ndjson <<'EOF'
{"#dbs-stream":1,"meta":{"server":"SERVER","database":"demo","object":"dbo.temporal","extracted-at":"X","tool":"dbs-extract V"},"columns":[{"name":"id","type":"int","source_type":"int","nullable":false},{"name":"d","type":"date","source_type":"date","nullable":true},{"name":"t0","type":"time(0)","source_type":"time(0)","nullable":true},{"name":"t3","type":"time(3)","source_type":"time(3)","nullable":true},{"name":"t7","type":"time(7)","source_type":"time(7)","nullable":true},{"name":"dt","type":"datetime(3)","source_type":"datetime","nullable":true},{"name":"sdt","type":"datetime(0)","source_type":"smalldatetime","nullable":true},{"name":"x0","type":"datetime(0)","source_type":"datetime2(0)","nullable":true},{"name":"x3","type":"datetime(3)","source_type":"datetime2(3)","nullable":true},{"name":"x7","type":"datetime(7)","source_type":"datetime2(7)","nullable":true},{"name":"o0","type":"datetimeoffset(0)","source_type":"datetimeoffset(0)","nullable":true},{"name":"o7","type":"datetimeoffset(7)","source_type":"datetimeoffset(7)","nullable":true}]}
{"id":1,"d":"0001-01-01","t0":"00:00:00","t3":"00:00:00.000","t7":"00:00:00.0000000","dt":"1753-01-01 00:00:00.000","sdt":"1900-01-01 00:00:00","x0":"0001-01-01 00:00:00","x3":"0001-01-01 00:00:00.000","x7":"0001-01-01 00:00:00.0000000","o0":"0001-01-01 00:00:00 +00:00","o7":"2024-02-29 12:00:00.1234567 -09:30"}
{"id":2,"d":"9999-12-31","t0":"23:59:59","t3":"23:59:59.999","t7":"23:59:59.9999999","dt":"9999-12-31 23:59:59.997","sdt":"2079-06-06 23:59:00","x0":"9999-12-31 23:59:59","x3":"9999-12-31 23:59:59.999","x7":"9999-12-31 23:59:59.9999999","o0":"9999-12-31 23:59:59 +14:00","o7":"2024-03-01 01:00:00.0000001 +05:45"}
{"id":3,"d":"2024-02-29","t0":"12:34:56","t3":"12:34:56.789","t7":"12:34:56.1234567","dt":"2024-01-01 00:00:00.003","sdt":"2024-01-01 12:34:00","x0":"2024-02-29 12:34:56","x3":"2024-02-29 23:59:59.999","x7":"1969-12-31 23:59:59.9999999","o0":"2024-06-30 23:00:00 -14:00","o7":"2023-12-31 20:00:00.5000000 -05:00"}
{"id":4,"d":null,"t0":null,"t3":null,"t7":null,"dt":null,"sdt":null,"x0":null,"x3":null,"x7":null,"o0":null,"o7":null}
{"id":5,"d":"1582-10-10","t0":"01:02:03","t3":"01:02:03.040","t7":"01:02:03.0000050","dt":"1899-12-31 23:59:59.997","sdt":"1900-01-01 00:00:00","x0":"1900-01-01 00:00:00","x3":"1900-01-01 00:00:00.001","x7":"2024-01-01 00:00:00.0000000","o0":"2024-01-01 00:00:00 +00:00","o7":"2024-01-01 00:00:00.0000000 +00:00"}
{"id":6,"d":"2000-01-01","t0":"00:00:00","t3":"00:00:00.000","t7":"00:00:00.0000000","dt":"2024-01-01 00:00:00.007","sdt":"2024-01-01 00:00:00","x0":"2000-01-01 00:00:00","x3":"2000-01-01 00:00:00.000","x7":"2000-01-01 00:00:00.0000000","o0":"2000-01-01 00:00:00 +00:00","o7":"2000-01-01 00:00:00.0000000 +00:00"}
{"#dbs-end":{"rows":6,"checksum":"9e23d48771055e79"}}
EOF

# uniqueidentifier: SQL Server's display order (first three groups
# byte-swapped on the wire), uppercase.
check guids csv <<'EOF'
#dbs-stream,1
#meta,server,SERVER
#meta,database,demo
#meta,object,dbo.guids
#meta,extracted-at,X
#meta,tool,dbs-extract V
#column,id,int,int,notnull
#column,g,uuid,uniqueidentifier,null
id,g
1,6F9619FF-8B86-D011-B42D-00C04FC964FF
2,00000000-0000-0000-0000-000000000000
3,FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF
4,01234567-89AB-CDEF-0123-456789ABCDEF
5,
#end,5,51e1a4f2275c341d
EOF

check guids ndjson <<'EOF'
{"#dbs-stream":1,"meta":{"server":"SERVER","database":"demo","object":"dbo.guids","extracted-at":"X","tool":"dbs-extract V"},"columns":[{"name":"id","type":"int","source_type":"int","nullable":false},{"name":"g","type":"uuid","source_type":"uniqueidentifier","nullable":true}]}
{"id":1,"g":"6F9619FF-8B86-D011-B42D-00C04FC964FF"}
{"id":2,"g":"00000000-0000-0000-0000-000000000000"}
{"id":3,"g":"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"}
{"id":4,"g":"01234567-89AB-CDEF-0123-456789ABCDEF"}
{"id":5,"g":null}
{"#dbs-end":{"rows":5,"checksum":"51e1a4f2275c341d"}}
EOF

done_testing
