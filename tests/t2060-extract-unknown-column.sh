#!/bin/bash
# t2060-extract-unknown-column.sh - a column the view does not have, in
# --columns, --key or --order-by, is error 207 (SQL Server's and ASE's),
# reported in one line; no stream is written.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db --generate dbo.orders --rows 3
tds_start fx.db --user dbs --password secret --database demo
export DBS_PASSWORD=secret

for opt in "--columns id,nosuch" "--order-by nosuch"; do
	# shellcheck disable=SC2086 # the option and its value are two words
	run dbs-extract -S "$TDS_SERVER" -U dbs -D demo --view dbo.orders $opt
	expect 1 "" "dbs-extract: $TDS_SERVER: Invalid column name 'nosuch'. (server message 207)" \
		"$opt"
done

done_testing
