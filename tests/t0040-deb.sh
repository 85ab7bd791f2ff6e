#!/bin/bash
# t0040-deb.sh - make deb: the package builds from a copy of the tree,
# lintian finds nothing (warnings included), it holds the three programs
# (each runs from a scratch root), every man page, the units and the
# completion, the example config as a private conffile that an upgrade
# leaves as the admin edited it, Depends from the shared libraries;
# systemd-analyze accepts the units. Skipped where the tools are missing
# (scripts/deps.sh installs them), and in the sanitizer pass (the
# package is built once, with Debian's flags).
. "$(dirname "$0")/lib.sh"

case ${DBS_TEST_CFLAGS-} in
*-fsanitize=*) skip_all "the package is built in the plain pass" ;;
esac
for t in dpkg-buildpackage dh lintian systemd-analyze; do
	command -v "$t" >/dev/null 2>&1 || skip_all "no $t"
done

version=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
arch=$(dpkg --print-architecture)
deb=$SCRATCH/b/dbs_${version}_$arch.deb
run make -s -C "$TOP" O="$SCRATCH/b" deb
is_status 0 "make deb"
ok "make deb: $(basename "$deb")" test -f "$deb"
is "$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)" "$version" \
	"debian/changelog names the Makefile's version"

run lintian --fail-on warning,error --pedantic "$SCRATCH/b/deb/dbs_${version}_$arch.changes"
is_status 0 "lintian: status"
is "$(grep -v '^running with root privileges' stderr stdout | sed 's/^[a-z]*://')" "" \
	"lintian: no tag at all, pedantic ones included"

# --- what the package holds ---
mans=$(cd "$TOP/man" && printf '%s\n' *.1 *.5 | sort)
is "$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $1, $6 }' |
	grep -v -e ' ./usr/share/doc/' -e ' ./usr/share/man/')" \
	"-rw------- ./etc/dbs/dbs.conf
-rw-r--r-- ./lib/systemd/system/dbs-sync@.service
-rw-r--r-- ./lib/systemd/system/dbs-sync@.timer
-rwxr-xr-x ./usr/bin/dbs-extract
-rwxr-xr-x ./usr/bin/dbs-load
-rwxr-xr-x ./usr/bin/dbs-sync
-rw-r--r-- ./usr/share/bash-completion/completions/dbs-extract
-rw-r--r-- ./usr/share/bash-completion/completions/dbs-load
-rw-r--r-- ./usr/share/bash-completion/completions/dbs-sync
-rw-r--r-- ./usr/share/lintian/overrides/dbs" \
	"the programs, the units, the completion, a private example config"
is "$(dpkg-deb -c "$deb" | awk '{ print $6 }' |
	sed -n 's|^\./usr/share/man/man[15]/\(.*\)\.gz$|\1|p' | sort)" "$mans" \
	"every man page of man/"
ok "the README and the copyright" test "$(dpkg-deb -c "$deb" |
	grep -c -e 'doc/dbs/README.md.gz$' -e 'doc/dbs/copyright$')" = 2
is "$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ //; s/ .*//' | sort |
	tr '\n' ' ')" \
	"libc6 libcsv3 libinih1 libsqlite3-0 libsybdb5 libxxhash0 libyajl2 libzstd1 " \
	"Depends: the shared libraries the programs link"
mkdir ctl
dpkg-deb -e "$deb" ctl
is "$(cat ctl/conffiles)" "/etc/dbs/dbs.conf" "the config is a conffile"
is "$(cd ctl && ls)" "conffiles
control
md5sums" "no maintainer scripts"

# --- it runs from a scratch root ---
dpkg -x "$deb" root
for p in dbs-extract dbs-load dbs-sync; do
	run root/usr/bin/$p --version
	is "$status $(sed 's/ (freetds.*//' stdout)" "0 $p $version" \
		"$p --version from the package"
done
cmp -s root/etc/dbs/dbs.conf "$TOP/scripts/dbs.conf"
is "$?" 0 "the example config is scripts/dbs.conf"
run root/usr/bin/dbs-load --sync views -- -c root/etc/dbs/dbs.conf 3>views.out
expect 0 "" "" "the example config reads without an error"
is "$(tr '\0' ' ' <views.out)" "1 orders 0 " "... and names one view"

# --- systemd-analyze accepts the units (ExecStart pointed into the
# scratch root, where the program is)
mkdir units
sed "s|^ExecStart=/usr/bin/|ExecStart=$SCRATCH/root/usr/bin/|" \
	root/lib/systemd/system/dbs-sync@.service >units/dbs-sync@.service
cp root/lib/systemd/system/dbs-sync@.timer units/
ok "ExecStart runs the packaged dbs-sync on the instance's config" grep -q \
	"^ExecStart=$SCRATCH/root/usr/bin/dbs-sync -v -c /etc/dbs/%i.conf\$" \
	units/dbs-sync@.service
run systemd-analyze verify --man=no units/dbs-sync@.service units/dbs-sync@.timer
expect 0 "" "" "systemd-analyze verify"
printf '[Timer]\nOnCalendar=someday\n' >>units/dbs-sync@.timer
run systemd-analyze verify --man=no units/dbs-sync@.service units/dbs-sync@.timer
ok "... which would tell a bad timer" grep -q 'Failed to parse calendar' stderr

# --- installed by dpkg into a scratch root: an upgrade keeps the admin's
# config, private
R=$SCRATCH/dpkgroot
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
: >"$R/var/lib/dpkg/status"
: >"$R/var/lib/dpkg/available"
dpkg_root() {
	dpkg --root="$R" --force-depends --log=/dev/null "$@" >dpkg.out 2>&1
}
dpkg_root -i "$deb"
is "$?" 0 "dpkg -i into a scratch root"
is "$(stat -c '%a %U' "$R/etc/dbs/dbs.conf")" "600 root" "installed 0600"
printf '# the admin was here\n' >>"$R/etc/dbs/dbs.conf"
dpkg-deb -R "$deb" next
sed -i "s/^Version: .*/Version: $version+1/" next/DEBIAN/control
dpkg-deb -b next next.deb >/dev/null
dpkg_root -i next.deb
is "$?" 0 "an upgrade"
is "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${Version}' dbs)" \
	"$version+1" "... to the next version"
is "$(tail -n 1 "$R/etc/dbs/dbs.conf") $(stat -c %a "$R/etc/dbs/dbs.conf")" \
	"# the admin was here 600" "the upgrade kept the edited config, private"
dpkg_root -r dbs
ok "removed: the programs go, the config stays" \
	test ! -e "$R/usr/bin/dbs-load" -a -e "$R/etc/dbs/dbs.conf"
dpkg_root -P dbs
ok "purged: the config goes" test ! -e "$R/etc/dbs/dbs.conf"

done_testing
