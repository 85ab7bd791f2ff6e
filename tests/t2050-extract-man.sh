#!/bin/bash
# t2050-extract-man.sh - man/dbs-extract.1: lints clean, its SYNOPSIS is
# the program's usage text, and every command of its EXAMPLES runs as
# written (with the test server in place of sqlhost:1433; over TDS 5.0
# the watermark has ASE's 6 fraction digits).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

man=$TOP/man/dbs-extract.1
run mandoc -Tlint -Wwarning "$man"
expect 0 "" "" "mandoc -Tlint"

# SYNOPSIS = usage, compared word by word
mandoc -Tascii "$man" | col -b >man.txt
synopsis=$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' man.txt | sed '1d;$d' |
	tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//')
usage=$(dbs-extract --help | sed -n '1,/--version$/p' | sed 's/^usage: //' |
	tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//')
is "$synopsis" "$usage" "SYNOPSIS is the usage text"

# every option of the program is in the man page
for opt in $(dbs-extract --help | grep -o -- '--[a-z-]*' | sort -u); do
	ok "man page mentions $opt" grep -q -e "$opt" man.txt
done

# the examples, against the test server
tds_fixture fx.db "$TOP/tests/fixtures/extract/small.json"
tds_start fx.db --user reader --password secret
printf 'secret\n' >reader.password
chmod 600 reader.password
examples=$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/p' "$man")
echo "$examples" | sed -n '/^\.Bd -literal/,/^\.Ed/p' |
	sed -n '1,/^\.Ed/p' | sed '1d;$d' |
	sed "s/sqlhost:1433/$TDS_SERVER/" >dbs.conf
is "$(sed -n 1p dbs.conf)" "[source]" "the first example is the config file"
echo "$examples" | sed -n 's/^\$ //p' | sed "s/sqlhost:1433/$TDS_SERVER/g" \
	>commands
if tds_ase; then
	# the watermark of example 4 at bigdatetime's precision
	sed -i 's/12:00:00\.5000000/12:00:00.500000/' commands
fi
is "$(wc -l <commands)" 6 "six example commands"
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	bash -c "$cmd" >"ex$n.out" 2>"ex$n.err"
	is "$?" 0 "example $n runs: $cmd"
	is "$(grep -v '^dbs-load: ' "ex$n.err")" "" "example $n: no error"
done <commands

is "$(tail -1 orders.csv | cut -d, -f1,2)" "#end,5" \
	"example 1: a complete orders.csv"
is "$(sql local.db 'SELECT count(*), sum(id) FROM orders')" "5|15" \
	"examples 2 and 3: the rows in local.db"
is "$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' ex4.out | tr '\n' ' ')" "3 4 5 " \
	"example 4: only the rows after the watermark"
is "$(cat orders-for-excel.csv)" 'id,region,amount
1,north,10.50
2,south,-3.25
3,north,0.00
5,west,99999999.99' "example 5: the spreadsheet file"
is "$(sed -n '/^id,note$/,$p' ex6.out | sed '$d')" 'id,note
1,first
3,"a, b"
4,"#4"
5,last' "example 6: the query's rows"

done_testing
