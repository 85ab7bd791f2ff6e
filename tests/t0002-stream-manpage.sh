#!/usr/bin/env bash
# t0002-stream-manpage.sh - runs the shell examples of man/dbs-stream.5:
# every line "$ COMMAND" in a literal display is run with bash (after
# undoing the roff escape \e) and its output must equal the lines that
# follow it in the page up to the display's end or the next "$ " line.
# The example streams themselves are read by unit-stream_manpage.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

command -v xxhsum >/dev/null || skip_all "no xxhsum (Debian package xxhash)"

page=$TOP/man/dbs-stream.5
# Print the examples as records: "CMD<TAB>command", "OUT<TAB>line"...,
# "END<TAB>" at the end of each display.
awk '
	/^\.Bd -literal/ { lit = 1; next }
	/^\.Ed/ { if (lit) print "END\t"; lit = 0; next }
	lit && /^\$ / { print "CMD\t" substr($0, 3); next }
	lit { print "OUT\t" $0 }
' "$page" | sed 's/\\e/\\/g' >examples

n=0
cmd=""
want=""
check() {
	[ -n "$cmd" ] || return 0
	run bash -c "$cmd"
	expect 0 "$want" "" "dbs-stream(5): $cmd"
	n=$((n + 1))
}
while IFS=$'\t' read -r kind text; do
	case "$kind" in
	CMD)
		check
		cmd=$text
		want=""
		;;
	END)
		check
		cmd=""
		;;
	OUT)
		if [ -n "$cmd" ]; then
			want=${want:+$want
}$text
		fi
		;;
	esac
done <examples
ok "found the examples ($n)" test "$n" -ge 2

done_testing
