#!/usr/bin/env bash
# demo.sh - what 'make demo' runs: start the bundled demo source (the TDS
# test server with a generated dbo.orders view) on 127.0.0.1, sync it into
# demo.db with dbs-sync, change the source, sync again, and show the
# counts. Everything but demo.db lives in build/demo/ and the server is
# stopped at the end. DBS_DEMO_DIR and DBS_DEMO_DB move both (the tests
# run the demo in a scratch directory).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${DBS_BUILD:-$top/build}
work=${DBS_DEMO_DIR:-$top/build/demo}
db=${DBS_DEMO_DB:-$top/demo.db}
PATH="$build:$top/scripts:$PATH"
export PATH

rm -rf -- "$work" "$db" "$db-wal" "$db-shm" "$db.lock"
mkdir -p -- "$work"

echo "== building the demo source: dbo.orders, 10000 rows"
python3 "$top/tests/tds/mkfixture.py" "$work/source.db" \
	--generate dbo.orders --rows 10000

python3 "$top/tests/tds/tdsserver.py" --fixture "$work/source.db" \
	--port 0 --port-file "$work/port" --user demo --password demo-secret \
	--database sales 2>"$work/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	[ -s "$work/port" ] && break
	sleep 0.1
done
[ -s "$work/port" ] || { echo "demo: the demo server did not start" >&2; exit 1; }
port=$(cat "$work/port")
echo "== demo source listening on 127.0.0.1:$port"

printf 'demo-secret\n' >"$work/password"
chmod 600 "$work/password"
cat >"$work/dbs.conf" <<CONF
[source]
server = 127.0.0.1:$port
database = sales
user = demo
password-file = $work/password

[sync]
db = $db
snapshots = $work/snapshots
keep = 3

[view orders]
view = dbo.orders
key = id
deletes = soft
CONF
echo "== config: $work/dbs.conf"
cat "$work/dbs.conf"

echo
echo "== first sync: demo.db is empty, every row is new"
dbs-sync -v -c "$work/dbs.conf" 2>&1

echo
echo "== the source changes: 50 rows updated, 20 deleted, 30 added"
python3 - "$work/source.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute('''UPDATE "dbo.orders" SET quantity = quantity + 1
              WHERE id BETWEEN 1 AND 50''')
db.execute('DELETE FROM "dbo.orders" WHERE id BETWEEN 101 AND 120')
db.execute('''INSERT INTO "dbo.orders"
              SELECT id + 10000, 'NEW-' || id, name, amount, quantity,
                     weight, active, updated_at, note, guid
              FROM "dbo.orders" WHERE id BETWEEN 1 AND 30''')
db.commit()
PY

echo "== second sync: only the changes are written"
dbs-sync -v -c "$work/dbs.conf" 2>&1

echo
echo "== third sync: nothing changed, nothing written"
dbs-sync -v -c "$work/dbs.conf" 2>&1

echo
echo "== the run log inside demo.db (table _dbs_runs)"
sqlite3 -header -column "$db" \
	"SELECT id, mode, inserted, updated, deleted, unchanged, status
	 FROM _dbs_runs ORDER BY id"
echo
echo "== soft-deleted rows keep their data, marked with _dbs_deleted_at"
sqlite3 "$db" "SELECT count(*) || ' rows, ' ||
	count(_dbs_deleted_at) || ' soft-deleted' FROM orders"
echo
echo "demo.db is ready: sqlite3 demo.db 'SELECT * FROM orders LIMIT 5'"
