#!/bin/bash
# The security evidence in its long forms (make check runs short ones):
# deny matrix, fault injection, fuzzing for FUZZ_SECONDS (default 600)
# per harness, and the load test for LOAD_SECONDS (default 60); then no
# test server process may be left. Each suite counts by its own exit
# status and its own closing line, and fails with fewer checks than the
# minimum given (tests/lib-suite.sh); ends with
# "security: N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh
if ! scripts/setup-testbox.sh >/dev/null || ! make >/dev/null; then
	echo "FAIL set-up or build failed"
	echo "security: 0 passed, 1 failed"
	exit 1
fi
logdir=build/test-logs/security
mkdir -p "$logdir"
in_netns() {
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 "$@"
}
run_suite deny-matrix 4426 '^(FAIL|deny)' in_netns tests/test_deny_matrix.py
run_suite faults 58 '^(FAIL|faults)' in_netns tests/test_faults.py
run_suite fuzz 2 . tests/fuzz/run-fuzz.sh "${FUZZ_SECONDS:-600}"
run_suite load 10 '^(FAIL|load)' env PROFILEACL_LOAD_SECONDS="${LOAD_SECONDS:-60}" \
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 tests/test_load.py
run_suite leftovers 1 . tests/check_leftovers.sh
echo "security: $tests_passed passed, $tests_failed failed"
[ "$tests_failed" -eq 0 ]
