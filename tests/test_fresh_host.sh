#!/bin/bash
# The README's commands on a fresh Debian host, as a newcomer runs them:
# a new debootstrap root (minbase, in samba-src/, git-ignored), its apt
# sources as an admin has them (dpkg's settings are every test root's:
# scripts/lib-root.sh test_root_dpkg), then, as root inside it:
#
#   apt-get install make git; git clone ...; cd vfs_profileacl
#
# and then, by MODE:
#
#   trixie      Debian 13, deb822 sources (sources.list.d/debian.sources,
#               deb only): "make demo", then "make check" with
#               PROFILEACL_CHECK_ROOTS=no (the suites against the host's
#               samba, 4.22; the calling run covers the other releases).
#   bookworm    Debian 12 as its installer leaves it: a one-line
#               /etc/apt/sources.list (deb lines only), no debian.sources:
#               "make setup", then "make && make install"; then no
#               policy-rc.d, none of the test kit, the admin's sources
#               unchanged, and the root's smbd serves the installed
#               module (the integration suite, from this machine).
#
# The clone is of this work tree as it is (a commit of it, bundled). The
# root is new on every run (PROFILEACL_FRESH_KEEP=1 keeps it afterwards
# for a look). Prints each step's time; ends with "fresh-MODE: N passed,
# N failed", the inner make check's counts included.
#   PROFILEACL_DEBIAN_MIRROR  the mirror (default: this machine's)
set -uo pipefail
mode=${1:?usage: test_fresh_host.sh trixie|bookworm}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh
# shellcheck source=scripts/lib-root.sh
. scripts/lib-root.sh
# shellcheck source=scripts/lib-host.sh
. scripts/lib-host.sh

R="$top/samba-src/fresh-$mode"
log=$(mktemp -d /tmp/profileacl-fresh.XXXXXX)
branch="profileacl-fresh-$$"
cleanup() {
	git update-ref -d "refs/heads/$branch" 2>/dev/null
	rm -rf "$log"
	[ "${PROFILEACL_FRESH_KEEP:-}" = 1 ] || rm -rf "$R"
}
trap cleanup EXIT
finish() {
	summary "fresh-$mode"
	exit
}
step_start=0
step() {
	step_start=$(date +%s)
	echo "-- $*"
}
took() { echo "     took $(($(date +%s) - step_start)) s"; }
# in_root with the output kept in $log/NAME
run_in() {
	local name=$1
	shift
	in_root "$R" "$@" >"$log/$name" 2>&1
}

mirror=${PROFILEACL_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' \
	/etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}
security="${mirror%/debian}/debian-security"
case "$mode" in
trixie) dist=trixie ;;
bookworm) dist=bookworm ;;
*)
	echo "test_fresh_host: unknown mode $mode (trixie or bookworm)" >&2
	exit 2
	;;
esac
total_start=$(date +%s)

# --- the root, with apt sources as an admin has them, and no policy-rc.d
step "debootstrap --variant=minbase $dist"
rm -rf "$R"
mkdir -p "$R"
test_root_dpkg "$R" || { fail "the test root's dpkg settings"; finish; }
if ! debootstrap --variant=minbase "$dist" "$R" "$mirror" \
	>"$log/debootstrap" 2>&1; then
	tail -5 "$log/debootstrap"
	fail "debootstrap made no $dist root"
	finish
fi
took
test_root_dpkg "$R" || { fail "the test root's dpkg settings"; finish; }
rm -f "$R/etc/apt/sources.list" "$R"/etc/apt/sources.list.d/*
if [ "$mode" = trixie ]; then
	cat >"$R/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror/
Suites: trixie trixie-updates
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security/
Suites: trixie-security
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
else
	cat >"$R/etc/apt/sources.list" <<EOF
deb $mirror/ bookworm main non-free-firmware
deb $security bookworm-security main non-free-firmware
deb $mirror/ bookworm-updates main non-free-firmware
EOF
fi
admin_sources=$( (cd "$R/etc/apt" && find . -name '*.list' -o -name \
	'*.sources' | sort | xargs md5sum) )
check "the new root has no policy-rc.d" "[ ! -e '$R/usr/sbin/policy-rc.d' ]"

# --- the README's prerequisites and the clone
step "apt-get install make git; git clone"
run_in prereq sh -c 'apt-get update -qq && apt-get install -y -qq make git'
check "apt-get install make git" "[ $? -eq 0 ]" || { tail -5 "$log/prereq"; finish; }
idx="$log/index"
GIT_INDEX_FILE=$idx git read-tree HEAD &&
	GIT_INDEX_FILE=$idx git add -A &&
	commit=$(git commit-tree "$(GIT_INDEX_FILE=$idx git write-tree)" \
		-p HEAD -m "the work tree, for a fresh-host test") &&
	git update-ref "refs/heads/$branch" "$commit" &&
	git bundle create "$R/tmp/vfs_profileacl.bundle" "refs/heads/$branch" \
		>/dev/null 2>&1
run_in clone git clone -q -b "$branch" /tmp/vfs_profileacl.bundle \
	/root/vfs_profileacl
check "git clone" "[ $? -eq 0 ] && [ -f '$R/root/vfs_profileacl/Makefile' ]" ||
	finish
took
in_make() {
	local name=$1
	shift
	run_in "$name" sh -c "cd /root/vfs_profileacl && $*"
}

if [ "$mode" = trixie ]; then
	step "make demo"
	in_make demo make demo
	rc=$?
	took
	sed -n '/^step /,/^$/p' "$log/demo" | sed 's/^/     /'
	check "make demo exits 0 (rc $rc)" "[ $rc -eq 0 ]" ||
		tail -20 "$log/demo"
	check "the demo shows the symptom without the module and the fix with it" \
		"grep -Eq 'set DACL of alice.NTUSER.DAT +NT_STATUS_ACCESS_DENIED +OK' '$log/demo'"
	check "after make demo's test-box set-up: no policy-rc.d" \
		"[ ! -e '$R/usr/sbin/policy-rc.d' ]"
	check "samba 4.22 is the host's samba" \
		"grep -q '^setup: Debian trixie, samba 2:4.22' '$log/demo'"
	check "the deb-src twin is deb822 (debian-src.sources), the admin's sources unchanged" \
		"[ -f '$R/etc/apt/sources.list.d/debian-src.sources' ] &&
		 [ ! -e '$R/etc/apt/sources.list.d/debian-src.list' ] &&
		 [ \"\$(cd '$R/etc/apt' && find . -name '*.list' -o -name '*.sources' |
		   grep -v debian-src | sort | xargs md5sum)\" = '$admin_sources' ]"
	step "make check (PROFILEACL_CHECK_ROOTS=no, 10 s fuzzing, no memcheck)"
	# this machine's run does the fuzzing at length; 4.22 under
	# memcheck is the long form (README)
	PROFILEACL_ROOT_ENV="PROFILEACL_CHECK_ROOTS=no CI=${CI:-}
		PROFILEACL_FUZZ_SECONDS=10 PROFILEACL_VALGRIND_SUITES=no" \
		in_make check timeout 45m make check
	rc=$?
	took
	cp "$log/check" "build/test-logs/fresh-trixie-check.log" 2>/dev/null
	grep -E '^(FAIL|run:)|passed, [0-9]+ failed$' "$log/check" |
		sed 's/^/     /'
	inner=$(tail -1 "$log/check")
	if [[ "$inner" =~ ^tests:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	fi
	check "make check in the root exits 0 (rc $rc) and ends '$inner'" \
		"[ $rc -eq 0 ] && [[ '$inner' =~ ^tests:\ [0-9]+\ passed,\ 0\ failed$ ]]"
	check "after make check: no policy-rc.d" \
		"[ ! -e '$R/usr/sbin/policy-rc.d' ]"
else
	step "make setup (the server set-up)"
	in_make setup make setup
	rc=$?
	took
	check "make setup exits 0 (rc $rc)" "[ $rc -eq 0 ]" ||
		tail -20 "$log/setup"
	check "it leaves no policy-rc.d" "[ ! -e '$R/usr/sbin/policy-rc.d' ]"
	kit=""
	for p in $(testbox_kit bookworm); do
		dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' "$p" \
			2>/dev/null | grep -q 'install ok installed' &&
			kit="$kit $p"
	done
	check "it installs none of the test kit${kit:+:$kit}" "[ -z '$kit' ]"
	check "the deb-src twin is one-line (debian-src.list), the admin's sources unchanged" \
		"[ -f '$R/etc/apt/sources.list.d/debian-src.list' ] &&
		 [ ! -e '$R/etc/apt/sources.list.d/debian-src.sources' ] &&
		 grep -q '^deb-src .* bookworm-security ' '$R/etc/apt/sources.list.d/debian-src.list' &&
		 [ \"\$(cd '$R/etc/apt' && find . -name '*.list' -o -name '*.sources' |
		   grep -v debian-src | sort | xargs md5sum)\" = '$admin_sources' ]"
	step "make && make install"
	in_make install 'make && make install'
	rc=$?
	took
	check "make && make install exits 0 (rc $rc)" "[ $rc -eq 0 ]" ||
		tail -20 "$log/install"
	modulesdir=$(chroot "$R" smbd -b | sed -n 's/^ *MODULESDIR: *//p')
	check "profileacl.so is in the root's MODULESDIR/vfs" \
		"[ -f '$R$modulesdir/vfs/profileacl.so' ]"
	step "the root's smbd serves the installed module (integration suite)"
	# what the test harness needs in the root, after the checks above
	run_in harness-pkgs apt-get install -y -qq --no-install-recommends \
		samba-vfs-modules smbclient acl attr
	PROFILEACL_SAMBA_ROOT=$R PROFILEACL_TEST_ROOT=/tmp/profileacl-fresh-$mode \
		tests/netns-run.sh --installed /usr/bin/python3 \
		tests/test_integration.py >"$log/int" 2>&1
	rc=$?
	took
	min=$(suite_min integration "$(dpkg-query --admindir="$R/var/lib/dpkg" \
		-W -f='${Version}' samba)")
	check "integration suite against the installed module: $(tail -1 "$log/int")" \
		"suite_ok integration '$log/int' $rc '$min'"
fi
echo "     fresh $mode host, from debootstrap to the end: $(($(date +%s) - total_start)) s"
finish
