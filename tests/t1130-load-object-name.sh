#!/bin/bash
# t1130-load-object-name.sh - the default table name is the last part of
# the stream's object, as dbs-extract writes it: parts separated by '.',
# a part holding '.', '[' or ']' bracketed with ']' doubled.
. "$(dirname "$0")/lib.sh"

# one OBJECT: a one-row stream whose object meta is OBJECT.
one() {
	stream -o "$1" -k id -c id,int,int,notnull -- 1
}

check() {
	one "$1" >s.csv
	run dbs-load --db "t$2.db" --quiet s.csv
	is_status 0 "$1: loads"
	is "$(sql "t$2.db" "SELECT name FROM _dbs_tables")" "$3" "$1: table $3"
}

check 'dbo.orders' 1 'orders'
check 'orders' 2 'orders'
check 'sales.[odd.name]' 3 'odd.name'
check '[my.schema].[a]]b]' 4 'a]b'
check 'db.dbo.[x.y]' 5 'x.y'

one 'dbo._dbs_runs' >s.csv
run dbs-load --db t6.db s.csv
expect 2 "" 'dbs-load: s.csv: table name "_dbs_runs" is empty or reserved' \
	"reserved name refused"

done_testing
