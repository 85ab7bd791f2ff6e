# tds.sh - sourced by run.sh: start and stop the TDS test server
# (tests/tds/tdsserver.py) with the bench view, and the command lines of
# dbs-extract and freebcp against it.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by run.sh

TDS_WHY=""     # why the server cannot be used, for the skip line
TDS_ARGS=()    # dbs-extract arguments that select the bench view
TDS_PID=""     # the server we started

# tds_available: 0 if the TDS test server can be started here, else 1
# with TDS_WHY set.
tds_available() {
	if [ ! -f "$TOP/tests/tds/tdsserver.py" ]; then
		TDS_WHY="tests/tds/tdsserver.py not there yet"
		return 1
	fi
	TDS_WHY="the TDS server interface is not wired into tests/bench yet"
	return 1
}

# tds_start N: start the server with an N-row bench view.
tds_start() {
	return 1
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
# freebcp in character mode (to stdout's file).
tds_freebcp_cmd() {
	return 1
}
