#!/bin/bash
# t1150-load-refused-or-damaged.sh - a safety rule that refuses a stream
# (status 3) still reads it to the end: a stream that is also damaged is
# a failure (status 1), so a doubled line is never mistaken for a
# duplicate key that needs an override. Found by the torture harness.
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2054 # stream -c takes comma-separated fields
T=(-o dbo.t -k id -c id,int,int,notnull -c v,text,text,null)
stream "${T[@]}" -- 1,a 2,b >s.csv
run dbs-load --db x.db --quiet s.csv
is_status 0 "the clean stream loads"

# Line 7, the first row, doubled under the original trailer: damaged, not
# a duplicate.
sed '7p' s.csv >damaged.csv
run dbs-load --db x.db damaged.csv
expect 1 "" "dbs-load: damaged.csv: line 10: row count mismatch: the trailer says 2, the stream has 3" \
	"a doubled line is damage"

# The same rows with a matching trailer: a real duplicate, refused.
stream "${T[@]}" -- 1,a 1,a 2,b >dup.csv
run dbs-load --db x.db dup.csv
expect 3 "" "dbs-load: dup.csv: line 8: duplicate key id=1" "a duplicate key"

# A refused header (an older snapshot) over a truncated stream: damage too.
stream "${T[@]}" -t 2030-01-01T00:00:00.000000Z -- 1,a 2,b >new.csv
stream "${T[@]}" -t 2020-01-01T00:00:00.000000Z -- 1,a 2,b >old.csv
run dbs-load --db y.db --quiet new.csv
is_status 0 "a snapshot loads"
head -c -20 old.csv >old-cut.csv
run dbs-load --db y.db old-cut.csv
is_status 1 "an older and truncated snapshot is a failure"
run dbs-load --db y.db old.csv
is_status 3 "an older complete snapshot is refused"

is "$(sql x.db "SELECT status FROM _dbs_runs ORDER BY id")" "ok
failed
refused" "run log of x.db"
is "$(sql x.db "SELECT id, v FROM t")" "1|a
2|b" "x.db unchanged"

done_testing
