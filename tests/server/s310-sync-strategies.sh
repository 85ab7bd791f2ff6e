#!/bin/bash
# s310-sync-strategies.sh - dbs-sync with strategy = segments and keys
# against the real server: the first run full, the next ones fetching
# what differs, found by the server's fingerprints (HASHBYTES) and key
# scan; the exactness cases made on the real server (the last bit of a
# float, a case-only change under its case-insensitive collation, a
# trailing blank, NULL becoming '', a row deleted and inserted again,
# values swapped between two columns and between two rows); after every
# run the table equals a full extract of the real server.
. "$(dirname "$0")/lib.sh"

strat=$(view strat)
data="[$S].[strat\$data]"
cat >r.conf <<CONF
[source]
server = $DBS_TEST_SERVER
database = $DBS_TEST_DATABASE
user = $DBS_TEST_USER
password-file = $DBS_TEST_PASSWORD_FILE

[sync]
db = r.db

[view seg]
view = $strat
key = id
strategy = segments

[view inc]
view = $strat
table = inc
key = id
since = modified
strategy = keys
CONF

# sync NAME: dbs-sync -v against the real server; the log line without
# its time and seconds in $log.
sync() {
	real_env dbs-sync -c r.conf -v "$@" </dev/null >sync.out 2>sync.err
	st=$?
	log=$(sed -E -e 's/^[0-9T:-]+Z //' -e 's/ seconds=[0-9.]+//' sync.err)
}
# same TABLE FLAGS...: TABLE equals a full extract of the real server.
same() {
	local t=$1
	shift
	real_extract --view "$strat" --key id "$@" </dev/null |
		dbs-load --db r.db --table "$t" --dry-run --summary json |
		grep -c '"inserted":0,"updated":0,"deleted":0'
}
check() {
	report "$([ "$st" = 0 ] && [ "$log" = "$2" ]; echo $?)" "$1" \
		"status $st: $log"
}

sync
check "sync: the first runs are full" "seg ok inserted=5 updated=0 deleted=0 unchanged=0 stream=full
inc ok inserted=5 updated=0 deleted=0 unchanged=0 stream=full"
sync
check "sync: nothing changed" "seg ok inserted=0 updated=0 deleted=0 unchanged=0 stream=segments
inc ok inserted=0 updated=0 deleted=0 unchanged=0 stream=keys"

srv_sql >/dev/null <<SQL
UPDATE $data SET f = 0.10000000000000002 WHERE id = 1
UPDATE $data SET name = N'ZOË' WHERE id = 2
UPDATE $data SET code = 'w ' WHERE id = 4
UPDATE $data SET name = N'' WHERE id = 3
DELETE FROM $data WHERE id = 5
INSERT INTO $data (id, name, code, f, a, b, modified) VALUES (5, N'five', 'v', 5.0, 10, 9, '2024-01-01 00:00:00')
go
SQL
sync seg
check "segments: the exactness cases" "seg ok inserted=0 updated=5 deleted=0 unchanged=0 stream=segments"
report "$([ "$(same seg --fingerprint)" = 1 ]; echo $?)" \
	"segments: the table equals a full extract"
srv_sql >/dev/null <<SQL
UPDATE $data SET a = 3, b = 1 WHERE id = 1
UPDATE $data SET a = 1, b = 4 WHERE id = 2
go
SQL
sync seg
check "segments: values swapped between two rows" "seg ok inserted=0 updated=2 deleted=0 unchanged=0 stream=segments"
report "$([ "$(same seg --fingerprint)" = 1 ]; echo $?)" \
	"segments: the table equals a full extract again"

srv_sql >/dev/null <<SQL
DELETE FROM $data WHERE id = 4
INSERT INTO $data (id, a, b, modified) VALUES (7, 1, 1, '2030-01-01 00:00:00')
INSERT INTO $data (id, a, b, modified) VALUES (8, 1, 1, '2000-01-01 00:00:00')
go
SQL
sync inc
check "keys: the deleted row, the new one, the one the watermark missed" "inc ok inserted=2 updated=0 deleted=1 unchanged=0 stream=keys"
sync seg
check "segments: the same changes" "seg ok inserted=2 updated=0 deleted=1 unchanged=0 stream=segments"
report "$([ "$(same seg --fingerprint)" = 1 ]; echo $?)" \
	"segments: the table equals a full extract at the end"

done_testing
