#!/bin/bash
# t3010-demo.sh - 'make demo' runs scripts/demo.sh: run it in a scratch
# directory and check the run log it shows, which the README quotes.
. "$(dirname "$0")/lib.sh"

export DBS_DEMO_DIR=$SCRATCH/demo DBS_DEMO_DB=$SCRATCH/demo.db
run bash "$TOP/scripts/demo.sh"
is_status 0 "demo: status"
is_file stderr "" "demo: nothing on stderr"
sed -n '/^id  mode/,/^$/p' stdout | sed 's/ *$//' >table
sed -n '/^.make demo. starts the demo source/,/^## What it is/p' \
	"$TOP/README.md" | sed -n '/^id  mode/,/^```/p' | sed '$d' >want
printf '\n' >>want
ok "the run log matches the README" cmp -s table want
[ -s want ] || diag "no table found in the README"
is "$(grep -c ' orders ok inserted=' stdout)" 3 "demo: three log lines"
is "$(sql demo.db 'SELECT count(*), count(_dbs_deleted_at) FROM orders')" \
	"10030|20" "demo: rows and soft deletes"
ok "demo: server stopped" test -z "$(pgrep -f "fixture $SCRATCH/demo/source.db")"

done_testing
