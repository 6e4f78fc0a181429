# How a test suite's result is counted (sourced): by tests/run, and by the
# suites that run a suite inside a check (suite_ok). A suite counts only
# through its exit status and its own closing line, its last line:
#   NAME: N passed, N failed        or   NAME (WHAT): N passed, N failed
# An inner suite's line (test_install.sh prints integration's) counts for
# nothing. One failure is counted, beyond those it reports, for no own
# closing line, an exit status not 0 with no failure counted, or fewer
# checks than MIN, the count the suite is known to run (its row's min in
# tests/suites): a suite that skipped all (0 passed, 0 failed) or stopped
# early, as when a set-up refuses, is not a pass. A MIN that is not a
# count of 1 or more, none given among them, is a failure too: a suite
# run inside a check is held to its row's count as tests/run holds it.
# tests/test_runner_counting.sh feeds the runner such suites.
#
#   suite_result NAME LOG RC MIN    sets suite_passed, suite_failed and
#                                   suite_why (why a failure was counted
#                                   that the suite did not report)
#   suite_ok NAME LOG RC MIN        true when the suite passed
#   suite_min NAME SAMBA [TABLE [FORM]]
#                                   MIN of the suite NAME run against
#                                   samba SAMBA (a release, 4.22, or
#                                   dpkg's version): of its first rows
#                                   of FORM (check: not tagged long, the
#                                   default; long) in TABLE (tests/
#                                   suites), on host and on root-4.22,
#                                   the larger; nothing, and status 1,
#                                   when it has neither or SAMBA is no
#                                   version
tests_passed=0 tests_failed=0

suite_result() {
	local name=$1 log=$2 rc=$3 min=${4:-} n re
	suite_passed=0 suite_failed=0 suite_why=""
	# NAME as a literal in the pattern
	re=$(sed 's/[][\.*^$()+?{}|]/\\&/g' <<<"$name")
	re="^$re( \\([^)]*\\))?: ([0-9]+) passed, ([0-9]+) failed\$"
	if [[ $(tail -n 1 "$log" 2>/dev/null) =~ $re ]]; then
		suite_passed=$((10#${BASH_REMATCH[2]}))
		suite_failed=$((10#${BASH_REMATCH[3]}))
		n=$((suite_passed + suite_failed))
		if ! [[ $min =~ ^[1-9][0-9]*$ ]]; then
			suite_why="no count of checks it is known to run (MIN '$min')"
		elif [ "$rc" -ne 0 ] && [ "$suite_failed" -eq 0 ]; then
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

# the table beside this file, wherever the caller runs
suite_table=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/suites
suite_min() {
	local rel=${2#*:}
	# a release with no root row, this machine's (4.17), has the host's
	rel=$(cut -d. -f1-2 <<<"$rel")
	# no samba version (a failed dpkg-query): no count, not the host's
	[[ $rel =~ ^[0-9]+\.[0-9]+$ ]] || return 1
	awk -v name="$1" -v root="root-$rel" -v long="${4:-check}" '
		/^[[:space:]]*(#|$)/ { next }
		($4 ~ /(^|,)long(,|$)/) != (long == "long") { next }
		$1 == name && $3 == root && r == "" { r = $2 }
		$1 == name && $3 == "host" && h == "" { h = $2 }
		END {
			if (r == "" || (h != "" && h + 0 > r + 0)) r = h
			if (r == "") exit 1
			print r
		}' "${3:-$suite_table}"
}
