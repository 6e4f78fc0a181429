#!/bin/bash
# The runner's counting (tests/lib-suite.sh), fed crafted suites: a suite
# counts only through its own exit status and its own closing line, its
# last line. Run by tests/run-all.sh before any real suite.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh

logdir=$(mktemp -d /tmp/profileacl-counting.XXXXXX)
trap 'rm -rf "$logdir"' EXIT

# counts WHAT P F 'SHELL CODE' [FILTER [MIN]]: run SHELL CODE as the suite
# "fake", known to run MIN checks (1), through run_suite, and check that
# it adds P passed and F failed
counts() {
	local what=$1 p=$2 f=$3 code=$4 filter=${5:-.} min=${6:-1}
	tests_passed=0
	tests_failed=0
	run_suite fake "$min" "$filter" bash -c "$code" >"$logdir/console" 2>&1
	check "$what: counted $p passed, $f failed (got $tests_passed, \
$tests_failed)" "[ $tests_passed -eq $p ] && [ $tests_failed -eq $f ]"
}

counts "a passing suite" 3 0 \
	'echo "ok   a"; echo "fake: 3 passed, 0 failed"'
counts "a passing suite whose lines the filter hides" 3 0 \
	'echo "ok   a"; echo "fake: 3 passed, 0 failed"' '^NOTHING'
counts "a failing suite" 2 1 \
	'echo "FAIL a"; echo "fake: 2 passed, 1 failed"; exit 1'
counts "an inner suite's line, then death (exit 1)" 0 1 \
	'echo "ok   x: 5 passed, 0 failed"; echo "x: 5 passed, 0 failed"; exit 1'
check "the runner says why it counted the failure" \
	"grep -q 'fake: its last line is not its own' '$logdir/console'"
counts "an inner suite's line last, exit 0" 0 1 \
	'echo "integration: 158 passed, 0 failed"'
counts "a name that only ends with the suite's" 0 1 \
	'echo "notfake: 4 passed, 0 failed"'
counts "its own line, then a traceback" 0 1 \
	'echo "fake: 4 passed, 0 failed"; echo "Traceback (most recent call last):"; exit 1'
counts "its own line, then a blank line" 0 1 \
	'echo "fake: 4 passed, 0 failed"; echo'
counts "its own line with no failure, exit 1" 5 1 \
	'echo "fake: 5 passed, 0 failed"; exit 1'
counts "its own line, then killed by a signal" 5 1 \
	'echo "fake: 5 passed, 0 failed"; kill -9 $$'
counts "failures reported, exit 0" 4 2 \
	'echo "fake: 4 passed, 2 failed"'
counts "skipped: 0 passed, 0 failed, exit 0" 0 1 \
	'echo "fake: 0 passed, 0 failed"'
counts "no output, exit 0" 0 1 'true'
counts "a release in its name" 6 0 \
	'echo "fake (Samba 4.22): 6 passed, 0 failed"'
counts "the closing line without a newline" 2 0 \
	'printf "fake: 2 passed, 0 failed"'
# a suite known to run 125 checks that stops after one (domain-pdc when
# testparm refuses the server role: "1 passed, 0 failed", exit 0)
counts "a short suite: 1 check of the 125 it is known to run, exit 0" 1 1 \
	'echo "ok   role refused"; echo "fake: 1 passed, 0 failed"' . 125
check "the runner says the suite was short" \
	"grep -q 'fake: 1 checks, fewer than the 125 it is known to run' '$logdir/console'"
counts "a short suite with a failure: 1 more failure" 1 2 \
	'echo "fake: 1 passed, 1 failed"; exit 1' . 5
counts "exactly the checks it is known to run" 125 0 \
	'echo "fake: 125 passed, 0 failed"' . 125
counts "more checks than its minimum" 130 0 \
	'echo "fake: 130 passed, 0 failed"' . 125
tests_passed=0
tests_failed=0
run_suite fake . bash -c 'touch "$0"' "$logdir/ran" >"$logdir/console" 2>&1
check "run_suite without a minimum: 1 failure, and the suite does not run \
(got $tests_passed, $tests_failed)" "[ $tests_passed -eq 0 ] && \
[ $tests_failed -eq 1 ] && ! [ -e '$logdir/ran' ] && \
grep -q 'no minimum count given' '$logdir/console'"
# the name is a literal: "." in samba-4.22 matches only a dot
tests_passed=0
tests_failed=0
echo "samba-4x22: 1 passed, 0 failed" >"$logdir/dot.log"
suite_result samba-4.22 "$logdir/dot.log" 0
check "a suite name is matched literally (samba-4.22 is not samba-4x22)" \
	"[ $suite_failed -eq 1 ]"
# two suites add up
tests_passed=0
tests_failed=0
run_suite one 2 . bash -c 'echo "one: 2 passed, 0 failed"' >/dev/null
run_suite two 1 . bash -c 'echo "x: 9 passed, 0 failed"; exit 2' >/dev/null
check "two suites add up: 2 passed, 1 failed (got $tests_passed, \
$tests_failed)" "[ $tests_passed -eq 2 ] && [ $tests_failed -eq 1 ]"

summary runner-counting
