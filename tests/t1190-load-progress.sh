#!/usr/bin/env bash
# t1190-load-progress.sh - dbs-load's progress: shown on a terminal (a
# pseudo-terminal here) as one line redrawn in place, ending with a final
# line; lines with --progress elsewhere; the share done from a file's
# size or, for a merge, from the table's rows; a failure wipes the line;
# and without a terminal and without --progress the output is exactly
# what it was. Intervals of 0 make every redraw happen at a known point
# (after each chunk read), so that nothing depends on timing.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

TTY=$TOP/tests/fixtures/load/ttyrun

rows() {
	awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i <= b; i++)
		printf "%d,\"customer %d with a longer name\",%d\n", i, i, i * 7 }'
}
mk() {
	local -a r
	mapfile -t r < <(rows "$2" "$3")
	stream -o orders -k id -t "$1" -c id,int,int,notnull \
		-c name,text,'nvarchar(60)',null -c n,int,int,null -- "${r[@]}"
}
mk 2024-01-01T00:00:00.000000Z 1 20000 >big.csv
mk 2024-01-02T00:00:00.000000Z 1 10000 >half.csv

# shown: what the terminal showed, a line per redraw ("\r" as a line
# end), trailing blanks dropped, the numbers that depend on time masked.
shown() {
	tr '\r' '\n' <"${1:-stdout}" | sed -E -e 's/ +$//' \
		-e 's/[0-9]+ rows\/s/R rows\/s/' -e 's/[0-9]+:[0-9]{2} left/T left/' \
		-e 's/in [0-9]+\.[0-9] s/in T s/'
}
summary="dbs-load: orders: 20000 inserted, 0 updated, 0 deleted, 0 unchanged (merge)"

# --- without a terminal: unchanged ---
run dbs-load --db a.db big.csv
expect 0 "" "$summary" "no terminal: the summary alone"
run "$TTY" 200 dbs-load --db b.db --no-progress big.csv
expect 0 "$summary" "" "--no-progress at a terminal: the summary alone"
run "$TTY" 200 dbs-load --db b.db --quiet big.csv
expect 0 "" "" "--quiet at a terminal: nothing"
run "$TTY" 200 dbs-load --db b.db --quiet --progress big.csv
is "$(shown)" "
dbs-load: big.csv: waiting for the stream
dbs-load: orders: 20000 rows in T s (R rows/s)" \
	"--quiet --progress at a terminal: the progress, no summary"

# --- at a terminal: the label at once, then the final line ---
run "$TTY" 200 dbs-load --db c.db big.csv
is_status 0 "at a terminal: status"
is "$(shown)" "
dbs-load: big.csv: waiting for the stream
dbs-load: orders: 20000 rows in T s (R rows/s)
$summary" "at a terminal: redrawn in place, a final line, the summary"
is "$(sql c.db 'SELECT count(*) FROM orders')" 20000 "at a terminal: loaded"
ok "the summary is a line of its own" grep -q "^$summary\$" stdout

# --- every chunk: the share done from the file's size ---
run "$TTY" 200 dbs-load --db d.db --progress=0 big.csv
is "$(shown)" "
dbs-load: big.csv: waiting for the stream
dbs-load: orders: 5777 rows, R rows/s, 27%, T left (5777 inserted, 0 updated, 0 deleted, 0 unchanged)
dbs-load: orders: 11414 rows, R rows/s, 55%, T left (11414 inserted, 0 updated, 0 deleted, 0 unchanged)
dbs-load: orders: 16822 rows, R rows/s, 83%, T left (16822 inserted, 0 updated, 0 deleted, 0 unchanged)
dbs-load: orders: 20000 rows, R rows/s (20000 inserted, 0 updated, 0 deleted, 0 unchanged)
dbs-load: orders: 20000 rows in T s (R rows/s)
$summary" "--progress=0: a redraw after each chunk, with the share of the file"
run_in big.csv "$TTY" 200 dbs-load --db d.db --progress=0
is "$(shown | sed -n 3p)" \
	"dbs-load: orders: 5777 rows, R rows/s, 27%, T left (0 inserted, 0 updated, 0 deleted, 5777 unchanged)" \
	"stdin redirected from a file: its size too"

# --- lines into a file ---
run dbs-load --db e.db --progress=0 big.csv
is_status 0 "--progress into a file: status"
is "$(shown stderr)" "dbs-load: orders: 5777 rows, R rows/s, 27%, T left (5777 inserted, 0 updated, 0 deleted, 0 unchanged)
dbs-load: orders: 11414 rows, R rows/s, 55%, T left (11414 inserted, 0 updated, 0 deleted, 0 unchanged)
dbs-load: orders: 16822 rows, R rows/s, 83%, T left (16822 inserted, 0 updated, 0 deleted, 0 unchanged)
dbs-load: orders: 20000 rows, R rows/s (20000 inserted, 0 updated, 0 deleted, 0 unchanged)
dbs-load: orders: 20000 rows in T s (R rows/s)
$summary" "--progress into a file: lines, no redraw, the final line"
run dbs-load --db e.db --progress --summary json big.csv
is "$(shown stderr)" "dbs-load: orders: 20000 rows in T s (R rows/s)" \
	"--progress with a JSON summary: the final line on stderr"
is "$(sed 's/"extracted_at".*//' stdout)" '{"status":"ok","exit":0,"message":null,"inputs":[{"input":"big.csv","table":"orders","mode":"merge","deletes":"hard","stream":"full","rows":20000,"inserted":0,"updated":0,"deleted":0,"unchanged":20000,"revived":0,"purged":0,' \
	"--progress leaves stdout alone"

# --- a merge from a pipe: the share from the table's rows ---
"$TOP/tests/fixtures/load/chunked" 65536 half.csv | dbs-load --db e.db --progress=0 --allow-mass-delete 2>err
is "$?" 0 "a merge from a pipe: status"
is "$(shown err | tail -n 3 | head -n 1)" \
	"dbs-load: orders: 10000 rows, R rows/s, 50%, T left (0 inserted, 0 updated, 0 deleted, 10000 unchanged)" \
	"a merge from a pipe: the share of the 20000 rows the table held"
"$TOP/tests/fixtures/load/chunked" 65536 half.csv | dbs-load --db new.db --progress=0 2>err
is "$(shown err | tail -n 3 | head -n 1)" \
	"dbs-load: orders: 10000 rows, R rows/s (10000 inserted, 0 updated, 0 deleted, 0 unchanged)" \
	"into a new table from a pipe: no share, no time left"

# --- a failure wipes the line; the error starts a line of its own ---
head -c 700000 big.csv >cut.csv
run "$TTY" 200 dbs-load --db f.db --progress=0 cut.csv
is_status 1 "a failure at a terminal: status"
is "$(shown | tail -n 2)" "
dbs-load: cut.csv: line 15068: incomplete stream: end of input in the middle of a line" "a failure: the line wiped, then the error"
is "$(sql f.db 'SELECT count(*) FROM _dbs_runs WHERE status = '"'ok'")" 0 \
	"a failure: nothing committed"

# --- --progress-fd and --progress-label ---
run "$TTY" 200 bash -c 'dbs-load --db g.db --progress-fd 3 \
	--progress-label "the orders" big.csv 3>&2 2>err'
is "$(shown)" "
dbs-load: the orders: waiting for the stream
dbs-load: the orders: 20000 rows in T s (R rows/s)" \
	"--progress-fd at a terminal: the progress there, named by the label"
is_file err "$summary" "--progress-fd: messages stay on stderr"
run dbs-load --db g.db --progress-fd 3 big.csv 3>fd3
is "$(cat fd3)" "" "--progress-fd on a file, no --progress: nothing"

# --- cut to the terminal's width ---
run "$TTY" 40 dbs-load --db h.db --progress=0 big.csv
is "$(tr '\r' '\n' <stdout | awk 'length > 39' | grep -v -c '^dbs-load: orders: 20000 inserted')" 0 \
	"at 40 columns: no redraw is wider than 39"
is "$(tr '\r' '\n' <stdout | sed -n 3p | sed -E 's/, [0-9]+ r.*/, R/')" \
	"dbs-load: orders: 5777 rows, R" "at 40 columns: the line cut"
is "$(tr '\r' '\n' <stdout | sed -n 3p | wc -c)" 40 \
	"at 40 columns: the line cut at 39"

# --- usage ---
run dbs-load --db u.db --progress=soon big.csv
expect 2 "" 'dbs-load: --progress: "soon" is not a number of seconds (0 to 86400)' \
	"--progress=soon"
run dbs-load --db u.db --progress-fd 9 big.csv
expect 2 "" 'dbs-load: --progress-fd: "9" is not an open file descriptor' \
	"--progress-fd of a closed descriptor"
ok "usage errors create nothing" test ! -e u.db

done_testing
