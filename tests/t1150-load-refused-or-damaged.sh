#!/bin/bash
# t1150-load-refused-or-damaged.sh - a safety rule that refuses a stream
# (status 3) still reads it to the end: a stream that is also damaged is
# a failure (status 1), so a doubled line is never mistaken for a
# duplicate key that needs an override. Found by the torture harness.
. "$(dirname "$0")/lib.sh"
MK=$TOP/tests/fixtures/load/mkstream

body='#dbs-stream,1
#meta,object,dbo.t
#meta,key,id
#column,id,int,int,notnull
#column,v,text,text,null
id,v
1,a
2,b'
printf '%s\n' "$body" | python3 "$MK" >s.csv
run dbs-load --db x.db --quiet s.csv
is_status 0 "the clean stream loads"

# Line 7 doubled under the original trailer: damaged, not a duplicate.
sed '7p' s.csv >damaged.csv
run dbs-load --db x.db damaged.csv
expect 1 "" "dbs-load: damaged.csv: line 10: row count mismatch: the trailer says 2, the stream has 3" \
	"a doubled line is damage"

# The same rows with a matching trailer: a real duplicate, refused.
printf '%s\n' "$body" | sed '7p' | python3 "$MK" >dup.csv
run dbs-load --db x.db dup.csv
expect 3 "" "dbs-load: dup.csv: line 8: duplicate key id=1" "a duplicate key"

# A refused header (an older snapshot) over a truncated stream: damage too.
# snap TIME: the stream extracted at TIME.
snap() {
	printf '%s\n' "$body" |
		sed "s/^#meta,key,id\$/#meta,key,id\\n#meta,extracted-at,$1/" |
		python3 "$MK"
}
snap 2030-01-01T00:00:00.000000Z >new.csv
snap 2020-01-01T00:00:00.000000Z >old.csv
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
