#!/bin/bash
# make install puts the module where the system smbd loads it and the man
# page in the man path; the integration suite then runs against the
# installed module with no preload or path tricks; make uninstall removes
# exactly what was installed. profileacl-check, its helper
# profileacl-decide and its page come with it, and the installed tool
# finds the installed helper. Then the same with the Debian package:
# build, lintian, install, integration suite, purge.
set -uo pipefail
cd "$(dirname "$0")/.." || exit
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh
# integration WHAT LOG: the integration suite against the installed
# module passes by its own exit status and closing line, with its row's
# count for this machine's samba
int_min=$(suite_min integration "$(dpkg-query -W -f='${Version}' samba)")
integration() {
	tests/netns-run.sh --installed /usr/bin/python3 \
		tests/test_integration.py >"$2" 2>&1
	local rc=$?
	check "integration suite against the $1 module: $(tail -1 "$2")" \
		"suite_ok integration '$2' $rc '$int_min'"
}

modulesdir=$(smbd -b | sed -n 's/^ *MODULESDIR: *//p')
so="$modulesdir/vfs/profileacl.so"
if [ -e "$so" ]; then
	fail "$so exists before the test: remove it first"
	summary install
	exit
fi

log=$(mktemp -d /tmp/profileacl-install.XXXXXX)
trap 'rm -rf "$log"' EXIT

# two configurations for profileacl-check, their state under $log: one
# with no share that names profileacl, one with a profile share
mkdir -p "$log/share" "$log/var"
printf '[global]\n' >"$log/plain.conf"
for d in lock state cache pid ncalrpc; do
	printf '\t%s directory = %s\n' "$d" "$log/var" >>"$log/plain.conf"
done
printf '\tprivate dir = %s\n' "$log/var" >>"$log/plain.conf"
cp "$log/plain.conf" "$log/profile.conf"
printf '[plain]\n\tpath = %s\n' "$log/share" >>"$log/plain.conf"
printf '[profiles]\n\tpath = %s\n\tvfs objects = profileacl\n' \
	"$log/share" >>"$log/profile.conf"
# check_tool WHAT TOOL: TOOL says there is nothing to check without a
# profile share, and with one it asks its helper, which connects the
# share with the installed module (a module smbd cannot load is a
# bad-options, module-stale, share-unusable or fake-perms problem): it
# checks (exit 0 or 1) rather than exit 2
check_tool() {
	local rc
	"$2" -s "$log/plain.conf" >"$log/tool-plain" 2>&1
	rc=$?
	check "the $1 profileacl-check: no profile share, exit 2 (rc $rc)" \
		"[ $rc -eq 2 ] && grep -qF 'no share in $log/plain.conf names profileacl' '$log/tool-plain'"
	"$2" -s "$log/profile.conf" >"$log/tool-profile" 2>&1
	rc=$?
	check "the $1 profileacl-check runs its helper on [profiles] (rc $rc)" \
		"tool_checked $rc '$log/tool-profile'" ||
		sed 's/^/     /' "$log/tool-profile"
}

# --- make install / uninstall
make install >"$log/install" 2>&1
check "make install puts profileacl.so in MODULESDIR/vfs" "[ -f '$so' ]"
man=$(man -w vfs_profileacl 2>/dev/null)
check "man finds vfs_profileacl(8) ($man)" "[ -n '$man' ]"
prefix=$(sed -n "s/^PREFIX = '\(.*\)'$/\1/p" build/c4che/_cache.py)
tool="$prefix/sbin/profileacl-check"
helper="$prefix/libexec/samba-vfs-profileacl/profileacl-decide"
check "make install puts profileacl-check in $prefix/sbin" "[ -x '$tool' ]"
check "and profileacl-decide in $prefix/libexec/samba-vfs-profileacl" \
	"[ -x '$helper' ]"
man_check=$(man -w profileacl-check 2>/dev/null)
check "man finds profileacl-check(8) in $prefix/share/man ($man_check)" \
	"[ -n '$man_check' ] &&
	 [ \"\$(realpath '$man_check')\" = '$prefix/share/man/man8/profileacl-check.8' ]"
check_tool installed "$tool"
integration installed "$log/int1"
make uninstall >"$log/uninstall" 2>&1
check "make uninstall removes profileacl.so" "[ ! -e '$so' ]"
check "make uninstall removes the man page" "[ ! -e '$man' ]"
check "make uninstall removes profileacl-check, its helper and its page" \
	"[ ! -e '$tool' ] && [ ! -e '$helper' ] && [ ! -e '$man_check' ]"
check "make uninstall leaves the system's folders, empty or not" \
	"[ -d '$prefix/sbin' ] && [ -d '$prefix/share/man/man8' ] &&
	 [ ! -e '$prefix/libexec/samba-vfs-profileacl' ]"
dest="$log/destdir"
DESTDIR="$dest" make install >/dev/null 2>&1
check "DESTDIR is honoured" "[ -f '$dest$so' ] && [ ! -e '$so' ]"
n=$(find "$dest" -type f | wc -l)
check "DESTDIR install holds exactly 5 files (module, tool, helper, 2 pages): $n" \
	"[ $n -eq 5 ] && [ -x '$dest$tool' ] && [ -x '$dest$helper' ]"

# --- Debian package
deb=$(scripts/build-deb.sh 2>"$log/deb.err" | grep -v dbgsym | tail -1)
check "dpkg-buildpackage builds $(basename "${deb:-none}")" "[ -f '$deb' ]"
if [ -f "$deb" ]; then
	# the release series, so that samba updates are never held back
	series=$(dpkg-query -W -f='${Version}' samba | cut -d. -f1-2)
	next="${series%.*}.$((${series##*.} + 1))"
	want="samba (>= $series~), samba (<< $next~)"
	dep=$(dpkg-deb -f "$deb" Depends)
	check "the package depends on the samba series: $want" \
		"grep -qF '$want' <<<'$dep'"
	# Debian's lintian, default profile, on the build's .changes: the
	# .deb, the dbgsym .deb and the .buildinfo. Only E: and W: fail;
	# -I shows the I: lines in the log, and the override of an I: tag
	# (vfs_profileacl.8, a module's page) proves it read the .deb. With
	# --show-overrides lintian counts an overridden error (the helper's
	# RUNPATH) in its exit status: the E: and W: lines judge the tags,
	# the status whether it ran.
	changes="${deb%.deb}.changes"
	lintian -I --show-overrides --fail-on none "$changes" \
		>"$log/lintian" 2>&1
	rc=$?
	check "lintian runs on $(basename "$changes") (exit status $rc)" \
		"[ $rc -eq 0 ] && grep -qF ' $(basename "$deb")' '$changes'"
	check "lintian read the package: its override for vfs_profileacl.8 shows" \
		"grep -q '^O: samba-vfs-profileacl: spare-manual-page' '$log/lintian'"
	check "and its override for profileacl-decide's RUNPATH to smbd's libraries" \
		"grep -q '^O: samba-vfs-profileacl: custom-library-search-path RUNPATH /usr/lib/[^ ]*/samba \[usr/libexec/samba-vfs-profileacl/profileacl-decide\]' '$log/lintian'"
	for k in E W; do
		check "lintian: no $k: line" "! grep -q '^$k:' '$log/lintian'" ||
			grep "^$k:" "$log/lintian"
	done
	check "it depends on python3-samba, and on no one samba build" \
		"grep -qw python3-samba <<<'$dep' && ! grep -q 'samba[-a-z0-9]* (=' <<<'$dep'"
	check "the package carries profileacl-rebuild and its trigger" \
		"dpkg-deb -c '$deb' >'$log/contents' &&
		 grep -q 'usr/sbin/profileacl-rebuild' '$log/contents' &&
		 dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./triggers \
		 >'$log/triggers' &&
		 grep -q 'interest-noawait .*libsmbd-base-.*\.so\.0' '$log/triggers'"
	for f in usr/sbin/profileacl-check \
		usr/libexec/samba-vfs-profileacl/profileacl-decide \
		usr/share/man/man8/profileacl-check.8.gz; do
		check "the package carries /$f" \
			"grep -q ' \./$f\$' '$log/contents'"
	done
	check "its source for rebuilds holds the helper's and the tool's" \
		"grep -q 'usr/src/samba-vfs-profileacl/vfs_profileacl/profileacl_decide.c$' '$log/contents' &&
		 grep -q 'usr/src/samba-vfs-profileacl/scripts/profileacl-check$' '$log/contents'"
	dpkg -i "$deb" >"$log/dpkg-i" 2>&1
	check "dpkg -i installs $so" "[ -f '$so' ]"
	check "dpkg -i installs the man page" \
		"[ -f /usr/share/man/man8/vfs_profileacl.8.gz ]"
	check "dpkg -i installs profileacl-check(8)" \
		"[ \"\$(man -w profileacl-check)\" = /usr/share/man/man8/profileacl-check.8.gz ]"
	check_tool packaged /usr/sbin/profileacl-check
	# and it quotes the message prepare-samba-tree.sh gives when the
	# mirror does not serve the installed samba's source
	check "man finds profileacl-rebuild(8): options, exit status, files, the missing source" \
		"MANWIDTH=80 man profileacl-rebuild >'$log/man' 2>&1 &&
		 grep -q '^OPTIONS' '$log/man' && grep -q '^EXIT STATUS' '$log/man' &&
		 grep -q '^FILES' '$log/man' && grep -q -- '--status' '$log/man' &&
		 grep -q -- '--force' '$log/man' &&
		 grep -q 'wait until the mirror serves it' '$log/man' &&
		 grep -q 'wait until the mirror serves it' scripts/prepare-samba-tree.sh"
	# Debian's hardening=+all: with relro, a read-only GOT once loaded
	check "the packaged module is linked with -z now (BIND_NOW)" \
		"readelf -d '$so' | grep -q 'FLAGS.*BIND_NOW'"
	check "profileacl-rebuild --status: current, the helper too" \
		"profileacl-rebuild --status >'$log/status' 2>&1 &&
		 grep -q '^helper state: *current' '$log/status'"
	# what a samba update does to the package: dpkg activates its file
	# trigger on libsmbd-base, and the postinst runs profileacl-rebuild
	for lib in "$modulesdir"/libsmbd-base-*.so.0; do break; done
	dpkg-trigger --no-await "$lib" >"$log/trigger" 2>&1 &&
		dpkg --triggers-only samba-vfs-profileacl >>"$log/trigger" 2>&1
	check "the libsmbd-base file trigger runs profileacl-rebuild ($(basename "$lib"))" \
		"grep -q 'profileacl-rebuild: the module and profileacl-decide are current for samba' '$log/trigger'"
	integration packaged "$log/int2"
	dpkg --purge samba-vfs-profileacl >"$log/purge" 2>&1
	check "dpkg --purge removes the module" "[ ! -e '$so' ]"
	check "and profileacl-check and its helper" \
		"[ ! -e /usr/sbin/profileacl-check ] &&
		 [ ! -e /usr/libexec/samba-vfs-profileacl/profileacl-decide ]"
	check "dpkg --purge removes the package" \
		"! dpkg-query -W samba-vfs-profileacl >/dev/null 2>&1"
fi

summary install
