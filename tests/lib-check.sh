# Assertions for the shell test scripts (sourced, not run on its own).
#
#   check "what it shows" 'shell condition'    counts and prints ok/FAIL;
#                                              its status is the condition's
#   fail "what did not happen"                 counts and prints a FAIL (a
#                                              set-up step that failed)
#   summary LABEL                              "LABEL: N passed, N failed",
#                                              and the status to exit with;
#                                              no check at all is a failure
passed=0
failed=0
check() {
	if eval "$2"; then
		echo "ok   $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1"
		failed=$((failed + 1))
		return 1
	fi
}
fail() {
	echo "FAIL $1"
	failed=$((failed + 1))
}
summary() {
	if [ $((passed + failed)) -eq 0 ]; then
		fail "no check ran"
	fi
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
