# tds.sh - sourced by run.sh: start and stop the TDS test server
# (tests/tds/tdsserver.py) with the fixture's generated business-like view
# (tests/tds/mkfixture.py --generate), and the command lines of
# dbs-extract and freebcp against it. Uses $TOP, $DATA, $RUN and say()
# from run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by run.sh

TDS_WHY=""       # why the server cannot be used, for the skip line
TDS_ARGS=()      # dbs-extract arguments that select the bench view
TDS_PID=""       # the server we started
TDS_VIEW=dbo.big # the generated view
TDS_DB=demo      # its database
TDS_USER=dbs     # test login (the test server's defaults)
TDS_PASS=secret

# tds_available: 0 if the TDS test server can be started here, else 1
# with TDS_WHY set.
tds_available() {
	local f
	for f in tdsserver.py mkfixture.py; do
		if [ ! -f "$TOP/tests/tds/$f" ]; then
			TDS_WHY="tests/tds/$f not there"
			return 1
		fi
	done
	if ! command -v python3 >/dev/null 2>&1; then
		TDS_WHY="python3 not installed"
		return 1
	fi
	return 0
}

# tds_fixture N: path of a fixture with an N-row view (made if missing
# or older than the fixture builder; kept between runs).
tds_fixture() {
	local fx=$DATA/tds-$1.db
	if [ ! -s "$fx" ] || [ "$TOP/tests/tds/mkfixture.py" -nt "$fx" ]; then
		say "building a TDS fixture with $1 rows"
		rm -f "$fx" "$fx.tmp"
		python3 "$TOP/tests/tds/mkfixture.py" "$fx.tmp" \
			--generate "$TDS_VIEW" --rows "$1" >&2 || return 1
		mv "$fx.tmp" "$fx"
	fi
	printf '%s\n' "$fx"
}

# tds_start N: start the server with an N-row view; write a freetds.conf
# naming it "bench" and export FREETDSCONF and DBS_PASSWORD for the
# clients. Returns 1 with TDS_WHY set on failure.
tds_start() {
	local fx port="" i
	fx=$(tds_fixture "$1") || {
		TDS_WHY="mkfixture.py failed"
		return 1
	}
	rm -f "$RUN/tds.port"
	python3 "$TOP/tests/tds/tdsserver.py" --fixture "$fx" \
		--port-file "$RUN/tds.port" --database "$TDS_DB" \
		--user "$TDS_USER" --password "$TDS_PASS" \
		>"$RUN/tds.log" 2>&1 &
	TDS_PID=$!
	for i in $(seq 100); do
		if [ -s "$RUN/tds.port" ]; then
			port=$(cat "$RUN/tds.port")
			break
		fi
		kill -0 "$TDS_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		TDS_WHY="no port after ${i}00 ms (see $RUN/tds.log)"
		tds_stop
		return 1
	fi
	printf '[bench]\n\thost = 127.0.0.1\n\tport = %s\n\ttds version = 7.4\n' \
		"$port" >"$RUN/freetds.conf"
	export FREETDSCONF="$RUN/freetds.conf"
	export DBS_PASSWORD="$TDS_PASS"
	TDS_ARGS=(-S bench -D "$TDS_DB" -U "$TDS_USER" --view "$TDS_VIEW" --key id)
	say "TDS test server on 127.0.0.1:$port ($1 rows in $TDS_VIEW)"
}

# tds_stop: stop the server started by tds_start, if any.
tds_stop() {
	if [ -n "$TDS_PID" ]; then
		kill "$TDS_PID" 2>/dev/null || true
		wait "$TDS_PID" 2>/dev/null || true
		TDS_PID=""
	fi
}

# tds_freebcp_cmd: a sh command line that copies the view out with
# freebcp in character mode to /dev/null (its chatter goes to stdout).
# The password is on freebcp's command line: a test login only.
tds_freebcp_cmd() {
	printf 'freebcp %q queryout /dev/null -c -S bench -U %q -P %q -D %q' \
		"SELECT * FROM $TDS_VIEW" "$TDS_USER" "$TDS_PASS" "$TDS_DB"
}
