#!/usr/bin/env bash
# t1110-load-man.sh - man/dbs-load.1: lints clean, its SYNOPSIS is the
# usage text, it mentions every option, and its EXAMPLES run as written:
# the two streams in it load (their trailers are right), and each "$ "
# command prints exactly the lines that follow it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

man=$TOP/man/dbs-load.1
run mandoc -Tlint -Wwarning "$man"
expect 0 "" "" "mandoc -Tlint"

mandoc -Tascii "$man" | col -b >man.txt
synopsis=$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' man.txt | sed '1d;$d' |
	tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//')
usage=$(dbs-load --help | sed -n '/^$/q;p' | sed 's/^usage: //' | tr -s ' \t\n' '   ' |
	sed 's/^ //; s/ $//')
is "$synopsis" "$usage" "SYNOPSIS is the usage text"
for opt in $(dbs-load --help | grep -o -- '--[a-z-]*' | sort -u); do
	ok "man page mentions $opt" grep -q -e "$opt" man.txt
done
for t in _dbs_tables _dbs_columns _dbs_runs _dbs_hash _dbs_deleted_at; do
	ok "man page documents $t" grep -q -e "$t" man.txt
done

# The literal blocks of EXAMPLES: two streams, then sessions.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/p' "$man" | awk '
	/^\.Bd -literal/ { n++; inb = 1; next }
	/^\.Ed/ { inb = 0; next }
	inb { print > ("block" n) }'
cp block1 orders.csv
cp block2 changes.csv
is "$(head -1 orders.csv)" "#dbs-stream,1" "orders.csv extracted"
is "$(tail -1 changes.csv)" "#end,2,3021d70365e9cc8c" "changes.csv extracted"

n=0
for b in block[3-9]; do
	# Split each session into commands and the output each should give.
	awk -v pre="$b." '
		/^\$ / { i++; sub(/^\$ /, ""); print > (pre i ".cmd"); next }
		{ print > (pre i ".want") }' "$b"
	for cmd in "$b".*.cmd; do
		n=$((n + 1))
		want=${cmd%.cmd}.want
		[ -f "$want" ] || : >"$want"
		bash -c "$(cat "$cmd")" >got 2>&1
		is "$(cat got)" "$(cat "$want")" "example: $(cat "$cmd")"
	done
done
is "$n" 8 "eight example commands"

done_testing
