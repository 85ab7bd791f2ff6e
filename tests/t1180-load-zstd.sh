#!/usr/bin/env bash
# t1180-load-zstd.sh - dbs-load reads zstd-compressed inputs as they are
# (files and stdin, recognised by their first bytes, not their names):
# the same rows as the plain stream at every size of read, several
# frames and skippable frames; compressed data that is damaged or cut at
# any byte fails with status 1 and commits nothing.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

CHUNKED=$TOP/tests/fixtures/load/chunked

rows() {
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
		printf "%d,\"name %d, \"\"q\"\"\",%d\n", i, i, i * 7 }'
}
mapfile -t r < <(rows 20000)
stream -o orders -k id -t 2024-01-01T00:00:00.000000Z \
	-c id,int,int,notnull -c name,text,'nvarchar(40)',null \
	-c n,int,int,null -- "${r[@]}" >big.csv
zstd -q -19 big.csv -o big.csv.zst
ok "the compressed stream is much smaller" \
	test "$(wc -c <big.csv.zst)" -lt $(($(wc -c <big.csv) / 4))

table() {
	sql "$1" 'SELECT count(*), sum(n), max(name) FROM orders'
}
run dbs-load --db plain.db big.csv
is_status 0 "the plain stream loads"
want=$(table plain.db)

run dbs-load --db f.db big.csv.zst
expect 0 "" "dbs-load: orders: 20000 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"a .zst file loads"
is "$(table f.db)" "$want" "a .zst file: the same rows"
cp big.csv.zst snapshot
run dbs-load --db n.db snapshot
is "$(table n.db)" "$want" "recognised by its bytes, not its name"
run_in big.csv.zst dbs-load --db s.db
is "$(table s.db)" "$want" "compressed stdin"
run dbs-load --db f.db --summary json big.csv.zst
is "$(sed 's/"extracted_at".*//' stdout)" \
	'{"status":"ok","exit":0,"message":null,"inputs":[{"input":"big.csv.zst","table":"orders","mode":"merge","deletes":"hard","stream":"full","rows":20000,"inserted":0,"updated":0,"deleted":0,"unchanged":20000,"revived":0,"purged":0,' \
	"the summary names the file as given"

# every size of read through a pipe: 1 byte, odd sizes, large ones
for n in 1 3 17 4096 65537; do
	"$CHUNKED" "$n" big.csv.zst | dbs-load --db "c$n.db" --quiet
	is "$? $(table "c$n.db")" "0 $want" "stdin in writes of $n bytes"
done

# several frames, and a skippable frame, are one stream
head -n 5000 big.csv | zstd -q -c >multi.zst
tail -n +5001 big.csv | zstd -q -c >>multi.zst
run dbs-load --db m.db multi.zst
is "$status $(table m.db)" "0 $want" "two frames one after the other"
printf '\x50\x2a\x4d\x18\x04\x00\x00\x00abcd' >skip.zst
cat big.csv.zst >>skip.zst
run dbs-load --db k.db skip.zst
is "$status $(table k.db)" "0 $want" "a skippable frame first"
run dbs-load --db p.db big.csv.zst big.csv
is "$status $(sql p.db "SELECT count(*) FROM _dbs_runs WHERE status = 'ok'")" "0 2" \
	"compressed and plain inputs in one run (a run row each)"

# damage: nothing committed, one clear line
stream -o orders -k id -t 2024-01-01T00:00:00.000000Z -c id,int,int,notnull \
	-c name,text,'nvarchar(40)',null -- 1,apple 2,pear 3,plum >s1.csv
stream -o orders -k id -t 2024-02-01T00:00:00.000000Z -c id,int,int,notnull \
	-c name,text,'nvarchar(40)',null -- 1,apple 2,fig 4,kiwi >s2.csv
zstd -q s2.csv -o s2.csv.zst
state() {
	sql d.db "SELECT * FROM orders ORDER BY id; SELECT * FROM _dbs_tables;
		SELECT count(*) FROM _dbs_runs WHERE status = 'ok'"
}
dbs-load --db d.db --quiet s1.csv
before=$(state)
size=$(wc -c <s2.csv.zst)
head -c $((size - 4)) s2.csv.zst >cut.zst
run dbs-load --db d.db cut.zst
expect 1 "" "dbs-load: cut.zst: zstd: truncated compressed data (it ends inside a frame)" \
	"a truncated .zst: one line"
python3 -c '
import sys
d = bytearray(open("s2.csv.zst", "rb").read())
d[len(d) // 2] ^= 0x55
sys.stdout.buffer.write(d)' >flip.zst
run dbs-load --db d.db flip.zst
is_status 1 "a damaged .zst fails"
is "$(sed 's/zstd: .*/zstd: MSG/' stderr)" "dbs-load: flip.zst: zstd: MSG" \
	"a damaged .zst: one line naming zstd"
(cat s2.csv.zst; printf 'garbage') >tail.zst
run dbs-load --db d.db tail.zst
expect 1 "" "dbs-load: tail.zst: zstd: Unknown frame descriptor" \
	"bytes after the last frame fail"
is "$(state)" "$before" "nothing committed by any of them"

bad=0
for ((n = 0; n < size; n++)); do
	head -c "$n" s2.csv.zst >cut.zst
	dbs-load --db d.db cut.zst 2>/dev/null
	st=$?
	[ "$st" = 1 ] || { bad=$((bad + 1)); diag "cut at $n: status $st"; }
done
is "$bad" 0 "cut at each of $size bytes: status 1"
is "$(state)" "$before" "cut at every byte: nothing committed"
run dbs-load --db d.db s2.csv.zst
is "$status $(sql d.db 'SELECT group_concat(name) FROM orders')" \
	"0 apple,fig,kiwi" "the whole file then loads"

done_testing
