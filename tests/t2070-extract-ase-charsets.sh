#!/bin/bash
# t2070-extract-ase-charsets.sh - Sybase ASE sends char, varchar and text
# in the server's character set (utf8, iso_1, cp850), which FreeTDS 1.3
# converts to UTF-8 for dbs-extract (its TDS 5.0 login asks for no
# conversion on the server); univarchar arrives as UTF-16. The same text
# comes out the same from each; bytes that are not text in the server's
# character set make the extraction fail, never turn into '?'. TDS 5.0
# only: it runs in the DBS_TEST_TDSVER=5.0 pass of tests/run.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_ase || skip_all "Sybase ASE character sets (DBS_TEST_TDSVER=5.0)"
tds_fixture fx.db "$TOP/tests/fixtures/extract/charsets.ase.json"
export DBS_PASSWORD=secret

for cs in utf8 iso_1 cp850; do
	tds_start fx.db --charset "$cs"
	run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.cs --key id
	is_status 0 "$cs: exit status"
	is "$(sed -n '/^id,/,/^#end/p' stdout)" 'id,v,t,u
1,Zoë Ünïcödé ÿ,Ça coûte 5 £,Zoë
2,plain,x,€
#end,2,ef002efcf70fb684' "$cs: the same text"
	is_file stderr "" "$cs: no message"
	# byte 0x82: 'é' in cp850, the control character U+0082 in iso_1,
	# no character at all in UTF-8
	run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.raw --plain
	case $cs in
	utf8)
		expect 1 "" "dbs-extract: $TDS_SERVER: row 1, column \"v\": invalid UTF-8" \
			"$cs: byte 0x82 is no text" ;;
	iso_1)
		expect 0 "id,v
1,$(printf '\302\202')" "" "$cs: byte 0x82 is U+0082" ;;
	cp850)
		expect 0 "id,v
1,é" "" "$cs: byte 0x82 is é" ;;
	esac
	# bytes 41 ff 42: invalid UTF-8; 'AÿB' in iso_1; A, no-break space, B
	# in cp850
	run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.bad --plain
	case $cs in
	utf8)
		expect 1 "" "dbs-extract: $TDS_SERVER: row 1, column \"v\": invalid UTF-8" \
			"$cs: bytes 41 ff 42 are no text" ;;
	iso_1)
		expect 0 "id,v
1,AÿB" "" "$cs: bytes 41 ff 42 are AÿB" ;;
	cp850)
		expect 0 "id,v
1,A$(printf '\302\240')B" "" "$cs: bytes 41 ff 42 hold a no-break space" ;;
	esac
	is "$(grep -c "charset=''" "$TDS_LOG")" 3 \
		"$cs: the client asked for no conversion on the server"
done

done_testing
