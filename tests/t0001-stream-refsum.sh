#!/usr/bin/env bash
# t0001-stream-refsum.sh - cross-checks the checksums of the valid stream
# fixtures (tests/fixtures/stream/*.tx ending in "ok") with an independent
# implementation: tests/fixtures/stream/refsum.py parses the rows itself,
# builds the canonical row encoding of dbs-stream(5) and hashes it with
# `xxhsum -H3`. The reader's own agreement with the same trailers is
# tested by unit-stream_fixtures, so together they tie libdbs's checksum
# to xxhsum's.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

command -v xxhsum >/dev/null || skip_all "no xxhsum (Debian package xxhash)"
command -v python3 >/dev/null || skip_all "no python3"

fix=$TOP/tests/fixtures/stream
n=0
for tx in "$fix"/*.tx; do
	[ "$(tail -n 1 "$tx")" = ok ] || continue
	base=${tx%.tx}
	for f in "$base.csv" "$base.ndjson"; do
		[ -f "$f" ] || continue
		run python3 "$fix/refsum.py" "$f"
		read -r _ rows got want <stdout
		is "$got" "$want" "$(basename "$f"): checksum of $rows rows"
		is "$(grep -c '^row ' "$tx")" "$rows" \
			"$(basename "$f"): same row count as the transcript"
		n=$((n + 1))
	done
done
ok "found the valid fixtures ($n)" test "$n" -ge 20

# The worked example of dbs-stream(5).
run bash -c "printf '2:10-3:a,b0:\n' | xxhsum -H3"
expect 0 "XXH3 (stdin) = 9626fe5ca05c1ba2" "" "xxhsum of the worked example"

done_testing
