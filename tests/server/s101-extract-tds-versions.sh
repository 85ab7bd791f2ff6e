#!/bin/bash
# s101-extract-tds-versions.sh - every view again, in CSV, with the older
# TDS versions a client may ask for: below 7.3 SQL Server sends date and
# time types as nvarchar, below 7.2 the (max) types as text, ntext and
# image (the test server does the same); the streams must still match.
. "$(dirname "$0")/lib.sh"

for tds in 7.1 7.2 7.3; do
	while IFS=$'\t' read -r -u 3 name _ v key _; do
		both "stream $name tds $tds" --view "$v" --key "$key" \
			--tds-version "$tds"
	done 3<"$DBS_CHECK_VIEWS"
done

done_testing
