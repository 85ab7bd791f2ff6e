#!/bin/bash
# s300-sync.sh - dbs-sync against the real server: a table of the run's
# schema synced into two SQLite tables, one merged in full, one
# incremental (since = u); after every run both are compared with the
# source row for row: the first sync, changes (updates, deletes, inserts,
# a change that does not move u), an increment that deletes nothing,
# --full that catches the deletes, and a dry run that changes nothing.
. "$(dirname "$0")/lib.sh"

T="[$S].[sync_src]"
{
	printf 'CREATE TABLE %s (id int NOT NULL PRIMARY KEY, v nvarchar(20),\n' "$T"
	printf '  n int, u datetime2(3) NOT NULL)\ngo\n'
	for i in $(seq 1 20); do
		printf "INSERT INTO %s VALUES (%d, N'v%d', %d, '2024-01-01 00:00:%02d.000')\ngo\n" \
			"$T" "$i" "$i" "$((i * 7))" "$i"
	done
} | srv_sql >/dev/null

cat >sync.conf <<EOF
[source]
server = $DBS_TEST_SERVER
database = $DBS_TEST_DATABASE
user = $DBS_TEST_USER
password-file = $DBS_TEST_PASSWORD_FILE

[sync]
db = sync.db
log = sync.log

[view full]
view = $T
key = id

[view inc]
view = $T
key = id
since = u
EOF

# lines: the log lines of the last run, time and seconds left out (kept
# in sync.last for the diagnostics).
lines() {
	sed -E 's/^[0-9T:Z-]{20} //; s/ seconds=[0-9.]+//' sync.log |
		tail -n "${1:-2}" | tee sync.last
	: >sync.log
}

# same TABLE: the SQLite table equals the source, row for row.
same() {
	local got want
	want=$(printf 'SELECT id, v, n, CONVERT(varchar(19), u, 120) FROM %s ORDER BY id\ngo\n' \
		"$T" | srv_sql | tr '\t' '|')
	got=$(sqlite3 sync.db "SELECT id, v, n, substr(u, 1, 19) FROM $1 ORDER BY id")
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head -5; return 1; }
}

sync() {
	real_env dbs-sync -c sync.conf "$@" </dev/null >sync.out 2>sync.err
}

sync
report "$?" "sync: the first run" "$(cat sync.err)"
report "$([ "$(lines)" = "full ok inserted=20 updated=0 deleted=0 unchanged=0 stream=full
inc ok inserted=20 updated=0 deleted=0 unchanged=0 stream=full" ]; echo $?)" \
	"sync: the first run's log lines" "$(cat sync.last)"
report "$(same full >d; echo $?)" "sync: full equals the source" "$(cat d)"
report "$(same inc >d; echo $?)" "sync: inc equals the source" "$(cat d)"

printf "UPDATE %s SET n = n + 1, u = '2024-01-02 00:00:00.000' WHERE id <= 3\ngo\nDELETE FROM %s WHERE id IN (10, 11)\ngo\nINSERT INTO %s VALUES (21, N'new', 1, '2024-01-02 00:00:01.000')\ngo\nUPDATE %s SET v = N'silent' WHERE id = 15\ngo\n" \
	"$T" "$T" "$T" "$T" | srv_sql >/dev/null
sync
report "$?" "sync: after changes" "$(cat sync.err)"
report "$([ "$(lines)" = "full ok inserted=1 updated=4 deleted=2 unchanged=14 stream=full
inc ok inserted=1 updated=3 deleted=0 unchanged=0 stream=incremental" ]; echo $?)" \
	"sync: the increment updates and deletes nothing" "$(cat sync.last)"
report "$(same full >d; echo $?)" "sync: full equals the source again" "$(cat d)"
report "$([ "$(sqlite3 sync.db 'SELECT count(*), max(u) FROM inc')" = "21|2024-01-02 00:00:01.000" ]; echo $?)" \
	"sync: inc still holds the deleted rows, and the watermark moved"

sync --full inc
report "$?" "sync --full inc" "$(cat sync.err)"
report "$([ "$(lines 1)" = "inc ok inserted=0 updated=1 deleted=2 unchanged=18 stream=full" ]; echo $?)" \
	"sync --full: the deletes and the silent change" "$(cat sync.last)"
report "$(same inc >d; echo $?)" "sync --full: inc equals the source" "$(cat d)"

printf 'DELETE FROM %s WHERE id = 1\ngo\n' "$T" | srv_sql >/dev/null
cp sync.db before.db
sync --dry-run
report "$?" "sync --dry-run" "$(cat sync.err)"
report "$([ "$(sqlite3 sync.db 'SELECT count(*) FROM full; SELECT count(*) FROM _dbs_runs')" = \
	"$(sqlite3 before.db 'SELECT count(*) FROM full; SELECT count(*) FROM _dbs_runs')" ]; echo $?)" \
	"sync --dry-run: nothing changed"

done_testing
