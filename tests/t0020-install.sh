#!/bin/bash
# t0020-install.sh - make install and make uninstall with PREFIX and
# DESTDIR: the programs, dbs-sync, the man pages, the systemd units
# (running the dbs-sync of PREFIX) and the bash completion, with their
# modes; the installed programs run; the completion completes.
. "$(dirname "$0")/lib.sh"

inst=$SCRATCH/root
# an install under another PREFIX first: the unit must be made again
run make -s -C "$TOP" O="$DBS_BUILD" PREFIX=/opt/other DESTDIR="$SCRATCH/x" \
	install
is_status 0 "make install under another PREFIX"
run make -s -C "$TOP" O="$DBS_BUILD" PREFIX=/opt/dbs DESTDIR="$inst" install
is_status 0 "make install"
want=$(
	cd "$TOP/man" && for f in *.1 *.5; do
		printf '644 ./opt/dbs/share/man/man%s/%s\n' "${f##*.}" "$f"
	done
	printf '%s\n' "755 ./opt/dbs/bin/dbs-extract" \
		"755 ./opt/dbs/bin/dbs-load" "755 ./opt/dbs/bin/dbs-sync" \
		"644 ./opt/dbs/lib/systemd/system/dbs-sync@.service" \
		"644 ./opt/dbs/lib/systemd/system/dbs-sync@.timer"
	for p in dbs-extract dbs-load dbs-sync; do
		printf '644 ./opt/dbs/share/bash-completion/completions/%s\n' "$p"
	done
)
is "$(cd "$inst" && find . -type f -printf '%m %p\n' | sort)" \
	"$(sort <<<"$want")" "installed files and modes"
run "$inst/opt/dbs/bin/dbs-load" --version
expect 0 "dbs-load 0.1.0" "" "installed dbs-load runs"
run "$inst/opt/dbs/bin/dbs-sync" --version
expect 0 "dbs-sync 0.1.0" "" "installed dbs-sync runs"
is "$(grep '^ExecStart=' "$inst/opt/dbs/lib/systemd/system/dbs-sync@.service")" \
	"ExecStart=/opt/dbs/bin/dbs-sync -v -c /etc/dbs/%i.conf" \
	"the service runs the dbs-sync of PREFIX"
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir units
	sed "s|=/opt/dbs/|=$inst/opt/dbs/|" \
		"$inst/opt/dbs/lib/systemd/system/dbs-sync@.service" \
		>units/dbs-sync@.service
	cp "$inst/opt/dbs/lib/systemd/system/dbs-sync@.timer" units/
	run systemd-analyze verify --man=no units/dbs-sync@.service \
		units/dbs-sync@.timer
	expect 0 "" "" "systemd-analyze verify"
fi

# --- the completion, as bash-completion loads it ---
comp=$inst/opt/dbs/share/bash-completion/completions
cmp -s "$comp/dbs-load" "$comp/dbs-sync" && cmp -s "$comp/dbs-load" \
	"$comp/dbs-extract"
is "$?" 0 "one completion file under each name"
mkdir comp.d
cd comp.d || exit 1
printf '[source]\nserver = h\n[view orders]\ndb = x.db\n[view orders.eu]\ndb = y.db\n' \
	>c.conf
: >a.csv
: >b.csv.zst
mkdir sub
# complete_words WORDS...: what completing the last word offers, one a
# line.
complete_words() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		case $1 in
		dbs-load) _dbs_load ;; dbs-sync) _dbs_sync ;; *) _dbs_extract ;;
		esac
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$comp/dbs-load" "$@"
}
is "$(complete_words dbs-load --mo)" "--mode" "dbs-load --mo: --mode"
is "$(complete_words dbs-load --mode '')" "append
merge
replace" "dbs-load --mode: the modes"
is "$(complete_words dbs-load --progress-l)" "--progress-label" \
	"options come from --help"
is "$(complete_words dbs-load --db x.db '')" "a.csv
b.csv.zst
c.conf
sub" "dbs-load: the input files"
is "$(complete_words dbs-extract --encrypt re)" "request
require" "dbs-extract --encrypt re"
is "$(complete_words dbs-sync -c c.conf '')" "orders
orders.eu" "dbs-sync: the config's views (listed by dbs-load --sync views)"
is "$(complete_words dbs-sync --config=c.conf orders.)" "orders.eu" \
	"dbs-sync --config=FILE: its views"
is "$(complete_words dbs-sync -c '')" "c.conf
sub" "dbs-sync -c: config files"
is "$(complete_words dbs-sync --log-format '')" "json
text" "dbs-sync --log-format"
cd .. || exit 1

run make -s -C "$TOP" O="$DBS_BUILD" PREFIX=/opt/dbs DESTDIR="$inst" uninstall
is_status 0 "make uninstall"
is "$(find "$inst" -type f | wc -l)" 0 "nothing left after uninstall"

done_testing
