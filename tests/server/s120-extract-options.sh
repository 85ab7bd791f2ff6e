#!/bin/bash
# s120-extract-options.sh - the SELECTs dbs-extract builds, run by the real
# server: --columns, --where, --key, --order-by, bracket-quoted names,
# --since at each type's own precision, --query, --plain, the watermark
# of dbs-load, and the messages of server errors; each compared with the
# test server's answer to the same command.
. "$(dirname "$0")/lib.sh"

orders=$(view orders)

both "columns, where, key" --view "$orders" --key id \
	--columns 'id, [region],amount' --where "region <> 'east' -- not east"
both "order-by two columns" --view "$orders" --key region,id \
	--order-by 'modified,id'
both "key matched without regard to case" --view "$orders" --key ID
both "brackets: a dot in a name, ] doubled" --view "$(view odd.name)" \
	--key '[a]]b]' --columns '[c d],[a]]b]' --format ndjson
both "schema and name as given" --view "$S.orders" --key id
both "plain" --view "$orders" --plain --columns id,note --key id

# Text and GUID keys: SPEC section 2 wants them "ordered the way SQLite
# orders them, where the server can, so the loader's merge-join stays on
# its fast path"; the test server sorts as SQLite does.
keys=$(view keys)
both "key order: nvarchar key in SQLite's order" --view "$keys" --key k
both "key order: varchar key in SQLite's order" --view "$keys" --key vk
both "key order: uniqueidentifier key in SQLite's order" --view "$keys" \
	--key g

# --since: a literal of the column's own type, compared by the server
for s in 'orders modified=2024-01-02 12:00:00.5000000' \
	'orders modified=2024-01-03 08:30:00.0000000' \
	'temporal x7=1969-12-31 23:59:59.9999999' \
	'temporal dt=2024-01-01 00:00:00.003' \
	'temporal d=2000-01-01' 'temporal t3=12:34:56.789' \
	'temporal o7=2024-01-01 00:00:00.0000000 +00:00' \
	'temporal sdt=2024-01-01 00:00:00' 'temporal x0=2000-01-01 00:00:00' \
	'ints i=0' 'ints b=0' 'ints bi=-1' 'decs d18_4=0' 'decs m=1.4999' \
	'decs d38_38=0.1' 'reals f=0.1' 'reals r=0.1' "texts nv=O'Brien" \
	'texts vc=plain' 'bins ts=00000000000007D1' \
	'bins vb=dead' 'guids g=00000000-0000-0000-0000-000000000000'; do
	both "since ${s%% *}.${s#* }" --view "$(view "${s%% *}")" --key id \
		--columns id --since "${s#* }"
done
both "since: a value not of the column's type" --view "$(view decs)" \
	--since d18_4=0.00001

# the watermark dbs-load keeps is a valid --since value on the server
real_extract --view "$orders" --key id |
	dbs-load --db inc.db --table orders --watermark modified --quiet
wm=$(dbs-load --db inc.db --state orders |
	awk -F '\t' '$1 == "watermark" { print $2 "=" $3 }')
both "since the watermark dbs-load stored ($wm)" --view "$orders" \
	--key id --since "$wm"

# --query: verbatim
both "query" --key id \
	--query "SET NOCOUNT ON; SELECT id, note FROM $orders WHERE id < 3"
both "query: two result sets" --query 'SELECT 1 AS a; SELECT 2 AS b'
both "query: no result set" --query 'SET NOCOUNT ON'
both "query: a column without a name" --query 'SELECT 1'

# errors from the server: one line, exit 1, no stream
both_error "error: unknown view" --view "[$S].[nosuch]"
both_error "error: unknown column" --view "$orders" --columns nosuch
both_error "error: syntax" --view "$orders" --where "region <>"

done_testing
