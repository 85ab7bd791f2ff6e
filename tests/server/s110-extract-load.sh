#!/bin/bash
# s110-extract-load.sh - every view from the real server through
# dbs-extract | dbs-load into SQLite, in CSV and NDJSON: the table holds
# every value of the source exactly, in the storage class dbs-stream(5)
# gives its type (tablecmp.py compares it with the fixture, which holds the
# source's values as the server stores them).
. "$(dirname "$0")/lib.sh"

while IFS=$'\t' read -r -u 3 name _ v key _; do
	r=pass
	for fmt in csv ndjson; do
		real_extract --view "$v" --key "$key" --format "$fmt" \
			</dev/null 2>err |
			dbs-load --db "$fmt.db" --table "$name" --quiet 2>>err
		st="${PIPESTATUS[*]}"
		report "$([ "$st" = "0 0" ]; echo $?)" \
			"load $name $fmt: extract | load" \
			"exit statuses $st: $(cat err)"
		r=$(worse "$r" "$outcome")
		d=$(python3 "$SERVER_DIR/tablecmp.py" "$fmt.db" "$name" \
			"$DBS_CHECK_FIXTURE" "$S.$name" 2>&1)
		report "$?" "load $name $fmt: every value as in the source" "$d"
		r=$(worse "$r" "$outcome")
	done
	echo "load $name $r" >>"$DBS_CHECK_RESULTS"
done 3<"$DBS_CHECK_VIEWS"

done_testing
