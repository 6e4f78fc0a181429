#!/bin/bash
# No process a test server started may outlive the tests: smbd, and the
# samba-dcerpcd and rpcd_* helpers smbd starts on demand, for any smb.conf
# under /tmp/profileacl-*.
#
#   tests/check_leftovers.sh          the check, "leftovers: N passed, N failed"
#   tests/check_leftovers.sh --self   first shows that the check finds one
set -uo pipefail

pattern='(smbd|samba-dcerpcd|rpcd_[a-z]+|ctdbd)( .*)? (-s |--configfile=)/tmp/profileacl-'

leftovers() {
	ps -eo pid=,args= | grep -E -- "$pattern" | grep -v -e grep -e check_leftovers
}

passed=0
failed=0
if [ "${1:-}" = --self ]; then
	# a stand-in with a test server's command line must be found
	bash -c 'sleep 30; :' smbd -s /tmp/profileacl-selftest/smb.conf &
	decoy=$!
	sleep 0.2
	if leftovers | grep -q "^ *$decoy "; then
		passed=$((passed + 1))
		echo "ok   the check finds a leftover server (pid $decoy)"
	else
		failed=$((failed + 1))
		echo "FAIL the check missed a leftover server (pid $decoy)"
	fi
	kill "$decoy" 2>/dev/null
	wait "$decoy" 2>/dev/null
fi
left=$(leftovers)
if [ -z "$left" ]; then
	passed=$((passed + 1))
	echo "ok   no test server process left"
else
	failed=$((failed + 1))
	echo "FAIL test server processes left:"
	echo "$left"
fi
echo "leftovers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
