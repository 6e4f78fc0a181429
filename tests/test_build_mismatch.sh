#!/bin/bash
# The build must stop, with a clear message, when the Samba source tree is
# not the installed samba: a module built from it would be refused by smbd
# at run time. Fakes an installed samba of another version with a dpkg
# database under a scratch root (--samba-root) and runs a real configure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scratch=$(mktemp -d /tmp/profileacl-mismatch.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/root/var/lib/dpkg/info" "$scratch/out"
cat >"$scratch/root/var/lib/dpkg/status" <<'STATUS'
Package: samba
Status: install ok installed
Architecture: amd64
Version: 2:4.99.0+dfsg-1
Description: fake samba of another version

STATUS

passed=0
failed=0
out=$(PYTHONHASHSEED=1 /usr/bin/python3 samba-src/current/buildtools/bin/waf \
	configure --samba-source=samba-src/current \
	--samba-root="$scratch/root" --out="$scratch/out" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "Samba version mismatch" <<<"$out" &&
   grep -q "2:4.99.0+dfsg-1" <<<"$out"; then
	echo "ok   configure stops on a version mismatch, naming both versions"
	passed=$((passed + 1))
else
	echo "FAIL configure did not stop on a version mismatch (rc $rc)"
	echo "$out" | tail -5
	failed=$((failed + 1))
fi
if [ ! -e "$scratch/out/profileacl.so" ]; then
	echo "ok   no module was produced"
	passed=$((passed + 1))
else
	echo "FAIL a module was produced despite the mismatch"
	failed=$((failed + 1))
fi
# an interface version the module was not checked against (4.25 and
# later) stops the compile, naming the checked ones; the checked ones pass
for v in 47 50 52 53; do
	out=$(printf '#include "profileacl_loadguard.h"\n' |
		gcc -DSMB_VFS_INTERFACE_VERSION=$v -Ivfs_profileacl \
			-fsyntax-only -x c - 2>&1)
	rc=$?
	if [ $v = 53 ]; then
		ok=$([ $rc -ne 0 ] && grep -q "checked against" <<<"$out" &&
			echo yes)
		what="interface $v (unchecked) stops the compile"
	else
		ok=$([ $rc -eq 0 ] && echo yes)
		what="interface $v (checked) compiles"
	fi
	if [ "$ok" = yes ]; then
		echo "ok   $what"
		passed=$((passed + 1))
	else
		echo "FAIL $what: $out"
		failed=$((failed + 1))
	fi
done
echo "build-mismatch: $passed passed, $failed failed"
[ $failed -eq 0 ]
