# How a test suite's result is counted (sourced): by tests/run, and by the
# suites that run a suite inside a check (suite_ok). A suite counts only
# through its exit status and its own closing line, its last line:
#   NAME: N passed, N failed        or   NAME (WHAT): N passed, N failed
# An inner suite's line (test_install.sh prints integration's) counts for
# nothing. One failure is counted, beyond those it reports, for no own
# closing line, an exit status not 0 with no failure counted, or fewer
# checks than MIN (1 or more), the count the suite is known to run: a
# suite that skipped all (0 passed, 0 failed) or stopped early, as when a
# set-up refuses, is not a pass. tests/test_runner_counting.sh feeds the
# runner such suites.
#
#   suite_result NAME LOG RC [MIN]  sets suite_passed, suite_failed and
#                                   suite_why (why a failure was counted
#                                   that the suite did not report); MIN
#                                   1 unless given
#   suite_ok NAME LOG RC [MIN]      true when the suite passed
tests_passed=0 tests_failed=0

suite_result() {
	local name=$1 log=$2 rc=$3 min=${4:-1} n re
	suite_passed=0 suite_failed=0 suite_why=""
	# a suite that ran no check is never a pass, whatever MIN says
	[[ $min =~ ^[1-9][0-9]*$ ]] || min=1
	# NAME as a literal in the pattern
	re=$(sed 's/[][\.*^$()+?{}|]/\\&/g' <<<"$name")
	re="^$re( \\([^)]*\\))?: ([0-9]+) passed, ([0-9]+) failed\$"
	if [[ $(tail -n 1 "$log" 2>/dev/null) =~ $re ]]; then
		suite_passed=$((10#${BASH_REMATCH[2]}))
		suite_failed=$((10#${BASH_REMATCH[3]}))
		n=$((suite_passed + suite_failed))
		if [ "$rc" -ne 0 ] && [ "$suite_failed" -eq 0 ]; then
			suite_why="exit status $rc with no failure counted"
		elif [ $n -lt "$min" ]; then
			suite_why="$n checks, fewer than the $min it is known to run"
		fi
	else
		suite_why="its last line is not its own \"$name: N passed, N failed\" (exit status $rc)"
	fi
	[ -z "$suite_why" ] || suite_failed=$((suite_failed + 1))
}

suite_ok() {
	suite_result "$@"
	[ "$suite_failed" -eq 0 ]
}
