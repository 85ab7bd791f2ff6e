#!/bin/bash
# t3040-sync-plan.sh - the C half of dbs-sync, step by step ("dbs-load
# --sync views|lock|plan|done", load/sync.h): the exact argument vectors
# each view gets (values passed whole, the watermark byte-exact, the
# connection from the config alone, unattended timeouts), and dbs-sync
# installed the way cron runs it: env -i PATH=/usr/bin:/bin.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

# fields FILE: the NUL-terminated fields of FILE, one a line.
fields() {
	tr '\0' '\n' <"$1"
}

cat >p.conf <<'EOF'
[source]
server = sqlhost:1433
database = sales
user = reader
password-file = pw

[sync]
db = p.db
snapshots = snap

[view orders]
view = [dbo].[odd name]
key = id, [a,b]
where = "  region <> 'x; y' # not a comment "
mode = merge
deletes = soft
max-delete = 12.5%
schema-change = add
decimals = text
index = region,[day of week]; customer
allow-empty = yes
query-timeout = 0

[view events]
query = SELECT id, at FROM dbo.events
key = id
format = ndjson
login-timeout = 5
EOF

run dbs-load --sync views -- -c p.conf 3>views.out
expect 0 "" "" "views: status"
is "$(fields views.out)" "1
orders
0
events
0" "views: the jobs, then every view, in file order, with its group"
run dbs-load --sync views -- -c p.conf events 3>views.out
is "$(fields views.out)" "1
events
0" "views: the views named"
run dbs-load --sync views -- -c p.conf -j 3 events orders 3>views.out
is "$(fields views.out)" "3
events
0
orders
0" "views: -j; one database, one group"
mkdir -p sub
printf '[source]\nserver = x\n[view a]\ndb = x.db\nview = dbo.a\n[view b]\ndb = ./x.db\nview = dbo.b\n[view c]\ndb = sub/../y.db\nview = dbo.c\n[view d]\ndb = y.db\nview = dbo.d\n' >g.conf
run dbs-load --sync views -- -c g.conf -j 2 3>views.out
is "$(fields views.out | paste -sd' ')" "2 a 0 b 0 c 2 d 2" \
	"views: databases not created yet are one group by their real directory"

run dbs-load --sync lock orders -- -c p.conf 3>lock.out
expect 0 "" "" "lock: status"
is "$(fields lock.out)" "$SCRATCH/p.db.lock
0" "lock: the lock file beside the database (relative to the config), no wait"
ok "lock: the lock file exists" test -f p.db.lock

run dbs-load --sync plan orders -- -c p.conf --allow-older 3>plan.out
expect 0 "" "" "plan: status"
fields plan.out | sed -E 's/[0-9]{8}T[0-9]{6}\.[0-9]{9}Z/TIME/' >got
cat >want <<EOF
full
$SCRATCH/snap/orders/orders.TIME.csv.zst.part
$SCRATCH/snap/orders/orders.TIME.csv.zst
14
-c
p.conf
--no-env
--view
[dbo].[odd name]
--where
  region <> 'x; y' # not a comment 
--key
id, [a,b]
--login-timeout
60
--query-timeout
0
--no-progress
28
--db
$SCRATCH/p.db
--table
orders
--key
id, [a,b]
--mode
merge
--deletes
soft
--max-delete
12.5%
--schema-change
add
--decimals
text
--index
region,[day of week]
--index
customer
--allow-older
--allow-empty
--summary
json
--progress-fd
3
--progress-label
orders
EOF
ok "plan: the vectors of a full run, every value whole" cmp got want
[ -s got ] && diff want got | sed 's/^/# /'
is "$(stat -c %a snap/orders/*.part)" 600 "plan: a private .part file"

run dbs-load --sync plan events -- -c p.conf --dry-run 3>plan.out
fields plan.out >got
cat >want <<EOF
full


14
-c
p.conf
--no-env
--query
SELECT id, at FROM dbo.events
--key
id
--format
ndjson
--login-timeout
5
--query-timeout
600
--no-progress
13
--db
$SCRATCH/p.db
--table
events
--key
id
--dry-run
--summary
json
--progress-fd
3
--progress-label
events
EOF
ok "plan: a dry run keeps no snapshot; the default query timeout" cmp got want
[ -s got ] && diff want got | sed 's/^/# /'
run dbs-load --sync plan events -- -c p.conf --dry-run -j 2 3>plan.out
fields plan.out | tail -n 4 >got
printf '%s\n' --dry-run --summary json --no-progress >want
ok "plan: with -j 2 no load draws progress" cmp got want
[ -s got ] && diff want got | sed 's/^/# /'

run dbs-load --sync plan events -- -c p.conf --replay p.conf events 3>plan.out
is "$(fields plan.out | tr '\n' ' ')" \
	"replay   0 13 --db $SCRATCH/p.db --table events --key id --summary json --progress-fd 3 --progress-label events p.conf " \
	"plan: a replay runs no extract"

# done, after a signal: the .part files of the view go when this run holds
# the lock (the plan may have made one before the script knew its name),
# and stay when it does not (they may be another run's)
mkdir -p tmp snap/orders
p=snap/orders/orders.20260101T000000.000000000Z.csv.snapshot.part
: >"$p"
run dbs-load --sync "done" orders full 0 -1 -1 -1 15 0 0 0 tmp "" "" -- \
	-c p.conf
is "$status" 143 "done after SIGTERM: status 128 + 15"
ok "done after SIGTERM without the lock: the .part stays" test -e "$p"
run dbs-load --sync "done" orders full 0 -1 -1 -1 15 0 1 0 tmp "" "" -- \
	-c p.conf
ok "done after SIGTERM with the lock: the .part goes" test ! -e "$p"

run dbs-load --sync bogus -- -c p.conf
expect 2 "" "dbs-sync: dbs-load --sync: expected views, lock VIEW, plan VIEW, tee PART or done VIEW ..., then --" \
	"an unknown step"

# --- the incremental plan, with a watermark that holds a tab and quotes
tds_fixture fx.db --generate dbo.events --rows 3
tds_sync_start fx.db
tds_conf i.conf '[view ev]' 'view = dbo.events' 'key = id' 'since = note' \
	'db = i.db'
run dbs-sync -c i.conf
is_status 0 "an incremental view: the first run"
wm=$(printf "a\t'b\"\\\\n")
sql i.db "UPDATE _dbs_tables SET watermark = '$(printf '%s' "$wm" | sed "s/'/''/g")'"
run dbs-load --sync plan ev -- -c i.conf 3>plan.out
is "$(fields plan.out | sed -n '1p;/^--since$/{n;p}')" "incremental
note=$wm" "plan: the watermark as stored, byte for byte"
is "$(fields plan.out | grep -c '^--deletes$')" 0 \
	"plan: an incremental run passes no deletes"
run dbs-load --sync plan ev -- -c i.conf --full 3>plan.out
is "$(fields plan.out | sed -n 1p)" "full" "plan: --full"
is "$(fields plan.out | grep -c '^--since$')" 0 "plan: --full has no since"

# --- the connection is the config's, whatever the environment says
dead="127.0.0.1:$(closed_port)"
cat >e.conf <<EOF
[source]
server = $TDS_SERVER
user = dbs
password-file = pw

[view orders]
view = dbo.events
key = id
db = e.db
EOF
DBS_SERVER=$dead DBS_DATABASE=nodb DBS_USER=nobody DBS_TDS_VERSION=7.1 \
	DBS_APP_NAME=tdsfault:refuse-login run dbs-sync -c e.conf -v
is_status 0 "DBS_* variables do not redirect a configured sync"
is "$(sed -E 's/^[0-9T:Z-]{20} /T /; s/ seconds=[0-9.]+//' stderr)" \
	"T orders ok inserted=3 updated=0 deleted=0 unchanged=0 stream=full" \
	"... the rows came from the configured server"

# --- installed, run as cron runs it
inst=$SCRATCH/root
make -s -C "$TOP" O="$DBS_BUILD" PREFIX=/usr/local DESTDIR="$inst" \
	install >/dev/null 2>&1
tds_conf cron.conf '[sync]' 'db = cron.db' 'log = cron.log' \
	'[view events]' 'view = dbo.events' 'key = id'
run env -i PATH=/usr/bin:/bin "$inst/usr/local/bin/dbs-sync" -c cron.conf
expect 0 "" "" "cron's PATH: dbs-sync finds its dbs-extract and dbs-load"
is "$(sed -E 's/^[0-9T:Z-]{20} /T /; s/ seconds=[0-9.]+//' cron.log)" \
	"T events ok inserted=3 updated=0 deleted=0 unchanged=0 stream=full" \
	"cron's PATH: the log file"
ln -s "$inst/usr/local/bin/dbs-sync" link
run env -i PATH=/usr/bin:/bin ./link -c cron.conf
expect 0 "" "" "through a symbolic link too"

done_testing
