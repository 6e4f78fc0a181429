#!/bin/bash
# No process a test server started may outlive the tests: smbd, and the
# samba-dcerpcd and rpcd_* helpers smbd starts on demand, for any smb.conf
# under /tmp/profileacl-* (or under PREFIX). A process still there after
# 10 s is left over. Run at the end of make check, make demo and make
# bench.
#
#   tests/check_leftovers.sh [PREFIX]          the check, "leftovers: N
#                                              passed, N failed"
#   tests/check_leftovers.sh --self [PREFIX]   first shows that the check
#                                              finds one
set -uo pipefail

self=no
if [ "${1:-}" = --self ]; then
	self=yes
	shift
fi
prefix=${1:-/tmp/profileacl-}
pattern="(smbd|samba-dcerpcd|rpcd_[a-z]+|ctdbd)( .*)? (-s |--configfile=)$(
	sed 's/[][\.*^$()+?{}|]/\\&/g' <<<"$prefix")"

# the matching processes; fails when ps does, so that an empty answer
# always means none
leftovers() {
	local procs
	procs=$(ps -eo pid=,args=) && [ -n "$procs" ] || return 1
	grep -E -- "$pattern" <<<"$procs" | grep -v -e grep -e check_leftovers
	return 0
}

passed=0
failed=0
if [ $self = yes ]; then
	# a stand-in with a test server's command line must be found
	bash -c 'sleep 30; :' smbd -s "${prefix}selftest/smb.conf" 2>/dev/null &
	decoy=$!
	sleep 0.2
	if leftovers | grep -q "^ *$decoy "; then
		passed=$((passed + 1))
		echo "ok   the check finds a leftover server (pid $decoy)"
	else
		failed=$((failed + 1))
		echo "FAIL the check missed a leftover server (pid $decoy)"
	fi
	# its sleep first, then itself
	pkill -P "$decoy" sleep 2>/dev/null
	kill "$decoy" 2>/dev/null
	wait "$decoy" 2>/dev/null
fi
# servers just stopped may still be exiting: give them 10 s
left=""
for _ in $(seq 50); do
	left=$(leftovers) || break
	[ -z "$left" ] && break
	sleep 0.2
done
if ! leftovers >/dev/null; then
	failed=$((failed + 1))
	echo "FAIL ps failed: the processes could not be listed"
elif [ -z "$left" ]; then
	passed=$((passed + 1))
	echo "ok   no test server process left (${prefix}*)"
else
	failed=$((failed + 1))
	echo "FAIL test server processes left:"
	echo "$left"
fi
echo "leftovers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
