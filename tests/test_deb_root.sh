#!/bin/bash
# The Debian package for another Samba release: build it inside that
# release's root, install it there with dpkg, run the integration suite
# against the installed module (the root's smbd loads it from its own
# MODULESDIR, no tmpfs), and purge it.
#
#   tests/test_deb_root.sh 4.22|4.24
set -uo pipefail
release=${1:?usage: test_deb_root.sh 4.22|4.24}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh
# a set-up that fails is a failure, never a skip
setup_failed() {
	fail "$1"
	summary "deb-$release"
	exit 1
}
ready=$(scripts/setup-samba-root.sh "$release" | tail -1) ||
	setup_failed "the $release root could not be set up"
R=$(sed -nE 's/.*root ready: ([^,]+),.*/\1/p' <<<"$ready")
[ -n "$R" ] && [ -d "$R" ] ||
	setup_failed "no $release root (setup said: $ready)"
# shellcheck source=scripts/lib-root.sh
. scripts/lib-root.sh
samba=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Version}' samba)
modulesdir=$(chroot "$R" smbd -b | sed -n 's/^ *MODULESDIR: *//p')
so="$R$modulesdir/vfs/profileacl.so"
log=$(mktemp -d /tmp/profileacl-deb.XXXXXX)
trap 'rm -rf "$log"' EXIT

deb=$(scripts/build-deb.sh "$release" 2>"$log/build.err" |
	grep -v dbgsym | tail -1)
check "the $release package builds in its root: $(basename "${deb:-none}")" \
	"[ -f '$deb' ]"
if [ -f "$deb" ]; then
	check "its version names samba $samba" \
		"dpkg-deb -f '$deb' Version | grep -qF \"+samba\$(tr -- - + <<<'${samba#*:}')\""
	series=$(cut -d. -f1-2 <<<"$samba")
	want="samba (>= $series~), samba (<< ${series%.*}.$((${series##*.} + 1))~)"
	check "it depends on the samba series: $want" \
		"dpkg-deb -f '$deb' Depends | grep -qF '$want'"
	cp "$deb" "$R/tmp/"
	in_root "$R" dpkg -i "/tmp/$(basename "$deb")" >"$log/dpkg-i" 2>&1
	check "dpkg -i installs $so" "[ -f '$so' ]"
	check "dpkg -i installs the man page" \
		"[ -f '$R/usr/share/man/man8/vfs_profileacl.8.gz' ]"
	PROFILEACL_SAMBA_ROOT=$R PROFILEACL_TEST_ROOT=/tmp/profileacl-deb-$release \
		tests/netns-run.sh --installed /usr/bin/python3 \
		tests/test_integration.py >"$log/int" 2>&1
	rc=$?
	check "integration suite against the packaged module: $(tail -1 \
		"$log/int")" "suite_ok integration '$log/int' $rc"
	in_root "$R" dpkg --purge samba-vfs-profileacl >"$log/purge" 2>&1
	check "dpkg --purge removes the module" "[ ! -e '$so' ]"
	rm -f "$R/tmp/$(basename "$deb")"
fi
summary "deb-$release"
