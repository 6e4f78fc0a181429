#!/bin/bash
# Every test of vfs_profileacl, from a fresh Debian 12 machine, as root:
#   set-up (packages, matching Samba source), build, cmocka unit tests,
#   integration tests against a real smbd in private namespaces, and the
#   demo's end-to-end check.
# The last line is "tests: N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/setup-debian.sh || exit 1
make || exit 1

passed=0
failed=0
logdir=build/test-logs
mkdir -p "$logdir"

# add the counts of one suite's "N passed, N failed" line
count() {
	local line
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	if [ -z "$line" ]; then
		echo "run-all: $2 printed no result line: counted as 1 failure"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")))
	failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
}

echo "== unit tests (cmocka)"
build/test_profileacl_policy 2>&1 | tee "$logdir/unit.log"
u_pass=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p' "$logdir/unit.log")
u_fail=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p' "$logdir/unit.log")
if [ -z "$u_pass$u_fail" ]; then
	u_fail=1
fi
echo "unit: ${u_pass:-0} passed, ${u_fail:-0} failed" >"$logdir/unit.count"
count "$logdir/unit.count" unit

echo "== docs: guide, man page and README agree with the code"
/usr/bin/python3 tests/test_docs.py 2>&1 | tee "$logdir/docs.log"
count "$logdir/docs.log" docs

echo "== fuzzing (libFuzzer, ASan, UBSan), 60 s per harness"
tests/fuzz/run-fuzz.sh 60 2>&1 | tee "$logdir/fuzz.log"
count "$logdir/fuzz.log" fuzz

echo "== build: version mismatch stops the build"
tests/test_build_mismatch.sh 2>&1 | tee "$logdir/mismatch.log"
count "$logdir/mismatch.log" build-mismatch

echo "== integration tests (real smbd, SMB1 and SMB2)"
tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/test_integration.py 2>&1 | tee "$logdir/integration.log" |
	grep -v -e '^debug_lookup_classname' -e '^tdbsam'
count "$logdir/integration.log" integration

echo "== deny matrix (users x objects x access x shares x SMB1/SMB2)"
tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/test_deny_matrix.py 2>&1 | tee "$logdir/matrix.log" |
	grep -E '^(FAIL|ok|deny)'
count "$logdir/matrix.log" deny-matrix

echo "== fault injection below the module"
tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/test_faults.py 2>&1 | tee "$logdir/faults.log" |
	grep -E '^(FAIL|ok|faults)'
count "$logdir/faults.log" faults

echo "== load: 50 owners syncing, 10 others trying (short form: 20 s)"
PROFILEACL_LOAD_SECONDS=${PROFILEACL_LOAD_SECONDS:-20} \
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/test_load.py 2>&1 | tee "$logdir/load.log" |
	grep -E '^(FAIL|ok|load)'
count "$logdir/load.log" load

echo "== smbtorture table (4 configurations, one process per test)"
tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/smbtorture_table.py 2>&1 | tee "$logdir/smbtorture.log" |
	grep -v -e '^debug_lookup_classname' -e '^tdbsam'
count "$logdir/smbtorture.log" smbtorture-table

echo "== valgrind: integration and smbtorture (module) with smbd under memcheck"
# first show that the checker fails on a module error and leak
vg_self=$(mktemp -d /tmp/profileacl-vgself.XXXXXX)
cp tests/data/vg-synthetic.log "$vg_self/"
if /usr/bin/python3 tests/valgrind_check.py "$vg_self" >/dev/null; then
	echo "valgrind-check: 0 passed, 1 failed (accepted a module error)" |
		tee "$logdir/vgself.log"
else
	echo "valgrind-check: 1 passed, 0 failed" | tee "$logdir/vgself.log"
fi
rm -rf "$vg_self"
count "$logdir/vgself.log" valgrind-check
tests/run-valgrind.sh 2>&1 | tee "$logdir/valgrind.log" |
	grep -v -e '^debug_lookup_classname' -e '^tdbsam'
count "$logdir/valgrind.log" valgrind

echo "== install: make install/uninstall, Debian package build/install/purge"
tests/test_install.sh 2>&1 | tee "$logdir/install.log"
count "$logdir/install.log" install

echo "== Samba 4.22 (Debian 13 root): integration suite and smbtorture table"
tests/run-samba422.sh 2>&1 | tee "$logdir/samba-4.22.log"
count "$logdir/samba-4.22.log" samba-4.22

echo "== demo (Windows 2000-style logoff, with and without the module)"
demo_rc=0
tests/netns-run.sh build/profileacl.so /usr/bin/python3 tests/demo.py \
	>"$logdir/demo.log" 2>&1 || demo_rc=$?
grep -v -e '^debug_lookup_classname' -e '^tdbsam' "$logdir/demo.log"
if [ "$demo_rc" -eq 0 ]; then
	echo "demo: 1 passed, 0 failed" | tee -a "$logdir/demo.log"
else
	echo "demo: 0 passed, 1 failed" | tee -a "$logdir/demo.log"
fi
count "$logdir/demo.log" demo

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
