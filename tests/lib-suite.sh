# How a test suite's result is counted (sourced, not run on its own), by
# tests/run-all.sh, tests/run-samba-root.sh and the scripts that run a
# suite inside a check; tests/test_runner_counting.sh feeds it crafted
# suites.
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
#   run_suite NAME MIN FILTER CMD...
#                              runs CMD, keeps its output in
#                              $logdir/NAME.log, shows the lines FILTER (an
#                              egrep pattern) selects, and adds the counts
#                              to tests_passed and tests_failed; MIN is
#                              required: a call without one is a failure

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

run_suite() {
	local name=$1 min=$2 filter=$3 rc start
	shift 3
	if ! [[ $min =~ ^[1-9][0-9]*$ ]]; then
		echo "${0##*/}: $name: no minimum count given ('$min'): counted as 1 failure"
		tests_failed=$((tests_failed + 1))
		return
	fi
	start=$SECONDS
	"$@" 2>&1 | tee "$logdir/$name.log" | grep -E -- "$filter"
	rc=${PIPESTATUS[0]}
	echo "${0##*/}: $name took $((SECONDS - start)) s"
	suite_result "$name" "$logdir/$name.log" "$rc" "$min"
	if [ -n "$suite_why" ]; then
		echo "${0##*/}: $name: $suite_why: counted as 1 failure"
	fi
	tests_passed=$((tests_passed + suite_passed))
	tests_failed=$((tests_failed + suite_failed))
}
