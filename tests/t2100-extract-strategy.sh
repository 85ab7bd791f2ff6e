#!/bin/bash
# t2100-extract-strategy.sh - keys in SQLite's order (text under a
# case-insensitive collation, GUIDs), --fingerprint, and --strategy keys
# and segments against the local side (dbs-load --serve): what they ask
# the server, the streams they write, and that the table they lead to
# equals a full extract. Over TDS 5.0 (Sybase ASE): no collation clause,
# keys works, segments and --fingerprint are refused.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_fixture fx.db "$TOP/tests/fixtures/extract/strategy.json"
tds_start fx.db
export DBS_PASSWORD=secret
S=$TDS_SERVER
X=(dbs-extract -S "$S" -U dbs)

sent() {
	grep ' batch: ' "$TDS_LOG" | grep -v 'set textsize' | tail -"${1:-1}" |
		head -1 | sed 's/^.* batch: //'
}
# body FILE: the data rows of a CSV stream, without the names row.
body() { sed -n '/^[^#]/p' "$1" | sed '1d'; }
# same DB [--fingerprint]: the table s of DB equals a full extract, value
# for value (and fingerprint for fingerprint).
same() {
	"${X[@]}" --view dbo.s --key id "${@:2}" | dbs-load --db "$1" --dry-run \
		--summary json --table s | grep -o '"inserted":0,"updated":0,"deleted":0'
}

# ---- the key order ----
for k in k vk; do
	run "${X[@]}" --view dbo.keys --key "$k" --columns "$k"
	if tds_ase; then
		is "$(sent)" "SELECT [$k] FROM [dbo].[keys] ORDER BY [$k]" \
			"key order $k: nothing added on ASE"
	else
		want="[$k] COLLATE Latin1_General_BIN2"
		[ "$k" = k ] || want="CAST([vk] AS nvarchar(10)) COLLATE Latin1_General_BIN2"
		is "$(sent)" "SELECT [$k] FROM [dbo].[keys] ORDER BY $want" \
			"key order $k: a binary collation on the server"
		is "$(body stdout | tr '\n' ' ')" "B Z _x a ab é " \
			"key order $k: the rows in SQLite's order"
		run "${X[@]}" --query "SELECT $k FROM dbo.keys ORDER BY $k"
		is "$(body stdout | tr '\n' ' ')" "_x a ab B é Z " \
			"key order $k: the server's own collation sorts otherwise"
	fi
done
if ! tds_ase; then
	run "${X[@]}" --view dbo.keys --key g --columns g,n
	is "$(sent)" "SELECT [g], [n] FROM [dbo].[keys] ORDER BY CONVERT(char(36), [g]) COLLATE Latin1_General_BIN2" \
		"key order GUID: by its text"
	is "$(body stdout | cut -d, -f2 | tr '\n' ' ')" "2 1 4 6 3 5 " \
		"key order GUID: the rows in SQLite's order"
	run "${X[@]}" --query "SELECT n FROM dbo.keys ORDER BY g"
	is "$(body stdout | tr '\n' ' ')" "3 5 6 2 1 4 " \
		"key order GUID: SQL Server sorts by the last group first"
fi

# ---- usage ----
run "${X[@]}" --view dbo.s --key id --strategy segments
expect 2 "" "dbs-extract: --strategy segments needs the local side's command after -- (dbs-load --db FILE --serve TABLE)" \
	"a strategy needs the local side"
run "${X[@]}" --view dbo.s --key id -- dbs-load --db x.db --serve s
expect 2 "" "dbs-extract: a command after -- needs --strategy keys or segments" \
	"the local side needs a strategy"
run "${X[@]}" --view dbo.s --strategy keys --since modified=2024-01-01 -- true
expect 2 "" "dbs-extract: --strategy needs --view and --key, and no --plain" \
	"a strategy needs a key"
run "${X[@]}" --view dbo.s --key id --strategy keys -- true
expect 2 "" "dbs-extract: --strategy keys needs --since (the rows changed since the last sync come with the key scan)" \
	"keys needs --since"
run "${X[@]}" --view dbo.s --key id --strategy segments \
	--since 'modified=2024-01-01 00:00:00.000' -- true
expect 2 "" "dbs-extract: --strategy segments compares every row: no --since" \
	"segments takes no --since"
run "${X[@]}" --view dbo.s --key id --strategy rows -- true
expect 2 "" "dbs-extract: --strategy: \"rows\" is not full, keys or segments" \
	"an unknown strategy"
run "${X[@]}" --view dbo.s --key id --order-by name --fingerprint
expect 2 "" "dbs-extract: --fingerprint sorts by the key: no other --order-by" \
	"--fingerprint sorts by the key"

# ---- keys ----
wm='modified=2024-01-01 00:00:00.000'
tds_ase && wm='modified=2024-01-01 00:00:00.000000'
"${X[@]}" --view dbo.s --key id | dbs-load --db k.db --table s --quiet \
	--watermark modified
run "${X[@]}" --view dbo.s --key id --since "$wm" --strategy keys \
	-- dbs-load --db k.db --serve s
is_status 0 "keys, nothing changed"
is "$(grep '^#dbs-stream\|^#meta,ranges' stdout | tr '\n' ' ')" \
	"#dbs-stream,2 #meta,ranges,0 " "keys, nothing changed: no ranges"
is "$(body stdout)" "" "keys, nothing changed: no rows"
sqlite3 fx.db "DELETE FROM \"dbo.s\" WHERE id = 3;
	UPDATE \"dbo.s\" SET a = 99, modified = '2024-02-01 00:00:00.000' WHERE id = 2;
	INSERT INTO \"dbo.s\"(id, code, a, b, modified) VALUES (6, 'late', 1, 1, '2023-12-31 00:00:00.000')"
tds_ase && sqlite3 fx.db "UPDATE \"dbo.s\" SET modified = modified || '000' WHERE length(modified) = 23"
run "${X[@]}" --view dbo.s --key id --since "$wm" --strategy keys \
	-- dbs-load --db k.db --serve s
is "$(grep '^#meta,ranges' stdout)" "#meta,ranges,2,[1:3,1:3],[1:6,1:6]" \
	"keys: the gone key and the one the watermark missed"
is "$(body stdout | cut -d, -f1 | tr '\n' ' ')" "2 6 " \
	"keys: the changed row and the missed one"
cp stdout keys.csv
run dbs-load --db k.db keys.csv
expect 0 "" "dbs-load: s: 1 inserted, 1 updated, 1 deleted, 0 unchanged (merge, ranges)" \
	"keys: loaded"
is "$(same k.db)" '"inserted":0,"updated":0,"deleted":0' "keys: the table equals a full extract"

if tds_ase; then
	run "${X[@]}" --view dbo.s --key id --fingerprint
	expect 1 "" "dbs-extract: --fingerprint: Sybase ASE has no HASHBYTES with SHA-256 in the form dbs-extract sends; use --strategy keys or full" \
		"ASE: no fingerprints"
	done_testing
fi

# ---- --fingerprint ----
run "${X[@]}" --view dbo.s --key id --fingerprint
is "$(grep '^#meta,fingerprint\|^#column,_dbs_fp' stdout | tr '\n' ' ')" \
	"#meta,fingerprint,_dbs_fp #column,_dbs_fp,int,bigint,null " \
	"--fingerprint: the meta and the last column"
cp stdout fp1.csv
run "${X[@]}" --view dbo.s --key id --fingerprint
is "$(body stdout)" "$(body fp1.csv)" "--fingerprint: the same rows, the same fingerprints"

# ---- segments ----
dbs-load --db s.db --table s --quiet fp1.csv
run "${X[@]}" --view dbo.s --key id --strategy segments \
	-- dbs-load --db s.db --serve s
is "$(grep '^#meta,ranges\|^#meta,fingerprint' stdout | tr '\n' ' ')" \
	"#meta,ranges,0 #meta,fingerprint,_dbs_fp " "segments, nothing changed"
is "$(sent 2 | cut -c 1-480)" "$(printf '%s' "SELECT [_dbs_p], COUNT_BIG(*), CAST(SUM([_dbs_fp] / CAST(4294967296 AS bigint)) AS bigint), CAST(SUM([_dbs_fp] % CAST(4294967296 AS bigint)) AS bigint) FROM (SELECT CASE WHEN [id] < 1 THEN -1 WHEN [id] >= 257 THEN -2 ELSE ([id] - CAST(1 AS bigint)) / CAST(1 AS bigint) END AS [_dbs_p], CAST(CAST(HASHBYTES('SHA2_256', CONCAT(CAST(N'' AS nvarchar(max)), [id], N'|', DATALENGTH([name]), N':', [name], DATALENGTH([code]), N':', [code], CAST(CAST([f] AS varbinary(8)) AS bigint), N'|', [a], N'|', [b], N'|', CAST([d] AS varchar(40)), N'|', CAST([m] AS decimal(19,4)), N'|', CAST(CAST(HASHBYTES('SHA2_256', CAST([bin] AS varbinary(max))) AS binary(8)) AS bigint), N'|', [g], N'|', CAST([modified] AS varchar(40)), N'|')) AS binary(8)) AS bigint) AS [_dbs_fp] FROM [dbo].[s] WHERE 1 = 1) AS [_dbs_x] GROUP BY [_dbs_p] ORDER BY [_dbs_p]" | cut -c 1-480)" \
	"segments: the fingerprints of cells, computed by the server"
# the test server keeps the derived table that computes the fingerprint
# a subquery, so that SQLite computes it once a row rather than once for
# each of the two sums over it
is "$(grep ' sqlite: SELECT ._dbs_p. ' "$TDS_LOG" | tail -1 |
	grep -c 'LIMIT -1 ) AS ._dbs_x. ')" 1 \
	"segments: the test server hashes a row once for the grid"
# the exactness cases, one row each; and a deleted and a new row
sqlite3 fx.db "UPDATE \"dbo.s\" SET f = 0.10000000000000002 WHERE id = 1;
	UPDATE \"dbo.s\" SET name = 'ZOË' WHERE id = 2;
	UPDATE \"dbo.s\" SET code = 'w ' WHERE id = 4;
	UPDATE \"dbo.s\" SET a = 10, b = 9 WHERE id = 5;
	INSERT INTO \"dbo.s\"(id, name, a, b, modified) VALUES (3, '', 1, 1, '2024-01-01 00:00:00.000');
	DELETE FROM \"dbo.s\" WHERE id = 6;
	INSERT INTO \"dbo.s\"(id, a, b, modified) VALUES (300, 1, 1, '2024-01-01 00:00:00.000')"
run "${X[@]}" --view dbo.s --key id --strategy segments \
	-- dbs-load --db s.db --serve s
is_status 0 "segments: status"
is "$(grep '^#meta,ranges' stdout)" \
	"#meta,ranges,7,[1:1,1:1],[1:2,1:2],[1:3,1:3],[1:4,1:4],[1:5,1:5],[1:6,1:6],[3:300,3:300]" \
	"segments: the keys that differ, and only those"
cp stdout seg.csv
run dbs-load --db s.db seg.csv
expect 0 "" "dbs-load: s: 2 inserted, 4 updated, 1 deleted, 0 unchanged (merge, ranges)" \
	"segments: loaded"
is "$(same s.db --fingerprint)" '"inserted":0,"updated":0,"deleted":0' \
	"segments: the table equals a full extract"
is "$(sql s.db "SELECT count(*) FROM s WHERE _dbs_fp IS NULL")" 0 \
	"segments: every row keeps its fingerprint"

# the leaves of the grid: their rows by key range and cell number, one
# statement for cells close together; the rows of the equal cells
# between them neither sent nor fetched (keys 1000-4999 and
# 100000-100200 dense: the changes at 2000 and 2040 are cells 124 and
# 127 of 16 keys, 100100 cell 6256, too far for the same statement)
sqlite3 fx.db "WITH RECURSIVE n(i) AS (SELECT 1000 UNION ALL SELECT i + 1
	FROM n WHERE i < 100200) INSERT INTO \"dbo.s\"(id, name, a, b, modified)
	SELECT i, 'r' || i, i % 7, 1, '2024-01-01 00:00:00.000' FROM n
	WHERE i < 5000 OR i >= 100000"
"${X[@]}" --view dbo.s --key id --fingerprint |
	dbs-load --db g.db --table s --quiet
sqlite3 fx.db "UPDATE \"dbo.s\" SET a = 99 WHERE id IN (2000, 2040, 100100)"
n0=$(wc -l <"$TDS_LOG")
run "${X[@]}" --view dbo.s --key id --strategy segments \
	-- dbs-load --db g.db --serve s
is "$(grep '^#meta,ranges' stdout)" \
	"#meta,ranges,3,[4:2000,4:2000],[4:2040,4:2040],[6:100100,6:100100]" \
	"segments: the leaves' rows that differ, and only those"
is "$(tail -n +"$n0" "$TDS_LOG" | grep ' sqlite: ' | grep -o 'IN ( [0-9 ,]* ) ORDER' |
	tr '\n' ' ')" "IN ( 124 , 127 ) ORDER IN ( 6256 ) ORDER " \
	"segments: the leaves by cell, two statements for cells far apart"
dbs-load --db g.db --quiet stdout
is "$(same g.db --fingerprint)" '"inserted":0,"updated":0,"deleted":0' \
	"segments: the leaves' table equals a full extract"

# the local side fails: one line, status 1
run "${X[@]}" --view dbo.s --key id --strategy segments \
	-- dbs-load --db s.db --serve nosuch
expect 1 "" "dbs-extract: local table (dbs-load): --serve: s.db: no table nosuch loaded by dbs-load" \
	"segments: the local table is missing"
# a local side that answers and ends without reading the question: its
# answer is the message (when it ended before the question was written,
# dbs-extract reads the answer on EPIPE rather than report the broken
# pipe: seen once under load, not made to happen here)
cat >gone.sh <<'SH'
exec 0<&-
printf '5:error15:it gave up here\n'
SH
for i in 1 2 3 4 5; do
	run "${X[@]}" --view dbo.s --key id --strategy segments -- sh gone.sh
	expect 1 "" "dbs-extract: local table (sh): it gave up here" \
		"segments: a local side that ended first, run $i"
done
run "${X[@]}" --view dbo.s --key id --strategy segments -- ./no-such-program
expect 1 "" "dbs-extract: local table (./no-such-program): No such file or directory" \
	"segments: the local side cannot start"
run "${X[@]}" --view dbo.keys --key k --strategy segments \
	-- dbs-load --db s.db --serve s
expect 1 "" "dbs-extract: local table (dbs-load): its table has another key" \
	"segments: the local table has another key"

done_testing
