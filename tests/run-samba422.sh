#!/bin/bash
# The integration suite and the smbtorture table against Samba 4.22 (the
# real smbd of Debian 13, chrooted in samba-src/trixie-root), with the
# module built from the same source against the 4.22 tree.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup-samba422.sh || exit 1
scripts/build-samba422.sh | tail -1 || exit 1
so=build/samba-4.22/profileacl.so
export PROFILEACL_SAMBA_ROOT="$top/samba-src/trixie-root"
export PROFILEACL_TEST_ROOT=/tmp/profileacl-test-4.22
export PROFILEACL_TORTURE_ROOT=/tmp/profileacl-torture-4.22
rc=0
tests/netns-run.sh "$so" /usr/bin/python3 tests/test_integration.py \
	>build/test-logs/integration-4.22.log 2>&1 || rc=1
grep -E '^FAIL|passed' build/test-logs/integration-4.22.log |
	sed 's/^integration:/integration (Samba 4.22):/'
tests/netns-run.sh "$so" /usr/bin/python3 tests/smbtorture_table.py \
	>build/test-logs/smbtorture-4.22.log 2>&1 || rc=1
grep -E '^FAIL|passed|^[a-z_]+ +[0-9]+ of' build/test-logs/smbtorture-4.22.log
# one closing line for both suites
cat build/test-logs/integration-4.22.log build/test-logs/smbtorture-4.22.log |
	sed -nE 's/^[^ ].*: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' |
	awk -v rc=$rc '{p += $1; f += $2; n++}
		END {if (n < 2 && f == 0) f = 1;
		     printf "samba-4.22: %d passed, %d failed\n", p, f}'
exit $rc
