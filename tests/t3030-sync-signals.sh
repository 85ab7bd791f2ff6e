#!/bin/bash
# t3030-sync-signals.sh - SIGTERM, SIGINT and SIGHUP stop dbs-sync's
# whole pipeline: no dbs-extract, tee step or dbs-load is left to commit after
# it, the snapshot's .part is removed, the view is logged "interrupted"
# and the exit status is 128 + the signal; with -j, in every view that
# runs at once. A stale .part of a crashed run is removed by the next
# run of its view; other files stay.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db --generate dbo.orders --rows 20
tds_sync_start fx.db
tds_conf ok.conf '[sync]' 'db = s.db' 'snapshots = snap' '' \
	'[view orders]' 'view = dbo.orders' 'key = id'
# stall: the server waits 30 s before it answers the SELECT
sed 's/^user = dbs$/&\napp-name = tdsfault:stall=30/' ok.conf >sig.conf

run dbs-sync -c ok.conf
is_status 0 "a first sync"
before=$(sql s.db "SELECT count(*) FROM _dbs_runs WHERE status = 'ok'")

# stages: the pids of the processes of this config's runs
stages() {
	pgrep -f -- "$SCRATCH/(sig\\.conf|s\\.db|snap/)" | grep -v "^$$\$" || true
}

# signal_at SIG N CONF [ARG...]: start dbs-sync -c CONF ARG..., wait
# until the server has N more SELECTs, run the checks of "check_running"
# (a function), send SIG; sets status, num and what (the signal's name)
signal_at() {
	local sig=$1 want=$2 conf=$3 n pid
	shift 3
	n=$(grep -c 'batch: SELECT' "$TDS_LOG" || true)
	set -m # a job of its own: SIGINT is not ignored in it
	dbs-sync -c "$SCRATCH/$conf" "$@" >out 2>err &
	pid=$!
	set +m
	for _ in $(seq 100); do
		[ "$(grep -c 'batch: SELECT' "$TDS_LOG")" -ge $((n + want)) ] &&
			break
		sleep 0.1
	done
	check_running
	kill -s "$sig" "$pid"
	wait "$pid"
	status=$?
	num=$(kill -l "$sig")
	case $sig in
	TERM) what=Terminated ;;
	INT) what=Interrupt ;;
	HUP) what=Hangup ;;
	esac
}

for sig in TERM INT HUP; do
	check_running() {
		is "$(find snap -name '*.part' | wc -l)" 1 "SIG$sig: the snapshot is being written"
		is "$(stages | wc -l)" 4 "SIG$sig: dbs-sync, dbs-extract, the tee step and dbs-load run"
	}
	signal_at "$sig" 1 sig.conf
	is "$status" $((128 + num)) "SIG$sig: exit status 128 + $num"
	is "$(sed -E 's/^[0-9T:Z-]{20} /T /; s/ seconds=[0-9.]+//' err)" \
		"dbs-sync: orders: interrupted by signal $num ($what)
T orders interrupted inserted=0 updated=0 deleted=0 unchanged=0 stream=full error=\"interrupted by signal $num ($what)\"" \
		"SIG$sig: the message and the log line"
	is_file out "" "SIG$sig: nothing on stdout"
	sleep 0.2
	is "$(stages)" "" "SIG$sig: no stage left running"
	is "$(find snap -name '*.part' | wc -l)" 0 "SIG$sig: the .part is removed"
	is "$(sql s.db "SELECT count(*) FROM _dbs_runs WHERE status = 'ok'")" \
		"$before" "SIG$sig: nothing committed"
done

# a signal at any moment of the start, also before dbs-sync has noted a
# stage it just started, ends it: none may be left waiting (an extract
# blocked opening its FIFO kept dbs-sync waiting for ever). SIGTERM and
# SIGHUP: a SIGINT that comes before bash has read the traps is taken by
# bash itself (a program that has not started yet cannot obey it).
# sweep N STEP_US CONF [ARG...]: N runs of dbs-sync -c CONF ARG..., each
# sent SIGHUP or SIGTERM i * STEP_US microseconds after its start; sets
# hung to the number that did not end within 10 s (ended by SIGKILL)
sweep() {
	local n=$1 step=$2 conf=$3 i pid
	shift 3
	hung=0
	for ((i = 0; i < n; i++)); do
		set -m
		dbs-sync -c "$SCRATCH/$conf" "$@" >/dev/null 2>&1 &
		pid=$!
		set +m
		sleep "$(printf '0.%06d' $((i * step)))"
		kill -s "$(if [ $((i % 2)) = 0 ]; then echo HUP; else echo TERM; fi)" "$pid"
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			hung=$((hung + 1))
			kill -9 -- -"$pid" 2>/dev/null
			pkill -9 -f -- "$SCRATCH/${conf//./\\.}" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
}
sweep 120 500 sig.conf
is "$hung" 0 "a signal 0 to 60 ms after the start: dbs-sync ends every time"
is "$(stages)" "" "... and leaves no stage running"
is "$(find snap -name '*.part' | wc -l)" 0 "... and no .part"

# with -j the views run at once: a signal stops every group, each view
# is logged as interrupted by the signal dbs-sync got
tds_conf j0.conf '[sync]' 'snapshots = snap' \
	'' '[view j1]' 'db = d1.db' 'view = dbo.orders' 'key = id' \
	'' '[view j2]' 'db = d2.db' 'view = dbo.orders' 'key = id' \
	'' '[view j3]' 'db = d3.db' 'view = dbo.orders' 'key = id'
sed 's/^user = dbs$/&\napp-name = tdsfault:stall=30/' j0.conf >j.conf
jstages() {
	pgrep -f -- "$SCRATCH/(j\.conf|d[123]\.db|snap/j)" |
		grep -v "^$$\$" || true
}
# a signal at any moment of the start of the groups ends them all
sweep 60 2000 j.conf -j 3
sleep 0.2
is "$hung" 0 "-j 3, a signal 0 to 118 ms after the start: every group ends at once"
is "$(jstages)" "" "-j 3: ... and leaves no stage running"

for sig in INT TERM; do
	check_running() {
		is "$(find snap -name '*.part' | wc -l)" 3 "-j 3, SIG$sig: three snapshots being written"
	}
	signal_at "$sig" 3 j.conf -j 3
	is "$status" $((128 + num)) "-j 3, SIG$sig: exit status 128 + $num"
	is "$(grep -v '^[0-9]' err | sort)" "dbs-sync: j1: interrupted by signal $num ($what)
dbs-sync: j2: interrupted by signal $num ($what)
dbs-sync: j3: interrupted by signal $num ($what)" \
		"-j 3, SIG$sig: every view says which signal"
	is "$(grep -c ' interrupted .*error="interrupted by signal '"$num" err)" 3 \
		"-j 3, SIG$sig: three log lines"
	is_file out "" "-j 3, SIG$sig: nothing on stdout"
	sleep 0.2
	is "$(jstages)" "" "-j 3, SIG$sig: no stage left running"
	is "$(find snap -name '*.part' | wc -l)" 0 "-j 3, SIG$sig: no .part left"
	is "$(for d in d1 d2 d3; do sql $d.db "SELECT count(*) FROM _dbs_runs WHERE status = 'ok'" 2>/dev/null || echo 0; done | sort -u)" \
		0 "-j 3, SIG$sig: nothing committed"
done

# a stale .part of a crashed run goes; files dbs-sync did not write stay
mkdir -p snap/orders
stale=snap/orders/orders.20200101T000000.000000000Z.csv.snapshot.part
: >"$stale"
: >"${stale%.snapshot.part}.zst.part"
: >snap/orders/orders.keep.part
run dbs-sync -c ok.conf
is_status 0 "the next run"
ok "the stale .parts are removed" test ! -e "$stale" \
	-a ! -e "${stale%.snapshot.part}.zst.part"
ok "another file stays" test -e snap/orders/orders.keep.part

done_testing
