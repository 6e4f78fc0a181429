# How a test suite's result is counted (sourced, not run on its own): by
# tests/run, the runner of the rows of tests/suites, and by the suites that
# run a suite inside a check (suite_ok); tests/test_runner_counting.sh
# feeds the runner crafted suites.
#
# A suite counts only through its own exit status and its own closing
# line, the last line of its output:
#   NAME: N passed, N failed        or   NAME (WHAT): N passed, N failed
# A line of an inner suite (test_install.sh prints "integration: 158
# passed, 0 failed" among its checks) counts for nothing. So:
#   - no own closing line (another line last, or no output): 1 failure;
#   - exit status not 0 and no failure counted: 1 failure;
#   - 0 passed and 0 failed (skipped): 1 failure;
#   - exit status 0 and failures counted: the failures count;
#   - fewer checks (passed and failed) than MIN, the count the suite is
#     known to run: 1 failure more (a suite that stopped early, as when a
#     set-up refuses and the suite reports only that, is not a pass).
#
#   suite_result NAME LOG RC [MIN]
#                              sets suite_passed, suite_failed and
#                              suite_why (empty, or why a failure was
#                              counted that the suite did not report);
#                              MIN defaults to 1
#   suite_ok NAME LOG RC [MIN] true when the suite passed

tests_passed=0
tests_failed=0

suite_result() {
	local name=$1 log=$2 rc=$3 min=${4:-1} last re
	suite_passed=0
	suite_failed=0
	suite_why=""
	last=$(tail -n 1 "$log" 2>/dev/null)
	# NAME as a literal in the pattern
	re=$(sed 's/[][\.*^$()+?{}|]/\\&/g' <<<"$name")
	re="^$re( \\([^)]*\\))?: ([0-9]+) passed, ([0-9]+) failed\$"
	if ! [[ $last =~ $re ]]; then
		suite_failed=1
		suite_why="its last line is not its own \"$name: N passed, N failed\" (exit status $rc)"
		return
	fi
	suite_passed=$((10#${BASH_REMATCH[2]}))
	suite_failed=$((10#${BASH_REMATCH[3]}))
	if [ "$rc" -ne 0 ] && [ "$suite_failed" -eq 0 ]; then
		suite_failed=1
		suite_why="exit status $rc with no failure counted"
	elif [ "$suite_passed" -eq 0 ] && [ "$suite_failed" -eq 0 ]; then
		suite_failed=1
		suite_why="0 passed, 0 failed: it ran no check"
	elif [ $((suite_passed + suite_failed)) -lt "$min" ]; then
		suite_why="$((suite_passed + suite_failed)) checks, fewer than the $min it is known to run"
		suite_failed=$((suite_failed + 1))
	fi
}

suite_ok() {
	suite_result "$@"
	[ "$suite_failed" -eq 0 ]
}
