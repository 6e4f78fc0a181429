#!/bin/bash
# The load guard, short form: build the module for another samba build (a
# made-up libsmbd-base build ID) and check that this machine's smbd does
# not run it (tests/test_load_guard.py). The real update of a Debian 12
# samba from +deb12u2 to +deb12u4 is tests/test_update.sh.
set -uo pipefail
cd "$(dirname "$0")/.." || exit
foreign=00112233445566778899aabbccddeeff00112233
out=build/guard
WAF="env PYTHONHASHSEED=1 WAFLOCK=.lock-waf-guard /usr/bin/python3 \
	samba-src/current/buildtools/bin/waf"
if ! $WAF configure --samba-source=samba-src/current --out=$out \
	--samba-build-id=$foreign >/dev/null 2>&1 || ! $WAF build >/dev/null 2>&1; then
	echo "load-guard: 0 passed, 1 failed (the foreign build did not build)"
	exit 1
fi
PROFILEACL_GUARD_BUILT_FOR=$foreign tests/netns-run.sh $out/profileacl.so \
	/usr/bin/python3 tests/test_load_guard.py
