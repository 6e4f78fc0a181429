#!/bin/bash
# The integration suite, the deny matrix (with its durable handle cases),
# the audit paths, fault injection and the smbtorture table against Samba
# 4.22 (the real smbd of Debian 13, chrooted in samba-src/trixie-root),
# with the module built from the same source against the 4.22 tree.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup-samba422.sh || exit 1
scripts/build-samba422.sh | tail -1 || exit 1
so=build/samba-4.22/profileacl.so
export PROFILEACL_SAMBA_ROOT="$top/samba-src/trixie-root"
export PROFILEACL_TEST_ROOT=/tmp/profileacl-test-4.22
export PROFILEACL_TORTURE_ROOT=/tmp/profileacl-torture-4.22
export PROFILEACL_MATRIX_ROOT=/tmp/profileacl-matrix-4.22
export PROFILEACL_AUDIT_ROOT=/tmp/profileacl-audit-4.22
export PROFILEACL_FAULT_ROOT=/tmp/profileacl-faults-4.22
mkdir -p build/test-logs
rc=0
logs=()
for suite in integration deny_matrix audit_paths faults smbtorture_table; do
	script=tests/test_$suite.py
	[ -f "$script" ] || script=tests/$suite.py
	log=build/test-logs/$suite-4.22.log
	logs+=("$log")
	tests/netns-run.sh "$so" /usr/bin/python3 "$script" >"$log" 2>&1 ||
		rc=1
	grep -E '^FAIL|passed|^[a-z_]+ +[0-9]+ of|^deny matrix:' "$log" |
		sed -E 's/^([a-z-]+):/\1 (Samba 4.22):/'
done
# one closing line for every suite
cat "${logs[@]}" |
	sed -nE 's/^[^ ].*: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' |
	awk -v rc=$rc -v want=${#logs[@]} '{p += $1; f += $2; n++}
		END {if (n < want && f == 0) f = 1;
		     printf "samba-4.22: %d passed, %d failed\n", p, f}'
exit $rc
