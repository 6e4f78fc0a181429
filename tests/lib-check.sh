# Assertions for the shell test scripts (sourced, not run on its own).
#
#   check "what it shows" 'shell condition'    counts and prints ok/FAIL
#   summary LABEL                              "LABEL: N passed, N failed",
#                                              and the status to exit with
passed=0
failed=0
check() {
	if eval "$2"; then
		echo "ok   $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1"
		failed=$((failed + 1))
	fi
}
summary() {
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
