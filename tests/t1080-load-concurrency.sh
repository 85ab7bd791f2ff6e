#!/usr/bin/env bash
# t1080-load-concurrency.sh - one transaction per run, in WAL mode: a
# reader that connects while a load is in progress sees the old table,
# one that holds a read transaction across the commit keeps seeing the
# old table until it ends it; a second writer gives up after
# --busy-timeout with status 4; a load killed with SIGKILL in the middle
# (its uncommitted pages already in the WAL) leaves the old state and an
# intact database. The load is held in the middle by feeding its stream
# through a fifo; the test waits for events, never for a fixed time.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip_all "no python3"

# big DAY [OPTION...]: a stream of the table "big" (id, and a 200-digit
# payload) extracted on 2024-01-0DAY (more options of stream).
big() {
	stream -o dbo.big -k id -t "2024-01-0${1}T00:00:00.000000Z" \
		-c id,int,int,notnull -c 'p,text,char(200),notnull' "${@:2}"
}
bigrows() {
	seq "$1" "$2" | awk '{ printf "%d,%0200d\n", $1, $1 }'
}
# bigend FIRST LAST: the trailer of those rows (checksum by awk+xxhsum:
# mkstream takes seconds for 100000 rows).
bigend() {
	printf '#end,%d,%s\n' "$(($2 - $1 + 1))" "$(bigrows "$1" "$2" |
		awk -F, '{ printf "%d:%s%d:%s\n", length($1), $1, length($2), $2 }' |
		xxhsum -H3 | sed 's/.* = //')"
}
count() {
	sql "$1" 'SELECT count(*) FROM big'
}
# wait_for CMD...: poll until CMD succeeds; fail the test after 60 s.
wait_for() {
	local i
	for ((i = 0; i < 1200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	diag "gave up waiting for: $*"
	return 1
}
# shellcheck disable=SC2317 # called through wait_for
wal_written() {
	[ "$(stat -c %s "$1-wal" 2>/dev/null || echo 0)" -gt 1000000 ]
}

# hold_load DB NAME DAY FIRST: start dbs-load --db DB in the background
# ($pid) on the fifo NAME.fifo, its stdout and stderr in NAME.out and
# NAME.err; open the fifo as fd 3, write to it the header of the snapshot
# of DAY and the rows FIRST..100000, and wait until the load has written
# uncommitted pages to the WAL. The load then waits for the rest.
hold_load() {
	mkfifo "$2.fifo"
	dbs-load --db "$1" "$2.fifo" >"$2.out" 2>"$2.err" &
	pid=$!
	exec 3>"$2.fifo"
	big "$3" -n >&3
	bigrows "$4" 100000 >&3
	wait_for wal_written "$1"
}

bigrows 1 10 | big 1 -i >small.csv
run dbs-load --db r.db small.csv
is "$status" 0 "ten rows loaded"

# A reader holding a read transaction across the load's commit.
cat >reader.py <<'PY'
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN")
print(db.execute("SELECT count(*) FROM big").fetchone()[0], flush=True)
open("reader.ready", "w").close()
while not os.path.exists("reader.go"):
    time.sleep(0.05)
print(db.execute("SELECT count(*) FROM big").fetchone()[0])
db.execute("COMMIT")
print(db.execute("SELECT count(*) FROM big").fetchone()[0])
PY
python3 reader.py r.db >reader.out 2>reader.err &
rpid=$!
wait_for test -e reader.ready
is "$?" 0 "the reader holds its read transaction"

hold_load r.db load 2 1
is "$?" 0 "the load has written uncommitted pages to the WAL"
lpid=$pid
is "$(count r.db)" 10 "a reader connecting during the load sees the old table"

run dbs-load --db r.db --busy-timeout 100 --summary json small.csv
expect 4 '{"status":"busy","exit":4,"message":"r.db: database is locked","inputs":[]}' \
	"dbs-load: r.db: database is locked" "a second writer gives up: status 4"

bigend 1 100000 >&3
exec 3>&-
wait "$lpid"
is "$?" 0 "the load commits"
is_file load.err "dbs-load: big: 99990 inserted, 0 updated, 0 deleted, 10 unchanged (merge)" \
	"the load's summary"
is "$(count r.db)" 100000 "a new reader sees the new table"
touch reader.go
wait "$rpid"
is "$(cat reader.out)" "10
10
100000" "the old read transaction saw the old table until it ended"
is "$(sql r.db "SELECT count(*) FROM _dbs_runs WHERE status = 'busy'")" 0 \
	"a busy run is not logged (the database is the problem)"

# SIGKILL in the middle of a merge.
cp small.csv k.csv
run dbs-load --db k.db k.csv
hold_load k.db kill 3 5
is "$?" 0 "the doomed load has written uncommitted pages"
kpid=$pid
# (bash reports the killed job on its own stderr: keep that out of TAP)
exec 5>&2 2>/dev/null
kill -9 "$kpid"
wait "$kpid"
kstatus=$?
exec 2>&5 5>&-
is "$kstatus" 137 "killed"
exec 3>&-
is "$(sql k.db 'SELECT count(*), sum(id) FROM big; PRAGMA integrity_check')" \
	"10|55
ok" "the old state, intact"
run dbs-load --db k.db small.csv
expect 0 "" "dbs-load: big: 0 inserted, 0 updated, 0 deleted, 10 unchanged (merge)" \
	"the next load works"

done_testing
