#!/bin/bash
# t2011-extract-load.sh - every type from the server (SQL Server's, or
# Sybase ASE's with DBS_TEST_TDSVER=5.0) through dbs-extract (CSV and
# NDJSON) and dbs-load into SQLite: the exact stored values and
# storage classes (decimals as doubles that print back as their exact
# text, or as the exact text beyond 15 significant digits, reals as
# doubles, blobs as bytes), the same for both formats.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db "$TOP/tests/fixtures/extract/types.json"
tds_start fx.db
export DBS_PASSWORD=secret
views="ints reals decs texts bins temporal $(by_proto guids '') nul"

for fmt in csv ndjson; do
	for v in $views; do
		dbs-extract -S "$TDS_SERVER" -U dbs --view "dbo.$v" --key id \
			--format "$fmt" 2>"$fmt.$v.err" |
			dbs-load --db "$fmt.db" --quiet 2>>"$fmt.$v.err"
		is "${PIPESTATUS[*]}" "0 0" "$fmt $v: extract | load"
		is_file "$fmt.$v.err" "" "$fmt $v: no message"
	done
	# shellcheck disable=SC2086 # one argument per table
	python3 "$TOP/tests/fixtures/extract/sqldump.py" "$fmt.db" $views \
		>"$fmt.dump"
done

if tds_ase; then
	# the long values of types.ase.json
	lv="$(printf 'é%.0s' $(seq 149))!"
	lb=$(printf 'ab%.0s' $(seq 300))
	want="ints: int:1 | int:0 | int:0 | int:-32768 | int:-2147483648 | int:-9223372036854775808 | int:0 | int:0 | dec:0
ints: int:2 | int:1 | int:255 | int:32767 | int:2147483647 | int:9223372036854775807 | int:65535 | int:4294967295 | '18446744073709551615'
ints: int:3 | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL
ints: int:4 | int:1 | int:7 | int:0 | int:0 | int:0 | int:1 | int:1 | '9223372036854775808'
reals: int:1 | float:0.1 | float:0.1
reals: int:2 | float:-3.4028235e+38 | float:1.7976931348623157e+308
reals: int:3 | float:1e-45 | float:5e-324
reals: int:4 | float:0.0 | float:0.0
reals: int:5 | float:16777216.0 | float:123456789.12345679
reals: int:6 | float:10000000000.0 | float:1e+22
reals: int:7 | float:3.1415927 | float:3.141592653589793
reals: int:8 | NULL | NULL
decs: int:1 | '99999999999999999999999999999999999999' | '0.99999999999999999999999999999999999999' | dec:-0.0100 | dec:-999.99 | dec:9 | '-922337203685477.5808' | dec:-214748.3648
decs: int:2 | '-99999999999999999999999999999999999999' | dec:-0.00000000000000000000000000000000000001 | dec:0.0000 | dec:0.50 | dec:-9 | '922337203685477.5807' | dec:214748.3647
decs: int:3 | dec:0 | dec:0.00000000000000000000000000000000000000 | '12345678901234.5678' | dec:0.00 | dec:0 | dec:0.0000 | dec:0.0000
decs: int:4 | NULL | NULL | NULL | NULL | NULL | NULL | NULL
decs: int:5 | dec:1 | '0.10000000000000000000000000000000000000' | dec:1.5000 | dec:1.00 | dec:1 | dec:1.5000 | dec:-0.0001
texts: int:1 | 'a   ' | 'plain' | 'é  ' | 'Zoë 🚀 北京' | '#hash' | 'text' | 'unitext ✓'
texts: int:2 | '    ' | ' ' | '   ' | ' ' | ' ' | ' ' | ' '
texts: int:3 | NULL | 'a,b' | NULL | 'say \"hi\"' | 'line1\\nline2' | 'crlf\\r\\nx' | NULL
texts: int:4 | 'abcd' | 'trail ' | 'Ω  ' | 'tab\\there' | '$lv' | '€ café' | '🚀'
bins: int:1 | x'01000000' | x'deadbeef' | x'$lb' | x'ff10' | x'00000000000007d1'
bins: int:2 | x'00000000' | x'00' | x'00' | x'00' | x'ffffffffffffffff'
bins: int:3 | NULL | NULL | NULL | NULL | x'0000000000000001'
temporal: int:1 | '0001-01-01' | '00:00:00.000' | '00:00:00.000000' | '1753-01-01 00:00:00.000' | '1900-01-01 00:00:00' | '0001-01-01 00:00:00.000000'
temporal: int:2 | '9999-12-31' | '23:59:59.997' | '23:59:59.999999' | '9999-12-31 23:59:59.997' | '2079-06-06 23:59:00' | '9999-12-31 23:59:59.999999'
temporal: int:3 | '2024-02-29' | '12:34:56.790' | '12:34:56.123456' | '2024-01-01 00:00:00.003' | '2024-01-01 12:34:00' | '2024-02-29 12:34:56.123456'
temporal: int:4 | NULL | NULL | NULL | NULL | NULL | NULL
temporal: int:5 | '1582-10-10' | '01:02:03.040' | '01:02:03.000005' | '1899-12-31 23:59:59.997' | '1900-01-01 00:00:00' | '1969-12-31 23:59:59.999999'
temporal: int:6 | '2000-01-01' | '00:00:00.003' | '00:00:00.000001' | '2024-01-01 00:00:00.007' | '2024-01-01 00:00:00' | '2000-01-01 00:00:00.000001'
nul: int:1 | 'a\\x00b' | 'c\\x00d'
nul: int:2 | '\\x01\\x1f\\x7f' | 'x'"
else
	want="ints: int:1 | int:0 | int:0 | int:-32768 | int:-2147483648 | int:-9223372036854775808
ints: int:2 | int:1 | int:255 | int:32767 | int:2147483647 | int:9223372036854775807
ints: int:3 | NULL | NULL | NULL | NULL | NULL
ints: int:4 | int:1 | int:7 | int:0 | int:0 | int:0
reals: int:1 | float:0.1 | float:0.1
reals: int:2 | float:-3.4028235e+38 | float:1.7976931348623157e+308
reals: int:3 | float:1e-45 | float:5e-324
reals: int:4 | float:0.0 | float:0.0
reals: int:5 | float:16777216.0 | float:123456789.12345679
reals: int:6 | float:10000000000.0 | float:1e+22
reals: int:7 | float:3.1415927 | float:3.141592653589793
reals: int:8 | NULL | NULL
decs: int:1 | '99999999999999999999999999999999999999' | '0.99999999999999999999999999999999999999' | dec:-0.0100 | dec:-999.99 | dec:9 | '-922337203685477.5808' | dec:-214748.3648
decs: int:2 | '-99999999999999999999999999999999999999' | dec:-0.00000000000000000000000000000000000001 | dec:0.0000 | dec:0.50 | dec:-9 | '922337203685477.5807' | dec:214748.3647
decs: int:3 | dec:0 | dec:0.00000000000000000000000000000000000000 | '12345678901234.5678' | dec:0.00 | dec:0 | dec:0.0000 | dec:0.0000
decs: int:4 | NULL | NULL | NULL | NULL | NULL | NULL | NULL
decs: int:5 | dec:1 | '0.10000000000000000000000000000000000000' | dec:1.5000 | dec:1.00 | dec:1 | dec:1.5000 | dec:-0.0001
texts: int:1 | 'a   ' | 'plain' | 'é  ' | 'Zoë 🚀 北京' | '#hash' | ' lead' | 'text' | 'ntext ✓' | '<a>1</a>'
texts: int:2 | '    ' | '' | '   ' | '' | '' | '' | '' | '' | ''
texts: int:3 | NULL | 'a,b' | NULL | 'say \"hi\"' | 'line1\\nline2' | 'crlf\\r\\nx' | NULL | NULL | NULL
texts: int:4 | 'abcd' | 'trail ' | 'Ω  ' | 'tab\\there' | 'Ünïcödé €' | '€ café' | 'x,y' | '🚀' | '<r a=\"1\"/>'
bins: int:1 | x'01000000' | x'deadbeef' | x'00' | x'ff10' | x'00000000000007d1'
bins: int:2 | x'00000000' | x'' | x'' | x'' | x'ffffffffffffffff'
bins: int:3 | NULL | NULL | NULL | NULL | x'0000000000000001'
temporal: int:1 | '0001-01-01' | '00:00:00' | '00:00:00.000' | '00:00:00.0000000' | '1753-01-01 00:00:00.000' | '1900-01-01 00:00:00' | '0001-01-01 00:00:00' | '0001-01-01 00:00:00.000' | '0001-01-01 00:00:00.0000000' | '0001-01-01 00:00:00 +00:00' | '2024-02-29 12:00:00.1234567 -09:30'
temporal: int:2 | '9999-12-31' | '23:59:59' | '23:59:59.999' | '23:59:59.9999999' | '9999-12-31 23:59:59.997' | '2079-06-06 23:59:00' | '9999-12-31 23:59:59' | '9999-12-31 23:59:59.999' | '9999-12-31 23:59:59.9999999' | '9999-12-31 23:59:59 +14:00' | '2024-03-01 01:00:00.0000001 +05:45'
temporal: int:3 | '2024-02-29' | '12:34:56' | '12:34:56.789' | '12:34:56.1234567' | '2024-01-01 00:00:00.003' | '2024-01-01 12:34:00' | '2024-02-29 12:34:56' | '2024-02-29 23:59:59.999' | '1969-12-31 23:59:59.9999999' | '2024-06-30 23:00:00 -14:00' | '2023-12-31 20:00:00.5000000 -05:00'
temporal: int:4 | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL
temporal: int:5 | '1582-10-10' | '01:02:03' | '01:02:03.040' | '01:02:03.0000050' | '1899-12-31 23:59:59.997' | '1900-01-01 00:00:00' | '1900-01-01 00:00:00' | '1900-01-01 00:00:00.001' | '2024-01-01 00:00:00.0000000' | '2024-01-01 00:00:00 +00:00' | '2024-01-01 00:00:00.0000000 +00:00'
temporal: int:6 | '2000-01-01' | '00:00:00' | '00:00:00.000' | '00:00:00.0000000' | '2024-01-01 00:00:00.007' | '2024-01-01 00:00:00' | '2000-01-01 00:00:00' | '2000-01-01 00:00:00.000' | '2000-01-01 00:00:00.0000000' | '2000-01-01 00:00:00 +00:00' | '2000-01-01 00:00:00.0000000 +00:00'
guids: int:1 | '6F9619FF-8B86-D011-B42D-00C04FC964FF'
guids: int:2 | '00000000-0000-0000-0000-000000000000'
guids: int:3 | 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'
guids: int:4 | '01234567-89AB-CDEF-0123-456789ABCDEF'
guids: int:5 | NULL
nul: int:1 | 'a\\x00b' | 'c\\x00d'
nul: int:2 | '\\x01\\x1f\\x7f' | 'x'"
fi
is_file csv.dump "$want" "CSV: every value stored exactly"
is "$(cat ndjson.dump)" "$(cat csv.dump)" "NDJSON: the same values"

done_testing
