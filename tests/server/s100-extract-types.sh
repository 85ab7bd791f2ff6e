#!/bin/bash
# s100-extract-types.sh - every view of the fixture specs, read from the
# real server and from the test server, in CSV and NDJSON: the exact same
# stream, header (logical and source types, nullability), values and
# trailer, but for the server's name and the time.
. "$(dirname "$0")/lib.sh"

while IFS=$'\t' read -r -u 3 name _ v key _; do
	r=pass
	for fmt in csv ndjson; do
		both "stream $name $fmt" --view "$v" --key "$key" --format "$fmt"
		r=$(worse "$r" "$outcome")
	done
	echo "view $name $r" >>"$DBS_CHECK_RESULTS"
done 3<"$DBS_CHECK_VIEWS"

done_testing
