#!/bin/bash
# The security evidence in its long forms (make check runs short ones):
# deny matrix, fault injection, fuzzing for FUZZ_SECONDS (default 600)
# per harness, and the load test for LOAD_SECONDS (default 60).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup-debian.sh >/dev/null || exit 1
make >/dev/null || exit 1
logs=build/test-logs
mkdir -p "$logs"
rc=0
for t in test_deny_matrix test_faults; do
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
		"tests/$t.py" >"$logs/$t.long.log" 2>&1 || rc=1
	grep -E '^(FAIL|deny|faults)' "$logs/$t.long.log"
done
tests/fuzz/run-fuzz.sh "${FUZZ_SECONDS:-600}" || rc=1
PROFILEACL_LOAD_SECONDS=${LOAD_SECONDS:-60} tests/netns-run.sh \
	build/profileacl.so /usr/bin/python3 tests/test_load.py \
	>"$logs/load.long.log" 2>&1 || rc=1
grep -E '^(FAIL|load)' "$logs/load.long.log"
exit $rc
