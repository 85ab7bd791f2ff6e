#!/usr/bin/env bash
# t1190-load-oom.sh - out of memory never commits half a run. A
# --schema-change rebuild (new table, rows copied, old table dropped,
# new one renamed) is run by dbs-load-oom (tests/oom/oom.c) once for
# every SQL text it formats, that one failing as SQLite fails out of
# memory (NULL): each run must exit 1 with "dbs-load: out of memory" and
# leave the database exactly as it was. (A NULL statement is an empty
# one to sqlite3_exec(): the copy of the rows once "succeeded" that way,
# and the old table was dropped with them.) Then SQLite's own
# allocations fail, one at a time, at a sample of points: every run
# ends in the old state with exit 1 or in the new state with exit 0,
# with one line on stderr, and the database passes its integrity check.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

OOM=$DBS_BUILD/tests/dbs-load-oom
[ -x "$OOM" ] || skip_all "no $OOM"

stream -o dbo.p -k id -t 2024-01-01T00:00:00.000000Z \
	-c id,int,int,notnull -c name,text,text,null -c qty,int,int,null \
	-- 1,a,10 2,b,20 3,c,30 >v1.csv
stream -o dbo.p -k id -t 2024-01-02T00:00:00.000000Z \
	-c id,int,int,notnull -c qty,int,int,null -- 1,10 2,21 4,40 >v2.csv
run dbs-load --db base.db v1.csv
is "$status" 0 "v1 loads"

# dump DB: the database as SQL text, the run log's times aside.
dump() {
	sqlite3 -batch "$1" "UPDATE _dbs_runs SET started_at = '', finished_at = '';
		UPDATE _dbs_tables SET updated_at = '';" .dump 2>&1
}
old=$(cp base.db x.db && dump x.db)
cp base.db new.db
run dbs-load --db new.db --schema-change rebuild v2.csv
is "$status" 0 "the rebuild works"
new=$(dump new.db)

cp base.db c.db
run env DBS_OOM_COUNT=counts "$OOM" --db c.db --schema-change rebuild v2.csv
is "$status" 0 "dbs-load-oom without a failure works"
read -r nsql nmalloc <counts
ok "SQL texts were counted ($nsql)" [ "$nsql" -gt 20 ]
ok "allocations were counted ($nmalloc)" [ "$nmalloc" -gt 100 ]
is "$(dump c.db)" "$new" "dbs-load-oom gives what dbs-load gives"

# oom_rebuild VAR=N: the rebuild by dbs-load-oom, with VAR=N in its
# environment, on a fresh copy of base.db (o.db); $st is its exit status,
# $got the database after it, out and err its stdout and stderr.
oom_rebuild() {
	cp base.db o.db
	rm -f o.db-wal o.db-shm
	env "$1" "$OOM" --db o.db --schema-change rebuild v2.csv >out 2>err
	st=$?
	got=$(dump o.db)
}

bad=0
for ((i = 1; i <= nsql; i++)); do
	oom_rebuild DBS_OOM_SQL="$i"
	if [ "$st" != 1 ] || [ "$(cat err)" != "dbs-load: out of memory" ] ||
		[ -s out ] || [ "$got" != "$old" ]; then
		bad=$((bad + 1))
		diag "SQL text $i of $nsql: exit $st, stderr: $(head -3 err)" \
			"$(diff <(echo "$old") <(echo "$got") | head -5)"
	fi
done
is "$bad" 0 "each of the $nsql SQL texts out of memory: exit 1, nothing changed"

# SQLite's allocations: a sample of about 60 points, always the same.
bad=0
step=$((nmalloc / 60 + 1))
for ((i = 1; i <= nmalloc; i += step)); do
	oom_rebuild DBS_OOM_MALLOC="$i"
	integrity=$(sqlite3 -batch o.db 'PRAGMA integrity_check' 2>&1)
	lines=$(wc -l <err)
	if { [ "$st" = 0 ] && [ "$got" = "$new" ]; } ||
		{ [ "$st" = 1 ] && [ "$got" = "$old" ]; }; then
		:
	else
		bad=$((bad + 1))
		diag "allocation $i of $nmalloc: exit $st, stderr: $(head -3 err)" \
			"$(diff <(echo "$old") <(echo "$got") | head -5)"
	fi
	if [ "$integrity" != ok ] || [ "$lines" != 1 ] || [ -s out ]; then
		bad=$((bad + 1))
		diag "allocation $i: integrity $integrity, $lines lines on stderr:" \
			"$(head -3 err)"
	fi
done
is "$bad" 0 "SQLite out of memory at every ${step}th allocation: old state or new"

done_testing
