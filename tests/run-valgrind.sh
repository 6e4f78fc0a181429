#!/bin/bash
# The integration suite and the smbtorture runs with the module, smbd
# under valgrind memcheck (--trace-children=yes): fails on any error whose
# stack has a frame in profileacl.so and on any leak from the module.
# Slow (smbd runs about 20 times slower): minutes, not seconds.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup-debian.sh >/dev/null || exit 1
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
make >/dev/null || exit 1

vdir=/tmp/profileacl-valgrind
rm -rf "$vdir"
export PROFILEACL_VALGRIND=$vdir
rc=0
tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/test_integration.py >"$vdir.integration" 2>&1 || rc=1
grep -E 'FAIL|passed' "$vdir.integration"
tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/smbtorture_table.py "${@:---configs=module,write_owner}" \
	>"$vdir.torture" 2>&1 || rc=1
grep -E 'FAIL|passed|of [0-9]+' "$vdir.torture"
/usr/bin/python3 tests/valgrind_check.py "$vdir" || rc=1
if [ $rc -eq 0 ]; then
	echo "valgrind-run: 1 passed, 0 failed"
else
	echo "valgrind-run: 0 passed, 1 failed"
fi
exit $rc
