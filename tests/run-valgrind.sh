#!/bin/bash
# The integration suite and the smbtorture runs with the module with smbd
# under valgrind memcheck (--trace-children=yes): fails on any error whose
# stack has a frame in profileacl.so and on any leak from the module.
# Slow (smbd runs about 20 times slower): minutes, not seconds.
#
#   tests/run-valgrind.sh [--release 4.22|4.24] [smbtorture_table options]
#
# With --release, the release's smbd in its root (scripts/setup-samba-root.sh)
# and the module built against its tree.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
release=""
if [ "${1:-}" = --release ]; then
	release=$2
	shift 2
fi
if [ -z "$release" ]; then
	scripts/setup-debian.sh >/dev/null || exit 1
	command -v valgrind >/dev/null ||
		apt-get install -y -qq valgrind >/dev/null
	make >/dev/null || exit 1
	so=build/profileacl.so
	vdir=/tmp/profileacl-valgrind
else
	ready=$(scripts/setup-samba-root.sh "$release" | tail -1) || exit 1
	scripts/build-samba-root.sh "$release" >/dev/null || exit 1
	export PROFILEACL_SAMBA_ROOT
	PROFILEACL_SAMBA_ROOT=$(sed -nE 's/.*root ready: ([^,]+),.*/\1/p' \
		<<<"$ready")
	so=build/samba-$release/profileacl.so
	vdir=/tmp/profileacl-valgrind-$release
	export PROFILEACL_TEST_ROOT=/tmp/profileacl-vgtest-$release
	export PROFILEACL_TORTURE_ROOT=/tmp/profileacl-vgtorture-$release
fi

rm -rf "$vdir"
export PROFILEACL_VALGRIND=$vdir
rc=0
tests/netns-run.sh "$so" /usr/bin/python3 \
	tests/test_integration.py >"$vdir.integration" 2>&1 || rc=1
grep -E 'FAIL|passed' "$vdir.integration"
tests/netns-run.sh "$so" /usr/bin/python3 \
	tests/smbtorture_table.py "${@:---configs=module,write_owner}" \
	>"$vdir.torture" 2>&1 || rc=1
grep -E 'FAIL|passed|of [0-9]+' "$vdir.torture"
/usr/bin/python3 tests/valgrind_check.py "$vdir" || rc=1
if [ $rc -eq 0 ]; then
	echo "valgrind-run${release:+ (Samba $release)}: 1 passed, 0 failed"
else
	echo "valgrind-run${release:+ (Samba $release)}: 0 passed, 1 failed"
fi
exit $rc
