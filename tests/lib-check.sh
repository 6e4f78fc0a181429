# Assertions for the shell test scripts (sourced).
#
#   check "what it shows" 'shell condition'    counts and prints ok/FAIL;
#                                              its status is the condition's
#   fail "what did not happen"                 counts and prints a FAIL (a
#                                              set-up step that failed)
#   summary LABEL                              "LABEL: N passed, N failed",
#                                              and the status to exit with;
#                                              no check at all is a failure
passed=0 failed=0
check() {
	eval "$2" || {
		fail "$1"
		return 1
	}
	echo "ok   $1"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL $1"
	failed=$((failed + 1))
}
summary() {
	[ $((passed + failed)) -gt 0 ] || fail "no check ran"
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# private_net "$@", at the top of a script that serves fakes on 127.0.0.1
# (a Debian mirror): the script runs again in a network namespace of its
# own, so that nothing but its own processes reach them, and nothing it
# starts reaches a real network
private_net() {
	[ "${PROFILEACL_PRIVATE_NET:-}" = 1 ] ||
		exec unshare --net --fork -- env PROFILEACL_PRIVATE_NET=1 "$0" "$@"
	ip link set lo up
}

# fake_mirror DIR LOG: serve DIR over HTTP on 127.0.0.1, on a free port;
# sets FAKE_MIRROR (its URL) and FAKE_MIRROR_PID (the caller stops it)
fake_mirror() {
	local port="" _
	: >"$2"
	python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$1" \
		>"$2" 2>&1 &
	FAKE_MIRROR_PID=$!
	for _ in $(seq 50); do
		port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$2")
		[ -n "$port" ] && break
		sleep 0.1
	done
	FAKE_MIRROR="http://127.0.0.1:${port:-0}"
	[ -n "$port" ]
}

# tool_checked RC LOG: profileacl-check, which exited RC and wrote LOG,
# asked its helper about [profiles] and checked it (exit 0 or 1), the
# module loading there (no code for a module or share it could not use)
tool_checked() {
	[ "$1" -le 1 ] && ! grep -q 'cannot check' "$2" &&
		grep -q 'on \[profiles\] checked' "$2" &&
		! grep -qE '\] (bad-options|module-stale|share-unusable|fake-perms) ' "$2"
}
