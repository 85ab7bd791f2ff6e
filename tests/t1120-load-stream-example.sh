#!/usr/bin/env bash
# t1120-load-stream-example.sh - every complete example stream in the
# EXAMPLES of dbs-stream(5) (a literal display that starts with the magic
# record and ends with a trailer) loads with dbs-load as written there.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

man=$TOP/man/dbs-stream.5
[ -f "$man" ] || skip_all "no man/dbs-stream.5 yet"

# Each literal display of EXAMPLES, with mdoc's escapes undone, into
# block.N (the displays before it show the syntax, not whole streams).
awk '
	/^\.Sh / { ex = ($2 == "EXAMPLES") }
	!ex { next }
	/^\.Bd -literal/ { n++; inb = 1; next }
	/^\.Ed/ { inb = 0; next }
	inb {
		gsub(/\\&/, ""); gsub(/\\\(dq/, "\""); gsub(/\\e/, "\\")
		print > ("block." n)
	}' "$man"

n=0
for b in block.*; do
	[ -f "$b" ] || continue
	first=$(head -n 1 "$b")
	last=$(tail -n 1 "$b")
	case "$first/$last" in
	'#dbs-stream,1/#end,'*) ext=csv ;;
	'{"#dbs-stream":1'*'/{"#dbs-end":'*) ext=ndjson ;;
	*) continue ;;
	esac
	n=$((n + 1))
	cp "$b" "example$n.$ext"
	run dbs-load --db "ex$n.db" --table example --mode replace "example$n.$ext"
	is_status 0 "the example stream $b ($ext) loads"
	is "$(sql "ex$n.db" 'SELECT stream_rows = inserted FROM _dbs_runs')" 1 \
		"  ... every row of it"
done
ok "dbs-stream(5) has example streams ($n)" test "$n" -gt 0

done_testing
