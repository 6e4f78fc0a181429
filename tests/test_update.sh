#!/bin/bash
# Samba updates on a Debian 12 server, with real packages, in a bookworm
# root (samba-src/bookworm-root, made once and reused):
#
#  1. samba 2:4.17.12+dfsg-0+deb12u2 (bookworm-updates), then the
#     samba-vfs-profileacl package (built on this machine for +deb12u4):
#     its postinst rebuilds the module for +deb12u2, and a profile sync
#     works (the integration suite against the installed module).
#  2. A rebuild that cannot run: without a deb-src entry, "apt-get upgrade"
#     to +deb12u4 completes, nothing is held back, apt's output says what
#     to do, and the stale module refuses to load: the share refuses
#     connections and smbd's log names both builds.
#  3. Back to +deb12u2 with the source reachable, then "apt-get upgrade" to
#     +deb12u4: the dpkg trigger rebuilds the module with no manual step,
#     nothing is held back, and the profile sync works again.
#  In each, profileacl-check's helper profileacl-decide follows the
#  module: it runs where the module loads and refuses where it does not.
#  4. The module built for +deb12u2, copied in by hand, refuses to load.
#
# Prints the rebuild times; ends with "update: N passed, N failed". A set-up
# step that fails (debootstrap, apt in the root) is a counted failure.
# PROFILEACL_DEBIAN_MIRROR: the mirror debootstrap uses for a new root.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=scripts/lib-root.sh
. scripts/lib-root.sh

R="$top/samba-src/bookworm-root"
U2=2:4.17.12+dfsg-0+deb12u2
U4=2:4.17.12+dfsg-0+deb12u4
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh
finish() {
	summary update
	exit
}
log=$(mktemp -d /tmp/profileacl-update.XXXXXX)
trap 'rm -rf "$log"' EXIT

samba_version() {
	dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Version}' samba
}
# every installed package built from the samba source
samba_packages() {
	dpkg-query --admindir="$R/var/lib/dpkg" -W \
		-f='${Package} ${source:Package} ${Status}\n' |
		awk '$2 == "samba" && $NF == "installed" {print $1}'
}
deb_src() {
	local types="deb deb-src"
	[ "$1" = on ] || types="deb"
	sed -i "s/^Types:.*/Types: $types/" \
		"$R/etc/apt/sources.list.d/debian.sources"
	in_root "$R" apt-get update -qq >/dev/null 2>&1
}
# every samba package at its bookworm-updates (+deb12u2) version
to_u2() {
	local p v want=""
	for p in $(samba_packages); do
		v=$(in_root "$R" apt-cache madison "$p" |
			awk -F'|' '/bookworm-updates/ {gsub(/ /, "", $2); print $2; exit}')
		want="$want $p${v:+=$v}"
	done
	# shellcheck disable=SC2086
	in_root "$R" apt-get install -y -q --allow-downgrades $want >"$1" 2>&1
}
# the suites below pass by their own exit status and closing line, with
# their rows' counts for the root's samba (tests/lib-suite.sh)
integration() {
	PROFILEACL_SAMBA_ROOT=$R PROFILEACL_TEST_ROOT=/tmp/profileacl-update \
		tests/netns-run.sh --installed /usr/bin/python3 \
		tests/test_integration.py >"$1" 2>&1
	local rc=$?
	suite_ok integration "$1" $rc "$(suite_min integration "$(samba_version)")"
}
guard() {
	PROFILEACL_SAMBA_ROOT=$R PROFILEACL_GUARD_ROOT=/tmp/profileacl-update \
		PROFILEACL_GUARD_BUILT_FOR=$1 tests/netns-run.sh --installed \
		/usr/bin/python3 tests/test_load_guard.py >"$2" 2>&1
	local rc=$?
	suite_ok load-guard "$2" $rc "$(suite_min load-guard "$(samba_version)")"
}
rebuild_time() {
	sed -n 's/.*profileacl-rebuild: done in \([0-9]*\) s.*/\1/p' "$1" |
		tail -1
}
# tool_check OUT CMD [ARGS...]: CMD -s CONF ARGS in the root, CONF with a
# profile share of its own; sets rc (profileacl-check: 0 or 1, its helper
# ran; 2, it could not check)
tool_check() {
	local d=/tmp/profileacl-update-check out=$1
	shift
	mkdir -p "$R$d/share" "$R$d/var"
	printf '[global]\n\tlock directory = %s\n\tstate directory = %s\n\tcache directory = %s\n\tpid directory = %s\n\tncalrpc dir = %s\n\tprivate dir = %s\n[profiles]\n\tpath = %s/share\n\tvfs objects = profileacl\n' \
		"$d/var" "$d/var" "$d/var" "$d/var" "$d/var" "$d/var" "$d" >"$R$d/smb.conf"
	in_root "$R" "$1" -s "$d/smb.conf" "${@:2}" >"$out" 2>&1
	rc=$?
	rm -rf "${R:?}$d"
}
modulesdir=/usr/lib/x86_64-linux-gnu/samba
module="$R$modulesdir/vfs/profileacl.so"
build_id() {
	readelf -n "$R$modulesdir"/libsmbd-base-*.so.0 |
		sed -n 's/.*Build ID: *//p'
}

# --- the root: Debian 12 with samba +deb12u2 and Samba's build deps
if ! make_root "$R" bookworm "bookworm bookworm-updates" \
	samba-src/debootstrap-bookworm.log; then
	fail "debootstrap made no bookworm root (samba-src/debootstrap-bookworm.log)"
	finish
fi
# python3-samba: profileacl-check needs it, and with it installed first
# the package's dependency on it does not upgrade samba
if [ ! -f "$R/.profileacl-update-root" ] ||
   ! dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' python3-samba \
	2>/dev/null | grep -q 'ok installed'; then
	echo "-- preparing the bookworm root (once)"
	if ! in_root "$R" apt-get update -qq ||
	   ! in_root "$R" apt-get install -y -qq --no-install-recommends \
		-t bookworm-updates samba samba-vfs-modules smbclient acl attr \
		python3-samba >/dev/null ||
	   ! in_root "$R" apt-get build-dep -y -qq samba >/dev/null; then
		fail "the bookworm root could not be prepared (apt-get in $R)"
		finish
	fi
	touch "$R/.profileacl-update-root"
fi
# a run starts from +deb12u2 without the package
in_root "$R" dpkg --purge samba-vfs-profileacl >/dev/null 2>&1
deb_src on || { fail "apt-get update in the root (deb-src on)"; finish; }
to_u2 "$log/reset"
check "the root runs samba $U2" "[ '$(samba_version)' = '$U2' ]"
u2_id=$(build_id)
[ -n "$u2_id" ] || { fail "no build ID in the root's libsmbd-base"; finish; }

# --- 1. install the package (built here for +deb12u4)
deb=$(PROFILEACL_DEB_DIR="$top/build/update" scripts/build-deb.sh \
	2>"$log/deb.err" | grep -v dbgsym | tail -1)
check "the package builds: $(basename "${deb:-none}")" "[ -f '$deb' ]"
[ -f "$deb" ] || finish
cp "$deb" "$R/tmp/profileacl.deb"
start=$(date +%s)
in_root "$R" apt-get install -y -q /tmp/profileacl.deb >"$log/install" 2>&1
check "apt installs the package on samba $U2" \
	"dpkg-query --admindir='$R/var/lib/dpkg' -W samba-vfs-profileacl \
	>/dev/null 2>&1"
t1=$(rebuild_time "$log/install")
echo "     rebuild on install: ${t1:-?} s (apt-get install: $(($(date +%s) - start)) s)"
check "its postinst rebuilt the module for $U2" \
	"grep -q 'done in .* current for samba $U2' '$log/install'"
check "profileacl-rebuild --status: current" \
	"in_root '$R' profileacl-rebuild --status >'$log/status1' 2>&1"
integration "$log/int1"
ok=$?
check "a profile sync works on $U2: $(tail -1 "$log/int1")" "[ $ok -eq 0 ]"
tool_check "$log/tool1" profileacl-check
check "profileacl-decide, rebuilt with it, runs on $U2 (profileacl-check rc $rc)" \
	"tool_checked \$rc '$log/tool1'" || sed 's/^/     /' "$log/tool1"
cp "$module" "$log/profileacl-u2.so"

# --- 2. the rebuild cannot run (no source): the upgrade still completes
deb_src off || fail "apt-get update in the root (deb-src off)"
start=$(date +%s)
in_root "$R" apt-get upgrade -y -q >"$log/upgrade-nosrc" 2>&1
rc=$?
check "apt-get upgrade without a deb-src entry exits 0 (rc $rc)" \
	"[ $rc -eq 0 ]"
check "samba is upgraded to $U4" "[ '$(samba_version)' = '$U4' ]"
check "nothing is held back" \
	"grep -q ' 0 not upgraded' '$log/upgrade-nosrc'"
check "apt's output says the rebuild failed and what to do" \
	"grep -q 'profileacl-rebuild: FAILED' '$log/upgrade-nosrc' &&
	 grep -q 'fix the cause, then run: profileacl-rebuild' '$log/upgrade-nosrc'"
check "profileacl-rebuild --status: stale" \
	"! in_root '$R' profileacl-rebuild --status >'$log/status2' 2>&1 &&
	 grep -q 'stale: smbd refuses to load it' '$log/status2'"
guard "$u2_id" "$log/guard1"
ok=$?
check "the stale module refuses to load, the share refuses connections" \
	"[ $ok -eq 0 ]"
grep -E '^(ok|FAIL)' "$log/guard1" | sed 's/^/     /'
# profileacl-check finds the stale module first; its helper, asked
# directly, refuses as well
tool_check "$log/tool2" /usr/libexec/samba-vfs-profileacl/profileacl-decide \
	share profiles
check "the stale profileacl-decide refuses to run, exit 2 (rc $rc)" \
	"[ $rc -eq 2 ] &&
	 grep -qF 'profileacl-decide was built for samba $U2, not the installed one; rebuild it: profileacl-rebuild' '$log/tool2'" ||
	sed 's/^/     /' "$log/tool2"

# --- 3. back to +deb12u2, source reachable; then the real upgrade
deb_src on || fail "apt-get update in the root (deb-src on)"
to_u2 "$log/down"
check "back on $U2, where the $U2 module is current" \
	"in_root '$R' profileacl-rebuild --status >'$log/status3' 2>&1"
start=$(date +%s)
in_root "$R" apt-get upgrade -y -q >"$log/upgrade" 2>&1
rc=$?
t2=$(rebuild_time "$log/upgrade")
echo "     rebuild on upgrade: ${t2:-?} s (apt-get upgrade: $(($(date +%s) - start)) s)"
check "apt-get upgrade exits 0 (rc $rc)" "[ $rc -eq 0 ]"
check "samba is upgraded to $U4" "[ '$(samba_version)' = '$U4' ]"
check "nothing is held back" "grep -q ' 0 not upgraded' '$log/upgrade'"
check "the trigger rebuilt the module for $U4, no manual step" \
	"grep -q 'done in .* current for samba $U4' '$log/upgrade'"
check "profileacl-rebuild --status: current" \
	"in_root '$R' profileacl-rebuild --status >'$log/status4' 2>&1"
integration "$log/int2"
ok=$?
check "the profile sync works again on $U4: $(tail -1 "$log/int2")" \
	"[ $ok -eq 0 ]"
tool_check "$log/tool3" profileacl-check
check "the trigger's rebuild made profileacl-decide current: it runs on $U4 (rc $rc)" \
	"tool_checked \$rc '$log/tool3'" || sed 's/^/     /' "$log/tool3"

# --- 4. the module for the other build, copied in by hand
cp "$module" "$log/profileacl-u4.so"
cp "$log/profileacl-u2.so" "$module"
guard "$u2_id" "$log/guard2"
ok=$?
check "a module for $U2 copied in by hand refuses to load" "[ $ok -eq 0 ]"
cp "$log/profileacl-u4.so" "$module"

du=$(du -sm "$R/var/cache/samba-vfs-profileacl" 2>/dev/null | cut -f1)
echo "     /var/cache/samba-vfs-profileacl after the rebuilds: ${du:-0} MB"
finish
