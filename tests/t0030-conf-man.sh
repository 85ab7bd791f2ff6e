#!/bin/bash
# t0030-conf-man.sh - dbs.conf(5): mandoc -Tlint, the example file reads
# as the page says (dbs-sync's views step), and the three bad variants
# of it get the messages the page shows; every key of common/config.c is
# documented.
. "$(dirname "$0")/lib.sh"

man=$TOP/man/dbs.conf.5
run mandoc -Tlint -Wwarning "$man"
expect 0 "" "" "mandoc -Tlint"

sed -n '/^Two views of one server/,/^\.Ed/p' "$man" |
	sed -e '1,/^\.Bd/d' -e '/^\.Ed/d' -e 's/\\(dq/"/g' >sales.conf
is "$(grep -c '^\[' sales.conf)" 4 "the example extracted"
run dbs-load --sync views -- -c sales.conf 3>views.out
expect 0 "" "" "the example reads"
is "$(tr '\0' ' ' <views.out)" "1 orders 0 events 0 " \
	"... with its two views, one job, one group (one database)"
run dbs-load --sync plan events -- -c sales.conf --dry-run 3>plan.out
is "$(tr '\0' '\n' <plan.out | sed -n '/^--where$/{n;p}')" \
	"kind <> 'debug' ; -- a literal ; and #, quoted" \
	"the quoted where clause, whole"
is "$(tr '\0' '\n' <plan.out | sed -n '/^--view$/{n;p}')" \
	"[dbo].[event log]" "the bracketed view name"

want=$(sed -n '/is refused with, in turn:/,/^\.Ed/p' "$man" |
	sed -e '1,/^\.Bd/d' -e '/^\.Ed/d')
sed '9s/$/  # main/' sales.conf >bad1.conf
sed 's/^deletes = soft$/mode = apend/' sales.conf >bad2.conf
{ cat sales.conf; echo 'key = k'; } >bad3.conf
got=$(for i in 1 2 3; do
	cp "bad$i.conf" sales.conf
	dbs-sync -c sales.conf 2>&1
done)
is "$got" "$want" "the messages of the three bad variants"

# every key the reader knows is in the page
while read -r k; do
	grep -q "Cm $k\b\|Cm .*, $k\b\|, $k ,\|Cm $k ," "$man"
	_t_report $? "dbs.conf(5) documents $k"
done < <(sed -n 's/^    \[CONFIG_[A-Z_]*\] = {"\([a-z-]*\)".*/\1/p' \
	"$TOP/common/config.c")

done_testing
