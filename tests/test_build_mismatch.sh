#!/bin/bash
# The build must stop, with a clear message, when the Samba source tree is
# not the installed samba: a module built from it would be refused by smbd
# at run time. Fakes an installed samba of another version with a dpkg
# database under a scratch root (--samba-root) and runs a real configure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh

scratch=$(mktemp -d /tmp/profileacl-mismatch.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/root/var/lib/dpkg/info" "$scratch/out"
printf '%s\n' 'Package: samba' 'Status: install ok installed' \
	'Architecture: amd64' 'Version: 2:4.99.0+dfsg-1' \
	'Description: fake samba of another version' '' \
	>"$scratch/root/var/lib/dpkg/status"
PYTHONHASHSEED=1 /usr/bin/python3 samba-src/current/buildtools/bin/waf \
	configure --samba-source=samba-src/current \
	--samba-root="$scratch/root" --out="$scratch/out" >"$scratch/log" 2>&1
rc=$?
check "configure stops on a version mismatch, naming both versions" \
	"[ $rc -ne 0 ] && grep -q 'Samba version mismatch' '$scratch/log' &&
	 grep -q '2:4.99.0+dfsg-1' '$scratch/log'" || tail -5 "$scratch/log"
check "no module was produced" "[ ! -e '$scratch/out/profileacl.so' ]"
# an interface version the module was not checked against (4.25 and
# later) stops the compile, naming the checked ones; the checked ones pass
# (the module's own check, cut from its source)
sed -n '/^#if SMB_VFS_INTERFACE_VERSION/,/^#endif/p' \
	vfs_profileacl/vfs_profileacl.c >"$scratch/check.c"
check "the module checks the interface version" \
	"grep -q '#error' '$scratch/check.c'"
for v in 47 50 52 53; do
	gcc -DSMB_VFS_INTERFACE_VERSION=$v -fsyntax-only "$scratch/check.c" \
		>"$scratch/cc" 2>&1
	rc=$?
	if [ $v = 53 ]; then
		check "interface $v (unchecked) stops the compile" \
			"[ $rc -ne 0 ] && grep -q 'checked against' '$scratch/cc'"
	else
		check "interface $v (checked) compiles" "[ $rc -eq 0 ]"
	fi || cat "$scratch/cc"
done
summary build-mismatch
